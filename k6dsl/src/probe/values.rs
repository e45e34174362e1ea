//! Values as the generated JavaScript holds them: `undefined`, `null`, booleans,
//! numbers, strings and JSON arrays and objects, with JavaScript's conversions
//! (`String(v)`, `Number(v)`, `===`, `JSON.stringify`), so that a probe computes
//! the same URL, header and body text as k6 does.

use std::fmt::Write as _;

/// A value of the running flow, as JavaScript would hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `undefined`: an extraction that found nothing, a missing field.
    Undefined,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number (JavaScript's double, `NaN` included).
    Num(f64),
    /// A string.
    Str(String),
    /// A JSON array or object (from a response, a data row, setup data).
    Json(serde_json::Value),
}

impl Value {
    /// The value of a JSON document: scalars become their JavaScript value,
    /// arrays and objects stay JSON.
    pub fn from_json(json: serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Num(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::Str(s),
            other => Value::Json(other),
        }
    }

    /// The value as JSON (`JSON.stringify`'s view): `undefined` is `None` (left out
    /// of an object, `null` in an array), a number that is not finite is `null`.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Undefined => return None,
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Num(n) => json_number(*n),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Json(json) => json.clone(),
        })
    }

    /// The value as a `serde_json::Value` for a trace: `undefined` as `null`.
    pub fn to_trace_json(&self) -> serde_json::Value {
        self.to_json().unwrap_or(serde_json::Value::Null)
    }

    /// `String(value)`.
    pub fn to_js_string(&self) -> String {
        match self {
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Num(n) => js_number(*n),
            Value::Str(s) => s.clone(),
            Value::Json(json) => json_to_js_string(json),
        }
    }

    /// `Number(value)`.
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Undefined => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(n) => *n,
            Value::Str(s) => string_to_number(s),
            Value::Json(serde_json::Value::Array(_)) => string_to_number(&self.to_js_string()),
            Value::Json(_) => f64::NAN,
        }
    }

    /// `value !== undefined && value !== null`.
    pub fn exists(&self) -> bool {
        !matches!(self, Value::Undefined | Value::Null)
    }

    /// `a === b`. Arrays and objects are never equal to another value (JavaScript
    /// compares them by identity, and each read makes a new one).
    pub fn strict_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Num(a), Value::Num(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            _ => false,
        }
    }

    /// `value.field` (`row.username`, `items["0"]`); `None` where JavaScript
    /// throws (a field of `undefined` or `null`).
    pub fn field(&self, field: &str) -> Option<Value> {
        Some(match self {
            Value::Undefined | Value::Null => return None,
            Value::Json(serde_json::Value::Object(map)) => map
                .get(field)
                .cloned()
                .map_or(Value::Undefined, Value::from_json),
            Value::Json(serde_json::Value::Array(items)) => match field {
                "length" => Value::Num(items.len() as f64),
                _ => array_index(field)
                    .and_then(|i| items.get(i))
                    .cloned()
                    .map_or(Value::Undefined, Value::from_json),
            },
            Value::Str(s) if field == "length" => Value::Num(s.encode_utf16().count() as f64),
            _ => Value::Undefined,
        })
    }

    /// A short form for traces and messages: strings quoted, JSON compact.
    pub fn describe(&self) -> String {
        match self {
            Value::Str(s) => format!("{s:?}"),
            Value::Json(json) => {
                let text = json.to_string();
                if text.chars().count() > 80 {
                    let cut: String = text.chars().take(77).collect();
                    format!("{cut}...")
                } else {
                    text
                }
            }
            other => other.to_js_string(),
        }
    }
}

/// A canonical array index (`"0"`, `"12"`, not `"01"`).
fn array_index(field: &str) -> Option<usize> {
    if field.len() > 1 && field.starts_with('0') {
        return None;
    }
    field.parse().ok()
}

