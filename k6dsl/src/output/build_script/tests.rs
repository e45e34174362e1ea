use super::*;
use crate::output;
use crate::prelude::*;
use std::fs;

/// A package directory with a `build.rs`, removed when dropped.
struct Package(
    PathBuf,
    #[expect(dead_code, reason = "held for its Drop, which removes the directory")]
    tempfile::TempDir,
);

impl Package {
    fn new(name: &str) -> Self {
        let scratch = tempfile::Builder::new()
            .prefix(&format!("k6dsl-build-test-{name}-"))
            .tempdir()
            .unwrap();
        let dir = scratch.path().to_owned();
        fs::write(dir.join("build.rs"), "fn main() {}\n").unwrap();
        Package(dir, scratch)
    }

    /// A generator for this package that ignores the environment's K6DSL_FORCE.
    fn generator(&self) -> Generator {
        Generator::new(self.0.join("k6"))
            .build_script(self.0.join("build.rs"))
            .force(false)
    }
}

fn smoke(vus: u32) -> Script<crate::load::HasScenarios> {
    let users = DataSet::csv_rows("users", ["username"], [["user1"], ["user2"]]);
    let flow = Flow::new("smoke").steps(|f| {
        let user = f.row(&users, RowSelection::PerVu);
        f.request(
            Request::get(text!["/users/", user.field("username")])
                .name("user")
                .check(Check::status(200)),
        );
    });
    let vus = std::num::NonZeroU32::new(vus).unwrap();
    Script::new().scenario(
        Scenario::new("smoke", ConstantVus::new().vus(vus).duration(secs(10))).exec(&flow),
    )
}

fn run(generator: Generator) -> (Result<Report, BuildScriptError>, String) {
    let mut out = Vec::new();
    let result = generator.write_to(&mut out);
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn prints_triggers_and_writes_script_with_data_beside_it() {
    let package = Package::new("writes");
    fs::write(package.0.join("users.csv"), "username\n").unwrap();
    let (result, printed) = run(package
        .generator()
        .watch(package.0.join("users.csv"))
        .watch(package.0.join("users.csv"))
        .script("load/smoke.js", &smoke(1)));
    let report = result.unwrap();
    let k6 = package.0.join("k6");
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "cargo:rerun-if-changed={}",
                package.0.join("build.rs").display()
            ),
            format!(
                "cargo:rerun-if-changed={}",
                package.0.join("users.csv").display()
            ),
            format!(
                "k6dsl: created {}",
                k6.join("load/data/users.csv").display()
            ),
            // k6 creates no folders: handleSummary and --out write into results/.
            format!(
                "k6dsl: created {}",
                k6.join("load/results/.gitkeep").display()
            ),
            format!("k6dsl: created {}", k6.join("load/smoke.js").display()),
        ]
    );
    assert_eq!(report.written().count(), 3);
    let js = fs::read_to_string(k6.join("load/smoke.js")).unwrap();
    assert_eq!(js, smoke(1).to_javascript().unwrap());
    assert!(js.contains("\"./data/users.csv\""), "{js}");
    assert_eq!(
        fs::read_to_string(k6.join("load/data/users.csv")).unwrap(),
        "username\nuser1\nuser2\n"
    );
    // The output directory is never a trigger.
    assert!(!printed.contains(&format!("rerun-if-changed={}", k6.display())));
}

#[test]
fn regenerates_only_what_changed() {
    let package = Package::new("regenerate");
    run(package.generator().script("smoke.js", &smoke(1)))
        .0
        .unwrap();
    let (result, printed) = run(package.generator().script("smoke.js", &smoke(1)));
    assert!(!result.unwrap().wrote_anything());
    assert!(printed.contains("k6dsl: unchanged "), "{printed}");
    let (result, printed) = run(package.generator().script("smoke.js", &smoke(3)));
    let report = result.unwrap();
    assert_eq!(
        report
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.outcome))
            .collect::<Vec<_>>(),
        [
            ("data/users.csv", Outcome::Unchanged),
            ("results/.gitkeep", Outcome::Unchanged),
            ("smoke.js", Outcome::Updated)
        ]
    );
    assert!(printed.contains("k6dsl: updated "), "{printed}");
    let js = fs::read_to_string(package.0.join("k6/smoke.js")).unwrap();
    assert!(js.contains("vus: 3,"), "{js}");
}

