//! Metrics, typed by kind, and the thresholds on them.
//!
//! A metric's kind is part of its type ([`Trend`], [`Counter`], [`Rate`], [`Gauge`]),
//! so a threshold method the kind does not have does not compile:
//!
//! ```
//! use k6dsl::metric::{builtin::{HTTP_REQ_DURATION, HTTP_REQ_FAILED}, Trend};
//!
//! let login = Trend::time("login_duration");
//! let _ = HTTP_REQ_DURATION.p(95).lt(500);
//! let _ = HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800);
//! let _ = HTTP_REQ_FAILED.rate().lt(0.01);
//! let _ = login.avg().lt(200).abort_on_fail();
//! ```
//!
//! ```compile_fail
//! use k6dsl::metric::builtin::HTTP_REQS;
//! let _ = HTTP_REQS.avg().lt(1); // a Counter has no average
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::time::Duration;

use crate::dsl::scenario::Scenario;
use crate::model::{self, Comparison, MetricKind, Stat};

/// Kind markers: the type parameter of [`Metric`].
pub mod kind {
    use crate::model::MetricKind;

    /// Marks a metric kind at the type level.
    pub trait Kind: sealed::Sealed {
        /// The kind as a value.
        const KIND: MetricKind;
    }

    /// A Trend: avg, min, max, med and percentiles.
    #[derive(Debug, Clone, Copy)]
    pub struct Trend;
    /// A Counter: count and rate.
    #[derive(Debug, Clone, Copy)]
    pub struct Counter;
    /// A Rate: the share of non-zero values.
    #[derive(Debug, Clone, Copy)]
    pub struct Rate;
    /// A Gauge: the last value.
    #[derive(Debug, Clone, Copy)]
    pub struct Gauge;

    impl Kind for Trend {
        const KIND: MetricKind = MetricKind::Trend;
    }
    impl Kind for Counter {
        const KIND: MetricKind = MetricKind::Counter;
    }
    impl Kind for Rate {
        const KIND: MetricKind = MetricKind::Rate;
    }
    impl Kind for Gauge {
        const KIND: MetricKind = MetricKind::Gauge;
    }

    /// Kinds with Trend statistics.
    #[diagnostic::on_unimplemented(
        message = "avg, min, max, med and p(N) thresholds apply only to Trend metrics",
        label = "this metric is not a Trend",
        note = "k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value"
    )]
    pub trait HasTrendStats: Kind {}
    impl HasTrendStats for Trend {}

    /// Kinds with `count`.
    #[diagnostic::on_unimplemented(
        message = "`count` thresholds apply only to Counter metrics",
        label = "this metric is not a Counter",
        note = "k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value"
    )]
    pub trait HasCount: Kind {}
    impl HasCount for Counter {}

    /// Kinds with `rate`.
    #[diagnostic::on_unimplemented(
        message = "`rate` thresholds apply only to Counter and Rate metrics",
        label = "this metric is neither a Counter nor a Rate",
        note = "k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value"
    )]
    pub trait HasRate: Kind {}
    impl HasRate for Counter {}
    impl HasRate for Rate {}

    /// Kinds with `value`.
    #[diagnostic::on_unimplemented(
        message = "`value` thresholds apply only to Gauge metrics",
        label = "this metric is not a Gauge",
        note = "k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value"
    )]
    pub trait HasValue: Kind {}
    impl HasValue for Gauge {}

    mod sealed {
        pub trait Sealed {}
        impl Sealed for super::Trend {}
        impl Sealed for super::Counter {}
        impl Sealed for super::Rate {}
        impl Sealed for super::Gauge {}
    }
}

/// A k6 metric of kind `K`, optionally narrowed to a sub-metric by tags.
///
/// Built-in metrics are constants in [`builtin`]; custom ones are made with
/// [`Trend::new`], [`Trend::time`], [`Counter::new`], [`Rate::new`], [`Gauge::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct Metric<K> {
    name: Cow<'static, str>,
    time: bool,
    builtin: bool,
    selector: BTreeMap<String, String>,
    kind: PhantomData<K>,
}

/// A Trend metric.
pub type Trend = Metric<kind::Trend>;
/// A Counter metric.
pub type Counter = Metric<kind::Counter>;
/// A Rate metric.
pub type Rate = Metric<kind::Rate>;
/// A Gauge metric.
pub type Gauge = Metric<kind::Gauge>;

