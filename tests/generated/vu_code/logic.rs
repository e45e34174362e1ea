//! Run-time logic under k6: expected statuses, branches on a status, a value set in
//! both branches, loops over an extracted list and counted repeats, computed
//! values and an environment switch, in JavaScript and TypeScript, against the
//! demo shop. Every check passes and `http_req_failed` stays 0 although the
//! wishlist answers 404 until it is created.

use super::*;
use crate::shop;
use k6dsl::steps::Condition;

/// Two iterations of one VU: the first finds no wishlist (404) and creates it,
/// the second finds it; each adds to the cart and checks out twice, then fetches
/// every order it has.
fn logic_script() -> Script<k6dsl::load::HasShortcut> {
    let flow = Flow::new("logic").steps(|f| {
        let login = f.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", text!["user", Value::vu()]),
                    ("password", Value::from(demo_shop::PASSWORD)),
                ])
                .check(Check::status(200)),
        );
        let token = login.json("token").named("token");
        let found = f.request(
            Request::get("/wishlist")
                .name("wishlist")
                .bearer(&token)
                .expect_statuses([200, 404])
                .check(Check::status_in([200, 404])),
        );
        let wishlist = f.if_else(
            found.status().eq(404),
            |create| {
                create
                    .request(
                        Request::post("/wishlist")
                            .name("create wishlist")
                            .bearer(&token)
                            .check(Check::status(201)),
                    )
                    .json("id")
            },
            |_| found.json("id"),
        );
        let wishlist = wishlist.named("wishlistId");
        f.request(
            Request::post("/wishlist/items")
                .name("wish")
                .bearer(&token)
                .header("X-Wishlist", wishlist.as_string())
                .json_object([("product_id", Value::random_int(1, 5))])
                .check(Check::status(201)),
        );
        f.repeat(2, |round, _| {
            round.request(
                Request::post("/cart/items")
                    .name("add to cart")
                    .bearer(&token)
                    .header("X-Request-Id", Value::uuid())
                    .json_object([
                        ("product_id", Value::pick_one([1, 2, 3])),
                        ("quantity", Value::from(1) + 1),
                    ])
                    .check(Check::status(201)),
            );
            round.request(
                Request::post("/checkout")
                    .name("checkout")
                    .bearer(&token)
                    .check(Check::status(201)),
            );
        });
        let orders = f.request(
            Request::get("/orders")
                .name("orders")
                .bearer(&token)
                .check(Check::status(200)),
        );
        let started = f.compute("started", Value::now_millis());
        f.for_each(orders.json("orders"), 10, |each, order| {
            let got = each.request(
                Request::get(text!["/orders/", order.field("id")])
                    .name("order")
                    .bearer(&token)
                    .check(Check::status(200))
                    .check(Check::json_exists("total")),
            );
            // A branch on a check's result and on a computed number.
            each.when(!got.checks_passed().is_true(), |failed| {
                failed.request(Request::get("/status/500").name("never"));
            });
            each.when(
                (Value::now_millis() - &started)
                    .ge(0)
                    .and(order.field("total").gt(0)),
                |fine| {
                    fine.request(
                        Request::get("/health")
                            .name("health")
                            .check(Check::status(200)),
                    );
                },
            );
        });
        f.when(Condition::env_flag("EXTRA"), |extra| {
            extra.request(
                Request::get("/health")
                    .name("extra")
                    .check(Check::status(200)),
            );
        });
        f.when(
            Value::iteration().eq(0).and(Value::scenario_name().ne("")),
            |first| {
                first.request(
                    Request::get("/products/9999")
                        .name("missing product")
                        .expect_statuses([404])
                        .check(Check::status(404)),
                );
            },
        );
    });
    once(&flow, 2).threshold(HTTP_REQ_FAILED.rate().eq(0))
}

fn count(requests: &[RecordedRequest], method: &str, prefix: &str) -> usize {
    requests
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(prefix))
        .count()
}

/// What the server saw: one wishlist created, four checkouts, every order fetched
/// (2 after the first iteration, 4 after the second), the extra switch on twice,
/// the intended 404 once.
fn assert_served(requests: &[RecordedRequest]) {
    assert_eq!(count(requests, "POST", "/wishlist/items"), 2);
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/wishlist")
            .count(),
        1,
        "{:?}",
        paths(requests)
    );
    assert_eq!(count(requests, "POST", "/checkout"), 4);
    assert_eq!(
        count(requests, "GET", "/orders/"),
        6,
        "{:?}",
        paths(requests)
    );
    assert_eq!(count(requests, "GET", "/status/"), 0);
    assert_eq!(count(requests, "GET", "/products/9999"), 1);
    // Six orders healthy, two extra.
    assert_eq!(count(requests, "GET", "/health"), 8);
    let ids: Vec<&[u8]> = requests
        .iter()
        .filter_map(|r| header(r, "X-Request-Id"))
        .collect();
    assert_eq!(ids.len(), 4);
    for id in &ids {
        let id = std::str::from_utf8(id).unwrap();
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(&id[14..15], "4", "{id}");
    }
    assert_ne!(ids[0], ids[1]);
}

