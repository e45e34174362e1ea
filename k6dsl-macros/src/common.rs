//! What every macro shares: the `$crate` path the `k6dsl` wrapper passes in, error
//! accumulation, `key: value` lists, duration literals and "did you mean".

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Expr, Ident, Lit, LitStr};

/// Every error of one invocation, reported together.
#[derive(Default)]
pub struct Errors(Option<syn::Error>, Vec<TokenStream>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Keeps well-formed expansion pieces (thresholds) type-checked even when the
    /// invocation has errors elsewhere, so that a statistic the metric's kind lacks
    /// is reported beside them rather than after they are fixed.
    pub fn defer(&mut self, checked: TokenStream) {
        self.1.push(checked);
    }

    /// `compile_error!`s for every error, in an expression of the macro's own type
    /// (`ty`) that does not diverge, so that neither a follow-up type error nor an
    /// "unreachable code" warning buries them.
    pub fn into_expression(self, krate: &TokenStream, ty: TokenStream) -> TokenStream {
        let errors = self.0.map(|e| e.to_compile_error());
        let deferred = self.1;
        quote! {
            {
                #errors
                if false { #( let _ = #deferred; )* }
                #krate::__private::errored::<#ty>()
            }
        }
    }
}

/// Runs a macro: splits off the `$crate ;` prefix that the `macro_rules!` wrapper in
/// `k6dsl` puts first (so expansions name the crate however the user depends on
/// it), then parses and expands the rest. Never panics: failures are errors.
pub fn run(
    input: proc_macro::TokenStream,
    ty: &str,
    expand: impl FnOnce(&TokenStream, TokenStream, &mut Errors) -> TokenStream,
) -> proc_macro::TokenStream {
    let mut tokens = TokenStream::from(input).into_iter();
    let mut krate = TokenStream::new();
    for token in tokens.by_ref() {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ';' => break,
            _ => krate.extend([token]),
        }
    }
    if krate.is_empty() {
        krate = quote!(::k6dsl);
    }
    let rest: TokenStream = tokens.collect();
    let mut errors = Errors::default();
    let expanded = expand(&krate, rest, &mut errors);
    if errors.is_empty() {
        expanded.into()
    } else {
        let ty: TokenStream = ty.parse().unwrap_or_default();
        errors.into_expression(&krate, quote!(#krate::#ty)).into()
    }
}

/// One `key: value` entry of a braced list; `value` is every token up to the next
/// comma outside brackets.
pub struct Field {
    pub key: Ident,
    pub value: TokenStream,
}

impl Field {
    /// The span of the value, or of the key when the value is empty.
    pub fn value_span(&self) -> Span {
        span_of(&self.value).unwrap_or_else(|| self.key.span())
    }
}

/// The span of a token stream: its first token (a joined span where the compiler
/// allows it).
pub fn span_of(tokens: &TokenStream) -> Option<Span> {
    let mut iter = tokens.clone().into_iter();
    let first = iter.next()?.span();
    let last = iter.last().map(|t| t.span()).unwrap_or(first);
    Some(first.join(last).unwrap_or(first))
}

/// Splits `tokens` at top-level commas (a comma inside `()`, `[]`, `{}` or a
/// closure's `|a, b|` stays put). Empty pieces (a trailing comma) are dropped.
pub fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    let mut current = TokenStream::new();
    let mut depth_angle = 0i32;
    for token in tokens {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ',' && depth_angle <= 0 => {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                continue;
            }
            // `Type::<A, B>` turbofish: keep its commas.
            TokenTree::Punct(p) if p.as_char() == '<' && ends_with_path_sep(&current) => {
                depth_angle += 1;
            }
            TokenTree::Punct(p) if p.as_char() == '>' && depth_angle > 0 => depth_angle -= 1,
            _ => {}
        }
        current.extend([token]);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

fn ends_with_path_sep(tokens: &TokenStream) -> bool {
    let last: Vec<TokenTree> = tokens.clone().into_iter().collect();
    matches!(last.as_slice(), [.., TokenTree::Punct(a), TokenTree::Punct(b)] if a.as_char() == ':' && b.as_char() == ':')
}

/// Parses `key: value, key: value` (the inside of braces). Entries that are not of
/// that shape become errors; the rest is returned.
pub fn fields(tokens: TokenStream, what: &str, errors: &mut Errors) -> Vec<Field> {
    let mut out = Vec::new();
    for piece in split_commas(tokens) {
        let mut iter = piece.clone().into_iter();
        let key = match iter.next() {
            Some(TokenTree::Ident(key)) => key,
            Some(other) => {
                errors.at(
                    other.span(),
                    format!("expected a {what} field name such as `name:`"),
                );
                continue;
            }
            None => continue,
        };
        match iter.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == ':' => {}
            _ => {
                errors.at(
                    key.span(),
                    format!("expected `{key}: value` in this {what}"),
                );
                continue;
            }
        }
        let value: TokenStream = iter.collect();
        if value.is_empty() {
            errors.at(key.span(), format!("`{key}:` needs a value"));
            continue;
        }
        out.push(Field { key, value });
    }
    out
}

/// The inside of a group token with the given delimiter, or an error.
pub fn delimited(
    value: &TokenStream,
    delimiter: Delimiter,
    what: &str,
    errors: &mut Errors,
) -> Option<TokenStream> {
    let mut iter = value.clone().into_iter();
    match (iter.next(), iter.next()) {
        (Some(TokenTree::Group(g)), None) if g.delimiter() == delimiter => Some(g.stream()),
        _ => {
            errors.at(
                span_of(value).unwrap_or_else(Span::call_site),
                format!("expected {what}"),
            );
            None
        }
    }
}

/// Parses a Rust expression from `tokens`, recording an error when it is none.
pub fn expr(tokens: &TokenStream, errors: &mut Errors) -> Option<Expr> {
    match syn::parse2::<Expr>(tokens.clone()) {
        Ok(expr) => Some(expr),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// A single literal token, if `tokens` is exactly one (a leading `-` is kept apart).
pub fn single_literal(tokens: &TokenStream) -> Option<Lit> {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next()) {
        (Some(TokenTree::Literal(lit)), None) => Some(Lit::new(lit)),
        _ => None,
    }
}

/// A string literal or an identifier, as text with its span (`flow: "browse"` or
/// `browse`).
pub fn name_text(tokens: &TokenStream) -> Option<(String, Span)> {
    if let Some(Lit::Str(s)) = single_literal(tokens) {
        return Some((s.value(), s.span()));
    }
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next()) {
        (Some(TokenTree::Ident(i)), None) => Some((i.to_string(), i.span())),
        _ => None,
    }
}

/// A string for the builders: a literal or identifier becomes a string literal;
/// anything else is taken as a Rust expression.
pub fn string_value(tokens: &TokenStream, errors: &mut Errors) -> TokenStream {
    if let Some((text, span)) = name_text(tokens) {
        return LitStr::new(&text, span).into_token_stream();
    }
    expr(tokens, errors)
        .map(|e| e.into_token_stream())
        .unwrap_or_default()
}

/// Go duration units k6 reads, in nanoseconds.
const UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
    ("d", 86_400_000_000_000),
];

