//! Streaming analysis of k6's `--out json`.
//!
//! k6 writes one JSON object per line: `Metric` lines declare metrics, `Point` lines
//! are samples. Long runs write millions of lines, so this module reads them as a
//! stream ([`Reader`]) and aggregates them ([`Aggregate`]) per metric, per tag set
//! (restricted to chosen tag keys) and per time bucket, in memory that grows with
//! the number of those keys, never with the number of samples. Trend percentiles
//! come from a mergeable [`Histogram`] within 0.5% of the exact values by default.
//!
//! A last line cut short (k6 was killed) or any other malformed line is skipped with
//! a [`Warning`]; everything before it counts.
//!
//! ```
//! use k6dsl::results::stream::{Aggregate, Config};
//!
//! let out = concat!(
//!     r#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}"#, "\n",
//!     r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-25T17:25:52.1Z","value":120,"tags":{"name":"login","status":"200","url":"http://x/login"}}}"#, "\n",
//!     r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-25T17:25:53.2Z","value":80,"tags":{"name":"cart","status":"200","url":"http://x/cart"}}}"#, "\n",
//!     r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-25T17:25"#,
//! );
//! let aggregate = Aggregate::from_reader(out.as_bytes(), Config::default())?;
//! let all = aggregate.total("http_req_duration").unwrap();
//! assert_eq!((all.count(), all.min(), all.max()), (2, Some(80.0), Some(120.0)));
//! let login = aggregate.total_where("http_req_duration", &[("name", "login")]).unwrap();
//! assert_eq!(login.mean(), Some(120.0));
//! assert!(aggregate.warnings()[0].truncated);
//! # Ok::<(), std::io::Error>(())
//! ```

mod event;
mod histogram;
mod parse;
mod reader;
mod time;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufRead};
use std::time::Duration;

pub use event::{Event, MetricDecl, MetricKind, Point, Submetric, Tags, Warning};
pub use histogram::Histogram;
pub use reader::{Reader, DEFAULT_MAX_LINE};

/// The tag keys kept by default: those k6 thresholds and summaries select on, each
/// with few values (`url` and `vu`-like tags are left out to bound cardinality).
pub const DEFAULT_TAG_KEYS: &[&str] = &[
    "check",
    "endpoint",
    "expected_response",
    "group",
    "method",
    "name",
    "scenario",
    "status",
];

/// Which tags make up a series' tag set.
///
/// ```
/// use k6dsl::results::stream::TagKeys;
/// let keys = TagKeys::only(["name", "status"]);
/// assert!(keys.keeps("name") && !keys.keeps("url"));
/// assert!(TagKeys::All.keeps("url"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagKeys {
    /// Every tag (cardinality is then whatever the test produces).
    All,
    /// Only these keys; other tags are dropped.
    Only(Vec<String>),
    /// No tags: one series per metric and bucket.
    None,
}

impl TagKeys {
    /// Only `keys`.
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(keys: I) -> TagKeys {
        TagKeys::Only(keys.into_iter().map(Into::into).collect())
    }

    /// Whether tag `key` is kept.
    pub fn keeps(&self, key: &str) -> bool {
        match self {
            TagKeys::All => true,
            TagKeys::Only(keys) => keys.iter().any(|k| k == key),
            TagKeys::None => false,
        }
    }
}

/// How samples are grouped.
///
/// ```
/// use std::time::Duration;
/// use k6dsl::results::stream::{Config, TagKeys};
///
/// let config = Config::default()
///     .tag_keys(TagKeys::only(["name"]))
///     .bucket(Duration::from_secs(1))
///     .relative_accuracy(0.001);
/// assert_eq!(config.bucket, Some(Duration::from_secs(1)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The tags that make up a tag set ([`DEFAULT_TAG_KEYS`] by default).
    pub tag_keys: TagKeys,
    /// The width of time buckets; `None` (the default) is one bucket for the run.
    pub bucket: Option<Duration>,
    /// The relative accuracy of Trend histograms (0.005 by default).
    pub relative_accuracy: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            tag_keys: TagKeys::only(DEFAULT_TAG_KEYS.iter().copied()),
            bucket: None,
            relative_accuracy: 0.005,
        }
    }
}

impl Config {
    /// Sets [`Config::tag_keys`].
    pub fn tag_keys(mut self, keys: TagKeys) -> Config {
        self.tag_keys = keys;
        self
    }

