//! Metrics: the four kinds, the statistics a threshold may take on each, threshold
//! operators, k6's built-in metrics, and the rule for custom metric names.
//!
//! ```
//! use k6dsl_facts::metric::{builtin, Comparison, MetricKind, Stat};
//!
//! let duration = builtin("http_req_duration").unwrap();
//! assert_eq!((duration.kind, duration.time), (MetricKind::Trend, true));
//! assert_eq!(Stat::parse("p(95)"), Some(Stat::Percentile(95.0)));
//! assert!(Stat::Percentile(95.0).applies_to(MetricKind::Trend));
//! assert_eq!(Comparison::from_symbol("<="), Some(Comparison::Le));
//! ```

use std::fmt;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// The four kinds of k6 metric (`k6/metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MetricKind {
    /// Statistics over values: avg, min, max, med, percentiles.
    Trend,
    /// A running sum: count and rate per second.
    Counter,
    /// The share of non-zero values.
    Rate,
    /// The last value, with min and max.
    Gauge,
}

impl MetricKind {
    /// Every kind.
    pub const ALL: [MetricKind; 4] = [
        MetricKind::Trend,
        MetricKind::Counter,
        MetricKind::Rate,
        MetricKind::Gauge,
    ];

    /// The constructor's name in `k6/metrics` (`Trend`), also how people name
    /// the kind.
    ///
    /// ```
    /// assert_eq!(k6dsl_facts::metric::MetricKind::Counter.js_class(), "Counter");
    /// ```
    pub fn js_class(self) -> &'static str {
        match self {
            MetricKind::Trend => "Trend",
            MetricKind::Counter => "Counter",
            MetricKind::Rate => "Rate",
            MetricKind::Gauge => "Gauge",
        }
    }

    /// How k6 writes the kind in its outputs (`"trend"` in `--out json` and in
    /// `handleSummary` data).
    ///
    /// ```
    /// use k6dsl_facts::metric::MetricKind;
    /// assert_eq!(MetricKind::Rate.k6_name(), "rate");
    /// assert_eq!(MetricKind::from_k6_name("gauge"), Some(MetricKind::Gauge));
    /// assert_eq!(MetricKind::from_k6_name("histogram"), None);
    /// ```
    pub fn k6_name(self) -> &'static str {
        match self {
            MetricKind::Trend => "trend",
            MetricKind::Counter => "counter",
            MetricKind::Rate => "rate",
            MetricKind::Gauge => "gauge",
        }
    }

    /// The kind k6 names `name` in its outputs.
    pub fn from_k6_name(name: &str) -> Option<MetricKind> {
        MetricKind::ALL
            .into_iter()
            .find(|kind| kind.k6_name() == name)
    }

    /// The threshold statistics k6 allows on this kind, as written (`p(N)` for
    /// percentiles).
    ///
    /// ```
    /// use k6dsl_facts::metric::MetricKind;
    /// assert_eq!(MetricKind::Trend.stat_names(), ["avg", "min", "max", "med", "p(N)"]);
    /// assert_eq!(MetricKind::Counter.stat_names(), ["count", "rate"]);
    /// ```
    pub fn stat_names(self) -> &'static [&'static str] {
        match self {
            MetricKind::Trend => &["avg", "min", "max", "med", "p(N)"],
            MetricKind::Counter => &["count", "rate"],
            MetricKind::Rate => &["rate"],
            MetricKind::Gauge => &["value"],
        }
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.js_class())
    }
}

