//! Checks of `flow!`, `setup!` and `teardown!`: the flow's name, each step, each
//! request's fields and checks.

use k6dsl_facts::metric::GROUP_PATH_SEPARATOR;
use k6dsl_facts::names::flow_name_problem;
use syn::{Expr, ExprLit, ExprRange, Lit, RangeLimits};

mod logic;

use super::{count, duration, map, parsed, variant, Seen};
use crate::ast::flow::{
    BatchItem, Check, CheckForm, FlowInput, Request, RequestValue, Step, Steps, COMPRESSIONS,
    REQUEST_FIELDS, RESPONSE_TYPES, ROW_SELECTIONS,
};
use crate::ast::{literal_text, span_of};
use crate::ctxt::Ctxt;
use crate::suggest::suggestion;

/// `flow!(name { steps })`: a name that can name an exported function, and the
/// steps.
pub fn flow(cx: &Ctxt, flow: &FlowInput) {
    if let Some(name) = literal_text(&flow.name) {
        if let Some(rule) = flow_name_problem(&name.value()) {
            cx.error(
                name.span(),
                format!("`{}` cannot name a flow: {rule}", name.value()),
            );
        }
    }
    steps(cx, &flow.steps, true);
}

/// `setup! { .. }` and `teardown! { .. }`.
pub fn lifecycle(cx: &Ctxt, body: &Steps) {
    steps(cx, body, false);
}

/// The statements of a block; `pacing` may lead a flow's own block only.
pub fn steps(cx: &Ctxt, steps: &Steps, pacing_may_lead: bool) {
    for (index, statement) in steps.statements.iter().enumerate() {
        let Some(statement) = parsed(cx, statement) else {
            continue;
        };
        let bound = statement.binding.is_some();
        let leads = pacing_may_lead && index == 0 && !bound;
        step(cx, &statement.step, leads, bound);
    }
}

/// One step; `bound` when its value is bound (`let x = step;`).
fn step(cx: &Ctxt, step: &Step, leads_the_flow: bool, bound: bool) {
    match step {
        Step::When(when) => logic::when(cx, when, bound),
        Step::ForEach(each) => logic::for_each(cx, each, bound),
        Step::Repeat(repeat) => logic::repeat(cx, repeat, bound),
        Step::Mix(mix) => logic::mix(cx, mix, bound),
        Step::Pacing { keyword, time } => {
            if leads_the_flow {
                duration(cx, time);
            } else {
                cx.error(
                    keyword.span(),
                    "`pacing` sets the whole iteration's length: put it first in the flow",
                );
            }
        }
        Step::Group { name, steps, .. } => {
            if let Expr::Lit(ExprLit {
                lit: Lit::Str(name),
                ..
            }) = name
            {
                if name.value().contains(GROUP_PATH_SEPARATOR) {
                    cx.error(
                        name.span(),
                        format!("a group name cannot contain `{GROUP_PATH_SEPARATOR}`: k6 joins nested group names with it"),
                    );
                }
            }
            self::steps(cx, steps, false);
        }
        Step::OncePerVu { steps, .. } => self::steps(cx, steps, false),
        Step::Request(request) => self::request(cx, request),
        Step::Batch { requests, .. } => {
            for item in &requests.items {
                if let Some(BatchItem::Request(request)) = parsed(cx, item) {
                    self::request(cx, request);
                }
            }
        }
        Step::Think { time, .. } => match time {
            Expr::Range(ExprRange {
                start: Some(min),
                limits: RangeLimits::HalfOpen(_),
                end: Some(max),
                ..
            }) => {
                duration(cx, min);
                duration(cx, max);
            }
            Expr::Range(range) => cx.error(
                span_of(range),
                "a think time range is `min..max`, such as `1s..3s`",
            ),
            fixed => duration(cx, fixed),
        },
        Step::Sleep { time, .. } => duration(cx, time),
        Step::Call {
            keyword,
            args_span,
            args,
        } => match keyword.to_string().as_str() {
            "add" if args.len() != 2 => cx.error(
                *args_span,
                "`add(metric, value)` takes a custom metric and a value",
            ),
            "row" if args.len() != 2 => cx.error(
                *args_span,
                "`row(data, selection)`: a DataSet and one of per_vu, per_iteration, unique, random",
            ),
            "row" => row_selection(cx, &args[1]),
            "compute" if args.len() != 2 => cx.error(
                *args_span,
                "`compute(name, value)` takes the variable's name and its value, such as `compute(\"total\", price * quantity)`",
            ),
            "set_cookie" if args.len() != 3 => cx.error(
                *args_span,
                "`set_cookie(url, name, value)` takes a URL (relative to the base URL), the cookie's name and its value",
            ),
            "delete_cookie" if args.len() != 2 => cx.error(
                *args_span,
                "`delete_cookie(url, name)` takes a URL and the cookie's name",
            ),
            "clear_cookies" if args.len() != 1 => cx.error(
                *args_span,
                "`clear_cookies(url)` takes the URL whose cookies it deletes",
            ),
            "raw_js" if args.len() != 1 => cx.error(
                *args_span,
                "`raw_js(code)` takes the JavaScript statements, such as `raw_js(\"console.log(__VU);\")`",
            ),
            _ => {}
        },
        Step::Rust(_) => {}
    }
}

