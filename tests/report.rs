//! `k6dsl::results::report` end to end: the `run_checkout` example runs the checkout smoke
//! profile under k6 against the in-process demo shop (once for this whole file) and
//! writes `report.html`, `junit.xml` and `summary.md`; the JUnit is well-formed XML
//! with one case per threshold, check and group, the Markdown names every threshold,
//! and the HTML renders in headless Chromium to a page that is not blank. A failing
//! run (built by hand, no k6 needed) shows its failures in every format, with every
//! name escaped; Chromium reads its names back as text. A property test puts
//! hostile text (markup, quotes, `]]>`, ANSI escapes, control characters) in every
//! name a user gives and finds the structure of both the HTML and the JUnit XML
//! unchanged and every name read back as written.
//!
//! Needs k6 (`scripts/test` installs it), python3 and Chromium
//! (`apt-get install chromium`; `scripts/test` installs it too). A missing tool
//! fails the test, never skips it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use k6dsl::profile::Profile;
use k6dsl::results::report::{Report, Timeline};
use k6dsl::run::{CheckResult, MetricValues, Outcome, RunResult, ThresholdResult, Verdict};
use k6dsl_suite::{checkout, tools};
use proptest::prelude::*;

/// What the one run of the example left behind.
struct ExampleRun {
    dir: tempfile::TempDir,
    success: bool,
    stdout: String,
    stderr: String,
}

impl ExampleRun {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name))
            .unwrap_or_else(|e| panic!("{name} was not written: {e}\n{}", self.stderr))
    }

    /// The k6 summary the run wrote (`--summary-export`).
    fn summary(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("k6-run/summary.json")).expect("summary.json is JSON")
    }
}

/// `cargo run --example run_checkout -- --out <tmp>`, once per test binary.
fn example() -> &'static ExampleRun {
    static RUN: OnceLock<ExampleRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let k6 = tools::k6_binary();
        let dir = tempfile::Builder::new()
            .prefix("k6dsl-report-")
            .tempdir()
            .expect("a temporary directory can be created");
        let output = Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--example", "run_checkout", "--", "--out"])
            .arg(dir.path())
            .env("K6_BIN", k6)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo runs");
        ExampleRun {
            dir,
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
}

fn passed_example() -> &'static ExampleRun {
    let run = example();
    assert!(
        run.success,
        "run_checkout failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    run
}

