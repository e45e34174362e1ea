//! Checks what the types cannot: one pass over the model that collects every
//! problem with its place. It never panics and never stops at the first error.
//!
//! It also rejects what k6 accepts but then crashes on or silently ignores (an empty
//! tag key, `teardownTimeout` of zero, an out-of-range percentile, arrival-rate
//! scenarios with no VUs), so that a generated script either runs or is not generated.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::dsl::metric::builtin;
use crate::model::options::{GeneralOptions, TlsVersions, TrendStat};
use crate::model::{self, Executor, MetricKind, Script, Shortcut, Stage, Stat};
use crate::validate::problem::{Errors, Place, Problem, ValidationError};

pub(crate) mod data_files;
pub mod problem;
mod vu_code;

/// JavaScript numbers above this lose integer precision.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// k6's cap on the VUs of a ramp: startVUs and stage targets of ramping-vus and of
/// the `stages` shortcut. (k6 does not cap arrival rates.)
const MAX_STAGE_TARGET: u64 = 100_000_000;
/// The longest duration k6 can read: Go's `time.Duration` is an i64 of nanoseconds.
const MAX_GO_DURATION: Duration = Duration::new(9_223_372_036, 854_775_807);
const ONE_SECOND: Duration = Duration::from_secs(1);

/// Validates a whole model.
pub fn validate(script: &Script) -> Result<(), Errors> {
    let mut v = Validator::default();
    v.metrics(script);
    v.flows(script);
    match &script.options.execution {
        model::Execution::Default => {}
        model::Execution::Shortcut(shortcut) => v.shortcut(shortcut),
        model::Execution::Scenarios(scenarios) => v.scenarios(scenarios, script),
    }
    v.thresholds(script);
    v.general(&script.options.general);
    v.durations(script);
    v.code(script);
    v.errors.extend(data_files::problems(script));
    v.case_collisions(script);
    match Errors::from_vec(v.errors) {
        Some(errors) => Err(errors),
        None => Ok(()),
    }
}

#[derive(Default)]
struct Validator {
    errors: Vec<ValidationError>,
    /// Declared metrics and data sets by name, for the checks on code.
    declared: vu_code::Declared,
}

