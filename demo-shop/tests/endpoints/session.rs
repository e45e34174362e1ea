//! `/session`: a cookie set on login, read back, and expired on logout.

use serde_json::json;

use crate::client::{self, get, send, Response};

/// The `session=<token>` pair of the one `Set-Cookie` header, checked to carry
/// `Path=/` and `HttpOnly`.
fn session_cookie(response: &Response) -> String {
    let set = response.all("set-cookie");
    assert_eq!(set.len(), 1, "one Set-Cookie: {set:?}");
    let mut parts = set[0].split(';').map(str::trim);
    let pair = parts.next().expect("name=value").to_owned();
    let attributes: Vec<&str> = parts.collect();
    assert!(pair.starts_with("session="), "{}", set[0]);
    assert!(attributes.contains(&"Path=/"), "{}", set[0]);
    assert!(attributes.contains(&"HttpOnly"), "{}", set[0]);
    pair
}

fn with_cookie(shop: &demo_shop::DemoShop, method: &str, cookie: &str) -> Response {
    send(shop, method, "/session", None, &[("Cookie", cookie)], b"")
}

#[test]
fn a_session_cookie_is_set_read_and_cleared() {
    let shop = client::shop();
    let login = json!({ "username": "user8", "password": demo_shop::PASSWORD });
    let started = client::json(&shop, "POST", "/session", None, &login);
    assert_eq!(started.status, 200);
    assert_eq!(
        started.json(),
        json!({ "user": { "id": 8, "username": "user8", "name": "Demo User 8" } })
    );
    let cookie = session_cookie(&started);
    let token = cookie.trim_start_matches("session=");
    assert_eq!(token.len(), 32, "a 128-bit token: {token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");

    let current = with_cookie(&shop, "GET", &format!("theme=dark; {cookie}"));
    assert_eq!(current.status, 200);
    assert_eq!(current.json(), started.json());
    assert!(current.all("set-cookie").is_empty(), "reading sets nothing");

    let ended = with_cookie(&shop, "DELETE", &cookie);
    assert_eq!(ended.status, 204);
    assert!(ended.body.is_empty());
    let expired = ended.all("set-cookie");
    assert_eq!(expired.len(), 1, "{expired:?}");
    let attributes: Vec<&str> = expired[0].split(';').map(str::trim).collect();
    assert_eq!(attributes[0], "session=");
    assert!(attributes.contains(&"Max-Age=0"), "{}", expired[0]);
    assert!(attributes.contains(&"Path=/"), "{}", expired[0]);

    let after = with_cookie(&shop, "GET", &cookie);
    assert_eq!(after.status, 401, "the old token no longer counts");
    assert_eq!(after.json(), json!({ "error": "no session" }));
    assert_eq!(
        with_cookie(&shop, "DELETE", &cookie).status,
        204,
        "twice is harmless"
    );
}

#[test]
fn a_session_needs_a_valid_cookie_and_right_credentials() {
    let shop = client::shop();
    for response in [
        get(&shop, "/session", None),
        with_cookie(&shop, "GET", "session=0123456789abcdef0123456789abcdef"),
        with_cookie(&shop, "GET", "other=1"),
    ] {
        assert_eq!(response.status, 401);
        assert_eq!(response.json(), json!({ "error": "no session" }));
    }

    let wrong = json!({ "username": "user8", "password": "wrong" });
    let refused = client::json(&shop, "POST", "/session", None, &wrong);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json(), json!({ "error": "invalid credentials" }));
    assert!(refused.all("set-cookie").is_empty());
    let unknown = json!({ "username": "user0", "password": demo_shop::PASSWORD });
    assert_eq!(
        client::json(&shop, "POST", "/session", None, &unknown).status,
        401
    );
    let garbled = send(&shop, "POST", "/session", None, &[], b"not json");
    assert_eq!(garbled.status, 400);

    // A bearer token is not a session, nor a session cookie a bearer token.
    let token = client::login(&shop, 9);
    assert_eq!(get(&shop, "/session", Some(&token)).status, 401);
    let started = client::json(
        &shop,
        "POST",
        "/session",
        None,
        &json!({ "username": "user9", "password": demo_shop::PASSWORD }),
    );
    let cookie = session_cookie(&started);
    let session_token = cookie.trim_start_matches("session=");
    assert_eq!(get(&shop, "/users/me", Some(session_token)).status, 401);
}

#[test]
fn a_form_login_starts_a_session_too() {
    let shop = client::shop();
    let form = format!("username=user10&password={}", demo_shop::PASSWORD);
    let started = send(
        &shop,
        "POST",
        "/session",
        None,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(started.status, 200);
    assert_eq!(started.json()["user"]["username"], "user10");
    let cookie = session_cookie(&started);
    assert_eq!(with_cookie(&shop, "GET", &cookie).json()["user"]["id"], 10);
}
