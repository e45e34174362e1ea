//! A real k6 run against the demo shop: the stream's analysis of its `--out json`
//! matches k6's own summary.

use k6dsl::results::stream::{Aggregate, Config};
use k6dsl_suite::tools;

use super::relative_error;

/// k6's summary value `key` of `metric`.
fn summary_value(run: &tools::Run, metric: &str, key: &str) -> f64 {
    run.metric(metric)
        .and_then(|m| m[key].as_f64())
        .unwrap_or_else(|| {
            panic!(
                "the summary has no {metric}.{key}: {:#}",
                run.summary["metrics"]
            )
        })
}

#[test]
fn real_k6_output_matches_k6s_summary() {
    let shop = demo_shop::DemoShop::start().expect("the demo shop starts on 127.0.0.1");
    let base = shop.base_url();
    let script = r#"import http from "k6/http";
import { check } from "k6";
import { Trend } from "k6/metrics";

const BASE_URL = __ENV.BASE_URL;
const productsTime = new Trend("products_time", true);

export const options = {
  vus: 4,
  iterations: 400,
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
  thresholds: {
    "http_req_duration{expected_response:true}": ["p(95)<10000"],
    "http_req_duration{name:products}": ["p(95)<10000"],
  },
};

export default function () {
  const res = http.get(`${BASE_URL}/products`, { tags: { name: "products" } });
  check(res, { "status is 200": (r) => r.status === 200 });
  productsTime.add(res.timings.duration);
  if (__ITER % 4 === 0) {
    http.get(`${BASE_URL}/status/404`, { tags: { name: "missing" } });
  }
}
"#;
    let run = tools::k6_run_with(
        script,
        &[],
        &[("BASE_URL", &base)],
        &["--out", "json=out.json"],
    );
    assert_eq!(run.exit_code, 0, "k6 failed:\n{}", run.stderr);
    let file = std::fs::File::open(run.dir.path().join("out.json")).expect("k6 wrote out.json");
    let aggregate =
        Aggregate::from_reader(std::io::BufReader::new(file), Config::default()).unwrap();
    assert!(
        aggregate.warnings().is_empty(),
        "{:?}",
        aggregate.warnings()
    );
    assert_eq!(aggregate.invalid_lines(), 0);

    let count = |metric: &str| aggregate.total(metric).unwrap().count() as f64;
    assert_eq!(
        count("http_reqs"),
        summary_value(&run, "http_reqs", "count")
    );
    assert_eq!(
        aggregate.total("iterations").unwrap().sum(),
        summary_value(&run, "iterations", "count")
    );
    let checks = aggregate.total("checks").unwrap();
    assert_eq!(
        checks.non_zero() as f64,
        summary_value(&run, "checks", "passes")
    );
    assert_eq!(checks.rate(), Some(summary_value(&run, "checks", "value")));
    let failed = aggregate.total("http_req_failed").unwrap();
    assert_eq!(
        failed.rate(),
        Some(summary_value(&run, "http_req_failed", "value"))
    );
    // k6 samples `vus` once a second: a run this short may have no sample.
    if let Some(vus) = aggregate.total("vus") {
        assert_eq!(vus.max(), Some(summary_value(&run, "vus", "max")));
    }

    let trends: [(&str, &[(&str, &str)]); 5] = [
        ("http_req_duration", &[]),
        (
            "http_req_duration{expected_response:true}",
            &[("expected_response", "true")],
        ),
        ("http_req_duration{name:products}", &[("name", "products")]),
        ("products_time", &[]),
        ("iteration_duration", &[]),
    ];
    for (key, tags) in trends {
        let metric = key.split('{').next().unwrap();
        let stats = aggregate.total_where(metric, tags).unwrap();
        let exact = |stat: &str| summary_value(&run, key, stat);
        assert_eq!(stats.min(), Some(exact("min")), "{key} min");
        assert_eq!(stats.max(), Some(exact("max")), "{key} max");
        let avg = stats.mean().unwrap();
        assert!(
            relative_error(avg, exact("avg")) < 1e-9,
            "{key} avg {avg} vs {}",
            exact("avg")
        );
        for (stat, q) in [
            ("med", 0.5),
            ("p(90)", 0.9),
            ("p(95)", 0.95),
            ("p(99)", 0.99),
        ] {
            let ours = stats.quantile(q).unwrap();
            let error = relative_error(ours, exact(stat));
            eprintln!(
                "{key} {stat}: ours {ours:.4}, k6 {:.4}, error {error:.5}",
                exact(stat)
            );
            assert!(
                error <= 0.01,
                "{key} {stat}: {ours} vs k6's {}",
                exact(stat)
            );
        }
    }
    let info = aggregate.metric("http_req_duration").unwrap();
    assert_eq!(info.kind, Some(k6dsl::results::stream::MetricKind::Trend));
    assert_eq!(info.contains, "time");
}
