//! The macros' inputs as syntax trees, read with `syn`.
//!
//! Parsing only reads the shape; what the shape means (is `30sec` a duration, is
//! `duraton` a field, may a Counter take `p(95)`) is for [`valid`](crate::valid).
//! A piece that does not parse is kept in the tree as an error, in its place, and
//! reading goes on after it, so one invocation reports every mistake at once and in
//! source order. Nested groups (`{..}`, `[..]`, `(..)`) are read on their own, so a
//! mistake inside one never spills out of it.

pub mod flow;
pub mod scenario;
pub mod thresholds;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Token};

/// A piece of the tree, or why it could not be read.
pub type Parsed<T> = syn::Result<T>;

/// A macro's input: the path of the `k6dsl` crate, which the `macro_rules!` wrapper
/// passes first as `$crate;` so that expansions name the crate however the user
/// depends on it, then the macro's own grammar.
pub struct Input<T> {
    pub krate: TokenStream,
    /// The rest, or why its shape is wrong (reported with the crate path known,
    /// so that the failed expansion still names the crate the user's way).
    pub body: Parsed<T>,
}

impl<T: syn::parse::Parse> syn::parse::Parse for Input<T> {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let fork = input.fork();
        let krate = match (
            fork.call(syn::Path::parse_mod_style),
            fork.parse::<Token![;]>(),
        ) {
            (Ok(path), Ok(_)) => {
                input.advance_to(&fork);
                path.into_token_stream()
            }
            // Called without the wrapper (only this crate's own tests do).
            _ => quote!(::k6dsl),
        };
        let body = input.parse();
        if body.is_err() {
            skip_rest(input);
        }
        Ok(Input { krate, body })
    }
}

/// `item, item, ...`: each item parsed by its own rule. An item that does not
/// parse becomes an error in its place; reading resumes after the next comma.
pub struct List<T> {
    pub items: Vec<Parsed<T>>,
}

impl<T> List<T> {
    /// Reads the whole of `input` (the inside of a group) as a list. Never fails:
    /// mistakes are kept as items.
    pub fn parse_with(input: ParseStream, item: impl Fn(ParseStream) -> syn::Result<T>) -> Self {
        let mut items = Vec::new();
        while !input.is_empty() {
            if input.parse::<Option<Token![,]>>().ok().flatten().is_some() {
                continue; // `a,,b`: nothing between the commas
            }
            match item(input) {
                Ok(parsed) => {
                    items.push(Ok(parsed));
                    if !at_item_end(input) {
                        items.push(Err(input.error("unexpected token, expected `,`")));
                        skip_to_comma(input);
                    }
                }
                Err(error) => {
                    items.push(Err(error));
                    skip_to_comma(input);
                }
            }
        }
        List { items }
    }

    /// The items that parsed.
    pub fn parsed(&self) -> impl Iterator<Item = &T> {
        self.items.iter().filter_map(|item| item.as_ref().ok())
    }
}

/// Whether `input` is at the end of a list item: a comma or nothing.
pub fn at_item_end(input: ParseStream) -> bool {
    input.is_empty() || input.peek(Token![,])
}

/// Skips tokens up to the next comma at this level (groups count as one token).
pub fn skip_to_comma(input: ParseStream) {
    skip_until(input, ',');
}

/// Skips every token left in `input`.
pub fn skip_rest(input: ParseStream) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((_, next)) = rest.token_tree() {
            rest = next;
        }
        Ok(((), rest))
    });
}

/// Skips tokens up to the next `stop` punctuation at this level.
pub fn skip_until(input: ParseStream, stop: char) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((token, next)) = rest.token_tree() {
            if matches!(&token, TokenTree::Punct(p) if p.as_char() == stop) {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    });
}

/// The next token if it is a group delimited by `delimiter`: its span (the whole
/// group) and its inside, read by `inside` on its own.
pub fn group<T>(
    input: ParseStream,
    delimiter: Delimiter,
    inside: impl FnOnce(ParseStream) -> syn::Result<T>,
) -> syn::Result<(Span, T)> {
    let group = input.step(|cursor| match cursor.token_tree() {
        Some((TokenTree::Group(group), rest)) if group.delimiter() == delimiter => {
            Ok((group, rest))
        }
        _ => Err(cursor.error("expected a group")),
    })?;
    let parsed = inside.parse2(group.stream())?;
    Ok((group.span(), parsed))
}

/// Whether the next token is a group delimited by `delimiter`.
pub fn peek_group(input: ParseStream, delimiter: Delimiter) -> bool {
    input.cursor().group(delimiter).is_some()
}

/// The text of the next token when it is an identifier (`group`, `status`).
pub fn peek_keyword(input: ParseStream) -> Option<String> {
    input.cursor().ident().map(|(ident, _)| ident.to_string())
}

/// The span of the next token, or of `otherwise` at the end of an item.
pub fn next_span(input: ParseStream, otherwise: Span) -> Span {
    if at_item_end(input) {
        otherwise
    } else {
        input.span()
    }
}

/// `key: value` in a braced list, its value read by a rule chosen by the key. A
/// value that does not parse is kept as an error beside its key, so that the key
/// still counts (for "given twice" and "missing").
pub struct Field<V> {
    pub key: Ident,
    pub value: Parsed<V>,
}

