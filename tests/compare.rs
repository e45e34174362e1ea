//! Baseline comparison: direction, tolerances, new and missing metrics, endpoints,
//! series of past runs and the JSON formats on hand-built values; then a real k6
//! `--summary-export` of a run against the demo shop, compared with itself and with a
//! doctored copy.

use k6dsl::prelude::*;
use k6dsl::results::compare::{
    Baseline, CompareError, Direction, Series, Stat, Status, Tolerance, Tolerances,
};
use k6dsl_suite::tools;

fn latency(key: &str, p95: f64) -> Baseline {
    Baseline::new().trend(key, [(Stat::Avg, p95 / 2.0), (Stat::P95, p95)])
}

fn status(
    base: &Baseline,
    now: &Baseline,
    tolerances: &Tolerances,
    key: &str,
    stat: Stat,
) -> Status {
    base.compare(now, tolerances)
        .get(key, stat)
        .unwrap_or_else(|| panic!("{key} {stat} is compared"))
        .status
}

#[test]
fn latency_up_regresses_and_down_improves() {
    let t = Tolerances::default();
    let base = latency("http_req_duration", 200.0);
    // +10% is the default allowance: exactly at the limit holds, past it regresses.
    assert_eq!(
        status(
            &base,
            &latency("http_req_duration", 220.0),
            &t,
            "http_req_duration",
            Stat::P95
        ),
        Status::Unchanged
    );
    assert_eq!(
        status(
            &base,
            &latency("http_req_duration", 221.0),
            &t,
            "http_req_duration",
            Stat::P95
        ),
        Status::Regressed
    );
    assert_eq!(
        status(
            &base,
            &latency("http_req_duration", 150.0),
            &t,
            "http_req_duration",
            Stat::P95
        ),
        Status::Improved
    );
    // The 1 ms floor: a sub-millisecond latency doubling is jitter, not a regression.
    assert_eq!(
        status(&latency("x", 0.4), &latency("x", 0.8), &t, "x", Stat::P95),
        Status::Unchanged
    );
    // max is captured but not judged by default.
    let base = Baseline::new().trend("http_req_duration", [(Stat::Max, 10.0)]);
    let now = Baseline::new().trend("http_req_duration", [(Stat::Max, 1000.0)]);
    assert!(base.compare(&now, &t).entries.is_empty());
}

#[test]
fn throughput_and_check_rate_down_regress_error_rate_up_regresses() {
    let t = Tolerances::default();
    let base = Baseline::new()
        .counter("http_reqs", 6000.0, 100.0)
        .rate("http_req_failed", 0.001)
        .rate("checks", 1.0);
    let worse = Baseline::new()
        .counter("http_reqs", 5000.0, 85.0)
        .rate("http_req_failed", 0.02)
        .rate("checks", 0.98);
    let better = Baseline::new()
        .counter("http_reqs", 7000.0, 120.0)
        .rate("http_req_failed", 0.0)
        .rate("checks", 1.0);
    let c = base.compare(&worse, &t);
    assert_eq!(
        c.get("http_reqs", Stat::Rate).unwrap().status,
        Status::Regressed
    );
    assert_eq!(
        c.get("http_req_failed", Stat::Rate).unwrap().status,
        Status::Regressed
    );
    assert_eq!(
        c.get("checks", Stat::Rate).unwrap().status,
        Status::Regressed
    );
    // A counter's total depends on the test's length: not judged.
    assert!(c.get("http_reqs", Stat::Count).is_none());
    // ...unless asked, and then fewer requests are worse.
    let counted = Tolerances::default().metric("http_reqs", Stat::Count, Tolerance::Relative(0.1));
    let entry = base.compare(&worse, &counted);
    let entry = entry.get("http_reqs", Stat::Count).unwrap();
    assert_eq!(
        (entry.direction, entry.status),
        (Direction::LowerIsWorse, Status::Regressed)
    );
    assert_eq!(entry.limit(), Some(5400.0));
    assert_eq!(c.regressions().count(), 3);
    let c = base.compare(&better, &t);
    assert!(!c.is_regression(), "{c}");
    assert_eq!(
        c.get("http_reqs", Stat::Rate).unwrap().status,
        Status::Improved
    );
    // 0.001 -> 0 is within one percentage point.
    assert_eq!(
        c.get("http_req_failed", Stat::Rate).unwrap().status,
        Status::Unchanged
    );
    // -9% throughput holds.
    let slightly = Baseline::new().counter("http_reqs", 5460.0, 91.0);
    assert!(!Baseline::new()
        .counter("http_reqs", 6000.0, 100.0)
        .compare(&slightly, &t)
        .is_regression());
}

