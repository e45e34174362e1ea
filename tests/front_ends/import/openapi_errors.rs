//! Bad documents: each error says what, where and how to fix it, and nothing is made.

use k6dsl::import::openapi::{import, ImportError, ImportOptions};

fn error(spec: &str) -> String {
    match import(spec, &ImportOptions::default()) {
        Ok(_) => panic!("the import of this document should fail:\n{spec}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn malformed_json_and_yaml_are_placed() {
    let e = import(
        "{\n  \"openapi\": \"3.0.0\",\n  oops\n}",
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            ImportError::Syntax {
                format: "JSON",
                line: 3,
                column: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let e = import("openapi: 3.0.0\ninfo: [\n", &ImportOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            ImportError::Syntax {
                format: "YAML",
                line: 3,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn other_versions_say_what_they_are() {
    assert_eq!(
        error(r#"{"swagger": "2.0", "paths": {}}"#),
        "not an OpenAPI 3 document: found Swagger 2.0; k6dsl imports OpenAPI 3.0 and 3.1; convert older documents first (swagger2openapi does)"
    );
    assert!(error("openapi: \"4.0\"\n").contains("found openapi: \"4.0\""));
    assert!(error("{}").contains("found no `openapi` field"));
}

const PREFIX: &str = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"#;

#[test]
fn unresolved_and_external_refs_are_named_where_used() {
    let spec = format!(
        r##"{PREFIX}"/a": {{"get": {{"parameters": [{{"$ref": "#/components/parameters/Missing"}}], "responses": {{"200": {{"$ref": "other.yaml#/R"}}}}}}}}}}}}"##
    );
    assert_eq!(
        error(&spec),
        "at #/paths/~1a/get/parameters/0: unresolved reference `#/components/parameters/Missing`: nothing in the document is at that place; fix the name or add it under components\n\
         at #/paths/~1a/get/responses/200: unsupported: external reference `other.yaml#/R`; only references within the document (`#/components/...`) are read — bundle the document first (e.g. `redocly bundle`)"
    );
}

#[test]
fn unsupported_features_say_which_and_where() {
    let spec = format!(
        r#"{PREFIX}"/a": {{"post": {{"callbacks": {{}}, "requestBody": {{"content": {{"text/csv": {{}}}}}}, "parameters": [{{"name": "s", "in": "cookie"}}], "responses": {{}}}}}}}}}}"#
    );
    assert_eq!(
        error(&spec),
        "at #/paths/~1a/post/callbacks: unsupported: callbacks (requests the server makes); remove them or skip this operation\n\
         at #/paths/~1a/post/parameters/0: unsupported: parameter `s` in `cookie` (path, query and header parameters are)\n\
         at #/paths/~1a/post/requestBody/content: unsupported: request body of type text/csv (JSON and application/x-www-form-urlencoded bodies are imported)"
    );
    let skipped = import(
        &format!(r#"{PREFIX}"/a": {{"post": {{"callbacks": {{}}, "responses": {{}}}}}}, "/b": {{"get": {{"responses": {{}}}}}}}}}}"#),
        &ImportOptions { skip_unsupported: true, ..ImportOptions::default() },
    )
    .expect("the supported operation imports");
    assert_eq!(skipped.report.imported, ["GET /b"]);
    assert_eq!(skipped.report.skipped.len(), 1);
    assert!(
        skipped.report.skipped[0].1.contains("callbacks"),
        "{:?}",
        skipped.report
    );
}

#[test]
fn unknown_operation_names_and_empty_documents_are_errors() {
    let spec = format!(r#"{PREFIX}"/b": {{"get": {{"operationId": "b", "responses": {{}}}}}}}}}}"#);
    let e = import(
        &spec,
        &ImportOptions {
            operations: vec!["c".into()],
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("no operation `c`"), "{e}");
    assert!(error(&format!("{PREFIX}}}}}")).contains("no operation to import"));
}

#[test]
fn header_parameters_http_cannot_send_are_errors() {
    let spec = format!(
        r#"{PREFIX}"/a": {{"get": {{"parameters": [{{"name": "X-\"Bad\"", "in": "header"}}, {{"name": "X-Ok", "in": "header", "example": "a\nb"}}], "responses": {{}}}}}}}}}}"#
    );
    let message = error(&spec);
    assert!(message.contains("at #/paths/~1a/get/parameters/0: header parameter `X-\"Bad\"` is not a valid HTTP header name"), "{message}");
    assert!(message.contains("at #/paths/~1a/get/parameters/1: the example of header parameter `X-Ok` contains a line break"), "{message}");
}
