//! Conditions as JavaScript expressions: comparisons, presence, flags, and their
//! combinations, converted the same way in JavaScript and TypeScript so that both
//! decide alike.

use crate::codegen::doc::{cat, Doc};
use crate::codegen::js::string_literal;
use crate::model::logic::{CompareOp, Condition};
use crate::model::vu::Expr;

use super::types::Ty;
use super::values::env_access;
use super::Function;

impl Function<'_, '_> {
    /// A condition as an expression, without parentheses around it. A presence
    /// test reads its value twice, so a value that is computed (a cookie's, a
    /// random pick) is kept in a `const` written to `before` first.
    pub(super) fn condition(&mut self, condition: &Condition, before: &mut Vec<Doc>) -> Doc {
        match condition {
            Condition::Compare { left, op, right } => self.comparison(left, *op, right),
            Condition::Exists(value) => {
                let value = match value {
                    Expr::Var(_) | Expr::Field(..) | Expr::SetupData(_) | Expr::Env { .. } => {
                        self.expr(value, false)
                    }
                    computed => {
                        let hint = match computed {
                            Expr::Cookie { name, .. } => format!("{name} cookie"),
                            _ => "value".to_owned(),
                        };
                        let name = self.fresh(&hint);
                        let code = self.expr(computed, false);
                        before.push(cat![format!("const {name} = "), code, ";"]);
                        Doc::text(name)
                    }
                };
                cat![
                    value.clone(),
                    " !== undefined &&",
                    Doc::Line,
                    value,
                    " !== null"
                ]
            }
            Condition::IsTrue(value) => cat![self.expr(value, false), " === true"],
            Condition::EnvFlag(name) => Doc::text(format!(
                "{} === {}",
                env_access(name),
                string_literal("true")
            )),
            // `x !== true` and `a !== b` read better than `!(x === true)`.
            Condition::Not(inner) => match &**inner {
                Condition::IsTrue(value) => cat![self.expr(value, false), " !== true"],
                Condition::Compare { left, op, right }
                    if matches!(op, CompareOp::Eq | CompareOp::Ne) =>
                {
                    let flipped = match op {
                        CompareOp::Eq => CompareOp::Ne,
                        _ => CompareOp::Eq,
                    };
                    self.comparison(left, flipped, right)
                }
                inner => cat!["!(", self.condition(inner, before), ")"],
            },
            Condition::All(all) => self.combined(all, " && ", "true", before),
            Condition::Any(any) => self.combined(any, " || ", "false", before),
        }
    }

    fn combined(
        &mut self,
        parts: &[Condition],
        op: &'static str,
        empty: &'static str,
        before: &mut Vec<Doc>,
    ) -> Doc {
        if parts.is_empty() {
            return Doc::text(empty);
        }
        let mut out = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                // `a &&` then a line break when the condition does not fit, as
                // prettier breaks a chain.
                out.push(Doc::text(op.trim_end()));
                out.push(Doc::Line);
            }
            let code = self.condition(part, before);
            // An `&&` chain (a presence test is one) inside `||`, or an `||` chain
            // inside `&&`, keeps its parentheses; a chain of the same operator
            // joins this one, as prettier writes it.
            let and = op == " && ";
            let compound = match part {
                Condition::All(inner) => !and && inner.len() > 1,
                Condition::Exists(_) => !and,
                Condition::Any(inner) => and && inner.len() > 1,
                _ => false,
            };
            out.push(if compound { cat!["(", code, ")"] } else { code });
        }
        Doc::Concat(out)
    }

    /// `left op right`: ordering compares numbers (each side `Number(...)` unless
    /// it is one); equality converts a side whose type is known to differ from a
    /// literal on the other side to the literal's type.
    fn comparison(&mut self, left: &Expr, op: CompareOp, right: &Expr) -> Doc {
        let (left_doc, right_doc) = if op.orders() {
            (self.as_number(left), self.as_number(right))
        } else {
            let left_ty = self.value_type(left);
            let right_ty = self.value_type(right);
            let left_doc = self.converted(left, &left_ty, right, &right_ty);
            let right_doc = self.converted(right, &right_ty, left, &left_ty);
            (left_doc, right_doc)
        };
        cat![left_doc, format!(" {} ", op.js()), right_doc]
    }

    /// `value`, converted to the type of `other` when `other` is a literal and
    /// `value` is known to be of another primitive type (a header compared to a
    /// number). JSON values stay as they are: `===` compares them as they come.
    fn converted(&mut self, value: &Expr, ty: &Ty, other: &Expr, other_ty: &Ty) -> Doc {
        let literal = matches!(other, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_));
        let known = matches!(ty, Ty::Str | Ty::MaybeStr | Ty::Num | Ty::Bool);
        if !literal || !known || ty == other_ty {
            return self.expr(value, false);
        }
        match other_ty {
            Ty::Num => self.as_number(value),
            Ty::Str => cat!["String(", self.expr(value, false), ")"],
            _ => cat!["Boolean(", self.expr(value, false), ")"],
        }
    }
}
