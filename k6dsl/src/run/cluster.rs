//! A test split across k6 instances on this machine, each run exactly as a
//! k6-operator runner runs it, with what the operator leaves undone for
//! open-source runs done right: setup once, teardown once, one verdict.
//!
//! 1. **Start paused.** Instance `i` runs `k6 run --paused --no-setup
//!    --no-teardown --linger --address=127.0.0.1:PORT` with its execution segment
//!    and `--tag instance_id=i` ([`Split::instance_args`]) on a free loopback port,
//!    writing `instance-<i>/out.json`, its summary and logs, and the command line
//!    it ran with (`instance-<i>/command.txt`; secrets only ever in the
//!    environment, by name there).
//! 2. **Ready** when each answers `GET /v1/status`.
//! 3. **Setup once**: `POST /v1/setup` on instance 1, its data handed to the
//!    others with `PUT /v1/setup`.
//! 4. **All started together** (`PATCH /v1/status`), then watched: the live view
//!    and [`Runner::on_progress`] every second, each k6 process all the time.
//! 5. **Teardown once** (`POST /v1/teardown` on instance 1) when every instance
//!    has ended; then the lingering instances are stopped (SIGINT, SIGKILL after
//!    the grace period).
//!
//! An instance that fails to start or exits before the test is over ends the run:
//! the others are stopped, everything they wrote is kept, and the verdict names
//! the instance ([`Verdict::InstanceFailed`], [`Verdict::InstanceDidNotStart`]).

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::process::{self, Finished, Spawned};
use super::progress::{Control, InstanceState, Tally};
use super::rest::{Rest, RestError};
use super::{io, RunError, Runner, StopReason, Verdict};
use crate::model::split::Split;
use crate::results::merge::{merge, MergeInput, MergeOptions, MergedRun};

/// How long an instance may take to answer its REST API after it starts (k6
/// initialises every VU first, data files included).
const READY_TIMEOUT: Duration = Duration::from_secs(120);
/// How often the cluster looks at its processes and the clock.
const POLL: Duration = Duration::from_millis(20);
/// How often it asks each instance how it is.
const STATUS_EVERY: Duration = Duration::from_millis(250);
/// How often the live view is shown and [`Runner::on_progress`] called.
const VIEW_EVERY: Duration = Duration::from_secs(1);
/// How many times an instance is started on a new port when its port was taken
/// between choosing it and k6 binding it.
const PORT_ATTEMPTS: u32 = 3;

/// One instance of a split run, after the run.
#[derive(Debug, Clone)]
pub struct InstanceRun {
    /// From 1: its `instance_id` tag.
    pub instance: u32,
    /// `instance-<i>/` in the run directory: its logs, summary and samples.
    pub dir: PathBuf,
    /// Its samples (`--out json`).
    pub out_json: PathBuf,
    /// The k6 arguments it ran with (also in `command.txt`).
    pub args: Vec<String>,
    /// k6's exit code (`None`: killed by a signal, or never started).
    pub exit_code: Option<i32>,
    /// Its state when the run ended.
    pub state: InstanceState,
    /// Its own end-of-test summary (`--summary-export`), on its share of the
    /// samples only.
    pub summary: Option<serde_json::Value>,
    /// What it printed on stderr.
    pub stderr: String,
}

/// What a split run gives besides its [`RunResult`](super::RunResult).
pub(super) struct ClusterRun {
    pub verdict: Verdict,
    pub instances: Vec<InstanceRun>,
    pub elapsed: Duration,
    /// Why the run stopped early or an instance failed, for the report.
    pub notes: Vec<String>,
}

struct Instance {
    number: u32,
    dir: PathBuf,
    args: Vec<String>,
    rest: Rest,
    process: Option<Spawned>,
    finished: Option<Finished>,
    state: InstanceState,
    /// Whether the cluster stopped it (so its exit is not a failure).
    stopped: bool,
}

/// What the cluster needs of the test besides the runner's settings.
pub(super) struct Job<'a> {
    pub k6: &'a Path,
    pub dir: &'a Path,
    pub script: &'a Path,
    /// `--summary-trend-stats=...`.
    pub trend_stats: String,
    pub has_setup: bool,
    pub has_teardown: bool,
}

/// A port on 127.0.0.1 nothing listens on now.
pub(super) fn free_port() -> Result<u16, RunError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io("finding a free port"))?;
    Ok(listener
        .local_addr()
        .map_err(io("finding a free port"))?
        .port())
}

/// `arg` as a POSIX shell reads it back.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_=./:,@%+".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