/// Which statistics each kind allows, in one line for messages:
/// `Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value`.
///
/// ```
/// assert!(k6dsl_facts::metric::stats_by_kind().starts_with("Trend → avg, min"));
/// ```
pub fn stats_by_kind() -> String {
    MetricKind::ALL
        .iter()
        .map(|kind| format!("{kind} → {}", kind.stat_names().join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The aggregation a threshold compares (the left side of `p(95)<500`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Stat {
    /// Trend: mean.
    Avg,
    /// Trend: minimum.
    Min,
    /// Trend: maximum.
    Max,
    /// Trend: median.
    Med,
    /// Trend: percentile in [0, 100].
    Percentile(f64),
    /// Counter: total.
    Count,
    /// Counter: per second; Rate: share of non-zero values.
    Rate,
    /// Gauge: last value.
    Value,
}

/// The statistic names a threshold starts with; `p` takes its percentile in
/// parentheses (`p(95)`).
pub const STAT_NAMES: &[&str] = &["avg", "min", "max", "med", "p", "count", "rate", "value"];

/// The percentiles k6 handles. k6 v1.1 accepts others in a threshold and then
/// panics mid-run (exit 109); v2.1 refuses them up front.
pub const PERCENTILES: std::ops::RangeInclusive<f64> = 0.0..=100.0;

/// k6's default `summaryTrendStats`.
pub const DEFAULT_SUMMARY_TREND_STATS: &[Stat] = &[
    Stat::Avg,
    Stat::Min,
    Stat::Med,
    Stat::Max,
    Stat::Percentile(90.0),
    Stat::Percentile(95.0),
];

impl Stat {
    /// The statistic named `name` (`avg`, `p`, ...) with `percentile` for `p`.
    ///
    /// ```
    /// use k6dsl_facts::metric::Stat;
    /// assert_eq!(Stat::from_name("med", None), Some(Stat::Med));
    /// assert_eq!(Stat::from_name("p", Some(99.9)), Some(Stat::Percentile(99.9)));
    /// assert_eq!(Stat::from_name("p", None), None);
    /// assert_eq!(Stat::from_name("mean", None), None);
    /// ```
    pub fn from_name(name: &str, percentile: Option<f64>) -> Option<Stat> {
        Some(match (name, percentile) {
            ("avg", None) => Stat::Avg,
            ("min", None) => Stat::Min,
            ("max", None) => Stat::Max,
            ("med", None) => Stat::Med,
            ("p", Some(p)) => Stat::Percentile(p),
            ("count", None) => Stat::Count,
            ("rate", None) => Stat::Rate,
            ("value", None) => Stat::Value,
            _ => return None,
        })
    }

    /// Reads k6's spelling: `avg`, `p(95)`, `p(99.9)` (spaces inside the
    /// parentheses allowed, as k6 allows them).
    ///
    /// ```
    /// use k6dsl_facts::metric::Stat;
    /// assert_eq!(Stat::parse("p( 90 )"), Some(Stat::Percentile(90.0)));
    /// assert_eq!(Stat::parse("rate"), Some(Stat::Rate));
    /// assert_eq!(Stat::parse("p95"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Stat> {
        match text.strip_prefix("p(").and_then(|t| t.strip_suffix(')')) {
            Some(number) => Some(Stat::Percentile(number.trim().parse().ok()?)),
            None => Stat::from_name(text, None),
        }
    }

    /// The name without its percentile: `p` for every percentile.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Avg => "avg",
            Stat::Min => "min",
            Stat::Max => "max",
            Stat::Med => "med",
            Stat::Percentile(_) => "p",
            Stat::Count => "count",
            Stat::Rate => "rate",
            Stat::Value => "value",
        }
    }

    /// k6's spelling: `avg`, `p(99.9)`, `p(95)`.
    ///
    /// ```
    /// use k6dsl_facts::metric::Stat;
    /// assert_eq!(Stat::Percentile(95.0).k6_name(), "p(95)");
    /// assert_eq!(Stat::Percentile(99.9).k6_name(), "p(99.9)");
    /// assert_eq!(Stat::Count.k6_name(), "count");
    /// ```
    pub fn k6_name(self) -> String {
        match self {
            Stat::Percentile(p) => format!("p({})", plain_number(p)),
            other => other.name().to_owned(),
        }
    }

    /// Whether k6 allows this statistic in a threshold on a metric of `kind`.
    ///
    /// ```
    /// use k6dsl_facts::metric::{MetricKind, Stat};
    /// assert!(Stat::Rate.applies_to(MetricKind::Counter));
    /// assert!(Stat::Rate.applies_to(MetricKind::Rate));
    /// assert!(!Stat::Count.applies_to(MetricKind::Trend));
    /// ```
    pub fn applies_to(self, kind: MetricKind) -> bool {
        matches!(
            (self, kind),
            (
                Stat::Avg | Stat::Min | Stat::Max | Stat::Med | Stat::Percentile(_),
                MetricKind::Trend
            ) | (Stat::Count | Stat::Rate, MetricKind::Counter)
                | (Stat::Rate, MetricKind::Rate)
                | (Stat::Value, MetricKind::Gauge)
        )
    }

    /// Whether `summaryTrendStats` may list it: avg, min, med, max, count and
    /// p(N) with N in [0, 100] (k6 refuses the rest, exit 255).
    ///
    /// ```
    /// use k6dsl_facts::metric::Stat;
    /// assert!(Stat::Count.in_summary_trend_stats());
    /// assert!(!Stat::Rate.in_summary_trend_stats());
    /// assert!(!Stat::Percentile(101.0).in_summary_trend_stats());
    /// ```
    pub fn in_summary_trend_stats(self) -> bool {
        match self {
            Stat::Avg | Stat::Min | Stat::Med | Stat::Max | Stat::Count => true,
            Stat::Percentile(p) => PERCENTILES.contains(&p),
            Stat::Rate | Stat::Value => false,
        }
    }
}

impl fmt::Display for Stat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.k6_name())
    }
}

