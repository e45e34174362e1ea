//! From the threads' collected series to a [`MergedRun`]: series combined across
//! threads, sorted (or sketched, over the limit), turned into k6's summary values,
//! thresholds judged, checks listed and the verdict given.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::collect::{Collector, MetricSeries, Selector};
use super::result::{Approximation, InstanceSummary, MergedRun};
use super::series::Series;
use super::threshold::{judge, Expression};
use super::MergeOptions;
use crate::model::{self, MetricKind, Stat};
use crate::results::report::Timeline;
use crate::run::{CheckResult, MetricValues, Outcome, RunResult, ThresholdResult, Verdict};

/// The sub-metric k6 adds by itself; its name in a file says nothing about
/// thresholds.
const EXPECTED_RESPONSE: &str = "http_req_duration{expected_response:true}";

pub(super) fn build(
    collectors: Vec<Collector<'_>>,
    instances: Vec<InstanceSummary>,
    options: &MergeOptions,
    alpha: f64,
) -> MergedRun {
    let mut warnings = Vec::new();
    let mut metrics: BTreeMap<String, MetricSeries> = BTreeMap::new();
    let mut checks: HashMap<String, (u64, u64)> = HashMap::new();
    let mut timeline = None;
    let mut sketched = false;
    for collector in collectors {
        sketched |= collector.sketched;
        for (key, (passes, fails)) in collector.checks {
            let counts = checks.entry(key).or_default();
            counts.0 += passes;
            counts.1 += fails;
        }
        if let Some(aggregate) = collector.timeline {
            match &mut timeline {
                None => timeline = Some(aggregate),
                Some(all) => all.merge(&aggregate),
            }
        }
        for metric in collector.metrics {
            merge_metric(&mut metrics, metric, &mut warnings);
        }
    }
    let series_of = |m: &MetricSeries| {
        std::iter::once(&m.total)
            .chain(m.subs.iter().map(|(_, s)| s))
            .filter(|s| s.is_trend())
            .map(|s| s.count)
            .sum::<u64>()
    };
    let trend_samples: u64 = metrics.values().map(series_of).sum();
    sketched |= trend_samples > options.sample_limit;
    for metric in metrics.values_mut() {
        for series in
            std::iter::once(&mut metric.total).chain(metric.subs.iter_mut().map(|(_, s)| s))
        {
            if sketched {
                series.sketch(alpha);
            }
        }
    }
    sort_in_parallel(&mut metrics, options.threads);

    let (first, last) = instances.iter().fold((None, None), |(f, l), i| {
        (min_opt(f, i.first_ns), max_opt(l, i.last_ns))
    });
    let span = match (first, last) {
        (Some(f), Some(l)) => Duration::from_nanos(u64::try_from(l - f).unwrap_or(0)),
        _ => Duration::ZERO,
    };
    let elapsed = options.duration.unwrap_or(span);
    let seconds = elapsed.as_secs_f64();

    let mut approximate = Vec::new();
    let thresholds = judge_all(&metrics, options, seconds, &mut warnings);
    let values = summary_values(&metrics, options, &thresholds, seconds);
    for (key, value) in &values {
        if sketched && value.kind() == MetricKind::Trend && value.samples() != Some(0) {
            approximate.push(Approximation {
                metric: key.clone(),
                statistics: "med, p(N)".into(),
                relative_error: Some(alpha),
                reason: format!(
                    "{trend_samples} Trend samples are over the limit of {}: percentiles \
                     come from the sketch",
                    options.sample_limit
                ),
            });
        }
        if options.duration.is_none() && value.kind() == MetricKind::Counter {
            approximate.push(Approximation {
                metric: key.clone(),
                statistics: "rate".into(),
                relative_error: None,
                reason: "per second over the time from the first to the last sample; k6 \
                         divides by the whole test's duration (give it: MergeOptions::duration, \
                         `k6dsl merge --duration`)"
                    .into(),
            });
        }
    }
    for instance in &instances {
        warnings.extend(
            instance
                .warnings
                .iter()
                .map(|w| format!("{}: {w}", instance.path.display())),
        );
    }
    submetric_warnings(&instances, &metrics, options, &mut warnings);

    let mut checks: Vec<CheckResult> = checks
        .into_iter()
        .map(|(key, (passes, fails))| {
            let (group, name) = key.split_once('\u{1f}').unwrap_or(("", &key));
            CheckResult {
                group: group.to_owned(),
                name: name.to_owned(),
                passes,
                fails,
            }
        })
        .collect();
    checks.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));

    let verdict = verdict(&instances, &thresholds);
    let result = RunResult {
        verdict,
        exit_code: Some(super::exit_code_of(verdict)),
        dir: options
            .dir
            .clone()
            .unwrap_or_else(|| run_dir(&instances[0].path)),
        script: PathBuf::new(),
        summary_path: None,
        out_json: None,
        out_csv: None,
        thresholds,
        metrics: values,
        checks,
        stdout: String::new(),
        stderr: String::new(),
        elapsed,
        summary: None,
    };
    MergedRun {
        result,
        instances,
        approximate,
        warnings,
        timeline: timeline.map(|aggregate| Timeline::from_aggregate(&aggregate)),
        trend_samples,
        sample_limit: options.sample_limit,
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The run directory: `RUN` for `RUN/instance-<i>/out.json`, else the file's folder.
fn run_dir(path: &Path) -> PathBuf {
    let folder = path.parent().unwrap_or(Path::new("."));
    let in_instance = folder
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("instance-"));
    match folder.parent() {
        Some(run) if in_instance => run.to_owned(),
        _ => folder.to_owned(),
    }
}

