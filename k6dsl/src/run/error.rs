//! Why a run could not happen.

use super::{INSTALL_HINT, K6_VERSION};
use crate::Errors;

/// Why a run could not happen (k6's own verdicts are in [`Verdict`], not here).
///
/// [`Verdict`]: super::Verdict
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// No k6 binary was found; the message says how to install one.
    #[error(
        "k6 is not installed (looked at {searched}). Install k6 {K6_VERSION} into the \
         repository with:\n    {INSTALL_HINT}\nor set K6_BIN to a k6 binary, or put k6 on PATH."
    )]
    K6NotFound {
        /// What was looked at.
        searched: String,
    },
    /// The script did not pass validation.
    // Not `#[from]`: that would also make the problems this error's source, and
    // they are already its whole message (a chain would print them twice).
    #[error("{0}")]
    Invalid(Errors),
    /// A file or process operation failed.
    #[error("{what}: {error}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        #[source]
        error: std::io::Error,
    },
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
