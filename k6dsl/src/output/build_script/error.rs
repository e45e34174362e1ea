//! Why a build script's generation failed.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::FORCE_ENV;
use crate::output;

/// Why a build script's generation failed. Its `Debug` is its `Display`, so that a
/// build script's `main` returning `Result<(), Error>` fails with a readable message.
///
/// ```
/// use k6dsl::output::build_script::Error;
/// let error = Error::ForceEnv { value: "yes".into() };
/// assert_eq!(format!("{error:?}"), error.to_string());
/// assert!(error.to_string().contains("K6DSL_FORCE is `yes`"));
/// ```
#[non_exhaustive]
pub enum Error {
    /// Scripts that did not generate: each path with every problem, with its place.
    Generate(Vec<(String, crate::Errors)>),
    /// Paths that cannot be watched, each with the reason.
    Watch(Vec<(PathBuf, &'static str)>),
    /// [`FORCE_ENV`] holds a value that says neither yes nor no.
    ForceEnv {
        /// The value.
        value: String,
    },
    /// The files were not written: refused (edited by hand, not k6dsl's, a bad path)
    /// or the file system failed.
    Output {
        /// Every reason.
        errors: output::Errors,
        /// Whether [`FORCE_ENV`] could have forced the write (no
        /// [`Generator::force`](super::Generator::force) call).
        force_from_env: bool,
    },
    /// Printing cargo's instructions failed.
    Print(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Generate(failures) => {
                for (index, (path, errors)) in failures.iter().enumerate() {
                    if index > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "k6dsl could not generate `{path}`: {errors}")?;
                }
                Ok(())
            }
            Error::Watch(problems) => {
                f.write_str("k6dsl cannot watch these paths for cargo:")?;
                for (path, reason) in problems {
                    write!(f, "\n  - {}: {reason}", path.display())?;
                }
                Ok(())
            }
            Error::ForceEnv { value } => write!(
                f,
                "{FORCE_ENV} is `{value}`: set it to 1 to overwrite generated files that were \
                 edited by hand, or unset it"
            ),
            Error::Output {
                errors,
                force_from_env,
            } => {
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
            Error::Print(error) => write!(f, "cannot print cargo's instructions: {error}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Output { errors, .. } => Some(errors),
            Error::Print(error) => Some(error),
            _ => None,
        }
    }
}
