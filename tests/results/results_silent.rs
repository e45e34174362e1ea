//! Results that must not mislead, each shown through a real k6 run against the demo
//! shop: a threshold whose metric received no samples is "no samples" (never an
//! observed 0 that passes) in the typed result, `assert_passed`, Markdown, HTML
//! and JUnit; checks of the same name on two requests of one group keep their own
//! counts; a single-file script's `handleSummary` never claims a file k6 could not
//! write.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use demo_shop::DemoShop;
use k6dsl::prelude::*;
use k6dsl::results::report::Report;
use k6dsl::run::{Outcome, RunResult, Runner, Verdict};
use k6dsl_suite::tools;

fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("k6dsl-silent-")
        .tempdir()
        .expect("a temporary directory can be created")
}

fn runner(dir: &tempfile::TempDir) -> Runner {
    Runner::new()
        .k6(tools::k6_binary())
        .dir(dir.path())
        .timeout(Duration::from_secs(60))
        .echo(false)
}

fn panic_message(result: &RunResult) -> String {
    let panic = catch_unwind(AssertUnwindSafe(|| result.assert_passed()))
        .expect_err("assert_passed panics");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .expect("the panic message is text")
}

/// Two scenarios: `browse` requests the product list, `idle` only sleeps, so every
/// sub-metric of `{scenario:idle}` receives no samples at run time (the tag exists,
/// validation accepts it; nothing carries it).
#[test]
fn a_threshold_on_a_metric_without_samples_says_no_samples_everywhere() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let browse_flow = Flow::new("browse").steps(|f| {
        f.request(
            Request::get("/products")
                .name("products")
                .check(Check::status(200)),
        );
    });
    let idle_flow = Flow::new("idle").steps(|f| f.sleep(Duration::from_millis(10)));
    let browse = Scenario::new(
        "browse",
        SharedIterations::new().vus(nz!(1)).iterations(nz!(3)),
    )
    .exec(&browse_flow);
    let idle = Scenario::new(
        "idle",
        SharedIterations::new().vus(nz!(1)).iterations(nz!(1)),
    )
    .exec(&idle_flow);
    let script = Script::new()
        .threshold(HTTP_REQ_DURATION.for_scenario(&browse).p(95).lt(5000))
        // Trend: told by its sample count.
        .threshold(HTTP_REQ_DURATION.for_scenario(&idle).p(95).lt(500))
        // Rate: told by passes + fails.
        .threshold(CHECKS.for_scenario(&idle).rate().gt(0.9))
        // Counter: k6 judges it at 0, truthfully (no requests is a count of 0).
        .threshold(HTTP_REQS.for_scenario(&idle).count().lt(1))
        .scenario(browse)
        .scenario(idle);
    let dir = scratch();
    let result = runner(&dir)
        .env("BASE_URL", shop.base_url())
        .run(&script)
        .expect("k6 runs");

    // k6 itself passes the run: it skips thresholds without samples.
    assert_eq!(result.verdict, Verdict::Passed, "{}", result.report());
    let held = result
        .threshold("http_req_duration{scenario:browse}", "p(95)<5000")
        .expect("declared");
    assert_eq!(held.outcome, Outcome::Passed, "{held:?}");
    assert!(held.observed.is_some_and(|v| v > 0.0), "{held:?}");
    let counted = result
        .threshold("http_reqs{scenario:idle}", "count<1")
        .expect("declared");
    assert_eq!(counted.outcome, Outcome::Passed, "{counted:?}");
    assert_eq!(counted.observed, Some(0.0), "{counted:?}");
    for (metric, expression) in [
        ("http_req_duration{scenario:idle}", "p(95)<500"),
        ("checks{scenario:idle}", "rate>0.9"),
    ] {
        let t = result.threshold(metric, expression).expect("declared");
        assert_eq!(t.outcome, Outcome::NoSamples, "{t:?}");
        assert_eq!(t.observed, None, "no observed 0: {t:?}");
        assert!(!t.passed());
    }
    // The summary k6 wrote shows them as held at 0: the very thing not to trust.
    let summary = result.summary.as_ref().expect("a summary");
    assert_eq!(
        summary["metrics"]["http_req_duration{scenario:idle}"]["thresholds"]["p(95)<500"],
        false
    );
    assert_eq!(
        summary["metrics"]["http_req_duration{scenario:idle}"]["count"],
        0
    );

    // assert_passed fails and says why.
    assert!(!result.is_clean());
    let message = panic_message(&result);
    assert!(
        message.contains("http_req_duration{scenario:idle}"),
        "{message}"
    );
    assert!(message.contains("no samples"), "{message}");
    assert!(!message.contains("scenario:browse"), "{message}");

    let report = Report::with_timeline(&result, None);
    let markdown = report.markdown();
    assert!(
        markdown.contains(
            "| `http_req_duration{scenario:idle}` | `p(95)<500` | - | `< 500` | **no samples** (judged nothing) |"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("2 threshold(s) judged nothing"),
        "{markdown}"
    );
    let html = report.html();
    assert!(
        html.contains(
            "<tr><td><code>checks{scenario:idle}</code></td><td><code>rate&gt;0.9</code></td>\
             <td class=\"num\">-</td><td>&gt; 0.9</td><td class=\"fail\">no samples (judged nothing)</td></tr>"
        ),
        "{html}"
    );
    let junit = report.junit();
    assert!(
        junit.contains(
            "<failure message=\"threshold checks{scenario:idle}: rate&gt;0.9 judged nothing: \
             metric checks{scenario:idle} received no samples during the run"
        ),
        "{junit}"
    );
    assert!(
        junit.contains(
            r#"<testsuite name="thresholds" tests="4" skipped="0" errors="0" failures="2">"#
        ),
        "{junit}"
    );
}

