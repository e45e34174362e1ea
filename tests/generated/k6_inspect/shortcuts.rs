//! Top-level shortcuts, read back by k6.

use super::*;

// Top-level shortcuts
// ---------------------------------------------------------------------------------

#[test]
fn no_load_model_is_k6s_default() {
    assert_k6_reads_the_model(&Script::new());
}

#[test]
fn shortcut_vus_and_duration() {
    for (vus, duration) in [
        (nz!(1), secs(1)),
        (nz!(10), mins(1) + secs(30)),
        (nz!(3), hours(2)),
    ] {
        assert_k6_reads_the_model(&Script::new().shortcut(Shortcut::duration(vus, duration)));
    }
}

#[test]
fn shortcut_vus_and_iterations() {
    for (vus, iterations) in [(nz!(1), nz!(1)), (nz!(5), nz!(5)), (nz!(4), nz!(1000))] {
        assert_k6_reads_the_model(&Script::new().shortcut(Shortcut::iterations(vus, iterations)));
    }
}

#[test]
fn shortcut_vus_iterations_and_duration() {
    for (vus, iterations, duration) in [
        (nz!(1), nz!(1), secs(1)),
        (nz!(5), nz!(50), mins(2)),
        (nz!(2), nz!(3), millis(1500)),
    ] {
        assert_k6_reads_the_model(
            &Script::new().shortcut(Shortcut::iterations_within(vus, iterations, duration)),
        );
    }
}

#[test]
fn shortcut_stages() {
    for (start, stages) in [
        (0, vec![(secs(30), 20), (mins(1), 20), (secs(30), 0)]),
        (5, vec![(Duration::ZERO, 1), (Duration::from_nanos(1), 1)]),
        // k6 plans a ramp VU by VU: jump to its largest VU count instead of ramping.
        (
            1,
            vec![
                (millis(1500), 0),
                (Duration::ZERO, 100_000_000),
                (hours(1), 100_000_000),
            ],
        ),
    ] {
        assert_k6_reads_the_model(&Script::new().shortcut(Shortcut::stages(start, stages)));
    }
}

#[test]
fn shortcuts_with_thresholds_and_options() {
    let script = Script::new()
        .shortcut(Shortcut::duration(nz!(2), secs(10)))
        .threshold(HTTP_REQ_DURATION.tag("scenario", "default").p(95).lt(200))
        .threshold(ITERATIONS.count().gt(1))
        .options(GeneralOptions::default().user_agent("k6dsl").no_setup(true));
    assert_k6_reads_the_model(&script);
}
