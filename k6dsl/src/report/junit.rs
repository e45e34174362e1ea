//! [`Report::junit`]: one JUnit test suite each for the verdict, the thresholds, the
//! checks and the groups.

use std::fmt::Write as _;

use super::{bound, exit_code, group_label, no_samples_message, observed, Report};
use crate::run::{Outcome, RunResult, Verdict};

impl Report<'_> {
    /// JUnit XML: suites `run` (one case: the verdict), `thresholds` (one case per
    /// threshold), `checks` (one case per check, classname `checks.GROUP`) and
    /// `groups` (one case per group, failing when a check in it or in a group inside
    /// it fails). Failed or unreported thresholds, thresholds whose metric received
    /// no samples ([`Outcome::NoSamples`]: they judged nothing), checks with fails,
    /// and a verdict other than passed are `<failure>`s with a message.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let xml = k6dsl::report::Report::with_timeline(&result, None).junit();
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
}

/// One JUnit test case.
struct Case {
    classname: String,
    name: String,
    failure: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            xml("a<b>&\"'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}&#10;"
        );
    }
}
