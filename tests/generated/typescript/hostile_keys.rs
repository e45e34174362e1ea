//! Keys users choose, typed and read back.

use k6dsl::prelude::*;
use k6dsl_suite::tools;

use super::{assert_all_checks_passed, check_project, check_single_with, write};
use crate::shop;

/// Keys users choose (JSON row fields, setup's shared keys) become interface
/// members and property accesses: hostile ones stay quoted data, and the values
/// behind them reach the server.
#[test]
fn hostile_keys_are_typed_and_read_back() {
    let keys = [
        "it's \"quoted\"",
        "`${x}`",
        "line\u{2028}sep",
        "__proto__",
        "constructor",
        "1",
        "01",
        "größe",
        "a-b",
    ];
    let row: serde_json::Map<String, serde_json::Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| ((*k).to_owned(), serde_json::json!(format!("v{i}"))))
        .collect();
    let rows = DataSet::json_rows("hostile", &[serde_json::Value::Object(row)]);
    let setup = Setup::new(|s| {
        for (i, key) in keys.iter().enumerate() {
            s.share(*key, Value::text(format!("s{i}")));
        }
    });
    let values: Vec<Value> = keys.iter().map(|k| setup.get(*k)).collect();
    let flow = Flow::new("hostile").steps(|f| {
        let row = f.row(&rows, RowSelection::PerIteration);
        let mut request = Request::get("/echo/hostile")
            .name("hostile")
            .check(Check::status(200));
        for (i, key) in keys.iter().enumerate() {
            request = request
                .header(format!("X-Row-{i}"), row.field(*key))
                .header(format!("X-Setup-{i}"), &values[i]);
        }
        f.request(request);
    });
    let script = Script::new()
        .scenario(Scenario::new("hostile", SharedIterations::new()).exec(&flow))
        .setup(setup)
        .data(&rows)
        .threshold(CHECKS.rate().eq(1));
    let ts = script.to_typescript().unwrap();
    let data = script.data_files().unwrap();
    check_single_with("hostile keys", &ts, &data);
    let project = script.to_project_ts().unwrap();
    let dir = write(&project);
    check_project(dir.path(), &project);

    let shop = shop();
    let run = tools::k6_run_ts(&ts, &data, &[("BASE_URL", &shop.base_url())]);
    assert_all_checks_passed(&run, 1);
    let seen = shop.requests();
    let request = seen.iter().find(|r| r.path == "/echo/hostile").unwrap();
    for i in 0..keys.len() {
        for (name, expected) in [
            (format!("x-row-{i}"), format!("v{i}")),
            (format!("x-setup-{i}"), format!("s{i}")),
        ] {
            let value = request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
            assert_eq!(value.as_deref(), Some(expected.as_str()), "{name}\n{ts}");
        }
    }
}
