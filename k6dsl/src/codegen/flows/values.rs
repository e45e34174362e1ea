//! Values as JavaScript expressions, with their TypeScript types: literals,
//! environment, variables, fields, setup data and text joined in template literals.

use crate::codegen::doc::{call, cat, template, Doc};
use crate::codegen::js::{number_literal, string_literal, TemplatePart};
use crate::model::logic::ArithOp;
use crate::model::vu::Expr;

use super::types::Ty;
use super::Function;

impl Function<'_, '_> {
    /// A value as a JavaScript expression.
    pub(super) fn expr(&mut self, expr: &Expr, in_url: bool) -> Doc {
        self.typed_expr(expr, in_url).0
    }

    /// A value where k6 wants a string (a header, a form field, a cookie, a text
    /// body): in TypeScript, `String(value)` unless it is one already.
    pub(super) fn string_expr(&mut self, expr: &Expr) -> Doc {
        let (code, ty) = self.typed_expr(expr, false);
        if self.module.ts() && ty != Ty::Str {
            cat!["String(", code, ")"]
        } else {
            code
        }
    }

    /// A value where k6 wants a number (a metric's sample): in TypeScript,
    /// `Number(value)` unless it is a number or a boolean already.
    pub(super) fn number_expr(&mut self, expr: &Expr) -> Doc {
        let (code, ty) = self.typed_expr(expr, false);
        if self.module.ts() && !matches!(ty, Ty::Num | Ty::Bool) {
            cat!["Number(", code, ")"]
        } else {
            code
        }
    }

