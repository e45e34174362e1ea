//! Thresholds, read back by k6.

use super::*;

// Thresholds
// ---------------------------------------------------------------------------------

/// Scenarios for thresholds to select, with a flow each.
fn threshold_scenarios() -> (Scenario, Scenario) {
    let browse =
        Scenario::new("browse", ConstantVus::new().duration(secs(10))).exec(&Flow::new("browse"));
    let buy = Scenario::new(
        "buy-now",
        ConstantArrivalRate::new()
            .rate(nz!(2))
            .duration(secs(10))
            .pre_allocated_vus(2),
    )
    .exec(&Flow::new("buy"));
    (browse, buy)
}

#[test]
fn every_statistic_of_every_metric_kind() {
    let login = Trend::time("login_duration");
    let size = Trend::new("payload_size");
    let errors = Counter::new("checkout_errors");
    let ok = Rate::new("cart_ok");
    let queue = Gauge::new("queue_depth");
    let script = Script::new()
        .threshold(HTTP_REQ_DURATION.avg().lt(200))
        .threshold(HTTP_REQ_DURATION.min().ge(0))
        .threshold(HTTP_REQ_DURATION.max().lt(5000))
        .threshold(HTTP_REQ_DURATION.med().lt(150))
        .threshold(HTTP_REQ_DURATION.p(95).lt(500))
        .threshold(login.avg().lt(300))
        .threshold(login.p(99.9).le(1000))
        .threshold(size.max().le(1_048_576))
        .threshold(size.med().gt(0.5))
        .threshold(ITERATIONS.count().gt(10))
        .threshold(ITERATIONS.rate().ge(0.5))
        .threshold(errors.count().lt(1))
        .threshold(errors.rate().lt(0.1))
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01))
        .threshold(ok.rate().gt(0.99))
        .threshold(VUS.value().le(50))
        .threshold(queue.value().lt(100));
    assert_k6_reads_the_model(&script);
}

#[test]
fn every_comparison_operator() {
    let script = Script::new()
        .threshold(HTTP_REQ_DURATION.avg().lt(1))
        .threshold(HTTP_REQ_DURATION.avg().le(2))
        .threshold(HTTP_REQ_DURATION.avg().gt(3))
        .threshold(HTTP_REQ_DURATION.avg().ge(4))
        .threshold(HTTP_REQ_DURATION.avg().eq(5))
        .threshold(HTTP_REQ_DURATION.avg().loose_eq(6))
        .threshold(HTTP_REQ_DURATION.avg().ne(7))
        .threshold(CHECKS.rate().eq(1))
        .threshold(DROPPED_ITERATIONS.count().loose_eq(0))
        .threshold(VUS_MAX.value().ne(0));
    assert_k6_reads_the_model(&script);
}

#[test]
fn fractional_and_extreme_percentiles() {
    let mut script = Script::new();
    for p in [
        0.0, 0.1, 0.5, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0,
    ] {
        script = script.threshold(HTTP_REQ_WAITING.p(p).lt(1000));
    }
    assert_k6_reads_the_model(&script);
}

#[test]
fn bounds_k6_reads_as_the_same_number() {
    let mut script = Script::new();
    for bound in [
        0.0,
        -0.0,
        -1.0,
        -273.15,
        0.01,
        0.1 + 0.2,
        1.0 / 3.0,
        1e-7,
        123_456_789.123,
        9_007_199_254_740_993.0,
        1e21,
        1e300,
        f64::MIN_POSITIVE,
        f64::MAX,
    ] {
        script = script.threshold(GROUP_DURATION.avg().ne(bound));
    }
    assert_k6_reads_the_model(&script);
}

#[test]
fn tagged_scenario_and_group_selectors() {
    let (browse, buy) = threshold_scenarios();
    let script = Script::new()
        .threshold(HTTP_REQ_DURATION.for_scenario(&browse).p(95).lt(300))
        .threshold(HTTP_REQ_DURATION.for_scenario(&buy).p(99).lt(800))
        .threshold(HTTP_REQS.for_scenario(&buy).count().gt(1))
        .threshold(GROUP_DURATION.for_group(["Checkout"]).avg().lt(1000))
        .threshold(
            GROUP_DURATION
                .for_group(["Checkout", "Pay now"])
                .p(90)
                .lt(2000),
        )
        .threshold(
            HTTP_REQ_DURATION
                .for_scenario(&browse)
                .for_group(["Browse", "List"])
                .tag("method", "GET")
                .tag("status", "200")
                .med()
                .lt(100),
        )
        .threshold(
            HTTP_REQ_DURATION
                .tag("name", "https://example.com/a?b=c")
                .max()
                .lt(9),
        )
        .threshold(
            HTTP_REQ_DURATION
                .tag("url", "http://host:8080/p")
                .min()
                .lt(9),
        )
        .threshold(CHECKS.tag("check", "status is 200").rate().gt(0.9))
        .threshold(CHECKS.tag("check", "ünïcödé ✓ \"q\" it's").rate().gt(0.9))
        .threshold(
            HTTP_REQ_FAILED
                .tag("expected_response", "true")
                .rate()
                .lt(0.1),
        )
        .scenario(browse)
        .scenario(buy);
    assert_k6_reads_the_model(&script);
}

