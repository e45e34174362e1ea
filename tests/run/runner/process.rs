//! How the runner drives the k6 process: a timeout or a cancel interrupts a real
//! k6, which still writes its summary; and the runner never hangs on fake k6
//! programs (shell scripts) that misbehave the ways a real k6, an extension or a
//! wrapper can.
//!
//! Each fake runs in the run directory and writes the pids of what it starts there
//! (`*.pid`); a `Leftovers` guard kills whatever of those is still alive when the
//! test ends, pass or fail. Bounds on the time a run takes are liveness bounds (the
//! run returns at all), not performance assertions.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use k6dsl::run::{Cancel, RunResult, Runner, StopReason, Verdict};

use super::{panic_message, runner, scratch};

const SLEEPER: &str = r#"import { sleep } from "k6";
export const options = { vus: 1, duration: "30s" };
export default function () {
  sleep(60);
}
"#;

#[test]
fn a_timeout_interrupts_k6_which_still_writes_its_summary() {
    let dir = scratch();
    let result = runner(&dir)
        .echo(false)
        .timeout(Duration::from_secs(2))
        .grace(Duration::from_secs(5))
        .run_source("script.js", SLEEPER, &[])
        .expect("k6 runs");
    assert_eq!(result.verdict, Verdict::TimedOut);
    // SIGINT, not SIGKILL: k6 ended on its own with its "interrupted" code.
    assert_eq!(result.exit_code, Some(105));
    assert!(
        result.elapsed < Duration::from_secs(7),
        "{:?}",
        result.elapsed
    );
    assert!(result.summary_path.as_ref().is_some_and(|p| p.is_file()));
    assert!(result.summary.is_some());
    assert!(!result.metrics.is_empty());
    assert!(panic_message(&result).contains("timed out"));
}

#[test]
fn cancelling_interrupts_the_run() {
    let dir = scratch();
    let cancel = Cancel::new();
    let stopper = cancel.clone();
    let stop = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        stopper.cancel();
    });
    let result = runner(&dir)
        .echo(false)
        .cancel_with(&cancel)
        .run_source("script.js", SLEEPER, &[])
        .expect("k6 runs");
    stop.join().unwrap();
    assert_eq!(result.verdict, Verdict::Interrupted);
    assert!(
        result.elapsed < Duration::from_secs(10),
        "{:?}",
        result.elapsed
    );
}
/// Writes `body` as an executable shell script `name` in `dir`.
///
/// The executable is written by `install`, not by this process: a file this
/// process holds open for writing while another test's thread forks would be
/// "text file busy" (ETXTBSY) when exec'd.
fn fake_k6(dir: &Path, name: &str, body: &str) -> PathBuf {
    let source = dir.join(format!("{name}.sh"));
    std::fs::write(&source, format!("#!/bin/sh\n{body}")).expect("the fake k6 is written");
    let path = dir.join(name);
    let status = Command::new("install")
        .arg("-m")
        .arg("755")
        .arg(&source)
        .arg(&path)
        .status()
        .expect("install runs");
    assert!(status.success(), "install failed: {status}");
    path
}

/// Whether process `pid` is alive (a zombie is not: it has ended).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    })
}

/// Waits a few seconds at most for `pid` to end (SIGKILL is delivered
/// asynchronously); whether it ended.
fn ends(pid: u32) -> bool {
    for _ in 0..250 {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn read_pid(file: &Path) -> u32 {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("the fake k6 wrote {}: {e}", file.display()));
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("{} holds a pid, not {text:?}: {e}", file.display()))
}

/// Kills, when dropped, every process named by a `*.pid` file in its directory.
struct Leftovers(PathBuf);

impl Drop for Leftovers {
    fn drop(&mut self) {
        let Ok(entries) = std::fs::read_dir(&self.0) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pid") {
                let pid = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|t| t.trim().parse::<u32>().ok());
                if let Some(pid) = pid.filter(|pid| alive(*pid)) {
                    let _ = Command::new("kill")
                        .arg("-KILL")
                        .arg(pid.to_string())
                        .status();
                }
            }
        }
    }
}

