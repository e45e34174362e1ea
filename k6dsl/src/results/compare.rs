//! Comparing a run with a stored baseline, or with a series of past runs: per metric,
//! per endpoint, per statistic, with direction-aware tolerances.
//!
//! A [`Baseline`] holds the statistics worth comparing of one run (trends: `avg`,
//! `med`, `p(90)`, `p(95)`, `p(99)`, `max`; counters: `count` and `rate`; rates:
//! `rate`; gauges: `value`), keyed by metric key, sub-metrics included
//! (`http_req_duration{endpoint:login}`). It is captured from a
//! [`RunResult`], saved as JSON and loaded back; k6's own
//! `--summary-export` files load as baselines too, so older runs can serve.
//!
//! [`Baseline::compare`] (or [`Series::compare`] for the median of past runs) judges
//! each statistic with [`Tolerances`] and returns a [`Comparison`]: every statistic
//! with its baseline, current value, change, limit and [`Status`]. Its `Display` is a
//! table of what changed, regressions first; [`Comparison::assert_no_regression`]
//! panics with it in tests and [`Comparison::is_regression`] tells a CLI to exit
//! non-zero.
//!
//! ```
//! use k6dsl::results::compare::{Baseline, Stat, Status, Tolerance, Tolerances};
//!
//! let before = Baseline::new()
//!     .trend("http_req_duration", [(Stat::P95, 200.0)])
//!     .rate("http_req_failed", 0.0)
//!     .counter("http_reqs", 1200.0, 40.0);
//! let after = Baseline::new()
//!     .trend("http_req_duration", [(Stat::P95, 260.0)])
//!     .rate("http_req_failed", 0.004)
//!     .counter("http_reqs", 1250.0, 41.0);
//! let tolerances = Tolerances::default().metric("http_req_duration", Stat::P95, Tolerance::Relative(0.2));
//! let comparison = before.compare(&after, &tolerances);
//! assert!(comparison.is_regression());
//! assert_eq!(comparison.get("http_req_duration", Stat::P95).unwrap().status, Status::Regressed);
//! assert_eq!(comparison.get("http_req_failed", Stat::Rate).unwrap().status, Status::Unchanged);
//! println!("{comparison}");
//! ```
//!
//! k6 writes a sub-metric (one endpoint's `http_req_duration{endpoint:login}`) into
//! its summary only when a threshold names it, so declare one per endpoint worth
//! comparing (`HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800)`).
//!
//! In a test or CI job:
//!
//! ```no_run
//! use k6dsl::results::compare::{Baseline, Series, Stat, Tolerance, Tolerances};
//! # let result: k6dsl::run::RunResult = unimplemented!();
//! let current = Baseline::from_run(&result).label("this commit");
//! let tolerances = Tolerances::default()
//!     .metric("http_req_duration{endpoint:checkout}", Stat::P95, Tolerance::Relative(0.05));
//! // Against the last accepted baseline...
//! let comparison = Baseline::load("baselines/shop.json")?.compare(&current, &tolerances);
//! // ...or against the median of the last five nightly runs.
//! let nightly = Series::load(["n1.json", "n2.json", "n3.json", "n4.json", "n5.json"])?.last(5);
//! let trend = nightly.compare(&current, &tolerances);
//! print!("{comparison}{trend}");
//! if comparison.is_regression() || trend.is_regression() {
//!     std::process::exit(1);
//! }
//! # Ok::<(), k6dsl::results::compare::CompareError>(())
//! ```
//!
//! # Defaults, and why
//!
//! [`Tolerances::default`] encodes what usually holds for k6 metrics:
//!
//! - **Trends** (latencies): higher is worse; a change regresses when it exceeds both
//!   10% of the baseline and 1 unit (1 ms for time trends), because local runs jitter
//!   by tenths of a millisecond, which is a large share of a sub-millisecond latency.
//!   `max` is a single sample and too noisy to judge: it is captured but ignored
//!   unless a rule asks for it.
//! - **Throughput**: `rate` of `http_reqs` and `iterations` is per second, lower is
//!   worse, 10% allowed. Their `count` grows with the test's length, so it is ignored.
//! - **Errors**: `http_req_failed` rate higher is worse, `checks` rate lower is worse,
//!   each by 0.01 absolute (one percentage point: relative changes of a near-zero
//!   error rate mean nothing). `dropped_iterations` count: higher is worse, 10%.
//! - **Load shape** (`vus`, `vus_max`, `data_sent`, `data_received`) is what the
//!   script asked for, not an outcome: ignored.
//! - **Custom metrics** other than trends have no known direction: a change beyond
//!   the tolerance (10% for counters and gauges, 0.01 for rates) is reported as
//!   [`Status::Changed`] and fails nothing until [`Tolerances::direction`] says which
//!   way is worse.
//! - A metric or statistic missing from the current run is reported, not a
//!   regression (its summary may simply lack that statistic);
//!   [`Tolerances::missing_is_regression`] changes that.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::MetricKind;
use crate::run::{MetricValues, RunResult};

/// The `format` field of a saved [`Baseline`], which tells it from a k6 summary.
pub const BASELINE_FORMAT: &str = "k6dsl-baseline/1";

/// A statistic of a metric that baselines keep and comparisons judge. Serialised by
/// its k6 name (`"p(95)"`).
///
/// ```
/// use k6dsl::results::compare::Stat;
/// assert_eq!(Stat::P95.k6_name(), "p(95)");
/// assert_eq!(Stat::from_k6_name("med"), Some(Stat::Med));
/// assert_eq!(Stat::from_k6_name("p(99.9)"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stat {
    /// Trend: mean.
    #[serde(rename = "avg")]
    Avg,
    /// Trend: median.
    #[serde(rename = "med")]
    Med,
    /// Trend: 90th percentile.
    #[serde(rename = "p(90)")]
    P90,
    /// Trend: 95th percentile.
    #[serde(rename = "p(95)")]
    P95,
    /// Trend: 99th percentile.
    #[serde(rename = "p(99)")]
    P99,
    /// Trend: maximum.
    #[serde(rename = "max")]
    Max,
    /// Counter: total.
    #[serde(rename = "count")]
    Count,
    /// Counter: per second; Rate: share of non-zero samples.
    #[serde(rename = "rate")]
    Rate,
    /// Gauge: last value.
    #[serde(rename = "value")]
    Value,
}

impl Stat {
    /// The statistics a baseline keeps of a Trend, in table order.
    pub const TREND: [Stat; 6] = [
        Stat::Avg,
        Stat::Med,
        Stat::P90,
        Stat::P95,
        Stat::P99,
        Stat::Max,
    ];

