//! Every executor, read back by k6.

use super::*;

// Executors
// ---------------------------------------------------------------------------------

/// The seven executors, by k6 name.
pub(crate) const EXECUTORS: [&str; 7] = [
    "shared-iterations",
    "per-vu-iterations",
    "constant-vus",
    "ramping-vus",
    "constant-arrival-rate",
    "ramping-arrival-rate",
    "externally-controlled",
];

/// How many optional fields each executor has (bits of `optional` below).
pub(crate) fn optional_field_count(executor: &str) -> u32 {
    match executor {
        "shared-iterations" | "per-vu-iterations" | "ramping-arrival-rate" => 3,
        "ramping-vus" | "constant-arrival-rate" | "externally-controlled" => 2,
        "constant-vus" => 1,
        other => unreachable!("{other}"),
    }
}

/// A scenario called `name` running `executor`, with the optional fields whose bits
/// are set in `optional` (bit order: as the fields are listed in the k6 docs), and
/// awkward but valid values for every field.
pub(crate) fn executor_scenario(name: &str, executor: &str, optional: u32) -> Scenario {
    let has = |bit: u32| optional & (1 << bit) != 0;
    match executor {
        "shared-iterations" => {
            let mut e = SharedIterations::new();
            if has(1) {
                e = e.iterations(nz!(40));
                if has(0) {
                    e = e.vus(nz!(4));
                }
            } else if has(0) {
                // The default of one iteration allows only one VU.
                e = e.vus(nz!(1));
            }
            if has(2) {
                e = e.max_duration(mins(1) + millis(500));
            }
            Scenario::new(name, e)
        }
        "per-vu-iterations" => {
            let mut e = PerVuIterations::new();
            if has(0) {
                e = e.vus(nz!(3));
            }
            if has(1) {
                e = e.iterations(nz!(7));
            }
            if has(2) {
                e = e.max_duration(hours(1) + secs(1));
            }
            Scenario::new(name, e)
        }
        "constant-vus" => {
            let mut e = ConstantVus::new().duration(secs(90));
            if has(0) {
                e = e.vus(nz!(12));
            }
            Scenario::new(name, e)
        }
        "ramping-vus" => {
            let mut e = RampingVus::new()
                .stage(secs(10), 5)
                .stage(Duration::ZERO, 8)
                .stage(millis(1500), 0);
            if has(0) {
                e = e.start_vus(0);
            }
            if has(1) {
                e = e.graceful_ramp_down(millis(250));
            }
            Scenario::new(name, e)
        }
        "constant-arrival-rate" => {
            let mut e = ConstantArrivalRate::new()
                .rate(nz!(30))
                .duration(mins(2))
                .pre_allocated_vus(2);
            if has(0) {
                e = e.time_unit(millis(1500));
            }
            if has(1) {
                e = e.max_vus(50);
            }
            Scenario::new(name, e)
        }
        "ramping-arrival-rate" => {
            let mut e = RampingArrivalRate::new()
                .stage(secs(30), 100)
                .stage(mins(1), 0)
                .pre_allocated_vus(10);
            if has(0) {
                e = e.start_rate(3);
            }
            if has(1) {
                e = e.time_unit(mins(1));
            }
            if has(2) {
                e = e.max_vus(100);
            }
            Scenario::new(name, e)
        }
        "externally-controlled" => {
            let mut e = ExternallyControlled::new().duration(mins(10));
            if has(0) {
                e = e.vus(2);
            }
            if has(1) {
                e = e.max_vus(20);
            }
            Scenario::new(name, e)
        }
        other => unreachable!("{other}"),
    }
}

#[test]
pub(crate) fn every_executor_with_no_optional_field() {
    let mut script = Script::new().scenario(executor_scenario("first", EXECUTORS[0], 0));
    for executor in &EXECUTORS[1..] {
        script = script.scenario(executor_scenario(executor, executor, 0));
    }
    assert_k6_reads_the_model(&script);
}

#[test]
pub(crate) fn every_executor_with_every_optional_field() {
    let all = |executor| (1 << optional_field_count(executor)) - 1;
    let mut script =
        Script::new().scenario(executor_scenario("first", EXECUTORS[0], all(EXECUTORS[0])));
    for executor in &EXECUTORS[1..] {
        script = script.scenario(executor_scenario(executor, executor, all(executor)));
    }
    assert_k6_reads_the_model(&script);
}

/// Every subset of every executor's optional fields, as the scenarios of one script
/// per executor.
#[test]
pub(crate) fn every_executor_with_every_subset_of_optional_fields() {
    for executor in EXECUTORS {
        let subsets = 1 << optional_field_count(executor);
        let mut script =
            Script::new().scenario(executor_scenario(&format!("{executor}_0"), executor, 0));
        for optional in 1..subsets {
            script = script.scenario(executor_scenario(
                &format!("{executor}_{optional}"),
                executor,
                optional,
            ));
        }
        assert_k6_reads_the_model(&script);
    }
}

#[test]
pub(crate) fn extreme_but_valid_executor_values() {
    let script = Script::new()
        .scenario(Scenario::new(
            "big_shared",
            SharedIterations::new()
                .vus(nz!(100_000_000))
                .iterations(nz!(9_007_199_254_740_991))
                .max_duration(secs(1)),
        ))
        .scenario(Scenario::new(
            "ramp_limit",
            // k6 plans a ramp VU by VU: jump between the extremes instead of ramping.
            RampingVus::new()
                .start_vus(100_000_000)
                .stage(Duration::from_nanos(1), 100_000_000)
                .stage(Duration::ZERO, 1)
                .stage(Duration::from_nanos(1_500), 1),
        ))
        .scenario(Scenario::new(
            "fast_rate",
            ConstantArrivalRate::new()
                .rate(nz!(9_007_199_254_740_991))
                .time_unit(Duration::from_nanos(1))
                .duration(secs(1))
                .pre_allocated_vus(0)
                .max_vus(1),
        ))
        .scenario(Scenario::new(
            "high_rates",
            RampingArrivalRate::new()
                .start_rate(0)
                .time_unit(hours(24))
                .stage(secs(1), 1_000_000_000)
                .pre_allocated_vus(1)
                .max_vus(1),
        ))
        .scenario(Scenario::new(
            "manual_forever",
            ExternallyControlled::new()
                .vus(0)
                .max_vus(0)
                .duration(Duration::ZERO),
        ));
    assert_k6_reads_the_model(&script);
}
