//! Checks of thresholds (in `thresholds!` and a scenario's `thresholds:`): tag
//! selectors, statistics, percentiles, bounds and `abort_on_fail` options, against
//! k6's metric facts.

use k6dsl_facts::metric::{
    builtin, is_valid_tag_name, stats_by_kind, Comparison, MetricKind, Stat, PERCENTILES,
    STAT_NAMES,
};

use super::{duration, parsed};
use crate::ast::thresholds::{Bound, Entry, Metric, Rule, Thresholds};
use crate::ast::MapKey;
use crate::ctxt::Ctxt;
use crate::lit;
use crate::suggest::suggestion;

/// The statistics in words: `avg, min, max, med, p(N), count, rate or value`.
pub fn stat_list() -> String {
    let mut names: Vec<&str> = Vec::new();
    for name in MetricKind::ALL.iter().flat_map(|kind| kind.stat_names()) {
        if !names.contains(name) {
            names.push(name);
        }
    }
    one_of(&names)
}

/// `a, b or c`.
fn one_of(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The comparisons in words: `<, <=, >, >=, ==, !=`. (`===` is accepted too and
/// means the same as `==`; Rust code spells equality `==`.)
pub fn operator_list() -> String {
    Comparison::ALL
        .iter()
        .filter(|op| **op != Comparison::Eq)
        .map(|op| op.symbol())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every entry of a thresholds list.
pub fn thresholds(cx: &Ctxt, thresholds: &Thresholds) {
    for entry in &thresholds.entries.items {
        if let Some(entry) = parsed(cx, entry) {
            self::entry(cx, entry);
        }
    }
}

fn entry(cx: &Ctxt, entry: &Entry) {
    for selector in entry.metric.selector.iter().flat_map(|s| &s.items) {
        let Some(selector) = parsed(cx, selector) else {
            continue;
        };
        match &selector.key {
            MapKey::Other(lit) => cx.error(lit.span(), "a tag name is a name or a string"),
            key if !is_valid_tag_name(&key.as_lit_str().value()) => {
                cx.error(key.span(), "a tag name cannot be empty: k6 crashes on it")
            }
            _ => {}
        }
    }
    if entry.rules.items.is_empty() {
        cx.error(
            entry.colon,
            "no rule after the metric: write one such as `p(95) < 500`",
        );
    }
    for rule in &entry.rules.items {
        if let Some(rule) = parsed(cx, rule) {
            self::rule(cx, &entry.metric, rule);
        }
    }
}

/// One rule on `metric`.
pub fn rule(cx: &Ctxt, metric: &Metric, rule: &Rule) {
    let stat = rule.stat.to_string();
    if !STAT_NAMES.contains(&stat.as_str()) {
        cx.error(
            rule.stat.span(),
            format!(
                "unknown threshold statistic `{stat}`{}; k6 has {}",
                stat_suggestion(&stat),
                MetricKind::ALL
                    .iter()
                    .map(|kind| format!("{} ({kind})", kind.stat_names().join(", ")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return;
    }
    if let Some((span, lit)) = &rule.percentile {
        match lit {
            None => cx.error(
                *span,
                "a percentile is a number from 0 to 100, such as `p(95)` or `p(99.9)`",
            ),
            Some(lit) => match lit::threshold_number(lit) {
                Err(message) => cx.error(lit.span(), message),
                Ok(value) if !PERCENTILES.contains(&value) => cx.error(
                    // `-1` is two tokens: point at the parentheses, which hold both.
                    if value < 0.0 { *span } else { lit.span() },
                    format!(
                        "percentile {value} is outside 0..=100: k6 accepts it and then crashes mid-run"
                    ),
                ),
                Ok(_) => {}
            },
        }
    }
    builtin_kind(cx, metric, rule, &stat);
    if let Bound::Number { lit, .. } = &rule.bound {
        if let Err(message) = lit::threshold_number(lit) {
            cx.error(lit.span(), message);
        }
    }
    for option in rule.abort_on_fail.iter().flat_map(|a| &a.options.items) {
        let Some(option) = parsed(cx, option) else {
            continue;
        };
        if option.key == "delay" {
            if let Some(delay) = parsed(cx, &option.value) {
                duration(cx, delay);
            }
        } else {
            cx.error(
                option.key.span(),
                format!(
                    "unknown option `{}`{}: `abort_on_fail` takes only `delay: <duration>` (k6's delayAbortEval)",
                    option.key,
                    suggestion(&option.key.to_string(), &["delay"])
                ),
            );
        }
    }
}

/// A statistic a built-in metric's kind lacks. (On a custom metric the same
/// mistake is a type error: its kind is in its type.)
fn builtin_kind(cx: &Ctxt, metric: &Metric, rule: &Rule, stat: &str) {
    let Some(metric) = metric.ident().and_then(|name| builtin(&name.to_string())) else {
        return;
    };
    let percentile = rule.percentile.as_ref().map(|_| 50.0);
    let Some(stat) = Stat::from_name(stat, percentile) else {
        return;
    };
    if !stat.applies_to(metric.kind) {
        let written = if matches!(stat, Stat::Percentile(_)) {
            "p(N)".to_owned()
        } else {
            stat.k6_name()
        };
        cx.error(
            rule.stat.span(),
            format!(
                "`{}` is a {} metric, which has no `{written}`: use {} (k6 allows: {})",
                metric.name,
                metric.kind,
                one_of(metric.kind.stat_names()),
                stats_by_kind()
            ),
        );
    }
}

/// ` (did you mean ..?)` for a statistic: `p95` is `p(95)`, `average` and `mean`
/// are `avg`, `median` is `med`; otherwise the closest name.
fn stat_suggestion(word: &str) -> String {
    let lower = word.to_lowercase();
    if let Some(n) = lower
        .strip_prefix('p')
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        return format!(" (did you mean `p({n})`?)");
    }
    let meant = match lower.as_str() {
        "average" | "mean" => Stat::Avg,
        "median" => Stat::Med,
        "minimum" => Stat::Min,
        "maximum" => Stat::Max,
        _ => return suggestion(word, STAT_NAMES),
    };
    format!(" (did you mean `{}`?)", meant.name())
}

/// Whether a rule has no mistake of its own, so that its expansion may be
/// type-checked beside the errors of the rest of the invocation (a statistic a
/// custom metric's kind lacks is then reported together with them).
pub fn is_clean(metric: &Metric, rule: &Rule) -> bool {
    let cx = Ctxt::new();
    self::rule(&cx, metric, rule);
    cx.check().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_in_words() {
        assert_eq!(
            stat_list(),
            "avg, min, max, med, p(N), count, rate or value"
        );
        assert_eq!(operator_list(), "<, <=, >, >=, ==, !=");
    }
}
