//! The run-time logic forms of a flow: `when .. else ..`, `for_each`, `repeat` and
//! `mix`. Each has a keyword of its own, because Rust's `if` and `for` in a flow
//! are ordinary Rust and run while the script is generated.

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};
use syn::buffer::Cursor;
use syn::parse::{Parse, ParseStream, Parser};
use syn::{Expr, Ident, Pat, Token};

use super::super::{group, peek_group, peek_keyword, skip_to_comma, Parsed};
use super::Steps;

/// `when condition { steps }`, optionally `else { steps }` or `else when ..`.
pub struct When {
    pub keyword: Ident,
    pub condition: Expr,
    pub then: Steps,
    pub otherwise: Option<Else>,
}

/// What follows `else`.
pub enum Else {
    Block {
        keyword: Span,
        steps: Steps,
    },
    /// `else when ..`: a `when` inside the `else` branch, its value the branch's.
    When {
        keyword: Span,
        when: Box<When>,
    },
}

impl Else {
    /// The `else` keyword.
    pub fn span(&self) -> Span {
        match self {
            Else::Block { keyword, .. } | Else::When { keyword, .. } => *keyword,
        }
    }
}

impl When {
    pub fn parse(input: ParseStream) -> syn::Result<Self> {
        let keyword: Ident = input.parse()?;
        if peek_group(input, Delimiter::Brace) {
            return Err(syn::Error::new(
                keyword.span(),
                "`when` needs a run-time condition before its block, such as `when res.status().eq(404) { .. }`",
            ));
        }
        let condition = Expr::parse_without_eager_brace(input)?;
        let then = block(input, "after the condition of `when`")?;
        let otherwise = match input.parse::<Option<Token![else]>>()? {
            None => None,
            Some(else_token) => Some(if peek_keyword(input).as_deref() == Some("when") {
                Else::When {
                    keyword: else_token.span,
                    when: Box::new(When::parse(input)?),
                }
            } else if input.peek(Token![if]) {
                return Err(input.error(
                    "write `else when condition { .. }`: a Rust `if` in a flow decides while the script is generated, not while k6 runs",
                ));
            } else {
                Else::Block {
                    keyword: else_token.span,
                    steps: block(input, "after `else` (or `else when condition { .. }`)")?,
                }
            }),
        };
        Ok(When {
            keyword,
            condition,
            then,
            otherwise,
        })
    }
}

/// `for_each item in list, max 20 { steps }`.
pub struct ForEach {
    pub keyword: Ident,
    pub item: Pat,
    pub list: Expr,
    pub max: Expr,
    pub steps: Steps,
}

const FOR_EACH_SHAPE: &str = "write `for_each order in list, max 20 { .. }`";

impl ForEach {
    pub fn parse(input: ParseStream) -> syn::Result<Self> {
        let keyword: Ident = input.parse()?;
        let shape =
            |span: Span, what: &str| syn::Error::new(span, format!("{what}: {FOR_EACH_SHAPE}"));
        let item =
            binding(input).map_err(|e| shape(e.span(), "`for_each` names each item first"))?;
        if input.parse::<Token![in]>().is_err() {
            return Err(shape(
                input.span(),
                "expected `in` and the list after the item's name",
            ));
        }
        if peek_group(input, Delimiter::Brace) {
            return Err(shape(input.span(), "`for_each` needs a list to loop over"));
        }
        let list = Expr::parse_without_eager_brace(input)?;
        let has_max = input.peek(Token![,])
            && input
                .cursor()
                .punct()
                .and_then(|(_, rest)| rest.ident())
                .is_some_and(|(word, _)| word == "max");
        if !has_max {
            return Err(shape(
                input.span(),
                "a `for_each` needs a bound on the items it takes (k6 loops over at most that many)",
            ));
        }
        input.parse::<Token![,]>()?;
        input.parse::<Ident>()?;
        if peek_group(input, Delimiter::Brace) {
            return Err(shape(input.span(), "expected a number after `max`"));
        }
        let max = Expr::parse_without_eager_brace(input)?;
        let steps = block(input, "after `max N` of `for_each`")?;
        Ok(ForEach {
            keyword,
            item,
            list,
            max,
            steps,
        })
    }
}

/// `repeat 3 { steps }` or `repeat 3 as round { steps }`.
pub struct Repeat {
    pub keyword: Ident,
    pub times: Expr,
    pub round: Option<Pat>,
    pub steps: Steps,
}

