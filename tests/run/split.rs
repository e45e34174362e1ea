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

fn count(shop: &DemoShop, method: &str, path: &str) -> usize {
    shop.requests()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
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
    let _ = reports;
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
