//! Starting k6, stopping it, and collecting its output, without ever waiting forever.
//!
//! - **k6 runs in a process group of its own** (its pid is the group's id), so that a
//!   signal reaches k6 *and every process it started*. A stop ([`Runner::timeout`] or
//!   [`Cancel`]) sends SIGINT to the group, then SIGKILL after [`Runner::grace`].
//! - **Nothing k6 leaves behind survives it.** A process k6 started still holds k6's
//!   stdout and stderr, and would keep the output copiers (and so the run) waiting
//!   forever. As soon as k6 has exited, the group gets SIGKILL. k6 is reaped only
//!   after that, so its pid (the group's id) cannot have been reused by an unrelated
//!   process when the signal goes out.
//! - **The copiers get [`OUTPUT_DRAIN`] to reach the end of the pipes** once the
//!   group is gone. A process that left the group (`setsid`, a daemon) and still
//!   holds them cannot be signalled through the group: the run then returns with
//!   what was read until then, and the copier thread ends whenever that process
//!   closes the pipe.
//! - **On Linux, k6 gets SIGINT if the thread that started it dies**
//!   (`PR_SET_PDEATHSIG`). In a group of its own k6 no longer receives the
//!   terminal's Ctrl-C; without this, pressing Ctrl-C on a program that runs a
//!   load test would leave k6 running against the server until its last stage.
//!
//! Unix only for the groups; elsewhere the runner stops k6 itself (no SIGINT, no
//! summary) and cannot reach what k6 started.
//!
//! [`Runner::timeout`]: super::Runner::timeout
//! [`Runner::grace`]: super::Runner::grace
//! [`Cancel`]: super::Cancel

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{io, Cancel, RunError, StopReason};

/// How long the output copiers may take, once k6 and its group are gone, to read
/// what is left in the pipes.
pub(super) const OUTPUT_DRAIN: Duration = Duration::from_secs(3);

/// How often the runner looks at k6, the clock and the [`Cancel`] token.
const POLL: Duration = Duration::from_millis(20);

/// When the runner stops k6.
pub(super) struct Limits<'a> {
    pub timeout: Option<Duration>,
    pub grace: Duration,
    pub cancel: Option<&'a Cancel>,
}

/// Where k6's output goes besides the returned text.
pub(super) struct Logs {
    pub stdout: PathBuf,
    pub stderr: PathBuf,
    pub echo: bool,
}

/// How k6 ended.
pub(super) struct Finished {
    pub status: ExitStatus,
    /// Why the runner stopped k6, if it did, and whether k6 had to be killed
    /// (SIGKILL after the grace period) rather than ending on SIGINT.
    pub stopped: Option<(StopReason, bool)>,
    /// From the start until k6 exited.
    pub elapsed: Duration,
    pub stdout: String,
    pub stderr: String,
}

/// Starts `command` (stdin, stdout and stderr are set here) and waits for it within
/// `limits`; returns once k6 has exited and its group is gone, whatever else holds
/// its output.
/// `tick` is called at every look; a stop reason it returns stops k6 as a
/// timeout does.
pub(super) fn run(
    command: Command,
    what: &str,
    logs: Logs,
    limits: &Limits<'_>,
    tick: &mut dyn FnMut() -> Option<StopReason>,
) -> Result<Finished, RunError> {
    let mut spawned = spawn(command, what, logs)?;
    let waited = wait(&mut spawned.child, spawned.started, limits, tick);
    let finished = spawned.finish(None);
    let (stopped, sent_kill) = waited?;
    let finished = finished?;
    let killed = sent_kill && finished.status.code().is_none();
    Ok(Finished {
        stopped: stopped.map(|why| (why, killed)),
        ..finished
    })
}

/// A k6 process started in a group of its own, its output being copied.
pub(super) struct Spawned {
    child: Child,
    started: Instant,
    stdout: Copier,
    stderr: Copier,
}

