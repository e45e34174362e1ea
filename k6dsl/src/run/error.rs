//! Why a run could not happen.

use std::fmt;

use super::{INSTALL_HINT, K6_VERSION};
use crate::Errors;

/// Why a run could not happen (k6's own verdicts are in [`Verdict`], not here).
///
/// [`Verdict`]: super::Verdict
#[derive(Debug)]
#[non_exhaustive]
pub enum RunError {
    /// No k6 binary was found; the message says how to install one.
    K6NotFound {
        /// What was looked at.
        searched: String,
    },
    /// The script did not pass validation.
    Invalid(Errors),
    /// A file or process operation failed.
    Io {
        /// What was being done.
        what: String,
        /// The error.
        error: std::io::Error,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::K6NotFound { searched } => write!(
                f,
                "k6 is not installed (looked at {searched}). Install k6 {K6_VERSION} into the \
                 repository with:\n    {INSTALL_HINT}\nor set K6_BIN to a k6 binary, or put k6 on PATH."
            ),
            RunError::Invalid(errors) => write!(f, "{errors}"),
            RunError::Io { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<Errors> for RunError {
    fn from(errors: Errors) -> Self {
        RunError::Invalid(errors)
    }
}

pub(super) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> RunError {
    let what = what.into();
    move |error| RunError::Io { what, error }
}
