//! What was expected, in words: serde names Rust types (`expected u32`, `expected
//! enum Kind`), and serde_json says only `expected value` where an enum gets a
//! number, a boolean, null or a list.

use serde_json::Value;

use super::document::Document;
use super::read::{tracked_path, Seg};
use super::Format;

/// The executor types, for the message about a wrong `type`.
const EXECUTOR_TYPE: &str = "a string: the executor type, e.g. \"constant-vus\"";

/// What a string does at a place in the plan, found by putting one there.
enum Shape {
    /// A duration (`"30s"`).
    Duration,
    /// One of these spellings (`` `GET`, `POST` ``).
    Variants(String),
    /// Anything else.
    Unknown,
}

/// `message`, a reader's error about the value at `path` in `text`, with what
/// was expected said in words and, where known, an example:
/// `invalid type: string "ten", expected a whole number, 0 or more, e.g. 10`.
/// Messages about anything else come back as they are.
pub(super) fn explain(message: &str, text: &str, format: Format, path: &[Seg]) -> String {
    // The executor read out of order names the field inside its message.
    let (inner, message) = match message.split_once(": ") {
        Some((field, rest))
            if !field.contains(' ') && !field.is_empty() && rest.contains("expected") =>
        {
            (Some(field), rest)
        }
        _ => (None, message),
    };
    let mut path = path.to_vec();
    if let Some(field) = inner {
        path.extend(field.split('.').map(Seg::key));
    }
    let prefix = inner.map(|field| format!("{field}: ")).unwrap_or_default();
    let value = || as_value(text, format);
    // serde_json's `expected value` in well-formed JSON: an enum given
    // something that is neither a string nor an object.
    if message == "expected value" {
        let found = value().and_then(|v| at(&v, &path).map(describe));
        return match (found, probe(text, format, &path)) {
            (Some(found), Shape::Variants(list)) => format!(
                "{prefix}invalid type: {found}, expected {}",
                variants(&path, &list)
            ),
            _ => format!(
                "{prefix}expected a value here (an object, a list, a string, a number, \
                 true, false or null)"
            ),
        };
    }
    // Enums that take a string of any spelling besides their own say only this.
    if let Some(name) = message.strip_prefix("data did not match any variant of untagged enum ") {
        let words = match name {
            "Method" => "a string: an HTTP method, e.g. \"GET\" or \"POST\"",
            "JsonScalar" => "a string, a number, true, false or null",
            _ => return format!("{prefix}{message}"),
        };
        return match value().and_then(|v| at(&v, &path).map(describe)) {
            Some(found) => format!("{prefix}invalid type: {found}, expected {words}"),
            None => format!("{prefix}expected {words}"),
        };
    }
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return format!("{prefix}{message}");
    };
    let known_head = ["invalid type: ", "invalid value: ", "invalid length "];
    if !known_head.iter().any(|known| head.starts_with(known)) {
        return format!("{prefix}{message}");
    }
    let words = match expected {
        "u8" | "u16" | "u32" => {
            let max = match expected {
                "u8" => u64::from(u8::MAX),
                "u16" => u64::from(u16::MAX),
                _ => u64::from(u32::MAX),
            };
            format!("a whole number from 0 to {max}, e.g. 10")
        }
        "u64" | "usize" => "a whole number, 0 or more, e.g. 10".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number, e.g. 10".to_owned(),
        "f32" | "f64" => "a number, e.g. 0.95".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a sequence" => "a list ([...])".to_owned(),
        "a map" => "an object ({...})".to_owned(),
        "a string" => match probe(text, format, &path) {
            Shape::Duration => {
                "a string: a duration, e.g. \"30s\", \"1m30s\" or \"500ms\"".to_owned()
            }
            Shape::Variants(list) => variants(&path, &list),
            Shape::Unknown => "a string".to_owned(),
        },
        other if other.starts_with("struct ") => "an object ({...})".to_owned(),
        other if other.starts_with("a tuple of size ") || other.starts_with("tuple of ") => {
            let size = other.rsplit(' ').next().unwrap_or("2");
            format!("a list of {size} items")
        }
        other if other.starts_with("enum ") || other == "string or map" => {
            match probe(text, format, &path) {
                Shape::Variants(list) => variants(&path, &list),
                _ => return format!("{prefix}{message}"),
            }
        }
        _ => return format!("{prefix}{message}"),
    };
    format!("{prefix}{head}, expected {words}")
}

/// What one of `list` (`` `a`, `b` ``) at `path` is, in words.
fn variants(path: &[Seg], list: &str) -> String {
    let executor_type = matches!(
        path,
        [.., Seg::Key(executor), Seg::Key(kind)] if executor == "executor" && kind == "type"
    );
    if executor_type {
        format!("{EXECUTOR_TYPE} (one of {list})")
    } else {
        format!("one of {list}")
    }
}

/// The plan's text as a JSON value, when it reads as one.
fn as_value(text: &str, format: Format) -> Option<Value> {
    match format {
        Format::Json => serde_json::from_str(text).ok(),
        Format::Yaml => serde_norway::from_str(text).ok(),
    }
}

fn at<'v>(value: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, segment| match segment {
        Seg::Key(key) => value.get(key),
        Seg::Index(index) => value.get(index),
    })
}

fn at_mut<'v>(value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |value, segment| match segment {
        Seg::Key(key) => value.get_mut(key),
        Seg::Index(index) => value.get_mut(index),
    })
}

/// A value as serde names what it found: integer `5`, a list.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!(
            "string {}",
            crate::validate::problem::excerpt(s).quoted_with('"')
        ),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// What a string at `path` would be: the plan is read again with one there
/// (only when a plan is already being rejected).
fn probe(text: &str, format: Format, path: &[Seg]) -> Shape {
    const MARK: &str = "\u{1}k6dsl probe";
    let Some(mut value) = as_value(text, format) else {
        return Shape::Unknown;
    };
    let Some(slot) = at_mut(&mut value, path) else {
        return Shape::Unknown;
    };
    *slot = Value::String(MARK.to_owned());
    let Err(error) = serde_path_to_error::deserialize::<_, Document>(value) else {
        return Shape::Unknown;
    };
    let error_path = tracked_path(error.path());
    let message = error.into_inner().to_string();
    // An executor read out of order names the field inside the message.
    let message = match path.split_last() {
        Some((Seg::Key(last), parent)) if error_path == parent => message
            .strip_prefix(&format!("{last}: "))
            .map(str::to_owned)
            .unwrap_or(message),
        _ if error_path == path => message,
        _ => return Shape::Unknown,
    };
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((_, list)) = rest.split_once("`, expected ") {
            let list = list.strip_prefix("one of ").unwrap_or(list);
            return Shape::Variants(list.to_owned());
        }
    }
    if message.starts_with("invalid duration") {
        return Shape::Duration;
    }
    Shape::Unknown
}
