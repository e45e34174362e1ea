//! The model: plain data describing one k6 test, the single truth between the front
//! ends (builders, `scenario!`, plan files) and the back ends (validation, codegen).
//!
//! It knows nothing of JavaScript. Everything is owned, ordered (`Vec`, `BTreeMap`)
//! and serialisable, so two equal models always generate the same script. Values here
//! are not yet checked: [`crate::validate`] does that, all errors at once.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

use crate::model::time::serde_go;

#[cfg(feature = "schema")]
pub(crate) mod duration_schema;
pub(crate) mod executor_serde;
pub mod files;
pub mod logic;
pub mod options;
pub mod split;
pub mod time;
pub mod vu;
mod walk;

/// One k6 test: its options, custom metrics and the functions its scenarios run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Script {
    /// `export const options`.
    #[serde(default)]
    pub options: Options,
    /// Custom metrics, declared in init code in this order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricDecl>,
    /// Named exported functions that scenarios execute (`exec`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
    /// `export default function`, which runs when no scenario names another
    /// function; empty when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_flow: Option<Flow>,
    /// Where relative request URLs point.
    #[serde(default)]
    pub base_url: BaseUrl,
    /// Data sets loaded in init code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<vu::DataSet>,
    /// Files multipart bodies send, opened in init code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uploads: Vec<vu::UploadFile>,
    /// setup, teardown and handleSummary.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub lifecycle: vu::Lifecycle,
    /// The statuses k6 counts as expected for every request that does not say
    /// otherwise (`http.setResponseCallback(http.expectedStatuses(...))` in init
    /// code); k6's own default is 200 to 399.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_statuses: Option<Vec<logic::ExpectedStatus>>,
    /// Extra imports for raw JavaScript statements and checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw_js_imports: Vec<logic::RawJsImport>,
    /// Whether a plan may hold raw JavaScript (raw steps, checks and imports): a
    /// plan file refuses it unless its author says so. Builders always may (their
    /// raw forms are named so); a plan made from a script that has some says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_raw_js: bool,
}

/// The base URL of relative request URLs: read from an environment variable at run
/// time, with a default (`const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BaseUrl {
    /// The environment variable.
    pub env: String,
    /// Used when it is unset.
    pub default: String,
}

impl Default for BaseUrl {
    fn default() -> Self {
        BaseUrl {
            env: "BASE_URL".into(),
            default: "http://127.0.0.1:3300".into(),
        }
    }
}

/// A function a scenario executes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// The exported JavaScript function name.
    pub name: String,
    /// What one iteration does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: vu::Block,
    /// Sleeps at the end of each iteration until it has lasted this long (pacing).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(
        default,
        with = "serde_go::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub pacing: Option<Duration>,
}

/// A custom metric created in init code: `new Trend("name", true)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MetricDecl {
    /// The k6 metric name.
    pub name: String,
    /// Trend, Counter, Rate or Gauge.
    pub kind: MetricKind,
    /// Whether values are times (k6's `isTime`), shown as durations in summaries.
    #[serde(default)]
    pub time: bool,
}

/// The `options` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// How VUs and iterations are scheduled.
    #[serde(default)]
    pub execution: Execution,
    /// Pass/fail criteria, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
    /// Every other top-level option.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub general: GeneralOptions,
}

/// Scenarios, or one of k6's top-level shortcuts, or neither (one VU, one iteration).
/// k6 rejects mixing them, so the model cannot hold both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Execution {
    /// k6's default: one VU runs `default` once.
    #[default]
    Default,
    /// A top-level shortcut (`vus` + `duration`, `vus` + `iterations`, `stages`).
    Shortcut(Shortcut),
    /// Named scenarios, in declaration order.
    Scenarios(Vec<Scenario>),
}

