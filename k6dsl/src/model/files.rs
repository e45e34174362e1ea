//! The files a generated test opens besides its modules, and where k6dsl gets them.
//!
//! k6 reads data sets and client certificates with `open()` in init code, from a path
//! relative to the module that calls it. So that a script and the files it opens
//! travel together, k6dsl writes every such file into the generated output, under
//! `data/` beside the script (a single script's folder, or a project's root):
//!
//! | the model | the file in the output |
//! | --- | --- |
//! | rows given in the model (`DataSet::json_rows`, `csv_rows`) | the rows' `file`: `data/<name>.json`, `data/<name>.csv` |
//! | an existing file (`DataSet::json_file`, `csv_file`) | `data/<name>.json`, `data/<name>.csv` |
//! | a `tlsAuth` entry's certificate or key given as a file | `data/tls-auth-<entry>-cert.pem`, `data/tls-auth-<entry>-key.pem` |
//!
//! Existing files are copied: their bytes are read when k6dsl generates, from the path
//! the model names. A **relative path is read from the current directory** of the
//! process that generates (absolute paths as they are): where your program or
//! `cargo test` runs; the package's directory for a build script (cargo runs build
//! scripts there); the directory `k6dsl gen` is started in. A file that does not exist
//! then is a validation problem naming the data set (or `tlsAuth` entry) and the path;
//! one that is not UTF-8 text (k6's `open()` reads text) is an error when it is read.
//!
//! Every generator writes the files [`read`] returns: `Script::data_files` and
//! `Plan::data_files` (beside a single script: `k6dsl::run::Runner`,
//! `k6dsl::output::build_script::Generator`, `k6dsl gen`), and the project tree
//! (`Script::to_project`).
//!
//! ```
//! use k6dsl::prelude::*;
//! # let dir = std::env::temp_dir().join(format!("k6dsl-doc-files-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let csv = dir.join("users.csv");
//! std::fs::write(&csv, "username\nann\n").unwrap();
//! let users = DataSet::csv_file("users", csv.to_str().unwrap());
//! let script = Script::new().data(&users);
//! assert!(script.to_javascript()?.contains(r#"open("./data/users.csv")"#));
//! assert_eq!(script.data_files()?, [("data/users.csv".to_owned(), "username\nann\n".to_owned())]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), k6dsl::Errors>(())
//! ```

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::vu::DataSource;
use super::Script;
use crate::model::options::Pem;
use crate::validate::problem::{Error, Errors, Place, Problem};

/// A file the generated test opens.
#[derive(Debug, Clone, PartialEq)]
pub struct File<'a> {
    /// Its path in the output, relative to the script (a project's root):
    /// `data/users.csv`.
    pub path: String,
    /// Where its contents come from.
    pub source: Source<'a>,
    /// What in the model names it: a data set, or the `tlsAuth` option.
    pub place: Place,
    /// What it is there, for messages: `file` (a data set's), `entry 0: cert file`
    /// (a `tlsAuth` entry's certificate).
    pub what: String,
}

/// Where a [`File`]'s contents come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source<'a> {
    /// Rows given in the model, which k6dsl writes out.
    Rows(&'a DataSource),
    /// An existing file, copied from this path (relative to the current directory).
    Copy(&'a str),
}

/// The file a `tlsAuth` entry's certificate (`part` `"cert"`) or key (`"key"`) is
/// copied to when given as a file.
///
/// ```
/// assert_eq!(k6dsl::model::files::tls_auth_file(0, "key"), "data/tls-auth-0-key.pem");
/// ```
pub fn tls_auth_file(entry: usize, part: &str) -> String {
    format!("data/tls-auth-{entry}-{part}.pem")
}

/// Every file the generated test opens, in the model's order: the data sets', then
/// the `tlsAuth` files.
pub fn list(script: &Script) -> Vec<File<'_>> {
    let mut files = Vec::new();
    for data in &script.data {
        let source = match &data.source {
            DataSource::JsonFile(path) | DataSource::CsvFile(path) => Source::Copy(path),
            rows => Source::Rows(rows),
        };
        let file = File {
            path: data.script_file(),
            source,
            place: Place::Data(data.name.clone()),
            what: "file".into(),
        };
        if !files.contains(&file) {
            files.push(file);
        }
    }
    for (entry, auth) in script.options.general.tls_auth.iter().enumerate() {
        for (part, pem) in [("cert", &auth.cert), ("key", &auth.key)] {
            if let Pem::File(path) = pem {
                files.push(File {
                    path: tls_auth_file(entry, part),
                    source: Source::Copy(path),
                    place: Place::Option("tlsAuth"),
                    what: format!("entry {entry}: {part} file"),
                });
            }
        }
    }
    files
}

