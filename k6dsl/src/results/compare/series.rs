//! [`Series`]: past runs, compared by their per-statistic median.

use std::collections::BTreeMap;
use std::path::Path;

use super::comparison::compare_with;
use super::{Baseline, CompareError, Comparison, MetricStats, Spread, Stat, Tolerances};

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
    fn slopes_and_medians() {
        assert_eq!(slope(&[1.0, 2.0, 3.0]), Some(1.0));
        assert_eq!(slope(&[1.0, 100.0, 3.0, 4.0, 5.0]), Some(1.0));
        assert_eq!(slope(&[1.0]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
