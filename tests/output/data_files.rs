//! Files a script reads travel with it: the CSV and JSON data sets and the `tlsAuth`
//! PEM files a model names by path are copied into what k6dsl generates, and the
//! script opens the copies. Each of the four ways of generating is checked under real
//! k6, run from another directory than the output's, against the demo shop on
//! 127.0.0.1: the rows of the user's files must reach the server.
//!
//! - the runner (`Runner::run`): the run directory;
//! - the project tree (`Script::to_project`, `to_project_ts`): `data/`;
//! - the build script generator (`k6dsl::output::build_script::Generator`): beside the script;
//! - the command line (`k6dsl gen`, `--tree`), with paths relative to its current
//!   directory.
//!
//! And a file missing when k6dsl generates is an error naming the data set (or
//! `tlsAuth` entry) and the path, with where it was looked for.

use std::path::Path;
use std::process::{Command, Output};

use demo_shop::DemoShop;
use k6dsl::options::{GeneralOptions, Pem, TlsAuth};
use k6dsl::output::build_script::Generator;
use k6dsl::plan::Plan;
use k6dsl::prelude::*;
use k6dsl::run::Runner;
use k6dsl_suite::tools;

use crate::shop;

const USERS_CSV: &str = "username,team\nann,red\nbob,blue\n";
const PRODUCTS_JSON: &str = "[{\"sku\": \"x-1\"}, {\"sku\": \"y-2\"}]\n";

/// The user's files, in a directory of their own: `inputs/users.csv`,
/// `inputs/products.json`, `inputs/client-cert.pem`, `inputs/client-key.pem`.
struct Inputs {
    dir: tempfile::TempDir,
}

impl Inputs {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let inputs = dir.path().join("inputs");
        std::fs::create_dir_all(&inputs).unwrap();
        std::fs::write(inputs.join("users.csv"), USERS_CSV).unwrap();
        std::fs::write(inputs.join("products.json"), PRODUCTS_JSON).unwrap();
        let fixtures = tools::repo_root().join("tests/fixtures");
        std::fs::copy(
            fixtures.join("test-client-cert.pem"),
            inputs.join("client-cert.pem"),
        )
        .unwrap();
        std::fs::copy(
            fixtures.join("test-client-key.pem"),
            inputs.join("client-key.pem"),
        )
        .unwrap();
        Inputs { dir }
    }

    /// The directory holding `inputs/`.
    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `inputs/<name>`, absolute.
    fn absolute(&self, name: &str) -> String {
        self.root()
            .join("inputs")
            .join(name)
            .to_str()
            .unwrap()
            .to_owned()
    }
}

/// One VU, two iterations: each picks the next CSV row and the next JSON row and
/// sends their values to the shop's echo route. `path` maps a file name of `inputs/`
/// to the path the model names.
fn model(path: impl Fn(&str) -> String) -> Script<k6dsl::load::HasShortcut> {
    let users = DataSet::csv_file("users", path("users.csv"));
    let products = DataSet::json_file("products", path("products.json"));
    let flow = Flow::new("read").steps(|f| {
        let user = f.row(&users, RowSelection::PerIteration);
        let product = f.row(&products, RowSelection::PerIteration);
        f.request(
            Request::get(text![
                "/echo/users/",
                user.field("username"),
                "/",
                user.field("team")
            ])
            .name("user")
            .check(Check::status(200)),
        );
        f.request(
            Request::get(text!["/echo/products/", product.field("sku")])
                .name("product")
                .check(Check::status(200)),
        );
    });
    Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(2)))
        .default_flow(&flow)
        .threshold(CHECKS.rate().eq(1))
        // k6 reads and parses the client certificate in init code.
        .options(GeneralOptions::default().tls_auth(TlsAuth {
            domains: vec!["client.example.com".into()],
            cert: Pem::File(path("client-cert.pem")),
            key: Pem::File(path("client-key.pem")),
            password_env: None,
        }))
}

/// The rows of `USERS_CSV` and `PRODUCTS_JSON` reached the shop, in order.
#[track_caller]
fn assert_rows_arrived(shop: &DemoShop) {
    let paths: Vec<String> = shop.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/echo/users/ann/red",
            "/echo/products/x-1",
            "/echo/users/bob/blue",
            "/echo/products/y-2"
        ]
    );
}

/// The copies hold the user's bytes.
#[track_caller]
fn assert_copied(out: &Path, inputs: &Inputs) {
    for (copy, original) in [
        ("data/users.csv", "users.csv"),
        ("data/products.json", "products.json"),
        ("data/tls-auth-0-cert.pem", "client-cert.pem"),
        ("data/tls-auth-0-key.pem", "client-key.pem"),
    ] {
        assert_eq!(
            std::fs::read(out.join(copy)).unwrap_or_else(|e| panic!("{copy}: {e}")),
            std::fs::read(inputs.absolute(original)).unwrap(),
            "{copy}"
        );
    }
}

