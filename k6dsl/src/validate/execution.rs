//! How VUs and iterations are scheduled: the top-level shortcuts, scenarios and
//! their executors.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::model::{self, Executor, Script, Shortcut, Stage};
use crate::validate::problem::{Place, Problem};

use super::*;
use k6dsl_facts::executor::{
    MAX_DURATION, MAX_STAGE_TARGET, PRE_ALLOCATED_VUS, START_RATE, START_VUS, TIME_UNIT,
};

impl Validator {
    pub(super) fn shortcut(&mut self, shortcut: &Shortcut) {
        let place = || Place::Shortcut;
        match shortcut {
            Shortcut::Duration { vus, duration } => {
                self.positive(place(), "vus", u64::from(*vus));
                if duration.is_zero() {
                    self.push(place(), Problem::NotPositive { field: "duration" });
                } else {
                    // k6 runs it as a constant-vus scenario, which lasts at least 1s.
                    self.at_least_one_second(place(), "duration", *duration);
                }
            }
            Shortcut::Iterations {
                vus,
                iterations,
                duration,
            } => {
                self.iterations(place(), *vus, *iterations);
                if let Some(duration) = duration {
                    self.at_least_one_second(place(), "duration", *duration);
                }
            }
            Shortcut::Stages { vus, stages } => {
                self.stages(place(), "vus", u64::from(*vus), stages, MAX_STAGE_TARGET);
            }
        }
    }

