//! Plans as data: the model goes to JSON and YAML and comes back equal, generating
//! the same JavaScript; bad plans are reported with line, column and field path; and
//! `k6dsl gen` turns the example plan into a project that k6 accepts.
//!
//! The fixtures in `tests/plans/` (and the golden cases' `plan.json`) are generated
//! from Rust scripts and checked here; after a deliberate change to the model,
//! rewrite them with `K6DSL_UPDATE_PLANS=1 cargo test --test front_ends
//! plans::fixtures` and review the diff.
//!
//! Layout: the plans the tests use (`sample_plans`, `vu_code_plans`); `round_trips`;
//! the files written from them (`fixtures`, with `docs/plan-schema.md`); errors while
//! reading (`reading_errors`) and validating (`validation_errors`), each located;
//! and the command line (`cli_gen`).

use std::path::PathBuf;

use k6dsl::plan::{Format, Plan, PlanError};
use k6dsl_suite::tools;

mod cli_gen;
mod fixtures;
mod reading_errors;
mod round_trips;
mod sample_plans;
mod validation_errors;
mod vu_code_plans;

/// A fixture under `tests/plans/`, by its path there.
fn fixture_path(name: &str) -> PathBuf {
    tools::repo_root().join("tests/plans").join(name)
}

/// The plan's error, as `k6dsl gen` prints it for a file called `plan.json`.
fn error_of(text: &str, format: Format) -> String {
    let error: PlanError = Plan::load(text, format).expect_err("the plan is rejected");
    error.in_file("plan.json").to_string()
}
