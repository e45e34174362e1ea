//! [`Runner`]: writing a script into its run directory and running k6 on it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::cluster::{InstanceRun, Job};
use super::progress::{Control, InstanceState, Progress, Tally};
use super::rest::Rest;
use super::summary::{parse_checks, parse_metrics, parse_thresholds};
use super::verdict::verdict_of;
use super::{find_k6, io, process, RunError, RunResult, StopReason, ThresholdResult, Verdict};
use crate::model::options::TrendStat;
use crate::model::split::Split;
use crate::model::{self, MetricKind, Stat};
use crate::validate::problem::ValidationError;
use crate::validate::{check_split, SetupRuns};
use crate::{File, Language, Layout, Script, Target};
use k6dsl_facts::metric::DEFAULT_SUMMARY_TREND_STATS;

/// Stops a running test from another thread: k6 gets SIGINT, writes its summary and
/// the result's verdict is [`Verdict::Interrupted`].
///
/// ```no_run
/// use k6dsl::run::{Cancel, Runner};
/// let cancel = Cancel::new();
/// let stopper = cancel.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_secs(5));
///     stopper.cancel();
/// });
/// let result = Runner::new().cancel_with(&cancel).run_source("script.js", "export default function () {}", &[])?;
/// # Ok::<(), k6dsl::run::RunError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A token nobody has cancelled yet.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Asks the run to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Runs k6 on a generated script. Configure it with the builder methods, then call
/// [`Runner::run`] (a [`Script`]) or [`Runner::run_source`] (script text).
///
/// ```no_run
/// use k6dsl::run::Runner;
/// use std::time::Duration;
/// let result = Runner::new()
///     .dir("target/k6-runs/smoke")
///     .env("SHOP_PASSWORD", "demo-pass")
///     .out_json()
///     .out_csv()
///     .out("experimental-prometheus-rw")
///     .timeout(Duration::from_secs(120))
///     .run_source("script.js", "export default function () {}", &[])?;
/// println!("{} in {}", result.verdict, result.dir.display());
/// # Ok::<(), k6dsl::run::RunError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct Runner {
    pub(super) k6: Option<PathBuf>,
    pub(super) env: Vec<(String, String)>,
    pub(super) inherit_env: bool,
    pub(super) outs: Vec<String>,
    pub(super) out_json: bool,
    pub(super) out_csv: bool,
    pub(super) dir: Option<PathBuf>,
    pub(super) timeout: Option<Duration>,
    pub(super) grace: Duration,
    pub(super) echo: bool,
    pub(super) cancel: Option<Cancel>,
    pub(super) live_view: bool,
    pub(super) on_progress: Option<ProgressCallback>,
}

/// [`Runner::on_progress`]'s callback, shared by the runner's clones.
pub(super) type ProgressCallback = Arc<Mutex<dyn FnMut(&Progress) -> Control + Send>>;

/// A run split across instances ([`Runner::run_split`]).
#[derive(Debug, Clone)]
pub struct SplitRun {
    /// The run as one: its verdict (an instance's failure or the run stopped,
    /// else the thresholds judged on every instance's samples together), the
    /// merged metrics, checks and thresholds.
    pub result: RunResult,
    /// The merge of every instance's samples, with its per-instance figures and
    /// reports ([`MergedRun::report`](crate::results::merge::MergedRun::report));
    /// `None` when no instance wrote samples (none started).
    pub merged: Option<crate::results::merge::MergedRun>,
    /// Each instance, in order.
    pub instances: Vec<InstanceRun>,
    /// What runs differently split than on one machine
    /// ([`check_split`](crate::validate::check_split)'s warnings).
    pub warnings: Vec<ValidationError>,
    /// Why the run stopped early or an instance failed, when it did.
    pub notes: Vec<String>,
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets: names only.
        let env: Vec<&str> = self.env.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Runner")
            .field("k6", &self.k6)
            .field("env", &env)
            .field("inherit_env", &self.inherit_env)
            .field("outs", &self.outs)
            .field("out_json", &self.out_json)
            .field("out_csv", &self.out_csv)
            .field("dir", &self.dir)
            .field("timeout", &self.timeout)
            .field("grace", &self.grace)
            .field("echo", &self.echo)
            .field("live_view", &self.live_view)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

impl Default for Runner {
    fn default() -> Self {
        Runner::new()
    }
}

impl Runner {
    /// A runner with no timeout, a 10 s SIGINT-to-SIGKILL grace, output echoed to
    /// the terminal and a fresh run directory per run.
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new();
    /// assert!(format!("{runner:?}").starts_with("Runner"));
    /// ```
    pub fn new() -> Self {
        Runner {
            k6: None,
            env: Vec::new(),
            inherit_env: false,
            outs: Vec::new(),
            out_json: false,
            out_csv: false,
            dir: None,
            timeout: None,
            grace: Duration::from_secs(10),
            echo: true,
            cancel: None,
            live_view: false,
            on_progress: None,
        }
    }

