//! `flow!`: what one iteration does (groups, requests with their params and checks,
//! think time, extracted values), expanded to `Flow::new(..).steps(|steps| ..)`
//! with one builder call per step. Anything that is not a flow statement is
//! ordinary Rust, so extractions such as `res.json("token")` are plain method calls.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Lit, LitStr};

use crate::common::{
    self, delimited, duration, once, single_literal, span_of, split_commas, string_map,
    string_value, suggestion, Errors,
};

/// Request keywords, each named as its `Request` constructor.
const METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

const REQUEST_FIELDS: &[&str] = &[
    "name",
    "headers",
    "bearer",
    "json",
    "form",
    "text",
    "tags",
    "timeout",
    "basic_auth",
    "digest_auth",
    "ntlm_auth",
    "redirects",
    "response_type",
    "cookies",
    "compression",
    "check",
    "checks",
    "record_checks",
    "count_failures",
    "log_failures",
    "record_duration",
];

/// The identifier the expansion binds the steps to; mixed-site hygiene keeps it
/// out of reach of the user's code.
fn steps_ident() -> Ident {
    Ident::new("__k6dsl_steps", Span::mixed_site())
}

/// `flow!(name { steps })`.
pub fn expand(krate: &TokenStream, input: TokenStream, errors: &mut Errors) -> TokenStream {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    match tokens.as_slice() {
        [name, TokenTree::Group(body)] if body.delimiter() == Delimiter::Brace => {
            let name = match name {
                TokenTree::Ident(i) => LitStr::new(&i.to_string(), i.span()).into_token_stream(),
                other => string_value(&other.to_token_stream(), errors),
            };
            flow_value(krate, name, body.stream(), errors)
        }
        _ => {
            errors.at(
                span_of(&tokens.iter().cloned().collect()).unwrap_or_else(Span::call_site),
                "write a flow as `flow!(name { steps })`, such as `flow!(browse { get(\"/products\") { check: status == 200 }; })`",
            );
            TokenStream::new()
        }
    }
}

