//! What breaks when a test is split across instances ([`crate::model::split`]),
//! said before k6 runs: each instance's share of every scenario, worked out with
//! k6's own arithmetic, and the placed errors and warnings that follow from it.
//!
//! - **Errors**: more instances than the test ever runs VUs at once (the
//!   k6-operator refuses that `parallelism`); an instance with nothing to do in
//!   any scenario; a shared-iterations scenario with fewer iterations than the
//!   instances it is split over.
//! - **Warnings**: an instance without work in one scenario (it still works in
//!   others); `__VU` ([`Value::vu`](crate::steps::Value::vu)) in VU code, which
//!   repeats across instances; `setup()` or `teardown()` that change something and
//!   would run once per instance when each instance runs its own.
//!
//! ```
//! use k6dsl::model::split::Split;
//! use k6dsl::prelude::*;
//! use k6dsl::validate::{check_split, SetupRuns};
//!
//! let script = Script::new().shortcut(Shortcut::duration(nz!(2), secs(30)));
//! let check = check_split(script.to_ir(), &Split::equal(3), SetupRuns::Once);
//! assert_eq!(
//!     check.errors[0].to_string(),
//!     "script: split: the test never runs more than 2 VUs at once, so 3 instances \
//!      leave 1 without a VU (the k6-operator refuses a parallelism above maxVUs): \
//!      split it into at most 2"
//! );
//! // 2 VUs over 3 instances: 1, 1 and none.
//! let vus: Vec<u64> = check.instances.iter().map(|i| i.scenarios[0].vus).collect();
//! assert_eq!(vus, [1, 1, 0]);
//! ```

use std::time::Duration;

use crate::model::split::Split;
use crate::model::vu::{blocks, for_each_expr_in, for_each_request_in};
use crate::model::vu::{Expr, Method};
use crate::model::{Execution, Executor, Script, Shortcut};
use crate::validate::problem::{Place, Problem, ValidationError};

/// Whether every instance runs `setup()` and `teardown()` itself (the
/// k6-operator's open-source runners), or they run once for the whole test (the
/// cluster runner of `k6dsl::run`, `k6dsl k8s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRuns {
    /// Once for the whole test, its data handed to every instance.
    Once,
    /// Once per instance.
    PerInstance,
}

/// What [`check_split`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitCheck {
    /// What makes the split test wrong: it should not run so.
    pub errors: Vec<ValidationError>,
    /// What runs, but differently from one machine.
    pub warnings: Vec<ValidationError>,
    /// Each instance's share, in instance order.
    pub instances: Vec<InstanceShare>,
}

/// One instance's share of the test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceShare {
    /// The instance, from 1 (its `instance_id` tag).
    pub instance: u32,
    /// Its share of each scenario, in the test's order.
    pub scenarios: Vec<ScenarioShare>,
}

impl InstanceShare {
    /// Whether the instance has anything to do.
    pub fn has_work(&self) -> bool {
        self.scenarios.iter().any(|s| s.has_work)
    }
}

/// An instance's share of one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioShare {
    /// The scenario (`default` for a shortcut).
    pub scenario: String,
    /// The most VUs it runs at once (an arrival-rate scenario's `maxVUs`).
    pub vus: u64,
    /// The iterations it runs, for the executors that fix them (shared and
    /// per-VU iterations).
    pub iterations: Option<u64>,
    /// Whether k6 starts the scenario on this instance at all (k6's `HasWork`).
    pub has_work: bool,
}

/// A scenario as the split sees it.
struct Planned {
    name: String,
    place: Place,
    executor: Executor,
    /// When it starts and when its last VU is gone, graceful stops included.
    start: Duration,
    end: Duration,
}

const DEFAULT_GRACEFUL: Duration = Duration::from_secs(30);
const DEFAULT_MAX_DURATION: Duration = Duration::from_secs(600);

/// The test's scenarios with their executors: a shortcut or k6's default as the
/// scenario k6 makes of it.
fn planned(script: &Script) -> Vec<Planned> {
    let default = |executor: Executor| {
        let end = active_time(&executor) + DEFAULT_GRACEFUL;
        vec![Planned {
            name: "default".into(),
            place: Place::Shortcut,
            executor,
            start: Duration::ZERO,
            end,
        }]
    };
    match &script.options.execution {
        Execution::Default => default(Executor::SharedIterations {
            vus: Some(1),
            iterations: Some(1),
            max_duration: None,
        }),
        Execution::Shortcut(Shortcut::Duration { vus, duration }) => {
            default(Executor::ConstantVus {
                vus: Some(*vus),
                duration: *duration,
            })
        }
        Execution::Shortcut(Shortcut::Iterations {
            vus,
            iterations,
            duration,
        }) => default(Executor::SharedIterations {
            vus: Some(*vus),
            iterations: Some(*iterations),
            max_duration: *duration,
        }),
        Execution::Shortcut(Shortcut::Stages { vus, stages }) => default(Executor::RampingVus {
            start_vus: Some(*vus),
            stages: stages.clone(),
            graceful_ramp_down: None,
        }),
        Execution::Scenarios(scenarios) => scenarios
            .iter()
            .map(|s| {
                let start = s.start_time.unwrap_or_default();
                Planned {
                    name: s.name.clone(),
                    place: Place::Scenario(s.name.clone()),
                    executor: s.executor.clone(),
                    start,
                    end: start
                        + active_time(&s.executor)
                        + s.graceful_stop.unwrap_or(DEFAULT_GRACEFUL),
                }
            })
            .collect(),
    }
}

