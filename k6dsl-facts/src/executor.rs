//! k6's executors and their fields (k6 v1.1.0, `lib/executor/*.go`), the fields
//! every scenario has, and the rule for scenario names.
//!
//! Each executor and field has two spellings: k6's (`constant-arrival-rate`,
//! `preAllocatedVUs`) and the Rust one k6dsl's builders, macros and plans use
//! (`constant_arrival_rate`, `pre_allocated_vus`).
//!
//! ```
//! use k6dsl_facts::executor::{executor, FieldValue};
//!
//! let rate = executor("constant_arrival_rate").unwrap();
//! assert_eq!(rate.k6_name, "constant-arrival-rate");
//! let required: Vec<&str> = rate.required_fields().map(|f| f.name).collect();
//! assert_eq!(required, ["rate", "duration", "pre_allocated_vus"]);
//! assert_eq!(rate.field("time_unit").unwrap().value, FieldValue::Duration);
//! ```

/// What a count measures, which fixes its range in k6dsl: VUs fit a `u32`,
/// iterations and iteration rates a `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Virtual users.
    Vus,
    /// Iterations, in total or per time unit.
    Iterations,
}

/// The value an executor field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue {
    /// A whole number; `positive` when k6 requires it to be above zero.
    Count {
        /// VUs or iterations.
        of: Counted,
        /// k6 refuses 0.
        positive: bool,
    },
    /// A duration.
    Duration,
    /// Stages: `{duration, target}` pairs, at least one; targets count `of`.
    Stages {
        /// VUs (ramping-vus) or iterations per time unit (ramping-arrival-rate).
        of: Counted,
    },
}

/// One field of an executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The Rust spelling (`pre_allocated_vus`).
    pub name: &'static str,
    /// k6's spelling (`preAllocatedVUs`).
    pub k6_name: &'static str,
    /// What it takes.
    pub value: FieldValue,
    /// Why k6 requires it, when it does.
    pub required: Option<&'static str>,
    /// k6's default, as k6 documents it, when the field is optional.
    pub default: Option<&'static str>,
}

/// One of k6's executors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Executor {
    /// The Rust spelling (`constant_arrival_rate`).
    pub name: &'static str,
    /// k6's spelling (`constant-arrival-rate`).
    pub k6_name: &'static str,
    /// Its own fields, beside the ones every scenario has ([`SCENARIO_FIELDS`]).
    pub fields: &'static [Field],
    /// Whether k6 v2 removed it (externally-controlled).
    pub removed_in_k6_v2: bool,
}

impl Executor {
    /// The field of this Rust name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The fields k6 requires, in order.
    pub fn required_fields(&self) -> impl Iterator<Item = &'static Field> {
        self.fields.iter().filter(|field| field.required.is_some())
    }

    /// The Rust names of its fields, in order.
    pub fn field_names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|field| field.name).collect()
    }
}

const fn optional(
    name: &'static str,
    k6_name: &'static str,
    value: FieldValue,
    default: &'static str,
) -> Field {
    Field {
        name,
        k6_name,
        value,
        required: None,
        default: Some(default),
    }
}

const fn required(
    name: &'static str,
    k6_name: &'static str,
    value: FieldValue,
    why: &'static str,
) -> Field {
    Field {
        name,
        k6_name,
        value,
        required: Some(why),
        default: None,
    }
}

const VUS: FieldValue = FieldValue::Count {
    of: Counted::Vus,
    positive: false,
};
const POSITIVE_VUS: FieldValue = FieldValue::Count {
    of: Counted::Vus,
    positive: true,
};
const ITERATIONS: FieldValue = FieldValue::Count {
    of: Counted::Iterations,
    positive: false,
};
const POSITIVE_ITERATIONS: FieldValue = FieldValue::Count {
    of: Counted::Iterations,
    positive: true,
};
const DURATION: FieldValue = FieldValue::Duration;

const NEEDS_PRE_ALLOCATED_VUS: &str =
    "k6 requires preAllocatedVUs for constant-arrival-rate and ramping-arrival-rate";

// The fields that mean the same in every executor that has them, by name, so that
// messages and mappings name them without spelling them again.