/// `Flow::new(name).steps(..)`, with a leading `pacing 10s;` as `.pacing(..)`.
pub fn flow_value(
    krate: &TokenStream,
    name: TokenStream,
    body: TokenStream,
    errors: &mut Errors,
) -> TokenStream {
    let mut statements = split_statements(body);
    let mut pacing = None;
    if let Some(first) = statements.first() {
        if let Some(TokenTree::Ident(kw)) = first.tokens.first() {
            if kw == "pacing" {
                let d: TokenStream = first.tokens[1..].iter().cloned().collect();
                let d = duration(krate, &d, errors);
                pacing = Some(quote_spanned!(kw.span()=> .pacing(#d)));
                statements.remove(0);
            }
        }
    }
    let steps = steps_ident();
    let body = block(krate, statements, errors);
    quote! {
        #krate::Flow::new(#name)
            .steps(|#steps: &mut #krate::steps::Steps| { #body })
            #pacing
    }
}

/// `setup! { steps }`: `Setup::new(..)`; `share("key", value);` hands a value to
/// the VUs.
pub fn expand_setup(krate: &TokenStream, input: TokenStream, errors: &mut Errors) -> TokenStream {
    let steps = steps_ident();
    let body = block(krate, split_statements(input), errors);
    quote! {
        #krate::steps::Setup::new(|#steps: &mut #krate::steps::SetupSteps| { #body })
    }
}

/// `teardown! { steps }`: `Teardown::new(..)`.
pub fn expand_teardown(
    krate: &TokenStream,
    input: TokenStream,
    errors: &mut Errors,
) -> TokenStream {
    let steps = steps_ident();
    let body = block(krate, split_statements(input), errors);
    quote! {
        #krate::steps::Teardown::new(|#steps: &mut #krate::steps::Steps| { #body })
    }
}

/// One statement as written: its tokens and whether a `;` ended it.
struct Statement {
    tokens: Vec<TokenTree>,
    terminated: bool,
}

/// Statements end at a top-level `;`, or at the braces of a `group`, `once_per_vu`
/// or request statement (as Rust's own block statements need no `;`).
fn split_statements(body: TokenStream) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    for token in body {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ';' => {
                out.push(Statement {
                    tokens: std::mem::take(&mut current),
                    terminated: true,
                });
                continue;
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                current.push(token.clone());
                if ends_block_statement(&current) {
                    out.push(Statement {
                        tokens: std::mem::take(&mut current),
                        terminated: true,
                    });
                }
                continue;
            }
            _ => {}
        }
        current.push(token);
    }
    if !current.is_empty() {
        out.push(Statement {
            tokens: current,
            terminated: false,
        });
    }
    out.retain(|s| !s.tokens.is_empty());
    out
}

fn ends_block_statement(tokens: &[TokenTree]) -> bool {
    match tokens.first() {
        Some(TokenTree::Ident(kw)) if kw == "group" || kw == "once_per_vu" => true,
        Some(TokenTree::Ident(kw)) if is_request_keyword(kw) => {
            matches!(tokens, [_, TokenTree::Group(p), TokenTree::Group(_)] if p.delimiter() == Delimiter::Parenthesis)
        }
        _ => false,
    }
}

fn is_request_keyword(kw: &Ident) -> bool {
    kw == "request" || METHODS.iter().any(|m| kw == m)
}

/// The statements of a block; the last one, written without `;` and not a flow
/// statement, is the block's value.
fn block(krate: &TokenStream, statements: Vec<Statement>, errors: &mut Errors) -> TokenStream {
    let mut out = TokenStream::new();
    let count = statements.len();
    for (i, statement) in statements.into_iter().enumerate() {
        let last = i + 1 == count;
        out.extend(statement_tokens(krate, statement, last, errors));
    }
    out
}

fn statement_tokens(
    krate: &TokenStream,
    statement: Statement,
    last: bool,
    errors: &mut Errors,
) -> TokenStream {
    let tokens = statement.tokens;
    if let Some(TokenTree::Ident(kw)) = tokens.first() {
        if kw == "let" {
            // `let PATTERN = STEP;`
            let Some(eq) = tokens.iter().position(|t| {
                matches!(t, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone)
            }) else {
                errors.at(kw.span(), "expected `let name = step;`");
                return TokenStream::new();
            };
            let pattern: TokenStream = tokens[1..eq].iter().cloned().collect();
            let value = step(krate, &tokens[eq + 1..], errors);
            return quote! { let #pattern = #value; };
        }
        if kw == "pacing" {
            errors.at(
                kw.span(),
                "`pacing` sets the whole iteration's length: put it first in the flow",
            );
            return TokenStream::new();
        }
    }
    let value = step(krate, &tokens, errors);
    if statement.terminated || !last {
        quote! { #value; }
    } else {
        value
    }
}

/// A flow step as an expression on the steps, or the Rust expression as written.
fn step(krate: &TokenStream, tokens: &[TokenTree], errors: &mut Errors) -> TokenStream {
    let steps = steps_ident();
    let all: TokenStream = tokens.iter().cloned().collect();
    let span = span_of(&all).unwrap_or_else(Span::call_site);
    let Some(TokenTree::Ident(kw)) = tokens.first() else {
        return rust_expr(&all, errors);
    };
    let kw_name = kw.to_string();
    match (kw_name.as_str(), &tokens[1..]) {
        ("group", [name @ .., TokenTree::Group(body)])
            if body.delimiter() == Delimiter::Brace && !name.is_empty() =>
        {
            let name: TokenStream = name.iter().cloned().collect();
            if let Some(Lit::Str(s)) = single_literal(&name) {
                if s.value().contains("::") {
                    errors.at(
                        s.span(),
                        "a group name cannot contain `::`: k6 joins nested group names with it",
                    );
                }
            }
            let name = string_value(&name, errors);
            let inner = block(krate, split_statements(body.stream()), errors);
            quote_spanned! {kw.span()=>
                #steps.group(#name, |#steps: &mut #krate::steps::Steps| { #inner })
            }
        }
        ("once_per_vu", [TokenTree::Group(body)]) if body.delimiter() == Delimiter::Brace => {
            let inner = block(krate, split_statements(body.stream()), errors);
            quote_spanned! {kw.span()=>
                #steps.once_per_vu(|#steps: &mut #krate::steps::Steps| { #inner })
            }
        }
        (_, [TokenTree::Group(args), ..])
            if is_request_keyword(kw) && args.delimiter() == Delimiter::Parenthesis =>
        {
            let request = request(krate, kw, args, &tokens[2..], errors);
            quote_spanned!(span=> #steps.request(#request))
        }
        ("batch", [TokenTree::Group(list)]) if list.delimiter() == Delimiter::Bracket => {
            let mut requests = Vec::new();
            for piece in split_commas(list.stream()) {
                let items: Vec<TokenTree> = piece.clone().into_iter().collect();
                match items.as_slice() {
                    [TokenTree::Ident(m), TokenTree::Group(args), rest @ ..]
                        if is_request_keyword(m) && args.delimiter() == Delimiter::Parenthesis =>
                    {
                        requests.push(request(krate, m, args, rest, errors));
                    }
                    _ => requests.push(rust_expr(&piece, errors)),
                }
            }
            quote_spanned!(kw.span()=> #steps.batch([#(#requests),*]))
        }
        ("think", rest) => {
            let rest: Vec<TokenTree> = rest.to_vec();
            let range = rest.windows(2).position(|w| {
                matches!(w, [TokenTree::Punct(a), TokenTree::Punct(b)] if a.as_char() == '.' && b.as_char() == '.')
            });
            match range {
                Some(at) => {
                    let min: TokenStream = rest[..at].iter().cloned().collect();
                    let max: TokenStream = rest[at + 2..].iter().cloned().collect();
                    let min = duration(krate, &min, errors);
                    let max = duration(krate, &max, errors);
                    quote_spanned!(kw.span()=> #steps.think(#krate::steps::ThinkTime::between(#min, #max)))
                }
                None => {
                    let d = duration(krate, &rest.into_iter().collect(), errors);
                    quote_spanned!(kw.span()=> #steps.think(#krate::steps::ThinkTime::fixed(#d)))
                }
            }
        }
        ("sleep", rest) if !matches!(rest.first(), Some(TokenTree::Group(_))) => {
            let d = duration(krate, &rest.iter().cloned().collect(), errors);
            quote_spanned!(kw.span()=> #steps.sleep(#d))
        }
        ("add", [TokenTree::Group(args)]) if args.delimiter() == Delimiter::Parenthesis => {
            let parts = split_commas(args.stream());
            match parts.as_slice() {
                [metric, value] => {
                    let metric = rust_expr(metric, errors);
                    let value = rust_expr(value, errors);
                    quote_spanned!(kw.span()=> #steps.add(&#metric, #value))
                }
                _ => {
                    errors.at(
                        args.span(),
                        "`add(metric, value)` takes a custom metric and a value",
                    );
                    TokenStream::new()
                }
            }
        }
        ("share", [TokenTree::Group(args)]) if args.delimiter() == Delimiter::Parenthesis => {
            let args = args.stream();
            quote_spanned!(kw.span()=> #steps.share(#args))
        }
        ("row", [TokenTree::Group(args)]) if args.delimiter() == Delimiter::Parenthesis => {
            let parts = split_commas(args.stream());
            match parts.as_slice() {
                [data, selection] => {
                    let data = rust_expr(data, errors);
                    let selection = row_selection(krate, selection, errors);
                    quote_spanned!(kw.span()=> #steps.row(&#data, #selection))
                }
                _ => {
                    errors.at(
                        args.span(),
                        "`row(data, selection)`: a DataSet and one of per_vu, per_iteration, unique, random",
                    );
                    TokenStream::new()
                }
            }
        }
        _ => rust_expr(&all, errors),
    }
}

fn rust_expr(tokens: &TokenStream, errors: &mut Errors) -> TokenStream {
    common::expr(tokens, errors)
        .map(|e| e.into_token_stream())
        .unwrap_or_default()
}

fn row_selection(krate: &TokenStream, tokens: &TokenStream, errors: &mut Errors) -> TokenStream {
    const SELECTIONS: &[(&str, &str)] = &[
        ("per_vu", "PerVu"),
        ("per_iteration", "PerIteration"),
        ("unique", "Unique"),
        ("random", "Random"),
    ];
    let names: Vec<&str> = SELECTIONS.iter().map(|(n, _)| *n).collect();
    match common::name_text(tokens) {
        Some((name, span)) => match SELECTIONS.iter().find(|(n, _)| *n == name) {
            Some((_, variant)) => {
                let variant = Ident::new(variant, span);
                quote_spanned!(span=> #krate::model::vu::RowSelection::#variant)
            }
            None => {
                errors.at(
                    span,
                    format!(
                        "unknown row selection `{name}`{}; use {}",
                        suggestion(&name, &names),
                        names.join(", ")
                    ),
                );
                TokenStream::new()
            }
        },
        None => rust_expr(tokens, errors),
    }
}

/// `get("/products/", id) { name: "product", check: status == 200 }`.
fn request(
    krate: &TokenStream,
    method: &Ident,
    args: &Group,
    rest: &[TokenTree],
    errors: &mut Errors,
) -> TokenStream {
    let mut parts = split_commas(args.stream());
    let custom_method = if method == "request" {
        if parts.len() < 2 {
            errors.at(
                args.span(),
                "`request(\"METHOD\", url)` takes a method name and a URL",
            );
            return TokenStream::new();
        }
        Some(rust_expr(&parts.remove(0), errors))
    } else {
        None
    };
    let url = match parts.len() {
        0 => {
            errors.at(
                args.span(),
                "a request needs a URL, such as `get(\"/products\")`",
            );
            return TokenStream::new();
        }
        1 => rust_expr(&parts[0], errors),
        _ => {
            let pieces: Vec<TokenStream> = parts.iter().map(|p| rust_expr(p, errors)).collect();
            quote_spanned!(args.span()=> #krate::text![#(#pieces),*])
        }
    };
    let constructor = match custom_method {
        Some(m) => quote_spanned!(method.span()=> #krate::steps::Request::method(#m, #url)),
        None => {
            let builder = Ident::new(&method.to_string(), method.span());
            quote_spanned!(method.span()=> #krate::steps::Request::#builder(#url))
        }
    };
    let mut calls = Vec::new();
    match rest {
        [] => {}
        [TokenTree::Group(fields)] if fields.delimiter() == Delimiter::Brace => {
            calls = request_fields(krate, fields.stream(), errors);
        }
        other => {
            let stream: TokenStream = other.iter().cloned().collect();
            errors.at(
                span_of(&stream).unwrap_or_else(Span::call_site),
                "after a request's URL come its fields in braces: `{ name: \"login\", check: status == 200 }`",
            );
        }
    }
    quote! { #constructor #(#calls)* }
}

fn request_fields(krate: &TokenStream, body: TokenStream, errors: &mut Errors) -> Vec<TokenStream> {
    let mut seen = Vec::new();
    let mut calls = Vec::new();
    for f in common::fields(body, "request", errors) {
        let key = if f.key == "check" {
            f.key.clone()
        } else {
            once(&mut seen, &f.key, errors).clone()
        };
        let span = f.value_span();
        let value = &f.value;
        match key.to_string().as_str() {
            "name" => {
                let v = string_value(value, errors);
                calls.push(quote_spanned!(key.span()=> .name(#v)));
            }
            "headers" | "cookies" => {
                let method = Ident::new(
                    if key == "headers" { "header" } else { "cookie" },
                    key.span(),
                );
                for (k, v) in value_map(krate, value, &key.to_string(), errors) {
                    calls.push(quote_spanned!(k.span()=> .#method(#k, #v)));
                }
            }
            "tags" => {
                for (k, v) in string_map(value, "tags", errors) {
                    calls.push(quote_spanned!(k.span()=> .tag(#k, #v)));
                }
            }
            "bearer" => {
                let v = rust_expr(value, errors);
                calls.push(quote_spanned!(span=> .bearer(&#v)));
            }
            "json" => {
                let is_object = matches!(
                    value.clone().into_iter().collect::<Vec<_>>().as_slice(),
                    [TokenTree::Group(g)] if g.delimiter() == Delimiter::Brace
                );
                if is_object {
                    let entries = value_map(krate, value, "json", errors)
                        .into_iter()
                        .map(|(k, v)| quote_spanned!(k.span()=> (#k, #v)));
                    calls.push(quote_spanned!(span=> .json_object([#(#entries),*])));
                } else {
                    let v = rust_expr(value, errors);
                    calls.push(quote_spanned!(span=> .json(&#v)));
                }
            }
            "form" => {
                let entries = value_map(krate, value, "form", errors)
                    .into_iter()
                    .map(|(k, v)| quote_spanned!(k.span()=> (#k, #v)));
                calls.push(quote_spanned!(span=> .form([#(#entries),*])));
            }
            "text" | "basic_auth" | "digest_auth" | "ntlm_auth" => {
                let (first, second) = match pair(value, errors) {
                    Some(p) => p,
                    None => {
                        errors.at(
                            span,
                            if key == "text" {
                                "write `text: (body, \"content/type\")`".to_owned()
                            } else {
                                format!("write `{key}: (user, password)`")
                            },
                        );
                        continue;
                    }
                };
                let method = if key == "text" {
                    Ident::new("text_body", key.span())
                } else {
                    key.clone()
                };
                calls.push(quote_spanned!(span=> .#method(#first, #second)));
            }
            "timeout" => {
                let d = duration(krate, value, errors);
                calls.push(quote_spanned!(key.span()=> .timeout(#d)));
            }
            "redirects" => match common::count::<u32>(value, "redirects", false, errors) {
                Some((n, s)) => calls.push(quote_spanned!(s=> .redirects(#n))),
                None if common::is_number_like(value) => {}
                None => {
                    let v = rust_expr(value, errors);
                    calls.push(quote_spanned!(span=> .redirects(#v)));
                }
            },
            "response_type" => {
                let v = variant(
                    krate,
                    value,
                    "ResponseType",
                    &[("text", "Text"), ("binary", "Binary"), ("none", "None")],
                    errors,
                );
                calls.push(quote_spanned!(span=> .response_type(#v)));
            }
            "compression" => {
                let v = variant(
                    krate,
                    value,
                    "Compression",
                    &[
                        ("gzip", "Gzip"),
                        ("deflate", "Deflate"),
                        ("br", "Br"),
                        ("zstd", "Zstd"),
                    ],
                    errors,
                );
                calls.push(quote_spanned!(span=> .compression(#v)));
            }
            "check" => {
                let c = check(krate, value, errors);
                calls.push(quote_spanned!(span=> .check(#c)));
            }
            "checks" => {
                if let Some(list) = delimited(
                    value,
                    Delimiter::Bracket,
                    "checks in brackets: `[status == 200, json(\"id\") exists]`",
                    errors,
                ) {
                    for c in split_commas(list) {
                        let s = span_of(&c).unwrap_or(span);
                        let c = check(krate, &c, errors);
                        calls.push(quote_spanned!(s=> .check(#c)));
                    }
                }
            }
            "record_checks" | "count_failures" | "record_duration" => {
                let m = rust_expr(value, errors);
                calls.push(quote_spanned!(span=> .#key(&#m)));
            }
            "log_failures" => match value.to_string().as_str() {
                "true" => calls.push(quote_spanned!(key.span()=> .log_failures())),
                "false" => {}
                _ => errors.at(span, "write `log_failures: true` or `log_failures: false`"),
            },
            other => errors.at(
                key.span(),
                format!(
                    "unknown request field `{other}`{}; a request has {}",
                    suggestion(other, REQUEST_FIELDS),
                    REQUEST_FIELDS.join(", ")
                ),
            ),
        }
    }
    calls
}

/// `(a, b)`: two expressions.
fn pair(value: &TokenStream, errors: &mut Errors) -> Option<(TokenStream, TokenStream)> {
    let tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::Parenthesis => {
            let parts = split_commas(g.stream());
            match parts.as_slice() {
                [a, b] => Some((rust_expr(a, errors), rust_expr(b, errors))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `{ key: value, ... }` with run-time values (`Value`s, text, numbers).
fn value_map(
    krate: &TokenStream,
    value: &TokenStream,
    what: &str,
    errors: &mut Errors,
) -> Vec<(LitStr, TokenStream)> {
    common::key_values(value, what, errors)
        .into_iter()
        .map(|(key, rest)| {
            let v = rust_expr(&rest, errors);
            let v = quote_spanned!(key.span()=> #krate::steps::Value::from(#v));
            (key, v)
        })
        .collect()
}

fn variant(
    krate: &TokenStream,
    value: &TokenStream,
    ty: &str,
    variants: &[(&str, &str)],
    errors: &mut Errors,
) -> TokenStream {
    let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
    let ty = Ident::new(ty, Span::call_site());
    match common::name_text(value) {
        Some((name, span)) => match variants.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                let v = Ident::new(v, span);
                quote_spanned!(span=> #krate::model::vu::#ty::#v)
            }
            None => {
                errors.at(
                    span,
                    format!(
                        "unknown {ty} `{name}`{}; use {}",
                        suggestion(&name, &names),
                        names.join(", ")
                    ),
                );
                TokenStream::new()
            }
        },
        None => rust_expr(value, errors),
    }
}

/// A check: `status == 200`, `status in [200, 204]`, `header("X") exists`,
/// `header("X") contains "json"`, `body contains ".."`, `body matches ".."`,
/// `json("path") exists`, `json("path") == value`, `duration < 500ms`,
/// `js("name", "r.body.length > 0")`, each optionally `as "name"`; or any Rust
/// expression of type `Check`.
fn check(krate: &TokenStream, value: &TokenStream, errors: &mut Errors) -> TokenStream {
    let mut tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    let mut named = None;
    if let [.., TokenTree::Ident(as_kw), TokenTree::Literal(lit)] = tokens.as_slice() {
        if as_kw == "as" {
            named = Some(string_value(&lit.to_token_stream(), errors));
            tokens.truncate(tokens.len() - 2);
        }
    }
    let c = quote!(#krate::steps::Check);
    let all: TokenStream = tokens.iter().cloned().collect();
    let span = span_of(&all).unwrap_or_else(Span::call_site);
    let is_op = |t: &TokenTree, text: &str| -> bool {
        let chars: Vec<char> = text.chars().collect();
        matches!(t, TokenTree::Punct(p) if p.as_char() == chars[0])
    };
    let built = match tokens.as_slice() {
        [TokenTree::Ident(kw), TokenTree::Punct(a), TokenTree::Punct(b), rest @ ..]
            if kw == "status" && a.as_char() == '=' && b.as_char() == '=' && !rest.is_empty() =>
        {
            let code: TokenStream = rest.iter().cloned().collect();
            match common::count::<u16>(&code, "a status code", false, errors) {
                Some((n, s)) => quote_spanned!(s=> #c::status(#n)),
                None if common::is_number_like(&code) => return TokenStream::new(),
                None => {
                    let e = rust_expr(&code, errors);
                    quote_spanned!(span=> #c::status(#e))
                }
            }
        }
        [TokenTree::Ident(kw), TokenTree::Ident(in_kw), TokenTree::Group(list)]
            if kw == "status" && in_kw == "in" && list.delimiter() == Delimiter::Bracket =>
        {
            let items = list.stream();
            quote_spanned!(span=> #c::status_in([#items]))
        }
        [TokenTree::Ident(kw), TokenTree::Group(name), TokenTree::Ident(op), rest @ ..]
            if kw == "header" && name.delimiter() == Delimiter::Parenthesis =>
        {
            let name = name.stream();
            match (op.to_string().as_str(), rest) {
                ("exists", []) => quote_spanned!(span=> #c::header_present(#name)),
                ("contains", [_, ..]) => {
                    let text = rust_expr(&rest.iter().cloned().collect(), errors);
                    quote_spanned!(span=> #c::header_contains(#name, #text))
                }
                _ => {
                    errors.at(
                        op.span(),
                        "`header(\"Name\") exists` or `header(\"Name\") contains \"text\"`",
                    );
                    return TokenStream::new();
                }
            }
        }
        [TokenTree::Ident(kw), TokenTree::Ident(op), rest @ ..]
            if kw == "body" && !rest.is_empty() =>
        {
            let text = rust_expr(&rest.iter().cloned().collect(), errors);
            match op.to_string().as_str() {
                "contains" => quote_spanned!(span=> #c::body_contains(#text)),
                "matches" => quote_spanned!(span=> #c::body_matches(#text)),
                other => {
                    errors.at(
                        op.span(),
                        format!("`body contains \"..\"` or `body matches \"regex\"`, not `body {other}`{}", suggestion(other, &["contains", "matches"])),
                    );
                    return TokenStream::new();
                }
            }
        }
        [TokenTree::Ident(kw), TokenTree::Group(path), rest @ ..]
            if kw == "json" && path.delimiter() == Delimiter::Parenthesis =>
        {
            let path = path.stream();
            match rest {
                [TokenTree::Ident(op)] if op == "exists" => {
                    quote_spanned!(span=> #c::json_exists(#path))
                }
                [a, b, value @ ..] if is_op(a, "=") && is_op(b, "=") && !value.is_empty() => {
                    let v = rust_expr(&value.iter().cloned().collect(), errors);
                    quote_spanned!(span=> #c::json_equals(#path, #v))
                }
                _ => {
                    errors.at(span, "`json(\"path\") exists` or `json(\"path\") == value`");
                    return TokenStream::new();
                }
            }
        }
        [TokenTree::Ident(kw), TokenTree::Punct(lt), rest @ ..]
            if kw == "duration" && lt.as_char() == '<' && !rest.is_empty() =>
        {
            let d = duration(krate, &rest.iter().cloned().collect(), errors);
            quote_spanned!(span=> #c::duration_below(#d))
        }
        [TokenTree::Ident(kw), TokenTree::Group(args)]
            if kw == "js" && args.delimiter() == Delimiter::Parenthesis =>
        {
            let args = args.stream();
            quote_spanned!(span=> #c::raw_js(#args))
        }
        [TokenTree::Ident(kw), ..]
            if ["status", "header", "body", "json", "duration", "js"]
                .contains(&kw.to_string().as_str()) =>
        {
            errors.at(
                span,
                "a check is one of: `status == 200`, `status in [200, 204]`, `header(\"X\") exists`, `header(\"X\") contains \"..\"`, `body contains \"..\"`, `body matches \"..\"`, `json(\"path\") exists`, `json(\"path\") == value`, `duration < 500ms`, `js(\"name\", \"expression\")`",
            );
            return TokenStream::new();
        }
        _ => rust_expr(&all, errors),
    };
    match named {
        Some(name) => quote!(#built.named(#name)),
        None => built,
    }
}