/// Starts `command` (stdin, stdout and stderr are set here) in a process group of
/// its own, copying its output to `logs`.
pub(super) fn spawn(mut command: Command, what: &str, logs: Logs) -> Result<Spawned, RunError> {
    use std::process::Stdio;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    sys::isolate(&mut command);
    let started = Instant::now();
    let mut child = command.spawn().map_err(io(format!("starting {what}")))?;
    let stdout = Copier::start(
        child.stdout.take().expect("stdout is piped"),
        logs.stdout,
        if logs.echo { Echo::Stdout } else { Echo::Off },
    );
    let stderr = Copier::start(
        child.stderr.take().expect("stderr is piped"),
        logs.stderr,
        if logs.echo { Echo::Stderr } else { Echo::Off },
    );
    Ok(Spawned {
        child,
        started,
        stdout,
        stderr,
    })
}

impl Spawned {
    /// Whether k6 has exited (it is not reaped: its group can still be signalled).
    pub(super) fn has_exited(&mut self) -> bool {
        // An error other than EINTR means there is no such child to wait for.
        loop {
            match sys::has_exited(&mut self.child) {
                Ok(exited) => return exited,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return true,
            }
        }
    }

    /// SIGINT to k6's group: k6 ends the test and writes its summary.
    pub(super) fn interrupt(&mut self) {
        let _ = sys::signal_group(&mut self.child, Signal::Interrupt);
    }

    /// SIGKILL to k6's group.
    pub(super) fn kill(&mut self) {
        let _ = sys::signal_group(&mut self.child, Signal::Kill);
    }

    /// Kills what is left of k6's group, reaps k6, and collects its output;
    /// `stopped` is why the caller stopped it, if it did.
    pub(super) fn finish(
        mut self,
        stopped: Option<(StopReason, bool)>,
    ) -> Result<Finished, RunError> {
        let elapsed = self.started.elapsed();
        // Whatever k6 left behind goes now: it would hold the pipes open.
        self.kill();
        let status = self.child.wait().map_err(io("waiting for k6"));
        let deadline = Instant::now() + OUTPUT_DRAIN;
        let stdout = self.stdout.finish(deadline);
        let stderr = self.stderr.finish(deadline);
        Ok(Finished {
            status: status?,
            stopped,
            elapsed,
            stdout,
            stderr,
        })
    }
}

/// Waits until k6 exits, stopping it when `limits` say so: SIGINT to its group,
/// then SIGKILL after the grace period. Returns why it was stopped, if it was, and
/// whether SIGKILL went out.
fn wait(
    child: &mut Child,
    started: Instant,
    limits: &Limits<'_>,
    tick: &mut dyn FnMut() -> Option<StopReason>,
) -> Result<(Option<StopReason>, bool), RunError> {
    let mut stopped: Option<(StopReason, Instant)> = None;
    let mut sent_kill = false;
    loop {
        match sys::has_exited(child) {
            Ok(true) => return Ok((stopped.map(|(why, _)| why), sent_kill)),
            Ok(false) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => {
                return Err(RunError::Io {
                    what: "waiting for k6".into(),
                    error,
                })
            }
        }
        match stopped {
            None => {
                let why = if limits.cancel.is_some_and(Cancel::is_cancelled) {
                    Some(StopReason::Cancelled)
                } else if limits.timeout.is_some_and(|t| started.elapsed() >= t) {
                    Some(StopReason::TimedOut)
                } else {
                    tick()
                };
                if let Some(why) = why {
                    // Like Ctrl-C in a terminal: k6 ends the test and writes its
                    // summary.
                    let _ = sys::signal_group(child, Signal::Interrupt);
                    stopped = Some((why, Instant::now()));
                }
            }
            Some((_, at)) if !sent_kill && at.elapsed() >= limits.grace => {
                let _ = sys::signal_group(child, Signal::Kill);
                sent_kill = true;
            }
            Some(_) => {}
        }
        thread::sleep(POLL);
    }
}

/// The two signals the runner sends.
#[derive(Debug, Clone, Copy)]
enum Signal {
    Interrupt,
    Kill,
}