/// Whether `name` matches k6's custom-metric rule `^[a-zA-Z_][a-zA-Z0-9_]{1,128}$`.
pub fn is_valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && (2..=129).contains(&name.len())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` matches k6's scenario-name rule `^[0-9a-zA-Z_-]+$`.
pub fn is_valid_scenario_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Names a flow cannot take: k6's own exports and the module's.
const RESERVED_EXPORTS: &[&str] = &["options", "default", "setup", "teardown", "handleSummary"];

/// Names the generated modules use for their own imports, helpers and constants,
/// and the globals they read: a flow (an exported function) of one of these names
/// would clash with them (`export function sleep` beside `import { sleep }` throws
/// when k6 loads the script).
#[doc(hidden)]
pub const MODULE_NAMES: &[&str] = &[
    // Imports.
    "http",
    "check",
    "group",
    "sleep",
    "SharedArray",
    "exec",
    "encoding",
    "Trend",
    "Counter",
    "Rate",
    "Gauge",
    // Globals the code reads.
    "JSON",
    "Math",
    "Date",
    "String",
    "Number",
    "Object",
    "RegExp",
    "console",
    "encodeURIComponent",
    "decodeURIComponent",
    "open",
    "__ENV",
    "__VU",
    "__ITER",
    // Helpers and the project's constants and checks.
    "randomIntBetween",
    "randomBetween",
    "findBetween",
    "matchGroup",
    "withCredentials",
    "parseCsv",
    "summaryText",
    "SUMMARY_PATH",
    "statusIs",
    "statusIn",
    "hasHeader",
    "headerContains",
    "bodyContains",
    "bodyMatches",
    "hasJson",
    "jsonEquals",
    "respondsWithin",
];

/// The largest common denominator of execution segments k6 handles cheaply: it
/// works in steps of it (1/1000:1/999 takes 40 MB; 1/10000:1/9999, 800 MB; larger
/// ones exhaust memory).
const MAX_SEGMENT_DENOMINATOR: u64 = 1_000_000;

impl Validator {
    fn push(&mut self, place: Place, problem: Problem) {
        self.errors.push(ValidationError { place, problem });
    }

    /// Flows (each `scripts/scenarios/<flow>.js` in a project) and data files
    /// whose names differ only by case: one file on macOS and Windows, whose file
    /// names ignore case. Names that are equal are another check's business.
    fn case_collisions(&mut self, script: &Script) {
        let mut flows: BTreeMap<String, &str> = BTreeMap::new();
        for flow in &script.flows {
            match flows.get(&flow.name.to_lowercase()) {
                Some(first) if *first != flow.name => self.push(
                    Place::Flow(flow.name.clone()),
                    Problem::Invalid {
                        field: "name",
                        reason: format!(
                            "`{}` and `{first}` differ only by case: their files \
                             scripts/scenarios/{}.js and scripts/scenarios/{first}.js are one \
                             file on macOS and Windows, which ignore case; rename one",
                            flow.name, flow.name
                        ),
                    },
                ),
                Some(_) => {}
                None => {
                    flows.insert(flow.name.to_lowercase(), &flow.name);
                }
            }
        }
        // By the path the data set is written to beside the script.
        let outputs: Vec<String> = script.data.iter().map(|d| d.script_file()).collect();
        let mut files: BTreeMap<String, (&str, &str)> = BTreeMap::new();
        for (data, file) in script.data.iter().zip(&outputs) {
            let file = file.as_str();
            match files.get(&file.to_lowercase()) {
                Some((first, first_set)) if *first != file => self.push(
                    Place::Data(data.name.clone()),
                    Problem::Invalid {
                        field: "file",
                        reason: format!(
                            "`{file}` and `{first}` (data set `{first_set}`) differ only by \
                             case: they are one file on macOS and Windows, which ignore case; \
                             rename one"
                        ),
                    },
                ),
                Some(_) => {}
                None => {
                    files.insert(file.to_lowercase(), (file, &data.name));
                }
            }
        }
    }

    fn metrics(&mut self, script: &Script) {
        let mut seen: BTreeMap<&str, &model::MetricDecl> = BTreeMap::new();
        for decl in &script.metrics {
            let place = || Place::Metric(decl.name.clone());
            if !is_valid_metric_name(&decl.name) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "metric name",
                        name: decl.name.clone(),
                        rule: "k6 metric names are 2 to 129 ASCII letters, digits or `_`, not starting with a digit",
                    },
                );
            }
            if let Some((kind, _)) = builtin::lookup(&decl.name) {
                self.push(place(), Problem::BuiltinClash { kind });
            }
            match seen.get(decl.name.as_str()) {
                Some(first) if *first != decl => {
                    self.push(place(), Problem::ConflictingDeclarations)
                }
                Some(_) => {}
                None => {
                    seen.insert(&decl.name, decl);
                }
            }
        }
    }

    fn flows(&mut self, script: &Script) {
        let mut seen = BTreeSet::new();
        for flow in &script.flows {
            let place = || Place::Flow(flow.name.clone());
            if !crate::codegen::is_identifier(&flow.name) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "flow name",
                        name: flow.name.clone(),
                        rule: "it must be a JavaScript identifier (ASCII letters, digits, `_`, `$`, not starting with a digit, not a reserved word)",
                    },
                );
            } else if RESERVED_EXPORTS.contains(&flow.name.as_str()) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "flow name",
                        name: flow.name.clone(),
                        rule: "k6 gives this export its own meaning (options, default, setup, teardown, handleSummary)",
                    },
                );
            } else if MODULE_NAMES.contains(&flow.name.as_str()) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "flow name",
                        name: flow.name.clone(),
                        rule: "the generated script already uses this name (a k6 import, a helper, or a global it reads)",
                    },
                );
            }
            if !seen.insert(flow.name.as_str()) {
                self.push(
                    place(),
                    Problem::Duplicate {
                        what: "flow name",
                        name: flow.name.clone(),
                    },
                );
            }
        }
    }

    fn shortcut(&mut self, shortcut: &Shortcut) {
        let place = || Place::Shortcut;
        match shortcut {
            Shortcut::Duration { vus, duration } => {
                self.positive(place(), "vus", u64::from(*vus));
                if duration.is_zero() {
                    self.push(place(), Problem::NotPositive { field: "duration" });
                } else {
                    // k6 runs it as a constant-vus scenario, which lasts at least 1s.
                    self.at_least_one_second(place(), "duration", *duration);
                }
            }
            Shortcut::Iterations {
                vus,
                iterations,
                duration,
            } => {
                self.iterations(place(), *vus, *iterations);
                if let Some(duration) = duration {
                    self.at_least_one_second(place(), "duration", *duration);
                }
            }
            Shortcut::Stages { vus, stages } => {
                self.stages(place(), "vus", u64::from(*vus), stages, MAX_STAGE_TARGET);
            }
        }
    }

    fn scenarios(&mut self, scenarios: &[model::Scenario], script: &Script) {
        if scenarios.is_empty() {
            self.push(
                Place::Script,
                Problem::Invalid {
                    field: "scenarios",
                    reason: "there are no scenarios: add one or leave the load unset".into(),
                },
            );
        }
        let mut seen = BTreeSet::new();
        let flows: BTreeSet<&str> = script.flows.iter().map(|f| f.name.as_str()).collect();
        for scenario in scenarios {
            let place = || Place::Scenario(scenario.name.clone());
            if !is_valid_scenario_name(&scenario.name) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "scenario name",
                        name: scenario.name.clone(),
                        rule: "k6 scenario names use only ASCII letters, digits, `_` and `-`",
                    },
                );
            }
            if !seen.insert(scenario.name.as_str()) {
                self.push(
                    place(),
                    Problem::Duplicate {
                        what: "scenario name",
                        name: scenario.name.clone(),
                    },
                );
            }
            match &scenario.exec {
                Some(exec) if !flows.contains(exec.as_str()) => {
                    self.push(place(), Problem::UnknownExec { name: exec.clone() })
                }
                // Without exec k6 runs the default function: an empty one when the
                // script has flows but no default flow, which sends nothing.
                None if script.default_flow.is_none() && !script.flows.is_empty() => self.push(
                    place(),
                    Problem::Invalid {
                        field: "exec",
                        reason: format!(
                            "the scenario runs no flow (k6 would run an empty default function and send no request): set its exec to one of the script's flows ({}; `.exec(&flow)` in Rust), or set a default flow",
                            some_of(
                                script.flows.iter().map(|f| f.name.as_str()),
                                script.flows.len()
                            )
                        ),
                    },
                ),
                _ => {}
            }
            self.tags(place(), &scenario.tags);
            for key in scenario.env.keys() {
                if key.is_empty() || key.contains('=') || key.contains('\0') {
                    self.push(
                        place(),
                        Problem::Invalid {
                            field: "env",
                            reason: format!(
                                "environment variable name `{key}` must be non-empty, without `=` or NUL"
                            ),
                        },
                    );
                }
            }
            self.executor(place, scenario);
        }
    }

    fn executor(&mut self, place: impl Fn() -> Place, scenario: &model::Scenario) {
        match &scenario.executor {
            Executor::SharedIterations {
                vus,
                iterations,
                max_duration,
            } => {
                self.iterations(place(), vus.unwrap_or(1), iterations.unwrap_or(1));
                if let Some(max) = max_duration {
                    self.at_least_one_second(place(), "maxDuration", *max);
                }
            }
            Executor::PerVuIterations {
                vus,
                iterations,
                max_duration,
            } => {
                self.positive(place(), "vus", u64::from(vus.unwrap_or(1)));
                self.positive(place(), "iterations", iterations.unwrap_or(1));
                self.safe_integer(place(), "iterations", iterations.unwrap_or(1));
                if let Some(max) = max_duration {
                    self.at_least_one_second(place(), "maxDuration", *max);
                }
            }
            Executor::ConstantVus { vus, duration } => {
                self.positive(place(), "vus", u64::from(vus.unwrap_or(1)));
                self.at_least_one_second(place(), "duration", *duration);
            }
            Executor::RampingVus {
                start_vus, stages, ..
            } => {
                self.stages(
                    place(),
                    "startVUs",
                    u64::from(start_vus.unwrap_or(1)),
                    stages,
                    MAX_STAGE_TARGET,
                );
            }
            Executor::ConstantArrivalRate {
                rate,
                time_unit,
                duration,
                pre_allocated_vus,
                max_vus,
            } => {
                self.positive(place(), "rate", *rate);
                self.safe_integer(place(), "rate", *rate);
                self.time_unit(place(), *time_unit);
                self.at_least_one_second(place(), "duration", *duration);
                self.arrival_vus(place(), *pre_allocated_vus, *max_vus);
            }
            Executor::RampingArrivalRate {
                start_rate,
                time_unit,
                stages,
                pre_allocated_vus,
                max_vus,
            } => {
                self.time_unit(place(), *time_unit);
                self.stages(
                    place(),
                    "startRate",
                    start_rate.unwrap_or(0),
                    stages,
                    MAX_SAFE_INTEGER,
                );
                self.arrival_vus(place(), *pre_allocated_vus, *max_vus);
            }
            Executor::ExternallyControlled {
                vus,
                max_vus,
                duration: _,
            } => {
                let vus = vus.unwrap_or(0);
                if let Some(max) = max_vus {
                    if *max < vus {
                        self.push(
                            place(),
                            Problem::LessThan {
                                field: "maxVUs",
                                value: u64::from(*max),
                                other: "vus",
                                other_value: u64::from(vus),
                            },
                        );
                    }
                }
                if scenario.graceful_stop.is_some() {
                    self.push(place(), Problem::GracefulStopForbidden);
                }
            }
        }
    }

    fn positive(&mut self, place: Place, field: &'static str, value: u64) {
        if value == 0 {
            self.push(place, Problem::NotPositive { field });
        }
    }

    fn safe_integer(&mut self, place: Place, field: &'static str, value: u64) {
        if value > MAX_SAFE_INTEGER {
            self.push(
                place,
                Problem::TooLarge {
                    field,
                    value,
                    max: MAX_SAFE_INTEGER,
                },
            );
        }
    }

    fn iterations(&mut self, place: Place, vus: u32, iterations: u64) {
        self.positive(place.clone(), "vus", u64::from(vus));
        self.positive(place.clone(), "iterations", iterations);
        self.safe_integer(place.clone(), "iterations", iterations);
        if iterations > 0 && iterations < u64::from(vus) {
            self.push(
                place,
                Problem::LessThan {
                    field: "iterations",
                    value: iterations,
                    other: "vus",
                    other_value: u64::from(vus),
                },
            );
        }
    }

    fn at_least_one_second(&mut self, place: Place, field: &'static str, value: Duration) {
        if value < ONE_SECOND {
            self.push(
                place,
                Problem::TooShort {
                    field,
                    value,
                    min: ONE_SECOND,
                },
            );
        }
    }

    fn time_unit(&mut self, place: Place, time_unit: Option<Duration>) {
        if time_unit.is_some_and(|unit| unit.is_zero()) {
            self.push(place, Problem::NotPositive { field: "timeUnit" });
        }
    }

    /// `max` is the largest start value and target: k6 caps VU ramps at 100,000,000;
    /// rates only need to stay exact in JavaScript.
    fn stages(
        &mut self,
        place: Place,
        start_field: &'static str,
        start: u64,
        stages: &[Stage],
        max: u64,
    ) {
        if stages.is_empty() {
            self.push(place.clone(), Problem::NoStages);
            return;
        }
        let values = std::iter::once((start_field, start))
            .chain(stages.iter().map(|stage| ("stage target", stage.target)));
        for (field, value) in values {
            if value > max {
                self.push(place.clone(), Problem::TooLarge { field, value, max });
            }
        }
        if start == 0 && stages.iter().all(|stage| stage.target == 0) {
            self.push(place.clone(), Problem::NoPositiveTarget { start_field });
        }
        if stages.iter().all(|stage| stage.duration.is_zero()) {
            self.push(
                place,
                Problem::Invalid {
                    field: "stages",
                    reason: "every stage lasts 0s, so nothing would run: give a stage a duration"
                        .into(),
                },
            );
        }
    }

    fn arrival_vus(&mut self, place: Place, pre_allocated: u32, max: Option<u32>) {
        match max {
            Some(max) if max < pre_allocated => self.push(
                place,
                Problem::LessThan {
                    field: "maxVUs",
                    value: u64::from(max),
                    other: "preAllocatedVUs",
                    other_value: u64::from(pre_allocated),
                },
            ),
            Some(0) | None if pre_allocated == 0 => self.push(place, Problem::NoVus),
            _ => {}
        }
    }

    fn tags(&mut self, place: Place, tags: &BTreeMap<String, String>) {
        for key in tags.keys() {
            if key.is_empty() {
                self.push(
                    place.clone(),
                    Problem::InvalidTag {
                        key: key.clone(),
                        value: tags[key].clone(),
                        reason: "tag names must not be empty (k6 crashes on an empty tag name)",
                    },
                );
            }
        }
    }

    fn thresholds(&mut self, script: &Script) {
        let declared: BTreeMap<&str, MetricKind> = script
            .metrics
            .iter()
            .map(|decl| (decl.name.as_str(), decl.kind))
            .collect();
        // Canonical form of each key, as k6 normalises selectors (trimmed parts).
        let mut canonical: BTreeMap<String, String> = BTreeMap::new();
        // Built once: walking the model per threshold made validation quadratic.
        let tags = KnownTags::new(script);
        for threshold in &script.options.thresholds {
            let key = threshold.key();
            let place = || Place::Threshold(key.clone());
            let actual = builtin::lookup(&threshold.metric)
                .map(|(kind, _)| kind)
                .or_else(|| declared.get(threshold.metric.as_str()).copied());
            match actual {
                None => self.push(
                    place(),
                    Problem::UnknownMetric {
                        name: threshold.metric.clone(),
                    },
                ),
                Some(actual) if actual != threshold.kind => self.push(
                    place(),
                    Problem::KindMismatch {
                        name: threshold.metric.clone(),
                        actual,
                        used: threshold.kind,
                    },
                ),
                Some(_) => {}
            }
            if !threshold.stat.applies_to(threshold.kind) {
                self.push(
                    place(),
                    Problem::StatNotForKind {
                        stat: threshold.stat.k6_name(),
                        kind: threshold.kind,
                    },
                );
            }
            if let Stat::Percentile(p) = threshold.stat {
                self.percentile(place(), p);
            }
            if !threshold.bound.is_finite() {
                self.push(
                    place(),
                    Problem::NotFinite {
                        field: "threshold bound",
                        value: threshold.bound,
                    },
                );
            }
            if threshold.delay_abort_eval.is_some() && !threshold.abort_on_fail {
                self.push(place(), Problem::DelayWithoutAbort);
            }
            self.selector(place(), &threshold.selector);
            self.selector_can_match(place(), &threshold.selector, &tags);
            let normal = canonical_key(threshold);
            match canonical.get(&normal) {
                Some(other) if *other != key => self.push(
                    place(),
                    Problem::SameSubMetric {
                        other: other.clone(),
                    },
                ),
                Some(_) => {}
                None => {
                    canonical.insert(normal, key.clone());
                }
            }
        }
    }

    fn percentile(&mut self, place: Place, p: f64) {
        if !(0.0..=100.0).contains(&p) {
            self.push(place, Problem::PercentileOutOfRange { value: p });
        }
    }

    fn selector(&mut self, place: Place, selector: &BTreeMap<String, String>) {
        for (key, value) in selector {
            let reason = if key.is_empty() {
                Some("tag names in a threshold selector must not be empty (k6 crashes on it)")
            } else if value.is_empty() {
                Some("tag values in a threshold selector must not be empty")
            } else if key.contains([':', ',', '{', '}']) {
                Some("k6 selectors cannot express a tag name containing `:`, `,`, `{` or `}`")
            } else if value.contains(',') || value.contains('}') {
                Some("k6 selectors cannot express a tag value containing `,` or `}`")
            } else if key.trim() != key || value.trim() != value {
                Some("k6 trims spaces around selector tags, so this one could never match: remove the surrounding spaces")
            } else if k6_selector_text(key) != key || k6_selector_text(value) != value {
                Some("k6 strips quotes (`\"`, `'`) around selector tags, so this one could never match: remove them")
            } else {
                None
            };
            if let Some(reason) = reason {
                self.push(
                    place.clone(),
                    Problem::InvalidTag {
                        key: key.clone(),
                        value: value.clone(),
                        reason,
                    },
                );
            }
        }
    }

    /// Rejects selectors that no sample can ever match: k6 would pass such a
    /// threshold silently.
    fn selector_can_match(
        &mut self,
        place: Place,
        selector: &BTreeMap<String, String>,
        tags: &KnownTags<'_>,
    ) {
        if let Some(wanted) = selector.get("scenario") {
            if !tags.scenario_set.contains(wanted.as_str()) {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "scenario selector",
                        reason: format!(
                            "no scenario is called `{wanted}` (the script has: {}), so this threshold could never see a sample",
                            some_of(tags.scenarios.iter().copied(), tags.scenarios.len())
                        ),
                    },
                );
            }
        }
        // Scripts with VU code name their groups and requests, so selectors on them
        // can be checked; an options-only model (no requests yet) cannot be.
        let (groups, names) = (&tags.groups, &tags.names);
        let has_code = !names.is_empty();
        if let Some(path) = selector.get("group") {
            if !path.starts_with("::") || path.ends_with("::") {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "group selector",
                        reason: format!(
                            "`{path}` is not a k6 group path: write `::Outer::Inner` (build it with .for_group([\"Outer\", \"Inner\"]))"
                        ),
                    },
                );
            } else if has_code && !groups.contains(path) {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "group selector",
                        reason: format!(
                            "no group has the path `{path}` (the script has: {}), so this threshold could never see a sample",
                            if groups.is_empty() { "no groups".to_owned() } else { some_of(groups.iter().map(String::as_str), groups.len()) }
                        ),
                    },
                );
            }
        }
        for tag in ["endpoint", "name"] {
            if let Some(wanted) = selector.get(tag) {
                if has_code && !names.contains(wanted) {
                    self.push(
                        place.clone(),
                        Problem::Invalid {
                            field: "endpoint selector",
                            reason: format!(
                                "no request is named `{wanted}` (the script's requests: {}), so this threshold could never see a sample",
                                some_of(names.iter().map(String::as_str), names.len())
                            ),
                        },
                    );
                }
            }
        }
        // Tag keys: k6's system tags, the requests' `name` and `endpoint`, and the
        // custom tags of requests, scenarios and the test.
        for key in selector.keys() {
            if !has_code || key.is_empty() || tags.keys.contains(key.as_str()) {
                continue;
            }
            let reason = match crate::model::options::SystemTag::ALL
                .iter()
                .find(|tag| tag.as_k6() == key)
            {
                Some(_) => format!(
                    "k6 does not attach the system tag `{key}` here (systemTags: {}), so this threshold could never see a sample: add it to systemTags",
                    tags.system.join(", ")
                ),
                None => format!(
                    "no request, scenario or k6 system tag is called `{key}`{}, so this threshold could never see a sample (the tags: {})",
                    did_you_mean(key, tags.keys.iter().copied()),
                    some_of(tags.custom.iter().copied(), tags.custom.len())
                ),
            };
            self.push(
                place.clone(),
                Problem::Invalid {
                    field: "tag selector",
                    reason,
                },
            );
        }
    }

    /// Integers in pass-through JSON that JavaScript cannot hold exactly.
    fn json_numbers(&mut self, option: &'static str, path: &str, value: &serde_json::Value) {
        match value {
            serde_json::Value::Number(n) => {
                let exact = n
                    .as_u64()
                    .map(|u| u <= MAX_SAFE_INTEGER)
                    .or_else(|| n.as_i64().map(|i| i.unsigned_abs() <= MAX_SAFE_INTEGER));
                if exact == Some(false) {
                    self.push(
                        Place::Option(option),
                        Problem::Invalid {
                            field: option,
                            reason: format!(
                                "`{path}` is {n}, beyond what JavaScript holds exactly (2^53 - 1): k6 would read another number; pass it as a string"
                            ),
                        },
                    );
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.json_numbers(option, &format!("{path}[{i}]"), item);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    self.json_numbers(option, &format!("{path}.{key}"), item);
                }
            }
            _ => {}
        }
    }

    /// k6 requires the segment this instance runs (0:1 when unset) to be one of the
    /// sequence's segments.
    fn segment_in_sequence(
        &mut self,
        segment: Option<crate::model::options::ExecutionSegment>,
        sequence: &[crate::model::options::Fraction],
    ) {
        use crate::model::options::{ExecutionSegment, Fraction};
        let same = |a: Fraction, b: Fraction| {
            u64::from(a.num) * u64::from(b.den) == u64::from(b.num) * u64::from(a.den)
        };
        let segment = segment.unwrap_or(ExecutionSegment {
            from: Fraction::new(0, 1),
            to: Fraction::new(1, 1),
        });
        let found = sequence
            .windows(2)
            .any(|w| same(w[0], segment.from) && same(w[1], segment.to));
        if !found {
            let points: Vec<String> = sequence.iter().map(ToString::to_string).collect();
            self.push(
                Place::Option("executionSegment"),
                Problem::Invalid {
                    field: "executionSegment",
                    reason: format!(
                        "`{segment}` is not one of the segments of executionSegmentSequence `{}`: k6 requires it to be (0:1 when executionSegment is unset)",
                        points.join(",")
                    ),
                },
            );
        }
    }

    /// Every duration must fit Go's `time.Duration` (about 292 years): k6 cannot read
    /// a longer one.
    fn durations(&mut self, script: &Script) {
        let mut all: Vec<(Place, &'static str, Duration)> = Vec::new();
        let stages =
            |all: &mut Vec<(Place, &'static str, Duration)>, place: &Place, stages: &[Stage]| {
                for stage in stages {
                    all.push((place.clone(), "stage duration", stage.duration));
                }
            };
        match &script.options.execution {
            model::Execution::Default => {}
            model::Execution::Shortcut(shortcut) => match shortcut {
                Shortcut::Duration { duration, .. } => {
                    all.push((Place::Shortcut, "duration", *duration))
                }
                Shortcut::Iterations { duration, .. } => {
                    all.extend(duration.map(|d| (Place::Shortcut, "duration", d)))
                }
                Shortcut::Stages { stages: list, .. } => stages(&mut all, &Place::Shortcut, list),
            },
            model::Execution::Scenarios(scenarios) => {
                for scenario in scenarios {
                    let place = Place::Scenario(scenario.name.clone());
                    let mut optional = |field, d: Option<Duration>| {
                        all.extend(d.map(|d| (place.clone(), field, d)))
                    };
                    optional("startTime", scenario.start_time);
                    optional("gracefulStop", scenario.graceful_stop);
                    match &scenario.executor {
                        Executor::SharedIterations { max_duration, .. }
                        | Executor::PerVuIterations { max_duration, .. } => {
                            optional("maxDuration", *max_duration)
                        }
                        Executor::ConstantVus { duration, .. }
                        | Executor::ExternallyControlled { duration, .. } => {
                            optional("duration", Some(*duration))
                        }
                        Executor::RampingVus {
                            stages: list,
                            graceful_ramp_down,
                            ..
                        } => {
                            optional("gracefulRampDown", *graceful_ramp_down);
                            stages(&mut all, &place, list);
                        }
                        Executor::ConstantArrivalRate {
                            time_unit,
                            duration,
                            ..
                        } => {
                            optional("timeUnit", *time_unit);
                            optional("duration", Some(*duration));
                        }
                        Executor::RampingArrivalRate {
                            time_unit,
                            stages: list,
                            ..
                        } => {
                            optional("timeUnit", *time_unit);
                            stages(&mut all, &place, list);
                        }
                    }
                }
            }
        }
        for threshold in &script.options.thresholds {
            if let Some(delay) = threshold.delay_abort_eval {
                all.push((Place::Threshold(threshold.key()), "delayAbortEval", delay));
            }
        }
        let general = &script.options.general;
        for (field, duration) in [
            ("setupTimeout", general.setup_timeout),
            ("teardownTimeout", general.teardown_timeout),
            ("minIterationDuration", general.min_iteration_duration),
        ] {
            all.extend(duration.map(|d| (Place::Option(field), field, d)));
        }
        if let Some(crate::model::options::DnsTtl::For(ttl)) = general.dns.and_then(|dns| dns.ttl) {
            all.push((Place::Option("dns"), "dns.ttl", ttl));
        }
        for (place, field, duration) in all {
            if duration > MAX_GO_DURATION {
                self.push(
                    place,
                    Problem::Invalid {
                        field,
                        reason: format!(
                            "{} is longer than k6 can represent (at most {})",
                            crate::model::time::GoDuration(duration),
                            crate::model::time::GoDuration(MAX_GO_DURATION)
                        ),
                    },
                );
            }
        }
    }

    fn general(&mut self, options: &GeneralOptions) {
        let place = Place::Option;
        for (name, timeout) in [
            ("setupTimeout", options.setup_timeout),
            ("teardownTimeout", options.teardown_timeout),
        ] {
            if timeout.is_some_and(|t| t.is_zero()) {
                self.push(place(name), Problem::NotPositive { field: name });
            }
        }
        if let Some(rps) = options.rps {
            self.safe_integer(place("rps"), "rps", rps);
        }
        let mut segment_ok = true;
        if let Some(segment) = options.execution_segment {
            let (from, to) = (segment.from, segment.to);
            let bad_fraction = |f: crate::model::options::Fraction| f.den == 0 || f.num > f.den;
            // from < to, compared without floating point.
            let ordered =
                u64::from(from.num) * u64::from(to.den) < u64::from(to.num) * u64::from(from.den);
            if bad_fraction(from) || bad_fraction(to) || !ordered {
                segment_ok = false;
                self.push(
                    place("executionSegment"),
                    Problem::Invalid {
                        field: "executionSegment",
                        reason: format!("`{segment}` must be `from:to` with 0 <= from < to <= 1"),
                    },
                );
            }
        }
        let denominators = options
            .execution_segment
            .iter()
            .flat_map(|s| [s.from.den, s.to.den])
            .chain(
                options
                    .execution_segment_sequence
                    .iter()
                    .flatten()
                    .map(|f| f.den),
            )
            .filter(|den| *den > 0);
        let common = denominators.fold(1u64, |acc, den| {
            let den = u64::from(den);
            if acc > MAX_SEGMENT_DENOMINATOR {
                acc
            } else {
                acc / gcd(acc, den) * den
            }
        });
        if common > MAX_SEGMENT_DENOMINATOR {
            self.push(
                place("executionSegment"),
                Problem::Invalid {
                    field: "executionSegment",
                    reason: format!(
                        "the segments' common denominator is above {MAX_SEGMENT_DENOMINATOR}: k6 works in steps of it and runs out of memory; use fractions with a small common denominator (1/4, 1/3, 1/10)"
                    ),
                },
            );
        }
        if let Some(sequence) = &options.execution_segment_sequence {
            let valid = sequence.len() >= 2
                && sequence.iter().all(|f| f.den > 0 && f.num <= f.den)
                && sequence.windows(2).all(|w| {
                    u64::from(w[0].num) * u64::from(w[1].den)
                        < u64::from(w[1].num) * u64::from(w[0].den)
                });
            if !valid {
                self.push(
                    place("executionSegmentSequence"),
                    Problem::Invalid {
                        field: "executionSegmentSequence",
                        reason: "it must list at least two strictly increasing fractions between 0 and 1".into(),
                    },
                );
            } else if segment_ok {
                self.segment_in_sequence(options.execution_segment, sequence);
            }
        }
        if options
            .tls_cipher_suites
            .as_ref()
            .is_some_and(Vec::is_empty)
        {
            self.push(
                place("tlsCipherSuites"),
                Problem::Invalid {
                    field: "tlsCipherSuites",
                    reason: "an empty list is read by k6 as unset (Go's default suites): name at least one suite, or leave it unset".into(),
                },
            );
        }
        for (name, map) in [("ext", &options.ext), ("cloud", &options.cloud)] {
            if let Some(map) = map {
                for (key, value) in map {
                    self.json_numbers(name, &format!("{name}.{key}"), value);
                }
            }
        }
        if let Some(TlsVersions::Range { min, max }) = options.tls_version {
            if min > max {
                self.push(
                    place("tlsVersion"),
                    Problem::Invalid {
                        field: "tlsVersion",
                        reason: format!("min ({}) is above max ({})", min.as_k6(), max.as_k6()),
                    },
                );
            }
        }
        for (index, auth) in options.tls_auth.iter().enumerate() {
            if auth.domains.is_empty() || auth.domains.iter().any(|d| d.trim().is_empty()) {
                self.push(
                    place("tlsAuth"),
                    Problem::Invalid {
                        field: "tlsAuth",
                        reason: format!("entry {index} needs at least one non-empty domain"),
                    },
                );
            }
            for (what, pem, label) in [
                ("cert", &auth.cert, "CERTIFICATE"),
                ("key", &auth.key, "PRIVATE KEY"),
            ] {
                if let Some(reason) = pem_problem(pem, label) {
                    self.push(
                        place("tlsAuth"),
                        Problem::Invalid {
                            field: "tlsAuth",
                            reason: format!("entry {index}: {what} {reason}"),
                        },
                    );
                }
            }
            if let Some(env) = &auth.password_env {
                if !crate::codegen::is_identifier(env) {
                    self.push(
                        place("tlsAuth"),
                        Problem::Invalid {
                            field: "tlsAuth",
                            reason: format!(
                                "entry {index}: password environment variable `{env}` must be an identifier-like name (letters, digits, `_`)"
                            ),
                        },
                    );
                }
            }
        }
        for pattern in &options.block_hostnames {
            if !is_valid_host_pattern(pattern) {
                self.push(
                    place("blockHostnames"),
                    Problem::Invalid {
                        field: "blockHostnames",
                        reason: format!("`{pattern}` is not a host name or `*.suffix` pattern"),
                    },
                );
            }
        }
        let mut lower_hosts = BTreeSet::new();
        for host in options.hosts.keys() {
            if !lower_hosts.insert(host.to_ascii_lowercase()) {
                self.push(
                    place("hosts"),
                    Problem::Duplicate {
                        what: "hosts entry (k6 lower-cases host names and keeps only one of them)",
                        name: host.clone(),
                    },
                );
            }
            let (name, port) = match host.rsplit_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (host.as_str(), None),
            };
            let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
            if !is_valid_host_pattern(name) || !port_ok {
                self.push(
                    place("hosts"),
                    Problem::Invalid {
                        field: "hosts",
                        reason: format!("`{host}` is not `name` or `name:port`"),
                    },
                );
            }
        }
        if let Some(stats) = &options.summary_trend_stats {
            for stat in stats {
                if let TrendStat::Percentile(p) = stat {
                    self.percentile(place("summaryTrendStats"), *p);
                }
            }
        }
        self.tags(place("tags"), &options.tags);
    }
}

