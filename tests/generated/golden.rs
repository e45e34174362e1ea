//! Golden cases: each directory of `tests/golden/` holds a plan (`plan.json`, the
//! input) and the scripts k6dsl generates from it (`main.js`, `main.ts`). One table
//! runs them all: the output must be what is on disk, byte for byte, and each file is
//! checked by its real consumers: `k6 inspect --execution-requirements` (with the
//! data files beside it), `node --check`, `tsc --strict` with `@types/k6`, and
//! prettier.
//!
//! A case's plan is written by `tests/front_ends/plans/` (`every_kind()`); after a
//! meant change to the generated code, rewrite the expected files with
//! `K6DSL_UPDATE_GOLDEN=1 cargo test --test generated golden::` and review the diff.
//! With `CI` set, nothing is ever rewritten.

use std::path::{Path, PathBuf};

use k6dsl::plan::{Format, Plan};
use k6dsl::Target;
use k6dsl_suite::tools;

fn golden_dir() -> PathBuf {
    tools::repo_root().join("tests/golden")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

fn updating() -> bool {
    std::env::var_os("CI").is_none()
        && std::env::var_os("K6DSL_UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

/// The case's expected file holds `generated`, or is rewritten to it when asked.
fn assert_golden(case: &Path, file: &str, generated: &str) {
    let path = case.join(file);
    if updating() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == generated,
        "{} is not what k6dsl generates now; if the change is meant, rewrite it with \
         `K6DSL_UPDATE_GOLDEN=1 cargo test --test generated golden::` and review the diff\n--- generated ---\n{generated}",
        path.strip_prefix(tools::repo_root()).unwrap().display()
    );
}

/// The generated files in a scratch directory, for k6 to open them.
fn write_all(files: &k6dsl::Files) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("k6dsl-golden-")
        .tempdir()
        .unwrap();
    for file in files.iter() {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
    dir
}

#[test]
fn every_golden_case_generates_its_files_and_they_pass_every_tool() {
    let cases = cases();
    assert!(
        cases.len() >= 10,
        "tests/golden holds {} cases",
        cases.len()
    );
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(case.join("plan.json"))
            .unwrap_or_else(|e| panic!("{name}: plan.json: {e}"));
        let plan = Plan::load(&text, Format::Json)
            .unwrap_or_else(|e| panic!("{name}: the plan does not load:\n{e}"));

        let js = k6dsl::generate(&plan.script, Target::JAVASCRIPT)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_golden(case, "main.js", js.script());
        let dir = write_all(&js);
        tools::inspect_in(dir.path(), Path::new("main.js"), &[])
            .unwrap_or_else(|e| panic!("{name}: k6 rejects main.js: {e}"));
        tools::node_check(js.script())
            .unwrap_or_else(|e| panic!("{name}: node rejects main.js: {e}"));
        tools::prettier_check(js.script())
            .unwrap_or_else(|e| panic!("{name}: prettier would reformat main.js: {e}"));

        let ts = k6dsl::generate(&plan.script, Target::TYPESCRIPT)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_golden(case, "main.ts", ts.script());
        let dir = write_all(&ts);
        tools::inspect_in(dir.path(), Path::new("main.ts"), &[])
            .unwrap_or_else(|e| panic!("{name}: k6 rejects main.ts: {e}"));
        if let Err(e) = tools::tsc_check(ts.script()) {
            assert_only_raw_code_is_untyped(&name, &text, ts.script(), &e.output);
        }
        tools::prettier_check_ts(ts.script())
            .unwrap_or_else(|e| panic!("{name}: prettier would reformat main.ts: {e}"));
    }
}

/// tsc's complaints about `main.ts` are all on lines holding the plan's `raw_js`: the
/// one escape hatch is the user's own untyped JavaScript, which k6dsl passes through
/// as written. Anything else tsc rejects is k6dsl's fault and fails the case.
fn assert_only_raw_code_is_untyped(name: &str, plan: &str, ts: &str, tsc_output: &str) {
    let plan: serde_json::Value = serde_json::from_str(plan).unwrap();
    let mut raw = Vec::new();
    collect_raw_js(&plan, &mut raw);
    let lines: Vec<&str> = ts.lines().collect();
    let errors: Vec<&str> = tsc_output
        .lines()
        .filter(|l| l.contains("error TS"))
        .collect();
    assert!(
        !errors.is_empty(),
        "{name}: tsc failed without errors:\n{tsc_output}"
    );
    for error in errors {
        let line: usize = error
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(','))
            .and_then(|(line, _)| line.parse().ok())
            .unwrap_or_else(|| panic!("{name}: tsc's error has no line: {error}"));
        let source = lines.get(line - 1).copied().unwrap_or_default();
        assert!(
            raw.iter().any(|code| source.contains(code.as_str())),
            "{name}: tsc --strict rejects main.ts outside the plan's raw_js:\n{error}\n{source}"
        );
    }
}

fn collect_raw_js(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("raw_js", serde_json::Value::String(code)) => out.push(code.clone()),
                    _ => collect_raw_js(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect_raw_js(item, out)),
        _ => {}
    }
}

#[test]
fn every_golden_case_holds_exactly_its_input_and_outputs() {
    for case in cases() {
        let mut files: Vec<String> = std::fs::read_dir(&case)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            ["main.js", "main.ts", "plan.json"],
            "{}: a golden case holds plan.json, main.js and main.ts",
            case.display()
        );
    }
}
