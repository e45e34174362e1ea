//! VU code under real k6: each pattern of scenario code (requests, checks, groups,
//! think time, correlation, lifecycle, data, environment) is generated, run with
//! `k6 run` against the demo shop started on 127.0.0.1 by the test, and judged by
//! what k6 reported and what the server received.

use demo_shop::{DemoShop, RecordedRequest};
use k6dsl::prelude::*;
use k6dsl_suite::tools::{self, Run};

/// Starts a shop without artificial latency.
fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

/// One VU, `iterations` iterations of the default flow; every check must pass.
fn once(flow: &Flow, iterations: u64) -> Script<k6dsl::load::HasShortcut> {
    Script::new()
        .shortcut(Shortcut::iterations(nz!(1), iterations.try_into().unwrap()))
        .default_flow(flow)
        .threshold(CHECKS.rate().eq(1))
}

/// Generates, checks with node, runs with k6 against `shop`, and returns the run.
fn run_against<L>(script: &Script<L>, shop: &DemoShop, env: &[(&str, &str)]) -> Run {
    let js = script
        .to_javascript()
        .unwrap_or_else(|e| panic!("the model is valid: {e}"));
    tools::node_check(&js).unwrap_or_else(|e| panic!("node rejects the script: {e}\n{js}"));
    tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier would reformat: {e}\n{js}"));
    let mut env = env.to_vec();
    let base = shop.base_url();
    env.push(("BASE_URL", &base));
    tools::k6_run(&js, &script.data_files().unwrap(), &env)
}

fn assert_passed(run: &Run, js_hint: &str) {
    assert_eq!(
        run.exit_code, 0,
        "{js_hint}: k6 failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

fn paths(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn header<'r>(request: &'r RecordedRequest, name: &str) -> Option<&'r [u8]> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

#[test]
fn every_method_and_body_kind_reaches_the_server() {
    let shop = shop();
    let flow = Flow::new("methods").steps(|f| {
        f.request(
            Request::get("/echo/get")
                .name("get")
                .check(Check::status(200)),
        );
        f.request(
            Request::post("/echo/json")
                .name("json")
                .json(&serde_json::json!({ "b": [1, 2.5, null], "a": "x" }))
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
        f.request(
            Request::delete("/echo/del")
                .name("del")
                .check(Check::status(200)),
        );
        f.request(
            Request::head("/echo/head")
                .name("head")
                .check(Check::status(200)),
        );
        f.request(
            Request::options("/echo/options")
                .name("options")
                .check(Check::status(200)),
        );
        f.request(
            Request::method("PURGE", "/echo/purge")
                .name("purge")
                .check(Check::status(200)),
        );
        f.batch([
            Request::get("/products/1")
                .name("batch_one")
                .check(Check::status(200)),
            Request::get("/products/2")
                .name("batch_two")
                .check(Check::status(200)),
        ]);
    });
    let run = run_against(&once(&flow, 1), &shop, &[]);
    assert_passed(&run, "methods");
    let seen = shop.requests();
    let mut got = paths(&seen);
    // The batch's two requests run in parallel: their order is not fixed.
    got[8..].sort();
    assert_eq!(
        got,
        [
            "GET /echo/get",
            "POST /echo/json",
            "PUT /echo/form",
            "PATCH /echo/text",
            "DELETE /echo/del",
            "HEAD /echo/head",
            "OPTIONS /echo/options",
            "PURGE /echo/purge",
            "GET /products/1",
            "GET /products/2",
        ]
    );
    assert_eq!(seen[1].body, br#"{"b":[1,2.5,null],"a":"x"}"#);
    assert_eq!(
        header(&seen[1], "content-type"),
        Some(&b"application/json"[..])
    );
    // k6 encodes form fields as Go does: sorted by name.
    assert_eq!(seen[2].body, b"pass=%C3%BC%26%3D&user=a+b");
    assert_eq!(seen[3].body, b"plain text");
    assert_eq!(header(&seen[3], "content-type"), Some(&b"text/plain"[..]));
    assert_eq!(run.check("status is 200").0, 9);
}

#[test]
fn params_headers_tags_cookies_auth_redirects() {
    let shop = shop();
    let flow = Flow::new("params").steps(|f| {
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
                .basic_auth("alice", Value::secret("BASIC_PASSWORD"))
                .check(Check::status(200)),
        );
        f.request(
            Request::get("/redirect/3")
                .name("follow")
                .redirects(5)
                .check(Check::status(200)),
        );
        f.request(
            Request::get("/redirect/3")
                .name("no_follow")
                .redirects(0)
                .check(Check::status(302)),
        );
        f.request(
            Request::get("/products")
                .name("discarded")
                .response_type(ResponseType::None)
                .check(Check::status(200)),
        );
        f.request(
            Request::post("/echo/gzip")
                .name("gzip")
                .json(&serde_json::json!({ "big": "x".repeat(100) }))
                .compression(Compression::Gzip)
                .check(Check::status(200)),
        );
    });
    let script = once(&flow, 1).threshold(HTTP_REQS.tag("critical", "true").count().eq(1));
    let js = script.to_javascript().unwrap();
    assert!(!js.contains("s3cret"), "secrets never reach the script");
    let run = run_against(&script, &shop, &[("BASIC_PASSWORD", "s3cret")]);
    assert_passed(&run, "params");
    let seen = shop.requests();
    assert_eq!(header(&seen[0], "x-custom"), Some(&b"one"[..]));
    assert_eq!(header(&seen[0], "cookie"), Some(&b"session=abc"[..]));
    assert!(run.metric("http_reqs{critical:true}").is_some());
    let gzip = seen.iter().find(|r| r.path == "/echo/gzip").unwrap();
    assert_eq!(header(gzip, "content-encoding"), Some(&b"gzip"[..]));
    assert_eq!(
        &gzip.body[..2],
        &[0x1f, 0x8b],
        "the body is gzip-compressed"
    );
}

#[test]
fn checks_pass_and_fail_as_their_predicates_say() {
    let shop = shop();
    let flow = Flow::new("checks").steps(|f| {
        f.request(
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
                .check(Check::duration_below(secs(2)))
                .check(Check::raw_js("raw body length", "r.body.length > 10")),
        );
        f.request(
            Request::get("/products/999999")
                .name("missing")
                .check(Check::status(200).named("missing is 200"))
                .check(Check::json_exists("name").named("missing has name"))
                .check(Check::json_equals("error", "product not found")),
        );
    });
    let script = Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(2)))
        .default_flow(&flow);
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, "checks");
    for name in [
        "status is 200",
        "status is one of 200, 204",
        "has header content-type",
        "Content-Type contains json",
        "body contains \"id\":1",
        "body matches \"price\":\\s*[0-9.]+",
        "body has name",
        "id is 1",
        "response time < 2s",
        "raw body length",
        "error is product not found",
    ] {
        assert_eq!(run.check(name), (2, 0), "check `{name}`");
    }
    assert_eq!(run.check("missing is 200"), (0, 2));
    assert_eq!(run.check("missing has name"), (0, 2));
}

