//! Plans: a whole k6 test as data, in JSON or YAML, so that another tool can write a
//! test and k6dsl can turn it into a script.
//!
//! A plan is the model ([`model::Script`]) in serde's form: what
//! [`Plan::to_json`] writes, [`Plan::from_json`] reads back, field for field
//! (`docs/plan-schema.md` documents every object, field, unit and spelling). Reading
//! stops at the first thing that is not a plan (malformed text, a wrong type, an
//! unknown field, a bad duration) and says where: line, column and field path.
//! [`Plan::load`] then runs k6dsl's validation and reports every problem, each at
//! its place in the file.
//!
//! ```
//! use k6dsl::plan::{Format, Plan};
//!
//! let text = r#"{
//!   "options": {
//!     "execution": {
//!       "scenarios": [
//!         {
//!           "name": "smoke",
//!           "executor": { "type": "constant-vus", "vus": 2, "duration": "30s" },
//!           "exec": "browse"
//!         }
//!       ]
//!     }
//!   },
//!   "flows": [
//!     {
//!       "name": "browse",
//!       "body": [
//!         { "request": { "method": "GET", "url": [{ "str": "/products" }], "name": "products" } }
//!       ]
//!     }
//!   ]
//! }"#;
//! let plan = Plan::load(text, Format::Json)?;
//! let js = plan.to_javascript()?;
//! assert!(js.contains(r#"executor: "constant-vus","#));
//! assert!(js.contains("export function browse() {"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A plan that does not read says where:
//!
//! ```
//! use k6dsl::plan::Plan;
//!
//! let text = "{\"options\": {\"execution\": {\"scenarios\": [\n  {\"name\": \"a\", \"executor\": {\"type\": \"constant-vus\", \"vus\": \"ten\"}}\n]}}}";
//! let error = Plan::from_json(text).unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     "2:61: options.execution.scenarios[0].executor.vus: invalid type: string \"ten\", \
//!      expected a whole number from 0 to 4294967295, e.g. 10"
//! );
//! ```

use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::model::{self, vu};
use crate::validate::problem::{Errors, Place, Problem};

/// The text formats a plan can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON (`.json`).
    Json,
    /// YAML (`.yaml`, `.yml`), with the same structure as JSON: enums are one-key
    /// maps (`{request: {...}}`), never YAML tags.
    Yaml,
}

impl Format {
    /// The format a file name's extension says (case-insensitive): `.json`, or
    /// `.yaml`/`.yml`; `None` for anything else.
    ///
    /// ```
    /// use k6dsl::plan::Format;
    /// assert_eq!(Format::from_path("plans/checkout.json"), Some(Format::Json));
    /// assert_eq!(Format::from_path("checkout.YML"), Some(Format::Yaml));
    /// assert_eq!(Format::from_path("checkout.toml"), None);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Option<Format> {
        let extension = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    /// The format's name: `JSON` or `YAML`.
    ///
    /// ```
    /// assert_eq!(k6dsl::plan::Format::Yaml.name(), "YAML");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }
}

/// A k6 test as data: the model, readable from and writable to JSON and YAML.
///
/// ```
/// use k6dsl::plan::Plan;
/// use k6dsl::prelude::*;
///
/// let script = Script::new().shortcut(Shortcut::duration(nz!(5), secs(30)));
/// let plan = Plan::from(&script);
/// let json = plan.to_json();
/// assert!(json.contains(r#""duration": "30s""#));
/// let back = Plan::from_json(&json).unwrap();
/// assert_eq!(back, plan);
/// assert_eq!(back.to_javascript().unwrap(), script.to_javascript().unwrap());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Plan {
    /// The model.
    pub script: model::Script,
}

impl From<model::Script> for Plan {
    fn from(script: model::Script) -> Self {
        Plan { script }
    }
}

impl<L> From<&crate::Script<L>> for Plan {
    fn from(script: &crate::Script<L>) -> Self {
        Plan {
            script: script.to_ir().clone(),
        }
    }
}

impl Plan {
    /// Reads a plan in `format`, without validating it (see [`Plan::load`]).
    ///
    /// # Errors
    ///
    /// [`PlanError::Unreadable`] when the text is malformed or does not match the
    /// schema: a wrong type, an unknown or missing field, an unknown enum spelling, a
    /// malformed duration.
    ///
    /// ```
    /// use k6dsl::plan::{Format, Plan};
    /// let plan = Plan::parse("options:\n  execution: default\n", Format::Yaml).unwrap();
    /// assert_eq!(plan, Plan::default());
    /// let error = Plan::parse("options:\n  executon: default\n", Format::Yaml).unwrap_err();
    /// assert!(error.to_string().starts_with("2:13: options.executon: unknown field `executon`"), "{error}");
    /// ```
    pub fn parse(text: &str, format: Format) -> Result<Plan, PlanError> {
        let script = match format {
            Format::Json => read_json(text),
            Format::Yaml => read_yaml(text),
        };
        script.map(Plan::from).map_err(PlanError::Unreadable)
    }

