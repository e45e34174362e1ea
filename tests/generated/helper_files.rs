//! The JavaScript and TypeScript that k6dsl copies into generated code as it is
//! (`k6dsl/src/codegen/helpers/*.js|*.ts`: helpers, a project's checks and smoke
//! options) are real files, checked here as they are: `node --check` parses each
//! `.js` file as the ES module k6 loads, `tsc --noEmit --strict` checks each `.ts`
//! file against `@types/k6` with a generated project's compiler options, and
//! `prettier --check` finds every file formatted as prettier writes it. The
//! generated scripts that hold them are checked by the same tools in the other
//! tests; this one needs no script to use every item.

use std::path::{Path, PathBuf};

use k6dsl_suite::tools;

fn helpers_dir() -> PathBuf {
    tools::repo_root().join("k6dsl/src/codegen/helpers")
}

/// The helper files with extension `ext`, sorted.
fn helper_files(ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(helpers_dir())
        .expect("the helpers folder exists")
        .map(|entry| entry.expect("the helpers folder can be read").path())
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn javascript_helpers_parse_as_modules_and_are_formatted() {
    let files = helper_files("js");
    assert_eq!(names(&files), ["checks.js", "smoke.js", "utils.js"]);
    for file in &files {
        tools::node_check(&read(file)).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    tools::prettier_check_files(&helpers_dir(), &paths).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn typescript_helpers_pass_strict_tsc_and_are_formatted() {
    let files = helper_files("ts");
    assert_eq!(names(&files), ["checks.ts", "smoke.ts", "utils.ts"]);
    for file in &files {
        tools::tsc_check(&read(file)).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    tools::prettier_check_files(&helpers_dir(), &paths).unwrap_or_else(|e| panic!("{e}"));
}
