//! `flow!(name { steps })`, `setup! { steps }`, `teardown! { steps }`: what one
//! iteration does. A statement that is not a flow step is ordinary Rust, so
//! extractions such as `res.json("token")` are plain method calls. The forms
//! decided while k6 runs (`when`, `for_each`, `repeat`, `mix`) are in [`logic`].

use proc_macro2::{Delimiter, Span};
use syn::parse::discouraged::Speculative;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Pat, Token};

mod logic;

pub use logic::{Else, ForEach, Mix, Repeat, When, MIX_MODES};

use super::{
    at_item_end, group, operand, peek_group, peek_keyword, skip_until, skip_value, Field, List,
    Map, Parsed,
};

/// `flow!(name { steps })`.
pub struct FlowInput {
    /// A bare name (`shop`) or a string stands for its text; anything else is an
    /// expression of the name.
    pub name: Expr,
    pub steps: Steps,
}

impl Parse for FlowInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let shape = syn::Error::new(
            input.span(),
            "write a flow as `flow!(name { steps })`, such as `flow!(browse { get(\"/products\") { check: status == 200 }; })`",
        );
        // Without eager braces, `shop { .. }` is a name and a block, not a struct.
        let name = Expr::parse_without_eager_brace(input).map_err(|_| shape.clone())?;
        if !peek_group(input, Delimiter::Brace) {
            return Err(shape);
        }
        let steps = group(input, Delimiter::Brace, Steps::parse)?.1;
        if !input.is_empty() {
            return Err(shape);
        }
        Ok(FlowInput { name, steps })
    }
}

/// The statements of a block, in order. A statement that does not parse is kept
/// as an error; reading resumes after the next `;`.
pub struct Steps {
    pub statements: Vec<Parsed<Statement>>,
}

impl Parse for Steps {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut statements = Vec::new();
        while !input.is_empty() {
            if input.parse::<Option<Token![;]>>()?.is_some() {
                continue;
            }
            let logic_form = logic::starts_form(input.cursor());
            let statement = Statement::parse(input);
            if statement.is_err() {
                // A run-time form ends in braces, not always in `;`: reading
                // resumes after its block, to find the mistakes after it too.
                if logic_form {
                    logic::skip_form(input);
                } else {
                    skip_until(input, ';');
                }
            }
            statements.push(statement);
        }
        Ok(Steps { statements })
    }
}

/// One statement: a step, perhaps bound to a pattern (`let list = get(..) {..};`).
pub struct Statement {
    pub binding: Option<Pat>,
    pub step: Step,
    /// Ended by `;`, or a step ending in braces (as Rust's own block statements):
    /// only the last statement, unterminated, is the block's value (a last
    /// `when .. else` is unterminated, as a last Rust `if .. else`).
    pub terminated: bool,
}

impl Statement {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let binding = match input.parse::<Option<Token![let]>>()? {
            Some(let_token) => {
                let pattern = Pat::parse_single(input)?;
                if input.parse::<Token![=]>().is_err() {
                    return Err(syn::Error::new(
                        let_token.span,
                        "expected `let name = step;`",
                    ));
                }
                Some(pattern)
            }
            None => None,
        };
        let step = Step::parse(input)?;
        let flow_block = binding.is_none() && step.is_flow_block();
        let rust_block =
            binding.is_none() && matches!(&step, Step::Rust(expr) if is_block_like(expr));
        // As Rust's `if .. else`, a last `when .. else` without `;` is the
        // block's value: what its branches end with.
        let gives_value = matches!(&step, Step::When(when) if when.otherwise.is_some());
        let terminated = if input.parse::<Option<Token![;]>>()?.is_some() {
            true
        } else if input.is_empty() {
            flow_block && !gives_value
        } else if flow_block || rust_block {
            true
        } else {
            return Err(input.error("expected `;` after this step"));
        };
        Ok(Statement {
            binding,
            step,
            terminated,
        })
    }
}

/// A flow step, or a Rust expression.
pub enum Step {
    /// `group "Name" { steps }`.
    Group {
        keyword: Ident,
        name: Expr,
        steps: Steps,
    },
    /// `once_per_vu { steps }`.
    OncePerVu {
        keyword: Ident,
        steps: Steps,
    },
    Request(Request),
    /// `batch [ request, request ]`.
    Batch {
        keyword: Ident,
        requests: List<BatchItem>,
    },
    /// `think 1s..3s` or `think 2s`.
    Think {
        keyword: Ident,
        time: Expr,
    },
    /// `sleep 1s`.
    Sleep {
        keyword: Ident,
        time: Expr,
    },
    /// `pacing 10s` (first in a flow).
    Pacing {
        keyword: Ident,
        time: Expr,
    },
    /// `when cond { steps } else { steps }`: decided while k6 runs.
    When(Box<When>),
    /// `for_each item in list, max 20 { steps }`.
    ForEach(Box<ForEach>),
    /// `repeat 3 as round { steps }`.
    Repeat(Box<Repeat>),
    /// `mix "name" exact { "arm" 7 => { steps }, .. }`.
    Mix(Box<Mix>),
    /// `add(metric, value)`, `share(key, value)`, `row(data, selection)`,
    /// `compute(name, value)`, the cookie steps and `raw_js(code)`.
    Call {
        keyword: Ident,
        args_span: Span,
        args: Punctuated<Expr, Token![,]>,
    },
    Rust(Expr),
}

