//! Thresholds: existing metrics, statistics by metric kind, values and selectors
//! k6 rejects, misreads or can never match.

use super::*;

/// The model of a script with one threshold, changed by `change` (to reach what the
/// typed builders cannot express).
fn threshold_model(change: impl FnOnce(&mut model::Threshold)) -> model::Script {
    let mut model = Script::new()
        .threshold(HTTP_REQ_DURATION.avg().lt(1))
        .into_ir();
    change(&mut model.options.thresholds[0]);
    model
}

#[test]
fn thresholds_need_an_existing_metric() {
    let mut model = Script::new()
        .threshold(Counter::new("orders").count().gt(1))
        .into_ir();
    model.metrics.clear();
    we_reject(
        &model,
        "threshold `orders`: no metric `orders` exists: it is not built in and the script declares no custom metric of that name",
    );
    k6_rejects(
        r#"export const options = { thresholds: { orders: ["count>1"] } };
export default function () {}"#,
        r#"no metric name \"orders\" found"#,
    );
    both_accept(
        &Script::new()
            .threshold(Counter::new("orders").count().gt(1))
            .into_ir(),
    );
}

/// Every statistic on every kind of metric it does not apply to.
#[test]
fn threshold_statistics_follow_the_metric_kind() {
    let metrics = [
        ("http_req_duration", MetricKind::Trend, "trend"),
        ("http_reqs", MetricKind::Counter, "counter"),
        ("checks", MetricKind::Rate, "rate"),
        ("vus", MetricKind::Gauge, "gauge"),
    ];
    let stats = [
        Stat::Avg,
        Stat::Min,
        Stat::Max,
        Stat::Med,
        Stat::Percentile(95.0),
        Stat::Count,
        Stat::Rate,
        Stat::Value,
    ];
    for (metric, kind, k6_kind) in metrics {
        for stat in stats {
            let model = threshold_model(|t| {
                t.metric = metric.into();
                t.kind = kind;
                t.stat = stat;
            });
            let name = stat.k6_name();
            let js = format!(
                r#"export const options = {{ thresholds: {{ {metric}: ["{name}<1"] }} }};
export default function () {{}}"#
            );
            if stat.applies_to(kind) {
                both_accept(&model);
                k6_accepts(&js);
            } else {
                we_reject(
                    &model,
                    &format!("threshold `{metric}`: `{name}` does not apply to a {kind:?} metric (k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value)"),
                );
                let method = name.split('(').next().unwrap();
                k6_rejects(
                    &js,
                    &format!("unsupported aggregation method {method} on metric of type {k6_kind}"),
                );
            }
        }
    }
    // A threshold that names a metric with the wrong kind is caught as well.
    let model = threshold_model(|t| {
        t.kind = MetricKind::Counter;
        t.stat = Stat::Count;
    });
    we_reject(
        &model,
        "threshold `http_req_duration`: metric `http_req_duration` is a Trend, but is used as a Counter",
    );
    k6_rejects(
        r#"export const options = { thresholds: { http_req_duration: ["count<1"] } };
export default function () {}"#,
        "unsupported aggregation method count on metric of type trend",
    );
}

