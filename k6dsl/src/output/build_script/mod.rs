//! Generating k6 scripts at build time, from a crate's `build.rs`.
//!
//! A [`Generator`] takes built [`Script`]s, generates them (with their data files)
//! into a directory through [`crate::output`] — atomically, rewriting only
//! files whose contents changed, and refusing to overwrite a file a person edited —
//! and prints what cargo needs to rerun the build script at the right times.
//!
//! ```no_run
//! // build.rs
//! use k6dsl::prelude::*;
//!
//! fn main() -> Result<(), k6dsl::output::build_script::BuildScriptError> {
//!     let smoke = Flow::new("smoke").steps(|f| {
//!         f.request(Request::get("/products").name("products").check(Check::status(200)));
//!     });
//!     let script = Script::new()
//!         .scenario(Scenario::new("smoke", ConstantVus::new().vus(nz!(1)).duration(secs(10))).exec(&smoke))
//!         .threshold(HTTP_REQ_FAILED.rate().lt(0.01));
//!     k6dsl::output::build_script::Generator::new("k6")
//!         .script("smoke.js", &script)
//!         .watch("load/users.csv")
//!         .write()?;
//!     Ok(())
//! }
//! ```
//!
//! What it prints for cargo:
//!
//! - `cargo:rerun-if-changed=` for the build script itself (`build.rs`, or the path
//!   given to [`Generator::build_script`]), for every path given to
//!   [`Generator::watch`], and for every file a script copies into the output
//!   (`DataSet::csv_file`, `json_file`, `tlsAuth` PEM files; relative paths are read
//!   from the package directory, where cargo runs build scripts) unless it lies in
//!   the output directory. Printing any such line turns off cargo's default of
//!   rerunning the build script whenever any file of the package changes, which, with
//!   the output directory inside the package, would regenerate after every build.
//! - never the output directory: a watched path inside it, or a watched directory that
//!   contains it, is an error ([`BuildScriptError::Watch`]), since every write would
//!   trigger the next build.
//! - `cargo:rerun-if-env-changed=K6DSL_FORCE`, so that `K6DSL_FORCE=1 cargo build`
//!   reruns the build script and overwrites hand-edited files ([`FORCE_ENV`]).
//! - a `k6dsl: created|updated|unchanged|forced <path>` line per file (cargo keeps
//!   these in the build script's output, shown by `cargo build -vv`), and a
//!   `cargo:warning=` for each file overwritten by force and each file no longer
//!   generated (left in place).
//!
//! A hand edit of a generated file does not itself rerun the build script (the output
//! directory is no trigger); the next regeneration, after a change to the build script
//! or a watched path, refuses to overwrite it and fails the build, naming the file.
//!
//! A build script's `main` may return `Result<(), BuildScriptError>`: when it fails,
//! Rust prints the error's `Debug`, which for [`BuildScriptError`] is the readable
//! message of its `Display` (every k6dsl problem, with its place), and cargo shows it.

mod error;

#[cfg(test)]
mod tests;

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

pub use error::BuildScriptError;

use crate::output::{Outcome, OutputDir, Report};
use crate::{Files, Script, Target};

/// The environment variable that lets a build overwrite generated files a person
/// edited: `K6DSL_FORCE=1 cargo build`. `1` or `true` force, `0`, `false` or empty do
/// not; any other value is an error. Ignored when [`Generator::force`] is called.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-force-env-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// # std::fs::create_dir_all(&dir).unwrap();
/// # std::fs::write(dir.join("build.rs"), "fn main() {}").unwrap();
/// let generate = || {
///     k6dsl::output::build_script::Generator::new(dir.join("k6"))
///         .build_script(dir.join("build.rs"))
///         .file("smoke.js", "// generated\n")
///         .write_to(&mut std::io::sink())
/// };
/// # std::env::remove_var(k6dsl::output::build_script::FORCE_ENV);
/// generate()?;
/// std::fs::write(dir.join("k6/smoke.js"), "// edited\n").unwrap();
/// assert!(generate().unwrap_err().to_string().contains("K6DSL_FORCE=1 cargo build"));
/// std::env::set_var(k6dsl::output::build_script::FORCE_ENV, "1");
/// generate()?;
/// assert_eq!(std::fs::read_to_string(dir.join("k6/smoke.js")).unwrap(), "// generated\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
/// ```
pub const FORCE_ENV: &str = "K6DSL_FORCE";