fn assert_run(run: &Run, script: &str) {
    assert_passed(run, script);
    for name in ["status is 200", "status is 201", "status is 404"] {
        let (passes, fails) = run.check(name);
        assert!(
            passes > 0 && fails == 0,
            "{name}: {passes}/{fails}\n{script}"
        );
    }
    let failed = run.metric("http_req_failed").expect("http_req_failed");
    assert_eq!(failed["value"], 0.0, "{failed}\n{script}");
}

#[test]
fn run_time_logic_runs_in_k6_in_javascript() {
    let shop = shop();
    let script = logic_script();
    let run = run_against(&script, &shop, &[("EXTRA", "true")]);
    let js = script.to_javascript().unwrap();
    assert_run(&run, &js);
    assert_served(&shop.requests());
    // Loops run in k6, not unrolled.
    assert_eq!(js.matches("/orders/").count(), 1, "{js}");
    assert!(
        js.contains("for (let round = 0; round < 2; round++) {"),
        "{js}"
    );
}

#[test]
fn run_time_logic_runs_in_k6_in_typescript() {
    let shop = shop();
    let script = logic_script();
    let ts = script.to_typescript().unwrap();
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc: {e}\n{ts}"));
    tools::prettier_check_ts(&ts).unwrap_or_else(|e| panic!("prettier: {e}\n{ts}"));
    let base = shop.base_url();
    let run = tools::k6_run_ts(&ts, &[], &[("BASE_URL", &base), ("EXTRA", "true")]);
    assert_run(&run, &ts);
    assert_served(&shop.requests());
}

/// The same logic as a plan file: read back from JSON and from YAML, it generates
/// the same script.
#[test]
fn run_time_logic_survives_plan_files() {
    let script = logic_script();
    let js = script.to_javascript().unwrap();
    let plan = k6dsl::plan::Plan::from(script.to_ir().clone());
    let from_json = k6dsl::plan::Plan::from_json(&plan.to_json()).unwrap();
    assert_eq!(from_json.to_javascript().unwrap(), js);
    let from_yaml = k6dsl::plan::Plan::from_yaml(&plan.to_yaml()).unwrap();
    assert_eq!(from_yaml.to_javascript().unwrap(), js);
}

/// A 70/30 mix in exact mode: over 10 iterations by two VUs exactly 7 browse and
/// 3 buy, each branch's requests tagged with it (the thresholds on the tagged
/// series hold); a 1:1 random mix runs both branches.
fn mix_script(mode: k6dsl::steps::MixMode, iterations: u64) -> Script<k6dsl::load::HasShortcut> {
    let flow = Flow::new("mixed").steps(|f| {
        f.mix("checkout", mode, |mix| {
            mix.arm(
                "browse",
                if mode == k6dsl::steps::MixMode::Exact {
                    70
                } else {
                    1
                },
                |s| {
                    s.request(
                        Request::get("/products")
                            .name("products")
                            .check(Check::status(200)),
                    );
                },
            );
            mix.arm(
                "buy",
                if mode == k6dsl::steps::MixMode::Exact {
                    30
                } else {
                    1
                },
                |s| {
                    s.request(
                        Request::get("/health")
                            .name("health")
                            .check(Check::status(200)),
                    );
                },
            );
        });
    });
    Script::new()
        .shortcut(Shortcut::iterations(nz!(2), iterations.try_into().unwrap()))
        .default_flow(&flow)
        .threshold(CHECKS.rate().eq(1))
}

#[test]
fn an_exact_mix_holds_its_weights_and_tags_its_branches() {
    let shop = shop();
    let script = mix_script(k6dsl::steps::MixMode::Exact, 10)
        .threshold(HTTP_REQS.tag("checkout", "browse").count().eq(7))
        .threshold(HTTP_REQS.tag("checkout", "buy").count().eq(3));
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, &script.to_javascript().unwrap());
    let requests = shop.requests();
    assert_eq!(count(&requests, "GET", "/products"), 7);
    assert_eq!(count(&requests, "GET", "/health"), 3);

    let shop = super::super::shop();
    let ts = script.to_typescript().unwrap();
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc: {e}\n{ts}"));
    tools::prettier_check_ts(&ts).unwrap_or_else(|e| panic!("prettier: {e}\n{ts}"));
    let base = shop.base_url();
    let run = tools::k6_run_ts(&ts, &[], &[("BASE_URL", &base)]);
    assert_passed(&run, &ts);
    assert_eq!(count(&shop.requests(), "GET", "/products"), 7);
}

