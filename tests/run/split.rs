//! A test split across k6 instances on this machine (`Runner::run_split`),
//! against the demo shop: each instance run as a k6-operator runner runs it,
//! setup and teardown once for the whole test, and each instance's samples and
//! command line kept in the run directory.

use std::time::Duration;

use demo_shop::DemoShop;
use k6dsl::model::split::Split;
use k6dsl::prelude::*;
use k6dsl::run::{Control, InstanceState, Runner, Verdict};
use k6dsl_suite::tools;

fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

fn runner(dir: &tempfile::TempDir, shop: &DemoShop) -> Runner {
    Runner::new()
        .k6(tools::k6_binary())
        .dir(dir.path())
        .echo(false)
        .env("BASE_URL", shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .timeout(Duration::from_secs(60))
}

/// Requests the shop answered on `route` (`GET /products`), by its own count.
fn count(shop: &DemoShop, method: &str, route: &str) -> u64 {
    shop.route_counts()
        .get(&format!("{method} {route}"))
        .copied()
        .unwrap_or(0)
}

/// setup() logs in, every iteration lists products with the token, teardown()
/// lists the orders: 30 iterations shared by 6 VUs.
fn shared(iterations: u64) -> Script<k6dsl::load::HasShortcut> {
    let setup = Setup::new(|s| {
        let login = s.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", Value::from("user1")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200)),
        );
        s.share("token", login.json("token"));
    });
    let token = setup.get("token");
    let flow = Flow::new("browse").steps(|f| {
        f.request(
            Request::get("/products")
                .name("products")
                .bearer(&token)
                .check(Check::status(200)),
        );
    });
    let teardown = Teardown::new(|t| {
        t.request(Request::get("/orders").name("orders").bearer(&token));
    });
    Script::new()
        .shortcut(Shortcut::iterations(nz!(6), iterations.try_into().unwrap()))
        .default_flow(&flow)
        .setup(setup)
        .teardown(teardown)
        .threshold(CHECKS.rate().eq(1))
}

#[test]
fn three_instances_run_every_iteration_once_with_setup_and_teardown_once() {
    let shop = shop();
    let dir = tempfile::tempdir().unwrap();
    let run = runner(&dir, &shop)
        .run_split(&shared(30), &Split::equal(3))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run.result.verdict, Verdict::Passed, "{:#?}", run.notes);
    assert!(run.warnings.is_empty(), "{:?}", run.warnings);
    assert_eq!(count(&shop, "POST", "/auth/login"), 1, "setup ran once");
    assert_eq!(count(&shop, "GET", "/orders"), 1, "teardown ran once");
    assert_eq!(count(&shop, "GET", "/products"), 30, "every iteration once");
    assert_eq!(run.instances.len(), 3);
    for instance in &run.instances {
        let i = instance.instance;
        assert_eq!(instance.state, InstanceState::Ended);
        assert!(
            instance.out_json.is_file(),
            "instance {i} wrote its samples"
        );
        let command = std::fs::read_to_string(instance.dir.join("command.txt")).unwrap();
        assert!(
            command.contains(&format!(
                "--execution-segment={}",
                Split::equal(3).segment(i)
            )),
            "{command}"
        );
        assert!(command.contains(&format!("instance_id={i}")), "{command}");
        assert!(command.contains("SHOP_PASSWORD"), "{command}");
        assert!(
            !command.contains(demo_shop::PASSWORD),
            "no secret on the command line"
        );
        // Each instance ran 10 of the 30 iterations.
        let iterations = &instance.summary.as_ref().unwrap()["metrics"]["iterations"]["count"];
        assert_eq!(iterations, 10, "instance {i}");
    }
    // One result of the three: every iteration, every check, the threshold judged
    // on all of them.
    let merged = &run.result;
    assert_eq!(
        merged.metric("iterations").and_then(|m| m.count()),
        Some(30.0)
    );
    // 30 iterations' checks and setup's one (it ran once).
    assert_eq!(merged.check("status is 200"), (31, 0));
    assert!(
        merged.thresholds.iter().all(|t| t.passed()),
        "{:?}",
        merged.thresholds
    );
    let reports = run
        .merged
        .as_ref()
        .unwrap()
        .report()
        .write_to(dir.path().join("report"))
        .unwrap();
    assert!(reports.html.is_file() && reports.junit.is_file());

    // The same test on one machine makes exactly as many iterations.
    let alone = shop_with(|shop| {
        let dir = tempfile::tempdir().unwrap();
        let result = runner(&dir, shop).run(&shared(30)).unwrap();
        assert_eq!(result.verdict, Verdict::Passed);
        count(shop, "GET", "/products")
    });
    assert_eq!(alone, 30);
}

