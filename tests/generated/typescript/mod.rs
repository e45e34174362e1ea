//! TypeScript output: the single-file script and the project tree as `.ts`, typed
//! against `@types/k6`. Every script here passes `tsc --noEmit --strict`, `prettier
//! --check` and `k6 inspect --execution-requirements`, gives k6 the same options as
//! its JavaScript twin, and the checkout smoke test and a script using every
//! feature run under `k6 run` (k6 transpiles `.ts` itself) against the demo shop
//! with every check passing.
//!
//! Layout: the checks every test uses (here); the `checkout` example; a script
//! using `every_feature`; every executor and general option (`options`); and keys
//! users choose (`hostile_keys`).

use std::path::{Path, PathBuf};

use k6dsl_suite::tools;

mod checkout;
mod every_feature;
mod hostile_keys;
mod options;

/// tsc, prettier and k6 inspect on a single-file TypeScript script; returns the
/// options k6 read.
fn check_single(name: &str, ts: &str) -> serde_json::Value {
    check_single_with(name, ts, &[])
}

/// [`check_single`] for a script with data files beside it.
fn check_single_with(name: &str, ts: &str, files: &[k6dsl::File]) -> serde_json::Value {
    tools::tsc_check(ts).unwrap_or_else(|e| panic!("{name}: tsc rejects the script: {e}\n{ts}"));
    tools::prettier_check_ts(ts)
        .unwrap_or_else(|e| panic!("{name}: prettier would reformat the script: {e}\n{ts}"));
    if files.is_empty() {
        return tools::inspect_ts(ts)
            .unwrap_or_else(|e| panic!("{name}: k6 rejects the script: {e}\n{ts}"));
    }
    inspect_beside("script.ts", ts, files)
        .unwrap_or_else(|e| panic!("{name}: k6 rejects the script: {e}\n{ts}"))
}

/// `k6 inspect --execution-requirements` on a script written with its data files.
fn inspect_beside(
    file_name: &str,
    source: &str,
    files: &[k6dsl::File],
) -> Result<serde_json::Value, tools::ToolError> {
    let mut all = files.to_vec();
    all.push(k6dsl::File::new(file_name, source));
    let dir = write(&all);
    tools::inspect_in(dir.path(), Path::new(file_name), &[])
}

/// Writes the files into a fresh temporary project directory.
fn write(files: &[k6dsl::File]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("k6dsl-ts-project-")
        .tempdir()
        .unwrap();
    for k6dsl::File { path, contents } in files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, contents).unwrap();
    }
    dir
}

/// tsc (with the project's own tsconfig.json) and prettier on a project tree.
fn check_project(root: &Path, files: &[k6dsl::File]) {
    assert!(
        files
            .iter()
            .all(|k6dsl::File { path, .. }| !path.ends_with(".js")),
        "a TypeScript project has no .js modules"
    );
    tools::tsc_check_files(root).unwrap_or_else(|e| panic!("tsc rejects the project: {e}"));
    let modules: Vec<PathBuf> = files
        .iter()
        .filter(|k6dsl::File { path, .. }| path.ends_with(".ts"))
        .map(|k6dsl::File { path, .. }| root.join(path))
        .collect();
    let modules: Vec<&Path> = modules.iter().map(PathBuf::as_path).collect();
    tools::prettier_check_files(root, &modules)
        .unwrap_or_else(|e| panic!("prettier would reformat: {e}"));
}

fn assert_all_checks_passed(run: &tools::Run, at_least: u64) {
    assert_eq!(
        run.exit_code, 0,
        "k6 failed:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let checks = run.metric("checks").expect("checks ran");
    assert_eq!(checks["fails"], 0, "{checks}\n{}", run.stderr);
    assert!(checks["passes"].as_u64().unwrap() >= at_least, "{checks}");
}
