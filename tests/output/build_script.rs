//! `k6dsl::output::build_script` in real `cargo build`s of the sample crate `examples/build-script`,
//! whose build script generates `k6/smoke.js` and `k6/data/users.csv` from
//! `src/settings.rs` and the watched `users.csv`.
//!
//! The builds run in a scratch workspace, `<target>/build-script-test/work`, laid out
//! as the repository is (`k6dsl/`, `k6dsl-facts/`, `k6dsl-macros/`, `examples/build-script/`), so the
//! sample's own manifest works unchanged:
//!
//! - the sample is copied afresh every run (the test edits it);
//! - k6dsl and its macro crate are a snapshot taken when the test starts, synced so
//!   that only files whose contents changed are rewritten: later edits to the
//!   repository cannot change what the builds compile half-way through the test, and
//!   unchanged sources keep cargo's compiled artifacts valid across runs;
//! - its own `CARGO_TARGET_DIR` (`<target>/build-script-test/target`) is reused by
//!   later runs and never waits on the main build's lock;
//! - the builds run `--offline` with the repository's `Cargo.lock`: everything they
//!   need was fetched for this test's own build.
//!
//! The paths are fixed rather than random so that cargo reuses its artifacts instead of
//! piling up new ones under new names; two runs of this test at once are not supported.
//! One test, because every step builds on the state the previous one left.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const PACKAGE: &str = "k6dsl-build-script-sample";

/// The sample, relative to the repository (and to the scratch workspace).
const SAMPLE: &str = "examples/build-script";

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The target directory this test was built in: `<target>/debug/deps/<this test>`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    match exe.ancestors().nth(3) {
        Some(target) if exe.parent().and_then(Path::file_name) == Some("deps".as_ref()) => {
            target.to_owned()
        }
        _ => repo_root().join("target"),
    }
}

/// A scratch copy of the sample crate and the cargo that builds it.
struct Sample {
    /// The sample's directory in the scratch workspace.
    dir: PathBuf,
    target: PathBuf,
}

/// What one `cargo build -vv` of the sample did.
struct Build {
    success: bool,
    /// Everything cargo printed (stderr, then stdout).
    stderr: String,
    /// The lines the build script printed this time (none when it did not run).
    script_lines: Vec<String>,
}

impl Build {
    fn printed(&self, line: &str) -> bool {
        self.script_lines.iter().any(|l| l == line)
    }
}

impl Sample {
    fn new() -> Self {
        let root = target_dir().join("build-script-test");
        let work = root.join("work");
        for crate_dir in ["k6dsl", "k6dsl-facts", "k6dsl-macros"] {
            sync_tree(
                &repo_root().join(crate_dir),
                &work.join(crate_dir),
                &["target"],
            );
        }
        let dir = work.join(SAMPLE);
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        sync_tree(&repo_root().join(SAMPLE), &dir, &["k6", "target"]);
        update(&work.join("Cargo.toml"), &scratch_workspace());
        update(
            &work.join("Cargo.lock"),
            &fs::read_to_string(repo_root().join("Cargo.lock")).unwrap(),
        );
        Sample {
            dir,
            target: root.join("target"),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    fn write(&self, relative: &str, contents: &str) {
        fs::write(self.path(relative), contents).unwrap();
    }

    /// `cargo build -vv` of the sample, with `K6DSL_FORCE=1` when `force`.
    fn build(&self, force: bool) -> Build {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["build", "-vv", "--offline", "--manifest-path"])
            .arg(self.dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("K6DSL_FORCE");
        if force {
            command.env("K6DSL_FORCE", "1");
        }
        let output = command.output().expect("cargo runs");
        // With `-vv`, cargo echoes the build script's output on stdout, each line
        // prefixed with the package; its own messages go to stderr.
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned() + &stdout;
        let prefix = format!("[{PACKAGE} 0.1.0] ");
        let script_lines = stdout
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .map(str::to_owned)
            .collect();
        Build {
            success: output.status.success(),
            stderr,
            script_lines,
        }
    }

    /// `k6dsl: <outcome> <path>`, as the build script prints it for a file in `k6/`.
    fn line(&self, outcome: &str, file: &str) -> String {
        format!("k6dsl: {outcome} {}", self.path("k6").join(file).display())
    }
}

/// Makes `to` hold the files of `from` (except the names in `skip`), writing only the
/// files whose contents differ and removing the ones `from` no longer has.
fn sync_tree(from: &Path, to: &Path, skip: &[&str]) {
    fs::create_dir_all(to).unwrap();
    let mut wanted = Vec::new();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            sync_tree(&entry.path(), &to.join(&name), &[]);
        } else if kind.is_file() {
            update(&to.join(&name), &fs::read_to_string(entry.path()).unwrap());
        } else {
            continue;
        }
        wanted.push(name);
    }
    for entry in fs::read_dir(to).unwrap() {
        let entry = entry.unwrap();
        if !wanted.contains(&entry.file_name()) {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                fs::remove_dir_all(path).unwrap();
            } else {
                fs::remove_file(path).unwrap();
            }
        }
    }
}

