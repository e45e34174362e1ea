//! The command line: `k6dsl gen` writes a single-file project or the project tree
//! that k6 accepts, with data files beside the script, keeps text split around a
//! `$` as text, and reports bad plans without writing anything.

use std::path::Path;
use std::process::{Command, Output};

use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, tools};

use super::fixture_path;
use super::reading_errors::{UNKNOWN_FIELD, WRONG_TYPE_IN_EXECUTOR, WRONG_TYPE_IN_EXECUTOR_YAML};
use super::validation_errors::INVALID;
use super::vu_code_plans::rows_plan;

fn k6dsl(args: &[&std::ffi::OsStr], dir: &Path) -> Output {
    Command::new(tools::k6dsl_binary())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("k6dsl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn k6dsl_gen_writes_a_project_that_k6_accepts() {
    let scratch = tempfile::tempdir().unwrap();
    let out_dir = scratch.path().join("checkout");
    let plan = fixture_path("checkout.json");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        scratch.path(),
    );
    assert!(
        output.status.success(),
        "k6dsl gen failed:\n{}",
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(&format!("created {}", out_dir.join("main.js").display())),
        "{stdout}"
    );

    let js = std::fs::read_to_string(out_dir.join("main.js")).unwrap();
    // Byte for byte what `cargo run --example checkout` prints.
    assert_eq!(js, checkout::script(Profile::Load).to_javascript().unwrap());
    assert_eq!(
        std::fs::read_to_string(out_dir.join("results/.gitkeep")).unwrap(),
        ""
    );
    let options = tools::inspect(&js).unwrap_or_else(|e| panic!("k6 rejects main.js: {e}"));
    let scenarios = options["scenarios"]
        .as_object()
        .expect("k6 reports the scenarios");
    assert_eq!(scenarios.keys().collect::<Vec<_>>(), ["browse", "purchase"]);
    assert_eq!(options["maxVUs"], 70, "{options}");

    // `check` reads the same plan and writes nothing.
    let output = k6dsl(&["check".as_ref(), plan.as_os_str()], scratch.path());
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn k6dsl_gen_writes_data_files_beside_the_script() {
    let scratch = tempfile::tempdir().unwrap();
    let out_dir = scratch.path().join("rows");
    let plan = fixture_path("rows.yaml");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        // The plan's file paths are relative to the repository's root.
        tools::repo_root(),
    );
    assert!(
        output.status.success(),
        "k6dsl gen failed:\n{}",
        text(&output.stderr)
    );
    for k6dsl::File { path, contents } in rows_plan().data_files().unwrap() {
        assert_eq!(
            std::fs::read(out_dir.join(&path)).unwrap(),
            contents,
            "{path}"
        );
    }
    // The files the plan names by path are copied too.
    assert_eq!(
        std::fs::read_to_string(out_dir.join("data/users.csv")).unwrap(),
        std::fs::read_to_string(tools::repo_root().join("tests/plans/data/users.csv")).unwrap()
    );
    // k6 opens every data file in init code: inspect the project where it lies.
    inspect_in(&out_dir, "main.js");
}