    /// Sets [`Config::bucket`] (a zero width means no buckets).
    pub fn bucket(mut self, width: Duration) -> Config {
        self.bucket = (!width.is_zero()).then_some(width);
        self
    }

    /// Sets [`Config::relative_accuracy`].
    pub fn relative_accuracy(mut self, alpha: f64) -> Config {
        self.relative_accuracy = alpha;
        self
    }
}

/// Statistics of one series: count, sum, min, max for every kind, the fraction of
/// non-zero values (Rates), the last value (Gauges) and a histogram (Trends).
///
/// ```
/// use k6dsl::results::stream::{MetricKind, Stats};
///
/// let mut rate = Stats::new(Some(MetricKind::Rate), 0.005);
/// for (t, v) in [(1, 1.0), (2, 0.0), (3, 1.0), (4, 1.0)] {
///     rate.add(t, v);
/// }
/// assert_eq!(rate.rate(), Some(0.75));
/// assert_eq!(rate.last(), Some(1.0));
/// assert!(rate.histogram().is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    non_zero: u64,
    last: f64,
    last_time_ns: i64,
    histogram: Option<Histogram>,
}

impl Stats {
    /// Empty statistics for a metric of `kind`; Trends and metrics of unknown kind
    /// get a histogram of relative accuracy `alpha`.
    pub fn new(kind: Option<MetricKind>, alpha: f64) -> Stats {
        Stats {
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            non_zero: 0,
            last: f64::NAN,
            last_time_ns: i64::MIN,
            histogram: matches!(kind, None | Some(MetricKind::Trend))
                .then(|| Histogram::new(alpha)),
        }
    }

    /// Records `value` taken at `time_ns`.
    pub fn add(&mut self, time_ns: i64, value: f64) {
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.non_zero += u64::from(value != 0.0);
        if time_ns >= self.last_time_ns {
            self.last = value;
            self.last_time_ns = time_ns;
        }
        if let Some(h) = &mut self.histogram {
            h.add(value);
        }
    }

    /// Adds `other` as if its samples had been added to `self` (the last value is
    /// the later one's; sums may differ in the last bits from one pass).
    ///
    /// ```
    /// use k6dsl::results::stream::{MetricKind, Stats};
    /// let mut a = Stats::new(Some(MetricKind::Gauge), 0.005);
    /// let mut b = a.clone();
    /// a.add(20, 5.0);
    /// b.add(10, 9.0);
    /// a.merge(&b);
    /// assert_eq!((a.count(), a.last(), a.max()), (2, Some(5.0), Some(9.0)));
    /// ```
    pub fn merge(&mut self, other: &Stats) {
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.non_zero += other.non_zero;
        if other.count > 0 && other.last_time_ns > self.last_time_ns {
            self.last = other.last;
            self.last_time_ns = other.last_time_ns;
        }
        match (&mut self.histogram, &other.histogram) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.histogram = Some(b.clone()),
            _ => {}
        }
    }

    /// How many samples.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Their sum (a Counter's value).
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Their mean (a Trend's `avg`).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The smallest value.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// The largest value.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// The fraction of non-zero values (a Rate's value).
    pub fn rate(&self) -> Option<f64> {
        (self.count > 0).then(|| self.non_zero as f64 / self.count as f64)
    }

    /// How many values were non-zero (a Rate's `passes`).
    pub fn non_zero(&self) -> u64 {
        self.non_zero
    }

    /// The value with the latest time (a Gauge's value).
    pub fn last(&self) -> Option<f64> {
        (self.count > 0).then_some(self.last)
    }

    /// The `q` quantile from the histogram (`p(95)` is `quantile(0.95)`); `None`
    /// for kinds without one.
    ///
    /// ```
    /// use k6dsl::results::stream::{MetricKind, Stats};
    /// let mut trend = Stats::new(Some(MetricKind::Trend), 0.005);
    /// (1..=100).for_each(|v| trend.add(0, v as f64));
    /// let p95 = trend.quantile(0.95).unwrap(); // exact: 95.05
    /// assert!((p95 - 95.05).abs() <= 95.05 * 0.005);
    /// assert_eq!(Stats::new(Some(MetricKind::Counter), 0.005).quantile(0.95), None);
    /// ```
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.histogram.as_ref()?.quantile(q)
    }

    /// The histogram, for Trends.
    pub fn histogram(&self) -> Option<&Histogram> {
        self.histogram.as_ref()
    }
}