/// Runs python3 with `code` and `args`, returning its stdout.
fn python(code: &str, args: &[&Path]) -> Result<String, String> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .map_err(|e| format!("python3 cannot start ({e}): install python3"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Parses a JUnit file as XML (failing on any well-formedness error) and prints as
/// JSON the `testsuites` name, the counts per suite (see [`Junit::counts`]) and
/// every test case with its failure.
const JUNIT_READER: &str = r#"
import json, sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
root = doc.documentElement
assert root.tagName == "testsuites", root.tagName
def counts(element):
    failures = element.getElementsByTagName("failure")
    return [int(element.getAttribute("tests")), int(element.getAttribute("failures")),
            len(element.getElementsByTagName("testcase")), len(failures),
            len([f for f in failures if f.getAttribute("message")])]
def text(element):
    return "".join(n.data for n in element.childNodes if n.nodeType in (n.TEXT_NODE, n.CDATA_SECTION_NODE))
out = {"title": root.getAttribute("name"), "counts": {"": counts(root)}, "cases": []}
for suite in root.getElementsByTagName("testsuite"):
    out["counts"][suite.getAttribute("name")] = counts(suite)
    for case in suite.getElementsByTagName("testcase"):
        failures = case.getElementsByTagName("failure")
        assert len(failures) <= 1, case.toxml()
        failure = None
        if failures:
            f = failures[0]
            failure = {"message": f.getAttribute("message"), "type": f.getAttribute("type"), "text": text(f)}
        out["cases"].append({"suite": suite.getAttribute("name"), "classname": case.getAttribute("classname"),
                             "name": case.getAttribute("name"), "failure": failure})
print(json.dumps(out))
"#;

/// A JUnit file as an XML parser reads it.
#[derive(Debug, serde::Deserialize)]
struct Junit {
    /// The `testsuites` name.
    title: String,
    /// Per suite name (`""` for the whole file): `tests` attribute, `failures`
    /// attribute, `testcase` elements, `failure` elements, `failure` elements with a
    /// non-empty message.
    counts: BTreeMap<String, [u64; 5]>,
    cases: Vec<JunitCase>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct JunitCase {
    suite: String,
    classname: String,
    name: String,
    failure: Option<JunitFailure>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct JunitFailure {
    message: String,
    #[serde(rename = "type")]
    kind: String,
    text: String,
}

impl Junit {
    fn read(path: &Path) -> Junit {
        let json = python(JUNIT_READER, &[path])
            .unwrap_or_else(|e| panic!("{} is not well-formed JUnit XML:\n{e}", path.display()));
        serde_json::from_str(&json).expect("the reader prints JSON")
    }

    fn case(&self, suite: &str, name: &str) -> &JunitCase {
        self.cases
            .iter()
            .find(|c| c.suite == suite && c.name == name)
            .unwrap_or_else(|| panic!("no case `{name}` in suite `{suite}`: {:#?}", self.cases))
    }
}

/// Group paths and checks in a k6 summary-export's group tree.
fn summary_groups_and_checks(summary: &serde_json::Value) -> (usize, usize) {
    fn walk(group: &serde_json::Value, groups: &mut usize, checks: &mut usize) {
        *checks += group["checks"].as_object().map_or(0, |c| c.len());
        for inner in group["groups"]
            .as_object()
            .into_iter()
            .flat_map(|g| g.values())
        {
            *groups += 1;
            walk(inner, groups, checks);
        }
    }
    let (mut groups, mut checks) = (0, 0);
    walk(&summary["root_group"], &mut groups, &mut checks);
    (groups, checks)
}

#[test]
fn the_example_passes_and_writes_three_reports() {
    let run = passed_example();
    assert!(
        run.stdout.contains("verdict: passed"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains("## Thresholds"), "{}", run.stdout);
    for file in ["report.html", "junit.xml", "summary.md", "k6-run/out.json"] {
        let len = std::fs::metadata(run.file(file))
            .unwrap_or_else(|e| panic!("{file} is missing: {e}"))
            .len();
        assert!(len > 100, "{file} has only {len} bytes");
    }
}

#[test]
fn junit_is_xml_with_a_case_per_threshold_check_and_group() {
    let run = passed_example();
    let junit = Junit::read(&run.file("junit.xml"));
    let counts = &junit.counts;
    let thresholds = checkout::script(Profile::Smoke)
        .to_ir()
        .options
        .thresholds
        .len();
    let (groups, checks) = summary_groups_and_checks(&run.summary());
    assert!(
        groups >= 3 && checks >= 5,
        "{groups} groups, {checks} checks"
    );
    let expect = |suite: &str, n: usize| {
        let n = n as u64;
        assert_eq!(
            counts[suite],
            [n, 0, n, 0, 0],
            "suite `{suite}`: {counts:?}"
        );
    };
    expect("run", 1);
    expect("thresholds", thresholds);
    expect("checks", checks);
    expect("groups", groups);
    expect("", 1 + thresholds + checks + groups);
    assert_eq!(junit.title, "checkout smoke test");
    let login = junit.case("thresholds", "http_req_duration{endpoint:login}: p(95)<800");
    assert_eq!(
        (login.classname.as_str(), &login.failure),
        ("thresholds", &None)
    );
}

#[test]
fn markdown_has_the_verdict_and_every_threshold() {
    let run = passed_example();
    let md = run.read("summary.md");
    assert!(md.starts_with("# checkout smoke test: passed ✅"), "{md}");
    for threshold in &checkout::script(Profile::Smoke).to_ir().options.thresholds {
        let row = format!("| `{}` | `{}` |", threshold.key(), threshold.expression());
        let line = md
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("no row for {row} in\n{md}"));
        assert!(line.ends_with("| passed |"), "{line}");
    }
    assert!(md.contains("## Failing checks\n\nNone:"), "{md}");
}

#[test]
fn html_is_self_contained_and_has_every_section() {
    let run = passed_example();
    let html = run.read("report.html");
    for part in [
        "Requests per second",
        "Latency (http_req_duration)",
        "Failed requests per second",
        "Virtual users",
        "<h2>Thresholds</h2>",
        "<h2>Checks by group</h2>",
        "<h2>Endpoints</h2>",
        "<td>login</td>",
        "<td>checkout</td>",
        "<code>http_req_duration{endpoint:login}</code>",
        "<polyline",
    ] {
        assert!(html.contains(part), "the HTML report has no `{part}`");
    }
    for external in [
        "<script", "<link", "src=", "url(", "@import", "http://", "https://",
    ] {
        assert!(
            !html.contains(external),
            "the HTML report has `{external}`: it must not load anything"
        );
    }
}

/// Decodes a PNG (8-bit RGB or RGBA, not interlaced) with zlib and prints its width,
/// height, number of distinct colours and the share of the most common one.
const PNG_STATS: &str = r#"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
bpp = 3 if colour == 2 else 4
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
counts = {}
for y in range(height):
    start = y * (stride + 1)
    kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        pixel = bytes(line[x:x + 3])
        counts[pixel] = counts.get(pixel, 0) + 1
    prev = line
print(width, height, len(counts), max(counts.values()) / (width * height))
"#;

fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "chromium is not installed: the HTML report is checked by rendering it. Install \
                 it with `apt-get update && apt-get install -y chromium` (scripts/test does this)."
            )
        })
}

