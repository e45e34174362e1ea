//! The exported functions (setup, the flows, teardown, handleSummary), and where
//! each of their variables is declared.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::codegen::doc::{cat, delimited, Doc};
use crate::codegen::js::{number_literal, property_key, string_literal, INDENT};
use crate::codegen::lang::Tokens;
use crate::model::vu::{condition_exprs, for_each_request_expr, visit_expr};
use crate::model::vu::{Block, Expr, Request, Source, Step, Var};

use super::steps::if_doc;
use super::types::Ty;
use super::{Function, Module, VuVar};

impl Module<'_> {
    /// An exported function: `export function name(data) {` ... `}`, its body
    /// indented by genco.
    pub fn function(
        &mut self,
        export: &str,
        name: &str,
        body: &Block,
        pacing: Option<Duration>,
        returns: Option<&[(String, Expr)]>,
    ) -> Tokens {
        let mut f = Function::new(self);
        f.plan(body, returns);
        let mut statements = Vec::new();
        if let Some(pacing) = pacing {
            let start = f.fresh("iterationStart");
            statements.push(Doc::text(format!("const {start} = Date.now();")));
            f.block(body, &mut statements);
            let elapsed = f.fresh("elapsed");
            let secs = number_literal(pacing.as_secs_f64());
            statements.push(Doc::text(format!(
                "const {elapsed} = (Date.now() - {start}) / 1000;"
            )));
            statements.push(if_doc(
                Doc::text(format!("{elapsed} < {secs}")),
                vec![cat![f.module.k6("sleep"), format!("({secs} - {elapsed});")]],
            ));
        } else {
            f.block(body, &mut statements);
        }
        if let Some(returns) = returns {
            let mut types = Vec::new();
            let entries = returns
                .iter()
                .map(|(key, value)| {
                    let (value, ty) = f.typed_expr(value, false);
                    types.push((key.clone(), ty));
                    let key = property_key(key);
                    match value {
                        // `{ token }` for `{ token: token }`, as prettier writes it.
                        Doc::Text(value) if *value == *key => Doc::Text(value),
                        value => cat![format!("{key}: "), value],
                    }
                })
                .collect();
            statements.push(cat![
                "return ",
                delimited("{", entries, "}", Doc::Line, false),
                ";",
            ]);
            f.module.setup_types = types;
        }
        let ts = f.module.ts();
        let params = match (f.uses_data, ts) {
            (false, _) => Doc::text(""),
            (true, false) => Doc::text("data"),
            (true, true) => cat!["data: ", f.module.setup_data_type()],
        };
        let return_type = if ts && returns.is_some() {
            cat![": ", f.module.setup_data_type()]
        } else {
            Doc::text("")
        };
        let hoisted = std::mem::take(&mut f.hoisted_decls);
        let mut lines = Vec::new();
        if ts {
            for (name, ty) in &hoisted {
                lines.push(cat![
                    format!("let {name}: "),
                    f.module.maybe_type_doc(ty),
                    ";"
                ]);
            }
        } else if !hoisted.is_empty() {
            let names: Vec<&str> = hoisted.iter().map(|(name, _)| name.as_str()).collect();
            lines.push(Doc::text(format!("let {};", names.join(", "))));
        }
        let header = cat![
            format!("{export}function {name}("),
            params,
            ")",
            return_type,
            " {",
        ];
        let mut tokens = Tokens::new();
        header.write(&mut tokens, 0);
        if statements.is_empty() && lines.is_empty() {
            tokens.append("}");
            return tokens;
        }
        tokens.indent();
        for statement in lines.into_iter().chain(statements) {
            statement.write(&mut tokens, INDENT);
            tokens.push();
        }
        tokens.unindent();
        tokens.append("}");
        tokens
    }

    /// `handleSummary`, writing the JSON summary to `path`, or to the file that the
    /// constant `key_constant` names when given (a project resolves the path from
    /// its own location, so that it works from any working directory).
    pub fn handle_summary(&mut self, path: &str, key_constant: Option<&str>) -> Tokens {
        let key = match key_constant {
            Some(constant) => format!("[{constant}]"),
            None => property_key(path),
        };
        let param = if self.ts() {
            cat!["data: ", self.known.summary_data.clone()]
        } else {
            Doc::text("data")
        };
        let summary_text = self.helper("summaryText");
        let mut tokens = Tokens::new();
        cat!["export function handleSummary(", param, ") {"].write(&mut tokens, 0);
        tokens.indent();
        tokens.append("return {");
        tokens.indent();
        tokens.append(format!("{key}: JSON.stringify(data, null, 2),"));
        tokens.push();
        cat![
            "stdout: ",
            summary_text,
            format!("(data, {}),", string_literal(path))
        ]
        .write(&mut tokens, 2 * INDENT);
        tokens.unindent();
        tokens.append("};");
        tokens.unindent();
        tokens.append("}");
        tokens
    }
}