/// `maxDuration`: the hard stop of the iteration-based executors.
pub const MAX_DURATION: Field = optional("max_duration", "maxDuration", DURATION, "10m");
/// `gracefulRampDown`: time given to iterations of VUs being ramped down.
pub const GRACEFUL_RAMP_DOWN: Field =
    optional("graceful_ramp_down", "gracefulRampDown", DURATION, "30s");
/// `preAllocatedVUs`: VUs the arrival-rate executors initialise before the start.
pub const PRE_ALLOCATED_VUS: Field = required(
    "pre_allocated_vus",
    "preAllocatedVUs",
    VUS,
    NEEDS_PRE_ALLOCATED_VUS,
);
/// `timeUnit`: the period of an arrival rate.
pub const TIME_UNIT: Field = optional("time_unit", "timeUnit", DURATION, "1s");
/// `startVUs`: the VUs ramping-vus starts with.
pub const START_VUS: Field = optional("start_vus", "startVUs", VUS, "1");
/// `startRate`: the rate ramping-arrival-rate starts with.
pub const START_RATE: Field = optional("start_rate", "startRate", ITERATIONS, "0");

/// k6's executors (k6 v1.1.0). The rules beyond presence and sign (`iterations >=
/// vus`, durations of at least 1s, `maxVUs >= preAllocatedVUs`, ...) are checked
/// by k6dsl's validation.
pub const EXECUTORS: &[Executor] = &[
    Executor {
        name: "shared_iterations",
        k6_name: "shared-iterations",
        fields: &[
            optional("vus", "vus", POSITIVE_VUS, "1"),
            optional("iterations", "iterations", POSITIVE_ITERATIONS, "1"),
            MAX_DURATION,
        ],
        removed_in_k6_v2: false,
    },
    Executor {
        name: "per_vu_iterations",
        k6_name: "per-vu-iterations",
        fields: &[
            optional("vus", "vus", POSITIVE_VUS, "1"),
            optional("iterations", "iterations", POSITIVE_ITERATIONS, "1"),
            MAX_DURATION,
        ],
        removed_in_k6_v2: false,
    },
    Executor {
        name: "constant_vus",
        k6_name: "constant-vus",
        fields: &[
            optional("vus", "vus", POSITIVE_VUS, "1"),
            required(
                "duration",
                "duration",
                DURATION,
                "k6 requires a duration for constant-vus",
            ),
        ],
        removed_in_k6_v2: false,
    },
    Executor {
        name: "ramping_vus",
        k6_name: "ramping-vus",
        fields: &[
            START_VUS,
            required(
                "stages",
                "stages",
                FieldValue::Stages { of: Counted::Vus },
                "k6 requires at least one stage for ramping-vus",
            ),
            GRACEFUL_RAMP_DOWN,
        ],
        removed_in_k6_v2: false,
    },
    Executor {
        name: "constant_arrival_rate",
        k6_name: "constant-arrival-rate",
        fields: &[
            required(
                "rate",
                "rate",
                POSITIVE_ITERATIONS,
                "k6 requires a rate (iterations per time unit) for constant-arrival-rate",
            ),
            TIME_UNIT,
            required(
                "duration",
                "duration",
                DURATION,
                "k6 requires a duration for constant-arrival-rate",
            ),
            PRE_ALLOCATED_VUS,
            optional("max_vus", "maxVUs", VUS, "preAllocatedVUs"),
        ],
        removed_in_k6_v2: false,
    },
    Executor {
        name: "ramping_arrival_rate",
        k6_name: "ramping-arrival-rate",
        fields: &[
            START_RATE,
            TIME_UNIT,
            required(
                "stages",
                "stages",
                FieldValue::Stages {
                    of: Counted::Iterations,
                },
                "k6 requires at least one stage for ramping-arrival-rate",
            ),
            PRE_ALLOCATED_VUS,
            optional("max_vus", "maxVUs", VUS, "preAllocatedVUs"),
        ],
        removed_in_k6_v2: false,
    },
    Executor {
        name: "externally_controlled",
        k6_name: "externally-controlled",
        fields: &[
            optional("vus", "vus", VUS, "0"),
            optional("max_vus", "maxVUs", VUS, "vus"),
            required(
                "duration",
                "duration",
                DURATION,
                "k6 requires a duration for externally-controlled (0s runs until stopped)",
            ),
        ],
        removed_in_k6_v2: true,
    },
];

