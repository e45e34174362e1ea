//! The probe's semantics: JavaScript's values and conversions, k6's JSON paths,
//! extraction, and flows over responses that are not what they should be (a
//! canned local server), which end in failed checks, `undefined` values or a
//! recorded exception, never a panic.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use super::json_path::select;
use super::values::{
    base64, encode_uri_component, js_number, query_escape, string_to_number, Value,
};
use super::{Probe, ProbeError, TraceStep};
use crate::prelude::*;
use serde_json::json;

#[test]
fn numbers_print_as_javascript_prints_them() {
    let cases = [
        (0.0, "0"),
        (-0.0, "0"),
        (2.0, "2"),
        (-7.5, "-7.5"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (1.5e-10, "1.5e-10"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
    ];
    for (n, text) in cases {
        assert_eq!(js_number(n), text, "{n}");
    }
}

#[test]
fn values_convert_as_string_and_number_convert_them() {
    assert_eq!(Value::Undefined.to_js_string(), "undefined");
    assert_eq!(Value::Json(json!([1, null, "a"])).to_js_string(), "1,,a");
    assert_eq!(
        Value::Json(json!({"a": 1})).to_js_string(),
        "[object Object]"
    );
    assert_eq!(string_to_number(" 42 "), 42.0);
    assert_eq!(string_to_number(""), 0.0);
    assert_eq!(string_to_number("0x1f"), 31.0);
    assert!(string_to_number("inf").is_nan());
    assert!(string_to_number("12px").is_nan());
    assert!(Value::Undefined.to_number().is_nan());
    assert_eq!(Value::Null.to_number(), 0.0);
    assert_eq!(Value::Json(json!([7])).to_number(), 7.0);
    assert!(Value::Num(1.0).strict_eq(&Value::Num(1.0)));
    assert!(!Value::Num(1.0).strict_eq(&Value::Str("1".into())));
    assert!(!Value::Num(f64::NAN).strict_eq(&Value::Num(f64::NAN)));
    assert!(!Value::Json(json!({})).strict_eq(&Value::Json(json!({}))));
    // Reading a field: undefined where missing, None (JavaScript throws) on
    // undefined and null.
    let row = Value::Json(json!({"id": 3, "tags": ["a"]}));
    assert_eq!(row.field("id"), Some(Value::Num(3.0)));
    assert_eq!(row.field("nope"), Some(Value::Undefined));
    assert_eq!(
        row.field("tags").and_then(|t| t.field("0")),
        Some(Value::Str("a".into()))
    );
    assert_eq!(Value::Undefined.field("id"), None);
    // Setup data goes through JSON: undefined is dropped, NaN becomes null.
    assert_eq!(Value::Undefined.to_json(), None);
    assert_eq!(Value::Num(f64::NAN).to_json(), Some(json!(null)));
    assert_eq!(Value::Num(2.0).to_json().unwrap().to_string(), "2");
}

#[test]
fn text_is_encoded_as_javascript_go_and_k6_encode_it() {
    assert_eq!(encode_uri_component("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
    assert_eq!(encode_uri_component("-_.!~*'()"), "-_.!~*'()");
    assert_eq!(query_escape("a b&c=d~"), "a+b%26c%3Dd~");
    assert_eq!(base64(b"user1:demo-pass"), "dXNlcjE6ZGVtby1wYXNz");
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b""), "");
}

#[test]
fn json_paths_select_as_gjson_does() {
    let doc = json!({
        "products": [{"id": 1, "name": "mug", "price": 5}, {"id": 7, "name": "tea", "price": 12}],
        "a.b": {"c": true},
        "count": 2,
        "empty": null
    });
    let cases: [(&str, Option<serde_json::Value>); 14] = [
        ("count", Some(json!(2))),
        ("products.0.id", Some(json!(1))),
        ("products.1.name", Some(json!("tea"))),
        ("products.2.id", None),
        ("products.#", Some(json!(2))),
        ("products.#.id", Some(json!([1, 7]))),
        ("products.#(price>10).name", Some(json!("tea"))),
        ("products.#(name==\"mug\").id", Some(json!(1))),
        ("products.#(price>1)#.id", Some(json!([1, 7]))),
        ("a\\.b.c", Some(json!(true))),
        ("prod*.0.id", Some(json!(1))),
        ("empty", Some(json!(null))),
        ("count.more", None),
        ("products|@reverse", None),
    ];
    for (path, expected) in cases {
        assert_eq!(select(&doc, path), expected, "{path}");
    }
    assert_eq!(super::json_path::over_body(b"<html>", "id"), Ok(None));
    assert!(super::json_path::over_body(b"<html>", "").is_err());
    assert_eq!(
        super::checks::find_between("a[x]b", "[", "]"),
        Some("x".into())
    );
    assert_eq!(super::checks::find_between("a[x", "[", "]"), None);
}

/// A server answering every request with `response` (raw HTTP), on a free
/// port, for `count` requests; returns its base URL.
fn canned(response: &'static str, count: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

const NOT_JSON: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Trace: t1\r\nConnection: close\r\nContent-Length: 23\r\n\r\n<p>id=42; name=mug</p>\n";

fn flow_script(flow: &Flow) -> crate::model::Script {
    Script::new()
        .scenario(Scenario::new("s", PerVuIterations::new()).exec(flow))
        .into_ir()
}

#[test]
fn a_body_that_is_not_json_fails_json_checks_and_extracts_undefined() {
    let url = canned(NOT_JSON, 2);
    let flow = Flow::new("odd").steps(|f| {
        let page = f.request(
            Request::get("/page")
                .name("page")
                .check(Check::status(200))
                .check(Check::json_exists("id"))
                .check(Check::body_contains("name=mug"))
                .check(Check::header_contains("content-type", "html")),
        );
        let id = page.json("id").named("id");
        let trace_id = page.header("x-trace").named("traceId");
        let found = page.between("id=", ";").named("found");
        let status = page.status();
        f.when(status.eq("200"), |then| {
            then.request(
                Request::get(text!["/items/", id, "/", found, "?t=", trace_id]).name("item"),
            );
        });
    });
    let trace = Probe::new()
        .system_env(false)
        .base_url(&url)
        .run(&flow_script(&flow))
        .unwrap();
    let requests: Vec<_> = trace.requests().collect();
    assert_eq!(requests.len(), 2, "{trace}");
    let checks: Vec<(&str, bool)> = requests[0]
        .checks
        .iter()
        .map(|c| (c.name.as_str(), c.passed))
        .collect();
    assert_eq!(
        checks,
        [
            ("status is 200", true),
            ("body has id", false),
            ("body contains name=mug", true),
            ("content-type contains html", true)
        ],
        "{trace}"
    );
    assert_eq!(
        requests[0].extracted,
        [
            ("id".into(), json!(null)),
            ("traceId".into(), json!("t1")),
            ("found".into(), json!("42")),
            ("status".into(), json!(200))
        ]
    );
    // The status (a number) compared with "200" is converted as the generated
    // code converts it; undefined is spelled out in the URL, as JavaScript does.
    assert_eq!(requests[1].url, format!("{url}/items/undefined/42?t=t1"));
    let failure = trace.first_failure().unwrap();
    assert_eq!(
        failure.to_string(),
        "flow `odd`, request `page`, check `body has id`: check failed: `id` is undefined"
    );
}

#[test]
fn reading_a_field_of_undefined_ends_the_flow_with_an_exception() {
    let url = canned(NOT_JSON, 1);
    let flow = Flow::new("odd").steps(|f| {
        let page = f.request(Request::get("/page").name("page"));
        let user = page.json("user");
        f.group("Profile", |g| {
            g.request(Request::get(text!["/users/", user.field("id")]).name("user"));
        });
    });
    let trace = Probe::new()
        .system_env(false)
        .base_url(&url)
        .run(&flow_script(&flow))
        .unwrap();
    assert_eq!(trace.requests().count(), 1);
    let failure = trace.first_failure().unwrap();
    assert_eq!(
        failure.to_string(),
        "flow `odd`, group `Profile`, request `user`: exception: TypeError: cannot read property `id` of undefined"
    );
    assert!(matches!(trace.steps.last(), Some(TraceStep::GroupEnd(_))));
}

#[test]
fn a_request_that_gets_no_response_is_status_0_and_a_failure() {
    // A port nothing listens on (bound, then closed).
    let url = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let flow = Flow::new("down").steps(|f| {
        let res = f.request(Request::get("/").name("home").check(Check::status(200)));
        f.when(res.json("x").exists(), |then| {
            then.request(Request::get("/never").name("never"));
        });
    });
    let trace = Probe::new()
        .system_env(false)
        .base_url(&url)
        .run(&flow_script(&flow))
        .unwrap();
    let home = trace.requests().next().unwrap();
    assert_eq!(home.status, 0);
    assert!(home.error.is_some());
    // r.json() of a request that failed throws in k6: the flow ends there.
    assert!(
        matches!(trace.steps.last(), Some(TraceStep::Exception { .. })),
        "{trace}"
    );
    assert!(
        trace.first_failure().unwrap().reason.contains("failed"),
        "{trace}"
    );
}

#[test]
fn what_cannot_run_in_rust_is_an_error_naming_the_step() {
    let url = canned(NOT_JSON, 2);
    let digest = Flow::new("digest").steps(|f| {
        f.group("Admin", |g| {
            g.request(Request::get("/admin").name("admin").digest_auth("u", "p"));
        });
    });
    let error = Probe::new()
        .system_env(false)
        .base_url(&url)
        .run(&flow_script(&digest))
        .unwrap_err();
    assert!(matches!(error, ProbeError::Unsupported { .. }));
    assert_eq!(
        error.to_string(),
        "flow `digest`, group `Admin`, request `admin`: digest authentication cannot run in-process (only under k6)"
    );
    let lookaround = Flow::new("regex").steps(|f| {
        f.request(
            Request::get("/")
                .name("home")
                .check(Check::body_matches("id=(?=4)")),
        );
    });
    let error = Probe::new()
        .system_env(false)
        .base_url(&url)
        .run(&flow_script(&lookaround))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("flow `regex`, request `home`: the regular expression /id=(?=4)/"),
        "{error}"
    );
}