    /// The name k6 gives it in summaries and thresholds.
    ///
    /// ```
    /// assert_eq!(k6dsl::results::compare::Stat::Rate.k6_name(), "rate");
    /// ```
    pub fn k6_name(self) -> &'static str {
        match self {
            Stat::Avg => "avg",
            Stat::Med => "med",
            Stat::P90 => "p(90)",
            Stat::P95 => "p(95)",
            Stat::P99 => "p(99)",
            Stat::Max => "max",
            Stat::Count => "count",
            Stat::Rate => "rate",
            Stat::Value => "value",
        }
    }

    /// The statistic k6 calls `name`, if a baseline keeps it.
    ///
    /// ```
    /// use k6dsl::results::compare::Stat;
    /// assert_eq!(Stat::from_k6_name("p(90)"), Some(Stat::P90));
    /// ```
    pub fn from_k6_name(name: &str) -> Option<Stat> {
        [Stat::Count, Stat::Rate, Stat::Value]
            .into_iter()
            .chain(Stat::TREND)
            .find(|s| s.k6_name() == name)
    }
}

impl fmt::Display for Stat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.k6_name())
    }
}

/// The kept statistics of one metric.
///
/// ```
/// use k6dsl::results::compare::{MetricStats, Stat};
/// use k6dsl::model::MetricKind;
/// let stats = MetricStats { kind: MetricKind::Rate, stats: [(Stat::Rate, 0.5)].into() };
/// assert_eq!(stats.stats[&Stat::Rate], 0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricStats {
    /// The metric's kind.
    pub kind: MetricKind,
    /// Values by statistic.
    pub stats: BTreeMap<Stat, f64>,
}

/// The statistics of one run worth comparing, by metric key; saved and loaded as
/// JSON. Build one from a run ([`Baseline::from_run`]), a k6 summary export
/// ([`Baseline::from_summary_export`], [`Baseline::load`]) or by hand.
///
/// ```
/// use k6dsl::results::compare::{Baseline, Stat};
/// let baseline = Baseline::new()
///     .label("release 1.4")
///     .trend("http_req_duration{endpoint:login}", [(Stat::P95, 120.0), (Stat::Avg, 80.0)])
///     .rate("checks", 1.0)
///     .gauge("queue_depth", 3.0);
/// let json = baseline.to_json();
/// assert_eq!(Baseline::from_json(&json).unwrap(), baseline);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// [`BASELINE_FORMAT`].
    pub format: String,
    /// What this baseline is (a release, a commit, a date); shown in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The statistics by metric key (`http_req_duration{endpoint:login}`).
    pub metrics: BTreeMap<String, MetricStats>,
}

/// Why a baseline could not be read or written.
#[derive(Debug)]
#[non_exhaustive]
pub enum CompareError {
    /// Reading or writing the file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// The file is not JSON, or not a baseline or k6 summary export.
    Format {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompareError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            CompareError::Format {
                path: Some(path),
                message,
            } => write!(f, "{}: {message}", path.display()),
            CompareError::Format {
                path: None,
                message,
            } => f.write_str(message),
        }
    }
}

impl std::error::Error for CompareError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CompareError::Io { error, .. } => Some(error),
            CompareError::Format { .. } => None,
        }
    }
}

impl Default for Baseline {
    /// [`Baseline::new`].
    fn default() -> Self {
        Baseline::new()
    }
}

impl Baseline {
    /// An empty baseline, to fill by hand.
    ///
    /// ```
    /// assert!(k6dsl::results::compare::Baseline::new().metrics.is_empty());
    /// ```
    pub fn new() -> Self {
        Baseline {
            format: BASELINE_FORMAT.into(),
            label: None,
            metrics: BTreeMap::new(),
        }
    }

    /// Sets the label shown in reports.
    ///
    /// ```
    /// let b = k6dsl::results::compare::Baseline::new().label("v1.2.0");
    /// assert_eq!(b.label.as_deref(), Some("v1.2.0"));
    /// ```
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a Trend's statistics.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// let b = Baseline::new().trend("http_req_duration", [(Stat::P95, 250.0)]);
    /// assert_eq!(b.value("http_req_duration", Stat::P95), Some(250.0));
    /// ```
    #[must_use]
    pub fn trend(
        mut self,
        key: impl Into<String>,
        stats: impl IntoIterator<Item = (Stat, f64)>,
    ) -> Self {
        self.metrics.insert(
            key.into(),
            MetricStats {
                kind: MetricKind::Trend,
                stats: stats.into_iter().collect(),
            },
        );
        self
    }

    /// Adds a Counter's total and per-second rate.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// let b = Baseline::new().counter("http_reqs", 600.0, 20.0);
    /// assert_eq!(b.value("http_reqs", Stat::Rate), Some(20.0));
    /// ```
    #[must_use]
    pub fn counter(mut self, key: impl Into<String>, count: f64, rate: f64) -> Self {
        self.metrics.insert(
            key.into(),
            MetricStats {
                kind: MetricKind::Counter,
                stats: [(Stat::Count, count), (Stat::Rate, rate)].into(),
            },
        );
        self
    }

    /// Adds a Rate's share of non-zero samples.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// let b = Baseline::new().rate("http_req_failed", 0.02);
    /// assert_eq!(b.value("http_req_failed", Stat::Rate), Some(0.02));
    /// ```
    #[must_use]
    pub fn rate(mut self, key: impl Into<String>, rate: f64) -> Self {
        self.metrics.insert(
            key.into(),
            MetricStats {
                kind: MetricKind::Rate,
                stats: [(Stat::Rate, rate)].into(),
            },
        );
        self
    }

    /// Adds a Gauge's last value.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// let b = Baseline::new().gauge("vus", 10.0);
    /// assert_eq!(b.value("vus", Stat::Value), Some(10.0));
    /// ```
    #[must_use]
    pub fn gauge(mut self, key: impl Into<String>, value: f64) -> Self {
        self.metrics.insert(
            key.into(),
            MetricStats {
                kind: MetricKind::Gauge,
                stats: [(Stat::Value, value)].into(),
            },
        );
        self
    }

    /// One statistic of one metric, if kept.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// assert_eq!(Baseline::new().value("http_reqs", Stat::Count), None);
    /// ```
    pub fn value(&self, key: &str, stat: Stat) -> Option<f64> {
        self.metrics.get(key)?.stats.get(&stat).copied()
    }

    /// The statistics of a run's metrics (sub-metrics included).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let baseline = k6dsl::results::compare::Baseline::from_run(&result).label("nightly");
    /// baseline.save("baselines/shop.json")?;
    /// # Ok::<(), k6dsl::results::compare::CompareError>(())
    /// ```
    pub fn from_run(result: &RunResult) -> Self {
        Baseline::from_metrics(&result.metrics)
    }

