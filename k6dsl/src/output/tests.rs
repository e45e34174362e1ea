use std::fs;
use std::path::{Path, PathBuf};

use super::atomic::{crash, is_temp_name, temp_name};
use super::manifest::{hash_hex, read_manifest, Manifest};
use super::*;
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;

/// An output directory that does not exist yet (a write creates it), inside a
/// temporary directory that is removed when this is dropped.
struct Scratch(
    PathBuf,
    #[expect(dead_code, reason = "held for its Drop, which removes the directory")]
    tempfile::TempDir,
);

impl Scratch {
    fn new(name: &str) -> Self {
        let parent = tempfile::Builder::new()
            .prefix("k6dsl-output-test-")
            .tempdir()
            .unwrap();
        Scratch(parent.path().join(name), parent)
    }
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

/// The file's identity and modification time: both stay when it is not rewritten.
fn stamp(path: &Path) -> (u64, std::time::SystemTime) {
    let meta = fs::metadata(path).unwrap();
    #[cfg(unix)]
    let ino = meta.ino();
    #[cfg(not(unix))]
    let ino = 0;
    (ino, meta.modified().unwrap())
}

fn manifest(root: &Path) -> Manifest {
    read_manifest(&root.join(MANIFEST_FILE)).unwrap().0
}

#[test]
fn hash_is_fnv1a_64() {
    // The published FNV-1a test vectors: manifests on disk depend on them.
    assert_eq!(hash_hex(b""), "cbf29ce484222325");
    assert_eq!(hash_hex(b"a"), "af63dc4c8601ec8c");
    assert_eq!(hash_hex(b"foobar"), "85944171f73967e8");
}

#[test]
fn first_write_creates_files_and_manifest() {
    let dir = Scratch::new("create");
    let report = OutputDir::new(&dir.0)
        .write([("main.js", "// js\n"), ("data/users.csv", "username\n")])
        .unwrap();
    assert_eq!(
        report.files,
        [
            FileReport {
                path: "data/users.csv".into(),
                outcome: Outcome::Created
            },
            FileReport {
                path: "main.js".into(),
                outcome: Outcome::Created
            },
        ]
    );
    assert_eq!(read(&dir.0.join("main.js")), "// js\n");
    assert_eq!(read(&dir.0.join("data/users.csv")), "username\n");
    let manifest = manifest(&dir.0);
    assert_eq!(manifest.files["main.js"], hash_hex(b"// js\n"));
    assert_eq!(manifest.files["data/users.csv"], hash_hex(b"username\n"));
    // No temporary file is left behind.
    let mut names: Vec<_> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [MANIFEST_FILE, "data", "main.js"]);
}

#[test]
fn unchanged_file_is_not_rewritten() {
    let dir = Scratch::new("unchanged");
    let out = OutputDir::new(&dir.0);
    out.write([("main.js", "// js\n")]).unwrap();
    let file = dir.0.join("main.js");
    let manifest_file = dir.0.join(MANIFEST_FILE);
    let before = (stamp(&file), stamp(&manifest_file));
    let report = out.write([("main.js", "// js\n")]).unwrap();
    assert_eq!(report.files[0].outcome, Outcome::Unchanged);
    assert!(!report.wrote_anything());
    assert_eq!((stamp(&file), stamp(&manifest_file)), before);
}

#[test]
fn changed_contents_replace_the_file_by_rename() {
    let dir = Scratch::new("update");
    let out = OutputDir::new(&dir.0);
    out.write([("main.js", "// 1\n")]).unwrap();
    let file = dir.0.join("main.js");
    let before = stamp(&file);
    let report = out.write([("main.js", "// 2\n")]).unwrap();
    assert_eq!(report.files[0].outcome, Outcome::Updated);
    assert_eq!(read(&file), "// 2\n");
    // A new inode: the old file was replaced whole, not written in place.
    #[cfg(unix)]
    assert_ne!(stamp(&file).0, before.0);
    let _ = before;
    assert_eq!(manifest(&dir.0).files["main.js"], hash_hex(b"// 2\n"));
}