/// Parses a duration literal as Go and k6 write them: `30s`, `1m30s`, `500ms`,
/// `1.5s`, `1h`, `2d12h`. Returns nanoseconds or a message saying what is wrong.
pub fn parse_duration(text: &str) -> Result<u128, String> {
    let example = "write a duration such as `30s`, `1m30s`, `500ms` or `1.5s`";
    if text.is_empty() {
        return Err(format!("empty duration: {example}"));
    }
    let mut rest = text;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .unwrap_or(rest.len());
        let number = rest[..number_len].replace('_', "");
        if number.is_empty() {
            return Err(format!("`{text}` is not a duration: {example}"));
        }
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        if unit.is_empty() {
            return Err(format!(
                "`{text}` has no unit: {example} (units: ns, us, ms, s, m, h, d)"
            ));
        }
        let Some(&(_, scale)) = UNITS.iter().find(|(name, _)| *name == unit) else {
            return Err(format!(
                "unknown unit `{unit}` in `{text}`: use ns, us, ms, s, m, h or d"
            ));
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
        if fraction.contains('.') || (whole.is_empty() && fraction.is_empty()) {
            return Err(format!("`{text}` is not a duration: {example}"));
        }
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| format!("`{text}` is too long a duration"))?
        };
        let mut nanos = whole
            .checked_mul(scale)
            .ok_or_else(|| format!("`{text}` is too long a duration"))?;
        let mut place = scale;
        for digit in fraction.chars() {
            place /= 10;
            nanos += u128::from(digit.to_digit(10).unwrap_or(0)) * place;
        }
        total = total
            .checked_add(nanos)
            .ok_or_else(|| format!("`{text}` is too long a duration"))?;
    }
    if total > u128::from(u64::MAX) * 1_000_000_000 {
        return Err(format!("`{text}` is too long a duration"));
    }
    Ok(total)
}

