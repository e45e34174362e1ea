//! Checks on a response: inline predicates, or the reusable functions of a
//! project's `lib/checks`.

use crate::codegen::doc::{call, cat, Doc};
use crate::codegen::js::{number_literal, property_key, string_literal};
use crate::model::vu::{Check, JsonScalar, Predicate};

use super::requests::canonical_header;
use super::values::member;
use super::Function;

impl Function<'_, '_> {
    pub(super) fn check_entry(&mut self, check: &Check) -> Doc {
        if self.module.shared_checks {
            if let Some((function, args)) = shared_check(&check.predicate) {
                let function = self.module.check(function);
                return cat![
                    format!("{}: ", property_key(&check.name)),
                    call(function, args.into_iter().map(Doc::text).collect(), false),
                ];
            }
        }
        // A comparison breaks after its operator, a call inside its parentheses,
        // as prettier breaks them when the body is too long for its line.
        let binary = |left: String, op: &str, right: String| {
            Doc::group(vec![
                Doc::text(left),
                Doc::text(format!(" {op}")),
                Doc::Line,
                Doc::text(right),
            ])
        };
        let includes =
            |callee: String, arg: String| call(Doc::text(callee), vec![Doc::text(arg)], false);
        let body = match &check.predicate {
            Predicate::Status(code) => binary("r.status".into(), "===", code.to_string()),
            Predicate::StatusIn(codes) => {
                let list: Vec<String> = codes.iter().map(u16::to_string).collect();
                Doc::text(format!("[{}].includes(r.status)", list.join(", ")))
            }
            Predicate::HeaderPresent(name) => binary(
                format!("r.headers{}", member(&canonical_header(name))),
                "!==",
                "undefined".into(),
            ),
            Predicate::HeaderContains(name, text) => includes(
                format!(
                    "(r.headers{} || \"\").includes",
                    member(&canonical_header(name))
                ),
                string_literal(text),
            ),
            Predicate::BodyContains(text) => {
                includes("String(r.body).includes".into(), string_literal(text))
            }
            Predicate::BodyMatches(pattern) if self.module.ts() => Doc::text(format!(
                "new RegExp({}).test(String(r.body))",
                string_literal(pattern)
            )),
            Predicate::BodyMatches(pattern) => Doc::text(format!(
                "new RegExp({}).test(r.body)",
                string_literal(pattern)
            )),
            Predicate::JsonExists(path) => binary(
                format!("r.json({})", string_literal(path)),
                "!==",
                "undefined".into(),
            ),
            Predicate::JsonEquals(path, expected) => binary(
                format!("r.json({})", string_literal(path)),
                "===",
                json_scalar(expected),
            ),
            Predicate::DurationBelow(limit) => binary(
                "r.timings.duration".into(),
                "<",
                number_literal(limit.as_secs_f64() * 1000.0),
            ),
            Predicate::RawJs(code) => Doc::text(code.clone()),
        };
        Doc::Concat(vec![
            Doc::text(format!("{}: (r) =>", property_key(&check.name))),
            Doc::group(vec![Doc::Indent(vec![Doc::Line, body])]),
        ])
    }
}

/// The reusable check function of a project's `lib/checks.js` for a predicate, and
/// its arguments; a raw JavaScript predicate stays inline.
fn shared_check(predicate: &Predicate) -> Option<(&'static str, Vec<String>)> {
    Some(match predicate {
        Predicate::Status(code) => ("statusIs", vec![code.to_string()]),
        Predicate::StatusIn(codes) => {
            let list: Vec<String> = codes.iter().map(u16::to_string).collect();
            ("statusIn", vec![format!("[{}]", list.join(", "))])
        }
        Predicate::HeaderPresent(name) => {
            ("hasHeader", vec![string_literal(&canonical_header(name))])
        }
        Predicate::HeaderContains(name, text) => (
            "headerContains",
            vec![
                string_literal(&canonical_header(name)),
                string_literal(text),
            ],
        ),
        Predicate::BodyContains(text) => ("bodyContains", vec![string_literal(text)]),
        Predicate::BodyMatches(pattern) => ("bodyMatches", vec![string_literal(pattern)]),
        Predicate::JsonExists(path) => ("hasJson", vec![string_literal(path)]),
        Predicate::JsonEquals(path, expected) => (
            "jsonEquals",
            vec![string_literal(path), json_scalar(expected)],
        ),
        Predicate::DurationBelow(limit) => (
            "respondsWithin",
            vec![number_literal(limit.as_secs_f64() * 1000.0)],
        ),
        Predicate::RawJs(_) => return None,
    })
}

fn json_scalar(value: &JsonScalar) -> String {
    match value {
        JsonScalar::Null => "null".to_owned(),
        JsonScalar::Bool(b) => b.to_string(),
        JsonScalar::Num(n) => number_literal(*n),
        JsonScalar::Str(s) => string_literal(s),
    }
}
