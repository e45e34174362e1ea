//! Baseline comparison (`k6dsl::results::compare`): direction, tolerances, new and
//! missing metrics, endpoints, series of past runs and the JSON formats on
//! hand-built values (`baselines`); then a real k6 `--summary-export` of a run
//! against the demo shop, compared with itself and with a doctored copy
//! (`summary_export`).

use k6dsl::results::compare::Stat;

mod baselines;
mod summary_export;

/// The table row of one statistic of one metric key.
fn row<'t>(table: &'t str, key: &str, stat: Stat) -> &'t str {
    table
        .lines()
        .find(|line| line.contains(&format!("| {key} ")) && line.contains(&format!("| {stat} ")))
        .unwrap_or_else(|| panic!("no row for {key} {stat} in\n{table}"))
}
