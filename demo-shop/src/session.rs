//! A session kept in a cookie, for scripts that rely on the VU's cookie jar rather
//! than an `Authorization` header.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::accounts::{authenticate, user_json};
use crate::respond::error;
use crate::state::{Shared, Shop};

/// The cookie's name.
const COOKIE: &str = "session";

/// Every `session` cookie value the request carries, in order (a client may send
/// more than one `Cookie` header, or the name twice).
fn session_cookies(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .into_iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name.trim() == COOKIE).then(|| value.trim())
        })
}

/// The user of the first live session the request's cookies name.
fn session_user(shop: &Shop, headers: &HeaderMap) -> Option<u32> {
    let data = shop.data.lock().expect("shop lock");
    session_cookies(headers).find_map(|token| data.sessions.get(token).copied())
}

/// `POST /session`: checks the credentials as `/auth/login` does and sets the cookie.
pub(crate) async fn start_session(
    State(shop): Shared,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let user = match authenticate(&headers, &body) {
        Ok(user) => user,
        Err((status, message)) => return error(status, message),
    };
    let token = shop.new_token();
    shop.data
        .lock()
        .expect("shop lock")
        .sessions
        .insert(token.clone(), user);
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly");
    (
        [(header::SET_COOKIE, cookie)],
        Json(json!({ "user": user_json(user) })),
    )
        .into_response()
}

/// `GET /session`: the user of a valid session cookie, else 401.
pub(crate) async fn current_session(State(shop): Shared, headers: HeaderMap) -> Response {
    match session_user(&shop, &headers) {
        Some(user) => Json(json!({ "user": user_json(user) })).into_response(),
        None => error(StatusCode::UNAUTHORIZED, "no session"),
    }
}

/// `DELETE /session`: forgets the cookie's session (if any) and tells the client to
/// drop the cookie; 204 either way, so logging out twice is harmless.
pub(crate) async fn end_session(State(shop): Shared, headers: HeaderMap) -> Response {
    let tokens: Vec<String> = session_cookies(&headers).map(str::to_owned).collect();
    {
        let mut data = shop.data.lock().expect("shop lock");
        for token in &tokens {
            data.sessions.remove(token);
        }
    }
    // Max-Age=0 tells the client to drop the cookie now (RFC 6265 section 5.2.2).
    let expire = format!("{COOKIE}=; Path=/; HttpOnly; Max-Age=0");
    (StatusCode::NO_CONTENT, [(header::SET_COOKIE, expire)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; sessionx=2"));
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("b=3;session=abc ; session=def"),
        );
        let found: Vec<&str> = session_cookies(&headers).collect();
        assert_eq!(found, ["abc", "def"]);
        assert_eq!(session_cookies(&HeaderMap::new()).count(), 0);
    }
}
