//! One merged series (a metric, or a sub-metric) as k6's sinks hold it, and the
//! sample budget that decides when Trend samples give way to the sketch.
//!
//! k6 keeps every Trend sample in memory and computes `p(N)` from the sorted
//! values (`metrics/sink.go`, `TrendSink.P`). A series here does the same while
//! the [`Budget`] allows, so that merged percentiles are k6's exactly; beyond the
//! budget every Trend series becomes a [`Histogram`] (relative error stated by its
//! accuracy), while count, sum, min and max stay exact.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::model::MetricKind;
use crate::results::stream::Histogram;

/// How many samples a collector keeps before it reports them to the [`Budget`]:
/// one atomic addition per this many samples, not per sample.
const BUDGET_CHUNK: u64 = 8192;

/// The number of Trend samples all collectors may keep, shared between threads.
#[derive(Debug)]
pub(super) struct Budget {
    limit: u64,
    kept: AtomicU64,
    exceeded: AtomicBool,
}

impl Budget {
    pub(super) fn new(limit: u64) -> Budget {
        Budget {
            limit,
            kept: AtomicU64::new(0),
            exceeded: AtomicBool::new(false),
        }
    }

    /// Adds `n` kept samples; whether the limit is now exceeded (by anyone).
    fn report(&self, n: u64) -> bool {
        let kept = self.kept.fetch_add(n, Ordering::Relaxed) + n;
        if kept > self.limit {
            self.exceeded.store(true, Ordering::Relaxed);
        }
        self.exceeded.load(Ordering::Relaxed)
    }
}

/// A collector's view of the [`Budget`]: counts locally, reports in chunks.
#[derive(Debug)]
pub(super) struct Allowance<'b> {
    budget: &'b Budget,
    unreported: u64,
    /// Set once the budget is exceeded: new Trend samples go to sketches.
    pub(super) sketching: bool,
}

impl<'b> Allowance<'b> {
    pub(super) fn new(budget: &'b Budget) -> Allowance<'b> {
        Allowance {
            budget,
            unreported: 0,
            sketching: false,
        }
    }

    /// Counts one kept sample; true when the collector must switch to sketches.
    fn take_one(&mut self) -> bool {
        self.unreported += 1;
        if self.unreported >= BUDGET_CHUNK {
            let n = std::mem::take(&mut self.unreported);
            if self.budget.report(n) {
                self.sketching = true;
                return true;
            }
        }
        false
    }
}

/// A Trend series' values: every sample, or the sketch.
#[derive(Debug, Clone)]
pub(super) enum Values {
    /// Not a Trend (or of unknown kind): no values kept.
    None,
    /// Every sample, in arrival order until [`Series::finish`] sorts them.
    Exact(Vec<f64>),
    /// The mergeable sketch.
    Sketch(Histogram),
}

/// One series: what k6's Counter, Gauge, Rate and Trend sinks keep, together.
#[derive(Debug, Clone)]
pub(super) struct Series {
    pub(super) count: u64,
    pub(super) sum: f64,
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) non_zero: u64,
    /// A Gauge's value: the sample with the latest time (the later input's on a tie).
    pub(super) last: f64,
    pub(super) last_time_ns: i64,
    pub(super) values: Values,
}

impl Series {
    pub(super) fn new(kind: Option<MetricKind>) -> Series {
        Series {
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            non_zero: 0,
            last: 0.0,
            last_time_ns: i64::MIN,
            values: if kind == Some(MetricKind::Trend) {
                Values::Exact(Vec::new())
            } else {
                Values::None
            },
        }
    }

    /// Records one sample. Returns true when the budget ran out with it: the
    /// caller then turns every series it holds into a sketch ([`Series::sketch`]).
    #[inline]
    pub(super) fn add(&mut self, time_ns: i64, value: f64, allowance: &mut Allowance<'_>) -> bool {
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.non_zero += u64::from(value != 0.0);
        if time_ns >= self.last_time_ns {
            self.last = value;
            self.last_time_ns = time_ns;
        }
        match &mut self.values {
            Values::None => false,
            Values::Exact(values) => {
                values.push(value);
                allowance.take_one()
            }
            Values::Sketch(histogram) => {
                histogram.add(value);
                false
            }
        }
    }

    /// Replaces the kept samples with a sketch of accuracy `alpha`.
    pub(super) fn sketch(&mut self, alpha: f64) {
        if let Values::Exact(values) = &self.values {
            let mut histogram = Histogram::new(alpha);
            values.iter().for_each(|v| histogram.add(*v));
            self.values = Values::Sketch(histogram);
        }
    }

    /// Whether it keeps a Trend's values (exact or sketched).
    pub(super) fn is_trend(&self) -> bool {
        !matches!(self.values, Values::None)
    }

    /// How many samples it keeps exactly.
    pub(super) fn kept(&self) -> u64 {
        match &self.values {
            Values::Exact(values) => values.len() as u64,
            _ => 0,
        }
    }