/// A `std::time::Duration` value: a duration literal (`30s`, checked here) or any
/// Rust expression of that type.
pub fn duration(krate: &TokenStream, tokens: &TokenStream, errors: &mut Errors) -> TokenStream {
    match single_literal(tokens) {
        Some(lit @ (Lit::Int(_) | Lit::Float(_))) => {
            let text = lit.to_token_stream().to_string();
            match parse_duration(&text) {
                Ok(nanos) => duration_tokens(krate, nanos, lit.span()),
                Err(message) => {
                    errors.at(lit.span(), message);
                    TokenStream::new()
                }
            }
        }
        Some(other) => {
            errors.at(
                other.span(),
                "expected a duration such as `30s`, `1m30s` or `500ms`",
            );
            TokenStream::new()
        }
        None => {
            let list: Vec<TokenTree> = tokens.clone().into_iter().collect();
            let has_unit_literal = list.iter().any(|t| {
                matches!(t, TokenTree::Literal(l) if matches!(Lit::new(l.clone()), Lit::Int(ref i) if !i.suffix().is_empty())
                    || matches!(Lit::new(l.clone()), Lit::Float(ref f) if !f.suffix().is_empty()))
            });
            if has_unit_literal {
                let message = if matches!(list.first(), Some(TokenTree::Punct(p)) if p.as_char() == '-')
                {
                    "a duration cannot be negative"
                } else {
                    "expected one duration such as `30s`, `1m30s` or `500ms` (a range like `1s..3s` is for `think`)"
                };
                errors.at(span_of(tokens).unwrap_or_else(Span::call_site), message);
                return TokenStream::new();
            }
            expr(tokens, errors)
                .map(|e| e.into_token_stream())
                .unwrap_or_default()
        }
    }
}

