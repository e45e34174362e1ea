//! Checks of `scenario!` and `scenarios!`: fields, executors and their fields
//! against k6's executor table, names, timing, tags, env and thresholds.

use k6dsl_facts::executor::{self as facts, is_valid_scenario_name, FieldValue};
use k6dsl_facts::names::flow_name_problem;
use proc_macro2::Span;
use syn::{Expr, ExprLit, Lit, LitStr};

use super::{count_of, duration, map, parsed, Seen};
use crate::ast::scenario::{
    ExecutorFieldValue, ExecutorValue, Scenario, ScenarioValue, Scenarios, Stages, SCENARIO_FIELDS,
};
use crate::ctxt::Ctxt;
use crate::suggest::{did_you_mean, suggestion};

/// `scenarios![..]`: each scenario, and no two with one name.
pub fn scenarios(cx: &Ctxt, scenarios: &Scenarios) {
    if scenarios.items.items.is_empty() {
        cx.error(
            Span::call_site(),
            "`scenarios!` needs at least one `{ name: .., executor: .. }`",
        );
    }
    let mut names: Vec<String> = Vec::new();
    for item in &scenarios.items.items {
        let Some(scenario) = parsed(cx, item) else {
            continue;
        };
        if let Some(name) = checked(cx, scenario) {
            if names.contains(&name.value()) {
                cx.error(
                    name.span(),
                    format!(
                        "two scenarios are named `{}`: k6 keys scenarios by name, so the second would replace the first",
                        name.value()
                    ),
                );
            } else {
                names.push(name.value());
            }
        }
    }
}

/// `scenario! { .. }`.
pub fn scenario(cx: &Ctxt, scenario: &Scenario) {
    checked(cx, scenario);
}

/// One scenario. Returns its name when it is a literal and the scenario is
/// complete (has a name and an executor), for the duplicate check.
fn checked(cx: &Ctxt, scenario: &Scenario) -> Option<LitStr> {
    let mut seen = Seen::default();
    let mut literal_name: Option<&LitStr> = None;
    let (mut has_name, mut has_executor) = (false, false);
    for field in &scenario.fields.items {
        let Some(field) = parsed(cx, field) else {
            continue;
        };
        let key = field.key.to_string();
        seen.note(cx, &field.key);
        has_name |= key == "name";
        has_executor |= key == "executor";
        let Some(value) = parsed(cx, &field.value) else {
            continue;
        };
        match (key.as_str(), value) {
            ("name", ScenarioValue::Expr(expr)) => {
                literal_name = match expr {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(name),
                        ..
                    }) => Some(name),
                    _ => None,
                };
                if let Some(name) = literal_name {
                    if !is_valid_scenario_name(&name.value()) {
                        cx.error(
                            name.span(),
                            format!(
                                "scenario name `{}` is not one k6 accepts: use letters, digits, `_` and `-`",
                                name.value()
                            ),
                        );
                    }
                }
            }
            ("executor", ScenarioValue::Executor(executor)) => self::executor(cx, executor),
            ("exec", _) => {
                if seen.had("flow") {
                    cx.error(field.key.span(), "give either `exec` or `flow`, not both");
                }
            }
            ("flow", ScenarioValue::Flow(steps)) => {
                if seen.had("exec") {
                    cx.error(field.key.span(), "give either `exec` or `flow`, not both");
                }
                let Some(name) = literal_name else {
                    cx.error(
                        field.key.span(),
                        "an inline `flow: { .. }` is named after the scenario: put `name: \"...\"` (a literal) before it",
                    );
                    continue;
                };
                // A bad scenario name is reported already.
                if is_valid_scenario_name(&name.value()) {
                    if let Some(rule) = flow_name_problem(&name.value()) {
                        cx.error(
                            field.key.span(),
                            format!(
                                "an inline flow is named after its scenario, and `{}` cannot name a flow: {rule}",
                                name.value()
                            ),
                        );
                    }
                }
                super::flow::steps(cx, steps, true);
            }
            ("start_time" | "graceful_stop", ScenarioValue::Expr(expr)) => duration(cx, expr),
            ("tags" | "env", ScenarioValue::Map(values)) => map(cx, values, &key, true),
            ("thresholds", ScenarioValue::Thresholds(thresholds)) => {
                super::thresholds::thresholds(cx, thresholds)
            }
            (other, _) => cx.error(
                field.key.span(),
                format!(
                    "unknown scenario field `{other}`{}; a scenario has {}",
                    suggestion(other, SCENARIO_FIELDS),
                    SCENARIO_FIELDS.join(", ")
                ),
            ),
        }
    }
    if !has_name {
        cx.error(
            scenario.span,
            "this scenario needs a `name: \"...\"` (letters, digits, `_` and `-`)",
        );
        return None;
    }
    if !has_executor {
        cx.error(
            scenario.span,
            format!(
                "this scenario needs an `executor:`, one of {}",
                facts::executor_names().join(", ")
            ),
        );
        return None;
    }
    literal_name.cloned()
}

