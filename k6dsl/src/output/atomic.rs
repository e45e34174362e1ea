//! Writing one file atomically, and cleaning up after a write that died.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::WriteError;

/// Temporary file names unique within this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The temporary file [`write_atomically`] writes `name` through:
/// `.NAME.k6dsl-PID-N.tmp`. Named here rather than by tempfile on purpose: a later
/// write removes what a write that died left behind, and only a name of this form
/// ([`is_temp_name`]) tells k6dsl's leftovers from anyone else's files.
pub(super) fn temp_name(name: &str) -> String {
    format!(
        ".{name}.k6dsl-{}-{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether `name` is one of [`temp_name`]'s: a temporary file of k6dsl's.
pub(super) fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let Some((_, numbers)) = rest.rsplit_once(".k6dsl-") else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    matches!(numbers.split_once('-'), Some((pid, n)) if digits(pid) && digits(n))
}

/// Removes the temporary files a write that died left in the directories of
/// `paths` (and the root): only names of [`temp_name`]'s form, only regular files.
pub(super) fn remove_leftover_temp_files<'p>(
    root: &Path,
    paths: impl Iterator<Item = &'p str>,
) -> Result<(), WriteError> {
    let mut dirs = std::collections::BTreeSet::new();
    dirs.insert(root.to_owned());
    for path in paths {
        if let Some((dir, _)) = path.rsplit_once('/') {
            dirs.insert(root.join(dir));
        }
    }
    for dir in dirs {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            // Not there (yet), or not a directory: nothing left in it.
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && name.to_str().is_some_and(is_temp_name) {
                let path = entry.path();
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(source) => {
                        return Err(WriteError::Io {
                            action: "remove the leftover temporary file",
                            path,
                            source,
                        })
                    }
                }
            }
        }
    }
    Ok(())
}

/// Writes `root/path` atomically: a temporary file beside it, flushed to disk,
/// renamed over it, and the directory flushed so the rename survives a crash.
pub(super) fn write_atomically(root: &Path, path: &str, contents: &[u8]) -> Result<(), WriteError> {
    let target = root.join(path);
    let dir = target
        .parent()
        .map_or_else(|| root.to_owned(), Path::to_owned);
    fs::create_dir_all(&dir).map_err(|source| WriteError::Io {
        action: "create the directory",
        path: dir.clone(),
        source,
    })?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let temp = dir.join(temp_name(name));
    let io = |action: &'static str, path: &Path| {
        let path = path.to_owned();
        move |source| WriteError::Io {
            action,
            path,
            source,
        }
    };
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(io("create", &temp))?;
        file.write_all(contents).map_err(io("write", &temp))?;
        file.sync_all().map_err(io("flush", &temp))?;
        // Keep the permissions a person gave the file (executable, read-only, ...).
        if let Ok(meta) = fs::metadata(&target) {
            file.set_permissions(meta.permissions())
                .map_err(io("set the permissions of", &temp))?;
        }
        drop(file);
        fs::rename(&temp, &target).map_err(io("rename", &target))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(&dir)
}

/// Flushes a directory's entries to disk (Unix; elsewhere the rename is enough).
fn sync_dir(dir: &Path) -> Result<(), WriteError> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|source| WriteError::Io {
                action: "flush the directory",
                path: dir.to_owned(),
                source,
            })
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// A process dying in the middle of a write, for tests: [`crash::before`] makes
/// the write of one file stop as a kill would, after creating its temporary file
/// and before renaming it, with nothing after it done.
#[cfg(test)]
pub(super) mod crash {
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    use super::{fs, temp_name, WriteError};

    thread_local! {
        static AT: RefCell<Option<(PathBuf, String)>> = const { RefCell::new(None) };
    }

    /// The next write into `root` dies at `path`.
    pub(in crate::output) fn before(root: &Path, path: &str) {
        AT.with(|at| *at.borrow_mut() = Some((root.to_owned(), path.to_owned())));
    }

    /// Whether the write dies here; if so, leaves the half-written temporary file.
    pub(in crate::output) fn due(root: &Path, path: &str) -> bool {
        let due = AT.with(|at| {
            let mut at = at.borrow_mut();
            let due = at.as_ref().is_some_and(|(r, p)| r == root && p == path);
            if due {
                *at = None;
            }
            due
        });
        if due {
            let target = root.join(path);
            let dir = target.parent().unwrap();
            fs::create_dir_all(dir).unwrap();
            let name = path.rsplit('/').next().unwrap();
            fs::write(dir.join(temp_name(name)), "half of it").unwrap();
        }
        due
    }

    pub(in crate::output) fn error(root: &Path) -> WriteError {
        WriteError::Io {
            action: "write (a simulated crash)",
            path: root.to_owned(),
            source: std::io::Error::other("killed"),
        }
    }
}