/// The names a message offers: all of them when few, else the first
/// [`LISTED_NAMES`] and how many more (every message listing every name of a
/// large model made the errors quadratic in its size).
fn some_of<'a>(names: impl Iterator<Item = &'a str>, count: usize) -> String {
    let mut listed: Vec<&str> = names.take(LISTED_NAMES).collect();
    if count > LISTED_NAMES {
        listed.push("...");
        let listed = listed.join(", ");
        return format!("{listed} ({} more)", count - LISTED_NAMES);
    }
    listed.join(", ")
}

/// How many known names an error message lists at most.
const LISTED_NAMES: usize = 10;

/// What threshold selectors can match, gathered from the model once: the
/// scenarios' `scenario` tags (in order, for messages), the code's group paths
/// (`::Outer::Inner`) and request names.
struct KnownTags<'s> {
    scenarios: Vec<&'s str>,
    scenario_set: BTreeSet<&'s str>,
    groups: BTreeSet<String>,
    names: BTreeSet<String>,
    /// Every tag key a sample can carry: the system tags k6 attaches, the
    /// requests' `name` and `endpoint`, and the custom ones.
    keys: BTreeSet<&'s str>,
    /// The system tags k6 attaches (its default set unless `systemTags` is set).
    system: Vec<&'static str>,
    /// Tag keys the script sets itself (`name` and `endpoint` first), for messages.
    custom: Vec<&'s str>,
}

