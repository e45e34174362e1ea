//! A failing run, built by hand (no k6 needed): its failures show in every report
//! format, with every name escaped.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use k6dsl::results::report::{Report, Timeline};
use k6dsl::run::{CheckResult, MetricValues, Outcome, RunResult, ThresholdResult, Verdict};

use super::{chromium_dom, Junit, JunitFailure};

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
