//! `thresholds! { metric{tag: value}: stat op bound, ... }`.

use k6dsl_facts::metric::Comparison;
use proc_macro2::{Delimiter, Span, TokenTree};
use syn::parse::discouraged::Speculative;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprParen, Ident, Lit, Token};

use super::{at_item_end, group, next_span, peek_group, Field, List, MapKey};

/// Every entry of a `thresholds! { .. }` or of a scenario's `thresholds: { .. }`.
pub struct Thresholds {
    pub entries: List<Entry>,
}

impl Parse for Thresholds {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Ok(Thresholds {
            entries: List::parse_with(input, Entry::parse),
        })
    }
}

/// `metric{selector}: rule` or `metric: [rule, rule]`.
pub struct Entry {
    pub metric: Metric,
    /// The colon, for "no rule after the metric".
    pub colon: Span,
    pub rules: List<Rule>,
}

impl Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let start = input.span();
        let metric = Metric::parse(input)?;
        let Ok(colon) = input.parse::<Token![:]>() else {
            return Err(syn::Error::new(
                start,
                "a threshold is `metric: stat op bound`, such as `http_req_duration: p(95) < 500`",
            ));
        };
        let rules = if peek_group(input, Delimiter::Bracket) {
            group(input, Delimiter::Bracket, |inside| {
                Ok(List::parse_with(inside, Rule::parse))
            })?
            .1
        } else if at_item_end(input) {
            List { items: Vec::new() }
        } else {
            // One rule: its mistakes stay in it, as in a list.
            let rule = Rule::parse(input);
            if rule.is_err() {
                super::skip_to_comma(input);
            }
            List { items: vec![rule] }
        };
        Ok(Entry {
            metric,
            colon: colon.span,
            rules,
        })
    }
}

/// The metric a threshold is on, and the tags narrowing it.
pub struct Metric {
    pub name: MetricName,
    pub selector: Option<List<SelectorEntry>>,
    /// Its first token: a statistic its kind lacks is reported there.
    pub span: Span,
}

/// A built-in in k6's spelling or a variable (a path), or `(expression)`.
pub enum MetricName {
    Path(syn::Path),
    Expr(ExprParen),
}

impl Metric {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let span = input.span();
        let name = if input.peek(syn::token::Paren) {
            MetricName::Expr(input.parse()?)
        } else {
            match input.call(syn::Path::parse_mod_style) {
                Ok(path) => MetricName::Path(path),
                Err(_) => return Err(syn::Error::new(
                    span,
                    "expected a metric: a built-in name such as `http_req_duration`, a custom metric variable, or `(expression)`, optionally with tags `{endpoint: \"login\"}`",
                )),
            }
        };
        let selector = if peek_group(input, Delimiter::Brace) {
            Some(
                group(input, Delimiter::Brace, |inside| {
                    Ok(List::parse_with(inside, SelectorEntry::parse))
                })?
                .1,
            )
        } else {
            None
        };
        Ok(Metric {
            name,
            selector,
            span,
        })
    }

    /// The metric's name when it is a lone identifier (`http_req_duration`).
    pub fn ident(&self) -> Option<&Ident> {
        match &self.name {
            MetricName::Path(path) => path.get_ident(),
            MetricName::Expr(_) => None,
        }
    }
}

/// `endpoint: "login"`, `scenario: browse` (a `Scenario` variable), `group:
/// ["Checkout", "Pay"]` (a group path).
pub struct SelectorEntry {
    pub key: MapKey,
    pub value: SelectorValue,
}

pub enum SelectorValue {
    Scenario(Ident),
    Group {
        span: Span,
        names: Punctuated<Expr, Token![,]>,
    },
    /// A tag value: a string, a name taken as its text, or an expression.
    Tag(Expr),
}

impl SelectorEntry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let start = input.span();
        let shape = || {
            syn::Error::new(
                start,
                "a tag selector entry is `key: \"value\"`, `scenario: <Scenario>` or `group: [\"Outer\", \"Inner\"]`",
            )
        };
        let key = match MapKey::parse(input) {
            Some(key) => key,
            None => return Err(shape()),
        };
        if input.parse::<Token![:]>().is_err() || at_item_end(input) {
            return Err(shape());
        }
        let key_text = key.as_lit_str().value();
        let value = if key_text == "scenario" && lone_ident(input) {
            SelectorValue::Scenario(input.parse()?)
        } else if key_text == "group" && peek_group(input, Delimiter::Bracket) {
            let (span, names) = group(input, Delimiter::Bracket, Punctuated::parse_terminated)?;
            SelectorValue::Group { span, names }
        } else {
            SelectorValue::Tag(input.parse()?)
        };
        Ok(SelectorEntry { key, value })
    }
}

/// Whether the item is one identifier (`scenario: browse`, a variable).
fn lone_ident(input: ParseStream) -> bool {
    let fork = input.fork();
    fork.parse::<Ident>().is_ok() && at_item_end(&fork)
}

