//! Unit tests of the VU code generator's parts.

use super::names::{identifier_from, Names};
use super::requests::canonical_header;
use super::types::{row_type, Ty};
use crate::codegen::doc::Doc;
use crate::model::vu::DataSource;

#[test]
fn canonicalises_header_names_as_go_does() {
    assert_eq!(canonical_header("content-type"), "Content-Type");
    assert_eq!(canonical_header("X-REQUEST-ID"), "X-Request-Id");
}

#[test]
fn types_json_rows_by_what_every_row_holds() {
    let rows = vec![
        serde_json::json!({ "id": 1, "name": "a", "tag": "x", "any": 1 }),
        serde_json::json!({ "id": 2, "name": "b", "any": "one" }),
    ];
    let source = DataSource::JsonRows {
        file: "data/users.json".into(),
        rows,
    };
    let row = row_type(&source, "users");
    assert_eq!(row.name, "UsersRow");
    assert_eq!(
        row.interface.as_ref().map(Doc::render).as_deref(),
        Some("interface UsersRow {\n  id: number;\n  name: string;\n  tag?: string;\n  any: JSONValue;\n}")
    );
    assert_eq!(row.fields["id"], Ty::Num);
    assert_eq!(row.fields["tag"], Ty::Other("string | undefined".into()));
    assert_eq!(row.fields["any"], Ty::Json);
    let csv = row_type(&DataSource::CsvFile("data/x.csv".into()), "x");
    assert_eq!(csv.name, "Record<string, string>");
    assert_eq!(csv.other_fields, Ty::Str);
}

#[test]
fn makes_identifiers_from_any_text() {
    assert_eq!(identifier_from("add to cart"), "addToCart");
    assert_eq!(identifier_from("login res"), "loginRes");
    assert_eq!(identifier_from("2fa"), "_2fa");
    assert_eq!(identifier_from("delete"), "delete_");
    assert_eq!(identifier_from("/products/*"), "products");
}

#[test]
fn fresh_names_skip_what_the_function_and_the_module_took() {
    let mut module = Names::default();
    module.reserve("res2");
    let mut local = Names::default();
    let names: Vec<String> = (0..4).map(|_| local.fresh_beside(&module, "res")).collect();
    assert_eq!(names, ["res", "res3", "res4", "res5"]);
    // A name the module takes later is skipped too; smaller free numbers are not
    // reused (none exist: names are never released).
    module.reserve("res6");
    assert_eq!(local.fresh_beside(&module, "res"), "res7");
    local.reserve("res8");
    assert_eq!(local.fresh_beside(&module, "res"), "res9");
    assert_eq!(local.fresh_beside(&module, "res3"), "res32");
    // The module's own names are unaffected by the function's.
    assert_eq!(module.fresh("res"), "res");
}