/// Request keywords, each named as its `Request` constructor; `request` takes the
/// method first.
const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];

/// Statements called like functions, recognised when the call is the whole step.
const CALLS: &[&str] = &[
    "add",
    "share",
    "row",
    "compute",
    "set_cookie",
    "delete_cookie",
    "clear_cookies",
    "raw_js",
];

impl Step {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let Some(keyword) = peek_keyword(input) else {
            return Ok(Step::Rust(input.parse()?));
        };
        let keyword = keyword.as_str();
        if keyword == "group" {
            let fork = input.fork();
            if let Ok(group) = Step::group(&fork) {
                input.advance_to(&fork);
                return Ok(group);
            }
        } else if keyword == "once_per_vu" && input.peek2(syn::token::Brace) {
            return Ok(Step::OncePerVu {
                keyword: input.parse()?,
                steps: group(input, Delimiter::Brace, Steps::parse)?.1,
            });
        } else if METHODS.contains(&keyword) && input.peek2(syn::token::Paren) {
            return Ok(Step::Request(Request::parse(input)?));
        } else if keyword == "batch" && input.peek2(syn::token::Bracket) {
            let keyword = input.parse()?;
            let (_, requests) = group(input, Delimiter::Bracket, |inside| {
                Ok(List::parse_with(inside, BatchItem::parse))
            })?;
            return Ok(Step::Batch { keyword, requests });
        } else if keyword == "think" {
            return Ok(Step::Think {
                keyword: input.parse()?,
                time: input.parse()?,
            });
        } else if keyword == "pacing" {
            return Ok(Step::Pacing {
                keyword: input.parse()?,
                time: input.parse()?,
            });
        } else if keyword == "sleep"
            && !(input.peek2(syn::token::Paren)
                || input.peek2(syn::token::Brace)
                || input.peek2(syn::token::Bracket))
        {
            return Ok(Step::Sleep {
                keyword: input.parse()?,
                time: input.parse()?,
            });
        } else if logic::leads_form(input.cursor()) {
            return Ok(match keyword {
                "when" => Step::When(Box::new(When::parse(input)?)),
                "for_each" => Step::ForEach(Box::new(ForEach::parse(input)?)),
                "repeat" => Step::Repeat(Box::new(Repeat::parse(input)?)),
                _ => Step::Mix(Box::new(Mix::parse(input)?)),
            });
        } else if CALLS.contains(&keyword) && is_whole_call(input) {
            let keyword = input.parse()?;
            let (args_span, args) =
                group(input, Delimiter::Parenthesis, Punctuated::parse_terminated)?;
            return Ok(Step::Call {
                keyword,
                args_span,
                args,
            });
        }
        Ok(Step::Rust(input.parse()?))
    }

    /// `group NAME { steps }`, or an error when the statement has another shape
    /// (then it is Rust: a variable may be called `group`).
    fn group(input: ParseStream) -> syn::Result<Step> {
        let keyword = input.parse()?;
        let name = Expr::parse_without_eager_brace(input)?;
        let steps = group(input, Delimiter::Brace, Steps::parse)?.1;
        Ok(Step::Group {
            keyword,
            name,
            steps,
        })
    }

    /// Group, once_per_vu, the run-time forms and a request with fields end in
    /// braces and need no `;`.
    fn is_flow_block(&self) -> bool {
        match self {
            Step::Group { .. }
            | Step::OncePerVu { .. }
            | Step::When(_)
            | Step::ForEach(_)
            | Step::Repeat(_)
            | Step::Mix(_) => true,
            Step::Request(request) => request.fields.is_some(),
            _ => false,
        }
    }
}

/// Rust expressions that end in a block and, as in Rust, need no `;` before the
/// next statement.
fn is_block_like(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::If(_)
            | Expr::Match(_)
            | Expr::Block(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Unsafe(_)
    )
}