#[cfg(unix)]
#[test]
fn permissions_a_person_set_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::new("permissions");
    let out = OutputDir::new(&dir.0);
    out.write([("run.sh", "echo 1\n")]).unwrap();
    let file = dir.0.join("run.sh");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o750)).unwrap();
    out.write([("run.sh", "echo 2\n")]).unwrap();
    assert_eq!(fs::metadata(&file).unwrap().mode() & 0o777, 0o750);
}

#[test]
fn edited_file_is_refused_with_its_name_and_nothing_is_written() {
    let dir = Scratch::new("edited");
    let out = OutputDir::new(&dir.0);
    out.write([("a.js", "// a1\n"), ("b.js", "// b1\n")])
        .unwrap();
    let b = dir.0.join("b.js");
    fs::write(&b, "// b1, edited by a person\n").unwrap();
    let manifest_before = read(&dir.0.join(MANIFEST_FILE));

    let errors = out
        .write([("a.js", "// a2\n"), ("b.js", "// b2\n"), ("c.js", "// c\n")])
        .unwrap_err();
    assert!(
        matches!(errors.as_slice(), [WriteError::Edited { path }] if *path == b),
        "{errors:?}"
    );
    let message = errors.to_string();
    assert!(message.contains(&b.display().to_string()), "{message}");
    assert!(message.contains("changed by hand"), "{message}");
    assert!(errors.needs_force());
    // Nothing at all was written: not the clean file, not the new one, not the
    // manifest.
    assert_eq!(read(&dir.0.join("a.js")), "// a1\n");
    assert_eq!(read(&b), "// b1, edited by a person\n");
    assert!(!dir.0.join("c.js").exists());
    assert_eq!(read(&dir.0.join(MANIFEST_FILE)), manifest_before);
    // `plan` refuses the same way.
    assert!(out.plan([("b.js", "// b2\n")]).is_err());
}

#[test]
fn every_refused_file_is_named() {
    let dir = Scratch::new("several");
    let out = OutputDir::new(&dir.0);
    out.write([("a.js", "1"), ("b.js", "1")]).unwrap();
    fs::write(dir.0.join("a.js"), "mine").unwrap();
    fs::write(dir.0.join("b.js"), "mine").unwrap();
    let errors = out.write([("a.js", "2"), ("b.js", "2")]).unwrap_err();
    assert_eq!(errors.len(), 2);
    let message = errors.to_string();
    assert!(
        message.starts_with("2 generated files were not written:"),
        "{message}"
    );
    assert!(message.contains("a.js was changed by hand"), "{message}");
    assert!(message.contains("b.js was changed by hand"), "{message}");
}

#[test]
fn force_overwrites_an_edited_file_and_records_it() {
    let dir = Scratch::new("force");
    let out = OutputDir::new(&dir.0);
    out.write([("main.js", "// 1\n")]).unwrap();
    fs::write(dir.0.join("main.js"), "// edited\n").unwrap();
    let report = out
        .clone()
        .force(true)
        .write([("main.js", "// 2\n")])
        .unwrap();
    assert_eq!(report.files[0].outcome, Outcome::Forced);
    assert_eq!(read(&dir.0.join("main.js")), "// 2\n");
    // The manifest now knows the forced contents: the next write is an update.
    let report = out.write([("main.js", "// 3\n")]).unwrap();
    assert_eq!(report.files[0].outcome, Outcome::Updated);
}

#[test]
fn a_file_edited_back_to_the_generated_contents_is_fine() {
    let dir = Scratch::new("edited-back");
    let out = OutputDir::new(&dir.0);
    out.write([("main.js", "// 1\n")]).unwrap();
    fs::write(dir.0.join("main.js"), "// 2\n").unwrap();
    // The person's edit is exactly what k6dsl now generates: nothing to lose.
    let report = out.write([("main.js", "// 2\n")]).unwrap();
    assert_eq!(report.files[0].outcome, Outcome::Unchanged);
    assert_eq!(manifest(&dir.0).files["main.js"], hash_hex(b"// 2\n"));
}

