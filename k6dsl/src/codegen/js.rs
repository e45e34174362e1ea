//! JavaScript literals and layout: the only code that turns data into JS text.
//!
//! genco's own `quoted()` and template strings are not safe for arbitrary text (see
//! `k6-facts.md`), so every string, number, key and identifier is written here;
//! genco's tokens (`lang.rs`) carry the text into files.
//!
//! Layout follows prettier's defaults (80 columns, 2 spaces, double quotes unless the
//! text holds more double than single quotes, trailing commas), so that generated
//! scripts look hand-written and survive a formatter unchanged.

use genco::tokens::FormatInto;

use super::lang::{Tokens, K6};
// What names a binding and what may stand unquoted as a key are k6-facts' rules.
pub use k6dsl_facts::names::is_identifier;

/// prettier's default line width.
pub const LINE_WIDTH: usize = 80;
/// Spaces per indentation level.
pub const INDENT: usize = 2;

/// How many columns prettier counts for `text`: East Asian wide characters and emoji
/// take two, combining and control characters none (see `width_table.rs`).
///
/// ```
/// use k6dsl::codegen::js::display_width;
/// assert_eq!(display_width("abc"), 3);
/// assert_eq!(display_width("日本"), 4);
/// assert_eq!(display_width("e\u{301}"), 1);
/// ```
pub fn display_width(text: &str) -> usize {
    use super::width_table::{DOUBLE, ZERO};
    text.chars()
        .map(|c| {
            let c = c as u32;
            if (0x20..0x7f).contains(&c) {
                1
            } else if within(ZERO, c) {
                0
            } else if within(DOUBLE, c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Whether `c` falls in one of a generated table's sorted, disjoint ranges.
fn within(table: &[(u32, u32)], c: u32) -> bool {
    table
        .binary_search_by(|&(start, end)| {
            if end < c {
                std::cmp::Ordering::Less
            } else if start > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// A JavaScript value to write: the data-only subset of JS our scripts need, plus
/// [`Value::Expr`] for expressions codegen itself builds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, escaped on output.
    Str(String),
    /// A whole number (must be at most 2^53 - 1 to stay exact in JS).
    Int(u64),
    /// A finite number.
    Num(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `[...]`.
    Array(Vec<Value>),
    /// `{...}`.
    Object(Object),
    /// An expression made by codegen from escaped parts (never from raw user text).
    Expr(String),
}

impl Value {
    /// A string value.
    pub fn str(text: impl Into<String>) -> Self {
        Value::Str(text.into())
    }

    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(object) => object
                .entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// How many entries an object has (0 for anything else).
    pub fn object_len(&self) -> usize {
        match self {
            Value::Object(object) => object.entries.len(),
            _ => 0,
        }
    }
}

/// An object literal: ordered entries, written inline when `inline` is set and it fits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object {
    entries: Vec<(String, Value)>,
    inline: bool,
}

impl Object {
    /// An object always written one entry per line, as people write configuration.
    pub fn block() -> Self {
        Object {
            entries: Vec::new(),
            inline: false,
        }
    }

    /// A small object written on one line when it fits (`{ duration: "1m", target: 10 }`).
    pub fn inline() -> Self {
        Object {
            entries: Vec::new(),
            inline: true,
        }
    }

    /// Adds an entry.
    pub fn set(&mut self, key: impl Into<String>, value: Value) -> &mut Self {
        self.entries.push((key.into(), value));
        self
    }

    /// Adds an entry when there is a value.
    pub fn set_opt(&mut self, key: &str, value: Option<Value>) -> &mut Self {
        if let Some(value) = value {
            self.set(key, value);
        }
        self
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The finished value.
    pub fn build(self) -> Value {
        Value::Object(self)
    }
}

/// A JavaScript string literal for any text: quotes chosen as prettier would, and
/// every character that could break or hide code escaped (control characters, line
/// separators, bidirectional overrides, NUL as `\u0000` so no octal escape can form).
///
/// ```
/// use k6dsl::codegen::js::string_literal;
/// assert_eq!(string_literal("login"), r#""login""#);
/// assert_eq!(string_literal(r#"say "hi""#), r#"'say "hi"'"#);
/// assert_eq!(string_literal("a\u{0}1\u{2028}`${x}`"), r#""a\u00001\u2028`${x}`""#);
/// ```
pub fn string_literal(text: &str) -> String {
    let doubles = text.chars().filter(|&c| c == '"').count();
    let singles = text.chars().filter(|&c| c == '\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if needs_unicode_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// One piece of a template literal: user text, or an expression codegen built (its
/// text by default; a layout document in the VU code).
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart<E = String, T = String> {
    /// Text, escaped on output together with the text beside it.
    Text(T),
    /// A JavaScript expression made by codegen, written as `${expression}`.
    Expr(E),
}

/// A whole template literal. Adjacent text parts are merged before they are escaped,
/// so no way of splitting user text into parts (`"$"` then `"{x}"`, a lone backslash
/// before a backtick) can open a substitution or end the literal: the only
/// substitutions in the output are the [`TemplatePart::Expr`]s.
///
/// ```
/// use k6dsl::codegen::js::{template_literal, TemplatePart::{Expr, Text}};
/// let parts = [Text("/echo/$".into()), Text("{__ENV.SECRET}".into()), Expr("__VU".into())];
/// assert_eq!(template_literal(&parts), r"`/echo/\${__ENV.SECRET}${__VU}`");
/// ```
pub fn template_literal(parts: &[TemplatePart]) -> String {
    let mut out = String::new();
    write_template(
        parts.iter().map(|part| match part {
            TemplatePart::Text(t) => TemplatePart::Text(t.as_str()),
            TemplatePart::Expr(e) => TemplatePart::Expr(e.as_str()),
        }),
        |piece| match piece {
            TemplatePart::Text(text) | TemplatePart::Expr(text) => out.push_str(text),
        },
    );
    out
}

/// Writes a template literal to `out` in order: escaped text (the backticks, the
/// runs of text, the `${` and `}` around each expression) as [`TemplatePart::Text`],
/// and each expression at its place. Adjacent text parts are merged before they are
/// escaped, as [`template_literal`] says.
pub(crate) fn write_template<E, T: AsRef<str>>(
    parts: impl IntoIterator<Item = TemplatePart<E, T>>,
    mut out: impl FnMut(TemplatePart<E, &str>),
) {
    let mut run = String::new();
    let mut escaped = String::from("`");
    for part in parts {
        match part {
            TemplatePart::Text(t) => run.push_str(t.as_ref()),
            TemplatePart::Expr(e) => {
                push_template_text(&mut escaped, &run);
                run.clear();
                escaped.push_str("${");
                out(TemplatePart::Text(&escaped));
                escaped.clear();
                out(TemplatePart::Expr(e));
                escaped.push('}');
            }
        }
    }
    push_template_text(&mut escaped, &run);
    escaped.push('`');
    out(TemplatePart::Text(&escaped));
}

/// Text inside a template literal: escapes what would end it or start a
/// substitution, and every control or invisible character. Only sound on a whole
/// run of text (see [`template_literal`]).
fn push_template_text(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_unicode_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

/// Characters written as `\uXXXX`: controls, line separators, and invisible
/// formatting characters that could make code read differently than it runs.
fn needs_unicode_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// A property key: bare when JavaScript (and prettier) allow it, quoted otherwise.
/// `__proto__` is written computed (`["__proto__"]`): as a plain key, quoted or not,
/// it would set the object's prototype instead of adding the entry.
///
/// ```
/// use k6dsl::codegen::js::property_key;
/// assert_eq!(property_key("endpoint"), "endpoint");
/// assert_eq!(property_key("Content-Type"), r#""Content-Type""#);
/// assert_eq!(property_key("größe"), "größe");
/// assert_eq!(property_key("__proto__"), r#"["__proto__"]"#);
/// ```
pub fn property_key(key: &str) -> String {
    if key == "__proto__" {
        format!("[{}]", string_literal(key))
    } else if is_unquoted_key(key) || is_canonical_number(key) {
        key.to_owned()
    } else {
        string_literal(key)
    }
}

/// Whether prettier writes `key` unquoted: an ES5 identifier name, non-ASCII
/// letters included (see `identifier_table.rs`).
fn is_unquoted_key(key: &str) -> bool {
    use super::identifier_table::{CONTINUE, START};
    let mut chars = key.chars();
    let start =
        |c: char| c.is_ascii_alphabetic() || c == '_' || c == '$' || within(START, c as u32);
    let rest =
        |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$' || within(CONTINUE, c as u32);
    matches!(chars.next(), Some(c) if start(c)) && chars.all(rest)
}

/// Keys like `1` or `2.5` that prettier writes unquoted: digits whose number prints
/// back as the same text in JavaScript.
fn is_canonical_number(key: &str) -> bool {
    let simple = match key.split_once('.') {
        None => !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()),
        Some((int, frac)) => {
            !int.is_empty()
                && !frac.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
    };
    simple
        && key
            .parse::<f64>()
            .is_ok_and(|n| (1e-6..1e21).contains(&n) || n == 0.0)
        && key.parse::<f64>().is_ok_and(|n| format!("{n}") == key)
}

/// A finite number as JavaScript reads it.
pub fn number_literal(value: f64) -> String {
    debug_assert!(value.is_finite(), "validation admits only finite numbers");
    crate::model::plain_number(value)
}

/// A JSON number's text as prettier prints the literal: lowercase, no `+` or leading
/// zeros in the exponent, no zero exponent, no trailing zeros or dot after the
/// fraction (`1e+300` → `1e300`, `2.50` → `2.5`, `1E-07` → `1e-7`). JavaScript reads
/// both the same; the printed form keeps `prettier --check` quiet.
///
/// ```
/// use k6dsl::codegen::js::json_number_literal;
/// assert_eq!(json_number_literal("1e+300"), "1e300");
/// assert_eq!(json_number_literal("1E-07"), "1e-7");
/// assert_eq!(json_number_literal("2.50"), "2.5");
/// assert_eq!(json_number_literal("5.0e0"), "5");
/// assert_eq!(json_number_literal("-3"), "-3");
/// ```
pub fn json_number_literal(text: &str) -> String {
    let text = text.to_ascii_lowercase();
    let (mantissa, exponent) = match text.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (text.as_str(), None),
    };
    let mut mantissa = mantissa.to_owned();
    if mantissa.contains('.') {
        while mantissa.ends_with('0') {
            mantissa.pop();
        }
        if mantissa.ends_with('.') {
            mantissa.pop();
        }
    }
    let exponent = exponent.and_then(|exponent| {
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ("-", digits),
            None => ("", exponent.strip_prefix('+').unwrap_or(exponent)),
        };
        let digits = digits.trim_start_matches('0');
        (!digits.is_empty()).then(|| format!("e{sign}{digits}"))
    });
    mantissa + exponent.as_deref().unwrap_or("")
}

/// An identifier checked by validation, written as is.
#[derive(Debug, Clone, Copy)]
pub struct Ident<'a>(pub &'a str);

impl FormatInto<K6> for Ident<'_> {
    fn format_into(self, tokens: &mut Tokens) {
        debug_assert!(is_identifier(self.0), "unchecked identifier {:?}", self.0);
        tokens.append(self.0.to_owned());
    }
}

/// A string literal made by [`string_literal`].
#[derive(Debug, Clone, Copy)]
pub struct Str<'a>(pub &'a str);

impl FormatInto<K6> for Str<'_> {
    fn format_into(self, tokens: &mut Tokens) {
        tokens.append(string_literal(self.0));
    }
}

impl Value {
    /// The value on one line, or `None` when it must span lines.
    fn inline(&self) -> Option<String> {
        Some(match self {
            Value::Str(text) => string_literal(text),
            Value::Int(n) => n.to_string(),
            Value::Num(n) => number_literal(*n),
            Value::Bool(b) => b.to_string(),
            Value::Expr(expr) => expr.clone(),
            Value::Array(items) if items.is_empty() => "[]".into(),
            Value::Array(items) => {
                if array_must_break(items) {
                    return None;
                }
                let items: Option<Vec<String>> = items.iter().map(Value::inline).collect();
                format!("[{}]", items?.join(", "))
            }
            Value::Object(object) if object.entries.is_empty() => "{}".into(),
            Value::Object(object) if object.inline => {
                let entries: Option<Vec<String>> = object
                    .entries
                    .iter()
                    .map(|(key, value)| Some(format!("{}: {}", property_key(key), value.inline()?)))
                    .collect();
                format!("{{ {} }}", entries?.join(", "))
            }
            Value::Object(_) => return None,
        })
    }

    /// Writes the value at the current position of `tokens`, whose line already holds
    /// `column` characters; `suffix` follows it on the same line (`,` or `;`).
    pub fn write(&self, tokens: &mut Tokens, column: usize, indent: usize, suffix: &str) {
        if let Some(line) = self.inline() {
            if column + display_width(&line) + suffix.len() <= LINE_WIDTH {
                tokens.append(line);
                tokens.append(suffix.to_owned());
                return;
            }
        }
        let inner = indent + INDENT;
        match self {
            Value::Array(items) => {
                tokens.append("[");
                tokens.indent();
                for item in items {
                    item.write(tokens, inner, inner, ",");
                    tokens.push();
                }
                tokens.unindent();
                tokens.append("]");
            }
            Value::Object(object) => {
                tokens.append("{");
                tokens.indent();
                for (key, value) in &object.entries {
                    let key = property_key(key);
                    tokens.append(format!("{key}: "));
                    value.write(tokens, inner + display_width(&key) + 2, inner, ",");
                    tokens.push();
                }
                tokens.unindent();
                tokens.append("}");
            }
            // Scalars too long for the line stay whole, as prettier leaves them.
            scalar => tokens.append(scalar.inline().unwrap_or_default()),
        }
        tokens.append(suffix.to_owned());
    }
}

/// prettier always breaks arrays of two or more objects (each with two or more
/// entries) one per line, as in a list of stages.
fn array_must_break(items: &[Value]) -> bool {
    items.len() > 1
        && items
            .iter()
            .all(|item| matches!(item, Value::Object(o) if o.entries.len() > 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: &Value, column: usize) -> String {
        let mut tokens = Tokens::new();
        value.write(&mut tokens, column, 0, ";");
        crate::codegen::lang::render(&tokens, &Default::default())
            .trim_end()
            .to_owned()
    }

    #[test]
    fn escapes_everything_that_could_break_a_literal() {
        assert_eq!(string_literal("a\\b"), r#""a\\b""#);
        assert_eq!(string_literal("\u{0}7"), r#""\u00007""#);
        assert_eq!(string_literal("\u{11}\u{12}"), r#""\u0011\u0012""#);
        assert_eq!(string_literal("\u{2029}\u{feff}"), r#""\u2029\ufeff""#);
        assert_eq!(string_literal("\u{202e}evil"), r#""\u202eevil""#);
        assert_eq!(string_literal("</script>✓😀"), "\"</script>✓😀\"");
        assert_eq!(string_literal(r#"'"'"#), r#""'\"'""#);
        assert_eq!(string_literal(r#""'""#), r#"'"\'"'"#);
    }

    #[test]
    fn quotes_keys_only_where_needed() {
        assert_eq!(property_key("http_req_duration"), "http_req_duration");
        assert_eq!(property_key("default"), "default");
        assert_eq!(property_key("$x"), "$x");
        assert_eq!(property_key("a-b"), r#""a-b""#);
        assert_eq!(property_key("1"), "1");
        assert_eq!(property_key("1.5"), "1.5");
        assert_eq!(property_key("01"), r#""01""#);
        assert_eq!(property_key("1.50"), r#""1.50""#);
        assert_eq!(property_key(""), r#""""#);
        assert_eq!(
            property_key("http_req_duration{a:b}"),
            r#""http_req_duration{a:b}""#
        );
    }

    #[test]
    fn arrays_stay_on_one_line_while_they_fit() {
        let short = Value::Array(vec![Value::str("a"), Value::str("b")]);
        assert_eq!(written(&short, 0), r#"["a", "b"];"#);
        let long = Value::Array((0..20).map(|i| Value::str(format!("item{i}"))).collect());
        let text = written(&long, 0);
        assert!(text.starts_with("[\n  \"item0\",\n"), "{text}");
        assert!(text.ends_with("\n];"), "{text}");
    }

    #[test]
    fn lists_of_objects_break_one_per_line() {
        let stage = |d: &str| {
            let mut o = Object::inline();
            o.set("duration", Value::str(d))
                .set("target", Value::Int(1));
            o.build()
        };
        let stages = Value::Array(vec![stage("1m"), stage("2m")]);
        assert_eq!(
            written(&stages, 0),
            "[\n  { duration: \"1m\", target: 1 },\n  { duration: \"2m\", target: 1 },\n];"
        );
    }

    #[test]
    fn block_objects_always_span_lines() {
        let mut o = Object::block();
        o.set("a", Value::Bool(true));
        assert_eq!(written(&o.build(), 0), "{\n  a: true,\n};");
        assert_eq!(written(&Object::block().build(), 0), "{};");
    }
}
