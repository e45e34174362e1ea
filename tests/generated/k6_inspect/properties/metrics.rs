//! Strategies for custom metrics and thresholds.

use super::*;

#[derive(Debug, Clone, Copy)]
pub(super) enum CustomKind {
    Trend,
    TimeTrend,
    Counter,
    Rate,
    Gauge,
}

#[derive(Debug, Clone)]
pub(super) struct MetricPlan {
    pub(super) name: String,
    pub(super) kind: CustomKind,
    /// Declared with `Script::metric` too (thresholds declare it anyway).
    pub(super) declared: bool,
}

/// Legal metric names that are also names JavaScript or the module use.
pub(super) const ODD_METRIC_NAMES: &[&str] = &[
    "__VU",
    "__ITER",
    "JSON",
    "Math",
    "console",
    "open",
    "exec",
    "data",
    "constructor",
    "toString",
    "hasOwnProperty",
    "BASE_URL",
    "options",
    "Counter",
    "Trend",
    "http",
    "undefined",
    "NaN",
    "Infinity",
    "default",
    "export",
    "sleep",
    "setup",
    "teardown",
    "handleSummary",
    "_0",
    "__proto__",
    "__ENV",
];

pub(super) fn metric() -> BoxedStrategy<MetricPlan> {
    let name = prop_oneof![
        4 => "[a-zA-Z_][a-zA-Z0-9_]{1,20}",
        1 => "[a-zA-Z_][a-zA-Z0-9_]{128}",
        1 => prop::sample::select(ODD_METRIC_NAMES).prop_map(str::to_owned),
    ]
    .prop_filter("not a built-in metric", |name| {
        k6dsl_facts::metric::builtin(name).is_none()
    });
    let kind = prop::sample::select(vec![
        CustomKind::Trend,
        CustomKind::TimeTrend,
        CustomKind::Counter,
        CustomKind::Rate,
        CustomKind::Gauge,
    ]);
    (name, kind, any::<bool>())
        .prop_map(|(name, kind, declared)| MetricPlan {
            name,
            kind,
            declared,
        })
        .boxed()
}

#[derive(Debug, Clone)]
pub(super) struct ThresholdPlan {
    /// A custom metric (when the case has any) or a built-in one.
    pub(super) custom: bool,
    pub(super) metric: Index,
    /// Which of the metric kind's statistics.
    pub(super) stat: Index,
    pub(super) percentile: f64,
    pub(super) operator: Index,
    pub(super) bound: f64,
    pub(super) tags: Vec<(String, String)>,
    /// A scenario of the case (`default` without scenarios).
    pub(super) scenario: Option<Index>,
    pub(super) group: Option<Vec<String>>,
    /// `abortOnFail`, with `delayAbortEval` or not.
    pub(super) abort: Option<Option<Duration>>,
}

/// A group path k6 reads back unchanged: names without `,`, `}` or `:`, the last
/// one not ending in what k6 trims.
pub(super) fn group_path() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(1..=2), 1..=3).prop_map(|names| {
        let last = names.len() - 1;
        names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let mut name: String = name.replace([',', '}', ':'], "");
                if i == last {
                    name = name
                        .trim_end_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                        .to_owned();
                }
                if name.is_empty() {
                    "g".to_owned()
                } else {
                    name
                }
            })
            .collect()
    })
}

pub(super) fn threshold() -> BoxedStrategy<ThresholdPlan> {
    (
        (any::<bool>(), any::<Index>(), any::<Index>(), percentile()),
        (any::<Index>(), bound()),
        prop::collection::vec(
            (
                selector_text(&[':', ',', '{', '}'])
                    .prop_filter("scenario and group have their own fields", |key| {
                        key != "scenario" && key != "group"
                    }),
                selector_text(&[',', '}']),
            ),
            0..=2,
        ),
        prop::option::weighted(0.3, any::<Index>()),
        prop::option::weighted(0.3, group_path()),
        prop::option::weighted(0.4, prop::option::of(duration())),
    )
        .prop_map(
            |(
                (custom, metric, stat, percentile),
                (operator, bound),
                tags,
                scenario,
                group,
                abort,
            )| {
                ThresholdPlan {
                    custom,
                    metric,
                    stat,
                    percentile,
                    operator,
                    bound,
                    tags,
                    scenario,
                    group,
                    abort,
                }
            },
        )
        .boxed()
}
