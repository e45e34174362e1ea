//! [`Report::junit`]: one JUnit test suite each for the verdict, the thresholds, the
//! checks and the groups.
//!
//! The XML is written by quick-junit (nextest's JUnit model and writer): it counts
//! tests and failures per suite and escapes every attribute and text. What it
//! cannot do for us is keep characters that XML 1.0 cannot carry: it drops them,
//! and drops ANSI escape sequences with whatever text a stray ESC swallows. So
//! every text goes in through [`Case`] and [`xml_text`], which replace them first.

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{
    bound, exit_code, group_label, instance_outcome, no_samples_message, observed, Report,
};
use crate::run::{Outcome, RunResult, Verdict};

impl Report<'_> {
    /// JUnit XML: suites `run` (one case: the verdict), `thresholds` (one case per
    /// threshold), `checks` (one case per check, classname `checks.GROUP`) and
    /// `groups` (one case per group, failing when a check in it or in a group inside
    /// it fails), and for a merged run `instances` (one case per instance, failing
    /// when it crashed: see [`Report::instances`]). Failed or unreported thresholds, thresholds whose metric received
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
        if !self.instances.is_empty() {
            suites.push((
                "instances",
                self.instances
                    .iter()
                    .map(|i| Case {
                        classname: "instances".into(),
                        name: i.label.clone(),
                        failure: i.ended_badly().then(|| {
                            format!("instance {} ended: {}", i.label, instance_outcome(i))
                        }),
                    })
                    .collect(),
            ));
        }
        let mut junit = quick_junit::Report::new(xml_text(&self.title));
        junit.set_time(r.elapsed);
        junit.add_test_suites(suites.into_iter().map(|(name, cases)| {
            let mut suite = TestSuite::new(name);
            suite.add_test_cases(cases.into_iter().map(|case| case.into_test_case(name)));
            suite
        }));
        // Written to memory from `str`s: no I/O error and no invalid UTF-8 can occur.
        junit
            .to_string()
            .expect("JUnit XML written to memory cannot fail")
    }
}

/// One JUnit test case.
struct Case {
    classname: String,
    name: String,
    failure: Option<String>,
}

impl Case {
    /// The quick-junit test case, every text made XML-safe; a failure's message is
    /// both the `message` attribute and the element's text (where line breaks
    /// survive), its `type` the suite's name.
    fn into_test_case(self, suite: &str) -> TestCase {
        let status = match self.failure {
            None => TestCaseStatus::success(),
            Some(message) => {
                let message = xml_text(&message);
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(message.clone())
                    .set_type(suite)
                    .set_description(message);
                status
            }
        };
        let mut case = TestCase::new(xml_text(&self.name), status);
        case.set_classname(xml_text(&self.classname));
        case
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

/// `text` as quick-junit will keep it: every character that XML 1.0 cannot carry
/// (C0 controls but tab and line breaks, U+FFFE, U+FFFF) and every other control
/// character (DEL, C1) replaced by U+FFFD, as the HTML and Markdown reports do;
/// tabs as spaces and carriage returns as line feeds. Escaping `<`, `&` and quotes is
/// quick-junit's; this keeps its ANSI stripper from dropping characters silently: it
/// removes an ESC with the text after it, and every control but the line feed
/// (a tab would join the words around it).
fn xml_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' => c,
            '\t' => ' ',
            '\r' => '\n',
            '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        assert_eq!(
            xml_text("a<b>&\"'\u{1}\u{1b}[31mred\t\r\n\r\u{7f}\u{9b}\u{FFFE}"),
            "a<b>&\"'\u{FFFD}\u{FFFD}[31mred \n\n\u{FFFD}\u{FFFD}\u{FFFD}"
        );
    }

    #[test]
    fn quick_junit_keeps_every_replaced_text_as_it_is() {
        // quick-junit strips ANSI sequences and some controls; after `xml_text`
        // there is nothing left for it to strip.
        let text = xml_text("x\u{1b}]0;title\u{7}y \u{9b}2Jz ]]> <&>\ta\r\nb\rc\u{0}");
        assert_eq!(quick_junit::XmlString::new(&text).as_str(), text);
    }
}
