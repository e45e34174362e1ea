//! Flows to `Flow::new(name).steps(|steps| ..)` with one builder call per step;
//! `setup!`/`teardown!` to `Setup::new(..)`/`Teardown::new(..)`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Expr, ExprRange, Lit, LitStr, RangeLimits};

mod logic;

use super::{count, duration, string_value, value_span};
use crate::ast::flow::{
    BatchItem, Check, CheckForm, FlowInput, Request, RequestValue, Step, Steps, COMPRESSIONS,
    RESPONSE_TYPES, ROW_SELECTIONS,
};
use crate::ast::{literal_text, Map};

/// The identifier the expansion binds the steps to; mixed-site hygiene keeps it
/// out of reach of the user's code.
fn steps_ident() -> Ident {
    Ident::new("__k6dsl_steps", Span::mixed_site())
}

/// `flow!(name { steps })`.
pub fn flow(krate: &TokenStream, flow: &FlowInput) -> TokenStream {
    flow_value(krate, string_value(&flow.name), &flow.steps)
}

/// `Flow::new(name).steps(..)`, with a leading `pacing 10s;` as `.pacing(..)`.
pub fn flow_value(krate: &TokenStream, name: TokenStream, steps: &Steps) -> TokenStream {
    let mut statements: Vec<_> = steps
        .statements
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .collect();
    let mut pacing = TokenStream::new();
    if let Some(first) = statements.first() {
        if let (None, Step::Pacing { keyword, time }) = (&first.binding, &first.step) {
            let time = duration(krate, time);
            pacing = quote_spanned!(keyword.span()=> .pacing(#time));
            statements.remove(0);
        }
    }
    let ident = steps_ident();
    let body = block(krate, &statements);
    quote! {
        #krate::Flow::new(#name)
            .steps(|#ident: &mut #krate::steps::Steps| { #body })
            #pacing
    }
}

/// `setup! { steps }`; `share("key", value);` hands a value to the VUs.
pub fn setup(krate: &TokenStream, steps: &Steps) -> TokenStream {
    let ident = steps_ident();
    let body = block(krate, &parsed(steps));
    quote! {
        #krate::steps::Setup::new(|#ident: &mut #krate::steps::SetupSteps| { #body })
    }
}

/// `teardown! { steps }`.
pub fn teardown(krate: &TokenStream, steps: &Steps) -> TokenStream {
    let ident = steps_ident();
    let body = block(krate, &parsed(steps));
    quote! {
        #krate::steps::Teardown::new(|#ident: &mut #krate::steps::Steps| { #body })
    }
}

fn parsed(steps: &Steps) -> Vec<&crate::ast::flow::Statement> {
    steps
        .statements
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .collect()
}

/// The statements of a block; the last one, written without `;` and not a flow
/// step ending in braces, is the block's value.
fn block(krate: &TokenStream, statements: &[&crate::ast::flow::Statement]) -> TokenStream {
    statements_of(krate, statements, true)
}

/// The statements of a block that gives no value (a loop's body, a `when`
/// without `else`, a mix branch): a last step without `;` is a statement too.
fn unit_block(krate: &TokenStream, statements: &[&crate::ast::flow::Statement]) -> TokenStream {
    statements_of(krate, statements, false)
}

fn statements_of(
    krate: &TokenStream,
    statements: &[&crate::ast::flow::Statement],
    keep_value: bool,
) -> TokenStream {
    let mut out = TokenStream::new();
    for (index, statement) in statements.iter().enumerate() {
        let last = keep_value && index + 1 == statements.len();
        let value = step(krate, &statement.step);
        out.extend(match &statement.binding {
            Some(pattern) => quote! { let #pattern = #value; },
            None if statement.terminated || !last => quote! { #value; },
            None => value,
        });
    }
    out
}

/// A step as an expression on the steps, or the Rust expression as written.
fn step(krate: &TokenStream, step: &Step) -> TokenStream {
    let steps = steps_ident();
    match step {
        Step::Group {
            keyword,
            name,
            steps: inner,
        } => {
            let name = string_value(name);
            let inner = block(krate, &parsed(inner));
            quote_spanned! {keyword.span()=>
                #steps.group(#name, |#steps: &mut #krate::steps::Steps| { #inner })
            }
        }
        Step::OncePerVu {
            keyword,
            steps: inner,
        } => {
            let inner = block(krate, &parsed(inner));
            quote_spanned! {keyword.span()=>
                #steps.once_per_vu(|#steps: &mut #krate::steps::Steps| { #inner })
            }
        }
        Step::Request(request) => {
            let request = self::request(krate, request);
            quote_spanned!(request_span(step)=> #steps.request(#request))
        }
        Step::Batch { keyword, requests } => {
            let requests = requests.parsed().map(|item| match item {
                BatchItem::Request(request) => self::request(krate, request),
                BatchItem::Expr(expr) => expr.to_token_stream(),
            });
            quote_spanned!(keyword.span()=> #steps.batch([#(#requests),*]))
        }
        Step::Think { keyword, time } => match time {
            Expr::Range(ExprRange {
                start: Some(min),
                limits: RangeLimits::HalfOpen(_),
                end: Some(max),
                ..
            }) => {
                let min = duration(krate, min);
                let max = duration(krate, max);
                quote_spanned!(keyword.span()=> #steps.think(#krate::steps::ThinkTime::between(#min, #max)))
            }
            fixed => {
                let time = duration(krate, fixed);
                quote_spanned!(keyword.span()=> #steps.think(#krate::steps::ThinkTime::fixed(#time)))
            }
        },
        Step::Sleep { keyword, time } => {
            let time = duration(krate, time);
            quote_spanned!(keyword.span()=> #steps.sleep(#time))
        }
        // Not first in the flow: reported by the validator.
        Step::Pacing { .. } => TokenStream::new(),
        Step::When(when) => logic::when(krate, when),
        Step::ForEach(each) => logic::for_each(krate, each),
        Step::Repeat(repeat) => logic::repeat(krate, repeat),
        Step::Mix(mix) => logic::mix(krate, mix),
        Step::Call { keyword, args, .. } => match (keyword.to_string().as_str(), args.len()) {
            ("add", 2) => {
                let (metric, value) = (&args[0], &args[1]);
                quote_spanned!(keyword.span()=> #steps.add(&#metric, #value))
            }
            ("row", 2) => {
                let data = &args[0];
                let selection = row_selection(krate, &args[1]);
                quote_spanned!(keyword.span()=> #steps.row(&#data, #selection))
            }
            ("share", _) => quote_spanned!(keyword.span()=> #steps.share(#args)),
            // Arguments as the builders take them; their counts checked by the validator.
            ("compute", 2)
            | ("set_cookie", 3)
            | ("delete_cookie", 2)
            | ("clear_cookies" | "raw_js", 1) => {
                quote_spanned!(keyword.span()=> #steps.#keyword(#args))
            }
            _ => TokenStream::new(),
        },
        Step::Rust(expr) => expr.to_token_stream(),
    }
}

fn request_span(step: &Step) -> Span {
    match step {
        Step::Request(request) => request.method.span(),
        _ => Span::call_site(),
    }
}

fn row_selection(krate: &TokenStream, selection: &Expr) -> TokenStream {
    variant(krate, selection, "RowSelection", ROW_SELECTIONS)
}

/// `ir::code::<ty>::<Variant>` for a name or string among `variants`, or the
/// expression.
fn variant(krate: &TokenStream, expr: &Expr, ty: &str, variants: &[(&str, &str)]) -> TokenStream {
    let Some(name) = literal_text(expr) else {
        return expr.to_token_stream();
    };
    let Some((_, variant)) = variants.iter().find(|(n, _)| *n == name.value()) else {
        return TokenStream::new(); // reported by the validator
    };
    let ty = Ident::new(ty, Span::call_site());
    let variant = Ident::new(variant, name.span());
    quote_spanned!(name.span()=> #krate::model::vu::#ty::#variant)
}

/// `Request::get(url)` and one call per field.
fn request(krate: &TokenStream, request: &Request) -> TokenStream {
    let method = &request.method;
    let mut args: Vec<&Expr> = request.args.iter().collect();
    let custom_method = if method == "request" {
        Some(args.remove(0))
    } else {
        None
    };
    let url = match args.as_slice() {
        [] => return TokenStream::new(), // reported by the validator
        [url] => url.to_token_stream(),
        pieces => quote_spanned!(request.args_span=> #krate::text![#(#pieces),*]),
    };
    let constructor = match custom_method {
        Some(name) => quote_spanned!(method.span()=> #krate::steps::Request::method(#name, #url)),
        None => quote_spanned!(method.span()=> #krate::steps::Request::#method(#url)),
    };
    let calls = request
        .fields
        .iter()
        .flat_map(|fields| fields.parsed())
        .flat_map(|field| match &field.value {
            Ok(value) => request_field(krate, &field.key, value),
            Err(_) => Vec::new(),
        });
    quote! { #constructor #(#calls)* }
}

fn request_field(krate: &TokenStream, key: &Ident, value: &RequestValue) -> Vec<TokenStream> {
    let name = key.to_string();
    let mut calls = Vec::new();
    match (name.as_str(), value) {
        ("headers" | "cookies", RequestValue::Map(map)) => {
            let method = Ident::new(
                if key == "headers" { "header" } else { "cookie" },
                key.span(),
            );
            for (entry_key, entry_value) in values(krate, map) {
                calls.push(quote_spanned!(entry_key.span()=> .#method(#entry_key, #entry_value)));
            }
        }
        ("tags", RequestValue::Map(map)) => {
            for (entry_key, entry_value) in map.entries.parsed() {
                let entry_key = entry_key.as_lit_str();
                let entry_value = string_value(entry_value);
                calls.push(quote_spanned!(entry_key.span()=> .tag(#entry_key, #entry_value)));
            }
        }
        ("json" | "form", RequestValue::Map(map)) => {
            let span = map.span;
            let method = Ident::new(if key == "json" { "json_object" } else { "form" }, span);
            let entries = values(krate, map)
                .into_iter()
                .map(|(k, v)| quote_spanned!(k.span()=> (#k, #v)));
            calls.push(quote_spanned!(span=> .#method([#(#entries),*])));
        }
        (_, RequestValue::Check(check)) => {
            let built = self::check(krate, check);
            calls.push(quote_spanned!(check.span=> .check(#built)));
        }
        (_, RequestValue::Checks(list)) => {
            for check in list.parsed() {
                let built = self::check(krate, check);
                calls.push(quote_spanned!(check.span=> .check(#built)));
            }
        }
        (_, RequestValue::Expr(expr)) => calls.extend(request_value(krate, key, expr)),
        _ => {}
    }
    calls
}

/// A field whose value is an expression.
fn request_value(krate: &TokenStream, key: &Ident, expr: &Expr) -> Option<TokenStream> {
    let span = value_span(expr);
    Some(match key.to_string().as_str() {
        "name" => {
            let name = string_value(expr);
            quote_spanned!(key.span()=> .name(#name))
        }
        "bearer" => quote_spanned!(span=> .bearer(&#expr)),
        "expect_statuses" => quote_spanned!(span=> .expect_statuses(#expr)),
        "multipart" => quote_spanned!(span=> .multipart(#expr)),
        "json" => quote_spanned!(span=> .json(&#expr)),
        "text" | "basic_auth" | "digest_auth" | "ntlm_auth" => {
            let Expr::Tuple(pair) = expr else {
                return None; // reported by the validator
            };
            let (first, second) = (&pair.elems[0], &pair.elems[1]);
            let method = if key == "text" {
                Ident::new("text_body", key.span())
            } else {
                key.clone()
            };
            quote_spanned!(span=> .#method(#first, #second))
        }
        "timeout" => {
            let time = duration(krate, expr);
            quote_spanned!(key.span()=> .timeout(#time))
        }
        "redirects" => {
            let n = count::<u32>(krate, expr, false);
            quote_spanned!(span=> .redirects(#n))
        }
        "response_type" => {
            let value = variant(krate, expr, "ResponseType", RESPONSE_TYPES);
            quote_spanned!(span=> .response_type(#value))
        }
        "compression" => {
            let value = variant(krate, expr, "Compression", COMPRESSIONS);
            quote_spanned!(span=> .compression(#value))
        }
        "record_checks" | "count_failures" | "record_duration" => {
            quote_spanned!(span=> .#key(&#expr))
        }
        "log_failures" => match expr {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Bool(flag),
                ..
            }) if flag.value => quote_spanned!(key.span()=> .log_failures()),
            _ => return None,
        },
        _ => return None,
    })
}

/// `{ key: value }` entries with run-time values (`Value`s, text, numbers).
fn values(krate: &TokenStream, map: &Map) -> Vec<(LitStr, TokenStream)> {
    map.entries
        .parsed()
        .map(|(key, value)| {
            let key = key.as_lit_str();
            let value = quote_spanned!(key.span()=> #krate::steps::Value::from(#value));
            (key, value)
        })
        .collect()
}

/// A check as a `Check` builder, named when written `as "name"`.
fn check(krate: &TokenStream, check: &Check) -> TokenStream {
    let c = quote!(#krate::steps::Check);
    let span = check.span;
    let built = match &check.form {
        CheckForm::Status(code) => match crate::lit::written(code) {
            crate::lit::Written::Literal(literal) => {
                let code = count::<u16>(krate, code, false);
                quote_spanned!(literal.span()=> #c::status(#code))
            }
            _ => quote_spanned!(span=> #c::status(#code)),
        },
        CheckForm::StatusIn(items) => quote_spanned!(span=> #c::status_in([#items])),
        CheckForm::HeaderExists(name) => quote_spanned!(span=> #c::header_present(#name)),
        CheckForm::HeaderContains(name, text) => {
            quote_spanned!(span=> #c::header_contains(#name, #text))
        }
        CheckForm::Body(verb, text) if verb == "contains" => {
            quote_spanned!(span=> #c::body_contains(#text))
        }
        CheckForm::Body(_, text) => quote_spanned!(span=> #c::body_matches(#text)),
        CheckForm::JsonExists(path) => quote_spanned!(span=> #c::json_exists(#path)),
        CheckForm::JsonEquals(path, value) => {
            quote_spanned!(span=> #c::json_equals(#path, #value))
        }
        CheckForm::DurationBelow(limit) => {
            let limit = duration(krate, limit);
            quote_spanned!(span=> #c::duration_below(#limit))
        }
        CheckForm::Js(args) => quote_spanned!(span=> #c::raw_js(#args)),
        CheckForm::Rust(expr) => expr.to_token_stream(),
    };
    match &check.name {
        Some(name) => quote!(#built.named(#name)),
        None => built,
    }
}
