//! [`Baseline`]: the statistics of one run worth comparing, saved and loaded as JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::comparison::compare_with;
use super::{Comparison, Stat, Tolerances};
use crate::model::MetricKind;
use crate::run::{MetricValues, RunResult};

/// The `format` field of a saved [`Baseline`], which tells it from a k6 summary.
pub const BASELINE_FORMAT: &str = "k6dsl-baseline/1";

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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// Reading or writing the file failed.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        error: std::io::Error,
    },
    /// The file is not JSON, or not a baseline or k6 summary export.
    #[error(fmt = format_error)]
    Format {
        /// The file, when there is one.
        path: Option<PathBuf>,
        /// What is wrong.
        message: String,
    },
}

/// [`CompareError::Format`]'s message: `FILE: what is wrong`, or only what is wrong.
fn format_error(path: &Option<PathBuf>, message: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match path {
        Some(path) => write!(f, "{}: {message}", path.display()),
        None => f.write_str(message),
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
                    .filter_map(|s| Some((s, *stats.get(&s.k6_name())?)))
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
                        .filter_map(|s| Some((s, num(&s.k6_name())?)))
                        .collect(),
                )
            } else {
                (
                    MetricKind::Trend,
                    Stat::TREND
                        .into_iter()
                        .filter_map(|s| Some((s, num(&s.k6_name())?)))
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