    /// Reads a JSON plan, without validating it.
    ///
    /// # Errors
    ///
    /// As [`Plan::parse`].
    ///
    /// ```
    /// let plan = k6dsl::plan::Plan::from_json(r#"{"base_url": {"env": "HOST", "default": "https://example.com"}}"#).unwrap();
    /// assert_eq!(plan.script.base_url.env, "HOST");
    /// ```
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        Plan::parse(text, Format::Json)
    }

    /// Reads a YAML plan, without validating it.
    ///
    /// # Errors
    ///
    /// As [`Plan::parse`].
    ///
    /// ```
    /// let plan = k6dsl::plan::Plan::from_yaml("base_url:\n  env: HOST\n  default: https://example.com\n").unwrap();
    /// assert_eq!(plan.script.base_url.default, "https://example.com");
    /// ```
    pub fn from_yaml(text: &str) -> Result<Plan, PlanError> {
        Plan::parse(text, Format::Yaml)
    }

    /// Reads a plan and validates it: a plan this returns generates a script.
    ///
    /// # Errors
    ///
    /// [`PlanError::Unreadable`] as [`Plan::parse`]; [`PlanError::Invalid`] with every
    /// problem k6dsl's validation finds, each located in `text` (the first hundred:
    /// past those, each message names its place in the model only).
    ///
    /// ```
    /// use k6dsl::plan::{Format, Plan};
    /// let text = r#"{
    ///   "options": {
    ///     "execution": {
    ///       "scenarios": [
    ///         {
    ///           "name": "buy",
    ///           "executor": {
    ///             "type": "constant-arrival-rate",
    ///             "rate": 10,
    ///             "duration": "1m",
    ///             "pre_allocated_vus": 10,
    ///             "max_vus": 5
    ///           }
    ///         }
    ///       ]
    ///     }
    ///   }
    /// }"#;
    /// let error = Plan::load(text, Format::Json).unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "12:24: options.execution.scenarios[0].executor.max_vus: \
    ///      scenario `buy`: maxVUs (5) is less than preAllocatedVUs (10)"
    /// );
    /// ```
    pub fn load(text: &str, format: Format) -> Result<Plan, PlanError> {
        let plan = Plan::parse(text, format)?;
        match crate::validate::validate(&plan.script) {
            Ok(()) => Ok(plan),
            Err(errors) => {
                let mut located: Vec<(Diagnostic, crate::ValidationError)> = errors
                    .into_iter()
                    .enumerate()
                    .map(|(i, error)| {
                        // Each search reads the text again: past the first hundred
                        // problems, a message's own place has to do, so that a plan
                        // with thousands of problems is still reported at once.
                        let (path, location) = if i < LOCATED_PROBLEMS {
                            let candidates = places::candidates(&plan.script, &error);
                            locate::best(text, format, &candidates)
                        } else {
                            (Vec::new(), None)
                        };
                        let diagnostic = Diagnostic {
                            location,
                            path: shown_path(&path),
                            message: error.to_string(),
                        };
                        (diagnostic, error)
                    })
                    .collect();
                // In file order, as a reader goes through the file; problems with
                // no place in it last. The sort is stable: problems at one place
                // keep validation's order.
                located.sort_by_key(|(diagnostic, _)| {
                    (diagnostic.location.is_none(), diagnostic.location)
                });
                let (diagnostics, errors) = located.into_iter().unzip();
                Err(PlanError::Invalid {
                    diagnostics,
                    errors: Errors::from_vec(errors).expect("validation found problems"),
                })
            }
        }
    }

    /// Validates the plan and generates its k6 script, as [`crate::generate()`].
    ///
    /// # Errors
    ///
    /// Every validation problem, with its place in the model.
    pub fn to_javascript(&self) -> Result<String, Errors> {
        crate::generate(&self.script, crate::Target::JAVASCRIPT)
            .map(|files| files.into_entry().contents)
    }

    /// Validates the plan and generates it as a k6 project tree (`scripts/main.js`,
    /// `scripts/lib/`, `scripts/scenarios/`, `data/`, `results/`, `README.md`), as
    /// [`crate::generate()`].
    ///
    /// # Errors
    ///
    /// Every validation problem, with its place in the model.
    pub fn to_project(&self) -> Result<crate::Files, Errors> {
        crate::generate(&self.script, crate::Target::PROJECT)
    }

    /// The files the plan's script opens, as (path relative to the script,
    /// contents): data rows given in the plan, and copies of the files it names by
    /// path, read now (relative paths from the current directory), as
    /// [`crate::data_files()`].
    ///
    /// # Errors
    ///
    /// A file that cannot be read, naming the data set (or option) and the path.
    ///
    /// ```
    /// use k6dsl::plan::Plan;
    /// let plan = Plan::from_json(r#"{"data": [{"name": "users", "source": {"csv_rows": {
    ///     "file": "data/users.csv", "header": ["name"], "rows": [["ann"], ["bob"]]}}}]}"#).unwrap();
    /// assert_eq!(plan.data_files()?[0].contents, "name\nann\nbob\n");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn data_files(&self) -> Result<Vec<crate::File>, Errors> {
        crate::data_files(&self.script)
    }

    /// The plan as pretty JSON (two-space indents, a final newline), the form
    /// [`Plan::from_json`] reads: a template for tools that write plans.
    /// Non-finite numbers, which validation rejects, are written as `null`.
    ///
    /// ```
    /// let json = k6dsl::plan::Plan::default().to_json();
    /// assert_eq!(json, r#"{
    ///   "options": {
    ///     "execution": "default"
    ///   },
    ///   "base_url": {
    ///     "env": "BASE_URL",
    ///     "default": "http://127.0.0.1:3300"
    ///   }
    /// }
    /// "#);
    /// ```
    pub fn to_json(&self) -> String {
        // The model has only string map keys, the one thing serde_json can fail on.
        let mut text = serde_json::to_string_pretty(&self.script)
            .expect("the model always serialises to JSON");
        text.push('\n');
        text
    }

    /// The plan as YAML, with the structure of [`Plan::to_json`] (enums as one-key
    /// maps), the form [`Plan::from_yaml`] reads.
    ///
    /// ```
    /// let yaml = k6dsl::plan::Plan::default().to_yaml();
    /// assert!(yaml.starts_with("options:\n  execution: default\n"));
    /// ```
    pub fn to_yaml(&self) -> String {
        // Through JSON values, which have no enums: YAML gets plain maps, not tags.
        let value = serde_json::to_value(&self.script).expect("the model always serialises");
        serde_norway::to_string(&value).expect("JSON values always serialise to YAML")
    }

    /// The plan in `format`: [`Plan::to_json`] or [`Plan::to_yaml`].
    pub fn to_text(&self, format: Format) -> String {
        match format {
            Format::Json => self.to_json(),
            Format::Yaml => self.to_yaml(),
        }
    }
}

