//! The checkout example end to end: its smoke profile under `k6 run` against the demo
//! shop passes every check within 15 seconds, and an impossible SLA makes k6 fail
//! with its thresholds exit code.

use demo_shop::DemoShop;
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, tools};

fn example_output(args: &[&str]) -> String {
    tools::example_stdout("checkout", args)
}

fn output_of(example: &str, args: &[&str]) -> String {
    tools::example_stdout(example, args)
}

fn run(js: &str, shop: &DemoShop) -> tools::Run {
    tools::node_check(js).unwrap_or_else(|e| panic!("node rejects the script: {e}"));
    tools::inspect(js).unwrap_or_else(|e| panic!("k6 rejects the script: {e}"));
    tools::prettier_check(js).unwrap_or_else(|e| panic!("prettier would reformat: {e}"));
    let files = [k6dsl::File::new("results/.gitkeep", "")];
    tools::k6_run(
        js,
        &files,
        &[
            ("BASE_URL", &shop.base_url()),
            ("SHOP_PASSWORD", demo_shop::PASSWORD),
        ],
    )
}

#[test]
fn smoke_profile_passes_every_check_against_the_demo_shop() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let js = example_output(&["--profile", "smoke"]);
    assert_eq!(
        js,
        checkout::script(Profile::Smoke).to_javascript().unwrap()
    );
    let run = run(&js, &shop);
    assert_eq!(
        run.exit_code, 0,
        "k6 failed:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let checks = run.metric("checks").expect("checks ran");
    assert!(checks["passes"].as_u64().unwrap() > 10, "{checks}");
    assert_eq!(checks["fails"], 0, "{checks}");
    for key in [
        "http_req_duration{endpoint:login}",
        "http_req_duration{scenario:browse}",
        "group_duration{group:::Checkout}",
        "checkout_duration",
        "checkout_success",
    ] {
        assert!(run.metric(key).is_some(), "k6 reported no `{key}`");
    }
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(run.dir.path().join("results/summary.json")).expect("summary written"),
    )
    .unwrap();
    let ms = summary["state"]["testRunDurationMs"].as_f64().unwrap();
    assert!(ms <= 15_000.0, "the smoke profile ran {ms} ms");
    // Each purchasing VU logged in once, as its own user; browsing used setup's token.
    let logins = shop
        .requests()
        .iter()
        .filter(|r| r.path == "/auth/login")
        .count();
    assert!(logins <= 1 + 2, "{logins} logins");
}

#[test]
fn an_impossible_sla_fails_the_run_with_exit_code_99() {
    let shop = DemoShop::start().expect("the demo shop starts");
    let js = checkout::script(Profile::Smoke)
        .threshold(HTTP_REQ_DURATION.max().lt(0.001).abort_on_fail())
        .to_javascript()
        .unwrap();
    let run = run(&js, &shop);
    assert_eq!(
        run.exit_code, 99,
        "thresholds must fail:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.contains("✗ http_req_duration: max<0.001"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_profile_is_a_valid_k6_script() {
    for profile in Profile::ALL {
        let js = example_output(&["--profile", profile.name()]);
        let options = tools::inspect(&js).unwrap_or_else(|e| panic!("{profile}: {e}"));
        assert!(options["scenarios"]["browse"].is_object(), "{profile}");
    }
    let output = tools::run_example("checkout", ["--profile", "heavy"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("unknown load profile `heavy`: choose one of smoke, load, stress, spike, soak"));
}

#[test]
fn the_macro_example_prints_what_the_builder_example_prints() {
    assert_eq!(output_of("checkout_macro", &[]), example_output(&[]));
    for profile in Profile::ALL {
        let args = ["--profile", profile.name()];
        let by_macros = output_of("checkout_macro", &args);
        assert_eq!(
            by_macros,
            example_output(&args),
            "{profile}: the macro example differs from the builder example"
        );
    }
}
