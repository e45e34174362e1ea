//! Hostile text in every place a user writes text reaches k6 and the server
//! unchanged.

use demo_shop::DemoShop;
use k6dsl::prelude::*;
use k6dsl_suite::tools;
use proptest::prelude::*;

use super::{header_value, hostile, name, percent_decode};

#[derive(Debug, Clone)]
struct Case {
    path_value: String,
    header: String,
    body: String,
    group: String,
    check: String,
    tag: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        hostile(true),
        header_value(),
        hostile(true),
        name(),
        name(),
        hostile(true),
    )
        .prop_map(|(path_value, header, body, group, check, tag)| Case {
            path_value,
            header,
            body,
            group,
            check,
            tag,
        })
}
fn check_case(shop: &DemoShop, case: &Case) -> Result<(), TestCaseError> {
    shop.clear_requests();
    let data = DataSet::json_rows("values", &[serde_json::json!({ "p": case.path_value })]);
    let flow = Flow::new("hostile").steps(|f| {
        let row = f.row(&data, RowSelection::PerVu);
        f.group(case.group.clone(), |g| {
            g.request(
                Request::post(text!["/echo/x/", row.field("p")])
                    .name("echo")
                    .header("X-Value", case.header.as_str())
                    .tag("t", case.tag.clone())
                    .json_object([("v", Value::text(case.body.clone()))])
                    .check(Check::status(200).named(case.check.clone())),
            );
        });
    });
    let script = Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(1)))
        .default_flow(&flow)
        .threshold(CHECKS.rate().eq(1));
    let js = script
        .to_javascript()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    tools::node_check(&js).map_err(|e| TestCaseError::fail(format!("{e}\n{js}")))?;
    tools::prettier_check(&js).map_err(|e| TestCaseError::fail(format!("{e}\n{js}")))?;
    let run = tools::k6_run_with(
        &js,
        &script.data_files().unwrap(),
        &[("BASE_URL", &shop.base_url())],
        &["--out", "json=out.json"],
    );
    prop_assert_eq!(
        run.exit_code,
        0,
        "k6 failed\n{}\n{}\n{}",
        js,
        run.stdout,
        run.stderr
    );

    let seen = shop.requests();
    prop_assert_eq!(seen.len(), 1);
    let request = &seen[0];
    let expected_path = format!("/echo/x/{}", case.path_value);
    prop_assert_eq!(percent_decode(&request.path), expected_path.as_bytes());
    let header = request
        .headers
        .iter()
        .find(|(n, _)| n == "x-value")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    prop_assert_eq!(header, case.header.as_bytes());
    let body: serde_json::Value = serde_json::from_slice(&request.body)
        .map_err(|e| TestCaseError::fail(format!("body is not JSON: {e}")))?;
    prop_assert_eq!(&body["v"], &serde_json::Value::String(case.body.clone()));

    let group = &run.summary["root_group"]["groups"][&case.group];
    prop_assert_eq!(
        &group["name"],
        &serde_json::Value::String(case.group.clone())
    );
    prop_assert_eq!(
        &group["checks"][&case.check]["passes"],
        &serde_json::json!(1)
    );

    let out = std::fs::read_to_string(run.dir.path().join("out.json"))
        .map_err(|e| TestCaseError::fail(format!("no --out json file: {e}")))?;
    let tagged = out.lines().any(|line| {
        serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| {
            v["metric"] == "http_reqs" && v["data"]["tags"]["t"] == case.tag.as_str()
        })
    });
    prop_assert!(
        tagged,
        "no http_reqs sample carries the tag value {:?}",
        case.tag
    );
    Ok(())
}

#[test]
fn hostile_text_reaches_k6_and_the_server_unchanged() {
    let shop = DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts");
    let config = ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&case(), |case| check_case(&shop, &case))
        .unwrap();
}
