//! One merge thread's work: reading its share of the files line by line into
//! series (every metric, every sub-metric a threshold or a `Metric` line names),
//! checks by group and name, each file's instance totals, and the timeline's
//! per-second aggregate.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::input::{open, MergeError, MergeInput};
use super::series::{Allowance, Series};
use super::InstanceSummary;
use crate::model::MetricKind;
use crate::results::stream::{
    Aggregate, Config, Event, FxHasher, Histogram, MetricDecl, Point, Reader, TagKeys, Tags,
    Warning,
};

type FxMap<V> = HashMap<String, V, BuildHasherDefault<FxHasher>>;

/// Non-blank lines without a k6 line among them after which a file is declared not
/// to be k6's, without reading the rest.
const NOT_K6_AFTER: u64 = 100;

/// A sub-metric's selector: the tags a sample must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Selector {
    /// The metric it belongs to.
    pub(super) metric: String,
    /// Its name: a declared threshold's key, else the name k6 wrote.
    pub(super) name: String,
    /// The tags, by ascending key.
    pub(super) tags: Vec<(String, String)>,
}

impl Selector {
    fn matches(&self, tags: &Tags<'_>) -> bool {
        self.tags
            .iter()
            .all(|(k, v)| tags.get(k).is_some_and(|t| t == v))
    }
}

/// What a metric plays in the per-instance totals and the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    HttpReqs,
    HttpReqDuration,
    HttpReqFailed,
    Iterations,
    Checks,
    Vus,
    Other,
}

impl Role {
    fn of(name: &str) -> Role {
        match name {
            "http_reqs" => Role::HttpReqs,
            "http_req_duration" => Role::HttpReqDuration,
            "http_req_failed" => Role::HttpReqFailed,
            "iterations" => Role::Iterations,
            "checks" => Role::Checks,
            "vus" => Role::Vus,
            _ => Role::Other,
        }
    }

    /// Whether the report's timeline reads it.
    fn in_timeline(self) -> bool {
        matches!(
            self,
            Role::HttpReqs | Role::HttpReqDuration | Role::HttpReqFailed | Role::Vus
        )
    }
}

/// One metric: its total and its sub-metrics.
#[derive(Debug, Clone)]
pub(super) struct MetricSeries {
    pub(super) name: String,
    pub(super) kind: Option<MetricKind>,
    /// The thresholds its first `Metric` line listed.
    pub(super) file_thresholds: Vec<String>,
    pub(super) total: Series,
    pub(super) subs: Vec<(Selector, Series)>,
    role: Role,
}

/// One thread's collected data.
pub(super) struct Collector<'a> {
    alpha: f64,
    allowance: Allowance<'a>,
    /// Sub-metrics the declared thresholds name, by metric.
    declared: &'a [Selector],
    index: FxMap<usize>,
    pub(super) metrics: Vec<MetricSeries>,
    /// Passes and fails by group and check name, keyed `group\u{1f}name`.
    pub(super) checks: FxMap<(u64, u64)>,
    check_key: String,
    pub(super) timeline: Option<Aggregate>,
    pub(super) sketched: bool,
}

