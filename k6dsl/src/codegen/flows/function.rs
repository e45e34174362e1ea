//! The exported functions (setup, the flows, teardown, handleSummary), and where
//! each of their variables is declared.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::codegen::doc::{cat, delimited, Doc};
use crate::codegen::js::{number_literal, property_key, string_literal, INDENT};
use crate::codegen::lang::Tokens;
use crate::model::vu::{for_each_request_expr, visit_expr};
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
    /// Decides where each variable is declared, and whether `data` is used.
    fn plan(&mut self, body: &Block, returns: Option<&[(String, Expr)]>) {
        let mut defs: BTreeMap<(String, u32), (Vec<usize>, bool, Var)> = BTreeMap::new();
        // Where each variable is used, by variable (a scan of all uses per
        // definition was quadratic in the function's size).
        let mut uses: BTreeMap<(String, u32), Vec<Vec<usize>>> = BTreeMap::new();
        let mut uses_data = false;
        let var_types = &mut self.var_types;
        walk(body, &mut Vec::new(), false, &mut |event| match event {
            Event::Def(var, path, per_vu, ty) => {
                var_types.insert((var.owner.clone(), var.id), ty);
                defs.insert(
                    (var.owner.clone(), var.id),
                    (path.to_vec(), per_vu, var.clone()),
                );
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
        for (key, (path, per_vu, var)) in &defs {
            let ty = self.var_types.get(key).cloned().unwrap_or(Ty::Json);
            if *per_vu {
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
            } else if uses
                .get(key)
                .is_some_and(|at| at.iter().any(|at| !at.starts_with(path)))
            {
                let name = self.bind(var);
                self.hoisted.insert(key.clone());
                self.hoisted_decls.push((name, ty));
            }
        }
    }
}

pub(super) enum Event<'e> {
    /// A variable defined, where, whether kept per VU, and its type.
    Def(&'e Var, &'e [usize], bool, Ty),
    Use(&'e Expr, &'e [usize]),
}

/// Visits definitions and uses in a block, with the path of blocks they are in.
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
            Step::Group { body, .. } => {
                path.push(i);
                walk(body, path, per_vu, f);
                path.pop();
            }
            Step::OncePerVu { body } => {
                path.push(i);
                walk(body, path, true, f);
                path.pop();
            }
            Step::Sleep(_) => {}
            Step::AddToMetric { value, .. } => f(Event::Use(value, path)),
            Step::PickRow { var, data, .. } => {
                f(Event::Def(var, path, per_vu, Ty::Row(data.clone())))
            }
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
        };
        f(Event::Def(&e.var, path, per_vu, ty));
    }
}