/// Runs headless Chromium on the page `html` with `action` (`--screenshot=…` or
/// `--dump-dom`), its standard output into `stdout`, failing after 90 s.
fn headless_chromium(html: &Path, action: &str, stdout: Stdio) {
    let chromium = chromium();
    let profile = tempfile::tempdir().expect("a temporary directory can be created");
    let mut child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(action)
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} cannot start: {e}", chromium.display()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish `{action}` within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "chromium {action} failed: {status}");
}

/// The page `html` as Chromium parsed it: its DOM, serialised.
fn chromium_dom(html: &Path) -> String {
    let dom = html.with_extension("dom.html");
    let file = std::fs::File::create(&dom).expect("the DOM file can be created");
    headless_chromium(html, "--dump-dom", Stdio::from(file));
    std::fs::read_to_string(&dom).expect("chromium wrote the DOM")
}

#[test]
fn html_renders_in_headless_chromium_to_a_page_that_is_not_blank() {
    let run = passed_example();
    let png = run.file("report.png");
    headless_chromium(
        &run.file("report.html"),
        &format!("--screenshot={}", png.display()),
        Stdio::null(),
    );
    let size = std::fs::metadata(&png)
        .expect("chromium wrote the PNG")
        .len();
    assert!(size > 20_000, "the screenshot has only {size} bytes");
    let stats = python(PNG_STATS, &[&png]).unwrap_or_else(|e| panic!("decoding the PNG: {e}"));
    let fields: Vec<f64> = stats
        .split_whitespace()
        .map(|f| f.parse().expect("a number"))
        .collect();
    let [width, height, colours, dominant] = fields[..] else {
        panic!("unexpected PNG stats `{stats}`");
    };
    assert_eq!((width, height), (1280.0, 2000.0));
    assert!(colours >= 32.0, "only {colours} colours: {stats}");
    assert!(dominant < 0.9, "one colour covers {dominant} of the page");
}