#[test]
fn threshold_values_k6_accepts_but_mishandles() {
    // k6 v1.1.0 accepts a percentile outside [0, 100], then panics mid-run.
    for p in [-1.0, 100.5, 101.0] {
        we_reject(
            &Script::new()
                .threshold(HTTP_REQ_DURATION.p(p).lt(1))
                .into_ir(),
            &format!("threshold `http_req_duration`: percentile p({p}) must be between 0 and 100"),
        );
    }
    k6_accepts(
        r#"export const options = { thresholds: { http_req_duration: ["p(101)<1", "p(-1)<1"] } };
export default function () {}"#,
    );
    // Go's ParseFloat reads `NaN` and `Inf`, so k6 accepts such bounds: a NaN bound
    // always fails and an infinite one means nothing. k6dsl writes finite numbers only.
    for bound in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        we_reject(
            &Script::new()
                .threshold(HTTP_REQ_DURATION.avg().lt(bound))
                .into_ir(),
            &format!(
                "threshold `http_req_duration`: threshold bound ({bound}) must be a finite number"
            ),
        );
    }
    k6_accepts(
        r#"export const options = { thresholds: { http_req_duration: ["avg<NaN", "avg<Inf"] } };
export default function () {}"#,
    );
    // k6 ignores delayAbortEval without abortOnFail (it does not even print it back).
    let mut model = Script::new()
        .threshold(HTTP_REQ_DURATION.avg().lt(1).delay_abort_eval(secs(10)))
        .into_ir();
    we_reject(
        &model,
        "threshold `http_req_duration`: delayAbortEval has no effect without abortOnFail: add .abort_on_fail() or remove the delay",
    );
    let printed = k6_accepts(
        r#"export const options = { thresholds: { http_req_duration: [{ threshold: "avg<1", abortOnFail: false, delayAbortEval: "10s" }] } };
export default function () {}"#,
    );
    assert_eq!(printed["thresholds"]["http_req_duration"], json!(["avg<1"]));
    model.options.thresholds[0].abort_on_fail = true;
    both_accept(&model);
}

#[test]
fn selectors_k6_rejects() {
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("method", "").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{method:}`: tag `method` = ``: tag values in a threshold selector must not be empty",
    );
    k6_rejects(
        r#"export const options = { thresholds: { "http_req_duration{method:}": ["avg<1"] } };
export default function () {}"#,
        "tag expression is malformed",
    );
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("name", "a,b").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{name:a,b}`: tag `name` = `a,b`: k6 selectors cannot express a tag value containing `,` or `}`",
    );
    k6_rejects(
        r#"export const options = { thresholds: { "http_req_duration{name:a,b}": ["avg<1"] } };
export default function () {}"#,
        "tag expression is malformed",
    );
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("a,b", "c").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{a,b:c}`: tag `a,b` = `c`: k6 selectors cannot express a tag name containing `:`, `,`, `{` or `}`",
    );
    k6_rejects(
        r#"export const options = { thresholds: { "http_req_duration{a,b:c}": ["avg<1"] } };
export default function () {}"#,
        "tag expression is malformed",
    );
    both_accept(
        &Script::new()
            .threshold(HTTP_REQ_DURATION.tag("name", "a: b").avg().lt(1))
            .into_ir(),
    );
}

/// Selectors k6 accepts but reads as another sub-metric than the model means, or
/// that can never see a sample: k6 would pass such thresholds silently.
#[test]
fn selectors_k6_misreads() {
    // An empty tag name passes `k6 inspect` and crashes k6 at run time.
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("", "x").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{:x}`: tag `` = `x`: tag names in a threshold selector must not be empty (k6 crashes on it)",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{:x}": ["avg<1"] } };
export default function () {}"#,
    );
    // k6 cuts at the first `:`, so `a:b` = `c` would be read as `a` = `b:c`.
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("a:b", "c").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{a:b:c}`: tag `a:b` = `c`: k6 selectors cannot express a tag name containing `:`, `,`, `{` or `}`",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{a:b:c}": ["avg<1"] } };
export default function () {}"#,
    );
    // k6 trims spaces, then quotes, around tag names and values: these selectors
    // would never match the tags the model means.
    let spaces = "k6 trims spaces around selector tags, so this one could never match: remove the surrounding spaces";
    we_reject(
        &Script::new()
            .threshold(HTTP_REQ_DURATION.tag("name", " x ").avg().lt(1))
            .into_ir(),
        &format!("threshold `http_req_duration{{name: x }}`: tag `name` = ` x `: {spaces}"),
    );
    let quotes = "k6 strips quotes (`\"`, `'`) around selector tags, so this one could never match: remove them";
    for (key, value) in [
        ("name", "'quoted'"),
        ("name", "\"x\""),
        ("'name'", "x"),
        ("name", "it'"),
    ] {
        we_reject(
            &Script::new()
                .threshold(HTTP_REQ_DURATION.tag(key, value).avg().lt(1))
                .into_ir(),
            &format!(
                "threshold `http_req_duration{{{key}:{value}}}`: tag `{key}` = `{value}`: {quotes}"
            ),
        );
    }
    let printed = k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{name:'quoted'}": ["avg<1"] } };
