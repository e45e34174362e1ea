//! [`Report::html`]: one self-contained page with inline CSS and SVG charts.

use std::fmt::Write as _;

use super::{bound, exit_code, group_label, observed, Report, Second};
use crate::run::{Outcome, Verdict};

impl Report<'_> {
    /// The HTML report: one self-contained file (inline CSS and SVG, no script, no
    /// external resource).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let html = k6dsl::report::Report::new(&result)?.html();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
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
