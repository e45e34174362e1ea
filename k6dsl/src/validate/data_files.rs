//! Checks on the files a test opens ([`crate::model::files`]): a file to copy must
//! exist when k6dsl generates, and two places must not write one path.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::problem::{Place, Problem, ValidationError};
use crate::model::files::{list, File, Origin};
use crate::model::Script;

/// Where in the model a file's origin is, for messages.
fn place(origin: &Origin) -> Place {
    match origin {
        Origin::DataSet(name) => Place::Data(name.clone()),
        Origin::Upload(name) => Place::Upload(name.clone()),
        Origin::TlsAuth { .. } => Place::Option("tlsAuth"),
    }
}

/// What validation reports about the files: a copied file that does not exist now,
/// and a `tlsAuth` file that would land on another file (data sets' files are
/// checked with the data sets).
pub(super) fn problems(script: &Script) -> Vec<ValidationError> {
    let mut errors = collisions(script);
    for file in list(script) {
        if let Some(path) = file.source.copied_from() {
            if let Err(reason) = exists(path) {
                errors.push(problem(&file, path, reason));
            }
        }
    }
    errors
}

/// Files written to one path by two places, one of them not a data set (data sets
/// are checked against each other with the data sets).
pub(crate) fn collisions(script: &Script) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut first: BTreeMap<String, Place> = BTreeMap::new();
    for file in list(script) {
        let place = place(&file.origin);
        match first.get(&file.path) {
            Some(other) if *other != place => {
                if !(matches!(place, Place::Data(_)) && matches!(other, Place::Data(_))) {
                    errors.push(ValidationError {
                        place,
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
                first.insert(file.path, place);
            }
        }
    }
    errors
}

/// ``data set `users`: file: `users.csv` does not exist (...)``, ``option
/// `tlsAuth`: tlsAuth: entry 0: cert file `client.pem` does not exist (...)``.
pub(crate) fn problem(file: &File, path: &str, reason: String) -> ValidationError {
    let (field, reason) = match &file.origin {
        Origin::TlsAuth { entry, part } => (
            "tlsAuth",
            format!("entry {entry}: {part} file `{path}` {reason}"),
        ),
        Origin::DataSet(_) | Origin::Upload(_) => ("file", format!("`{path}` {reason}")),
    };
    ValidationError {
        place: place(&file.origin),
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

/// The bytes of the file at `path`; else why not.
pub(crate) fn read_bytes(path: &str) -> Result<Vec<u8>, String> {
    exists(path)?;
    std::fs::read(Path::new(path))
        .map_err(|e| format!("cannot be read ({}): {e}", resolved(path).0.display()))
}

/// The file at `path` as text; else why not.
pub(crate) fn read_text(path: &str) -> Result<String, String> {
    String::from_utf8(read_bytes(path)?).map_err(|e| {
        format!(
            "is not UTF-8 text (byte {} is not), and k6 reads it as text: save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}