    /// The statistics of typed metric values, as [`RunResult::metrics`] has them.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// use k6dsl::run::MetricValues;
    /// let metrics = [("http_reqs".to_string(), MetricValues::Counter { count: 10.0, rate: 2.0 })].into();
    /// assert_eq!(Baseline::from_metrics(&metrics).value("http_reqs", Stat::Count), Some(10.0));
    /// ```
    pub fn from_metrics(metrics: &BTreeMap<String, MetricValues>) -> Self {
        let mut baseline = Baseline::new();
        for (key, values) in metrics {
            let stats = match values {
                MetricValues::Trend(stats) => Stat::TREND
                    .into_iter()
                    .filter_map(|s| Some((s, *stats.get(s.k6_name())?)))
                    .collect(),
                MetricValues::Counter { count, rate } => {
                    [(Stat::Count, *count), (Stat::Rate, *rate)].into()
                }
                MetricValues::Rate { rate, .. } => [(Stat::Rate, *rate)].into(),
                MetricValues::Gauge { value, .. } => [(Stat::Value, *value)].into(),
            };
            baseline.metrics.insert(
                key.clone(),
                MetricStats {
                    kind: values.kind(),
                    stats,
                },
            );
        }
        baseline
    }

    /// The statistics of a k6 `--summary-export` file's JSON (also what
    /// [`RunResult::summary`] holds). Kinds are told apart as k6 writes them: a Rate
    /// has `passes`, a Gauge `value`, a Counter `rate`, a Trend none of these. The
    /// `data` a `handleSummary` receives (each metric a `type` and its `values`),
    /// saved with `JSON.stringify(data)`, is read too.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// let summary = serde_json::json!({"metrics": {
    ///     "http_req_duration": {"avg": 12.5, "min": 1, "med": 10, "max": 80, "p(90)": 20, "p(95)": 31},
    ///     "http_req_failed": {"passes": 0, "fails": 10, "value": 0},
    ///     "http_reqs": {"count": 10, "rate": 5.0}
    /// }});
    /// let b = Baseline::from_summary_export(&summary)?;
    /// assert_eq!(b.value("http_req_duration", Stat::P95), Some(31.0));
    /// assert_eq!(b.value("http_req_failed", Stat::Rate), Some(0.0));
    /// # Ok::<(), k6dsl::results::compare::CompareError>(())
    /// ```
    pub fn from_summary_export(summary: &serde_json::Value) -> Result<Self, CompareError> {
        let Some(all) = summary
            .get("metrics")
            .and_then(serde_json::Value::as_object)
        else {
            return Err(CompareError::Format {
                path: None,
                message: "not a k6 summary export: no `metrics` object".into(),
            });
        };
        let mut baseline = Baseline::new();
        for (key, values) in all {
            let Some(mut fields) = values.as_object() else {
                continue;
            };
            // handleSummary's `data`: `{"type": "rate", "values": {"rate": 0.5, ...}}`.
            let typed = match (values.get("type"), values.get("values")) {
                (Some(serde_json::Value::String(kind)), Some(serde_json::Value::Object(inner))) => {
                    fields = inner;
                    Some(kind.as_str())
                }
                _ => None,
            };
            let num = |name: &str| fields.get(name).and_then(serde_json::Value::as_f64);
            let is =
                |kind: &str, field: &str| typed.map_or(fields.contains_key(field), |t| t == kind);
            let (kind, stats): (MetricKind, BTreeMap<Stat, f64>) = if is("rate", "passes") {
                let rate = if typed.is_some() { "rate" } else { "value" };
                (
                    MetricKind::Rate,
                    num(rate).map(|v| (Stat::Rate, v)).into_iter().collect(),
                )
            } else if is("gauge", "value") {
                (
                    MetricKind::Gauge,
                    num("value").map(|v| (Stat::Value, v)).into_iter().collect(),
                )
            } else if is("counter", "rate") {
                (
                    MetricKind::Counter,
                    [Stat::Count, Stat::Rate]
                        .into_iter()
                        .filter_map(|s| Some((s, num(s.k6_name())?)))
                        .collect(),
                )
            } else {
                (
                    MetricKind::Trend,
                    Stat::TREND
                        .into_iter()
                        .filter_map(|s| Some((s, num(s.k6_name())?)))
                        .collect(),
                )
            };
            baseline
                .metrics
                .insert(key.clone(), MetricStats { kind, stats });
        }
        Ok(baseline)
    }

    /// The baseline as pretty JSON, the format [`Baseline::save`] writes.
    ///
    /// ```
    /// let json = k6dsl::results::compare::Baseline::new().to_json();
    /// assert!(json.contains(k6dsl::results::compare::BASELINE_FORMAT));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a baseline is plain data") + "\n"
    }

    /// Reads JSON that is either a saved baseline or a k6 summary export.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat};
    /// let b = Baseline::from_json(r#"{"metrics": {"http_reqs": {"count": 4, "rate": 2}}}"#)?;
    /// assert_eq!(b.value("http_reqs", Stat::Rate), Some(2.0));
    /// # Ok::<(), k6dsl::results::compare::CompareError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Self, CompareError> {
        let format = |message: String| CompareError::Format {
            path: None,
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| format(format!("not JSON: {e}")))?;
        match value.get("format").and_then(serde_json::Value::as_str) {
            Some(BASELINE_FORMAT) => serde_json::from_value(value)
                .map_err(|e| format(format!("not a valid {BASELINE_FORMAT}: {e}"))),
            Some(other) => Err(format(format!(
                "baseline format {other:?} is not supported (this version reads {BASELINE_FORMAT:?})"
            ))),
            None => Baseline::from_summary_export(&value),
        }
    }

    /// Writes the baseline as JSON, creating missing parent directories.
    ///
    /// ```no_run
    /// k6dsl::results::compare::Baseline::new().save("baselines/shop.json")?;
    /// # Ok::<(), k6dsl::results::compare::CompareError>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), CompareError> {
        let path = path.as_ref();
        let io = |error| CompareError::Io {
            path: path.to_path_buf(),
            error,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(path, self.to_json()).map_err(io)
    }

    /// Reads a file [`Baseline::save`] wrote, or a k6 `--summary-export` file.
    ///
    /// ```no_run
    /// let baseline = k6dsl::results::compare::Baseline::load("baselines/shop.json")?;
    /// let old_run = k6dsl::results::compare::Baseline::load("runs/2024-05-01/summary.json")?;
    /// # Ok::<(), k6dsl::results::compare::CompareError>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Self, CompareError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| CompareError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        Baseline::from_json(&text).map_err(|e| match e {
            CompareError::Format { message, .. } => CompareError::Format {
                path: Some(path.to_path_buf()),
                message,
            },
            other => other,
        })
    }

    /// Judges `current` against this baseline.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// let base = Baseline::new().trend("http_req_duration", [(Stat::P95, 100.0)]);
    /// let now = Baseline::new().trend("http_req_duration", [(Stat::P95, 105.0)]);
    /// assert!(!base.compare(&now, &Tolerances::default()).is_regression());
    /// ```
    pub fn compare(&self, current: &Baseline, tolerances: &Tolerances) -> Comparison {
        let reference = match &self.label {
            Some(label) => format!("baseline {label:?}"),
            None => "baseline".into(),
        };
        compare_with(reference, self, None, current, tolerances)
    }
}