impl<V> Field<V> {
    /// Reads `key: value`; `what` names the list in messages (`scenario`,
    /// `executor`, `request`).
    pub fn parse(
        input: ParseStream,
        what: &str,
        value: impl FnOnce(&Ident, ParseStream) -> syn::Result<V>,
    ) -> syn::Result<Self> {
        let key: Ident = match input.parse() {
            Ok(key) => key,
            Err(_) => {
                return Err(input.error(format!("expected a {what} field name such as `name:`")))
            }
        };
        if input.parse::<Token![:]>().is_err() {
            return Err(syn::Error::new(
                key.span(),
                format!("expected `{key}: value` in this {what}"),
            ));
        }
        if at_item_end(input) {
            return Err(syn::Error::new(
                key.span(),
                format!("`{key}:` needs a value"),
            ));
        }
        let value = value(&key, input).inspect_err(|_| skip_to_comma(input));
        Ok(Field { key, value })
    }
}

/// A value this crate does not know the grammar of (an unknown field's): read as
/// an expression when it is one, else skipped to the next comma.
pub fn skip_value(input: ParseStream) -> syn::Result<()> {
    let fork = input.fork();
    if fork.parse::<Expr>().is_ok() && at_item_end(&fork) {
        input.advance_to(&fork);
    } else {
        skip_to_comma(input);
    }
    Ok(())
}

/// A key in a `{ key: value }` map: a name or a string (other literals are kept
/// for the validator to refuse).
pub enum MapKey {
    Name(Ident),
    Str(LitStr),
    Other(Lit),
}

impl MapKey {
    /// The key as a string literal for the builders (`Accept` becomes `"Accept"`).
    pub fn as_lit_str(&self) -> LitStr {
        match self {
            MapKey::Name(ident) => LitStr::new(&ident.to_string(), ident.span()),
            MapKey::Str(lit) => lit.clone(),
            MapKey::Other(lit) => LitStr::new("", lit.span()),
        }
    }

    pub fn span(&self) -> Span {
        match self {
            MapKey::Name(ident) => ident.span(),
            MapKey::Str(lit) => lit.span(),
            MapKey::Other(lit) => lit.span(),
        }
    }

    /// Reads a key, or `None` when the next token cannot be one.
    fn parse(input: ParseStream) -> Option<MapKey> {
        if input.peek(Ident) {
            return input.parse().ok().map(MapKey::Name);
        }
        match input.fork().parse::<Lit>() {
            Ok(Lit::Str(_)) => input.parse().ok().map(MapKey::Str),
            Ok(_) => input.parse().ok().map(MapKey::Other),
            Err(_) => None,
        }
    }
}

/// `{ key: value, ... }`: headers, cookies, form and JSON fields, tags, env.
pub struct Map {
    /// The whole group, for messages about the map itself.
    pub span: Span,
    pub entries: List<(MapKey, Expr)>,
}

impl Map {
    /// Reads a braced map; `what` names it in messages (`tags`, `headers`).
    pub fn parse(input: ParseStream, what: &str) -> syn::Result<Map> {
        if !peek_group(input, Delimiter::Brace) {
            return Err(input.error(format!("expected `{{ key: value, ... }}` for {what}")));
        }
        let (span, entries) = group(input, Delimiter::Brace, |inside| {
            Ok(List::parse_with(inside, |entry| {
                let start = entry.span();
                let malformed =
                    || syn::Error::new(start, format!("expected `key: value` in {what}"));
                let key = MapKey::parse(entry).ok_or_else(malformed)?;
                if entry.parse::<Token![:]>().is_err() || at_item_end(entry) {
                    return Err(malformed());
                }
                Ok((key, entry.parse()?))
            }))
        })?;
        Ok(Map { span, entries })
    }
}

/// Reads an expression that may be followed by `as "name"` (a check's name),
/// which Rust alone would take for the start of a cast.
pub fn operand(input: ParseStream) -> syn::Result<Expr> {
    let fork = input.fork();
    let error = match fork.parse::<Expr>() {
        Ok(expr) => {
            input.advance_to(&fork);
            return Ok(expr);
        }
        Err(error) => error,
    };
    // `as "..."` cannot continue a Rust expression: the operand ends before it.
    let before_name = input.step(|cursor| {
        let mut tokens = TokenStream::new();
        let mut rest = *cursor;
        while let Some((token, next)) = rest.token_tree() {
            if is_check_name(&token, next) {
                return Ok((tokens, rest));
            }
            tokens.extend([token]);
            rest = next;
        }
        Err(error.clone())
    })?;
    syn::parse2(before_name)
}

fn is_check_name(token: &TokenTree, next: syn::buffer::Cursor) -> bool {
    let is_as = matches!(token, TokenTree::Ident(ident) if ident == "as");
    is_as
        && next
            .literal()
            .is_some_and(|(lit, _)| matches!(Lit::new(lit), Lit::Str(_)))
}

/// A string for the builders: a string literal, or a name taken as its text
/// (`tags: { flow: purchase }`), else `None` (an expression).
pub fn literal_text(expr: &Expr) -> Option<LitStr> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.clone()),
        Expr::Path(path) if path.qself.is_none() => path
            .path
            .get_ident()
            .map(|ident| LitStr::new(&ident.to_string(), ident.span())),
        _ => None,
    }
}

/// The span of an expression as messages show it: its first token (the
/// compiler joins no further on stable).
pub fn span_of(tokens: &impl ToTokens) -> Span {
    tokens.span()
}
