//! Reading k6's `--summary-export` into typed metrics, thresholds and checks.

use std::collections::BTreeMap;

use crate::model::{self, MetricKind, Stat};

/// The values k6 reported for one metric, by its kind (told from the summary's
/// shape: Rate has `passes`, Gauge `value`, Counter `count` and `rate`).
#[derive(Debug, Clone, PartialEq)]
pub enum MetricValues {
    /// A Trend's statistics by k6 name (`avg`, `p(95)`); times in milliseconds.
    Trend(BTreeMap<String, f64>),
    /// A Counter.
    Counter {
        /// Total.
        count: f64,
        /// Per second over the test.
        rate: f64,
    },
    /// A Rate.
    Rate {
        /// Share of non-zero samples.
        rate: f64,
        /// Non-zero samples.
        passes: u64,
        /// Zero samples.
        fails: u64,
    },
    /// A Gauge.
    Gauge {
        /// Last value.
        value: f64,
        /// Smallest.
        min: f64,
        /// Largest.
        max: f64,
    },
}

impl MetricValues {
    /// The value a threshold statistic compares, when the summary has it.
    ///
    /// ```
    /// use k6dsl::model::Stat;
    /// use k6dsl::run::MetricValues;
    /// let reqs = MetricValues::Counter { count: 12.0, rate: 3.0 };
    /// assert_eq!(reqs.stat(Stat::Count), Some(12.0));
    /// assert_eq!(reqs.stat(Stat::Avg), None);
    /// ```
    pub fn stat(&self, stat: Stat) -> Option<f64> {
        match (self, stat) {
            (MetricValues::Trend(stats), stat) => stats.get(&stat.k6_name()).copied(),
            (MetricValues::Counter { count, .. }, Stat::Count) => Some(*count),
            (MetricValues::Counter { rate, .. }, Stat::Rate) => Some(*rate),
            (MetricValues::Rate { rate, .. }, Stat::Rate) => Some(*rate),
            (MetricValues::Gauge { value, .. }, Stat::Value) => Some(*value),
            _ => None,
        }
    }

    /// The metric's kind.
    ///
    /// ```
    /// use k6dsl::model::MetricKind;
    /// use k6dsl::run::MetricValues;
    /// assert_eq!(MetricValues::Gauge { value: 1.0, min: 1.0, max: 1.0 }.kind(), MetricKind::Gauge);
    /// ```
    pub fn kind(&self) -> MetricKind {
        match self {
            MetricValues::Trend(_) => MetricKind::Trend,
            MetricValues::Counter { .. } => MetricKind::Counter,
            MetricValues::Rate { .. } => MetricKind::Rate,
            MetricValues::Gauge { .. } => MetricKind::Gauge,
        }
    }

    /// A Counter's total, else `None`.
    ///
    /// ```
    /// let reqs = k6dsl::run::MetricValues::Counter { count: 12.0, rate: 3.0 };
    /// assert_eq!(reqs.count(), Some(12.0));
    /// ```
    pub fn count(&self) -> Option<f64> {
        match self {
            MetricValues::Counter { count, .. } => Some(*count),
            _ => None,
        }
    }

    /// How many samples the metric received, when its summary tells: a Trend's
    /// `count` (the runner always asks k6 for it), a Rate's passes plus fails.
    /// `None` for a Counter or a Gauge, whose summary reads the same (all zeros)
    /// with no samples as with samples of 0 (k6 judges their thresholds at 0).
    ///
    /// ```
    /// use k6dsl::run::MetricValues;
    /// let never = MetricValues::Rate { rate: 0.0, passes: 0, fails: 0 };
    /// assert_eq!(never.samples(), Some(0));
    /// assert_eq!(MetricValues::Counter { count: 0.0, rate: 0.0 }.samples(), None);
    /// ```
    pub fn samples(&self) -> Option<u64> {
        match self {
            MetricValues::Trend(stats) => stats.get("count").map(|c| *c as u64),
            MetricValues::Rate { passes, fails, .. } => Some(passes + fails),
            MetricValues::Counter { .. } | MetricValues::Gauge { .. } => None,
        }
    }

    /// A Trend statistic by its k6 name (`"p(95)"`), else `None`.
    ///
    /// ```
    /// let mut stats = std::collections::BTreeMap::new();
    /// stats.insert("p(95)".to_string(), 120.5);
    /// assert_eq!(k6dsl::run::MetricValues::Trend(stats).trend("p(95)"), Some(120.5));
    /// ```
    pub fn trend(&self, stat: &str) -> Option<f64> {
        match self {
            MetricValues::Trend(stats) => stats.get(stat).copied(),
            _ => None,
        }
    }
}

