//! Exact merged results of a test split across k6 instances.
//!
//! Each instance of a distributed run writes its samples with `--out json` (plain
//! NDJSON, or gzip), and judges its thresholds on its own share only. [`merge`]
//! reads every instance's file (in parallel, line by line, never a file whole)
//! and judges the whole test as one k6 would have:
//!
//! - **Counters** sum, **Rates** sum passes and totals, exactly.
//! - **Gauges**: the merged value is the sample with the latest time across all
//!   instances (the later input's on a tie), min and max over all; k6's own value
//!   is the last sample it received, which for one instance is the latest.
//! - **Trends**: count, min, max and avg exactly; `med` and `p(N)` exactly with
//!   k6's formula (`TrendSink.P`: linear interpolation between the ranks around
//!   `q·(n−1)` of the sorted samples), by keeping every sample, as k6 does, while
//!   all series together hold at most [`MergeOptions::sample_limit`] samples
//!   ([`DEFAULT_SAMPLE_LIMIT`], 25 million: 200 MB of `f64`, up to twice that
//!   while vectors grow). Beyond it every Trend series becomes a mergeable
//!   [`Histogram`](crate::results::stream::Histogram), whose percentiles are within
//!   [`MergeOptions::relative_accuracy`] (0.5%) of k6's, and
//!   [`MergedRun::approximate`] lists them.
//! - **Sub-metrics**: every selector a declared threshold or a file's `Metric` line
//!   names (`http_req_duration{endpoint:login}`, `{expected_response:true}`,
//!   `{group:::Checkout}`, scenario or custom tags), matched as k6 matches: the
//!   sample carries every tag of the selector.
//! - **Checks** by group and name, from the `checks` metric's `group` and `check`
//!   tags; **per-instance totals** (requests, iterations, failed requests,
//!   checks, p95) for the report's instance section.
//! - **Thresholds**: judged on the merged data with k6's grammar and semantics
//!   (aggregation methods per metric kind, [`Outcome::NoSamples`] as documented
//!   there), mapped back to the declared [`model::Threshold`]s when given (in
//!   declaration order), else read from the files: k6 writes the thresholds of
//!   whole metrics on their `Metric` lines, but only the *names* of sub-metrics,
//!   so a sub-metric threshold needs its declaration (a warning says which).
//! - **Counter `rate`** divides by the test's duration: [`MergeOptions::duration`]
//!   when given (the driver knows it), else the time from the first to the last
//!   sample, which is shorter than k6's, so listed as approximate.
//! - **Verdict**: an instance that crashed (per [`MergeInput::exit_code`] or
//!   [`MergeInput::verdict`]) decides it; else the merged thresholds: failed is
//!   [`Verdict::ThresholdsFailed`] (exit 99), held is [`Verdict::Passed`].
//!
//! A last line cut short (k6 killed) is a warning; a file that is missing,
//! unreadable or not k6's output is a [`MergeError`] that says what, where and how
//! to fix it.
//!
//! ```
//! use k6dsl::results::merge::{merge, MergeInput, MergeOptions};
//! use k6dsl::run::{Outcome, Verdict};
//!
//! let dir = tempfile::tempdir()?;
//! let metric = r#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(50)<=20"],"submetrics":null},"metric":"http_req_duration"}"#;
//! let point = |v: u32| format!(r#"{{"metric":"http_req_duration","type":"Point","data":{{"time":"2026-01-01T00:00:00Z","value":{v},"tags":{{}}}}}}"#);
//! // Each instance alone has a median of 10 or 20; merged it is 25.
//! std::fs::write(dir.path().join("a.json"), format!("{metric}\n{}\n{}\n", point(10), point(10)))?;
//! std::fs::write(dir.path().join("b.json"), format!("{metric}\n{}\n{}\n", point(40), point(40)))?;
//! let inputs = [MergeInput::new(dir.path().join("a.json")), MergeInput::new(dir.path().join("b.json"))];
//! let merged = merge(&inputs, &MergeOptions::default())?;
//! assert_eq!(merged.result.metric("http_req_duration").unwrap().trend("med"), Some(25.0));
//! let t = merged.result.threshold("http_req_duration", "p(50)<=20").unwrap();
//! assert_eq!((t.outcome, t.observed), (Outcome::Failed, Some(25.0)));
//! assert_eq!(merged.result.verdict, Verdict::ThresholdsFailed);
//! assert_eq!(merged.exit_code(), 99);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod build;
mod collect;
mod input;
mod result;
mod series;
mod threshold;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

pub use input::{MergeError, MergeInput};
pub use result::{exit_code_of, verdict_of_exit_code, Approximation, InstanceSummary, MergedRun};
pub use threshold::Expression;

use collect::{Collector, Selector};
use series::{Allowance, Budget};

use crate::model;
#[cfg(doc)]
use crate::run::{Outcome, Verdict};

/// The default [`MergeOptions::sample_limit`]: 25 million Trend samples, 200 MB of
/// `f64` (up to twice that while vectors grow). A k6 test at 1,000 requests/s with
/// 8 Trend samples per request (the 7 `http_req_*` timings and
/// `iteration_duration`) reaches it after about 50 minutes.
pub const DEFAULT_SAMPLE_LIMIT: u64 = 25_000_000;

