//! `k6dsl::run` end to end: generated scripts run under the real k6 against the demo
//! shop, and what k6 did comes back typed (verdict, thresholds mapped to the ones
//! declared in Rust, metrics, checks by group). Every run but the smoke profile's
//! (about 13 s) takes at most a few seconds.
//!
//! - `results`: what a run gives back, and the errors that stop it before k6 runs;
//! - `process`: how the runner drives k6: timeouts and cancelling interrupt a real
//!   k6, and fake k6 programs that misbehave never make it hang.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use k6dsl::run::{RunResult, Runner};
use k6dsl_suite::tools;

mod process;
mod results;

/// A runner on the k6 the test suite uses, in a scratch directory the test keeps
/// alive.
fn runner(dir: &tempfile::TempDir) -> Runner {
    Runner::new()
        .k6(tools::k6_binary())
        .dir(dir.path())
        .timeout(Duration::from_secs(60))
}

fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("k6dsl-runner-")
        .tempdir()
        .expect("a temporary directory can be created")
}

fn panic_message(result: &RunResult) -> String {
    let panic = catch_unwind(AssertUnwindSafe(|| result.assert_passed()))
        .expect_err("assert_passed panics on a failed run");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .expect("the panic message is text")
}
