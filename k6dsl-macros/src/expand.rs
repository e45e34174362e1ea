//! The expansion: a checked tree becomes calls on `k6dsl`'s builders (one model,
//! never a parallel one), each spanned to the user's tokens so that a type error
//! (a `&str` where a `Flow` belongs, a statistic a custom metric's kind lacks)
//! points at them.
//!
//! It runs only on trees the validator passed, except for [`errored`], which
//! keeps the clean thresholds of a failed invocation type-checked.

pub mod flow;
pub mod scenario;
pub mod thresholds;

use std::str::FromStr;
use std::time::Duration;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Expr, Lit};

use crate::ast::{literal_text, span_of};
use crate::lit::{self, Written};

/// What an invocation with mistakes expands to: every error, and an expression
/// of the macro's own type (`ty`, under `k6dsl`) that does not diverge, so that
/// neither a follow-up type error nor an "unreachable code" warning buries them.
/// `deferred` are clean pieces (thresholds) type-checked beside the errors.
pub fn errored(
    krate: &TokenStream,
    ty: TokenStream,
    errors: &syn::Error,
    deferred: Vec<TokenStream>,
) -> TokenStream {
    let errors = errors.to_compile_error();
    quote! {
        {
            #errors
            if false { #( let _ = #deferred; )* }
            #krate::__private::errored::<#krate::#ty>()
        }
    }
}

/// For macros with nothing to type-check beside their errors.
pub fn nothing_deferred<T>(_: &TokenStream, _: &T) -> Vec<TokenStream> {
    Vec::new()
}

/// A `Duration`: a literal as `Duration::new(secs, nanos)`, or the expression.
pub fn duration(krate: &TokenStream, expr: &Expr) -> TokenStream {
    match lit::written(expr) {
        Written::Literal(literal) => match lit::duration(literal) {
            Ok(value) => duration_tokens(krate, value, literal.span()),
            Err(_) => TokenStream::new(), // reported by the validator
        },
        _ => expr.to_token_stream(),
    }
}

fn duration_tokens(krate: &TokenStream, value: Duration, span: Span) -> TokenStream {
    let secs = value.as_secs();
    let nanos = value.subsec_nanos();
    quote_spanned!(span=> #krate::__private::Duration::new(#secs, #nanos))
}

/// A whole number of type `T`: a literal as a typed literal (`10u32`), in
/// `nz!(..)` when the builder takes a non-zero type, or the expression.
pub fn count<T>(krate: &TokenStream, expr: &Expr, positive: bool) -> TokenStream
where
    T: FromStr + PartialEq + Default + ToTokens,
    T::Err: std::fmt::Display,
{
    let Written::Literal(Lit::Int(int)) = lit::written(expr) else {
        return expr.to_token_stream();
    };
    let Ok(n) = lit::count::<T>(int, "", positive) else {
        return TokenStream::new(); // reported by the validator
    };
    let span = int.span();
    let n = quote_spanned!(span=> #n);
    if positive {
        quote_spanned!(span=> #krate::nz!(#n))
    } else {
        n
    }
}

/// A string for the builders: a literal or a name (its text), else the expression.
pub fn string_value(expr: &Expr) -> TokenStream {
    match literal_text(expr) {
        Some(text) => text.into_token_stream(),
        None => expr.to_token_stream(),
    }
}

/// The span a builder call on `value` is given: the value's first token.
pub fn value_span(value: &impl ToTokens) -> Span {
    span_of(value)
}
