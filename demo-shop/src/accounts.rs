//! The demo users: logging in for a bearer token, and who a token belongs to.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::respond::{error, unauthorized};
use crate::state::Shared;
use crate::util::form_fields;
use crate::{PASSWORD, USERS};

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// Parses `username`/`password` from JSON or a form body.
fn credentials(headers: &HeaderMap, body: &[u8]) -> Option<Credentials> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let fields: HashMap<String, String> = form_fields(body);
        Some(Credentials {
            username: fields.get("username")?.clone(),
            password: fields.get("password")?.clone(),
        })
    } else {
        serde_json::from_slice(body).ok()
    }
}

/// `user7` → 7, for `user1` to `user1000`.
pub(crate) fn user_number(username: &str) -> Option<u32> {
    let n: u32 = username.strip_prefix("user")?.parse().ok()?;
    (1..=USERS).contains(&n).then_some(n)
}

/// `{"id","username","name"}`.
pub(crate) fn user_json(id: u32) -> Value {
    json!({ "id": id, "username": format!("user{id}"), "name": format!("Demo User {id}") })
}

/// The user whose `username` and `password` a login body (JSON or form) carries;
/// else why not, as a status and message: 400 when it has no such fields, 401 when
/// they are wrong.
pub(crate) fn authenticate(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<u32, (StatusCode, &'static str)> {
    let credentials = credentials(headers, body)
        .ok_or((StatusCode::BAD_REQUEST, "send username and password"))?;
    user_number(&credentials.username)
        .filter(|_| credentials.password == PASSWORD)
        .ok_or((StatusCode::UNAUTHORIZED, "invalid credentials"))
}

/// `POST /auth/login`: a bearer token for the other endpoints.
pub(crate) async fn login(
    State(shop): Shared,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let id = match authenticate(&headers, &body) {
        Ok(id) => id,
        Err((status, message)) => return error(status, message),
    };
    let token = shop.new_token();
    shop.data
        .lock()
        .expect("shop lock")
        .tokens
        .insert(token.clone(), id);
    Json(json!({ "token": token, "user": user_json(id) })).into_response()
}

/// `GET /users/me`: who the bearer token belongs to.
pub(crate) async fn me(State(shop): Shared, headers: HeaderMap) -> Response {
    match shop.user(&headers) {
        Some(id) => Json(user_json(id)).into_response(),
        None => unauthorized(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_map_to_numbers() {
        assert_eq!(user_number("user7"), Some(7));
        assert_eq!(user_number("user0"), None);
        assert_eq!(user_number("user1001"), None);
    }
}