/// k6's top-level execution shortcuts. `vus` is always written beside them, because
/// `k6 inspect` does not apply the CLI default of one VU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Shortcut {
    /// `vus` VUs loop for `duration`.
    Duration {
        /// Concurrent VUs (> 0).
        vus: u32,
        /// How long (at least 1s: k6 runs it as a constant-vus scenario).
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        duration: Duration,
    },
    /// `iterations` shared by `vus` VUs, optionally within `duration` (k6's maxDuration).
    Iterations {
        /// Concurrent VUs (> 0).
        vus: u32,
        /// Total iterations (>= vus).
        iterations: u64,
        /// Upper bound on the run.
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
        )]
        #[serde(
            default,
            with = "serde_go::option",
            skip_serializing_if = "Option::is_none"
        )]
        duration: Option<Duration>,
    },
    /// Ramping VUs from `vus`.
    Stages {
        /// VUs at the start.
        vus: u32,
        /// The ramp.
        stages: Vec<Stage>,
    },
}

/// A step of a ramp: reach `target` over `duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// How long the step lasts.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::model::duration_schema::DurationSchema")
    )]
    #[serde(with = "serde_go")]
    pub duration: Duration,
    /// VUs (ramping-vus) or iterations per time unit (ramping-arrival-rate) at its end.
    pub target: u64,
}

/// A named scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Key in `options.scenarios`, matching `^[0-9a-zA-Z_-]+$`.
    pub name: String,
    /// The executor and its fields.
    // Read `type` first, field by field, so that an error inside keeps its field path
    // and position in plan files (derived internally tagged enums buffer and lose both).
    #[serde(deserialize_with = "crate::model::executor_serde::deserialize")]
    pub executor: Executor,
    /// When the scenario starts, from the start of the test.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(
        default,
        with = "serde_go::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<Duration>,
    /// How long running iterations may finish after the scenario ends.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(
        default,
        with = "serde_go::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub graceful_stop: Option<Duration>,
    /// The function to run: a [`Flow`] name, or `default` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<String>,
    /// Environment variables for this scenario's VUs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Tags on every metric this scenario emits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// The six k6 executors (and k6 v1's externally-controlled), each with its fields.
/// `None` means "k6's default".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Executor {
    /// A fixed number of iterations shared by the VUs.
    SharedIterations {
        /// VUs (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vus: Option<u32>,
        /// Total iterations (default 1; >= vus).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        iterations: Option<u64>,
        /// Hard stop (default 10m).
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
        )]
        #[serde(
            default,
            with = "serde_go::option",
            skip_serializing_if = "Option::is_none"
        )]
        max_duration: Option<Duration>,
    },
    /// Each VU runs a fixed number of iterations.
    PerVuIterations {
        /// VUs (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vus: Option<u32>,
        /// Iterations per VU (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        iterations: Option<u64>,
        /// Hard stop (default 10m).
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
        )]
        #[serde(
            default,
            with = "serde_go::option",
            skip_serializing_if = "Option::is_none"
        )]
        max_duration: Option<Duration>,
    },
    /// A fixed number of VUs loop for a duration.
    ConstantVus {
        /// VUs (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vus: Option<u32>,
        /// How long.
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        duration: Duration,
    },
    /// VUs ramp through stages.
    RampingVus {
        /// VUs at the start (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_vus: Option<u32>,
        /// The ramp (at least one stage).
        stages: Vec<Stage>,
        /// Time given to iterations of VUs being ramped down (default 30s).
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
        )]
        #[serde(
            default,
            with = "serde_go::option",
            skip_serializing_if = "Option::is_none"
        )]
        graceful_ramp_down: Option<Duration>,
    },
    /// A fixed rate of iterations, whatever the response times.
    ConstantArrivalRate {
        /// Iterations per `time_unit`.
        rate: u64,
        /// The rate's period (default 1s).
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
        )]
        #[serde(
            default,
            with = "serde_go::option",
            skip_serializing_if = "Option::is_none"
        )]
        time_unit: Option<Duration>,
        /// How long.
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        duration: Duration,
        /// VUs initialised before the start.
        pre_allocated_vus: u32,
        /// Upper bound on VUs (default: pre_allocated_vus).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_vus: Option<u32>,
    },
    /// An iteration rate ramping through stages.
    RampingArrivalRate {
        /// Iterations per `time_unit` at the start (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_rate: Option<u64>,
        /// The rate's period (default 1s).
        #[cfg_attr(
            feature = "schema",
            schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
        )]
        #[serde(
            default,
            with = "serde_go::option",
            skip_serializing_if = "Option::is_none"
        )]
        time_unit: Option<Duration>,
        /// The ramp of rates (at least one stage).
        stages: Vec<Stage>,
        /// VUs initialised before the start.
        pre_allocated_vus: u32,
        /// Upper bound on VUs (default: pre_allocated_vus).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_vus: Option<u32>,
    },
    /// VUs controlled at run time through k6's REST API. k6 v1 only: removed in v2.
    ExternallyControlled {
        /// VUs at the start (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vus: Option<u32>,
        /// Upper bound on VUs (default: vus).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_vus: Option<u32>,
        /// How long (0 = until stopped).
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        duration: Duration,
    },
}

