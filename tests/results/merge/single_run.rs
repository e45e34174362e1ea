//! One real k6 run; merging its one file must give k6's own summary.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

use k6dsl::model::{self, MetricKind};
use k6dsl::results::merge::{merge, Expression, MergeInput, MergeOptions, MergedRun};
use k6dsl::run::{MetricValues, Outcome, Verdict};
use k6dsl_suite::tools;

use super::relative_error;

const SCRIPT: &str = r#"import http from "k6/http";
import { check, group } from "k6";
import { Counter, Gauge, Rate, Trend } from "k6/metrics";

const cartTime = new Trend("cart_time", true);
const productsSeen = new Counter("products_seen");
const lastIteration = new Gauge("my_gauge");
const okRate = new Rate("ok_rate");
const emptyRate = new Rate("empty_rate");

export const options = {
  vus: 4,
  iterations: 200,
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "count"],
  thresholds: {
    http_req_duration: ["p(95)<10000", "avg<0.001"],
    "http_req_duration{name:products}": ["p(90)<10000"],
    "http_req_duration{group:::shop}": ["max<10000"],
    "http_req_duration{name:nothing}": ["p(95)<100", "min>10"],
    "checks{check:status is 200}": ["rate>0.99"],
    empty_rate: ["rate>0.5"],
    iterations: ["count>=40"],
    my_gauge: ["value>=0"],
    http_reqs: ["rate>1"],
    cart_time: ["med<10000"],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/products`, { tags: { name: "products" } });
  check(res, { "status is 200": (r) => r.status === 200 });
  productsSeen.add(2);
  okRate.add(res.status === 200);
  group("shop", () => {
    const cart = http.get(`${__ENV.BASE_URL}/products/1`, { tags: { name: "product" } });
    cartTime.add(cart.timings.duration);
    check(cart, { "product found": (r) => r.status === 200 });
    if (__ITER % 4 === 0) {
      const missing = http.get(`${__ENV.BASE_URL}/missing`, { tags: { name: "missing" } });
      check(missing, { "missing is 200": (r) => r.status === 200 });
    }
  });
  if (__VU === 1) {
    lastIteration.add(__ITER);
  }
}

export function handleSummary(data) {
  return { "state.json": JSON.stringify(data.state) };
}
"#;

/// The script's thresholds as declared in Rust, in its order.
fn declared() -> Vec<model::Threshold> {
    let t = |metric: &str, kind, selector: &[(&str, &str)], expression: &str| {
        let e = Expression::parse(expression).unwrap();
        model::Threshold {
            metric: metric.into(),
            kind,
            selector: selector
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            stat: e.stat,
            op: e.op,
            bound: e.bound,
            abort_on_fail: false,
            delay_abort_eval: None,
        }
    };
    use MetricKind::*;
    vec![
        t("http_req_duration", Trend, &[], "p(95)<10000"),
        t("http_req_duration", Trend, &[], "avg<0.001"),
        t(
            "http_req_duration",
            Trend,
            &[("name", "products")],
            "p(90)<10000",
        ),
        t(
            "http_req_duration",
            Trend,
            &[("group", "::shop")],
            "max<10000",
        ),
        t(
            "http_req_duration",
            Trend,
            &[("name", "nothing")],
            "p(95)<100",
        ),
        t("http_req_duration", Trend, &[("name", "nothing")], "min>10"),
        t("checks", Rate, &[("check", "status is 200")], "rate>0.99"),
        t("empty_rate", Rate, &[], "rate>0.5"),
        t("iterations", Counter, &[], "count>=40"),
        t("my_gauge", Gauge, &[], "value>=0"),
        t("http_reqs", Counter, &[], "rate>1"),
        t("cart_time", Trend, &[], "med<10000"),
    ]
}

struct SingleRun {
    run: tools::Run,
    /// k6's test duration (`state.testRunDurationMs` from handleSummary).
    duration: Duration,
}

impl SingleRun {
    fn out_json(&self) -> std::path::PathBuf {
        self.run.dir.path().join("out.json")
    }

    fn merged(&self, options: MergeOptions) -> MergedRun {
        merge(&[MergeInput::new(self.out_json())], &options).expect("k6's file merges")
    }
}

fn single_run() -> &'static SingleRun {
    static RUN: OnceLock<SingleRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let shop = demo_shop::DemoShop::start().expect("the demo shop starts on 127.0.0.1");
        let run = tools::k6_run_with(
            SCRIPT,
            &[],
            &[("BASE_URL", &shop.base_url())],
            &["--out", "json=out.json"],
        );
        assert_eq!(run.exit_code, 99, "avg<0.001 must fail:\n{}", run.stderr);
        let state: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(run.dir.path().join("state.json"))
                .expect("handleSummary wrote state.json"),
        )
        .unwrap();
        let ms = state["testRunDurationMs"].as_f64().expect("a duration");
        SingleRun {
            run,
            duration: Duration::from_secs_f64(ms / 1000.0),
        }
    })
}

/// k6's verdict on a threshold, in [`Outcome`]'s terms: its summary says FAILED
/// (`true`) or not; not failed with no sample (a Trend's count or a Rate's passes
/// plus fails is 0) is [`Outcome::NoSamples`].
fn k6_outcome(summary: &serde_json::Value, metric: &str, expression: &str) -> Outcome {
    let m = &summary["metrics"][metric];
    let failed = m["thresholds"][expression]
        .as_bool()
        .unwrap_or_else(|| panic!("k6 has no {metric}: {expression}"));
    let samples = m["count"]
        .as_f64()
        .filter(|_| m.get("passes").is_none())
        .or_else(|| Some(m["passes"].as_f64()? + m["fails"].as_f64()?));
    match (failed, samples) {
        (true, _) => Outcome::Failed,
        (false, Some(0.0)) => Outcome::NoSamples,
        (false, _) => Outcome::Passed,
    }
}

fn close(ours: f64, k6: f64, what: &str) {
    assert!(
        relative_error(ours, k6) <= 1e-9,
        "{what}: ours {ours}, k6's {k6}"
    );
}

#[test]
fn merging_one_file_reproduces_k6s_summary_and_thresholds() {
    let single = single_run();
    let summary = &single.run.summary;
    let merged = single.merged(
        MergeOptions::default()
            .declared(&declared())
            .duration(single.duration),
    );
    assert!(merged.warnings.is_empty(), "{:#?}", merged.warnings);
    assert!(merged.approximate.is_empty(), "{:#?}", merged.approximate);
    let ours = &merged.result.metrics;
    let k6_metrics = summary["metrics"].as_object().unwrap();
    for (key, k6) in k6_metrics {
        let mine = ours
            .get(key)
            .unwrap_or_else(|| panic!("{key} is missing: {:?}", ours.keys()));
        let num = |field: &str| k6[field].as_f64().unwrap();
        match mine {
            MetricValues::Rate {
                rate,
                passes,
                fails,
            } => {
                assert_eq!(
                    (*passes as f64, *fails as f64),
                    (num("passes"), num("fails")),
                    "{key}"
                );
                close(*rate, num("value"), key);
            }
            MetricValues::Gauge { value, min, max } => {
                assert_eq!(
                    (*value, *min, *max),
                    (num("value"), num("min"), num("max")),
                    "{key}"
                );
            }
            MetricValues::Counter { count, rate } => {
                assert_eq!(*count, num("count"), "{key}");
                close(*rate, num("rate"), &format!("{key} rate"));
            }
            MetricValues::Trend(stats) => {
                for stat in ["avg", "min", "med", "max", "p(90)", "p(95)", "count"] {
                    close(stats[stat], num(stat), &format!("{key} {stat}"));
                }
            }
        }
    }
    assert!(ours.len() >= k6_metrics.len());

    // Every threshold: k6's outcome, in declaration order, mapped to its declaration.
    let expected: Vec<(String, String)> = declared()
        .iter()
        .map(|t| (t.key(), t.expression()))
        .collect();
    let got: Vec<(String, String)> = merged
        .result
        .thresholds
        .iter()
        .map(|t| (t.metric.clone(), t.expression.clone()))
        .collect();
    assert_eq!(got, expected);
    for (t, declared) in merged.result.thresholds.iter().zip(declared()) {
        assert_eq!(t.declared.as_ref(), Some(&declared));
        assert_eq!(
            t.outcome,
            k6_outcome(summary, &t.metric, &t.expression),
            "{}",
            t.name()
        );
    }
    let outcome = |metric: &str, expression: &str| {
        merged.result.threshold(metric, expression).unwrap().outcome
    };
    // The cases that matter, spelt out: a sub-metric, one with no samples, an
    // empty Trend judged at 0, a Rate with nothing.
    assert_eq!(
        outcome("http_req_duration{name:products}", "p(90)<10000"),
        Outcome::Passed
    );
    assert_eq!(
        outcome("http_req_duration{name:nothing}", "p(95)<100"),
        Outcome::NoSamples
    );
    assert_eq!(
        outcome("http_req_duration{name:nothing}", "min>10"),
        Outcome::Failed
    );
    assert_eq!(outcome("empty_rate", "rate>0.5"), Outcome::NoSamples);
    assert_eq!(outcome("http_req_duration", "avg<0.001"), Outcome::Failed);
    assert_eq!(merged.result.verdict, Verdict::ThresholdsFailed);
    assert_eq!(merged.exit_code(), single.run.exit_code);
    let avg = merged
        .result
        .threshold("http_req_duration", "avg<0.001")
        .unwrap();
    close(
        avg.observed.unwrap(),
        summary["metrics"]["http_req_duration"]["avg"]
            .as_f64()
            .unwrap(),
        "observed avg",
    );

    // Checks by group, as k6 counts them.
    let mut k6_checks = Vec::new();
    fn walk(group: &serde_json::Value, out: &mut Vec<(String, String, u64, u64)>) {
        for check in group["checks"]
            .as_object()
            .into_iter()
            .flat_map(|c| c.values())
        {
            out.push((
                group["path"].as_str().unwrap().to_owned(),
                check["name"].as_str().unwrap().to_owned(),
                check["passes"].as_u64().unwrap(),
                check["fails"].as_u64().unwrap(),
            ));
        }
        for inner in group["groups"]
            .as_object()
            .into_iter()
            .flat_map(|g| g.values())
        {
            walk(inner, out);
        }
    }
    walk(&summary["root_group"], &mut k6_checks);
    k6_checks.sort();
    let mut ours: Vec<_> = merged
        .result
        .checks
        .iter()
        .map(|c| (c.group.clone(), c.name.clone(), c.passes, c.fails))
        .collect();
    ours.sort();
    assert_eq!(ours, k6_checks);
    assert!(merged.result.checks_in("::shop").1 > 0);

    let instance = &merged.instances[0];
    let k6 = |metric: &str, field: &str| summary["metrics"][metric][field].as_f64().unwrap();
    assert_eq!(instance.iterations, 200.0);
    assert_eq!(instance.requests, k6("http_reqs", "count"));
    assert_eq!(
        instance.failed_requests as f64,
        k6("http_req_failed", "passes")
    );
    assert_eq!(
        instance.failed_samples as f64,
        k6("http_req_failed", "passes") + k6("http_req_failed", "fails")
    );
    assert!(instance.failed_requests > 0);
}

#[test]
fn without_declarations_the_files_thresholds_are_judged_and_the_rest_named() {
    let single = single_run();
    let merged = single.merged(MergeOptions::default());
    // The whole-metric thresholds k6 writes on its Metric lines, judged as k6 did.
    for t in &merged.result.thresholds {
        assert!(t.declared.is_none());
        assert_eq!(
            t.outcome,
            k6_outcome(&single.run.summary, &t.metric, &t.expression),
            "{}",
            t.name()
        );
    }
    let names: Vec<String> = merged.result.thresholds.iter().map(|t| t.name()).collect();
    for expected in [
        "http_req_duration: p(95)<10000",
        "http_req_duration: avg<0.001",
        "iterations: count>=40",
        "my_gauge: value>=0",
        "cart_time: med<10000",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    // Sub-metric thresholds are not in the files: the warning names them.
    let warning = merged
        .warnings
        .iter()
        .find(|w| w.contains("sub-metrics"))
        .unwrap_or_else(|| panic!("{:#?}", merged.warnings));
    assert!(
        warning.contains("http_req_duration{name:products}"),
        "{warning}"
    );
    assert!(warning.contains("checks{check:status is 200}"), "{warning}");
    // Without a duration the Counter rates are estimated, and say so.
    assert!(
        merged
            .approximate
            .iter()
            .any(|a| a.metric == "http_reqs" && a.statistics == "rate"),
        "{:#?}",
        merged.approximate
    );
    assert_eq!(merged.result.verdict, Verdict::ThresholdsFailed);
}

#[test]
fn over_the_sample_limit_percentiles_come_from_the_sketch_within_its_error() {
    let single = single_run();
    let options = MergeOptions::default()
        .declared(&declared())
        .duration(single.duration);
    let exact = single.merged(options.clone());
    let alpha = 0.01;
    let sketched = single.merged(options.sample_limit(10).relative_accuracy(alpha));
    assert!(sketched.trend_samples > 10);
    let approximate: BTreeMap<&str, &str> = sketched
        .approximate
        .iter()
        .map(|a| (a.metric.as_str(), a.statistics.as_str()))
        .collect();
    assert_eq!(approximate.get("http_req_duration"), Some(&"med, p(N)"));
    assert!(sketched
        .approximate
        .iter()
        .all(|a| a.relative_error == Some(alpha)));
    for (key, values) in &exact.result.metrics {
        let MetricValues::Trend(exact_stats) = values else {
            assert_eq!(Some(values), sketched.result.metrics.get(key), "{key}");
            continue;
        };
        let sketch_stats = match &sketched.result.metrics[key] {
            MetricValues::Trend(s) => s,
            other => panic!("{key}: {other:?}"),
        };
        for stat in ["count", "min", "max"] {
            assert_eq!(sketch_stats[stat], exact_stats[stat], "{key} {stat}");
        }
        close(sketch_stats["avg"], exact_stats["avg"], key);
        for stat in ["med", "p(90)", "p(95)", "p(99)"] {
            let (a, e) = (sketch_stats[stat], exact_stats[stat]);
            assert!(
                relative_error(a, e) <= alpha,
                "{key} {stat}: sketch {a}, exact {e}"
            );
        }
        if exact_stats["count"] > 0.0 {
            assert!(
                approximate.contains_key(key.as_str()),
                "{key} is not flagged"
            );
        }
    }
    // The same judgements: no threshold is near its bound.
    let outcomes = |m: &MergedRun| {
        m.result
            .thresholds
            .iter()
            .map(|t| t.outcome)
            .collect::<Vec<_>>()
    };
    assert_eq!(outcomes(&sketched), outcomes(&exact));
}
