//! Generation, composed in one place: model → [`validate`] → [`codegen`] → a typed
//! list of [`File`]s, the script (or project) and everything it opens.
//!
//! Every front end ends here: [`Script::to_javascript`](crate::Script::to_javascript)
//! and its siblings, [`Plan`](crate::plan::Plan)'s `to_*`, the `k6dsl` command, the
//! runner and the build-script generator.
//!
//! ```
//! use k6dsl::prelude::*;
//! use k6dsl::{generate, Target};
//!
//! let users = DataSet::csv_rows("users", ["username"], [["ann"]]);
//! let script = Script::new().data(&users);
//! let files = generate(script.to_ir(), Target::JAVASCRIPT)?;
//! let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
//! assert_eq!(paths, ["main.js", "data/users.csv", "results/.gitkeep"]);
//! assert!(files.script().contains(r#"open("./data/users.csv")"#));
//! # Ok::<(), k6dsl::Errors>(())
//! ```

pub use crate::codegen::File;
use crate::model::files::{list, Source};
use crate::validate::data_files::{collisions, problem, read_bytes, read_text};
use crate::{codegen, model, validate, Errors};

/// The language of the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// An ES module k6 runs as it is (`main.js`).
    JavaScript,
    /// TypeScript typed against `@types/k6`, which k6 also runs as it is (`main.ts`).
    TypeScript,
}

/// How the generated files are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// One script, `main.js` (or `main.ts`), with the files it opens beside it in
    /// `data/`, and an empty `results/` folder (`results/.gitkeep`) for what
    /// `handleSummary` and `--out` write: k6 does not create folders.
    Script,
    /// A k6 project tree (`scripts/main.js`, `scripts/lib/`, `scripts/scenarios/`,
    /// `data/`, `results/`, `README.md`; see [`codegen::project`]).
    Project,
}

/// What to generate: a language and a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// The language.
    pub language: Language,
    /// The layout.
    pub layout: Layout,
}

impl Target {
    /// One JavaScript script and its data files.
    pub const JAVASCRIPT: Target = Target {
        language: Language::JavaScript,
        layout: Layout::Script,
    };
    /// One TypeScript script and its data files.
    pub const TYPESCRIPT: Target = Target {
        language: Language::TypeScript,
        layout: Layout::Script,
    };
    /// A JavaScript project tree.
    pub const PROJECT: Target = Target {
        language: Language::JavaScript,
        layout: Layout::Project,
    };
    /// A TypeScript project tree, with its `tsconfig.json`.
    pub const PROJECT_TS: Target = Target {
        language: Language::TypeScript,
        layout: Layout::Project,
    };

    /// The path of the script k6 runs, relative to the output's root.
    ///
    /// ```
    /// assert_eq!(k6dsl::Target::PROJECT_TS.entry_path(), "scripts/main.ts");
    /// ```
    pub fn entry_path(self) -> &'static str {
        match (self.layout, self.language) {
            (Layout::Script, Language::JavaScript) => "main.js",
            (Layout::Script, Language::TypeScript) => "main.ts",
            (Layout::Project, Language::JavaScript) => "scripts/main.js",
            (Layout::Project, Language::TypeScript) => "scripts/main.ts",
        }
    }
}

/// Every file of a generated test, in a fixed order, the script k6 runs among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    files: Vec<File>,
    entry: usize,
}

impl Files {
    /// The script k6 runs (`main.js`, `scripts/main.ts`, ...).
    pub fn entry(&self) -> &File {
        &self.files[self.entry]
    }

    /// The text of the script k6 runs.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let files = Script::new().generate(k6dsl::Target::JAVASCRIPT)?;
    /// assert!(files.script().contains("export default function"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn script(&self) -> &str {
        self.entry()
            .text()
            .expect("k6dsl writes its scripts as text")
    }

    /// The script k6 runs, by value.
    pub fn into_entry(mut self) -> File {
        self.files.swap_remove(self.entry)
    }

    /// The file at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<&File> {
        self.files.iter().find(|file| file.path == path)
    }

    /// The script k6 runs and, apart, the files it opens, in order: for a caller
    /// that saves the script under a name of its own (the runner's `script.js`, a
    /// build script's `load/smoke.js`).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let (entry, rest) = Script::new().generate(k6dsl::Target::JAVASCRIPT)?.split_entry();
    /// assert_eq!(entry.path, "main.js");
    /// assert_eq!(rest[0].path, "results/.gitkeep");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn split_entry(mut self) -> (File, Vec<File>) {
        let entry = self.files.remove(self.entry);
        (entry, self.files)
    }

    /// The files as (path, contents) pairs, the form
    /// [`OutputDir::write`](crate::output::OutputDir::write) takes.
    pub fn into_pairs(self) -> impl Iterator<Item = (String, Vec<u8>)> {
        self.files
            .into_iter()
            .map(|file| (file.path, file.contents))
    }
}

