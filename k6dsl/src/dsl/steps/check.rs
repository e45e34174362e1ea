//! Named checks on a response.

use super::*;

/// A named check on a response. The name is what k6 reports; each constructor gives
/// a readable default that [`named`](Check::named) replaces.
///
/// ```
/// use k6dsl::prelude::*;
/// let c = Check::status(200);
/// assert_eq!(c.name(), "status is 200");
/// let c = Check::duration_below(millis(500)).named("fast enough");
/// assert_eq!(c.name(), "fast enough");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Check(pub(super) ir_code::Check);

impl Check {
    fn new(name: String, predicate: Predicate) -> Self {
        Check(ir_code::Check { name, predicate })
    }

    /// The status is `code`.
    pub fn status(code: u16) -> Self {
        Self::new(format!("status is {code}"), Predicate::Status(code))
    }

    /// The status is one of `codes`.
    pub fn status_in(codes: impl IntoIterator<Item = u16>) -> Self {
        let codes: Vec<u16> = codes.into_iter().collect();
        let list: Vec<String> = codes.iter().map(u16::to_string).collect();
        Self::new(
            format!("status is one of {}", list.join(", ")),
            Predicate::StatusIn(codes),
        )
    }

    /// The response has the header.
    pub fn header_present(name: impl Into<String>) -> Self {
        let name = name.into();
        Self::new(format!("has header {name}"), Predicate::HeaderPresent(name))
    }

    /// The header's value contains `text`.
    pub fn header_contains(name: impl Into<String>, text: impl Into<String>) -> Self {
        let (name, text) = (name.into(), text.into());
        Self::new(
            format!("{name} contains {text}"),
            Predicate::HeaderContains(name, text),
        )
    }

    /// The body contains `text`.
    pub fn body_contains(text: impl Into<String>) -> Self {
        let text = text.into();
        Self::new(
            format!("body contains {text}"),
            Predicate::BodyContains(text),
        )
    }

    /// The body matches a JavaScript regular expression.
    pub fn body_matches(pattern: impl Into<String>) -> Self {
        let pattern = pattern.into();
        Self::new(
            format!("body matches {pattern}"),
            Predicate::BodyMatches(pattern),
        )
    }

    /// The JSON body has a value at `path` (k6's `r.json()` selector: `products.0.id`).
    pub fn json_exists(path: impl Into<String>) -> Self {
        let path = path.into();
        Self::new(format!("body has {path}"), Predicate::JsonExists(path))
    }

    /// The JSON body's value at `path` equals `expected`.
    pub fn json_equals(path: impl Into<String>, expected: impl Into<JsonScalar>) -> Self {
        let (path, expected) = (path.into(), expected.into());
        let shown = match &expected {
            JsonScalar::Null => "null".to_owned(),
            JsonScalar::Bool(b) => b.to_string(),
            JsonScalar::Num(n) => crate::model::plain_number(*n),
            JsonScalar::Str(s) => s.clone(),
        };
        Self::new(
            format!("{path} is {shown}"),
            Predicate::JsonEquals(path, expected),
        )
    }

    /// The response took less than `limit`.
    pub fn duration_below(limit: Duration) -> Self {
        Self::new(
            format!("response time < {}", crate::model::time::GoDuration(limit)),
            Predicate::DurationBelow(limit),
        )
    }

    /// Escape hatch: a JavaScript expression over the response `r`, emitted verbatim.
    /// It is the one place user text becomes code; prefer the typed checks. In
    /// TypeScript output it must also be valid strict TypeScript (`r.body` may be
    /// null there: write `String(r.body).length`).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let c = Check::raw_js("small body", "r.body.length < 1024");
    /// ```
    pub fn raw_js(name: impl Into<String>, expression: impl Into<String>) -> Self {
        Self::new(name.into(), Predicate::RawJs(expression.into()))
    }

    /// Replaces the check's name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.0.name = name.into();
        self
    }

    /// The check's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
}

impl From<&str> for JsonScalar {
    fn from(s: &str) -> Self {
        JsonScalar::Str(s.to_owned())
    }
}
impl From<String> for JsonScalar {
    fn from(s: String) -> Self {
        JsonScalar::Str(s)
    }
}
impl From<f64> for JsonScalar {
    fn from(n: f64) -> Self {
        JsonScalar::Num(n)
    }
}
impl From<i32> for JsonScalar {
    fn from(n: i32) -> Self {
        JsonScalar::Num(n.into())
    }
}
impl From<bool> for JsonScalar {
    fn from(b: bool) -> Self {
        JsonScalar::Bool(b)
    }
}
