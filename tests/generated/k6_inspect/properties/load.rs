//! Strategies for the load: executors, flows, scenarios, shortcuts.

use super::*;

/// An executor; `None` leaves a field to k6's default.
#[derive(Debug, Clone)]
pub(super) enum ExecutorPlan {
    SharedIterations {
        vus: Option<u32>,
        iterations: Option<u64>,
        max_duration: Option<Duration>,
    },
    PerVuIterations {
        vus: Option<u32>,
        iterations: Option<u64>,
        max_duration: Option<Duration>,
    },
    ConstantVus {
        vus: Option<u32>,
        duration: Duration,
    },
    RampingVus {
        start_vus: Option<u32>,
        stages: Vec<(Duration, u32)>,
        graceful_ramp_down: Option<Duration>,
    },
    ConstantArrivalRate {
        rate: u64,
        time_unit: Option<Duration>,
        duration: Duration,
        vus: (u32, Option<u32>),
    },
    RampingArrivalRate {
        start_rate: Option<u64>,
        time_unit: Option<Duration>,
        stages: Vec<(Duration, u64)>,
        vus: (u32, Option<u32>),
    },
    ExternallyControlled {
        vus: Option<u32>,
        max_vus: Option<u32>,
        duration: Duration,
    },
}

pub(super) fn executor() -> BoxedStrategy<ExecutorPlan> {
    use prop::option::of;
    let shared = (
        of(vus()),
        any::<bool>(),
        prop_oneof![0..=1_000u64, Just(MAX_SAFE)],
        of(long_duration()),
    )
        .prop_map(|(vus, has_iterations, extra, max_duration)| {
            // iterations (default 1) >= vus (default 1).
            let vus = if has_iterations { vus } else { vus.map(|_| 1) };
            let least = u64::from(vus.unwrap_or(1));
            ExecutorPlan::SharedIterations {
                vus,
                iterations: has_iterations.then(|| (least + extra).min(MAX_SAFE)),
                max_duration,
            }
        });
    let per_vu = (of(vus()), of(count()), of(long_duration())).prop_map(
        |(vus, iterations, max_duration)| ExecutorPlan::PerVuIterations {
            vus,
            iterations,
            max_duration,
        },
    );
    let constant_vus = (of(vus()), long_duration())
        .prop_map(|(vus, duration)| ExecutorPlan::ConstantVus { vus, duration });
    let ramping_vus = (
        of(ramp_target()),
        prop::collection::vec((duration(), ramp_target()), 1..=5),
        of(duration()),
    )
        .prop_filter("a valid ramp", |(start, stages, _)| {
            stages_are_valid(u64::from(start.unwrap_or(1)), stages)
        })
        .prop_map(
            |(start_vus, stages, graceful_ramp_down)| ExecutorPlan::RampingVus {
                start_vus,
                stages,
                graceful_ramp_down,
            },
        );
    let constant_rate = (
        count(),
        of(positive_duration()),
        long_duration(),
        arrival_vus(),
    )
        .prop_map(
            |(rate, time_unit, duration, vus)| ExecutorPlan::ConstantArrivalRate {
                rate,
                time_unit,
                duration,
                vus,
            },
        );
    let ramping_rate = (
        of(count_or_zero()),
        of(positive_duration()),
        prop::collection::vec((duration(), count_or_zero()), 1..=5),
        arrival_vus(),
    )
        .prop_filter("a valid ramp", |(start, _, stages, _)| {
            stages_are_valid(start.unwrap_or(0), stages)
        })
        .prop_map(
            |(start_rate, time_unit, stages, vus)| ExecutorPlan::RampingArrivalRate {
                start_rate,
                time_unit,
                stages,
                vus,
            },
        );
    let external = (
        of(vus_or_zero()),
        of(prop_oneof![0..=1_000u32, Just(u32::MAX)]),
        duration(),
    )
        .prop_map(
            |(vus, extra, duration)| ExecutorPlan::ExternallyControlled {
                vus,
                max_vus: extra.map(|e| vus.unwrap_or(0).saturating_add(e)),
                duration,
            },
        );
    prop_oneof![
        shared,
        per_vu,
        constant_vus,
        ramping_vus,
        constant_rate,
        ramping_rate,
        external
    ]
    .boxed()
}

/// An exported function scenarios can run.
#[derive(Debug, Clone)]
pub(super) struct FlowPlan {
    pub(super) name: String,
    pub(super) pacing: Option<Duration>,
}