#[test]
fn abort_on_fail_and_delay_abort_eval() {
    let script = Script::new()
        .threshold(HTTP_REQ_FAILED.rate().lt(0.5).abort_on_fail())
        .threshold(
            HTTP_REQ_DURATION
                .p(99)
                .lt(3000)
                .abort_on_fail()
                .delay_abort_eval(secs(10)),
        )
        .threshold(
            HTTP_REQ_DURATION
                .p(90)
                .lt(2000)
                .abort_on_fail()
                .delay_abort_eval(mins(1) + millis(500)),
        )
        .threshold(HTTP_REQ_DURATION.avg().lt(1000))
        .threshold(
            ITERATIONS
                .count()
                .gt(0)
                .abort_on_fail()
                .delay_abort_eval(millis(1)),
        );
    assert_k6_reads_the_model(&script);
}

#[test]
fn several_thresholds_on_one_key_keep_their_order() {
    let login = Trend::time("login_duration");
    let script = Script::new()
        .threshold(login.p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800))
        .threshold(login.p(99).lt(1500).abort_on_fail())
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").avg().lt(300))
        .threshold(login.avg().lt(250))
        .threshold(
            login
                .max()
                .lt(5000)
                .abort_on_fail()
                .delay_abort_eval(secs(30)),
        )
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").p(99.9).lt(2000));
    assert_k6_reads_the_model(&script);
}

#[test]
fn custom_metrics_of_every_kind() {
    let trend = Trend::new("custom_trend");
    let time = Trend::time("custom_time_trend");
    let counter = Counter::new("custom_counter");
    let rate = Rate::new("custom_rate");
    let gauge = Gauge::new("custom_gauge");
    let longest = Trend::new("_".to_owned() + &"a".repeat(128));
    let script = Script::new()
        .metric(&Counter::new("declared_without_threshold"))
        .threshold(trend.p(50).lt(1))
        .threshold(time.p(99.9).lt(2))
        .threshold(counter.count().lt(3))
        .threshold(counter.rate().lt(4))
        .threshold(rate.rate().gt(0.5))
        .threshold(gauge.value().lt(6))
        .threshold(counter.tag("kind", "x").count().lt(7))
        .threshold(longest.avg().lt(8))
        .threshold(Trend::new("ab").avg().lt(9));
    let printed = assert_k6_reads_the_model(&script);
    // The custom metric names k6 registered are those of the model.
    let keys: BTreeSet<String> = field(&printed, "thresholds")
        .as_object()
        .unwrap()
        .keys()
        .map(|key| k6_reads_key(key).0)
        .collect();
    let model: BTreeSet<String> = script
        .to_ir()
        .options
        .thresholds
        .iter()
        .map(|t| t.metric.clone())
        .collect();
    assert_eq!(keys, model);
}

#[test]
fn thresholds_with_every_load_model() {
    let (browse, buy) = threshold_scenarios();
    let thresholds = [
        HTTP_REQ_DURATION.p(95).lt(500),
        HTTP_REQ_DURATION.tag("scenario", "default").avg().lt(100),
    ];
    let mut scripts = vec![Script::new().shortcut(Shortcut::iterations(nz!(1), nz!(1)))];
    scripts.push(Script::new().shortcut(Shortcut::stages(0, [(secs(5), 5)])));
    for mut script in scripts {
        for threshold in thresholds.clone() {
            script = script.threshold(threshold);
        }
        assert_k6_reads_the_model(&script);
    }
    let mut script = Script::new();
    for threshold in thresholds.clone() {
        script = script.threshold(threshold);
    }
    assert_k6_reads_the_model(&script);
    let script = Script::new()
        .scenario(browse.clone())
        .scenario(buy)
        .threshold(thresholds[0].clone())
        .threshold(HTTP_REQ_DURATION.for_scenario(&browse).avg().lt(100));
    assert_k6_reads_the_model(&script);
}

/// `__proto__` as a plain object key sets the prototype instead of adding an entry;
/// k6dsl writes it computed, so k6 sees the scenario, the tags and the threshold.
#[test]
fn proto_named_entries_reach_k6() {
    let flow = Flow::new("work");
    let scenario = Scenario::new("__proto__", SharedIterations::new())
        .exec(&flow)
        .tag("__proto__", "x")
        .env("__proto__", "y");
    let script = Script::new()
        .scenario(scenario)
        .threshold(Counter::new("__proto__").count().lt(1));
    let printed = assert_k6_reads_the_model(&script);
    assert_eq!(printed["scenarios"]["__proto__"]["tags"]["__proto__"], "x");
    assert_eq!(printed["thresholds"]["__proto__"][0], "count<1");
}