/// A run where an SLA failed and a check failed, with names that need escaping.
fn failing_run(dir: &Path) -> RunResult {
    let nasty = "<b>&\"quote\"|`tick` ]]> \u{1}";
    let out_json = dir.join("out.json");
    let point = |metric: &str, t: &str, value: f64, name: &str| {
        serde_json::json!({
            "metric": metric, "type": "Point",
            "data": {"time": format!("2026-01-01T00:00:{t}Z"), "value": value, "tags": {"name": name}}
        })
        .to_string()
    };
    let mut lines = vec![
        r#"{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default"},"metric":"http_reqs"}"#.to_string(),
        r#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time"},"metric":"http_req_duration"}"#.to_string(),
        r#"{"type":"Metric","data":{"name":"http_req_failed","type":"rate","contains":"default"},"metric":"http_req_failed"}"#.to_string(),
        r#"{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default"},"metric":"vus"}"#.to_string(),
    ];
    for (t, duration, failed, name) in [
        ("00.1", 120.0, 0.0, "login"),
        ("00.6", 900.0, 1.0, nasty),
        ("01.2", 1500.0, 1.0, nasty),
        ("02.9", 80.0, 0.0, "login"),
    ] {
        lines.push(point("http_reqs", t, 1.0, name));
        lines.push(point("http_req_duration", t, duration, name));
        lines.push(point("http_req_failed", t, failed, name));
        lines.push(point("vus", t, 2.0, name));
    }
    std::fs::write(&out_json, lines.join("\n")).unwrap();
    let declared = k6dsl::prelude::HTTP_REQ_DURATION.p(95).lt(500);
    RunResult {
        verdict: Verdict::ThresholdsFailed,
        exit_code: Some(99),
        dir: dir.to_path_buf(),
        script: dir.join("script.js"),
        summary_path: None,
        out_json: Some(out_json),
        out_csv: None,
        thresholds: vec![
            ThresholdResult {
                declared: Some(declared.to_ir().clone()),
                metric: "http_req_duration".into(),
                expression: "p(95)<500".into(),
                outcome: Outcome::Failed,
                observed: Some(1450.0),
            },
            ThresholdResult {
                declared: None,
                metric: format!("http_req_duration{{name:{nasty}}}"),
                expression: "p(99)<800".into(),
                outcome: Outcome::NotReported,
                observed: None,
            },
            ThresholdResult {
                declared: None,
                metric: "checks".into(),
                expression: "rate>0.5".into(),
                outcome: Outcome::Passed,
                observed: Some(0.75),
            },
        ],
        metrics: BTreeMap::from([(
            "http_reqs".to_string(),
            MetricValues::Counter {
                count: 4.0,
                rate: 1.3,
            },
        )]),
        checks: vec![
            CheckResult {
                group: "".into(),
                name: "status is 200".into(),
                passes: 4,
                fails: 0,
            },
            CheckResult {
                group: format!("::Outer::{nasty}"),
                name: nasty.into(),
                passes: 2,
                fails: 2,
            },
        ],
        stdout: String::new(),
        stderr: String::new(),
        elapsed: Duration::from_secs(3),
        summary: Some(serde_json::json!({
            "root_group": {"path": "", "groups": {"Outer": {"path": "::Outer", "groups": {
                nasty: {"path": format!("::Outer::{nasty}"), "groups": {}, "checks": {}}
            }, "checks": {}}}, "checks": {}}
        })),
    }
}

