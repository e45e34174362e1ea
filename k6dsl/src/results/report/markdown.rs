//! [`Report::markdown`]: the verdict, thresholds and failing checks in Markdown.

use std::fmt::Write as _;

use super::{
    bound, exit_code, format_number, group_label, instance_failed, instance_outcome, observed,
    Report,
};
use crate::run::{Outcome, Verdict};

impl Report<'_> {
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
        for note in &self.notes {
            let _ = writeln!(out, "- {}", md_text(note));
        }
        if !self.notes.is_empty() {
            out.push('\n');
        }
        if !self.instances.is_empty() {
            out.push_str("## Instances\n\n");
            out.push_str(
                "| Instance | Ended | Requests | Iterations | Failed requests | Checks passed | Checks failed |\n",
            );
            out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
            for i in self.instances {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    md_text(&i.label),
                    md_text(&instance_outcome(i)),
                    format_number(i.requests),
                    format_number(i.iterations),
                    instance_failed(i),
                    i.checks_passed,
                    i.checks_failed
                );
            }
            out.push('\n');
        }
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
        assert_eq!(md_text("a_b|c\nd::e."), "a\\_b\\|c d::e.");
        assert_eq!(code_span("p(95)<500"), "`p(95)<500`");
        assert_eq!(code_span("a`b|c"), "``a`b\\|c``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }
}
