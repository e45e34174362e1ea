//! Endpoints for trying HTTP itself: an echo, any status, a slow answer, redirects.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::respond::error;

pub(crate) async fn echo(request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let headers: serde_json::Map<String, Value> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()),
            )
        })
        .collect();
    Json(json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
    .into_response()
}

pub(crate) async fn status(Path(code): Path<u16>) -> Response {
    match StatusCode::from_u16(code) {
        Ok(status) => (status, Json(json!({ "status": code }))).into_response(),
        Err(_) => error(StatusCode::BAD_REQUEST, "not a status code"),
    }
}

pub(crate) async fn delay(Path(ms): Path<u64>) -> Response {
    tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
    Json(json!({ "delayed_ms": ms })).into_response()
}

pub(crate) async fn redirect(Path(n): Path<u32>) -> Response {
    let location = if n <= 1 {
        "/health".to_owned()
    } else {
        format!("/redirect/{}", n - 1)
    };
    (
        StatusCode::FOUND,
        [(header::LOCATION, location)],
        Body::empty(),
    )
        .into_response()
}