fn shop_with<T>(f: impl FnOnce(&DemoShop) -> T) -> T {
    let shop = shop();
    f(&shop)
}

/// 60 iterations a second for 5 seconds on one machine and on three instances:
/// the same number of iterations, within 2%.
#[test]
fn an_arrival_rate_holds_across_instances() {
    let flow = Flow::new("browse").steps(|f| {
        f.request(Request::get("/products").name("products"));
    });
    let script = Script::new()
        .scenario(
            Scenario::new(
                "rate",
                ConstantArrivalRate::new()
                    .rate(nz!(60))
                    .duration(secs(5))
                    .pre_allocated_vus(6)
                    .max_vus(12),
            )
            .exec(&flow),
        )
        .threshold(DROPPED_ITERATIONS.count().lt(1));
    let alone = shop_with(|shop| {
        let dir = tempfile::tempdir().unwrap();
        let result = runner(&dir, shop).run(&script).unwrap();
        assert_eq!(result.verdict, Verdict::Passed, "{}", result.stderr);
        count(shop, "GET", "/products")
    });
    let split = shop_with(|shop| {
        let dir = tempfile::tempdir().unwrap();
        let run = runner(&dir, shop)
            .run_split(&script, &Split::equal(3))
            .unwrap();
        assert_eq!(run.result.verdict, Verdict::Passed, "{:#?}", run.notes);
        count(shop, "GET", "/products")
    });
    let off = (split as f64 - alone as f64).abs() / alone as f64;
    assert!(
        off <= 0.02,
        "{alone} iterations on one machine, {split} on three"
    );
    assert!((290..=310).contains(&alone), "{alone}");
}

/// 30 iterations split three ways: each instance's 10 hold `count<25`, the 30
/// together do not, and the split run fails as the whole test would.
#[test]
fn a_threshold_crossed_only_by_all_instances_together_fails_the_run() {
    let script = shared(30).threshold(ITERATIONS.count().lt(25));
    let shop = shop();
    let dir = tempfile::tempdir().unwrap();
    let run = runner(&dir, &shop)
        .run_split(&script, &Split::equal(3))
        .unwrap();
    for instance in &run.instances {
        assert_eq!(
            instance.exit_code,
            Some(0),
            "instance {} alone passes",
            instance.instance
        );
    }
    assert_eq!(run.result.verdict, Verdict::ThresholdsFailed);
    let crossed = run.result.threshold("iterations", "count<25").unwrap();
    assert_eq!(crossed.observed, Some(30.0));
}

/// The pid of the k6 of instance `i` of the run in `dir`.
fn instance_pid(dir: &std::path::Path, i: u32) -> Option<u32> {
    let tag = format!("instance_id={i}");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cwd = std::fs::read_link(entry.path().join("cwd")).ok();
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        if cwd.as_deref() == Some(dir) && args.contains(&tag.as_bytes()) {
            return Some(pid);
        }
    }
    None
}