/// Whether the statement is `name(args)` and nothing more.
fn is_whole_call(input: ParseStream) -> bool {
    let Some((_, after_name)) = input.cursor().ident() else {
        return false;
    };
    let Some((_, _, after_args)) = after_name.group(Delimiter::Parenthesis) else {
        return false;
    };
    after_args.eof() || after_args.punct().is_some_and(|(p, _)| p.as_char() == ';')
}

/// A request in a `batch [..]`, or a Rust expression of a `Request`.
pub enum BatchItem {
    Request(Request),
    Expr(Expr),
}

impl BatchItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let is_request = peek_keyword(input).is_some_and(|k| METHODS.contains(&k.as_str()))
            && input.peek2(syn::token::Paren);
        Ok(if is_request {
            BatchItem::Request(Request::parse(input)?)
        } else {
            BatchItem::Expr(input.parse()?)
        })
    }
}

/// `get("/products/", id) { name: "product", check: status == 200 }`.
pub struct Request {
    pub method: Ident,
    /// The parentheses, for "needs a URL".
    pub args_span: Span,
    pub args: Punctuated<Expr, Token![,]>,
    pub fields: Option<List<Field<RequestValue>>>,
}

impl Request {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let method = input.parse()?;
        let (args_span, args) = group(input, Delimiter::Parenthesis, Punctuated::parse_terminated)?;
        let fields = if peek_group(input, Delimiter::Brace) {
            let (_, fields) = group(input, Delimiter::Brace, |inside| {
                Ok(List::parse_with(inside, |field| {
                    Field::parse(field, "request", RequestValue::parse)
                }))
            })?;
            Some(fields)
        } else if input.is_empty() || input.peek(Token![;]) || input.peek(Token![,]) {
            None
        } else {
            return Err(input.error(
                "after a request's URL come its fields in braces: `{ name: \"login\", check: status == 200 }`",
            ));
        };
        Ok(Request {
            method,
            args_span,
            args,
            fields,
        })
    }
}

/// The fields a request takes.
pub const REQUEST_FIELDS: &[&str] = &[
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
    "expect_statuses",
    "multipart",
];

/// `response_type:` values and their `ResponseType` variants.
pub const RESPONSE_TYPES: &[(&str, &str)] =
    &[("text", "Text"), ("binary", "Binary"), ("none", "None")];

/// `compression:` values and their `Compression` variants.
pub const COMPRESSIONS: &[(&str, &str)] = &[
    ("gzip", "Gzip"),
    ("deflate", "Deflate"),
    ("br", "Br"),
    ("zstd", "Zstd"),
];

/// `row(data, selection)` selections and their `RowSelection` variants.
pub const ROW_SELECTIONS: &[(&str, &str)] = &[
    ("per_vu", "PerVu"),
    ("per_iteration", "PerIteration"),
    ("unique", "Unique"),
    ("random", "Random"),
];

/// A request field's value, read by the field's own rule.
pub enum RequestValue {
    Expr(Expr),
    /// `headers`, `cookies`, `form`, `tags`, and `json` written as an object.
    Map(Map),
    Check(Box<Check>),
    /// `checks: [..]`.
    Checks(List<Check>),
    Unknown,
}

impl RequestValue {
    fn parse(key: &Ident, input: ParseStream) -> syn::Result<Self> {
        let key_text = key.to_string();
        Ok(match key_text.as_str() {
            "headers" | "cookies" | "form" | "tags" => {
                RequestValue::Map(Map::parse(input, &key_text)?)
            }
            "json" if peek_group(input, Delimiter::Brace) => {
                RequestValue::Map(Map::parse(input, &key_text)?)
            }
            "check" => RequestValue::Check(Box::new(Check::parse(input)?)),
            "checks" => {
                if !peek_group(input, Delimiter::Bracket) {
                    return Err(input.error(
                        "expected checks in brackets: `[status == 200, json(\"id\") exists]`",
                    ));
                }
                let (_, checks) = group(input, Delimiter::Bracket, |inside| {
                    Ok(List::parse_with(inside, Check::parse))
                })?;
                RequestValue::Checks(checks)
            }
            known if REQUEST_FIELDS.contains(&known) => RequestValue::Expr(input.parse()?),
            _ => {
                skip_value(input)?;
                RequestValue::Unknown
            }
        })
    }
}

/// A check, optionally named: `status == 200 as "ok"`.
pub struct Check {
    /// Its first token.
    pub span: Span,
    pub form: CheckForm,
    pub name: Option<LitStr>,
}

