//! What comes back from a run: the streaming analysis of k6's `--out json`
//! (`stream`), the HTML, JUnit and Markdown reports (`report`), baselines and their
//! comparison (`compare`), exact merged results of several k6 instances (`merge`),
//! and results that must not mislead (`results_silent`).
//!
//! One of the integration-test binaries, one per pipeline area (each links the
//! whole library once); run it alone with `cargo test --test results`.

mod compare;
mod merge;
mod report;
mod results_silent;
mod stream;
