//! The shop's endpoints over real HTTP: each test starts its own shop on 127.0.0.1
//! (a free port), talks only to it, and stops it by dropping it.

mod client;
mod openapi;
mod orders;
mod session;
mod uploads;
mod wishlist;

use std::net::TcpStream;

use demo_shop::DemoShop;

/// Dropping a shop stops it: nothing listens on its port afterwards, so no test
/// leaves a server behind.
#[test]
fn a_dropped_shop_stops_listening() {
    let shop = client::shop();
    let addr = shop.addr();
    assert_eq!(client::get(&shop, "/health", None).status, 200);
    drop(shop);
    assert!(
        TcpStream::connect(addr).is_err(),
        "{addr} still accepts connections after the shop was dropped"
    );
}

/// Every new endpoint that needs a bearer token answers 401 without a known one.
#[test]
fn unknown_tokens_get_401() {
    let shop: DemoShop = client::shop();
    for (method, path) in [
        ("GET", "/wishlist"),
        ("POST", "/wishlist"),
        ("DELETE", "/wishlist"),
        ("POST", "/wishlist/items"),
        ("GET", "/orders"),
        ("POST", "/uploads"),
    ] {
        for token in [None, Some("not-a-token")] {
            let response = client::send(&shop, method, path, token, &[], b"{}");
            assert_eq!(response.status, 401, "{method} {path} with {token:?}");
            assert_eq!(response.json()["error"], "unauthorized");
        }
    }
}

/// `GET /stats` counts requests per route (the route's pattern, not the path),
/// itself left out, and agrees with the in-process accessor.
#[test]
fn stats_count_requests_per_route() {
    let shop = client::shop();
    assert_eq!(client::get(&shop, "/products", None).status, 200);
    assert_eq!(client::get(&shop, "/products/3", None).status, 200);
    assert_eq!(client::get(&shop, "/products/4", None).status, 200);
    assert_eq!(client::get(&shop, "/nowhere", None).status, 404);
    let stats = client::get(&shop, "/stats", None);
    assert_eq!(stats.status, 200);
    let body = stats.json();
    assert_eq!(body["routes"]["GET /products"], 1, "{body}");
    assert_eq!(body["routes"]["GET /products/{id}"], 2, "{body}");
    assert_eq!(body["routes"]["unmatched"], 1, "{body}");
    assert_eq!(body["total"], 4, "{body}");
    let counts = shop.route_counts();
    assert_eq!(counts.get("GET /products/{id}"), Some(&2));
    assert!(!counts.contains_key("GET /stats"));
}