#[test]
fn custom_metrics_change_until_given_a_direction() {
    let base = Baseline::new()
        .counter("orders", 100.0, 10.0)
        .rate("cache_hit", 0.9);
    let now = Baseline::new()
        .counter("orders", 50.0, 5.0)
        .rate("cache_hit", 0.5);
    let c = base.compare(&now, &Tolerances::default());
    assert!(!c.is_regression(), "{c}");
    assert_eq!(
        c.get("orders", Stat::Count).unwrap().status,
        Status::Changed
    );
    assert_eq!(
        c.get("cache_hit", Stat::Rate).unwrap().status,
        Status::Changed
    );
    let t = Tolerances::default()
        .direction("orders", Direction::LowerIsWorse)
        .direction("cache_hit", Direction::LowerIsWorse);
    let c = base.compare(&now, &t);
    assert_eq!(c.regressions().count(), 3, "{c}");
    // The other way round they improved.
    let c = now.compare(&base, &t);
    assert!(
        c.entries.iter().all(|e| e.status == Status::Improved),
        "{c}"
    );
}

#[test]
fn overrides_are_per_metric_key_and_statistic() {
    let t = Tolerances::default()
        .metric("http_req_duration", Stat::P95, Tolerance::Relative(0.05))
        .metric(
            "http_req_duration{endpoint:search}",
            Stat::P95,
            Tolerance::Relative(0.5),
        )
        .metric("http_req_duration", Stat::Max, Tolerance::Absolute(100.0))
        .ignore("http_req_duration{endpoint:health}");
    assert_eq!(
        t.tolerance_of("http_req_duration", Stat::P95),
        Tolerance::Relative(0.05)
    );
    assert_eq!(
        t.tolerance_of("http_req_duration{endpoint:login}", Stat::P95),
        Tolerance::Relative(0.05)
    );
    assert_eq!(
        t.tolerance_of("http_req_duration{endpoint:search}", Stat::P95),
        Tolerance::Relative(0.5)
    );
    assert_eq!(
        t.tolerance_of("http_req_duration{endpoint:health}", Stat::P95),
        Tolerance::Ignore
    );
    assert_eq!(
        t.tolerance_of("http_req_duration", Stat::Avg),
        Tolerance::Either {
            relative: 0.1,
            absolute: 1.0
        }
    );
    let base = latency("http_req_duration{endpoint:login}", 100.0)
        .merge(latency("http_req_duration{endpoint:search}", 100.0))
        .merge(latency("http_req_duration{endpoint:health}", 100.0));
    let now = latency("http_req_duration{endpoint:login}", 107.0)
        .merge(latency("http_req_duration{endpoint:search}", 140.0))
        .merge(latency("http_req_duration{endpoint:health}", 900.0));
    let c = base.compare(&now, &t);
    // login: +7% on p95 passes the default 10% but not the 5% override.
    assert_eq!(
        c.get("http_req_duration{endpoint:login}", Stat::P95)
            .unwrap()
            .status,
        Status::Regressed
    );
    assert_eq!(
        c.get("http_req_duration{endpoint:search}", Stat::P95)
            .unwrap()
            .status,
        Status::Unchanged
    );
    assert_eq!(c.endpoint("health").count(), 0);
    let login: Vec<_> = c.endpoint("login").map(|e| (e.stat, e.status)).collect();
    assert_eq!(
        login,
        [
            (Stat::Avg, Status::Unchanged),
            (Stat::P95, Status::Regressed)
        ]
    );
    let table = c.to_string();
    // The override is p95 only: search's average still has the default 10%.
    assert_eq!(
        c.get("http_req_duration{endpoint:search}", Stat::Avg)
            .unwrap()
            .status,
        Status::Regressed
    );
    assert!(table.contains("2 regressed"), "{table}");
    assert!(
        row(&table, "http_req_duration{endpoint:login}", Stat::P95).contains("REGRESSED"),
        "{table}"
    );
}

/// The table row of one statistic of one metric key.
fn row<'t>(table: &'t str, key: &str, stat: Stat) -> &'t str {
    table
        .lines()
        .find(|line| line.contains(&format!("| {key} ")) && line.contains(&format!("| {stat} ")))
        .unwrap_or_else(|| panic!("no row for {key} {stat} in\n{table}"))
}

/// Combining hand-built baselines, for the tests.
trait Merge {
    fn merge(self, other: Baseline) -> Baseline;
}

