//! Comparing a run with a stored baseline, or with a series of past runs: per metric,
//! per endpoint, per statistic, with direction-aware tolerances.
//!
//! A [`Baseline`] holds the statistics worth comparing of one run (trends: `avg`,
//! `med`, `p(90)`, `p(95)`, `p(99)`, `max`; counters: `count` and `rate`; rates:
//! `rate`; gauges: `value`), keyed by metric key, sub-metrics included
//! (`http_req_duration{endpoint:login}`). It is captured from a
//! [`RunResult`](crate::run::RunResult), saved as JSON and loaded back; k6's own
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

mod baseline;
mod comparison;
mod series;
mod tolerance;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use baseline::{Baseline, CompareError, MetricStats, BASELINE_FORMAT};
pub use comparison::{Comparison, Entry, Spread, Status};
pub use series::Series;
pub use tolerance::{Direction, Tolerance, Tolerances};

/// A statistic of a metric that baselines keep and comparisons judge. Serialised by
/// its k6 name (`"p(95)"`).
///
/// ```
/// use k6dsl::results::compare::Stat;
/// assert_eq!(Stat::P95.k6_name(), "p(95)");
/// assert_eq!(Stat::from_k6_name("med"), Some(Stat::Med));
/// assert_eq!(Stat::from_k6_name("p(99.9)"), None);
/// ```
// A subset of the threshold statistics (`model::Stat`, from k6dsl-facts), as an
// enum of its own: baselines need `Eq`, `Ord` and `Hash` (map keys), which a
// percentile's f64 cannot give. Its names are `model::Stat`'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Stat {
    /// Trend: mean.
    Avg,
    /// Trend: median.
    Med,
    /// Trend: 90th percentile.
    P90,
    /// Trend: 95th percentile.
    P95,
    /// Trend: 99th percentile.
    P99,
    /// Trend: maximum.
    Max,
    /// Counter: total.
    Count,
    /// Counter: per second; Rate: share of non-zero samples.
    Rate,
    /// Gauge: last value.
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

    /// Every statistic a baseline keeps.
    const ALL: [Stat; 9] = [
        Stat::Avg,
        Stat::Med,
        Stat::P90,
        Stat::P95,
        Stat::P99,
        Stat::Max,
        Stat::Count,
        Stat::Rate,
        Stat::Value,
    ];

    /// The threshold statistic it is.
    ///
    /// ```
    /// use k6dsl::results::compare::Stat;
    /// assert_eq!(Stat::P90.stat(), k6dsl::model::Stat::Percentile(90.0));
    /// ```
    pub fn stat(self) -> crate::model::Stat {
        use crate::model::Stat as K6;
        match self {
            Stat::Avg => K6::Avg,
            Stat::Med => K6::Med,
            Stat::P90 => K6::Percentile(90.0),
            Stat::P95 => K6::Percentile(95.0),
            Stat::P99 => K6::Percentile(99.0),
            Stat::Max => K6::Max,
            Stat::Count => K6::Count,
            Stat::Rate => K6::Rate,
            Stat::Value => K6::Value,
        }
    }

    /// The name k6 gives it in summaries and thresholds.
    ///
    /// ```
    /// assert_eq!(k6dsl::results::compare::Stat::Rate.k6_name(), "rate");
    /// ```
    pub fn k6_name(self) -> String {
        self.stat().k6_name()
    }

    /// The statistic k6 calls `name`, if a baseline keeps it.
    ///
    /// ```
    /// use k6dsl::results::compare::Stat;
    /// assert_eq!(Stat::from_k6_name("p(90)"), Some(Stat::P90));
    /// ```
    pub fn from_k6_name(name: &str) -> Option<Stat> {
        let stat = crate::model::Stat::parse(name)?;
        Stat::ALL.into_iter().find(|s| s.stat() == stat)
    }
}

impl From<Stat> for String {
    fn from(stat: Stat) -> String {
        stat.k6_name()
    }
}

impl TryFrom<String> for Stat {
    type Error = String;

    fn try_from(name: String) -> Result<Stat, String> {
        Stat::from_k6_name(&name).ok_or_else(|| {
            let known: Vec<String> = Stat::ALL.iter().map(|s| format!("`{s}`")).collect();
            format!(
                "unknown statistic `{name}`, expected one of {}",
                known.join(", ")
            )
        })
    }
}

impl fmt::Display for Stat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.k6_name())
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
}
