//! Checks what the types cannot: one pass over the model that collects every
//! problem with its place. It never panics and never stops at the first error.
//!
//! It also rejects what k6 accepts but then crashes on or silently ignores (an empty
//! tag key, `teardownTimeout` of zero, an out-of-range percentile, arrival-rate
//! scenarios with no VUs), so that a generated script either runs or is not generated.

use std::collections::BTreeMap;
use std::time::Duration;

use k6dsl_facts::metric::PERCENTILES;

use crate::model::{self, Script};
use crate::validate::problem::{Errors, Place, Problem, ValidationError};

pub(crate) mod data_files;
mod durations;
mod execution;
mod names;
mod options;
pub mod problem;
mod split;
#[cfg(test)]
mod tests;
mod thresholds;
mod vu_code;

pub use split::{check_split, InstanceShare, ScenarioShare, SetupRuns, SplitCheck};

// k6's name rules, from k6dsl-facts (public here since before it existed).
pub use k6dsl_facts::executor::is_valid_scenario_name;
pub use k6dsl_facts::metric::is_valid_metric_name;
// Code generation still reads the module's names from here.
#[doc(hidden)]
pub use k6dsl_facts::names::MODULE_NAMES;

/// JavaScript numbers above this lose integer precision.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
const ONE_SECOND: Duration = Duration::from_secs(1);

/// Validates a whole model.
pub fn validate(script: &Script) -> Result<(), Errors> {
    let mut v = Validator::default();
    v.metrics(script);
    v.flows(script);
    match &script.options.execution {
        model::Execution::Default => {}
        model::Execution::Shortcut(shortcut) => v.shortcut(shortcut),
        model::Execution::Scenarios(scenarios) => v.scenarios(scenarios, script),
    }
    v.thresholds(script);
    v.general(&script.options.general);
    v.durations(script);
    v.code(script);
    v.errors.extend(data_files::problems(script));
    v.case_collisions(script);
    match Errors::from_vec(v.errors) {
        Some(errors) => Err(errors),
        None => Ok(()),
    }
}

#[derive(Default)]
struct Validator {
    errors: Vec<ValidationError>,
    /// Declared metrics and data sets by name, for the checks on code.
    declared: vu_code::Declared,
}

impl Validator {
    fn push(&mut self, place: Place, problem: Problem) {
        self.errors.push(ValidationError { place, problem });
    }

    fn positive(&mut self, place: Place, field: &'static str, value: u64) {
        if value == 0 {
            self.push(place, Problem::NotPositive { field });
        }
    }

    fn safe_integer(&mut self, place: Place, field: &'static str, value: u64) {
        if value > MAX_SAFE_INTEGER {
            self.push(
                place,
                Problem::TooLarge {
                    field,
                    value,
                    max: MAX_SAFE_INTEGER,
                },
            );
        }
    }

    fn tags(&mut self, place: Place, tags: &BTreeMap<String, String>) {
        for key in tags.keys() {
            if key.is_empty() {
                self.push(
                    place.clone(),
                    Problem::InvalidTag {
                        key: key.clone(),
                        value: tags[key].clone(),
                        reason: "tag names must not be empty (k6 crashes on an empty tag name)",
                    },
                );
            }
        }
    }

    fn percentile(&mut self, place: Place, p: f64) {
        if !PERCENTILES.contains(&p) {
            self.push(place, Problem::PercentileOutOfRange { value: p });
        }
    }
}

/// The names a message offers: all of them when few, else the first
/// [`LISTED_NAMES`] and how many more (every message listing every name of a
/// large model made the errors quadratic in its size).
fn some_of<'a>(names: impl Iterator<Item = &'a str>, count: usize) -> String {
    let mut listed: Vec<&str> = names.take(LISTED_NAMES).collect();
    if count > LISTED_NAMES {
        listed.push("...");
        let listed = listed.join(", ");
        return format!("{listed} ({} more)", count - LISTED_NAMES);
    }
    listed.join(", ")
}

/// How many known names an error message lists at most.
const LISTED_NAMES: usize = 10;

/// `` (did you mean `endpoint`?)`` when one of `candidates` is a likely typo of
/// `word` (at most one edit per three letters, a swap of neighbours counting
/// once, case ignored), else nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}
