//! `GET /openapi.json`: the shop's own OpenAPI document, served as written.

use super::client;

/// The document parses as OpenAPI 3.0 JSON and describes the main endpoints, each
/// with the method the shop answers; every documented GET without parameters
/// answers with a documented status.
#[test]
fn the_shop_serves_its_openapi_document() {
    let shop = client::shop();
    let response = client::get(&shop, "/openapi.json", None);
    assert_eq!(response.status, 200);
    assert_eq!(response.body, demo_shop::OPENAPI.as_bytes());
    let doc = response.json();
    assert_eq!(doc["openapi"], "3.0.3");
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/health",
        "/auth/login",
        "/products",
        "/products/{id}",
        "/cart",
        "/cart/items",
        "/checkout",
        "/orders",
        "/orders/{id}",
        "/users/me",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    let token = client::login(&shop, 1);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let Some(get) = item.get("get") else { continue };
        if path.contains('{') {
            continue;
        }
        let status = client::get(&shop, path, Some(&token)).status;
        assert!(
            get["responses"].get(status.to_string()).is_some(),
            "GET {path} answered {status}, not a documented status"
        );
    }
}
