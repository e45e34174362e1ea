//! Every executor's fields and their bounds, and numbers JavaScript cannot hold
//! exactly.

use super::*;

#[test]
fn shared_iterations() {
    we_reject(
        &one_scenario(SharedIterations::new().vus(nz!(3)).iterations(nz!(2))),
        "scenario `s`: iterations (2) is less than vus (3)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", vus: 3, iterations: 2 } } };
export default function () {}"#,
        "the number of iterations (2) can't be less than the number of VUs (3)",
    );
    // vus defaults to 1 and iterations to 1.
    we_reject(
        &one_scenario(SharedIterations::new().vus(nz!(2))),
        "scenario `s`: iterations (1) is less than vus (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", vus: 2 } } };
export default function () {}"#,
        "the number of iterations (1) can't be less than the number of VUs (2)",
    );
    both_accept(&one_scenario(
        SharedIterations::new().vus(nz!(3)).iterations(nz!(3)),
    ));

    let mut model = one_scenario(SharedIterations::new());
    *executor_of(&mut model) = Executor::SharedIterations {
        vus: Some(0),
        iterations: Some(0),
        max_duration: None,
    };
    we_reject(&model, "scenario `s`: vus must be greater than 0");
    we_reject(&model, "scenario `s`: iterations must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", vus: 0 } } };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", iterations: 0 } } };
export default function () {}"#,
        "the number of iterations (0) can't be less than the number of VUs (1)",
    );

    we_reject(
        &one_scenario(SharedIterations::new().max_duration(millis(999))),
        "scenario `s`: maxDuration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", maxDuration: "999ms" } } };
export default function () {}"#,
        "the maxDuration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(SharedIterations::new().max_duration(secs(1))));
}

#[test]
fn per_vu_iterations() {
    let mut model = one_scenario(PerVuIterations::new());
    *executor_of(&mut model) = Executor::PerVuIterations {
        vus: Some(0),
        iterations: Some(0),
        max_duration: None,
    };
    we_reject(&model, "scenario `s`: vus must be greater than 0");
    we_reject(&model, "scenario `s`: iterations must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "per-vu-iterations", vus: 0 } } };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "per-vu-iterations", iterations: 0 } } };
export default function () {}"#,
        "the number of iterations must be more than 0",
    );
    both_accept(&one_scenario(
        PerVuIterations::new().vus(nz!(1)).iterations(nz!(1)),
    ));

    we_reject(
        &one_scenario(PerVuIterations::new().max_duration(millis(999))),
        "scenario `s`: maxDuration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "per-vu-iterations", maxDuration: "999ms" } } };
export default function () {}"#,
        "the maxDuration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(PerVuIterations::new().max_duration(secs(1))));
}

#[test]
fn constant_vus() {
    let mut model = one_scenario(ConstantVus::new().duration(secs(10)));
    *executor_of(&mut model) = Executor::ConstantVus {
        vus: Some(0),
        duration: secs(10),
    };
    we_reject(&model, "scenario `s`: vus must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-vus", vus: 0, duration: "10s" } } };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );

    we_reject(
        &one_scenario(ConstantVus::new().duration(millis(999))),
        "scenario `s`: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-vus", duration: "999ms" } } };
export default function () {}"#,
        "the duration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(
        ConstantVus::new().vus(nz!(1)).duration(secs(1)),
    ));
}

#[test]
fn ramping_vus() {
    let mut model = one_scenario(RampingVus::new().stage(secs(1), 1));
    if let Executor::RampingVus { stages, .. } = executor_of(&mut model) {
        stages.clear();
    }
    we_reject(&model, "scenario `s`: stages must have at least one stage");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", stages: [] } } };
export default function () {}"#,
        "at least one stage has to be specified",
    );

    we_reject(
        &one_scenario(RampingVus::new().start_vus(0).stage(secs(10), 0)),
        "scenario `s`: either startVUs or one of the stages' targets must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", startVUs: 0, stages: [{ duration: "10s", target: 0 }] } } };
export default function () {}"#,
        "either startVUs or one of the stages' target values must be greater than 0",
    );
    both_accept(&one_scenario(
        RampingVus::new().start_vus(0).stage(secs(10), 1),
    ));
    both_accept(&one_scenario(
        RampingVus::new().start_vus(1).stage(secs(10), 0),
    ));

    we_reject(
        &one_scenario(RampingVus::new().stage(secs(10), 100_000_001)),
        "scenario `s`: stage target (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", stages: [{ duration: "10s", target: 100000001 }] } } };
