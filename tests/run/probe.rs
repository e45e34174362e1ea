//! `k6dsl::probe` against k6: one flow run once in-process sends the same requests
//! and gets the same check results as one iteration of it under `k6 run`, each
//! against a fresh demo shop (whose recorded requests are compared); a failing
//! check is reported with its place; what cannot run in Rust is a clear error.

use std::collections::BTreeMap;

use demo_shop::{DemoShop, RecordedRequest};
use k6dsl::model::{self, Execution, Executor};
use k6dsl::prelude::*;
use k6dsl::probe::{Probe, ProbeError, Trace, TraceStep};
use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, shop_logic, tools};

fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

/// The script with one scenario: one VU runs `flow` once (setup and teardown
/// around it); no thresholds, so nothing but the flow decides k6's exit.
fn one_iteration(script: &model::Script, flow: &str) -> model::Script {
    let mut one = script.clone();
    one.options.thresholds.clear();
    one.lifecycle.summary_json = None;
    one.options.execution = Execution::Scenarios(vec![model::Scenario {
        name: flow.to_owned(),
        executor: Executor::PerVuIterations {
            vus: Some(1),
            iterations: Some(1),
            max_duration: None,
        },
        start_time: None,
        graceful_stop: None,
        exec: Some(flow.to_owned()),
        env: BTreeMap::new(),
        tags: BTreeMap::new(),
    }]);
    one
}

/// What the shop saw of one request, with what differs between two runs by
/// design (a multipart boundary and the order of its parts) made equal.
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    content_type: Option<String>,
    body: Option<String>,
}

fn seen(
    requests: &[RecordedRequest],
    compare_body: &dyn Fn(&RecordedRequest) -> bool,
) -> Vec<Seen> {
    requests
        .iter()
        .map(|r| {
            let header = |name: &str| {
                r.headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            };
            let content_type = header("content-type");
            let mut body = String::from_utf8_lossy(&r.body).into_owned();
            let mut content_type_shown = content_type.clone();
            if let Some(boundary) = content_type
                .as_deref()
                .and_then(|ct| ct.split_once("boundary="))
                .map(|(_, b)| b.to_owned())
            {
                // k6 writes the parts in the order Go iterates over a map: at
                // random. The parts are compared as a set.
                let mut parts: Vec<&str> = body.split(&format!("--{boundary}")).collect();
                parts.sort();
                body = parts.join("--BOUNDARY");
                content_type_shown = content_type.map(|ct| ct.replace(&boundary, "BOUNDARY"));
            }
            Seen {
                method: r.method.clone(),
                path: r.path.clone(),
                query: r.query.clone(),
                content_type: content_type_shown,
                body: compare_body(r).then_some(body),
            }
        })
        .collect()
}

