//! Requests as k6 sends them: the URL, headers and body the generated call
//! builds (JSON, form, multipart, text; basic auth; cookies; compression), sent
//! with redirects followed as Go's client follows them and each hop's cookies
//! stored in the VU's jar.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use ureq::http;

use super::cookies::Target;
use super::trace::{RequestTrace, TraceStep};
use super::values::{base64, query_escape};
use super::vu::{Halt, Vu};
use super::ProbeError;
use crate::model::logic::{ExpectedStatus, DEFAULT_EXPECTED_STATUSES};
use crate::model::vu::{Auth, Body, Compression, Json, Part, Request, ResponseType};

/// A response as a check sees it (`r`).
pub(super) struct Response {
    /// 0 when none came.
    pub status: u16,
    /// Names as k6 keys them (`Content-Type`), repeated headers joined.
    pub headers: Vec<(String, String)>,
    /// `None` when discarded (`responseType: "none"`) or when none came.
    pub body: Option<Vec<u8>>,
    pub duration: Duration,
    pub error: Option<String>,
}

impl Response {
    /// `r.headers[Canonical-Name]`.
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        let name = canonical_header(name);
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `String(r.body)`.
    pub(super) fn body_text(&self) -> String {
        match &self.body {
            Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            None => "null".into(),
        }
    }
}

/// What is sent: the final URL, headers and body of the first hop.
struct Outgoing {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    has_body: bool,
}

impl Vu<'_, '_> {
    /// Sends one request, then runs its checks, outcome metrics and extractions.
    pub(super) fn request(&mut self, request: &Request) -> Result<(), Halt> {
        // Whatever happens while it runs (an exception, an unsupported form) is
        // placed at the request.
        self.path.push(format!("request `{}`", request.name));
        let sent = self.send_request(request);
        self.path.pop();
        sent
    }

    fn send_request(&mut self, request: &Request) -> Result<(), Halt> {
        let place = self.place(None);
        let mut outgoing = self.outgoing(request)?;
        let p = &request.params;
        let mut cookies = Vec::new();
        for (name, value) in &p.cookies {
            cookies.push((name.clone(), self.eval(value)?.to_js_string()));
        }
        let redirects = p
            .redirects
            .or(self.run.script.options.general.max_redirects)
            .unwrap_or(10);
        let timeout = p.timeout.unwrap_or(self.run.probe.timeout);
        let keep_body = p.response_type != Some(ResponseType::None);
        let (response, hops) = self.send(&mut outgoing, &cookies, redirects, timeout, keep_body);
        let expected = response.error.is_none()
            && request
                .expected_statuses
                .as_deref()
                .or(self.run.script.expected_statuses.as_deref())
                .unwrap_or(&DEFAULT_EXPECTED_STATUSES)
                .iter()
                .any(|s: &ExpectedStatus| s.contains(response.status));
        let mut trace = RequestTrace {
            place,
            name: request.name.clone(),
            method: outgoing.method,
            url: outgoing.url,
            request_headers: outgoing.headers,
            body: outgoing.body,
            status: response.status,
            expected,
            error: response.error.clone(),
            response_headers: response.headers.clone(),
            response_len: response.body.as_ref().map_or(0, Vec::len),
            redirects: hops,
            duration: response.duration,
            checks: Vec::new(),
            extracted: Vec::new(),
        };
        let after = self.after_response(request, &response, &mut trace);
        let failed =
            trace.error.is_some() || !trace.expected || trace.checks.iter().any(|c| !c.passed);
        // The request goes before what its checks and extractions recorded.
        let at = self.trace.steps.len() - after.recorded;
        self.trace
            .steps
            .insert(at, TraceStep::Request(Box::new(trace)));
        after.result?;
        if failed && self.run.probe.fail_fast {
            return Err(Halt::Stop);
        }
        Ok(())
    }