impl Repeat {
    pub fn parse(input: ParseStream) -> syn::Result<Self> {
        let keyword: Ident = input.parse()?;
        // `3 as round` would read as a cast: the count ends before `as` or the block.
        let count = input.step(|cursor| {
            let mut tokens = TokenStream::new();
            let mut rest = *cursor;
            while let Some((token, next)) = rest.token_tree() {
                let ends = match &token {
                    TokenTree::Ident(ident) => ident == "as",
                    TokenTree::Punct(punct) => punct.as_char() == ';',
                    TokenTree::Group(group) => group.delimiter() == Delimiter::Brace,
                    _ => false,
                };
                if ends {
                    break;
                }
                tokens.extend([token]);
                rest = next;
            }
            Ok((tokens, rest))
        })?;
        if count.is_empty() {
            return Err(syn::Error::new(
                keyword.span(),
                "`repeat` needs a count: `repeat 3 { .. }`, or `repeat 3 as round { .. }` to use the round's number (from 0)",
            ));
        }
        let times = Expr::parse.parse2(count)?;
        let round = match input.parse::<Option<Token![as]>>()? {
            Some(_) => Some(binding(input).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected the round's name after `as`: `repeat 3 as round { .. }`",
                )
            })?),
            None => None,
        };
        let steps = block(input, "after the count of `repeat`")?;
        Ok(Repeat {
            keyword,
            times,
            round,
            steps,
        })
    }
}

/// `mix "checkout" exact { "buy" 3 => { steps }, "browse" 7 => { steps } }`.
pub struct Mix {
    pub keyword: Ident,
    pub name: Expr,
    /// `exact` or `random`, checked later.
    pub mode: Ident,
    /// The braces of the arms.
    pub span: Span,
    pub arms: Vec<Parsed<MixArm>>,
}

/// `mix` modes and their `MixMode` variants.
pub const MIX_MODES: &[(&str, &str)] = &[("exact", "Exact"), ("random", "Random")];

/// `"buy" 3 => { steps }`.
pub struct MixArm {
    pub name: Expr,
    pub weight: Expr,
    pub steps: Steps,
}

const MIX_SHAPE: &str = "write `mix \"checkout\" exact { \"buy\" 3 => { .. }, \"browse\" 7 => { .. } }` (or `random` instead of `exact`)";

impl Mix {
    pub fn parse(input: ParseStream) -> syn::Result<Self> {
        let keyword: Ident = input.parse()?;
        let shape = |span: Span, what: &str| syn::Error::new(span, format!("{what}: {MIX_SHAPE}"));
        let unnamed = input.peek(Ident) && input.peek2(syn::token::Brace);
        if unnamed || peek_group(input, Delimiter::Brace) {
            return Err(shape(
                input.span(),
                "a mix needs a name (the tag key that counts its branches)",
            ));
        }
        let name = Expr::parse_without_eager_brace(input)?;
        let mode: Ident = input.parse().map_err(|_| {
            shape(
                input.span(),
                "after the mix's name comes how it picks a branch, `exact` or `random`",
            )
        })?;
        if !peek_group(input, Delimiter::Brace) {
            return Err(shape(input.span(), "expected the mix's branches in braces"));
        }
        let (span, arms) = group(input, Delimiter::Brace, |inside| {
            Ok(MixArm::parse_all(inside))
        })?;
        Ok(Mix {
            keyword,
            name,
            mode,
            span,
            arms,
        })
    }
}

impl MixArm {
    /// The arms, each kept as an error in its place when it does not parse; a
    /// comma after an arm's braces is optional, as after a `match` arm's.
    fn parse_all(input: ParseStream) -> Vec<Parsed<MixArm>> {
        let mut arms = Vec::new();
        while !input.is_empty() {
            if input.parse::<Option<Token![,]>>().ok().flatten().is_some() {
                continue;
            }
            let arm = MixArm::parse(input);
            if arm.is_err() {
                skip_to_comma(input);
            }
            arms.push(arm);
        }
        arms
    }

    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = Expr::parse_without_eager_brace(input)?;
        if input.peek(Token![=>]) || peek_group(input, Delimiter::Brace) {
            return Err(syn::Error::new(
                super::super::span_of(&name),
                "a mix branch needs a weight after its name, such as `\"buy\" 3 => { .. }` (weights count relative to each other)",
            ));
        }
        let weight = Expr::parse_without_eager_brace(input)?;
        if input.parse::<Token![=>]>().is_err() {
            return Err(input.error("expected `=>` and the branch's steps: `\"buy\" 3 => { .. }`"));
        }
        let steps = block(input, "after `=>` of a mix branch")?;
        Ok(MixArm {
            name,
            weight,
            steps,
        })
    }
}

/// The name an item or a round is bound to, or `_`. Not any pattern: syn would
/// read `round { .. }` as a struct pattern, and a failure inside those braces
/// would spoil the whole invocation's parse.
fn binding(input: ParseStream) -> syn::Result<Pat> {
    if let Some(underscore) = input.parse::<Option<Token![_]>>()? {
        return Ok(Pat::Wild(syn::PatWild {
            attrs: Vec::new(),
            underscore_token: underscore,
        }));
    }
    let ident: Ident = input.parse()?;
    Ok(Pat::Ident(syn::PatIdent {
        attrs: Vec::new(),
        by_ref: None,
        mutability: None,
        ident,
        subpat: None,
    }))
}