/// The executor of this Rust name (`constant_vus`).
///
/// ```
/// assert_eq!(k6dsl_facts::executor::executor("constant_vus").unwrap().k6_name, "constant-vus");
/// assert!(k6dsl_facts::executor::executor("constant-vus").is_none());
/// ```
pub fn executor(name: &str) -> Option<&'static Executor> {
    EXECUTORS.iter().find(|executor| executor.name == name)
}

/// The executor k6 names `k6_name` (`constant-vus`).
///
/// ```
/// assert_eq!(k6dsl_facts::executor::by_k6_name("ramping-vus").unwrap().name, "ramping_vus");
/// ```
pub fn by_k6_name(k6_name: &str) -> Option<&'static Executor> {
    EXECUTORS
        .iter()
        .find(|executor| executor.k6_name == k6_name)
}

/// The Rust names of every executor, in order.
pub fn executor_names() -> Vec<&'static str> {
    EXECUTORS.iter().map(|executor| executor.name).collect()
}

/// A field every scenario has, whatever its executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioField {
    /// The Rust spelling (`graceful_stop`).
    pub name: &'static str,
    /// k6's spelling (`gracefulStop`).
    pub k6_name: &'static str,
}

/// The fields common to every scenario. `executor` is required; `startTime` (>=
/// 0, default 0) and `gracefulStop` (>= 0, default 30s) are durations; `exec`
/// names an exported function other than `options` (default `default`); `env` and
/// `tags` map strings to strings (an empty tag name crashes k6); `options` takes
/// only `{browser: {...}}`. Unknown keys inside a scenario are errors in k6.
pub const SCENARIO_FIELDS: &[ScenarioField] = &[
    ScenarioField {
        name: "executor",
        k6_name: "executor",
    },
    ScenarioField {
        name: "start_time",
        k6_name: "startTime",
    },
    ScenarioField {
        name: "graceful_stop",
        k6_name: "gracefulStop",
    },
    ScenarioField {
        name: "exec",
        k6_name: "exec",
    },
    ScenarioField {
        name: "env",
        k6_name: "env",
    },
    ScenarioField {
        name: "tags",
        k6_name: "tags",
    },
    ScenarioField {
        name: "options",
        k6_name: "options",
    },
];

/// Whether `name` is one k6 accepts for a scenario: `^[0-9a-zA-Z_-]+$`.
///
/// ```
/// use k6dsl_facts::executor::is_valid_scenario_name;
/// assert!(is_valid_scenario_name("browse-1_a"));
/// assert!(!is_valid_scenario_name("my scenario"));
/// assert!(!is_valid_scenario_name(""));
/// ```
pub fn is_valid_scenario_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The most VUs a ramp may reach: startVUs and stage targets of ramping-vus and of
/// the `stages` shortcut (k6 does not cap arrival rates).
pub const MAX_STAGE_TARGET: u64 = 100_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_spellings_agree() {
        for executor in EXECUTORS {
            assert_eq!(executor.k6_name.replace('-', "_"), executor.name);
            for field in executor.fields {
                // `preAllocatedVUs` and `startVUs` write VUs in capitals.
                let k6 = field.k6_name.replace("VUs", "Vus");
                let mut snake = String::new();
                for c in k6.chars() {
                    if c.is_ascii_uppercase() {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                }
                assert_eq!(snake, field.name, "{}", executor.name);
                assert!(field.required.is_some() != field.default.is_some());
            }
        }
        for field in SCENARIO_FIELDS {
            assert_eq!(field.k6_name.to_lowercase(), field.name.replace('_', ""));
        }
    }

    #[test]
    fn lookups_by_either_name() {
        for executor in EXECUTORS {
            assert_eq!(super::executor(executor.name), Some(executor));
            assert_eq!(by_k6_name(executor.k6_name), Some(executor));
        }
        assert_eq!(executor_names().len(), 7);
    }
}
