//! What a merge produced: [`MergedRun`] (a [`RunResult`] the reports read as
//! they read a single run's, plus the instances, what is approximate and the
//! warnings) and [`InstanceSummary`].

use std::path::{Path, PathBuf};

use super::MergeInput;
use crate::results::report::{Report, ReportFiles, Timeline};
use crate::run::{RunResult, Verdict};

/// The merged result of N instances' `--out json` files.
///
/// ```no_run
/// use k6dsl::results::merge::{merge, MergeInput, MergeOptions};
///
/// let inputs = [MergeInput::new("run/instance-1/out.json"), MergeInput::new("run/instance-2/out.json")];
/// let merged = merge(&inputs, &MergeOptions::default())?;
/// merged.report().write_to("run/merged")?;
/// std::process::exit(merged.exit_code());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MergedRun {
    /// The merged run as a [`RunResult`]: its verdict, every threshold judged on
    /// the merged data (declared ones first, in declaration order), every metric
    /// and sub-metric's values as k6's summary has them, and the checks by group.
    /// `dir` is the run directory (see [`super::MergeOptions::dir`]), `elapsed` the
    /// test's duration, and `stdout`/`stderr` are empty.
    pub result: RunResult,
    /// One per input, in input order.
    pub instances: Vec<InstanceSummary>,
    /// Statistics that are not k6's exactly, and why.
    pub approximate: Vec<Approximation>,
    /// What was odd but did not stop the merge (skipped lines, a cut last line,
    /// thresholds the files name but do not state), each naming its input.
    pub warnings: Vec<String>,
    /// Requests, latency and VUs per second over all instances, for the HTML report
    /// (`None` when [`super::MergeOptions::timeline`] is off).
    pub timeline: Option<Timeline>,
    /// Trend samples held over all series (a sample counts once per series it is
    /// in), and the limit beyond which percentiles come from the sketch.
    pub trend_samples: u64,
    /// The limit in force ([`super::MergeOptions::sample_limit`]).
    pub sample_limit: u64,
}

/// A statistic that is not exactly k6's, and by how much it may be off.
///
/// ```
/// let a = k6dsl::results::merge::Approximation {
///     metric: "http_req_duration".into(),
///     statistics: "med, p(N)".into(),
///     relative_error: Some(0.005),
///     reason: "over the sample limit".into(),
/// };
/// assert_eq!(a.to_string(), "http_req_duration med, p(N): within 0.5% (over the sample limit)");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Approximation {
    /// The metric or sub-metric key.
    pub metric: String,
    /// Which of its statistics.
    pub statistics: String,
    /// The largest relative error, when bounded.
    pub relative_error: Option<f64>,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for Approximation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: ", self.metric, self.statistics)?;
        match self.relative_error {
            Some(e) => write!(f, "within {}%", crate::model::plain_number(e * 100.0))?,
            None => f.write_str("estimated")?,
        }
        write!(f, " ({})", self.reason)
    }
}

/// One instance's share of the run, from its own file.
///
/// ```
/// let i = k6dsl::results::merge::InstanceSummary::new(&k6dsl::results::merge::MergeInput::new("instance-1/out.json"));
/// assert_eq!((i.label.as_str(), i.requests, i.failed_rate()), ("instance-1", 0.0, None));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceSummary {
    /// Its label ([`MergeInput::label`]).
    pub label: String,
    /// Its file.
    pub path: PathBuf,
    /// k6's exit code, when known.
    pub exit_code: Option<i32>,
    /// How it ended, when known (given, or told from the exit code).
    pub verdict: Option<Verdict>,
    /// HTTP requests (`http_reqs`).
    pub requests: f64,
    /// Iterations (`iterations`).
    pub iterations: f64,
    /// Failed requests (`http_req_failed` non-zero samples).
    pub failed_requests: u64,
    /// `http_req_failed` samples.
    pub failed_samples: u64,
    /// Checks that held.
    pub checks_passed: u64,
    /// Checks that did not.
    pub checks_failed: u64,
    /// Its own p95 of `http_req_duration`, from a sketch (within 0.5%).
    pub p95_duration: Option<f64>,
    /// Samples read.
    pub points: u64,
    /// Lines read.
    pub lines: u64,
    /// Lines skipped as invalid.
    pub invalid_lines: u64,
    /// Bytes of NDJSON read (after decompression).
    pub bytes: u64,
    /// The file's size on disk.
    pub file_bytes: u64,
    /// Whether its end was cut (a truncated last line or gzip stream).
    pub truncated: bool,
    /// The sub-metrics its `Metric` lines named.
    pub submetrics: Vec<String>,
    /// Earliest and latest sample time, ns since the Unix epoch.
    pub first_ns: Option<i64>,
    /// See [`InstanceSummary::first_ns`].
    pub last_ns: Option<i64>,
    /// Warnings about its file.
    pub warnings: Vec<String>,
}

impl InstanceSummary {
    /// An instance with nothing read yet.
    pub fn new(input: &MergeInput) -> InstanceSummary {
        InstanceSummary {
            label: input.label.clone(),
            path: input.path.clone(),
            exit_code: input.exit_code,
            verdict: input
                .verdict
                .or_else(|| input.exit_code.map(verdict_of_exit_code)),
            requests: 0.0,
            iterations: 0.0,
            failed_requests: 0,
            failed_samples: 0,
            checks_passed: 0,
            checks_failed: 0,
            p95_duration: None,
            points: 0,
            lines: 0,
            invalid_lines: 0,
            bytes: 0,
            file_bytes: 0,
            truncated: false,
            submetrics: Vec::new(),
            first_ns: None,
            last_ns: None,
            warnings: Vec::new(),
        }
    }