#[test]
fn a_random_mix_runs_every_branch() {
    let shop = shop();
    let script = mix_script(k6dsl::steps::MixMode::Random, 40);
    let run = run_against(&script, &shop, &[]);
    assert_passed(&run, &script.to_javascript().unwrap());
    let requests = shop.requests();
    let (browse, buy) = (
        count(&requests, "GET", "/products"),
        count(&requests, "GET", "/health"),
    );
    // Each branch is as likely as the other: both run in 40 iterations (all 40 on
    // one side has a chance of 2 in 2^40).
    assert_eq!(browse + buy, 40);
    assert!(browse > 0 && buy > 0, "{browse}/{buy}");
}

/// The VU's cookie jar against the shop's session cookie: read after a login,
/// cleared (the session is refused: an expected 401), set back by hand, deleted;
/// and with `noCookiesReset` a cookie set in one iteration is there in the next.
fn cookie_script() -> Script<k6dsl::load::HasShortcut> {
    let flow = Flow::new("cookies").steps(|f| {
        f.when(Value::cookie("/", "kept").exists(), |kept| {
            kept.request(
                Request::get("/health")
                    .name("kept")
                    .check(Check::status(200)),
            );
        });
        f.request(
            Request::post("/session")
                .name("session login")
                .json_object([
                    ("username", text!["user", Value::vu()]),
                    ("password", Value::from(demo_shop::PASSWORD)),
                ])
                .check(Check::status(200)),
        );
        let token = f.compute("token", Value::cookie("/session", "session"));
        f.when(token.exists(), |s| {
            s.request(
                Request::get("/session")
                    .name("with session")
                    .check(Check::status(200)),
            );
        });
        f.clear_cookies("/");
        f.request(
            Request::get("/session")
                .name("cleared")
                .expect_statuses([401])
                .check(Check::status(401)),
        );
        f.set_cookie("/", "session", &token);
        f.request(
            Request::get("/session")
                .name("restored")
                .check(Check::status(200)),
        );
        f.delete_cookie("/", "session");
        f.request(
            Request::get("/session")
                .name("deleted")
                .expect_statuses([401])
                .check(Check::status(401)),
        );
        f.set_cookie("/", "kept", "yes");
    });
    once(&flow, 2)
        .options(GeneralOptions::default().no_cookies_reset(true))
        .threshold(HTTP_REQ_FAILED.rate().eq(0))
}

#[test]
fn cookies_are_set_read_cleared_and_kept_across_iterations() {
    let shop = shop();
    let script = cookie_script();
    let js = script.to_javascript().unwrap();
    let run = run_against(&script, &shop, &[]);
    assert_run_checks(&run, &js);
    let requests = shop.requests();
    // Per iteration: with session, cleared, restored, deleted.
    assert_eq!(
        count(&requests, "GET", "/session"),
        8,
        "{:?}",
        paths(&requests)
    );
    // The cookie set at the end of the first iteration is there in the second.
    assert_eq!(count(&requests, "GET", "/health"), 1);

    let shop = super::super::shop();
    let ts = script.to_typescript().unwrap();
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc: {e}\n{ts}"));
    tools::prettier_check_ts(&ts).unwrap_or_else(|e| panic!("prettier: {e}\n{ts}"));
    let base = shop.base_url();
    let run = tools::k6_run_ts(&ts, &[], &[("BASE_URL", &base)]);
    assert_run_checks(&run, &ts);
    assert_eq!(count(&shop.requests(), "GET", "/session"), 8);
}

fn assert_run_checks(run: &Run, script: &str) {
    assert_passed(run, script);
    let failed = run.metric("http_req_failed").expect("http_req_failed");
    assert_eq!(failed["value"], 0.0, "{failed}\n{script}");
}

/// Script-wide expected statuses in a project tree: `http.setResponseCallback` in
/// `lib/config` holds for every module's requests, in JavaScript and TypeScript.
#[test]
fn script_wide_expected_statuses_hold_in_a_project_tree() {
    let flow = Flow::new("gone").steps(|f| {
        f.request(
            Request::get("/products/9999")
                .name("missing")
                .check(Check::status(404)),
        );
    });
    let script = once(&flow, 1)
        .expect_statuses([200..=299, 404..=404])
        .threshold(HTTP_REQ_FAILED.rate().eq(0));
    for target in [k6dsl::Target::PROJECT, k6dsl::Target::PROJECT_TS] {
        let shop = shop();
        let files = script.generate(target).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for file in &files {
            let path = dir.path().join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &file.contents).unwrap();
        }
        let config = files
            .iter()
            .find(|f| f.path.starts_with("scripts/lib/config."))
            .unwrap()
            .text()
            .unwrap();
        assert!(config.contains("http.setResponseCallback("), "{config}");
        if target == k6dsl::Target::PROJECT_TS {
            tools::tsc_check_files(dir.path()).unwrap_or_else(|e| panic!("tsc: {e}"));
        }
        let base = shop.base_url();
        let entry = std::path::Path::new(target.entry_path());
        let run = tools::k6_run_in(dir.path(), entry, &[("BASE_URL", &base)], &[]);
        assert_run_checks(&run, config);
        assert_eq!(count(&shop.requests(), "GET", "/products/9999"), 1);
    }
}

