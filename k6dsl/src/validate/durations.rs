//! Every duration in the model must fit what k6 can hold.

use std::time::Duration;

use crate::model::{self, Executor, Script, Shortcut, Stage};
use crate::validate::problem::{Place, Problem};

use super::*;
use k6dsl_facts::duration::{GoDuration, MAX_GO_DURATION};
use k6dsl_facts::executor::{GRACEFUL_RAMP_DOWN, MAX_DURATION, TIME_UNIT};

impl Validator {
    /// Every duration must fit Go's `time.Duration` (about 292 years): k6 cannot read
    /// a longer one.
    pub(super) fn durations(&mut self, script: &Script) {
        let mut all: Vec<(Place, &'static str, Duration)> = Vec::new();
        let stages =
            |all: &mut Vec<(Place, &'static str, Duration)>, place: &Place, stages: &[Stage]| {
                for stage in stages {
                    all.push((place.clone(), "stage duration", stage.duration));
                }
            };
        match &script.options.execution {
            model::Execution::Default => {}
            model::Execution::Shortcut(shortcut) => match shortcut {
                Shortcut::Duration { duration, .. } => {
                    all.push((Place::Shortcut, "duration", *duration))
                }
                Shortcut::Iterations { duration, .. } => {
                    all.extend(duration.map(|d| (Place::Shortcut, "duration", d)))
                }
                Shortcut::Stages { stages: list, .. } => stages(&mut all, &Place::Shortcut, list),
            },
            model::Execution::Scenarios(scenarios) => {
                for scenario in scenarios {
                    let place = Place::Scenario(scenario.name.clone());
                    let mut optional = |field, d: Option<Duration>| {
                        all.extend(d.map(|d| (place.clone(), field, d)))
                    };
                    optional("startTime", scenario.start_time);
                    optional("gracefulStop", scenario.graceful_stop);
                    match &scenario.executor {
                        Executor::SharedIterations { max_duration, .. }
                        | Executor::PerVuIterations { max_duration, .. } => {
                            optional(MAX_DURATION.k6_name, *max_duration)
                        }
                        Executor::ConstantVus { duration, .. }
                        | Executor::ExternallyControlled { duration, .. } => {
                            optional("duration", Some(*duration))
                        }
                        Executor::RampingVus {
                            stages: list,
                            graceful_ramp_down,
                            ..
                        } => {
                            optional(GRACEFUL_RAMP_DOWN.k6_name, *graceful_ramp_down);
                            stages(&mut all, &place, list);
                        }
                        Executor::ConstantArrivalRate {
                            time_unit,
                            duration,
                            ..
                        } => {
                            optional(TIME_UNIT.k6_name, *time_unit);
                            optional("duration", Some(*duration));
                        }
                        Executor::RampingArrivalRate {
                            time_unit,
                            stages: list,
                            ..
                        } => {
                            optional(TIME_UNIT.k6_name, *time_unit);
                            stages(&mut all, &place, list);
                        }
                    }
                }
            }
        }
        for threshold in &script.options.thresholds {
            if let Some(delay) = threshold.delay_abort_eval {
                all.push((Place::Threshold(threshold.key()), "delayAbortEval", delay));
            }
        }
        let general = &script.options.general;
        for (field, duration) in [
            ("setupTimeout", general.setup_timeout),
            ("teardownTimeout", general.teardown_timeout),
            ("minIterationDuration", general.min_iteration_duration),
        ] {
            all.extend(duration.map(|d| (Place::Option(field), field, d)));
        }
        if let Some(crate::model::options::DnsTtl::For(ttl)) = general.dns.and_then(|dns| dns.ttl) {
            all.push((Place::Option("dns"), "dns.ttl", ttl));
        }
        for (place, field, duration) in all {
            if duration > MAX_GO_DURATION {
                self.push(
                    place,
                    Problem::Invalid {
                        field,
                        reason: format!(
                            "{} is longer than k6 can represent (at most {})",
                            GoDuration(duration),
                            GoDuration(MAX_GO_DURATION)
                        ),
                    },
                );
            }
        }
    }
}
