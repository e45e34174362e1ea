//! Comparing k6's reading of execution (scenarios, shortcuts) with the model.

use super::*;

// Execution: scenarios and shortcuts
// ---------------------------------------------------------------------------------

#[track_caller]
pub(crate) fn expect_execution(printed: &Value, execution: &Execution) {
    let top = |key: &str| field(printed, key);
    let scenarios = field(printed, "scenarios");
    match execution {
        Execution::Default => {
            for key in ["vus", "duration", "iterations", "stages"] {
                assert_eq!(top(key), &Value::Null, "{key} without a load model");
            }
            // k6's own default: one VU runs `default` once.
            let default = field(scenarios, "default");
            expect_str(
                field(default, "executor"),
                Some("per-vu-iterations"),
                "k6's default scenario",
            );
            expect_count(field(default, "vus"), None, "default vus");
            expect_count(field(default, "iterations"), None, "default iterations");
        }
        Execution::Shortcut(shortcut) => {
            // k6 prints the shortcut and the single `default` scenario it derives.
            let derived = field(scenarios, "default");
            assert_eq!(
                scenarios.as_object().map(|s| s.len()),
                Some(1),
                "a shortcut makes one scenario: {scenarios:#}"
            );
            let kind =
                |name| expect_str(field(derived, "executor"), Some(name), "derived executor");
            match shortcut {
                model::Shortcut::Duration { vus, duration } => {
                    expect_count(top("vus"), Some(u64::from(*vus)), "vus");
                    expect_duration(top("duration"), Some(*duration), "duration");
                    expect_count(top("iterations"), None, "iterations");
                    assert_eq!(top("stages"), &Value::Null, "stages");
                    kind("constant-vus");
                    expect_count(field(derived, "vus"), Some(u64::from(*vus)), "derived vus");
                    expect_duration(
                        field(derived, "duration"),
                        Some(*duration),
                        "derived duration",
                    );
                }
                model::Shortcut::Iterations {
                    vus,
                    iterations,
                    duration,
                } => {
                    expect_count(top("vus"), Some(u64::from(*vus)), "vus");
                    expect_count(top("iterations"), Some(*iterations), "iterations");
                    expect_duration(top("duration"), *duration, "duration");
                    assert_eq!(top("stages"), &Value::Null, "stages");
                    kind("shared-iterations");
                    expect_count(field(derived, "vus"), Some(u64::from(*vus)), "derived vus");
                    expect_count(
                        field(derived, "iterations"),
                        Some(*iterations),
                        "derived iterations",
                    );
                    expect_duration(
                        field(derived, "maxDuration"),
                        *duration,
                        "derived maxDuration",
                    );
                }
                model::Shortcut::Stages { vus, stages } => {
                    expect_count(top("vus"), Some(u64::from(*vus)), "vus");
                    expect_stages(top("stages"), stages, "stages");
                    expect_duration(top("duration"), None, "duration");
                    expect_count(top("iterations"), None, "iterations");
                    kind("ramping-vus");
                    expect_count(
                        field(derived, "startVUs"),
                        Some(u64::from(*vus)),
                        "derived startVUs",
                    );
                    expect_stages(field(derived, "stages"), stages, "derived stages");
                }
            }
        }
        Execution::Scenarios(list) => {
            for key in ["vus", "duration", "iterations", "stages"] {
                assert_eq!(top(key), &Value::Null, "{key} beside scenarios");
            }
            let printed_names: BTreeSet<&str> = scenarios
                .as_object()
                .expect("scenarios is an object")
                .keys()
                .map(String::as_str)
                .collect();
            let model_names: BTreeSet<&str> = list.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(printed_names, model_names, "scenario names");
            for scenario in list {
                expect_scenario(field(scenarios, &scenario.name), scenario);
            }
        }
    }
}

