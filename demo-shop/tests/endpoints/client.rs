//! A small HTTP/1.1 client over `std::net::TcpStream`: one request per connection
//! (`Connection: close`), enough to see statuses, headers and bodies exactly as the
//! shop sends them, with no client crate to build.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use demo_shop::DemoShop;
use serde_json::Value;

/// A shop on a free port of 127.0.0.1 that answers at once.
pub fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

/// One response as it came over the wire.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Every value of the header `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Sends one request with `Authorization: Bearer {token}` when given, the extra
/// headers, and `body` (with its `Content-Length`), and reads the whole answer.
pub fn send(
    shop: &DemoShop,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(shop.addr()).expect("connect to the shop");
    // A broken server fails the test instead of hanging it.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        shop.addr(),
        body.len()
    );
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).expect("send the request");
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .expect("read the whole answer");
    parse(&answer)
}

/// `GET path`.
pub fn get(shop: &DemoShop, path: &str, token: Option<&str>) -> Response {
    send(shop, "GET", path, token, &[], b"")
}

/// `method path` with a JSON body.
pub fn json(
    shop: &DemoShop,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> Response {
    let body = serde_json::to_vec(body).expect("JSON");
    send(
        shop,
        method,
        path,
        token,
        &[("Content-Type", "application/json")],
        &body,
    )
}

/// Logs `user{n}` in and returns the bearer token.
pub fn login(shop: &DemoShop, n: u32) -> String {
    let body =
        serde_json::json!({ "username": format!("user{n}"), "password": demo_shop::PASSWORD });
    let response = json(shop, "POST", "/auth/login", None, &body);
    assert_eq!(response.status, 200, "login: {:?}", response.json());
    response.json()["token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

fn parse(answer: &[u8]) -> Response {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(answer)));
    let head = std::str::from_utf8(&answer[..end]).expect("ASCII headers");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not a status line: {status_line}"));
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("name: value");
            (name.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let raw = &answer[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(raw) } else { raw.to_vec() };
    Response {
        status,
        headers,
        body,
    }
}

/// The body of a `Transfer-Encoding: chunked` answer.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size line");
        let size_text = std::str::from_utf8(&raw[..line_end]).expect("ASCII chunk size");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("a hex chunk size");
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}
