//! Randomly generated valid models are all accepted by k6, which reads back what the
//! model says.
//!
//! The strategies make plain-data plans (shown, shrunk, when a case fails); `check`
//! turns a plan into a [`Script`] through the public builders only, as the matrix
//! of the other modules does: 1 to 4 scenarios of every executor with each optional
//! field present or absent, or a shortcut, or neither; scenario fields with awkward
//! strings; custom and built-in metrics with thresholds of every statistic and
//! operator, tag, scenario and group selectors, `abortOnFail` and `delayAbortEval`;
//! and general options. Every plan keeps k6dsl's rules by construction, so
//! `to_javascript()` failing fails the test too. Each case runs k6 once: 64 cases by
//! default, `PROPTEST_CASES` to change.
//!
//! Layout: strategies for `text`, `numbers`, `load` (executors, flows, scenarios,
//! shortcuts), `metrics` (and thresholds) and general `options`; the whole case
//! (here); and `build`, which turns a case into a script and has k6 read it.

use super::*;

use std::num::{NonZeroU32, NonZeroU64};
use std::ops::RangeInclusive;

use k6dsl::codegen::is_identifier;
use k6dsl::metric::kind::Kind;
use k6dsl::metric::{Metric, PendingThreshold, Threshold};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};

mod build;
mod load;
mod metrics;
mod numbers;
mod options;
mod text;

use build::*;
use load::*;
use metrics::*;
use numbers::*;
use options::*;
use text::*;
// The strategy, which shadows the parent's `vus` (a count as k6 prints it), as it
// did when this was one file.
use numbers::vus;

/// Integers JavaScript holds exactly (k6dsl rejects larger counts and rates).
const MAX_SAFE: u64 = (1 << 53) - 1;
/// The longest duration Go (and so k6) can hold, in nanoseconds.
const MAX_GO_NANOS: u64 = i64::MAX as u64;

/// Flow names that collide with what the module imports or relies on
/// (`export function Counter() {}` beside `import { Counter }` throws in init):
/// k6dsl rejects them (`tests/validate/validation_vs_k6/`), so valid models never
/// have them.
use k6dsl::validate::MODULE_NAMES;

#[derive(Debug, Clone)]
struct Case {
    flows: Vec<FlowPlan>,
    load: LoadPlan,
    metrics: Vec<MetricPlan>,
    thresholds: Vec<ThresholdPlan>,
    options: Option<GeneralOptions>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(flow(), 1..=3),
        load(),
        prop::collection::vec(metric(), 0..=4),
        prop::collection::vec(threshold(), 0..=8),
        prop::option::of(general_options()),
    )
        .prop_map(|(mut flows, load, mut metrics, thresholds, options)| {
            // One flow and one metric per name.
            let mut seen = BTreeSet::new();
            flows.retain(|flow| seen.insert(flow.name.clone()));
            let mut seen = BTreeSet::new();
            metrics.retain(|metric| seen.insert(metric.name.clone()));
            Case {
                flows,
                load,
                metrics,
                thresholds,
                options,
            }
        })
}

#[test]
fn random_valid_models_are_accepted_and_read_back() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    let config = Config {
        cases,
        // Nothing is written into the repository.
        failure_persistence: None,
        // Each shrinking step runs k6 too.
        max_shrink_iters: 1_000,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&case(), |case| {
            check(&case);
            Ok(())
        })
        .unwrap();
}