/// A finite number as a plain decimal, never in exponent form (`0.01`, `500`), as
/// both k6's threshold parser and JavaScript read it. Negative zero is `0`.
///
/// ```
/// use k6dsl_facts::metric::plain_number;
/// assert_eq!(plain_number(500.0), "500");
/// assert_eq!(plain_number(0.01), "0.01");
/// assert_eq!(plain_number(-0.0), "0");
/// assert_eq!(plain_number(1e21), "1000000000000000000000");
/// ```
pub fn plain_number(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    format!("{value}")
}

/// Threshold operators, as k6 spells them (`METHOD OP NUMBER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Comparison {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `===`
    Eq,
    /// `==` (k6 evaluates it as `===`)
    LooseEq,
    /// `!=`
    Ne,
}

impl Comparison {
    /// Every operator.
    pub const ALL: [Comparison; 7] = [
        Comparison::Lt,
        Comparison::Le,
        Comparison::Gt,
        Comparison::Ge,
        Comparison::Eq,
        Comparison::LooseEq,
        Comparison::Ne,
    ];

    /// Every operator in the order k6's threshold parser tries them
    /// (`thresholds_parser.go`): a longer token before a shorter one it starts
    /// with, so that `p(95)<=200` splits at `<=`.
    pub const PARSE_ORDER: [Comparison; 7] = [
        Comparison::Le,
        Comparison::Lt,
        Comparison::Ge,
        Comparison::Gt,
        Comparison::Eq,
        Comparison::LooseEq,
        Comparison::Ne,
    ];

    /// The operator's text.
    ///
    /// ```
    /// assert_eq!(k6dsl_facts::metric::Comparison::Eq.symbol(), "===");
    /// ```
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
            Comparison::Eq => "===",
            Comparison::LooseEq => "==",
            Comparison::Ne => "!=",
        }
    }

    /// The operator written `symbol`.
    pub fn from_symbol(symbol: &str) -> Option<Comparison> {
        Comparison::ALL.into_iter().find(|c| c.symbol() == symbol)
    }
}

/// One of k6's built-in metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    /// Its name (`http_req_duration`).
    pub name: &'static str,
    /// Its kind.
    pub kind: MetricKind,
    /// Whether its values are times (k6's `isTime`), in milliseconds.
    pub time: bool,
}

const fn metric(name: &'static str, kind: MetricKind, time: bool) -> Builtin {
    Builtin { name, kind, time }
}

/// k6's built-in metrics (k6 v1.1.0 `metrics/builtin.go`, plus the `k6/ws` and
/// `k6/net/grpc` ones), Gauges, Counters, Rates, then Trends.
pub const BUILTIN_METRICS: &[Builtin] = &[
    metric("vus", MetricKind::Gauge, false),
    metric("vus_max", MetricKind::Gauge, false),
    metric("iterations", MetricKind::Counter, false),
    metric("dropped_iterations", MetricKind::Counter, false),
    metric("http_reqs", MetricKind::Counter, false),
    metric("data_sent", MetricKind::Counter, false),
    metric("data_received", MetricKind::Counter, false),
    metric("ws_sessions", MetricKind::Counter, false),
    metric("ws_msgs_sent", MetricKind::Counter, false),
    metric("ws_msgs_received", MetricKind::Counter, false),
    metric("checks", MetricKind::Rate, false),
    metric("http_req_failed", MetricKind::Rate, false),
    metric("iteration_duration", MetricKind::Trend, true),
    metric("group_duration", MetricKind::Trend, true),
    metric("http_req_duration", MetricKind::Trend, true),
    metric("http_req_blocked", MetricKind::Trend, true),
    metric("http_req_connecting", MetricKind::Trend, true),
    metric("http_req_tls_handshaking", MetricKind::Trend, true),
    metric("http_req_sending", MetricKind::Trend, true),
    metric("http_req_waiting", MetricKind::Trend, true),
    metric("http_req_receiving", MetricKind::Trend, true),
    metric("ws_ping", MetricKind::Trend, true),
    metric("ws_session_duration", MetricKind::Trend, true),
    metric("ws_connecting", MetricKind::Trend, true),
    metric("grpc_req_duration", MetricKind::Trend, true),
];