/// The escape hatch: a raw statement calling a raw import runs in k6, in
/// JavaScript and TypeScript; a plan holding it must allow raw JavaScript, and a
/// plan made from the script says so.
#[test]
fn raw_javascript_runs_and_plans_must_allow_it() {
    let flow = Flow::new("raw").steps(|f| {
        f.raw_js("console.log(`digest ${sha256(\"k6\", \"hex\")}`);");
    });
    let script = once(&flow, 1).raw_js_import("k6/crypto", ["sha256"]);
    // `printf k6 | sha256sum`
    let digest = "digest 1d92ad4b6987fa0347cc5d2fb6cf9e47c83f4f6caeb3b5ef6f629730528921c3";
    let js = script.to_javascript().unwrap();
    tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier: {e}\n{js}"));
    let run = tools::k6_run(&js, &[], &[]);
    assert_passed(&run, &js);
    let ts = script.to_typescript().unwrap();
    assert!(ts.contains("// @ts-ignore: raw JavaScript's import, untyped here\nimport { sha256 } from \"k6/crypto\";"), "{ts}");
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc: {e}\n{ts}"));
    let run_ts = tools::k6_run_ts(&ts, &[], &[]);
    assert_passed(&run_ts, &ts);
    for run in [&run, &run_ts] {
        assert!(
            run.stderr.contains(digest) || run.stdout.contains(digest),
            "{}",
            run.stderr
        );
    }

    let plan = k6dsl::plan::Plan::from(&script);
    assert!(plan.script.allow_raw_js);
    let json = plan.to_json();
    assert!(json.contains("\"allow_raw_js\": true"), "{json}");
    let refused = json.replace("\"allow_raw_js\": true", "\"allow_raw_js\": false");
    let error = k6dsl::plan::Plan::load(&refused, k6dsl::plan::Format::Json).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("add \"allow_raw_js\": true at its top level if you trust its author"),
        "{error}"
    );
    assert!(k6dsl::plan::Plan::from_json(&refused)
        .unwrap()
        .to_javascript()
        .is_err());
    assert_eq!(
        k6dsl::plan::Plan::load(&json, k6dsl::plan::Format::Json)
            .unwrap()
            .to_javascript()
            .unwrap(),
        js
    );
}

/// Every form above in a project tree, JavaScript and TypeScript: helpers
/// (`randomItem`, `uuidv4`, `cookieValue`) and `exec` are imported where the
/// scenario modules use them, and the tree runs under k6 as the single script does.
#[test]
fn run_time_logic_runs_as_a_project_tree() {
    let mixed = mix_script(k6dsl::steps::MixMode::Exact, 10);
    for (script, env) in [
        (logic_script(), vec![("EXTRA", "true")]),
        (cookie_script(), vec![]),
    ] {
        for target in [k6dsl::Target::PROJECT, k6dsl::Target::PROJECT_TS] {
            let shop = shop();
            let dir = write_tree(&script, target);
            if target == k6dsl::Target::PROJECT_TS {
                tools::tsc_check_files(dir.path()).unwrap_or_else(|e| panic!("tsc: {e}"));
            }
            let base = shop.base_url();
            let mut env = env.clone();
            env.push(("BASE_URL", &base));
            let entry = std::path::Path::new(target.entry_path());
            let run = tools::k6_run_in(dir.path(), entry, &env, &[]);
            assert_run_checks(&run, target.entry_path());
        }
    }
    let shop = shop();
    let dir = write_tree(&mixed, k6dsl::Target::PROJECT);
    let base = shop.base_url();
    let run = tools::k6_run_in(
        dir.path(),
        std::path::Path::new("scripts/main.js"),
        &[("BASE_URL", &base)],
        &[],
    );
    assert_passed(&run, "mix project");
    assert_eq!(count(&shop.requests(), "GET", "/products"), 7);
}

fn write_tree<L>(script: &Script<L>, target: k6dsl::Target) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in &script.generate(target).unwrap() {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
    dir
}
