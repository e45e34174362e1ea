//! Why the manifests, or setup run once, could not be made.

use crate::run::RunError;
use crate::Errors;

/// Why [`K8s::generate`](super::K8s::generate) or [`LocalK6`](super::LocalK6)
/// failed: each message says what, where and how to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum K8sError {
    /// A name that Kubernetes would refuse.
    #[error("{option} `{}`: {reason}", name.escape_debug())]
    InvalidName {
        /// The option that gave it (`--name`, `namespace`).
        option: &'static str,
        /// The name as given.
        name: String,
        /// What is wrong, and what a valid name looks like.
        reason: String,
    },
    /// `parallelism` of 0, or above what the CRD's int32 holds.
    #[error(
        "parallelism {0}: the TestRun needs at least 1 runner (and at most {max})",
        max = i32::MAX
    )]
    Parallelism(u64),
    /// The test does not validate or generate, or breaks when split (every
    /// problem placed in the model).
    #[error("{0}")]
    Invalid(Errors),
    /// A setting that cannot be honoured.
    #[error("{0}")]
    Unsupported(String),
    /// k6 is missing or failed (`k6 archive`, setup run once).
    #[error("{0}")]
    K6(String),
    /// k6 could not be found or started.
    #[error("{0}")]
    Run(#[from] RunError),
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

impl From<Errors> for K8sError {
    fn from(errors: Errors) -> Self {
        K8sError::Invalid(errors)
    }
}

pub(super) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> K8sError {
    let what = what.into();
    move |error| K8sError::Io { what, error }
}
