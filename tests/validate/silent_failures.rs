//! Nothing fails silently: each mistake that used to give a script k6 runs without
//! complaint (sending `undefined`, running no request, a threshold that never sees
//! a sample, a metric sample k6 drops) is either an error at generation, with its
//! place and what exists instead, or a loud guard in the generated script. Each
//! test shows what the user sees: the exact message, and for the run-time guard
//! what real k6 prints and exits with.

use std::path::Path;

use demo_shop::DemoShop;
use k6dsl::plan::{Format, Plan};
use k6dsl::prelude::*;
use k6dsl_suite::tools::{self, Run};

/// Starts a shop without artificial latency.
fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

/// The problems k6dsl reports for a model, as the user reads them.
fn problems<L>(script: &Script<L>) -> Vec<String> {
    match script.to_javascript() {
        Ok(js) => panic!("k6dsl accepts a model it should reject:\n{js}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// The same model written as a JSON plan and read back: its problems as
/// `k6dsl gen plan.json` prints them, each at its line, column and field path.
fn plan_problems<L>(script: &Script<L>) -> Vec<String> {
    let text = Plan::from(script).to_json();
    let error = Plan::load(&text, Format::Json).expect_err("the plan is rejected");
    let printed = error.in_file("plan.json").to_string();
    printed.lines().map(str::to_owned).collect()
}

// ---------------------------------------------------------------------------------
// a. A secret not set at run time stops the test in init code.
// ---------------------------------------------------------------------------------

/// One VU, one iteration of a flow sending the secret `SHOP_TOKEN` in a header.
fn secret_script() -> Script<k6dsl::load::HasShortcut> {
    let flow = Flow::new("send").steps(|f| {
        f.request(
            Request::get("/echo/secret")
                .name("secret")
                .header("X-Token", Value::secret("SHOP_TOKEN"))
                .check(Check::status(200)),
        );
    });
    Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(1)))
        .default_flow(&flow)
        .threshold(CHECKS.rate().eq(1))
}

const MISSING_SECRET: &str = "SHOP_TOKEN is not set: run k6 with -e SHOP_TOKEN=...";

/// Without the secret k6 stops before any request, saying which and how to pass
/// it; with it the request carries it.
#[track_caller]
fn judge_secret_runs(shop: &DemoShop, what: &str, run: impl Fn(&[(&str, &str)]) -> Run) {
    let base = shop.base_url();
    let missing = run(&[("BASE_URL", &base)]);
    assert_eq!(
        missing.exit_code, 107,
        "{what}: k6 should stop in init code (exit 107, a script exception)\nstdout:\n{}\nstderr:\n{}",
        missing.stdout, missing.stderr
    );
    assert!(
        missing.stderr.contains(MISSING_SECRET),
        "{what}: stderr should name the secret:\n{}",
        missing.stderr
    );
    let empty = run(&[("BASE_URL", &base), ("SHOP_TOKEN", "")]);
    assert_eq!(
        empty.exit_code, 107,
        "{what}: an empty secret is missing too"
    );
    assert!(
        shop.requests().is_empty(),
        "{what}: no request may leave without the secret"
    );
    let set = run(&[("BASE_URL", &base), ("SHOP_TOKEN", "t0ken")]);
    assert_eq!(
        set.exit_code, 0,
        "{what}: with the secret k6 runs\nstderr:\n{}",
        set.stderr
    );
    let seen = shop.requests();
    assert_eq!(seen.len(), 1, "{what}");
    let token = seen[0]
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-token"))
        .map(|(_, value)| value.as_slice());
    assert_eq!(token, Some(&b"t0ken"[..]), "{what}");
    shop.clear_requests();
}

#[test]
fn a_missing_secret_stops_the_test_in_init_code() {
    let script = secret_script();
    let js = script.to_javascript().unwrap();
    assert!(
        js.contains(
            "if (__VU !== 0 && !__ENV.SHOP_TOKEN) {\n  throw new Error(\"SHOP_TOKEN is not set: run k6 with -e SHOP_TOKEN=...\");\n}"
        ),
        "{js}"
    );
    tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier would reformat: {e}"));
    // k6 inspect reads the options as VU 0, without the secret.
    tools::inspect(&js).unwrap_or_else(|e| panic!("k6 inspect needs no secret: {e}"));
    let shop = shop();
    judge_secret_runs(&shop, "JavaScript", |env| tools::k6_run(&js, &[], env));

    let ts = script.to_typescript().unwrap();
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc rejects: {e}\n{ts}"));
    judge_secret_runs(&shop, "TypeScript", |env| tools::k6_run_ts(&ts, &[], env));

    let files = script.to_project().unwrap();
    let root = tempfile::Builder::new()
        .prefix("k6dsl-project-")
        .tempdir()
        .unwrap();
    for k6dsl::File { path, contents } in &files {
        let target = root.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, contents).unwrap();
        let text = String::from_utf8_lossy(contents);
        assert!(!text.contains("t0ken"), "{path} holds the secret");
    }
    judge_secret_runs(&shop, "project", |env| {
        tools::k6_run_in(root.path(), Path::new("scripts/main.js"), env, &[])
    });
}

