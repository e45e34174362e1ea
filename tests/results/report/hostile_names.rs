//! Hostile names: whatever a user names a thing, the HTML and the JUnit XML keep
//! their structure and show the name as written (control characters as U+FFFD).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use k6dsl::results::report::{Report, Timeline};
use k6dsl::run::{CheckResult, Outcome, RunResult, ThresholdResult, Verdict};
use proptest::prelude::*;

use super::Junit;

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