    /// Uses this k6 binary instead of searching ([`find_k6`]). A relative path is
    /// relative to this process's current directory when the run starts (not to
    /// the run directory, where k6 runs).
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().k6(".tools/k6/bin/k6");
    /// # drop(runner);
    /// ```
    pub fn k6(mut self, path: impl Into<PathBuf>) -> Self {
        self.k6 = Some(path.into());
        self
    }

    /// Sets an environment variable for k6 (the script reads it as `__ENV.NAME`).
    /// This is the way to pass secrets: they never appear on k6's command line.
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().env("SHOP_PASSWORD", "hunter2");
    /// assert!(!format!("{runner:?}").contains("hunter2"));
    /// ```
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Passes this process's whole environment to k6 (default: a clean environment
    /// with only `PATH`, `HOME` and the variables given with [`Runner::env`]).
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().inherit_env(true);
    /// # drop(runner);
    /// ```
    pub fn inherit_env(mut self, inherit: bool) -> Self {
        self.inherit_env = inherit;
        self
    }

    /// Writes every sample as NDJSON to `out.json` in the run directory
    /// (`--out json=…`); [`RunResult::out_json`] is its path.
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().out_json();
    /// # drop(runner);
    /// ```
    pub fn out_json(mut self) -> Self {
        self.out_json = true;
        self
    }

    /// Writes every sample as CSV to `out.csv` in the run directory
    /// (`--out csv=…`); [`RunResult::out_csv`] is its path.
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().out_csv();
    /// # drop(runner);
    /// ```
    pub fn out_csv(mut self) -> Self {
        self.out_csv = true;
        self
    }

    /// Passes any other output to k6 as `--out VALUE` (`influxdb=http://…`,
    /// `experimental-prometheus-rw`, `statsd`). Relative file paths in it are
    /// relative to the run directory.
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().out("influxdb=http://localhost:8086/k6");
    /// # drop(runner);
    /// ```
    pub fn out(mut self, value: impl Into<String>) -> Self {
        self.outs.push(value.into());
        self
    }

    /// Keeps every artifact of the run in this directory (created if missing; files
    /// of an earlier run there are overwritten). By default each run gets a fresh
    /// directory under the system's temporary directory, which is kept.
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().dir("target/k6-runs/smoke");
    /// # drop(runner);
    /// ```
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Stops k6 after this long: SIGINT, then SIGKILL after the grace period. The
    /// verdict is then [`Verdict::TimedOut`], or [`Verdict::Killed`] when SIGKILL
    /// was needed. Without a timeout the run still returns when k6 exits, even if
    /// a process k6 started is still running (it is killed).
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().timeout(std::time::Duration::from_secs(60));
    /// # drop(runner);
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long k6 may take to write its summary after SIGINT before it is killed,
    /// together with every process it started (default 10 s).
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().grace(std::time::Duration::from_secs(3));
    /// # drop(runner);
    /// ```
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Whether k6's stdout and stderr are echoed to this process's as they come
    /// (default true). They are captured either way.
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().echo(false);
    /// # drop(runner);
    /// ```
    pub fn echo(mut self, echo: bool) -> Self {
        self.echo = echo;
        self
    }

    /// Stops the run when `cancel` is cancelled (verdict [`Verdict::Interrupted`]).
    ///
    /// ```
    /// let cancel = k6dsl::run::Cancel::new();
    /// let runner = k6dsl::run::Runner::new().cancel_with(&cancel);
    /// # drop(runner);
    /// ```
    pub fn cancel_with(mut self, cancel: &Cancel) -> Self {
        self.cancel = Some(cancel.clone());
        self
    }

    /// Prints a line of what the run is doing to stderr about once a second
    /// (elapsed time, VUs, requests per second, failure rate, checks, each
    /// instance's state), read from k6's REST API (default off; a split run's
    /// instances do not echo their own output).
    ///
    /// ```
    /// let runner = k6dsl::run::Runner::new().live_view(true);
    /// # drop(runner);
    /// ```
    pub fn live_view(mut self, on: bool) -> Self {
        self.live_view = on;
        self
    }