#[test]
fn a_failing_sla_shows_in_every_report_with_every_name_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let result = failing_run(dir.path());
    let report = Report::new(&result).expect("out.json is read");
    let files = report
        .write_to(dir.path())
        .expect("the reports are written");

    // JUnit: well-formed despite the control character and `]]>`; the failed and
    // the unreported threshold, the failing check, both groups it is in and the
    // verdict fail, each with a message.
    let junit = Junit::read(&files.junit);
    let counts = &junit.counts;
    assert_eq!(counts["run"], [1, 1, 1, 1, 1], "{counts:?}");
    assert_eq!(counts["thresholds"], [3, 2, 3, 2, 2], "{counts:?}");
    assert_eq!(counts["checks"], [2, 1, 2, 1, 1], "{counts:?}");
    assert_eq!(counts["groups"], [2, 2, 2, 2, 2], "{counts:?}");
    assert_eq!(counts[""], [8, 6, 8, 6, 6], "{counts:?}");
    let failure = |message: &str, kind: &str| {
        Some(JunitFailure {
            message: message.into(),
            kind: kind.into(),
            text: message.into(),
        })
    };
    assert_eq!(
        junit
            .case("thresholds", "http_req_duration: p(95)<500")
            .failure,
        failure(
            "threshold http_req_duration: p(95)<500 failed: observed 1450, bound < 500",
            "thresholds"
        )
    );
    assert_eq!(
        junit.case("run", "verdict").failure,
        failure("k6 run thresholds failed (exit code 99)", "run")
    );
    // The control character is U+FFFD; all else as the test named it.
    let shown = "<b>&\"quote\"|`tick` ]]> \u{FFFD}";
    let check = junit.case("checks", shown);
    assert_eq!(check.classname, format!("checks.::Outer::{shown}"));
    assert!(
        junit
            .cases
            .iter()
            .any(|c| c.suite == "groups" && c.name == format!("::Outer::{shown}")),
        "{junit:#?}"
    );

    // Markdown: the verdict, the failed row and the failing check, a table row per
    // line (the `|` in names escaped).
    let md = report.markdown();
    assert!(md.starts_with("# k6 run: thresholds failed ❌"), "{md}");
    assert!(
        md.contains("| `http_req_duration` | `p(95)<500` | 1450 | `< 500` | **FAILED** |"),
        "{md}"
    );
    assert!(md.contains("| **not reported** |"), "{md}");
    assert!(
        md.contains("| `checks` | `rate>0.5` | 0.750 | - | passed |"),
        "{md}"
    );
    let failing = md
        .split("## Failing checks")
        .nth(1)
        .expect("a failing checks section");
    assert!(failing.contains("| 2 | 2 |"), "{md}");
    assert!(!failing.contains("status is 200"), "{md}");
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 6 || cells == 5, "a broken table row: {line}");
    }
    // Outside code spans, markup characters are escaped.
    assert!(
        failing
            .contains("| ::Outer::\\<b\\>\\&\"quote\"\\|\\`tick\\` \\]\\]\\> \u{FFFD} | \\<b\\>"),
        "{md}"
    );

    // HTML: names escaped, the failure marked, the timeline and endpoints drawn.
    let html = report.html();
    assert!(!html.contains("<b>"), "an unescaped name in the HTML");
    assert!(html.contains("&lt;b&gt;&amp;&quot;quote&quot;|`tick` ]]&gt;"));
    assert!(html.contains("<header class=\"bad\">"));
    assert!(html.contains("<td class=\"fail\">FAILED</td>"));
    assert!(html.contains("<td class=\"fail\">not reported</td>"));
    let timeline: &Timeline = report.timeline().expect("a timeline from out.json");
    let per_second: Vec<(u64, u64)> = timeline
        .seconds
        .iter()
        .map(|s| (s.requests, s.failed))
        .collect();
    assert_eq!(per_second, [(2, 1), (1, 1), (1, 0)]);
    assert_eq!(timeline.seconds[0].vus, Some(2.0));
    let slowest = timeline.seconds[1].p99.expect("a p99 in the second second");
    assert!((slowest - 1500.0).abs() < 1500.0 * 0.01, "{slowest}");
    let login = timeline
        .endpoints
        .iter()
        .find(|e| e.name == "login")
        .expect("login");
    assert_eq!((login.count, login.error_rate), (2, Some(0.0)));
    assert_eq!(login.avg, Some(100.0));
    assert!(
        html.contains("<td class=\"num fail\">100.00%</td>"),
        "{html}"
    );

    // Chromium reads every name as text: no element a name could have made, the
    // rows of the three tables (a head row each) and the check's name in its cell.
    let dom = chromium_dom(&files.html);
    assert!(!dom.contains("<b>"), "{dom}");
    assert_eq!(
        dom.matches("<tr>").count(),
        (1 + 3) + (1 + 2) + (1 + 2),
        "{dom}"
    );
    assert!(
        dom.contains("<td>&lt;b&gt;&amp;\"quote\"|`tick` ]]&gt; \u{FFFD}</td>"),
        "{dom}"
    );
}

#[test]
fn a_run_that_wrote_no_samples_still_gets_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut result = failing_run(dir.path());
    result.verdict = Verdict::InvalidConfig;
    result.exit_code = Some(104);
    result.out_json = Some(dir.path().join("never-written.json"));
    let report = Report::new(&result).expect("a missing out.json is no error");
    assert!(report.timeline().is_none());
    let html = report.html();
    assert!(html.contains("No time series"), "{html}");
    assert!(html.contains("No per-endpoint data"), "{html}");
    assert!(report
        .markdown()
        .starts_with("# k6 run: invalid configuration ❌"));
    let files = report
        .write_to(dir.path().join("reports"))
        .expect("the reports are written");
    let verdict = Junit::read(&files.junit);
    let failure = verdict.case("run", "verdict").failure.as_ref();
    assert_eq!(
        failure.map(|f| (f.message.as_str(), f.kind.as_str())),
        Some(("k6 run invalid configuration (exit code 104)", "run"))
    );
}