/// An executor written out: a known one, known fields with values of their kind,
/// and every field k6 requires.
fn executor(cx: &Ctxt, executor: &ExecutorValue) {
    let ExecutorValue::Inline(inline) = executor else {
        return; // a Rust expression: the compiler checks its type
    };
    let name = inline.name.to_string();
    let Some(spec) = facts::executor(&name) else {
        let names = facts::executor_names();
        cx.error(
            inline.name.span(),
            format!(
                "unknown executor `{name}`{}; k6 has {}",
                suggestion(&name, &names),
                names.join(", ")
            ),
        );
        return;
    };
    let field_names = spec.field_names();
    let mut seen = Seen::default();
    for field in &inline.fields.items {
        let Some(field) = parsed(cx, field) else {
            continue;
        };
        let key = field.key.to_string();
        seen.note(cx, &field.key);
        let Some(fact) = spec.field(&key) else {
            // Its "did you mean" says enough: do not also report the field it
            // meant as missing.
            if let Some(meant) = did_you_mean(&key, &field_names) {
                seen.add(meant);
            }
            cx.error(
                field.key.span(),
                format!(
                    "`{name}` has no field `{key}`{}; its fields are {}",
                    suggestion(&key, &field_names),
                    field_names.join(", ")
                ),
            );
            continue;
        };
        let Some(value) = parsed(cx, &field.value) else {
            continue;
        };
        match (fact.value, value) {
            (FieldValue::Count { of, positive }, ExecutorFieldValue::Expr(expr)) => {
                count_of(cx, expr, &key.replace('_', " "), of, positive)
            }
            (FieldValue::Duration, ExecutorFieldValue::Expr(expr)) => duration(cx, expr),
            (FieldValue::Stages { of }, ExecutorFieldValue::Stages(list)) => stages(cx, list, of),
            // The parser reads stages exactly where the field takes them.
            _ => {}
        }
    }
    for required in spec.required_fields() {
        if !seen.had(required.name) {
            cx.error(
                inline.name.span(),
                format!(
                    "`{name}` needs `{}`: {}",
                    required.name,
                    required.required.unwrap_or_default()
                ),
            );
        }
    }
}

/// `[2m => 20, ...]`: at least one, each a duration and a target.
fn stages(cx: &Ctxt, list: &Stages, of: facts::Counted) {
    if list.stages.items.is_empty() {
        cx.error(
            list.span,
            "k6 requires at least one stage, such as `[30s => 10]`",
        );
    }
    let what = match of {
        facts::Counted::Vus => "a stage target (VUs)",
        facts::Counted::Iterations => "a stage target (iterations)",
    };
    for stage in &list.stages.items {
        let Some(stage) = parsed(cx, stage) else {
            continue;
        };
        duration(cx, &stage.duration);
        count_of(cx, &stage.target, what, of, false);
    }
}