/// Which way a change is bad.
///
/// ```
/// use k6dsl::results::compare::Direction;
/// assert_ne!(Direction::HigherIsWorse, Direction::LowerIsWorse);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Latencies, error rates: an increase beyond the tolerance regresses.
    HigherIsWorse,
    /// Throughput, check pass rate: a decrease beyond the tolerance regresses.
    LowerIsWorse,
    /// Not known: a change beyond the tolerance either way is
    /// [`Status::Changed`], never a regression.
    Unknown,
}

/// How far a statistic may move in its bad direction before it regresses (and in its
/// good direction before it counts as improved).
///
/// ```
/// use k6dsl::results::compare::Tolerance;
/// assert_eq!(Tolerance::Relative(0.1).allowance(200.0), Some(20.0));
/// assert_eq!(Tolerance::Absolute(0.01).allowance(0.5), Some(0.01));
/// assert_eq!(Tolerance::Either { relative: 0.1, absolute: 1.0 }.allowance(2.0), Some(1.0));
/// assert_eq!(Tolerance::Ignore.allowance(2.0), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    /// A share of the baseline value: `0.1` allows 10%.
    Relative(f64),
    /// An amount in the metric's unit: `0.01` of a rate, `5.0` ms of a trend.
    Absolute(f64),
    /// The larger of the two: a change regresses only when it exceeds both.
    Either {
        /// A share of the baseline value.
        relative: f64,
        /// An amount in the metric's unit.
        absolute: f64,
    },
    /// Not compared at all.
    Ignore,
}

impl Tolerance {
    /// The change allowed from `baseline`, or `None` for [`Tolerance::Ignore`].
    ///
    /// ```
    /// assert_eq!(k6dsl::results::compare::Tolerance::Relative(0.5).allowance(-4.0), Some(2.0));
    /// ```
    pub fn allowance(self, baseline: f64) -> Option<f64> {
        match self {
            Tolerance::Relative(share) => Some(baseline.abs() * share.abs()),
            Tolerance::Absolute(amount) => Some(amount.abs()),
            Tolerance::Either { relative, absolute } => {
                Some((baseline.abs() * relative.abs()).max(absolute.abs()))
            }
            Tolerance::Ignore => None,
        }
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerance::Relative(share) => write!(f, "{}%", number(share * 100.0)),
            Tolerance::Absolute(amount) => f.write_str(&number(*amount)),
            Tolerance::Either { relative, absolute } => {
                write!(
                    f,
                    "max({}%, {})",
                    number(relative * 100.0),
                    number(*absolute)
                )
            }
            Tolerance::Ignore => f.write_str("ignored"),
        }
    }
}

/// Which metric (and statistic) a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RuleKey {
    name: String,
    stat: Option<Stat>,
}

/// The tolerance and direction of every statistic: defaults by metric (see the
/// [module documentation](self)), then rules added with the builder methods. A rule
/// names a whole metric (`"http_req_duration"`, which covers its sub-metrics) or one
/// metric key (`"http_req_duration{endpoint:login}"`); the most specific rule wins:
/// key and statistic, key, metric and statistic, metric, then the defaults.
///
/// ```
/// use k6dsl::results::compare::{Direction, Stat, Tolerance, Tolerances};
/// let tolerances = Tolerances::default()
///     .metric("http_req_duration", Stat::P95, Tolerance::Relative(0.05))
///     .metric("http_req_duration{endpoint:search}", Stat::P95, Tolerance::Relative(0.25))
///     .metric_all("orders_placed", Tolerance::Relative(0.05))
///     .direction("orders_placed", Direction::LowerIsWorse)
///     .ignore("http_req_blocked");
/// assert_eq!(tolerances.tolerance_of("http_req_duration{endpoint:login}", Stat::P95), Tolerance::Relative(0.05));
/// assert_eq!(tolerances.tolerance_of("http_req_duration{endpoint:search}", Stat::P95), Tolerance::Relative(0.25));
/// assert_eq!(tolerances.direction_of("orders_placed", Stat::Count), Direction::LowerIsWorse);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerances {
    tolerances: BTreeMap<RuleKey, Tolerance>,
    directions: BTreeMap<String, Direction>,
    missing_is_regression: bool,
}

impl Default for Tolerances {
    /// The defaults of the [module documentation](self).
    fn default() -> Self {
        Tolerances {
            tolerances: BTreeMap::new(),
            directions: BTreeMap::new(),
            missing_is_regression: false,
        }
    }
}

/// Splits `http_req_duration{endpoint:login}` into the metric name and its tags.
fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once('{') {
        Some((name, rest)) => (name, Some(rest.strip_suffix('}').unwrap_or(rest))),
        None => (key, None),
    }
}

/// The value of one tag in a metric key (`group:::Checkout` splits at its first `:`).
fn tag_of<'k>(key: &'k str, tag: &str) -> Option<&'k str> {
    let (_, tags) = split_key(key);
    tags?.split(',').find_map(|pair| {
        let (name, value) = pair.split_once(':')?;
        (name.trim() == tag).then_some(value.trim())
    })
}

impl Tolerances {
    /// Sets the tolerance of one statistic of a metric (`"http_req_duration"`, all
    /// its sub-metrics included) or of one metric key
    /// (`"http_req_duration{endpoint:login}"`).
    ///
    /// ```
    /// use k6dsl::results::compare::{Stat, Tolerance, Tolerances};
    /// let t = Tolerances::default().metric("http_req_duration", Stat::P99, Tolerance::Relative(0.3));
    /// assert_eq!(t.tolerance_of("http_req_duration", Stat::P99), Tolerance::Relative(0.3));
    /// ```
    #[must_use]
    pub fn metric(mut self, name: impl Into<String>, stat: Stat, tolerance: Tolerance) -> Self {
        self.tolerances.insert(
            RuleKey {
                name: name.into(),
                stat: Some(stat),
            },
            tolerance,
        );
        self
    }

    /// Sets the tolerance of every statistic of a metric or metric key.
    ///
    /// ```
    /// use k6dsl::results::compare::{Stat, Tolerance, Tolerances};
    /// let t = Tolerances::default().metric_all("login_duration", Tolerance::Absolute(50.0));
    /// assert_eq!(t.tolerance_of("login_duration", Stat::Med), Tolerance::Absolute(50.0));
    /// ```
    #[must_use]
    pub fn metric_all(mut self, name: impl Into<String>, tolerance: Tolerance) -> Self {
        self.tolerances.insert(
            RuleKey {
                name: name.into(),
                stat: None,
            },
            tolerance,
        );
        self
    }

