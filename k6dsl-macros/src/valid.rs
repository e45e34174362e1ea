//! The validation pass: walks a parsed tree once, in source order, and records in
//! a [`Ctxt`] every mistake with the span of the user's tokens: the pieces that
//! did not parse, and what k6's facts refuse (an unknown executor or field, a
//! missing required field, a malformed duration, a percentile outside 0..=100, a
//! statistic a built-in metric's kind lacks, two scenarios with one name).
//!
//! It never stops at the first mistake, and it never panics.

pub mod flow;
pub mod scenario;
pub mod thresholds;

use std::str::FromStr;

use k6dsl_facts::executor::Counted;
use syn::{Expr, Ident, Lit};

use crate::ast::{Map, MapKey, Parsed};
use crate::ctxt::Ctxt;
use crate::lit::{self, Written};

/// The tree of a piece that parsed; a piece that did not is reported here.
pub fn parsed<'a, T>(cx: &Ctxt, piece: &'a Parsed<T>) -> Option<&'a T> {
    match piece {
        Ok(tree) => Some(tree),
        Err(error) => {
            cx.syn_error(error.clone());
            None
        }
    }
}

/// The fields of one list met so far, to report one given twice.
#[derive(Default)]
pub struct Seen(Vec<String>);

impl Seen {
    /// Notes `key`, reporting it when it was given before.
    pub fn note(&mut self, cx: &Ctxt, key: &Ident) {
        let name = key.to_string();
        if self.had(&name) {
            cx.error(key.span(), format!("`{name}` is given twice"));
        } else {
            self.0.push(name);
        }
    }

    /// Counts `name` as given (a misspelt field's likely meaning, so that it is
    /// not also reported missing).
    pub fn add(&mut self, name: &str) {
        self.0.push(name.to_owned());
    }

    pub fn had(&self, name: &str) -> bool {
        self.0.iter().any(|seen| seen == name)
    }
}

/// A `std::time::Duration` value: a literal (`30s`, read here) or any Rust
/// expression of that type.
pub fn duration(cx: &Ctxt, expr: &Expr) {
    match lit::written(expr) {
        Written::Literal(lit @ (Lit::Int(_) | Lit::Float(_))) => {
            if let Err(message) = lit::duration(lit) {
                cx.error(lit.span(), message);
            }
        }
        Written::Literal(other) => cx.error(
            other.span(),
            "expected a duration such as `30s`, `1m30s` or `500ms`",
        ),
        Written::Negative => cx.error(
            crate::ast::span_of(expr),
            "a duration cannot be negative",
        ),
        Written::Rust if lit::has_unit_literal(expr) => cx.error(
            crate::ast::span_of(expr),
            "expected one duration such as `30s`, `1m30s` or `500ms` (a range like `1s..3s` is for `think`)",
        ),
        Written::Rust => {}
    }
}

/// A whole number of type `T`: a literal (read here; `positive` refuses 0) or
/// any Rust expression, passed through.
pub fn count<T>(cx: &Ctxt, expr: &Expr, what: &str, positive: bool)
where
    T: FromStr + PartialEq + Default,
    T::Err: std::fmt::Display,
{
    match lit::written(expr) {
        Written::Literal(Lit::Int(int)) => {
            if let Err(message) = lit::count::<T>(int, what, positive) {
                cx.error(int.span(), message);
            }
        }
        Written::Literal(other) => {
            cx.error(other.span(), format!("expected {what} as a whole number"));
        }
        Written::Negative => cx.error(
            crate::ast::span_of(expr),
            format!("{what} cannot be negative"),
        ),
        Written::Rust => {}
    }
}

/// A count of VUs (`u32` in the builders) or of iterations (`u64`).
pub fn count_of(cx: &Ctxt, expr: &Expr, what: &str, counted: Counted, positive: bool) {
    match counted {
        Counted::Vus => count::<u32>(cx, expr, what, positive),
        Counted::Iterations => count::<u64>(cx, expr, what, positive),
    }
}

/// A `{ key: value }` map: keys are names or strings, each given once; the keys
/// of tags and env (`string_keys`) may not be empty, which crashes k6.
pub fn map(cx: &Ctxt, map: &Map, what: &str, refuse_empty_keys: bool) {
    let mut keys: Vec<String> = Vec::new();
    for entry in &map.entries.items {
        let Some((key, _)) = parsed(cx, entry) else {
            continue;
        };
        if let MapKey::Other(lit) = key {
            cx.error(lit.span(), format!("a {what} key is a name or a string"));
            continue;
        }
        let text = key.as_lit_str().value();
        if keys.contains(&text) {
            cx.error(key.span(), format!("{what} key `{text}` is given twice"));
        } else {
            keys.push(text.clone());
        }
        if refuse_empty_keys && text.is_empty() {
            cx.error(
                key.span(),
                format!("a {what} key cannot be empty: k6 crashes on it"),
            );
        }
    }
}

/// The name for `value`'s alternatives (`gzip` of `Compression`), checked when it
/// is written as a name or a string.
pub fn variant(cx: &Ctxt, expr: &Expr, what: &str, variants: &[(&str, &str)]) {
    let names: Vec<&str> = variants.iter().map(|(name, _)| *name).collect();
    if let Some(name) = crate::ast::literal_text(expr) {
        let text = name.value();
        if !names.contains(&text.as_str()) {
            cx.error(
                name.span(),
                format!(
                    "unknown {what} `{text}`{}; use {}",
                    crate::suggest::suggestion(&text, &names),
                    names.join(", ")
                ),
            );
        }
    }
}