    /// Calls `callback` with the run's [`Progress`] about once a second while k6
    /// runs; when it returns [`Control::Stop`] the run ends there (k6 ends the
    /// test and writes its summary) with [`Verdict::StoppedEarly`]. For a test
    /// that should not go on once it is clear it fails, such as an arrival-rate
    /// test that drops iterations.
    ///
    /// ```
    /// use k6dsl::run::{Control, Runner};
    /// let runner = Runner::new().on_progress(|progress| {
    ///     if progress.dropped_iterations > 0 { Control::Stop } else { Control::Continue }
    /// });
    /// # drop(runner);
    /// ```
    pub fn on_progress(
        mut self,
        callback: impl FnMut(&Progress) -> Control + Send + 'static,
    ) -> Self {
        self.on_progress = Some(Arc::new(Mutex::new(callback)));
        self
    }

    /// Generates `script` (validating it), writes it as `script.js` with the files
    /// it opens ([`Script::data_files`]: data rows, copies of data files and PEM
    /// files) into the run directory and runs k6 on it. Each threshold of the result
    /// carries the [`model::Threshold`] it was declared as.
    ///
    /// ```no_run
    /// use k6dsl::prelude::*;
    /// let script = Script::new().shortcut(Shortcut::iterations(nz!(1), nz!(1)));
    /// let result = k6dsl::run::Runner::new().run(&script)?;
    /// result.assert_passed();
    /// # Ok::<(), k6dsl::run::RunError>(())
    /// ```
    pub fn run<L>(&self, script: &Script<L>) -> Result<RunResult, RunError> {
        self.run_generated(script, Language::JavaScript)
    }

    /// As [`Runner::run`], with the script generated as TypeScript
    /// ([`Script::to_typescript`]) and saved as `script.ts`, which k6 runs directly.
    ///
    /// ```no_run
    /// use k6dsl::prelude::*;
    /// let script = Script::new().shortcut(Shortcut::iterations(nz!(1), nz!(1)));
    /// let result = k6dsl::run::Runner::new().run_typescript(&script)?;
    /// assert!(result.script.ends_with("script.ts"));
    /// # Ok::<(), k6dsl::run::RunError>(())
    /// ```
    pub fn run_typescript<L>(&self, script: &Script<L>) -> Result<RunResult, RunError> {
        self.run_generated(script, Language::TypeScript)
    }

    /// Generates the single-script layout (the script, the files it opens and the
    /// folders its summary and outputs write into) and runs it.
    fn run_generated<L>(
        &self,
        script: &Script<L>,
        language: Language,
    ) -> Result<RunResult, RunError> {
        let target = Target {
            language,
            layout: Layout::Script,
        };
        let (entry, files) = script.generate(target)?.split_entry();
        let file_name = match language {
            Language::JavaScript => "script.js",
            Language::TypeScript => "script.ts",
        };
        let model = script.to_ir();
        self.execute(
            file_name,
            entry.text().expect("k6dsl writes its scripts as text"),
            &files,
            &model.options.thresholds,
            model.options.general.summary_trend_stats.as_deref(),
        )
    }

    /// Runs script text written by hand (`file_name` decides how k6 reads it:
    /// `.js`, or `.ts` which k6 transpiles), with companion `files` (each [`File`]'s path
    /// relative to the script). Its thresholds are read from the summary
    /// only, so none has [`ThresholdResult::declared`].
    ///
    /// ```no_run
    /// let result = k6dsl::run::Runner::new().run_source(
    ///     "script.js",
    ///     "export default function () { throw new Error('boom'); }",
    ///     &[],
    /// )?;
    /// println!("{}", result.verdict);
    /// # Ok::<(), k6dsl::run::RunError>(())
    /// ```
    pub fn run_source(
        &self,
        file_name: &str,
        source: &str,
        files: &[File],
    ) -> Result<RunResult, RunError> {
        self.execute(file_name, source, files, &[], None)
    }