/// The system tags k6 attaches when `systemTags` is not set.
const DEFAULT_SYSTEM_TAGS: &[&str] = &[
    "proto",
    "subproto",
    "status",
    "method",
    "url",
    "name",
    "group",
    "check",
    "error",
    "error_code",
    "tls_version",
    "scenario",
    "service",
    "expected_response",
];

/// `` (did you mean `endpoint`?)`` when one of `candidates` is a likely typo of
/// `word` (at most one edit per three letters, a swap of neighbours counting
/// once, case ignored), else nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

impl<'s> KnownTags<'s> {
    fn new(script: &'s Script) -> Self {
        let scenarios: Vec<&str> = match &script.options.execution {
            model::Execution::Scenarios(scenarios) => scenarios
                .iter()
                .map(|s| s.tags.get("scenario").unwrap_or(&s.name).as_str())
                .collect(),
            // Without scenarios, k6 runs everything in one called `default`.
            _ => vec!["default"],
        };
        let (groups, names) = vu_code::group_paths_and_names(script);
        let system: Vec<&'static str> = match &script.options.general.system_tags {
            Some(tags) => tags.iter().map(|t| t.as_k6()).collect(),
            None => DEFAULT_SYSTEM_TAGS.to_vec(),
        };
        // In order of first use, each once (a set beside the list: a scan per key
        // would make validation quadratic in the number of requests).
        let mut custom: Vec<&str> = vec!["name", "endpoint"];
        let mut seen: BTreeSet<&str> = custom.iter().copied().collect();
        let mut add = |key: &'s str| {
            if seen.insert(key) {
                custom.push(key);
            }
        };
        vu_code::request_tag_keys(script)
            .into_iter()
            .for_each(&mut add);
        if let model::Execution::Scenarios(list) = &script.options.execution {
            list.iter()
                .flat_map(|s| s.tags.keys())
                .for_each(|k| add(k.as_str()));
        }
        script
            .options
            .general
            .tags
            .keys()
            .for_each(|k| add(k.as_str()));
        let keys = system
            .iter()
            .copied()
            .chain(custom.iter().copied())
            .collect();
        KnownTags {
            scenario_set: scenarios.iter().copied().collect(),
            scenarios,
            groups,
            names,
            keys,
            system,
            custom,
        }
    }
}