/// Writes `files` (paths relative to `dir`).
fn write_files(dir: &Path, files: &[k6dsl::File]) {
    for k6dsl::File { path, contents } in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

/// `k6 run` of `script` from a directory of its own, against `shop`; it must pass.
#[track_caller]
fn run_elsewhere(script: &Path, shop: &DemoShop) {
    let elsewhere = tempfile::tempdir().unwrap();
    let base = shop.base_url();
    let run = tools::k6_run_in(elsewhere.path(), script, &[("BASE_URL", &base)], &[]);
    assert_eq!(
        run.exit_code,
        0,
        "k6 run {} failed\nstdout:\n{}\nstderr:\n{}",
        script.display(),
        run.stdout,
        run.stderr
    );
    assert_eq!(run.check("status is 200"), (4, 0));
}

#[test]
fn the_runner_copies_the_files_into_the_run_directory() {
    let inputs = Inputs::new();
    let shop = shop();
    let run_dir = tempfile::tempdir().unwrap();
    let result = Runner::new()
        .k6(tools::k6_binary())
        .dir(run_dir.path())
        .env("BASE_URL", shop.base_url())
        .echo(false)
        .run(&model(|name| inputs.absolute(name)))
        .expect("k6 runs");
    result.assert_passed();
    assert_eq!(result.check("status is 200"), (4, 0));
    assert_rows_arrived(&shop);
    assert_copied(run_dir.path(), &inputs);
}

#[test]
fn the_project_tree_holds_the_files_in_data() {
    let inputs = Inputs::new();
    let script = model(|name| inputs.absolute(name));
    let files = script.to_project().unwrap();
    let readme = &files
        .iter()
        .find(|k6dsl::File { path, .. }| path == "README.md")
        .unwrap()
        .text()
        .unwrap();
    for listed in ["- `data/users.csv`", "- `data/tls-auth-0-key.pem`"] {
        assert!(readme.contains(listed), "{readme}");
    }
    let project = tempfile::tempdir().unwrap();
    write_files(project.path(), &files);
    assert_copied(project.path(), &inputs);
    // scripts/lib/data.js and scripts/lib/config.js open ../../data/.
    let shop = shop();
    run_elsewhere(&project.path().join("scripts/main.js"), &shop);
    assert_rows_arrived(&shop);

    // The TypeScript tree opens the same files: k6 runs its init code.
    let project_ts = tempfile::tempdir().unwrap();
    write_files(project_ts.path(), &script.to_project_ts().unwrap());
    assert_copied(project_ts.path(), &inputs);
    let elsewhere = tempfile::tempdir().unwrap();
    tools::inspect_in(
        elsewhere.path(),
        &project_ts.path().join("scripts/main.ts"),
        &[],
    )
    .unwrap_or_else(|e| panic!("k6 rejects the TypeScript project: {e}"));
}

#[test]
fn the_build_script_generator_copies_and_watches_the_files() {
    let inputs = Inputs::new();
    let package = tempfile::tempdir().unwrap();
    std::fs::write(package.path().join("build.rs"), "fn main() {}\n").unwrap();
    let out = package.path().join("k6");
    let mut cargo = Vec::new();
    Generator::new(&out)
        .build_script(package.path().join("build.rs"))
        .force(false)
        .script("load/smoke.js", &model(|name| inputs.absolute(name)))
        .write_to(&mut cargo)
        .unwrap();
    let cargo = String::from_utf8(cargo).unwrap();
    // Editing a copied file reruns the build script.
    for name in [
        "users.csv",
        "products.json",
        "client-cert.pem",
        "client-key.pem",
    ] {
        let line = format!("cargo:rerun-if-changed={}\n", inputs.absolute(name));
        assert!(cargo.contains(&line), "{line} missing from\n{cargo}");
    }
    assert_copied(&out.join("load"), &inputs);
    let shop = shop();
    run_elsewhere(&out.join("load/smoke.js"), &shop);
    assert_rows_arrived(&shop);
}

#[test]
fn k6dsl_gen_copies_the_files_named_relative_to_its_directory() {
    let inputs = Inputs::new();
    // The plan names the files relative to where k6dsl runs.
    let plan = Plan::from(&model(|name| format!("inputs/{name}")));
    std::fs::write(inputs.root().join("plan.json"), plan.to_json()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let single = out.path().join("single");
    let tree = out.path().join("tree");
    for (dir, extra) in [(&single, None), (&tree, Some("--tree"))] {
        let mut args = vec!["gen", "plan.json", "-o", dir.to_str().unwrap()];
        args.extend(extra);
        let output = k6dsl(&args, inputs.root());
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    assert_copied(&single, &inputs);
    assert_copied(&tree, &inputs);
    let shop = shop();
    run_elsewhere(&single.join("main.js"), &shop);
    assert_rows_arrived(&shop);
    shop.clear_requests();
    run_elsewhere(&tree.join("scripts/main.js"), &shop);
    assert_rows_arrived(&shop);
}

#[test]
fn a_missing_file_is_a_generation_error_naming_the_data_set_and_the_path() {
    let inputs = Inputs::new();
    let missing = inputs.root().join("nowhere/users.csv");
    let missing = missing.to_str().unwrap();
    let cwd = std::env::current_dir().unwrap();
    let expected = format!(
        "data set `users`: file: `{missing}` does not exist (looked for {missing}): relative \
         paths are read from the current directory ({}) when k6dsl generates; fix the path, \
         or create the file",
        cwd.display()
    );
    let script = model(|name| match name {
        "users.csv" => missing.to_owned(),
        _ => inputs.absolute(name),
    });
    let error = script.to_javascript().unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("the k6 test has 1 problem:\n  - {expected}")
    );
    assert!(script.to_project().is_err());
    assert_eq!(
        script.data_files().unwrap_err().to_string(),
        error.to_string()
    );

    // The runner stops before starting k6; the generator before writing anything.
    let run = Runner::new()
        .k6(tools::k6_binary())
        .run(&script)
        .unwrap_err();
    assert!(run.to_string().contains(&expected), "{run}");
    let package = tempfile::tempdir().unwrap();
    std::fs::write(package.path().join("build.rs"), "fn main() {}\n").unwrap();
    let generated = Generator::new(package.path().join("k6"))
        .build_script(package.path().join("build.rs"))
        .force(false)
        .script("smoke.js", &script)
        .write_to(&mut std::io::sink())
        .unwrap_err();
    assert!(
        generated
            .to_string()
            .starts_with("k6dsl could not generate `smoke.js`: the k6 test has 1 problem:"),
        "{generated}"
    );
    assert!(generated.to_string().contains(&expected), "{generated}");
    assert!(!package.path().join("k6").exists());

    // A tlsAuth file: the entry and which of its files.
    let script = model(|name| match name {
        "client-key.pem" => "no-such-key.pem".to_owned(),
        _ => inputs.absolute(name),
    });
    let error = script.to_javascript().unwrap_err().to_string();
    assert!(
        error.contains(&format!(
            "option `tlsAuth`: tlsAuth: entry 0: key file `no-such-key.pem` does not exist \
             (looked for {})",
            cwd.join("no-such-key.pem").display()
        )),
        "{error}"
    );
}

#[test]
fn k6dsl_check_locates_a_missing_file_in_the_plan() {
    let inputs = Inputs::new();
    let plan = Plan::from(&model(|name| format!("inputs/{name}")));
    let plan_path = inputs.root().join("plan.yaml");
    std::fs::write(&plan_path, plan.to_yaml()).unwrap();
    // From another directory, `inputs/users.csv` is not there.
    let elsewhere = tempfile::tempdir().unwrap();
    let output = k6dsl(&["check", plan_path.to_str().unwrap()], elsewhere.path());
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let looked = elsewhere
        .path()
        .canonicalize()
        .unwrap()
        .join("inputs/users.csv");
    let line = stderr
        .lines()
        .find(|l| l.contains("data set `users`"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        line.starts_with(&format!("{}:", plan_path.display()))
            && line.contains(": data[0].source.csv_file: data set `users`: file: `inputs/users.csv` does not exist")
            && line.contains(&format!("(looked for {})", looked.display())),
        "{stderr}"
    );
    // All four files are reported, each once.
    assert_eq!(stderr.matches("does not exist").count(), 4, "{stderr}");
}

#[test]
fn a_file_that_is_not_utf8_text_is_refused_when_read() {
    let inputs = Inputs::new();
    std::fs::write(inputs.absolute("users.csv"), b"username\n\xe9ric\n").unwrap();
    let script = model(|name| inputs.absolute(name));
    let error = script.data_files().unwrap_err().to_string();
    assert!(
        error.contains(&format!(
            "data set `users`: file: `{}` is not UTF-8 text (byte 9 is not), and k6 reads it \
             as text: save it as UTF-8",
            inputs.absolute("users.csv")
        )),
        "{error}"
    );
}

#[test]
fn a_tls_file_and_a_data_set_cannot_share_a_path() {
    let inputs = Inputs::new();
    let mut plan = Plan::from(&model(|name| inputs.absolute(name)));
    plan.script.data.push(k6dsl::model::vu::DataSet {
        name: "rows".into(),
        source: k6dsl::model::vu::DataSource::JsonRows {
            file: "data/tls-auth-0-cert.pem".into(),
            rows: vec![],
        },
    });
    let error = plan.to_javascript().unwrap_err().to_string();
    assert!(
        error.contains(
            "option `tlsAuth`: file: `data/tls-auth-0-cert.pem` is also the file of data set `rows`: rename one of them"
        ),
        "{error}"
    );
}

fn k6dsl(args: &[&str], dir: &Path) -> Output {
    Command::new(tools::k6dsl_binary())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("k6dsl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
