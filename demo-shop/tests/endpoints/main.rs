//! The shop's endpoints over real HTTP: each test starts its own shop on 127.0.0.1
//! (a free port), talks only to it, and stops it by dropping it.

mod client;
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
