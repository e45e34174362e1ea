//! Reports of a k6 run: a single-file HTML page, JUnit XML and a Markdown summary.
//!
//! A [`Report`] is made from a [`RunResult`] and, when the run wrote `out.json`
//! ([`crate::run::Runner::out_json`]), a [`Timeline`] read from it with
//! [`crate::results::stream`]: requests, failed requests, latency percentiles and VUs per
//! second, and a table per endpoint.
//!
//! - [`Report::html`]: one file with no external resource (inline CSS, inline SVG
//!   charts): the verdict, charts over time of requests/s, latency p50/p95/p99,
//!   failed requests/s and VUs, the thresholds table (threshold, observed, bound,
//!   result), checks by group and a per-endpoint table (by the `endpoint` tag, else
//!   `name`: count, avg, p95, error rate).
//! - [`Report::junit`]: one test suite each for the run's verdict, the thresholds,
//!   the checks and the groups; every failure has a message.
//! - [`Report::markdown`]: the verdict, the thresholds table and failing checks, for
//!   a CI job summary or a pull-request comment.
//!
//! A merged run of several k6 instances ([`crate::results::merge::MergedRun::report`])
//! adds a per-instance section to each ([`Report::instances`]) and its notes
//! ([`Report::notes`]: instances that crashed, approximate statistics, warnings).
//!
//! Every text that comes from the test (metric, check, group and endpoint names)
//! is escaped for the format it goes into: by construction in HTML (maud's `html!`)
//! and JUnit (quick-junit's writer), by `md_text` and `code_span` in Markdown.
//!
//! ```
//! use k6dsl::results::report::Report;
//! use k6dsl::run::{CheckResult, Outcome, RunResult, ThresholdResult, Verdict};
//!
//! let result = RunResult {
//!     verdict: Verdict::ThresholdsFailed,
//!     exit_code: Some(99),
//!     dir: "/tmp/run".into(),
//!     script: "/tmp/run/script.js".into(),
//!     summary_path: None,
//!     out_json: None,
//!     out_csv: None,
//!     thresholds: vec![ThresholdResult {
//!         declared: None,
//!         metric: "http_req_duration".into(),
//!         expression: "p(95)<500".into(),
//!         outcome: Outcome::Failed,
//!         observed: Some(612.5),
//!     }],
//!     metrics: Default::default(),
//!     checks: vec![CheckResult { group: "::Checkout".into(), name: "status is <201>".into(), passes: 9, fails: 1 }],
//!     stdout: String::new(),
//!     stderr: String::new(),
//!     elapsed: std::time::Duration::from_secs(12),
//!     summary: None,
//! };
//! let report = Report::new(&result)?;
//! assert!(report.markdown().contains("| `http_req_duration` | `p(95)<500` | 612.500 | - | **FAILED** |"));
//! assert!(report.junit().contains(r#"<testcase name="status is &lt;201&gt;" classname="checks.::Checkout">"#));
//! assert!(report.html().contains("status is &lt;201&gt;"));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::results::merge::InstanceSummary;
use crate::run::{RunResult, ThresholdResult};

mod html;
mod junit;
mod markdown;
mod timeline;

pub use timeline::{Endpoint, Second, Timeline};

/// The three reports of one run. See the [module documentation](self).
///
/// ```no_run
/// # let result: k6dsl::run::RunResult = unimplemented!();
/// let report = k6dsl::results::report::Report::new(&result)?.title("checkout smoke");
/// let files = report.write_to("target/k6-report")?;
/// println!("{}", files.html.display());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Report<'a> {
    result: &'a RunResult,
    timeline: Option<Timeline>,
    title: String,
    instances: &'a [InstanceSummary],
    notes: Vec<String>,
}

/// Where [`Report::write_to`] wrote the reports.
///
/// ```
/// let files = k6dsl::results::report::ReportFiles {
///     html: "out/report.html".into(),
///     junit: "out/junit.xml".into(),
///     markdown: "out/summary.md".into(),
/// };
/// assert!(files.html.ends_with("report.html"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    /// `report.html`.
    pub html: PathBuf,
    /// `junit.xml`.
    pub junit: PathBuf,
    /// `summary.md`.
    pub markdown: PathBuf,
}