/// k6 merges checks by name within a group; k6dsl names a check that two requests
/// of one group share after its request, so each keeps its own counts.
#[test]
fn same_named_checks_on_two_requests_of_one_group_stay_apart() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let flow = Flow::new("items").steps(|f| {
        f.group("Items", |g| {
            // The echo endpoint answers any method with 200.
            g.request(
                Request::put("/echo/items/1")
                    .name("put item")
                    .check(Check::status(200)),
            );
            // Products cannot be deleted: 405.
            g.request(
                Request::delete("/products/1")
                    .name("delete item")
                    .check(Check::status(200)),
            );
        });
    });
    let script = Script::new().scenario(
        Scenario::new(
            "items",
            SharedIterations::new().vus(nz!(1)).iterations(nz!(3)),
        )
        .exec(&flow),
    );
    let dir = scratch();
    let result = runner(&dir)
        .env("BASE_URL", shop.base_url())
        .run(&script)
        .expect("k6 runs");
    assert_eq!(result.verdict, Verdict::Passed, "{}", result.report());

    // k6's own summary has two entries.
    let summary = result.summary.as_ref().expect("a summary");
    let k6_checks = &summary["root_group"]["groups"]["Items"]["checks"];
    assert_eq!(
        k6_checks["status is 200 (put item)"]["passes"], 3,
        "{k6_checks}"
    );
    assert_eq!(
        k6_checks["status is 200 (delete item)"]["fails"], 3,
        "{k6_checks}"
    );

    let mut lines: Vec<(&str, &str, u64, u64)> = result
        .checks
        .iter()
        .map(|c| (c.group.as_str(), c.name.as_str(), c.passes, c.fails))
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            ("::Items", "status is 200 (delete item)", 0, 3),
            ("::Items", "status is 200 (put item)", 3, 0),
        ]
    );

    let message = panic_message(&result);
    assert!(message.contains("status is 200 (delete item)"), "{message}");
    assert!(!message.contains("put item"), "{message}");

    let report = Report::with_timeline(&result, None);
    let markdown = report.markdown();
    assert!(
        markdown.contains("| ::Items | status is 200 (delete item) | 0 | 3 |"),
        "{markdown}"
    );
    let html = report.html();
    for row in [
        "<tr><td>::Items</td><td>status is 200 (delete item)</td><td class=\"num\">0</td>\
         <td class=\"num fail\">3</td>",
        "<tr><td>::Items</td><td>status is 200 (put item)</td><td class=\"num\">3</td>\
         <td class=\"num\">0</td>",
    ] {
        assert!(html.contains(row), "{row}\n{html}");
    }
    let junit = report.junit();
    assert!(
        junit
            .contains("<testcase name=\"status is 200 (put item)\" classname=\"checks.::Items\"/>"),
        "{junit}"
    );
    assert!(
        junit.contains(
            "<failure message=\"check &quot;status is 200 (delete item)&quot; in ::Items \
             failed 3 of 3 times\""
        ),
        "{junit}"
    );
}

/// k6 does not create the folder `handleSummary` writes into; when it is missing,
/// k6 logs an error and still exits 0. The script's own text names the target and
/// the condition, and never says the file was written.
#[test]
fn handle_summary_never_claims_a_file_k6_could_not_write() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let flow = Flow::new("browse").steps(|f| {
        f.request(
            Request::get("/products")
                .name("products")
                .check(Check::status(200)),
        );
    });
    let script = Script::new()
        .scenario(
            Scenario::new(
                "browse",
                SharedIterations::new().vus(nz!(1)).iterations(nz!(1)),
            )
            .exec(&flow),
        )
        .summary_json("results/summary.json");
    let promise = "full summary: results/summary.json, if its folder exists (k6 creates none)";
    let base = shop.base_url();
    let env = [("BASE_URL", base.as_str())];
    for (name, js) in [
        ("JavaScript", script.to_javascript().unwrap()),
        ("TypeScript", script.to_typescript().unwrap()),
    ] {
        let run = if name == "JavaScript" {
            tools::k6_run(&js, &[], &env)
        } else {
            tools::k6_run_ts(&js, &[], &env)
        };
        // Without the folder: k6 says it could not open the file, the script's
        // text does not claim it wrote one, and there is none.
        assert_eq!(run.exit_code, 0, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("could not open 'results/summary.json'"),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stdout.contains(promise), "{name}: {}", run.stdout);
        assert!(!run.stdout.contains("written"), "{name}: {}", run.stdout);
        assert!(!run.dir.path().join("results/summary.json").exists());
    }

    // With the folder: the same text, and the file is there.
    let files = [k6dsl::File::new("results/.keep", "")];
    let run = tools::k6_run(&script.to_javascript().unwrap(), &files, &env);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("could not open"), "{}", run.stderr);
    assert!(run.stdout.contains(promise), "{}", run.stdout);
    let summary = std::fs::read_to_string(run.dir.path().join("results/summary.json"))
        .expect("handleSummary wrote the JSON summary");
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert!(summary["metrics"]["http_reqs"].is_object());
}
