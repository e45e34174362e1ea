//! Importers, the front end that starts from what exists: OpenAPI documents (the
//! demo shop's own, a third party's from a registry package, hostile and malformed
//! ones) turned into plans and Rust.

mod openapi_errors;
mod openapi_hostile;
mod openapi_shop;
mod openapi_third_party;

use k6dsl::import::openapi::{import, ImportOptions, Imported};
use k6dsl::plan::Plan;

/// Imports `spec` with `options`, or fails the test with the error.
pub fn imported(spec: &str, options: &ImportOptions) -> Imported {
    import(spec, options).unwrap_or_else(|e| panic!("the import failed:\n{e}"))
}

/// The plan's JSON read back as a user's plan file is (the `k6dsl check` path), and
/// its generated script.
pub fn checked_script(imported: &Imported) -> String {
    let json = Plan::from(imported.script.clone()).to_json();
    let plan = Plan::load(&json, k6dsl::plan::Format::Json)
        .unwrap_or_else(|e| panic!("the plan does not read back:\n{e}\n{json}"));
    plan.to_javascript()
        .unwrap_or_else(|e| panic!("the plan does not generate: {e}"))
}

/// Compiles `module` (a generated Rust module) in a scratch crate that depends on
/// k6dsl by path, with `main` using it; fails the test with rustc's errors.
pub fn compile_module(module: &str, main: &str) {
    let dir = tempfile::tempdir().expect("scratch dir");
    let root = k6dsl_suite::tools::repo_root();
    std::fs::create_dir_all(dir.path().join("src")).expect("src");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"imported\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
             [dependencies]\nk6dsl = {{ path = {:?}, default-features = false }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n",
            root.join("k6dsl").display().to_string()
        ),
    )
    .expect("Cargo.toml");
    std::fs::write(dir.path().join("src/api.rs"), module).expect("api.rs");
    std::fs::write(
        dir.path().join("src/main.rs"),
        format!("#![deny(warnings)]\n#[allow(dead_code)]\nmod api;\n\nfn main() {{\n{main}\n}}\n"),
    )
    .expect("main.rs");
    // The suite's lock file and target dir: no download, and the k6dsl build is shared.
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).expect("Cargo.lock");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("import-scratch");
    let output = std::process::Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()))
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir.path())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated module does not compile:\n{}\n--- module ---\n{module}",
        String::from_utf8_lossy(&output.stderr)
    );
}