#[test]
fn a_file_that_is_not_ours_is_refused() {
    let dir = Scratch::new("foreign");
    fs::create_dir_all(&dir.0).unwrap();
    let file = dir.0.join("main.js");
    fs::write(&file, "// a person's script\n").unwrap();
    let errors = OutputDir::new(&dir.0)
        .write([("main.js", "// generated\n")])
        .unwrap_err();
    assert!(matches!(errors.as_slice(), [WriteError::NotGenerated { path }] if *path == file));
    assert!(errors.to_string().contains("was not generated by k6dsl"));
    assert_eq!(read(&file), "// a person's script\n");
    assert!(!dir.0.join(MANIFEST_FILE).exists());
}

#[test]
fn an_existing_file_with_the_same_contents_is_adopted() {
    let dir = Scratch::new("adopt");
    fs::create_dir_all(&dir.0).unwrap();
    fs::write(dir.0.join("main.js"), "// generated\n").unwrap();
    let report = OutputDir::new(&dir.0)
        .write([("main.js", "// generated\n")])
        .unwrap();
    assert_eq!(report.files[0].outcome, Outcome::Unchanged);
    assert!(manifest(&dir.0).files.contains_key("main.js"));
}

#[test]
fn paths_that_escape_or_are_not_portable_are_rejected() {
    let dir = Scratch::new("paths");
    for (path, reason) in [
        ("", "is empty"),
        ("/etc/passwd", "is absolute"),
        ("../main.js", "`..`"),
        ("load/../../main.js", "`..`"),
        ("./main.js", "`.` part"),
        ("load//main.js", "empty part"),
        ("load/", "empty part"),
        ("load\\main.js", "backslash"),
        ("C:/main.js", "`:`"),
        (MANIFEST_FILE, "manifest"),
    ] {
        let errors = OutputDir::new(&dir.0).write([(path, "x")]).unwrap_err();
        match errors.as_slice() {
            [WriteError::InvalidPath { path: p, reason: r }] => {
                assert_eq!(p, path);
                assert!(r.contains(reason), "{path}: {r}");
            }
            other => panic!("{path}: {other:?}"),
        }
        assert!(errors.to_string().contains(&format!("`{path}`")));
    }
    // Nothing was created, not even the directory.
    assert!(!dir.0.exists());
}

#[test]
fn every_bad_path_is_reported_and_none_written() {
    let dir = Scratch::new("bad-paths");
    let errors = OutputDir::new(&dir.0)
        .write([("ok.js", "1"), ("../a.js", "2"), ("/b.js", "3")])
        .unwrap_err();
    assert_eq!(errors.len(), 2, "{errors}");
    assert!(!dir.0.exists());
}

#[test]
fn duplicates_and_file_directory_clashes_are_rejected() {
    let dir = Scratch::new("duplicates");
    // The same path with the same contents is one file.
    let report = OutputDir::new(&dir.0)
        .write([("data/u.csv", "1"), ("data/u.csv", "1")])
        .unwrap();
    assert_eq!(report.files.len(), 1);

    let errors = OutputDir::new(&dir.0)
        .write([
            ("data/u.csv", "1"),
            ("data/u.csv", "2"),
            ("data/u.csv", "3"),
        ])
        .unwrap_err();
    assert!(
        matches!(errors.as_slice(), [WriteError::DuplicatePath { path }] if path == "data/u.csv")
    );

    let errors = OutputDir::new(&dir.0)
        .write([("data", "1"), ("data/u.csv", "2")])
        .unwrap_err();
    assert!(matches!(
        errors.as_slice(),
        [WriteError::FileAndDirectory { file, inside }] if file == "data" && inside == "data/u.csv"
    ));
}

#[test]
fn a_directory_in_the_way_is_reported() {
    let dir = Scratch::new("dir-in-way");
    fs::create_dir_all(dir.0.join("main.js")).unwrap();
    fs::write(dir.0.join("data"), "a file").unwrap();
    let errors = OutputDir::new(&dir.0)
        .write([("main.js", "1"), ("data/u.csv", "2")])
        .unwrap_err();
    assert_eq!(errors.len(), 2, "{errors}");
    assert!(errors
        .iter()
        .any(|e| matches!(e, WriteError::IsADirectory { path } if *path == dir.0.join("main.js"))));
    assert!(errors
        .iter()
        .any(|e| matches!(e, WriteError::NotADirectory { path } if *path == dir.0.join("data"))));
}