    /// Method, URL, headers and body as the generated call builds them.
    fn outgoing(&mut self, request: &Request) -> Result<Outgoing, Halt> {
        let url = self.url(&request.url)?;
        let mut headers: Vec<(String, String)> = Vec::new();
        let has_content_type = request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        let mut body = None;
        match &request.body {
            None => {}
            Some(Body::Json(json)) => {
                if !has_content_type {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
                // JSON.stringify(undefined) sends no body.
                body = self.json(json)?.map(|j| j.to_string().into_bytes());
            }
            Some(Body::Form(fields)) => {
                if !has_content_type {
                    headers.push((
                        "Content-Type".into(),
                        "application/x-www-form-urlencoded".into(),
                    ));
                }
                // Go's url.Values.Encode: keys sorted, a repeated key's last value.
                let mut pairs: Vec<(String, String)> = Vec::new();
                for (key, value) in fields {
                    let value = self.eval(value)?.to_js_string();
                    pairs.retain(|(k, _)| k != key);
                    pairs.push((key.clone(), value));
                }
                pairs.sort();
                let encoded: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
                    .collect();
                body = Some(encoded.join("&").into_bytes());
            }
            Some(Body::Multipart(parts)) => {
                let boundary = format!(
                    "{:032x}{:028x}",
                    fastrand::u128(..),
                    fastrand::u128(..) >> 16
                );
                headers.push((
                    "Content-Type".into(),
                    format!("multipart/form-data; boundary={boundary}"),
                ));
                body = Some(self.multipart(parts, &boundary)?);
            }
            Some(Body::Text { text, content_type }) => {
                if let (Some(ct), false) = (content_type, has_content_type) {
                    headers.push(("Content-Type".into(), ct.clone()));
                }
                body = Some(self.eval(text)?.to_js_string().into_bytes());
            }
        }
        for (name, value) in &request.headers {
            let value = self.eval(value)?.to_js_string();
            // Go's Header.Set: one value per name, whatever its case.
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value));
        }
        match &request.params.auth {
            Some(Auth::Basic { user, password }) => {
                let credentials = format!(
                    "{}:{}",
                    self.eval(user)?.to_js_string(),
                    self.eval(password)?.to_js_string()
                );
                headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
                headers.push((
                    "Authorization".into(),
                    format!("Basic {}", base64(credentials.as_bytes())),
                ));
            }
            Some(Auth::Digest { .. }) => return Err(self.unsupported("digest authentication")),
            Some(Auth::Ntlm { .. }) => return Err(self.unsupported("NTLM authentication")),
            None => {}
        }
        let has_body = body.is_some();
        let mut body = body.unwrap_or_default();
        if let (Some(compression), true) = (request.params.compression, has_body) {
            body = match compress(compression, &body) {
                Some(compressed) => compressed,
                None => {
                    return Err(
                        self.unsupported(&format!("{} request compression", compression.as_k6()))
                    )
                }
            };
            headers.push(("Content-Encoding".into(), compression.as_k6().into()));
        }
        Ok(Outgoing {
            method: request.method.as_str().to_owned(),
            url,
            headers,
            body,
            has_body,
        })
    }

    fn unsupported(&self, what: &str) -> Halt {
        Halt::Error(ProbeError::Unsupported {
            place: self.place(None),
            what: what.to_owned(),
        })
    }

    /// A JSON body's value, as `JSON.stringify` sees it (`None` for undefined).
    fn json(&mut self, json: &Json) -> Result<Option<serde_json::Value>, Halt> {
        Ok(Some(match json {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Num(n) => serde_json::Value::Number(n.clone()),
            Json::Str(s) => serde_json::Value::String(s.clone()),
            Json::Expr(e) => return Ok(self.eval(e)?.to_json()),
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.json(item)?.unwrap_or(serde_json::Value::Null));
                }
                serde_json::Value::Array(out)
            }
            Json::Object(entries) => {
                let mut map = serde_json::Map::new();
                for (key, value) in entries {
                    if let Some(value) = self.json(value)? {
                        map.insert(key.clone(), value);
                    }
                }
                serde_json::Value::Object(map)
            }
        }))
    }

    /// A multipart/form-data body as Go's multipart writer writes it.
    fn multipart(&mut self, parts: &[(String, Part)], boundary: &str) -> Result<Vec<u8>, Halt> {
        let mut out = Vec::new();
        for (name, part) in parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let name = quote_escape(name);
            match part {
                Part::Field(value) => {
                    let value = self.eval(value)?.to_js_string();
                    out.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                            .as_bytes(),
                    );
                    out.extend_from_slice(value.as_bytes());
                }
                Part::File(upload) => {
                    let file = self.run.script.uploads.iter().find(|u| u.name == *upload);
                    let bytes = self.run.uploads.get(upload);
                    let (Some(file), Some(bytes)) = (file, bytes) else {
                        return Err(self.unsupported(&format!("the unknown upload `{upload}`")));
                    };
                    let content_type = file
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/octet-stream".into());
                    out.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
                            quote_escape(&file.sent_filename())
                        )
                        .as_bytes(),
                    );
                    out.extend_from_slice(bytes);
                }
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok(out)
    }

    /// Sends, following redirects: 301, 302 and 303 turn the request into a GET
    /// without body (HEAD stays HEAD), 307 and 308 repeat it. Each hop's
    /// `Set-Cookie` goes into the jar, and each hop sends the jar's cookies.
    fn send(
        &mut self,
        outgoing: &mut Outgoing,
        extra_cookies: &[(String, String)],
        max_redirects: u32,
        timeout: Duration,
        keep_body: bool,
    ) -> (Response, Vec<(String, u16)>) {
        let mut hops = Vec::new();
        let mut method = outgoing.method.clone();
        let mut url = outgoing.url.clone();
        let mut body = Some(outgoing.body.clone()).filter(|_| outgoing.has_body);
        loop {
            let target = Target::of(&url);
            let mut cookies: Vec<(String, String)> = extra_cookies.to_vec();
            if let Some(target) = &target {
                cookies.extend(self.jar.for_target(target));
            }
            let mut headers = outgoing.headers.clone();
            if !cookies.is_empty() {
                let line: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
                headers.push(("Cookie".into(), line.join("; ")));
            }
            if hops.is_empty() {
                outgoing.headers = headers.clone();
            }
            let started = Instant::now();
            let result = self.send_once(&method, &url, &headers, body.as_deref(), timeout);
            let mut response = match result {
                Ok(response) => response,
                Err(error) => {
                    return (
                        Response {
                            status: 0,
                            headers: Vec::new(),
                            body: None,
                            duration: started.elapsed(),
                            error: Some(error),
                        },
                        hops,
                    )
                }
            };
            let status = response.status().as_u16();
            let mut headers: Vec<(String, String)> = Vec::new();
            for (name, value) in response.headers() {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                if name == http::header::SET_COOKIE {
                    if let Some(target) = &target {
                        self.jar.receive(target, &value);
                    }
                }
                let name = canonical_header(name.as_str());
                match headers.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, joined)) => {
                        joined.push_str(", ");
                        joined.push_str(&value);
                    }
                    None => headers.push((name, value)),
                }
            }
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let read = response
                .body_mut()
                .with_config()
                .limit(1 << 30)
                .read_to_vec()
                .map_err(|e| format!("reading the response: {e}"));
            let duration = started.elapsed();
            if let (true, Some(location)) =
                (matches!(status, 301 | 302 | 303 | 307 | 308), location)
            {
                if (hops.len() as u32) < max_redirects {
                    hops.push((url.clone(), status));
                    url = resolve(&url, &location);
                    if (301..=303).contains(&status) && method != "HEAD" {
                        method = "GET".into();
                        body = None;
                    }
                    continue;
                }
            }
            let (body, error) = match read {
                Ok(bytes) => match decompress(header_of(&headers, "Content-Encoding"), bytes) {
                    Ok(bytes) => (Some(bytes).filter(|_| keep_body), None),
                    Err(e) => (None, Some(e)),
                },
                Err(e) => (None, Some(e)),
            };
            return (
                Response {
                    status,
                    headers,
                    body,
                    duration,
                    error,
                },
                hops,
            );
        }
    }

    fn send_once(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<&[u8]>,
        timeout: Duration,
    ) -> Result<http::Response<ureq::Body>, String> {
        use ureq::RequestExt;
        if url.starts_with("https://") {
            // ureq is built without a TLS stack (no C build, no certificates).
            return Err("https is not supported in-process (the probe's client has no TLS)".into());
        }
        let uri: http::Uri = escape_url(url)
            .parse()
            .map_err(|e| format!("the URL {url} does not parse: {e}"))?;
        let mut builder = http::Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let agent = &self.run.agent;
        let sent = match body {
            Some(body) => builder
                .body(body.to_vec())
                .map_err(|e| e.to_string())?
                .with_agent(agent)
                .configure()
                .timeout_global(Some(timeout))
                .run(),
            None => builder
                .body(())
                .map_err(|e| e.to_string())?
                .with_agent(agent)
                .configure()
                .timeout_global(Some(timeout))
                .run(),
        };
        sent.map_err(|e| e.to_string())
    }
}