    fn execute(
        &self,
        file_name: &str,
        source: &str,
        files: &[File],
        declared: &[model::Threshold],
        trend_stats: Option<&[TrendStat]>,
    ) -> Result<RunResult, RunError> {
        let (k6, dir, script_path) = self.prepare(file_name, source, files)?;
        let summary_path = dir.join("summary.json");
        let _ = std::fs::remove_file(&summary_path);
        let out_json = self.out_json.then(|| dir.join("out.json"));
        let out_csv = self.out_csv.then(|| dir.join("out.csv"));

        let mut command = self.k6_command(&k6, &dir);
        command
            .arg("run")
            .arg("--no-color")
            .arg(format!("--summary-export={}", summary_path.display()))
            .arg(format!(
                "--summary-trend-stats={}",
                summary_trend_stats(trend_stats, declared)
            ));
        if let Some(path) = &out_json {
            command.arg(format!("--out=json={}", path.display()));
        }
        if let Some(path) = &out_csv {
            command.arg(format!("--out=csv={}", path.display()));
        }
        for out in &self.outs {
            command.arg(format!("--out={out}"));
        }
        // The live view reads k6's REST API, on a port of this run's own.
        let rest = if self.live_view || self.on_progress.is_some() {
            let port = super::cluster::free_port()?;
            command.arg(format!("--address=127.0.0.1:{port}"));
            Some(Rest::on_port(port))
        } else {
            None
        };
        command.arg(&script_path);

        let started = Instant::now();
        let mut view = SingleView {
            rest,
            tally: Tally::new(),
            last: started,
            started,
        };
        let finished = process::run(
            command,
            &k6.display().to_string(),
            process::Logs {
                stdout: dir.join("stdout.log"),
                stderr: dir.join("stderr.log"),
                echo: self.echo,
            },
            &process::Limits {
                timeout: self.timeout,
                grace: self.grace,
                cancel: self.cancel.as_ref(),
            },
            &mut || view.tick(self),
        )?;
        let process::Finished {
            status,
            stopped,
            elapsed,
            stdout,
            stderr,
        } = finished;

        let summary: Option<serde_json::Value> = std::fs::read(&summary_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let exit_code = status.code();
        let verdict = match stopped {
            Some((why, true)) => Verdict::Killed(why),
            Some((StopReason::TimedOut, false)) => Verdict::TimedOut,
            Some((StopReason::Cancelled, false)) => Verdict::Interrupted,
            Some((StopReason::OnProgress, false)) => Verdict::StoppedEarly,
            None => verdict_of(exit_code, &stderr),
        };
        let metrics = summary.as_ref().map(parse_metrics).unwrap_or_default();
        let thresholds = summary
            .as_ref()
            .map(|s| parse_thresholds(s, declared, &metrics))
            .unwrap_or_else(|| {
                declared
                    .iter()
                    .map(|t| ThresholdResult::not_reported(t.clone()))
                    .collect()
            });
        let checks = summary.as_ref().map(parse_checks).unwrap_or_default();
        Ok(RunResult {
            verdict,
            exit_code,
            dir,
            script: script_path,
            summary_path: summary.is_some().then_some(summary_path),
            out_json,
            out_csv,
            thresholds,
            metrics,
            checks,
            stdout,
            stderr,
            elapsed,
            summary,
        })
    }
}

/// The live view of a run on one machine.
struct SingleView {
    rest: Option<Rest>,
    tally: Tally,
    last: Instant,
    started: Instant,
}

impl SingleView {
    /// About once a second: the view, shown and handed to the callback.
    fn tick(&mut self, runner: &Runner) -> Option<StopReason> {
        let rest = self.rest.as_ref()?;
        if self.last.elapsed() < Duration::from_secs(1) {
            return None;
        }
        self.last = Instant::now();
        // Not answering yet (initialising) or any more (ending): no view now.
        let status = rest.status().ok()?;
        let metrics = rest.metrics().ok()?;
        let state = InstanceState::of(&status);
        let view = self
            .tally
            .view(self.started.elapsed(), &[(state, Some((status, metrics)))]);
        if runner.live_view {
            eprintln!("{view}");
        }
        let callback = runner.on_progress.as_ref()?;
        let mut callback = callback.lock().unwrap_or_else(|p| p.into_inner());
        (callback(&view) == Control::Stop).then_some(StopReason::OnProgress)
    }
}

/// A new directory for one run under the system's temporary directory,
/// `k6dsl-run-XXXXXX`: a name no other run (of this process or another) has, made
/// by tempfile, and kept after the run, since its artifacts are the run's record.
fn fresh_dir() -> Result<PathBuf, RunError> {
    tempfile::Builder::new()
        .prefix("k6dsl-run-")
        .tempdir()
        .map(tempfile::TempDir::keep)
        .map_err(io(format!(
            "creating a run directory in {}",
            std::env::temp_dir().display()
        )))
}

impl Runner {
    /// The k6 binary, and the run directory with the script (its path) and the
    /// files it opens written into it.
    fn prepare(
        &self,
        file_name: &str,
        source: &str,
        files: &[File],
    ) -> Result<(PathBuf, PathBuf, PathBuf), RunError> {
        let k6 = find_k6(self.k6.as_deref())?;
        let dir = match &self.dir {
            Some(dir) => dir.clone(),
            None => fresh_dir()?,
        };
        std::fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
        let dir = dir
            .canonicalize()
            .map_err(io(format!("resolving {}", dir.display())))?;
        let script_path = dir.join(file_name);
        write_file(&script_path, source)?;
        for file in files {
            write_file(&dir.join(&file.path), &file.contents)?;
        }
        Ok((k6, dir, script_path))
    }

