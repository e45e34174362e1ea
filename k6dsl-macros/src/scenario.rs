//! `scenario!` and `scenarios!`: a scenario's name, executor, flow, timing, tags,
//! env and thresholds, expanded to `Scenario::new(..)` builder calls.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Ident, LitStr};

use crate::common::{
    self, count, delimited, duration, fields, name_text, once, span_of, split_commas, string_map,
    suggestion, Errors,
};

/// How a field's value is read.
#[derive(Clone, Copy, PartialEq)]
enum FieldKind {
    /// A positive `u32` (`NonZeroU32` in the builder).
    PositiveU32,
    /// A positive `u64` (`NonZeroU64`).
    PositiveU64,
    U32,
    U64,
    Duration,
    /// `[2m => 20, ...]` with `u32` targets (VUs).
    StagesU32,
    /// `[2m => 20, ...]` with `u64` targets (iterations per time unit).
    StagesU64,
}

struct FieldSpec {
    name: &'static str,
    kind: FieldKind,
    required: Option<&'static str>,
}

struct ExecutorSpec {
    /// The name in the macro (`constant_arrival_rate`).
    name: &'static str,
    /// The builder type in `k6dsl::executor`.
    builder: &'static str,
    fields: &'static [FieldSpec],
}

const fn field(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: None,
    }
}

const fn required(name: &'static str, kind: FieldKind, why: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: Some(why),
    }
}

use FieldKind::*;

/// k6's executors and their fields, as the builders in `k6dsl::executor` take them.
const EXECUTORS: &[ExecutorSpec] = &[
    ExecutorSpec {
        name: "shared_iterations",
        builder: "SharedIterations",
        fields: &[
            field("vus", PositiveU32),
            field("iterations", PositiveU64),
            field("max_duration", Duration),
        ],
    },
    ExecutorSpec {
        name: "per_vu_iterations",
        builder: "PerVuIterations",
        fields: &[
            field("vus", PositiveU32),
            field("iterations", PositiveU64),
            field("max_duration", Duration),
        ],
    },
    ExecutorSpec {
        name: "constant_vus",
        builder: "ConstantVus",
        fields: &[
            field("vus", PositiveU32),
            required(
                "duration",
                Duration,
                "k6 requires a duration for constant-vus",
            ),
        ],
    },
    ExecutorSpec {
        name: "ramping_vus",
        builder: "RampingVus",
        fields: &[
            field("start_vus", U32),
            required(
                "stages",
                StagesU32,
                "k6 requires at least one stage for ramping-vus",
            ),
            field("graceful_ramp_down", Duration),
        ],
    },
    ExecutorSpec {
        name: "constant_arrival_rate",
        builder: "ConstantArrivalRate",
        fields: &[
            required(
                "rate",
                PositiveU64,
                "k6 requires a rate (iterations per time unit) for constant-arrival-rate",
            ),
            field("time_unit", Duration),
            required(
                "duration",
                Duration,
                "k6 requires a duration for constant-arrival-rate",
            ),
            required(
                "pre_allocated_vus",
                U32,
                "k6 requires preAllocatedVUs for constant-arrival-rate and ramping-arrival-rate",
            ),
            field("max_vus", U32),
        ],
    },
    ExecutorSpec {
        name: "ramping_arrival_rate",
        builder: "RampingArrivalRate",
        fields: &[
            field("start_rate", U64),
            field("time_unit", Duration),
            required(
                "stages",
                StagesU64,
                "k6 requires at least one stage for ramping-arrival-rate",
            ),
            required(
                "pre_allocated_vus",
                U32,
                "k6 requires preAllocatedVUs for constant-arrival-rate and ramping-arrival-rate",
            ),
            field("max_vus", U32),
        ],
    },
    ExecutorSpec {
        name: "externally_controlled",
        builder: "ExternallyControlled",
        fields: &[
            field("vus", U32),
            field("max_vus", U32),
            required(
                "duration",
                Duration,
                "k6 requires a duration for externally-controlled (0s runs until stopped)",
            ),
        ],
    },
];