/// Passes and fails of each check by its group path (`::Cart::status is 201`),
/// from k6's summary.
fn k6_checks(run: &tools::Run) -> BTreeMap<String, (u64, u64)> {
    fn walk(group: &serde_json::Value, out: &mut BTreeMap<String, (u64, u64)>) {
        if let Some(checks) = group["checks"].as_object() {
            for check in checks.values() {
                let entry = out
                    .entry(check["path"].as_str().unwrap_or_default().to_owned())
                    .or_default();
                entry.0 += check["passes"].as_u64().unwrap_or(0);
                entry.1 += check["fails"].as_u64().unwrap_or(0);
            }
        }
        if let Some(groups) = group["groups"].as_object() {
            for inner in groups.values() {
                walk(inner, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&run.summary["root_group"], &mut out);
    out
}

/// The same from a probe's trace.
fn probe_checks(trace: &Trace) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut groups: Vec<String> = Vec::new();
    for step in &trace.steps {
        match step {
            // k6 reports setup's and teardown's checks in groups of their own.
            TraceStep::Function(function) => {
                groups.clear();
                if let Some(name) = function.strip_suffix("()") {
                    groups.push(name.to_owned());
                }
            }
            TraceStep::GroupStart(name) => groups.push(name.clone()),
            TraceStep::GroupEnd(_) => {
                groups.pop();
            }
            TraceStep::Request(request) => {
                for check in &request.checks {
                    let mut path = String::new();
                    for group in &groups {
                        path.push_str("::");
                        path.push_str(group);
                    }
                    path.push_str("::");
                    path.push_str(&check.name);
                    let entry = out.entry(path).or_default();
                    if check.passed {
                        entry.0 += 1;
                    } else {
                        entry.1 += 1;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Runs `flow` of `script` once under k6 and once with the probe, each against
/// a fresh shop, and asserts that both sent the same requests and got the same
/// check results. Returns the probe's trace.
fn same_as_k6(
    script: &model::Script,
    flow: &str,
    files: &[k6dsl::File],
    compare_body: &dyn Fn(&RecordedRequest) -> bool,
) -> Trace {
    let one = one_iteration(script, flow);
    let js = k6dsl::generate(&one, k6dsl::Target::JAVASCRIPT)
        .unwrap_or_else(|e| panic!("{e}"))
        .script()
        .to_owned();

    let k6_shop = shop();
    let base_url = k6_shop.base_url();
    let run = tools::k6_run(
        &js,
        files,
        &[
            ("BASE_URL", &base_url),
            ("SHOP_PASSWORD", demo_shop::PASSWORD),
        ],
    );
    assert_eq!(
        run.exit_code, 0,
        "k6 failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let k6_seen = seen(&k6_shop.requests(), compare_body);

    let probe_shop = shop();
    let trace = Probe::new()
        .system_env(false)
        .base_url(probe_shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .run_flow(&one, flow)
        .unwrap_or_else(|e| panic!("{e}"));
    let probe_seen = seen(&probe_shop.requests(), compare_body);

    assert_eq!(probe_seen, k6_seen, "flow {flow}: requests differ\n{trace}");
    // The trace holds what the shop received, in order.
    let traced: Vec<(String, String)> = trace
        .requests()
        .map(|r| {
            let path = r.url.trim_start_matches(&probe_shop.base_url()).to_owned();
            (r.method.clone(), path)
        })
        .collect();
    let received: Vec<(String, String)> = probe_seen
        .iter()
        .map(|s| {
            let query = s
                .query
                .as_deref()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            (s.method.clone(), format!("{}{query}", s.path))
        })
        .collect();
    assert_eq!(traced, received);
    let k6_checks = k6_checks(&run);
    assert!(
        !k6_checks.is_empty(),
        "k6 reported no checks: {}",
        run.summary
    );
    assert_eq!(
        probe_checks(&trace),
        k6_checks,
        "flow {flow}: checks differ\n{trace}"
    );
    trace
}

#[test]
fn the_checkout_flows_send_what_k6_sends_and_pass_the_same_checks() {
    let script = checkout::script(Profile::Smoke).into_ir();
    for flow in ["browse", "purchase"] {
        // Every body of the checkout flows is deterministic.
        let trace = same_as_k6(&script, flow, &[], &|_| true);
        trace.assert_passed();
        assert!(trace.to_string().contains("✓ status is 200"), "{trace}");
    }
    // The whole script: setup, both flows, with the values carried between them.
    let shop = shop();
    let trace = Probe::new()
        .base_url(shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .run(&script)
        .unwrap();
    trace.assert_passed();
    let names: Vec<&str> = trace.requests().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "login",
            "products",
            "product",
            "profile",
            "login",
            "add_to_cart",
            "checkout",
            "order"
        ]
    );
    let checkout = trace.requests().find(|r| r.name == "checkout").unwrap();
    assert_eq!(checkout.status, 201);
    assert_eq!(checkout.extracted[0].0, "orderId");
    let order = trace.requests().find(|r| r.name == "order").unwrap();
    assert!(
        order
            .url
            .ends_with(&format!("/orders/{}", checkout.extracted[0].1)),
        "{}",
        order.url
    );
}

#[test]
fn the_run_time_logic_takes_the_branches_k6_takes() {
    let script = shop_logic::script().into_ir();
    let files = shop_logic::script().data_files().unwrap();
    // Random product ids and quantities differ between runs; the logins, the
    // session and the multipart upload (boundary aside) are the same bytes.
    let deterministic = |r: &RecordedRequest| {
        matches!(
            r.path.as_str(),
            "/auth/login" | "/session" | "/uploads" | "/checkout"
        )
    };
    let trace = same_as_k6(&script, "shopper", &files, &deterministic);
    trace.assert_passed();
    let branches: Vec<&str> = trace
        .steps
        .iter()
        .filter_map(|s| match s {
            TraceStep::Branch { taken, .. } => Some(taken.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        branches,
        [
            "if: then",
            "mix `journey`: arm `browse`",
            "for each `product`: 5 items",
            "for each `order`: 0 items",
            "if: then",
            "if: else"
        ]
    );

    // Iteration 7 of an exact 70/30 mix buys, as k6's eighth iteration does.
    let shop = shop();
    let trace = Probe::new()
        .system_env(false)
        .base_url(shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .iteration(7)
        .run(&script)
        .unwrap();
    trace.assert_passed();
    let bought = trace.requests().filter(|r| r.name == "add to cart").count();
    assert_eq!(bought, 2, "{trace}");
    assert_eq!(
        trace.requests().filter(|r| r.name == "order").count(),
        1,
        "{trace}"
    );
}

#[test]
fn raw_javascript_is_a_clear_error_naming_the_step() {
    let shop = shop();
    let error = Probe::new()
        .system_env(false)
        .base_url(shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .env("VERBOSE", "true")
        .run(&shop_logic::script().into_ir())
        .unwrap_err();
    assert!(matches!(error, ProbeError::Unsupported { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "flow `shopper`, raw JavaScript: raw JavaScript cannot run in-process (only under k6)"
    );
    // A secret that is not set stops the probe before anything is sent.
    let shop = self::shop();
    let error = Probe::new()
        .system_env(false)
        .base_url(shop.base_url())
        .run(&shop_logic::script().into_ir())
        .unwrap_err();
    assert!(
        error.to_string().starts_with("SHOP_PASSWORD is not set"),
        "{error}"
    );
    assert!(shop.requests().is_empty());
}

#[test]
fn a_failing_check_is_reported_with_its_flow_group_request_and_check() {
    let flow = Flow::new("catalogue").steps(|f| {
        f.group("Browse", |g| {
            g.request(
                Request::get("/products/999")
                    .name("missing product")
                    .expect_statuses([200, 404])
                    .check(Check::status(200)),
            );
            g.request(Request::get("/products/1").name("product"));
        });
    });
    let script = Script::new()
        .scenario(Scenario::new("s", PerVuIterations::new()).exec(&flow))
        .into_ir();
    let shop = shop();
    let probe = Probe::new().system_env(false).base_url(shop.base_url());
    let trace = probe.run(&script).unwrap();
    let failure = trace.first_failure().expect("the status check fails");
    assert_eq!(
        failure.to_string(),
        "flow `catalogue`, group `Browse`, request `missing product`, check `status is 200`: check failed: status 404"
    );
    // Both requests ran; with fail_fast only the first.
    assert_eq!(trace.requests().count(), 2);
    let stopped = probe.clone().fail_fast(true).run(&script).unwrap();
    assert_eq!(stopped.requests().count(), 1);
    assert_eq!(stopped.first_failure(), Some(failure.clone()));

    let panicked = std::panic::catch_unwind(|| trace.assert_passed()).unwrap_err();
    let message = panicked
        .downcast_ref::<String>()
        .expect("assert_passed panics with a message");
    assert!(
        message.starts_with(&format!("probe failed: {failure}\n")),
        "{message}"
    );
    assert!(
        message.contains("✗ status is 200 (status 404)"),
        "{message}"
    );
}

#[test]
fn the_probe_checkout_example_prints_the_trace_and_passes() {
    let out = tools::example_stdout("probe_checkout", [] as [&str; 0]);
    for line in [
        "setup()",
        "flow `browse`",
        "group Browse Products",
        "(products) -> 200",
        "✓ body has products.0.id",
        "flow `purchase`",
        "(checkout) -> 201",
        "✓ body has order_id",
        "every request and check passed",
    ] {
        assert!(out.contains(line), "no `{line}` in:\n{out}");
    }
}
