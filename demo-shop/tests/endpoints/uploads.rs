//! `POST /uploads`: multipart bodies built here by hand (they are the test's input),
//! checked against the MD5 the test computes itself.

use md5::{Digest, Md5};
use serde_json::json;

use crate::client::{self, send, Response};

const BOUNDARY: &str = "k6dsl-test-boundary-7MA4YWxkTrZu0gW";

/// One part: its name, an optional (filename, content type), its bytes.
type Part<'a> = (&'a str, Option<(&'a str, Option<&'a str>)>, &'a [u8]);

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some((filename, content_type)) = file {
            disposition.push_str(&format!("; filename=\"{filename}\""));
            if let Some(content_type) = content_type {
                disposition.push_str(&format!("\r\nContent-Type: {content_type}"));
            }
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn post(shop: &demo_shop::DemoShop, token: Option<&str>, body: &[u8]) -> Response {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    send(
        shop,
        "POST",
        "/uploads",
        token,
        &[("Content-Type", &content_type)],
        body,
    )
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every byte value, and the sequences a careless parser would trip on (all of the
/// boundary but its last character: the whole would end the part, RFC 2046 5.1.1).
fn tricky_file() -> Vec<u8> {
    let mut file: Vec<u8> = (0..=255u8).collect();
    let almost = &BOUNDARY[..BOUNDARY.len() - 1];
    file.extend_from_slice(format!("\r\n--{almost}\r\n\r\n--\r\n").as_bytes());
    file.extend_from_slice(&[0, 0xff, b'\r']);
    file
}

#[test]
fn an_upload_reports_exactly_what_arrived() {
    let shop = client::shop();
    let token = client::login(&shop, 11);
    let file = tricky_file();
    let body = multipart(&[
        ("note", None, b"ignored"),
        ("title", None, "Quarterly report, été".as_bytes()),
        (
            "file",
            Some(("report.bin", Some("application/octet-stream"))),
            &file,
        ),
    ]);
    let response = post(&shop, Some(&token), &body);
    assert_eq!(response.status, 201, "{:?}", response.json());
    assert_eq!(
        response.json(),
        json!({
            "id": 1,
            "title": "Quarterly report, été",
            "filename": "report.bin",
            "content_type": "application/octet-stream",
            "size": file.len(),
            "md5": md5_hex(&file),
        })
    );

    let text = b"hello\n";
    let second = post(
        &shop,
        Some(&token),
        &multipart(&[
            ("file", Some(("hello.txt", Some("text/plain"))), text),
            ("title", None, b"second"),
        ]),
    );
    assert_eq!(second.status, 201);
    let second = second.json();
    assert_eq!(second["id"], 2);
    assert_eq!(second["md5"], "b1946ac92492d2347c6235b4d2611184");
    assert_eq!(second["content_type"], "text/plain");
    assert_eq!(second["size"], 6);
}

/// Larger than axum's 2 MB default body limit, within the shop's 10 MiB.
#[test]
fn a_three_mib_upload_is_accepted() {
    let shop = client::shop();
    let token = client::login(&shop, 12);
    let file: Vec<u8> = (0..3 * 1024 * 1024u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let body = multipart(&[
        ("title", None, b"big"),
        ("file", Some(("big.dat", Some("application/x-test"))), &file),
    ]);
    let response = post(&shop, Some(&token), &body);
    assert_eq!(response.status, 201);
    assert_eq!(response.json()["size"], file.len());
    assert_eq!(response.json()["md5"], md5_hex(&file));
}

#[test]
fn an_upload_past_ten_mib_gets_413() {
    let shop = client::shop();
    let token = client::login(&shop, 13);
    let file = vec![b'x'; 10 * 1024 * 1024 + 1];
    let body = multipart(&[
        ("title", None, b"too big"),
        (
            "file",
            Some(("big.dat", Some("application/octet-stream"))),
            &file,
        ),
    ]);
    let response = post(&shop, Some(&token), &body);
    assert_eq!(response.status, 413);
    assert_eq!(
        response.json(),
        json!({ "error": "upload larger than 10 MiB" })
    );
}

#[test]
fn an_incomplete_upload_gets_400_naming_what_is_wrong() {
    let shop = client::shop();
    let token = client::login(&shop, 14);
    let token = Some(token.as_str());
    let file: &[u8] = b"data";
    let cases: [(Vec<u8>, &str); 6] = [
        (
            multipart(&[("file", Some(("a.txt", Some("text/plain"))), file)]),
            "missing the title field",
        ),
        (
            multipart(&[("title", None, b"only a title")]),
            "missing the file part",
        ),
        (
            multipart(&[("title", None, b"t"), ("file", None, file)]),
            "the file part has no filename",
        ),
        (
            multipart(&[("title", None, b"t"), ("file", Some(("a.txt", None)), file)]),
            "the file part has no Content-Type",
        ),
        (
            multipart(&[
                ("title", None, &[0xff, 0xfe]),
                ("file", Some(("a", Some("text/plain"))), file),
            ]),
            "the title field is not UTF-8",
        ),
        (
            multipart(&[
                ("title", None, b"t"),
                ("file", Some(("a", Some("text/plain"))), file),
                ("file", Some(("b", Some("text/plain"))), file),
            ]),
            "more than one file part",
        ),
    ];
    for (body, message) in cases {
        let response = post(&shop, token, &body);
        assert_eq!(response.status, 400, "{message}");
        assert_eq!(response.json(), json!({ "error": message }));
    }

    let json_body = client::json(&shop, "POST", "/uploads", token, &json!({ "title": "t" }));
    assert_eq!(json_body.status, 400);
    assert_eq!(
        json_body.json(),
        json!({ "error": "send multipart/form-data with a title field and a file part" })
    );

    let truncated = multipart(&[("title", None, b"t")]);
    let truncated = &truncated[..truncated.len() - 20];
    let response = post(&shop, token, truncated);
    assert_eq!(response.status, 400);
    let message = response.json()["error"].as_str().unwrap_or("").to_owned();
    assert!(
        message.starts_with("malformed multipart body: "),
        "{message}"
    );
}

#[test]
fn uploads_need_a_known_bearer_token() {
    let shop = client::shop();
    let body = multipart(&[
        ("title", None, b"t"),
        ("file", Some(("a", Some("text/plain"))), b"x"),
    ]);
    for token in [None, Some("not-a-token")] {
        let response = post(&shop, token, &body);
        assert_eq!(response.status, 401);
        assert_eq!(response.json(), json!({ "error": "unauthorized" }));
    }
}