#[cfg(unix)]
mod sys {
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command};

    use rustix::process::{Pid, Signal as Sig, WaitId, WaitIdOptions};

    use super::Signal;

    /// k6 leads a new process group; on Linux it also gets SIGINT when the thread
    /// that started it dies.
    pub(super) fn isolate(command: &mut Command) {
        command.process_group(0);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let parent = rustix::process::getpid();
            // The workspace denies unsafe code; this block is the one exception.
            // SAFETY: the closure runs in the child between fork and exec. It makes
            // two system calls (prctl and getppid), both async-signal-safe, and
            // allocates nothing (an `Errno` converts to `io::Error` in place).
            #[allow(unsafe_code)]
            unsafe {
                command.pre_exec(move || {
                    rustix::process::set_parent_process_death_signal(Some(Sig::INT))?;
                    // The parent died before prctl: nobody would stop this k6.
                    if rustix::process::getppid() != Some(parent) {
                        return Err(rustix::io::Errno::SRCH.into());
                    }
                    Ok(())
                });
            }
        }
    }

    /// Sends `signal` to every process in k6's group; a group that is gone already
    /// is no error.
    pub(super) fn signal_group(child: &mut Child, signal: Signal) -> std::io::Result<()> {
        let signal = match signal {
            Signal::Interrupt => Sig::INT,
            Signal::Kill => Sig::KILL,
        };
        match rustix::process::kill_process_group(Pid::from_child(child), signal) {
            Err(rustix::io::Errno::SRCH) => Ok(()),
            other => other.map_err(Into::into),
        }
    }

    /// Whether k6 has exited, leaving it a zombie (`WNOWAIT`) so that its pid
    /// stays taken until [`Child::wait`] reaps it.
    pub(super) fn has_exited(child: &mut Child) -> std::io::Result<bool> {
        let exited = rustix::process::waitid(
            WaitId::Pid(Pid::from_child(child)),
            WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT,
        )?;
        Ok(exited.is_some())
    }
}

#[cfg(not(unix))]
mod sys {
    use std::process::{Child, Command};

    use super::Signal;

    /// No process groups here.
    pub(super) fn isolate(_command: &mut Command) {}

    /// Both signals stop k6 itself outright; what it started is out of reach.
    pub(super) fn signal_group(child: &mut Child, _signal: Signal) -> std::io::Result<()> {
        match child.kill() {
            Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(()),
            other => other,
        }
    }

    /// Whether k6 has exited (this reaps it; [`Child::wait`] still reports it).
    pub(super) fn has_exited(child: &mut Child) -> std::io::Result<bool> {
        Ok(child.try_wait()?.is_some())
    }
}

/// Where a [`Copier`] echoes what it reads.
#[derive(Debug, Clone, Copy)]
enum Echo {
    Off,
    Stdout,
    Stderr,
}

impl Echo {
    /// Through `print!`/`eprint!`, so that a test harness capturing output
    /// captures k6's too.
    fn line(self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        match self {
            Echo::Off => {}
            Echo::Stdout => print!("{text}"),
            Echo::Stderr => eprint!("{text}"),
        }
    }
}

/// A thread copying one of k6's pipes to a log file (as it comes) and to the
/// terminal (line by line), keeping what it read where [`Copier::finish`] can take
/// it even while the thread is still blocked on the pipe.
struct Copier {
    captured: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

impl Copier {
    fn start(mut from: impl Read + Send + 'static, log: PathBuf, echo: Echo) -> Copier {
        let captured = Arc::new(Mutex::new(Vec::new()));
        let (done_tx, done) = mpsc::channel();
        let shared = Arc::clone(&captured);
        thread::spawn(move || {
            let mut file = std::fs::File::create(log).ok();
            // Bytes read but not echoed yet (an unfinished line).
            let mut pending = Vec::new();
            let mut buffer = [0u8; 8192];
            loop {
                let n = match from.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                let chunk = &buffer[..n];
                shared
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .extend_from_slice(chunk);
                if let Some(file) = file.as_mut() {
                    let _ = file.write_all(chunk);
                }
                pending.extend_from_slice(chunk);
                if let Some(end) = pending.iter().rposition(|b| *b == b'\n') {
                    echo.line(&pending[..=end]);
                    pending.drain(..=end);
                }
            }
            if !pending.is_empty() {
                echo.line(&pending);
            }
            let _ = done_tx.send(());
        });
        Copier { captured, done }
    }

    /// What was read, once the pipe is at its end or `deadline` has passed,
    /// whichever comes first.
    fn finish(self, deadline: Instant) -> String {
        let _ = self
            .done
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        let captured = self
            .captured
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&captured).into_owned()
    }
}