/// The checks the macro writes for the user; anything else is a Rust expression
/// of type `Check`.
pub enum CheckForm {
    /// `status == 200`
    Status(Expr),
    /// `status in [200, 204]`
    StatusIn(Punctuated<Expr, Token![,]>),
    /// `header("X") exists`
    HeaderExists(Expr),
    /// `header("X") contains "json"`
    HeaderContains(Expr, Expr),
    /// `body contains ".."`, `body matches ".."`; the verb is checked later.
    Body(Ident, Expr),
    /// `json("path") exists`
    JsonExists(Expr),
    /// `json("path") == value`
    JsonEquals(Expr, Expr),
    /// `duration < 500ms`
    DurationBelow(Expr),
    /// `js("name", "expression")`
    Js(Punctuated<Expr, Token![,]>),
    Rust(Expr),
}

const CHECK_FORMS: &str = "a check is one of: `status == 200`, `status in [200, 204]`, `header(\"X\") exists`, `header(\"X\") contains \"..\"`, `body contains \"..\"`, `body matches \"..\"`, `json(\"path\") exists`, `json(\"path\") == value`, `duration < 500ms`, `js(\"name\", \"expression\")`";

/// The words that start a check form: a check starting with one of them must be
/// one of the forms.
const CHECK_WORDS: &[&str] = &["status", "header", "body", "json", "duration", "js"];

impl Check {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let span = input.span();
        let form = match peek_keyword(input) {
            Some(word) if CHECK_WORDS.contains(&word.as_str()) => {
                let fork = input.fork();
                match CheckForm::parse(&fork, &word, span)? {
                    Some(form) => {
                        input.advance_to(&fork);
                        form
                    }
                    None => return Err(syn::Error::new(span, CHECK_FORMS)),
                }
            }
            _ => CheckForm::Rust(operand(input)?),
        };
        let name = match input.parse::<Option<Token![as]>>()? {
            Some(_) => Some(input.parse()?),
            None => None,
        };
        Ok(Check { span, form, name })
    }
}

impl CheckForm {
    /// The form led by `word`; `Ok(None)` when the check has no form's shape.
    fn parse(input: ParseStream, word: &str, whole: Span) -> syn::Result<Option<Self>> {
        let _: Ident = input.parse()?;
        let single = |input: ParseStream| -> syn::Result<Expr> {
            Ok(group(input, Delimiter::Parenthesis, |inside| inside.parse())?.1)
        };
        let ends = |input: ParseStream| at_item_end(input) || input.peek(Token![as]);
        Ok(Some(match word {
            "status" if input.peek(Token![==]) => {
                input.parse::<Token![==]>()?;
                CheckForm::Status(operand(input)?)
            }
            "status" if input.peek(Token![in]) && input.peek2(syn::token::Bracket) => {
                input.parse::<Token![in]>()?;
                CheckForm::StatusIn(
                    group(input, Delimiter::Bracket, Punctuated::parse_terminated)?.1,
                )
            }
            "header" if input.peek(syn::token::Paren) && input.peek2(Ident) => {
                let name = single(input)?;
                let verb: Ident = input.parse()?;
                if verb == "exists" && ends(input) {
                    CheckForm::HeaderExists(name)
                } else if verb == "contains" && !ends(input) {
                    CheckForm::HeaderContains(name, operand(input)?)
                } else {
                    return Err(syn::Error::new(
                        verb.span(),
                        "`header(\"Name\") exists` or `header(\"Name\") contains \"text\"`",
                    ));
                }
            }
            "body" if input.peek(Ident) => {
                let verb: Ident = input.parse()?;
                if ends(input) {
                    return Ok(None);
                }
                CheckForm::Body(verb, operand(input)?)
            }
            "json" if input.peek(syn::token::Paren) => {
                let path = single(input)?;
                if input.peek(Ident) && input.cursor().ident().is_some_and(|(i, _)| i == "exists") {
                    let _: Ident = input.parse()?;
                    if !ends(input) {
                        return Err(json_shape(whole));
                    }
                    CheckForm::JsonExists(path)
                } else if input.peek(Token![==]) {
                    input.parse::<Token![==]>()?;
                    if ends(input) {
                        return Err(json_shape(whole));
                    }
                    CheckForm::JsonEquals(path, operand(input)?)
                } else {
                    return Err(json_shape(whole));
                }
            }
            "duration" if input.peek(Token![<]) && !input.peek(Token![<=]) => {
                input.parse::<Token![<]>()?;
                CheckForm::DurationBelow(operand(input)?)
            }
            "js" if input.peek(syn::token::Paren) => {
                let (_, args) = group(input, Delimiter::Parenthesis, Punctuated::parse_terminated)?;
                CheckForm::Js(args)
            }
            _ => return Ok(None),
        }))
    }
}

fn json_shape(whole: Span) -> syn::Error {
    syn::Error::new(
        whole,
        "`json(\"path\") exists` or `json(\"path\") == value`",
    )
}