/// Generates k6 scripts into a directory from a build script.
///
/// ```
/// use k6dsl::prelude::*;
/// use k6dsl::output::build_script::Generator;
///
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-generator-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// # std::fs::create_dir_all(&dir).unwrap();
/// # std::fs::write(dir.join("build.rs"), "fn main() {}").unwrap();
/// let script = Script::new().default_flow(&Flow::new("smoke").steps(|f| {
///     f.request(Request::get("/health").check(Check::status(200)));
/// }));
/// let mut cargo = Vec::new();
/// let report = Generator::new(dir.join("k6"))
///     .build_script(dir.join("build.rs"))
///     .force(false)
///     .script("smoke.js", &script)
///     .write_to(&mut cargo)?;
/// assert!(report.wrote_anything());
/// let cargo = String::from_utf8(cargo).unwrap();
/// assert!(cargo.contains(&format!("cargo:rerun-if-changed={}\n", dir.join("build.rs").display())));
/// assert!(cargo.contains("k6dsl: created "));
/// assert!(std::fs::read_to_string(dir.join("k6/smoke.js")).unwrap().contains("http.get("));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct Generator {
    out_dir: PathBuf,
    files: Vec<(String, Vec<u8>)>,
    failures: Vec<(String, crate::Errors)>,
    watched: Vec<PathBuf>,
    /// Files the scripts copy (data sets' files, PEM files): watched when cargo can.
    inputs: Vec<PathBuf>,
    build_script: PathBuf,
    force: Option<bool>,
}

