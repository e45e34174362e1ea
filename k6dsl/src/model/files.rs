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
//! | a file multipart bodies send (`UploadFile`) | `data/<name>.<extension>`, opened with `open(path, "b")` |
//!
//! Existing files are copied: their bytes are read when k6dsl generates, from the path
//! the model names. A **relative path is read from the current directory** of the
//! process that generates (absolute paths as they are): where your program or
//! `cargo test` runs; the package's directory for a build script (cargo runs build
//! scripts there); the directory `k6dsl gen` is started in. A file that does not exist
//! then is a validation problem naming the data set (or `tlsAuth` entry) and the path;
//! one that is not UTF-8 text (k6's `open()` reads text) is an error when it is read,
//! except an upload's, which k6 opens as bytes and k6dsl copies as they are.
//!
//! [`list`] says which files there are; validation checks that the copied ones
//! exist, and generation ([`crate::generate()`]) reads them into its list of files,
//! which every writer writes: `k6dsl::run::Runner`, `k6dsl::output::build_script`,
//! `k6dsl gen`, a project tree.
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
//! assert_eq!(script.data_files()?, [k6dsl::File::new("data/users.csv", "username\nann\n")]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), k6dsl::Errors>(())
//! ```

use super::options::Pem;
use super::vu::DataSource;
use super::Script;

/// A file the generated test opens.
#[derive(Debug, Clone, PartialEq)]
pub struct File<'a> {
    /// Its path in the output, relative to the script (a project's root):
    /// `data/users.csv`.
    pub path: String,
    /// Where its contents come from.
    pub source: Source<'a>,
    /// What in the model names it.
    pub origin: Origin,
}

/// What in the model names a [`File`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A data set, by name.
    DataSet(String),
    /// A file multipart bodies send, by name.
    Upload(String),
    /// A `tlsAuth` entry's certificate (`part` `"cert"`) or key (`"key"`).
    TlsAuth {
        /// The entry's index in `tlsAuth`.
        entry: usize,
        /// `"cert"` or `"key"`.
        part: &'static str,
    },
}

/// Where a [`File`]'s contents come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source<'a> {
    /// Rows given in the model, which k6dsl writes out.
    Rows(&'a DataSource),
    /// An existing text file, copied from this path (relative to the current
    /// directory).
    Copy(&'a str),
    /// An existing file of any bytes (an upload's), copied from this path.
    CopyBytes(&'a str),
}

impl<'a> Source<'a> {
    /// The path an existing file is copied from.
    pub fn copied_from(&self) -> Option<&'a str> {
        match *self {
            Source::Copy(path) | Source::CopyBytes(path) => Some(path),
            Source::Rows(_) => None,
        }
    }
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

/// Every file the generated test opens, in the model's order: the data sets', the
/// uploads', then the `tlsAuth` files.
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
            origin: Origin::DataSet(data.name.clone()),
        };
        if !files.contains(&file) {
            files.push(file);
        }
    }
    for upload in &script.uploads {
        let file = File {
            path: upload.script_file(),
            source: Source::CopyBytes(&upload.path),
            origin: Origin::Upload(upload.name.clone()),
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
                    origin: Origin::TlsAuth { entry, part },
                });
            }
        }
    }
    files
}
