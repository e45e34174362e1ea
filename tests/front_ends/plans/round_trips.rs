//! Plans go to JSON and YAML and come back equal, generating the same JavaScript
//! and the same data files; every number and duration comes back exactly.

use std::time::Duration;

use k6dsl::plan::{Format, Plan};
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl_suite::checkout;

use super::sample_plans::{kitchen_sink, shortcuts};
use super::vu_code_plans::vu_code_scripts;

/// Writes `plan` as JSON and as YAML, reads each back, and checks that the model is
/// equal and generates byte-identical JavaScript.
fn assert_round_trips(name: &str, plan: &Plan) {
    let js = plan
        .to_javascript()
        .unwrap_or_else(|e| panic!("{name}: the script is valid: {e}"));
    for format in [Format::Json, Format::Yaml] {
        let text = plan.to_text(format);
        let back = Plan::load(&text, format).unwrap_or_else(|e| {
            panic!(
                "{name} ({}) does not read back:\n{e}\n{text}",
                format.name()
            )
        });
        assert_eq!(&back, plan, "{name} ({}) changed:\n{text}", format.name());
        assert_eq!(
            back.to_javascript().unwrap(),
            js,
            "{name} ({})",
            format.name()
        );
        assert_eq!(
            back.data_files().unwrap(),
            plan.data_files().unwrap(),
            "{name}"
        );
        // And it is stable: written again, the text is the same.
        assert_eq!(back.to_text(format), text, "{name} ({})", format.name());
    }
}

#[test]
fn the_checkout_test_round_trips_for_every_profile() {
    for profile in Profile::ALL {
        let script = checkout::script(profile);
        let plan = Plan::from(&script);
        assert_round_trips(&format!("checkout {}", profile.name()), &plan);
        assert_eq!(
            plan.to_javascript().unwrap(),
            script.to_javascript().unwrap(),
            "{profile:?}: the plan generates what the builder does"
        );
    }
    let bench = checkout::bench_script(nz!(3), secs(20));
    assert_round_trips("benchmark", &Plan::from(&bench));
}
#[test]
fn every_executor_shortcut_and_option_round_trips() {
    let plan = kitchen_sink();
    assert_round_trips("every executor and option", &plan);
    // The plan holds what the test claims to cover.
    let json = plan.to_json();
    for needle in [
        "\"type\": \"externally-controlled\"",
        "\"stages\": [",
        "\"duration\": \"1.5ms\"",
        "\"duration\": \"25h\"",
        "\"start_time\": \"1.5s\"",
        "\"percentile\": 99.9",
    ] {
        assert!(json.contains(needle), "{needle} missing:\n{json}");
    }

    for plan in shortcuts() {
        assert_round_trips("shortcut", &plan);
    }
}
#[test]
fn the_vu_code_scripts_round_trip() {
    for (name, plan) in vu_code_scripts() {
        assert_round_trips(name, &plan);
    }
}

/// Model parts as ir values, so that the property test can reach every number.
fn bound_and_duration_plan(bound: f64, percentile: f64, duration: Duration) -> Plan {
    use k6dsl::model;
    let mut script = model::Script::default();
    script.options.execution =
        model::Execution::Shortcut(model::Shortcut::Duration { vus: 1, duration });
    script.options.thresholds.push(model::Threshold {
        metric: "http_req_duration".into(),
        kind: model::MetricKind::Trend,
        selector: Default::default(),
        stat: model::Stat::Percentile(percentile),
        op: model::Comparison::Lt,
        bound,
        abort_on_fail: true,
        delay_abort_eval: Some(duration),
    });
    Plan::from(script)
}

proptest::proptest! {
    /// Every finite number and every duration comes back exactly, in both formats
    /// (serde_json needs its `float_roundtrip` feature for that).
    #[test]
    fn numbers_and_durations_come_back_exactly(
        bound in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        percentile in 0.0..=100.0f64,
        secs in 0u64..=9_223_372_036,
        nanos in 0u32..1_000_000_000,
    ) {
        let plan = bound_and_duration_plan(bound, percentile, Duration::new(secs, nanos));
        for format in [Format::Json, Format::Yaml] {
            let back = Plan::parse(&plan.to_text(format), format).unwrap();
            proptest::prop_assert_eq!(&back, &plan);
        }
    }
}