// ---------------------------------------------------------------------------------
// Hostile names: whatever a user names a thing, the HTML and the JUnit XML keep their
// structure and show the name as written (control characters as U+FFFD).

/// Text built from pieces that try to leave an HTML text node or an XML attribute
/// or text, and arbitrary characters.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<"),
        Just(">"),
        Just("&"),
        Just("\""),
        Just("'"),
        Just("]]>"),
        Just("<![CDATA["),
        Just("</td></tr></table><b>"),
        Just("<script>alert(1)</script>"),
        Just("</style></title>"),
        Just("<!-- -->"),
        Just("&amp;&#10;&lt;"),
        Just("\u{1b}[31m"),
        Just("\u{1b}]0;title\u{7}"),
        Just("\u{9b}2J"),
        Just("\0"),
        Just("\u{1}\u{8}\u{b}\u{c}\u{1f}"),
        Just("\u{7f}"),
        Just("\u{FFFE}\u{FFFF}"),
        Just("\t"),
        Just("\n"),
        Just("\r\n"),
        Just("\r"),
        Just("😀\u{202e}"),
    ]
    .prop_map(str::to_owned);
    let piece = prop_oneof![
        3 => piece,
        1 => any::<char>().prop_map(String::from),
        1 => "[a-z ]{1,5}",
    ];
    proptest::collection::vec(piece, 1..6).prop_map(|parts| parts.concat())
}

/// Every name a user gives that reaches a report.
#[derive(Debug, Clone)]
struct Names {
    title: String,
    metric: String,
    tag_value: String,
    group: String,
    check: String,
}

fn names() -> impl Strategy<Value = Names> {
    (hostile(), hostile(), hostile(), hostile(), hostile()).prop_map(
        |(title, metric, tag_value, group, check)| Names {
            title,
            metric,
            tag_value,
            group,
            check,
        },
    )
}

/// A failed run with one threshold (on the metric, filtered by the tag value), one
/// failing check in the group, and one endpoint (the tag value) read from k6's JSON.
fn named_run(names: &Names, dir: &Path) -> (RunResult, Timeline) {
    let line = |value: serde_json::Value| value.to_string();
    let lines = [
        line(
            serde_json::json!({"type": "Metric", "metric": "http_req_duration",
            "data": {"name": "http_req_duration", "type": "trend", "contains": "time"}}),
        ),
        line(
            serde_json::json!({"type": "Point", "metric": "http_req_duration",
            "data": {"time": "2026-01-01T00:00:00.5Z", "value": 12.0,
                     "tags": {"name": names.tag_value}}}),
        ),
    ];
    let timeline = Timeline::from_reader(lines.join("\n").as_bytes()).expect("JSON lines");
    let result = RunResult {
        verdict: Verdict::ThresholdsFailed,
        exit_code: Some(99),
        dir: dir.to_path_buf(),
        script: dir.join("script.js"),
        summary_path: None,
        out_json: None,
        out_csv: None,
        thresholds: vec![ThresholdResult {
            declared: None,
            metric: format!("{}{{name:{}}}", names.metric, names.tag_value),
            expression: "p(95)<10".into(),
            outcome: Outcome::Failed,
            observed: Some(12.0),
        }],
        metrics: BTreeMap::new(),
        checks: vec![CheckResult {
            group: format!("::{}", names.group),
            name: names.check.clone(),
            passes: 1,
            fails: 1,
        }],
        stdout: String::new(),
        stderr: String::new(),
        elapsed: Duration::from_secs(1),
        summary: None,
    };
    (result, timeline)
}

/// What a reader should see of `text`: control characters (but tab and line
/// breaks) as U+FFFD.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// What an XML parser reads of `text` as element content: the non-characters XML
/// cannot carry as U+FFFD too, line breaks as `\n` (as XML reads them) and tabs as
/// spaces (quick-junit would drop a tab).
fn xml_content(text: &str) -> String {
    visible(text)
        .replace(['\u{FFFE}', '\u{FFFF}'], "\u{FFFD}")
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', " ")
}

/// What an XML parser reads of `text` as an attribute value: every whitespace
/// character a space (XML's attribute-value normalisation).
fn xml_attribute(text: &str) -> String {
    xml_content(text).replace(['\t', '\n'], " ")
}

