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
//! Every text that comes from the test (metric, check and group names) is escaped
//! for the format it goes into.
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
//! assert!(report.junit().contains(r#"<testcase classname="checks.::Checkout" name="status is &lt;201&gt;""#));
//! assert!(report.html().contains("status is &lt;201&gt;"));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::results::stream::{Aggregate, Config, Stats, TagKeys};
use crate::run::{Outcome, RunResult, ThresholdResult, Verdict};

/// What happened second by second, and per endpoint, read from k6's `--out json`.
///
/// ```
/// use k6dsl::results::report::Timeline;
///
/// let out = concat!(
///     r#"{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default"},"metric":"http_reqs"}"#, "\n",
///     r#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time"},"metric":"http_req_duration"}"#, "\n",
///     r#"{"type":"Metric","data":{"name":"http_req_failed","type":"rate","contains":"default"},"metric":"http_req_failed"}"#, "\n",
///     r#"{"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:00.1Z","value":1,"tags":{"name":"login"}}}"#, "\n",
///     r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:00.1Z","value":40,"tags":{"name":"login"}}}"#, "\n",
///     r#"{"metric":"http_req_failed","type":"Point","data":{"time":"2026-01-01T00:00:00.1Z","value":0,"tags":{"name":"login"}}}"#, "\n",
///     r#"{"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:02.5Z","value":1,"tags":{"name":"cart"}}}"#, "\n",
///     r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:02.5Z","value":90,"tags":{"name":"cart"}}}"#, "\n",
///     r#"{"metric":"http_req_failed","type":"Point","data":{"time":"2026-01-01T00:00:02.5Z","value":1,"tags":{"name":"cart"}}}"#, "\n",
/// );
/// let timeline = Timeline::from_reader(out.as_bytes())?;
/// let requests: Vec<u64> = timeline.seconds.iter().map(|s| s.requests).collect();
/// assert_eq!(requests, [1, 0, 1]);
/// assert_eq!(timeline.seconds[2].failed, 1);
/// let cart = timeline.endpoints.iter().find(|e| e.name == "cart").unwrap();
/// assert_eq!((cart.count, cart.error_rate), (1, Some(1.0)));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// One entry per second from the first sample to the last, gaps included.
    pub seconds: Vec<Second>,
    /// One entry per endpoint (the `endpoint` tag, else `name`), by name.
    pub endpoints: Vec<Endpoint>,
}

/// One second of a run.
///
/// ```
/// let second = k6dsl::results::report::Second::default();
/// assert_eq!((second.offset_s, second.requests, second.p95), (0, 0, None));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Second {
    /// Seconds since the first sample's second.
    pub offset_s: u64,
    /// HTTP requests made (`http_reqs`).
    pub requests: u64,
    /// Failed HTTP requests (`http_req_failed` non-zero).
    pub failed: u64,
    /// Median `http_req_duration`, ms.
    pub p50: Option<f64>,
    /// 95th percentile of `http_req_duration`, ms.
    pub p95: Option<f64>,
    /// 99th percentile of `http_req_duration`, ms.
    pub p99: Option<f64>,
    /// Largest `vus` value seen in the second.
    pub vus: Option<f64>,
}

/// Requests to one endpoint over the whole run.
///
/// ```
/// let endpoint = k6dsl::results::report::Endpoint { name: "login".into(), count: 10, avg: Some(3.5), p95: Some(7.0), error_rate: Some(0.0) };
/// assert_eq!(endpoint.count, 10);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The `endpoint` tag, else the `name` tag (k6 sets `name` to the URL when the
    /// script gives none).
    pub name: String,
    /// Requests (`http_req_duration` samples).
    pub count: u64,
    /// Mean duration, ms.
    pub avg: Option<f64>,
    /// 95th percentile duration, ms.
    pub p95: Option<f64>,
    /// Share of failed requests (`http_req_failed`).
    pub error_rate: Option<f64>,
}

const NS_PER_S: i64 = 1_000_000_000;

