//! The run-time logic forms of `flow!` (`when .. else`, `for_each`, `repeat`,
//! `mix`, `compute`, the cookie steps, `raw_js`) make the model their builders
//! make: the same JavaScript and TypeScript, byte for byte. The shop-logic test
//! written with the macro generates exactly the script `tests/run/shop_logic.rs`
//! runs under k6 against the demo shop; malformed forms are pinned in
//! `tests/ui/macro_logic_*.rs`.

use k6dsl::prelude::*;
use k6dsl::steps::{Condition, MixMode};
use k6dsl_suite::{shop_logic, tools};

/// `k6dsl_suite::shop_logic::script()`, its flow written with `flow!`.
fn shop_logic_by_macro() -> Script<k6dsl::load::HasScenarios> {
    let orders_per_iteration = Counter::new("orders_per_iteration");
    let receipt = Upload::file("receipt", shop_logic::RECEIPT).content_type("image/png");
    let flow = k6dsl::flow!(shopper {
        let user = compute("user", text!["user", Value::vu()]);
        let login = post("/auth/login") {
            name: "login",
            json: { username: user.clone(), password: Value::secret("SHOP_PASSWORD") },
            check: status == 200,
        };
        let token = login.json("token").named("token");

        // An intended 404: the wishlist does not exist until it is created.
        let found = get("/wishlist") {
            name: "wishlist",
            bearer: token,
            expect_statuses: [200, 404],
            check: status in [200, 404],
        };
        let wishlist = when found.status().eq(404) {
            let created = post("/wishlist") {
                name: "create wishlist",
                bearer: token,
                check: status == 201,
            };
            created.json("id")
        } else {
            found.json("id")
        };
        post("/wishlist/items") {
            name: "wish",
            bearer: token,
            headers: { "X-Wishlist": wishlist.named("wishlistId").as_string() },
            json: { product_id: Value::random_int(1, 50) },
            check: status == 201,
        }

        // A multipart upload: a text field and the PNG's bytes, as sent.
        post("/uploads") {
            name: "upload receipt",
            bearer: token,
            multipart: Multipart::new()
                .field("title", text!["receipt of ", user.clone()])
                .file("file", &receipt),
            checks: [
                status == 201,
                json("filename") == "receipt.png",
                json("content_type") == "image/png",
                json("md5") == shop_logic::RECEIPT_MD5,
            ],
        }

        // 70% browse, 30% buy: exactly 7 and 3 of every 10 iterations.
        mix "journey" exact {
            "browse" 70 => {
                let page = get("/products?limit=5") { name: "products", check: status == 200 };
                for_each product in page.json("products"), max 5 {
                    get("/products/", product.field("id")) { name: "product", check: status == 200 }
                }
            }
            "buy" 30 => {
                repeat 2 {
                    post("/cart/items") {
                        name: "add to cart",
                        bearer: token,
                        headers: { "X-Request-Id": Value::uuid() },
                        json: {
                            product_id: Value::pick_one([3, 7, 11]),
                            quantity: Value::random_int(1, 2) + 1,
                        },
                        check: status == 201,
                    }
                }
                post("/checkout") { name: "checkout", bearer: token, check: status == 201 }
            }
        }

        // The user's orders, at most 20, each fetched while the list lasts.
        let orders = get("/orders") { name: "orders", bearer: token, check: status == 200 };
        for_each order in orders.json("orders"), max 20 {
            let fetched = get("/orders/", order.field("id")) {
                name: "order",
                bearer: token,
                checks: [status == 200, json("total") exists],
            };
            when fetched.checks_passed().is_true() {
                add(orders_per_iteration, 1);
            }
        }

        // The session cookie: set by the login, refused once cleared.
        post("/session") {
            name: "session",
            json: { username: user.clone(), password: Value::secret("SHOP_PASSWORD") },
            check: status == 200,
        }
        when Value::cookie("/session", "session").exists() {
            get("/session") { name: "with session", check: status == 200 }
        }
        clear_cookies("/");
        get("/session") {
            name: "without session",
            expect_statuses: [401],
            check: status == 401,
        }
        when Condition::env_flag("VERBOSE") {
            raw_js("console.log(`iteration ${__ITER} of VU ${__VU} done`);");
        }
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

#[test]
fn the_shop_logic_by_macro_is_the_script_k6_runs() {
    let by_macro = shop_logic_by_macro();
    let by_builders = shop_logic::script();
    assert_eq!(
        by_macro.to_javascript().unwrap(),
        by_builders.to_javascript().unwrap()
    );
    assert_eq!(
        by_macro.to_typescript().unwrap(),
        by_builders.to_typescript().unwrap()
    );
}

/// Every form nested in the others and in `group`/`once_per_vu`: values out of
/// both branches (through `else when` too), a loop in a counted repeat using the
/// round, a random mix with the cookie steps in its branches.
#[test]
fn every_logic_form_nested_by_macro_equals_the_builders() {
    let by_macro = k6dsl::flow!(logic {
        let login = post("/auth/login") {
            name: "login",
            json: { username: "user1", password: Value::secret("SHOP_PASSWORD") },
            check: status == 200,
        };
        let token = login.json("token");
        set_cookie("/", "theme", "dark");
        let (plan, limit) = once_per_vu {
            let page = get("/wishlist") {
                name: "wishlist",
                bearer: token,
                expect_statuses: [200, 404],
            };
            when page.status().eq(404) {
                let limit = compute("limit", Value::random_int(1, 3));
                (Value::from("new"), limit)
            } else when page.status().eq(200) {
                (page.json("plan"), page.json("limit"))
            } else {
                (Value::from("none"), Value::from(0))
            }
        };
        group "Browse" {
            when !Condition::env_flag("QUIET").or(limit.gt(1)) {
                raw_js("console.log(`VU ${__VU}`);");
            }
            repeat 2 as round {
                let products = get("/products?page=", round) { name: "page" };
                for_each product in products.json("products"), max 3 {
                    let price = compute("price", product.field("price").as_number() * 2);
                    when price.ge(0) {
                        get("/products/", product.field("id")) { name: "product" }
                    } else {
                        sleep 100ms;
                    }
                }
            }
        }
        mix "path" random {
            "cart" 1 => {
                post("/cart/items") { name: "add", bearer: token, json: { product_id: 1, quantity: 1 } }
                delete_cookie("/", "theme");
            },
            "look" 2 => {
                when Value::cookie("/", "theme").exists() {
                    clear_cookies("/");
                }
            },
        }
        get("/plans/", plan) { name: "plan", expect_statuses: [200, 404] }
    });

    let by_builders = Flow::new("logic").steps(|f| {
        let login = f.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", Value::from("user1")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200)),
        );
        let token = login.json("token");
        f.set_cookie("/", "theme", "dark");
        let (plan, limit) = f.once_per_vu(|once| {
            let page = once.request(
                Request::get("/wishlist")
                    .name("wishlist")
                    .bearer(&token)
                    .expect_statuses([200, 404]),
            );
            once.if_else(
                page.status().eq(404),
                |new| {
                    let limit = new.compute("limit", Value::random_int(1, 3));
                    (Value::from("new"), limit)
                },
                |other| {
                    other.if_else(
                        page.status().eq(200),
                        |_| (page.json("plan"), page.json("limit")),
                        |_| (Value::from("none"), Value::from(0)),
                    )
                },
            )
        });
        f.group("Browse", |g| {
            g.when(!Condition::env_flag("QUIET").or(limit.gt(1)), |s| {
                s.raw_js("console.log(`VU ${__VU}`);");
            });
            g.repeat(2, |r, round| {
                let products =
                    r.request(Request::get(text!["/products?page=", round]).name("page"));
                r.for_each(products.json("products"), 3, |each, product| {
                    let price = each.compute("price", product.field("price").as_number() * 2);
                    each.if_else(
                        price.ge(0),
                        |s| {
                            s.request(
                                Request::get(text!["/products/", product.field("id")])
                                    .name("product"),
                            );
                        },
                        |s| s.sleep(millis(100)),
                    );
                });
            });
        });
        f.mix("path", MixMode::Random, |mix| {
            mix.arm("cart", 1, |s| {
                s.request(
                    Request::post("/cart/items")
                        .name("add")
                        .bearer(&token)
                        .json_object([
                            ("product_id", Value::from(1)),
                            ("quantity", Value::from(1)),
                        ]),
                );
                s.delete_cookie("/", "theme");
            });
            mix.arm("look", 2, |s| {
                s.when(Value::cookie("/", "theme").exists(), |s| {
                    s.clear_cookies("/");
                });
            });
        });
        f.request(
            Request::get(text!["/plans/", plan])
                .name("plan")
                .expect_statuses([200, 404]),
        );
    });

    assert_eq!(by_macro, by_builders, "one model from both front ends");
    let script = |flow: &Flow| Script::new().default_flow(flow);
    let js = script(&by_macro).to_javascript().unwrap();
    assert_eq!(js, script(&by_builders).to_javascript().unwrap());
    let ts = script(&by_macro).to_typescript().unwrap();
    assert_eq!(ts, script(&by_builders).to_typescript().unwrap());
    // The nesting is the builders': an `else when` is an `if` in the `else`.
    assert!(js.contains("} else {\n      if ("), "{js}");
    tools::node_check(&js).unwrap_or_else(|e| panic!("node rejects the script: {e}\n{js}"));
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc rejects the script: {e}\n{ts}"));
    // Values of different types from the branches (a literal, JSON): one type
    // holds them; the once-per-VU guard over them laid out as prettier does.
    tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier: {e}\n{js}"));
    tools::prettier_check_ts(&ts).unwrap_or_else(|e| panic!("prettier: {e}\n{ts}"));
}

/// The forms work in `setup!` and `teardown!` as in a flow.
#[test]
fn logic_forms_in_setup_and_teardown_equal_the_builders() {
    let script = |setup: Setup, teardown: Teardown| {
        Script::new()
            .setup(setup)
            .teardown(teardown)
            .default_flow(&Flow::new("shop"))
    };
    let by_macro = script(
        k6dsl::setup! {
            let health = get("/health") { name: "health", expect_statuses: [200, 503] };
            let up = when health.status().eq(503) {
                raw_js("console.warn(\"the shop is down\");");
                Value::from(0)
            } else {
                Value::from(1)
            };
            share("up", up);
        },
        k6dsl::teardown! {
            repeat 2 as round {
                delete("/cart?round=", round) { name: "cleanup", expect_statuses: [200, 404] }
            }
        },
    );
    let by_builders = script(
        Setup::new(|s| {
            let health = s.request(
                Request::get("/health")
                    .name("health")
                    .expect_statuses([200, 503]),
            );
            let up = s.if_else(
                health.status().eq(503),
                |down| {
                    down.raw_js("console.warn(\"the shop is down\");");
                    Value::from(0)
                },
                |_| Value::from(1),
            );
            s.share("up", up);
        }),
        Teardown::new(|t| {
            t.repeat(2, |r, round| {
                r.request(
                    Request::delete(text!["/cart?round=", round])
                        .name("cleanup")
                        .expect_statuses([200, 404]),
                );
            });
        }),
    );
    let js = by_macro.to_javascript().unwrap();
    assert_eq!(js, by_builders.to_javascript().unwrap());
    assert_eq!(
        by_macro.to_typescript().unwrap(),
        by_builders.to_typescript().unwrap()
    );
    assert!(
        js.contains("for (let round = 0; round < 2; round++) {"),
        "{js}"
    );
}