/// An instance killed in the middle of the run: the run ends with a verdict
/// naming it, the others stopped, and what every instance wrote is kept.
#[test]
fn killing_an_instance_ends_the_run_with_a_verdict_naming_it() {
    let shop = shop();
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().canonicalize().unwrap();
    let flow = Flow::new("browse").steps(|f| {
        f.request(Request::get("/products").name("products"));
        f.sleep(millis(50));
    });
    let script = Script::new()
        .shortcut(Shortcut::duration(nz!(3), secs(20)))
        .default_flow(&flow);
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        let pid = instance_pid(&run_dir, 2).expect("instance 2's k6 is running");
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    });
    let started = std::time::Instant::now();
    let run = runner(&dir, &shop)
        .run_split(&script, &Split::equal(3))
        .unwrap();
    killer.join().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the others were stopped"
    );
    assert_eq!(
        run.result.verdict,
        Verdict::InstanceFailed(2),
        "{:#?}",
        run.notes
    );
    assert!(run
        .result
        .verdict
        .to_string()
        .starts_with("instance 2 exited"));
    assert_eq!(run.instances[1].state, InstanceState::Exited(None));
    for i in [0, 2] {
        let kept = std::fs::metadata(&run.instances[i].out_json).unwrap().len();
        assert!(kept > 0, "instance {} kept its samples", i + 1);
    }
    let merged = run.merged.as_ref().expect("the others' samples merged");
    assert!(
        merged
            .result
            .metric("http_reqs")
            .and_then(|m| m.count())
            .unwrap()
            > 0.0
    );
}

#[test]
fn on_progress_sees_the_run_and_can_stop_it() {
    let shop = shop();
    let dir = tempfile::tempdir().unwrap();
    let flow = Flow::new("browse").steps(|f| {
        f.request(Request::get("/products").name("products"));
        f.sleep(millis(100));
    });
    let script = Script::new()
        .shortcut(Shortcut::duration(nz!(4), secs(30)))
        .default_flow(&flow);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let run = runner(&dir, &shop)
        .on_progress(move |progress| {
            record.lock().unwrap().push(progress.clone());
            if progress.requests >= 20 {
                Control::Stop
            } else {
                Control::Continue
            }
        })
        .run_split(&script, &Split::equal(2))
        .unwrap();
    assert_eq!(
        run.result.verdict,
        Verdict::StoppedEarly,
        "{:#?}",
        run.notes
    );
    let seen = seen.lock().unwrap();
    let last = seen.last().expect("the callback ran");
    assert!(last.requests >= 20 && last.vus > 0, "{last:?}");
    assert_eq!(last.instances.len(), 2);
    assert!(last.elapsed < Duration::from_secs(20), "{last:?}");
    // And on one machine.
    let dir = tempfile::tempdir().unwrap();
    let single = runner(&dir, &shop)
        .on_progress(|progress| {
            if progress.requests >= 10 {
                Control::Stop
            } else {
                Control::Continue
            }
        })
        .run(&script)
        .unwrap();
    assert_eq!(single.verdict, Verdict::StoppedEarly);
    assert!(single.elapsed < Duration::from_secs(20));
}

/// An instance whose k6 cannot start (here every instance: the script imports a
/// module that is not there) ends the run before anything is sent, with a
/// verdict naming it and its stderr kept.
#[test]
fn an_instance_that_cannot_start_ends_the_run_with_a_verdict_naming_it() {
    let shop = shop();
    let dir = tempfile::tempdir().unwrap();
    let script = shared(6).raw_js_import("./not-there.js", ["helper"]);
    let run = runner(&dir, &shop)
        .run_split(&script, &Split::equal(2))
        .unwrap();
    assert_eq!(
        run.result.verdict,
        Verdict::InstanceDidNotStart(1),
        "{:#?}",
        run.notes
    );
    assert!(
        run.notes[0].starts_with("instance 1 did not start"),
        "{:?}",
        run.notes
    );
    assert!(
        run.instances[0].stderr.contains("not-there.js"),
        "{}",
        run.instances[0].stderr
    );
    assert_eq!(
        shop.route_counts().values().sum::<u64>(),
        0,
        "nothing was sent"
    );
}
