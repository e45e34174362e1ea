//! The macro front end makes the same model as the builders: the same inputs give
//! byte-identical JavaScript, which k6, node and prettier then accept. (The
//! checkout example pair is compared in `tests/run/checkout.rs`; compile errors are
//! pinned in `tests/ui/macro_*.rs`.)

use demo_shop::DemoShop;
use k6dsl::prelude::*;
use k6dsl_suite::tools;

#[test]
fn every_builtin_metric_name_resolves_to_its_constant() {
    // One rule per built-in, with a statistic its kind has: a name the macro did
    // not know would be taken for a variable and fail to compile.
    let thresholds = k6dsl::thresholds! {
        vus: value > 0,
        vus_max: value > 0,
        iterations: count > 0,
        dropped_iterations: count < 1,
        http_reqs: count > 0,
        data_sent: count > 0,
        data_received: count > 0,
        ws_sessions: count >= 0,
        ws_msgs_sent: count >= 0,
        ws_msgs_received: count >= 0,
        checks: rate > 0.9,
        http_req_failed: rate < 0.1,
        iteration_duration: avg < 1000,
        group_duration: max < 1000,
        http_req_duration: p(95) < 500,
        http_req_blocked: med < 10,
        http_req_connecting: min < 10,
        http_req_tls_handshaking: max < 10,
        http_req_sending: avg < 10,
        http_req_waiting: p(90) < 10,
        http_req_receiving: p(99.9) < 10,
        ws_ping: avg < 10,
        ws_session_duration: avg < 10,
        ws_connecting: avg < 10,
        grpc_req_duration: avg < 10,
    };
    let named: Vec<&str> = thresholds
        .iter()
        .map(|t| t.to_ir().metric.as_str())
        .collect();
    let all: Vec<&str> = k6dsl_facts::metric::BUILTIN_METRICS
        .iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(named, all, "the macro's built-ins are k6dsl's built-ins");
}

/// Every executor, scenario field and threshold form, written with macros.
fn load_by_macros(flow: &Flow) -> Script<k6dsl::load::HasScenarios> {
    let steady = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { vus: 3, duration: 1m30s },
        exec: flow,
        start_time: 10s,
        graceful_stop: 5s,
        tags: { kind: "steady", "team name": "shop" },
        env: { MODE: "steady" },
        thresholds: { http_req_duration: [p(95) < 300, max < 2000] },
    };
    Script::new()
        .scenarios(k6dsl::scenarios![
            { name: "shared", executor: shared_iterations { vus: 2, iterations: 10, max_duration: 30s }, exec: flow },
            { name: "per-vu", executor: per_vu_iterations { vus: 2, iterations: 3, max_duration: 1m }, exec: flow },
            {
                name: "ramp",
                executor: ramping_vus { start_vus: 1, stages: [30s => 10, 1m => 10, 500ms => 0], graceful_ramp_down: 10s },
                exec: flow,
            },
            {
                name: "rate",
                executor: constant_arrival_rate { rate: 5, time_unit: 2s, duration: 1m, pre_allocated_vus: 2, max_vus: 4 },
                exec: flow,
            },
            {
                name: "rising",
                executor: ramping_arrival_rate {
                    start_rate: 1,
                    time_unit: 1s,
                    stages: [1m => 10, 1.5s => 0],
                    pre_allocated_vus: 2,
                    max_vus: 6,
                },
                exec: flow,
            },
        ])
        .scenario(steady)
        .thresholds(k6dsl::thresholds! {
            http_req_failed: rate < 0.01 abort_on_fail,
            http_reqs{endpoint: "product"}: count > 0,
            group_duration{group: ["Shop", "Details"]}: p(99) <= 1000,
            checks: [rate > 0.99 abort_on_fail(delay: 1m), rate != 0],
            iteration_duration: avg >= 0,
            vus: value == 1,
        })
}