    /// A value as a JavaScript expression, and its TypeScript type.
    pub(super) fn typed_expr(&mut self, expr: &Expr, in_url: bool) -> (Doc, Ty) {
        match expr {
            Expr::Str(s) => (Doc::text(string_literal(s)), Ty::Str),
            Expr::Num(n) => (Doc::text(number_literal(*n)), Ty::Num),
            Expr::Bool(b) => (Doc::text(b.to_string()), Ty::Bool),
            Expr::Env { name, .. } => match self.module.env_consts.get(name) {
                Some(constant) => (self.module.constant(constant).into(), Ty::Str),
                None => (Doc::text(env_access(name)), Ty::Str),
            },
            Expr::Secret { name } => (Doc::text(env_access(name)), Ty::Str),
            Expr::VuId => (Doc::text("__VU"), Ty::Num),
            Expr::Iteration => (Doc::text("__ITER"), Ty::Num),
            Expr::VuIdInTest => (cat![self.module.k6("exec"), ".vu.idInTest"], Ty::Num),
            Expr::IterationInTest => (
                cat![self.module.k6("exec"), ".scenario.iterationInTest"],
                Ty::Num,
            ),
            Expr::ScenarioName => (cat![self.module.k6("exec"), ".scenario.name"], Ty::Str),
            Expr::Var(var) => {
                let key = (var.owner.clone(), var.id);
                let ty = self.var_types.get(&key).cloned().unwrap_or(Ty::Json);
                // Declared before their value (`let x: T | undefined;`): TypeScript
                // cannot see that the value is there by the time it is read.
                let ty = if self.hoisted.contains(&key) || self.vu_vars.contains(&key) {
                    match ty {
                        Ty::Str => Ty::MaybeStr,
                        Ty::Num => Ty::Other("number | undefined".into()),
                        Ty::Bool => Ty::Other("boolean | undefined".into()),
                        other => other,
                    }
                } else {
                    ty
                };
                (Doc::text(self.names.var(var)), ty)
            }
            Expr::Field(base_expr, field) => {
                let (base, base_ty) = self.typed_expr(base_expr, in_url);
                match base_ty {
                    Ty::Row(data) => {
                        // A row declared before it is picked (per VU, or in a group)
                        // is there when read, as the JavaScript assumes.
                        let mut assured = "";
                        if let Expr::Var(var) = &**base_expr {
                            let key = (var.owner.clone(), var.id);
                            if self.module.ts()
                                && (self.hoisted.contains(&key) || self.vu_vars.contains(&key))
                            {
                                assured = "!";
                            }
                        }
                        let ty = self.row_field_type(&data, field);
                        (cat![base, assured, member(field)], ty)
                    }
                    // A JSON value read as the object it holds, as the JavaScript does
                    // (which throws on anything else).
                    _ if self.module.ts() => (
                        cat![
                            "(",
                            base,
                            " as ",
                            self.module.k6("JSONObject"),
                            ")",
                            member(field)
                        ],
                        Ty::Json,
                    ),
                    _ => (cat![base, member(field)], Ty::Json),
                }
            }
            Expr::SetupData(key) => {
                self.uses_data = true;
                let ty = self.setup_type(key);
                (Doc::text(format!("data{}", member(key))), ty)
            }
            Expr::Concat(parts) => (self.template(parts, in_url), Ty::Str),
            Expr::AsNumber(inner) => (self.as_number(inner), Ty::Num),
            Expr::AsString(inner) => match self.typed_expr(inner, in_url) {
                (code, Ty::Str) => (code, Ty::Str),
                (code, _) => (cat!["String(", code, ")"], Ty::Str),
            },
            Expr::Arith { op, left, right } => {
                let operand = |f: &mut Self, side: &Expr, right_side: bool| {
                    let code = f.as_number(side);
                    match side {
                        Expr::Arith { op: inner, .. } if needs_parens(*op, *inner, right_side) => {
                            cat!["(", code, ")"]
                        }
                        _ => code,
                    }
                };
                let left = operand(self, left, false);
                let right = operand(self, right, true);
                (cat![left, format!(" {} ", op.js()), right], Ty::Num)
            }
            Expr::RandomInt { min, max } => (
                cat![
                    self.module.helper("randomIntBetween"),
                    format!("({min}, {max})")
                ],
                Ty::Num,
            ),
            Expr::PickOne(items) => {
                let ty = self.value_type(expr);
                let items = items.iter().map(|item| self.expr(item, false)).collect();
                let list = crate::codegen::doc::delimited("[", items, "]", Doc::SoftLine, false);
                (cat![self.module.helper("randomItem"), "(", list, ")"], ty)
            }
            Expr::Uuid => (cat![self.module.helper("uuidv4"), "()"], Ty::Str),
            Expr::NowMillis => (Doc::text("Date.now()"), Ty::Num),
            Expr::Cookie { url, name } => {
                let url = self.url(url);
                let jar = cat![self.module.k6("http"), ".cookieJar()"];
                let value = call(
                    self.module.helper("cookieValue"),
                    vec![jar, url, Doc::text(string_literal(name))],
                    false,
                );
                (value, Ty::MaybeStr)
            }
        }
    }

    /// A value as a number: `Number(value)` unless it is one already.
    pub(super) fn as_number(&mut self, expr: &Expr) -> Doc {
        match self.typed_expr(expr, false) {
            (code, Ty::Num) => code,
            (code, _) => cat!["Number(", code, ")"],
        }
    }

    /// The type of a field of a row of `data`: known from the rows, else what
    /// its other fields are.
    fn row_field_type(&self, data: &str, field: &str) -> Ty {
        match self.module.row_types.get(data) {
            Some(row) => row
                .fields
                .get(field)
                .cloned()
                .unwrap_or_else(|| row.other_fields.clone()),
            None => Ty::Json,
        }
    }

    /// The type of what setup() returns under `key`.
    fn setup_type(&self, key: &str) -> Ty {
        self.module
            .setup_types
            .iter()
            .find(|(k, _)| k == key)
            .map_or(Ty::Json, |(_, ty)| ty.clone())
    }

