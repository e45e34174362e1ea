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
//! `Plan::json_schema` (feature `schema`, which `k6dsl-cli` turns on) is the format
//! as a JSON Schema, for editors: shipped as `docs/plan.schema.json`, which a plan
//! names in a top-level `"$schema"` key that k6dsl ignores.
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

use serde::{Deserialize, Serialize};

use crate::model;
use crate::validate::problem::Errors;

// Reading a plan's text into the model, and the field paths of its errors.
mod read;
// What a reader's error expected, said in words.
mod words;
// From a validation problem's place in the model to the plan's field it is about.
mod places;
// From a field path to its line and column in the plan's text.
mod locate;
// The plan format's JSON Schema (`Plan::json_schema`), for editors.
#[cfg(feature = "schema")]
pub(crate) mod schema;
// A plan's top-level object: the model's fields, and `$schema` for editors.
mod document;
// A JSON plan as one value, the form its model is read from.
#[cfg(test)]
mod tests;
mod value;

use read::{read_json, read_yaml, shown_path};

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
    /// A plan of a model: one that holds raw JavaScript (written in Rust with the
    /// named raw forms) says that it allows it.
    fn from(mut script: model::Script) -> Self {
        script.allow_raw_js |= model::vu::has_raw_js(&script);
        Plan { script }
    }
}

impl<L> From<&crate::Script<L>> for Plan {
    fn from(script: &crate::Script<L>) -> Self {
        Plan::from(script.to_ir().clone())
    }
}

/// Raw JavaScript in a plan that does not allow it: it would run unchecked, so
/// the plan's author must say so.
fn refused_raw_js(script: &model::Script) -> Vec<crate::ValidationError> {
    if script.allow_raw_js || !model::vu::has_raw_js(script) {
        return Vec::new();
    }
    vec![crate::ValidationError {
        place: crate::Place::Script,
        problem: crate::validate::problem::Problem::Invalid {
            field: "allow_raw_js",
            reason: "the plan holds raw JavaScript (a raw_js step, check or import), which runs unchecked: add \"allow_raw_js\": true at its top level if you trust its author".into(),
        },
    }]
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
        // As written: a plan read says itself whether it allows raw JavaScript.
        script
            .map(|script| Plan { script })
            .map_err(PlanError::Unreadable)
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
        let mut problems = refused_raw_js(&plan.script);
        if let Err(errors) = crate::validate::validate(&plan.script) {
            problems.extend(errors);
        }
        match Errors::from_vec(problems) {
            None => Ok(plan),
            Some(errors) => {
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
        self.generate(crate::Target::JAVASCRIPT)
            .map(|files| files.script().to_owned())
    }

    /// Validates the plan (raw JavaScript only where it allows it) and generates
    /// it for `target`.
    fn generate(&self, target: crate::Target) -> Result<crate::Files, Errors> {
        if let Some(errors) = Errors::from_vec(refused_raw_js(&self.script)) {
            return Err(errors);
        }
        crate::generate(&self.script, target)
    }

    /// Validates the plan and generates it as a k6 project tree (`scripts/main.js`,
    /// `scripts/lib/`, `scripts/scenarios/`, `data/`, `results/`, `README.md`), as
    /// [`crate::generate()`].
    ///
    /// # Errors
    ///
    /// Every validation problem, with its place in the model.
    pub fn to_project(&self) -> Result<crate::Files, Errors> {
        self.generate(crate::Target::PROJECT)
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
    /// assert_eq!(plan.data_files()?[0].text(), Some("name\nann\nbob\n"));
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
