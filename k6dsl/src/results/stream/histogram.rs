//! A mergeable histogram with bounded relative error (DDSketch-style log buckets).

/// Smallest magnitude given its own bucket; anything closer to zero counts as zero.
const MIN_INDEXABLE: f64 = 1e-9;

/// A log-bucketed histogram: quantiles within a chosen relative error of the exact
/// ones, merged by adding bucket counts, in memory that grows with the range of
/// values (at most [`Histogram::MAX_BUCKETS`] buckets per sign), never with their
/// number.
///
/// A value `v > 0` lands in bucket `k = ceil(ln(v) / ln(γ))` with
/// `γ = (1 + α) / (1 - α)`; the bucket answers `2γ^k / (γ + 1)`, which is within `α`
/// of every value in `(γ^(k-1), γ^k]`. Negative values use a mirrored set of buckets,
/// and values closer to zero than 1e-9 count as zero. Quantiles interpolate between
/// neighbouring ranks the way k6 does, and are clamped to the exact minimum and
/// maximum, so they stay within `α` of k6's exact `p(N)`.
///
/// ```
/// use k6dsl::results::stream::Histogram;
///
/// let mut a = Histogram::new(0.005);
/// let mut b = Histogram::new(0.005);
/// for v in 1..=500 {
///     a.add(v as f64);
/// }
/// for v in 501..=1000 {
///     b.add(v as f64);
/// }
/// a.merge(&b);
/// assert_eq!(a.count(), 1000);
/// let p95 = a.quantile(0.95).unwrap();
/// assert!((p95 - 950.05).abs() / 950.05 < 0.005);
/// ```
#[derive(Debug, Clone)]
pub struct Histogram {
    alpha: f64,
    gamma_ln: f64,
    positive: Store,
    negative: Store,
    zeros: u64,
    count: u64,
    min: f64,
    max: f64,
}

/// Dense counts for keys `offset .. offset + counts.len()`; when wider than
/// `MAX_BUCKETS`, the lowest keys are folded into the lowest kept one (so the
/// guarantee holds for the upper quantiles, where latencies matter).
#[derive(Debug, Clone, Default)]
struct Store {
    offset: i32,
    counts: Vec<u64>,
    total: u64,
}

impl Store {
    fn add(&mut self, key: i32, n: u64) {
        if n == 0 {
            return;
        }
        self.total += n;
        if self.counts.is_empty() {
            self.offset = key;
            self.counts.push(n);
            return;
        }
        let max_key = self.offset + self.counts.len() as i32 - 1;
        if key > max_key {
            self.counts.resize((key - self.offset + 1) as usize, 0);
        } else if key < self.offset {
            let grow = (self.offset - key) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = key;
        }
        self.counts[(key - self.offset) as usize] += n;
        self.collapse();
    }

    fn collapse(&mut self) {
        let len = self.counts.len();
        if len > Histogram::MAX_BUCKETS {
            let drop = len - Histogram::MAX_BUCKETS;
            let folded: u64 = self.counts.drain(..drop).sum();
            self.counts[0] += folded;
            self.offset += drop as i32;
        }
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(move |(i, &c)| (self.offset + i as i32, c))
    }
}

impl Histogram {
    /// The most buckets kept per sign: with α = 0.005 they span a factor of about
    /// 8·10^8 (1 µs to 800 s for durations in milliseconds).
    pub const MAX_BUCKETS: usize = 2048;