    /// What the generator knows of a value's type, without writing it.
    pub(super) fn value_type(&self, expr: &Expr) -> Ty {
        match expr {
            Expr::Str(_)
            | Expr::Env { .. }
            | Expr::Secret { .. }
            | Expr::ScenarioName
            | Expr::Concat(_)
            | Expr::AsString(_)
            | Expr::Uuid => Ty::Str,
            Expr::Cookie { .. } => Ty::MaybeStr,
            Expr::Num(_)
            | Expr::VuId
            | Expr::Iteration
            | Expr::VuIdInTest
            | Expr::IterationInTest
            | Expr::AsNumber(_)
            | Expr::Arith { .. }
            | Expr::RandomInt { .. }
            | Expr::NowMillis => Ty::Num,
            Expr::Bool(_) => Ty::Bool,
            Expr::Var(var) => self
                .var_types
                .get(&(var.owner.clone(), var.id))
                .cloned()
                .unwrap_or(Ty::Json),
            Expr::Field(base, field) => match self.value_type(base) {
                Ty::Row(data) => self.row_field_type(&data, field),
                _ => Ty::Json,
            },
            Expr::SetupData(key) => self.setup_type(key),
            Expr::PickOne(items) => {
                let mut types = items.iter().map(|item| self.value_type(item));
                let first = types.next().unwrap_or(Ty::Json);
                if types.all(|ty| ty == first) {
                    first
                } else {
                    Ty::Json
                }
            }
        }
    }

    /// Parts joined as text: a string literal when all are literal, else one template
    /// literal, escaped as a whole by [`template`].
    pub(super) fn template(&mut self, parts: &[Expr], in_url: bool) -> Doc {
        let mut pieces = Vec::with_capacity(parts.len());
        self.template_parts(parts, in_url, &mut pieces);
        template(pieces)
    }

    /// The pieces of a text value, nested texts flattened into one list so that
    /// their literal parts merge with their neighbours before escaping.
    pub(super) fn template_parts(
        &mut self,
        parts: &[Expr],
        in_url: bool,
        out: &mut Vec<TemplatePart<Doc>>,
    ) {
        for part in parts {
            match part {
                Expr::Str(s) => out.push(TemplatePart::Text(s.clone())),
                Expr::Concat(inner) => self.template_parts(inner, in_url, out),
                dynamic => {
                    let (mut value, ty) = self.typed_expr(dynamic, in_url);
                    let encode = in_url
                        && matches!(dynamic, Expr::Var(_) | Expr::Field(..) | Expr::SetupData(_));
                    if encode {
                        if self.module.ts() && !ty.is_scalar() {
                            value = cat!["String(", value, ")"];
                        }
                        value = cat!["encodeURIComponent(", value, ")"];
                    }
                    out.push(TemplatePart::Expr(value));
                }
            }
        }
    }
}

/// Whether an arithmetic operand needs parentheses, as prettier decides: a lower
/// precedence, the same precedence on the right, `%` beside `*` or `/`, and `%`
/// inside `+` or `-` (which prettier makes explicit).
fn needs_parens(parent: ArithOp, child: ArithOp, right_side: bool) -> bool {
    let precedence = |op: ArithOp| match op {
        ArithOp::Add | ArithOp::Sub => 1,
        ArithOp::Mul | ArithOp::Div | ArithOp::Rem => 2,
    };
    let (pp, cp) = (precedence(parent), precedence(child));
    if pp > cp || (pp == cp && right_side) {
        return true;
    }
    if pp == cp {
        // prettier's shouldFlatten: `(a * b) / c`, `(a % b) * c`, `(a % b) % c`.
        let multiplicative = |op| matches!(op, ArithOp::Mul | ArithOp::Div | ArithOp::Rem);
        return multiplicative(parent)
            && multiplicative(child)
            && (parent != child || child == ArithOp::Rem);
    }
    child == ArithOp::Rem && matches!(parent, ArithOp::Add | ArithOp::Sub)
}

/// `.name` when `name` is an identifier, else `["name"]`.
pub(super) fn member(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if bare {
        format!(".{name}")
    } else {
        format!("[{}]", string_literal(name))
    }
}

/// `__ENV.NAME`, or `__ENV["odd-name"]`.
pub(super) fn env_access(name: &str) -> String {
    format!("__ENV{}", member(name))
}
