//! [`Tolerances`]: how far, and which way, each statistic may move.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::comparison::number;
use super::{split_key, Stat};
use crate::model::MetricKind;

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
    /// [`Status::Changed`](super::Status::Changed), never a regression.
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
/// [module documentation](super)), then rules added with the builder methods. A rule
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
    pub(super) missing_is_regression: bool,
}

impl Default for Tolerances {
    /// The defaults of the [module documentation](super).
    fn default() -> Self {
        Tolerances {
            tolerances: BTreeMap::new(),
            directions: BTreeMap::new(),
            missing_is_regression: false,
        }
    }
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
    /// [`Status::Missing`]: super::Status::Missing
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

    pub(super) fn resolve(
        &self,
        key: &str,
        kind: MetricKind,
        stat: Stat,
    ) -> (Tolerance, Direction) {
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