impl<K: kind::Kind> Metric<K> {
    /// k6's built-in metric `name`, as k6dsl-facts' table has it: a name not in the
    /// table, or of another kind than `K`, stops the build.
    const fn builtin(name: &'static str) -> Self {
        let facts = builtin_fact(name);
        assert!(
            facts.kind as u8 == K::KIND as u8,
            "a built-in metric's constant has another kind than k6dsl-facts gives it"
        );
        Metric {
            name: Cow::Borrowed(facts.name),
            time: facts.time,
            builtin: true,
            selector: BTreeMap::new(),
            kind: PhantomData,
        }
    }
}

/// The entry of k6dsl-facts' built-in metrics named `name`, at compile time.
const fn builtin_fact(name: &str) -> &'static k6dsl_facts::metric::Builtin {
    let table = k6dsl_facts::metric::BUILTIN_METRICS;
    let mut i = 0;
    while i < table.len() {
        let (a, b) = (table[i].name.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return &table[i];
            }
        }
        i += 1;
    }
    panic!("not one of k6's built-in metrics (k6dsl_facts::metric::BUILTIN_METRICS)")
}

impl<K> Metric<K> {
    fn custom(name: impl Into<Cow<'static, str>>, time: bool) -> Self {
        Metric {
            name: name.into(),
            time,
            builtin: false,
            selector: BTreeMap::new(),
            kind: PhantomData,
        }
    }
}

impl<K: kind::Kind> Metric<K> {
    /// The metric's k6 name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is one of k6's own metrics.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// Whether values are times.
    pub fn is_time(&self) -> bool {
        self.time
    }

    /// The tags narrowing this metric to a sub-metric.
    pub fn selector(&self) -> &BTreeMap<String, String> {
        &self.selector
    }

    /// The declaration of this metric, for custom metrics.
    pub fn declaration(&self) -> Option<model::MetricDecl> {
        (!self.builtin).then(|| model::MetricDecl {
            name: self.name.to_string(),
            kind: K::KIND,
            time: self.time,
        })
    }

    /// The sub-metric of samples tagged `key: value` (`http_req_duration{endpoint:login}`).
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.selector.insert(key.into(), value.into());
        self
    }

    /// The sub-metric of one scenario's samples (`{scenario:browse}`).
    #[must_use]
    pub fn for_scenario(self, scenario: &Scenario) -> Self {
        let name = scenario.name().to_owned();
        self.tag("scenario", name)
    }

    /// The sub-metric of one group's samples, by its path of group names from the
    /// outermost (`{group:::Checkout::Pay}`).
    #[must_use]
    pub fn for_group<S: AsRef<str>>(self, path: impl IntoIterator<Item = S>) -> Self {
        let path: String = path
            .into_iter()
            .map(|name| format!("::{}", name.as_ref()))
            .collect();
        self.tag("group", path)
    }

    fn stat(&self, stat: Stat) -> PendingThreshold {
        PendingThreshold {
            metric: self.name.to_string(),
            kind: K::KIND,
            decl: self.declaration(),
            selector: self.selector.clone(),
            stat,
        }
    }

    /// Trend: mean.
    pub fn avg(&self) -> PendingThreshold
    where
        K: kind::HasTrendStats,
    {
        self.stat(Stat::Avg)
    }

    /// Trend: minimum.
    pub fn min(&self) -> PendingThreshold
    where
        K: kind::HasTrendStats,
    {
        self.stat(Stat::Min)
    }

    /// Trend: maximum.
    pub fn max(&self) -> PendingThreshold
    where
        K: kind::HasTrendStats,
    {
        self.stat(Stat::Max)
    }

    /// Trend: median.
    pub fn med(&self) -> PendingThreshold
    where
        K: kind::HasTrendStats,
    {
        self.stat(Stat::Med)
    }

    /// Trend: the `percentile`th percentile, in [0, 100] (`p(95)`, `p(99.9)`).
    pub fn p(&self, percentile: impl Into<f64>) -> PendingThreshold
    where
        K: kind::HasTrendStats,
    {
        self.stat(Stat::Percentile(percentile.into()))
    }

    /// Counter: the total.
    pub fn count(&self) -> PendingThreshold
    where
        K: kind::HasCount,
    {
        self.stat(Stat::Count)
    }

    /// Counter: per second; Rate: the share of non-zero values, in [0, 1].
    pub fn rate(&self) -> PendingThreshold
    where
        K: kind::HasRate,
    {
        self.stat(Stat::Rate)
    }

    /// Gauge: the last value.
    pub fn value(&self) -> PendingThreshold
    where
        K: kind::HasValue,
    {
        self.stat(Stat::Value)
    }
}