// ---------------------------------------------------------------------------------
// b. A scenario without exec in a script with flows but no default flow.
// ---------------------------------------------------------------------------------

#[test]
fn a_scenario_without_exec_names_the_flows_it_could_run() {
    let browse = Flow::new("browse").steps(|f| {
        f.request(Request::get("/products").name("products"));
    });
    let script = Script::new()
        .scenario(Scenario::new("browsing", SharedIterations::new()).exec(&browse))
        .scenario(Scenario::new(
            "forgotten",
            ConstantVus::new().vus(nz!(1)).duration(secs(5)),
        ));
    let message = "scenario `forgotten`: exec: the scenario runs no flow (k6 would run an empty default function and send no request): set its exec to one of the script's flows (browse; `.exec(&flow)` in Rust), or set a default flow";
    assert_eq!(problems(&script), [message]);
    assert_eq!(
        plan_problems(&script),
        [format!(
            "plan.json:12:9: options.execution.scenarios[1]: {message}"
        )]
    );
    // With a default flow, a scenario without exec runs it.
    let script = script.default_flow(&browse);
    script.to_javascript().unwrap();
}

// ---------------------------------------------------------------------------------
// c. A threshold on a tag key no sample carries.
// ---------------------------------------------------------------------------------

#[test]
fn a_threshold_tag_key_no_sample_carries_is_an_error_with_a_suggestion() {
    let shop = Flow::new("shop").steps(|f| {
        f.request(
            Request::get("/products")
                .name("products")
                .tag("team", "web"),
        );
    });
    let script = Script::new()
        .scenario(
            Scenario::new("browse", SharedIterations::new())
                .exec(&shop)
                .tag("tier", "gold"),
        )
        // Fine: a system tag, k6dsl's request tags, custom ones of a request and
        // a scenario.
        .threshold(HTTP_REQ_DURATION.tag("status", "200").p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "products").p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.tag("team", "web").p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.tag("tier", "gold").p(95).lt(500))
        // Typos, and a system tag k6 attaches only when systemTags lists it.
        .threshold(HTTP_REQ_DURATION.tag("endpiont", "products").p(95).lt(500))
        .threshold(HTTP_REQS.tag("tem", "web").count().lt(10))
        .threshold(HTTP_REQS.tag("vu", "1").count().lt(10));
    let expected = [
        "threshold `http_req_duration{endpiont:products}`: tag selector: no request, scenario or k6 system tag is called `endpiont` (did you mean `endpoint`?), so this threshold could never see a sample (the tags: name, endpoint, team, tier)",
        "threshold `http_reqs{tem:web}`: tag selector: no request, scenario or k6 system tag is called `tem` (did you mean `team`?), so this threshold could never see a sample (the tags: name, endpoint, team, tier)",
        "threshold `http_reqs{vu:1}`: tag selector: k6 does not attach the system tag `vu` here (systemTags: proto, subproto, status, method, url, name, group, check, error, error_code, tls_version, scenario, service, expected_response), so this threshold could never see a sample: add it to systemTags",
    ];
    assert_eq!(problems(&script), expected);
    let placed = plan_problems(&script);
    assert_eq!(placed.len(), 3, "{placed:#?}");
    for (line, message) in placed.iter().zip(expected) {
        assert!(line.ends_with(message), "{line}");
    }
    assert!(
        placed[0].contains(": options.thresholds[4].selector: "),
        "{}",
        placed[0]
    );
    // Listed in systemTags, `vu` is attached.
    let script = script.options(GeneralOptions::default().system_tags([
        k6dsl::options::SystemTag::Vu,
        k6dsl::options::SystemTag::Status,
    ]));
    assert_eq!(problems(&script).len(), 2);
}