    /// An empty histogram with relative accuracy `alpha` (0.005 keeps quantiles
    /// within 0.5%).
    ///
    /// ```
    /// let h = k6dsl::results::stream::Histogram::new(0.005);
    /// assert_eq!(h.quantile(0.5), None);
    /// ```
    ///
    /// # Panics
    ///
    /// When `alpha` is not in `(0, 1)`.
    pub fn new(alpha: f64) -> Histogram {
        assert!(
            alpha > 0.0 && alpha < 1.0,
            "relative accuracy must be in (0, 1)"
        );
        Histogram {
            alpha,
            gamma_ln: ((1.0 + alpha) / (1.0 - alpha)).ln(),
            positive: Store::default(),
            negative: Store::default(),
            zeros: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// The relative accuracy this histogram was made with.
    ///
    /// ```
    /// assert_eq!(k6dsl::results::stream::Histogram::new(0.01).relative_accuracy(), 0.01);
    /// ```
    pub fn relative_accuracy(&self) -> f64 {
        self.alpha
    }

    fn key(&self, magnitude: f64) -> i32 {
        (magnitude.ln() / self.gamma_ln).ceil() as i32
    }

    fn value(&self, key: i32) -> f64 {
        let gamma = self.gamma_ln.exp();
        2.0 * (key as f64 * self.gamma_ln).exp() / (gamma + 1.0)
    }

    /// Records one value (NaN is ignored).
    ///
    /// ```
    /// let mut h = k6dsl::results::stream::Histogram::new(0.005);
    /// h.add(-3.0);
    /// h.add(0.0);
    /// h.add(7.5);
    /// assert_eq!((h.count(), h.min(), h.max()), (3, Some(-3.0), Some(7.5)));
    /// ```
    pub fn add(&mut self, value: f64) {
        self.add_n(value, 1);
    }

    fn add_n(&mut self, value: f64, n: u64) {
        if value.is_nan() || n == 0 {
            return;
        }
        if value > MIN_INDEXABLE {
            let key = self.key(value);
            self.positive.add(key, n);
        } else if value < -MIN_INDEXABLE {
            let key = self.key(-value);
            self.negative.add(key, n);
        } else {
            self.zeros += n;
        }
        self.count += n;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    /// Adds the counts of `other`. With equal accuracies the result is exactly the
    /// histogram of both inputs' values together; otherwise `other`'s buckets are
    /// re-inserted at their representative values (errors then add up).
    ///
    /// ```
    /// let mut a = k6dsl::results::stream::Histogram::new(0.005);
    /// let mut b = a.clone();
    /// a.add(1.0);
    /// b.add(2.0);
    /// a.merge(&b);
    /// assert_eq!(a.count(), 2);
    /// ```
    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.alpha == other.alpha {
            for (key, n) in other.positive.iter() {
                self.positive.add(key, n);
            }
            for (key, n) in other.negative.iter() {
                self.negative.add(key, n);
            }
            self.zeros += other.zeros;
            self.count += other.count;
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
        } else {
            for (key, n) in other.positive.iter() {
                self.add_n(other.value(key), n);
            }
            for (key, n) in other.negative.iter() {
                self.add_n(-other.value(key), n);
            }
            self.add_n(0.0, other.zeros);
            self.min = self.min.min(other.min);
            self.max = self.max.max(other.max);
        }
    }

    /// How many values were recorded.
    ///
    /// ```
    /// assert_eq!(k6dsl::results::stream::Histogram::new(0.005).count(), 0);
    /// ```
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact smallest value, if any.
    ///
    /// ```
    /// let mut h = k6dsl::results::stream::Histogram::new(0.005);
    /// h.add(4.0);
    /// assert_eq!(h.min(), Some(4.0));
    /// ```
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// The exact largest value, if any.
    ///
    /// ```
    /// let mut h = k6dsl::results::stream::Histogram::new(0.005);
    /// h.add(4.0);
    /// assert_eq!(h.max(), Some(4.0));
    /// ```
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// How many buckets hold counts (the memory it uses is about 8 bytes for each
    /// key between the smallest and largest bucket).
    ///
    /// ```
    /// let mut h = k6dsl::results::stream::Histogram::new(0.005);
    /// h.add(1.0);
    /// h.add(1.0);
    /// assert_eq!(h.bucket_count(), 1);
    /// ```
    pub fn bucket_count(&self) -> usize {
        self.positive.iter().count() + self.negative.iter().count() + usize::from(self.zeros > 0)
    }

    /// The approximate value of rank `rank` (0-based, in ascending order).
    fn at_rank(&self, rank: u64) -> f64 {
        if rank == 0 {
            return self.min;
        }
        if rank + 1 >= self.count {
            return self.max;
        }
        let mut seen = 0;
        for (key, n) in self.negative.iter().rev() {
            seen += n;
            if rank < seen {
                return -self.value(key);
            }
        }
        seen += self.zeros;
        if rank < seen {
            return 0.0;
        }
        for (key, n) in self.positive.iter() {
            seen += n;
            if rank < seen {
                return self.value(key);
            }
        }
        self.max
    }

    /// The `q` quantile (0 ≤ q ≤ 1), interpolated between ranks as k6's `p(N)` is:
    /// `p(95)` is `quantile(0.95)`. `None` when empty.
    ///
    /// ```
    /// let mut h = k6dsl::results::stream::Histogram::new(0.005);
    /// for v in [10.0, 20.0, 30.0, 40.0] {
    ///     h.add(v);
    /// }
    /// assert_eq!(h.quantile(0.0), Some(10.0));
    /// assert_eq!(h.quantile(1.0), Some(40.0));
    /// let median = h.quantile(0.5).unwrap(); // exact: 25
    /// assert!((median - 25.0).abs() < 25.0 * 0.005);
    /// ```
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || q.is_nan() {
            return None;
        }
        let position = q.clamp(0.0, 1.0) * (self.count - 1) as f64;
        let low = position.floor();
        let a = self.at_rank(low as u64);
        let fraction = position - low;
        let value = if fraction > 0.0 {
            let b = self.at_rank(position.ceil() as u64);
            a + (b - a) * fraction
        } else {
            a
        };
        Some(value.clamp(self.min, self.max))
    }
}

impl PartialEq for Histogram {
    /// Equal accuracy, counts in every bucket, and exact minimum and maximum.
    fn eq(&self, other: &Histogram) -> bool {
        self.alpha == other.alpha
            && self.count == other.count
            && self.zeros == other.zeros
            && (self.count == 0 || (self.min == other.min && self.max == other.max))
            && self.positive.iter().eq(other.positive.iter())
            && self.negative.iter().eq(other.negative.iter())
    }
}