/// One aggregated series: a metric, a tag set and a time bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The metric's name.
    pub metric: String,
    /// The kept tags, by ascending key.
    pub tags: Vec<(String, String)>,
    /// The bucket's start in nanoseconds since the Unix epoch; `None` without buckets.
    pub bucket_start_ns: Option<i64>,
    /// The statistics.
    pub stats: Stats,
}

/// The Fx hash (rustc's): series keys come from a local file, so a fast hash with
/// no resistance to chosen collisions is the right trade. Kept here (20 lines)
/// rather than taken from rustc-hash, whose 2.x hashes differently: [`Aggregate::merge`]
/// adds the other side's new series in this hash's order, which would change.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What a metric's `Metric` line declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricInfo {
    /// Its kind (`None` if undeclared or unknown).
    pub kind: Option<MetricKind>,
    /// What its values are (`time`, `data`, `default`).
    pub contains: String,
}

/// Aggregates of a k6 `--out json` stream.
///
/// ```
/// use std::time::Duration;
/// use k6dsl::results::stream::{Aggregate, Config};
///
/// let line = |t: &str, v: f64| format!(
///     r#"{{"metric":"vus","type":"Point","data":{{"time":"2026-01-01T00:00:{t}Z","value":{v},"tags":null}}}}"#
/// );
/// let mut text = String::from(r#"{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default"},"metric":"vus"}"#);
/// for (t, v) in [("00.5", 1.0), ("00.9", 4.0), ("01.2", 2.0)] {
///     text.push('\n');
///     text.push_str(&line(t, v));
/// }
/// let config = Config::default().bucket(Duration::from_secs(1));
/// let aggregate = Aggregate::from_reader(text.as_bytes(), config)?;
/// let per_second: Vec<_> = aggregate.series().iter().map(|s| (s.stats.last(), s.stats.max())).collect();
/// assert_eq!(per_second, [(Some(4.0), Some(4.0)), (Some(2.0), Some(2.0))]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Aggregate {
    config: Config,
    metrics: BTreeMap<String, MetricInfo>,
    index: HashMap<String, usize, BuildHasherDefault<FxHasher>>,
    series: Vec<Series>,
    key: String,
    points: u64,
    lines: u64,
    other_lines: u64,
    invalid_lines: u64,
    warnings: Vec<Warning>,
    first_ns: Option<i64>,
    last_ns: Option<i64>,
}

impl Aggregate {
    /// An empty aggregate.
    ///
    /// ```
    /// let a = k6dsl::results::stream::Aggregate::new(k6dsl::results::stream::Config::default());
    /// assert_eq!(a.points(), 0);
    /// ```
    pub fn new(config: Config) -> Aggregate {
        Aggregate {
            config,
            metrics: BTreeMap::new(),
            index: HashMap::default(),
            series: Vec::new(),
            key: String::new(),
            points: 0,
            lines: 0,
            other_lines: 0,
            invalid_lines: 0,
            warnings: Vec::new(),
            first_ns: None,
            last_ns: None,
        }
    }

    /// Reads all of `reader` and aggregates it (see the [module](self) example).
    pub fn from_reader<R: BufRead>(reader: R, config: Config) -> io::Result<Aggregate> {
        let mut aggregate = Aggregate::new(config);
        aggregate.read(reader)?;
        Ok(aggregate)
    }