/// The page's tags, in order, and its text between them with entities decoded.
/// Every `&` in the text must start one of the entities maud writes.
fn html_tags_and_texts(html: &str) -> (Vec<&str>, Vec<String>) {
    let (mut tags, mut texts) = (Vec::new(), Vec::new());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        texts.push(&rest[..start]);
        let end = start + rest[start..].find('>').expect("every tag is closed");
        tags.push(&rest[start..=end]);
        rest = &rest[end + 1..];
    }
    texts.push(rest);
    let decode = |text: &str| {
        let mut out = String::new();
        let mut parts = text.split('&');
        out.push_str(parts.next().unwrap_or_default());
        for part in parts {
            let (char, after) = [("amp;", '&'), ("lt;", '<'), ("gt;", '>'), ("quot;", '"')]
                .into_iter()
                .find_map(|(entity, c)| part.strip_prefix(entity).map(|after| (c, after)))
                .unwrap_or_else(|| panic!("a bare `&` in the page's text: `&{part}`"));
            out.push(char);
            out.push_str(after);
        }
        out
    };
    (tags, texts.into_iter().map(decode).collect())
}

fn check_names(names: &Names) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("a temporary directory can be created");
    let (result, timeline) = named_run(names, dir.path());
    let report = Report::with_timeline(&result, Some(timeline)).title(names.title.clone());

    // HTML: the same tags as a report of plain names, and each name as a text.
    let x = "x".to_string();
    let plain_names = Names {
        title: x.clone(),
        metric: x.clone(),
        tag_value: x.clone(),
        group: x.clone(),
        check: x,
    };
    let (plain_result, plain_timeline) = named_run(&plain_names, dir.path());
    let plain_html = Report::with_timeline(&plain_result, Some(plain_timeline))
        .title("x")
        .html();
    let html = report.html();
    let (tags, texts) = html_tags_and_texts(&html);
    let (plain_tags, _) = html_tags_and_texts(&plain_html);
    prop_assert_eq!(&tags, &plain_tags, "a name changed the page's structure");
    let shown = [
        ("title", names.title.clone()),
        ("threshold metric", result.thresholds[0].metric.clone()),
        ("group", result.checks[0].group.clone()),
        ("check", names.check.clone()),
        ("endpoint", names.tag_value.clone()),
    ];
    for (what, name) in &shown {
        let name = visible(name);
        prop_assert!(
            name.is_empty() || texts.contains(&name),
            "the {} {:?} is not a text of the page",
            what,
            name
        );
    }

    // JUnit: one case per suite as for plain names, and each name as written.
    let files = report
        .write_to(dir.path())
        .expect("the reports are written");
    let junit = Junit::read(&files.junit);
    for (suite, counts) in &junit.counts {
        let cases = if suite.is_empty() { 4 } else { 1 };
        prop_assert_eq!(counts, &[cases; 5], "suite `{}`", suite);
    }
    prop_assert_eq!(&junit.title, &xml_attribute(&names.title));
    let [run, threshold, check, group] = &junit.cases[..] else {
        return Err(TestCaseError::fail(format!("not four cases: {junit:#?}")));
    };
    prop_assert_eq!(&run.name, "verdict");
    prop_assert_eq!(
        &threshold.name,
        &xml_attribute(&result.thresholds[0].name())
    );
    prop_assert_eq!(&check.name, &xml_attribute(&names.check));
    prop_assert_eq!(
        &check.classname,
        &xml_attribute(&format!("checks.::{}", names.group))
    );
    prop_assert_eq!(&group.name, &xml_attribute(&format!("::{}", names.group)));
    for case in &junit.cases {
        let failure = case.failure.as_ref().expect("every case fails");
        // The message and the element's text say the same; the text keeps line
        // breaks that the attribute, as XML reads it, turns into spaces.
        prop_assert_eq!(&failure.message, &failure.text.replace('\n', " "));
        prop_assert_eq!(&failure.kind, &case.suite);
    }
    let group_failure = &group.failure.as_ref().expect("the group fails").text;
    prop_assert!(group_failure.contains(&xml_content(&names.group)));
    Ok(())
}

#[test]
fn hostile_names_cannot_change_the_structure_of_the_html_or_the_junit() {
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&names(), |names| check_names(&names))
        .unwrap();
}