impl<'a> Report<'a> {
    /// The report of `result`, with its [`Timeline`] read from `out.json` when the
    /// run asked for one and k6 wrote it (an error reading it is returned).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let report = k6dsl::results::report::Report::new(&result)?;
    /// print!("{}", report.markdown());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(result: &'a RunResult) -> std::io::Result<Report<'a>> {
        let timeline = match result.out_json.as_deref().map(Timeline::from_out_json) {
            Some(Ok(timeline)) => Some(timeline),
            // k6 stopped before it wrote any sample (an invalid configuration, say).
            Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
            Some(Err(e)) => return Err(e),
            None => None,
        };
        Ok(Report::with_timeline(result, timeline))
    }

    /// The report of `result` with a timeline given (or none: the HTML then says
    /// that time series need `out.json`).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let report = k6dsl::results::report::Report::with_timeline(&result, None);
    /// assert!(report.html().contains("out.json"));
    /// ```
    pub fn with_timeline(result: &'a RunResult, timeline: Option<Timeline>) -> Report<'a> {
        Report {
            result,
            timeline,
            title: "k6 run".into(),
            instances: &[],
            notes: Vec::new(),
        }
    }

    /// Names the report (HTML title and heading, Markdown heading, JUnit
    /// `testsuites` name); default `k6 run`.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let report = k6dsl::results::report::Report::with_timeline(&result, None).title("checkout <smoke>");
    /// assert!(report.html().contains("<title>checkout &lt;smoke&gt;</title>"));
    /// ```
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Report<'a> {
        self.title = title.into();
        self
    }

    /// Adds the per-instance section of a distributed run (a [`MergedRun`]'s
    /// instances): HTML and Markdown get a table (instance, how it ended, requests,
    /// iterations, failed requests, checks, p95), JUnit a suite `instances` with one
    /// case per instance, failing when the instance crashed.
    ///
    /// [`MergedRun`]: crate::results::merge::MergedRun
    ///
    /// ```no_run
    /// # let merged: k6dsl::results::merge::MergedRun = unimplemented!();
    /// let report = k6dsl::results::report::Report::with_timeline(&merged.result, None)
    ///     .instances(&merged.instances);
    /// assert!(report.html().contains("Instances"));
    /// ```
    #[must_use]
    pub fn instances(mut self, instances: &'a [InstanceSummary]) -> Report<'a> {
        self.instances = instances;
        self
    }

    /// Adds notes shown under the verdict in HTML and Markdown (a merge's
    /// approximations and warnings).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let report = k6dsl::results::report::Report::with_timeline(&result, None)
    ///     .notes(vec!["instance-2 ended: k6 failed (exit code 109)".into()]);
    /// assert!(report.markdown().contains("instance-2 ended"));
    /// ```
    #[must_use]
    pub fn notes(mut self, notes: Vec<String>) -> Report<'a> {
        self.notes = notes;
        self
    }

    /// The timeline, when there is one.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let report = k6dsl::results::report::Report::new(&result)?;
    /// let busiest = report.timeline().and_then(|t| t.seconds.iter().map(|s| s.requests).max());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn timeline(&self) -> Option<&Timeline> {
        self.timeline.as_ref()
    }

    /// Writes `report.html`, `junit.xml` and `summary.md` into `dir` (created if
    /// missing).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let files = k6dsl::results::report::Report::new(&result)?.write_to("target/k6-report")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn write_to(&self, dir: impl AsRef<Path>) -> std::io::Result<ReportFiles> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let files = ReportFiles {
            html: dir.join("report.html"),
            junit: dir.join("junit.xml"),
            markdown: dir.join("summary.md"),
        };
        std::fs::write(&files.html, self.html())?;
        std::fs::write(&files.junit, self.junit())?;
        std::fs::write(&files.markdown, self.markdown())?;
        Ok(files)
    }
}

fn group_label(group: &str) -> &str {
    if group.is_empty() {
        "(top level)"
    } else {
        group
    }
}

fn exit_code(result: &RunResult) -> String {
    result
        .exit_code
        .map_or_else(|| "none".into(), |c| c.to_string())
}

/// What a threshold that judged nothing means, for JUnit and the Markdown notes.
fn no_samples_message(t: &ThresholdResult) -> String {
    format!(
        "threshold {} judged nothing: metric {} received no samples during the run \
         (k6 skips such a threshold and shows 0)",
        t.name(),
        t.metric
    )
}

fn observed(t: &ThresholdResult) -> String {
    t.observed.map_or_else(|| "-".into(), format_number)
}

fn bound(t: &ThresholdResult) -> String {
    t.declared.as_ref().map_or_else(
        || "-".into(),
        |d| format!("{} {}", d.op.symbol(), crate::model::plain_number(d.bound)),
    )
}

/// How an instance ended, for the per-instance tables.
fn instance_outcome(instance: &InstanceSummary) -> String {
    let code = instance
        .exit_code
        .map_or_else(String::new, |c| format!(" (exit code {c})"));
    match instance.verdict {
        Some(verdict) => format!("{verdict}{code}"),
        None => "unknown (no exit code given)".into(),
    }
}

/// An instance's failed requests as `failed/total (rate)`.
fn instance_failed(instance: &InstanceSummary) -> String {
    match instance.failed_rate() {
        Some(rate) => format!(
            "{}/{} ({:.2}%)",
            instance.failed_requests,
            instance.failed_samples,
            rate * 100.0
        ),
        None => "-".into(),
    }
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}
