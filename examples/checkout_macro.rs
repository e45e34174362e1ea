//! The checkout load test of `examples/checkout.rs`, written with k6dsl's macros
//! instead of its builders. Both make the same model, so both print the same
//! script for every profile (a test compares them byte for byte):
//!
//! ```text
//! cargo run --example checkout_macro > main.js
//! cargo run --example checkout_macro -- --profile smoke > main.js
//! ```

use k6dsl::options::{SystemTag, TrendStat};
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl::{flow, scenario, setup, thresholds};

fn main() {
    k6dsl_suite::checkout::example_main(script);
}

fn script(profile: Profile) -> Script<k6dsl::load::HasScenarios> {
    let checkout_duration = Trend::time("checkout_duration");
    let checkout_errors = Counter::new("checkout_errors");
    let checkout_success = Rate::new("checkout_success");
    let cart_size = Gauge::new("cart_size");

    // A test-wide login: browsing shoppers share this token.
    let setup = setup! {
        let login = post("/auth/login") {
            name: "login",
            json: { username: Value::env("SHOP_USER", "user1"), password: Value::secret("SHOP_PASSWORD") },
            checks: [status == 200, json("token") exists],
        };
        let token = login.json("token");
        share("token", token);
    };
    let token = setup.get("token");

    let browse_flow = flow!(browse {
        group "Browse Products" {
            let list = get("/products?limit=20") {
                name: "products",
                checks: [status == 200, json("products.0.id") exists, duration < 500ms],
            };
            let id = list.json("products.0.id").named("productId");
            think 1s..3s;
            get("/products/", id) {
                name: "product",
                checks: [status == 200, header("Content-Type") contains "application/json"],
            }
        }
        group "Account" {
            get("/users/me") { name: "profile", bearer: token, check: status == 200 }
        }
        think 1s..3s;
    });

    let purchase_flow = flow!(purchase {
        // Each VU shops as its own user, so carts never collide.
        let user_token = once_per_vu {
            let login = post("/auth/login") {
                name: "login",
                json: { username: text!["user", Value::vu()], password: Value::secret("SHOP_PASSWORD") },
                check: status == 200,
            };
            login.json("token").named("userToken")
        };
        group "Cart" {
            let cart = post("/cart/items") {
                name: "add_to_cart",
                bearer: user_token,
                json: serde_json::json!({ "product_id": 7, "quantity": 2 }),
                check: status == 201,
            };
            let items = cart.json("items.#").named("itemCount");
            add(cart_size, items.as_number());
        }
        group "Checkout" {
            let order = post("/checkout") {
                name: "checkout",
                bearer: user_token,
                checks: [status == 201, json("order_id") exists],
                record_checks: checkout_success,
                count_failures: checkout_errors,
                log_failures: true,
                record_duration: checkout_duration,
            };
            let order_id = order.json("order_id").named("orderId");
            get("/orders/", order_id) { name: "order", bearer: user_token, check: status == 200 }
        }
        think 500ms;
    });

    let browse = scenario! {
        name: "browse",
        executor: profile.ramping_vus(20),
        exec: browse_flow,
        graceful_stop: profile.grace(),
        tags: { flow: "browse" },
    };
    let purchase = scenario! {
        name: "purchase",
        executor: profile.constant_arrival_rate(nz!(10), 20, 50),
        exec: purchase_flow,
        graceful_stop: profile.grace(),
        tags: { flow: "purchase" },
    };

    Script::new()
        .setup(setup)
        .thresholds(thresholds! {
            http_req_duration: [p(95) < 500, p(99) < 1000],
            http_req_failed: rate < 0.01,
            http_req_duration{endpoint: "login"}: p(95) < 800,
            http_req_duration{scenario: browse}: p(95) < 300,
            group_duration{group: ["Checkout"]}: p(95) < 1000,
            checks: rate > 0.99,
            checkout_duration: p(95) < 1500,
            checkout_success: rate > 0.95 abort_on_fail(delay: 10s),
            checkout_errors: count < 50,
        })
        .metric(&cart_size)
        .scenario(browse)
        .scenario(purchase)
        .summary_json("results/summary.json")
        .options(
            GeneralOptions::default()
                .user_agent("k6dsl-checkout/1.0")
                .summary_trend_stats([
                    TrendStat::Avg,
                    TrendStat::Med,
                    TrendStat::Percentile(95.0),
                    TrendStat::Percentile(99.0),
                    TrendStat::Max,
                ])
                .system_tags([
                    SystemTag::Status,
                    SystemTag::Method,
                    SystemTag::Name,
                    SystemTag::Scenario,
                    SystemTag::Group,
                    SystemTag::Check,
                    SystemTag::ExpectedResponse,
                ]),
        )
}