impl Merge for Baseline {
    fn merge(mut self, other: Baseline) -> Baseline {
        self.metrics.extend(other.metrics);
        self
    }
}

#[test]
fn new_and_missing_metrics_are_reported_not_failed_unless_asked() {
    let base = Baseline::new()
        .rate("checks", 1.0)
        .merge(latency("http_req_duration{endpoint:old}", 10.0));
    let now = Baseline::new()
        .rate("checks", 1.0)
        .merge(latency("http_req_duration{endpoint:new}", 10.0));
    let c = base.compare(&now, &Tolerances::default());
    assert!(!c.is_regression(), "{c}");
    assert_eq!(c.endpoint("old").next().unwrap().status, Status::Missing);
    assert_eq!(c.endpoint("new").next().unwrap().status, Status::New);
    assert_eq!(c.endpoint("new").next().unwrap().baseline, None);
    let text = c.to_string();
    assert!(text.contains("2 new, 2 missing"), "{text}");
    let c = base.compare(&now, &Tolerances::default().missing_is_regression(true));
    assert!(c.is_regression());
    assert_eq!(c.regressions().count(), 2);
}

#[test]
fn series_compare_with_the_median_and_report_spread_and_drift() {
    let past: Vec<Baseline> = [90.0, 100.0, 400.0, 105.0, 110.0, 120.0]
        .iter()
        .map(|p95| latency("http_req_duration", *p95))
        .collect();
    let series = Series::new(past).last(5);
    assert_eq!(series.runs.len(), 5);
    // 100, 400, 105, 110, 120: the outlier does not move the median.
    assert_eq!(
        series.median().value("http_req_duration", Stat::P95),
        Some(110.0)
    );
    let c = series.compare(&latency("http_req_duration", 125.0), &Tolerances::default());
    let entry = c.get("http_req_duration", Stat::P95).unwrap();
    assert_eq!(entry.baseline, Some(110.0));
    assert_eq!(entry.status, Status::Regressed, "{c}");
    let spread = entry.spread.unwrap();
    assert_eq!((spread.runs, spread.min, spread.max), (5, 100.0, 400.0));
    // 100, 400, 105, 110, 120 then 125: the outlier does not hide the creep up.
    let drift = spread.drift.unwrap();
    assert!(drift > 0.1 && drift < 0.3, "{drift}");
    assert!(c.reference.contains("median of 5"), "{}", c.reference);
    let table = c.to_string();
    assert!(table.contains("100..400 (5 runs)"), "{table}");
    // A steady creep: each run within 10% of the last, 40% over the window.
    let creep = Series::new(
        (0..5)
            .map(|i| latency("t", 100.0 + 10.0 * f64::from(i)))
            .collect(),
    );
    let c = creep.compare(&latency("t", 150.0), &Tolerances::default());
    let drift = c
        .get("t", Stat::P95)
        .unwrap()
        .spread
        .unwrap()
        .drift
        .unwrap();
    assert!(
        (drift - 50.0 / 120.0).abs() < 1e-9,
        "50 ms over the window, median 120: {drift}"
    );
    // Even counts average the middle two.
    let even = Series::new(vec![latency("t", 1.0), latency("t", 3.0)]);
    assert_eq!(even.median().value("t", Stat::P95), Some(2.0));
}

#[test]
fn baselines_round_trip_through_json_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/baseline.json");
    let baseline = Baseline::new()
        .label("v1")
        .trend(
            "http_req_duration{endpoint:login}",
            [(Stat::P95, 12.25), (Stat::Med, 3.0)],
        )
        .counter("http_reqs", 10.0, 0.1 + 0.2)
        .rate("checks", 0.999)
        .gauge("queue", -1.5);
    baseline.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(r#""p(95)": 12.25"#), "{text}");
    assert!(text.contains(r#""kind": "counter""#), "{text}");
    assert_eq!(Baseline::load(&path).unwrap(), baseline);
    // Unknown formats and non-JSON are errors that name the file.
    std::fs::write(&path, r#"{"format": "k6dsl-baseline/99", "metrics": {}}"#).unwrap();
    let error = Baseline::load(&path).unwrap_err();
    assert!(matches!(error, CompareError::Format { .. }));
    assert!(error.to_string().contains("baseline.json"), "{error}");
    std::fs::write(&path, "not json").unwrap();
    assert!(Baseline::load(&path).is_err());
    assert!(matches!(
        Baseline::load(dir.path().join("absent.json")),
        Err(CompareError::Io { .. })
    ));
}

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