#[test]
fn an_output_directory_that_is_a_file_is_reported() {
    let dir = Scratch::new("root-file");
    fs::write(&dir.0, "a file").unwrap();
    let errors = OutputDir::new(&dir.0)
        .write([("main.js", "1")])
        .unwrap_err();
    assert!(matches!(errors.as_slice(), [WriteError::NotADirectory { path }] if *path == dir.0));
    fs::remove_file(&dir.0).unwrap();
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed_out_of_the_directory() {
    let dir = Scratch::new("symlink");
    let elsewhere = Scratch::new("symlink-target");
    fs::create_dir_all(&dir.0).unwrap();
    fs::create_dir_all(&elsewhere.0).unwrap();
    std::os::unix::fs::symlink(&elsewhere.0, dir.0.join("data")).unwrap();
    std::os::unix::fs::symlink(elsewhere.0.join("x.js"), dir.0.join("main.js")).unwrap();
    let errors = OutputDir::new(&dir.0)
        .write([("data/u.csv", "1"), ("main.js", "2")])
        .unwrap_err();
    assert_eq!(errors.len(), 2, "{errors}");
    assert!(errors
        .iter()
        .all(|e| matches!(e, WriteError::Symlink { .. })));
    assert!(fs::read_dir(&elsewhere.0).unwrap().next().is_none());
}

#[test]
fn files_no_longer_generated_are_kept_and_reported() {
    let dir = Scratch::new("stale");
    let out = OutputDir::new(&dir.0);
    out.write([("main.js", "1"), ("old.js", "1")]).unwrap();
    let report = out.write([("main.js", "1")]).unwrap();
    assert_eq!(report.stale, ["old.js"]);
    assert!(dir.0.join("old.js").exists());
    assert!(report.to_string().contains("no longer generated"));
    // Still reported next time, until deleted.
    assert_eq!(out.write([("main.js", "1")]).unwrap().stale, ["old.js"]);
    fs::remove_file(dir.0.join("old.js")).unwrap();
    let report = out.write([("main.js", "1")]).unwrap();
    assert!(report.stale.is_empty());
    assert!(!manifest(&dir.0).files.contains_key("old.js"));
}

#[test]
fn a_bad_manifest_is_reported_and_force_starts_over() {
    let dir = Scratch::new("bad-manifest");
    let out = OutputDir::new(&dir.0);
    out.write([("main.js", "1")]).unwrap();
    let manifest_file = dir.0.join(MANIFEST_FILE);
    fs::write(&manifest_file, "{ not json").unwrap();
    let errors = out.write([("main.js", "2")]).unwrap_err();
    assert!(
        matches!(errors.as_slice(), [WriteError::BadManifest { path, .. }] if *path == manifest_file)
    );
    assert_eq!(read(&dir.0.join("main.js")), "1");
    let report = out.clone().force(true).write([("main.js", "2")]).unwrap();
    assert_eq!(report.files[0].outcome, Outcome::Forced);
    assert_eq!(manifest(&dir.0).files["main.js"], hash_hex(b"2"));

    // A manifest listing a path outside the directory is not trusted either.
    fs::write(
        &manifest_file,
        r#"{"about":"","version":1,"hash":"fnv1a-64","files":{"../x":"00"}}"#,
    )
    .unwrap();
    let errors = out.write([("main.js", "2")]).unwrap_err();
    assert!(errors.to_string().contains("`../x`"), "{errors}");
}

/// The names in `dir` that are k6dsl's temporary files.
fn temp_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| is_temp_name(name))
        .collect();
    names.sort();
    names
}

#[test]
fn temp_names_are_recognised_and_nothing_else() {
    assert!(is_temp_name(&temp_name("main.js")));
    assert!(is_temp_name(".a.b.k6dsl-12-3.tmp"));
    for name in [
        "main.js",
        ".main.js.tmp",
        ".main.js.k6dsl-x-3.tmp",
        ".main.js.k6dsl-12-.tmp",
        "main.js.k6dsl-1-2.tmp",
        ".k6dsl-1-2.tmp.bak",
    ] {
        assert!(!is_temp_name(name), "{name}");
    }
}

