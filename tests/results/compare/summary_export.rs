//! Baselines from real k6 runs against the demo shop: a `--summary-export`, a run
//! result and handleSummary's `data` give the same baseline, which compares with
//! itself and with a doctored copy.

use k6dsl::prelude::*;
use k6dsl::results::compare::{Baseline, Stat, Status, Tolerances};
use k6dsl_suite::tools;

use super::row;

/// A tiny script (20 iterations of two named requests), with endpoint thresholds so
/// that k6 exports the endpoints' sub-metrics.
fn tiny_script() -> Script<k6dsl::load::HasShortcut> {
    let flow = Flow::new("browse").steps(|f| {
        f.request(
            Request::get("/health")
                .name("health")
                .check(Check::status(200)),
        );
        f.request(
            Request::get("/products")
                .name("products")
                .check(Check::status(200)),
        );
    });
    Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(20)))
        .default_flow(&flow)
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "health").p(95).lt(5000))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "products").p(95).lt(5000))
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01))
}

fn shop() -> demo_shop::DemoShop {
    demo_shop::DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

/// The `--summary-export` of [`tiny_script`] run by k6 against the demo shop.
fn summary_of_a_real_run() -> serde_json::Value {
    let shop = shop();
    let js = tiny_script().to_javascript().expect("the script is valid");
    let base = shop.base_url();
    let run = tools::k6_run(&js, &[], &[("BASE_URL", &base)]);
    assert_eq!(
        run.exit_code, 0,
        "k6 failed\n{}\n{}",
        run.stdout, run.stderr
    );
    run.summary
}

#[test]
fn a_run_result_and_its_summary_export_give_the_same_baseline() {
    let shop = shop();
    let dir = tempfile::tempdir().unwrap();
    let result = k6dsl::run::Runner::new()
        .k6(tools::k6_binary())
        .dir(dir.path())
        .env("BASE_URL", shop.base_url())
        .echo(false)
        .timeout(std::time::Duration::from_secs(60))
        .run(&tiny_script())
        .expect("k6 runs");
    result.assert_passed();
    let from_run = Baseline::from_run(&result);
    let summary = result.summary_path.as_ref().expect("k6 wrote a summary");
    assert_eq!(Baseline::load(summary).unwrap(), from_run);
    assert!(from_run
        .metrics
        .contains_key("http_req_duration{endpoint:health}"));
    let comparison = from_run.compare(&from_run, &Tolerances::default());
    comparison.assert_no_regression();
    assert!(
        comparison.endpoint("products").count() >= 4,
        "{}",
        comparison.full_table()
    );
}

#[test]
fn a_real_summary_export_loads_and_compares() {
    let summary = summary_of_a_real_run();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary-export.json");
    std::fs::write(&path, serde_json::to_string_pretty(&summary).unwrap()).unwrap();
    let baseline = Baseline::load(&path).unwrap();

    let key = "http_req_duration{endpoint:products}";
    let products = &baseline.metrics[key];
    assert_eq!(products.kind, k6dsl::model::MetricKind::Trend);
    for stat in [Stat::Avg, Stat::Med, Stat::P90, Stat::P95, Stat::Max] {
        assert!(
            products.stats.contains_key(&stat),
            "{stat} of {key}: {products:?}"
        );
    }
    assert_eq!(baseline.value("http_reqs", Stat::Count), Some(40.0));
    assert_eq!(baseline.value("http_req_failed", Stat::Rate), Some(0.0));
    assert_eq!(baseline.value("checks", Stat::Rate), Some(1.0));

    // Against itself: nothing moves.
    let same = baseline.compare(&baseline, &Tolerances::default());
    same.assert_no_regression();
    assert!(
        same.entries.iter().all(|e| e.status == Status::Unchanged),
        "{same}"
    );
    assert!(
        same.endpoint("health").count() >= 4,
        "{}",
        same.full_table()
    );

    // A doctored copy whose products p95 is 50 ms slower.
    let mut doctored = summary.clone();
    let p95 = &mut doctored["metrics"][key]["p(95)"];
    *p95 = serde_json::json!(p95.as_f64().unwrap() + 50.0);
    std::fs::write(&path, serde_json::to_string(&doctored).unwrap()).unwrap();
    let slower = Baseline::load(&path).unwrap();
    let comparison = baseline
        .label("self")
        .compare(&slower, &Tolerances::default());
    assert!(comparison.is_regression());
    let regressions: Vec<_> = comparison
        .regressions()
        .map(|e| (e.key.as_str(), e.stat))
        .collect();
    assert_eq!(regressions, [(key, Stat::P95)]);
    let message = std::panic::catch_unwind(|| comparison.assert_no_regression())
        .expect_err("a regression panics");
    let message = message
        .downcast_ref::<String>()
        .expect("the panic message is the table");
    assert!(
        row(message, key, Stat::P95).contains("REGRESSED"),
        "{message}"
    );
    assert!(message.contains("baseline \"self\""), "{message}");
    let json: serde_json::Value = serde_json::from_str(&comparison.to_json()).unwrap();
    let regressed: Vec<&serde_json::Value> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "regressed")
        .collect();
    assert_eq!(regressed.len(), 1, "{json}");
    assert_eq!(regressed[0]["key"], key);
    assert_eq!(regressed[0]["stat"], "p(95)");
}

/// Old runs may have kept handleSummary's `data` rather than a summary export: both
/// give the same baseline, here on a hand-written script whose sub-metric is keyed by
/// the `name` tag.
#[test]
fn handle_summary_data_loads_like_a_summary_export() {
    let shop = shop();
    let js = r#"import http from "k6/http";

export const options = {
  iterations: 5,
  thresholds: { "http_req_duration{name:health}": ["p(95)<5000"] },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/health`, { tags: { name: "health" } });
}

export function handleSummary(data) {
  return { "data.json": JSON.stringify(data) };
}
"#;
    let base = shop.base_url();
    let run = tools::k6_run(js, &[], &[("BASE_URL", &base)]);
    assert_eq!(
        run.exit_code, 0,
        "k6 failed\n{}\n{}",
        run.stdout, run.stderr
    );
    let from_data = Baseline::load(run.dir.path().join("data.json")).unwrap();
    let from_export = Baseline::from_summary_export(&run.summary).unwrap();
    assert_eq!(from_data, from_export);
    assert_eq!(from_data.value("http_reqs", Stat::Count), Some(5.0));
    assert_eq!(from_data.value("http_req_failed", Stat::Rate), Some(0.0));
    let comparison = from_data.compare(&from_export, &Tolerances::default());
    comparison.assert_no_regression();
    assert!(
        comparison.endpoint("health").count() >= 4,
        "{}",
        comparison.full_table()
    );
}
