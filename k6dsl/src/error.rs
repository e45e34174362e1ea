//! Validation errors: what is wrong, where, and how to fix it.

use std::fmt;
use std::time::Duration;

use crate::ir::MetricKind;
use crate::time::GoDuration;

/// Where in the model a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The script as a whole.
    Script,
    /// A scenario, by name.
    Scenario(String),
    /// The top-level execution shortcut.
    Shortcut,
    /// A threshold, by its key (`http_req_duration{endpoint:login}`).
    Threshold(String),
    /// A custom metric declaration, by name.
    Metric(String),
    /// An exported flow function, by name.
    Flow(String),
    /// A top-level option, by its k6 name (`setupTimeout`).
    Option(&'static str),
    /// A step of VU code: the function (`flow `browse``, `setup()`) and the path to
    /// the step inside it (`group `Cart`, request `add_item``).
    Code {
        /// The function.
        function: String,
        /// Groups and step, comma-separated.
        path: String,
    },
    /// A data set, by name.
    Data(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Script => f.write_str("script"),
            Place::Scenario(name) => write!(f, "scenario `{name}`"),
            Place::Shortcut => f.write_str("top-level shortcut"),
            Place::Threshold(key) => write!(f, "threshold `{key}`"),
            Place::Metric(name) => write!(f, "metric `{name}`"),
            Place::Flow(name) => write!(f, "flow `{name}`"),
            Place::Option(name) => write!(f, "option `{name}`"),
            Place::Code { function, path } if path.is_empty() => f.write_str(function),
            Place::Code { function, path } => write!(f, "{function}, {path}"),
            Place::Data(name) => write!(f, "data set `{name}`"),
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Problem {
    /// A name breaks k6's or JavaScript's rule for it.
    InvalidName {
        /// What was being named.
        what: &'static str,
        /// The name given.
        name: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// Two things share a name that must be unique.
    Duplicate {
        /// What was being named.
        what: &'static str,
        /// The shared name.
        name: String,
    },
    /// A count k6 requires to be positive is zero.
    NotPositive {
        /// The field, in k6's spelling.
        field: &'static str,
    },
    /// A duration is shorter than k6 allows.
    TooShort {
        /// The field, in k6's spelling.
        field: &'static str,
        /// The duration given.
        value: Duration,
        /// The least k6 accepts.
        min: Duration,
    },
    /// One count is less than another that bounds it.
    LessThan {
        /// The field, in k6's spelling.
        field: &'static str,
        /// Its value.
        value: u64,
        /// The bounding field.
        other: &'static str,
        /// Its value.
        other_value: u64,
    },
    /// A number is larger than k6 (or JavaScript) can take.
    TooLarge {
        /// The field, in k6's spelling.
        field: &'static str,
        /// Its value.
        value: u64,
        /// The largest allowed.
        max: u64,
    },
    /// A ramping executor or shortcut has no stages.
    NoStages,
    /// Every stage target, and the start value, is zero: k6 rejects it or runs nothing.
    NoPositiveTarget {
        /// The start field (`startVUs`, `startRate`).
        start_field: &'static str,
    },
    /// An arrival-rate executor with no VUs at all silently runs nothing.
    NoVus,
    /// externally-controlled takes no gracefulStop.
    GracefulStopForbidden,
    /// `exec` names no flow of the script.
    UnknownExec {
        /// The name given.
        name: String,
    },
    /// A tag (or environment variable) key or value k6 cannot handle.
    InvalidTag {
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// A threshold statistic the metric's kind does not have.
    StatNotForKind {
        /// The statistic (`avg`).
        stat: String,
        /// The metric's kind.
        kind: MetricKind,
    },
    /// A percentile outside [0, 100].
    PercentileOutOfRange {
        /// The value given.
        value: f64,
    },
    /// A number that is NaN or infinite.
    NotFinite {
        /// The field.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// A threshold names a metric that is neither built in nor declared.
    UnknownMetric {
        /// The metric name.
        name: String,
    },
    /// A metric is used with another kind than it has.
    KindMismatch {
        /// The metric name.
        name: String,
        /// The kind it has.
        actual: MetricKind,
        /// The kind it is used as.
        used: MetricKind,
    },
    /// A custom metric takes the name of a built-in one.
    BuiltinClash {
        /// The built-in metric's kind.
        kind: MetricKind,
    },
    /// The same custom metric is declared twice, differently.
    ConflictingDeclarations,
    /// `delayAbortEval` without `abortOnFail` does nothing.
    DelayWithoutAbort,
    /// Two threshold keys k6 would read as the same sub-metric.
    SameSubMetric {
        /// The other key.
        other: String,
    },
    /// Any other value k6 would reject, with the reason in k6's words.
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::InvalidName { what, name, rule } => {
                write!(f, "{what} `{name}` is not allowed: {rule}")
            }
            Problem::Duplicate { what, name } => write!(f, "{what} `{name}` is used more than once"),
            Problem::NotPositive { field } => write!(f, "{field} must be greater than 0"),
            Problem::TooShort { field, value, min } => write!(
                f,
                "{field} ({}) must be at least {}",
                GoDuration(*value),
                GoDuration(*min)
            ),
            Problem::LessThan {
                field,
                value,
                other,
                other_value,
            } => write!(f, "{field} ({value}) is less than {other} ({other_value})"),
            Problem::TooLarge { field, value, max } => {
                write!(f, "{field} ({value}) is larger than {max}")
            }
            Problem::NoStages => f.write_str("stages must have at least one stage"),
            Problem::NoPositiveTarget { start_field } => write!(
                f,
                "either {start_field} or one of the stages' targets must be greater than 0"
            ),
            Problem::NoVus => f.write_str(
                "preAllocatedVUs and maxVUs are both 0, so no iteration can ever start: pre-allocate at least one VU",
            ),
            Problem::GracefulStopForbidden => f.write_str(
                "externally-controlled does not take gracefulStop: remove it",
            ),
            Problem::UnknownExec { name } => write!(
                f,
                "exec `{name}` names no flow of this script: add the flow or fix the name"
            ),
            Problem::InvalidTag { key, value, reason } => {
                write!(f, "tag `{key}` = `{value}`: {reason}")
            }
            Problem::StatNotForKind { stat, kind } => write!(
                f,
                "`{stat}` does not apply to a {kind:?} metric (k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value)"
            ),
            Problem::PercentileOutOfRange { value } => {
                write!(f, "percentile p({value}) must be between 0 and 100")
            }
            Problem::NotFinite { field, value } => {
                write!(f, "{field} ({value}) must be a finite number")
            }
            Problem::UnknownMetric { name } => write!(
                f,
                "no metric `{name}` exists: it is not built in and the script declares no custom metric of that name"
            ),
            Problem::KindMismatch { name, actual, used } => write!(
                f,
                "metric `{name}` is a {actual:?}, but is used as a {used:?}"
            ),
            Problem::BuiltinClash { kind } => write!(
                f,
                "the name belongs to k6's built-in {kind:?} metric: choose another name"
            ),
            Problem::ConflictingDeclarations => f.write_str(
                "declared more than once with different kinds or time flags: a k6 metric has one kind",
            ),
            Problem::DelayWithoutAbort => f.write_str(
                "delayAbortEval has no effect without abortOnFail: add .abort_on_fail() or remove the delay",
            ),
            Problem::SameSubMetric { other } => write!(
                f,
                "k6 reads this key and `{other}` as the same sub-metric: merge them"
            ),
            Problem::Invalid { field, reason } => write!(f, "{field}: {reason}"),
        }
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// Where.
    pub place: Place,
    /// What.
    pub problem: Problem,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.problem)
    }
}

impl std::error::Error for Error {}

/// Every problem found in a model, in model order. Never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: an `Errors` holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        write!(
            f,
            "the k6 test has {count} problem{}:",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            write!(f, "\n  - {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}