/// The files the generated test opens, as (path relative to the script, contents):
/// rows written out, existing files read now from their paths.
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
/// let errors = k6dsl::model::files::read(script.to_ir()).unwrap_err();
/// assert!(errors.to_string().contains("data set `products`: file: `no/such/products.json` does not exist"));
/// ```
pub fn read(script: &Script) -> Result<Vec<(String, String)>, Errors> {
    let mut out = Vec::new();
    let mut errors = collisions(script);
    for file in list(script) {
        match file.source {
            Source::Rows(rows) => out.push((file.path, rows.contents().unwrap_or_default())),
            Source::Copy(path) => match read_text(path) {
                Ok(text) => out.push((file.path, text)),
                Err(reason) => errors.push(problem(&file, path, reason)),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Errors(errors))
    }
}

/// What validation reports about the files: a copied file that does not exist now,
/// and a `tlsAuth` file that would land on another file (data sets' files are
/// checked with the data sets).
pub(crate) fn problems(script: &Script) -> Vec<Error> {
    let mut errors = collisions(script);
    for file in list(script) {
        if let Source::Copy(path) = file.source {
            if let Err(reason) = exists(path) {
                errors.push(problem(&file, path, reason));
            }
        }
    }
    errors
}

/// Files written to one path by two places, one of them not a data set.
fn collisions(script: &Script) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut first: BTreeMap<String, Place> = BTreeMap::new();
    for file in list(script) {
        match first.get(&file.path) {
            Some(other) if *other != file.place => {
                if matches!(file.place, Place::Option(_)) || matches!(other, Place::Option(_)) {
                    errors.push(Error {
                        place: file.place.clone(),
                        problem: Problem::Invalid {
                            field: "file",
                            reason: format!(
                                "`{}` is also the file of {other}: rename one of them",
                                file.path
                            ),
                        },
                    });
                }
            }
            Some(_) => {}
            None => {
                first.insert(file.path, file.place);
            }
        }
    }
    errors
}

/// ``data set `users`: file: `users.csv` does not exist (...)``, ``option
/// `tlsAuth`: tlsAuth: entry 0: cert file `client.pem` does not exist (...)``.
fn problem(file: &File, path: &str, reason: String) -> Error {
    let (field, reason) = match file.place {
        Place::Option(name) => (name, format!("{} `{path}` {reason}", file.what)),
        _ => ("file", format!("`{path}` {reason}")),
    };
    Error {
        place: file.place.clone(),
        problem: Problem::Invalid { field, reason },
    }
}

/// Where a relative path is read from, for messages.
fn resolved(path: &str) -> (PathBuf, String) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let full = cwd.join(path);
    let hint = format!(
        "(looked for {}): relative paths are read from the current directory ({}) when \
         k6dsl generates; fix the path, or create the file",
        full.display(),
        cwd.display()
    );
    (full, hint)
}

/// Whether `path` is a file now; else why not, as the end of a sentence.
fn exists(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("is empty: name the file to copy".into());
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(format!("is a directory {}", resolved(path).1)),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            Err(format!("does not exist {}", resolved(path).1))
        }
        Err(e) => Err(format!("cannot be read: {e}")),
    }
}

/// The file at `path` as text; else why not.
fn read_text(path: &str) -> Result<String, String> {
    exists(path)?;
    let bytes = std::fs::read(Path::new(path))
        .map_err(|e| format!("cannot be read ({}): {e}", resolved(path).0.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "is not UTF-8 text (byte {} is not), and k6 reads it as text: save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}
