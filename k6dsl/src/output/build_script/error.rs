//! Why a build script's generation failed.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::FORCE_ENV;
use crate::output;

/// Why a build script's generation failed. Its `Debug` is its `Display`, so that a
/// build script's `main` returning `Result<(), BuildScriptError>` fails with a
/// readable message.
///
/// ```
/// use k6dsl::output::build_script::BuildScriptError;
/// let error = BuildScriptError::ForceEnv { value: "yes".into() };
/// assert_eq!(format!("{error:?}"), error.to_string());
/// assert!(error.to_string().contains("K6DSL_FORCE is `yes`"));
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum BuildScriptError {
    /// Scripts that did not generate: each path with every problem, with its place.
    #[error(fmt = generate_message)]
    Generate(Vec<(String, crate::Errors)>),
    /// Paths that cannot be watched, each with the reason.
    #[error(fmt = watch_message)]
    Watch(Vec<(PathBuf, &'static str)>),
    /// [`FORCE_ENV`] holds a value that says neither yes nor no.
    #[error(
        "{FORCE_ENV} is `{value}`: set it to 1 to overwrite generated files that were \
         edited by hand, or unset it"
    )]
    ForceEnv {
        /// The value.
        value: String,
    },
    /// The files were not written: refused (edited by hand, not k6dsl's, a bad path)
    /// or the file system failed.
    #[error(fmt = output_message)]
    Output {
        /// Every reason.
        #[source]
        errors: output::WriteErrors,
        /// Whether [`FORCE_ENV`] could have forced the write (no
        /// [`Generator::force`](super::Generator::force) call).
        force_from_env: bool,
    },
    /// Printing cargo's instructions failed.
    #[error("cannot print cargo's instructions: {0}")]
    Print(#[source] io::Error),
}

/// [`BuildScriptError::Generate`]'s message: a line per script, each with its problems.
fn generate_message(
    failures: &[(String, crate::Errors)],
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    for (index, (path, errors)) in failures.iter().enumerate() {
        if index > 0 {
            f.write_str("\n")?;
        }
        write!(f, "k6dsl could not generate `{path}`: {errors}")?;
    }
    Ok(())
}

/// [`BuildScriptError::Watch`]'s message: a list of the paths, each with its reason.
fn watch_message(problems: &[(PathBuf, &'static str)], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("k6dsl cannot watch these paths for cargo:")?;
    for (path, reason) in problems {
        write!(f, "\n  - {}: {reason}", path.display())?;
    }
    Ok(())
}

/// [`BuildScriptError::Output`]'s message: every reason, then how to force the write
/// when forcing would help.
fn output_message(
    errors: &output::WriteErrors,
    force_from_env: &bool,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    write!(f, "k6dsl did not write the generated files: {errors}")?;
    if errors.needs_force() {
        if *force_from_env {
            write!(
                f,
                "\nTo overwrite them and lose those changes, build once with \
                 {FORCE_ENV}=1 (`{FORCE_ENV}=1 cargo build`)."
            )?;
        } else {
            f.write_str(
                "\nTo overwrite them and lose those changes, call \
                 `Generator::force(true)`.",
            )?;
        }
    }
    Ok(())
}

impl fmt::Debug for BuildScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