    /// Reads all of `reader` into this aggregate; malformed lines become warnings.
    ///
    /// ```
    /// let mut a = k6dsl::results::stream::Aggregate::new(Default::default());
    /// a.read(&b"{\"type\":\"Future\"}\n\ngarbage"[..])?;
    /// assert_eq!((a.lines(), a.other_lines(), a.invalid_lines()), (3, 1, 1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn read<R: BufRead>(&mut self, reader: R) -> io::Result<()> {
        let mut reader = Reader::new(reader);
        let line_base = self.lines;
        while let Some(event) = reader.next_event()? {
            self.add_event(&event);
        }
        self.lines = line_base + reader.lines();
        for mut warning in reader.take_warnings() {
            warning.line += line_base;
            self.warnings.push(warning);
        }
        Ok(())
    }

    /// Adds one event (for callers driving a [`Reader`] themselves). Lines are
    /// counted by [`Aggregate::read`] only.
    ///
    /// ```
    /// use k6dsl::results::stream::{Aggregate, Reader};
    ///
    /// let mut aggregate = Aggregate::new(Default::default());
    /// let mut reader = Reader::new(&br#"{"type":"Point","metric":"x","data":{"time":"2026-01-01T00:00:00Z","value":2,"tags":{}}}"#[..]);
    /// while let Some(event) = reader.next_event()? {
    ///     aggregate.add_event(&event);
    /// }
    /// assert_eq!(aggregate.total("x").unwrap().sum(), 2.0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn add_event(&mut self, event: &Event<'_>) {
        match event {
            Event::Metric(decl) => {
                if !self.metrics.contains_key(&*decl.name) {
                    self.metrics.insert(
                        decl.name.to_string(),
                        MetricInfo {
                            kind: decl.kind,
                            contains: decl.contains.to_string(),
                        },
                    );
                    if self.series.iter().any(|s| s.metric == decl.name) {
                        self.settle_kinds();
                    }
                }
            }
            Event::Point(point) => self.add_point(point),
            Event::Other(_) => self.other_lines += 1,
            Event::Blank => {}
            Event::Invalid => self.invalid_lines += 1,
        }
    }

    fn bucket_of(&self, time_ns: i64) -> Option<i64> {
        let width = self.config.bucket?.as_nanos().min(i64::MAX as u128) as i64;
        Some(time_ns.div_euclid(width) * width)
    }

    fn add_point(&mut self, point: &Point<'_>) {
        self.points += 1;
        self.first_ns = Some(
            self.first_ns
                .map_or(point.time_ns, |t| t.min(point.time_ns)),
        );
        self.last_ns = Some(self.last_ns.map_or(point.time_ns, |t| t.max(point.time_ns)));
        let bucket = self.bucket_of(point.time_ns);
        // The lookup key: metric, kept tags and bucket joined by separators that k6
        // names and values do not contain; built in a reused buffer.
        self.key.clear();
        self.key.push_str(&point.metric);
        for (k, v) in point.tags.iter() {
            if self.config.tag_keys.keeps(k) {
                self.key.push('\u{1f}');
                self.key.push_str(k);
                self.key.push('\u{1e}');
                self.key.push_str(v);
            }
        }
        if let Some(b) = bucket {
            let _ = write!(self.key, "\u{1d}{b}");
        }
        let i = match self.index.get(self.key.as_str()) {
            Some(&i) => i,
            None => {
                let kind = self.metrics.get(&*point.metric).and_then(|m| m.kind);
                let tags = point
                    .tags
                    .iter()
                    .filter(|(k, _)| self.config.tag_keys.keeps(k))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect();
                self.series.push(Series {
                    metric: point.metric.to_string(),
                    tags,
                    bucket_start_ns: bucket,
                    stats: Stats::new(kind, self.config.relative_accuracy),
                });
                self.index.insert(self.key.clone(), self.series.len() - 1);
                self.series.len() - 1
            }
        };
        self.series[i].stats.add(point.time_ns, point.value);
    }

    /// Adds `other` (another instance's part of a distributed run, or another
    /// file's): the result is what aggregating both inputs together gives, when
    /// both used the same [`Config`].
    ///
    /// ```
    /// use k6dsl::results::stream::Aggregate;
    ///
    /// let point = |v: u32| format!(r#"{{"type":"Point","metric":"t","data":{{"time":"2026-01-01T00:00:00Z","value":{v},"tags":{{}}}}}}"#);
    /// let mut a = Aggregate::from_reader(point(1).as_bytes(), Default::default())?;
    /// let b = Aggregate::from_reader(point(3).as_bytes(), Default::default())?;
    /// a.merge(&b);
    /// assert_eq!(a.total("t").unwrap().mean(), Some(2.0));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn merge(&mut self, other: &Aggregate) {
        for (name, info) in &other.metrics {
            self.metrics
                .entry(name.clone())
                .or_insert_with(|| info.clone());
        }
        for (key, &j) in &other.index {
            let theirs = &other.series[j];
            match self.index.get(key) {
                Some(&i) => self.series[i].stats.merge(&theirs.stats),
                None => {
                    self.series.push(theirs.clone());
                    self.index.insert(key.clone(), self.series.len() - 1);
                }
            }
        }
        self.settle_kinds();
        self.points += other.points;
        self.lines += other.lines;
        self.other_lines += other.other_lines;
        self.invalid_lines += other.invalid_lines;
        self.warnings.extend(other.warnings.iter().cloned());
        self.first_ns = match (self.first_ns, other.first_ns) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_ns = match (self.last_ns, other.last_ns) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Drops the histograms of series whose metric turned out not to be a Trend
    /// (points read before their metric's declaration, in a file split in parts).
    fn settle_kinds(&mut self) {
        for series in &mut self.series {
            let kind = self.metrics.get(&series.metric).and_then(|m| m.kind);
            if kind.is_some_and(|k| k != MetricKind::Trend) {
                series.stats.histogram = None;
            }
        }
    }

    /// Every series, in order of first appearance.
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// A metric's declaration.
    pub fn metric(&self, name: &str) -> Option<&MetricInfo> {
        self.metrics.get(name)
    }

    /// The declared metrics by name.
    pub fn metrics(&self) -> impl Iterator<Item = (&str, &MetricInfo)> {
        self.metrics.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// All of a metric's samples merged, over tag sets and buckets; `None` if it
    /// has none.
    ///
    /// ```
    /// use k6dsl::results::stream::Aggregate;
    ///
    /// let text = r#"{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default"},"metric":"http_reqs"}
    /// {"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":1,"tags":{"name":"a"}}}
    /// {"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:01Z","value":1,"tags":{"name":"b"}}}
    /// "#;
    /// let aggregate = Aggregate::from_reader(text.as_bytes(), Default::default())?;
    /// assert_eq!(aggregate.series().len(), 2);
    /// assert_eq!(aggregate.total("http_reqs").unwrap().sum(), 2.0);
    /// assert!(aggregate.total("iterations").is_none());
    /// assert_eq!(aggregate.metric("http_reqs").unwrap().kind, Some(k6dsl::results::stream::MetricKind::Counter));
    /// assert_eq!(aggregate.time_range_ns(), Some((1_767_225_600_000_000_000, 1_767_225_601_000_000_000)));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn total(&self, metric: &str) -> Option<Stats> {
        self.total_where(metric, &[])
    }

    /// A metric's samples whose tags include all of `tags`, merged over buckets: the
    /// sub-metric `http_req_duration{expected_response:true}` is
    /// `total_where("http_req_duration", &[("expected_response", "true")])`. The tag
    /// keys must be among [`Config::tag_keys`].
    ///
    /// ```
    /// use k6dsl::results::stream::Aggregate;
    ///
    /// let text = r#"{"type":"Metric","data":{"name":"d","type":"trend","contains":"time"},"metric":"d"}
    /// {"metric":"d","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":100,"tags":{"name":"login","status":"200"}}}
    /// {"metric":"d","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":300,"tags":{"name":"login","status":"500"}}}
    /// {"metric":"d","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":5,"tags":{"name":"home","status":"200"}}}
    /// "#;
    /// let aggregate = Aggregate::from_reader(text.as_bytes(), Default::default())?;
    /// let login = aggregate.total_where("d", &[("name", "login")]).unwrap();
    /// assert_eq!((login.count(), login.max()), (2, Some(300.0)));
    /// let ok_login = aggregate.total_where("d", &[("name", "login"), ("status", "200")]).unwrap();
    /// assert_eq!(ok_login.quantile(0.95), Some(100.0));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn total_where(&self, metric: &str, tags: &[(&str, &str)]) -> Option<Stats> {
        let mut total: Option<Stats> = None;
        for series in self.series.iter().filter(|s| s.metric == metric) {
            let matches = tags
                .iter()
                .all(|(k, v)| series.tags.iter().any(|(sk, sv)| sk == k && sv == v));
            if matches {
                match &mut total {
                    Some(t) => t.merge(&series.stats),
                    None => total = Some(series.stats.clone()),
                }
            }
        }
        total
    }

    /// How many samples were aggregated.
    pub fn points(&self) -> u64 {
        self.points
    }

    /// How many lines were read.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// How many lines had a type other than `Metric` and `Point`.
    pub fn other_lines(&self) -> u64 {
        self.other_lines
    }

    /// How many lines were skipped as malformed.
    pub fn invalid_lines(&self) -> u64 {
        self.invalid_lines
    }

    /// The warnings about skipped lines (at most 100 per input read).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The earliest and latest sample times, in nanoseconds since the Unix epoch.
    pub fn time_range_ns(&self) -> Option<(i64, i64)> {
        Some((self.first_ns?, self.last_ns?))
    }
}