/// A host name, optionally led by `*.` (k6's blockHostnames patterns). Labels are
/// ASCII letters, digits and inner `-`, as k6's pattern requires.
fn is_valid_host_pattern(pattern: &str) -> bool {
    let name = pattern.strip_prefix("*.").unwrap_or(pattern);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// A selector tag name or value as k6 reads it (`Metric.AddSubmetric`): spaces
/// trimmed, then `"` and `'`.
fn k6_selector_text(text: &str) -> &str {
    text.trim().trim_matches(['"', '\''])
}

/// A threshold key as k6 reads it: spaces and quotes around tag names and values
/// trimmed.
fn canonical_key(threshold: &model::Threshold) -> String {
    let tags: BTreeMap<&str, &str> = threshold
        .selector
        .iter()
        .map(|(k, v)| (k6_selector_text(k), k6_selector_text(v)))
        .collect();
    let tags: Vec<String> = tags.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("{}{{{}}}", threshold.metric, tags.join(","))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Why a `tlsAuth` certificate or key is not the PEM block k6 needs (`label` is
/// `CERTIFICATE` or `PRIVATE KEY`, which also matches `RSA PRIVATE KEY` and
/// `ENCRYPTED PRIVATE KEY`); k6 refuses the whole script otherwise. A file is read
/// now; one that cannot be read is reported with the files the test copies.
fn pem_problem(pem: &crate::model::options::Pem, label: &str) -> Option<String> {
    let (text, source) = match pem {
        crate::model::options::Pem::Inline(text) => (text.clone(), "text".to_owned()),
        crate::model::options::Pem::File(path) => (
            String::from_utf8_lossy(&std::fs::read(path).ok()?).into_owned(),
            format!("file {}", crate::validate::problem::excerpt(path)),
        ),
    };
    let begin = text.find("-----BEGIN ");
    let has_label = begin.is_some_and(|at| {
        text[at..]
            .lines()
            .next()
            .is_some_and(|line| line.contains(label) && line.trim_end().ends_with("-----"))
    });
    if has_label && text.contains("-----END ") {
        return None;
    }
    Some(format!(
        "{source} is not a PEM {}: k6 needs `-----BEGIN {label}-----` ... `-----END {label}-----` \
         (convert DER with `openssl x509 -inform der` or `openssl pkey -inform der`)",
        label.to_lowercase()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::mins;
    use crate::model::{Comparison, Execution, Scenario, Threshold};

    fn scenario(name: &str, executor: Executor) -> Scenario {
        Scenario {
            name: name.into(),
            executor,
            start_time: None,
            graceful_stop: None,
            exec: None,
            env: BTreeMap::new(),
            tags: BTreeMap::new(),
        }
    }

    fn messages(script: &Script) -> Vec<String> {
        match validate(script) {
            Ok(()) => vec![],
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let mut script = Script::default();
        script.options.execution = Execution::Scenarios(vec![
            scenario(
                "purchase",
                Executor::ConstantArrivalRate {
                    rate: 0,
                    time_unit: None,
                    duration: mins(1),
                    pre_allocated_vus: 10,
                    max_vus: Some(5),
                },
            ),
            scenario(
                "bad name",
                Executor::SharedIterations {
                    vus: Some(10),
                    iterations: Some(5),
                    max_duration: None,
                },
            ),
        ]);
        script.options.thresholds.push(Threshold {
            metric: "http_reqs".into(),
            kind: MetricKind::Counter,
            selector: BTreeMap::new(),
            stat: Stat::Percentile(101.0),
            op: Comparison::Lt,
            bound: f64::NAN,
            abort_on_fail: false,
            delay_abort_eval: None,
        });
        assert_eq!(
            messages(&script),
            [
                "scenario `purchase`: rate must be greater than 0",
                "scenario `purchase`: maxVUs (5) is less than preAllocatedVUs (10)",
                "scenario `bad name`: scenario name `bad name` is not allowed: k6 scenario names use only ASCII letters, digits, `_` and `-`",
                "scenario `bad name`: iterations (5) is less than vus (10)",
                "threshold `http_reqs`: `p(101)` does not apply to a Counter metric (k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value)",
                "threshold `http_reqs`: percentile p(101) must be between 0 and 100",
                "threshold `http_reqs`: threshold bound (NaN) must be a finite number",
            ]
        );
    }

    #[test]
    fn rejects_selectors_that_cannot_match() {
        let mut script = Script::default();
        let mut selector = BTreeMap::new();
        selector.insert("scenario".to_owned(), "checkout".to_owned());
        selector.insert("group".to_owned(), "Checkout".to_owned());
        script.options.thresholds.push(Threshold {
            metric: "http_req_duration".into(),
            kind: MetricKind::Trend,
            selector,
            stat: Stat::Avg,
            op: Comparison::Lt,
            bound: 1.0,
            abort_on_fail: false,
            delay_abort_eval: None,
        });
        let messages = messages(&script);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("no scenario is called `checkout`"));
        assert!(messages[1].contains("`Checkout` is not a k6 group path"));
    }

    #[test]
    fn messages_list_a_few_known_names_not_all() {
        let mut script = Script::default();
        let executor = || Executor::SharedIterations {
            vus: None,
            iterations: None,
            max_duration: None,
        };
        script.options.execution = Execution::Scenarios(
            (0..12)
                .map(|i| scenario(&format!("s{i:02}"), executor()))
                .collect(),
        );
        let mut selector = BTreeMap::new();
        selector.insert("scenario".to_owned(), "nope".to_owned());
        script.options.thresholds.push(Threshold {
            metric: "http_req_duration".into(),
            kind: MetricKind::Trend,
            selector,
            stat: Stat::Avg,
            op: Comparison::Lt,
            bound: 1.0,
            abort_on_fail: false,
            delay_abort_eval: None,
        });
        assert_eq!(
            messages(&script),
            ["threshold `http_req_duration{scenario:nope}`: scenario selector: no scenario is called `nope` (the script has: s00, s01, s02, s03, s04, s05, s06, s07, s08, s09, ... (2 more)), so this threshold could never see a sample"]
        );
    }

    #[test]
    fn names_follow_k6_rules() {
        assert!(is_valid_metric_name("login_duration"));
        assert!(is_valid_metric_name("_x"));
        assert!(!is_valid_metric_name("x"));
        assert!(!is_valid_metric_name("1x"));
        assert!(!is_valid_metric_name("bad-name"));
        assert!(!is_valid_metric_name(&"a".repeat(130)));
        assert!(is_valid_metric_name(&"a".repeat(129)));
        assert!(is_valid_scenario_name("browse-1_a"));
        assert!(!is_valid_scenario_name(""));
        assert!(!is_valid_scenario_name("a b"));
    }
}