#[track_caller]
pub(crate) fn expect_scenario(printed: &Value, model: &model::Scenario) {
    let model::Scenario {
        name,
        executor,
        start_time,
        graceful_stop,
        exec,
        env,
        tags,
    } = model;
    let what = |key: &str| format!("scenario `{name}` {key}");
    let at = |key: &str| field(printed, key);

    expect_duration(at("startTime"), *start_time, &what("startTime"));
    expect_duration(at("gracefulStop"), *graceful_stop, &what("gracefulStop"));
    expect_str(at("exec"), exec.as_deref(), &what("exec"));
    expect_string_map(at("env"), env, &what("env"));
    expect_string_map(at("tags"), tags, &what("tags"));

    let executor_type =
        |expected: &str| expect_str(at("executor"), Some(expected), &what("executor"));
    match executor {
        Executor::SharedIterations {
            vus: v,
            iterations,
            max_duration,
        } => {
            executor_type("shared-iterations");
            expect_count(at("vus"), vus(*v), &what("vus"));
            expect_count(at("iterations"), *iterations, &what("iterations"));
            expect_duration(at("maxDuration"), *max_duration, &what("maxDuration"));
        }
        Executor::PerVuIterations {
            vus: v,
            iterations,
            max_duration,
        } => {
            executor_type("per-vu-iterations");
            expect_count(at("vus"), vus(*v), &what("vus"));
            expect_count(at("iterations"), *iterations, &what("iterations"));
            expect_duration(at("maxDuration"), *max_duration, &what("maxDuration"));
        }
        Executor::ConstantVus { vus: v, duration } => {
            executor_type("constant-vus");
            expect_count(at("vus"), vus(*v), &what("vus"));
            expect_duration(at("duration"), Some(*duration), &what("duration"));
        }
        Executor::RampingVus {
            start_vus,
            stages,
            graceful_ramp_down,
        } => {
            executor_type("ramping-vus");
            expect_count(at("startVUs"), vus(*start_vus), &what("startVUs"));
            expect_stages(at("stages"), stages, &what("stages"));
            expect_duration(
                at("gracefulRampDown"),
                *graceful_ramp_down,
                &what("gracefulRampDown"),
            );
        }
        Executor::ConstantArrivalRate {
            rate,
            time_unit,
            duration,
            pre_allocated_vus,
            max_vus,
        } => {
            executor_type("constant-arrival-rate");
            expect_count(at("rate"), Some(*rate), &what("rate"));
            expect_duration(at("timeUnit"), *time_unit, &what("timeUnit"));
            expect_duration(at("duration"), Some(*duration), &what("duration"));
            expect_count(
                at("preAllocatedVUs"),
                vus(Some(*pre_allocated_vus)),
                &what("preAllocatedVUs"),
            );
            expect_count(at("maxVUs"), vus(*max_vus), &what("maxVUs"));
        }
        Executor::RampingArrivalRate {
            start_rate,
            time_unit,
            stages,
            pre_allocated_vus,
            max_vus,
        } => {
            executor_type("ramping-arrival-rate");
            expect_count(at("startRate"), *start_rate, &what("startRate"));
            expect_duration(at("timeUnit"), *time_unit, &what("timeUnit"));
            expect_stages(at("stages"), stages, &what("stages"));
            expect_count(
                at("preAllocatedVUs"),
                vus(Some(*pre_allocated_vus)),
                &what("preAllocatedVUs"),
            );
            expect_count(at("maxVUs"), vus(*max_vus), &what("maxVUs"));
        }
        Executor::ExternallyControlled {
            vus: v,
            max_vus,
            duration,
        } => {
            executor_type("externally-controlled");
            expect_count(at("vus"), vus(*v), &what("vus"));
            // k6 fills in its default (maxVUs = vus) when it reads this executor.
            expect_count(at("maxVUs"), vus(max_vus.or(*v)), &what("maxVUs"));
            expect_duration(at("duration"), Some(*duration), &what("duration"));
        }
    }
}
