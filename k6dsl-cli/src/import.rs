//! `k6dsl import openapi`: an OpenAPI 3 document becomes a plan and a Rust module.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use k6dsl::import::openapi::{import, ImportError, ImportOptions};
use k6dsl::output::OutputDir;
use k6dsl::plan::Plan;

use super::Failure;

pub(crate) const IMPORT_OPENAPI_ABOUT: &str = "\
Read an OpenAPI 3.0 or 3.1 document (JSON or YAML) and write DIR/plan.json (a plan
with one request per operation, in document order) and DIR/api.rs (a Rust module
with one typed request constructor per operation and a serde struct per JSON body).

In the plan, parameters are environment variables (`__ENV.ID`) with the document's
example as default, bodies are the examples (or minimal instances of the schemas),
the security scheme's credential is a secret read at run time (BEARER_AUTH_TOKEN for
a scheme named bearerAuth), and each request expects its documented statuses and
checks the first 2xx. BASE_URL defaults to servers[0].

External $refs, callbacks, cookie parameters and request bodies that are neither
JSON nor form are errors, each at its JSON pointer (--skip-unsupported leaves such
operations out instead); an unresolved $ref is an error. On any error nothing is
written.";

/// What to import.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ImportKind {
    /// Write a plan and a Rust module from an OpenAPI 3 document
    #[command(long_about = IMPORT_OPENAPI_ABOUT)]
    Openapi(OpenApiArgs),
}

/// `k6dsl import openapi`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct OpenApiArgs {
    /// The OpenAPI document: JSON or YAML
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The directory to write plan.json and the Rust module into (created when missing)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Write the plan as plan.yaml instead of plan.json
    #[arg(long, overrides_with = "yaml")]
    pub yaml: bool,
    /// The Rust module's file name, without .rs
    #[arg(long, value_name = "NAME", default_value = "api")]
    pub module: String,
    /// Import only this operation (operationId, or "METHOD /path"); repeatable
    #[arg(long = "operation", value_name = "ID")]
    pub operations: Vec<String>,
    /// Import only operations with this tag; repeatable
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out operations that use unsupported features instead of failing
    #[arg(long, overrides_with = "skip_unsupported")]
    pub skip_unsupported: bool,
    /// Overwrite files in DIR that were edited by hand or not written by k6dsl
    #[arg(short, long, overrides_with = "force")]
    pub force: bool,
}

pub(crate) fn run(kind: &ImportKind, out: &mut impl Write) -> Result<(), Failure> {
    let ImportKind::Openapi(args) = kind;
    let module_ok = !args.module.is_empty()
        && args
            .module
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !args.module.as_bytes()[0].is_ascii_digit();
    if !module_ok {
        return Err(Failure::Usage(format!(
            "--module `{}` is not a Rust module name: use lower-case letters, digits and _",
            args.module
        )));
    }
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::Other(format!("cannot read {file}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::Other(format!(
            "{file} is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let options = ImportOptions {
        operations: args.operations.clone(),
        tags: args.tags.clone(),
        skip_unsupported: args.skip_unsupported,
    };
    let imported =
        import(text, &options).map_err(|error| Failure::Placed(placed(&file, &error)))?;
    let plan = Plan::from(imported.script);
    let (plan_name, plan_text) = if args.yaml {
        ("plan.yaml", plan.to_yaml())
    } else {
        ("plan.json", plan.to_json())
    };
    let report = OutputDir::new(&args.output)
        .force(args.force)
        .write([
            (plan_name.to_string(), plan_text.into_bytes()),
            (format!("{}.rs", args.module), imported.rust.into_bytes()),
        ])
        .map_err(|errors| {
            let hint = if errors.needs_force() {
                "\nk6dsl: pass --force to overwrite them"
            } else {
                ""
            };
            Failure::Other(format!("{errors}{hint}"))
        })?;
    let mut text = String::new();
    let r = &imported.report;
    let _ = writeln!(
        text,
        "imported {} operation{}: {}",
        r.imported.len(),
        if r.imported.len() == 1 { "" } else { "s" },
        r.imported.join(", ")
    );
    for (name, why) in &r.skipped {
        let _ = writeln!(text, "skipped {name}: {why}");
    }
    for note in &r.notes {
        let _ = writeln!(text, "note: {note}");
    }
    let _ = writeln!(text, "{report}");
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Other(format!("cannot write to standard output: {e}")))
}

/// The error with the file's name in front of each place, and a last line saying
/// nothing was written.
fn placed(file: &str, error: &ImportError) -> String {
    let body = match error {
        ImportError::Problems(problems) => problems
            .iter()
            .map(|p| format!("{file}: {p}"))
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("{file}:{other}").replace(&format!("{file}:not"), &format!("{file}: not")),
    };
    let count = match error {
        ImportError::Problems(problems) => problems.len(),
        _ => 1,
    };
    format!(
        "{body}\nk6dsl: {file} has {count} problem{}; nothing was written",
        if count == 1 { "" } else { "s" }
    )
}
