//! The demo shop's own OpenAPI document: imported, checked in as Rust, run under k6.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;

use demo_shop::DemoShop;
use k6dsl::import::openapi::ImportOptions;
use k6dsl::prelude::*;

use super::{checked_script, imported};

#[allow(dead_code)]
mod shop_api {
    include!("shop_api.rs");
}

fn checked_in_path() -> PathBuf {
    k6dsl_suite::tools::repo_root().join("tests/front_ends/import/shop_api.rs")
}

/// The checked-in module is what the import writes today; `K6DSL_UPDATE_GOLDEN=1`
/// rewrites it (review the diff).
#[test]
fn the_checked_in_module_is_what_the_import_writes() {
    let rust = imported(demo_shop::OPENAPI, &ImportOptions::default()).rust;
    let path = checked_in_path();
    if std::env::var_os("CI").is_none()
        && std::env::var_os("K6DSL_UPDATE_GOLDEN").is_some_and(|v| v == "1")
    {
        std::fs::write(&path, &rust).expect("write the module");
    }
    let on_disk = std::fs::read_to_string(&path).expect("the checked-in module");
    assert!(
        on_disk == rust,
        "tests/front_ends/import/shop_api.rs differs from the import; rewrite it with \
         `K6DSL_UPDATE_GOLDEN=1 cargo test --test front_ends import` and review the diff\n--- import ---\n{rust}"
    );
}

/// The constructors, called with the plan's values, give the plan's script: the Rust
/// module and the plan describe the same requests.
#[test]
fn the_constructors_build_the_plans_requests() {
    use shop_api::*;
    let flow = Flow::new("api").steps(|f| {
        f.request(health());
        f.request(login(&Credentials {
            username: "user1".into(),
            password: "demo-pass".into(),
        }));
        f.request(list_products(
            Some(Value::env("PAGE", "1")),
            Some(Value::env("LIMIT", "20")),
        ));
        f.request(get_product(Value::env("ID", "1")));
        f.request(me());
        f.request(get_cart());
        f.request(empty_cart());
        f.request(add_to_cart(&CartItemInput {
            product_id: 1,
            quantity: 2,
        }));
        f.request(checkout());
        f.request(list_orders());
        f.request(get_order(Value::env("ID", "1")));
    });
    let from_rust = Script::new()
        .base_url("BASE_URL", "http://127.0.0.1:3300")
        .default_flow(&flow)
        .to_javascript()
        .expect("the Rust flow generates");
    let from_plan = checked_script(&imported(demo_shop::OPENAPI, &ImportOptions::default()));
    assert_eq!(from_rust, from_plan);
}

/// Logs `user` in over plain HTTP and returns the bearer token (the plan reads it
/// as the secret BEARER_AUTH_TOKEN, as a user would pass it).
fn token(shop: &DemoShop, user: &str) -> String {
    let body = format!(
        r#"{{"username":"{user}","password":"{}"}}"#,
        demo_shop::PASSWORD
    );
    let mut stream = TcpStream::connect(shop.addr()).expect("connect to the shop");
    write!(
        stream,
        "POST /auth/login HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send the login");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the login");
    let json = &response[response.find("\r\n\r\n").expect("a body") + 4..];
    let value: serde_json::Value = serde_json::from_str(json).expect("a JSON body");
    value["token"].as_str().expect("a token").to_string()
}

/// The plan of every operation, k6 inspect accepts it and k6 runs it against a fresh
/// shop with every check passing: the document's examples (product 1, a cart item,
/// then checkout, then order 1, which is that checkout's on a fresh shop) make a
/// valid session once the user's token is given as the secret.
#[test]
fn the_imported_plan_runs_under_k6_with_every_check_passing() {
    let imported = imported(demo_shop::OPENAPI, &ImportOptions::default());
    let script = checked_script(&imported);
    k6dsl_suite::tools::inspect(&script).expect("k6 inspect accepts the script");
    let shop = DemoShop::builder().start().expect("the shop starts");
    let token = token(&shop, "user7");
    let run = k6dsl_suite::tools::k6_run(
        &script,
        &[],
        &[
            ("BASE_URL", &shop.base_url()),
            ("BEARER_AUTH_TOKEN", &token),
        ],
    );
    assert_eq!(run.exit_code, 0, "{}\n{}", run.stdout, run.stderr);
    let checks = run.metric("checks").expect("checks ran");
    assert_eq!(checks["passes"], 11, "{checks}\n{}", run.stderr);
    assert_eq!(checks["fails"], 0, "{checks}\n{}", run.stderr);
    let failed = run.metric("http_req_failed").expect("requests ran");
    assert_eq!(failed["passes"], 0, "{failed}");
    let routes = shop.route_counts();
    for route in ["POST /checkout", "GET /orders/{id}", "POST /cart/items"] {
        assert_eq!(routes.get(route), Some(&1), "{routes:?}");
    }
}
