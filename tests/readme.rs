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

    let readme = include_str!("../README.md");
    let block = readme
        .split("```javascript\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a javascript block");
    assert_eq!(block, js, "README's JavaScript block is stale");

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
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&format!("```text\n{errors}\n```")),
        "README shows another message than k6dsl prints:\n{errors}"
    );
}