fn load_by_builders(flow: &Flow) -> Script<k6dsl::load::HasScenarios> {
    let steady = Scenario::new("steady", ConstantVus::new().vus(nz!(3)).duration(secs(90)))
        .exec(flow)
        .start_time(secs(10))
        .graceful_stop(secs(5))
        .tag("kind", "steady")
        .tag("team name", "shop")
        .env("MODE", "steady")
        .threshold(HTTP_REQ_DURATION.p(95).lt(300))
        .threshold(HTTP_REQ_DURATION.max().lt(2000));
    Script::new()
        .scenario(
            Scenario::new(
                "shared",
                SharedIterations::new()
                    .vus(nz!(2))
                    .iterations(nz!(10))
                    .max_duration(secs(30)),
            )
            .exec(flow),
        )
        .scenario(
            Scenario::new(
                "per-vu",
                PerVuIterations::new()
                    .vus(nz!(2))
                    .iterations(nz!(3))
                    .max_duration(mins(1)),
            )
            .exec(flow),
        )
        .scenario(
            Scenario::new(
                "ramp",
                RampingVus::new()
                    .start_vus(1)
                    .stage(secs(30), 10)
                    .stage(mins(1), 10)
                    .stage(millis(500), 0)
                    .graceful_ramp_down(secs(10)),
            )
            .exec(flow),
        )
        .scenario(
            Scenario::new(
                "rate",
                ConstantArrivalRate::new()
                    .rate(nz!(5))
                    .time_unit(secs(2))
                    .duration(mins(1))
                    .pre_allocated_vus(2)
                    .max_vus(4),
            )
            .exec(flow),
        )
        .scenario(
            Scenario::new(
                "rising",
                RampingArrivalRate::new()
                    .start_rate(1)
                    .time_unit(secs(1))
                    .stage(mins(1), 10)
                    .stage(millis(1500), 0)
                    .pre_allocated_vus(2)
                    .max_vus(6),
            )
            .exec(flow),
        )
        .scenario(steady)
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01).abort_on_fail())
        .threshold(HTTP_REQS.tag("endpoint", "product").count().gt(0))
        .threshold(GROUP_DURATION.for_group(["Shop", "Details"]).p(99).le(1000))
        .threshold(
            CHECKS
                .rate()
                .gt(0.99)
                .abort_on_fail()
                .delay_abort_eval(mins(1)),
        )
        .threshold(CHECKS.rate().ne(0))
        .threshold(ITERATION_DURATION.avg().ge(0))
        .threshold(VUS.value().eq(1))
}

#[test]
fn scenarios_and_thresholds_by_macros_equal_the_builders_and_k6_reads_them() {
    let flow = Flow::new("shop");
    let js = load_by_macros(&flow).to_javascript().unwrap();
    assert_eq!(js, load_by_builders(&flow).to_javascript().unwrap());
    tools::node_check(&js).unwrap_or_else(|e| panic!("node rejects the script: {e}"));
    tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier would reformat: {e}"));
    let options = tools::inspect(&js).unwrap_or_else(|e| panic!("k6 rejects the script: {e}"));
    assert_eq!(
        options["scenarios"]["ramp"]["stages"][2]["duration"],
        "500ms"
    );
    assert_eq!(options["scenarios"]["steady"]["duration"], "1m30s");
    assert_eq!(
        options["thresholds"]["http_req_duration{scenario:steady}"],
        serde_json::json!(["p(95)<300", "max<2000"])
    );
}

#[derive(serde::Serialize)]
struct Item {
    id: u32,
}