const SCENARIO_FIELDS: &[&str] = &[
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

/// `scenario! { name: .., executor: .., ... }`: one `Scenario`.
pub fn expand_one(krate: &TokenStream, input: TokenStream, errors: &mut Errors) -> TokenStream {
    scenario(krate, input, Span::call_site(), errors)
        .map(|s| s.tokens)
        .unwrap_or_default()
}

/// `scenarios! [ { .. }, { .. } ]`: an array of `Scenario`s with distinct names.
pub fn expand_many(krate: &TokenStream, input: TokenStream, errors: &mut Errors) -> TokenStream {
    let mut names: Vec<(String, Span)> = Vec::new();
    let mut items = Vec::new();
    let pieces = split_commas(input);
    if pieces.is_empty() {
        errors.at(
            Span::call_site(),
            "`scenarios!` needs at least one `{ name: .., executor: .. }`",
        );
    }
    for piece in pieces {
        let span = span_of(&piece).unwrap_or_else(Span::call_site);
        let Some(inner) = delimited(
            &piece,
            Delimiter::Brace,
            "a scenario in braces: `{ name: \"browse\", executor: .. }`",
            errors,
        ) else {
            continue;
        };
        if let Some(s) = scenario(krate, inner, span, errors) {
            if let Some((name, span)) = s.name {
                if names.iter().any(|(n, _)| *n == name) {
                    errors.at(
                        span,
                        format!("two scenarios are named `{name}`: k6 keys scenarios by name, so the second would replace the first"),
                    );
                } else {
                    names.push((name, span));
                }
            }
            items.push(s.tokens);
        }
    }
    quote! { [ #(#items),* ] }
}

struct Expanded {
    tokens: TokenStream,
    /// The literal name, when it was one, for the duplicate check.
    name: Option<(String, Span)>,
}

fn scenario(
    krate: &TokenStream,
    input: TokenStream,
    whole: Span,
    errors: &mut Errors,
) -> Option<Expanded> {
    let mut seen = Vec::new();
    let mut name: Option<(TokenStream, Option<(String, Span)>)> = None;
    let mut executor: Option<TokenStream> = None;
    let mut exec: Option<TokenStream> = None;
    let mut calls = Vec::new();
    for f in fields(input, "scenario", errors) {
        let key = once(&mut seen, &f.key, errors).clone();
        match key.to_string().as_str() {
            "name" => {
                let literal = name_text(&f.value).filter(|_| {
                    // Only a string literal is a literal name; an identifier is a variable.
                    matches!(common::single_literal(&f.value), Some(syn::Lit::Str(_)))
                });
                if let Some((text, span)) = &literal {
                    check_scenario_name(text, *span, errors);
                }
                let value = match &literal {
                    Some((text, span)) => LitStr::new(text, *span).into_token_stream(),
                    None => common::expr(&f.value, errors)?.into_token_stream(),
                };
                name = Some((value, literal));
            }
            "executor" => executor = Some(executor_tokens(krate, &f.value, errors)),
            "exec" => {
                if seen.contains(&"flow".to_owned()) {
                    errors.at(key.span(), "give either `exec` or `flow`, not both");
                }
                let flow = common::expr(&f.value, errors)?;
                exec = Some(quote_spanned!(f.value_span()=> .exec(&#flow)));
            }
            "flow" => {
                if seen.contains(&"exec".to_owned()) {
                    errors.at(key.span(), "give either `exec` or `flow`, not both");
                }
                exec = Some(inline_flow(krate, &f.value, &name, key.span(), errors));
            }
            "start_time" | "graceful_stop" => {
                let d = duration(krate, &f.value, errors);
                calls.push(quote_spanned!(key.span()=> .#key(#d)));
            }
            "tags" | "env" => {
                let method = Ident::new(if key == "tags" { "tag" } else { "env" }, key.span());
                for (k, v) in string_map(&f.value, &key.to_string(), errors) {
                    calls.push(quote_spanned!(k.span()=> .#method(#k, #v)));
                }
            }
            "thresholds" => {
                let list = crate::thresholds::list(krate, &f.value, errors);
                for t in list {
                    calls.push(quote!(.threshold(#t)));
                }
            }
            other => errors.at(
                key.span(),
                format!(
                    "unknown scenario field `{other}`{}; a scenario has {}",
                    suggestion(other, SCENARIO_FIELDS),
                    SCENARIO_FIELDS.join(", ")
                ),
            ),
        }
    }
    let Some((name_tokens, literal)) = name else {
        errors.at(
            whole,
            "this scenario needs a `name: \"...\"` (letters, digits, `_` and `-`)",
        );
        return None;
    };
    let Some(executor) = executor else {
        errors.at(
            whole,
            format!(
                "this scenario needs an `executor:`, one of {}",
                executor_names().join(", ")
            ),
        );
        return None;
    };
    let tokens = quote! {
        #krate::Scenario::new(#name_tokens, #executor) #exec #(#calls)*
    };
    Some(Expanded {
        tokens,
        name: literal,
    })
}

/// `flow: { steps }`: a flow named after the scenario, defined in place.
fn inline_flow(
    krate: &TokenStream,
    value: &TokenStream,
    name: &Option<(TokenStream, Option<(String, Span)>)>,
    key: Span,
    errors: &mut Errors,
) -> TokenStream {
    let Some((_, Some((text, span)))) = name else {
        errors.at(
            key,
            "an inline `flow: { .. }` is named after the scenario: put `name: \"...\"` (a literal) before it",
        );
        return TokenStream::new();
    };
    let Some(body) = delimited(
        value,
        Delimiter::Brace,
        "the flow's steps in braces",
        errors,
    ) else {
        return TokenStream::new();
    };
    let flow_name = LitStr::new(text, *span);
    let flow = crate::flow::flow_value(krate, quote!(#flow_name), body, errors);
    quote!(.exec(&#flow))
}

fn executor_names() -> Vec<&'static str> {
    EXECUTORS.iter().map(|e| e.name).collect()
}

/// k6's rule for scenario names: `^[0-9a-zA-Z_-]+$`.
fn check_scenario_name(name: &str, span: Span, errors: &mut Errors) {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        errors.at(
            span,
            format!(
                "scenario name `{name}` is not one k6 accepts: use letters, digits, `_` and `-`"
            ),
        );
    }
}

/// `executor: constant_vus { vus: 10, duration: 30s }` or any Rust expression of an
/// executor type (`profile.ramping_vus(20)`).
fn executor_tokens(krate: &TokenStream, value: &TokenStream, errors: &mut Errors) -> TokenStream {
    let tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    let (name, body) = match tokens.as_slice() {
        [TokenTree::Ident(name), TokenTree::Group(body)]
            if body.delimiter() == Delimiter::Brace =>
        {
            (name.clone(), body.stream())
        }
        [TokenTree::Ident(name)] if EXECUTORS.iter().any(|e| name == e.name) => {
            (name.clone(), TokenStream::new())
        }
        // Most likely a misspelt executor rather than a variable of that name.
        [TokenTree::Ident(name)]
            if common::did_you_mean(&name.to_string(), &executor_names()).is_some() =>
        {
            (name.clone(), TokenStream::new())
        }
        _ => {
            return common::expr(value, errors)
                .map(|e| quote_spanned!(span_of(value).unwrap_or_else(Span::call_site)=> #e))
                .unwrap_or_default()
        }
    };
    let Some(spec) = EXECUTORS.iter().find(|e| name == e.name) else {
        errors.at(
            name.span(),
            format!(
                "unknown executor `{name}`{}; k6 has {}",
                suggestion(&name.to_string(), &executor_names()),
                executor_names().join(", ")
            ),
        );
        return TokenStream::new();
    };
    let builder = Ident::new(spec.builder, name.span());
    let mut seen = Vec::new();
    let mut calls = Vec::new();
    let field_names: Vec<&str> = spec.fields.iter().map(|f| f.name).collect();
    for f in fields(body, "executor", errors) {
        let key = once(&mut seen, &f.key, errors).clone();
        let Some(field) = spec.fields.iter().find(|s| key == s.name) else {
            // A misspelt field: its did-you-mean says enough, so do not also report
            // the field it meant as missing.
            if let Some(meant) = common::did_you_mean(&key.to_string(), &field_names) {
                seen.push(meant.to_owned());
            }
            errors.at(
                key.span(),
                format!(
                    "`{}` has no field `{key}`{}; its fields are {}",
                    spec.name,
                    suggestion(&key.to_string(), &field_names),
                    field_names.join(", ")
                ),
            );
            continue;
        };
        calls.extend(executor_field(krate, &key, field.kind, &f.value, errors));
    }
    for field in spec.fields {
        if let Some(why) = field.required {
            if !seen.iter().any(|s| s == field.name) {
                errors.at(
                    name.span(),
                    format!("`{}` needs `{}`: {why}", spec.name, field.name),
                );
            }
        }
    }
    quote_spanned! {name.span()=>
        #krate::executor::#builder::new() #(#calls)*
    }
}

fn executor_field(
    krate: &TokenStream,
    key: &Ident,
    kind: FieldKind,
    value: &TokenStream,
    errors: &mut Errors,
) -> Vec<TokenStream> {
    let what = key.to_string().replace('_', " ");
    let span = span_of(value).unwrap_or_else(|| key.span());
    let passthrough = |errors: &mut Errors| {
        common::expr(value, errors)
            .map(|e| e.into_token_stream())
            .unwrap_or_default()
    };
    let arg = match kind {
        PositiveU32 => match count::<u32>(value, &what, true, errors) {
            Some((n, span)) => nonzero(krate, quote_spanned!(span=> #n), span),
            None if is_literal(value) => return Vec::new(),
            None => passthrough(errors),
        },
        PositiveU64 => match count::<u64>(value, &what, true, errors) {
            Some((n, span)) => nonzero(krate, quote_spanned!(span=> #n), span),
            None if is_literal(value) => return Vec::new(),
            None => passthrough(errors),
        },
        U32 => match count::<u32>(value, &what, false, errors) {
            Some((n, span)) => quote_spanned!(span=> #n),
            None if is_literal(value) => return Vec::new(),
            None => passthrough(errors),
        },
        U64 => match count::<u64>(value, &what, false, errors) {
            Some((n, span)) => quote_spanned!(span=> #n),
            None if is_literal(value) => return Vec::new(),
            None => passthrough(errors),
        },
        Duration => duration(krate, value, errors),
        StagesU32 | StagesU64 => return stages(krate, kind, value, errors),
    };
    vec![quote_spanned!(span=> .#key(#arg))]
}

fn is_literal(value: &TokenStream) -> bool {
    common::is_number_like(value)
}

fn nonzero(krate: &TokenStream, n: TokenStream, span: Span) -> TokenStream {
    quote_spanned!(span=> #krate::nz!(#n))
}

/// `[2m => 20, 30s => 0]`: one `.stage(duration, target)` call each.
fn stages(
    krate: &TokenStream,
    kind: FieldKind,
    value: &TokenStream,
    errors: &mut Errors,
) -> Vec<TokenStream> {
    let Some(inner) = delimited(
        value,
        Delimiter::Bracket,
        "stages as `[2m => 100, 5m => 100, 1m => 0]`",
        errors,
    ) else {
        return Vec::new();
    };
    let list = split_commas(inner);
    if list.is_empty() {
        errors.at(
            span_of(value).unwrap_or_else(Span::call_site),
            "k6 requires at least one stage, such as `[30s => 10]`",
        );
    }
    let mut calls = Vec::new();
    for stage in list {
        let tokens: Vec<TokenTree> = stage.clone().into_iter().collect();
        let arrow = tokens.windows(2).position(|w| {
            matches!(w, [TokenTree::Punct(a), TokenTree::Punct(b)] if a.as_char() == '=' && b.as_char() == '>')
        });
        let Some(arrow) = arrow else {
            errors.at(
                span_of(&stage).unwrap_or_else(Span::call_site),
                "a stage is `duration => target`, such as `2m => 100`",
            );
            continue;
        };
        let d: TokenStream = tokens[..arrow].iter().cloned().collect();
        let t: TokenStream = tokens[arrow + 2..].iter().cloned().collect();
        let d = duration(krate, &d, errors);
        let target = if kind == StagesU32 {
            count::<u32>(&t, "a stage target (VUs)", false, errors)
                .map(|(n, s)| quote_spanned!(s=> #n))
        } else {
            count::<u64>(&t, "a stage target (iterations)", false, errors)
                .map(|(n, s)| quote_spanned!(s=> #n))
        };
        let target = match target {
            Some(t) => t,
            None if is_literal(&t) => continue,
            None => match common::expr(&t, errors) {
                Some(e) => e.into_token_stream(),
                None => continue,
            },
        };
        let span = span_of(&stage).unwrap_or_else(Span::call_site);
        calls.push(quote_spanned!(span=> .stage(#d, #target)));
    }
    calls
}
