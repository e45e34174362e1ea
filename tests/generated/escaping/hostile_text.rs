//! Hostile text in every place a user writes text reaches k6 and the server
//! unchanged: URL parts, headers, bodies, group, check and tag names, multipart
//! field values, an upload's file name and content type, a mix branch's name.

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
    /// A multipart text field's value.
    field: String,
    /// An upload's file name and content type (part headers: no controls).
    filename: String,
    content_type: String,
    /// A mix branch's name (a tag value).
    arm: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        hostile(true),
        header_value(),
        hostile(true),
        name(),
        name(),
        hostile(true),
        (
            hostile(true),
            header_value(),
            "[a-z0-9!#$%&'*+.^_`|~-]{1,12}",
            name(),
        ),
    )
        .prop_map(
            |(
                path_value,
                header,
                body,
                group,
                check,
                tag,
                (field, filename, content_type, arm),
            )| {
                Case {
                    path_value,
                    header,
                    body,
                    group,
                    check,
                    tag,
                    field,
                    // k6 (Go) writes the name as a quoted string, `\` as `\\`, which
                    // the shop's parser does not undo: a server matter, not ours.
                    filename: format!("f{}", filename.replace('\\', "/")),
                    // A media type is tokens (its JavaScript-sensitive `$`, `'`,
                    // backtick included); validation refuses anything else.
                    content_type: format!("text/x-{content_type}"),
                    arm,
                }
            },
        )
}
fn check_case(shop: &DemoShop, case: &Case, file: &std::path::Path) -> Result<(), TestCaseError> {
    shop.clear_requests();
    let upload = Upload::file("sent", file.to_str().unwrap())
        .filename(case.filename.clone())
        .content_type(case.content_type.clone());
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
        // The mix's first branch runs (one iteration, exact mode), tagged with its name.
        f.mix("pick", k6dsl::steps::MixMode::Exact, |m| {
            m.arm(case.arm.clone(), 1, |arm| {
                let token = arm
                    .request(Request::post("/auth/login").name("login").json_object([
                        ("username", Value::from("user1")),
                        ("password", Value::from(demo_shop::PASSWORD)),
                    ]))
                    .json("token");
                arm.request(
                    Request::post("/uploads")
                        .name("upload")
                        .bearer(&token)
                        .multipart(
                            Multipart::new()
                                .field("title", case.field.clone())
                                .file("file", &upload),
                        )
                        .check(Check::status(201).named("uploaded"))
                        .check(Check::json_equals("title", case.field.clone()).named("title"))
                        .check(
                            Check::json_equals("filename", case.filename.clone()).named("filename"),
                        )
                        .check(
                            Check::json_equals("content_type", case.content_type.clone())
                                .named("content type"),
                        ),
                );
            });
            m.arm(format!("{}2", case.arm), 1, |_| {});
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

    let seen: Vec<_> = (shop.requests().into_iter())
        .filter(|r| r.path.starts_with("/echo/"))
        .collect();
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
    let in_branch = out.lines().any(|line| {
        serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| {
            v["metric"] == "http_reqs"
                && v["data"]["tags"]["name"] == "upload"
                && v["data"]["tags"]["pick"] == case.arm.as_str()
        })
    });
    prop_assert!(
        in_branch,
        "the upload is not tagged with its branch {:?}",
        case.arm
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
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sent.bin");
    std::fs::write(&file, b"\0\xff bytes").unwrap();
    // Found by this test: a branch name and a checked value wider than the line
    // (East Asian characters count twice) break as prettier breaks them, after
    // `=` and after `===`.
    let wide = Case {
        path_value: "\"".into(),
        header: "\"".into(),
        body: "\"".into(),
        group: "n\"".into(),
        check: "n\"".into(),
        tag: "\"".into(),
        field: "\u{202e}rtl\"日本語); alert(1); (\u{1}\u{11}\n\r\t".into(),
        filename: "f\"".into(),
        content_type: "text/x-!".into(),
        arm: "n\u{1}\u{11}\n\r\t日本語日本語); alert(1); (".into(),
    };
    check_case(&shop, &wide, &file).unwrap();
    proptest::test_runner::TestRunner::new(config)
        .run(&case(), |case| check_case(&shop, &case, &file))
        .unwrap();
}

/// Cookie values JavaScript would read as code (backticks, `${`, quotes,
/// `</script>`) go into k6's jar and out in the `Cookie` header unchanged, and
/// read back from the jar (`Value::cookie`) into a body unchanged. Only cookie
/// octets (RFC 6265: no `;`, `"`, `\`, space or comma): Go's jar drops the
/// rest, which is not the script's doing.
#[test]
fn hostile_cookie_values_reach_the_jar_and_the_server_unchanged() {
    let shop = DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts");
    for value in [
        "`${__ENV.SECRET}`",
        "')+alert(1)//",
        "</script><!--",
        "a'b`c${d}e\\u0041",
    ] {
        // `\` is no cookie octet: the last case keeps `u0041` only after it.
        let value = value.replace('\\', "");
        shop.clear_requests();
        let flow = Flow::new("cookies").steps(|f| {
            f.set_cookie("/echo", "v", value.as_str());
            let read = f.compute("read", Value::cookie("/echo", "v"));
            f.request(
                Request::post("/echo/cookie")
                    .name("echo")
                    .json_object([("read", read.as_string())])
                    .check(Check::status(200)),
            );
        });
        let script = Script::new()
            .shortcut(Shortcut::iterations(nz!(1), nz!(1)))
            .default_flow(&flow)
            .threshold(CHECKS.rate().eq(1));
        let js = script.to_javascript().unwrap();
        tools::node_check(&js).unwrap_or_else(|e| panic!("{e}\n{js}"));
        tools::prettier_check(&js).unwrap_or_else(|e| panic!("{e}\n{js}"));
        let run = tools::k6_run(&js, &[], &[("BASE_URL", &shop.base_url())]);
        assert_eq!(run.exit_code, 0, "{js}\n{}", run.stderr);
        let seen = shop.requests();
        assert_eq!(seen.len(), 1, "{js}");
        let cookie = seen[0]
            .headers
            .iter()
            .find(|(n, _)| n == "cookie")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        assert_eq!(cookie, format!("v={value}").into_bytes(), "{js}");
        let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
        assert_eq!(body["read"], value.as_str(), "{js}");
    }
}