#[test]
fn flows_by_macros_equal_the_builders_for_every_step_field_and_check() {
    let ok = Rate::new("lookup_ok");
    let failures = Counter::new("lookup_failures");
    let timing = Trend::time("lookup_time");
    let size = Gauge::new("body_size");
    let items = DataSet::json_rows("items", &[Item { id: 1 }, Item { id: 2 }]);

    let by_macros = k6dsl::flow!(shop {
        pacing 2s;
        let token = once_per_vu {
            let login = post("/auth/login") {
                name: "login",
                json: { username: text!["user", Value::vu()], password: Value::secret("SHOP_PASSWORD") },
                check: status == 200 as "logged in",
            };
            login.json("token")
        };
        let item = row(items, per_iteration);
        let unique = row(items, unique);
        group "Shop" {
            group "Details" {
                let product = get("/products/", item.field("id")) {
                    name: "product",
                    headers: { "X-Trace": "abc", Accept: "application/json" },
                    bearer: token,
                    tags: { critical: "yes" },
                    timeout: 5s,
                    redirects: 2,
                    response_type: text,
                    cookies: { session: "s1" },
                    expect_statuses: [200, 304],
                    checks: [
                        status == 200,
                        status in [200, 304],
                        header("Content-Type") exists,
                        header("Content-Type") contains "json",
                        body contains "\"id\"",
                        body matches "\"price\":\\s*[0-9.]+",
                        json("id") exists,
                        json("id") == 1,
                        duration < 2s,
                        js("has a body", "r.body.length > 0"),
                    ],
                    record_checks: ok,
                    count_failures: failures,
                    log_failures: true,
                    record_duration: timing,
                };
                add(size, product.json("price").as_number());
            }
        }
        post("/echo/form") { name: "form", form: { user: "a b", id: unique.field("id") } }
        put("/echo/text") { name: "text", text: ("plain", "text/plain"), compression: gzip }
        patch("/echo/json") { name: "json", json: serde_json::json!({ "a": [1, 2] }) }
        delete("/echo/basic") { name: "basic", basic_auth: ("alice", Value::secret("PW")) }
        head("/echo/digest") { name: "digest", digest_auth: ("bob", Value::secret("PW")) }
        options("/echo/ntlm") { name: "ntlm", ntlm_auth: ("carol", Value::secret("PW")) }
        request("PURGE", "/echo/", Value::iteration()) { name: "purge", response_type: none }
        batch [
            get("/products/1") { name: "one" },
            get("/products/2") { name: "two", check: status == 200 },
        ];
        think 1s..3s;
        think 500ms;
        sleep 100ms;
    });

    let by_builders = Flow::new("shop")
        .steps(|f| {
            let token = f.once_per_vu(|once| {
                let login = once.request(
                    Request::post("/auth/login")
                        .name("login")
                        .json_object([
                            ("username", text!["user", Value::vu()]),
                            ("password", Value::secret("SHOP_PASSWORD")),
                        ])
                        .check(Check::status(200).named("logged in")),
                );
                login.json("token")
            });
            let item = f.row(&items, RowSelection::PerIteration);
            let unique = f.row(&items, RowSelection::Unique);
            f.group("Shop", |g| {
                g.group("Details", |d| {
                    let product = d.request(
                        Request::get(text!["/products/", item.field("id")])
                            .name("product")
                            .header("X-Trace", "abc")
                            .header("Accept", "application/json")
                            .bearer(&token)
                            .tag("critical", "yes")
                            .timeout(secs(5))
                            .redirects(2)
                            .response_type(ResponseType::Text)
                            .cookie("session", "s1")
                            .expect_statuses([200, 304])
                            .check(Check::status(200))
                            .check(Check::status_in([200, 304]))
                            .check(Check::header_present("Content-Type"))
                            .check(Check::header_contains("Content-Type", "json"))
                            .check(Check::body_contains("\"id\""))
                            .check(Check::body_matches("\"price\":\\s*[0-9.]+"))
                            .check(Check::json_exists("id"))
                            .check(Check::json_equals("id", 1))
                            .check(Check::duration_below(secs(2)))
                            .check(Check::raw_js("has a body", "r.body.length > 0"))
                            .record_checks(&ok)
                            .count_failures(&failures)
                            .log_failures()
                            .record_duration(&timing),
                    );
                    d.add(&size, product.json("price").as_number());
                });
            });
            f.request(
                Request::post("/echo/form")
                    .name("form")
                    .form([("user", Value::from("a b")), ("id", unique.field("id"))]),
            );
            f.request(
                Request::put("/echo/text")
                    .name("text")
                    .text_body("plain", "text/plain")
                    .compression(Compression::Gzip),
            );
            f.request(
                Request::patch("/echo/json")
                    .name("json")
                    .json(&serde_json::json!({ "a": [1, 2] })),
            );
            f.request(
                Request::delete("/echo/basic")
                    .name("basic")
                    .basic_auth("alice", Value::secret("PW")),
            );
            f.request(
                Request::head("/echo/digest")
                    .name("digest")
                    .digest_auth("bob", Value::secret("PW")),
            );
            f.request(
                Request::options("/echo/ntlm")
                    .name("ntlm")
                    .ntlm_auth("carol", Value::secret("PW")),
            );
            f.request(
                Request::method("PURGE", text!["/echo/", Value::iteration()])
                    .name("purge")
                    .response_type(ResponseType::None),
            );
            f.batch([
                Request::get("/products/1").name("one"),
                Request::get("/products/2")
                    .name("two")
                    .check(Check::status(200)),
            ]);
            f.think(ThinkTime::between(secs(1), secs(3)));
            f.think(ThinkTime::fixed(millis(500)));
            f.sleep(millis(100));
        })
        .pacing(secs(2));

    assert_eq!(by_macros, by_builders, "one model from both front ends");
    let script = |flow: &Flow| {
        Script::new()
            .data(&items)
            .scenario(Scenario::new("shop", SharedIterations::new()).exec(flow))
            .threshold(CHECKS.rate().eq(1))
    };
    let js = script(&by_macros).to_javascript().unwrap();
    assert_eq!(js, script(&by_builders).to_javascript().unwrap());
    tools::node_check(&js).unwrap_or_else(|e| panic!("node rejects the script: {e}\n{js}"));
    tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier would reformat: {e}\n{js}"));

    // And k6 runs it against the demo shop, every check passing.
    let shop = DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1");
    let base = shop.base_url();
    let run = tools::k6_run(
        &js,
        &script(&by_macros).data_files().unwrap(),
        &[
            ("BASE_URL", &base),
            ("SHOP_PASSWORD", demo_shop::PASSWORD),
            ("PW", "pw"),
        ],
    );
    assert_eq!(
        run.exit_code, 0,
        "k6 failed:\n{}\n{}\n{js}",
        run.stdout, run.stderr
    );
    let paths: Vec<String> = shop
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    for expected in [
        "POST /echo/form",
        "PUT /echo/text",
        "PURGE /echo/0",
        "GET /products/2",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "no `{expected}` in {paths:?}"
        );
    }
}

#[test]
fn negative_and_fractional_bounds_read_as_the_builders_write_them() {
    let temperature = Gauge::new("temperature");
    let by_macros = k6dsl::thresholds! { temperature: [value > -1.5, value < 40] };
    let gauge = temperature;
    let by_builders = [gauge.value().gt(-1.5), gauge.value().lt(40)];
    assert_eq!(by_macros, by_builders);
}
