//! `scenario!` and `scenarios!` to `Scenario::new(name, executor)` and its methods.

use k6dsl_facts::executor::{self as facts, Counted, FieldValue};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::{Expr, ExprLit, Ident, Lit, LitStr};

use super::{count, duration, string_value, value_span};
use crate::ast::scenario::{
    ExecutorFieldValue, ExecutorValue, InlineExecutor, Scenario, ScenarioValue, Scenarios, Stages,
};

/// `[Scenario, ..]`.
pub fn scenarios(krate: &TokenStream, scenarios: &Scenarios) -> TokenStream {
    let items = scenarios.items.parsed().map(|s| scenario(krate, s));
    quote! { [ #(#items),* ] }
}

/// `Scenario::new(name, executor)` and one call per field.
pub fn scenario(krate: &TokenStream, scenario: &Scenario) -> TokenStream {
    let mut name = TokenStream::new();
    let mut literal_name: Option<&LitStr> = None;
    let mut executor = TokenStream::new();
    let mut exec = TokenStream::new();
    let mut calls = Vec::new();
    for field in scenario.fields.parsed() {
        let Ok(value) = &field.value else {
            continue;
        };
        let key = &field.key;
        match (key.to_string().as_str(), value) {
            ("name", ScenarioValue::Expr(expr)) => {
                literal_name = match expr {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(literal),
                        ..
                    }) => Some(literal),
                    _ => None,
                };
                name = expr.to_token_stream();
            }
            ("executor", ScenarioValue::Executor(value)) => executor = self::executor(krate, value),
            ("exec", ScenarioValue::Expr(flow)) => {
                exec = quote_spanned!(value_span(flow)=> .exec(&#flow));
            }
            ("flow", ScenarioValue::Flow(steps)) => {
                // Named after the scenario (the validator made sure it is a literal).
                if let Some(flow_name) = literal_name {
                    let flow = super::flow::flow_value(krate, flow_name.to_token_stream(), steps);
                    exec = quote!(.exec(&#flow));
                }
            }
            ("start_time" | "graceful_stop", ScenarioValue::Expr(expr)) => {
                let value = duration(krate, expr);
                calls.push(quote_spanned!(key.span()=> .#key(#value)));
            }
            ("tags" | "env", ScenarioValue::Map(map)) => {
                let method = Ident::new(if key == "tags" { "tag" } else { "env" }, key.span());
                for (entry_key, entry_value) in map.entries.parsed() {
                    let entry_key = entry_key.as_lit_str();
                    let entry_value = string_value(entry_value);
                    calls.push(
                        quote_spanned!(entry_key.span()=> .#method(#entry_key, #entry_value)),
                    );
                }
            }
            ("thresholds", ScenarioValue::Thresholds(thresholds)) => {
                for threshold in super::thresholds::rules(krate, thresholds) {
                    calls.push(quote!(.threshold(#threshold)));
                }
            }
            _ => {}
        }
    }
    quote! {
        #krate::Scenario::new(#name, #executor) #exec #(#calls)*
    }
}

/// `executor::ConstantVus::new().vus(..)..`, or the user's expression.
fn executor(krate: &TokenStream, value: &ExecutorValue) -> TokenStream {
    match value {
        ExecutorValue::Expr(expr) => expr.to_token_stream(),
        ExecutorValue::Inline(inline) => written_out(krate, inline),
    }
}

fn written_out(krate: &TokenStream, inline: &InlineExecutor) -> TokenStream {
    let Some(spec) = facts::executor(&inline.name.to_string()) else {
        return TokenStream::new(); // reported by the validator
    };
    let builder = Ident::new(&builder_name(spec.name), inline.name.span());
    let mut calls = Vec::new();
    for field in inline.fields.parsed() {
        let (Some(fact), Ok(value)) = (spec.field(&field.key.to_string()), &field.value) else {
            continue;
        };
        let key = &field.key;
        match (fact.value, value) {
            (FieldValue::Count { of, positive }, ExecutorFieldValue::Expr(expr)) => {
                let value = count_of(krate, expr, of, positive);
                calls.push(quote_spanned!(value_span(expr)=> .#key(#value)));
            }
            (FieldValue::Duration, ExecutorFieldValue::Expr(expr)) => {
                let value = duration(krate, expr);
                calls.push(quote_spanned!(value_span(expr)=> .#key(#value)));
            }
            (FieldValue::Stages { of }, ExecutorFieldValue::Stages(list)) => {
                calls.extend(stages(krate, list, of));
            }
            _ => {}
        }
    }
    quote_spanned! {inline.name.span()=>
        #krate::executor::#builder::new() #(#calls)*
    }
}

/// The builder type of an executor: `constant_arrival_rate` is built by
/// `executor::ConstantArrivalRate`.
fn builder_name(executor: &str) -> String {
    executor
        .split('_')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// VUs are `u32` in the builders, iterations and rates `u64`.
fn count_of(krate: &TokenStream, expr: &Expr, of: Counted, positive: bool) -> TokenStream {
    match of {
        Counted::Vus => count::<u32>(krate, expr, positive),
        Counted::Iterations => count::<u64>(krate, expr, positive),
    }
}

/// One `.stage(duration, target)` per stage.
fn stages(krate: &TokenStream, list: &Stages, of: Counted) -> Vec<TokenStream> {
    list.stages
        .parsed()
        .map(|stage| {
            let duration = duration(krate, &stage.duration);
            let target = count_of(krate, &stage.target, of, false);
            quote_spanned!(stage.span=> .stage(#duration, #target))
        })
        .collect()
}

/// The clean thresholds of a scenario with mistakes, to type-check beside them.
pub fn deferred(krate: &TokenStream, scenario: &Scenario) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for field in scenario.fields.parsed() {
        if let Ok(ScenarioValue::Thresholds(thresholds)) = &field.value {
            out.extend(super::thresholds::clean_rules(krate, thresholds));
        }
    }
    out
}

/// The clean thresholds of every scenario of a `scenarios!` with mistakes.
pub fn deferred_in_all(krate: &TokenStream, scenarios: &Scenarios) -> Vec<TokenStream> {
    scenarios
        .items
        .parsed()
        .flat_map(|scenario| deferred(krate, scenario))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::builder_name;

    #[test]
    fn every_executor_has_its_builder_type() {
        let names: Vec<String> = k6dsl_facts::executor::EXECUTORS
            .iter()
            .map(|e| builder_name(e.name))
            .collect();
        assert_eq!(
            names,
            [
                "SharedIterations",
                "PerVuIterations",
                "ConstantVus",
                "RampingVus",
                "ConstantArrivalRate",
                "RampingArrivalRate",
                "ExternallyControlled"
            ]
        );
    }
}