impl Generator {
    /// A generator writing into `out_dir`: a path relative to the package (build
    /// scripts run in the package's directory) or absolute, e.g. from `OUT_DIR`.
    ///
    /// ```
    /// let generator = k6dsl::output::build_script::Generator::new("k6");
    /// # let _ = generator;
    /// ```
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        Generator {
            out_dir: out_dir.into(),
            files: Vec::new(),
            failures: Vec::new(),
            watched: Vec::new(),
            inputs: Vec::new(),
            build_script: PathBuf::from("build.rs"),
            force: None,
        }
    }

    /// Generates `script` to `path` (relative to the output directory, `/`-separated),
    /// and the files it opens ([`Script::data_files`]: data rows, and copies of the
    /// files the model names by path) beside it, with the `results/` folder its
    /// summary and `--out` write into (as [`Target::JAVASCRIPT`] lays them out). Relative paths in the model are read
    /// from the current directory, which for a build script is the package directory;
    /// the files copied are watched (`cargo:rerun-if-changed`) unless inside the output
    /// directory. A script that does not generate (a file missing among them) makes
    /// [`write`](Self::write) fail with its problems, after every script was tried.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// use k6dsl::output::build_script::{BuildScriptError, Generator};
    ///
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-script-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # std::fs::write(dir.join("build.rs"), "fn main() {}").unwrap();
    /// let users = DataSet::csv_rows("users", ["username"], [["user1"], ["user2"]]);
    /// let script = Script::new().default_flow(&Flow::new("smoke").steps(|f| {
    ///     let user = f.row(&users, RowSelection::PerVu);
    ///     f.request(Request::get(text!["/users/", user.field("username")]).check(Check::status(200)));
    /// }));
    /// let report = Generator::new(dir.join("k6"))
    ///     .build_script(dir.join("build.rs"))
    ///     .force(false)
    ///     .script("load/smoke.js", &script)
    ///     .write_to(&mut std::io::sink())?;
    /// let paths: Vec<_> = report.files.iter().map(|f| f.path.as_str()).collect();
    /// assert_eq!(paths, ["load/data/users.csv", "load/results/.gitkeep", "load/smoke.js"]);
    ///
    /// // A script with problems fails the build with them.
    /// let browse = Flow::new("browse").steps(|f| {
    ///     f.request(Request::get("/products").name("products"));
    /// });
    /// let bad = Script::new()
    ///     .scenario(Scenario::new("browse", ConstantVus::new().vus(nz!(1)).duration(secs(10))).exec(&browse))
    ///     .threshold(HTTP_REQ_DURATION.tag("endpoint", "nowhere").p(95).lt(500));
    /// let error = Generator::new(dir.join("k6"))
    ///     .build_script(dir.join("build.rs"))
    ///     .script("bad.js", &bad)
    ///     .write_to(&mut std::io::sink())
    ///     .unwrap_err();
    /// assert!(matches!(&error, BuildScriptError::Generate(failures) if failures[0].0 == "bad.js"));
    /// assert!(error.to_string().starts_with("k6dsl could not generate `bad.js`: the k6 test has 1 problem:"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
    /// ```
    pub fn script<L>(mut self, path: impl Into<String>, script: &Script<L>) -> Self {
        let path = path.into();
        match script.generate(Target::JAVASCRIPT).map(Files::split_entry) {
            Ok((javascript, files)) => {
                // What the script opens and writes into is laid out relative to it.
                let dir = path.rfind('/').map_or("", |slash| &path[..=slash]);
                for file in files {
                    self.files
                        .push((format!("{dir}{}", file.path), file.contents));
                }
                self.files.push((path, javascript.contents));
                for file in crate::model::files::list(script.to_ir()) {
                    if let Some(from) = file.source.copied_from() {
                        let from = PathBuf::from(from);
                        if !self.inputs.contains(&from) {
                            self.inputs.push(from);
                        }
                    }
                }
            }
            Err(errors) => self.failures.push((path, errors)),
        }
        self
    }

    /// Writes any other file into the output directory (a README, a k6 config file),
    /// with the same care as scripts.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-file-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # std::fs::write(dir.join("build.rs"), "fn main() {}").unwrap();
    /// k6dsl::output::build_script::Generator::new(dir.join("k6"))
    ///     .build_script(dir.join("build.rs"))
    ///     .force(false)
    ///     .file("README.md", "Generated by build.rs: edit the Rust, not these files.\n")
    ///     .write_to(&mut std::io::sink())?;
    /// assert!(dir.join("k6/README.md").is_file());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
    /// ```
    pub fn file(mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.files.push((path.into(), contents.into()));
        self
    }

    /// Reruns the build script when `path` (a file, or a directory, relative to the
    /// package or absolute) changes: inputs the scripts are made from that are not
    /// Rust code compiled into the build script, such as a CSV of users. Rust modules
    /// the build script includes (`#[path = "src/model.rs"] mod model;`) are tracked by
    /// cargo already.
    ///
    /// The path must exist (cargo reruns the build script on every build when a watched
    /// path is missing) and must neither be inside the output directory nor contain it.
    ///
    /// ```
    /// use k6dsl::output::build_script::{BuildScriptError, Generator};
    ///
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-watch-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # std::fs::write(dir.join("build.rs"), "fn main() {}").unwrap();
    /// std::fs::write(dir.join("users.csv"), "username\nuser1\n").unwrap();
    /// let mut cargo = Vec::new();
    /// Generator::new(dir.join("k6"))
    ///     .build_script(dir.join("build.rs"))
    ///     .force(false)
    ///     .watch(dir.join("users.csv"))
    ///     .write_to(&mut cargo)?;
    /// let cargo = String::from_utf8(cargo).unwrap();
    /// assert!(cargo.contains(&format!("cargo:rerun-if-changed={}\n", dir.join("users.csv").display())));
    ///
    /// // Watching the package directory would watch the output directory in it.
    /// let error = Generator::new(dir.join("k6"))
    ///     .build_script(dir.join("build.rs"))
    ///     .watch(&dir)
    ///     .write_to(&mut std::io::sink())
    ///     .unwrap_err();
    /// assert!(matches!(error, BuildScriptError::Watch(_)));
    /// assert!(error.to_string().contains("contains the output directory"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
    /// ```
    pub fn watch(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        if !self.watched.contains(&path) {
            self.watched.push(path);
        }
        self
    }

    /// The build script's own path, when it is not `build.rs` (cargo's `build` key).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-build-script-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("generate.rs"), "fn main() {}").unwrap();
    /// let mut cargo = Vec::new();
    /// k6dsl::output::build_script::Generator::new(dir.join("k6"))
    ///     .build_script(dir.join("generate.rs"))
    ///     .force(false)
    ///     .write_to(&mut cargo)?;
    /// assert!(String::from_utf8(cargo).unwrap().contains("generate.rs"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
    /// ```
    pub fn build_script(mut self, path: impl Into<PathBuf>) -> Self {
        self.build_script = path.into();
        self
    }

    /// Whether to overwrite generated files a person edited (and files k6dsl did not
    /// generate). Without this call the [`FORCE_ENV`] variable decides.
    ///
    /// ```
    /// use k6dsl::output::build_script::Generator;
    /// use k6dsl::output::Outcome;
    ///
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-gen-force-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # std::fs::write(dir.join("build.rs"), "fn main() {}").unwrap();
    /// let generate = |force: bool| {
    ///     Generator::new(dir.join("k6"))
    ///         .build_script(dir.join("build.rs"))
    ///         .force(force)
    ///         .file("smoke.js", "// generated\n")
    ///         .write_to(&mut std::io::sink())
    /// };
    /// generate(false)?;
    /// std::fs::write(dir.join("k6/smoke.js"), "// edited\n").unwrap();
    /// let error = generate(false).unwrap_err();
    /// assert!(error.to_string().contains("smoke.js was changed by hand"));
    /// assert_eq!(generate(true)?.files[0].outcome, Outcome::Forced);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
    /// ```
    pub fn force(mut self, force: bool) -> Self {
        self.force = Some(force);
        self
    }

    /// Generates and writes everything, printing cargo's instructions and the report to
    /// standard output, where cargo reads them. See [`write_to`](Self::write_to).
    ///
    /// ```no_run
    /// # use k6dsl::prelude::*;
    /// # let script = Script::new();
    /// k6dsl::output::build_script::Generator::new("k6").script("main.js", &script).write()?;
    /// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
    /// ```
    pub fn write(self) -> Result<Report, BuildScriptError> {
        self.write_to(&mut io::stdout().lock())
    }

    /// Generates and writes everything, printing cargo's instructions and the report to
    /// `out`.
    ///
    /// In order: checks the watched paths (an error, before anything is printed);
    /// prints the `cargo:rerun-if-changed` and `cargo:rerun-if-env-changed` lines;
    /// fails with every script's problems if any script did not generate; writes the
    /// files through [`OutputDir`] (nothing at all when a file is refused); prints a
    /// line per file and warnings for forced and stale files.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-write-to-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # std::fs::write(dir.join("build.rs"), "fn main() {}").unwrap();
    /// let generate = || {
    ///     let mut cargo = Vec::new();
    ///     k6dsl::output::build_script::Generator::new(dir.join("k6"))
    ///         .build_script(dir.join("build.rs"))
    ///         .file("smoke.js", "// generated\n")
    ///         .write_to(&mut cargo)
    ///         .map(|_| String::from_utf8(cargo).unwrap())
    /// };
    /// # std::env::remove_var("K6DSL_FORCE");
    /// assert!(generate()?.contains("k6dsl: created "));
    /// let again = generate()?;
    /// assert!(again.contains("k6dsl: unchanged "));
    /// assert!(again.contains("cargo:rerun-if-env-changed=K6DSL_FORCE\n"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::build_script::BuildScriptError>(())
    /// ```
    pub fn write_to(self, out: &mut impl Write) -> Result<Report, BuildScriptError> {
        let mut triggers = Vec::new();
        let mut problems = Vec::new();
        for path in std::iter::once(&self.build_script).chain(&self.watched) {
            match watchable(path, &self.out_dir) {
                Ok(text) => {
                    if !triggers.contains(&text) {
                        triggers.push(text);
                    }
                }
                Err(reason) => problems.push((path.clone(), reason)),
            }
        }
        if !problems.is_empty() {
            return Err(BuildScriptError::Watch(problems));
        }
        // Files the scripts copy: watched where cargo can watch them well (a file
        // inside the output directory is copied, but would retrigger every build).
        for path in &self.inputs {
            if let Ok(text) = watchable(path, &self.out_dir) {
                if !triggers.contains(&text) {
                    triggers.push(text);
                }
            }
        }
        for path in &triggers {
            writeln!(out, "cargo:rerun-if-changed={path}").map_err(BuildScriptError::Print)?;
        }
        let force = match self.force {
            Some(force) => force,
            None => {
                writeln!(out, "cargo:rerun-if-env-changed={FORCE_ENV}")
                    .map_err(BuildScriptError::Print)?;
                force_from_env()?
            }
        };
        if !self.failures.is_empty() {
            return Err(BuildScriptError::Generate(self.failures));
        }

        let report = OutputDir::new(&self.out_dir)
            .force(force)
            .write(self.files)
            .map_err(|errors| BuildScriptError::Output {
                errors,
                force_from_env: self.force.is_none(),
            })?;
        for file in &report.files {
            let path = report.path_of(&file.path);
            writeln!(out, "k6dsl: {} {}", file.outcome, path.display())
                .map_err(BuildScriptError::Print)?;
            if file.outcome == Outcome::Forced {
                writeln!(
                    out,
                    "cargo:warning=k6dsl: overwrote {}, which was changed by hand or not generated by k6dsl",
                    path.display()
                )
                .map_err(BuildScriptError::Print)?;
            }
        }
        for stale in &report.stale {
            writeln!(
                out,
                "cargo:warning=k6dsl: {} is no longer generated; left in place (delete it if it is not needed)",
                report.path_of(stale).display()
            )
            .map_err(BuildScriptError::Print)?;
        }
        Ok(report)
    }
}

