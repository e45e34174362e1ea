//! Reading the literals users write where the grammar takes a duration, a count or
//! a threshold number, against k6's facts. The validator reports a reading's
//! error; the expansion uses its value.

use std::str::FromStr;
use std::time::Duration;

use k6dsl_facts::duration::{parse_duration, unit_list, DurationProblem};
use quote::ToTokens;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitInt, UnOp};

/// What stands where a number or a duration is expected.
pub enum Written<'a> {
    /// A literal, which the macro reads itself (`30s`, `10`, `"10s"`).
    Literal(&'a Lit),
    /// `-` and a literal.
    Negative,
    /// Any other Rust expression, passed through for the compiler to type.
    Rust,
}

pub fn written(expr: &Expr) -> Written<'_> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => Written::Literal(lit),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) if matches!(**expr, Expr::Lit(_)) => Written::Negative,
        _ => Written::Rust,
    }
}

const DURATION_EXAMPLE: &str = "write a duration such as `30s`, `1m30s`, `500ms` or `1.5s`";

/// A duration literal as Go and k6 write them: `30s`, `1m30s`, `500ms`, `1.5s`,
/// `2d12h` (`_` separates digits, as in any Rust number).
pub fn duration(lit: &Lit) -> Result<Duration, String> {
    let text = lit.to_token_stream().to_string();
    parse_duration(&text.replace('_', "")).map_err(|error| match error.problem() {
        DurationProblem::Empty => format!("empty duration: {DURATION_EXAMPLE}"),
        DurationProblem::Negative => "a duration cannot be negative".to_owned(),
        DurationProblem::NoNumber => format!("`{text}` is not a duration: {DURATION_EXAMPLE}"),
        DurationProblem::NoUnit => format!(
            "`{text}` has no unit: {DURATION_EXAMPLE} (units: {})",
            unit_list(", ", ", ")
        ),
        DurationProblem::UnknownUnit(unit) => format!(
            "unknown unit `{unit}` in `{text}`: use {}",
            unit_list(", ", " or ")
        ),
        problem @ DurationProblem::DaysNotLeading => {
            format!("`{text}` is not a duration k6 reads: {}", problem.reason())
        }
        DurationProblem::TooLarge => format!("`{text}` is too long a duration"),
    })
}

/// Whether a Rust expression has a number with a suffix among its operands
/// (`1s..3s`, `2 * 30s`): a duration written where one duration belongs.
pub fn has_unit_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => !int.suffix().is_empty(),
        Expr::Lit(ExprLit {
            lit: Lit::Float(float),
            ..
        }) => !float.suffix().is_empty(),
        Expr::Binary(binary) => has_unit_literal(&binary.left) || has_unit_literal(&binary.right),
        Expr::Range(range) => [&range.start, &range.end]
            .into_iter()
            .flatten()
            .any(|end| has_unit_literal(end)),
        Expr::Unary(unary) => has_unit_literal(&unary.expr),
        _ => false,
    }
}

/// A whole number of type `T`, written plainly; `positive` also refuses 0 (k6
/// requires it above zero). `what` names it in messages.
pub fn count<T>(lit: &LitInt, what: &str, positive: bool) -> Result<T, String>
where
    T: FromStr + PartialEq + Default,
    T::Err: std::fmt::Display,
{
    if !lit.suffix().is_empty() {
        return Err(format!(
            "`{}`: write {what} as a plain whole number, with no suffix",
            lit.token()
        ));
    }
    match lit.base10_parse::<T>() {
        Ok(n) if positive && n == T::default() => {
            Err(format!("k6 requires {what} to be positive: use 1 or more"))
        }
        Ok(n) => Ok(n),
        Err(error) => Err(format!("{what}: {error}")),
    }
}

/// A threshold's number (a bound or a percentile): plain and finite, no units.
pub fn threshold_number(lit: &Lit) -> Result<f64, String> {
    let (value, suffix) = match lit {
        Lit::Int(int) => (int.base10_digits().parse::<f64>().ok(), int.suffix()),
        Lit::Float(float) => (float.base10_digits().parse::<f64>().ok(), float.suffix()),
        _ => (None, ""),
    };
    if !suffix.is_empty() {
        return Err(format!(
            "`{}`: threshold bounds are plain numbers (k6 measures times in milliseconds: write `500`, not `500ms`)",
            lit.to_token_stream()
        ));
    }
    match value {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err("expected a finite number".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Lit {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn durations_as_go_and_k6_write_them() {
        assert_eq!(duration(&lit("30s")), Ok(Duration::from_secs(30)));
        assert_eq!(duration(&lit("1m30s")), Ok(Duration::from_secs(90)));
        assert_eq!(duration(&lit("1.5s")), Ok(Duration::from_millis(1500)));
        assert_eq!(duration(&lit("1_000ms")), Ok(Duration::from_secs(1)));
        assert_eq!(duration(&lit("2d12h")), Ok(Duration::from_secs(60 * 3600)));
        assert!(duration(&lit("30")).unwrap_err().contains("has no unit"));
        assert!(duration(&lit("30sec"))
            .unwrap_err()
            .contains("unknown unit `sec`"));
        // k6 reads days only first, as a whole number.
        assert_eq!(
            duration(&lit("1h2d")).unwrap_err(),
            "`1h2d` is not a duration k6 reads: days (`d`) may only come first, as a whole number, such as `1d12h`"
        );
    }

    #[test]
    fn counts_are_plain_whole_numbers() {
        let ten: LitInt = syn::parse_str("10").unwrap();
        assert_eq!(count::<u32>(&ten, "vus", true), Ok(10));
        let zero: LitInt = syn::parse_str("0").unwrap();
        assert!(count::<u32>(&zero, "vus", true)
            .unwrap_err()
            .contains("positive"));
        let suffixed: LitInt = syn::parse_str("10u8").unwrap();
        assert!(count::<u32>(&suffixed, "vus", false)
            .unwrap_err()
            .contains("no suffix"));
    }
}