    /// Leaves a metric or metric key out of comparisons.
    ///
    /// ```
    /// use k6dsl::results::compare::{Stat, Tolerance, Tolerances};
    /// let t = Tolerances::default().ignore("http_req_blocked");
    /// assert_eq!(t.tolerance_of("http_req_blocked", Stat::P95), Tolerance::Ignore);
    /// ```
    #[must_use]
    pub fn ignore(self, name: impl Into<String>) -> Self {
        self.metric_all(name, Tolerance::Ignore)
    }

    /// Says which way a metric (or metric key) gets worse, for custom metrics or to
    /// override a default.
    ///
    /// ```
    /// use k6dsl::results::compare::{Direction, Stat, Tolerances};
    /// let t = Tolerances::default().direction("cache_hits", Direction::LowerIsWorse);
    /// assert_eq!(t.direction_of("cache_hits{endpoint:home}", Stat::Rate), Direction::LowerIsWorse);
    /// ```
    #[must_use]
    pub fn direction(mut self, name: impl Into<String>, direction: Direction) -> Self {
        self.directions.insert(name.into(), direction);
        self
    }

    /// Whether a metric or statistic of the baseline that the current run lacks is a
    /// regression (default: no, it is reported as [`Status::Missing`]).
    ///
    /// ```
    /// let t = k6dsl::results::compare::Tolerances::default().missing_is_regression(true);
    /// # drop(t);
    /// ```
    #[must_use]
    pub fn missing_is_regression(mut self, yes: bool) -> Self {
        self.missing_is_regression = yes;
        self
    }

    /// The tolerance that applies to one statistic of a metric key, with the kind
    /// guessed from the statistic when the key is not known ([`Stat::Rate`] as a Rate).
    ///
    /// ```
    /// use k6dsl::results::compare::{Stat, Tolerance, Tolerances};
    /// let t = Tolerances::default();
    /// assert_eq!(t.tolerance_of("http_req_failed", Stat::Rate), Tolerance::Absolute(0.01));
    /// assert_eq!(t.tolerance_of("http_req_duration", Stat::Max), Tolerance::Ignore);
    /// ```
    pub fn tolerance_of(&self, key: &str, stat: Stat) -> Tolerance {
        self.resolve(key, guess_kind(key, stat), stat).0
    }

    /// The direction that applies to one statistic of a metric key.
    ///
    /// ```
    /// use k6dsl::results::compare::{Direction, Stat, Tolerances};
    /// let t = Tolerances::default();
    /// assert_eq!(t.direction_of("http_reqs", Stat::Rate), Direction::LowerIsWorse);
    /// assert_eq!(t.direction_of("http_req_duration{endpoint:login}", Stat::P95), Direction::HigherIsWorse);
    /// assert_eq!(t.direction_of("checks", Stat::Rate), Direction::LowerIsWorse);
    /// ```
    pub fn direction_of(&self, key: &str, stat: Stat) -> Direction {
        self.resolve(key, guess_kind(key, stat), stat).1
    }

    fn resolve(&self, key: &str, kind: MetricKind, stat: Stat) -> (Tolerance, Direction) {
        let (name, _) = split_key(key);
        let (default_tolerance, default_direction) = default_rule(name, kind, stat);
        let rule = |name: &str, stat: Option<Stat>| {
            self.tolerances
                .get(&RuleKey {
                    name: name.to_owned(),
                    stat,
                })
                .copied()
        };
        let tolerance = rule(key, Some(stat))
            .or_else(|| rule(key, None))
            .or_else(|| rule(name, Some(stat)))
            .or_else(|| rule(name, None))
            .unwrap_or(default_tolerance);
        let direction = self
            .directions
            .get(key)
            .or_else(|| self.directions.get(name))
            .copied()
            .unwrap_or(default_direction);
        (tolerance, direction)
    }
}

fn guess_kind(key: &str, stat: Stat) -> MetricKind {
    match stat {
        Stat::Count => MetricKind::Counter,
        Stat::Value => MetricKind::Gauge,
        Stat::Rate => match split_key(key).0 {
            "http_reqs" | "iterations" | "dropped_iterations" | "data_sent" | "data_received" => {
                MetricKind::Counter
            }
            _ => MetricKind::Rate,
        },
        _ => MetricKind::Trend,
    }
}

/// The defaults of the module documentation.
fn default_rule(name: &str, kind: MetricKind, stat: Stat) -> (Tolerance, Direction) {
    const TEN_PERCENT: Tolerance = Tolerance::Relative(0.10);
    const POINT: Tolerance = Tolerance::Absolute(0.01);
    let direction = match (kind, name) {
        (MetricKind::Trend, _)
        | (MetricKind::Rate, "http_req_failed")
        | (MetricKind::Counter, "dropped_iterations") => Direction::HigherIsWorse,
        (MetricKind::Rate, "checks") | (MetricKind::Counter, "http_reqs" | "iterations") => {
            Direction::LowerIsWorse
        }
        _ => Direction::Unknown,
    };
    let tolerance = match (kind, name, stat) {
        (MetricKind::Trend, _, Stat::Max) => Tolerance::Ignore,
        (MetricKind::Trend, _, _) => Tolerance::Either {
            relative: 0.10,
            absolute: 1.0,
        },
        (MetricKind::Counter, "http_reqs" | "iterations", Stat::Rate)
        | (MetricKind::Counter, "dropped_iterations", Stat::Count) => TEN_PERCENT,
        (MetricKind::Counter, "http_reqs" | "iterations" | "dropped_iterations", _)
        | (MetricKind::Counter, "data_sent" | "data_received", _)
        | (MetricKind::Gauge, "vus" | "vus_max", _) => Tolerance::Ignore,
        (MetricKind::Rate, _, _) => POINT,
        (MetricKind::Counter | MetricKind::Gauge, _, _) => TEN_PERCENT,
    };
    (tolerance, direction)
}

/// How one statistic fared.
///
/// ```
/// use k6dsl::results::compare::Status;
/// assert!(Status::Regressed.is_regression());
/// assert!(!Status::Changed.is_regression());
/// assert_eq!(Status::Improved.to_string(), "improved");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Worse than the baseline by more than the tolerance (or missing, when
    /// [`Tolerances::missing_is_regression`]).
    Regressed,
    /// Better than the baseline by more than the tolerance.
    Improved,
    /// Moved beyond the tolerance, on a metric with no known direction.
    Changed,
    /// Within the tolerance.
    Unchanged,
    /// In the current run only.
    New,
    /// In the baseline only.
    Missing,
}

impl Status {
    /// Whether this fails the comparison. [`Status::Missing`] does only when the
    /// tolerances say so, which [`Entry::status`] already reflects as `Regressed`.
    ///
    /// ```
    /// assert!(!k6dsl::results::compare::Status::New.is_regression());
    /// ```
    pub fn is_regression(self) -> bool {
        self == Status::Regressed
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Regressed => "REGRESSED",
            Status::Improved => "improved",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::New => "new",
            Status::Missing => "missing",
        })
    }
}