/// A fake k6 `name` with `body`, and a run directory beside it (`<scratch>/run`)
/// whose leftovers are killed at the end.
struct Fake {
    k6: PathBuf,
    run_dir: PathBuf,
    _leftovers: Leftovers,
    _scratch: tempfile::TempDir,
}

impl Fake {
    fn new(body: &str) -> Fake {
        let scratch = scratch();
        let k6 = fake_k6(scratch.path(), "k6", body);
        let run_dir = scratch.path().join("run");
        std::fs::create_dir_all(&run_dir).unwrap();
        Fake {
            k6,
            _leftovers: Leftovers(run_dir.clone()),
            run_dir,
            _scratch: scratch,
        }
    }

    /// A runner on this fake, without timeout, output captured only.
    fn runner(&self) -> Runner {
        Runner::new().k6(&self.k6).dir(&self.run_dir).echo(false)
    }

    fn pid(&self, name: &str) -> u32 {
        read_pid(&self.run_dir.join(format!("{name}.pid")))
    }
}

/// Runs `runner` on a trivial script in a thread and waits at most `bound` for
/// it: a run that does not return fails the test instead of hanging it.
fn returns_within(bound: Duration, runner: Runner) -> RunResult {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(runner.run_source("script.js", "export default function () {}", &[]));
    });
    receiver
        .recv_timeout(bound)
        .unwrap_or_else(|_| panic!("the run did not return within {bound:?}"))
        .expect("the fake k6 runs")
}

#[test]
fn k6_ignoring_sigint_is_killed_with_its_children_after_the_grace_period() {
    let fake = Fake::new(
        r#"trap '' INT
echo $$ > k6.pid
sleep 1000 &
echo $! > sleep.pid
echo "fake k6 running"
wait
"#,
    );
    let (timeout, grace) = (Duration::from_secs(3), Duration::from_secs(1));
    let result = returns_within(
        timeout + grace + Duration::from_secs(10),
        fake.runner().timeout(timeout).grace(grace),
    );
    assert_eq!(
        result.verdict,
        Verdict::Killed(StopReason::TimedOut),
        "{}",
        result.report()
    );
    assert_eq!(result.exit_code, None);
    assert!(
        result.stdout.contains("fake k6 running"),
        "{}",
        result.stdout
    );
    assert!(result.summary.is_none());
    let report = result.report();
    assert!(report.contains("timed out, "), "{report}");
    assert!(report.contains("Runner::grace"), "{report}");
    for name in ["k6", "sleep"] {
        assert!(ends(fake.pid(name)), "the fake's {name} is still running");
    }
}

#[test]
fn k6_leaving_a_process_that_holds_its_output_returns_and_the_process_is_gone() {
    // No timeout at all: the run must still return when k6 exits.
    let fake = Fake::new(
        r#"sleep 1000 &
echo $! > sleep.pid
echo "fake k6 done"
exit 0
"#,
    );
    let result = returns_within(Duration::from_secs(20), fake.runner());
    assert_eq!(result.verdict, Verdict::Passed, "{}", result.report());
    assert_eq!(result.exit_code, Some(0));
    assert!(result.stdout.contains("fake k6 done"), "{}", result.stdout);
    assert!(ends(fake.pid("sleep")), "the fake's sleep is still running");
    let log = std::fs::read_to_string(fake.run_dir.join("stdout.log")).unwrap();
    assert!(log.contains("fake k6 done"), "{log}");
}