/// A line and column in a plan's text, both from 1 (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// How many of a plan's problems are located in its text (see [`Plan::load`]).
const LOCATED_PROBLEMS: usize = 100;

/// One problem in a plan: where (line and column, and the field path such as
/// `options.execution.scenarios[0].executor.max_vus`) and what.
///
/// Displays as `LINE:COLUMN: PATH: message`, leaving out what is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where in the text, when known.
    pub location: Option<Location>,
    /// The field path (`flows[1].body[0].request.url`); empty for the whole plan.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.location {
            write!(f, "{location}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a plan was not accepted.
///
/// Displays one [`Diagnostic`] per line; [`PlanError::in_file`] prefixes each with
/// the file's name, as compilers do (`plan.json:12:24: PATH: message`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlanError {
    /// The text is not a plan: malformed JSON or YAML, or a value that does not
    /// match the schema. Reading stops at the first such problem.
    Unreadable(Diagnostic),
    /// A well-formed plan that k6dsl's validation rejects: every problem, in the
    /// order of their places in the file.
    Invalid {
        /// Each problem, located in the text.
        diagnostics: Vec<Diagnostic>,
        /// The same problems as validation reports them, with their places in the
        /// model, in the same order as `diagnostics`.
        errors: Errors,
    },
}

impl PlanError {
    /// The problems, in order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            PlanError::Unreadable(diagnostic) => std::slice::from_ref(diagnostic),
            PlanError::Invalid { diagnostics, .. } => diagnostics,
        }
    }

    /// Displays the problems as `FILE:LINE:COLUMN: PATH: message`, one per line.
    ///
    /// ```
    /// let error = k6dsl::plan::Plan::from_json("{\"flows\": 1}").unwrap_err();
    /// assert_eq!(
    ///     error.in_file("plan.json").to_string(),
    ///     "plan.json:1:11: flows: invalid type: integer `1`, expected a list ([...])"
    /// );
    /// ```
    pub fn in_file<'a>(&'a self, file: &'a str) -> InFile<'a> {
        InFile { error: self, file }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.diagnostics().iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanError {}

/// A [`PlanError`] displayed with its file's name: see [`PlanError::in_file`].
#[derive(Debug, Clone, Copy)]
pub struct InFile<'a> {
    error: &'a PlanError,
    file: &'a str,
}

impl fmt::Display for InFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.error.diagnostics().iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            match diagnostic.location {
                Some(_) => write!(f, "{}:{diagnostic}", self.file)?,
                None => write!(f, "{}: {diagnostic}", self.file)?,
            }
        }
        Ok(())
    }
}

// Reading.

fn read_json(text: &str) -> Result<model::Script, Diagnostic> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let script = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
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
    Ok(script)
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