    pub(super) fn scenarios(&mut self, scenarios: &[model::Scenario], script: &Script) {
        if scenarios.is_empty() {
            self.push(
                Place::Script,
                Problem::Invalid {
                    field: "scenarios",
                    reason: "there are no scenarios: add one or leave the load unset".into(),
                },
            );
        }
        let mut seen = BTreeSet::new();
        let flows: BTreeSet<&str> = script.flows.iter().map(|f| f.name.as_str()).collect();
        for scenario in scenarios {
            let place = || Place::Scenario(scenario.name.clone());
            if !is_valid_scenario_name(&scenario.name) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "scenario name",
                        name: scenario.name.clone(),
                        rule: "k6 scenario names use only ASCII letters, digits, `_` and `-`",
                    },
                );
            }
            if !seen.insert(scenario.name.as_str()) {
                self.push(
                    place(),
                    Problem::Duplicate {
                        what: "scenario name",
                        name: scenario.name.clone(),
                    },
                );
            }
            match &scenario.exec {
                Some(exec) if !flows.contains(exec.as_str()) => {
                    self.push(place(), Problem::UnknownExec { name: exec.clone() })
                }
                // Without exec k6 runs the default function: an empty one when the
                // script has flows but no default flow, which sends nothing.
                None if script.default_flow.is_none() && !script.flows.is_empty() => self.push(
                    place(),
                    Problem::Invalid {
                        field: "exec",
                        reason: format!(
                            "the scenario runs no flow (k6 would run an empty default function and send no request): set its exec to one of the script's flows ({}; `.exec(&flow)` in Rust), or set a default flow",
                            some_of(
                                script.flows.iter().map(|f| f.name.as_str()),
                                script.flows.len()
                            )
                        ),
                    },
                ),
                _ => {}
            }
            self.tags(place(), &scenario.tags);
            for key in scenario.env.keys() {
                if key.is_empty() || key.contains('=') || key.contains('\0') {
                    self.push(
                        place(),
                        Problem::Invalid {
                            field: "env",
                            reason: format!(
                                "environment variable name `{key}` must be non-empty, without `=` or NUL"
                            ),
                        },
                    );
                }
            }
            self.executor(place, scenario);
        }
    }

    fn executor(&mut self, place: impl Fn() -> Place, scenario: &model::Scenario) {
        match &scenario.executor {
            Executor::SharedIterations {
                vus,
                iterations,
                max_duration,
            } => {
                self.iterations(place(), vus.unwrap_or(1), iterations.unwrap_or(1));
                if let Some(max) = max_duration {
                    self.at_least_one_second(place(), MAX_DURATION.k6_name, *max);
                }
            }
            Executor::PerVuIterations {
                vus,
                iterations,
                max_duration,
            } => {
                self.positive(place(), "vus", u64::from(vus.unwrap_or(1)));
                self.positive(place(), "iterations", iterations.unwrap_or(1));
                self.safe_integer(place(), "iterations", iterations.unwrap_or(1));
                if let Some(max) = max_duration {
                    self.at_least_one_second(place(), MAX_DURATION.k6_name, *max);
                }
            }
            Executor::ConstantVus { vus, duration } => {
                self.positive(place(), "vus", u64::from(vus.unwrap_or(1)));
                self.at_least_one_second(place(), "duration", *duration);
            }
            Executor::RampingVus {
                start_vus, stages, ..
            } => {
                self.stages(
                    place(),
                    START_VUS.k6_name,
                    u64::from(start_vus.unwrap_or(1)),
                    stages,
                    MAX_STAGE_TARGET,
                );
            }
            Executor::ConstantArrivalRate {
                rate,
                time_unit,
                duration,
                pre_allocated_vus,
                max_vus,
            } => {
                self.positive(place(), "rate", *rate);
                self.safe_integer(place(), "rate", *rate);
                self.time_unit(place(), *time_unit);
                self.at_least_one_second(place(), "duration", *duration);
                self.arrival_vus(place(), *pre_allocated_vus, *max_vus);
            }
            Executor::RampingArrivalRate {
                start_rate,
                time_unit,
                stages,
                pre_allocated_vus,
                max_vus,
            } => {
                self.time_unit(place(), *time_unit);
                self.stages(
                    place(),
                    START_RATE.k6_name,
                    start_rate.unwrap_or(0),
                    stages,
                    MAX_SAFE_INTEGER,
                );
                self.arrival_vus(place(), *pre_allocated_vus, *max_vus);
            }
            Executor::ExternallyControlled {
                vus,
                max_vus,
                duration: _,
            } => {
                let vus = vus.unwrap_or(0);
                if let Some(max) = max_vus {
                    if *max < vus {
                        self.push(
                            place(),
                            Problem::LessThan {
                                field: "maxVUs",
                                value: u64::from(*max),
                                other: "vus",
                                other_value: u64::from(vus),
                            },
                        );
                    }
                }
                if scenario.graceful_stop.is_some() {
                    self.push(place(), Problem::GracefulStopForbidden);
                }
            }
        }
    }

    fn iterations(&mut self, place: Place, vus: u32, iterations: u64) {
        self.positive(place.clone(), "vus", u64::from(vus));
        self.positive(place.clone(), "iterations", iterations);
        self.safe_integer(place.clone(), "iterations", iterations);
        if iterations > 0 && iterations < u64::from(vus) {
            self.push(
                place,
                Problem::LessThan {
                    field: "iterations",
                    value: iterations,
                    other: "vus",
                    other_value: u64::from(vus),
                },
            );
        }
    }

    fn at_least_one_second(&mut self, place: Place, field: &'static str, value: Duration) {
        if value < ONE_SECOND {
            self.push(
                place,
                Problem::TooShort {
                    field,
                    value,
                    min: ONE_SECOND,
                },
            );
        }
    }

    fn time_unit(&mut self, place: Place, time_unit: Option<Duration>) {
        if time_unit.is_some_and(|unit| unit.is_zero()) {
            self.push(
                place,
                Problem::NotPositive {
                    field: TIME_UNIT.k6_name,
                },
            );
        }
    }

    /// `max` is the largest start value and target: k6 caps VU ramps at 100,000,000;
    /// rates only need to stay exact in JavaScript.
    fn stages(
        &mut self,
        place: Place,
        start_field: &'static str,
        start: u64,
        stages: &[Stage],
        max: u64,
    ) {
        if stages.is_empty() {
            self.push(place.clone(), Problem::NoStages);
            return;
        }
        let values = std::iter::once((start_field, start))
            .chain(stages.iter().map(|stage| ("stage target", stage.target)));
        for (field, value) in values {
            if value > max {
                self.push(place.clone(), Problem::TooLarge { field, value, max });
            }
        }
        if start == 0 && stages.iter().all(|stage| stage.target == 0) {
            self.push(place.clone(), Problem::NoPositiveTarget { start_field });
        }
        if stages.iter().all(|stage| stage.duration.is_zero()) {
            self.push(
                place,
                Problem::Invalid {
                    field: "stages",
                    reason: "every stage lasts 0s, so nothing would run: give a stage a duration"
                        .into(),
                },
            );
        }
    }

    fn arrival_vus(&mut self, place: Place, pre_allocated: u32, max: Option<u32>) {
        match max {
            Some(max) if max < pre_allocated => self.push(
                place,
                Problem::LessThan {
                    field: "maxVUs",
                    value: u64::from(max),
                    other: PRE_ALLOCATED_VUS.k6_name,
                    other_value: u64::from(pre_allocated),
                },
            ),
            Some(0) | None if pre_allocated == 0 => self.push(place, Problem::NoVus),
            _ => {}
        }
    }
}
