//! Values: extracted values reach later requests; setup, teardown, handleSummary
//! and per-VU login; environment values and secrets; and generated names that
//! never hide what the script uses.

use demo_shop::RecordedRequest;
use k6dsl::prelude::*;
use k6dsl_suite::tools;

use super::{assert_passed, header, once, paths, run_against};
use crate::shop;

#[test]
fn extracted_values_reach_later_requests() {
    let shop = shop();
    let flow = Flow::new("correlate").steps(|f| {
        let login = f.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", Value::text("user7")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200)),
        );
        let token = login.json("token");
        let user_id = login.json("user.id").named("userId");
        let me = f.group("Account", |g| {
            g.request(
                Request::get("/users/me")
                    .name("me")
                    .bearer(&token)
                    .check(Check::status(200)),
            )
        });
        let name = me.json("name");
        let content_type = me.header("content-type");
        let between = me.between("\"username\":\"", "\"");
        let digits = me.regex("\"id\":(\\d+)", 1);
        f.request(
            Request::post(text!["/echo/", user_id, "/", digits])
                .name("echo")
                .header("X-Name", &name)
                .header("X-Type", &content_type)
                .json_object([("between", between), ("token", token.clone())])
                .check(Check::status(200)),
        );
    });
    let run = run_against(&once(&flow, 1), &shop, &[("SHOP_PASSWORD", "demo-pass")]);
    assert_passed(&run, "correlation");
    let seen = shop.requests();
    let echo = seen.iter().find(|r| r.path.starts_with("/echo/")).unwrap();
    assert_eq!(echo.path, "/echo/7/7");
    assert_eq!(header(echo, "x-type"), Some(&b"application/json"[..]));
    assert!(header(echo, "x-name").is_some_and(|v| !v.is_empty()));
    let body: serde_json::Value = serde_json::from_slice(&echo.body).unwrap();
    assert_eq!(body["between"], "user7");
    let me = seen.iter().find(|r| r.path == "/users/me").unwrap();
    let bearer = format!("Bearer {}", body["token"].as_str().unwrap());
    assert_eq!(header(me, "authorization"), Some(bearer.as_bytes()));
}

