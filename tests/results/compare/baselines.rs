//! Comparisons of hand-built baselines: direction, tolerances, new and missing
//! metrics, endpoints, series of past runs and the JSON formats.

use k6dsl::results::compare::{
    Baseline, CompareError, Direction, Series, Stat, Status, Tolerance, Tolerances,
};

use super::row;

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
