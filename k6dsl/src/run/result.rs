//! [`RunResult`]: everything one run produced, and a readable report of it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::summary::{is_check_named, CheckResult, MetricValues, Outcome, ThresholdResult};
use super::Verdict;
use crate::model;

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// How it ended.
    pub verdict: Verdict,
    /// k6's exit code (`None` when it died of a signal).
    pub exit_code: Option<i32>,
    /// The run directory holding every artifact.
    pub dir: PathBuf,
    /// The script k6 ran.
    pub script: PathBuf,
    /// `summary.json` (the `--summary-export`), when k6 wrote one.
    pub summary_path: Option<PathBuf>,
    /// `out.json`, when [`Runner::out_json`](super::Runner::out_json) asked for it.
    pub out_json: Option<PathBuf>,
    /// `out.csv`, when [`Runner::out_csv`](super::Runner::out_csv) asked for it.
    pub out_csv: Option<PathBuf>,
    /// Every threshold: the declared ones in declaration order, then any other the
    /// summary has.
    pub thresholds: Vec<ThresholdResult>,
    /// Every metric in the summary by key (`http_reqs`,
    /// `http_req_duration{endpoint:login}`).
    pub metrics: BTreeMap<String, MetricValues>,
    /// Every check, by group.
    pub checks: Vec<CheckResult>,
    /// What k6 printed on stdout (also in `stdout.log`).
    pub stdout: String,
    /// What k6 printed on stderr (also in `stderr.log`).
    pub stderr: String,
    /// How long k6 ran.
    pub elapsed: Duration,
    /// The raw summary, for anything not typed here.
    pub summary: Option<serde_json::Value>,
}

impl RunResult {
    /// A metric by key.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let requests = result.metric("http_reqs").and_then(|m| m.count()).unwrap_or(0.0);
    /// ```
    pub fn metric(&self, key: &str) -> Option<&MetricValues> {
        self.metrics.get(key)
    }

    /// Passes and fails of the checks directly in one group (`""` for the top
    /// level, `"::Checkout"`), summed.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let (passes, fails) = result.checks_in("::Checkout");
    /// assert!(passes > 0 && fails == 0);
    /// ```
    pub fn checks_in(&self, group: &str) -> (u64, u64) {
        self.checks
            .iter()
            .filter(|c| c.group == group)
            .fold((0, 0), |(p, f), c| (p + c.passes, f + c.fails))
    }

    /// Passes and fails of every check with this name, summed over groups and
    /// over the requests it was given a request's name for (see [`is_check_named`]).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let (passes, fails) = result.check("status is 200");
    /// ```
    pub fn check(&self, name: &str) -> (u64, u64) {
        self.checks
            .iter()
            .filter(|c| is_check_named(&c.name, name))
            .fold((0, 0), |(p, f), c| (p + c.passes, f + c.fails))
    }

    /// The result of the threshold `metric: expression` (`"http_req_duration"`,
    /// `"p(95)<500"`).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// assert!(result.threshold("http_req_failed", "rate<0.01").unwrap().passed());
    /// ```
    pub fn threshold(&self, metric: &str, expression: &str) -> Option<&ThresholdResult> {
        self.thresholds
            .iter()
            .find(|t| t.metric == metric && t.expression == expression)
    }

    /// Whether the run passed with every threshold held and no check failing.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// if !result.is_clean() { eprintln!("{}", result.report()); }
    /// ```
    pub fn is_clean(&self) -> bool {
        self.verdict == Verdict::Passed
            && self.thresholds.iter().all(ThresholdResult::passed)
            && self.checks.iter().all(|c| c.fails == 0)
    }

    /// A readable account of what went wrong: the verdict, a table of failed or
    /// unreported thresholds (metric, expression, observed value vs bound), a table
    /// of failing checks with counts, and the tail of k6's stderr when the verdict is
    /// not about thresholds.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// println!("{}", result.report());
    /// ```
    pub fn report(&self) -> String {
        let mut out = format!(
            "k6 run: {} (exit code {}), artifacts in {}\n",
            self.verdict,
            self.exit_code
                .map_or_else(|| "none".to_string(), |c| c.to_string()),
            self.dir.display()
        );
        let bad: Vec<&ThresholdResult> = self.thresholds.iter().filter(|t| !t.passed()).collect();
        if !bad.is_empty() {
            let rows: Vec<[String; 5]> = bad
                .iter()
                .map(|t| {
                    let bound = t
                        .declared
                        .as_ref()
                        .map(|d| format!("{} {}", d.op.symbol(), model::plain_number(d.bound)))
                        .unwrap_or_else(|| "-".into());
                    [
                        t.metric.clone(),
                        t.expression.clone(),
                        t.observed.map_or_else(|| "-".into(), format_number),
                        bound,
                        match t.outcome {
                            Outcome::Failed => "FAILED".into(),
                            Outcome::NotReported => "not reported".into(),
                            Outcome::NoSamples => {
                                "no samples: the metric received none, so k6 judged nothing".into()
                            }
                            Outcome::Passed => "passed".into(),
                        },
                    ]
                })
                .collect();
            out.push_str("\nthresholds not met (or that judged nothing):\n");
            out.push_str(&table(
                ["metric", "threshold", "observed", "bound", "result"],
                &rows,
            ));
        }
        let failing: Vec<[String; 4]> = self
            .checks
            .iter()
            .filter(|c| c.fails > 0)
            .map(|c| {
                [
                    if c.group.is_empty() {
                        "(top level)".into()
                    } else {
                        c.group.clone()
                    },
                    c.name.clone(),
                    c.passes.to_string(),
                    c.fails.to_string(),
                ]
            })
            .collect();
        if !failing.is_empty() {
            out.push_str("\nfailing checks:\n");
            out.push_str(&table(["group", "check", "passes", "fails"], &failing));
        }
        if !matches!(
            self.verdict,
            Verdict::Passed | Verdict::ThresholdsFailed | Verdict::AbortedByThreshold
        ) {
            let lines: Vec<&str> = self.stderr.lines().collect();
            let tail = &lines[lines.len().saturating_sub(20)..];
            out.push_str("\nk6 stderr (last lines):\n");
            for line in tail {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// Panics unless [`RunResult::is_clean`], with [`RunResult::report`] as the
    /// message: for tests.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// result.assert_passed();
    /// ```
    #[track_caller]
    pub fn assert_passed(&self) {
        if !self.is_clean() {
            panic!("{}", self.report());
        }
    }
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("  | {} |\n", padded.join(" | "))
    };
    let mut out = line(header.to_vec());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&format!("  |-{}-|\n", rule.join("-|-")));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}
