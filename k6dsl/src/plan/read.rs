//! Reading a plan's text into the model: JSON through serde_json, YAML through
//! serde_norway with enums as one-key maps, both with serde_path_to_error so that
//! the first problem comes with its field path, line and column.

use serde::de::{Deserialize, Deserializer, IgnoredAny};

use super::document::Document;
use super::value::StrictValue;
use super::{locate, words, Diagnostic, Format, Location};
use crate::model;

pub(super) fn read_json(text: &str) -> Result<model::Script, Diagnostic> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let StrictValue(value) =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = tracked_path(error.path());
            let mut diagnostic = json_diagnostic(text, error.into_inner(), &path);
            let message = words::explain(&diagnostic.message, text, Format::Json, &path);
            diagnostic.message = bounded(&message);
            diagnostic
        })?;
    // Nothing may follow the plan.
    deserializer
        .end()
        .map_err(|error| json_diagnostic(text, error, &[]))?;
    // (Trailing text is reported without quoting it.)
    read_model(value, text, Format::Json)
}

/// The model from a JSON plan's value. Reading the model from a `serde_json::Value`
/// rather than from the parser compiles the model's derived `Deserialize` for one
/// reader fewer (each reader instantiates all of it: 15% of k6dsl's machine code).
/// YAML keeps its streaming reader: a YAML scalar's type depends on the field it
/// is read into (`version: 1.0` is text for a tag), which a value has lost. The
/// errors have a field path and no position: the position is found in the text by
/// that path.
fn read_model(
    value: serde_json::Value,
    text: &str,
    format: Format,
) -> Result<model::Script, Diagnostic> {
    match serde_path_to_error::deserialize::<_, Document>(value) {
        Ok(Document(script)) => Ok(script),
        Err(error) => {
            let path = tracked_path(error.path());
            let message = error.into_inner().to_string();
            let message = words::explain(&message, text, format, &path);
            // The value at the path, else the nearest enclosing one found in
            // the text (a damaged plan may name a key differently).
            let location = (0..=path.len())
                .rev()
                .find_map(|len| locate::find(text, format, &path[..len]))
                .or(Some(Location { line: 1, column: 1 }));
            Err(Diagnostic {
                location,
                path: shown_path(&path),
                message: bounded(&message),
            })
        }
    }
}

fn json_diagnostic(text: &str, error: serde_json::Error, path: &[Seg]) -> Diagnostic {
    let (line, column) = (error.line(), error.column());
    let message = strip_location(&error.to_string(), line, column);
    // serde_json stops at the end of a value of the wrong type; point at its start,
    // as for every other problem. Malformed text keeps the parser's position.
    let start = match error.classify() {
        serde_json::error::Category::Data => locate::find(text, Format::Json, path),
        _ => None,
    };
    let location = start.or((line > 0).then(|| Location {
        line,
        column: char_column(text, line, column),
    }));
    Diagnostic {
        location,
        path: shown_path(path),
        message,
    }
}

/// A column in characters, from serde_json's column in bytes (they differ after
/// non-ASCII text on the line).
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(line_text) = text.split('\n').nth(line - 1) else {
        return byte_column.max(1);
    };
    let bytes = &line_text.as_bytes()[..byte_column.min(line_text.len())];
    // The column is of the last byte read: count the characters that started
    // within those bytes.
    let chars = bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count();
    chars.max(1)
}

/// `T` read from YAML with enums as one-key maps (the JSON structure) rather than
/// YAML tags.
struct YamlSingletonMaps<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for YamlSingletonMaps<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_norway::with::singleton_map_recursive::deserialize(deserializer).map(Self)
    }
}

pub(super) fn read_yaml(text: &str) -> Result<model::Script, Diagnostic> {
    let deserializer = serde_norway::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, YamlSingletonMaps<Document>>(deserializer) {
        Ok(YamlSingletonMaps(Document(script))) => Ok(script),
        Err(error) => {
            let path = tracked_path(error.path());
            let error = error.into_inner();
            let reported = error.location().map(|l| Location {
                line: l.line(),
                column: l.column(),
            });
            let mut message = error.to_string();
            if let Some(l) = &reported {
                message = strip_location(&message, l.line, l.column);
            }
            // serde_norway marks some errors at the enclosing mapping; point at the
            // value the path names when the text has it (well-formed YAML).
            let well_formed = || serde_norway::from_str::<IgnoredAny>(text).is_ok();
            let location = if path.is_empty() || !well_formed() {
                reported
            } else {
                locate::find(text, Format::Yaml, &path).or(reported)
            };
            // serde_norway puts its own rendering of (a prefix of) the path first.
            for len in (1..=path.len()).rev() {
                if let Some(rest) =
                    message.strip_prefix(&format!("{}: ", render_path(&path[..len])))
                {
                    message = rest.to_owned();
                    break;
                }
            }
            let message = words::explain(&message, text, Format::Yaml, &path);
            Err(Diagnostic {
                location,
                path: shown_path(&path),
                message: bounded(&message),
            })
        }
    }
}

/// A parser's message without the ` at line L column C` it appends.
fn strip_location(message: &str, line: usize, column: usize) -> String {
    let suffix = format!(" at line {line} column {column}");
    match message.find(&suffix) {
        Some(at) => format!("{}{}", &message[..at], &message[at + suffix.len()..]),
        None => message.to_owned(),
    }
}

/// A parser's message with the user text it quotes (`unknown field `…``,
/// `string "…"`) cut to excerpts.
fn bounded(message: &str) -> String {
    crate::validate::problem::shorten_quoted(message, &['`', '"']).into_owned()
}

/// A path for a message: as [`render_path`], with long keys (map keys are user
/// text) cut to excerpts.
pub(super) fn shown_path(path: &[Seg]) -> String {
    let long = |segment: &Seg| matches!(segment, Seg::Key(key) if key.len() > crate::validate::problem::EXCERPT_CHARS);
    if !path.iter().any(long) {
        return render_path(path);
    }
    let shown: Vec<Seg> = path
        .iter()
        .map(|segment| match segment {
            Seg::Key(key) if long(segment) => {
                Seg::Key(crate::validate::problem::excerpt(key).to_string())
            }
            other => other.clone(),
        })
        .collect();
    render_path(&shown)
}

/// A path as serde_path_to_error tracked it.
pub(super) fn tracked_path(path: &serde_path_to_error::Path) -> Vec<Seg> {
    use serde_path_to_error::Segment as S;
    let mut segments = Vec::new();
    for segment in path.iter() {
        match segment {
            S::Seq { index } => segments.push(Seg::Index(*index)),
            S::Map { key } => segments.push(Seg::Key(key.clone())),
            S::Enum { variant } => segments.push(Seg::Key(variant.clone())),
            // Past an unknown segment nothing more is known.
            S::Unknown => break,
        }
    }
    segments
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    /// A field, map key or enum variant.
    Key(String),
    /// An element of a list.
    Index(usize),
}

impl Seg {
    pub(super) fn key(key: impl Into<String>) -> Seg {
        Seg::Key(key.into())
    }
}

/// `options.execution.scenarios[0].executor`.
pub(super) fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Seg::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Seg::Index(index) => {
                out.push_str(&format!("[{index}]"));
            }
        }
    }
    out
}
