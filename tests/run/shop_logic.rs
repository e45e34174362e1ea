//! The shop-logic example end to end: its script, its TypeScript and its project
//! tree run under k6 against the demo shop with every check passing and no failed
//! request, although the wishlist answers 404 and the cleared session 401 by design;
//! the shop's MD5 of each upload matches the file's.

use demo_shop::{DemoShop, RecordedRequest};
use k6dsl_suite::{shop_logic, tools};

fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

fn count(requests: &[RecordedRequest], method: &str, path: &str) -> usize {
    requests
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

fn assert_passed(run: &tools::Run, what: &str) {
    assert_eq!(
        run.exit_code, 0,
        "{what}: k6 failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let checks = run.metric("checks").expect("checks ran");
    assert_eq!(checks["fails"], 0, "{what}: {checks}");
    let failed = run.metric("http_req_failed").expect("requests ran");
    assert_eq!(failed["value"], 0.0, "{what}: {failed}");
}

/// What the server saw of 10 iterations by 2 VUs: a wishlist created once per
/// VU, exactly 7 browsing and 3 buying iterations, a session checked each time.
fn assert_served(shop: &DemoShop) {
    let requests = shop.requests();
    assert_eq!(count(&requests, "POST", "/wishlist"), 2);
    assert_eq!(count(&requests, "GET", "/products"), 7);
    assert_eq!(count(&requests, "POST", "/checkout"), 3);
    assert_eq!(count(&requests, "POST", "/cart/items"), 6);
    assert_eq!(count(&requests, "GET", "/session"), 20);
    assert_eq!(count(&requests, "POST", "/uploads"), 10);
}

fn env(shop: &DemoShop) -> Vec<(&'static str, String)> {
    vec![
        ("BASE_URL", shop.base_url()),
        ("SHOP_PASSWORD", demo_shop::PASSWORD.to_owned()),
        ("VERBOSE", "true".to_owned()),
    ]
}

#[test]
fn the_shop_logic_example_passes_under_k6_as_script_typescript_and_project() {
    let js = tools::example_stdout("shop_logic", [] as [&str; 0]);
    assert_eq!(js, shop_logic::script().to_javascript().unwrap());
    tools::prettier_check(&js).unwrap_or_else(|e| panic!("prettier: {e}"));
    let shop = shop();
    let env_owned = env(&shop);
    let env: Vec<(&str, &str)> = env_owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The printed script opens its upload beside itself: the files generation gives.
    let files = shop_logic::script().data_files().unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].path, "data/receipt.png");
    let run = tools::k6_run(&js, &files, &env);
    assert_passed(&run, "script");
    assert!(run.stderr.contains("iteration 0 of VU"), "{}", run.stderr);
    assert_served(&shop);

    let ts = tools::example_stdout("shop_logic", ["--ts"]);
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc: {e}"));
    let shop = self::shop();
    let env_owned = self::env(&shop);
    let env: Vec<(&str, &str)> = env_owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_passed(&tools::k6_run_ts(&ts, &files, &env), "TypeScript");
    assert_served(&shop);

    let dir = tempfile::tempdir().unwrap();
    let output = tools::run_example(
        "shop_logic",
        [std::ffi::OsStr::new("--project"), dir.path().as_os_str()],
    );
    assert!(output.status.success(), "{output:?}");
    // The tree carries the upload byte for byte.
    assert_eq!(
        std::fs::read(dir.path().join("data/receipt.png")).unwrap(),
        std::fs::read(shop_logic::RECEIPT).unwrap()
    );
    let shop = self::shop();
    let env_owned = self::env(&shop);
    let env: Vec<(&str, &str)> = env_owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = tools::k6_run_in(
        dir.path(),
        std::path::Path::new("scripts/main.js"),
        &env,
        &[],
    );
    assert_passed(&run, "project");
    assert_served(&shop);
}