/// A block of steps in braces; `after` says where it was expected.
fn block(input: ParseStream, after: &str) -> syn::Result<Steps> {
    if !peek_group(input, Delimiter::Brace) {
        return Err(input.error(format!("expected a block of steps `{{ .. }}` {after}")));
    }
    Ok(group(input, Delimiter::Brace, Steps::parse)?.1)
}

/// The run-time forms, each led by its keyword.
const KEYWORDS: &[&str] = &["when", "for_each", "repeat", "mix"];

/// Whether the cursor is at a run-time form's keyword, and the form rather than
/// Rust that uses a name of that spelling (`repeat(x).take(3)`, `when = 3;`):
/// Rust goes on after a name only with punctuation, a call or an index, and a
/// form never does (except `when !cond` and `when (a) { .. }`).
pub fn leads_form(cursor: Cursor) -> bool {
    let Some((keyword, rest)) = cursor.ident() else {
        return false;
    };
    if !KEYWORDS.iter().any(|k| keyword == k) {
        return false;
    }
    let continues_rust = |cursor: Cursor| {
        cursor.eof()
            || cursor.punct().is_some_and(|(p, _)| p.as_char() != '!')
            || cursor.group(Delimiter::Bracket).is_some()
    };
    if let Some((_, _, after)) = rest.group(Delimiter::Parenthesis) {
        return !continues_rust(after) && after.group(Delimiter::Parenthesis).is_none();
    }
    !continues_rust(rest)
}

/// Whether a statement starts with a run-time form, bound or not
/// (`let id = when ..`).
pub fn starts_form(cursor: Cursor) -> bool {
    let mut rest = cursor;
    if let Some((_, after_let)) = cursor.ident().filter(|(word, _)| word == "let") {
        rest = after_let;
        // Up to the `=` of `let pattern =`.
        loop {
            match rest.token_tree() {
                None => return false,
                Some((TokenTree::Punct(p), next))
                    if p.as_char() == '=' && p.spacing() == Spacing::Alone =>
                {
                    rest = next;
                    break;
                }
                Some((TokenTree::Punct(p), _)) if p.as_char() == ';' => return false,
                Some((_, next)) => rest = next,
            }
        }
    }
    leads_form(rest)
}

/// Skips the rest of a run-time form that did not parse: up to a `;`, or past
/// a block not followed by `else`.
pub fn skip_form(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((token, next)) = rest.token_tree() {
            match token {
                TokenTree::Punct(p) if p.as_char() == ';' => break,
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    rest = next;
                    let else_follows = next.ident().is_some_and(|(word, _)| word == "else");
                    if !else_follows {
                        break;
                    }
                }
                _ => rest = next,
            }
        }
        Ok(((), rest))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_start(text: &str, question: fn(Cursor) -> bool) -> bool {
        let parser = |input: ParseStream| {
            let answer = question(input.cursor());
            crate::ast::skip_rest(input);
            Ok(answer)
        };
        parser.parse_str(text).unwrap()
    }

    #[test]
    fn forms_are_told_from_rust_that_uses_their_names() {
        let forms = [
            "when a.exists() { }",
            "when !a { }",
            "when (a) { }",
            "repeat 3 { }",
            "repeat { }",
            "for_each x in y, max 3 { }",
            "mix \"m\" exact { }",
        ];
        for form in forms {
            assert!(at_start(form, leads_form), "{form}");
        }
        let rust = [
            "repeat(x).take(3)",
            "when = 3",
            "when(x)",
            "when(x);",
            "mix.len()",
            "repeat",
            "for_each[0]",
            "when::now()",
            "group \"a\" { }",
        ];
        for rust in rust {
            assert!(!at_start(rust, leads_form), "{rust}");
        }
        assert!(at_start("let id = when a { x } else { y }", starts_form));
        assert!(at_start(
            "let (a, b) = when a { x } else { y }",
            starts_form
        ));
        assert!(!at_start("let when = 3;", starts_form));
    }

    #[test]
    fn a_form_that_does_not_parse_is_skipped_past_its_blocks() {
        let rest = |text: &str| {
            let parser = |input: ParseStream| {
                skip_form(input);
                let rest = input.cursor().token_stream().to_string();
                crate::ast::skip_rest(input);
                Ok(rest)
            };
            parser.parse_str(text).unwrap()
        };
        assert_eq!(rest("repeat { a; } sleep 1s;"), "sleep 1s ;");
        assert_eq!(rest("c { a } else get(x) { b }; c;"), "; c ;");
        assert_eq!(rest("c { a } else { b } next"), "next");
        assert_eq!(rest("x ; y"), "; y");
    }
}