/// The files, in order, as a slice (never empty: the entry is among them).
impl std::ops::Deref for Files {
    type Target = [File];
    fn deref(&self) -> &[File] {
        &self.files
    }
}

impl IntoIterator for Files {
    type Item = File;
    type IntoIter = std::vec::IntoIter<File>;
    fn into_iter(self) -> Self::IntoIter {
        self.files.into_iter()
    }
}

impl<'a> IntoIterator for &'a Files {
    type Item = &'a File;
    type IntoIter = std::slice::Iter<'a, File>;
    fn into_iter(self) -> Self::IntoIter {
        self.files.iter()
    }
}

/// Checks a model from any front end and generates it for `target`: the script (or
/// project tree) and every file it opens, read now.
///
/// # Errors
///
/// Every validation problem, with its place in the model; or, when validation passed,
/// every data file that cannot be read.
pub fn generate(model: &model::Script, target: Target) -> Result<Files, Errors> {
    validate::validate(model)?;
    generate_valid(model, target)
}

/// [`generate`] for a model already validated (a [`Script`](crate::Script) adds the
/// problems its builders found to validation's).
pub(crate) fn generate_valid(model: &model::Script, target: Target) -> Result<Files, Errors> {
    // Validation checked the paths; what is left is reading the files.
    let data = read_data_files(model, Vec::new())?;
    match target.layout {
        Layout::Script => {
            let mut files = vec![File::new(
                target.entry_path(),
                script(model, target.language),
            )];
            files.extend(data);
            // handleSummary and `--out` write into results/, and k6 creates no folders;
            // the project tree has the same placeholder.
            files.push(File::new(RESULTS_PLACEHOLDER, ""));
            if let Some(dir) = summary_dir(model) {
                files.push(File::new(format!("{dir}/.gitkeep"), ""));
            }
            Ok(Files { files, entry: 0 })
        }
        Layout::Project => {
            let files = match target.language {
                Language::JavaScript => codegen::project(model, data),
                Language::TypeScript => codegen::project_ts(model, data),
            };
            let entry = files
                .iter()
                .position(|file| file.path == target.entry_path())
                .expect("a project tree has its main script");
            Ok(Files { files, entry })
        }
    }
}

/// The empty file that makes the output's `results/` folder exist.
const RESULTS_PLACEHOLDER: &str = "results/.gitkeep";

/// The folder `handleSummary` writes its JSON into, when not `results/` or the root.
fn summary_dir(model: &model::Script) -> Option<String> {
    let path = model.lifecycle.summary_json.as_deref()?;
    let dir = std::path::Path::new(path).parent()?.to_str()?;
    (!dir.is_empty() && dir != "results").then(|| dir.to_owned())
}

/// The one script of a validated model, without the files it opens.
pub(crate) fn script(model: &model::Script, language: Language) -> String {
    match language {
        Language::JavaScript => codegen::javascript(model),
        Language::TypeScript => codegen::typescript(model),
    }
}

/// The files the generated test opens (see [`model::files`]): rows written out,
/// existing files read now from their paths.
///
/// # Errors
///
/// Every file that cannot be read (missing, a directory, unreadable, not UTF-8),
/// with the data set or option that names it.
///
/// ```
/// use k6dsl::prelude::*;
/// let missing = DataSet::json_file("products", "no/such/products.json");
/// let script = Script::new().data(&missing);
/// let errors = k6dsl::data_files(script.to_ir()).unwrap_err();
/// assert!(errors.to_string().contains("data set `products`: file: `no/such/products.json` does not exist"));
/// ```
pub fn data_files(model: &model::Script) -> Result<Vec<File>, Errors> {
    read_data_files(model, collisions(model))
}

/// The files the test opens, read, after `errors` found before reading.
fn read_data_files(
    model: &model::Script,
    mut errors: Vec<crate::ValidationError>,
) -> Result<Vec<File>, Errors> {
    let mut out = Vec::new();
    for file in list(model) {
        match file.source {
            Source::Rows(rows) => {
                out.push(File::new(file.path, rows.contents().unwrap_or_default()))
            }
            Source::Copy(path) => match read_text(path) {
                Ok(text) => out.push(File::new(file.path, text)),
                Err(reason) => errors.push(problem(&file, path, reason)),
            },
            Source::CopyBytes(path) => match read_bytes(path) {
                Ok(bytes) => out.push(File::new(file.path, bytes)),
                Err(reason) => errors.push(problem(&file, path, reason)),
            },
        }
    }
    match Errors::from_vec(errors) {
        Some(errors) => Err(errors),
        None => Ok(out),
    }
}