export default function () {}"#,
    );
    assert!(printed["thresholds"]["http_req_duration{name:'quoted'}"].is_array());
    // Quotes inside a value are kept by k6.
    both_accept(
        &Script::new()
            .threshold(
                HTTP_REQ_DURATION
                    .tag("name", "it's \"fine\" here")
                    .avg()
                    .lt(1),
            )
            .into_ir(),
    );
    // Two keys that k6 reads as one sub-metric: which thresholds apply is random.
    let mut model = Script::new()
        .threshold(HTTP_REQ_DURATION.tag("name", "x").avg().lt(1))
        .threshold(HTTP_REQ_DURATION.tag("name", "x").avg().gt(2))
        .into_ir();
    model.options.thresholds[1]
        .selector
        .insert("name".into(), "'x'".into());
    we_reject(
        &model,
        "threshold `http_req_duration{name:'x'}`: k6 reads this key and `http_req_duration{name:x}` as the same sub-metric: merge them",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{name:x}": ["avg<1"], "http_req_duration{name:'x'}": ["avg>2"] } };
export default function () {}"#,
    );
    // `{` and `}` are refused in tag names, and `}` in values, although k6 reads them
    // correctly (`k6 run` matches `{a:b}c}` to the tag a = `b}c`): k6dsl is
    // stricter than k6 here.
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("a", "b}c").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{a:b}c}`: tag `a` = `b}c`: k6 selectors cannot express a tag value containing `,` or `}`",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{a:b}c}": ["avg<1"], "http_req_duration{x{y:z}": ["avg<1"] } };
export default function () {}"#,
    );
}

#[test]
fn selectors_that_can_never_match() {
    // No scenario of that name: k6 passes the threshold without a sample.
    let browse = Scenario::new("browse", ConstantVus::new().duration(secs(10)));
    let other = Scenario::new("other", ConstantVus::new().duration(secs(10)));
    let model = Script::new()
        .scenario(browse)
        .threshold(HTTP_REQ_DURATION.for_scenario(&other).avg().lt(1))
        .into_ir();
    we_reject(
        &model,
        "threshold `http_req_duration{scenario:other}`: scenario selector: no scenario is called `other` (the script has: browse), so this threshold could never see a sample",
    );
    we_reject(
        &Script::new()
            .threshold(HTTP_REQ_DURATION.for_scenario(&other).avg().lt(1))
            .into_ir(),
        "threshold `http_req_duration{scenario:other}`: scenario selector: no scenario is called `other` (the script has: default), so this threshold could never see a sample",
    );
    k6_accepts(
        r#"export const options = {
  scenarios: { browse: { executor: "constant-vus", duration: "10s" } },
  thresholds: { "http_req_duration{scenario:other}": ["avg<1"] },
};
export default function () {}"#,
    );
    // Group paths are `::Outer::Inner`; anything else never matches.
    for path in ["Checkout", "::Checkout::"] {
        we_reject(
            &Script::new()
                .threshold(GROUP_DURATION.tag("group", path).avg().lt(1))
                .into_ir(),
            &format!("threshold `group_duration{{group:{path}}}`: group selector: `{path}` is not a k6 group path: write `::Outer::Inner` (build it with .for_group([\"Outer\", \"Inner\"]))"),
        );
    }
    k6_accepts(
        r#"export const options = { thresholds: { "group_duration{group:Checkout}": ["avg<1"] } };
export default function () {}"#,
    );
}
