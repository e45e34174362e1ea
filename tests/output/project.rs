//! The k6 project tree: every module passes node and prettier, and k6 runs
//! `scripts/main.js` against the demo shop from the project root and from any other
//! directory, finding its modules, data and results folder.

use std::path::{Path, PathBuf};

use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, tools};

use crate::shop;

/// Writes the files into a fresh temporary project directory.
fn write(files: &[k6dsl::File]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("k6dsl-project-")
        .tempdir()
        .unwrap();
    for k6dsl::File { path, contents } in files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, contents).unwrap();
    }
    dir
}

fn paths(files: &[k6dsl::File]) -> Vec<&str> {
    files
        .iter()
        .map(|k6dsl::File { path, .. }| path.as_str())
        .collect()
}

/// node and prettier on every module.
fn check_modules(root: &Path, files: &[k6dsl::File]) {
    let modules: Vec<PathBuf> = files
        .iter()
        .filter(|k6dsl::File { path, .. }| path.ends_with(".js"))
        .map(|k6dsl::File { path, .. }| root.join(path))
        .collect();
    for file @ k6dsl::File { path, .. } in files
        .iter()
        .filter(|k6dsl::File { path: p, .. }| p.ends_with(".js"))
    {
        tools::node_check(file.text().unwrap())
            .unwrap_or_else(|e| panic!("node rejects {path}: {e}"));
    }
    let modules: Vec<&Path> = modules.iter().map(PathBuf::as_path).collect();
    tools::prettier_check_files(root, &modules)
        .unwrap_or_else(|e| panic!("prettier would reformat: {e}"));
}

#[test]
fn the_checkout_project_runs_from_its_root_and_from_elsewhere() {
    let files = checkout::script(Profile::Smoke).to_project().unwrap();
    assert_eq!(
        paths(&files),
        [
            "README.md",
            "results/.gitkeep",
            "scripts/lib/auth.js",
            "scripts/lib/checks.js",
            "scripts/lib/config.js",
            "scripts/lib/metrics.js",
            "scripts/lib/utils.js",
            "scripts/main.js",
            "scripts/scenarios/browse.js",
            "scripts/scenarios/purchase.js",
        ]
    );
    let project = write(&files);
    let root = project.path();
    check_modules(root, &files);

    // The same options as the single-file script.
    let single = checkout::script(Profile::Smoke).to_javascript().unwrap();
    let expected = tools::inspect(&single).unwrap();
    let options = tools::inspect_in(root, Path::new("scripts/main.js"), &[])
        .unwrap_or_else(|e| panic!("k6 rejects the project: {e}"));
    assert_eq!(options, expected, "the project's options are the script's");

    let shop = shop();
    let base = shop.base_url();
    let env = [
        ("BASE_URL", base.as_str()),
        ("SHOP_PASSWORD", demo_shop::PASSWORD),
    ];
    let run = tools::k6_run_in(root, Path::new("scripts/main.js"), &env, &[]);
    assert_eq!(run.exit_code, 0, "{}\n{}", run.stdout, run.stderr);
    let checks = run.metric("checks").expect("checks ran");
    assert_eq!(checks["fails"], 0, "{checks}");
    assert!(checks["passes"].as_u64().unwrap() > 10, "{checks}");
    let summary = root.join("results/summary.json");
    assert!(
        summary.is_file(),
        "handleSummary wrote results/summary.json"
    );
    std::fs::remove_file(&summary).unwrap();

    // From another directory: modules and the results folder are found from the
    // scripts' own place.
    let elsewhere = tempfile::tempdir().unwrap();
    let main = root.join("scripts/main.js");
    let run = tools::k6_run_in(elsewhere.path(), &main, &env, &[]);
    assert_eq!(run.exit_code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        summary.is_file(),
        "the summary lands in the project's results/"
    );
    assert!(!elsewhere.path().join("results").exists());
}

#[test]
fn smoke_runs_every_scenario_once_whatever_the_options() {
    let files = checkout::script(Profile::Load).to_project().unwrap();
    let project = write(&files);
    let root = project.path();
    let smoke = [("SMOKE", "true")];
    let options = tools::inspect_in(root, Path::new("scripts/main.js"), &smoke).unwrap();
    assert_eq!(
        options["scenarios"]["browse"]["executor"],
        "per-vu-iterations"
    );
    assert_eq!(options["scenarios"]["purchase"]["exec"], "purchase");
    assert_eq!(options["maxVUs"], 2);

    let shop = shop();
    let base = shop.base_url();
    let env = [
        ("BASE_URL", base.as_str()),
        ("SHOP_PASSWORD", demo_shop::PASSWORD),
        ("SMOKE", "true"),
    ];
    let run = tools::k6_run_in(root, Path::new("scripts/main.js"), &env, &[]);
    assert_eq!(run.exit_code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.metric("iterations").unwrap()["count"], 2);
    let readme = files[0].text().unwrap();
    for command in [
        "k6 run -e SHOP_PASSWORD=... -e SMOKE=true scripts/main.js",
        "k6 run -e SHOP_PASSWORD=... scripts/main.js",
        "k6 run -e SHOP_PASSWORD=... -e BASE_URL=https://staging.example.com scripts/main.js",
        "k6 run -e SHOP_PASSWORD=... --out json=results/output.json scripts/main.js",
        "k6 run -e SHOP_PASSWORD=... --quiet --no-color scripts/main.js",
    ] {
        assert!(
            readme.contains(command),
            "the README lacks `{command}`:\n{readme}"
        );
    }
}