#[test]
fn generation_problems_fail_before_anything_is_written() {
    let package = Package::new("generate-error");
    let flow = Flow::new("smoke").steps(|f| {
        f.request(Request::get("/products").name("products"));
    });
    let bad = Script::new()
        .scenario(
            Scenario::new("smoke", ConstantVus::new().vus(nz!(1)).duration(secs(10))).exec(&flow),
        )
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "nowhere").p(95).lt(500));
    let (result, _) = run(package
        .generator()
        .script("good.js", &smoke(1))
        .script("bad.js", &bad)
        .script("worse.js", &bad));
    let error = result.unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("k6dsl could not generate `bad.js`: the k6 test has 1 problem:\n  - "),
        "{message}"
    );
    assert!(
        message.contains("\nk6dsl could not generate `worse.js`"),
        "{message}"
    );
    assert!(message.contains("endpoint:nowhere"), "{message}");
    assert_eq!(format!("{error:?}"), message);
    assert!(!package.0.join("k6").exists());
}

#[test]
fn hand_edits_fail_the_build_naming_the_file_until_forced() {
    let package = Package::new("edited");
    run(package.generator().script("smoke.js", &smoke(1)))
        .0
        .unwrap();
    let file = package.0.join("k6/smoke.js");
    fs::write(&file, "// tuned by hand\n").unwrap();

    let (result, _) = run(package.generator().script("smoke.js", &smoke(2)));
    let error = result.unwrap_err();
    assert!(
        matches!(&error, BuildScriptError::Output { errors, .. } if matches!(errors.as_slice(), [output::WriteError::Edited { path }] if *path == file))
    );
    let message = error.to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(message.contains("Generator::force(true)"), "{message}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "// tuned by hand\n");

    let (result, printed) = run(package
        .generator()
        .force(true)
        .script("smoke.js", &smoke(2)));
    let report = result.unwrap();
    let smoke_js = report.files.iter().find(|f| f.path == "smoke.js").unwrap();
    assert_eq!(smoke_js.outcome, Outcome::Forced);
    assert!(
        printed.contains(&format!(
            "cargo:warning=k6dsl: overwrote {}",
            file.display()
        )),
        "{printed}"
    );
    assert!(fs::read_to_string(&file).unwrap().contains("vus: 2,"));
}

#[test]
fn stale_files_are_warned_about() {
    let package = Package::new("stale");
    run(package.generator().file("old.js", "1").file("main.js", "1"))
        .0
        .unwrap();
    let (result, printed) = run(package.generator().file("main.js", "1"));
    assert_eq!(result.unwrap().stale, ["old.js"]);
    assert!(
        printed.contains(&format!(
            "cargo:warning=k6dsl: {} is no longer generated",
            package.0.join("k6/old.js").display()
        )),
        "{printed}"
    );
}

#[test]
fn watch_problems_are_all_reported_before_anything_is_printed() {
    let package = Package::new("watch");
    fs::create_dir_all(package.0.join("k6")).unwrap();
    fs::write(package.0.join("k6/inside.csv"), "").unwrap();
    let (result, printed) = run(package
        .generator()
        .watch(package.0.join("missing.csv"))
        .watch(package.0.join("k6/inside.csv"))
        .watch(package.0.join("k6/../k6/inside.csv"))
        .watch(&package.0)
        .watch(""));
    let error = result.unwrap_err();
    let BuildScriptError::Watch(problems) = &error else {
        panic!("{error}")
    };
    let reasons: Vec<&str> = problems.iter().map(|(_, reason)| *reason).collect();
    assert_eq!(reasons.len(), 5, "{error}");
    assert!(reasons[0].starts_with("does not exist"));
    assert!(reasons[1].starts_with("is inside the output directory"));
    assert!(reasons[2].starts_with("is inside the output directory"));
    assert!(reasons[3].starts_with("contains the output directory"));
    assert_eq!(reasons[4], "is empty");
    assert!(printed.is_empty());
    assert!(error.to_string().contains("missing.csv: does not exist"));
}

#[test]
fn a_missing_build_script_is_reported() {
    let package = Package::new("no-build-rs");
    let (result, _) = run(package
        .generator()
        .build_script(package.0.join("generate.rs")));
    let message = result.unwrap_err().to_string();
    assert!(message.contains("generate.rs: does not exist"), "{message}");
}

#[test]
fn bad_output_paths_name_the_path() {
    let package = Package::new("bad-path");
    let (result, _) = run(package.generator().script("../smoke.js", &smoke(1)));
    let message = result.unwrap_err().to_string();
    assert!(message.contains("`../smoke.js`"), "{message}");
    // Data files land beside the script, so a bad script path is reported for them too.
    assert!(message.contains("`../data/users.csv`"), "{message}");
    assert!(!message.contains("To overwrite"), "{message}");
}

#[test]
fn lexical_paths_resolve_dots() {
    assert_eq!(
        lexically_absolute(Path::new("/a/./b/../c")),
        PathBuf::from("/a/c")
    );
}