#[test]
fn setup_teardown_summary_and_per_vu_login() {
    let shop = shop();
    let setup = Setup::new(|s| {
        let login = s.request(
            Request::post("/auth/login")
                .name("setup_login")
                .json_object([
                    ("username", Value::env("SHOP_USER", "user1")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200)),
        );
        let token = login.json("token");
        s.share("token", token);
    });
    let shared = setup.get("token");
    let flow = Flow::new("shopper").steps(|f| {
        let own = f.once_per_vu(|once| {
            let login = once.request(
                Request::post("/auth/login")
                    .name("vu_login")
                    .json_object([
                        ("username", text!["user", Value::vu()]),
                        ("password", Value::secret("SHOP_PASSWORD")),
                    ])
                    .check(Check::status(200)),
            );
            login.json("token")
        });
        f.request(
            Request::get("/users/me")
                .name("me_shared")
                .bearer(&shared)
                .check(Check::status(200)),
        );
        f.request(
            Request::get("/cart")
                .name("cart_own")
                .bearer(&own)
                .check(Check::status(200)),
        );
    });
    let teardown = Teardown::new(|t| {
        t.request(
            Request::delete("/cart")
                .name("cleanup")
                .bearer(&shared)
                .check(Check::status(200)),
        );
    });
    let script = Script::new()
        .scenario(
            Scenario::new(
                "shoppers",
                PerVuIterations::new().vus(nz!(3)).iterations(nz!(4)),
            )
            .exec(&flow),
        )
        .setup(setup)
        .teardown(teardown)
        .summary_json("results/summary.json")
        .threshold(CHECKS.rate().eq(1));
    let js = script.to_javascript().unwrap();
    // k6 does not create the folder handleSummary writes into: the project has it.
    let files = [k6dsl::File::new("results/.gitkeep", "")];
    let run = tools::k6_run(
        &js,
        &files,
        &[
            ("BASE_URL", &shop.base_url()),
            ("SHOP_PASSWORD", "demo-pass"),
            ("SHOP_USER", "user42"),
        ],
    );
    assert_passed(&run, "lifecycle");
    let seen = shop.requests();
    let logins: Vec<&RecordedRequest> = seen.iter().filter(|r| r.path == "/auth/login").collect();
    assert_eq!(logins.len(), 1 + 3, "one setup login, then one per VU");
    let first: serde_json::Value = serde_json::from_slice(&logins[0].body).unwrap();
    assert_eq!(first["username"], "user42");
    assert_eq!(seen.iter().filter(|r| r.path == "/cart").count(), 12 + 1);
    assert_eq!(seen.last().map(|r| r.method.as_str()), Some("DELETE"));
    let summary = std::fs::read_to_string(run.dir.path().join("results/summary.json"))
        .expect("handleSummary wrote the JSON summary");
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert!(summary["metrics"]["checks"].is_object());
    assert!(run
        .stdout
        .contains("full summary: results/summary.json, if its folder exists"));
}
#[test]
fn environment_values_have_defaults_and_secrets_stay_out_of_the_script() {
    let shop = shop();
    let flow = Flow::new("env").steps(|f| {
        f.request(
            Request::get(text![
                "/echo/",
                Value::env("REGION", "eu"),
                "/",
                Value::iteration()
            ])
            .name("region")
            .header("X-Token", Value::secret("API_TOKEN"))
            .header("X-Vu", text![Value::vu()]),
        );
    });
    let script = once(&flow, 2);
    let js = script.to_javascript().unwrap();
    assert!(
        js.contains(r#"const REGION = __ENV.REGION || "eu";"#),
        "{js}"
    );
    assert!(js.contains("__ENV.API_TOKEN"), "{js}");
    let run1 = run_against(&script, &shop, &[("API_TOKEN", "t0ken")]);
    assert_passed(&run1, "env defaults");
    let run2 = run_against(&script, &shop, &[("API_TOKEN", "t0ken"), ("REGION", "us")]);
    assert_passed(&run2, "env override");
    let seen = shop.requests();
    assert_eq!(
        paths(&seen),
        [
            "GET /echo/eu/0",
            "GET /echo/eu/1",
            "GET /echo/us/0",
            "GET /echo/us/1"
        ]
    );
    assert_eq!(header(&seen[0], "x-token"), Some(&b"t0ken"[..]));
    assert_eq!(header(&seen[0], "x-vu"), Some(&b"1"[..]));
}
/// Custom metrics named like what the script uses (`JSON`, `__ENV`) get variable
/// names that hide nothing: the JSON body is still stringified, and `__ENV` still
/// reads the environment.
#[test]
fn metric_names_never_hide_what_the_script_uses() {
    let shop = shop();
    let json = Counter::new("JSON");
    let env = Counter::new("__ENV");
    let flow = Flow::new("shadows").steps(|f| {
        f.request(
            Request::post("/echo/json")
                .name("json")
                .json(&serde_json::json!({ "a": 1 }))
                .header("X-Region", Value::env("REGION", "eu"))
                .check(Check::json_equals("method", "POST")),
        );
        f.add(&json, 1.0);
        f.add(&env, 1.0);
    });
    let script = once(&flow, 1);
    let run = run_against(&script, &shop, &[("REGION", "us")]);
    assert_passed(&run, "shadows");
    let seen = shop.requests();
    assert_eq!(seen[0].body, br#"{"a":1}"#);
    assert_eq!(header(&seen[0], "x-region"), Some(&b"us"[..]));
    assert_eq!(run.metric("JSON").unwrap()["count"], 1);
}

/// A value named like the once-per-VU flag (`vuReady`) gets a name of its own: a
/// `const vuReady` in the function would hide the flag and throw when the block
/// checks it.
#[test]
fn extracted_values_never_hide_the_once_per_vu_flag() {
    let shop = shop();
    let flow = Flow::new("ready").steps(|f| {
        f.once_per_vu(|once| {
            once.request(
                Request::get("/health")
                    .name("warm_up")
                    .check(Check::status(200)),
            );
        });
        let echo = f.request(
            Request::post("/echo/ready")
                .name("ready")
                .json(&serde_json::json!({ "ok": 1 }))
                .check(Check::status(200)),
        );
        let ready = echo.json("method").named("vuReady");
        f.request(
            Request::get(text!["/echo/after/", ready])
                .name("after")
                .check(Check::status(200)),
        );
    });
    let script = once(&flow, 2);
    let js = script.to_javascript().unwrap();
    assert!(js.contains("const vuReady2 = "), "{js}");
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, &js);
    let paths = paths(&shop.requests());
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.ends_with("/echo/after/POST"))
            .count(),
        2,
        "{paths:?}"
    );
}