export default function () {}"#,
        "target for stage 1 exceeds max limit of 100000000",
    );
    we_reject(
        &one_scenario(RampingVus::new().start_vus(100_000_001).stage(secs(10), 1)),
        "scenario `s`: startVUs (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", startVUs: 100000001, stages: [{ duration: "10s", target: 1 }] } } };
export default function () {}"#,
        "the startVUs exceed max limit of 100000000",
    );
    // The boundary, as jumps (k6 plans a ramp VU by VU).
    both_accept(&one_scenario(
        RampingVus::new()
            .start_vus(100_000_000)
            .stage(Duration::ZERO, 100_000_000)
            .stage(secs(1), 100_000_000),
    ));

    // k6 accepts stages that all last 0s, and then runs nothing.
    we_reject(
        &one_scenario(RampingVus::new().stage(Duration::ZERO, 5)),
        "scenario `s`: stages: every stage lasts 0s, so nothing would run: give a stage a duration",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", stages: [{ duration: "0s", target: 5 }] } } };
export default function () {}"#,
    );
}

#[test]
fn constant_arrival_rate() {
    let valid = || {
        ConstantArrivalRate::new()
            .rate(nz!(1))
            .duration(secs(10))
            .pre_allocated_vus(1)
    };
    let mut model = one_scenario(valid());
    if let Executor::ConstantArrivalRate { rate, .. } = executor_of(&mut model) {
        *rate = 0;
    }
    we_reject(&model, "scenario `s`: rate must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 0, duration: "10s", preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the iteration rate must be more than 0",
    );

    we_reject(
        &one_scenario(valid().time_unit(Duration::ZERO)),
        "scenario `s`: timeUnit must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, timeUnit: "0s", duration: "10s", preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the timeUnit must be more than 0",
    );
    both_accept(&one_scenario(valid().time_unit(Duration::from_nanos(1))));

    we_reject(
        &one_scenario(valid().duration(millis(999))),
        "scenario `s`: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, duration: "999ms", preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the duration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(valid().duration(secs(1))));

    we_reject(
        &one_scenario(valid().pre_allocated_vus(2).max_vus(1)),
        "scenario `s`: maxVUs (1) is less than preAllocatedVUs (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, duration: "10s", preAllocatedVUs: 2, maxVUs: 1 } } };
export default function () {}"#,
        "maxVUs can't be less than preAllocatedVUs",
    );
    both_accept(&one_scenario(valid().pre_allocated_vus(2).max_vus(2)));
    both_accept(&one_scenario(valid().pre_allocated_vus(0).max_vus(1)));

    // No VU at all: k6 accepts it and then starts no iteration.
    let no_vus = "scenario `s`: preAllocatedVUs and maxVUs are both 0, so no iteration can ever start: pre-allocate at least one VU";
    we_reject(&one_scenario(valid().pre_allocated_vus(0)), no_vus);
    we_reject(
        &one_scenario(valid().pre_allocated_vus(0).max_vus(0)),
        no_vus,
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, duration: "10s", preAllocatedVUs: 0 } } };
export default function () {}"#,
    );
}

#[test]
fn ramping_arrival_rate() {
    let valid = || {
        RampingArrivalRate::new()
            .stage(secs(10), 5)
            .pre_allocated_vus(1)
    };
    we_reject(
        &one_scenario(valid().time_unit(Duration::ZERO)),
        "scenario `s`: timeUnit must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", timeUnit: "0s", stages: [{ duration: "10s", target: 5 }], preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the timeUnit must be more than 0",
    );

    let mut model = one_scenario(valid());
    if let Executor::RampingArrivalRate { stages, .. } = executor_of(&mut model) {
        stages.clear();
    }
    we_reject(&model, "scenario `s`: stages must have at least one stage");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [], preAllocatedVUs: 1 } } };