/// The built-in metric of this name.
///
/// ```
/// use k6dsl_facts::metric::{builtin, MetricKind};
/// assert_eq!(builtin("vus").map(|m| m.kind), Some(MetricKind::Gauge));
/// assert_eq!(builtin("login_duration"), None);
/// ```
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTIN_METRICS.iter().find(|metric| metric.name == name)
}

/// Whether `name` is one k6 accepts for a custom metric:
/// `^[a-zA-Z_][a-zA-Z0-9_]{1,128}$` (2 to 129 characters). A bad name is a
/// JavaScript exception in init code (exit 107).
///
/// ```
/// use k6dsl_facts::metric::is_valid_metric_name;
/// assert!(is_valid_metric_name("login_duration"));
/// assert!(!is_valid_metric_name("x"));
/// assert!(!is_valid_metric_name("bad-name"));
/// ```
pub fn is_valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && (2..=129).contains(&name.len())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` may name a tag: k6 has no rule but crashes on the empty name.
///
/// ```
/// assert!(k6dsl_facts::metric::is_valid_tag_name("endpoint"));
/// assert!(!k6dsl_facts::metric::is_valid_tag_name(""));
/// ```
pub fn is_valid_tag_name(name: &str) -> bool {
    !name.is_empty()
}

/// What k6 puts between nested group names in the `group` tag and in
/// `group_duration` selectors (`::Outer::Inner`; the root group is `""`). A group
/// name that contains it would read as two groups.
pub const GROUP_PATH_SEPARATOR: &str = "::";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_allows_exactly_its_statistics() {
        let all = [
            Stat::Avg,
            Stat::Min,
            Stat::Max,
            Stat::Med,
            Stat::Percentile(95.0),
            Stat::Count,
            Stat::Rate,
            Stat::Value,
        ];
        for kind in MetricKind::ALL {
            let allowed: Vec<String> = all
                .iter()
                .filter(|stat| stat.applies_to(kind))
                .map(|stat| stat.k6_name().replace("p(95)", "p(N)"))
                .collect();
            assert_eq!(allowed, kind.stat_names(), "{kind}");
        }
    }

    #[test]
    fn every_statistic_name_reads_back() {
        for name in STAT_NAMES {
            let percentile = (*name == "p").then_some(50.0);
            let stat = Stat::from_name(name, percentile).unwrap();
            assert_eq!(stat.name(), *name);
            assert_eq!(Stat::parse(&stat.k6_name()), Some(stat));
        }
    }

    #[test]
    fn every_operator_reads_back() {
        for op in Comparison::ALL {
            assert_eq!(Comparison::from_symbol(op.symbol()), Some(op));
        }
        assert_eq!(Comparison::from_symbol("=>"), None);
    }

    #[test]
    fn built_in_names_are_unique_and_follow_the_metric_name_rule() {
        for (i, metric) in BUILTIN_METRICS.iter().enumerate() {
            assert!(is_valid_metric_name(metric.name), "{}", metric.name);
            assert!(
                BUILTIN_METRICS[..i].iter().all(|m| m.name != metric.name),
                "{} twice",
                metric.name
            );
            // k6: only Trends are time-valued among the built-ins.
            assert_eq!(metric.time, metric.kind == MetricKind::Trend);
        }
    }

    #[test]
    fn metric_names_follow_k6s_pattern() {
        assert!(is_valid_metric_name("_x"));
        assert!(!is_valid_metric_name("1x"));
        assert!(!is_valid_metric_name(&"a".repeat(130)));
        assert!(is_valid_metric_name(&"a".repeat(129)));
    }
}
