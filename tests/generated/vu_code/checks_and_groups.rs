//! Checks pass and fail as their predicates say and feed metrics; nested groups
//! have the paths thresholds select; think time and pacing shape iterations.

use k6dsl::prelude::*;

use super::{assert_passed, once, run_against};
use crate::shop;

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
