//! Checks of the run-time logic forms: conditions written the run-time way,
//! values that both branches of a `when .. else` give, loop bounds and counts,
//! a mix's mode, branches and weights.

use syn::{BinOp, Expr, Lit};

use super::super::{count, parsed};
use super::steps;
use crate::ast::flow::{Else, ForEach, Mix, Repeat, Statement, Step, Steps, When, MIX_MODES};
use crate::ast::{literal_text, span_of};
use crate::ctxt::Ctxt;
use crate::lit::{self, Written};
use crate::suggest::suggestion;

/// `when`: its condition, the values its branches give (`bound` when written
/// `let x = when ..`), and its blocks.
pub fn when(cx: &Ctxt, when: &When, bound: bool) {
    condition(cx, &when.condition);
    steps(cx, &when.then, false);
    let Some(otherwise) = &when.otherwise else {
        if bound {
            cx.error(
                when.keyword.span(),
                "a `when` without `else` gives no value to bind: add `else { .. }` ending with the same values, or remove `let .. =`",
            );
        }
        return;
    };
    let else_value = match otherwise {
        Else::Block { steps: inner, .. } => {
            steps(cx, inner, false);
            gives_value(inner)
        }
        Else::When { when: inner, .. } => {
            // Its values are this branch's: a mismatch is reported once, here.
            self::when(cx, inner, false);
            match &inner.otherwise {
                Some(_) => gives_value(&inner.then),
                None => Some(false),
            }
        }
    };
    match (gives_value(&when.then), else_value) {
        (Some(true), Some(false)) => cx.error(
            otherwise.span(),
            "the `when` branch ends with a value (its last step has no `;`) but this `else` branch does not: end both with the same values, such as `id` or `(id, name)`, or end the last step of the `when` branch with `;`",
        ),
        (Some(false), Some(true)) => cx.error(
            when.keyword.span(),
            "the `else` branch ends with a value (its last step has no `;`) but this `when` branch does not: end both with the same values, such as `id` or `(id, name)`, or end the last step of the `else` branch with `;`",
        ),
        (Some(false), Some(false)) if bound => cx.error(
            when.keyword.span(),
            "neither branch of this `when` ends with a value to bind: end both with the same values, such as `id` or `(id, name)` (a last step without `;`)",
        ),
        _ => {}
    }
}

/// Whether a block ends with a value: a last step without `;` (as a Rust
/// block's). `None` when the last statement did not parse.
fn gives_value(block: &Steps) -> Option<bool> {
    match block.statements.last() {
        None => Some(false),
        Some(Ok(last)) if last.terminated || last.binding.is_some() => Some(false),
        // A last `when .. else`: the values of its branches.
        Some(Ok(Statement {
            step: Step::When(when),
            ..
        })) => gives_value(&when.then),
        Some(Ok(_)) => Some(true),
        Some(Err(_)) => None,
    }
}

/// A run-time condition is a `Condition` value: Rust's comparisons and `&&`/`||`
/// would decide while the script is generated (and do not type-check).
fn condition(cx: &Ctxt, expr: &Expr) {
    match expr {
        Expr::Binary(binary) => {
            // Rust's operator, as the user wrote it, and the Condition method for it.
            let (method, example) = match binary.op {
                BinOp::Eq(_) => (".eq(..)", "res.status().eq(404)"),
                BinOp::Ne(_) => (".ne(..)", "res.status().ne(200)"),
                BinOp::Lt(_) => (".lt(..)", "total.lt(100)"),
                BinOp::Le(_) => (".le(..)", "total.le(100)"),
                BinOp::Gt(_) => (".gt(..)", "total.gt(0)"),
                BinOp::Ge(_) => (".ge(..)", "total.ge(0)"),
                BinOp::And(_) => (".and(..)", "found.exists().and(total.gt(0))"),
                BinOp::Or(_) => (".or(..)", "a.exists().or(b.exists())"),
                _ => return,
            };
            let written = quote::ToTokens::to_token_stream(&binary.op).to_string();
            // In source order: what the left operand holds comes first.
            condition(cx, &binary.left);
            cx.error(
                span_of(&binary.op),
                format!("a `when` condition is decided while k6 runs: write `{method}` instead of `{written}`, such as `{example}`"),
            );
            condition(cx, &binary.right);
        }
        Expr::Paren(inner) => condition(cx, &inner.expr),
        Expr::Unary(unary) => condition(cx, &unary.expr),
        _ => {}
    }
}

/// `for_each item in list, max N { .. }`.
pub fn for_each(cx: &Ctxt, each: &ForEach, bound: bool) {
    no_value(cx, &each.keyword, bound);
    count::<u32>(cx, &each.max, "the most items a `for_each` takes", false);
    steps(cx, &each.steps, false);
}

/// `repeat N { .. }`.
pub fn repeat(cx: &Ctxt, repeat: &Repeat, bound: bool) {
    no_value(cx, &repeat.keyword, bound);
    count::<u32>(cx, &repeat.times, "a `repeat` count", false);
    steps(cx, &repeat.steps, false);
}

/// `mix "name" exact|random { "arm" weight => { .. }, .. }`.
pub fn mix(cx: &Ctxt, mix: &Mix, bound: bool) {
    no_value(cx, &mix.keyword, bound);
    let modes: Vec<&str> = MIX_MODES.iter().map(|(mode, _)| *mode).collect();
    let mode = mix.mode.to_string();
    if !modes.contains(&mode.as_str()) {
        cx.error(
            mix.mode.span(),
            format!(
                "unknown mix mode `{mode}`{}; use `exact` (exactly by weight over the scenario's iterations) or `random`",
                suggestion(&mode, &modes)
            ),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for arm in &mix.arms {
        let Some(arm) = parsed(cx, arm) else {
            continue;
        };
        if let Some(name) = literal_text(&arm.name) {
            if names.contains(&name.value()) {
                cx.error(
                    name.span(),
                    format!(
                        "two branches are named `{}`: results could not tell them apart",
                        name.value()
                    ),
                );
            }
            names.push(name.value());
        }
        count::<u32>(cx, &arm.weight, "a branch's weight", false);
        if let Written::Literal(Lit::Int(int)) = lit::written(&arm.weight) {
            if int.base10_digits() == "0" {
                cx.error(
                    int.span(),
                    "a branch of weight 0 would never run: give it a weight of at least 1, or remove it",
                );
            }
        }
        steps(cx, &arm.steps, false);
    }
    if mix.arms.len() < 2 {
        cx.error(
            mix.span,
            "a mix needs at least two branches to choose between, such as `{ \"buy\" 3 => { .. }, \"browse\" 7 => { .. } }`",
        );
    }
}

/// Loops and mixes give nothing: `let x = repeat 3 { .. };` binds `()`.
fn no_value(cx: &Ctxt, keyword: &syn::Ident, bound: bool) {
    if bound {
        cx.error(
            keyword.span(),
            format!("`{keyword}` gives no value to bind: remove `let .. =`, and bind values inside its block"),
        );
    }
}