#[derive(serde::Serialize)]
struct Item {
    id: u32,
}

#[test]
fn data_default_function_teardown_and_helpers_find_each_other() {
    let items = DataSet::json_rows("items", &[Item { id: 3 }, Item { id: 4 }]);
    let codes = DataSet::csv_rows("codes", ["code"], [["a,1"], ["b"]]);
    let region = Value::env("REGION", "eu");
    let flow = Flow::new("default").steps(|f| {
        let item = f.row(&items, RowSelection::PerIteration);
        let code = f.row(&codes, RowSelection::Unique);
        let product = f.group("Catalogue", |g| {
            g.request(
                Request::get(text!["/products/", item.field("id")])
                    .name("product")
                    .check(Check::status(200))
                    .check(Check::body_matches("\"id\":\\s*\\d+"))
                    .check(Check::raw_js(
                        "has a name",
                        "r.json(\"name\") !== undefined",
                    )),
            )
        });
        let name = product.between("\"name\":\"", "\"");
        f.request(
            Request::post(text!["/echo/", region.clone()])
                .name("echo")
                .json_object([("name", name), ("code", code.field("code"))])
                .check(Check::status(200)),
        );
        f.think(ThinkTime::between(millis(10), millis(20)));
    });
    let teardown = Teardown::new(|t| {
        t.request(Request::delete("/echo/done").name("done"));
    });
    let script = Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(2)))
        .default_flow(&flow)
        .teardown(teardown)
        .threshold(CHECKS.rate().eq(1));
    let files = script.to_project().unwrap();
    assert_eq!(
        paths(&files),
        [
            "README.md",
            "data/codes.csv",
            "data/items.json",
            "results/.gitkeep",
            "scripts/lib/checks.js",
            "scripts/lib/config.js",
            "scripts/lib/data.js",
            "scripts/lib/utils.js",
            "scripts/main.js",
            "scripts/scenarios/default.js",
        ]
    );
    let project = write(&files);
    let root = project.path();
    check_modules(root, &files);

    let shop = shop();
    let base = shop.base_url();
    let elsewhere = tempfile::tempdir().unwrap();
    let run = tools::k6_run_in(
        elsewhere.path(),
        &root.join("scripts/main.js"),
        &[("BASE_URL", &base)],
        &[],
    );
    assert_eq!(run.exit_code, 0, "{}\n{}", run.stdout, run.stderr);
    let seen = shop.requests();
    let echoed: Vec<serde_json::Value> = seen
        .iter()
        .filter(|r| r.path == "/echo/eu")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(echoed.len(), 2);
    assert_eq!(
        echoed[0]["code"], "a,1",
        "CSV rows come from data/codes.csv"
    );
    assert!(echoed[0]["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(
        seen.iter().any(|r| r.path == "/products/4"),
        "JSON rows from data/items.json"
    );
    assert_eq!(seen.last().unwrap().path, "/echo/done", "teardown ran last");
}

#[test]
fn the_example_writes_the_project_for_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("k6");
    let output = tools::run_example(
        "checkout",
        [
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
    let files = checkout::script(Profile::Smoke).to_project().unwrap();
    for k6dsl::File { path, contents } in &files {
        let written = std::fs::read(target.join(path))
            .unwrap_or_else(|e| panic!("{path} was not written: {e}"));
        assert_eq!(&written, contents, "{path}");
    }

    // A file edited by hand is not overwritten without --force, and the error names it.
    let main = target.join("scripts/main.js");
    std::fs::write(&main, "// my change\n").unwrap();
    let again = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec!["--profile".as_ref(), "smoke".as_ref()];
        args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
        args.extend(["--project".as_ref(), target.as_os_str()]);
        tools::run_example("checkout", args)
    };
    let refused = again(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("scripts/main.js was changed by hand"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&main).unwrap(), "// my change\n");
    let forced = again(&["--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert_eq!(
        std::fs::read(&main).unwrap(),
        files
            .iter()
            .find(|k6dsl::File { path: p, .. }| p == "scripts/main.js")
            .unwrap()
            .contents
    );
}