/// A JSON number for `n`: whole numbers without a fraction (as JavaScript writes
/// them), `null` for NaN and infinities (as `JSON.stringify` does).
pub fn json_number(n: f64) -> serde_json::Value {
    if !n.is_finite() {
        return serde_json::Value::Null;
    }
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        // -0 is written 0, as JSON.stringify does.
        return serde_json::Value::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// `String(array)` / `String(object)`.
fn json_to_js_string(json: &serde_json::Value) -> String {
    match json {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                serde_json::Value::Null => String::new(),
                other => Value::from_json(other.clone()).to_js_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        serde_json::Value::Object(_) => "[object Object]".into(),
        scalar => Value::from_json(scalar.clone()).to_js_string(),
    }
}

/// `Number(text)`: blank is 0, decimal and `0x`/`0o`/`0b` literals and
/// `Infinity` parse, anything else is NaN.
pub fn string_to_number(text: &str) -> f64 {
    let t = text.trim();
    if t.is_empty() {
        return 0.0;
    }
    let radix = |prefix: [&str; 2], radix: u32| {
        prefix.iter().find_map(|p| t.strip_prefix(p)).map(|digits| {
            u64::from_str_radix(digits, radix)
                .map(|v| v as f64)
                .unwrap_or(f64::NAN)
        })
    };
    if let Some(n) = radix(["0x", "0X"], 16)
        .or_else(|| radix(["0o", "0O"], 8))
        .or_else(|| radix(["0b", "0B"], 2))
    {
        return n;
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    // Rust also reads "inf", "NaN" and "infinity", which JavaScript does not.
    let decimal = t
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !decimal {
        return f64::NAN;
    }
    t.parse().unwrap_or(f64::NAN)
}

/// A number as JavaScript writes it (`Number.prototype.toString`): `2`, `0.1`,
/// `1e+21`, `1e-7`, `NaN`, `-Infinity`.
pub fn js_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    // The shortest digits that read back as n, and the decimal exponent.
    let sci = format!("{:e}", n.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let point = exponent + 1; // where the decimal point goes after the first digits
    let mut out = String::new();
    if n < 0.0 {
        out.push('-');
    }
    if k <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = point - 1;
        let _ = write!(out, "e{}{}", if e >= 0 { "+" } else { "-" }, e.abs());
    }
    out
}

/// `encodeURIComponent(text)`: everything but letters, digits and `-_.!~*'()`
/// percent-encoded as UTF-8.
pub fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Go's `url.QueryEscape` (what k6's form bodies use): spaces as `+`, and
/// everything but letters, digits and `-_.~` percent-encoded.
pub fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) => out.push(b as char),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Standard base64 with padding (`encoding.b64encode`).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What the generated code knows of a value's type (codegen's `Ty`): it decides
/// whether an equality converts one side to the type of a literal on the other,
/// as the generated comparison does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ty {
    Str,
    MaybeStr,
    Num,
    Bool,
    Json,
    /// A row of the data set with this name.
    Row(String),
    /// Any other (`number | undefined`, a union): never converted.
    Other,
}

impl Ty {
    /// A type both values fit, as codegen joins the types a variable takes in
    /// several branches.
    pub(super) fn join(&self, other: &Ty) -> Ty {
        let scalar = |ty: &Ty| matches!(ty, Ty::Str | Ty::Num | Ty::Bool);
        match (self, other) {
            _ if self == other => self.clone(),
            (Ty::Str | Ty::MaybeStr, Ty::Str | Ty::MaybeStr) => Ty::MaybeStr,
            (Ty::Json, o) | (o, Ty::Json) if scalar(o) || *o == Ty::MaybeStr => Ty::Json,
            (a, b) if scalar(a) && scalar(b) => Ty::Other,
            _ => self.clone(),
        }
    }

    /// Whether the generated code knows it to be one primitive (or text that may
    /// be missing).
    pub(super) fn is_known(&self) -> bool {
        matches!(self, Ty::Str | Ty::MaybeStr | Ty::Num | Ty::Bool)
    }
}