impl Function<'_, '_> {
    /// Decides where each variable is declared, its type, and whether `data` is
    /// used.
    fn plan(&mut self, body: &Block, returns: Option<&[(String, Expr)]>) {
        // Definitions in the order they run.
        let mut defs: Vec<Definition> = Vec::new();
        // Where each variable is used, by variable (a scan of all uses per
        // definition was quadratic in the function's size).
        let mut uses: BTreeMap<(String, u32), Vec<Vec<usize>>> = BTreeMap::new();
        let mut uses_data = false;
        walk(body, &mut Vec::new(), false, &mut |event| match event {
            Event::Def(var, path, per_vu, ty) => {
                let ty = match ty {
                    DefTy::Known(ty) => Ok(ty),
                    DefTy::Of(value) => Err(value.clone()),
                };
                defs.push((var.clone(), path.to_vec(), per_vu, ty));
            }
            Event::Use(expr, path) => visit_expr(expr, &mut |e| match e {
                Expr::Var(v) => uses
                    .entry((v.owner.clone(), v.id))
                    .or_default()
                    .push(path.to_vec()),
                Expr::SetupData(_) => uses_data = true,
                _ => {}
            }),
        });
        for (_, value) in returns.unwrap_or_default() {
            visit_expr(value, &mut |e| match e {
                Expr::Var(v) => uses
                    .entry((v.owner.clone(), v.id))
                    .or_default()
                    .push(Vec::new()),
                Expr::SetupData(_) => uses_data = true,
                _ => {}
            });
        }
        self.uses_data = uses_data;
        // Where each variable is defined: a value set in several places (every
        // branch of an `if`) is declared before them all.
        let mut places: BTreeMap<(String, u32), Vec<Vec<usize>>> = BTreeMap::new();
        for (var, path, _, _) in &defs {
            places
                .entry((var.owner.clone(), var.id))
                .or_default()
                .push(path.clone());
        }
        // A computed value takes the type of what it computes; a value set in
        // several branches, a type that holds what each branch sets.
        let defs: Vec<_> = defs
            .into_iter()
            .map(|(var, path, per_vu, ty)| {
                let ty = ty.unwrap_or_else(|value| self.value_type(&value));
                (var, path, per_vu, ty)
            })
            .collect();
        for (var, _, _, ty) in &defs {
            let key = (var.owner.clone(), var.id);
            let joined = match self.var_types.get(&key) {
                Some(first) => join(first, ty),
                None => ty.clone(),
            };
            self.var_types.insert(key, joined);
        }
        let mut declared = std::collections::BTreeSet::new();
        for (var, path, per_vu, _) in defs {
            let key = (var.owner.clone(), var.id);
            let ty = self.var_types[&key].clone();
            if !declared.insert(key.clone()) {
                continue;
            }
            let defined_at = &places[&key];
            if per_vu {
                // Kept across iterations: one module-level variable per VU.
                let name = self.module.names.fresh(&var.hint);
                self.names.reserve(&name);
                self.names.vars.insert(key.clone(), name.clone());
                let ty = self.module.ts().then(|| self.module.maybe_type_doc(&ty));
                self.module.vu_state.push(VuVar {
                    name,
                    ty,
                    init: None,
                });
                self.vu_vars.insert(key.clone());
            } else if defined_at.len() > 1
                || uses
                    .get(&key)
                    .is_some_and(|at| at.iter().any(|at| !at.starts_with(&path)))
            {
                let name = self.bind(&var);
                self.hoisted.insert(key.clone());
                self.hoisted_decls.push((name, ty));
            }
        }
    }
}

/// A variable's definition: the variable, its block path, whether it is kept per
/// VU, and its type or the value whose type it takes.
type Definition = (Var, Vec<usize>, bool, Result<Ty, Expr>);

/// The type a definition gives its variable.
pub(super) enum DefTy<'e> {
    /// Known from where the value comes from (a JSON path, a header, a row).
    Known(Ty),
    /// That of a value the code computes.
    Of(&'e Expr),
}

