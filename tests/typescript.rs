//! TypeScript output: the single-file script and the project tree as `.ts`, typed
//! against `@types/k6`. Every script here passes `tsc --noEmit --strict`, `prettier
//! --check` and `k6 inspect --execution-requirements`, gives k6 the same options as
//! its JavaScript twin, and the checkout smoke test and a script using every
//! feature run under `k6 run` (k6 transpiles `.ts` itself) against the demo shop
//! with every check passing.

use std::path::{Path, PathBuf};

use demo_shop::DemoShop;
use k6dsl::options::{
    Dns, DnsPolicy, DnsSelect, ExecutionSegment, Fraction, HostAddress, HttpDebug, Pem,
    SummaryTimeUnit, SystemTag, TlsAuth, TlsCipherSuite, TlsVersion, TrendStat,
};
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, tools};

fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

fn example_output(args: &[&str]) -> String {
    tools::example_stdout("checkout", args)
}

/// tsc, prettier and k6 inspect on a single-file TypeScript script; returns the
/// options k6 read.
fn check_single(name: &str, ts: &str) -> serde_json::Value {
    check_single_with(name, ts, &[])
}

/// [`check_single`] for a script with data files beside it.
fn check_single_with(name: &str, ts: &str, files: &[k6dsl::File]) -> serde_json::Value {
    tools::tsc_check(ts).unwrap_or_else(|e| panic!("{name}: tsc rejects the script: {e}\n{ts}"));
    tools::prettier_check_ts(ts)
        .unwrap_or_else(|e| panic!("{name}: prettier would reformat the script: {e}\n{ts}"));
    if files.is_empty() {
        return tools::inspect_ts(ts)
            .unwrap_or_else(|e| panic!("{name}: k6 rejects the script: {e}\n{ts}"));
    }
    inspect_beside("script.ts", ts, files)
        .unwrap_or_else(|e| panic!("{name}: k6 rejects the script: {e}\n{ts}"))
}

/// `k6 inspect --execution-requirements` on a script written with its data files.
fn inspect_beside(
    file_name: &str,
    source: &str,
    files: &[k6dsl::File],
) -> Result<serde_json::Value, tools::ToolError> {
    let mut all = files.to_vec();
    all.push(k6dsl::File::new(file_name, source));
    let dir = write(&all);
    tools::inspect_in(dir.path(), Path::new(file_name), &[])
}

/// Writes the files into a fresh temporary project directory.
fn write(files: &[k6dsl::File]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("k6dsl-ts-project-")
        .tempdir()
        .unwrap();
    for k6dsl::File { path, contents } in files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, contents).unwrap();
    }
    dir
}

/// tsc (with the project's own tsconfig.json) and prettier on a project tree.
fn check_project(root: &Path, files: &[k6dsl::File]) {
    assert!(
        files
            .iter()
            .all(|k6dsl::File { path, .. }| !path.ends_with(".js")),
        "a TypeScript project has no .js modules"
    );
    tools::tsc_check_files(root).unwrap_or_else(|e| panic!("tsc rejects the project: {e}"));
    let modules: Vec<PathBuf> = files
        .iter()
        .filter(|k6dsl::File { path, .. }| path.ends_with(".ts"))
        .map(|k6dsl::File { path, .. }| root.join(path))
        .collect();
    let modules: Vec<&Path> = modules.iter().map(PathBuf::as_path).collect();
    tools::prettier_check_files(root, &modules)
        .unwrap_or_else(|e| panic!("prettier would reformat: {e}"));
}