/// `k6 inspect --execution-requirements` on a script of a generated project, in
/// place (it opens the project's other files), with a clean environment.
fn inspect_in(dir: &Path, script: &str) -> serde_json::Value {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(tools::k6_binary())
        .args(["inspect", "--execution-requirements", script])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("K6_NO_USAGE_REPORT", "true")
        .output()
        .expect("k6 runs");
    assert!(
        output.status.success(),
        "k6 rejects {script}:\n{}{}",
        text(&output.stderr),
        text(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).expect("k6 prints the options as JSON")
}

#[test]
fn k6dsl_gen_tree_writes_the_project_tree() {
    let scratch = tempfile::tempdir().unwrap();
    let out_dir = scratch.path().join("tree");
    let plan = fixture_path("checkout.json");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan.as_os_str(),
            "--tree".as_ref(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        scratch.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let expected = checkout::script(Profile::Load).to_project().unwrap();
    for k6dsl::File { path, contents } in &expected {
        assert_eq!(
            &std::fs::read(out_dir.join(path)).unwrap(),
            contents,
            "{path}"
        );
    }
    let options = inspect_in(&out_dir, "scripts/main.js");
    assert_eq!(options["maxVUs"], 70, "{options}");
}

#[test]
fn k6dsl_gen_reports_bad_plans_and_writes_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "executor.json",
            WRONG_TYPE_IN_EXECUTOR,
            &["executor.json:12:46: options.execution.scenarios[0].executor.stages[1].target: invalid type: string \"ten\", expected a whole number, 0 or more, e.g. 10"],
        ),
        (
            "executor.yaml",
            WRONG_TYPE_IN_EXECUTOR_YAML,
            &["executor.yaml:12:23: options.execution.scenarios[0].executor.stages[1].target: invalid type"],
        ),
        (
            "unknown.json",
            UNKNOWN_FIELD,
            &["unknown.json:15:29: flows[0].body[0].group.body[0].request.header: unknown field `header`"],
        ),
        (
            "malformed.json",
            "{\n  \"flows\": [}\n",
            &["malformed.json:2:13: flows[0]: expected a value here (an object, a list, a string, a number, true, false or null)"],
        ),
        (
            "invalid.json",
            INVALID,
            &[
                "invalid.json:12:24: options.execution.scenarios[0].executor.max_vus: scenario `purchase`: maxVUs (10) is less than preAllocatedVUs (20)",
                "invalid.json:18:56: options.execution.scenarios[1].executor.vus: scenario `browse`: vus must be greater than 0",
            ],
        ),
    ];
    for (file, plan, expected) in cases {
        std::fs::write(scratch.path().join(file), plan).unwrap();
        let out_dir = scratch.path().join(format!("out-{file}"));
        let output = k6dsl(
            &[
                "gen".as_ref(),
                file.as_ref(),
                "-o".as_ref(),
                out_dir.as_os_str(),
            ],
            scratch.path(),
        );
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{file}: {stderr}");
        assert!(output.stdout.is_empty(), "{file}");
        for line in expected {
            assert!(
                stderr.lines().any(|l| l.starts_with(line)),
                "{file}: no line starts with\n  {line}\nin\n{stderr}"
            );
        }
        assert!(
            stderr.ends_with("nothing was written\n"),
            "{file}: {stderr}"
        );
        assert!(
            !out_dir.exists(),
            "{file}: {} was created",
            out_dir.display()
        );
    }
    // A usage mistake is status 2.
    let output = k6dsl(&["gen".as_ref(), "plan.json".as_ref()], scratch.path());
    assert_eq!(output.status.code(), Some(2));
}
/// The injection a plan could write before template literals were escaped whole:
/// `"/products$"` then `"{console.log('x')}"` made `${console.log('x')}` live.
#[test]
fn k6dsl_gen_keeps_text_split_around_a_dollar_as_text() {
    let plan = r#"{
  "options": { "execution": { "scenarios": [
    { "name": "s", "executor": { "type": "shared-iterations", "vus": 1, "iterations": 1 }, "exec": "s" }
  ] } },
  "flows": [ { "name": "s", "body": [ { "request": {
    "method": "GET",
    "url": [{"str": "/products$"}, {"str": "{console.log('x')}"}, "vu_id"],
    "name": "products"
  } } ] } ]
}"#;
    let scratch = tempfile::tempdir().unwrap();
    let plan_path = scratch.path().join("plan.json");
    std::fs::write(&plan_path, plan).unwrap();
    let out_dir = scratch.path().join("out");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan_path.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        scratch.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let js = std::fs::read_to_string(out_dir.join("main.js")).unwrap();
    assert!(
        js.contains(r"`${BASE_URL}/products\${console.log('x')}${__VU}`"),
        "{js}"
    );
    let parsed = tools::template_literals(&[k6dsl::File::new("main.js", js.clone())]).unwrap();
    let url = parsed[0]
        .templates
        .iter()
        .find(|t| t.texts.iter().any(|s| s.contains("/products")))
        .expect("the URL is a template literal");
    assert_eq!(url.expressions, ["BASE_URL", "__VU"], "{js}");
    assert_eq!(url.texts, ["", "/products${console.log('x')}", ""]);
}