pub fn duration_tokens(krate: &TokenStream, nanos: u128, span: Span) -> TokenStream {
    let secs = (nanos / 1_000_000_000) as u64;
    let sub = (nanos % 1_000_000_000) as u32;
    quote_spanned!(span=> #krate::__private::Duration::new(#secs, #sub))
}

/// A whole number literal of type `T`, checked here; `positive` also rejects 0.
/// Anything that is not a literal is passed through as an expression.
pub fn count<T>(
    tokens: &TokenStream,
    what: &str,
    positive: bool,
    errors: &mut Errors,
) -> Option<(T, Span)>
where
    T: std::str::FromStr + PartialEq + Default,
    T::Err: std::fmt::Display,
{
    if let [TokenTree::Punct(minus), TokenTree::Literal(_)] =
        tokens.clone().into_iter().collect::<Vec<_>>().as_slice()
    {
        if minus.as_char() == '-' {
            errors.at(
                span_of(tokens).unwrap_or_else(|| minus.span()),
                format!("{what} cannot be negative"),
            );
            return None;
        }
    }
    let lit = match single_literal(tokens) {
        Some(Lit::Int(lit)) => lit,
        Some(other) => {
            errors.at(other.span(), format!("expected {what} as a whole number"));
            return None;
        }
        None => return None,
    };
    if !lit.suffix().is_empty() {
        errors.at(
            lit.span(),
            format!(
                "`{}`: write {what} as a plain whole number, with no suffix",
                lit.token()
            ),
        );
        return None;
    }
    match lit.base10_parse::<T>() {
        Ok(n) if positive && n == T::default() => {
            errors.at(
                lit.span(),
                format!("k6 requires {what} to be positive: use 1 or more"),
            );
            None
        }
        Ok(n) => Some((n, lit.span())),
        Err(e) => {
            errors.at(lit.span(), format!("{what}: {e}"));
            None
        }
    }
}

/// Whether `tokens` are a literal, or `-` and a literal: what [`count`] and
/// [`duration`] read themselves (reporting any mistake) rather than pass through as
/// Rust.
pub fn is_number_like(tokens: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Literal(_)] => true,
        [TokenTree::Punct(minus), TokenTree::Literal(_)] => minus.as_char() == '-',
        _ => false,
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
/// Spellings that differ only in case, `_` or `-` (`preAllocatedVUs`) always match.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let normal = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let word_n = normal(word);
    candidates
        .iter()
        .map(|c| (levenshtein(&word_n, &normal(c)), *c))
        .filter(|(d, c)| *d == 0 || *d <= (c.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `` (did you mean `x`?)`` or nothing.
pub fn suggestion(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates) {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

/// Edit distance where swapping two neighbouring letters (`nmae`) counts as one
/// edit, as typos usually are (optimal string alignment).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Reports a field given twice.
pub fn once<'a>(seen: &mut Vec<String>, key: &'a Ident, errors: &mut Errors) -> &'a Ident {
    let name = key.to_string();
    if seen.contains(&name) {
        errors.at(key.span(), format!("`{name}` is given twice"));
    } else {
        seen.push(name);
    }
    key
}

/// The entries of a `{ key: value, ... }` map: keys are identifiers or string
/// literals (reported when not, or when given twice), values are the tokens after
/// the colon, for the caller to read. `what` names the map in messages.
pub fn key_values(
    value: &TokenStream,
    what: &str,
    errors: &mut Errors,
) -> Vec<(LitStr, TokenStream)> {
    let Some(inner) = delimited(
        value,
        Delimiter::Brace,
        &format!("`{{ key: value, ... }}` for {what}"),
        errors,
    ) else {
        return Vec::new();
    };
    let mut out: Vec<(LitStr, TokenStream)> = Vec::new();
    for piece in split_commas(inner) {
        let tokens: Vec<TokenTree> = piece.clone().into_iter().collect();
        let (key, rest) = match tokens.as_slice() {
            [key, TokenTree::Punct(colon), rest @ ..]
                if colon.as_char() == ':' && !rest.is_empty() =>
            {
                (key.clone(), rest.iter().cloned().collect::<TokenStream>())
            }
            _ => {
                errors.at(
                    span_of(&piece).unwrap_or_else(Span::call_site),
                    format!("expected `key: value` in {what}"),
                );
                continue;
            }
        };
        let key = match key {
            TokenTree::Ident(i) => LitStr::new(&i.to_string(), i.span()),
            TokenTree::Literal(l) => match Lit::new(l) {
                Lit::Str(s) => s,
                other => {
                    errors.at(other.span(), format!("a {what} key is a name or a string"));
                    continue;
                }
            },
            other => {
                errors.at(other.span(), format!("a {what} key is a name or a string"));
                continue;
            }
        };
        if out.iter().any(|(k, _)| k.value() == key.value()) {
            errors.at(
                key.span(),
                format!("{what} key `{}` is given twice", key.value()),
            );
        }
        out.push((key, rest));
    }
    out
}

/// A `{ key: "value", ... }` map of strings (tags, env): as [`key_values`], with
/// values as strings for the builders, and empty keys refused (k6 crashes on them).
pub fn string_map(
    value: &TokenStream,
    what: &str,
    errors: &mut Errors,
) -> Vec<(LitStr, TokenStream)> {
    let entries = key_values(value, what, errors);
    entries
        .into_iter()
        .map(|(key, rest)| {
            if key.value().is_empty() {
                errors.at(
                    key.span(),
                    format!("a {what} key cannot be empty: k6 crashes on it"),
                );
            }
            let value = string_value(&rest, errors);
            (key, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_writes_them() {
        assert_eq!(parse_duration("30s"), Ok(30_000_000_000));
        assert_eq!(parse_duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_duration("500ms"), Ok(500_000_000));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration("1h0m0s"), Ok(3_600_000_000_000));
        assert_eq!(parse_duration("2d"), Ok(172_800_000_000_000));
        assert!(parse_duration("30").unwrap_err().contains("has no unit"));
        assert!(parse_duration("30sec")
            .unwrap_err()
            .contains("unknown unit `sec`"));
        assert!(parse_duration("1..5s").is_err());
    }

    #[test]
    fn suggestions_for_typos_and_other_spellings() {
        assert_eq!(did_you_mean("nmae", &["name", "exec"]), Some("name"));
        let fields = ["pre_allocated_vus", "max_vus", "duration"];
        assert_eq!(
            did_you_mean("preAllocatedVUs", &fields),
            Some("pre_allocated_vus")
        );
        assert_eq!(did_you_mean("duraton", &fields), Some("duration"));
        assert_eq!(did_you_mean("stages", &fields), None);
    }
}