    /// Runs `script` split across `split.instances()` k6 processes on this
    /// machine, each exactly as a k6-operator runner runs it, with setup and
    /// teardown once for the whole test (see [`crate::run`]'s "Split runs").
    /// The split is checked first ([`check_split`]): its errors stop the run
    /// before k6 starts, its warnings are printed (when echoing) and returned.
    ///
    /// ```no_run
    /// use k6dsl::model::split::Split;
    /// use k6dsl::prelude::*;
    /// let script = Script::new().shortcut(Shortcut::iterations(nz!(6), nz!(60)));
    /// let run = k6dsl::run::Runner::new().live_view(true).run_split(&script, &Split::equal(3))?;
    /// assert_eq!(run.instances.len(), 3);
    /// run.result.assert_passed();
    /// # Ok::<(), k6dsl::run::RunError>(())
    /// ```
    pub fn run_split<L>(&self, script: &Script<L>, split: &Split) -> Result<SplitRun, RunError> {
        let model = script.to_ir();
        let check = check_split(model, split, SetupRuns::Once);
        if let Some(errors) = crate::Errors::from_vec(check.errors) {
            return Err(RunError::Invalid(errors));
        }
        let (entry, files) = script.generate(Target::JAVASCRIPT)?.split_entry();
        let source = entry.text().expect("k6dsl writes its scripts as text");
        let (k6, dir, script_path) = self.prepare("script.js", source, &files)?;
        if self.echo {
            for warning in &check.warnings {
                eprintln!("warning: {warning}");
            }
        }
        let declared = &model.options.thresholds;
        let trend_stats = summary_trend_stats(
            model.options.general.summary_trend_stats.as_deref(),
            declared,
        );
        let job = Job {
            k6: &k6,
            dir: &dir,
            script: &script_path,
            trend_stats: format!("--summary-trend-stats={trend_stats}"),
            has_setup: model.lifecycle.setup.is_some(),
            has_teardown: model.lifecycle.teardown.is_some(),
        };
        let cluster = self.run_cluster(&job, split)?;
        let (result, merged) = super::cluster::merged(&cluster, model, &dir, &script_path);
        Ok(SplitRun {
            result,
            merged,
            instances: cluster.instances,
            warnings: check.warnings,
            notes: cluster.notes,
        })
    }

    /// `k6` started from `dir`, in a clean environment unless asked otherwise,
    /// with the runner's variables (secrets never on its command line).
    pub(super) fn k6_command(&self, k6: &Path, dir: &Path) -> Command {
        let mut command = Command::new(k6);
        if !self.inherit_env {
            command
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", dir);
        }
        command
            .env("K6_NO_USAGE_REPORT", "true")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(dir);
        command
    }
}

pub(super) fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), RunError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    }
    std::fs::write(path, contents).map_err(io(format!("writing {}", path.display())))
}

/// k6's defaults, the script's own statistics, and every one a threshold reads.
pub(super) fn summary_trend_stats(
    script: Option<&[TrendStat]>,
    thresholds: &[model::Threshold],
) -> String {
    let mut stats: Vec<String> = match script {
        Some(stats) => stats.iter().map(|s| Stat::from(*s).k6_name()).collect(),
        None => DEFAULT_SUMMARY_TREND_STATS
            .iter()
            .map(|s| s.k6_name())
            .collect(),
    };
    for threshold in thresholds {
        if threshold.kind == MetricKind::Trend {
            let name = threshold.stat.k6_name();
            if !stats.contains(&name) {
                stats.push(name);
            }
        }
    }
    // A Trend's sample count tells a threshold that judged nothing (k6 skips a
    // threshold whose metric has no samples and reports it as not failed) from one
    // that held: see `Outcome::NoSamples`.
    if !stats.iter().any(|s| s == "count") {
        stats.push("count".into());
    }
    stats.join(",")
}