/// What a series of past runs says about one statistic.
///
/// ```
/// use k6dsl::results::compare::Spread;
/// let s = Spread { runs: 3, min: 90.0, max: 110.0, drift: Some(0.05) };
/// assert!(s.max >= s.min);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// How many past runs had this statistic.
    pub runs: usize,
    /// The smallest past value.
    pub min: f64,
    /// The largest past value.
    pub max: f64,
    /// The trend over the past runs and the current one (a Theil–Sen slope: the
    /// median of the slopes between every two runs, so one bad run does not swing
    /// it), as the change it amounts to across that window relative to the median
    /// (`0.2`: drifted up 20%); `None` with fewer than two points or a zero median.
    pub drift: Option<f64>,
}

/// One compared statistic.
///
/// ```
/// use k6dsl::results::compare::{Baseline, Stat, Status, Tolerances};
/// let base = Baseline::new().rate("http_req_failed", 0.0);
/// let now = Baseline::new().rate("http_req_failed", 0.05);
/// let comparison = base.compare(&now, &Tolerances::default());
/// let entry = comparison.get("http_req_failed", Stat::Rate).unwrap();
/// assert_eq!(entry.status, Status::Regressed);
/// assert_eq!(entry.limit(), Some(0.01));
/// assert_eq!(entry.change(), Some(0.05));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The metric key (`http_req_duration{endpoint:login}`).
    pub key: String,
    /// The statistic.
    pub stat: Stat,
    /// The baseline's value (the median, against a series).
    pub baseline: Option<f64>,
    /// The current run's value.
    pub current: Option<f64>,
    /// The tolerance applied.
    pub tolerance: Tolerance,
    /// Which way is worse.
    pub direction: Direction,
    /// The verdict.
    pub status: Status,
    /// The past runs' spread, when compared against a [`Series`].
    pub spread: Option<Spread>,
}

impl Entry {
    /// The metric name, without tags (`http_req_duration`).
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().rate("checks{endpoint:login}", 1.0);
    /// # let c = b.compare(&b, &Tolerances::default());
    /// assert_eq!(c.entries[0].metric(), "checks");
    /// ```
    pub fn metric(&self) -> &str {
        split_key(&self.key).0
    }

    /// The value of a tag of the sub-metric (`endpoint`), if it has it.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().rate("checks{endpoint:login}", 1.0);
    /// # let c = b.compare(&b, &Tolerances::default());
    /// assert_eq!(c.entries[0].tag("endpoint"), Some("login"));
    /// ```
    pub fn tag(&self, tag: &str) -> Option<&str> {
        tag_of(&self.key, tag)
    }

    /// `current - baseline`, when both exist.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().gauge("g", 2.0);
    /// # let c = b.compare(&Baseline::new().gauge("g", 3.0), &Tolerances::default());
    /// assert_eq!(c.entries[0].change(), Some(1.0));
    /// ```
    pub fn change(&self) -> Option<f64> {
        Some(self.current? - self.baseline?)
    }

    /// The change as a share of the baseline (`0.25`: 25% up), when the baseline is
    /// not zero.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().gauge("g", 2.0);
    /// # let c = b.compare(&Baseline::new().gauge("g", 3.0), &Tolerances::default());
    /// assert_eq!(c.entries[0].relative_change(), Some(0.5));
    /// ```
    pub fn relative_change(&self) -> Option<f64> {
        let baseline = self.baseline?;
        (baseline != 0.0).then(|| self.change().map(|c| c / baseline.abs()))?
    }

    /// The value past which the statistic regresses (for [`Direction::Unknown`], the
    /// upper end of the allowed band), when there is a baseline and a tolerance.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().counter("http_reqs", 100.0, 10.0);
    /// # let c = b.compare(&b, &Tolerances::default());
    /// assert_eq!(c.get("http_reqs", Stat::Rate).unwrap().limit(), Some(9.0));
    /// ```
    pub fn limit(&self) -> Option<f64> {
        let baseline = self.baseline?;
        let allowance = self.tolerance.allowance(baseline)?;
        Some(match self.direction {
            Direction::LowerIsWorse => baseline - allowance,
            Direction::HigherIsWorse | Direction::Unknown => baseline + allowance,
        })
    }

    fn limit_text(&self) -> String {
        match (self.limit(), self.direction) {
            (None, _) => "-".into(),
            (Some(limit), Direction::HigherIsWorse) => format!("<= {}", number(limit)),
            (Some(limit), Direction::LowerIsWorse) => format!(">= {}", number(limit)),
            (Some(limit), Direction::Unknown) => {
                let baseline = self.baseline.unwrap_or(0.0);
                format!("{}..{}", number(2.0 * baseline - limit), number(limit))
            }
        }
    }
}

/// Every compared statistic of a run, with the verdict. `Display` prints a summary
/// line and a table of what is not unchanged, regressions first.
///
/// ```
/// use k6dsl::results::compare::{Baseline, Stat, Tolerances};
/// let base = Baseline::new().trend("http_req_duration{endpoint:login}", [(Stat::P95, 100.0)]);
/// let now = Baseline::new().trend("http_req_duration{endpoint:login}", [(Stat::P95, 150.0)]);
/// let comparison = base.compare(&now, &Tolerances::default());
/// let table = comparison.to_string();
/// assert!(table.contains("http_req_duration{endpoint:login} | p(95)"), "{table}");
/// assert!(table.contains("REGRESSED"), "{table}");
/// assert_eq!(comparison.endpoint("login").count(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// What the run was compared with (`baseline "v1.2"`, `median of 5 runs`).
    pub reference: String,
    /// Every compared statistic, by metric key then statistic.
    pub entries: Vec<Entry>,
}

impl Comparison {
    /// Whether any statistic regressed: a CLI exits non-zero on it.
    ///
    /// ```no_run
    /// # let comparison: k6dsl::results::compare::Comparison = unimplemented!();
    /// if comparison.is_regression() {
    ///     eprintln!("{comparison}");
    ///     std::process::exit(1);
    /// }
    /// ```
    pub fn is_regression(&self) -> bool {
        self.entries.iter().any(|e| e.status.is_regression())
    }