impl Timeline {
    /// Reads an `out.json` file as a stream.
    ///
    /// ```no_run
    /// let timeline = k6dsl::results::report::Timeline::from_out_json("target/run/out.json")?;
    /// println!("{} seconds", timeline.seconds.len());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_out_json(path: impl AsRef<Path>) -> std::io::Result<Timeline> {
        let file = std::fs::File::open(path)?;
        Timeline::from_reader(std::io::BufReader::new(file))
    }

    /// Reads k6 `--out json` lines (malformed lines are skipped, as
    /// [`crate::results::stream`] does).
    ///
    /// ```
    /// let timeline = k6dsl::results::report::Timeline::from_reader(&b""[..])?;
    /// assert!(timeline.seconds.is_empty() && timeline.endpoints.is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_reader(reader: impl BufRead) -> std::io::Result<Timeline> {
        let config = Config::default()
            .tag_keys(TagKeys::only(["endpoint", "name"]))
            .bucket(Duration::from_secs(1));
        let aggregate = Aggregate::from_reader(reader, config)?;
        Ok(Timeline::from_aggregate(&aggregate))
    }

    /// Builds the timeline from an [`Aggregate`] made with one-second buckets and
    /// the `endpoint` and `name` tags kept (as [`Timeline::from_reader`] makes it).
    ///
    /// ```
    /// use k6dsl::results::stream::{Aggregate, Config};
    /// let aggregate = Aggregate::new(Config::default());
    /// assert_eq!(k6dsl::results::report::Timeline::from_aggregate(&aggregate), Default::default());
    /// ```
    pub fn from_aggregate(aggregate: &Aggregate) -> Timeline {
        let mut per_second: BTreeMap<i64, BTreeMap<&str, Stats>> = BTreeMap::new();
        let mut per_endpoint: BTreeMap<String, BTreeMap<&str, Stats>> = BTreeMap::new();
        let merge =
            |into: &mut BTreeMap<&str, Stats>, metric: &'static str, stats: &Stats| match into
                .get_mut(metric)
            {
                Some(total) => total.merge(stats),
                None => {
                    into.insert(metric, stats.clone());
                }
            };
        for series in aggregate.series() {
            let Some(metric) = ["http_reqs", "http_req_duration", "http_req_failed", "vus"]
                .into_iter()
                .find(|m| *m == series.metric)
            else {
                continue;
            };
            let second = series.bucket_start_ns.unwrap_or(0).div_euclid(NS_PER_S);
            merge(per_second.entry(second).or_default(), metric, &series.stats);
            let tag = |key: &str| {
                series
                    .tags
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
            };
            if metric != "vus" {
                if let Some(name) = tag("endpoint").or_else(|| tag("name")) {
                    merge(per_endpoint.entry(name).or_default(), metric, &series.stats);
                }
            }
        }
        let mut seconds = Vec::new();
        if let (Some(first), Some(last)) = (
            per_second.keys().next().copied(),
            per_second.keys().last().copied(),
        ) {
            for second in first..=last {
                let stats = per_second.get(&second);
                let get = |metric: &str| stats.and_then(|s| s.get(metric));
                let duration = get("http_req_duration");
                seconds.push(Second {
                    offset_s: (second - first) as u64,
                    requests: get("http_reqs").map_or(0, |s| s.sum().round() as u64),
                    failed: get("http_req_failed").map_or(0, Stats::non_zero),
                    p50: duration.and_then(|s| s.quantile(0.5)),
                    p95: duration.and_then(|s| s.quantile(0.95)),
                    p99: duration.and_then(|s| s.quantile(0.99)),
                    vus: get("vus").and_then(Stats::max),
                });
            }
        }
        let endpoints = per_endpoint
            .into_iter()
            .map(|(name, stats)| {
                let duration = stats.get("http_req_duration");
                Endpoint {
                    name,
                    count: duration.map_or(0, Stats::count),
                    avg: duration.and_then(Stats::mean),
                    p95: duration.and_then(|s| s.quantile(0.95)),
                    error_rate: stats.get("http_req_failed").and_then(Stats::rate),
                }
            })
            .collect();
        Timeline { seconds, endpoints }
    }
}

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

    /// The Markdown summary: a heading with the verdict, the thresholds table
    /// (metric, threshold, observed, bound, result) and the failing checks.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let md = k6dsl::results::report::Report::with_timeline(&result, None).markdown();
    /// assert!(md.contains("## Thresholds"));
    /// ```
    pub fn markdown(&self) -> String {
        let r = self.result;
        let mut out = String::new();
        let mark = if r.verdict == Verdict::Passed {
            "✅"
        } else {
            "❌"
        };
        let _ = writeln!(
            out,
            "# {}: {} {mark}\n",
            md_text(&self.title),
            md_text(&r.verdict.to_string())
        );
        let _ = writeln!(
            out,
            "Exit code {}, {:.1} s.\n",
            exit_code(r),
            r.elapsed.as_secs_f64()
        );
        out.push_str("## Thresholds\n\n");
        if r.thresholds.is_empty() {
            out.push_str("No thresholds.\n");
        } else {
            out.push_str("| Metric | Threshold | Observed | Bound | Result |\n");
            out.push_str("| --- | --- | --- | --- | --- |\n");
            for t in &r.thresholds {
                let result = match t.outcome {
                    Outcome::Passed => "passed",
                    Outcome::Failed => "**FAILED**",
                    Outcome::NotReported => "**not reported**",
                    Outcome::NoSamples => "**no samples** (judged nothing)",
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {result} |",
                    code_span(&t.metric),
                    code_span(&t.expression),
                    observed(t),
                    match bound(t).as_str() {
                        "-" => "-".to_string(),
                        b => code_span(b),
                    },
                );
            }
        }
        let judged_nothing = r
            .thresholds
            .iter()
            .filter(|t| t.outcome == Outcome::NoSamples)
            .count();
        if judged_nothing > 0 {
            let _ = writeln!(
                out,
                "\n⚠️ {judged_nothing} threshold(s) judged nothing: their metric received no \
                 samples during the run, and k6 skips such a threshold (its summary shows 0)."
            );
        }
        out.push_str("\n## Failing checks\n\n");
        let failing: Vec<_> = r.checks.iter().filter(|c| c.fails > 0).collect();
        if failing.is_empty() {
            let total: u64 = r.checks.iter().map(|c| c.passes).sum();
            let _ = writeln!(out, "None: {} checks, {total} passes.", r.checks.len());
        } else {
            out.push_str("| Group | Check | Passes | Fails |\n");
            out.push_str("| --- | --- | --- | --- |\n");
            for c in failing {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    md_text(group_label(&c.group)),
                    md_text(&c.name),
                    c.passes,
                    c.fails
                );
            }
        }
        out
    }

    /// JUnit XML: suites `run` (one case: the verdict), `thresholds` (one case per
    /// threshold), `checks` (one case per check, classname `checks.GROUP`) and
    /// `groups` (one case per group, failing when a check in it or in a group inside
    /// it fails). Failed or unreported thresholds, thresholds whose metric received
    /// no samples ([`Outcome::NoSamples`]: they judged nothing), checks with fails,
    /// and a verdict other than passed are `<failure>`s with a message.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let xml = k6dsl::results::report::Report::with_timeline(&result, None).junit();
    /// assert!(xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    /// ```
    pub fn junit(&self) -> String {
        let r = self.result;
        let mut suites: Vec<(&str, Vec<Case>)> = Vec::new();
        let verdict_failure = (r.verdict != Verdict::Passed)
            .then(|| format!("k6 run {} (exit code {})", r.verdict, exit_code(r)));
        suites.push((
            "run",
            vec![Case {
                classname: "run".into(),
                name: "verdict".into(),
                failure: verdict_failure,
            }],
        ));
        suites.push((
            "thresholds",
            r.thresholds
                .iter()
                .map(|t| Case {
                    classname: "thresholds".into(),
                    name: t.name(),
                    failure: match t.outcome {
                        Outcome::Passed => None,
                        Outcome::Failed => Some(format!(
                            "threshold {} failed: observed {}, bound {}",
                            t.name(),
                            observed(t),
                            bound(t)
                        )),
                        Outcome::NotReported => {
                            Some(format!("threshold {} was not reported by k6", t.name()))
                        }
                        Outcome::NoSamples => Some(no_samples_message(t)),
                    },
                })
                .collect(),
        ));
        suites.push((
            "checks",
            r.checks
                .iter()
                .map(|c| Case {
                    classname: format!("checks.{}", c.group),
                    name: c.name.clone(),
                    failure: (c.fails > 0).then(|| {
                        format!(
                            "check {:?} in {} failed {} of {} times",
                            c.name,
                            group_label(&c.group),
                            c.fails,
                            c.passes + c.fails
                        )
                    }),
                })
                .collect(),
        ));
        suites.push((
            "groups",
            groups(r)
                .into_iter()
                .map(|group| {
                    let inside = |g: &str| {
                        g == group
                            || g.strip_prefix(group.as_str())
                                .is_some_and(|rest| rest.starts_with("::"))
                    };
                    let failing: Vec<String> = r
                        .checks
                        .iter()
                        .filter(|c| c.fails > 0 && inside(&c.group))
                        .map(|c| format!("{:?} ({} fails)", c.name, c.fails))
                        .collect();
                    Case {
                        classname: "groups".into(),
                        name: group.clone(),
                        failure: (!failing.is_empty()).then(|| {
                            format!("group {group} has failing checks: {}", failing.join(", "))
                        }),
                    }
                })
                .collect(),
        ));
        let tests: usize = suites.iter().map(|(_, cases)| cases.len()).sum();
        let failures: usize = suites
            .iter()
            .flat_map(|(_, cases)| cases)
            .filter(|c| c.failure.is_some())
            .count();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">",
            xml(&self.title),
            r.elapsed.as_secs_f64()
        );
        for (name, cases) in &suites {
            let failures = cases.iter().filter(|c| c.failure.is_some()).count();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
                cases.len()
            );
            for case in cases {
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    xml(&case.classname),
                    xml(&case.name)
                );
                match &case.failure {
                    None => out.push_str("/>\n"),
                    Some(message) => {
                        let _ = writeln!(
                            out,
                            ">\n      <failure message=\"{0}\" type=\"{1}\">{0}</failure>\n    </testcase>",
                            xml(message),
                            name
                        );
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }

    /// The HTML report: one self-contained file (inline CSS and SVG, no script, no
    /// external resource).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let html = k6dsl::results::report::Report::new(&result)?.html();
    /// assert!(html.starts_with("<!DOCTYPE html>"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn html(&self) -> String {
        let r = self.result;
        let passed = r.verdict == Verdict::Passed;
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            html(&self.title)
        );
        let _ = writeln!(
            out,
            "<header class=\"{}\"><h1>{}</h1><p class=\"verdict\">{}</p>\
             <p>exit code {} · {:.1} s · artifacts in <code>{}</code></p></header>",
            if passed { "ok" } else { "bad" },
            html(&self.title),
            html(&r.verdict.to_string()),
            exit_code(r),
            r.elapsed.as_secs_f64(),
            html(&r.dir.display().to_string())
        );

        out.push_str("<section><h2>Over time</h2>\n");
        match self.timeline.as_ref().filter(|t| !t.seconds.is_empty()) {
            None => out.push_str(
                "<p class=\"note\">No time series: run with <code>out.json</code> \
                 (<code>Runner::out_json</code>) to get them.</p>\n",
            ),
            Some(timeline) => {
                let s = &timeline.seconds;
                let series = |f: fn(&Second) -> Option<f64>| s.iter().map(f).collect::<Vec<_>>();
                out.push_str(&chart(
                    "Requests per second",
                    "req/s",
                    &[("requests/s", "#2563eb", series(|s| Some(s.requests as f64)))],
                ));
                out.push_str(&chart(
                    "Latency (http_req_duration)",
                    "ms",
                    &[
                        ("p50", "#16a34a", series(|s| s.p50)),
                        ("p95", "#d97706", series(|s| s.p95)),
                        ("p99", "#dc2626", series(|s| s.p99)),
                    ],
                ));
                out.push_str(&chart(
                    "Failed requests per second",
                    "req/s",
                    &[("failed/s", "#dc2626", series(|s| Some(s.failed as f64)))],
                ));
                out.push_str(&chart(
                    "Virtual users",
                    "VUs",
                    &[("vus", "#7c3aed", series(|s| s.vus))],
                ));
            }
        }
        out.push_str("</section>\n");

        out.push_str("<section><h2>Thresholds</h2>\n");
        if r.thresholds.is_empty() {
            out.push_str("<p class=\"note\">No thresholds.</p>\n");
        } else {
            out.push_str(
                "<table><thead><tr><th>Metric</th><th>Threshold</th><th>Observed</th>\
                 <th>Bound</th><th>Result</th></tr></thead><tbody>\n",
            );
            for t in &r.thresholds {
                let (class, text) = match t.outcome {
                    Outcome::Passed => ("pass", "passed"),
                    Outcome::Failed => ("fail", "FAILED"),
                    Outcome::NotReported => ("fail", "not reported"),
                    Outcome::NoSamples => ("fail", "no samples (judged nothing)"),
                };
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"num\">{}</td>\
                     <td>{}</td><td class=\"{class}\">{text}</td></tr>",
                    html(&t.metric),
                    html(&t.expression),
                    html(&observed(t)),
                    html(&bound(t))
                );
            }
            out.push_str("</tbody></table>\n");
        }
        out.push_str("</section>\n");

        out.push_str("<section><h2>Checks by group</h2>\n");
        if r.checks.is_empty() {
            out.push_str("<p class=\"note\">No checks.</p>\n");
        } else {
            out.push_str(
                "<table><thead><tr><th>Group</th><th>Check</th><th>Passes</th><th>Fails</th>\
                 <th>Pass rate</th></tr></thead><tbody>\n",
            );
            let mut checks: Vec<_> = r.checks.iter().collect();
            checks.sort_by(|a, b| a.group.cmp(&b.group));
            for c in checks {
                let total = c.passes + c.fails;
                let rate = if total == 0 {
                    "-".to_string()
                } else {
                    format!("{:.2}%", c.passes as f64 * 100.0 / total as f64)
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num {}\">{}</td>\
                     <td class=\"num\">{rate}</td></tr>",
                    html(group_label(&c.group)),
                    html(&c.name),
                    c.passes,
                    if c.fails > 0 { "fail" } else { "" },
                    c.fails
                );
            }
            out.push_str("</tbody></table>\n");
        }
        out.push_str("</section>\n");

        out.push_str("<section><h2>Endpoints</h2>\n");
        match self.timeline.as_ref().filter(|t| !t.endpoints.is_empty()) {
            None => out.push_str(
                "<p class=\"note\">No per-endpoint data: run with <code>out.json</code>.</p>\n",
            ),
            Some(timeline) => {
                out.push_str(
                    "<table><thead><tr><th>Endpoint</th><th>Requests</th><th>Avg (ms)</th>\
                     <th>p95 (ms)</th><th>Error rate</th></tr></thead><tbody>\n",
                );
                for e in &timeline.endpoints {
                    let _ = writeln!(
                        out,
                        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                         <td class=\"num\">{}</td><td class=\"num {}\">{}</td></tr>",
                        html(&e.name),
                        e.count,
                        e.avg.map_or_else(|| "-".into(), |v| format!("{v:.2}")),
                        e.p95.map_or_else(|| "-".into(), |v| format!("{v:.2}")),
                        if e.error_rate.is_some_and(|r| r > 0.0) {
                            "fail"
                        } else {
                            ""
                        },
                        e.error_rate
                            .map_or_else(|| "-".into(), |v| format!("{:.2}%", v * 100.0)),
                    );
                }
                out.push_str("</tbody></table>\n");
            }
        }
        out.push_str("</section>\n</body>\n</html>\n");
        out
    }
}