pub(super) fn parse_metrics(summary: &serde_json::Value) -> BTreeMap<String, MetricValues> {
    let mut metrics = BTreeMap::new();
    let Some(all) = summary["metrics"].as_object() else {
        return metrics;
    };
    for (name, values) in all {
        let Some(fields) = values.as_object() else {
            continue;
        };
        let num = |key: &str| fields.get(key).and_then(serde_json::Value::as_f64);
        let parsed = if fields.contains_key("passes") {
            MetricValues::Rate {
                rate: num("value").unwrap_or(0.0),
                passes: num("passes").unwrap_or(0.0) as u64,
                fails: num("fails").unwrap_or(0.0) as u64,
            }
        } else if fields.contains_key("value") {
            MetricValues::Gauge {
                value: num("value").unwrap_or(0.0),
                min: num("min").unwrap_or(0.0),
                max: num("max").unwrap_or(0.0),
            }
        } else if fields.contains_key("rate") {
            MetricValues::Counter {
                count: num("count").unwrap_or(0.0),
                rate: num("rate").unwrap_or(0.0),
            }
        } else {
            MetricValues::Trend(
                fields
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                    .collect(),
            )
        };
        metrics.insert(name.clone(), parsed);
    }
    metrics
}

/// Whether a threshold held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It held.
    Passed,
    /// It was crossed.
    Failed,
    /// The summary does not have it (k6 stopped before writing one, say).
    NotReported,
    /// Its metric (or sub-metric: no sample carried the selector's tags) received
    /// no samples, so k6 judged nothing, yet reported the threshold as not failed
    /// (showing the statistic as 0). It does not count as passed
    /// ([`ThresholdResult::passed`] is false, so [`RunResult::assert_passed`]
    /// panics and JUnit has a failure saying so), though k6's exit code (and so
    /// the [`Verdict`](super::Verdict)) is unaffected.
    ///
    /// What k6 1.1 does with a metric without samples, by kind:
    /// - a **Rate** has no rate to compare: k6 skips the threshold and reports it
    ///   held, which is this outcome;
    /// - a **Trend** is judged at 0: a bound 0 breaks fails (`min>10`:
    ///   [`Outcome::Failed`]), one 0 keeps is reported held (`avg<5`), which is
    ///   this outcome, since nothing was judged;
    /// - a **Counter** or **Gauge** is judged at 0 too, and a count of nothing
    ///   is 0, so those stay [`Outcome::Passed`] (`count<1`) or
    ///   [`Outcome::Failed`] (`count>0`).
    ///
    /// Told from the summary: a Trend's `count` (the runner always asks k6 for
    /// it) or a Rate's passes plus fails is 0, or k6 calls the threshold held
    /// while the value it shows breaks the bound.
    ///
    /// [`RunResult::assert_passed`]: super::RunResult::assert_passed
    NoSamples,
}

/// One threshold and how it fared.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdResult {
    /// The threshold as declared in Rust; `None` for one read from the summary of a
    /// hand-written script.
    pub declared: Option<model::Threshold>,
    /// The metric key: `http_req_duration{endpoint:login}`.
    pub metric: String,
    /// The expression: `p(95)<500`.
    pub expression: String,
    /// Whether it held.
    pub outcome: Outcome,
    /// The value of the statistic it compares, when the summary has it.
    pub observed: Option<f64>,
}

impl ThresholdResult {
    pub(super) fn not_reported(threshold: model::Threshold) -> Self {
        ThresholdResult {
            metric: threshold.key(),
            expression: threshold.expression(),
            declared: Some(threshold),
            outcome: Outcome::NotReported,
            observed: None,
        }
    }

    /// Whether it held.
    ///
    /// ```
    /// use k6dsl::run::{Outcome, ThresholdResult};
    /// let t = ThresholdResult {
    ///     declared: None,
    ///     metric: "http_req_failed".into(),
    ///     expression: "rate<0.01".into(),
    ///     outcome: Outcome::Passed,
    ///     observed: Some(0.0),
    /// };
    /// assert!(t.passed());
    /// ```
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }

    /// `metric: expression`, as the threshold reads in the script.
    ///
    /// ```
    /// use k6dsl::run::{Outcome, ThresholdResult};
    /// let t = ThresholdResult {
    ///     declared: None,
    ///     metric: "http_req_duration".into(),
    ///     expression: "p(95)<500".into(),
    ///     outcome: Outcome::Failed,
    ///     observed: Some(612.0),
    /// };
    /// assert_eq!(t.name(), "http_req_duration: p(95)<500");
    /// ```
    pub fn name(&self) -> String {
        format!("{}: {}", self.metric, self.expression)
    }
}