#[test]
fn k6_honouring_sigint_stops_at_the_timeout_and_its_children_go_too() {
    // The background sleep ignores SIGINT (as a non-interactive shell's background
    // jobs do), so it outlives the fake k6 unless the runner kills it.
    let fake = Fake::new(
        r#"trap 'echo "fake k6 interrupted" >&2; exit 105' INT
echo $$ > k6.pid
sleep 1000 &
echo $! > sleep.pid
wait
"#,
    );
    let (timeout, grace) = (Duration::from_secs(3), Duration::from_secs(30));
    let result = returns_within(
        timeout + grace + Duration::from_secs(10),
        fake.runner().timeout(timeout).grace(grace),
    );
    assert_eq!(result.verdict, Verdict::TimedOut, "{}", result.report());
    // It ended on SIGINT with k6's "interrupted" code: no SIGKILL was needed.
    assert_eq!(result.exit_code, Some(105));
    assert!(
        result.stderr.contains("fake k6 interrupted"),
        "{}",
        result.stderr
    );
    for name in ["k6", "sleep"] {
        assert!(ends(fake.pid(name)), "the fake's {name} is still running");
    }
}

#[test]
fn cancelling_a_k6_that_ignores_sigint_kills_it() {
    let fake = Fake::new(
        r#"trap '' INT
echo $$ > k6.pid
sleep 1000 &
echo $! > sleep.pid
wait
"#,
    );
    // Cancelled once the fake has set its trap (it writes k6.pid after).
    let cancel = Cancel::new();
    let stopper = cancel.clone();
    let started = fake.run_dir.join("k6.pid");
    let stop = std::thread::spawn(move || {
        for _ in 0..1000 {
            if started.is_file() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        stopper.cancel();
    });
    let grace = Duration::from_secs(1);
    let result = returns_within(
        grace + Duration::from_secs(20),
        fake.runner().cancel_with(&cancel).grace(grace),
    );
    stop.join().unwrap();
    assert_eq!(
        result.verdict,
        Verdict::Killed(StopReason::Cancelled),
        "{}",
        result.report()
    );
    for name in ["k6", "sleep"] {
        assert!(ends(fake.pid(name)), "the fake's {name} is still running");
    }
}

#[test]
fn a_process_that_left_k6s_group_cannot_hold_the_run() {
    // `setsid` puts the sleep in a session (and group) of its own: the runner
    // cannot signal it, and it holds k6's stdout and stderr. The run returns with
    // what was read; this test kills the sleep.
    let fake = Fake::new(
        r#"setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' &
while [ ! -s escaped.pid ]; do sleep 0.05; done
echo "fake k6 done"
exit 0
"#,
    );
    let result = returns_within(Duration::from_secs(20), fake.runner());
    assert_eq!(result.verdict, Verdict::Passed, "{}", result.report());
    assert!(result.stdout.contains("fake k6 done"), "{}", result.stdout);
    let escaped = fake.pid("escaped");
    assert!(alive(escaped), "the escaped sleep ended by itself");
    drop(fake);
    assert!(ends(escaped), "the escaped sleep is still running");
}

#[test]
fn a_relative_k6_path_is_resolved_before_k6_changes_directory() {
    // A path relative to this process's current directory (which no test changes),
    // to a fake in the target directory: k6 itself runs in the run directory, where
    // this path names nothing.
    let fakes = tempfile::Builder::new()
        .prefix("k6dsl-fake-k6-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("a directory in the target directory");
    let k6 = fake_k6(fakes.path(), "k6", "echo \"fake k6 $1\"\nexit 0\n");
    let relative = relative_path(&std::env::current_dir().unwrap(), &k6);
    assert!(relative.starts_with("."), "{}", relative.display());
    let dir = scratch();
    let result = returns_within(
        Duration::from_secs(20),
        Runner::new().k6(&relative).dir(dir.path()).echo(false),
    );
    assert_eq!(result.verdict, Verdict::Passed, "{}", result.report());
    assert!(result.stdout.contains("fake k6 run"), "{}", result.stdout);
}

/// `target` as a path relative to `base` (`./a/b` or `./../a/b`).
fn relative_path(base: &Path, target: &Path) -> PathBuf {
    let base = base.canonicalize().unwrap();
    let target = target.canonicalize().unwrap();
    let common = base
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative = PathBuf::from(".");
    for _ in base.components().skip(common) {
        relative.push("..");
    }
    for part in target.components().skip(common) {
        relative.push(part);
    }
    relative
}
