//! Validation errors: what is wrong, where, and how to fix it.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::model::time::GoDuration;
use crate::model::MetricKind;

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
    /// A file multipart bodies send, by name.
    Upload(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Script => f.write_str("script"),
            Place::Scenario(name) => write!(f, "scenario {}", excerpt(name)),
            Place::Shortcut => f.write_str("top-level shortcut"),
            Place::Threshold(key) => write!(f, "threshold {}", excerpt(key)),
            Place::Metric(name) => write!(f, "metric {}", excerpt(name)),
            Place::Flow(name) => write!(f, "flow {}", excerpt(name)),
            Place::Option(name) => write!(f, "option `{name}`"),
            // Validation writes these with the names already quoted: shorten each.
            Place::Code { function, path } if path.is_empty() => {
                f.write_str(&shorten_quoted(function, &['`']))
            }
            Place::Code { function, path } => write!(
                f,
                "{}, {}",
                shorten_quoted(function, &['`']),
                shorten_quoted(path, &['`'])
            ),
            Place::Data(name) => write!(f, "data set {}", excerpt(name)),
            Place::Upload(name) => write!(f, "upload file {}", excerpt(name)),
        }
    }
}

/// The most characters of one piece of user text (a name, key, value, URL) that a
/// message quotes; longer text is cut there by [`excerpt`].
pub const EXCERPT_CHARS: usize = 100;

/// The most characters of a message part built around user text (a place's path, a
/// reason) that [`shorten_quoted`] keeps when its quotes do not pair up.
pub const MESSAGE_CHARS: usize = 20 * EXCERPT_CHARS;

/// User text quoted for a message: whole when it has at most [`EXCERPT_CHARS`]
/// characters, else its start, an ellipsis, and how long it was, so that a
/// message about a 100 MB name stays short.
///
/// ```
/// use k6dsl::validate::problem::excerpt;
/// assert_eq!(excerpt("checkout").to_string(), "`checkout`");
/// let long = "é".repeat(1_000_000);
/// let shown = excerpt(&long).to_string();
/// assert!(shown.starts_with("`éé") && shown.ends_with("…` (1000000 characters)"), "{shown}");
/// assert_eq!(shown.chars().count(), 1 + 100 + 2 + " (1000000 characters)".len());
/// assert_eq!(excerpt("a\"b").quoted_with('"').to_string(), "\"a\"b\"");
/// ```
pub fn excerpt(text: &str) -> Excerpt<'_> {
    Excerpt { text, mark: '`' }
}

/// User text as a message quotes it: see [`excerpt`].
#[derive(Debug, Clone, Copy)]
pub struct Excerpt<'a> {
    text: &'a str,
    mark: char,
}

impl Excerpt<'_> {
    /// The same excerpt between `mark`s instead of backticks.
    pub fn quoted_with(self, mark: char) -> Self {
        Excerpt { mark, ..self }
    }
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = self.mark;
        match self.text.char_indices().nth(EXCERPT_CHARS) {
            None => write!(f, "{mark}{}{mark}", self.text),
            Some((cut, _)) => {
                // Counting is linear but allocates nothing.
                let length = self.text.chars().count();
                write!(
                    f,
                    "{mark}{}…{mark} ({length} characters)",
                    &self.text[..cut]
                )
            }
        }
    }
}

/// `text` with every run between two of the same `marks` longer than
/// [`EXCERPT_CHARS`] cut as [`excerpt`] cuts it, for messages that already quote
/// user text (`group `Cart`, request `add``, a parser's `invalid type: string
/// "…"`). Should the marks not pair up (user text holding a mark itself), the whole
/// result is cut to [`MESSAGE_CHARS`], so that it stays short in any case.
///
/// ```
/// use k6dsl::validate::problem::shorten_quoted;
/// assert_eq!(shorten_quoted("group `Cart`, request `add`", &['`']), "group `Cart`, request `add`");
/// let long = format!("request `{}`: slow", "x".repeat(500));
/// assert_eq!(
///     shorten_quoted(&long, &['`']),
///     format!("request `{}…` (500 characters): slow", "x".repeat(100))
/// );
/// let unpaired = format!("`{}", "y".repeat(5_000));
/// assert!(shorten_quoted(&unpaired, &['`']).ends_with("… (5001 characters in all)"));
/// ```
pub fn shorten_quoted<'a>(text: &'a str, marks: &[char]) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for &mark in marks {
        if let Some(shorter) = shorten_runs(&out, mark) {
            out = Cow::Owned(shorter);
        }
    }
    if let Some((cut, _)) = out.char_indices().nth(MESSAGE_CHARS) {
        // Marks that do not pair up: cut the whole.
        let length = text.chars().count();
        let mut whole = out[..cut].to_owned();
        whole.push_str(&format!("… ({length} characters in all)"));
        out = Cow::Owned(whole);
    }
    out
}

