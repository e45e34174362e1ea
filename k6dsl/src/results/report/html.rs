//! [`Report::html`]: one self-contained page with inline CSS and SVG charts.
//!
//! The page is written with maud's [`html!`], which escapes every interpolated value
//! (`&`, `<`, `>`, `"`) as it goes in: a check, group, metric or endpoint name is
//! text wherever it is put, without a call to remember. The only raw insertions are
//! [`DOCTYPE`] and [`CSS`], constants of maud's and ours.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{
    bound, exit_code, format_number, group_label, instance_failed, instance_outcome, observed,
    Report, Second,
};
use crate::run::{CheckResult, Outcome, Verdict};

impl Report<'_> {
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
        let page = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) }
                    // Our constant stylesheet, unescaped: `<style>` is raw text, where
                    // an entity would not be decoded. It holds no user text.
                    style { (PreEscaped(CSS)) }
                }
                body {
                    header class=(if r.verdict == Verdict::Passed { "ok" } else { "bad" }) {
                        h1 { (self.title) }
                        p.verdict { (r.verdict) }
                        p {
                            "exit code " (exit_code(r))
                            " · " (format!("{:.1}", r.elapsed.as_secs_f64())) " s"
                            " · artifacts in " code { (r.dir.display()) }
                        }
                    }
                    (self.notes_section())
                    (self.instances_table())
                    (self.over_time())
                    (self.thresholds_table())
                    (self.checks_table())
                    (self.endpoints_table())
                }
            }
        };
        without_control_characters(page.into_string())
    }

    /// The notes given with [`Report::notes`], when there are any.
    fn notes_section(&self) -> Markup {
        html! {
            @if !self.notes.is_empty() {
                section.notes {
                    h2 { "Notes" }
                    ul { @for note in &self.notes { li { (note) } } }
                }
            }
        }
    }

    /// One row per instance of a distributed run, when there are instances.
    fn instances_table(&self) -> Markup {
        html! {
            @if !self.instances.is_empty() {
                section.instances {
                    h2 { "Instances" }
                    table {
                        (head_row(&[
                            "Instance", "Ended", "Requests", "Iterations", "Failed requests",
                            "Checks passed", "Checks failed", "p95 (ms)",
                        ]))
                        tbody {
                            @for i in self.instances {
                                tr {
                                    td { (i.label) }
                                    td class=(if i.ended_badly() { "fail" } else { "" }) {
                                        (instance_outcome(i))
                                    }
                                    td.num { (format_number(i.requests)) }
                                    td.num { (format_number(i.iterations)) }
                                    td.num.fail[i.failed_requests > 0] { (instance_failed(i)) }
                                    td.num { (i.checks_passed) }
                                    td.num.fail[i.checks_failed > 0] { (i.checks_failed) }
                                    td.num {
                                        (i.p95_duration.map_or_else(|| "-".into(), |v| format!("{v:.2}")))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Charts of requests/s, latency percentiles, failed requests/s and VUs.
    fn over_time(&self) -> Markup {
        let timeline = self.timeline.as_ref().filter(|t| !t.seconds.is_empty());
        html! {
            section {
                h2 { "Over time" }
                @if let Some(timeline) = timeline {
                    @let series = |f: fn(&Second) -> Option<f64>| {
                        timeline.seconds.iter().map(f).collect::<Vec<_>>()
                    };
                    (chart(
                        "Requests per second",
                        "req/s",
                        &[("requests/s", "#2563eb", series(|s| Some(s.requests as f64)))],
                    ))
                    (chart(
                        "Latency (http_req_duration)",
                        "ms",
                        &[
                            ("p50", "#16a34a", series(|s| s.p50)),
                            ("p95", "#d97706", series(|s| s.p95)),
                            ("p99", "#dc2626", series(|s| s.p99)),
                        ],
                    ))
                    (chart(
                        "Failed requests per second",
                        "req/s",
                        &[("failed/s", "#dc2626", series(|s| Some(s.failed as f64)))],
                    ))
                    (chart("Virtual users", "VUs", &[("vus", "#7c3aed", series(|s| s.vus))]))
                } @else {
                    p.note {
                        "No time series: run with " code { "out.json" }
                        " (" code { "Runner::out_json" } ") to get them."
                    }
                }
            }
        }
    }

    /// Threshold, observed value, bound and result, one row per threshold.
    fn thresholds_table(&self) -> Markup {
        let thresholds = &self.result.thresholds;
        html! {
            section {
                h2 { "Thresholds" }
                @if thresholds.is_empty() {
                    p.note { "No thresholds." }
                } @else {
                    table {
                        (head_row(&["Metric", "Threshold", "Observed", "Bound", "Result"]))
                        tbody {
                            @for t in thresholds {
                                @let (class, text) = match t.outcome {
                                    Outcome::Passed => ("pass", "passed"),
                                    Outcome::Failed => ("fail", "FAILED"),
                                    Outcome::NotReported => ("fail", "not reported"),
                                    Outcome::NoSamples => ("fail", "no samples (judged nothing)"),
                                };
                                tr {
                                    td { code { (t.metric) } }
                                    td { code { (t.expression) } }
                                    td.num { (observed(t)) }
                                    td { (bound(t)) }
                                    td class=(class) { (text) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Passes, fails and pass rate of every check, by group.
    fn checks_table(&self) -> Markup {
        let mut checks: Vec<&CheckResult> = self.result.checks.iter().collect();
        checks.sort_by(|a, b| a.group.cmp(&b.group));
        html! {
            section {
                h2 { "Checks by group" }
                @if checks.is_empty() {
                    p.note { "No checks." }
                } @else {
                    table {
                        (head_row(&["Group", "Check", "Passes", "Fails", "Pass rate"]))
                        tbody {
                            @for c in checks {
                                tr {
                                    td { (group_label(&c.group)) }
                                    td { (c.name) }
                                    td.num { (c.passes) }
                                    td.num.fail[c.fails > 0] { (c.fails) }
                                    td.num { (pass_rate(c)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Requests, average and p95 duration and error rate per endpoint.
    fn endpoints_table(&self) -> Markup {
        let endpoints = self.timeline.as_ref().map_or(&[][..], |t| &t.endpoints[..]);
        let ms = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.2}"));
        html! {
            section {
                h2 { "Endpoints" }
                @if endpoints.is_empty() {
                    p.note { "No per-endpoint data: run with " code { "out.json" } "." }
                } @else {
                    table {
                        (head_row(&["Endpoint", "Requests", "Avg (ms)", "p95 (ms)", "Error rate"]))
                        tbody {
                            @for e in endpoints {
                                tr {
                                    td { (e.name) }
                                    td.num { (e.count) }
                                    td.num { (ms(e.avg)) }
                                    td.num { (ms(e.p95)) }
                                    td.num.fail[e.error_rate.is_some_and(|r| r > 0.0)] {
                                        (e.error_rate.map_or_else(|| "-".into(), percent))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A table's head: one `th` per column.
fn head_row(columns: &[&str]) -> Markup {
    html! { thead { tr { @for column in columns { th { (column) } } } } }
}

fn pass_rate(check: &CheckResult) -> String {
    let total = check.passes + check.fails;
    if total == 0 {
        "-".into()
    } else {
        format!("{:.2}%", check.passes as f64 * 100.0 / total as f64)
    }
}

/// A share as a percentage with two decimals: `0.25` is `25.00%`.
fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

/// The page with every control character but tab and line breaks replaced by
/// U+FFFD. HTML does not allow them (a parse error, drawn as a box or not at all);
/// only a user's text can hold one, as the page's own text has none, so replacing
/// them in the whole page reaches every name without a call at each.
fn without_control_characters(page: String) -> String {
    let is_forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !page.contains(is_forbidden) {
        return page;
    }
    page.chars()
        .map(|c| if is_forbidden(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// The page's stylesheet: our own constant text, inserted unescaped.
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
/// line) as inline SVG. SVG elements are written with an end tag, never as void
/// elements: in HTML, `<rect>` without `/>` or `</rect>` would hold what follows.
fn chart(title: &str, unit: &str, lines: &[(&str, &str, Vec<Option<f64>>)]) -> Markup {
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
    let one_decimal = |v: f64| format!("{v:.1}");
    // Legend, right-aligned in the title row.
    let legend_x = |i: usize| W - RIGHT - 90.0 * lines.len() as f64 + 90.0 * i as f64;
    // Whole-second ticks, at most about eight.
    let tick_step = n.saturating_sub(1).div_ceil(8).max(1);
    let empty = n == 0 || !lines.iter().any(|(_, _, v)| v.iter().any(Option::is_some));
    // Each line as runs of consecutive points; a gap (`None`) starts a new run.
    let runs = |values: &[Option<f64>]| {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, value) in values.iter().enumerate() {
            match value.filter(|v| v.is_finite()) {
                Some(v) => runs.last_mut().expect("one run").push((x(i), y(v))),
                None => runs.push(Vec::new()),
            }
        }
        runs.retain(|r| !r.is_empty());
        runs
    };
    html! {
        svg viewBox=(format!("0 0 {W} {H}")) width="100%" role="img" aria-label=(title) {
            text x=(LEFT) y="18" style="font-size:14px;font-weight:600" { (title) " (" (unit) ")" }
            @for (i, (label, colour, _)) in lines.iter().enumerate() {
                rect x=(legend_x(i)) y="8" width="14" height="4" fill=(colour) {}
                text x=(legend_x(i) + 18.0) y="14" { (label) }
            }
            @for step in 0..=4 {
                @let py = y(top * f64::from(step) / 4.0);
                line x1=(LEFT) y1=(one_decimal(py)) x2=(W - RIGHT) y2=(one_decimal(py))
                    stroke="#e2e8f0" {}
                text x=(LEFT - 6.0) y=(one_decimal(py + 4.0)) text-anchor="end" {
                    (axis_number(top * f64::from(step) / 4.0))
                }
            }
            @for i in (0..n.max(1)).step_by(tick_step) {
                text x=(one_decimal(x(i))) y=(H - 8.0) text-anchor="middle" { (i) "s" }
            }
            line x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) stroke="#94a3b8" {}
            @if empty {
                text x=(W / 2.0) y=(TOP + plot_h / 2.0) text-anchor="middle" { "no data" }
            }
            @for (_, colour, values) in lines {
                @for run in runs(values) {
                    @if let [(cx, cy)] = run[..] {
                        circle cx=(one_decimal(cx)) cy=(one_decimal(cy)) r="3" fill=(colour) {}
                    } @else {
                        @let points: Vec<String> =
                            run.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect();
                        polyline fill="none" stroke=(colour) stroke-width="2"
                            points=(points.join(" ")) {}
                    }
                }
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_replacement_characters() {
        assert_eq!(
            without_control_characters("a\u{1}b\u{7f}c\td\n\u{85}".into()),
            "a\u{FFFD}b\u{FFFD}c\td\n\u{FFFD}"
        );
    }

    #[test]
    fn the_stylesheet_cannot_end_its_element() {
        // CSS goes in unescaped: it must hold no `</` (that would close `<style>`).
        assert!(!CSS.contains("</"));
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
        )
        .into_string();
        assert!(svg.contains("x &amp; y"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
        let empty = chart("empty", "ms", &[("a", "#000", vec![])]).into_string();
        assert!(empty.contains("no data"));
    }
}
