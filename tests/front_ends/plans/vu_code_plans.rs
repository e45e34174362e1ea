//! The plans of every kind of VU code: the scripts `tests/generated/vu_code` runs
//! under k6, and a test that reads data rows four ways.

use k6dsl::plan::Plan;
use k6dsl::prelude::*;

#[derive(serde::Serialize)]
struct Item {
    id: u32,
    quantity: u32,
    label: &'static str,
}

/// The scripts of `tests/generated/vu_code/`, which k6 runs against the demo shop:
/// every kind of step, value, check and body.
pub(super) fn vu_code_scripts() -> Vec<(&'static str, Plan)> {
    let mut out = Vec::new();
    let once = |flow: &Flow| {
        Script::new()
            .shortcut(Shortcut::iterations(nz!(1), nz!(2)))
            .default_flow(flow)
            .threshold(CHECKS.rate().eq(1))
    };

    let methods = Flow::new("methods").steps(|f| {
        f.request(Request::get("/echo/get").name("get").check(Check::status(200)));
        f.request(
            Request::post("/echo/json")
                .name("json")
                .json(&serde_json::json!({ "b": [1, 2.5, null, -3, 1e300, true], "a": "x", "n": { "deep": [{}] } }))
                .check(Check::json_equals("method", "POST")),
        );
        f.request(
            Request::put("/echo/form")
                .name("form")
                .form([("user", "a b"), ("pass", "ü&=")])
                .check(Check::status(200)),
        );
        f.request(
            Request::patch("/echo/text")
                .name("text")
                .text_body("plain text", "text/plain")
                .check(Check::status(200)),
        );
        f.request(Request::delete("/echo/del").name("del"));
        f.request(Request::head("/echo/head").name("head"));
        f.request(Request::options("/echo/options").name("options"));
        f.request(Request::method("PURGE", "/echo/purge").name("purge"));
        f.batch([
            Request::get("/products/1").name("batch_one").check(Check::status(200)),
            Request::get("/products/2").name("batch_two"),
        ]);
    });
    out.push(("methods", Plan::from(&once(&methods))));

    let params = Flow::new("params").steps(|f| {
        f.request(
            Request::get("/echo/headers")
                .name("headers")
                .header("X-Custom", "one")
                .cookie("session", "abc")
                .tag("critical", "true")
                .timeout(secs(5))
                .check(Check::status(200)),
        );
        f.request(
            Request::get(text!["/basic-auth/alice/", Value::secret("BASIC_PASSWORD")])
                .name("basic")
                .basic_auth("alice", Value::secret("BASIC_PASSWORD")),
        );
        f.request(
            Request::get("/digest")
                .name("digest")
                .digest_auth("alice", Value::secret("P")),
        );
        f.request(
            Request::get("/ntlm")
                .name("ntlm")
                .ntlm_auth("bob", Value::secret("P")),
        );
        f.request(Request::get("/redirect/3").name("follow").redirects(5));
        f.request(
            Request::get("/products")
                .name("discarded")
                .response_type(ResponseType::None),
        );
        f.request(
            Request::post("/echo/gzip")
                .name("gzip")
                .json(&serde_json::json!({ "big": "x".repeat(100) }))
                .compression(Compression::Gzip),
        );
    });
    out.push((
        "params",
        Plan::from(&once(&params).threshold(HTTP_REQS.tag("critical", "true").count().eq(1))),
    ));

    let ok_rate = Rate::new("lookup_ok");
    let failures = Counter::new("lookup_failures");
    let timing = Trend::time("lookup_time");
    let level = Gauge::new("level");
    let checks = Flow::new("checks").steps(|f| {
        let r = f.request(
            Request::get("/products/1")
                .name("product")
                .check(Check::status(200))
                .check(Check::status_in([200, 204]))
                .check(Check::header_present("content-type"))
                .check(Check::header_contains("Content-Type", "json"))
                .check(Check::body_contains("\"id\":1"))
                .check(Check::body_matches("\"price\":\\s*[0-9.]+"))
                .check(Check::json_exists("name"))
                .check(Check::json_equals("id", 1))
                .check(Check::json_equals("price", 9.99))
                .check(Check::json_equals("sale", false))
                .check(Check::duration_below(secs(2)))
                .check(Check::raw_js("raw body length", "r.body.length > 10"))
                .check(Check::status(200).named("again 200"))
                .record_checks(&ok_rate)
                .count_failures(&failures)
                .log_failures()
                .record_duration(&timing),
        );
        f.add(&level, r.json("stock").as_number());
    });
    out.push((
        "checks and outcomes",
        Plan::from(
            &once(&checks)
                .threshold(ok_rate.rate().eq(0.5))
                .threshold(failures.count().eq(3))
                .threshold(timing.max().lt(5000)),
        ),
    ));

    let groups = Flow::new("shopping")
        .steps(|f| {
            f.group("E2E Purchase", |g| {
                g.group("Browse", |b| {
                    b.request(Request::get("/products").name("products"));
                });
            });
            f.think(ThinkTime::between(millis(100), millis(200)));
            f.sleep(millis(100));
            f.think(ThinkTime::fixed(secs(1)));
        })
        .pacing(millis(700));
    out.push((
        "groups, think time, pacing",
        Plan::from(
            &once(&groups).threshold(
                GROUP_DURATION
                    .for_group(["E2E Purchase", "Browse"])
                    .max()
                    .lt(5000),
            ),
        ),
    ));

    let correlate = Flow::new("correlate").steps(|f| {
        let login = f.request(Request::post("/auth/login").name("login").json_object([
            ("username", Value::text("user7")),
            ("password", Value::secret("SHOP_PASSWORD")),
        ]));
        let token = login.json("token");
        let user_id = login.json("user.id").named("userId");
        let me = f.request(Request::get("/users/me").name("me").bearer(&token));
        let name = me.json("name");
        let content_type = me.header("content-type");
        let between = me.between("\"username\":\"", "\"");
        let digits = me.regex("\"id\":(\\d+)", 1);
        f.request(
            Request::post(text!["/echo/", user_id, "/", digits])
                .name("echo")
                .header("X-Name", &name)
                .header("X-Type", &content_type)
                .header(
                    "X-Where",
                    text![
                        Value::scenario_name(),
                        "-",
                        Value::vu(),
                        "-",
                        Value::iteration()
                    ],
                )
                .json_object([("between", between), ("token", token.clone())]),
        );
    });
    out.push(("correlation", Plan::from(&once(&correlate))));

    let setup = Setup::new(|s| {
        let login = s.request(
            Request::post("/auth/login")
                .name("setup_login")
                .json_object([
                    ("username", Value::env("SHOP_USER", "user1")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ]),
        );
        s.share("token", login.json("token"));
    });
    let shared = setup.get("token");
    let shopper = Flow::new("shopper").steps(|f| {
        let own = f.once_per_vu(|once| {
            let login = once.request(
                Request::post("/auth/login")
                    .name("vu_login")
                    .json_object([("username", text!["user", Value::vu()])]),
            );
            login.json("token")
        });
        f.request(Request::get("/users/me").name("me_shared").bearer(&shared));
        f.request(Request::get("/cart").name("cart_own").bearer(&own));
    });
    let teardown = Teardown::new(|t| {
        t.request(Request::delete("/cart").name("cleanup").bearer(&shared));
    });
    out.push((
        "lifecycle",
        Plan::from(
            &Script::new()
                .scenario(
                    Scenario::new(
                        "shoppers",
                        PerVuIterations::new().vus(nz!(3)).iterations(nz!(4)),
                    )
                    .exec(&shopper),
                )
                .setup(setup)
                .teardown(teardown)
                .summary_json("results/summary.json")
                .base_url("SHOP_URL", "https://shop.example.com/api"),
        ),
    ));

    out.push(("data rows", rows_plan()));
    out
}

/// A test that reads data rows (JSON and CSV, written beside the script) four ways.
pub(super) fn rows_plan() -> Plan {
    let items = DataSet::json_rows(
        "items",
        &[
            Item {
                id: 1,
                quantity: 1,
                label: "one",
            },
            Item {
                id: 2,
                quantity: 2,
                label: "two, \"2\"",
            },
        ],
    );
    let codes = DataSet::csv_rows(
        "codes",
        ["code", "label"],
        [["a,1", "quoted \"x\""], ["b", "plain"]],
    );
    // Files the test provides, read from the current directory (the repository's
    // root under cargo test) and copied beside the script.
    let users = DataSet::csv_file("users", "tests/plans/data/users.csv");
    let products = DataSet::json_file("products", "tests/plans/data/products.json");
    let flow = Flow::new("rows").steps(|f| {
        let item = f.row(&items, RowSelection::PerIteration);
        f.request(Request::get(text!["/echo/item/", item.field("id")]).name("item"));
        let unique = f.row(&items, RowSelection::Unique);
        f.request(Request::get(text!["/echo/unique/", unique.field("id")]).name("unique"));
        let random = f.row(&codes, RowSelection::Random);
        f.request(Request::get(text!["/echo/random/", random.field("code")]).name("random"));
        let per_vu = f.row(&codes, RowSelection::PerVu);
        f.request(Request::post("/echo/code").name("code").json_object([
            ("code", per_vu.field("code")),
            ("label", per_vu.field("label")),
        ]));
    });
    let script = Script::new()
        .scenario(
            Scenario::new(
                "rows",
                SharedIterations::new().vus(nz!(2)).iterations(nz!(8)),
            )
            .exec(&flow),
        )
        .data(&users)
        .data(&products)
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01));
    Plan::from(&script)
}
