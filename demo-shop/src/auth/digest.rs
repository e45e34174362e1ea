//! HTTP Digest authentication (RFC 7616) with MD5 and `qop=auth`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::PENDING_LIMIT;
use crate::respond::error;
use crate::state::Shared;
use crate::util::md5_hex;

/// The realm of the Digest endpoint. k6's digest client splits the challenge on spaces
/// and commas and drops quotes, so it has none of those.
const DIGEST_REALM: &str = "demo-shop";
/// The Digest `opaque`, which clients send back unchanged.
const DIGEST_OPAQUE: &str = "5ccc069c403ebaf9f0171e9517f40e41";

/// The `key=value` pairs of a Digest `Authorization` header (values quoted or not).
fn digest_params(value: &str) -> Option<HashMap<String, String>> {
    let (scheme, rest) = value.trim_start().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Digest") {
        return None;
    }
    let mut params = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ',' || c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=') {
            key.push(c);
        }
        chars.next()?; // '='
        let mut val = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => val.push(chars.next()?),
                    c => val.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| *c != ',' && !c.is_whitespace()) {
                val.push(c);
            }
        }
        params.insert(key.trim().to_ascii_lowercase(), val);
    }
    Some(params)
}

/// RFC 7616 Digest with MD5 and `qop=auth`: a challenge for any request without a
/// right answer to a nonce this server handed out (each nonce answers once).
pub(crate) async fn digest_auth(
    State(shop): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path((user, password)): Path<(String, String)>,
) -> Response {
    let answer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(digest_params);
    if let Some(answer) = answer {
        let param = |key: &str| answer.get(key).map(String::as_str).unwrap_or("");
        let issued = shop
            .digest_nonces
            .lock()
            .expect("nonce lock")
            .remove(param("nonce"));
        let request_uri = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
        let ha1 = md5_hex(format!("{user}:{DIGEST_REALM}:{password}"));
        let ha2 = md5_hex(format!("{method}:{}", param("uri")));
        let expected = md5_hex(format!(
            "{ha1}:{}:{}:{}:auth:{ha2}",
            param("nonce"),
            param("nc"),
            param("cnonce")
        ));
        if issued
            && param("username") == user
            && param("realm") == DIGEST_REALM
            && param("uri") == request_uri
            && param("qop") == "auth"
            && param("opaque") == DIGEST_OPAQUE
            && ["", "MD5"].contains(&param("algorithm").to_ascii_uppercase().as_str())
            && !param("nc").is_empty()
            && !param("cnonce").is_empty()
            && param("response") == expected
        {
            return Json(json!({ "authenticated": true, "user": user })).into_response();
        }
    }
    let nonce = format!("{:016x}{:016x}", shop.next(), shop.next());
    {
        let mut nonces = shop.digest_nonces.lock().expect("nonce lock");
        if nonces.len() >= PENDING_LIMIT {
            nonces.clear();
        }
        nonces.insert(nonce.clone());
    }
    let challenge = format!(
        "Digest realm=\"{DIGEST_REALM}\", nonce=\"{nonce}\", qop=\"auth\", algorithm=MD5, opaque=\"{DIGEST_OPAQUE}\""
    );
    let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        challenge.parse().expect("valid header"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2617 section 3.5's example.
    #[test]
    fn digest_response_matches_the_rfc() {
        let ha1 = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
        let ha2 = md5_hex("GET:/dir/index.html");
        let response = md5_hex(format!(
            "{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}"
        ));
        assert_eq!(response, "6629fae49393a05397450978507c4ef1");
        let params = digest_params(
            r#"Digest username="Mufasa", realm="testrealm@host.com", qop=auth, nc=00000001, response="6629fae49393a05397450978507c4ef1", opaque="a, \"b""#,
        )
        .unwrap();
        assert_eq!(params["username"], "Mufasa");
        assert_eq!(params["qop"], "auth");
        assert_eq!(params["nc"], "00000001");
        assert_eq!(params["opaque"], "a, \"b");
    }
}
