//! `scenario! { name: .., executor: .., ... }` and `scenarios![{ .. }, { .. }]`.

use k6dsl_facts::executor::{self as facts, FieldValue};
use proc_macro2::{Delimiter, Span};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, Token};

use super::flow::Steps;
use super::thresholds::Thresholds;
use super::{at_item_end, group, peek_group, skip_value, Field, List, Map};
use crate::suggest::did_you_mean;

/// The fields `scenario!` takes: k6's own scenario fields in Rust spelling (all
/// of `k6dsl_facts::executor::SCENARIO_FIELDS` but `options`, the browser's), the
/// name, and this macro's `flow` (defined in place) and `thresholds` (narrowed to
/// the scenario).
pub const SCENARIO_FIELDS: &[&str] = &[
    "name",
    "executor",
    "exec",
    "flow",
    "start_time",
    "graceful_stop",
    "tags",
    "env",
    "thresholds",
];

/// One scenario: its fields in the order written.
pub struct Scenario {
    /// Where the scenario is (its braces, or the whole macro), for "needs a name".
    pub span: Span,
    pub fields: List<Field<ScenarioValue>>,
}

impl Parse for Scenario {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Ok(Scenario::fields(input, Span::call_site()))
    }
}

impl Scenario {
    fn fields(input: ParseStream, span: Span) -> Scenario {
        let fields = List::parse_with(input, |field| {
            Field::parse(field, "scenario", ScenarioValue::parse)
        });
        Scenario { span, fields }
    }
}

/// `scenarios![{ .. }, { .. }]`.
pub struct Scenarios {
    pub items: List<Scenario>,
}

impl Parse for Scenarios {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let items = List::parse_with(input, |item| {
            if !peek_group(item, Delimiter::Brace) {
                return Err(item
                    .error("expected a scenario in braces: `{ name: \"browse\", executor: .. }`"));
            }
            let (span, mut scenario) = group(item, Delimiter::Brace, |inside| {
                Ok(Scenario::fields(inside, Span::call_site()))
            })?;
            scenario.span = span;
            Ok(scenario)
        });
        Ok(Scenarios { items })
    }
}

/// A scenario field's value, read by the field's own rule.
pub enum ScenarioValue {
    /// `name`, `exec`, `start_time`, `graceful_stop`: an expression (durations are
    /// literals such as `30s` to Rust's parser).
    Expr(Expr),
    Executor(ExecutorValue),
    /// `flow: { steps }`: a flow defined in place.
    Flow(Steps),
    /// `tags`, `env`.
    Map(Map),
    Thresholds(Thresholds),
    /// A field this macro does not have; its value is skipped.
    Unknown,
}

impl ScenarioValue {
    fn parse(key: &Ident, input: ParseStream) -> syn::Result<Self> {
        Ok(match key.to_string().as_str() {
            "name" | "exec" | "start_time" | "graceful_stop" => ScenarioValue::Expr(input.parse()?),
            "executor" => ScenarioValue::Executor(input.parse()?),
            "flow" => {
                if !peek_group(input, Delimiter::Brace) {
                    return Err(input.error("expected the flow's steps in braces"));
                }
                ScenarioValue::Flow(group(input, Delimiter::Brace, Steps::parse)?.1)
            }
            "tags" | "env" => ScenarioValue::Map(Map::parse(input, &key.to_string())?),
            "thresholds" => {
                if !peek_group(input, Delimiter::Brace) {
                    return Err(input.error(
                        "expected thresholds in braces: `{ http_req_duration: p(95) < 500 }`",
                    ));
                }
                ScenarioValue::Thresholds(group(input, Delimiter::Brace, Thresholds::parse)?.1)
            }
            _ => {
                skip_value(input)?;
                ScenarioValue::Unknown
            }
        })
    }
}

/// `executor: constant_vus { vus: 10, duration: 30s }`, or a Rust expression of
/// an executor type (`profile.ramping_vus(20)`).
pub enum ExecutorValue {
    Inline(InlineExecutor),
    Expr(Expr),
}

/// An executor written out: its name and fields.
pub struct InlineExecutor {
    pub name: Ident,
    pub fields: List<Field<ExecutorFieldValue>>,
}

/// An executor field's value: stages, or an expression (counts and durations).
pub enum ExecutorFieldValue {
    Stages(Stages),
    Expr(Expr),
}

impl Parse for ExecutorValue {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let inline = input.peek(Ident)
            && (input.peek2(syn::token::Brace) || {
                // A lone name: an executor without fields, or most likely a
                // misspelt one rather than a variable of that name.
                let fork = input.fork();
                let name: Ident = fork.parse()?;
                let name = name.to_string();
                at_item_end(&fork)
                    && (facts::executor(&name).is_some()
                        || did_you_mean(&name, &facts::executor_names()).is_some())
            });
        if !inline {
            return Ok(ExecutorValue::Expr(input.parse()?));
        }
        let name: Ident = input.parse()?;
        let executor = facts::executor(&name.to_string());
        let fields = if peek_group(input, Delimiter::Brace) {
            group(input, Delimiter::Brace, |inside| {
                Ok(List::parse_with(inside, |field| {
                    Field::parse(field, "executor", |key, value| {
                        let stages = executor
                            .and_then(|e| e.field(&key.to_string()))
                            .is_some_and(|f| matches!(f.value, FieldValue::Stages { .. }));
                        Ok(if stages {
                            ExecutorFieldValue::Stages(Stages::parse(value)?)
                        } else {
                            ExecutorFieldValue::Expr(value.parse()?)
                        })
                    })
                }))
            })?
            .1
        } else {
            List { items: Vec::new() }
        };
        Ok(ExecutorValue::Inline(InlineExecutor { name, fields }))
    }
}

/// `[2m => 100, 5m => 100, 1m => 0]`.
pub struct Stages {
    /// The brackets, for "at least one stage".
    pub span: Span,
    pub stages: List<Stage>,
}

/// `duration => target`.
pub struct Stage {
    /// Its first token.
    pub span: Span,
    pub duration: Expr,
    pub target: Expr,
}

impl Stages {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if !peek_group(input, Delimiter::Bracket) {
            return Err(input.error("expected stages as `[2m => 100, 5m => 100, 1m => 0]`"));
        }
        let (span, stages) = group(input, Delimiter::Bracket, |inside| {
            Ok(List::parse_with(inside, |stage| {
                let span = stage.span();
                let shape = || {
                    syn::Error::new(span, "a stage is `duration => target`, such as `2m => 100`")
                };
                let duration: Expr = stage.parse().map_err(|_| shape())?;
                if stage.parse::<Token![=>]>().is_err() || at_item_end(stage) {
                    return Err(shape());
                }
                Ok(Stage {
                    span,
                    duration,
                    target: stage.parse()?,
                })
            }))
        })?;
        Ok(Stages { span, stages })
    }
}

#[cfg(test)]
mod tests {
    use super::SCENARIO_FIELDS;

    #[test]
    fn the_macro_has_every_field_k6_gives_a_scenario_but_browser_options() {
        for field in k6dsl_facts::executor::SCENARIO_FIELDS {
            assert_eq!(
                SCENARIO_FIELDS.contains(&field.name),
                field.name != "options",
                "{}",
                field.name
            );
        }
    }
}
