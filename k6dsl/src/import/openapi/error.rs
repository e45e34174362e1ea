//! What can go wrong reading an OpenAPI document, each placed in the document.

use std::fmt;

/// Why an OpenAPI document could not be imported. Nothing is produced on error.
///
/// ```
/// use k6dsl::import::openapi::{import, ImportOptions, ImportError};
/// let error = import(r#"{"swagger": "2.0"}"#, &ImportOptions::default()).unwrap_err();
/// assert!(matches!(error, ImportError::NotOpenApi3 { .. }));
/// assert!(error.to_string().contains("Swagger 2.0"), "{error}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The text is not well-formed JSON or YAML.
    #[error("{line}:{column}: not valid {format}: {message}")]
    Syntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// Well-formed, but not an OpenAPI 3 document.
    #[error("not an OpenAPI 3 document: found {found}; {fix}")]
    NotOpenApi3 {
        /// What the document declares (`Swagger 2.0`, `openapi: "4.0"`, nothing).
        found: String,
        /// How to fix it.
        fix: String,
    },
    /// Problems at places in the document (unresolved references, unsupported
    /// features, invalid parts), every one at once.
    #[error("{}", Problems(.0))]
    Problems(Vec<Problem>),
}

/// One problem at a place in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The JSON pointer of the place (`/paths/~1products/get/callbacks`).
    pub at: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", display_pointer(&self.at), self.message)
    }
}

struct Problems<'a>(&'a [Problem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// The document root's pointer is empty; say `#` for it, as a `$ref` would.
fn display_pointer(pointer: &str) -> String {
    format!("#{pointer}")
}

/// Escapes one JSON pointer token (`/products/{id}` → `~1products~1{id}`).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