/// `text` with its long runs between `mark`s cut, or `None` when none is long.
fn shorten_runs(text: &str, mark: char) -> Option<String> {
    let long = |run: &str| run.len() > EXCERPT_CHARS && run.chars().nth(EXCERPT_CHARS).is_some();
    let mut pieces = text.split(mark);
    // Runs alternate: unquoted, quoted, unquoted, ... A last run with no closing
    // mark is unquoted.
    let closed = text.matches(mark).count() / 2;
    if !text.split(mark).skip(1).step_by(2).take(closed).any(long) {
        return None;
    }
    let mut out = String::new();
    out.push_str(pieces.next().unwrap_or_default());
    let mut pieces = pieces.peekable();
    while let Some(run) = pieces.next() {
        match pieces.peek() {
            Some(_) => {
                out.push_str(&excerpt(run).quoted_with(mark).to_string());
                out.push_str(pieces.next().unwrap_or_default());
            }
            None => {
                out.push(mark);
                out.push_str(run);
            }
        }
        if out.len() > 4 * MESSAGE_CHARS {
            // The rest is cut with the whole.
            break;
        }
    }
    Some(out)
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
                write!(f, "{what} {} is not allowed: {rule}", excerpt(name))
            }
            Problem::Duplicate { what, name } => {
                write!(f, "{what} {} is used more than once", excerpt(name))
            }
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
                "exec {} names no flow of this script: add the flow or fix the name",
                excerpt(name)
            ),
            Problem::InvalidTag { key, value, reason } => {
                write!(f, "tag {} = {}: {reason}", excerpt(key), excerpt(value))
            }
            Problem::StatNotForKind { stat, kind } => write!(
                f,
                "{} does not apply to a {kind:?} metric (k6 allows: {})",
                excerpt(stat),
                k6dsl_facts::metric::stats_by_kind()
            ),
            Problem::PercentileOutOfRange { value } => {
                write!(f, "percentile p({value}) must be between 0 and 100")
            }
            Problem::NotFinite { field, value } => {
                write!(f, "{field} ({value}) must be a finite number")
            }
            Problem::UnknownMetric { name } => write!(
                f,
                "no metric {} exists: it is not built in and the script declares no custom metric of that name",
                excerpt(name)
            ),
            Problem::KindMismatch { name, actual, used } => write!(
                f,
                "metric {} is a {actual:?}, but is used as a {used:?}",
                excerpt(name)
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
                "k6 reads this key and {} as the same sub-metric: merge them",
                excerpt(other)
            ),
            Problem::Invalid { field, reason } => {
                // Validation quotes user text (headers, URLs, keys) in backticks.
                write!(f, "{field}: {}", shorten_quoted(reason, &['`']))
            }
        }
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// Where.
    pub place: Place,
    /// What.
    pub problem: Problem,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.problem)
    }
}

impl std::error::Error for ValidationError {}

/// Every problem found in a model, in model order. Never empty: the only ways to
/// make one take at least one problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Errors(Vec<ValidationError>);

impl Errors {
    /// The problems as an `Errors`, or `None` when there are none.
    pub(crate) fn from_vec(errors: Vec<ValidationError>) -> Option<Errors> {
        (!errors.is_empty()).then_some(Errors(errors))
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// The first problem (there is always one).
    pub fn first(&self) -> &ValidationError {
        &self.0[0]
    }

    /// How many (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: an `Errors` holds at least one problem.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl IntoIterator for Errors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;
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