/// Adds one thread's metric into the merged map.
fn merge_metric(
    metrics: &mut BTreeMap<String, MetricSeries>,
    metric: MetricSeries,
    warnings: &mut Vec<String>,
) {
    let Some(mine) = metrics.get_mut(&metric.name) else {
        metrics.insert(metric.name.clone(), metric);
        return;
    };
    if mine.kind.is_none() {
        mine.kind = metric.kind;
    } else if metric.kind.is_some() && metric.kind != mine.kind {
        warnings.push(format!(
            "{} is declared as a {} in one file and a {} in another: merged as the first",
            metric.name,
            mine.kind.map_or("?", MetricKind::k6_name),
            metric.kind.map_or("?", MetricKind::k6_name),
        ));
    }
    if mine.file_thresholds.is_empty() {
        mine.file_thresholds = metric.file_thresholds;
    }
    mine.total.merge(metric.total);
    for (selector, series) in metric.subs {
        match mine.subs.iter_mut().find(|(s, _)| s.tags == selector.tags) {
            Some((_, into)) => into.merge(series),
            None => mine.subs.push((selector, series)),
        }
    }
}

/// Sorts every exact series, the largest first, on up to `threads` threads.
fn sort_in_parallel(metrics: &mut BTreeMap<String, MetricSeries>, threads: Option<usize>) {
    let mut all: Vec<&mut Series> = metrics
        .values_mut()
        .flat_map(|m| std::iter::once(&mut m.total).chain(m.subs.iter_mut().map(|(_, s)| s)))
        .filter(|s| s.kept() > 0)
        .collect();
    all.sort_by_key(|s| std::cmp::Reverse(s.kept()));
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = threads.unwrap_or(cores).clamp(1, all.len().max(1));
    // Deal the series out largest first, each to the thread with the least work.
    let mut shares: Vec<(u64, Vec<&mut Series>)> = (0..threads).map(|_| (0, Vec::new())).collect();
    for series in all {
        let share = shares
            .iter_mut()
            .min_by_key(|(work, _)| *work)
            .expect("at least one thread");
        share.0 += series.kept();
        share.1.push(series);
    }
    std::thread::scope(|scope| {
        for (_, share) in shares {
            scope.spawn(move || share.into_iter().for_each(Series::finish));
        }
    });
}

/// The series for a threshold's or a summary's key: the metric's total, or the
/// sub-metric with these tags.
fn find<'m>(
    metrics: &'m BTreeMap<String, MetricSeries>,
    metric: &str,
    tags: &[(String, String)],
) -> Option<&'m Series> {
    let m = metrics.get(metric)?;
    if tags.is_empty() {
        return Some(&m.total);
    }
    m.subs.iter().find(|(s, _)| s.tags == tags).map(|(_, s)| s)
}