impl Trend {
    /// A custom Trend of plain numbers: `new Trend(name)`.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Metric::custom(name, false)
    }

    /// A custom Trend of times in milliseconds: `new Trend(name, true)`.
    pub fn time(name: impl Into<Cow<'static, str>>) -> Self {
        Metric::custom(name, true)
    }
}

impl Counter {
    /// A custom Counter: `new Counter(name)`.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Metric::custom(name, false)
    }
}

impl Rate {
    /// A custom Rate: `new Rate(name)`.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Metric::custom(name, false)
    }
}

impl Gauge {
    /// A custom Gauge: `new Gauge(name)`.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Metric::custom(name, false)
    }
}

/// A statistic of a metric, waiting for its comparison (`p(95)` before `< 500`).
#[derive(Debug, Clone, PartialEq)]
#[must_use = "finish the threshold with a comparison such as .lt(500)"]
pub struct PendingThreshold {
    metric: String,
    kind: MetricKind,
    decl: Option<model::MetricDecl>,
    selector: BTreeMap<String, String>,
    stat: Stat,
}

impl PendingThreshold {
    fn compare(self, op: Comparison, bound: impl Into<f64>) -> Threshold {
        Threshold {
            decl: self.decl,
            ir: model::Threshold {
                metric: self.metric,
                kind: self.kind,
                selector: self.selector,
                stat: self.stat,
                op,
                bound: bound.into(),
                abort_on_fail: false,
                delay_abort_eval: None,
            },
        }
    }

    /// `stat < bound`
    pub fn lt(self, bound: impl Into<f64>) -> Threshold {
        self.compare(Comparison::Lt, bound)
    }

    /// `stat <= bound`
    pub fn le(self, bound: impl Into<f64>) -> Threshold {
        self.compare(Comparison::Le, bound)
    }

    /// `stat > bound`
    pub fn gt(self, bound: impl Into<f64>) -> Threshold {
        self.compare(Comparison::Gt, bound)
    }

    /// `stat >= bound`
    pub fn ge(self, bound: impl Into<f64>) -> Threshold {
        self.compare(Comparison::Ge, bound)
    }

    /// `stat === bound`
    pub fn eq(self, bound: impl Into<f64>) -> Threshold {
        self.compare(Comparison::Eq, bound)
    }

    /// `stat == bound` (k6 treats it as `===`; kept for scripts that spell it so).
    pub fn loose_eq(self, bound: impl Into<f64>) -> Threshold {
        self.compare(Comparison::LooseEq, bound)
    }

    /// `stat != bound`
    pub fn ne(self, bound: impl Into<f64>) -> Threshold {
        self.compare(Comparison::Ne, bound)
    }
}

/// A complete threshold, ready for [`crate::Script::threshold`].
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    decl: Option<model::MetricDecl>,
    ir: model::Threshold,
}

impl Threshold {
    /// Stops the test as soon as this threshold fails (exit code 99).
    #[must_use]
    pub fn abort_on_fail(mut self) -> Self {
        self.ir.abort_on_fail = true;
        self
    }

    /// With [`Threshold::abort_on_fail`]: do not abort before `delay` of test time, so
    /// that early noise cannot stop the test.
    #[must_use]
    pub fn delay_abort_eval(mut self, delay: Duration) -> Self {
        self.ir.delay_abort_eval = Some(delay);
        self
    }

    /// The model of this threshold.
    pub fn to_ir(&self) -> &model::Threshold {
        &self.ir
    }

    /// Narrowed to one scenario's samples, unless it already selects a scenario.
    pub(crate) fn for_scenario_named(mut self, scenario: &str) -> Self {
        self.ir
            .selector
            .entry("scenario".to_owned())
            .or_insert_with(|| scenario.to_owned());
        self
    }