/// How a merge is made.
///
/// ```
/// use std::time::Duration;
/// use k6dsl::results::merge::MergeOptions;
///
/// let options = MergeOptions::default()
///     .sample_limit(1_000_000)
///     .duration(Duration::from_secs(60))
///     .threads(2);
/// assert_eq!(options.sample_limit, 1_000_000);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOptions {
    /// The thresholds as declared in Rust (`script.to_ir().options.thresholds`, or
    /// a plan's): judged in this order and mapped back to these declarations.
    /// Empty: the thresholds come from the files' `Metric` lines.
    pub declared: Vec<model::Threshold>,
    /// The most Trend samples kept, over all series, before percentiles come from
    /// the sketch ([`DEFAULT_SAMPLE_LIMIT`]).
    pub sample_limit: u64,
    /// The sketch's relative accuracy (0.005: percentiles within 0.5%).
    pub relative_accuracy: f64,
    /// The test's duration (a Counter's `rate` divides by it); `None`: from the
    /// first to the last sample, flagged as approximate.
    pub duration: Option<Duration>,
    /// Trend statistics besides k6's defaults (`avg`, `min`, `med`, `max`, `p(90)`,
    /// `p(95)`), `count` and those thresholds use: `p(99)` by default.
    pub trend_stats: Vec<model::Stat>,
    /// Whether to build the per-second timeline for the HTML report.
    pub timeline: bool,
    /// How many threads read files (`None`: one per core, at most one per file).
    pub threads: Option<usize>,
    /// The run directory the reports name (`None`: the first input's folder's
    /// parent for `instance-<i>/out.json`, else its folder).
    pub dir: Option<PathBuf>,
}

impl Default for MergeOptions {
    fn default() -> MergeOptions {
        MergeOptions {
            declared: Vec::new(),
            sample_limit: DEFAULT_SAMPLE_LIMIT,
            relative_accuracy: 0.005,
            duration: None,
            trend_stats: vec![model::Stat::Percentile(99.0)],
            timeline: true,
            threads: None,
            dir: None,
        }
    }
}

impl MergeOptions {
    /// Sets [`MergeOptions::declared`].
    #[must_use]
    pub fn declared(mut self, thresholds: &[model::Threshold]) -> MergeOptions {
        self.declared = thresholds.to_vec();
        self
    }

    /// Sets [`MergeOptions::sample_limit`].
    #[must_use]
    pub fn sample_limit(mut self, samples: u64) -> MergeOptions {
        self.sample_limit = samples;
        self
    }

    /// Sets [`MergeOptions::relative_accuracy`] (in (0, 1)).
    #[must_use]
    pub fn relative_accuracy(mut self, alpha: f64) -> MergeOptions {
        self.relative_accuracy = alpha;
        self
    }

    /// Sets [`MergeOptions::duration`].
    #[must_use]
    pub fn duration(mut self, duration: Duration) -> MergeOptions {
        self.duration = Some(duration);
        self
    }

    /// Sets [`MergeOptions::threads`] (at least 1).
    #[must_use]
    pub fn threads(mut self, threads: usize) -> MergeOptions {
        self.threads = Some(threads.max(1));
        self
    }

    /// Sets [`MergeOptions::timeline`].
    #[must_use]
    pub fn timeline(mut self, on: bool) -> MergeOptions {
        self.timeline = on;
        self
    }

    /// Sets [`MergeOptions::dir`].
    #[must_use]
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> MergeOptions {
        self.dir = Some(dir.into());
        self
    }
}

/// Merges the instances' `--out json` files into one result: see the
/// [module documentation](self).
///
/// # Errors
///
/// [`MergeError`] when no input is given, or one is missing, unreadable or not
/// k6's `--out json` output (the first such input, in input order).
pub fn merge(inputs: &[MergeInput], options: &MergeOptions) -> Result<MergedRun, MergeError> {
    if inputs.is_empty() {
        return Err(MergeError::NoInputs);
    }
    let alpha = if options.relative_accuracy > 0.0 && options.relative_accuracy < 1.0 {
        options.relative_accuracy
    } else {
        0.005
    };
    let declared = declared_selectors(&options.declared);
    let budget = Budget::new(options.sample_limit);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = options.threads.unwrap_or(cores).clamp(1, inputs.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<InstanceSummary, MergeError>>>> =
        Mutex::new(inputs.iter().map(|_| None).collect());
    let collectors = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut collector =
                        Collector::new(Allowance::new(&budget), &declared, alpha, options.timeline);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = inputs.get(i) else { break };
                        let outcome = collector.read(input);
                        let failed = outcome.is_err();
                        if collector.budget_exceeded() && !collector.sketched {
                            collector.sketch_all();
                        }
                        lock(&results)[i] = Some(outcome);
                        if failed {
                            // The merge fails; let the other threads stop soon.
                            next.store(inputs.len(), Ordering::Relaxed);
                            break;
                        }
                    }
                    collector
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().map_err(|e| panic_message(&e)))
            .collect::<Result<Vec<_>, _>>()
    })
    .map_err(MergeError::Internal)?;
    let mut instances = Vec::with_capacity(inputs.len());
    for result in lock(&results).drain(..) {
        match result {
            Some(Ok(instance)) => instances.push(instance),
            Some(Err(e)) => return Err(e),
            // Not read because an earlier input failed: that error is returned.
            None => continue,
        }
    }
    if instances.len() < inputs.len() {
        return Err(MergeError::Internal("an input was not read".into()));
    }
    Ok(build::build(collectors, instances, options, alpha))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// The sub-metrics the declared thresholds name, once each.
fn declared_selectors(declared: &[model::Threshold]) -> Vec<Selector> {
    let mut selectors: Vec<Selector> = Vec::new();
    for threshold in declared.iter().filter(|t| !t.selector.is_empty()) {
        let tags: Vec<(String, String)> = threshold
            .selector
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !selectors
            .iter()
            .any(|s| s.metric == threshold.metric && s.tags == tags)
        {
            selectors.push(Selector {
                metric: threshold.metric.clone(),
                name: threshold.key(),
                tags,
            });
        }
    }
    selectors
}