    /// The statistics that regressed.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// # let b = Baseline::new().rate("checks", 1.0);
    /// assert_eq!(b.compare(&b, &Tolerances::default()).regressions().count(), 0);
    /// ```
    pub fn regressions(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.status.is_regression())
    }

    /// One statistic of one metric key.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Status, Tolerances};
    /// # let b = Baseline::new().rate("checks", 1.0);
    /// let entry = b.compare(&b, &Tolerances::default()).get("checks", Stat::Rate).cloned().unwrap();
    /// assert_eq!(entry.status, Status::Unchanged);
    /// ```
    pub fn get(&self, key: &str, stat: Stat) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key && e.stat == stat)
    }

    /// The statistics of the sub-metrics of one endpoint: keys tagged
    /// `endpoint:NAME` or `name:NAME`.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().trend("http_req_duration{name:login}", [(Stat::Avg, 1.0)]);
    /// assert_eq!(b.compare(&b, &Tolerances::default()).endpoint("login").count(), 1);
    /// ```
    pub fn endpoint<'a>(&'a self, endpoint: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.tag("endpoint") == Some(endpoint) || e.tag("name") == Some(endpoint))
    }

    /// Panics with the table when any statistic regressed: for tests.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// let b = k6dsl::results::compare::Baseline::new().rate("checks", 1.0);
    /// b.compare(&b, &Tolerances::default()).assert_no_regression();
    /// ```
    #[track_caller]
    pub fn assert_no_regression(&self) {
        if self.is_regression() {
            panic!("{self}");
        }
    }

    /// The comparison as pretty JSON, for a CI artifact or a dashboard: the reference
    /// and every entry with its key, stat, values, tolerance, direction, status and
    /// spread.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// let b = k6dsl::results::compare::Baseline::new().rate("checks", 1.0);
    /// let json = b.compare(&b, &Tolerances::default()).to_json();
    /// assert!(json.contains(r#""status": "unchanged""#), "{json}");
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a comparison is plain data") + "\n"
    }

    /// A table of every compared statistic, unchanged ones included.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// let b = k6dsl::results::compare::Baseline::new().rate("checks", 1.0);
    /// assert!(b.compare(&b, &Tolerances::default()).full_table().contains("unchanged"));
    /// ```
    pub fn full_table(&self) -> String {
        self.table(self.entries.iter().collect())
    }

    fn table(&self, mut entries: Vec<&Entry>) -> String {
        entries.sort_by_key(|e| e.status);
        let with_spread = entries.iter().any(|e| e.spread.is_some());
        let mut header = vec![
            "metric", "stat", "baseline", "current", "change", "limit", "status",
        ];
        if with_spread {
            header.extend(["past range", "drift"]);
        }
        let opt = |v: Option<f64>| v.map_or_else(|| "-".into(), number);
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                let change = match (e.change(), e.relative_change()) {
                    (Some(c), Some(r)) => format!("{}{} ({:+.1}%)", sign(c), number(c), r * 100.0),
                    (Some(c), None) => format!("{}{}", sign(c), number(c)),
                    _ => "-".into(),
                };
                let mut row = vec![
                    e.key.clone(),
                    e.stat.to_string(),
                    opt(e.baseline),
                    opt(e.current),
                    change,
                    e.limit_text(),
                    e.status.to_string(),
                ];
                if with_spread {
                    match e.spread {
                        Some(s) => {
                            row.push(format!(
                                "{}..{} ({} runs)",
                                number(s.min),
                                number(s.max),
                                s.runs
                            ));
                            row.push(
                                s.drift
                                    .map_or_else(|| "-".into(), |d| format!("{:+.1}%", d * 100.0)),
                            );
                        }
                        None => row.extend(["-".to_string(), "-".to_string()]),
                    }
                }
                row
            })
            .collect();
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[&str]| -> String {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            format!("  | {} |\n", padded.join(" | "))
        };
        let mut out = line(&header);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("  |-{}-|\n", rule.join("-|-")));
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            out.push_str(&line(&cells));
        }
        out
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |status: Status| self.entries.iter().filter(|e| e.status == status).count();
        let regressed = count(Status::Regressed);
        writeln!(
            f,
            "compared with {}: {} statistics, {regressed} regressed, {} improved, {} changed, {} new, {} missing",
            self.reference,
            self.entries.len(),
            count(Status::Improved),
            count(Status::Changed),
            count(Status::New),
            count(Status::Missing),
        )?;
        let notable: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.status != Status::Unchanged)
            .collect();
        if !notable.is_empty() {
            if regressed > 0 {
                writeln!(f, "changes, regressions first:")?;
            }
            f.write_str(&self.table(notable))?;
        }
        Ok(())
    }
}

fn sign(value: f64) -> &'static str {
    if value > 0.0 {
        "+"
    } else {
        ""
    }
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.abs() >= 100.0 {
        format!("{value:.1}")
    } else {
        let text = format!("{value:.4}");
        let text = text.trim_end_matches('0');
        text.strip_suffix('.').unwrap_or(text).to_owned()
    }
}

/// The shared comparison: `reference` is the baseline (medians, for a series) and
/// `spreads` what the series says per key and statistic.
fn compare_with(
    label: String,
    reference: &Baseline,
    spreads: Option<&BTreeMap<(String, Stat), Spread>>,
    current: &Baseline,
    tolerances: &Tolerances,
) -> Comparison {
    let keys: BTreeSet<&String> = reference
        .metrics
        .keys()
        .chain(current.metrics.keys())
        .collect();
    let mut entries = Vec::new();
    for key in keys {
        let before = reference.metrics.get(key);
        let after = current.metrics.get(key);
        let kind = before.or(after).map_or(MetricKind::Trend, |m| m.kind);
        let stats: BTreeSet<Stat> = before
            .into_iter()
            .chain(after)
            .flat_map(|m| m.stats.keys().copied())
            .collect();
        for stat in stats {
            let (tolerance, direction) = tolerances.resolve(key, kind, stat);
            if tolerance == Tolerance::Ignore {
                continue;
            }
            let baseline = before.and_then(|m| m.stats.get(&stat).copied());
            let now = after.and_then(|m| m.stats.get(&stat).copied());
            let status = match (baseline, now) {
                (Some(b), Some(c)) => judge(b, c, tolerance, direction),
                (None, _) => Status::New,
                (Some(_), None) if tolerances.missing_is_regression => Status::Regressed,
                (Some(_), None) => Status::Missing,
            };
            entries.push(Entry {
                key: key.clone(),
                stat,
                baseline,
                current: now,
                tolerance,
                direction,
                status,
                spread: spreads.and_then(|s| s.get(&(key.clone(), stat)).copied()),
            });
        }
    }
    Comparison {
        reference: label,
        entries,
    }
}

fn judge(baseline: f64, current: f64, tolerance: Tolerance, direction: Direction) -> Status {
    let allowance = tolerance.allowance(baseline).unwrap_or(f64::INFINITY);
    let change = current - baseline;
    let (worse, better) = match direction {
        Direction::HigherIsWorse => (change > allowance, change < -allowance),
        Direction::LowerIsWorse => (change < -allowance, change > allowance),
        Direction::Unknown => {
            return if change.abs() > allowance {
                Status::Changed
            } else {
                Status::Unchanged
            }
        }
    };
    if worse {
        Status::Regressed
    } else if better {
        Status::Improved
    } else {
        Status::Unchanged
    }
}

