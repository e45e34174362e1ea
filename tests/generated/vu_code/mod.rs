//! VU code under real k6: each pattern of scenario code (requests, checks, groups,
//! think time, correlation, lifecycle, data, environment) is generated, run with
//! `k6 run` against the demo shop started on 127.0.0.1 by the test, and judged by
//! what k6 reported and what the server received.
//!
//! Layout: running and judging a script (here); then `requests` (methods, bodies,
//! params, auth), `checks_and_groups` (checks, groups, think time and pacing),
//! `values` (correlation, lifecycle, environment, generated names) and
//! `data_rows`, `logic` (run-time logic) and `uploads` (multipart bodies).

use demo_shop::{DemoShop, RecordedRequest};
use k6dsl::prelude::*;
use k6dsl_suite::tools::{self, Run};

mod checks_and_groups;
mod data_rows;
mod logic;
mod requests;
mod uploads;
mod values;

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