fn assert_all_checks_passed(run: &tools::Run, at_least: u64) {
    assert_eq!(
        run.exit_code, 0,
        "k6 failed:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let checks = run.metric("checks").expect("checks ran");
    assert_eq!(checks["fails"], 0, "{checks}\n{}", run.stderr);
    assert!(checks["passes"].as_u64().unwrap() >= at_least, "{checks}");
}

#[test]
fn every_checkout_profile_is_typed_formatted_and_valid() {
    for profile in Profile::ALL {
        let ts = example_output(&["--ts", "--profile", profile.name()]);
        assert_eq!(
            ts,
            checkout::script(profile).to_typescript().unwrap(),
            "{profile}: `--ts` prints to_typescript()"
        );
        let options = check_single(profile.name(), &ts);
        let js = checkout::script(profile).to_javascript().unwrap();
        assert_eq!(
            options,
            tools::inspect(&js).unwrap(),
            "{profile}: k6 reads the same options from the TypeScript as from the JavaScript"
        );
    }
}

#[test]
fn the_typescript_checkout_smoke_test_passes_against_the_demo_shop() {
    let shop = shop();
    let ts = checkout::script(Profile::Smoke).to_typescript().unwrap();
    check_single("smoke", &ts);
    assert!(
        ts.contains("interface SetupData {\n  token: JSONValue;\n}"),
        "{ts}"
    );
    assert!(ts.contains("let userToken: JSONValue | undefined;"), "{ts}");
    assert!(
        ts.contains("export function browse(data: SetupData) {"),
        "{ts}"
    );
    assert!(ts.contains("cartSize.add(Number(itemCount));"), "{ts}");
    let files = [k6dsl::File::new("results/.gitkeep", "")];
    let run = tools::k6_run_ts(
        &ts,
        &files,
        &[
            ("BASE_URL", &shop.base_url()),
            ("SHOP_PASSWORD", demo_shop::PASSWORD),
        ],
    );
    assert_all_checks_passed(&run, 10);
    for key in [
        "http_req_duration{endpoint:login}",
        "group_duration{group:::Checkout}",
        "checkout_duration",
        "checkout_success",
        "cart_size",
    ] {
        assert!(run.metric(key).is_some(), "k6 reported no `{key}`");
    }
    assert!(
        run.dir.path().join("results/summary.json").is_file(),
        "handleSummary wrote the JSON summary"
    );
    assert!(run.stdout.contains("checks: "), "{}", run.stdout);
}

#[test]
fn the_typescript_checkout_project_runs_from_its_root_and_from_elsewhere() {
    let files = checkout::script(Profile::Smoke).to_project_ts().unwrap();
    let paths: Vec<&str> = files
        .iter()
        .map(|k6dsl::File { path, .. }| path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "README.md",
            "results/.gitkeep",
            "scripts/lib/auth.ts",
            "scripts/lib/checks.ts",
            "scripts/lib/config.ts",
            "scripts/lib/metrics.ts",
            "scripts/lib/utils.ts",
            "scripts/main.ts",
            "scripts/scenarios/browse.ts",
            "scripts/scenarios/purchase.ts",
            "tsconfig.json",
        ]
    );
    let project = write(&files);
    let root = project.path();
    check_project(root, &files);
    let main = &files
        .iter()
        .find(|k6dsl::File { path: p, .. }| p == "scripts/main.ts")
        .unwrap()
        .contents;
    assert!(
        main.contains(r#"export { browse } from "./scenarios/browse.ts";"#),
        "{main}"
    );
    let readme = &files[0].contents;
    for text in [
        "k6 run -e SHOP_PASSWORD=... -e SMOKE=true scripts/main.ts",
        "npm install --save-dev typescript @types/k6",
        "npx tsc",
    ] {
        assert!(
            readme.contains(text),
            "the README lacks `{text}`:\n{readme}"
        );
    }

    // The same options as the JavaScript project, with and without SMOKE.
    let js_files = checkout::script(Profile::Smoke).to_project().unwrap();
    let js_project = write(&js_files);
    for env in [&[][..], &[("SMOKE", "true")][..]] {
        let options = tools::inspect_in(root, Path::new("scripts/main.ts"), env)
            .unwrap_or_else(|e| panic!("k6 rejects the project: {e}"));
        let expected =
            tools::inspect_in(js_project.path(), Path::new("scripts/main.js"), env).unwrap();
        assert_eq!(options, expected, "{env:?}");
    }

    let shop = shop();
    let base = shop.base_url();
    let env = [
        ("BASE_URL", base.as_str()),
        ("SHOP_PASSWORD", demo_shop::PASSWORD),
    ];
    let run = tools::k6_run_in(root, Path::new("scripts/main.ts"), &env, &[]);
    assert_all_checks_passed(&run, 10);
    let summary = root.join("results/summary.json");
    assert!(
        summary.is_file(),
        "handleSummary wrote results/summary.json"
    );
    std::fs::remove_file(&summary).unwrap();

    let elsewhere = tempfile::tempdir().unwrap();
    let run = tools::k6_run_in(elsewhere.path(), &root.join("scripts/main.ts"), &env, &[]);
    assert_all_checks_passed(&run, 10);
    assert!(
        summary.is_file(),
        "the summary lands in the project's results/"
    );
}

#[test]
fn the_example_writes_the_typescript_project() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("k6");
    let output = tools::run_example(
        "checkout",
        [
            "--ts".as_ref(),
            "--profile".as_ref(),
            "smoke".as_ref(),
            "--project".as_ref(),
            target.as_os_str(),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = checkout::script(Profile::Smoke).to_project_ts().unwrap();
    for k6dsl::File { path, contents } in &files {
        let written = std::fs::read_to_string(target.join(path))
            .unwrap_or_else(|e| panic!("{path} was not written: {e}"));
        assert_eq!(&written, contents, "{path}");
    }
    assert!(!target.join("scripts/main.js").exists());
}

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

/// Every executor and every general option, typed against `@types/k6`'s `Options`
/// (extended where it lacks what k6 reads).
#[test]
fn every_executor_and_option_is_typed() {
    let flow = Flow::new("work");
    // Scenarios without exec run the default flow.
    let executors = Script::new()
        .default_flow(&flow)
        .scenario(
            Scenario::new(
                "shared",
                SharedIterations::new()
                    .vus(nz!(4))
                    .iterations(nz!(40))
                    .max_duration(mins(1)),
            )
            .exec(&flow)
            .start_time(secs(5))
            .graceful_stop(secs(5))
            .env("MODE", "shared")
            .tag("kind", "shared"),
        )
        .scenario(
            Scenario::new(
                "per_vu",
                PerVuIterations::new().vus(nz!(2)).iterations(nz!(3)),
            )
            .exec(&flow),
        )
        .scenario(Scenario::new(
            "constant",
            ConstantVus::new().vus(nz!(3)).duration(secs(20)),
        ))
        .scenario(Scenario::new(
            "ramping",
            RampingVus::new()
                .start_vus(1)
                .stage(secs(10), 5)
                .stage(secs(10), 0)
                .graceful_ramp_down(secs(0)),
        ))
        .scenario(Scenario::new(
            "car",
            ConstantArrivalRate::new()
                .rate(nz!(3))
                .time_unit(secs(2))
                .duration(secs(30))
                .pre_allocated_vus(2)
                .max_vus(6),
        ))
        .scenario(Scenario::new(
            "rar",
            RampingArrivalRate::new()
                .start_rate(1)
                .time_unit(mins(1))
                .stage(secs(15), 60)
                .stage(secs(15), 0)
                .pre_allocated_vus(3),
        ))
        .scenario(Scenario::new(
            "external",
            ExternallyControlled::new()
                .vus(1)
                .max_vus(4)
                .duration(mins(1)),
        ))
        .threshold(HTTP_REQ_DURATION.p(95).lt(500))
        .threshold(
            HTTP_REQ_FAILED
                .rate()
                .lt(0.01)
                .abort_on_fail()
                .delay_abort_eval(secs(10)),
        );
    let ts = executors.to_typescript().unwrap();
    assert!(ts.contains("export const options: Options = {"), "{ts}");
    assert_eq!(
        check_single("every executor", &ts),
        tools::inspect(&executors.to_javascript().unwrap()).unwrap()
    );
    let project = executors.to_project_ts().unwrap();
    let dir = write(&project);
    check_project(dir.path(), &project);

    let mut ext = serde_json::Map::new();
    ext.insert("loadimpact".into(), serde_json::json!({ "name": "x" }));
    let everything = GeneralOptions::default()
        .paused(false)
        .execution_segment(ExecutionSegment {
            from: Fraction::new(0, 1),
            to: Fraction::new(1, 2),
        })
        .no_setup(true)
        .no_teardown(true)
        .setup_timeout(secs(30))
        .teardown_timeout(secs(30))
        .rps(100)
        .dns(
            Dns::default()
                .ttl_for(mins(5))
                .select(DnsSelect::Random)
                .policy(DnsPolicy::OnlyIpv4),
        )
        .max_redirects(3)
        .user_agent("k6dsl \"agent\"")
        .batch(10)
        .batch_per_host(5)
        .http_debug(HttpDebug::Full)
        .insecure_skip_tls_verify(true)
        .throw(true)
        .no_connection_reuse(false)
        .no_vu_connection_reuse(false)
        .min_iteration_duration(millis(100))
        .summary_time_unit(SummaryTimeUnit::Milliseconds)
        .metric_samples_buffer_size(1000)
        .no_cookies_reset(true)
        .discard_response_bodies(true)
        .ext(ext.clone())
        .cloud(ext)
        .tls_versions(TlsVersion::Tls1_2, TlsVersion::Tls1_3)
        .tls_cipher_suites(TlsCipherSuite::ALL.iter().copied())
        .tls_auth(TlsAuth {
            domains: vec!["example.com".into()],
            cert: Pem::Inline(include_str!("fixtures/test-client-cert.pem").into()),
            key: Pem::Inline(include_str!("fixtures/test-client-key.pem").into()),
            password_env: Some("KEY_PASSWORD".into()),
        })
        .blacklist_ip("10.0.0.0/8".parse().unwrap())
        .block_hostname("*.internal")
        .host(
            "shop.local",
            HostAddress::with_port("127.0.0.1".parse().unwrap(), 3300),
        )
        .summary_trend_stats([TrendStat::Avg, TrendStat::Percentile(95.0)])
        .system_tags([SystemTag::Status, SystemTag::Url])
        .tag("team", "checkout");
    let options = Script::new()
        .shortcut(Shortcut::stages(0, [(secs(10), 5), (secs(10), 0)]))
        .options(everything);
    let ts = options.to_typescript().unwrap();
    assert!(ts.contains("export const options: TestOptions = {"), "{ts}");
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc rejects the options: {e}\n{ts}"));
    tools::prettier_check_ts(&ts).unwrap_or_else(|e| panic!("prettier: {e}\n{ts}"));
    let project = options.to_project_ts().unwrap();
    let dir = write(&project);
    check_project(dir.path(), &project);
}

/// Keys users choose (JSON row fields, setup's shared keys) become interface
/// members and property accesses: hostile ones stay quoted data, and the values
/// behind them reach the server.
#[test]
fn hostile_keys_are_typed_and_read_back() {
    let keys = [
        "it's \"quoted\"",
        "`${x}`",
        "line\u{2028}sep",
        "__proto__",
        "constructor",
        "1",
        "01",
        "größe",
        "a-b",
    ];
    let row: serde_json::Map<String, serde_json::Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| ((*k).to_owned(), serde_json::json!(format!("v{i}"))))
        .collect();
    let rows = DataSet::json_rows("hostile", &[serde_json::Value::Object(row)]);
    let setup = Setup::new(|s| {
        for (i, key) in keys.iter().enumerate() {
            s.share(*key, Value::text(format!("s{i}")));
        }
    });
    let values: Vec<Value> = keys.iter().map(|k| setup.get(*k)).collect();
    let flow = Flow::new("hostile").steps(|f| {
        let row = f.row(&rows, RowSelection::PerIteration);
        let mut request = Request::get("/echo/hostile")
            .name("hostile")
            .check(Check::status(200));
        for (i, key) in keys.iter().enumerate() {
            request = request
                .header(format!("X-Row-{i}"), row.field(*key))
                .header(format!("X-Setup-{i}"), &values[i]);
        }
        f.request(request);
    });
    let script = Script::new()
        .scenario(Scenario::new("hostile", SharedIterations::new()).exec(&flow))
        .setup(setup)
        .data(&rows)
        .threshold(CHECKS.rate().eq(1));
    let ts = script.to_typescript().unwrap();
    let data = script.data_files().unwrap();
    check_single_with("hostile keys", &ts, &data);
    let project = script.to_project_ts().unwrap();
    let dir = write(&project);
    check_project(dir.path(), &project);

    let shop = shop();
    let run = tools::k6_run_ts(&ts, &data, &[("BASE_URL", &shop.base_url())]);
    assert_all_checks_passed(&run, 1);
    let seen = shop.requests();
    let request = seen.iter().find(|r| r.path == "/echo/hostile").unwrap();
    for i in 0..keys.len() {
        for (name, expected) in [
            (format!("x-row-{i}"), format!("v{i}")),
            (format!("x-setup-{i}"), format!("s{i}")),
        ] {
            let value = request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
            assert_eq!(value.as_deref(), Some(expected.as_str()), "{name}\n{ts}");
        }
    }
}