pub(super) fn parse_thresholds(
    summary: &serde_json::Value,
    declared: &[model::Threshold],
    metrics: &BTreeMap<String, MetricValues>,
) -> Vec<ThresholdResult> {
    let reported = |metric: &str, expression: &str| -> Option<bool> {
        // `true` means FAILED in the summary-export format.
        summary["metrics"][metric]["thresholds"][expression].as_bool()
    };
    let mut results: Vec<ThresholdResult> = declared
        .iter()
        .map(|threshold| {
            let metric = threshold.key();
            let expression = threshold.expression();
            let values = metrics.get(&metric);
            let observed = values.and_then(|m| m.stat(threshold.stat));
            let outcome = match reported(&metric, &expression) {
                Some(false)
                    if values.and_then(MetricValues::samples) == Some(0)
                        || observed.is_some_and(|v| !holds(v, threshold.op, threshold.bound)) =>
                {
                    Outcome::NoSamples
                }
                Some(false) => Outcome::Passed,
                Some(true) => Outcome::Failed,
                None => Outcome::NotReported,
            };
            // The 0 k6 shows for a metric without samples is no observation.
            let observed = observed.filter(|_| outcome != Outcome::NoSamples);
            ThresholdResult {
                declared: Some(threshold.clone()),
                metric,
                expression,
                outcome,
                observed,
            }
        })
        .collect();
    // Thresholds the summary has and the model does not (a hand-written script).
    if let Some(all) = summary["metrics"].as_object() {
        for (metric, values) in all {
            let Some(thresholds) = values["thresholds"].as_object() else {
                continue;
            };
            for (expression, failed) in thresholds {
                if results
                    .iter()
                    .any(|r| &r.metric == metric && &r.expression == expression)
                {
                    continue;
                }
                let values = metrics.get(metric);
                let outcome = if failed.as_bool().unwrap_or(true) {
                    Outcome::Failed
                } else if values.and_then(MetricValues::samples) == Some(0) {
                    Outcome::NoSamples
                } else {
                    Outcome::Passed
                };
                let observed = values
                    .and_then(|m| stat_of_expression(expression).and_then(|s| m.stat(s)))
                    .filter(|_| outcome != Outcome::NoSamples);
                results.push(ThresholdResult {
                    declared: None,
                    metric: metric.clone(),
                    expression: expression.clone(),
                    outcome,
                    observed,
                });
            }
        }
    }
    results
}

/// Whether `value op bound` holds, as k6 compares.
fn holds(value: f64, op: model::Comparison, bound: f64) -> bool {
    match op {
        model::Comparison::Lt => value < bound,
        model::Comparison::Le => value <= bound,
        model::Comparison::Gt => value > bound,
        model::Comparison::Ge => value >= bound,
        model::Comparison::Eq | model::Comparison::LooseEq => value == bound,
        model::Comparison::Ne => value != bound,
    }
}

/// The statistic on the left of a k6 threshold expression.
pub(super) fn stat_of_expression(expression: &str) -> Option<Stat> {
    let name: String = expression
        .trim()
        .chars()
        .take_while(|c| !matches!(c, '<' | '>' | '=' | '!' | ' '))
        .collect();
    Stat::parse(&name)
}

/// One check and its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The group path it ran in: `""` at the top level, `::Checkout`,
    /// `::Outer::Inner`.
    pub group: String,
    /// The check's name.
    pub name: String,
    /// Times it held.
    pub passes: u64,
    /// Times it did not.
    pub fails: u64,
}

pub(super) fn parse_checks(summary: &serde_json::Value) -> Vec<CheckResult> {
    fn walk(group: &serde_json::Value, out: &mut Vec<CheckResult>) {
        let path = group["path"].as_str().unwrap_or("").to_owned();
        if let Some(checks) = group["checks"].as_object() {
            for (name, check) in checks {
                out.push(CheckResult {
                    group: path.clone(),
                    name: check["name"].as_str().unwrap_or(name).to_owned(),
                    passes: check["passes"].as_u64().unwrap_or(0),
                    fails: check["fails"].as_u64().unwrap_or(0),
                });
            }
        }
        if let Some(groups) = group["groups"].as_object() {
            for inner in groups.values() {
                walk(inner, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&summary["root_group"], &mut out);
    out
}

/// Whether the check k6 reports as `reported` is one the script named `name`:
/// the same name, or `name (request)`, as the generated code names a check that
/// two requests of one group share (k6 would merge their counts otherwise).
///
/// ```
/// use k6dsl::run::is_check_named;
/// assert!(is_check_named("status is 200", "status is 200"));
/// assert!(is_check_named("status is 200 (put item)", "status is 200"));
/// assert!(!is_check_named("status is 2000", "status is 200"));
/// ```
pub fn is_check_named(reported: &str, name: &str) -> bool {
    reported == name
        || reported
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(" ("))
            .is_some_and(|rest| rest.ends_with(')'))
}
