//! The checkout example as TypeScript: every profile typed, formatted and read by
//! k6 as its JavaScript twin; the smoke test and the project tree run against the
//! demo shop.

use std::path::Path;

use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, tools};

use super::{assert_all_checks_passed, check_project, check_single, write};
use crate::shop;

fn example_output(args: &[&str]) -> String {
    tools::example_stdout("checkout", args)
}

#[test]
fn every_checkout_profile_is_typed_formatted_and_valid() {
    for profile in Profile::ALL {
        let ts = example_output(&["--ts", "--profile", profile.name()]);
        assert_eq!(
            ts,
            checkout::script(profile).to_typescript().unwrap(),
            "{profile}: `--ts` prints to_typescript()"
        );
        let options = check_single(profile.name(), &ts);
        let js = checkout::script(profile).to_javascript().unwrap();
        assert_eq!(
            options,
            tools::inspect(&js).unwrap(),
            "{profile}: k6 reads the same options from the TypeScript as from the JavaScript"
        );
    }
}

#[test]
fn the_typescript_checkout_smoke_test_passes_against_the_demo_shop() {
    let shop = shop();
    let ts = checkout::script(Profile::Smoke).to_typescript().unwrap();
    check_single("smoke", &ts);
    assert!(
        ts.contains("interface SetupData {\n  token: JSONValue;\n}"),
        "{ts}"
    );
    assert!(ts.contains("let userToken: JSONValue | undefined;"), "{ts}");
    assert!(
        ts.contains("export function browse(data: SetupData) {"),
        "{ts}"
    );
    assert!(ts.contains("cartSize.add(Number(itemCount));"), "{ts}");
    let files = [k6dsl::File::new("results/.gitkeep", "")];
    let run = tools::k6_run_ts(
        &ts,
        &files,
        &[
            ("BASE_URL", &shop.base_url()),
            ("SHOP_PASSWORD", demo_shop::PASSWORD),
        ],
    );
    assert_all_checks_passed(&run, 10);
    for key in [
        "http_req_duration{endpoint:login}",
        "group_duration{group:::Checkout}",
        "checkout_duration",
        "checkout_success",
        "cart_size",
    ] {
        assert!(run.metric(key).is_some(), "k6 reported no `{key}`");
    }
    assert!(
        run.dir.path().join("results/summary.json").is_file(),
        "handleSummary wrote the JSON summary"
    );
    assert!(run.stdout.contains("checks: "), "{}", run.stdout);
}

#[test]
fn the_typescript_checkout_project_runs_from_its_root_and_from_elsewhere() {
    let files = checkout::script(Profile::Smoke).to_project_ts().unwrap();
    let paths: Vec<&str> = files
        .iter()
        .map(|k6dsl::File { path, .. }| path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "README.md",
            "results/.gitkeep",
            "scripts/lib/auth.ts",
            "scripts/lib/checks.ts",
            "scripts/lib/config.ts",
            "scripts/lib/metrics.ts",
            "scripts/lib/utils.ts",
            "scripts/main.ts",
            "scripts/scenarios/browse.ts",
            "scripts/scenarios/purchase.ts",
            "tsconfig.json",
        ]
    );
    let project = write(&files);
    let root = project.path();
    check_project(root, &files);
    let main = files
        .iter()
        .find(|k6dsl::File { path: p, .. }| p == "scripts/main.ts")
        .unwrap()
        .text()
        .unwrap();
    assert!(
        main.contains(r#"export { browse } from "./scenarios/browse.ts";"#),
        "{main}"
    );
    let readme = files[0].text().unwrap();
    for text in [
        "k6 run -e SHOP_PASSWORD=... -e SMOKE=true scripts/main.ts",
        "npm install --save-dev typescript @types/k6",
        "npx tsc",
    ] {
        assert!(
            readme.contains(text),
            "the README lacks `{text}`:\n{readme}"
        );
    }

    // The same options as the JavaScript project, with and without SMOKE.
    let js_files = checkout::script(Profile::Smoke).to_project().unwrap();
    let js_project = write(&js_files);
    for env in [&[][..], &[("SMOKE", "true")][..]] {
        let options = tools::inspect_in(root, Path::new("scripts/main.ts"), env)
            .unwrap_or_else(|e| panic!("k6 rejects the project: {e}"));
        let expected =
            tools::inspect_in(js_project.path(), Path::new("scripts/main.js"), env).unwrap();
        assert_eq!(options, expected, "{env:?}");
    }

    let shop = shop();
    let base = shop.base_url();
    let env = [
        ("BASE_URL", base.as_str()),
        ("SHOP_PASSWORD", demo_shop::PASSWORD),
    ];
    let run = tools::k6_run_in(root, Path::new("scripts/main.ts"), &env, &[]);
    assert_all_checks_passed(&run, 10);
    let summary = root.join("results/summary.json");
    assert!(
        summary.is_file(),
        "handleSummary wrote results/summary.json"
    );
    std::fs::remove_file(&summary).unwrap();

    let elsewhere = tempfile::tempdir().unwrap();
    let run = tools::k6_run_in(elsewhere.path(), &root.join("scripts/main.ts"), &env, &[]);
    assert_all_checks_passed(&run, 10);
    assert!(
        summary.is_file(),
        "the summary lands in the project's results/"
    );
}

#[test]
fn the_example_writes_the_typescript_project() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("k6");
    let output = tools::run_example(
        "checkout",
        [
            "--ts".as_ref(),
            "--profile".as_ref(),
            "smoke".as_ref(),
            "--project".as_ref(),
            target.as_os_str(),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = checkout::script(Profile::Smoke).to_project_ts().unwrap();
    for k6dsl::File { path, contents } in &files {
        let written = std::fs::read(target.join(path))
            .unwrap_or_else(|e| panic!("{path} was not written: {e}"));
        assert_eq!(&written, contents, "{path}");
    }
    assert!(!target.join("scripts/main.js").exists());
}