pub(super) enum Event<'e> {
    /// A variable defined, where, whether kept per VU, and its type.
    Def(&'e Var, &'e [usize], bool, DefTy<'e>),
    Use(&'e Expr, &'e [usize]),
}

/// Visits definitions and uses in a block, with the path of blocks they are in:
/// a nested block's path is its step's index, then the block's index in the step
/// (a group's body is 0; an `if`'s branches 0 and 1).
pub(super) fn walk(
    block: &Block,
    path: &mut Vec<usize>,
    per_vu: bool,
    f: &mut impl FnMut(Event<'_>),
) {
    for (i, step) in block.iter().enumerate() {
        match step {
            Step::Request(r) => walk_request(r, path, per_vu, f),
            Step::Batch(rs) => {
                for r in rs {
                    walk_request(r, path, per_vu, f);
                }
            }
            Step::Sleep(_) => {}
            Step::AddToMetric { value, .. } => f(Event::Use(value, path)),
            Step::PickRow { var, data, .. } => f(Event::Def(
                var,
                path,
                per_vu,
                DefTy::Known(Ty::Row(data.clone())),
            )),
            Step::Let { var, value } => {
                f(Event::Use(value, path));
                f(Event::Def(var, path, per_vu, DefTy::Of(value)));
            }
            Step::If { condition, .. } => {
                condition_exprs(condition, &mut |e| f(Event::Use(e, path)));
            }
            Step::ForEach { list, .. } => f(Event::Use(list, path)),
            Step::Cookie(_) => step.for_each_own_expr(&mut |e| f(Event::Use(e, path))),
            Step::Group { .. }
            | Step::OncePerVu { .. }
            | Step::Repeat { .. }
            | Step::Mix { .. }
            | Step::RawJs(_) => {}
        }
        for (j, inner) in step.blocks().into_iter().enumerate() {
            path.push(i);
            path.push(j);
            match step {
                // The loop's own variables live in its body, never kept per VU.
                Step::ForEach { item, .. } => {
                    f(Event::Def(item, path, false, DefTy::Known(Ty::Json)))
                }
                Step::Repeat {
                    index: Some(index), ..
                } => f(Event::Def(index, path, false, DefTy::Known(Ty::Num))),
                _ => {}
            }
            // Values made in a loop's body are the body's, whatever the loop is in.
            let per_vu = match step {
                Step::OncePerVu { .. } => true,
                Step::ForEach { .. } | Step::Repeat { .. } => false,
                _ => per_vu,
            };
            walk(inner, path, per_vu, f);
            path.pop();
            path.pop();
        }
    }
}

fn walk_request(r: &Request, path: &[usize], per_vu: bool, f: &mut impl FnMut(Event<'_>)) {
    for_each_request_expr(r, &mut |e| f(Event::Use(e, path)));
    for e in &r.extract {
        let ty = match e.from {
            Source::JsonPath(_) => Ty::Json,
            Source::Header(_) => Ty::Str,
            Source::Between(..) | Source::Regex { .. } => Ty::MaybeStr,
            Source::Status => Ty::Num,
            Source::ChecksPassed => Ty::Bool,
        };
        f(Event::Def(&e.var, path, per_vu, DefTy::Known(ty)));
    }
}

/// A type that holds values of both types: what a variable set in two branches
/// is declared as. Text or nothing is `string | undefined`; JSON and a scalar is
/// JSON (`JSONValue` holds strings, numbers and booleans); two scalars, their
/// union; otherwise the first (rows of one data set in every branch).
fn join(a: &Ty, b: &Ty) -> Ty {
    let scalar = |ty: &Ty| match ty {
        Ty::Str => Some("string"),
        Ty::Num => Some("number"),
        Ty::Bool => Some("boolean"),
        _ => None,
    };
    match (a, b) {
        _ if a == b => a.clone(),
        (Ty::Str | Ty::MaybeStr, Ty::Str | Ty::MaybeStr) => Ty::MaybeStr,
        (Ty::Json, other) | (other, Ty::Json)
            if scalar(other).is_some() || *other == Ty::MaybeStr =>
        {
            Ty::Json
        }
        _ => match (scalar(a), scalar(b)) {
            (Some(a), Some(b)) => Ty::Other(format!("{a} | {b}")),
            _ => a.clone(),
        },
    }
}