#[test]
fn check_outcomes_feed_metrics_and_log_failures() {
    let shop = shop();
    let ok_rate = Rate::new("lookup_ok");
    let failures = Counter::new("lookup_failures");
    let timing = Trend::time("lookup_time");
    let flow = Flow::new("outcomes").steps(|f| {
        for (id, name) in [(1, "found"), (999_999, "lost")] {
            f.request(
                Request::get(format!("/products/{id}"))
                    .name(name)
                    .check(Check::status(200))
                    .record_checks(&ok_rate)
                    .count_failures(&failures)
                    .log_failures()
                    .record_duration(&timing),
            );
        }
    });
    let script = Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(3)))
        .default_flow(&flow)
        .threshold(ok_rate.rate().eq(0.5))
        .threshold(failures.count().eq(3))
        .threshold(timing.max().lt(5000));
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, "outcomes");
    assert!(
        run.stderr.contains("lost failed: status 404"),
        "the failure is logged: {}",
        run.stderr
    );
}

#[test]
fn nested_groups_have_paths_thresholds_select() {
    let shop = shop();
    let flow = Flow::new("shopping").steps(|f| {
        f.group("E2E Purchase", |g| {
            g.group("Browse", |b| {
                b.request(
                    Request::get("/products")
                        .name("products")
                        .check(Check::status(200)),
                );
            });
            g.group("Details", |d| {
                d.request(
                    Request::get("/products/3")
                        .name("product")
                        .check(Check::status(200)),
                );
            });
        });
    });
    let script = once(&flow, 2)
        .threshold(
            GROUP_DURATION
                .for_group(["E2E Purchase", "Browse"])
                .max()
                .lt(5000),
        )
        .threshold(
            HTTP_REQ_DURATION
                .for_group(["E2E Purchase", "Details"])
                .max()
                .lt(5000),
        );
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, "groups");
    let groups = &run.summary["root_group"]["groups"]["E2E Purchase"];
    assert_eq!(groups["path"], "::E2E Purchase");
    assert_eq!(groups["groups"]["Browse"]["path"], "::E2E Purchase::Browse");
    assert!(run
        .metric("group_duration{group:::E2E Purchase::Browse}")
        .is_some());
    assert!(run
        .metric("http_req_duration{group:::E2E Purchase::Details}")
        .is_some());
}

