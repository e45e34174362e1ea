//! Hostile strings in a document cannot break the generated Rust or JavaScript.

use k6dsl::import::openapi::ImportOptions;

use super::{checked_script, compile_module, imported};

/// Names, summaries and examples full of quotes, comment ends, raw-string ends,
/// newlines, bidirectional overrides, keywords and unicode.
const HOSTILE: &str = r##"{
  "openapi": "3.1.0",
  "info": { "title": "*/ \"# }\n fn evil() {} \u202e", "version": "1" },
  "servers": [{ "url": "http://127.0.0.1:1/" }],
  "paths": {
    "/a/{type}/\"x`${y}": {
      "post": {
        "operationId": "type",
        "summary": "*/ \"# \r\n    ```\n    panic!()\n    ```\n~~~\nfn x() {} \u202e\u2066 é ✓ /** */",
        "parameters": [
          { "name": "type", "in": "path", "required": true, "schema": { "type": "string" }, "example": "\"'`${__ENV.X}\\</script>\n" },
          { "name": "a&b=c", "in": "query", "required": true, "schema": { "type": "string" }, "example": "x&y" },
          { "name": "X-Evil`|~", "in": "header", "required": true, "schema": { "type": "string" }, "example": "v\"'`${x} */ é" }
        ],
        "requestBody": {
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "*/ \u202e ``` fn x",
                "required": ["self", "\"quoted\""],
                "properties": {
                  "self": { "type": "string" },
                  "\"quoted\"": { "type": "integer" },
                  "quoted": { "type": ["number", "null"] },
                  "é": { "type": "boolean" },
                  "nested obj": { "type": "object", "properties": { "fn": { "type": "array", "items": { "type": "string" } } } }
                }
              },
              "example": { "self": "\"}; evil(); {\"", "\"quoted\"": 1, "é": "✓\u2028\u0000" }
            }
          }
        },
        "responses": { "201": { "description": "made" }, "4XX": { "description": "no" } }
      }
    },
    "/type": { "get": { "operationId": "type", "responses": { "200": { "description": "dup" } } } },
    "/": { "get": { "responses": { "default": { "description": "any" } } } }
  }
}"##;

#[test]
fn hostile_strings_stay_data_in_the_script() {
    let imported = imported(HOSTILE, &ImportOptions::default());
    let script = checked_script(&imported);
    k6dsl_suite::tools::node_check(&script).expect("node parses the script");
    k6dsl_suite::tools::inspect(&script).expect("k6 inspect accepts the script");
    // The hostile texts are there, as string literals.
    assert!(script.contains(r#"self: '"}; evil(); {"',"#), "{script}");
    assert!(
        script.contains(r#"const TYPE = __ENV.TYPE || "\"'`${__ENV.X}\\</script>\n";"#),
        "{script}"
    );
}

#[test]
fn hostile_strings_stay_data_in_the_rust() {
    let imported = imported(HOSTILE, &ImportOptions::default());
    assert!(
        imported.rust.contains("pub fn r#type("),
        "{}",
        imported.rust
    );
    assert!(
        imported.rust.contains("pub fn type_2("),
        "{}",
        imported.rust
    );
    for line in imported.rust.lines().filter(|l| l.contains("evil()")) {
        assert!(line.starts_with("// "), "{line}");
    }
    // Outside comments the module is printable ASCII: no text can hide code.
    for line in imported
        .rust
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
    {
        assert!(line.bytes().all(|b| (b' '..=b'~').contains(&b)), "{line}");
    }
    compile_module(
        &imported.rust,
        r#"let body = api::TypeBody { self_: "s".into(), quoted: 1, ..Default::default() };
    let request = api::r#type("t", "y", "q", "h", &body);
    let flow = k6dsl::Flow::new("f").steps(|f| { f.request(request); f.request(api::type_2()); });
    let js = k6dsl::Script::new().default_flow(&flow).to_javascript().expect("generates");
    assert!(js.contains("quoted"));"#,
    );
}
