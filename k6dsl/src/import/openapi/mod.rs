//! Import an OpenAPI 3.0/3.1 document: a plan with one request per operation, and
//! a Rust module with one typed request constructor per operation.
//!
//! ```
//! use k6dsl::import::openapi::{import, ImportOptions};
//! let spec = r#"
//! openapi: 3.0.3
//! info: { title: Shop, version: "1" }
//! servers: [{ url: "http://127.0.0.1:3300" }]
//! paths:
//!   /products/{id}:
//!     get:
//!       operationId: getProduct
//!       parameters: [{ name: id, in: path, required: true, schema: { type: integer }, example: 7 }]
//!       responses: { "200": { description: a product }, "404": { description: none } }
//! "#;
//! let imported = import(spec, &ImportOptions::default())?;
//! let js = k6dsl::generate(&imported.script, k6dsl::Target::JAVASCRIPT).unwrap();
//! assert!(js.script().contains("const ID = __ENV.ID || \"7\";"), "{}", js.script());
//! assert!(js.script().contains("`${BASE_URL}/products/${ID}`"), "{}", js.script());
//! assert!(imported.rust.contains("pub fn get_product(id: impl Into<Value>) -> Request {"));
//! assert_eq!(imported.report.imported, ["getProduct"]);
//! # Ok::<(), k6dsl::import::openapi::ImportError>(())
//! ```
//!
//! What becomes what:
//! - `servers[0].url` (variables at their defaults) → `BASE_URL`'s default;
//! - each operation, in document order → a request named by its `operationId`
//!   (else `METHOD /path`) in one flow;
//! - path, query and header parameters → `__ENV.<NAME>` with the example (or
//!   default, or a value made from the schema) as default in the plan, arguments in
//!   Rust; optional query parameters without an example are left out of the plan;
//! - a JSON or form request body → the example, or a minimal instance of the schema,
//!   in the plan; a `serde::Serialize` struct in Rust;
//! - the security scheme → a secret: bearer (also OAuth 2, OpenID Connect) reads
//!   `<SCHEME>_TOKEN`, basic `<SCHEME>_USER` and `<SCHEME>_PASSWORD`, an API key in a
//!   header `<SCHEME>_KEY`;
//! - responses → the documented statuses as expected statuses, a status check for
//!   the first documented 2xx.
//!
//! External references, callbacks, cookie parameters and bodies neither JSON nor
//! form are errors placed by JSON pointer; [`ImportOptions::skip_unsupported`]
//! leaves such operations out instead and lists them in the [`Report`].

mod document;
mod error;
mod ident;
mod plan;
mod rust;
mod sample;

pub use error::{ImportError, Problem};

use crate::model;
use document::{check_refs, check_version, operations, parse};
use serde_json::Value as Json;

/// What to import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Only these operations (by `operationId`, or `METHOD /path` for one
    /// without), in document order; all when empty.
    pub operations: Vec<String>,
    /// Only operations with one of these tags; all when empty.
    pub tags: Vec<String>,
    /// Leave out operations that use unsupported features (listed in the report)
    /// rather than failing.
    pub skip_unsupported: bool,
}

/// What an import made.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The plan's model: one flow, one request per operation.
    pub script: model::Script,
    /// The Rust module: a request constructor per operation, a type per body.
    pub rust: String,
    /// What was imported and what was left out.
    pub report: Report,
}

/// The import report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The operations imported, in order.
    pub imported: Vec<String>,
    /// Operations left out, each with why.
    pub skipped: Vec<(String, String)>,
    /// Other things to know (a relative server URL, secrets to set).
    pub notes: Vec<String>,
}

