//! One script using every kind of VU code, as one TypeScript file and as a project:
//! it typechecks, k6 reads the same options as from its JavaScript, and it runs
//! against the demo shop, whose record shows the values arrived.

use std::path::Path;

use demo_shop::DemoShop;
use k6dsl::options::{Dns, GeneralOptions, SummaryTimeUnit};
use k6dsl::prelude::*;
use k6dsl_suite::tools;

use super::{assert_all_checks_passed, check_project, check_single_with, inspect_beside, write};
use crate::shop;

#[derive(serde::Serialize)]
struct Item {
    id: u32,
    quantity: u32,
}

/// A test using every kind of VU code: each request method and body kind, auth,
/// params, every check (raw JavaScript too), nested groups, every extraction and
/// correlation, JSON and CSV data (rows given in Rust, one with fields some rows
/// lack), setup data, per-VU state with and without values, pacing, think time,
/// every metric kind, check outcomes, batch, teardown and handleSummary, plus
/// options `@types/k6` does not declare.
fn every_feature() -> Script<k6dsl::load::HasScenarios> {
    let lookup_time = Trend::time("lookup_time");
    let quantities = Trend::new("quantities");
    let failures = Counter::new("lookup_failures");
    let ok_rate = Rate::new("lookup_ok");
    let cart_items = Gauge::new("cart_items");
    let items = DataSet::json_rows(
        "items",
        &[
            Item { id: 1, quantity: 1 },
            Item { id: 2, quantity: 2 },
            Item { id: 3, quantity: 3 },
        ],
    );
    let mixed = DataSet::json_rows(
        "mixed rows",
        &[
            serde_json::json!({ "id": 1, "tag": "first", "extra": { "x": 1 }, "Odd key": true }),
            serde_json::json!({ "id": "2", "extra": { "x": 2 }, "Odd key": false }),
        ],
    );
    let codes = DataSet::csv_rows(
        "codes",
        ["code", "label"],
        [["a,1", "quoted \"x\""], ["b", "plain"]],
    );

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
        s.share("token", login.json("token"));
        s.share("region", Value::env("REGION", "eu"));
        s.share("userId", login.json("user.id"));
    });
    let shared_token = setup.get("token");
    let region = setup.get("region");
    let setup_user = setup.get("userId");

    let shop = Flow::new("shop")
        .steps(|f| {
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
                login.json("token").named("userToken")
            });
            f.once_per_vu(|once| {
                once.request(
                    Request::get("/health")
                        .name("warm_up")
                        .check(Check::status(200)),
                );
            });
            let vu_item = f.once_per_vu(|once| once.row(&items, RowSelection::PerVu));
            let item = f.row(&items, RowSelection::PerIteration);
            let code = f.row(&codes, RowSelection::Unique);
            let odd = f.row(&mixed, RowSelection::PerVu);
            let random = f.row(&items, RowSelection::Random);
            let (name, between, digits, product_type) = f.group("Catalogue", |g| {
                let product = g.group("Details", |d| {
                    d.request(
                        Request::get(text!["/products/", item.field("id")])
                            .name("product")
                            .check(Check::status(200))
                            .check(Check::status_in([200, 204]))
                            .check(Check::header_present("content-type"))
                            .check(Check::header_contains("Content-Type", "json"))
                            .check(Check::body_contains("\"id\":"))
                            .check(Check::body_matches("\"price\":\\s*[0-9.]+"))
                            .check(Check::json_exists("name"))
                            .check(Check::duration_below(secs(2)))
                            .check(Check::raw_js(
                                "raw body length",
                                "String(r.body).length > 10",
                            ))
                            .record_checks(&ok_rate)
                            .count_failures(&failures)
                            .log_failures()
                            .record_duration(&lookup_time),
                    )
                });
                g.request(
                    Request::get(text!["/products/", random.field("id")])
                        .name("random_product")
                        .check(Check::json_exists("id")),
                );
                (
                    product.json("name"),
                    product.between("\"name\":\"", "\""),
                    product.regex("\"id\":(\\d+)", 1),
                    product.header("content-type").named("productType"),
                )
            });
            let me = f.request(
                Request::get("/users/me")
                    .name("me")
                    .bearer(&own)
                    .check(Check::status(200)),
            );
            let content_type = me.header("content-type");
            f.request(
                Request::post(text!["/echo/", region.clone(), "/", digits.clone()])
                    .name("echo")
                    .header("X-Name", &name)
                    .header("X-Between", &between)
                    .header("X-Type", &content_type)
                    .header("X-Product-Type", &product_type)
                    .header("X-Vu-Item", vu_item.field("id"))
                    .header("X-Code", code.field("code"))
                    .header("X-Tag", odd.field("tag"))
                    .header("X-Odd", odd.field("Odd key"))
                    .header("X-Vu", Value::vu())
                    .header("X-Iter", Value::iteration())
                    .header("X-Scenario", Value::scenario_name())
                    .header("X-Setup-User", &setup_user)
                    .cookie("session", &own)
                    .tag("critical", "true")
                    .timeout(secs(5))
                    .json_object([
                        ("token", own.clone()),
                        ("label", code.field("label")),
                        ("extra", odd.field("extra").field("x")),
                        ("quantity", item.field("quantity")),
                    ])
                    .check(Check::status(200))
                    .check(Check::json_equals("method", "POST")),
            );
            let cart = f.request(
                Request::post("/cart/items")
                    .name("add_to_cart")
                    .bearer(&own)
                    .json(&serde_json::json!({ "product_id": 7, "quantity": 1 }))
                    .check(Check::status(201)),
            );
            f.add(&cart_items, cart.json("items.#").as_number());
            f.add(&quantities, item.field("quantity"));
            f.add(&failures, 0);
            f.add(&ok_rate, true);
            f.request(
                Request::put("/echo/form")
                    .name("form")
                    .form([("user", Value::text("a b")), ("name", name.clone())])
                    .cookie("region", region.clone())
                    .check(Check::status(200)),
            );
            f.request(
                Request::patch("/echo/text")
                    .name("text")
                    .text_body(text!["name=", name.clone()], "text/plain")
                    .check(Check::status(200)),
            );
            f.request(
                Request::patch("/echo/raw")
                    .name("raw_text")
                    .text_body(between.clone(), "text/plain")
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
            let responses = f.batch([
                Request::get("/products/1")
                    .name("batch_one")
                    .check(Check::status(200)),
                Request::get("/products/2")
                    .name("batch_two")
                    .check(Check::status(200)),
            ]);
            let batch_id = responses[1].json("id").named("batchId");
            f.request(
                Request::get(text!["/echo/batch/", batch_id])
                    .name("after_batch")
                    .check(Check::status(200)),
            );
            f.request(
                Request::get(text!["/basic-auth/alice/", Value::secret("BASIC_PASSWORD")])
                    .name("basic")
                    .basic_auth("alice", Value::secret("BASIC_PASSWORD"))
                    .check(Check::status(200)),
            );
            f.request(
                Request::get(text![
                    "/digest-auth/alice/",
                    Value::secret("BASIC_PASSWORD")
                ])
                .name("digest")
                .digest_auth("alice", Value::secret("BASIC_PASSWORD"))
                .check(Check::status(200)),
            );
            f.request(
                Request::get(text!["/ntlm-auth/bob/", Value::secret("BASIC_PASSWORD")])
                    .name("ntlm")
                    .ntlm_auth("bob", Value::secret("BASIC_PASSWORD"))
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
            f.request(
                Request::get("/users/me")
                    .name("me_shared")
                    .bearer(&shared_token)
                    .check(Check::status(200)),
            );
            f.think(ThinkTime::between(millis(10), millis(20)));
            f.think(ThinkTime::between(secs(0), secs(1)));
            f.sleep(millis(10));
        })
        .pacing(millis(300));
    let ping = Flow::new("default").steps(|f| {
        f.request(
            Request::get("/health")
                .name("ping")
                .check(Check::status(200)),
        );
    });
    let teardown = Teardown::new(|t| {
        t.request(
            Request::delete("/cart")
                .name("cleanup")
                .bearer(&shared_token)
                .check(Check::status(200)),
        );
    });
    Script::new()
        .scenario(
            Scenario::new(
                "shoppers",
                PerVuIterations::new().vus(nz!(2)).iterations(nz!(2)),
            )
            .exec(&shop),
        )
        .scenario(Scenario::new(
            "ping",
            SharedIterations::new().vus(nz!(1)).iterations(nz!(1)),
        ))
        .default_flow(&ping)
        .setup(setup)
        .teardown(teardown)
        .data(&items)
        .data(&mixed)
        .data(&codes)
        .metric(&cart_items)
        .metric(&quantities)
        .summary_json("results/summary.json")
        .threshold(CHECKS.rate().eq(1))
        .threshold(ok_rate.rate().gt(0.5))
        .threshold(lookup_time.max().lt(5000))
        .threshold(HTTP_REQS.tag("critical", "true").count().ge(1))
        .options(
            GeneralOptions::default()
                .summary_time_unit(SummaryTimeUnit::Milliseconds)
                .dns(Dns::default().ttl_for(mins(1)))
                .no_cookies_reset(false),
        )
}