// ---------------------------------------------------------------------------------
// d. A value k6 cannot record in a metric.
// ---------------------------------------------------------------------------------

#[test]
fn an_extracted_value_added_to_a_metric_is_converted_or_refused() {
    let size = Gauge::new("cart_size");
    let price = Trend::new("price");
    let users = DataSet::csv_rows("users", ["username", "age"], [["ann", "31"]]);
    let raw = Flow::new("raw").steps(|f| {
        let cart = f.request(Request::get("/products/1").name("product"));
        let row = f.row(&users, RowSelection::PerVu);
        f.add(&size, cart.json("stock"));
        f.add(&price, cart.header("Content-Length"));
        f.add(&price, row.field("age"));
    });
    let script = Script::new()
        .default_flow(&raw)
        .metric(&size)
        .metric(&price);
    let expected = [
        "flow `raw`, adding to metric `cart_size`: value: a Gauge records numbers, and the extracted value `stock` is not known to be one (k6 would drop it with \"invalid value for metric\"): convert it with .as_number()",
        "flow `raw`, adding to metric `price`: value: a Trend records numbers, and the extracted value `contentLength` is not known to be one (k6 would drop it with \"invalid value for metric\"): convert it with .as_number()",
        "flow `raw`, adding to metric `price`: value: a Trend records numbers, and field `age` of a row of `users` is not known to be one (k6 would drop it with \"invalid value for metric\"): convert it with .as_number()",
    ];
    assert_eq!(problems(&script), expected);
    let placed = plan_problems(&script);
    assert_eq!(placed.len(), 3, "{placed:#?}");
    for (line, message) in placed.iter().zip(expected) {
        assert!(line.ends_with(message), "{line}");
        assert!(line.contains(".add_to_metric"), "{line}");
    }

    // Converted, the values reach the metric (the echoed header is the JSON
    // string "17"); numbers and booleans need nothing.
    let ok = Rate::new("ok");
    let converted = Flow::new("converted").steps(|f| {
        let echo = f.request(
            Request::get("/echo/count")
                .name("echo")
                .header("X-Count", "17"),
        );
        let product = f.request(Request::get("/products/1").name("product"));
        f.add(&size, echo.json("headers.x-count").as_number());
        f.add(&price, product.json("id").as_number());
        f.add(&ok, product.json("id"));
        f.add(&ok, true);
    });
    let script = Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(1)))
        .default_flow(&converted)
        .metric(&size)
        .metric(&price)
        .metric(&ok);
    let js = script.to_javascript().unwrap();
    assert!(
        js.contains("const xCount = echoRes.json(\"headers.x-count\");")
            && js.contains("cartSize.add(Number(xCount));"),
        "{js}"
    );
    let shop = shop();
    let base = shop.base_url();
    let run = tools::k6_run(&js, &[], &[("BASE_URL", &base)]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("invalid value"),
        "k6 warned:\n{}",
        run.stderr
    );
    assert_eq!(run.metric("cart_size").unwrap()["value"], 17.0);
    assert_eq!(run.metric("price").unwrap()["max"], 1.0);
    assert_eq!(run.metric("ok").unwrap()["value"], 1.0);

    let ts = script.to_typescript().unwrap();
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc rejects: {e}\n{ts}"));
    let run = tools::k6_run_ts(&ts, &[], &[("BASE_URL", &base)]);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("invalid value"), "{}", run.stderr);
    assert_eq!(run.metric("cart_size").unwrap()["value"], 17.0);
}

// ---------------------------------------------------------------------------------
// e. A row field that is not a column of its data set.
// ---------------------------------------------------------------------------------

