//! Traversals of the code model, shared by validation and codegen: every block,
//! request, value and variable definition, nested steps included.

use super::logic::{Condition, CookieOp};
use super::vu::{Auth, Block, Body, Expr, Json, Part, Request, Step};

/// Every block of code in the script, with the function that owns it (`setup`,
/// `teardown`, or a flow's name).
pub(crate) fn blocks(script: &crate::model::Script) -> Vec<(&str, &Block)> {
    let mut out = Vec::new();
    if let Some(setup) = &script.lifecycle.setup {
        out.push(("setup", &setup.body));
    }
    if let Some(flow) = &script.default_flow {
        out.push((flow.name.as_str(), &flow.body));
    }
    for flow in &script.flows {
        out.push((flow.name.as_str(), &flow.body));
    }
    if let Some(teardown) = &script.lifecycle.teardown {
        out.push(("teardown", teardown));
    }
    out
}

/// Calls `f` on every request of a block, nested ones included.
pub(crate) fn for_each_request_in<'b>(block: &'b Block, f: &mut impl FnMut(&'b Request)) {
    for step in block {
        match step {
            Step::Request(r) => f(r),
            Step::Batch(rs) => rs.iter().for_each(&mut *f),
            _ => {}
        }
        for inner in step.blocks() {
            for_each_request_in(inner, f);
        }
    }
}

impl Step {
    /// The blocks directly inside this step: a group's or loop's body, both
    /// branches of an `if`.
    pub(crate) fn blocks(&self) -> Vec<&Block> {
        match self {
            Step::Group { body, .. }
            | Step::OncePerVu { body }
            | Step::ForEach { body, .. }
            | Step::Repeat { body, .. } => vec![body],
            Step::If {
                then, otherwise, ..
            } => vec![then, otherwise],
            Step::Mix { arms, .. } => arms.iter().map(|arm| &arm.body).collect(),
            Step::Request(_)
            | Step::Batch(_)
            | Step::Sleep(_)
            | Step::AddToMetric { .. }
            | Step::PickRow { .. }
            | Step::Let { .. }
            | Step::Cookie(_)
            | Step::RawJs(_) => Vec::new(),
        }
    }

    /// Calls `f` on every value this step uses itself (those of nested blocks are
    /// theirs): a request's, a condition's operands, a loop's list.
    pub(crate) fn for_each_own_expr(&self, f: &mut impl FnMut(&Expr)) {
        match self {
            Step::Request(r) => for_each_request_expr(r, f),
            Step::Batch(rs) => rs.iter().for_each(|r| for_each_request_expr(r, f)),
            Step::AddToMetric { value, .. } | Step::Let { value, .. } => f(value),
            Step::If { condition, .. } => condition_exprs(condition, f),
            Step::ForEach { list, .. } => f(list),
            Step::Cookie(CookieOp::Set { url, value, .. }) => {
                url.iter().for_each(&mut *f);
                f(value);
            }
            Step::Cookie(CookieOp::Delete { url, .. } | CookieOp::Clear { url }) => {
                url.iter().for_each(f)
            }
            Step::Group { .. }
            | Step::OncePerVu { .. }
            | Step::Repeat { .. }
            | Step::Mix { .. }
            | Step::RawJs(_)
            | Step::Sleep(_)
            | Step::PickRow { .. } => {}
        }
    }
}

/// Calls `f` on the operands of a condition.
pub(crate) fn condition_exprs(condition: &Condition, f: &mut impl FnMut(&Expr)) {
    match condition {
        Condition::Compare { left, right, .. } => {
            f(left);
            f(right);
        }
        Condition::Exists(value) | Condition::IsTrue(value) => f(value),
        Condition::EnvFlag(_) => {}
        Condition::Not(inner) => condition_exprs(inner, f),
        Condition::All(all) | Condition::Any(all) => all.iter().for_each(|c| condition_exprs(c, f)),
    }
}

/// Every value a request uses (URL, headers, cookies, credentials, body).
pub(crate) fn for_each_request_expr(r: &Request, f: &mut impl FnMut(&Expr)) {
    r.url.iter().for_each(&mut *f);
    r.headers.iter().for_each(|(_, v)| f(v));
    r.params.cookies.iter().for_each(|(_, v)| f(v));
    if let Some(
        Auth::Basic { user, password }
        | Auth::Digest { user, password }
        | Auth::Ntlm { user, password },
    ) = &r.params.auth
    {
        f(user);
        f(password);
    }
    match &r.body {
        Some(Body::Json(json)) => json_exprs(json, f),
        Some(Body::Form(fields)) => fields.iter().for_each(|(_, v)| f(v)),
        Some(Body::Text { text, .. }) => f(text),
        Some(Body::Multipart(parts)) => parts.iter().for_each(|(_, part)| {
            if let Part::Field(value) = part {
                f(value)
            }
        }),
        None => {}
    }
}

fn json_exprs(json: &Json, f: &mut impl FnMut(&Expr)) {
    match json {
        Json::Expr(e) => f(e),
        Json::Array(items) => items.iter().for_each(|i| json_exprs(i, f)),
        Json::Object(entries) => entries.iter().for_each(|(_, v)| json_exprs(v, f)),
        _ => {}
    }
}

/// Calls `f` on a value and each value inside it.
pub(crate) fn visit_expr(expr: &Expr, f: &mut impl FnMut(&Expr)) {
    f(expr);
    match expr {
        Expr::Field(base, _) | Expr::AsNumber(base) | Expr::AsString(base) => visit_expr(base, f),
        Expr::Arith { left, right, .. } => {
            visit_expr(left, f);
            visit_expr(right, f);
        }
        Expr::Concat(parts) | Expr::PickOne(parts) | Expr::Cookie { url: parts, .. } => {
            parts.iter().for_each(|p| visit_expr(p, f))
        }
        _ => {}
    }
}

/// Calls `f` on every value used in a block, nested blocks included.
pub(crate) fn for_each_expr_in(b: &Block, f: &mut impl FnMut(&Expr)) {
    for step in b {
        step.for_each_own_expr(&mut |e| visit_expr(e, f));
        for inner in step.blocks() {
            for_each_expr_in(inner, f);
        }
    }
}

/// Calls `f` on every value used anywhere in the script's code.
pub(crate) fn for_each_expr(script: &crate::model::Script, f: &mut impl FnMut(&Expr)) {
    for (_, b) in blocks(script) {
        for_each_expr_in(b, f);
    }
    if let Some(setup) = &script.lifecycle.setup {
        for (_, value) in &setup.returns {
            visit_expr(value, f);
        }
    }
}

/// Whether the script holds raw JavaScript anywhere: a statement, a check or an
/// import.
pub(crate) fn has_raw_js(script: &crate::model::Script) -> bool {
    fn block(b: &Block) -> bool {
        b.iter().any(|step| match step {
            Step::RawJs(_) => true,
            Step::Request(r) => raw_check(r),
            Step::Batch(rs) => rs.iter().any(raw_check),
            other => other.blocks().into_iter().any(block),
        })
    }
    fn raw_check(r: &Request) -> bool {
        r.checks
            .iter()
            .any(|c| matches!(c.predicate, super::vu::Predicate::RawJs(_)))
    }
    !script.raw_js_imports.is_empty() || blocks(script).into_iter().any(|(_, b)| block(b))
}