/// `p(95) < 500`, `rate > 0.95 abort_on_fail`, `rate > 0.95 abort_on_fail(delay: 10s)`.
pub struct Rule {
    pub stat: Ident,
    /// `p`'s parentheses: their span, and their inside when it is one literal.
    pub percentile: Option<(Span, Option<Lit>)>,
    pub op: Comparison,
    /// The operator's first character, which the builder call is spanned to.
    pub op_span: Span,
    pub bound: Bound,
    pub abort_on_fail: Option<AbortOnFail>,
}

/// A threshold's number: a literal (perhaps negative) or `(expression)`.
pub enum Bound {
    Number { negative: bool, lit: Lit },
    Expr(ExprParen),
}

/// `abort_on_fail` and its options, `(delay: 10s)`.
pub struct AbortOnFail {
    pub flag: Ident,
    pub options: List<Field<Expr>>,
}

impl Rule {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let whole = input.span();
        let Ok(stat) = input.parse::<Ident>() else {
            return Err(syn::Error::new(
                whole,
                format!(
                    "a threshold rule starts with a statistic: {}",
                    crate::valid::thresholds::stat_list()
                ),
            ));
        };
        let percentile = if stat == "p" {
            if !input.peek(syn::token::Paren) {
                return Err(syn::Error::new(
                    stat.span(),
                    "a percentile is `p(N)` with N from 0 to 100, such as `p(95)`",
                ));
            }
            let (span, lit) = group(input, Delimiter::Parenthesis, |inside| {
                let fork = inside.fork();
                Ok(match fork.parse::<Lit>() {
                    Ok(lit) if fork.is_empty() => {
                        inside.advance_to(&fork);
                        Some(lit)
                    }
                    // Read by the validator's message, not here.
                    _ => {
                        super::skip_rest(inside);
                        None
                    }
                })
            })?;
            Some((span, lit))
        } else {
            None
        };
        let (op, op_span) = operator(input, &stat, whole)?;
        let bound = Bound::parse(input, whole)?;
        let abort_on_fail = AbortOnFail::parse(input)?;
        if !at_item_end(input) {
            return Err(input.error("unexpected tokens after this threshold rule"));
        }
        Ok(Rule {
            stat,
            percentile,
            op,
            op_span,
            bound,
            abort_on_fail,
        })
    }
}

/// The comparison: a run of joined `<`, `>`, `=`, `!` (a `-` after it is the
/// bound's sign), one of k6's operators.
fn operator(input: ParseStream, stat: &Ident, whole: Span) -> syn::Result<(Comparison, Span)> {
    let span = next_span(input, whole);
    let text = input.step(|cursor| {
        let mut text = String::new();
        let mut rest = *cursor;
        while let Some((punct, next)) = rest.punct() {
            if !matches!(punct.as_char(), '<' | '>' | '=' | '!') {
                break;
            }
            text.push(punct.as_char());
            rest = next;
            if punct.spacing() == proc_macro2::Spacing::Alone {
                break;
            }
        }
        Ok((text, rest))
    })?;
    match Comparison::from_symbol(&text) {
        Some(op) => Ok((op, span)),
        None => Err(syn::Error::new(
            span,
            format!(
                "expected a comparison ({}) after `{stat}`{}",
                crate::valid::thresholds::operator_list(),
                if text.is_empty() {
                    String::new()
                } else {
                    format!(", found `{text}`")
                }
            ),
        )),
    }
}

impl Bound {
    fn parse(input: ParseStream, whole: Span) -> syn::Result<Self> {
        let negative = input.parse::<Option<Token![-]>>()?.is_some();
        if input.peek(syn::token::Paren) && !negative {
            return Ok(Bound::Expr(input.parse()?));
        }
        match input.fork().parse::<Lit>() {
            Ok(_) => Ok(Bound::Number {
                negative,
                lit: input.parse()?,
            }),
            Err(_) => Err(syn::Error::new(
                next_span(input, whole),
                "expected a number after the comparison, such as `500` or `0.01` (no units: k6 measures times in milliseconds)",
            )),
        }
    }
}

impl AbortOnFail {
    fn parse(input: ParseStream) -> syn::Result<Option<Self>> {
        if at_item_end(input) {
            return Ok(None);
        }
        let next = input.step(|cursor| match cursor.token_tree() {
            Some((token, _)) => Ok((token, *cursor)),
            None => Err(cursor.error("unexpected end")),
        })?;
        let flag = match &next {
            TokenTree::Ident(flag) if flag == "abort_on_fail" => input.parse::<Ident>()?,
            other => {
                let suggestion = match other {
                    TokenTree::Ident(ident) => {
                        crate::suggest::suggestion(&ident.to_string(), &["abort_on_fail"])
                    }
                    _ => String::new(),
                };
                return Err(syn::Error::new(
                    other.span(),
                    format!(
                        "unexpected `{other}` after the bound{suggestion}: only `abort_on_fail` or `abort_on_fail(delay: 10s)` may follow"
                    ),
                ));
            }
        };
        let options = if peek_group(input, Delimiter::Parenthesis) {
            group(input, Delimiter::Parenthesis, |inside| {
                Ok(List::parse_with(inside, |option| {
                    Field::parse(option, "abort_on_fail", |_, value| value.parse())
                }))
            })?
            .1
        } else {
            List { items: Vec::new() }
        };
        Ok(Some(AbortOnFail { flag, options }))
    }
}