/// Past runs, oldest first, to compare a run with their per-statistic median rather
/// than with one baseline that may have been a lucky or unlucky run. Each entry of
/// the comparison carries the series' range and the drift over it.
///
/// ```
/// use k6dsl::results::compare::{Baseline, Series, Stat, Status, Tolerances};
/// let past: Vec<Baseline> = [100.0, 104.0, 98.0, 300.0, 101.0]
///     .iter()
///     .map(|p95| Baseline::new().trend("http_req_duration", [(Stat::P95, *p95)]))
///     .collect();
/// let series = Series::new(past).last(5);
/// assert_eq!(series.median().value("http_req_duration", Stat::P95), Some(101.0));
/// let now = Baseline::new().trend("http_req_duration", [(Stat::P95, 125.0)]);
/// let comparison = series.compare(&now, &Tolerances::default());
/// let entry = comparison.get("http_req_duration", Stat::P95).unwrap();
/// assert_eq!(entry.status, Status::Regressed);
/// assert_eq!(entry.spread.unwrap().max, 300.0);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// The runs, oldest first.
    pub runs: Vec<Baseline>,
}

impl Series {
    /// A series of runs, oldest first.
    ///
    /// ```
    /// let series = k6dsl::results::compare::Series::new(vec![k6dsl::results::compare::Baseline::new()]);
    /// assert_eq!(series.runs.len(), 1);
    /// ```
    pub fn new(runs: Vec<Baseline>) -> Self {
        Series { runs }
    }

    /// Reads baselines or k6 summary exports, in the order given (oldest first).
    ///
    /// ```no_run
    /// let series = k6dsl::results::compare::Series::load(["runs/1.json", "runs/2.json", "runs/3.json"])?;
    /// # Ok::<(), k6dsl::results::compare::CompareError>(())
    /// ```
    pub fn load<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Self, CompareError> {
        paths
            .into_iter()
            .map(Baseline::load)
            .collect::<Result<Vec<_>, _>>()
            .map(Series::new)
    }

    /// Keeps only the newest `n` runs.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Series};
    /// let s = Series::new(vec![Baseline::new().label("a"), Baseline::new().label("b")]).last(1);
    /// assert_eq!(s.runs[0].label.as_deref(), Some("b"));
    /// ```
    #[must_use]
    pub fn last(mut self, n: usize) -> Self {
        let skip = self.runs.len().saturating_sub(n);
        self.runs.drain(..skip);
        self
    }

    /// Adds the newest run.
    ///
    /// ```
    /// let s = k6dsl::results::compare::Series::default().push(k6dsl::results::compare::Baseline::new());
    /// assert_eq!(s.runs.len(), 1);
    /// ```
    #[must_use]
    pub fn push(mut self, run: Baseline) -> Self {
        self.runs.push(run);
        self
    }

    /// The values of one statistic over the runs that have it, oldest first.
    fn values(&self, key: &str, stat: Stat) -> Vec<f64> {
        self.runs
            .iter()
            .filter_map(|r| r.value(key, stat))
            .collect()
    }

    /// A baseline of per-statistic medians (the mean of the middle two for an even
    /// count) over the runs that have each statistic.
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Series, Stat};
    /// let s = Series::new(vec![Baseline::new().rate("checks", 0.9), Baseline::new().rate("checks", 1.0)]);
    /// assert_eq!(s.median().value("checks", Stat::Rate), Some(0.95));
    /// ```
    pub fn median(&self) -> Baseline {
        let mut out = Baseline::new().label(format!("median of {} runs", self.runs.len()));
        for run in &self.runs {
            for (key, metric) in &run.metrics {
                let entry = out
                    .metrics
                    .entry(key.clone())
                    .or_insert_with(|| MetricStats {
                        kind: metric.kind,
                        stats: BTreeMap::new(),
                    });
                for stat in metric.stats.keys() {
                    if !entry.stats.contains_key(stat) {
                        let values = self.values(key, *stat);
                        entry.stats.insert(*stat, median(&values));
                    }
                }
            }
        }
        out
    }

    /// Judges `current` against the series' medians; each entry carries the past
    /// range and the drift (see [`Spread`]).
    ///
    /// ```
    /// use k6dsl::results::compare::{Baseline, Series, Stat, Tolerances};
    /// let run = |rate: f64| Baseline::new().counter("http_reqs", rate * 60.0, rate);
    /// let series = Series::new(vec![run(50.0), run(48.0), run(46.0)]);
    /// let comparison = series.compare(&run(44.0), &Tolerances::default());
    /// let entry = comparison.get("http_reqs", Stat::Rate).unwrap();
    /// assert!(!comparison.is_regression());
    /// assert!(entry.spread.unwrap().drift.unwrap() < -0.1, "throughput drifts down");
    /// ```
    pub fn compare(&self, current: &Baseline, tolerances: &Tolerances) -> Comparison {
        let reference = self.median();
        let mut spreads = BTreeMap::new();
        for (key, metric) in &reference.metrics {
            for (stat, mid) in &metric.stats {
                let values = self.values(key, *stat);
                let mut points = values.clone();
                points.extend(current.value(key, *stat));
                let drift = slope(&points)
                    .filter(|_| *mid != 0.0)
                    .map(|s| s * (points.len() - 1) as f64 / mid.abs());
                spreads.insert(
                    (key.clone(), *stat),
                    Spread {
                        runs: values.len(),
                        min: values.iter().copied().fold(f64::INFINITY, f64::min),
                        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        drift,
                    },
                );
            }
        }
        compare_with(
            format!("the median of {} past runs", self.runs.len()),
            &reference,
            Some(&spreads),
            current,
            tolerances,
        )
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The Theil–Sen slope of `points` against their index, per step: the median of the
/// slopes between every pair of points, which one bad run cannot swing.
fn slope(points: &[f64]) -> Option<f64> {
    let mut slopes = Vec::new();
    for (i, a) in points.iter().enumerate() {
        for (j, b) in points.iter().enumerate().skip(i + 1) {
            slopes.push((b - a) / (j - i) as f64);
        }
    }
    (!slopes.is_empty()).then(|| median(&slopes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_into_name_and_tags() {
        assert_eq!(split_key("a{endpoint:x}"), ("a", Some("endpoint:x")));
        assert_eq!(
            tag_of("group_duration{group:::Checkout}", "group"),
            Some("::Checkout")
        );
        assert_eq!(tag_of("a{name:x,method:GET}", "method"), Some("GET"));
        assert_eq!(tag_of("a", "name"), None);
    }

    #[test]
    fn slopes_and_medians() {
        assert_eq!(slope(&[1.0, 2.0, 3.0]), Some(1.0));
        assert_eq!(slope(&[1.0, 100.0, 3.0, 4.0, 5.0]), Some(1.0));
        assert_eq!(slope(&[1.0]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