/// The text of a `rerun-if-changed` line for `path`, or why cargo cannot watch it well.
fn watchable(path: &Path, out_dir: &Path) -> Result<String, &'static str> {
    let Some(text) = path.to_str() else {
        return Err("is not valid UTF-8, and cargo reads watched paths as text");
    };
    if text.is_empty() {
        return Err("is empty");
    }
    if text.contains(['\n', '\r']) {
        return Err("contains a line break, which would end cargo's instruction");
    }
    if !path.exists() {
        return Err("does not exist, so cargo would rerun the build script on every build");
    }
    let (path, out_dir) = (lexically_absolute(path), lexically_absolute(out_dir));
    if path.starts_with(&out_dir) {
        return Err(
            "is inside the output directory, so every generation would trigger another build",
        );
    }
    if out_dir.starts_with(&path) {
        return Err(
            "contains the output directory, so every generation would trigger another build",
        );
    }
    Ok(text.to_owned())
}

/// `path` made absolute against the current directory, with `.` and `..` resolved
/// without touching the file system (the output directory may not exist yet).
fn lexically_absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_owned())
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// Whether [`FORCE_ENV`] asks to force.
fn force_from_env() -> Result<bool, BuildScriptError> {
    match std::env::var_os(FORCE_ENV) {
        None => Ok(false),
        Some(value) => match value.to_str().map(str::to_ascii_lowercase).as_deref() {
            Some("1" | "true") => Ok(true),
            Some("" | "0" | "false") => Ok(false),
            _ => Err(BuildScriptError::ForceEnv {
                value: value.to_string_lossy().into_owned(),
            }),
        },
    }
}