export default function () {}"#,
        "at least one stage has to be specified",
    );

    we_reject(
        &one_scenario(valid().pre_allocated_vus(2).max_vus(1)),
        "scenario `s`: maxVUs (1) is less than preAllocatedVUs (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [{ duration: "10s", target: 5 }], preAllocatedVUs: 2, maxVUs: 1 } } };
export default function () {}"#,
        "maxVUs can't be less than preAllocatedVUs",
    );
    both_accept(&one_scenario(valid().pre_allocated_vus(2).max_vus(2)));

    // k6 does not cap arrival rates (it caps VU ramps at 100,000,000).
    both_accept(&one_scenario(
        RampingArrivalRate::new()
            .start_rate(100_000_001)
            .stage(secs(10), 1_000_000_000)
            .pre_allocated_vus(1),
    ));

    // All-zero rates: k6 accepts them and then starts no iteration.
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .start_rate(0)
                .stage(secs(10), 0)
                .pre_allocated_vus(1),
        ),
        "scenario `s`: either startRate or one of the stages' targets must be greater than 0",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", startRate: 0, stages: [{ duration: "10s", target: 0 }], preAllocatedVUs: 1 } } };
export default function () {}"#,
    );
    // Stages that all last 0s: accepted by k6, and nothing runs.
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .stage(Duration::ZERO, 5)
                .pre_allocated_vus(1),
        ),
        "scenario `s`: stages: every stage lasts 0s, so nothing would run: give a stage a duration",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [{ duration: "0s", target: 5 }], preAllocatedVUs: 1 } } };
export default function () {}"#,
    );
    // No VU at all: accepted by k6, and no iteration ever starts.
    we_reject(
        &one_scenario(valid().pre_allocated_vus(0)),
        "scenario `s`: preAllocatedVUs and maxVUs are both 0, so no iteration can ever start: pre-allocate at least one VU",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [{ duration: "10s", target: 5 }], preAllocatedVUs: 0 } } };
export default function () {}"#,
    );
}

#[test]
fn externally_controlled() {
    we_reject(
        &one_scenario(
            ExternallyControlled::new()
                .vus(2)
                .max_vus(1)
                .duration(secs(10)),
        ),
        "scenario `s`: maxVUs (1) is less than vus (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "externally-controlled", vus: 2, maxVUs: 1, duration: "10s" } } };
export default function () {}"#,
        "the number of active VUs (2) must be less than or equal to the number of maxVUs (1)",
    );
    both_accept(&one_scenario(
        ExternallyControlled::new()
            .vus(2)
            .max_vus(2)
            .duration(secs(10)),
    ));

    let model = scenarios([
        Scenario::new("s", ExternallyControlled::new().duration(secs(10))).graceful_stop(secs(30)),
    ]);
    we_reject(
        &model,
        "scenario `s`: externally-controlled does not take gracefulStop: remove it",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "externally-controlled", duration: "10s", gracefulStop: "30s" } } };
export default function () {}"#,
        "gracefulStop is not supported by the externally controlled executor",
    );
}

/// Integers above 2^53 cannot be written exactly in JavaScript: k6 accepts the
/// literal and reads another number.
#[test]
fn numbers_javascript_cannot_hold_exactly() {
    let too_big: NonZeroU64 = nz!(9_007_199_254_740_993);
    we_reject(
        &one_scenario(SharedIterations::new().iterations(too_big)),
        "scenario `s`: iterations (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &one_scenario(PerVuIterations::new().iterations(too_big)),
        "scenario `s`: iterations (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &shortcut(Shortcut::iterations(nz!(1), too_big)),
        "top-level shortcut: iterations (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &one_scenario(
            ConstantArrivalRate::new()
                .rate(too_big)
                .duration(secs(10))
                .pre_allocated_vus(1),
        ),
        "scenario `s`: rate (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .stage(secs(10), too_big.get())
                .pre_allocated_vus(1),
        ),
        "scenario `s`: stage target (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &options(GeneralOptions::default().rps(too_big.get())),
        "option `rps`: rps (9007199254740993) is larger than 9007199254740991",
    );
    let printed = k6_accepts(
        r#"export const options = { rps: 9007199254740993, scenarios: { s: { executor: "shared-iterations", iterations: 9007199254740993 } } };
export default function () {}"#,
    );
    assert_eq!(printed["rps"], json!(9_007_199_254_740_992_u64));
    assert_eq!(
        printed["scenarios"]["s"]["iterations"],
        json!(9_007_199_254_740_992_u64)
    );
    both_accept(&one_scenario(
        SharedIterations::new().iterations(nz!(9_007_199_254_740_991)),
    ));
}