/// How long a scenario runs before its graceful stop (at most, for iterations).
fn active_time(executor: &Executor) -> Duration {
    match executor {
        Executor::SharedIterations { max_duration, .. }
        | Executor::PerVuIterations { max_duration, .. } => {
            max_duration.unwrap_or(DEFAULT_MAX_DURATION)
        }
        Executor::ConstantVus { duration, .. }
        | Executor::ConstantArrivalRate { duration, .. }
        | Executor::ExternallyControlled { duration, .. } => *duration,
        Executor::RampingVus {
            stages,
            graceful_ramp_down,
            ..
        } => {
            stages.iter().map(|s| s.duration).sum::<Duration>()
                + graceful_ramp_down.unwrap_or(DEFAULT_GRACEFUL)
        }
        Executor::RampingArrivalRate { stages, .. } => stages.iter().map(|s| s.duration).sum(),
    }
}

/// The most VUs a scenario runs at once on one machine.
fn peak_vus(executor: &Executor) -> u64 {
    match executor {
        Executor::SharedIterations { vus, .. }
        | Executor::PerVuIterations { vus, .. }
        | Executor::ConstantVus { vus, .. } => u64::from(vus.unwrap_or(1)),
        Executor::RampingVus {
            start_vus, stages, ..
        } => stages
            .iter()
            .map(|s| s.target)
            .chain([u64::from(start_vus.unwrap_or(1))])
            .max()
            .unwrap_or(0),
        Executor::ConstantArrivalRate {
            pre_allocated_vus,
            max_vus,
            ..
        }
        | Executor::RampingArrivalRate {
            pre_allocated_vus,
            max_vus,
            ..
        } => u64::from(
            max_vus
                .unwrap_or(*pre_allocated_vus)
                .max(*pre_allocated_vus),
        ),
        Executor::ExternallyControlled { vus, max_vus, .. } => {
            u64::from(max_vus.unwrap_or(vus.unwrap_or(0)))
        }
    }
}

/// Each instance's share of one scenario, by k6's `HasWork` and scaling.
fn shares(split: &Split, executor: &Executor) -> Vec<(u64, Option<u64>, bool)> {
    let vus = split.scale_all(peak_vus(executor));
    match executor {
        Executor::SharedIterations {
            vus: v, iterations, ..
        } => {
            let iterations = split.scale_all_by(u64::from(v.unwrap_or(1)), iterations.unwrap_or(1));
            vus.iter()
                .zip(iterations)
                .map(|(&vus, iterations)| (vus, Some(iterations), vus > 0 && iterations > 0))
                .collect()
        }
        Executor::PerVuIterations { iterations, .. } => {
            let per_vu = iterations.unwrap_or(1);
            vus.iter()
                .map(|&vus| (vus, Some(vus * per_vu), vus > 0 && per_vu > 0))
                .collect()
        }
        // k6 can always add VUs to an externally controlled scenario.
        Executor::ExternallyControlled { .. } => vus.iter().map(|&v| (v, None, true)).collect(),
        _ => vus.iter().map(|&v| (v, None, v > 0)).collect(),
    }
}

/// The most VUs the test runs at once: the scenarios' peaks, summed over those
/// that overlap in time. An upper bound of what `k6 inspect` reports as `maxVUs`
/// (it follows a ramp step by step).
fn max_vus(scenarios: &[Planned]) -> u64 {
    scenarios
        .iter()
        .map(|at| {
            scenarios
                .iter()
                .filter(|s| s.start <= at.start && at.start < s.end)
                .map(|s| peak_vus(&s.executor))
                .sum()
        })
        .max()
        .unwrap_or(0)
}

