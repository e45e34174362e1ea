//! Variable names: reserved, fresh per module and per function, and identifiers
//! made from any text.

use std::collections::{BTreeMap, BTreeSet};

use crate::codegen::js::is_identifier;
use crate::model::vu::Var;

/// Variable names: module-level ones, and per function.
///
/// A function's names are only its own; its fresh names are kept clear of the
/// module's too, which are not copied per function (a copy per function made
/// generation quadratic in the number of flows).
#[derive(Debug, Clone, Default)]
pub struct Names {
    taken: BTreeSet<String>,
    pub(super) vars: BTreeMap<(String, u32), String>,
    /// Per base, the first number to try after the base itself: `base`, `base2`
    /// and on up to below it are taken (names are never released), so that a
    /// base used again does not search from 2.
    next: BTreeMap<String, u32>,
}

impl Names {
    /// Reserves a name as is.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// A fresh identifier based on `base`.
    pub fn fresh(&mut self, base: &str) -> String {
        self.fresh_beside(&Names::default(), base)
    }

    /// A fresh identifier based on `base`, taken by neither these names nor
    /// `outer`'s.
    pub(super) fn fresh_beside(&mut self, outer: &Names, base: &str) -> String {
        let base = if is_identifier(base) {
            base.to_owned()
        } else {
            identifier_from(base)
        };
        let taken = |name: &String| self.taken.contains(name) || outer.taken.contains(name);
        let name = if !taken(&base) {
            base
        } else {
            let mut n = self.next.get(&base).copied().unwrap_or(2);
            let mut name = format!("{base}{n}");
            while taken(&name) {
                n += 1;
                name = format!("{base}{n}");
            }
            self.next.insert(base, n + 1);
            name
        };
        self.taken.insert(name.clone());
        name
    }

    pub(super) fn var(&self, var: &Var) -> String {
        self.vars
            .get(&(var.owner.clone(), var.id))
            .cloned()
            .unwrap_or_else(|| identifier_from(&var.hint))
    }
}

/// An identifier from any text: `add to cart` → `addToCart`, `2fa` → `_2fa`.
pub fn identifier_from(text: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in text.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            if upper && !out.is_empty() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() {
        out.push_str("value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if !is_identifier(&out) {
        out.push('_');
    }
    out
}

/// The identifier for a data set's `SharedArray`.
pub fn data_var_base(name: &str) -> String {
    identifier_from(name)
}
