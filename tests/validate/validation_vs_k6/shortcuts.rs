//! The top-level shortcuts: vus with duration, iterations or stages.

use super::*;

#[test]
fn shortcut_vus_and_duration() {
    let mut model = shortcut(Shortcut::duration(nz!(1), secs(10)));
    if let Execution::Shortcut(model::Shortcut::Duration { vus, .. }) = &mut model.options.execution
    {
        *vus = 0;
    }
    we_reject(&model, "top-level shortcut: vus must be greater than 0");
    k6_rejects(
        r#"export const options = { vus: 0, duration: "10s" };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );

    we_reject(
        &shortcut(Shortcut::duration(nz!(1), Duration::ZERO)),
        "top-level shortcut: duration must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 1, duration: "0s" };
export default function () {}"#,
        "`duration` option should be more than 0",
    );

    // k6 runs the shortcut as a constant-vus scenario, which lasts at least 1s.
    we_reject(
        &shortcut(Shortcut::duration(nz!(1), millis(999))),
        "top-level shortcut: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { vus: 1, duration: "999ms" };
export default function () {}"#,
        "the duration must be at least 1s, but is 999ms",
    );
    both_accept(&shortcut(Shortcut::duration(nz!(1), secs(1))));
}

#[test]
fn shortcut_vus_and_iterations() {
    we_reject(
        &shortcut(Shortcut::iterations(nz!(3), nz!(2))),
        "top-level shortcut: iterations (2) is less than vus (3)",
    );
    k6_rejects(
        r#"export const options = { vus: 3, iterations: 2 };
export default function () {}"#,
        "the number of iterations (2) can't be less than the number of VUs (3)",
    );
    both_accept(&shortcut(Shortcut::iterations(nz!(3), nz!(3))));

    let mut model = shortcut(Shortcut::iterations(nz!(1), nz!(1)));
    if let Execution::Shortcut(model::Shortcut::Iterations {
        vus, iterations, ..
    }) = &mut model.options.execution
    {
        *vus = 0;
        *iterations = 0;
    }
    we_reject(&model, "top-level shortcut: vus must be greater than 0");
    we_reject(
        &model,
        "top-level shortcut: iterations must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 0, iterations: 1 };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 1, iterations: 0 };
export default function () {}"#,
        "the number of iterations (0) can't be less than the number of VUs (1)",
    );

    // With a duration, k6 runs shared-iterations with that maxDuration.
    we_reject(
        &shortcut(Shortcut::iterations_within(nz!(1), nz!(1), millis(999))),
        "top-level shortcut: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { vus: 1, iterations: 1, duration: "999ms" };
export default function () {}"#,
        "the maxDuration must be at least 1s, but is 999ms",
    );
    both_accept(&shortcut(Shortcut::iterations_within(
        nz!(1),
        nz!(1),
        secs(1),
    )));
}

#[test]
fn shortcut_stages() {
    we_reject(
        &shortcut(Shortcut::stages(0, [(secs(10), 0), (secs(5), 0)])),
        "top-level shortcut: either vus or one of the stages' targets must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 0, stages: [{ duration: "10s", target: 0 }, { duration: "5s", target: 0 }] };
export default function () {}"#,
        "either startVUs or one of the stages' target values must be greater than 0",
    );
    both_accept(&shortcut(Shortcut::stages(
        0,
        [(secs(10), 0), (secs(5), 1)],
    )));

    we_reject(
        &shortcut(Shortcut::stages(1, [(secs(10), 100_000_001)])),
        "top-level shortcut: stage target (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { vus: 1, stages: [{ duration: "10s", target: 100000001 }] };
export default function () {}"#,
        "target for stage 1 exceeds max limit of 100000000",
    );
    we_reject(
        &shortcut(Shortcut::stages(100_000_001, [(secs(10), 1)])),
        "top-level shortcut: vus (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { vus: 100000001, stages: [{ duration: "10s", target: 1 }] };
export default function () {}"#,
        "the startVUs exceed max limit of 100000000",
    );
    // The boundary (a jump: k6 plans a ramp VU by VU).
    both_accept(&shortcut(Shortcut::stages(
        100_000_000,
        [(Duration::ZERO, 100_000_000), (secs(1), 100_000_000)],
    )));

    // k6 ignores an empty `stages` with a warning and runs one iteration instead.
    we_reject(
        &shortcut(Shortcut::stages(1, [])),
        "top-level shortcut: stages must have at least one stage",
    );
    k6_accepts(
        r#"export const options = { vus: 1, stages: [] };
export default function () {}"#,
    );
    // k6 accepts stages that all last 0s, and then runs nothing.
    we_reject(
        &shortcut(Shortcut::stages(1, [(Duration::ZERO, 5)])),
        "top-level shortcut: stages: every stage lasts 0s, so nothing would run: give a stage a duration",
    );
    k6_accepts(
        r#"export const options = { vus: 1, stages: [{ duration: "0s", target: 5 }] };
export default function () {}"#,
    );
}