#[test]
fn think_time_and_pacing_shape_iterations() {
    let shop = shop();
    let paced = Flow::new("paced")
        .steps(|f| {
            f.request(
                Request::get("/health")
                    .name("health")
                    .check(Check::status(200)),
            );
            f.think(ThinkTime::between(millis(100), millis(200)));
            f.sleep(millis(100));
        })
        .pacing(millis(700));
    let script = once(&paced, 3)
        .threshold(ITERATION_DURATION.min().ge(690))
        .threshold(ITERATION_DURATION.max().lt(1500));
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, "pacing");

    let whole_seconds = Flow::new("thinking").steps(|f| {
        f.request(
            Request::get("/health")
                .name("health")
                .check(Check::status(200)),
        );
        f.think(ThinkTime::between(secs(1), secs(1)));
    });
    let script = once(&whole_seconds, 1).threshold(ITERATION_DURATION.min().ge(990));
    let js = script.to_javascript().unwrap();
    assert!(js.contains("sleep(randomIntBetween(1, 1));"), "{js}");
    assert!(!js.contains("https://"), "no remote imports: {js}");
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, "think time");
}

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

#[derive(serde::Serialize)]
struct Item {
    id: u32,
    quantity: u32,
}

#[test]
fn data_rows_are_picked_as_asked() {
    let shop = shop();
    let items = DataSet::json_rows(
        "items",
        &[
            Item { id: 1, quantity: 1 },
            Item { id: 2, quantity: 2 },
            Item { id: 3, quantity: 3 },
        ],
    );
    let codes = DataSet::csv_rows(
        "codes",
        ["code", "label"],
        [["a,1", "quoted \"x\""], ["b", "plain"]],
    );
    let flow = Flow::new("data").steps(|f| {
        let item = f.row(&items, RowSelection::PerIteration);
        f.request(
            Request::get(text!["/echo/item/", item.field("id")])
                .name("item")
                .check(Check::status(200)),
        );
        let unique = f.row(&items, RowSelection::Unique);
        f.request(Request::get(text!["/echo/unique/", unique.field("id")]).name("unique"));
        let random = f.row(&items, RowSelection::Random);
        f.request(Request::get(text!["/echo/random/", random.field("id")]).name("random"));
        let per_vu = f.row(&items, RowSelection::PerVu);
        f.request(Request::get(text!["/echo/vu/", per_vu.field("id")]).name("vu"));
        let code = f.row(&codes, RowSelection::PerIteration);
        f.request(
            Request::post("/echo/code")
                .name("code")
                .json_object([("code", code.field("code")), ("label", code.field("label"))]),
        );
    });
    let run = run_against(&once(&flow, 4), &shop, &[]);
    assert_passed(&run, "data");
    let seen = shop.requests();
    let with = |prefix: &str| -> Vec<String> {
        seen.iter()
            .filter_map(|r| r.path.strip_prefix(prefix).map(str::to_owned))
            .collect()
    };
    assert_eq!(with("/echo/item/"), ["1", "2", "3", "1"]);
    assert_eq!(with("/echo/unique/"), ["1", "2", "3", "1"]);
    assert_eq!(with("/echo/vu/"), ["1", "1", "1", "1"]);
    assert!(with("/echo/random/")
        .iter()
        .all(|id| ["1", "2", "3"].contains(&id.as_str())));
    let codes: Vec<serde_json::Value> = seen
        .iter()
        .filter(|r| r.path == "/echo/code")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(codes[0]["code"], "a,1");
    assert_eq!(codes[0]["label"], "quoted \"x\"");
    assert_eq!(codes[1]["code"], "b");
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

/// What a recorded request sent in `Authorization`, as text.
fn authorization(request: &RecordedRequest) -> Option<String> {
    header(request, "authorization").map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Standard base64, as NTLM over HTTP carries its messages.
fn base64_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {text}"),
        };
        bits = bits << 6 | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

#[test]
fn digest_and_ntlm_auth_authenticate_against_the_server() {
    // The characters URL userinfo reserves, a space, and a `%41` that would turn into
    // `A` if the generated code did not percent-encode the credentials.
    let password = "s3cr@t:p/w%41 !";
    let in_path = "s3cr%40t%3Ap%2Fw%2541%20%21";
    let shop = shop();
    let flow = Flow::new("auth").steps(|f| {
        for (scheme, user) in [("digest", "alice"), ("ntlm", "bob")] {
            for (name, secret, status) in [
                (scheme.to_owned(), "AUTH_PASSWORD", 200),
                (format!("{scheme}_wrong"), "WRONG_PASSWORD", 401),
            ] {
                let url = text![
                    format!("/{scheme}-auth/{user}/"),
                    Value::secret("PASSWORD_IN_PATH")
                ];
                let request = Request::get(url).name(name);
                let request = match scheme {
                    "digest" => request.digest_auth(user, Value::secret(secret)),
                    _ => request.ntlm_auth(user, Value::secret(secret)),
                };
                f.request(request.check(Check::status(status)));
            }
        }
    });
    let script = once(&flow, 1);
    let js = script.to_javascript().unwrap();
    assert!(js.contains(r#"auth: "digest""#), "{js}");
    assert!(js.contains(r#"auth: "ntlm""#), "{js}");
    assert!(!js.contains("s3cr"), "secrets never reach the script: {js}");
    let run = run_against(
        &script,
        &shop,
        &[
            ("AUTH_PASSWORD", password),
            ("WRONG_PASSWORD", "not-the-password"),
            ("PASSWORD_IN_PATH", in_path),
        ],
    );
    assert_passed(&run, "digest and NTLM auth");
    assert_eq!(run.check("status is 200"), (2, 0), "both schemes let k6 in");
    assert_eq!(
        run.check("status is 401"),
        (2, 0),
        "a wrong password is refused"
    );

    // k6 v1.1.0 also sends the first, unanswered digest request with the credentials
    // as `Authorization: Basic` (Go's client adds it from the URL userinfo before k6's
    // digest transport drops the userinfo): not asserted, it is k6's to change.
    let seen = shop.requests();
    let digest_path = format!("/digest-auth/alice/{in_path}");
    let digest: Vec<String> = seen
        .iter()
        .filter(|r| r.path == digest_path)
        .filter_map(authorization)
        .filter(|a| a.starts_with("Digest "))
        .collect();
    assert_eq!(digest.len(), 2, "one Digest answer per request: {digest:?}");
    for answer in &digest {
        assert!(answer.contains(r#"username="alice""#), "{answer}");
        assert!(
            answer.contains(&format!(r#"uri="{digest_path}""#)),
            "{answer}"
        );
        assert!(answer.contains("qop=auth"), "{answer}");
    }

    let ntlm_path = format!("/ntlm-auth/bob/{in_path}");
    let ntlm: Vec<Vec<u8>> = seen
        .iter()
        .filter(|r| r.path == ntlm_path)
        .filter_map(authorization)
        .filter_map(|a| a.strip_prefix("NTLM ").map(base64_decode))
        .collect();
    let types: Vec<u8> = ntlm.iter().map(|m| m[8]).collect();
    assert_eq!(types, [1, 3, 1, 3], "NEGOTIATE then AUTHENTICATE, twice");
    for authenticate in ntlm.iter().filter(|m| m[8] == 3) {
        assert_eq!(&authenticate[..8], b"NTLMSSP\0");
        let user_field = &authenticate[36..44];
        let len = usize::from(u16::from_le_bytes([user_field[0], user_field[1]]));
        let offset = u32::from_le_bytes(user_field[4..8].try_into().unwrap()) as usize;
        let user: Vec<u16> = authenticate[offset..offset + len]
            .chunks(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        assert_eq!(String::from_utf16(&user).unwrap(), "bob");
    }
}

/// Per request to `/echo/rows/...`: (VU, iteration, Unique id, PerVu id, PerIteration id).
fn row_picks(requests: &[RecordedRequest]) -> Vec<(u32, u32, u32, u32, u32)> {
    let number = |r: &RecordedRequest, name: &str| -> u32 {
        let value = header(r, name).unwrap_or_else(|| panic!("{name} missing: {r:?}"));
        std::str::from_utf8(value).unwrap().parse().unwrap()
    };
    requests
        .iter()
        .filter_map(|r| {
            let unique = r.path.strip_prefix("/echo/rows/")?.parse().unwrap();
            Some((
                number(r, "x-vu"),
                number(r, "x-iter"),
                unique,
                number(r, "x-per-vu"),
                number(r, "x-per-iteration"),
            ))
        })
        .collect()
}

#[test]
fn rows_are_unique_across_vus_and_fixed_per_vu() {
    const ROWS: u32 = 12;
    let shop = shop();
    let rows: Vec<Item> = (1..=ROWS).map(|id| Item { id, quantity: 1 }).collect();
    let items = DataSet::json_rows("items", &rows);
    let flow = Flow::new("rows").steps(|f| {
        let unique = f.row(&items, RowSelection::Unique);
        let per_vu = f.row(&items, RowSelection::PerVu);
        let per_iteration = f.row(&items, RowSelection::PerIteration);
        f.request(
            Request::get(text!["/echo/rows/", unique.field("id")])
                .name("rows")
                .header("X-Vu", text![Value::vu()])
                .header("X-Iter", text![Value::iteration()])
                .header("X-Per-Vu", text![per_vu.field("id")])
                .header("X-Per-Iteration", text![per_iteration.field("id")])
                .check(Check::status(200)),
        );
        // Long enough that every VU gets iterations of the shared pool.
        f.sleep(millis(50));
    });
    let vus = 3;
    let shared = Script::new()
        .scenario(
            Scenario::new(
                "shared",
                SharedIterations::new()
                    .vus(nz!(3))
                    .iterations(u64::from(ROWS).try_into().unwrap()),
            )
            .exec(&flow),
        )
        .threshold(CHECKS.rate().eq(1));
    let per_vu = Script::new()
        .scenario(
            Scenario::new(
                "per_vu",
                PerVuIterations::new().vus(nz!(3)).iterations(nz!(4)),
            )
            .exec(&flow),
        )
        .threshold(CHECKS.rate().eq(1));
    let js = shared.to_javascript().unwrap();
    assert!(
        js.contains("items[exec.scenario.iterationInTest % items.length]"),
        "{js}"
    );
    assert!(js.contains("items[(__VU - 1) % items.length]"), "{js}");
    assert!(js.contains("items[__ITER % items.length]"), "{js}");

    for (label, script) in [
        ("shared-iterations", &shared),
        ("per-vu-iterations", &per_vu),
    ] {
        let run = run_against(script, &shop, &[]);
        assert_passed(&run, label);
        let picks = row_picks(&shop.requests());
        shop.clear_requests();
        assert_eq!(picks.len(), ROWS as usize, "{label}: {picks:?}");
        // Unique: as many rows as iterations, so every iteration of every VU has its own.
        let mut unique: Vec<u32> = picks.iter().map(|p| p.2).collect();
        unique.sort_unstable();
        assert_eq!(unique, (1..=ROWS).collect::<Vec<_>>(), "{label}: {picks:?}");
        let mut seen_vus: Vec<u32> = picks.iter().map(|p| p.0).collect();
        seen_vus.sort_unstable();
        seen_vus.dedup();
        assert_eq!(
            seen_vus,
            (1..=vus).collect::<Vec<_>>(),
            "{label}: {picks:?}"
        );
        for vu in 1..=vus {
            let own: Vec<_> = picks.iter().filter(|p| p.0 == vu).collect();
            // PerVu: VU n always has row n - 1 (ids start at 1), so VUs differ.
            assert!(own.iter().all(|p| p.3 == vu), "{label}, VU {vu}: {own:?}");
            // PerIteration: each VU walks the rows from the first, by its own __ITER.
            let walked: Vec<(u32, u32)> = own.iter().map(|p| (p.1, p.4)).collect();
            let expected: Vec<(u32, u32)> = (0..own.len() as u32).map(|i| (i, i + 1)).collect();
            assert_eq!(walked, expected, "{label}, VU {vu}");
            if label == "per-vu-iterations" {
                assert_eq!(own.len(), 4, "{label}, VU {vu}: each VU runs 4 iterations");
            }
        }
    }
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
