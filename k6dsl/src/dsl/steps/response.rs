//! A sent request's response, and the values extracted from it.

use super::*;

/// A sent request's response: extracts values for later steps.
pub struct Response {
    pub(super) state: Rc<RefCell<FunctionState>>,
    pub(super) id: usize,
}

impl Response {
    fn extract(&self, hint: String, from: Source) -> Value {
        let mut state = self.state.borrow_mut();
        let var = state.var(hint);
        state.extractions[self.id].push(Extraction {
            var: var.clone(),
            from,
        });
        Value(Expr::Var(var), Origin(Some(Rc::clone(&self.state))))
    }

    /// The value at a path of the JSON body (k6's `r.json(path)`: `user.id`,
    /// `products.0.id`).
    pub fn json(&self, path: impl Into<String>) -> Value {
        let path = path.into();
        self.extract(hint_from(&path), Source::JsonPath(path))
    }

    /// A response header's value.
    pub fn header(&self, name: impl Into<String>) -> Value {
        let name = name.into();
        self.extract(hint_from(&name), Source::Header(name))
    }

    /// The body text between two markers.
    pub fn between(&self, left: impl Into<String>, right: impl Into<String>) -> Value {
        self.extract(
            "extracted".into(),
            Source::Between(left.into(), right.into()),
        )
    }

    /// A capture group (0 = the whole match) of a JavaScript regular expression over
    /// the body.
    pub fn regex(&self, pattern: impl Into<String>, group: u32) -> Value {
        self.extract(
            "matched".into(),
            Source::Regex {
                pattern: pattern.into(),
                group,
            },
        )
    }
}

/// A variable name from a path: `products.0.id` → `id`, `X-Request-Id` → `xRequestId`.
pub(super) fn hint_from(path: &str) -> String {
    let last = path
        .rsplit(['.', '/'])
        .find(|seg| seg.chars().any(|c| c.is_ascii_alphabetic()))
        .unwrap_or("value");
    let mut hint = String::new();
    let mut upper = false;
    for c in last.chars() {
        if c.is_ascii_alphanumeric() {
            if hint.is_empty() {
                if c.is_ascii_alphabetic() {
                    hint.extend(c.to_lowercase());
                }
            } else if upper {
                hint.extend(c.to_uppercase());
            } else {
                hint.push(c);
            }
            upper = false;
        } else {
            upper = !hint.is_empty();
        }
    }
    if hint.is_empty() {
        "value".into()
    } else {
        hint
    }
}

/// The response's status and the checks' result, as values for conditions.
impl Response {
    /// The response's status (a number; 0 when the request could not connect).
    pub fn status(&self) -> Value {
        self.extract("status".into(), Source::Status)
    }

    /// Whether every check on the request passed (what `check()` returned): the
    /// request needs at least one check.
    pub fn checks_passed(&self) -> Value {
        self.extract("passed".into(), Source::ChecksPassed)
    }
}