/// Checks `script` split as `split`, with `setup()` run as `setup` says.
pub fn check_split(script: &Script, split: &Split, setup: SetupRuns) -> SplitCheck {
    let n = split.instances();
    let scenarios = planned(script);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let problem = |place: Place, reason: String| ValidationError {
        place,
        problem: Problem::Invalid {
            field: "split",
            reason,
        },
    };

    let mut instances: Vec<InstanceShare> = (1..=n)
        .map(|instance| InstanceShare {
            instance,
            scenarios: Vec::new(),
        })
        .collect();
    for scenario in &scenarios {
        let shares = shares(split, &scenario.executor);
        for (instance, (vus, iterations, has_work)) in instances.iter_mut().zip(&shares) {
            instance.scenarios.push(ScenarioShare {
                scenario: scenario.name.clone(),
                vus: *vus,
                iterations: *iterations,
                has_work: *has_work,
            });
        }
        if n == 1 {
            continue;
        }
        let idle: Vec<String> = (1..=n)
            .zip(&shares)
            .filter(|(_, share)| !share.2)
            .map(|(i, _)| i.to_string())
            .collect();
        if let Executor::SharedIterations { iterations, .. } = &scenario.executor {
            let iterations = iterations.unwrap_or(1);
            if iterations < u64::from(n) {
                errors.push(problem(
                    scenario.place.clone(),
                    format!(
                        "{iterations} shared iteration{} over {n} instances leave{} instance{} \
                         {} without one: use at most {iterations} instance{}, or more iterations",
                        plural(iterations),
                        if iterations == 1 { "s" } else { "" },
                        plural(idle.len() as u64),
                        idle.join(", "),
                        plural(iterations),
                    ),
                ));
                continue;
            }
        }
        if !idle.is_empty() {
            warnings.push(problem(
                scenario.place.clone(),
                format!(
                    "instance{} {} of {n} get{} none of its {} VUs, so it runs on {} \
                     instance{} only",
                    plural(idle.len() as u64),
                    idle.join(", "),
                    if idle.len() == 1 { "s" } else { "" },
                    peak_vus(&scenario.executor),
                    n as usize - idle.len(),
                    plural((n as usize - idle.len()) as u64),
                ),
            ));
        }
    }

    if n > 1 {
        let max = max_vus(&scenarios);
        if u64::from(n) > max {
            errors.push(problem(
                Place::Script,
                format!(
                    "the test never runs more than {max} VU{} at once, so {n} instances leave \
                     {} without a VU (the k6-operator refuses a parallelism above maxVUs): \
                     split it into at most {max}",
                    plural(max),
                    u64::from(n) - max,
                ),
            ));
        } else {
            for instance in instances.iter().filter(|i| !i.has_work()) {
                errors.push(problem(
                    Place::Script,
                    format!(
                        "instance {} of {n} gets no work in any scenario and would only \
                         start and stop: split into fewer instances, or weight them",
                        instance.instance
                    ),
                ));
            }
        }
        warnings.extend(code_warnings(script, n, setup));
    }
    SplitCheck {
        errors,
        warnings,
        instances,
    }
}

/// `__VU` in VU code, and setup or teardown that change something when each
/// instance runs its own.
fn code_warnings(script: &Script, n: u32, setup: SetupRuns) -> Vec<ValidationError> {
    let mut out = Vec::new();
    for (function, block) in blocks(script) {
        let place = match function {
            "setup" | "teardown" => Place::Code {
                function: format!("{function}()"),
                path: String::new(),
            },
            name => Place::Flow(name.to_owned()),
        };
        let mut uses_vu = false;
        for_each_expr_in(block, &mut |e| uses_vu |= matches!(e, Expr::VuId));
        if uses_vu {
            out.push(ValidationError {
                place: place.clone(),
                problem: Problem::Invalid {
                    field: "split",
                    reason: "uses `__VU` (Value::vu()), which repeats across instances (each \
                             has a VU 1): for a value unique in the whole test use \
                             Value::vu_in_test() (exec.vu.idInTest) or \
                             Value::iteration_in_test() (exec.scenario.iterationInTest)"
                        .into(),
                },
            });
        }
        if setup == SetupRuns::PerInstance && matches!(function, "setup" | "teardown") {
            let mut changes = None;
            for_each_request_in(block, &mut |r| {
                if !matches!(r.method, Method::Get | Method::Head | Method::Options) {
                    changes.get_or_insert_with(|| format!("{} `{}`", r.method.as_str(), r.name));
                }
            });
            if let Some(request) = changes {
                out.push(ValidationError {
                    place,
                    problem: Problem::Invalid {
                        field: "split",
                        reason: format!(
                            "sends {request}, and each of the {n} instances runs its own \
                             {function}(), so it runs {n} times: run {function}() once \
                             (Runner::run_split does; on Kubernetes, `k6dsl setup` and \
                             `k6dsl k8s --setup-data`) or make it safe to repeat"
                        ),
                    },
                });
            }
        }
    }
    out
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