impl<'a> Collector<'a> {
    pub(super) fn new(
        allowance: Allowance<'a>,
        declared: &'a [Selector],
        alpha: f64,
        timeline: bool,
    ) -> Collector<'a> {
        let timeline_config = Config::default()
            .tag_keys(TagKeys::only(["endpoint", "name"]))
            .bucket(std::time::Duration::from_secs(1));
        Collector {
            alpha,
            allowance,
            declared,
            index: FxMap::default(),
            metrics: Vec::new(),
            checks: FxMap::default(),
            check_key: String::new(),
            timeline: timeline.then(|| Aggregate::new(timeline_config)),
            sketched: false,
        }
    }

    /// Reads one input to its end into this collector; its instance summary.
    pub(super) fn read(&mut self, input: &MergeInput) -> Result<InstanceSummary, MergeError> {
        let opened = open(&input.path)?;
        let file_bytes = std::fs::metadata(&input.path).map_or(0, |m| m.len());
        let mut reader = Reader::new(opened.reader);
        let mut instance = InstanceSummary::new(input);
        let mut durations = Histogram::new(self.alpha);
        let mut k6_lines = 0u64;
        let mut other_lines = 0u64;
        let mut non_blank = 0u64;
        let mut first_other: Option<(u64, String)> = None;
        loop {
            let event = match reader.next_event() {
                Ok(Some(event)) => event,
                Ok(None) => break,
                Err(source) => {
                    return Err(MergeError::Unreadable {
                        path: input.path.clone(),
                        source,
                    })
                }
            };
            let mut other = None;
            let mut for_timeline = false;
            match &event {
                Event::Metric(decl) => {
                    k6_lines += 1;
                    self.declare(decl, &mut instance);
                    for_timeline = Role::of(&decl.name).in_timeline();
                }
                Event::Point(point) => {
                    k6_lines += 1;
                    instance.points += 1;
                    for_timeline = self.add_point(point, &mut instance, &mut durations);
                }
                Event::Other(kind) => other = Some(format!("a line of type {kind:?}")),
                Event::Blank | Event::Invalid => {}
            }
            non_blank += u64::from(!matches!(event, Event::Blank));
            if let (Some(timeline), true) = (&mut self.timeline, for_timeline) {
                timeline.add_event(&event);
            }
            if let Some(reason) = other {
                other_lines += 1;
                first_other.get_or_insert((reader.lines(), reason));
            }
            if k6_lines == 0 && non_blank >= NOT_K6_AFTER {
                break;
            }
        }
        let warnings = reader.take_warnings();
        if k6_lines == 0 && reader.lines() > 0 {
            let only_a_cut_line = warnings.len() == 1 && warnings[0].truncated && other_lines == 0;
            if !only_a_cut_line {
                let (line, reason) = first_other
                    .or_else(|| warnings.first().map(|w| (w.line, w.message.clone())))
                    .unwrap_or((1, "no Metric or Point line".into()));
                return Err(MergeError::NotK6 {
                    path: input.path.clone(),
                    line,
                    reason,
                });
            }
        }
        instance.lines = reader.lines();
        instance.bytes = reader.bytes();
        instance.file_bytes = file_bytes;
        instance.invalid_lines = reader.invalid_lines();
        instance.p95_duration = durations.quantile(0.95);
        instance.warnings = warnings.iter().map(Warning::to_string).collect();
        if opened.cut_short.load(std::sync::atomic::Ordering::Relaxed) {
            instance.truncated = true;
            instance.warnings.push(
                "the gzip stream ends early (k6 was stopped while writing); \
                 every complete line before the cut counts"
                    .into(),
            );
        }
        instance.truncated |= warnings.iter().any(|w| w.truncated);
        if reader.lines() == 0 {
            instance
                .warnings
                .push("the file is empty: the instance recorded no sample".into());
        }
        Ok(instance)
    }

    /// The metric's index, registering it (with the declared sub-metrics) if new.
    fn metric(&mut self, name: &str, kind: Option<MetricKind>) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let subs = self
            .declared
            .iter()
            .filter(|s| s.metric == name)
            .map(|s| (s.clone(), self.new_series(kind)))
            .collect();
        self.metrics.push(MetricSeries {
            name: name.to_owned(),
            kind,
            file_thresholds: Vec::new(),
            total: self.new_series(kind),
            subs,
            role: Role::of(name),
        });
        self.index.insert(name.to_owned(), self.metrics.len() - 1);
        self.metrics.len() - 1
    }

    fn new_series(&self, kind: Option<MetricKind>) -> Series {
        let mut series = Series::new(kind);
        if self.sketched {
            series.sketch(self.alpha);
        }
        series
    }

    fn declare(&mut self, decl: &MetricDecl<'_>, instance: &mut InstanceSummary) {
        let i = self.metric(&decl.name, decl.kind);
        if self.metrics[i].kind.is_none() && decl.kind.is_some() {
            // Samples came before the declaration: their kind is known only now.
            let fresh = self.new_series(decl.kind);
            let metric = &mut self.metrics[i];
            metric.kind = decl.kind;
            if metric.total.count > 0 && decl.kind == Some(MetricKind::Trend) {
                instance.warnings.push(format!(
                    "{} had samples before its Metric line: their values count in its \
                     count, sum, min and max but not in its percentiles",
                    decl.name
                ));
            }
            for series in
                std::iter::once(&mut metric.total).chain(metric.subs.iter_mut().map(|s| &mut s.1))
            {
                series.values = fresh.values.clone();
            }
        }
        if self.metrics[i].file_thresholds.is_empty() {
            self.metrics[i].file_thresholds = decl.thresholds.clone();
        }
        for sub in &decl.submetrics {
            instance.submetrics.push(sub.name.clone());
            let known = self.metrics[i].subs.iter().any(|(s, _)| s.tags == sub.tags);
            if !known {
                let series = self.new_series(self.metrics[i].kind);
                let selector = Selector {
                    metric: decl.name.to_string(),
                    name: sub.name.clone(),
                    tags: sub.tags.clone(),
                };
                self.metrics[i].subs.push((selector, series));
            }
        }
    }

    fn add_point(
        &mut self,
        point: &Point<'_>,
        instance: &mut InstanceSummary,
        durations: &mut Histogram,
    ) -> bool {
        let i = match self.index.get(&*point.metric) {
            Some(&i) => i,
            None => self.metric(&point.metric, None),
        };
        let (t, v) = (point.time_ns, point.value);
        let Collector {
            metrics,
            allowance,
            checks,
            check_key,
            ..
        } = self;
        let metric = &mut metrics[i];
        let mut out_of_budget = metric.total.add(t, v, allowance);
        for (selector, series) in &mut metric.subs {
            if selector.matches(&point.tags) {
                out_of_budget |= series.add(t, v, allowance);
            }
        }
        instance.first_ns = Some(instance.first_ns.map_or(t, |f| f.min(t)));
        instance.last_ns = Some(instance.last_ns.map_or(t, |l| l.max(t)));
        match metric.role {
            Role::HttpReqs => instance.requests += v,
            Role::Iterations => instance.iterations += v,
            Role::HttpReqDuration => durations.add(v),
            Role::HttpReqFailed => {
                instance.failed_requests += u64::from(v != 0.0);
                instance.failed_samples += 1;
            }
            Role::Checks => {
                let passed = v != 0.0;
                instance.checks_passed += u64::from(passed);
                instance.checks_failed += u64::from(!passed);
                check_key.clear();
                check_key.push_str(point.tags.get("group").unwrap_or(""));
                check_key.push('\u{1f}');
                check_key.push_str(point.tags.get("check").unwrap_or(""));
                let counts = match checks.get_mut(check_key.as_str()) {
                    Some(counts) => counts,
                    None => checks.entry(check_key.clone()).or_default(),
                };
                counts.0 += u64::from(passed);
                counts.1 += u64::from(!passed);
            }
            Role::Vus | Role::Other => {}
        }
        let for_timeline = metric.role.in_timeline();
        if out_of_budget {
            self.sketch_all();
        }
        for_timeline
    }

    /// Turns every Trend series into a sketch, now and for series made later.
    pub(super) fn sketch_all(&mut self) {
        self.sketched = true;
        for metric in &mut self.metrics {
            metric.total.sketch(self.alpha);
            for (_, series) in &mut metric.subs {
                series.sketch(self.alpha);
            }
        }
    }

    /// Whether another thread exhausted the budget (checked between files).
    pub(super) fn budget_exceeded(&self) -> bool {
        self.allowance.sketching
    }
}