    /// Adds `other`'s samples, as if they had been added here (a sum may differ in
    /// its last bits from one pass). Exact values meet a sketch as a sketch.
    pub(super) fn merge(&mut self, other: Series) {
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.non_zero += other.non_zero;
        if other.count > 0 && other.last_time_ns >= self.last_time_ns {
            self.last = other.last;
            self.last_time_ns = other.last_time_ns;
        }
        let mine = std::mem::replace(&mut self.values, Values::None);
        self.values = match (mine, other.values) {
            (Values::None, theirs) => theirs,
            (mine, Values::None) => mine,
            (Values::Exact(mut a), Values::Exact(b)) => {
                a.extend_from_slice(&b);
                Values::Exact(a)
            }
            (Values::Sketch(mut a), Values::Sketch(b)) => {
                a.merge(&b);
                Values::Sketch(a)
            }
            (Values::Exact(a), Values::Sketch(mut b))
            | (Values::Sketch(mut b), Values::Exact(a)) => {
                a.iter().for_each(|v| b.add(*v));
                Values::Sketch(b)
            }
        };
    }

    /// Sorts the kept samples, as k6 does before its first percentile.
    pub(super) fn finish(&mut self) {
        if let Values::Exact(values) = &mut self.values {
            // Go's sort.Float64s order; k6's JSON output has no NaN to place.
            values.sort_unstable_by(f64::total_cmp);
        }
    }

    /// A Trend statistic as k6's TrendSink gives it, 0 when empty: `min`, `max`,
    /// `avg`, or the `q` quantile (`med` is 0.5). For a sketch, the quantile is
    /// within its relative accuracy of k6's.
    pub(super) fn quantile(&self, q: f64) -> f64 {
        match &self.values {
            Values::Exact(sorted) => k6_percentile(sorted, q),
            Values::Sketch(histogram) => histogram.quantile(q).unwrap_or(0.0),
            Values::None => 0.0,
        }
    }

    /// k6's `min` (0 when empty, as its sink starts at 0).
    pub(super) fn trend_min(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.min
        }
    }

    /// k6's `max` (0 when empty).
    pub(super) fn trend_max(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.max
        }
    }

    /// k6's `avg` (0 when empty).
    pub(super) fn avg(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / self.count as f64
        }
    }

    /// Whether its percentiles come from the sketch.
    #[cfg(test)]
    pub(super) fn is_sketched(&self) -> bool {
        matches!(self.values, Values::Sketch(_))
    }
}

/// k6's percentile of sorted values (`TrendSink.P`): 0 for none, the value for
/// one, else linear interpolation between the ranks around `q·(n−1)`.
///
/// ```text
/// i = q·(n−1);  p = v[⌊i⌋] + (v[⌈i⌉] − v[⌊i⌋])·(i − ⌊i⌋)
/// ```
pub(super) fn k6_percentile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let i = q * (n as f64 - 1.0);
            let floor = i.floor();
            // Go indexes with int(math.Floor(i)); a q outside [0, 1] panics k6
            // (exit 109); here it is clamped to the ends instead.
            let at = |x: f64| sorted[(x.max(0.0) as usize).min(n - 1)];
            let j = at(floor);
            let k = at(i.ceil());
            j + (k - j) * (i - floor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_k6s_formula() {
        let v = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(k6_percentile(&v, 0.0), 10.0);
        assert_eq!(k6_percentile(&v, 1.0), 40.0);
        assert_eq!(k6_percentile(&v, 0.5), 25.0);
        // i = 0.95·3 = 2.85: 30 + 10·0.85
        assert!((k6_percentile(&v, 0.95) - 38.5).abs() < 1e-12);
        assert_eq!(k6_percentile(&[7.0], 0.9), 7.0);
        assert_eq!(k6_percentile(&[], 0.9), 0.0);
    }

    #[test]
    fn the_budget_switches_every_collector_once_exceeded() {
        let budget = Budget::new(BUDGET_CHUNK);
        let mut a = Allowance::new(&budget);
        let mut series = Series::new(Some(MetricKind::Trend));
        let mut switched = false;
        for i in 0..(2 * BUDGET_CHUNK) {
            switched |= series.add(0, i as f64, &mut a);
        }
        assert!(switched && a.sketching);
        series.sketch(0.01);
        assert!(series.is_sketched());
        assert_eq!(series.count, 2 * BUDGET_CHUNK);
        assert_eq!(series.trend_min(), 0.0);
        assert_eq!(series.trend_max(), (2 * BUDGET_CHUNK - 1) as f64);
    }

    #[test]
    fn exact_meets_sketch_as_a_sketch() {
        let budget = Budget::new(u64::MAX);
        let mut allowance = Allowance::new(&budget);
        let mut a = Series::new(Some(MetricKind::Trend));
        let mut b = Series::new(Some(MetricKind::Trend));
        a.add(1, 1.0, &mut allowance);
        b.add(2, 2.0, &mut allowance);
        b.sketch(0.01);
        a.merge(b);
        assert!(a.is_sketched());
        assert_eq!((a.count, a.last), (2, 2.0));
    }
}
