//! The shop with run-time logic: what a careful k6 script decides while it runs,
//! written with k6dsl's typed forms (`examples/shop_logic.rs` prints it).
//!
//! Each iteration logs in with a session cookie and a token, looks up the user's
//! wishlist (an intended 404 the first time, then creates it), uploads a receipt
//! (a multipart body with a text field and a PNG file, which the shop hashes and
//! the check compares with the file's MD5), picks a branch of
//! a 70/30 mix (browse or buy, exact over the scenario's iterations), buys a
//! random quantity a counted number of times, walks the user's orders (a loop over
//! an extracted list, bounded), and checks the session cookie before and after
//! clearing it. Every check passes against the demo shop and `http_req_failed`
//! stays 0 although some responses are 404s and 401s by design.

use k6dsl::prelude::*;
use k6dsl::steps::{Condition, MixMode};

/// The PNG each iteration uploads. Its path is absolute, fixed when this crate is
/// compiled, so the test generates from any directory.
pub const RECEIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/receipt.png");

/// The MD5 of [`RECEIPT`] (`md5sum tests/fixtures/receipt.png`): what the shop
/// must report for the bytes it received.
pub const RECEIPT_MD5: &str = "caba76f626e60b47eddb01938c52702f";

/// The test: 10 iterations shared by 2 VUs, every check required to pass and no
/// request failed.
pub fn script() -> Script<k6dsl::load::HasScenarios> {
    let orders_per_iteration = Counter::new("orders_per_iteration");
    let receipt = Upload::file("receipt", RECEIPT).content_type("image/png");
    let flow = Flow::new("shopper").steps(|f| {
        let user = f.compute("user", text!["user", Value::vu()]);
        let login = f.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", user.clone()),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200)),
        );
        let token = login.json("token").named("token");

        // An intended 404: the wishlist does not exist until it is created.
        let found = f.request(
            Request::get("/wishlist")
                .name("wishlist")
                .bearer(&token)
                .expect_statuses([200, 404])
                .check(Check::status_in([200, 404])),
        );
        let wishlist = f.if_else(
            found.status().eq(404),
            |create| {
                create
                    .request(
                        Request::post("/wishlist")
                            .name("create wishlist")
                            .bearer(&token)
                            .check(Check::status(201)),
                    )
                    .json("id")
            },
            |_| found.json("id"),
        );
        f.request(
            Request::post("/wishlist/items")
                .name("wish")
                .bearer(&token)
                .header("X-Wishlist", wishlist.named("wishlistId").as_string())
                .json_object([("product_id", Value::random_int(1, 50))])
                .check(Check::status(201)),
        );

        // A multipart upload: a text field and the PNG's bytes, as sent.
        f.request(
            Request::post("/uploads")
                .name("upload receipt")
                .bearer(&token)
                .multipart(
                    Multipart::new()
                        .field("title", text!["receipt of ", user.clone()])
                        .file("file", &receipt),
                )
                .check(Check::status(201))
                .check(Check::json_equals("filename", "receipt.png"))
                .check(Check::json_equals("content_type", "image/png"))
                .check(Check::json_equals("md5", RECEIPT_MD5)),
        );

        // 70% browse, 30% buy: exactly 7 and 3 of every 10 iterations.
        f.mix("journey", MixMode::Exact, |mix| {
            mix.arm("browse", 70, |browse| {
                let page = browse.request(
                    Request::get("/products?limit=5")
                        .name("products")
                        .check(Check::status(200)),
                );
                browse.for_each(page.json("products"), 5, |each, product| {
                    each.request(
                        Request::get(text!["/products/", product.field("id")])
                            .name("product")
                            .check(Check::status(200)),
                    );
                });
            });
            mix.arm("buy", 30, |buy| {
                buy.repeat(2, |round, _| {
                    round.request(
                        Request::post("/cart/items")
                            .name("add to cart")
                            .bearer(&token)
                            .header("X-Request-Id", Value::uuid())
                            .json_object([
                                ("product_id", Value::pick_one([3, 7, 11])),
                                ("quantity", Value::random_int(1, 2) + 1),
                            ])
                            .check(Check::status(201)),
                    );
                });
                buy.request(
                    Request::post("/checkout")
                        .name("checkout")
                        .bearer(&token)
                        .check(Check::status(201)),
                );
            });
        });

        // The user's orders, at most 20, each fetched while the list lasts.
        let orders = f.request(
            Request::get("/orders")
                .name("orders")
                .bearer(&token)
                .check(Check::status(200)),
        );
        f.for_each(orders.json("orders"), 20, |each, order| {
            let fetched = each.request(
                Request::get(text!["/orders/", order.field("id")])
                    .name("order")
                    .bearer(&token)
                    .check(Check::status(200))
                    .check(Check::json_exists("total")),
            );
            each.when(fetched.checks_passed().is_true(), |ok| {
                ok.add(&orders_per_iteration, 1);
            });
        });

        // The session cookie: set by the login, refused once cleared.
        f.request(
            Request::post("/session")
                .name("session")
                .json_object([
                    ("username", user.clone()),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200)),
        );
        f.when(Value::cookie("/session", "session").exists(), |with| {
            with.request(
                Request::get("/session")
                    .name("with session")
                    .check(Check::status(200)),
            );
        });
        f.clear_cookies("/");
        f.request(
            Request::get("/session")
                .name("without session")
                .expect_statuses([401])
                .check(Check::status(401)),
        );
        f.when(Condition::env_flag("VERBOSE"), |verbose| {
            verbose.raw_js("console.log(`iteration ${__ITER} of VU ${__VU} done`);");
        });
    });
    Script::new()
        .scenario(
            Scenario::new(
                "shoppers",
                SharedIterations::new().vus(nz!(2)).iterations(nz!(10)),
            )
            .exec(&flow),
        )
        .metric(&orders_per_iteration)
        .threshold(CHECKS.rate().eq(1))
        .threshold(HTTP_REQ_FAILED.rate().eq(0))
}