#[test]
fn a_write_that_dies_half_way_is_cleaned_up_and_its_files_known_next_time() {
    let dir = Scratch::new("crash");
    let out = OutputDir::new(&dir.0);
    let v1 = [
        ("a.js", "a1"),
        ("lib/b.js", "b1"),
        ("lib/c.js", "c1"),
        ("d.js", "d1"),
    ];
    out.write(v1).unwrap();
    // The process dies while writing lib/c.js: a.js and lib/b.js are new, c.js
    // and d.js old, a temporary file is left beside c.js.
    let v2 = [
        ("a.js", "a2"),
        ("lib/b.js", "b2"),
        ("lib/c.js", "c2"),
        ("d.js", "d2"),
    ];
    crash::before(&dir.0, "lib/c.js");
    out.write(v2).unwrap_err();
    assert_eq!(read(&dir.0.join("a.js")), "a2");
    assert_eq!(read(&dir.0.join("lib/b.js")), "b2");
    assert_eq!(read(&dir.0.join("lib/c.js")), "c1");
    assert_eq!(temp_files(&dir.0.join("lib")).len(), 1);
    // The manifest written before the first file records what was under way.
    let record = manifest(&dir.0);
    assert_eq!(record.files["a.js"], hash_hex(b"a1"));
    assert_eq!(record.pending["a.js"], hash_hex(b"a2"));
    assert_eq!(record.pending.len(), 4);

    // The next run, with other contents still: no file is taken for a hand
    // edit, the temporary file is gone, and the manifest is whole again.
    let v3 = [
        ("a.js", "a3"),
        ("lib/b.js", "b3"),
        ("lib/c.js", "c3"),
        ("d.js", "d3"),
    ];
    let report = out.write(v3).unwrap();
    assert!(
        report.files.iter().all(|f| f.outcome == Outcome::Updated),
        "{report}"
    );
    assert!(temp_files(&dir.0.join("lib")).is_empty());
    assert!(temp_files(&dir.0).is_empty());
    let record = manifest(&dir.0);
    assert!(record.pending.is_empty());
    assert_eq!(record.files["lib/c.js"], hash_hex(b"c3"));
    assert!(!read(&dir.0.join(MANIFEST_FILE)).contains("pending"));

    // A hand edit is still refused after a crash.
    crash::before(&dir.0, "d.js");
    out.write(v1).unwrap_err();
    fs::write(dir.0.join("d.js"), "mine").unwrap();
    let errors = out.write(v3).unwrap_err();
    assert!(
        errors.to_string().contains("d.js was changed by hand"),
        "{errors}"
    );
    // ... and its temporary file was not removed by a refused write, only by
    // the next one that writes.
    assert_eq!(temp_files(&dir.0).len(), 1);
    fs::write(dir.0.join("d.js"), "d1").unwrap();
    out.write(v3).unwrap();
    assert!(temp_files(&dir.0).is_empty());
}

#[test]
fn writing_no_files_creates_nothing() {
    let dir = Scratch::new("empty");
    let report = OutputDir::new(&dir.0)
        .write(Vec::<(String, String)>::new())
        .unwrap();
    assert!(report.files.is_empty());
    assert!(!dir.0.exists());
}

#[test]
fn plan_reports_without_writing() {
    let dir = Scratch::new("plan");
    let out = OutputDir::new(&dir.0);
    out.write([("main.js", "1")]).unwrap();
    let before = stamp(&dir.0.join("main.js"));
    let report = out.plan([("main.js", "2"), ("new.js", "1")]).unwrap();
    assert_eq!(
        report.files.iter().map(|f| f.outcome).collect::<Vec<_>>(),
        [Outcome::Updated, Outcome::Created]
    );
    assert_eq!(read(&dir.0.join("main.js")), "1");
    assert!(!dir.0.join("new.js").exists());
    assert_eq!(stamp(&dir.0.join("main.js")), before);
}
