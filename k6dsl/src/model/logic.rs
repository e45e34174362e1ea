//! Run-time logic in VU code: the conditions branches test, the arithmetic values
//! compute, and the statuses k6 counts as expected rather than failed.
//!
//! Like the rest of the code model these are data, never code text: codegen writes
//! each form (`if (status === 404)`, `price * quantity`, `http.expectedStatuses(...)`).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::vu::Expr;

/// What an `if` tests at run time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Two values compared. Ordering (`<`, `<=`, `>`, `>=`) compares numbers;
    /// `==` and `!=` compare as JavaScript's `===` would, after converting the
    /// value to the other side's type when that side is a literal.
    Compare {
        /// The left side.
        left: Expr,
        /// How they compare.
        op: CompareOp,
        /// The right side.
        right: Expr,
    },
    /// The value is there: neither `undefined` nor `null` (an extraction that
    /// found something).
    Exists(Expr),
    /// The value is `true`: a check's result, a boolean.
    IsTrue(Expr),
    /// The environment variable is set to `true` (`k6 run -e NAME=true`).
    EnvFlag(String),
    /// The condition does not hold.
    Not(Box<Condition>),
    /// Every condition holds (`&&`; true when empty).
    All(Vec<Condition>),
    /// At least one condition holds (`||`; false when empty).
    Any(Vec<Condition>),
}

/// How a [`Step::Mix`](super::vu::Step::Mix) chooses its branch each iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MixMode {
    /// At random, each branch as likely as its weight.
    Random,
    /// By the scenario's iteration number across the whole test
    /// (`exec.scenario.iterationInTest`): with weights 7 and 3, exactly 7 and 3 of
    /// every 10 iterations, also when the test runs on several instances.
    Exact,
}

/// One branch of a [`Step::Mix`](super::vu::Step::Mix).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MixArm {
    /// Its name: the value of the mix's tag on every sample it emits.
    pub name: String,
    /// Its share, relative to the other branches' (at least 1).
    pub weight: u32,
    /// What it runs.
    pub body: super::vu::Block,
}

/// How [`Condition::Compare`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    /// `===`
    Eq,
    /// `!==`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// The JavaScript operator.
    pub fn js(self) -> &'static str {
        match self {
            CompareOp::Eq => "===",
            CompareOp::Ne => "!==",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    /// Whether it orders numbers (rather than testing equality).
    pub fn orders(self) -> bool {
        !matches!(self, CompareOp::Eq | CompareOp::Ne)
    }
}

/// Arithmetic on numbers ([`Expr::Arith`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

impl ArithOp {
    /// The JavaScript operator.
    pub fn js(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Rem => "%",
        }
    }
}

/// A status, or a range of statuses, that k6 counts as expected: a response with
/// another status is a failed request (`http_req_failed`). Without any, k6 expects
/// 200 to 399.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged, deny_unknown_fields)]
pub enum ExpectedStatus {
    /// One status (`404`).
    Code(u16),
    /// Every status from `min` to `max`, both included (`{"min": 200, "max": 299}`).
    Range {
        /// The lowest.
        min: u16,
        /// The highest.
        max: u16,
    },
}

/// What k6 expects when nothing says otherwise: 200 to 399.
pub const DEFAULT_EXPECTED_STATUSES: [ExpectedStatus; 1] =
    [ExpectedStatus::Range { min: 200, max: 399 }];

impl ExpectedStatus {
    /// Whether `status` is expected.
    ///
    /// ```
    /// use k6dsl::model::logic::ExpectedStatus;
    /// assert!(ExpectedStatus::Range { min: 200, max: 299 }.contains(204));
    /// assert!(!ExpectedStatus::Code(404).contains(200));
    /// ```
    pub fn contains(self, status: u16) -> bool {
        match self {
            ExpectedStatus::Code(code) => code == status,
            ExpectedStatus::Range { min, max } => (min..=max).contains(&status),
        }
    }
}

impl From<u16> for ExpectedStatus {
    fn from(code: u16) -> Self {
        ExpectedStatus::Code(code)
    }
}

impl From<std::ops::RangeInclusive<u16>> for ExpectedStatus {
    fn from(range: std::ops::RangeInclusive<u16>) -> Self {
        ExpectedStatus::Range {
            min: *range.start(),
            max: *range.end(),
        }
    }
}

/// What a step does to the VU's cookie jar (`http.cookieJar()`), which k6 fills
/// from responses' `Set-Cookie` and empties between iterations unless the option
/// `noCookiesReset` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CookieOp {
    /// `jar.set(url, name, value)`: sent with later requests to that URL.
    Set {
        /// The URL (parts joined, relative to the base URL like a request's).
        url: Vec<Expr>,
        /// The cookie's name.
        name: String,
        /// Its value.
        value: Expr,
    },
    /// `jar.delete(url, name)`.
    Delete {
        /// The URL.
        url: Vec<Expr>,
        /// The cookie's name.
        name: String,
    },
    /// `jar.clear(url)`: every cookie for the URL.
    Clear {
        /// The URL.
        url: Vec<Expr>,
    },
}

/// An extra module import for [raw JavaScript](super::vu::Step::RawJs): `import
/// def, { a, b } from "from"`. The names are checked identifiers and the module
/// an escaped string; what the statements do with them is not checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawJsImport {
    /// The module: a k6 module (`k6/crypto`), or a URL k6 fetches when it starts
    /// (`https://jslib.k6.io/...`).
    pub from: String,
    /// The default export's local name, if imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Named exports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}
