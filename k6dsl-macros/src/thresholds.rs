//! `thresholds!`: `metric{tag: value}: stat op bound` rules, expanded to the typed
//! threshold builders (`HTTP_REQ_DURATION.tag(..).p(95.0).lt(500.0)`), so a
//! statistic the metric's kind lacks is a type error on the user's own token.

use proc_macro2::{Delimiter, Literal, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Ident, Lit, LitStr};

use crate::common::{self, delimited, duration, span_of, split_commas, suggestion, Errors};

/// k6's built-in metrics by name; the constants of `k6dsl::metric::builtin` are the
/// same names in upper case. `tests/macros.rs` checks the two lists agree.
const BUILTINS: &[&str] = &[
    "vus",
    "vus_max",
    "iterations",
    "dropped_iterations",
    "http_reqs",
    "data_sent",
    "data_received",
    "ws_sessions",
    "ws_msgs_sent",
    "ws_msgs_received",
    "checks",
    "http_req_failed",
    "iteration_duration",
    "group_duration",
    "http_req_duration",
    "http_req_blocked",
    "http_req_connecting",
    "http_req_tls_handshaking",
    "http_req_sending",
    "http_req_waiting",
    "http_req_receiving",
    "ws_ping",
    "ws_session_duration",
    "ws_connecting",
    "grpc_req_duration",
];

const STATS: &[&str] = &["avg", "min", "max", "med", "p", "count", "rate", "value"];

const OPERATORS: &[(&str, &str)] = &[
    ("<", "lt"),
    ("<=", "le"),
    (">", "gt"),
    (">=", "ge"),
    ("==", "eq"),
    ("===", "eq"),
    ("!=", "ne"),
];