/// One JUnit test case.
struct Case {
    classname: String,
    name: String,
    failure: Option<String>,
}

const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f8fafc;color:#0f172a}\
header{padding:16px 32px;color:#fff}header.ok{background:#15803d}header.bad{background:#b91c1c}\
header h1{margin:0 0 4px;font-size:24px}header p{margin:2px 0}.verdict{font-size:20px;font-weight:600}\
section{margin:16px 32px;padding:12px 16px;background:#fff;border:1px solid #e2e8f0;border-radius:8px}\
h2{font-size:18px;margin:4px 0 12px}table{border-collapse:collapse;width:100%;font-size:14px}\
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e2e8f0}th{background:#f1f5f9}\
td.num{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#15803d;font-weight:600}\
.fail{color:#b91c1c;font-weight:600}.note{color:#64748b}code{font-size:13px}\
svg{display:block;margin:8px 0 16px;background:#fff}svg text{font-size:12px;fill:#334155}";

/// A line chart of `lines` (label, colour, one value per second; `None` breaks the
/// line) as inline SVG.
fn chart(title: &str, unit: &str, lines: &[(&str, &str, Vec<Option<f64>>)]) -> String {
    const W: f64 = 1160.0;
    const H: f64 = 240.0;
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 32.0;
    const BOTTOM: f64 = 28.0;
    let n = lines.iter().map(|(_, _, v)| v.len()).max().unwrap_or(0);
    let max = lines
        .iter()
        .flat_map(|(_, _, v)| v.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let top = nice_ceiling(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| {
        LEFT + if n > 1 {
            plot_w * i as f64 / (n - 1) as f64
        } else {
            plot_w / 2.0
        }
    };
    let y = |v: f64| TOP + plot_h - plot_h * (v / top);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" \
         aria-label=\"{0}\">\n<text x=\"{LEFT}\" y=\"18\" style=\"font-size:14px;font-weight:600\">{0} ({1})</text>\n",
        html(title),
        html(unit)
    );
    // Legend, right-aligned in the title row.
    let mut legend_x = W - RIGHT - 90.0 * lines.len() as f64;
    for (label, colour, _) in lines {
        let _ = writeln!(
            svg,
            "<rect x=\"{legend_x}\" y=\"8\" width=\"14\" height=\"4\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"14\">{}</text>",
            legend_x + 18.0,
            html(label)
        );
        legend_x += 90.0;
    }
    for step in 0..=4 {
        let value = top * f64::from(step) / 4.0;
        let py = y(value);
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{py:.1}\" x2=\"{}\" y2=\"{py:.1}\" stroke=\"#e2e8f0\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            py + 4.0,
            axis_number(value)
        );
    }
    // Whole-second ticks, at most about eight.
    let step = n.saturating_sub(1).div_ceil(8).max(1);
    for i in (0..n.max(1)).step_by(step) {
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{i}s</text>",
            x(i),
            H - 8.0
        );
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#94a3b8\"/>",
        TOP + plot_h,
        W - RIGHT
    );
    if n == 0 || !lines.iter().any(|(_, _, v)| v.iter().any(Option::is_some)) {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data</text>",
            W / 2.0,
            TOP + plot_h / 2.0
        );
    }
    for (_, colour, values) in lines {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, value) in values.iter().enumerate() {
            match value.filter(|v| v.is_finite()) {
                Some(v) => runs.last_mut().expect("one run").push((x(i), y(v))),
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            if run.len() == 1 {
                let _ = writeln!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{colour}\"/>",
                    run[0].0, run[0].1
                );
            } else {
                let points: Vec<String> = run
                    .iter()
                    .map(|(px, py)| format!("{px:.1},{py:.1}"))
                    .collect();
                let _ = writeln!(
                    svg,
                    "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
                    points.join(" ")
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `max` (1 for 0).
fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * power)
}

fn axis_number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// Every group path, outermost first: those in the summary's group tree, then any
/// other a check names.
fn groups(result: &RunResult) -> Vec<String> {
    fn walk(group: &serde_json::Value, out: &mut Vec<String>) {
        if let Some(groups) = group["groups"].as_object() {
            for inner in groups.values() {
                if let Some(path) = inner["path"].as_str().filter(|p| !p.is_empty()) {
                    if !out.iter().any(|g| g == path) {
                        out.push(path.to_owned());
                    }
                }
                walk(inner, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(summary) = &result.summary {
        walk(&summary["root_group"], &mut out);
    }
    for check in &result.checks {
        if !check.group.is_empty() && !out.contains(&check.group) {
            out.push(check.group.clone());
        }
    }
    out
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

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

/// Text for HTML element content and attribute values.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML 1.0 content and attribute values: markup characters escaped,
/// whitespace in attributes kept as character references, and the characters XML
/// 1.0 cannot carry at all replaced by U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Inline text for Markdown (a heading or a table cell): the characters that start
/// inline markup (emphasis, code, links, HTML, entities, strikethrough, GitHub's
/// math) and `|` backslash-escaped, line breaks as spaces (a table row is one line).
fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span holding `text` exactly: fenced by more backticks than any
/// run inside it, `|` escaped for tables, line breaks as spaces.
fn code_span(text: &str) -> String {
    let body: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(
            xml("a<b>&\"'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}&#10;"
        );
        assert_eq!(md_text("a_b|c\nd::e."), "a\\_b\\|c d::e.");
        assert_eq!(code_span("p(95)<500"), "`p(95)<500`");
        assert_eq!(code_span("a`b|c"), "``a`b\\|c``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
    }

    #[test]
    fn charts_break_lines_at_gaps() {
        let svg = chart(
            "x & y",
            "ms",
            &[("a", "#000", vec![Some(1.0), Some(2.0), None, Some(3.0)])],
        );
        assert!(svg.contains("x &amp; y"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(chart("empty", "ms", &[("a", "#000", vec![])]).contains("no data"));
    }
}