fn header_of<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Header names as k6 keys `r.headers` (Go's canonical form: `Content-Type`).
pub(super) fn canonical_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper = c == '-';
    }
    out
}

/// A URL with the characters Go escapes when it sends one (spaces, quotes,
/// non-ASCII) percent-encoded, so that the HTTP client accepts it.
fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte <= b' ' || byte >= 0x7f || b"\"<>\\^`{|}".contains(&byte) {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push(byte as char);
        }
    }
    out
}

/// A redirect's `Location` against the URL that answered it.
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let scheme = &base[..scheme_end.saturating_sub(3)];
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    let authority_end = base[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(base.len(), |i| scheme_end + i);
    let origin = &base[..authority_end];
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = &base[authority_end..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let directory = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let directory = if directory.is_empty() { "/" } else { directory };
    format!("{origin}{directory}{location}")
}

/// `"` and `\` escaped as Go's multipart writer escapes them in a name.
fn quote_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The body compressed as k6's `compression` parameter asks (`None` for the
/// algorithms the probe lacks).
fn compress(compression: Compression, body: &[u8]) -> Option<Vec<u8>> {
    let level = flate2::Compression::default();
    match compression {
        Compression::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
            encoder.write_all(body).ok()?;
            encoder.finish().ok()
        }
        Compression::Deflate => {
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), level);
            encoder.write_all(body).ok()?;
            encoder.finish().ok()
        }
        Compression::Br | Compression::Zstd => None,
    }
}

/// The body decoded as k6 decodes a compressed response (gzip, deflate).
fn decompress(encoding: Option<&str>, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let read = match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        Some("gzip") => flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out),
        Some("deflate") => flate2::read::ZlibDecoder::new(&bytes[..]).read_to_end(&mut out),
        _ => return Ok(bytes),
    };
    read.map(|_| out)
        .map_err(|e| format!("decompressing the response: {e}"))
}