fn read_yaml(text: &str) -> Result<model::Script, Diagnostic> {
    let deserializer = serde_norway::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, YamlSingletonMaps<model::Script>>(deserializer) {
        Ok(YamlSingletonMaps(script)) => Ok(script),
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
fn shown_path(path: &[Seg]) -> String {
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
fn tracked_path(path: &serde_path_to_error::Path) -> Vec<Seg> {
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
enum Seg {
    /// A field, map key or enum variant.
    Key(String),
    /// An element of a list.
    Index(usize),
}

impl Seg {
    fn key(key: impl Into<String>) -> Seg {
        Seg::Key(key.into())
    }
}

/// `options.execution.scenarios[0].executor`.
fn render_path(path: &[Seg]) -> String {
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

// What was expected, in words: serde names Rust types (`expected u32`, `expected
// enum Kind`), and serde_json says only `expected value` where an enum gets a
// number, a boolean, null or a list.

mod words {
    use serde_json::Value;

    use super::*;

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
        if let Some(name) = message.strip_prefix("data did not match any variant of untagged enum ")
        {
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
        let Err(error) = serde_path_to_error::deserialize::<_, model::Script>(value) else {
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
}

// Locating validation problems: from a problem's place in the model to the path of
// the plan's field it is about, then to that field's line and column in the text.

mod places {
    use super::*;

    /// Paths in the plan that a validation error may be about, most precise first.
    pub(super) fn candidates(
        script: &model::Script,
        error: &crate::ValidationError,
    ) -> Vec<Vec<Seg>> {
        let duplicate = matches!(error.problem, Problem::Duplicate { .. });
        let base = base(script, &error.place, duplicate);
        let mut out = Vec::new();
        let fields = fields(&error.place, &error.problem);
        for field in &fields {
            for prefix in [&["executor"][..], &["params"][..], &[][..]] {
                let mut path = base.clone();
                path.extend(prefix.iter().map(|k| Seg::key(*k)));
                path.extend(field.iter().cloned());
                out.push(path);
            }
        }
        out.push(base);
        out
    }

    /// Which of the things with a name the place names: the first, or for a
    /// duplicate the second (validation reports the repetition).
    fn named<T>(items: &[T], name: impl Fn(&T) -> bool, duplicate: bool) -> Option<usize> {
        let mut found = items.iter().enumerate().filter(|(_, item)| name(item));
        let first = found.next().map(|(i, _)| i);
        if duplicate {
            found.next().map(|(i, _)| i).or(first)
        } else {
            first
        }
    }

    /// The path of the place itself.
    fn base(script: &model::Script, place: &Place, duplicate: bool) -> Vec<Seg> {
        let keys = |keys: &[&str]| keys.iter().map(|k| Seg::key(*k)).collect::<Vec<_>>();
        match place {
            Place::Script => Vec::new(),
            Place::Scenario(name) => match &script.options.execution {
                model::Execution::Scenarios(scenarios) => {
                    match named(scenarios, |s| &s.name == name, duplicate) {
                        Some(i) => {
                            let mut path = keys(&["options", "execution", "scenarios"]);
                            path.push(Seg::Index(i));
                            path
                        }
                        None => keys(&["options", "execution", "scenarios"]),
                    }
                }
                _ => keys(&["options", "execution"]),
            },
            Place::Shortcut => match &script.options.execution {
                model::Execution::Shortcut(shortcut) => {
                    let variant = match shortcut {
                        model::Shortcut::Duration { .. } => "duration",
                        model::Shortcut::Iterations { .. } => "iterations",
                        model::Shortcut::Stages { .. } => "stages",
                    };
                    keys(&["options", "execution", "shortcut", variant])
                }
                _ => keys(&["options", "execution"]),
            },
            Place::Threshold(key) => {
                let mut path = keys(&["options", "thresholds"]);
                if let Some(i) = script
                    .options
                    .thresholds
                    .iter()
                    .position(|t| &t.key() == key)
                {
                    path.push(Seg::Index(i));
                }
                path
            }
            Place::Metric(name) => {
                let mut path = keys(&["metrics"]);
                if let Some(i) = named(&script.metrics, |m| &m.name == name, duplicate) {
                    path.push(Seg::Index(i));
                }
                path
            }
            Place::Flow(name) => function(script, name, duplicate).unwrap_or_default(),
            Place::Option(name) => {
                let mut path = keys(&["options", "general"]);
                path.extend(k6_field(name));
                path
            }
            Place::Code { function: f, path } => code_path(script, f, path, duplicate),
            Place::Data(name) => {
                let mut path = keys(&["data"]);
                if let Some(i) = named(&script.data, |d| &d.name == name, duplicate) {
                    path.push(Seg::Index(i));
                    let variant = match &script.data[i].source {
                        vu::DataSource::JsonRows { .. } => "json_rows",
                        vu::DataSource::JsonFile(_) => "json_file",
                        vu::DataSource::CsvFile(_) => "csv_file",
                        vu::DataSource::CsvRows { .. } => "csv_rows",
                    };
                    path.push(Seg::key("source"));
                    path.push(Seg::key(variant));
                }
                path
            }
        }
    }

    /// A function's object: a flow, the default flow, setup or teardown.
    fn function(script: &model::Script, name: &str, duplicate: bool) -> Option<Vec<Seg>> {
        if let Some(i) = named(&script.flows, |f| f.name == name, duplicate) {
            return Some(vec![Seg::key("flows"), Seg::Index(i)]);
        }
        match name {
            "setup" if script.lifecycle.setup.is_some() => {
                Some(vec![Seg::key("lifecycle"), Seg::key("setup")])
            }
            "teardown" if script.lifecycle.teardown.is_some() => {
                Some(vec![Seg::key("lifecycle"), Seg::key("teardown")])
            }
            _ if script.default_flow.is_some() => Some(vec![Seg::key("default_flow")]),
            _ => None,
        }
    }

    /// A step of VU code, from validation's description of its place
    /// (`flow `shop``, `group `Cart`, request `add``), as far as it can be followed.
    fn code_path(
        script: &model::Script,
        function_text: &str,
        steps: &str,
        duplicate: bool,
    ) -> Vec<Seg> {
        let (mut path, mut block): (Vec<Seg>, Option<&vu::Block>) = match function_text {
            "setup()" => (
                vec![Seg::key("lifecycle"), Seg::key("setup"), Seg::key("body")],
                script.lifecycle.setup.as_ref().map(|s| &s.body),
            ),
            "teardown()" => (
                vec![Seg::key("lifecycle"), Seg::key("teardown")],
                script.lifecycle.teardown.as_ref(),
            ),
            other => {
                let name = quoted(other.strip_prefix("flow ").unwrap_or(other)).unwrap_or(other);
                match script.flows.iter().position(|f| f.name == name) {
                    Some(i) => (
                        vec![Seg::key("flows"), Seg::Index(i), Seg::key("body")],
                        Some(&script.flows[i].body),
                    ),
                    None => match &script.default_flow {
                        Some(flow) => (
                            vec![Seg::key("default_flow"), Seg::key("body")],
                            Some(&flow.body),
                        ),
                        None => return Vec::new(),
                    },
                }
            }
        };
        let mut request: Option<&vu::Request> = None;
        let mut inside_step = false;
        for segment in steps.split(", ").filter(|s| !s.is_empty()) {
            if let Some(r) = request {
                // Inside a request: only its checks are named.
                if let Some(i) = segment
                    .strip_prefix("check ")
                    .and_then(quoted)
                    .and_then(|name| r.checks.iter().position(|c| c.name == name))
                {
                    path.extend([Seg::key("checks"), Seg::Index(i)]);
                }
                break;
            }
            if let Some(name) = segment.strip_prefix("returned key ").and_then(quoted) {
                if let Some(i) = script
                    .lifecycle
                    .setup
                    .as_ref()
                    .and_then(|s| named(&s.returns, |(k, _)| k == name, duplicate))
                {
                    path = vec![
                        Seg::key("lifecycle"),
                        Seg::key("setup"),
                        Seg::key("returns"),
                        Seg::Index(i),
                    ];
                }
                break;
            }
            let Some(steps_here) = block else { break };
            let found = steps_here.iter().enumerate().find_map(|(i, step)| {
                step_matches(step, segment).map(|(inner, next, req)| (i, inner, next, req))
            });
            let Some((i, inner, next, req)) = found else {
                break;
            };
            if inside_step {
                // Into the body of the group (or once-per-VU block) found before.
                path.push(Seg::key("body"));
            }
            path.push(Seg::Index(i));
            path.extend(inner);
            inside_step = next.is_some();
            block = next;
            request = req;
        }
        path
    }

    /// Whether `step` is the one `segment` describes: the path from the step to
    /// its object, the block inside it (its `body`, to follow further), and the
    /// request it is.
    #[allow(clippy::type_complexity)]
    fn step_matches<'s>(
        step: &'s vu::Step,
        segment: &str,
    ) -> Option<(Vec<Seg>, Option<&'s vu::Block>, Option<&'s vu::Request>)> {
        use vu::Step;
        match step {
            Step::Group { name, body }
                if segment.strip_prefix("group ").and_then(quoted) == Some(name) =>
            {
                Some((vec![Seg::key("group")], Some(body), None))
            }
            Step::OncePerVu { body } if segment == "once per VU" => {
                Some((vec![Seg::key("once_per_vu")], Some(body), None))
            }
            Step::Request(r)
                if segment.strip_prefix("request ").and_then(quoted) == Some(r.name.as_str()) =>
            {
                Some((vec![Seg::key("request")], None, Some(r)))
            }
            Step::Batch(requests) => {
                if segment == "batch" {
                    return Some((vec![Seg::key("batch")], None, None));
                }
                let name = segment.strip_prefix("batch request ").and_then(quoted)?;
                let i = requests.iter().position(|r| r.name == name)?;
                Some((
                    vec![Seg::key("batch"), Seg::Index(i)],
                    None,
                    Some(&requests[i]),
                ))
            }
            Step::Sleep(_) if segment == "think time" => {
                Some((vec![Seg::key("sleep")], None, None))
            }
            Step::AddToMetric { metric, .. }
                if segment.strip_prefix("adding to metric ").and_then(quoted) == Some(metric) =>
            {
                Some((vec![Seg::key("add_to_metric")], None, None))
            }
            Step::PickRow { data, .. }
                if segment.strip_prefix("row of ").and_then(quoted) == Some(data) =>
            {
                Some((vec![Seg::key("pick_row"), Seg::key("data")], None, None))
            }
            _ => None,
        }
    }

    /// The text between the first and the last backtick: `` `Cart` `` is `Cart`.
    fn quoted(text: &str) -> Option<&str> {
        text.strip_prefix('`')?.strip_suffix('`')
    }

    /// The fields of the place that a problem is about, as paths relative to it.
    fn fields(place: &Place, problem: &Problem) -> Vec<Vec<Seg>> {
        let field = match problem {
            Problem::NotPositive { field }
            | Problem::TooShort { field, .. }
            | Problem::LessThan { field, .. }
            | Problem::TooLarge { field, .. }
            | Problem::NotFinite { field, .. }
            | Problem::Invalid { field, .. } => *field,
            Problem::NoStages | Problem::NoPositiveTarget { .. } => "stages",
            Problem::NoVus => "preAllocatedVUs",
            Problem::GracefulStopForbidden => "gracefulStop",
            Problem::UnknownExec { .. } => "exec",
            Problem::InvalidName { what, .. } | Problem::Duplicate { what, .. } => match *what {
                "base URL environment variable" => "base_url.env",
                _ => "name",
            },
            Problem::StatNotForKind { .. } | Problem::PercentileOutOfRange { .. } => "stat",
            Problem::UnknownMetric { .. } | Problem::KindMismatch { .. } => match place {
                Place::Threshold(_) => "metric",
                _ => "",
            },
            Problem::DelayWithoutAbort => "delayAbortEval",
            Problem::InvalidTag { key, .. } => {
                return ["tags", "env", "selector"]
                    .into_iter()
                    .map(|map| vec![Seg::key(map), Seg::key(key.clone())])
                    .collect();
            }
            _ => "",
        };
        let field = match field {
            "" => return Vec::new(),
            "stage duration" | "stage target" => "stages",
            "threshold bound" => "bound",
            "base URL" => "base_url.default",
            "summary path" => "lifecycle.summary_json",
            "endpoint selector" | "group selector" | "scenario selector" | "tag selector" => {
                "selector"
            }
            "header" => "headers",
            "cookie" => "cookies",
            "tag" => "tags",
            other => other,
        };
        let mut out = vec![k6_field(field)];
        if let Place::Script = place {
            if field == "scenarios" {
                out = vec![vec![
                    Seg::key("options"),
                    Seg::key("execution"),
                    Seg::key("scenarios"),
                ]];
            }
        }
        out
    }

    /// A field as k6 (or validation's message) names it, as a path of plan keys:
    /// `maxVUs` is `max_vus`, `dns.ttl` is `dns` then `ttl`. Words with spaces are
    /// no field of the plan.
    pub(super) fn k6_field(name: &str) -> Vec<Seg> {
        if name.contains(' ') {
            return Vec::new();
        }
        name.split('.')
            .map(|part| {
                let part = part
                    .replace("VUs", "Vus")
                    .replace("IPs", "Ips")
                    .replace("TLS", "Tls")
                    .replace("VU", "Vu");
                let mut snake = String::new();
                for c in part.chars() {
                    if c.is_ascii_uppercase() {
                        if !snake.is_empty() {
                            snake.push('_');
                        }
                        snake.push(c.to_ascii_lowercase());
                    } else {
                        snake.push(c);
                    }
                }
                Seg::Key(snake)
            })
            .collect()
    }
}

mod locate {
    use super::*;

    /// The first candidate path present in the text, with its location; else the
    /// longest present prefix of the last (least precise) candidate.
    pub(super) fn best(
        text: &str,
        format: Format,
        candidates: &[Vec<Seg>],
    ) -> (Vec<Seg>, Option<Location>) {
        for path in candidates {
            if let Some(location) = find(text, format, path) {
                return (path.clone(), Some(location));
            }
        }
        let Some(last) = candidates.last() else {
            return (Vec::new(), find(text, format, &[]));
        };
        for len in (0..last.len()).rev() {
            if let Some(location) = find(text, format, &last[..len]) {
                return (last[..len].to_vec(), Some(location));
            }
        }
        (Vec::new(), None)
    }

    /// Where the value at `path` starts, if the text has it.
    pub(super) fn find(text: &str, format: Format, path: &[Seg]) -> Option<Location> {
        match format {
            Format::Json => {
                let mut cursor = Json {
                    text: text.as_bytes(),
                    at: 0,
                };
                let offset = cursor.find(path)?;
                Some(location_of(text, offset))
            }
            Format::Yaml => {
                let deserializer = serde_norway::Deserializer::from_str(text);
                match (Probe { path }).deserialize(deserializer) {
                    Err(error) if error.to_string().contains(PROBE_MARK) => {
                        error.location().map(|l| Location {
                            line: l.line(),
                            column: l.column(),
                        })
                    }
                    _ => None,
                }
            }
        }
    }

    fn location_of(text: &str, offset: usize) -> Location {
        let before = &text.as_bytes()[..offset.min(text.len())];
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Location { line, column }
    }

    /// A cursor over JSON text that has already been read successfully.
    struct Json<'t> {
        text: &'t [u8],
        at: usize,
    }

    impl Json<'_> {
        fn peek(&self) -> Option<u8> {
            self.text.get(self.at).copied()
        }

        fn space(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
                self.at += 1;
            }
        }

        fn eat(&mut self, byte: u8) -> Option<()> {
            self.space();
            (self.peek()? == byte).then(|| self.at += 1)
        }

        /// A string, decoded.
        fn string(&mut self) -> Option<String> {
            self.space();
            let start = self.at;
            self.skip_string()?;
            serde_json::from_slice(&self.text[start..self.at]).ok()
        }

        fn skip_string(&mut self) -> Option<()> {
            (self.peek()? == b'"').then_some(())?;
            self.at += 1;
            loop {
                match self.peek()? {
                    b'\\' => self.at += 2,
                    b'"' => {
                        self.at += 1;
                        return Some(());
                    }
                    _ => self.at += 1,
                }
            }
        }

        fn skip_value(&mut self) -> Option<()> {
            self.space();
            match self.peek()? {
                b'"' => self.skip_string(),
                b'{' | b'[' => {
                    let mut depth = 0usize;
                    loop {
                        match self.peek()? {
                            b'"' => {
                                self.skip_string()?;
                                continue;
                            }
                            b'{' | b'[' => depth += 1,
                            b'}' | b']' => {
                                depth = depth.checked_sub(1)?;
                                if depth == 0 {
                                    self.at += 1;
                                    return Some(());
                                }
                            }
                            _ => {}
                        }
                        self.at += 1;
                    }
                }
                _ => {
                    while !matches!(
                        self.peek(),
                        None | Some(b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
                    ) {
                        self.at += 1;
                    }
                    Some(())
                }
            }
        }

        /// The offset where the value at `path` starts.
        fn find(&mut self, path: &[Seg]) -> Option<usize> {
            self.space();
            let Some((first, rest)) = path.split_first() else {
                return Some(self.at);
            };
            match first {
                Seg::Key(wanted) => {
                    self.eat(b'{')?;
                    loop {
                        self.space();
                        if self.peek()? == b'}' {
                            return None;
                        }
                        let key = self.string()?;
                        self.eat(b':')?;
                        if &key == wanted {
                            return self.find(rest);
                        }
                        self.skip_value()?;
                        self.eat(b',')?;
                    }
                }
                Seg::Index(wanted) => {
                    self.eat(b'[')?;
                    let mut index = 0;
                    loop {
                        self.space();
                        if self.peek()? == b']' {
                            return None;
                        }
                        if index == *wanted {
                            return self.find(rest);
                        }
                        self.skip_value()?;
                        self.eat(b',')?;
                        index += 1;
                    }
                }
            }
        }
    }

    /// The message of the error [`Probe`] stops with.
    const PROBE_MARK: &str = "k6dsl: plan probe reached its value";

    /// Walks a YAML document along `path` and stops with an error at the value
    /// there, which the YAML reader marks with its position.
    struct Probe<'p> {
        path: &'p [Seg],
    }

    impl<'de> DeserializeSeed<'de> for Probe<'_> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl Probe<'_> {
        fn here<E: de::Error>(&self) -> Result<(), E> {
            if self.path.is_empty() {
                Err(E::custom(PROBE_MARK))
            } else {
                Ok(())
            }
        }
    }

    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any value")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            self.here()?;
            let Some((Seg::Key(wanted), rest)) = self.path.split_first() else {
                return Ok(());
            };
            while let Some(key) = map.next_key::<YamlKey>()? {
                if key.0.as_deref() == Some(wanted.as_str()) {
                    return map.next_value_seed(Probe { path: rest });
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            self.here()?;
            let Some((Seg::Index(wanted), rest)) = self.path.split_first() else {
                return Ok(());
            };
            for _ in 0..*wanted {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    return Ok(());
                }
            }
            seq.next_element_seed(Probe { path: rest }).map(drop)
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
            self.here()
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
            self.here()
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
            self.here()
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
            self.here()
        }

        fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
            self.here()
        }

        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            self.here()
        }

        fn visit_none<E: de::Error>(self) -> Result<(), E> {
            self.here()
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            self.deserialize(deserializer)
        }

        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
            // A YAML tag: not part of the plan format; stop here.
            let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
            de::VariantAccess::newtype_variant::<IgnoredAny>(variant)?;
            self.here()
        }
    }

    /// A YAML mapping key: a string, or anything else (never a plan field).
    struct YamlKey(Option<String>);

    impl<'de> Deserialize<'de> for YamlKey {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeyVisitor;
            impl<'de> Visitor<'de> for KeyVisitor {
                type Value = YamlKey;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a key")
                }
                fn visit_str<E: de::Error>(self, key: &str) -> Result<YamlKey, E> {
                    Ok(YamlKey(Some(key.to_owned())))
                }
                fn visit_bool<E: de::Error>(self, _: bool) -> Result<YamlKey, E> {
                    Ok(YamlKey(None))
                }
                fn visit_i64<E: de::Error>(self, _: i64) -> Result<YamlKey, E> {
                    Ok(YamlKey(None))
                }
                fn visit_u64<E: de::Error>(self, _: u64) -> Result<YamlKey, E> {
                    Ok(YamlKey(None))
                }
                fn visit_f64<E: de::Error>(self, _: f64) -> Result<YamlKey, E> {
                    Ok(YamlKey(None))
                }
                fn visit_unit<E: de::Error>(self) -> Result<YamlKey, E> {
                    Ok(YamlKey(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YamlKey, A::Error> {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    Ok(YamlKey(None))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YamlKey, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(YamlKey(None))
                }
            }
            deserializer.deserialize_any(KeyVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn every_executor() -> Vec<model::Executor> {
        let stages = vec![model::Stage {
            duration: Duration::from_secs(10),
            target: 5,
        }];
        vec![
            model::Executor::SharedIterations {
                vus: Some(2),
                iterations: Some(10),
                max_duration: Some(Duration::from_secs(60)),
            },
            model::Executor::PerVuIterations {
                vus: None,
                iterations: Some(3),
                max_duration: None,
            },
            model::Executor::ConstantVus {
                vus: Some(3),
                duration: Duration::from_millis(1500),
            },
            model::Executor::RampingVus {
                start_vus: Some(0),
                stages: stages.clone(),
                graceful_ramp_down: Some(Duration::ZERO),
            },
            model::Executor::ConstantArrivalRate {
                rate: 5,
                time_unit: Some(Duration::from_secs(60)),
                duration: Duration::from_secs(30),
                pre_allocated_vus: 2,
                max_vus: Some(6),
            },
            model::Executor::RampingArrivalRate {
                start_rate: Some(1),
                time_unit: None,
                stages,
                pre_allocated_vus: 3,
                max_vus: None,
            },
            model::Executor::ExternallyControlled {
                vus: Some(1),
                max_vus: Some(4),
                duration: Duration::ZERO,
            },
        ]
    }

    #[test]
    fn every_executor_reads_back_with_type_first_or_last() {
        let kinds: Vec<crate::model::executor_serde::Kind> = every_executor()
            .iter()
            .map(crate::model::executor_serde::Kind::of)
            .collect();
        assert_eq!(kinds.len(), 7);
        for executor in every_executor() {
            let scenario = model::Scenario {
                name: "s".into(),
                executor: executor.clone(),
                start_time: None,
                graceful_stop: None,
                exec: None,
                env: Default::default(),
                tags: Default::default(),
            };
            let value = serde_json::to_value(&scenario).unwrap();
            let back: model::Scenario = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(back, scenario);
            // The same object with `type` moved to the end.
            let mut fields = value["executor"].as_object().unwrap().clone();
            let kind = fields.remove("type").unwrap();
            fields.insert("type".into(), kind);
            let mut moved = value.clone();
            moved["executor"] = serde_json::Value::Object(fields);
            let back: model::Scenario = serde_json::from_value(moved).unwrap();
            assert_eq!(back, scenario);
            let yaml = Plan::from_yaml(
                &serde_norway::to_string(&serde_json::json!({
                    "options": {"execution": {"scenarios": [value]}}
                }))
                .unwrap(),
            )
            .unwrap();
            let model::Execution::Scenarios(scenarios) = yaml.script.options.execution else {
                panic!("scenarios expected");
            };
            assert_eq!(scenarios, [scenario]);
        }
    }

    fn scenario_error(executor: serde_json::Value) -> String {
        let plan = serde_json::json!({"options": {"execution": {"scenarios": [
            {"name": "s", "executor": executor}
        ]}}});
        Plan::from_json(&plan.to_string()).unwrap_err().to_string()
    }

    #[test]
    fn executor_errors_name_their_field() {
        let error = scenario_error(
            serde_json::json!({"type": "constant-vus", "vus": -1, "duration": "1m"}),
        );
        assert!(
            error.ends_with("options.execution.scenarios[0].executor.vus: invalid value: integer `-1`, expected a whole number from 0 to 4294967295, e.g. 10"),
            "{error}"
        );
        let error =
            scenario_error(serde_json::json!({"type": "constant-vus", "vu": 1, "duration": "1m"}));
        assert!(
            error.contains("options.execution.scenarios[0].executor.vu: unknown field `vu`, expected `vus` or `duration`"),
            "{error}"
        );
        let error = scenario_error(serde_json::json!({"type": "constant-vu"}));
        assert!(
            error.contains(
                "options.execution.scenarios[0].executor.type: unknown variant `constant-vu`"
            ),
            "{error}"
        );
        let error = scenario_error(serde_json::json!({"vus": 1}));
        assert!(error.ends_with("executor: missing field `type`"), "{error}");
        let error = scenario_error(serde_json::json!({}));
        assert!(error.ends_with("executor: missing field `type`"), "{error}");
        let error = scenario_error(
            serde_json::json!({"vus": "x", "type": "constant-vus", "duration": "1s"}),
        );
        assert!(
            error.ends_with("executor: vus: invalid type: string \"x\", expected a whole number from 0 to 4294967295, e.g. 10"),
            "{error}"
        );
        let error = scenario_error(serde_json::json!({"vus": 1, "type": "constant-vus"}));
        assert!(error.contains("missing field"), "{error}");
        let error = scenario_error(serde_json::json!({"duration": "1s"}));
        assert!(error.ends_with("executor: missing field `type`"), "{error}");
        let error = scenario_error(serde_json::json!({"duration": "1s", "type": "nope"}));
        assert!(
            error.contains("executor: type: unknown variant `nope`"),
            "{error}"
        );
        let error = scenario_error(serde_json::json!(7));
        assert!(error.contains("expected an executor"), "{error}");
    }

    #[test]
    fn k6_field_names_become_plan_keys() {
        let keys = |name| render_path(&places::k6_field(name));
        assert_eq!(keys("maxVUs"), "max_vus");
        assert_eq!(keys("preAllocatedVUs"), "pre_allocated_vus");
        assert_eq!(keys("startVUs"), "start_vus");
        assert_eq!(keys("noVUConnectionReuse"), "no_vu_connection_reuse");
        assert_eq!(keys("insecureSkipTLSVerify"), "insecure_skip_tls_verify");
        assert_eq!(keys("blacklistIPs"), "blacklist_ips");
        assert_eq!(keys("dns.ttl"), "dns.ttl");
        assert_eq!(keys("gracefulRampDown"), "graceful_ramp_down");
        assert_eq!(keys("stage duration"), "");
    }

    #[test]
    fn json_locations_point_at_values() {
        let text =
            "{\n  \"a\": [1, {\"b\\u0022\": \"x\", \"c\": {\"d\": [true]}}],\n  \"e\": null\n}";
        let at = |path: &[Seg]| locate::find(text, Format::Json, path);
        assert_eq!(at(&[]), Some(Location { line: 1, column: 1 }));
        assert_eq!(at(&[Seg::key("a")]), Some(Location { line: 2, column: 8 }));
        assert_eq!(
            at(&[Seg::key("a"), Seg::Index(1), Seg::key("b\"")]),
            Some(Location {
                line: 2,
                column: 24
            })
        );
        assert_eq!(
            at(&[
                Seg::key("a"),
                Seg::Index(1),
                Seg::key("c"),
                Seg::key("d"),
                Seg::Index(0)
            ]),
            Some(Location {
                line: 2,
                column: 41
            })
        );
        assert_eq!(at(&[Seg::key("e")]), Some(Location { line: 3, column: 8 }));
        assert_eq!(at(&[Seg::key("a"), Seg::Index(2)]), None);
        assert_eq!(at(&[Seg::key("f")]), None);
        assert_eq!(at(&[Seg::Index(0)]), None);
    }

    #[test]
    fn yaml_locations_point_at_values() {
        let text = "a:\n  - 1\n  - b: x\n    c: {d: [true]}\ne: null\n7: seven\n";
        let at = |path: &[Seg]| locate::find(text, Format::Yaml, path);
        assert_eq!(
            at(&[Seg::key("a"), Seg::Index(1), Seg::key("b")]),
            Some(Location { line: 3, column: 8 })
        );
        assert_eq!(
            at(&[
                Seg::key("a"),
                Seg::Index(1),
                Seg::key("c"),
                Seg::key("d"),
                Seg::Index(0)
            ]),
            Some(Location {
                line: 4,
                column: 13
            })
        );
        assert_eq!(at(&[Seg::key("e")]), Some(Location { line: 5, column: 4 }));
        assert_eq!(at(&[Seg::key("a"), Seg::Index(2)]), None);
        assert_eq!(at(&[Seg::key("7")]), None);
    }

    #[test]
    fn trailing_text_and_empty_input_are_errors() {
        let error = Plan::from_json("{} {}").unwrap_err();
        assert_eq!(error.to_string(), "1:4: trailing characters");
        let error = Plan::from_json("").unwrap_err();
        assert_eq!(error.to_string(), "1:1: EOF while parsing a value");
        let error = Plan::from_yaml("a: [").unwrap_err();
        assert!(error.to_string().starts_with("1:"), "{error}");
    }

    #[test]
    fn columns_count_characters() {
        let error = Plan::from_json(r#"{"base_url": {"env": "ééé" ]}}"#).unwrap_err();
        assert_eq!(error.to_string(), "1:28: base_url: expected `,` or `}`");
        let error = Plan::from_json(r#"{"base_url": {"env": "ééé", "x": 1}}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("1:34: base_url.x: unknown field `x`"),
            "{error}"
        );
    }
}