/// Legal flow names that are also names the generated module uses.
pub(super) const ODD_FLOW_NAMES: &[&str] = &[
    "$", "_", "$flow", "_flow2", "BASE_URL", "__VU", "__ITER", "JSON", "console",
];

pub(super) fn flow() -> BoxedStrategy<FlowPlan> {
    let name = prop_oneof![
        3 => "[a-zA-Z_$][a-zA-Z0-9_$]{0,10}".prop_filter("a flow name k6dsl allows", |name| {
            is_identifier(name)
                && !["options", "default", "setup", "teardown", "handleSummary"]
                    .contains(&name.as_str())
        }),
        1 => prop::sample::select(ODD_FLOW_NAMES).prop_map(str::to_owned),
    ]
    .prop_filter("a name k6dsl rejects", |name| {
        !MODULE_NAMES.contains(&name.as_str())
    });
    (name, prop::option::of((1u64..10_000).prop_map(millis)))
        .prop_map(|(name, pacing)| FlowPlan { name, pacing })
        .boxed()
}

#[derive(Debug, Clone)]
pub(super) struct ScenarioPlan {
    pub(super) name: String,
    pub(super) executor: ExecutorPlan,
    pub(super) start_time: Option<Duration>,
    pub(super) graceful_stop: Option<Duration>,
    pub(super) env: Vec<(String, String)>,
    pub(super) tags: Vec<(String, String)>,
    /// Which flow it runs (`exec`), or `default`.
    pub(super) flow: Option<Index>,
}

pub(super) fn scenario() -> BoxedStrategy<ScenarioPlan> {
    (
        prop_oneof![
            4 => "[0-9a-zA-Z_-]{1,12}",
            1 => prop::sample::select(vec!["default", "constructor", "0", "-", "_", "__proto__"])
                .prop_map(str::to_owned),
        ],
        executor(),
        prop::option::of(duration()),
        prop::option::of(duration()),
        prop::collection::vec((env_key(), text(0..=3)), 0..=3),
        prop::collection::vec((key(), text(0..=3)), 0..=3),
        prop::option::of(any::<Index>()),
    )
        .prop_map(
            |(name, executor, start_time, graceful_stop, env, tags, flow)| {
                // k6 forbids gracefulStop on externally-controlled (k6dsl too).
                let graceful_stop = match executor {
                    ExecutorPlan::ExternallyControlled { .. } => None,
                    _ => graceful_stop,
                };
                ScenarioPlan {
                    name,
                    executor,
                    start_time,
                    graceful_stop,
                    env,
                    tags,
                    flow,
                }
            },
        )
        .boxed()
}

#[derive(Debug, Clone)]
pub(super) enum ShortcutPlan {
    Duration {
        vus: u32,
        duration: Duration,
    },
    Iterations {
        vus: u32,
        iterations: u64,
        within: Option<Duration>,
    },
    Stages {
        start: u32,
        stages: Vec<(Duration, u32)>,
    },
}

pub(super) fn shortcut() -> BoxedStrategy<ShortcutPlan> {
    prop_oneof![
        (vus(), long_duration())
            .prop_map(|(vus, duration)| ShortcutPlan::Duration { vus, duration }),
        (vus(), 0..=1_000u64, prop::option::of(long_duration())).prop_map(
            |(vus, extra, within)| ShortcutPlan::Iterations {
                vus,
                iterations: u64::from(vus) + extra,
                within,
            }
        ),
        (
            ramp_target(),
            prop::collection::vec((duration(), ramp_target()), 1..=5)
        )
            .prop_filter("a valid ramp", |(start, stages)| {
                stages_are_valid(u64::from(*start), stages)
            })
            .prop_map(|(start, stages)| ShortcutPlan::Stages { start, stages }),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
pub(super) enum LoadPlan {
    Default,
    Shortcut(ShortcutPlan),
    Scenarios(Vec<ScenarioPlan>),
}

pub(super) fn load() -> BoxedStrategy<LoadPlan> {
    prop_oneof![
        1 => Just(LoadPlan::Default),
        2 => shortcut().prop_map(LoadPlan::Shortcut),
        6 => prop::collection::vec(scenario(), 1..=4).prop_map(|mut list| {
            // Scenario names are unique.
            let mut seen = BTreeSet::new();
            for scenario in &mut list {
                while !seen.insert(scenario.name.clone()) {
                    scenario.name.push('-');
                }
            }
            LoadPlan::Scenarios(list)
        }),
    ]
    .boxed()
}