const PASSWORD: &str = "s3cret";

fn every_feature_env(shop: &DemoShop) -> Vec<(&'static str, String)> {
    vec![
        ("BASE_URL", shop.base_url()),
        ("SHOP_PASSWORD", demo_shop::PASSWORD.to_owned()),
        ("BASIC_PASSWORD", PASSWORD.to_owned()),
    ]
}

/// What the server saw of the generated code's conversions: headers carry text,
/// form and JSON bodies the values themselves.
fn assert_values_reached_the_server(shop: &DemoShop) {
    let seen = shop.requests();
    let header = |r: &demo_shop::RecordedRequest, name: &str| -> String {
        r.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_else(|| panic!("no {name} header in {r:?}"))
    };
    let echoes: Vec<_> = seen
        .iter()
        .filter(|r| r.path.starts_with("/echo/eu/"))
        .collect();
    assert_eq!(echoes.len(), 4, "two VUs, two iterations each");
    for echo in &echoes {
        let vu = header(echo, "x-vu");
        let odd = header(echo, "x-odd");
        let tag = header(echo, "x-tag");
        // PerVu rows: VU n has row (n - 1) % 2; the second row has no tag.
        let vu: u32 = vu.parse().unwrap();
        let expected = if vu % 2 == 1 {
            ("true", "first")
        } else {
            ("false", "undefined")
        };
        assert_eq!((odd.as_str(), tag.as_str()), expected, "VU {vu}");
        assert_eq!(header(echo, "x-type"), "application/json");
        assert_eq!(header(echo, "x-product-type"), "application/json");
        assert_eq!(header(echo, "x-vu-item"), ((vu - 1) % 3 + 1).to_string());
        assert_eq!(header(echo, "x-scenario"), "shoppers");
        assert!(!header(echo, "x-name").is_empty());
        assert_eq!(header(echo, "x-name"), header(echo, "x-between"));
        let user: u32 = header(echo, "x-setup-user").parse().unwrap();
        assert_eq!(user, 1, "setup logged in as user1");
        let body: serde_json::Value = serde_json::from_slice(&echo.body).unwrap();
        assert!(body["token"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(body["extra"].is_number(), "{body}");
        assert!(body["quantity"].is_number(), "{body}");
    }
    let form = seen.iter().find(|r| r.path == "/echo/form").unwrap();
    assert!(
        String::from_utf8_lossy(&form.body).contains("name="),
        "{form:?}"
    );
    assert_eq!(seen.last().unwrap().path, "/cart", "teardown ran last");
}

#[test]
fn every_feature_in_one_typescript_file_typechecks_and_runs() {
    let script = every_feature();
    let ts = script.to_typescript().unwrap();
    let data = script.data_files().unwrap();
    let options = check_single_with("every feature", &ts, &data);
    assert_eq!(
        options,
        inspect_beside("script.js", &script.to_javascript().unwrap(), &data).unwrap(),
        "k6 reads the same options from the TypeScript as from the JavaScript"
    );
    for declaration in [
        "interface TestOptions extends Omit<Options, \"dns\"> {",
        "interface ItemsRow {\n  id: number;\n  quantity: number;\n}",
        "interface MixedRowsRow {\n  id: JSONValue;\n  tag?: string;\n  extra: JSONValue;\n  \"Odd key\": boolean;\n}",
        "interface SetupData {\n  token: JSONValue;\n  region: string;\n  userId: JSONValue;\n}",
        "let userToken: JSONValue | undefined;",
        "export function shop(data: SetupData) {",
        "export function teardown(data: SetupData) {",
        "export function handleSummary(data: SummaryData) {",
        "function (): ItemsRow[] {",
    ] {
        assert!(ts.contains(declaration), "no `{declaration}` in:\n{ts}");
    }
    let words = ts.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    assert!(!words.clone().any(|w| w == "any"), "no `any` in:\n{ts}");

    let shop = shop();
    let env = every_feature_env(&shop);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut files = script.data_files().unwrap();
    files.push(k6dsl::File::new("results/.gitkeep", ""));
    let run = tools::k6_run_ts(&ts, &files, &env);
    assert_all_checks_passed(&run, 40);
    assert!(run.metric("http_reqs{critical:true}").is_some());
    assert!(run.dir.path().join("results/summary.json").is_file());
    assert_values_reached_the_server(&shop);
}

#[test]
fn every_feature_as_a_typescript_project_typechecks_and_runs() {
    let script = every_feature();
    let files = script.to_project_ts().unwrap();
    let paths: Vec<&str> = files
        .iter()
        .map(|k6dsl::File { path, .. }| path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "README.md",
            "data/codes.csv",
            "data/items.json",
            "data/mixed rows.json",
            "results/.gitkeep",
            "scripts/lib/auth.ts",
            "scripts/lib/checks.ts",
            "scripts/lib/config.ts",
            "scripts/lib/data.ts",
            "scripts/lib/metrics.ts",
            "scripts/lib/utils.ts",
            "scripts/main.ts",
            "scripts/scenarios/default.ts",
            "scripts/scenarios/shop.ts",
            "tsconfig.json",
        ]
    );
    let project = write(&files);
    let root = project.path();
    check_project(root, &files);
    let js_project = write(&script.to_project().unwrap());
    assert_eq!(
        tools::inspect_in(root, Path::new("scripts/main.ts"), &[]).unwrap(),
        tools::inspect_in(js_project.path(), Path::new("scripts/main.js"), &[]).unwrap(),
    );

    let shop = shop();
    let env = every_feature_env(&shop);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let elsewhere = tempfile::tempdir().unwrap();
    let run = tools::k6_run_in(elsewhere.path(), &root.join("scripts/main.ts"), &env, &[]);
    assert_all_checks_passed(&run, 40);
    assert!(root.join("results/summary.json").is_file());
    assert_values_reached_the_server(&shop);
}