#[test]
fn a_row_field_that_is_no_column_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "\"username\",password\r\nann,pw\r\n").unwrap();
    let json = dir.path().join("products.json");
    std::fs::write(&json, r#"[{"id": 1, "sku": "a"}, {"id": 2, "price": 3}]"#).unwrap();
    let sets = [
        DataSet::json_rows(
            "users",
            &[serde_json::json!({ "username": "ann", "password": "pw" })],
        ),
        DataSet::csv_rows("logins", ["username", "password"], [["ann", "pw"]]),
        DataSet::csv_file("people", csv.to_str().unwrap()),
        DataSet::json_file("products", json.to_str().unwrap()),
    ];
    let flow = Flow::new("login").steps(|f| {
        for (i, set) in sets.iter().enumerate() {
            let row = f.row(set, RowSelection::PerVu);
            let field = if i == 3 { "prise" } else { "usernme" };
            f.request(
                Request::post("/auth/login")
                    .name(format!("login{i}"))
                    .json_object([("username", row.field(field))]),
            );
        }
    });
    let script = Script::new().default_flow(&flow);
    let expected = [
        "flow `login`, request `login0`: value: the rows of `users` have no field `usernme` (did you mean `username`?) (their fields: username, password)",
        "flow `login`, request `login1`: value: the rows of `logins` have no field `usernme` (did you mean `username`?) (their fields: username, password)",
        "flow `login`, request `login2`: value: the rows of `people` have no field `usernme` (did you mean `username`?) (their fields: username, password)",
        "flow `login`, request `login3`: value: the rows of `products` have no field `prise` (did you mean `price`?) (their fields: id, sku, price)",
    ];
    assert_eq!(problems(&script), expected);
    let placed = plan_problems(&script);
    assert_eq!(placed.len(), 4, "{placed:#?}");
    for (i, (line, message)) in placed.iter().zip(expected).enumerate() {
        assert!(line.ends_with(message), "{line}");
        assert!(
            line.contains(&format!(": default_flow.body[{}].request: ", 2 * i + 1)),
            "{line}"
        );
    }
}

// ---------------------------------------------------------------------------------
// f. Header values with control characters, and tlsAuth text that is not PEM.
// ---------------------------------------------------------------------------------

#[test]
fn control_characters_in_headers_and_non_pem_tls_auth_are_errors() {
    use k6dsl::options::{GeneralOptions, Pem, TlsAuth};
    let flow = Flow::new("headers").steps(|f| {
        f.request(
            Request::get("/a")
                .name("literal")
                .header("X-Escape", "colour \u{1b}[31m"),
        );
        f.request(
            Request::get("/b")
                .name("split")
                .header("X-Split", text!["id-", Value::vu(), "\r\nX-Injected: 1"]),
        );
        f.request(
            Request::get("/c")
                .name("env")
                .header("X-Region", Value::env("REGION", "eu\u{7f}")),
        );
        f.request(Request::get("/d").name("tab").header("X-Tab", "a\tb"));
    });
    let scratch = tempfile::tempdir().unwrap();
    let der_key = scratch.path().join("client.der");
    std::fs::write(&der_key, [0x30, 0x82, 0x01, 0x0a]).unwrap();
    let script = Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(1)))
        .default_flow(&flow)
        .options(GeneralOptions::default().tls_auth(TlsAuth {
            domains: vec!["example.com".into()],
            cert: Pem::Inline("MIIBszCCAVmgAwIBAgIU".into()),
            key: Pem::File(der_key.display().to_string()),
            password_env: None,
        }));
    let key_path = der_key.display().to_string();
    assert_eq!(
        problems(&script),
        [
            "option `tlsAuth`: tlsAuth: entry 0: cert text is not a PEM certificate: k6 needs \
             `-----BEGIN CERTIFICATE-----` ... `-----END CERTIFICATE-----` (convert DER with \
             `openssl x509 -inform der` or `openssl pkey -inform der`)"
                .to_owned(),
            format!(
                "option `tlsAuth`: tlsAuth: entry 0: key file `{key_path}` is not a PEM private \
                 key: k6 needs `-----BEGIN PRIVATE KEY-----` ... `-----END PRIVATE KEY-----` \
                 (convert DER with `openssl x509 -inform der` or `openssl pkey -inform der`)"
            ),
            "flow `headers`, request `literal`: header: the value of `X-Escape` contains the \
             control character U+001B, which HTTP forbids in a header (k6 would fail the \
             request): remove it"
                .to_owned(),
            "flow `headers`, request `split`: header: the value of `X-Split` contains a line \
             break, which HTTP forbids in a header (k6 would fail the request): remove it"
                .to_owned(),
            "flow `headers`, request `env`: header: the value of `X-Region` contains the \
             control character U+007F, which HTTP forbids in a header (k6 would fail the \
             request): remove it"
                .to_owned(),
        ]
    );
}