/// Reads an OpenAPI 3.0/3.1 document (JSON or YAML) and makes a plan and a Rust
/// module of its operations.
///
/// # Errors
///
/// [`ImportError`]: text that is not JSON/YAML (with line and column), a document
/// that is not OpenAPI 3 (with what it is), unresolved or external `$ref`s and
/// unsupported features (each at its JSON pointer), unknown operation names.
pub fn import(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let doc = parse(text)?;
    check_version(&doc)?;
    let problems = check_refs(&doc);
    if !problems.is_empty() {
        return Err(ImportError::Problems(problems));
    }
    let (found, unsupported) = operations(&doc);
    let wanted = |name: &str, tags: &[String]| {
        (options.operations.is_empty() || options.operations.iter().any(|o| o == name))
            && (options.tags.is_empty() || tags.iter().any(|t| options.tags.contains(t)))
    };
    let mut report = Report::default();
    let mut problems = Vec::new();
    for name in &options.operations {
        let known =
            found.iter().any(|o| &o.name() == name) || unsupported.iter().any(|u| &u.name == name);
        if !known {
            problems.push(Problem {
                at: "/paths".into(),
                message: format!("no operation `{name}`: give an operationId, or `METHOD /path` for an operation without one"),
            });
        }
    }
    for skipped in unsupported {
        // Unsupported operations not asked for by name are no obstacle to a filter.
        if !options.operations.is_empty() && !options.operations.contains(&skipped.name) {
            continue;
        }
        if options.skip_unsupported {
            let why = skipped
                .problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>();
            report.skipped.push((skipped.name, why.join("; ")));
        } else {
            problems.extend(skipped.problems);
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Problems(problems));
    }
    let chosen: Vec<_> = found
        .into_iter()
        .filter(|op| {
            let keep = wanted(&op.name(), &op.tags);
            if !keep {
                report.skipped.push((op.name(), "not selected".into()));
            }
            keep
        })
        .collect();
    if chosen.is_empty() {
        return Err(ImportError::Problems(vec![Problem {
            at: "/paths".into(),
            message: "no operation to import (the document has none, or the filters left none)"
                .into(),
        }]));
    }
    report.imported = chosen.iter().map(document::Operation::name).collect();
    let base_url = base_url(&doc, &mut report);
    let script = plan::script(&doc, &chosen, &base_url);
    if let Err(errors) = script.validate() {
        return Err(ImportError::Problems(vec![Problem {
            at: String::new(),
            message: format!(
                "the imported plan is not valid (a k6dsl bug; please report it): {errors}"
            ),
        }]));
    }
    let title = doc
        .pointer("/info/title")
        .and_then(Json::as_str)
        .unwrap_or("an OpenAPI document");
    let rust = rust::module(&doc, title, &chosen);
    let mut secrets: Vec<String> = Vec::new();
    for op in &chosen {
        for auth in &op.auth {
            let names = match auth {
                document::Auth::Bearer { env } | document::Auth::ApiKeyHeader { env, .. } => {
                    vec![env.clone()]
                }
                document::Auth::Basic { env } => {
                    vec![format!("{env}_USER"), format!("{env}_PASSWORD")]
                }
            };
            for name in names {
                if !secrets.contains(&name) {
                    secrets.push(name);
                }
            }
        }
    }
    if !secrets.is_empty() {
        report.notes.push(format!(
            "secrets read from the environment at run time: {}",
            secrets.join(", ")
        ));
    }
    Ok(Imported {
        script: script.into_ir(),
        rust,
        report,
    })
}

/// `servers[0].url` with its variables at their defaults; a relative URL is put
/// under `http://localhost` (noted in the report).
fn base_url(doc: &Json, report: &mut Report) -> String {
    let Some(server) = doc.pointer("/servers/0") else {
        report
            .notes
            .push("no servers: BASE_URL defaults to http://localhost".into());
        return "http://localhost".into();
    };
    let mut url = server
        .get("url")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(variables) = server.get("variables").and_then(Json::as_object) {
        for (name, variable) in variables {
            let default = variable.get("default").and_then(Json::as_str).unwrap_or("");
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    let url = url.trim_end_matches('/').to_string();
    if url.starts_with("http://") || url.starts_with("https://") {
        url
    } else {
        let absolute = format!(
            "http://localhost{}{url}",
            if url.starts_with('/') || url.is_empty() {
                ""
            } else {
                "/"
            }
        );
        report.notes.push(format!(
            "servers[0] is relative: BASE_URL defaults to {absolute}"
        ));
        absolute
    }
}
