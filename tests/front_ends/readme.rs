//! The README shows real output: the JavaScript block is exactly what its Rust
//! example generates (the Rust block itself runs as a doctest of k6dsl).

use k6dsl::prelude::*;
use k6dsl_suite::tools;

#[test]
fn readme_output_is_what_the_example_generates() {
    let login_time = Trend::time("login_duration");
    let shop = Flow::new("shop").steps(|f| {
        let login = f.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", text!["user", Value::vu()]),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200))
                .record_duration(&login_time),
        );
        let token = login.json("token");
        f.group("Checkout", |g| {
            g.request(
                Request::post("/cart/items")
                    .name("add_to_cart")
                    .bearer(&token)
                    .json(&serde_json::json!({ "product_id": 7, "quantity": 1 }))
                    .check(Check::status(201)),
            );
            g.request(
                Request::post("/checkout")
                    .name("checkout")
                    .bearer(&token)
                    .check(Check::status(201))
                    .check(Check::json_exists("order_id")),
            );
        });
        f.think(ThinkTime::between(secs(1), secs(3)));
    });
    let script = Script::new()
        .scenario(
            Scenario::new(
                "shop",
                ConstantArrivalRate::new()
                    .rate(nz!(50))
                    .duration(mins(30))
                    .pre_allocated_vus(100)
                    .max_vus(200),
            )
            .exec(&shop),
        )
        .threshold(HTTP_REQ_DURATION.p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800))
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01).abort_on_fail());
    let js = script.to_javascript().unwrap();

    assert_eq!(
        readme_javascript(),
        js,
        "README's JavaScript block is stale"
    );

    // What the README promises must also be what k6 accepts.
    tools::node_check(&js).unwrap_or_else(|e| panic!("node rejects the README's script: {e}"));
    tools::prettier_check(&js)
        .unwrap_or_else(|e| panic!("prettier would reformat the README's script: {e}"));
    let options =
        tools::inspect(&js).unwrap_or_else(|e| panic!("k6 rejects the README's script: {e}"));
    assert_eq!(options["scenarios"]["shop"]["preAllocatedVUs"], 100);
    assert_eq!(
        options["thresholds"]["http_req_duration{endpoint:login}"][0],
        "p(95)<800"
    );
}

#[test]
fn readme_error_for_a_value_used_in_another_flow_is_real() {
    let mut token = None;
    let shop = Flow::new("shop").steps(|f| {
        let login = f.request(Request::post("/auth/login").name("login"));
        token = Some(login.json("token"));
    });
    let token = token.unwrap();
    let browse = Flow::new("browse").steps(|f| {
        f.request(Request::get("/users/me").name("me").bearer(&token));
    });
    let errors = Script::new()
        .scenario(Scenario::new("shop", SharedIterations::new()).exec(&shop))
        .scenario(Scenario::new("browse", SharedIterations::new()).exec(&browse))
        .to_javascript()
        .unwrap_err()
        .to_string();
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&format!("```text\n{errors}\n```")),
        "README shows another message than k6dsl prints:\n{errors}"
    );
}

/// The README's JavaScript block, as the README shows it.
fn readme_javascript() -> &'static str {
    include_str!("../../README.md")
        .split("```javascript\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a javascript block")
}

#[test]
fn readme_macro_example_makes_the_same_javascript() {
    use k6dsl::{flow, scenario, thresholds};
    let login_time = Trend::time("login_duration");
    let shop = flow!(shop {
        let login = post("/auth/login") {
            name: "login",
            json: { username: text!["user", Value::vu()], password: Value::secret("SHOP_PASSWORD") },
            check: status == 200,
            record_duration: login_time,
        };
        let token = login.json("token");
        group "Checkout" {
            post("/cart/items") {
                name: "add_to_cart",
                bearer: token,
                json: serde_json::json!({ "product_id": 7, "quantity": 1 }),
                check: status == 201,
            }
            post("/checkout") {
                name: "checkout",
                bearer: token,
                checks: [status == 201, json("order_id") exists],
            }
        }
        think 1s..3s;
    });
    let script = Script::new()
        .scenario(scenario! {
            name: "shop",
            executor: constant_arrival_rate {
                rate: 50,
                duration: 30m,
                pre_allocated_vus: 100,
                max_vus: 200,
            },
            exec: shop,
        })
        .thresholds(thresholds! {
            http_req_duration: p(95) < 500,
            http_req_duration{endpoint: "login"}: p(95) < 800,
            http_req_failed: rate < 0.01 abort_on_fail,
        });
    assert_eq!(script.to_javascript().unwrap(), readme_javascript());
}

#[test]
fn readme_macro_errors_are_pinned_by_ui_tests() {
    let readme = include_str!("../../README.md");
    let block = readme
        .split("invocation at once:\n\n```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows macro errors");
    let pinned: Vec<String> = std::fs::read_dir(tools::repo_root().join("tests/ui"))
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "stderr").then(|| std::fs::read_to_string(path).unwrap())
        })
        .collect();
    for line in block.lines() {
        assert!(
            pinned
                .iter()
                .any(|stderr| stderr.lines().any(|l| l == line)),
            "the README's `{line}` is in no tests/ui/*.stderr"
        );
    }
}