    /// The custom metric it needs declared, if any.
    pub(crate) fn into_parts(self) -> (model::Threshold, Option<model::MetricDecl>) {
        (self.ir, self.decl)
    }
}

/// k6's built-in metrics, each typed by its kind.
pub mod builtin {
    use super::{Counter, Gauge, Metric, Rate, Trend};

    // Each constant names its entry in k6dsl-facts' table, which gives its kind
    // (checked against the type at compile time) and whether its values are times.
    macro_rules! builtins {
        ($($(#[$doc:meta])* $const:ident: $ty:ident = $name:literal;)*) => {
            $( $(#[$doc])* pub const $const: $ty = Metric::builtin($name); )*
        };
    }

    builtins! {
        /// Gauge `vus`: active VUs.
        VUS: Gauge = "vus";
        /// Gauge `vus_max`: allocated VUs.
        VUS_MAX: Gauge = "vus_max";
        /// Counter `iterations`.
        ITERATIONS: Counter = "iterations";
        /// Counter `dropped_iterations`: iterations an arrival-rate executor could not start.
        DROPPED_ITERATIONS: Counter = "dropped_iterations";
        /// Counter `http_reqs`.
        HTTP_REQS: Counter = "http_reqs";
        /// Counter `data_sent` (bytes).
        DATA_SENT: Counter = "data_sent";
        /// Counter `data_received` (bytes).
        DATA_RECEIVED: Counter = "data_received";
        /// Counter `ws_sessions`.
        WS_SESSIONS: Counter = "ws_sessions";
        /// Counter `ws_msgs_sent`.
        WS_MSGS_SENT: Counter = "ws_msgs_sent";
        /// Counter `ws_msgs_received`.
        WS_MSGS_RECEIVED: Counter = "ws_msgs_received";
        /// Rate `checks`: the share of passing checks.
        CHECKS: Rate = "checks";
        /// Rate `http_req_failed`: the share of failed requests.
        HTTP_REQ_FAILED: Rate = "http_req_failed";
        /// Trend `iteration_duration`.
        ITERATION_DURATION: Trend = "iteration_duration";
        /// Trend `group_duration`.
        GROUP_DURATION: Trend = "group_duration";
        /// Trend `http_req_duration`: sending + waiting + receiving.
        HTTP_REQ_DURATION: Trend = "http_req_duration";
        /// Trend `http_req_blocked`.
        HTTP_REQ_BLOCKED: Trend = "http_req_blocked";
        /// Trend `http_req_connecting`.
        HTTP_REQ_CONNECTING: Trend = "http_req_connecting";
        /// Trend `http_req_tls_handshaking`.
        HTTP_REQ_TLS_HANDSHAKING: Trend = "http_req_tls_handshaking";
        /// Trend `http_req_sending`.
        HTTP_REQ_SENDING: Trend = "http_req_sending";
        /// Trend `http_req_waiting`: time to first byte.
        HTTP_REQ_WAITING: Trend = "http_req_waiting";
        /// Trend `http_req_receiving`.
        HTTP_REQ_RECEIVING: Trend = "http_req_receiving";
        /// Trend `ws_ping`.
        WS_PING: Trend = "ws_ping";
        /// Trend `ws_session_duration`.
        WS_SESSION_DURATION: Trend = "ws_session_duration";
        /// Trend `ws_connecting`.
        WS_CONNECTING: Trend = "ws_connecting";
        /// Trend `grpc_req_duration`.
        GRPC_REQ_DURATION: Trend = "grpc_req_duration";
    }
}

#[cfg(test)]
mod facts_tests {
    /// `on_unimplemented` notes are literals (an attribute cannot call
    /// `stats_by_kind()`): each must say what k6dsl-facts says.
    #[test]
    fn the_kind_notes_are_the_facts() {
        let source = include_str!("metric.rs");
        let expected = format!("k6 allows: {}", k6dsl_facts::metric::stats_by_kind());
        let notes: Vec<&str> = source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("note = \""))
            .map(|note| note.trim_end_matches('"'))
            .collect();
        assert_eq!(notes.len(), 4);
        for note in notes {
            assert_eq!(note, expected);
        }
    }
}
