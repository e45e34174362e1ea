//! The split of a test across instances, against k6: each instance's VUs as
//! `k6 inspect --execution-requirements` computes them for its execution segment,
//! and each instance's shared iterations as `k6 run` with the segment flags runs
//! them (their sum is the whole test's).

use k6dsl::model::split::Split;
use k6dsl::prelude::*;
use k6dsl::validate::{check_split, SetupRuns};
use k6dsl_suite::tools;

fn splits() -> Vec<Split> {
    vec![
        Split::equal(2),
        Split::equal(3),
        Split::equal(4),
        Split::weighted([3, 1, 1]),
        Split::weighted([1, 2]),
    ]
}

fn one_scenario(
    executor: impl k6dsl::executor::ExecutorConfig,
) -> Script<k6dsl::load::HasScenarios> {
    Script::new().scenario(Scenario::new("s", executor))
}

/// `maxVUs` of instance `i` by k6: the script with the segment among its options.
fn k6_max_vus(js: &str, split: &Split, i: u32) -> u64 {
    let segmented = js.replacen(
        "export const options = {",
        &format!(
            "export const options = {{\n  executionSegment: \"{}\",\n  executionSegmentSequence: \"{}\",",
            split.segment(i),
            split.sequence()
        ),
        1,
    );
    let inspected = tools::inspect(&segmented).unwrap_or_else(|e| panic!("{e}\n{segmented}"));
    inspected["maxVUs"].as_u64().unwrap()
}

#[test]
fn each_instance_gets_the_vus_k6_gives_its_segment() {
    let scripts = [
        one_scenario(ConstantVus::new().vus(nz!(5)).duration(secs(10))),
        one_scenario(ConstantVus::new().vus(nz!(1)).duration(secs(10))),
        one_scenario(
            RampingVus::new()
                .start_vus(0)
                .stage(secs(5), 7)
                .stage(secs(5), 2),
        ),
        one_scenario(PerVuIterations::new().vus(nz!(3)).iterations(nz!(2))),
        one_scenario(SharedIterations::new().vus(nz!(6)).iterations(nz!(9))),
        one_scenario(
            ConstantArrivalRate::new()
                .rate(nz!(10))
                .duration(secs(10))
                .pre_allocated_vus(2)
                .max_vus(11),
        ),
        one_scenario(
            RampingArrivalRate::new()
                .stage(secs(5), 10)
                .pre_allocated_vus(5),
        ),
    ];
    for script in &scripts {
        let js = script.to_javascript().unwrap();
        for split in splits() {
            let check = check_split(script.to_ir(), &split, SetupRuns::Once);
            for instance in &check.instances {
                let ours = instance.scenarios[0].vus;
                let k6 = k6_max_vus(&js, &split, instance.instance);
                assert_eq!(
                    ours, k6,
                    "instance {} of {split:?}: k6 says {k6} VUs\n{js}",
                    instance.instance
                );
            }
        }
    }
}

#[test]
fn each_instance_runs_the_shared_iterations_k6_gives_it() {
    for (vus, iterations) in [(5u32, 11u64), (6, 13), (7, 7)] {
        let script = Script::new().shortcut(Shortcut::iterations(
            vus.try_into().unwrap(),
            iterations.try_into().unwrap(),
        ));
        let js = script.to_javascript().unwrap();
        for split in [Split::equal(2), Split::weighted([3, 1, 1])] {
            let check = check_split(script.to_ir(), &split, SetupRuns::Once);
            assert!(check.errors.is_empty(), "{:?}", check.errors);
            let mut total = 0;
            for instance in &check.instances {
                let args = split.instance_args(instance.instance);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let run = tools::k6_run_with(&js, &[], &[], &args);
                assert_eq!(run.exit_code, 0, "{}", run.stderr);
                let ran = run
                    .metric("iterations")
                    .map_or(0, |m| m["count"].as_u64().unwrap());
                assert_eq!(
                    Some(ran),
                    instance.scenarios[0].iterations,
                    "instance {} of {split:?}, {vus} VUs, {iterations} iterations",
                    instance.instance
                );
                total += ran;
            }
            assert_eq!(total, iterations);
        }
    }
}

#[test]
fn what_breaks_when_split_is_said_before_k6_runs() {
    let signup = Flow::new("signup").steps(|f| {
        f.request(
            Request::post("/users")
                .name("signup")
                .json_object([("name", text!["user", Value::vu()])]),
        );
    });
    let script = Script::new()
        .scenario(
            Scenario::new(
                "few",
                SharedIterations::new().vus(nz!(2)).iterations(nz!(2)),
            )
            .exec(&signup),
        )
        .scenario(
            Scenario::new("many", ConstantVus::new().vus(nz!(2)).duration(secs(5))).exec(&signup),
        )
        .setup(Setup::new(|s| {
            s.request(Request::post("/reset").name("reset"));
        }));
    let check = check_split(script.to_ir(), &Split::equal(3), SetupRuns::PerInstance);
    let errors: Vec<String> = check.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "scenario `few`: split: 2 shared iterations over 3 instances leave instance 3 without one: use at most 2 instances, or more iterations",
            "script: split: instance 3 of 3 gets no work in any scenario and would only start and stop: split into fewer instances, or weight them",
        ]
    );
    let warnings: Vec<String> = check.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "scenario `many`: split: instance 3 of 3 gets none of its 2 VUs, so it runs on 2 instances only",
            "setup(): split: sends POST `reset`, and each of the 3 instances runs its own setup(), so it runs 3 times: run setup() once (Runner::run_split does; on Kubernetes, `k6dsl setup` and `k6dsl k8s --setup-data`) or make it safe to repeat",
            "flow `signup`: split: uses `__VU` (Value::vu()), which repeats across instances (each has a VU 1): for a value unique in the whole test use Value::vu_in_test() (exec.vu.idInTest) or Value::iteration_in_test() (exec.scenario.iterationInTest)",
        ]
    );
    // Setup once: no warning about it; one instance: nothing at all.
    let once = check_split(script.to_ir(), &Split::equal(3), SetupRuns::Once);
    assert_eq!(once.warnings.len(), 2);
    let alone = check_split(script.to_ir(), &Split::equal(1), SetupRuns::PerInstance);
    assert!(alone.errors.is_empty() && alone.warnings.is_empty());
}