/// Writes `contents` to `path` unless it already holds them.
fn update(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).unwrap();
    }
}

/// The scratch workspace's manifest: the sample as its member (k6dsl and the macros,
/// path dependencies inside it, join by themselves) and the repository's
/// `[workspace.package]`, which all three inherit from.
fn scratch_workspace() -> String {
    // Every `[workspace.*]` table of the repository's manifest (dependencies, lints,
    // package), which the copied crates inherit from.
    let root = fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let mut tables = String::new();
    let mut keep = false;
    for line in root.lines() {
        if line.starts_with('[') {
            keep = line.starts_with("[workspace.");
        }
        if keep && !line.starts_with('#') {
            tables.push_str(line);
            tables.push('\n');
        }
    }
    assert!(
        tables.contains("[workspace.package]"),
        "the repository's manifest has [workspace.package]"
    );
    format!(
        "# Written by tests/output/build_script.rs.\n[workspace]\nmembers = [\"{SAMPLE}\"]\nresolver = \"2\"\n\n{tables}"
    )
}

/// A file's identity, size and modification time: all unchanged when it was not
/// written (a rewrite by rename gives it a new inode).
fn stamp(path: &Path) -> (u64, u64, std::time::SystemTime) {
    let meta = fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    (inode, meta.len(), meta.modified().unwrap())
}