/// `thresholds! { .. }`: an array of `Threshold`s in the order written.
pub fn expand(krate: &TokenStream, input: TokenStream, errors: &mut Errors) -> TokenStream {
    let items = rules(krate, input, errors);
    quote! { [ #(#items),* ] }
}

/// The thresholds of a `thresholds: { .. }` field (inside braces).
pub fn list(krate: &TokenStream, value: &TokenStream, errors: &mut Errors) -> Vec<TokenStream> {
    match delimited(
        value,
        Delimiter::Brace,
        "thresholds in braces: `{ http_req_duration: p(95) < 500 }`",
        errors,
    ) {
        Some(inner) => rules(krate, inner, errors),
        None => Vec::new(),
    }
}

fn rules(krate: &TokenStream, input: TokenStream, errors: &mut Errors) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for entry in split_commas(input) {
        let tokens: Vec<TokenTree> = entry.clone().into_iter().collect();
        let Some(colon) = tokens.iter().position(
            |t| matches!(t, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == proc_macro2::Spacing::Alone),
        ) else {
            errors.at(
                span_of(&entry).unwrap_or_else(Span::call_site),
                "a threshold is `metric: stat op bound`, such as `http_req_duration: p(95) < 500`",
            );
            continue;
        };
        let Some(metric) = metric(krate, &tokens[..colon], errors) else {
            continue;
        };
        let rule_tokens: TokenStream = tokens[colon + 1..].iter().cloned().collect();
        let mut single = Vec::new();
        let rules = match rule_tokens
            .clone()
            .into_iter()
            .collect::<Vec<_>>()
            .as_slice()
        {
            [TokenTree::Group(g)] if g.delimiter() == Delimiter::Bracket => {
                split_commas(g.stream())
            }
            _ => {
                single.push(rule_tokens);
                single
            }
        };
        if rules.is_empty() {
            errors.at(
                tokens[colon].span(),
                "no rule after the metric: write one such as `p(95) < 500`",
            );
        }
        for r in rules {
            if let Some(t) = rule(krate, &metric, r, errors) {
                errors.defer(t.clone());
                out.push(t);
            }
        }
    }
    out
}

/// The metric and its selector, as tokens of a `Metric<K>` value.
fn metric(krate: &TokenStream, tokens: &[TokenTree], errors: &mut Errors) -> Option<TokenStream> {
    let (base, selector) = match tokens {
        [TokenTree::Ident(name)] => (name_tokens(krate, name), None),
        [TokenTree::Ident(name), TokenTree::Group(sel)] if sel.delimiter() == Delimiter::Brace => {
            (name_tokens(krate, name), Some(sel.stream()))
        }
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Parenthesis => {
            (g.to_token_stream(), None)
        }
        [TokenTree::Group(g), TokenTree::Group(sel)]
            if g.delimiter() == Delimiter::Parenthesis && sel.delimiter() == Delimiter::Brace =>
        {
            (g.to_token_stream(), Some(sel.stream()))
        }
        _ => {
            let stream: TokenStream = tokens.iter().cloned().collect();
            errors.at(
                span_of(&stream).unwrap_or_else(Span::call_site),
                "expected a metric: a built-in name such as `http_req_duration`, a custom metric variable, or `(expression)`, optionally with tags `{endpoint: \"login\"}`",
            );
            return None;
        }
    };
    let mut calls = Vec::new();
    if let Some(selector) = selector {
        for piece in split_commas(selector) {
            calls.extend(selector_entry(piece, errors));
        }
    }
    // The user's metric tokens' span, so that a statistic its kind lacks is
    // reported on the rule rather than on the whole macro.
    let span = span_of(&tokens.iter().cloned().collect()).unwrap_or_else(Span::call_site);
    Some(quote_spanned! {span=> ::core::clone::Clone::clone(&#base) #(#calls)* })
}

fn name_tokens(krate: &TokenStream, name: &Ident) -> TokenStream {
    let text = name.to_string();
    if BUILTINS.contains(&text.as_str()) {
        let constant = Ident::new(&text.to_uppercase(), name.span());
        quote_spanned!(name.span()=> #krate::metric::builtin::#constant)
    } else {
        name.to_token_stream()
    }
}

/// `endpoint: "login"`, `scenario: browse` (a `Scenario` value), `group: ["Checkout"]`.
fn selector_entry(piece: TokenStream, errors: &mut Errors) -> Option<TokenStream> {
    let tokens: Vec<TokenTree> = piece.clone().into_iter().collect();
    let (key, rest) = match tokens.as_slice() {
        [key @ (TokenTree::Ident(_) | TokenTree::Literal(_)), TokenTree::Punct(colon), rest @ ..]
            if colon.as_char() == ':' && !rest.is_empty() =>
        {
            (key.clone(), rest.iter().cloned().collect::<TokenStream>())
        }
        _ => {
            errors.at(
                span_of(&piece).unwrap_or_else(Span::call_site),
                "a tag selector entry is `key: \"value\"`, `scenario: <Scenario>` or `group: [\"Outer\", \"Inner\"]`",
            );
            return None;
        }
    };
    let key = match key {
        TokenTree::Ident(i) => LitStr::new(&i.to_string(), i.span()),
        TokenTree::Literal(l) => match Lit::new(l) {
            Lit::Str(s) => s,
            other => {
                errors.at(other.span(), "a tag name is a name or a string");
                return None;
            }
        },
        _ => unreachable_key(),
    };
    if key.value().is_empty() {
        errors.at(key.span(), "a tag name cannot be empty: k6 crashes on it");
        return None;
    }
    let rest_tokens: Vec<TokenTree> = rest.clone().into_iter().collect();
    match (key.value().as_str(), rest_tokens.as_slice()) {
        ("scenario", [TokenTree::Ident(scenario)]) => {
            Some(quote_spanned!(scenario.span()=> .for_scenario(&#scenario)))
        }
        ("group", [TokenTree::Group(g)]) if g.delimiter() == Delimiter::Bracket => {
            let names = g.stream();
            Some(quote_spanned!(g.span()=> .for_group([#names])))
        }
        _ => {
            let value = common::string_value(&rest, errors);
            Some(quote_spanned!(key.span()=> .tag(#key, #value)))
        }
    }
}

fn unreachable_key() -> LitStr {
    LitStr::new("", Span::call_site())
}

/// `p(95) < 500`, `rate > 0.95 abort_on_fail`, `rate > 0.95 abort_on_fail(delay: 10s)`.
fn rule(
    krate: &TokenStream,
    metric: &TokenStream,
    tokens: TokenStream,
    errors: &mut Errors,
) -> Option<TokenStream> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let whole = span_of(&tokens.iter().cloned().collect()).unwrap_or_else(Span::call_site);
    let mut i = 0;
    // The statistic.
    let Some(TokenTree::Ident(stat)) = tokens.first() else {
        errors.at(
            whole,
            "a threshold rule starts with a statistic: avg, min, max, med, p(N), count, rate or value",
        );
        return None;
    };
    i += 1;
    let stat_name = stat.to_string();
    let stat_call = match stat_name.as_str() {
        "p" => {
            let Some(TokenTree::Group(arg)) = tokens.get(1) else {
                errors.at(
                    stat.span(),
                    "a percentile is `p(N)` with N from 0 to 100, such as `p(95)`",
                );
                return None;
            };
            i += 1;
            match percentile(arg.stream(), arg.span(), errors) {
                Some(n) => quote_spanned!(stat.span()=> .p(#n)),
                // Keep reading the rule, so its other mistakes are reported too.
                None => TokenStream::new(),
            }
        }
        "avg" | "min" | "max" | "med" | "count" | "rate" | "value" => {
            quote_spanned!(stat.span()=> .#stat())
        }
        other => {
            errors.at(
                stat.span(),
                format!(
                    "unknown threshold statistic `{other}`{}; k6 has avg, min, max, med, p(N) (Trend), count, rate (Counter), rate (Rate), value (Gauge)",
                    stat_suggestion(other)
                ),
            );
            return None;
        }
    };
    let stat_failed = stat_call.is_empty();
    // The operator: one to three punctuation characters.
    let mut op = String::new();
    let op_start = tokens.get(i).map(|t| t.span()).unwrap_or(whole);
    while let Some(TokenTree::Punct(p)) = tokens.get(i) {
        if p.as_char() == '-' && !op.is_empty() {
            break;
        }
        op.push(p.as_char());
        i += 1;
        if p.spacing() == proc_macro2::Spacing::Alone {
            break;
        }
    }
    let Some(&(_, method)) = OPERATORS.iter().find(|(o, _)| *o == op) else {
        errors.at(
            op_start,
            format!(
                "expected a comparison (<, <=, >, >=, ==, !=) after `{stat_name}`{}",
                if op.is_empty() {
                    String::new()
                } else {
                    format!(", found `{op}`")
                }
            ),
        );
        return None;
    };
    let method = Ident::new(method, op_start);
    // The bound.
    let mut negative = false;
    if let Some(TokenTree::Punct(p)) = tokens.get(i) {
        if p.as_char() == '-' {
            negative = true;
            i += 1;
        }
    }
    let bound = match tokens.get(i) {
        Some(TokenTree::Literal(lit)) => {
            let lit = Lit::new(lit.clone());
            let value = number(&lit, errors)?;
            let mut l = Literal::f64_suffixed(value);
            l.set_span(lit.span());
            // A negative literal token is not one Rust itself makes: negate it.
            if negative {
                quote_spanned!(lit.span()=> -#l)
            } else {
                l.into_token_stream()
            }
        }
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis && !negative => {
            g.to_token_stream()
        }
        _ => {
            errors.at(
                tokens.get(i).map(|t| t.span()).unwrap_or(whole),
                "expected a number after the comparison, such as `500` or `0.01` (no units: k6 measures times in milliseconds)",
            );
            return None;
        }
    };
    i += 1;
    // Options.
    let mut options = Vec::new();
    match tokens.get(i) {
        None => {}
        Some(TokenTree::Ident(flag)) if flag == "abort_on_fail" => {
            options.push(quote_spanned!(flag.span()=> .abort_on_fail()));
            i += 1;
            if let Some(TokenTree::Group(g)) = tokens.get(i) {
                if g.delimiter() == Delimiter::Parenthesis {
                    i += 1;
                    for f in common::fields(g.stream(), "abort_on_fail", errors) {
                        if f.key == "delay" {
                            let d = duration(krate, &f.value, errors);
                            options.push(quote_spanned!(f.key.span()=> .delay_abort_eval(#d)));
                        } else {
                            errors.at(
                                f.key.span(),
                                format!(
                                    "unknown option `{}`{}: `abort_on_fail` takes only `delay: <duration>` (k6's delayAbortEval)",
                                    f.key,
                                    suggestion(&f.key.to_string(), &["delay"])
                                ),
                            );
                        }
                    }
                }
            }
        }
        Some(other) => {
            errors.at(
                other.span(),
                format!(
                    "unexpected `{other}` after the bound{}: only `abort_on_fail` or `abort_on_fail(delay: 10s)` may follow",
                    match other {
                        TokenTree::Ident(i) => suggestion(&i.to_string(), &["abort_on_fail"]),
                        _ => String::new(),
                    }
                ),
            );
            return None;
        }
    }
    if let Some(extra) = tokens.get(i) {
        errors.at(extra.span(), "unexpected tokens after this threshold rule");
        return None;
    }
    if stat_failed {
        return None;
    }
    Some(quote! { #metric #stat_call .#method(#bound) #(#options)* })
}

/// ` (did you mean ..?)` for a statistic: `p95` is `p(95)`, `average` and `mean`
/// are `avg`, `median` is `med`; otherwise the closest name.
fn stat_suggestion(word: &str) -> String {
    let lower = word.to_lowercase();
    if let Some(n) = lower
        .strip_prefix('p')
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        return format!(" (did you mean `p({n})`?)");
    }
    match lower.as_str() {
        "average" | "mean" => " (did you mean `avg`?)".to_owned(),
        "median" => " (did you mean `med`?)".to_owned(),
        "minimum" => " (did you mean `min`?)".to_owned(),
        "maximum" => " (did you mean `max`?)".to_owned(),
        _ => suggestion(word, STATS),
    }
}

/// A percentile literal, checked to lie in [0, 100] (k6 1.1 accepts others and
/// then panics mid-run).
fn percentile(tokens: TokenStream, span: Span, errors: &mut Errors) -> Option<TokenStream> {
    let Some(lit) = common::single_literal(&tokens) else {
        errors.at(
            span,
            "a percentile is a number from 0 to 100, such as `p(95)` or `p(99.9)`",
        );
        return None;
    };
    let value = number(&lit, errors)?;
    if !(0.0..=100.0).contains(&value) {
        errors.at(
            lit.span(),
            format!(
                "percentile {value} is outside 0..=100: k6 accepts it and then crashes mid-run"
            ),
        );
        return None;
    }
    let mut l = Literal::f64_suffixed(value);
    l.set_span(lit.span());
    Some(l.into_token_stream())
}

fn number(lit: &Lit, errors: &mut Errors) -> Option<f64> {
    let (value, suffix) = match lit {
        Lit::Int(i) => (i.base10_digits().parse::<f64>().ok(), i.suffix().to_owned()),
        Lit::Float(f) => (f.base10_digits().parse::<f64>().ok(), f.suffix().to_owned()),
        _ => (None, String::new()),
    };
    if !suffix.is_empty() {
        errors.at(
            lit.span(),
            format!(
                "`{}`: threshold bounds are plain numbers (k6 measures times in milliseconds: write `500`, not `500ms`)",
                lit.to_token_stream()
            ),
        );
        return None;
    }
    match value {
        Some(v) if v.is_finite() => Some(v),
        _ => {
            errors.at(lit.span(), "expected a finite number");
            None
        }
    }
}