/// Every threshold judged: the declared ones in order, then those the files
/// state that were not declared.
fn judge_all(
    metrics: &BTreeMap<String, MetricSeries>,
    options: &MergeOptions,
    seconds: f64,
    warnings: &mut Vec<String>,
) -> Vec<ThresholdResult> {
    let mut results = Vec::new();
    for declared in &options.declared {
        let tags: Vec<(String, String)> = declared
            .selector
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let file_kind = metrics.get(&declared.metric).and_then(|m| m.kind);
        if file_kind.is_some_and(|k| k != declared.kind) {
            warnings.push(format!(
                "threshold {}: declared on a {} but the files hold a {}; judged as declared",
                declared.key(),
                declared.kind.k6_name(),
                file_kind.map_or("?", MetricKind::k6_name)
            ));
        }
        let expression = Expression {
            stat: declared.stat,
            op: declared.op,
            bound: declared.bound,
        };
        let series = find(metrics, &declared.metric, &tags);
        results.push(result_of(
            Some(declared.clone()),
            declared.key(),
            &expression,
            declared.kind,
            series,
            seconds,
            warnings,
        ));
    }
    for metric in metrics.values() {
        for source in &metric.file_thresholds {
            let already = results
                .iter()
                .any(|r| r.metric == metric.name && same_expression(&r.expression, source));
            if already {
                continue;
            }
            let Some(kind) = metric.kind else { continue };
            match Expression::parse(source) {
                Ok(expression) => results.push(result_of(
                    None,
                    metric.name.clone(),
                    &expression,
                    kind,
                    Some(&metric.total),
                    seconds,
                    warnings,
                )),
                Err(reason) => {
                    warnings.push(format!("threshold {}: {source}: {reason}", metric.name));
                    results.push(not_reported(None, metric.name.clone(), source.clone()));
                }
            }
        }
    }
    results
}

