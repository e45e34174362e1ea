//! Thresholds to the typed builders: `HTTP_REQ_DURATION.tag(..).p(95.0).lt(500.0)`,
//! spanned so that a statistic a custom metric's kind lacks is a type error on
//! the user's statistic.

use k6dsl_facts::metric::{builtin, Comparison};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::Ident;

use super::{duration, string_value};
use crate::ast::thresholds::{Bound, Metric, MetricName, Rule, SelectorValue, Thresholds};
use crate::lit;
use crate::valid::thresholds::is_clean;

/// `thresholds! { .. }`: `[Threshold, ..]` in the order written.
pub fn array(krate: &TokenStream, thresholds: &Thresholds) -> TokenStream {
    let items = rules(krate, thresholds);
    quote! { [ #(#items),* ] }
}

/// One `Threshold` expression per rule.
pub fn rules(krate: &TokenStream, thresholds: &Thresholds) -> Vec<TokenStream> {
    thresholds
        .entries
        .parsed()
        .flat_map(|entry| {
            entry
                .rules
                .parsed()
                .map(|rule| self::rule(krate, &entry.metric, rule))
        })
        .collect()
}

/// The rules without mistakes of their own, from an invocation that has some.
pub fn clean_rules(krate: &TokenStream, thresholds: &Thresholds) -> Vec<TokenStream> {
    thresholds
        .entries
        .parsed()
        .flat_map(|entry| {
            entry
                .rules
                .parsed()
                .filter(|rule| is_clean(&entry.metric, rule))
                .map(|rule| self::rule(krate, &entry.metric, rule))
        })
        .collect()
}

fn rule(krate: &TokenStream, metric: &Metric, rule: &Rule) -> TokenStream {
    let metric = self::metric(krate, metric);
    let stat = &rule.stat;
    let stat_call = match &rule.percentile {
        Some((_, Some(percentile))) => {
            let value = f64_literal(percentile);
            quote_spanned!(stat.span()=> .p(#value))
        }
        _ => quote_spanned!(stat.span()=> .#stat()),
    };
    let method = Ident::new(
        match rule.op {
            Comparison::Lt => "lt",
            Comparison::Le => "le",
            Comparison::Gt => "gt",
            Comparison::Ge => "ge",
            // Rust spells equality `==`: it means k6's strict `===`.
            Comparison::Eq | Comparison::LooseEq => "eq",
            Comparison::Ne => "ne",
        },
        rule.op_span,
    );
    let bound = match &rule.bound {
        Bound::Number { negative, lit } => {
            let value = f64_literal(lit);
            // A negative literal token is not one Rust itself makes: negate it.
            if *negative {
                quote_spanned!(lit.span()=> -#value)
            } else {
                value
            }
        }
        Bound::Expr(expr) => expr.to_token_stream(),
    };
    let mut options = Vec::new();
    if let Some(abort) = &rule.abort_on_fail {
        let flag = &abort.flag;
        options.push(quote_spanned!(flag.span()=> .abort_on_fail()));
        for option in abort.options.parsed() {
            if let (true, Ok(delay)) = (option.key == "delay", &option.value) {
                let delay = duration(krate, delay);
                options.push(quote_spanned!(option.key.span()=> .delay_abort_eval(#delay)));
            }
        }
    }
    quote! { #metric #stat_call .#method(#bound) #(#options)* }
}

/// A number as an `f64` literal spanned to the user's.
fn f64_literal(lit: &syn::Lit) -> TokenStream {
    let value = lit::threshold_number(lit).unwrap_or_default();
    let mut literal = Literal::f64_suffixed(value);
    literal.set_span(lit.span());
    literal.into_token_stream()
}

/// The metric with its selector, as a `Metric<K>` value (cloned: a built-in is a
/// constant and a custom metric a variable the user keeps).
fn metric(krate: &TokenStream, metric: &Metric) -> TokenStream {
    let base = match (&metric.name, metric.ident()) {
        (_, Some(name)) if builtin(&name.to_string()).is_some() => {
            let constant = Ident::new(&name.to_string().to_uppercase(), name.span());
            quote_spanned!(name.span()=> #krate::metric::builtin::#constant)
        }
        (MetricName::Path(path), _) => path.to_token_stream(),
        (MetricName::Expr(expr), _) => expr.to_token_stream(),
    };
    let mut calls = Vec::new();
    for entry in metric.selector.iter().flat_map(|s| s.parsed()) {
        calls.push(match &entry.value {
            SelectorValue::Scenario(scenario) => {
                quote_spanned!(scenario.span()=> .for_scenario(&#scenario))
            }
            SelectorValue::Group { span, names } => quote_spanned!(*span=> .for_group([#names])),
            SelectorValue::Tag(value) => {
                let key = entry.key.as_lit_str();
                let value = string_value(value);
                quote_spanned!(key.span()=> .tag(#key, #value))
            }
        });
    }
    quote_spanned! {metric.span=> ::core::clone::Clone::clone(&#base) #(#calls)* }
}
