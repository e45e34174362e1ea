//! HTTP Basic authentication (RFC 7617).

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::respond::error;
use crate::util::base64_decode;

/// 200 when the `Authorization: Basic` credentials are `{user}:{password}`, else 401
/// with a challenge.
pub(crate) async fn basic_auth(
    headers: HeaderMap,
    Path((user, password)): Path<(String, String)>,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(base64_decode);
    if given.as_deref() == Some(format!("{user}:{password}").as_bytes()) {
        Json(json!({ "authenticated": true, "user": user })).into_response()
    } else {
        let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized");
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            "Basic realm=\"demo\"".parse().expect("valid header"),
        );
        response
    }
}
