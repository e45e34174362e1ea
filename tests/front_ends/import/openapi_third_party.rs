//! A third party's OpenAPI documents, from the `@readme/oas-examples` npm package
//! that scripts/test installs pinned into .tools/node.

use std::path::PathBuf;

use k6dsl::import::openapi::{import, ImportOptions};

use super::{checked_script, compile_module};

/// The package's folder: `K6DSL_OAS_EXAMPLES` when set, else the one scripts/test
/// installs. A missing package fails the test (never a skip).
fn examples() -> PathBuf {
    let dir = std::env::var_os("K6DSL_OAS_EXAMPLES").map_or_else(
        || k6dsl_suite::tools::repo_root().join(".tools/node/node_modules/@readme/oas-examples"),
        PathBuf::from,
    );
    assert!(
        dir.join("package.json").is_file(),
        "{} is missing: run scripts/test, which installs @readme/oas-examples",
        dir.display()
    );
    dir
}

fn read(path: &str) -> String {
    std::fs::read_to_string(examples().join(path)).expect("the example document")
}

/// The Swagger Petstore (OpenAPI 3.0): its multipart and octet-stream uploads are
/// unsupported, and say so; without them the rest imports, generates a script k6
/// accepts and a Rust module that compiles.
#[test]
fn the_petstore_imports_but_for_its_uploads() {
    let spec = read("3.0/json/petstore.json");
    let error = import(&spec, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("at #/paths/~1pet~1{petId}~1uploadImage/post/requestBody/content: unsupported: request body of type multipart/form-data"),
        "{error}"
    );
    let imported = import(
        &spec,
        &ImportOptions {
            skip_unsupported: true,
            ..ImportOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        imported.report.imported.len() >= 15,
        "{:?}",
        imported.report
    );
    assert!(imported.report.imported.contains(&"getPetById".to_string()));
    let script = checked_script(&imported);
    k6dsl_suite::tools::inspect(&script).expect("k6 inspect accepts the script");
    compile_module(
        &imported.rust,
        r#"let pet = api::Pet { name: "doggie".into(), photo_urls: vec![], ..Default::default() };
    let flow = k6dsl::Flow::new("f").steps(|f| {
        f.request(api::add_pet(&pet));
        f.request(api::get_pet_by_id(k6dsl::steps::Value::from(7_i64)));
        f.request(api::find_pets_by_status(k6dsl::steps::Value::from("available")));
    });
    k6dsl::Script::new().default_flow(&flow).to_javascript().expect("generates");"#,
    );
}

/// The package's OpenAPI 3.1 and YAML documents: each imports (skipping what is
/// unsupported) into a plan k6 accepts, or fails only with placed errors.
#[test]
fn the_other_examples_import_or_fail_with_placed_errors() {
    for path in [
        "3.1/json/petstore.json",
        "3.0/yaml/petstore-expanded.yaml",
        "3.0/json/parameters-style.json",
        "3.0/json/schema-types.json",
    ] {
        let spec = read(path);
        let imported = import(
            &spec,
            &ImportOptions {
                skip_unsupported: true,
                ..ImportOptions::default()
            },
        );
        match imported {
            Ok(imported) => {
                let script = checked_script(&imported);
                k6dsl_suite::tools::inspect(&script).unwrap_or_else(|e| panic!("{path}: {e}"));
            }
            Err(e) => assert!(e.to_string().starts_with("at #/"), "{path}: {e}"),
        }
    }
}
