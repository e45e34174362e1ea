//! Checks on run-time logic k6 could not run as meant: mixes, raw imports,
//! cookie names and computed values.

use std::collections::BTreeSet;

use crate::model::vu::{visit_expr, Expr};
use crate::model::Script;
use crate::validate::problem::{Place, Problem};
use crate::validate::Validator;

impl Validator {
    /// A mix needs two branches or more, each with a weight and a name of its own,
    /// and a name k6 takes as a tag key that no request tag or k6 tag uses.
    pub(super) fn mix(&mut self, place: Place, name: &str, arms: &[crate::model::logic::MixArm]) {
        let mut reasons = Vec::new();
        if !k6dsl_facts::metric::is_valid_tag_name(name)
            || matches!(
                name,
                "name" | "endpoint" | "scenario" | "group" | "check" | "url" | "method" | "status"
            )
        {
            reasons.push(format!("`{name}` cannot name a mix: it becomes a tag key on every sample, so it must be a tag name k6 and k6dsl do not set themselves (such as `checkout_mix`)"));
        }
        if arms.len() < 2 {
            reasons.push("a mix needs at least two branches to choose between".to_owned());
        }
        let mut names = BTreeSet::new();
        for arm in arms {
            if arm.weight == 0 {
                reasons.push(format!("branch `{}` has weight 0 and would never run: give it a weight of at least 1, or remove it", arm.name));
            }
            if arm.name.is_empty() {
                reasons.push(
                    "every branch needs a name: it is the tag value that counts it".to_owned(),
                );
            } else if !names.insert(arm.name.as_str()) {
                reasons.push(format!(
                    "two branches are named `{}`: results could not tell them apart",
                    arm.name
                ));
            }
        }
        let total: u64 = arms.iter().map(|arm| u64::from(arm.weight)).sum();
        if total > u64::from(u32::MAX) {
            reasons.push(
                "the weights add up past 4294967295: use smaller ones (only their ratios count)"
                    .to_owned(),
            );
        }
        for reason in reasons {
            self.push(
                place.clone(),
                Problem::Invalid {
                    field: "mix",
                    reason,
                },
            );
        }
    }

    /// Raw imports: a module, and names that are identifiers no generated code
    /// uses, each imported once.
    pub(super) fn raw_js_imports(&mut self, script: &Script) {
        let mut seen = BTreeSet::new();
        for import in &script.raw_js_imports {
            let place = Place::Option("raw JavaScript import");
            if import.from.trim().is_empty() {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "from",
                        reason: "the module to import from is empty".into(),
                    },
                );
            }
            if import.default.is_none() && import.names.is_empty() {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "names",
                        reason: format!("the import of `{}` names nothing to import", import.from),
                    },
                );
            }
            for name in import.default.iter().chain(&import.names) {
                let reason = if !k6dsl_facts::names::is_identifier(name) {
                    Some("it is not a JavaScript identifier")
                } else if k6dsl_facts::names::RESERVED_NAMES.contains(&name.as_str()) {
                    Some("the generated script already uses this name")
                } else if !seen.insert(name.as_str()) {
                    Some("it is imported twice")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    self.push(
                        place.clone(),
                        Problem::Invalid {
                            field: "names",
                            reason: format!(
                                "`{name}` from `{}` cannot be imported: {reason}",
                                import.from
                            ),
                        },
                    );
                }
            }
        }
    }

    /// A cookie's name: an HTTP token (RFC 6265), as k6's jar needs.
    pub(super) fn cookie_name(&mut self, place: Place, name: &str) {
        if name.is_empty() || !name.chars().all(super::request::is_token_char) {
            self.push(
                place,
                Problem::Invalid {
                    field: "cookie",
                    reason: format!(
                        "`{name}` is not a cookie name (letters, digits and !#$%&'*+-.^_`|~)"
                    ),
                },
            );
        }
    }

    /// Computed values k6 could not compute: an empty pick, a random range
    /// upside down.
    pub(super) fn computed(&mut self, place: Place, value: &Expr) {
        let mut reasons = Vec::new();
        visit_expr(value, &mut |e| match e {
            Expr::PickOne(items) if items.is_empty() => {
                reasons.push("a random pick needs at least one value to pick from".to_owned())
            }
            Expr::RandomInt { min, max } if min > max => reasons.push(format!(
                "a random number from {min} to {max}: the lowest is above the highest"
            )),
            _ => {}
        });
        for reason in reasons {
            self.push(
                place.clone(),
                Problem::Invalid {
                    field: "value",
                    reason,
                },
            );
        }
    }
}
