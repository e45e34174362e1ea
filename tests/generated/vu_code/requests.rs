//! Requests: every method and body kind, params, headers, tags, cookies, redirects
//! and every kind of auth reach the server as written.

use demo_shop::RecordedRequest;
use k6dsl::prelude::*;

use super::{assert_passed, header, once, paths, run_against};
use crate::shop;

#[test]
fn every_method_and_body_kind_reaches_the_server() {
    let shop = shop();
    let flow = Flow::new("methods").steps(|f| {
        f.request(
            Request::get("/echo/get")
                .name("get")
                .check(Check::status(200)),
        );
        f.request(
            Request::post("/echo/json")
                .name("json")
                .json(&serde_json::json!({ "b": [1, 2.5, null], "a": "x" }))
                .check(Check::json_equals("method", "POST")),
        );
        f.request(
            Request::put("/echo/form")
                .name("form")
                .form([("user", "a b"), ("pass", "ü&=")])
                .check(Check::status(200)),
        );
        f.request(
            Request::patch("/echo/text")
                .name("text")
                .text_body("plain text", "text/plain")
                .check(Check::status(200)),
        );
        f.request(
            Request::delete("/echo/del")
                .name("del")
                .check(Check::status(200)),
        );
        f.request(
            Request::head("/echo/head")
                .name("head")
                .check(Check::status(200)),
        );
        f.request(
            Request::options("/echo/options")
                .name("options")
                .check(Check::status(200)),
        );
        f.request(
            Request::method("PURGE", "/echo/purge")
                .name("purge")
                .check(Check::status(200)),
        );
        f.batch([
            Request::get("/products/1")
                .name("batch_one")
                .check(Check::status(200)),
            Request::get("/products/2")
                .name("batch_two")
                .check(Check::status(200)),
        ]);
    });
    let run = run_against(&once(&flow, 1), &shop, &[]);
    assert_passed(&run, "methods");
    let seen = shop.requests();
    let mut got = paths(&seen);
    // The batch's two requests run in parallel: their order is not fixed.
    got[8..].sort();
    assert_eq!(
        got,
        [
            "GET /echo/get",
            "POST /echo/json",
            "PUT /echo/form",
            "PATCH /echo/text",
            "DELETE /echo/del",
            "HEAD /echo/head",
            "OPTIONS /echo/options",
            "PURGE /echo/purge",
            "GET /products/1",
            "GET /products/2",
        ]
    );
    assert_eq!(seen[1].body, br#"{"b":[1,2.5,null],"a":"x"}"#);
    assert_eq!(
        header(&seen[1], "content-type"),
        Some(&b"application/json"[..])
    );
    // k6 encodes form fields as Go does: sorted by name.
    assert_eq!(seen[2].body, b"pass=%C3%BC%26%3D&user=a+b");
    assert_eq!(seen[3].body, b"plain text");
    assert_eq!(header(&seen[3], "content-type"), Some(&b"text/plain"[..]));
    assert_eq!(run.check("status is 200").0, 9);
}

#[test]
fn params_headers_tags_cookies_auth_redirects() {
    let shop = shop();
    let flow = Flow::new("params").steps(|f| {
        f.request(
            Request::get("/echo/headers")
                .name("headers")
                .header("X-Custom", "one")
                .cookie("session", "abc")
                .tag("critical", "true")
                .timeout(secs(5))
                .check(Check::status(200)),
        );
        f.request(
            Request::get(text!["/basic-auth/alice/", Value::secret("BASIC_PASSWORD")])
                .name("basic")
                .basic_auth("alice", Value::secret("BASIC_PASSWORD"))
                .check(Check::status(200)),
        );
        f.request(
            Request::get("/redirect/3")
                .name("follow")
                .redirects(5)
                .check(Check::status(200)),
        );
        f.request(
            Request::get("/redirect/3")
                .name("no_follow")
                .redirects(0)
                .check(Check::status(302)),
        );
        f.request(
            Request::get("/products")
                .name("discarded")
                .response_type(ResponseType::None)
                .check(Check::status(200)),
        );
        f.request(
            Request::post("/echo/gzip")
                .name("gzip")
                .json(&serde_json::json!({ "big": "x".repeat(100) }))
                .compression(Compression::Gzip)
                .check(Check::status(200)),
        );
    });
    let script = once(&flow, 1).threshold(HTTP_REQS.tag("critical", "true").count().eq(1));
    let js = script.to_javascript().unwrap();
    assert!(!js.contains("s3cret"), "secrets never reach the script");
    let run = run_against(&script, &shop, &[("BASIC_PASSWORD", "s3cret")]);
    assert_passed(&run, "params");
    let seen = shop.requests();
    assert_eq!(header(&seen[0], "x-custom"), Some(&b"one"[..]));
    assert_eq!(header(&seen[0], "cookie"), Some(&b"session=abc"[..]));
    assert!(run.metric("http_reqs{critical:true}").is_some());
    let gzip = seen.iter().find(|r| r.path == "/echo/gzip").unwrap();
    assert_eq!(header(gzip, "content-encoding"), Some(&b"gzip"[..]));
    assert_eq!(
        &gzip.body[..2],
        &[0x1f, 0x8b],
        "the body is gzip-compressed"
    );
}
/// What a recorded request sent in `Authorization`, as text.
fn authorization(request: &RecordedRequest) -> Option<String> {
    header(request, "authorization").map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Standard base64, as NTLM over HTTP carries its messages.
fn base64_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {text}"),
        };
        bits = bits << 6 | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

#[test]
fn digest_and_ntlm_auth_authenticate_against_the_server() {
    // The characters URL userinfo reserves, a space, and a `%41` that would turn into
    // `A` if the generated code did not percent-encode the credentials.
    let password = "s3cr@t:p/w%41 !";
    let in_path = "s3cr%40t%3Ap%2Fw%2541%20%21";
    let shop = shop();
    let flow = Flow::new("auth").steps(|f| {
        for (scheme, user) in [("digest", "alice"), ("ntlm", "bob")] {
            for (name, secret, status) in [
                (scheme.to_owned(), "AUTH_PASSWORD", 200),
                (format!("{scheme}_wrong"), "WRONG_PASSWORD", 401),
            ] {
                let url = text![
                    format!("/{scheme}-auth/{user}/"),
                    Value::secret("PASSWORD_IN_PATH")
                ];
                let request = Request::get(url).name(name);
                let request = match scheme {
                    "digest" => request.digest_auth(user, Value::secret(secret)),
                    _ => request.ntlm_auth(user, Value::secret(secret)),
                };
                // A wrong password is an intended 401, not a failed request.
                f.request(
                    request
                        .expect_statuses([status])
                        .check(Check::status(status)),
                );
            }
        }
    });
    let script = once(&flow, 1);
    let js = script.to_javascript().unwrap();
    assert!(js.contains(r#"auth: "digest""#), "{js}");
    assert!(js.contains(r#"auth: "ntlm""#), "{js}");
    assert!(!js.contains("s3cr"), "secrets never reach the script: {js}");
    let run = run_against(
        &script,
        &shop,
        &[
            ("AUTH_PASSWORD", password),
            ("WRONG_PASSWORD", "not-the-password"),
            ("PASSWORD_IN_PATH", in_path),
        ],
    );
    assert_passed(&run, "digest and NTLM auth");
    assert_eq!(run.check("status is 200"), (2, 0), "both schemes let k6 in");
    assert_eq!(
        run.check("status is 401"),
        (2, 0),
        "a wrong password is refused"
    );

    // k6 v1.1.0 also sends the first, unanswered digest request with the credentials
    // as `Authorization: Basic` (Go's client adds it from the URL userinfo before k6's
    // digest transport drops the userinfo): not asserted, it is k6's to change.
    let seen = shop.requests();
    let digest_path = format!("/digest-auth/alice/{in_path}");
    let digest: Vec<String> = seen
        .iter()
        .filter(|r| r.path == digest_path)
        .filter_map(authorization)
        .filter(|a| a.starts_with("Digest "))
        .collect();
    assert_eq!(digest.len(), 2, "one Digest answer per request: {digest:?}");
    for answer in &digest {
        assert!(answer.contains(r#"username="alice""#), "{answer}");
        assert!(
            answer.contains(&format!(r#"uri="{digest_path}""#)),
            "{answer}"
        );
        assert!(answer.contains("qop=auth"), "{answer}");
    }

    let ntlm_path = format!("/ntlm-auth/bob/{in_path}");
    let ntlm: Vec<Vec<u8>> = seen
        .iter()
        .filter(|r| r.path == ntlm_path)
        .filter_map(authorization)
        .filter_map(|a| a.strip_prefix("NTLM ").map(base64_decode))
        .collect();
    let types: Vec<u8> = ntlm.iter().map(|m| m[8]).collect();
    assert_eq!(types, [1, 3, 1, 3], "NEGOTIATE then AUTHENTICATE, twice");
    for authenticate in ntlm.iter().filter(|m| m[8] == 3) {
        assert_eq!(&authenticate[..8], b"NTLMSSP\0");
        let user_field = &authenticate[36..44];
        let len = usize::from(u16::from_le_bytes([user_field[0], user_field[1]]));
        let offset = u32::from_le_bytes(user_field[4..8].try_into().unwrap()) as usize;
        let user: Vec<u16> = authenticate[offset..offset + len]
            .chunks(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        assert_eq!(String::from_utf16(&user).unwrap(), "bob");
    }
}