fn row_selection(cx: &Ctxt, selection: &Expr) {
    let Some(name) = literal_text(selection) else {
        return; // a `RowSelection` expression
    };
    let names: Vec<&str> = ROW_SELECTIONS.iter().map(|(name, _)| *name).collect();
    if !names.contains(&name.value().as_str()) {
        cx.error(
            name.span(),
            format!(
                "unknown row selection `{}`{}; use {}",
                name.value(),
                suggestion(&name.value(), &names),
                names.join(", ")
            ),
        );
    }
}

fn request(cx: &Ctxt, request: &Request) {
    if request.method == "request" && request.args.len() < 2 {
        cx.error(
            request.args_span,
            "`request(\"METHOD\", url)` takes a method name and a URL",
        );
        return;
    }
    if request.args.is_empty() {
        cx.error(
            request.args_span,
            "a request needs a URL, such as `get(\"/products\")`",
        );
        return;
    }
    let Some(fields) = &request.fields else {
        return;
    };
    let mut seen = Seen::default();
    for field in &fields.items {
        let Some(field) = parsed(cx, field) else {
            continue;
        };
        let key = field.key.to_string();
        // `check` may repeat: each adds one.
        if key != "check" {
            seen.note(cx, &field.key);
        }
        let Some(value) = parsed(cx, &field.value) else {
            continue;
        };
        match (key.as_str(), value) {
            ("tags", RequestValue::Map(values)) => map(cx, values, &key, true),
            (_, RequestValue::Map(values)) => map(cx, values, &key, false),
            ("text" | "basic_auth" | "digest_auth" | "ntlm_auth", RequestValue::Expr(expr)) => {
                if !matches!(expr, Expr::Tuple(tuple) if tuple.elems.len() == 2) {
                    cx.error(
                        span_of(expr),
                        if key == "text" {
                            "write `text: (body, \"content/type\")`".to_owned()
                        } else {
                            format!("write `{key}: (user, password)`")
                        },
                    );
                }
            }
            ("timeout", RequestValue::Expr(expr)) => duration(cx, expr),
            ("redirects", RequestValue::Expr(expr)) => count::<u32>(cx, expr, "redirects", false),
            ("response_type", RequestValue::Expr(expr)) => {
                variant(cx, expr, "ResponseType", RESPONSE_TYPES)
            }
            ("compression", RequestValue::Expr(expr)) => {
                variant(cx, expr, "Compression", COMPRESSIONS)
            }
            ("log_failures", RequestValue::Expr(expr)) => {
                if !matches!(
                    expr,
                    Expr::Lit(ExprLit {
                        lit: Lit::Bool(_),
                        ..
                    })
                ) {
                    cx.error(
                        span_of(expr),
                        "write `log_failures: true` or `log_failures: false`",
                    );
                }
            }
            (_, RequestValue::Check(one)) => check(cx, one),
            (_, RequestValue::Checks(list)) => {
                for one in &list.items {
                    if let Some(one) = parsed(cx, one) {
                        check(cx, one);
                    }
                }
            }
            (other, RequestValue::Unknown) => cx.error(
                field.key.span(),
                format!(
                    "unknown request field `{other}`{}; a request has {}",
                    suggestion(other, REQUEST_FIELDS),
                    REQUEST_FIELDS.join(", ")
                ),
            ),
            // name, bearer, json, record_checks, count_failures, record_duration:
            // Rust values, typed by the builders.
            (_, RequestValue::Expr(_)) => {}
        }
    }
}

fn check(cx: &Ctxt, check: &Check) {
    match &check.form {
        CheckForm::Status(code) => count::<u16>(cx, code, "a status code", false),
        CheckForm::Body(verb, _) if verb != "contains" && verb != "matches" => cx.error(
            verb.span(),
            format!(
                "`body contains \"..\"` or `body matches \"regex\"`, not `body {verb}`{}",
                suggestion(&verb.to_string(), &["contains", "matches"])
            ),
        ),
        CheckForm::DurationBelow(limit) => duration(cx, limit),
        _ => {}
    }
}