    /// The share of failed requests, when it made any.
    pub fn failed_rate(&self) -> Option<f64> {
        (self.failed_samples > 0).then(|| self.failed_requests as f64 / self.failed_samples as f64)
    }

    /// Whether it ended in a way the merged verdict must report (a crash, an
    /// invalid configuration, a script exception, an interruption): not passed
    /// and not its own threshold judgement, which the merge replaces.
    pub fn ended_badly(&self) -> bool {
        self.verdict.is_some_and(|v| {
            !matches!(
                v,
                Verdict::Passed | Verdict::ThresholdsFailed | Verdict::AbortedByThreshold
            )
        })
    }
}

/// How k6 ended, told from its exit code (k6 v1.1's codes).
///
/// ```
/// use k6dsl::results::merge::verdict_of_exit_code;
/// use k6dsl::run::Verdict;
/// assert_eq!(verdict_of_exit_code(99), Verdict::ThresholdsFailed);
/// assert_eq!(verdict_of_exit_code(109), Verdict::Crashed(Some(109)));
/// ```
pub fn verdict_of_exit_code(code: i32) -> Verdict {
    match code {
        0 => Verdict::Passed,
        99 => Verdict::ThresholdsFailed,
        104 => Verdict::InvalidConfig,
        105 => Verdict::Interrupted,
        107 => Verdict::ScriptException,
        other => Verdict::Crashed(Some(other)),
    }
}

/// The exit code `k6 run` gives for a verdict: 0 passed, 99 thresholds failed,
/// 104, 105, 107, k6's own code for a crash, and 255 (k6's "other errors") for a
/// k6 that died of a signal or was killed.
///
/// ```
/// use k6dsl::results::merge::exit_code_of;
/// use k6dsl::run::Verdict;
/// assert_eq!(exit_code_of(Verdict::Passed), 0);
/// assert_eq!(exit_code_of(Verdict::ThresholdsFailed), 99);
/// assert_eq!(exit_code_of(Verdict::Crashed(Some(109))), 109);
/// ```
pub fn exit_code_of(verdict: Verdict) -> i32 {
    match verdict {
        Verdict::Passed => 0,
        Verdict::ThresholdsFailed | Verdict::AbortedByThreshold => 99,
        Verdict::InvalidConfig => 104,
        Verdict::Interrupted | Verdict::TimedOut => 105,
        Verdict::ScriptException => 107,
        Verdict::Crashed(Some(code)) => code,
        _ => 255,
    }
}

impl MergedRun {
    /// The exit code `k6 run` would give for the merged verdict
    /// ([`exit_code_of`]): what `k6dsl merge` exits with.
    pub fn exit_code(&self) -> i32 {
        exit_code_of(self.result.verdict)
    }

    /// The reports (HTML, JUnit, Markdown) of the merged run, with the
    /// per-instance section and the merge's notes (approximations, warnings).
    ///
    /// ```no_run
    /// # let merged: k6dsl::results::merge::MergedRun = unimplemented!();
    /// let files = merged.report().title("checkout, 3 instances").write_to("target/merged")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn report(&self) -> Report<'_> {
        Report::with_timeline(&self.result, self.timeline.clone())
            .title("k6 merged run")
            .instances(&self.instances)
            .notes(self.notes())
    }

    /// Writes `report.html`, `junit.xml` and `summary.md` into `dir`.
    ///
    /// ```no_run
    /// # let merged: k6dsl::results::merge::MergedRun = unimplemented!();
    /// merged.write_reports("target/merged")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn write_reports(&self, dir: impl AsRef<Path>) -> std::io::Result<ReportFiles> {
        self.report().write_to(dir)
    }

    /// What the reports say about the merge itself: instances that ended badly,
    /// approximations, then warnings.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .instances
            .iter()
            .filter(|i| i.ended_badly())
            .map(|i| {
                format!(
                    "{} ended: {} (exit code {})",
                    i.label,
                    i.verdict.expect("ended_badly has a verdict"),
                    i.exit_code.map_or_else(|| "none".into(), |c| c.to_string())
                )
            })
            .collect();
        // One note per kind of approximation, naming its metrics.
        let mut kinds: Vec<(&Approximation, Vec<&str>)> = Vec::new();
        for a in &self.approximate {
            let same = |(k, _): &&mut (&Approximation, Vec<&str>)| {
                k.statistics == a.statistics
                    && k.reason == a.reason
                    && k.relative_error == a.relative_error
            };
            match kinds.iter_mut().find(same) {
                Some((_, metrics)) => metrics.push(&a.metric),
                None => kinds.push((a, vec![&a.metric])),
            }
        }
        notes.extend(kinds.into_iter().map(|(a, metrics)| {
            let grouped = Approximation {
                metric: metrics.join(", "),
                ..a.clone()
            };
            format!("approximate: {grouped}")
        }));
        notes.extend(self.warnings.iter().cloned());
        notes
    }
}