/// Whether two threshold texts say the same (`p(95) < 500` and `p(95)<500`).
fn same_expression(a: &str, b: &str) -> bool {
    match (Expression::parse(a), Expression::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

fn not_reported(
    declared: Option<model::Threshold>,
    metric: String,
    expression: String,
) -> ThresholdResult {
    ThresholdResult {
        declared,
        metric,
        expression,
        outcome: Outcome::NotReported,
        observed: None,
    }
}

fn result_of(
    declared: Option<model::Threshold>,
    key: String,
    expression: &Expression,
    kind: MetricKind,
    series: Option<&Series>,
    seconds: f64,
    warnings: &mut Vec<String>,
) -> ThresholdResult {
    let text = declared
        .as_ref()
        .map_or_else(|| expression.to_string(), model::Threshold::expression);
    match judge(expression, kind, series, seconds) {
        Ok(judgement) => ThresholdResult {
            declared,
            metric: key,
            expression: text,
            outcome: judgement.outcome,
            observed: judgement.observed,
        },
        Err(reason) => {
            warnings.push(format!("threshold {key}: {text}: {reason}; not judged"));
            not_reported(declared, key, text)
        }
    }
}

/// Every metric's and sub-metric's values as k6's summary shows them (with
/// zeros for a threshold's metric that received nothing, as k6 shows it).
fn summary_values(
    metrics: &BTreeMap<String, MetricSeries>,
    options: &MergeOptions,
    thresholds: &[ThresholdResult],
    seconds: f64,
) -> BTreeMap<String, MetricValues> {
    let mut stats: Vec<Stat> = k6dsl_facts::metric::DEFAULT_SUMMARY_TREND_STATS.to_vec();
    stats.extend(options.trend_stats.iter().copied());
    let mut values = BTreeMap::new();
    let add = |values: &mut BTreeMap<String, MetricValues>,
               key: &str,
               kind: MetricKind,
               series: Option<&Series>| {
        let mut wanted = stats.clone();
        wanted.extend(
            thresholds
                .iter()
                .filter(|t| t.metric == key)
                .filter_map(|t| {
                    t.declared
                        .as_ref()
                        .map(|d| d.stat)
                        .or_else(|| Expression::parse(&t.expression).ok().map(|e| e.stat))
                }),
        );
        values.insert(
            key.to_owned(),
            metric_values(kind, series, &wanted, seconds),
        );
    };
    for metric in metrics.values() {
        let Some(kind) = metric.kind else { continue };
        add(&mut values, &metric.name, kind, Some(&metric.total));
        for (selector, series) in &metric.subs {
            add(&mut values, &selector.name, kind, Some(series));
        }
    }
    for declared in &options.declared {
        if !values.contains_key(&declared.key()) {
            let tags: Vec<(String, String)> = declared
                .selector
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let series = find(metrics, &declared.metric, &tags);
            add(&mut values, &declared.key(), declared.kind, series);
        }
    }
    values
}

fn metric_values(
    kind: MetricKind,
    series: Option<&Series>,
    stats: &[Stat],
    seconds: f64,
) -> MetricValues {
    let empty = Series::new(Some(kind));
    let s = series.unwrap_or(&empty);
    match kind {
        MetricKind::Counter => MetricValues::Counter {
            count: s.sum,
            rate: if seconds > 0.0 { s.sum / seconds } else { 0.0 },
        },
        MetricKind::Gauge => MetricValues::Gauge {
            value: s.last,
            min: if s.count > 0 { s.min } else { 0.0 },
            max: if s.count > 0 { s.max } else { 0.0 },
        },
        MetricKind::Rate => MetricValues::Rate {
            rate: if s.count > 0 {
                s.non_zero as f64 / s.count as f64
            } else {
                0.0
            },
            passes: s.non_zero,
            fails: s.count - s.non_zero,
        },
        MetricKind::Trend => {
            let mut values = BTreeMap::new();
            values.insert("count".to_owned(), s.count as f64);
            for stat in stats {
                let value = match stat {
                    Stat::Avg => s.avg(),
                    Stat::Min => s.trend_min(),
                    Stat::Max => s.trend_max(),
                    Stat::Med => s.quantile(0.5),
                    Stat::Percentile(p) => s.quantile(p / 100.0),
                    Stat::Count | Stat::Rate | Stat::Value => continue,
                };
                values.insert(stat.k6_name(), value);
            }
            MetricValues::Trend(values)
        }
    }
}

/// Sub-metrics a file names whose thresholds the merge cannot know, and files
/// that name different sub-metrics.
fn submetric_warnings(
    instances: &[InstanceSummary],
    metrics: &BTreeMap<String, MetricSeries>,
    options: &MergeOptions,
    warnings: &mut Vec<String>,
) {
    // A file's sub-metric with a declared threshold's tags is the declared one
    // (collect.rs registers the declared selectors first, under their keys).
    let declared: Vec<String> = options.declared.iter().map(model::Threshold::key).collect();
    let mut unknown: Vec<&str> = metrics
        .values()
        .flat_map(|m| m.subs.iter().map(|(s, _)| s))
        .filter(|s: &&Selector| s.name != EXPECTED_RESPONSE && !declared.contains(&s.name))
        .map(|s| s.name.as_str())
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    if !unknown.is_empty() {
        warnings.push(format!(
            "the files name sub-metrics with thresholds whose expressions k6 does not \
             write to --out json: {}; merged values are in the reports, but these thresholds \
             are judged only when declared (MergeOptions::declared, `k6dsl merge --plan`)",
            unknown.join(", ")
        ));
    }
    let named: Vec<&InstanceSummary> = instances
        .iter()
        .filter(|i| !i.submetrics.is_empty())
        .collect();
    if let Some(first) = named.first() {
        let mut a = first.submetrics.clone();
        a.sort();
        a.dedup();
        for other in &named[1..] {
            let mut b = other.submetrics.clone();
            b.sort();
            b.dedup();
            if a != b {
                warnings.push(format!(
                    "{} and {} name different sub-metrics: were they runs of the same script?",
                    first.label, other.label
                ));
            }
        }
    }
}

/// An instance that ended badly decides the verdict; else the thresholds do.
fn verdict(instances: &[InstanceSummary], thresholds: &[ThresholdResult]) -> Verdict {
    if let Some(bad) = instances.iter().find(|i| i.ended_badly()) {
        return bad.verdict.expect("ended_badly has a verdict");
    }
    if thresholds.iter().any(|t| t.outcome == Outcome::Failed) {
        if instances
            .iter()
            .any(|i| i.verdict == Some(Verdict::AbortedByThreshold))
        {
            return Verdict::AbortedByThreshold;
        }
        return Verdict::ThresholdsFailed;
    }
    Verdict::Passed
}