/// One threshold: `metric{selector}: [expr]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// The metric's k6 name.
    pub metric: String,
    /// The metric's kind, which decides the statistics allowed.
    pub kind: MetricKind,
    /// Tag filters making a sub-metric (`{endpoint:login}`); empty for the metric itself.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: BTreeMap<String, String>,
    /// The statistic on the left of the comparison.
    pub stat: Stat,
    /// The comparison.
    pub op: Comparison,
    /// The bound on the right (finite).
    pub bound: f64,
    /// Stop the test as soon as this threshold fails.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abort_on_fail: bool,
    /// Do not abort before this much test time has passed.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(
        default,
        with = "serde_go::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub delay_abort_eval: Option<Duration>,
}

impl Threshold {
    /// The key in `options.thresholds`: the metric, then the selector's tags in
    /// canonical (sorted) order: `http_req_duration{endpoint:login,method:POST}`.
    pub fn key(&self) -> String {
        if self.selector.is_empty() {
            return self.metric.clone();
        }
        let tags: Vec<String> = self
            .selector
            .iter()
            .map(|(key, value)| format!("{key}:{value}"))
            .collect();
        format!("{}{{{}}}", self.metric, tags.join(","))
    }

    /// The expression k6 evaluates: `p(95)<500`.
    pub fn expression(&self) -> String {
        format!(
            "{}{}{}",
            self.stat.k6_name(),
            self.op.symbol(),
            plain_number(self.bound)
        )
    }
}

pub use options::GeneralOptions;

// k6's facts, held by the model as they are (their serde forms are the plan's).
pub use k6dsl_facts::metric::{plain_number, Comparison, MetricKind, Stat};

impl Executor {
    /// k6's name for the executor (`"ramping-vus"`).
    ///
    /// ```
    /// use k6dsl::model::Executor;
    /// let executor = Executor::ConstantVus { vus: None, duration: k6dsl::time::secs(30) };
    /// assert_eq!(executor.k6_name(), "constant-vus");
    /// ```
    pub fn k6_name(&self) -> &'static str {
        self.facts().k6_name
    }

    /// What k6-facts knows of this executor: its names and fields. The variants
    /// are in `EXECUTORS`' order (a test in `executor_serde` holds them to it).
    pub(crate) fn facts(&self) -> &'static k6dsl_facts::executor::Executor {
        let index = match self {
            Executor::SharedIterations { .. } => 0,
            Executor::PerVuIterations { .. } => 1,
            Executor::ConstantVus { .. } => 2,
            Executor::RampingVus { .. } => 3,
            Executor::ConstantArrivalRate { .. } => 4,
            Executor::RampingArrivalRate { .. } => 5,
            Executor::ExternallyControlled { .. } => 6,
        };
        &k6dsl_facts::executor::EXECUTORS[index]
    }
}

/// Whether `value` is its type's default: plan files leave such fields out.
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