#[test]
fn build_script_regenerates_on_change_writes_nothing_otherwise_and_keeps_hand_edits() {
    let sample = Sample::new();
    let smoke = sample.path("k6/smoke.js");
    let users = sample.path("k6/data/users.csv");
    let manifest = sample.path("k6/.k6dsl-manifest.json");

    // 1. The first build generates the script, its data and the manifest.
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(
        build.printed(&sample.line("created", "smoke.js")),
        "{}",
        build.stderr
    );
    assert!(
        build.printed(&sample.line("created", "data/users.csv")),
        "{}",
        build.stderr
    );
    // The triggers: the build script, the watched list, the force switch; never k6/.
    assert!(build.printed("cargo:rerun-if-changed=build.rs"));
    assert!(build.printed("cargo:rerun-if-changed=users.csv"));
    assert!(build.printed("cargo:rerun-if-env-changed=K6DSL_FORCE"));
    assert!(
        !build
            .script_lines
            .iter()
            .any(|l| l.starts_with("cargo:rerun-if-changed=") && l.contains("k6")),
        "{:?}",
        build.script_lines
    );
    let js = sample.read("k6/smoke.js");
    assert!(js.contains("      vus: 2,\n"), "{js}");
    assert!(js.contains(r#"open("./data/users.csv")"#), "{js}");
    assert_eq!(
        sample.read("k6/data/users.csv"),
        "username\nuser1\nuser2\nuser3\n"
    );
    assert!(sample
        .read("k6/.k6dsl-manifest.json")
        .contains("\"smoke.js\": \""));
    // What the build script wrote is what k6, node and prettier accept.
    k6dsl_suite::tools::node_check(&js).unwrap_or_else(|e| panic!("node: {e}"));
    k6dsl_suite::tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier: {e}"));
    k6dsl_suite::tools::inspect_in(&sample.path("k6"), Path::new("smoke.js"), &[])
        .unwrap_or_else(|e| panic!("k6 rejects the generated script: {e}"));

    // 2. A build with no change does not even run the build script: nothing written.
    let before = (stamp(&smoke), stamp(&users), stamp(&manifest));
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(build.script_lines.is_empty(), "{:?}", build.script_lines);
    assert!(
        build.stderr.contains(&format!("Fresh {PACKAGE}")),
        "{}",
        build.stderr
    );
    assert_eq!((stamp(&smoke), stamp(&users), stamp(&manifest)), before);

    // 3. A watched input touched without a change reruns the build script, which
    //    regenerates the same contents and writes nothing.
    let list = sample.read("users.csv");
    sample.write("users.csv", &list);
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(
        build.printed(&sample.line("unchanged", "smoke.js")),
        "{}",
        build.stderr
    );
    assert!(
        build.printed(&sample.line("unchanged", "data/users.csv")),
        "{}",
        build.stderr
    );
    assert_eq!((stamp(&smoke), stamp(&users), stamp(&manifest)), before);

    // 4. A change to the model's source regenerates the script, and only the script.
    let settings = sample.read("src/settings.rs");
    assert!(settings.contains("pub const VUS: u32 = 2;"), "{settings}");
    sample.write(
        "src/settings.rs",
        &settings.replace("pub const VUS: u32 = 2;", "pub const VUS: u32 = 3;"),
    );
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(
        build.printed(&sample.line("updated", "smoke.js")),
        "{}",
        build.stderr
    );
    assert!(
        build.printed(&sample.line("unchanged", "data/users.csv")),
        "{}",
        build.stderr
    );
    assert!(sample.read("k6/smoke.js").contains("      vus: 3,\n"));
    #[cfg(unix)]
    assert_ne!(stamp(&smoke).0, before.0 .0, "rewritten by rename");
    assert_eq!(stamp(&users), before.1);

    // 5. A change to the watched input regenerates the data file, and only it.
    let smoke_before = stamp(&smoke);
    sample.write("users.csv", &format!("{list}user4\n"));
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(
        build.printed(&sample.line("updated", "data/users.csv")),
        "{}",
        build.stderr
    );
    assert!(
        build.printed(&sample.line("unchanged", "smoke.js")),
        "{}",
        build.stderr
    );
    assert!(sample.read("k6/data/users.csv").ends_with("user3\nuser4\n"));
    assert_eq!(stamp(&smoke), smoke_before);

    // 6. A model k6dsl rejects fails the build with its problems, writing nothing.
    let users_before = stamp(&users);
    let settings = sample.read("src/settings.rs");
    sample.write(
        "src/settings.rs",
        &settings.replace(
            "pub const DURATION_SECS: u64 = 10;",
            "pub const DURATION_SECS: u64 = 0;",
        ),
    );
    let build = sample.build(false);
    assert!(!build.success, "{}", build.stderr);
    // Cargo shows the build script's stderr, indented.
    for line in [
        "k6dsl could not generate `smoke.js`: the k6 test has 1 problem:",
        "- scenario `smoke`: duration (0s) must be at least 1s",
    ] {
        assert!(build.stderr.contains(line), "{line}\n{}", build.stderr);
    }
    assert_eq!((stamp(&smoke), stamp(&users)), (smoke_before, users_before));
    sample.write("src/settings.rs", &settings);
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(
        build.printed(&sample.line("unchanged", "smoke.js")),
        "{}",
        build.stderr
    );

    // 7. A hand edit of a generated file is no trigger by itself (the output directory
    //    is not watched)...
    let edited = format!("{}// tuned by hand\n", sample.read("k6/smoke.js"));
    sample.write("k6/smoke.js", &edited);
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(build.script_lines.is_empty(), "{:?}", build.script_lines);

    // ...but the next regeneration refuses to overwrite it, fails the build naming the
    // file, and writes nothing at all (not even the data file that did change).
    let users_before = stamp(&users);
    sample.write("users.csv", &format!("{list}user4\nuser5\n"));
    let build = sample.build(false);
    assert!(!build.success, "{}", build.stderr);
    let refusal = format!(
        "{} was changed by hand since k6dsl generated it",
        smoke.display()
    );
    assert!(build.stderr.contains(&refusal), "{}", build.stderr);
    assert!(
        build.stderr.contains("K6DSL_FORCE=1 cargo build"),
        "{}",
        build.stderr
    );
    assert_eq!(sample.read("k6/smoke.js"), edited);
    assert_eq!(stamp(&users), users_before);

    // 8. K6DSL_FORCE=1 overwrites it, and says so.
    let build = sample.build(true);
    assert!(build.success, "{}", build.stderr);
    assert!(
        build.printed(&sample.line("forced", "smoke.js")),
        "{}",
        build.stderr
    );
    assert!(
        build.printed(&sample.line("updated", "data/users.csv")),
        "{}",
        build.stderr
    );
    assert!(
        build.stderr.contains(&format!(
            "k6dsl: overwrote {}, which was changed by hand",
            smoke.display()
        )),
        "{}",
        build.stderr
    );
    let js = sample.read("k6/smoke.js");
    assert!(!js.contains("tuned by hand"), "{js}");
    assert!(js.contains("      vus: 3,\n"), "{js}");
    assert!(sample.read("k6/data/users.csv").ends_with("user4\nuser5\n"));

    // 9. Unsetting it reruns the build script (the variable is a trigger), which finds
    //    everything as it wrote it.
    let build = sample.build(false);
    assert!(build.success, "{}", build.stderr);
    assert!(
        build.printed(&sample.line("unchanged", "smoke.js")),
        "{}",
        build.stderr
    );
    assert!(
        build.printed(&sample.line("unchanged", "data/users.csv")),
        "{}",
        build.stderr
    );
}