impl Runner {
    fn instance_command(&self, job: &Job<'_>, split: &Split, i: u32, port: u16) -> Vec<String> {
        let dir = format!("instance-{i}");
        let mut args = vec![
            "run".to_owned(),
            "--no-color".to_owned(),
            "--paused".to_owned(),
            "--no-setup".to_owned(),
            "--no-teardown".to_owned(),
            "--linger".to_owned(),
            format!("--address=127.0.0.1:{port}"),
        ];
        args.extend(split.instance_args(i));
        args.push(format!("--summary-export={dir}/summary.json"));
        args.push(job.trend_stats.clone());
        args.push(format!("--out=json={dir}/out.json"));
        for out in &self.outs {
            args.push(format!("--out={out}"));
        }
        args.push(
            job.script
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        args
    }

    fn start_instance(&self, job: &Job<'_>, split: &Split, i: u32) -> Result<Instance, RunError> {
        let dir = job.dir.join(format!("instance-{i}"));
        std::fs::create_dir_all(&dir).map_err(io(format!("creating {}", dir.display())))?;
        let port = free_port()?;
        let args = self.instance_command(job, split, i, port);
        let mut record = String::new();
        let _ = writeln!(
            record,
            "# instance {i} of {}, run from {}",
            split.instances(),
            job.dir.display()
        );
        let names: Vec<&str> = self.env.iter().map(|(k, _)| k.as_str()).collect();
        if !names.is_empty() {
            let _ = writeln!(
                record,
                "# environment (values not written): {}",
                names.join(", ")
            );
        }
        let line: Vec<String> = std::iter::once(job.k6.display().to_string())
            .chain(args.iter().cloned())
            .map(|a| shell_quote(&a))
            .collect();
        let _ = writeln!(record, "{}", line.join(" "));
        super::runner::write_file(&dir.join("command.txt"), record)?;

        let mut command = self.k6_command(job.k6, job.dir);
        command.args(&args);
        let process = process::spawn(
            command,
            &format!("k6 (instance {i})"),
            process::Logs {
                stdout: dir.join("stdout.log"),
                stderr: dir.join("stderr.log"),
                echo: false,
            },
        )?;
        Ok(Instance {
            number: i,
            dir,
            args,
            rest: Rest::on_port(port),
            process: Some(process),
            finished: None,
            state: InstanceState::Starting,
            stopped: false,
        })
    }

    /// Runs the job on `split.instances()` k6 processes; see the module's text.
    pub(super) fn run_cluster(&self, job: &Job<'_>, split: &Split) -> Result<ClusterRun, RunError> {
        let mut instances = Vec::new();
        let mut notes = Vec::new();
        let mut verdict = None;
        for i in 1..=split.instances() {
            match self.start_ready(job, split, i) {
                Ok(instance) => instances.push(instance),
                Err(Failed::Io(error)) => {
                    stop_all(&mut instances, self.grace);
                    return Err(error);
                }
                Err(Failed::Instance(instance, why)) => {
                    notes.push(format!("instance {i} did not start: {why}"));
                    verdict = Some(Verdict::InstanceDidNotStart(i));
                    instances.push(*instance);
                    break;
                }
            }
        }
        let started = Instant::now();
        if verdict.is_none() {
            verdict = self.setup_and_start(job, &mut instances, &mut notes);
        }
        if verdict.is_none() {
            verdict = self.watch(&mut instances, &mut notes, started);
        }
        if verdict.is_none() && job.has_teardown {
            if let Err(e) = instances[0].rest.run_teardown() {
                notes.push(format!("teardown() failed on instance 1: {e}"));
                verdict = Some(Verdict::ScriptException);
            }
        }
        let elapsed = started.elapsed();
        stop_all(&mut instances, self.grace);
        let instances = instances.into_iter().map(InstanceRun::from).collect();
        Ok(ClusterRun {
            // `None`: the test ran to its end; the merged samples decide.
            verdict: verdict.unwrap_or(Verdict::Passed),
            instances,
            elapsed,
            notes,
        })
    }

    /// Starts instance `i` and waits until its REST API answers; a port taken in
    /// the meantime is retried on another.
    fn start_ready(&self, job: &Job<'_>, split: &Split, i: u32) -> Result<Instance, Failed> {
        let mut attempt = 1;
        loop {
            let mut instance = self.start_instance(job, split, i).map_err(Failed::Io)?;
            match wait_ready(&mut instance) {
                Ok(()) => return Ok(instance),
                Err(why) => {
                    finish(&mut instance);
                    let port_taken = instance
                        .finished
                        .as_ref()
                        .is_some_and(|f| f.stderr.contains("address already in use"));
                    if port_taken && attempt < PORT_ATTEMPTS {
                        attempt += 1;
                        continue;
                    }
                    return Err(Failed::Instance(Box::new(instance), why));
                }
            }
        }
    }

    /// Setup once, its data to every instance, then every instance started.
    fn setup_and_start(
        &self,
        job: &Job<'_>,
        instances: &mut [Instance],
        notes: &mut Vec<String>,
    ) -> Option<Verdict> {
        if job.has_setup {
            let data = match instances[0].rest.run_setup() {
                Ok(data) => data,
                Err(e) => {
                    notes.push(format!("setup() failed on instance 1: {e}"));
                    return Some(Verdict::ScriptException);
                }
            };
            for instance in &instances[1..] {
                if let Err(e) = instance.rest.set_setup_data(&data) {
                    notes.push(format!(
                        "instance {} did not take setup's data: {e}",
                        instance.number
                    ));
                    return Some(Verdict::InstanceFailed(instance.number));
                }
            }
        }
        // One after the other without waiting: as together as k6 allows.
        for instance in instances.iter_mut() {
            if let Err(e) = instance.rest.start() {
                notes.push(format!("instance {} did not start: {e}", instance.number));
                return Some(Verdict::InstanceFailed(instance.number));
            }
            instance.state = InstanceState::Running;
        }
        None
    }

    /// Until every instance has ended, or one fails, or the run is stopped.
    fn watch(
        &self,
        instances: &mut [Instance],
        notes: &mut Vec<String>,
        started: Instant,
    ) -> Option<Verdict> {
        let mut tally = Tally::new();
        let mut last_status = Instant::now();
        let mut last_view = Instant::now();
        loop {
            for instance in instances.iter_mut() {
                let exited = instance.process.as_mut().is_some_and(Spawned::has_exited);
                if exited && instance.state != InstanceState::Ended {
                    finish(instance);
                    let code = instance.finished.as_ref().and_then(|f| f.status.code());
                    instance.state = InstanceState::Exited(code);
                    notes.push(format!(
                        "instance {} exited before the test was over ({}); the others were \
                         stopped, and everything they wrote is kept",
                        instance.number,
                        match code {
                            Some(code) => format!("k6 exit code {code}"),
                            None => "killed by a signal".to_owned(),
                        }
                    ));
                    return Some(Verdict::InstanceFailed(instance.number));
                }
            }
            if instances.iter().all(|i| i.state == InstanceState::Ended) {
                return None;
            }
            let stop = if self
                .cancel
                .as_ref()
                .is_some_and(super::Cancel::is_cancelled)
            {
                Some(StopReason::Cancelled)
            } else if self.timeout.is_some_and(|t| started.elapsed() >= t) {
                Some(StopReason::TimedOut)
            } else {
                None
            };
            let due_view = last_view.elapsed() >= VIEW_EVERY;
            let mut stop = stop;
            if last_status.elapsed() >= STATUS_EVERY || due_view {
                last_status = Instant::now();
                let seen: Vec<_> = instances
                    .iter_mut()
                    .map(|instance| {
                        let answer = instance.rest.status().ok();
                        if let Some(status) = &answer {
                            instance.state = InstanceState::of(status);
                        }
                        let metrics = if due_view {
                            answer.and_then(|s| Some((s, instance.rest.metrics().ok()?)))
                        } else {
                            None
                        };
                        (instance.state, metrics)
                    })
                    .collect();
                if due_view {
                    last_view = Instant::now();
                    let view = tally.view(started.elapsed(), &seen);
                    if self.live_view {
                        eprintln!("{view}");
                    }
                    if let Some(callback) = &self.on_progress {
                        let mut callback = callback.lock().unwrap_or_else(|p| p.into_inner());
                        if callback(&view) == Control::Stop {
                            stop = stop.or(Some(StopReason::OnProgress));
                        }
                    }
                }
            }
            if let Some(why) = stop {
                notes.push(format!("the run was stopped: {why}"));
                for instance in instances.iter() {
                    let _ = instance.rest.stop();
                }
                return Some(match why {
                    StopReason::TimedOut => Verdict::TimedOut,
                    StopReason::Cancelled => Verdict::Interrupted,
                    StopReason::OnProgress => Verdict::StoppedEarly,
                });
            }
            thread::sleep(POLL);
        }
    }
}

enum Failed {
    Io(RunError),
    Instance(Box<Instance>, String),
}

/// Until the instance's REST API answers, its k6 exits, or [`READY_TIMEOUT`].
fn wait_ready(instance: &mut Instance) -> Result<(), String> {
    let since = Instant::now();
    loop {
        if instance.rest.status().is_ok() {
            instance.state = InstanceState::Ready;
            return Ok(());
        }
        if instance.process.as_mut().is_some_and(Spawned::has_exited) {
            return Err(format!(
                "k6 exited before its REST API answered; see {}",
                instance.dir.join("stderr.log").display()
            ));
        }
        if since.elapsed() >= READY_TIMEOUT {
            let error: RestError = instance
                .rest
                .status()
                .err()
                .unwrap_or(RestError(String::new()));
            return Err(format!(
                "its REST API did not answer within {}s ({error}); see {}",
                READY_TIMEOUT.as_secs(),
                instance.dir.join("stderr.log").display()
            ));
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Stops every instance still running: SIGINT (k6 writes its summary and exits,
/// lingering or not), SIGKILL to the ones still there after `grace`.
fn stop_all(instances: &mut [Instance], grace: Duration) {
    for instance in instances.iter_mut() {
        if let Some(process) = instance.process.as_mut() {
            instance.stopped = true;
            process.interrupt();
        }
    }
    let since = Instant::now();
    while instances
        .iter_mut()
        .any(|i| i.process.as_mut().is_some_and(|p| !p.has_exited()))
        && since.elapsed() < grace
    {
        thread::sleep(POLL);
    }
    for instance in instances.iter_mut() {
        finish(instance);
    }
}

/// Reaps the instance's k6 (killing what is left of its group) and keeps how it
/// ended.
fn finish(instance: &mut Instance) {
    if let Some(process) = instance.process.take() {
        instance.finished = process.finish(None).ok();
    }
}

impl From<Instance> for InstanceRun {
    fn from(instance: Instance) -> InstanceRun {
        let summary = std::fs::read(instance.dir.join("summary.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let (exit_code, stderr) = match &instance.finished {
            Some(f) => (f.status.code(), f.stderr.clone()),
            None => (None, String::new()),
        };
        InstanceRun {
            instance: instance.number,
            out_json: instance.dir.join("out.json"),
            dir: instance.dir,
            args: instance.args,
            exit_code,
            state: instance.state,
            summary,
            stderr,
        }
    }
}

/// The split run as one [`RunResult`] and the merge it comes from: the
/// cluster's verdict when an instance failed or the run was stopped, else the
/// thresholds judged on every instance's samples together.
pub(super) fn merged(
    cluster: &ClusterRun,
    model: &crate::model::Script,
    dir: &Path,
    script: &Path,
) -> (super::RunResult, Option<MergedRun>) {
    let inputs: Vec<MergeInput> = cluster
        .instances
        .iter()
        .filter(|i| i.out_json.is_file())
        .map(|i| {
            MergeInput::new(&i.out_json)
                .label(format!("instance {}", i.instance))
                .exit_code(i.exit_code)
        })
        .collect();
    let mut options = MergeOptions::default()
        .declared(&model.options.thresholds)
        .duration(cluster.elapsed)
        .dir(dir);
    if let Some(stats) = &model.options.general.summary_trend_stats {
        options.trend_stats = stats.iter().map(|s| crate::model::Stat::from(*s)).collect();
    }
    let merged = if inputs.is_empty() {
        None
    } else {
        match merge(&inputs, &options) {
            Ok(merged) => Some(merged),
            Err(error) => {
                // The instances' own files are still there to read by hand.
                let mut result = unmerged(cluster, &model.options.thresholds, dir, script);
                result
                    .stderr
                    .push_str(&format!("\nthe merge failed: {error}\n"));
                return (result, None);
            }
        }
    };
    match merged {
        Some(mut merged) => {
            // A failed instance or a stopped run decides; the instances' own
            // exit codes (99 when their share crossed a threshold) do not.
            merged.result.verdict = match cluster.verdict {
                Verdict::Passed => match merged.result.verdict {
                    // An instance's abort judged its own share; the whole ran on.
                    Verdict::AbortedByThreshold => Verdict::ThresholdsFailed,
                    other => other,
                },
                stopped => stopped,
            };
            merged.result.exit_code = None;
            merged.result.script = script.to_path_buf();
            merged.result.stderr = stderr_of(cluster);
            merged.result.elapsed = cluster.elapsed;
            (merged.result.clone(), Some(merged))
        }
        None => (
            unmerged(cluster, &model.options.thresholds, dir, script),
            None,
        ),
    }
}

fn stderr_of(cluster: &ClusterRun) -> String {
    let mut out = String::new();
    for note in &cluster.notes {
        let _ = writeln!(out, "{note}");
    }
    for instance in &cluster.instances {
        let _ = write!(
            out,
            "== instance {} ==\n{}",
            instance.instance, instance.stderr
        );
    }
    out
}

/// The result of a split run whose samples could not be merged.
fn unmerged(
    cluster: &ClusterRun,
    declared: &[crate::model::Threshold],
    dir: &Path,
    script: &Path,
) -> super::RunResult {
    super::RunResult {
        verdict: cluster.verdict,
        exit_code: None,
        dir: dir.to_path_buf(),
        script: script.to_path_buf(),
        summary_path: None,
        out_json: None,
        out_csv: None,
        thresholds: declared
            .iter()
            .map(|t| super::ThresholdResult::not_reported(t.clone()))
            .collect(),
        metrics: Default::default(),
        checks: Vec::new(),
        stdout: String::new(),
        stderr: stderr_of(cluster),
        elapsed: cluster.elapsed,
        summary: None,
    }
}
