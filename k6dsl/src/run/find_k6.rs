//! Finding the k6 binary.

use std::path::{Path, PathBuf};

use super::{RunError, REPO_LOCAL_K6};

/// Finds the k6 binary: `explicit` if given, else `$K6_BIN`, else the first
/// executable `k6` on `PATH` (as a shell finds it), else `.tools/k6/bin/k6` in the
/// current directory or the nearest parent that has one.
///
/// An explicit path or `K6_BIN` that names no file is an error (rather than a
/// silent fall-back to another k6). When nothing is found, the error says how to
/// install k6. The path returned is absolute: a relative one (`./k6`, or a
/// relative directory on `PATH`) is taken relative to the current directory, so
/// that it still names the same file when k6 runs in the run directory.
///
/// ```no_run
/// let k6 = k6dsl::run::find_k6(None)?;
/// println!("using {}", k6.display());
/// # Ok::<(), k6dsl::run::RunError>(())
/// ```
pub fn find_k6(explicit: Option<&Path>) -> Result<PathBuf, RunError> {
    let start = std::env::current_dir().map_err(|error| RunError::Io {
        what: "reading the current directory".into(),
        error,
    })?;
    locate_k6(
        explicit,
        std::env::var_os("K6_BIN"),
        std::env::var_os("PATH"),
        &start,
    )
}

/// [`find_k6`] with its inputs given, so that it can be tested without touching
/// the process's environment.
pub(super) fn locate_k6(
    explicit: Option<&Path>,
    k6_bin: Option<std::ffi::OsString>,
    path: Option<std::ffi::OsString>,
    start: &Path,
) -> Result<PathBuf, RunError> {
    // `start` is the current directory: relative paths are resolved against it
    // (joining an absolute path leaves it as it is).
    if let Some(path) = explicit {
        return existing(path, start, "the k6 path given to the runner");
    }
    if let Some(path) = k6_bin.filter(|p| !p.is_empty()) {
        return existing(Path::new(&path), start, "K6_BIN");
    }
    // As a shell finds a command: the first executable `k6` on PATH (`k6.exe` and
    // the like on Windows), relative directories taken against `start`.
    if let Ok(found) = which::which_in("k6", path, start) {
        return Ok(found);
    }
    if let Some(found) = start
        .ancestors()
        .map(|dir| dir.join(REPO_LOCAL_K6))
        .find(|candidate| candidate.is_file())
    {
        return Ok(found);
    }
    Err(RunError::K6NotFound {
        searched: format!(
            "K6_BIN (unset), `k6` on PATH, and {REPO_LOCAL_K6} in {} and its parents",
            start.display()
        ),
    })
}

fn existing(path: &Path, start: &Path, source: &str) -> Result<PathBuf, RunError> {
    let resolved = start.join(path);
    if resolved.is_file() {
        Ok(resolved)
    } else {
        let named = if path.is_absolute() {
            path.display().to_string()
        } else {
            format!("{} ({})", path.display(), resolved.display())
        };
        Err(RunError::K6NotFound {
            searched: format!("{source} names {named}, but no file is there"),
        })
    }
}
