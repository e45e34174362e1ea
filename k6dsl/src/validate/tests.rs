//! Unit tests of validation: every problem with its place, selectors, messages, names.

use super::*;
use crate::model::time::mins;
use crate::model::{Comparison, Execution, Executor, MetricKind, Scenario, Stat, Threshold};

fn scenario(name: &str, executor: Executor) -> Scenario {
    Scenario {
        name: name.into(),
        executor,
        start_time: None,
        graceful_stop: None,
        exec: None,
        env: BTreeMap::new(),
        tags: BTreeMap::new(),
    }
}

fn messages(script: &Script) -> Vec<String> {
    match validate(script) {
        Ok(()) => vec![],
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn reports_every_problem_with_its_place() {
    let mut script = Script::default();
    script.options.execution = Execution::Scenarios(vec![
        scenario(
            "purchase",
            Executor::ConstantArrivalRate {
                rate: 0,
                time_unit: None,
                duration: mins(1),
                pre_allocated_vus: 10,
                max_vus: Some(5),
            },
        ),
        scenario(
            "bad name",
            Executor::SharedIterations {
                vus: Some(10),
                iterations: Some(5),
                max_duration: None,
            },
        ),
    ]);
    script.options.thresholds.push(Threshold {
        metric: "http_reqs".into(),
        kind: MetricKind::Counter,
        selector: BTreeMap::new(),
        stat: Stat::Percentile(101.0),
        op: Comparison::Lt,
        bound: f64::NAN,
        abort_on_fail: false,
        delay_abort_eval: None,
    });
    assert_eq!(
        messages(&script),
        [
            "scenario `purchase`: rate must be greater than 0",
            "scenario `purchase`: maxVUs (5) is less than preAllocatedVUs (10)",
            "scenario `bad name`: scenario name `bad name` is not allowed: k6 scenario names use only ASCII letters, digits, `_` and `-`",
            "scenario `bad name`: iterations (5) is less than vus (10)",
            "threshold `http_reqs`: `p(101)` does not apply to a Counter metric (k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value)",
            "threshold `http_reqs`: percentile p(101) must be between 0 and 100",
            "threshold `http_reqs`: threshold bound (NaN) must be a finite number",
        ]
    );
}

#[test]
fn rejects_selectors_that_cannot_match() {
    let mut script = Script::default();
    let mut selector = BTreeMap::new();
    selector.insert("scenario".to_owned(), "checkout".to_owned());
    selector.insert("group".to_owned(), "Checkout".to_owned());
    script.options.thresholds.push(Threshold {
        metric: "http_req_duration".into(),
        kind: MetricKind::Trend,
        selector,
        stat: Stat::Avg,
        op: Comparison::Lt,
        bound: 1.0,
        abort_on_fail: false,
        delay_abort_eval: None,
    });
    let messages = messages(&script);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("no scenario is called `checkout`"));
    assert!(messages[1].contains("`Checkout` is not a k6 group path"));
}

#[test]
fn messages_list_a_few_known_names_not_all() {
    let mut script = Script::default();
    let executor = || Executor::SharedIterations {
        vus: None,
        iterations: None,
        max_duration: None,
    };
    script.options.execution = Execution::Scenarios(
        (0..12)
            .map(|i| scenario(&format!("s{i:02}"), executor()))
            .collect(),
    );
    let mut selector = BTreeMap::new();
    selector.insert("scenario".to_owned(), "nope".to_owned());
    script.options.thresholds.push(Threshold {
        metric: "http_req_duration".into(),
        kind: MetricKind::Trend,
        selector,
        stat: Stat::Avg,
        op: Comparison::Lt,
        bound: 1.0,
        abort_on_fail: false,
        delay_abort_eval: None,
    });
    assert_eq!(
        messages(&script),
        ["threshold `http_req_duration{scenario:nope}`: scenario selector: no scenario is called `nope` (the script has: s00, s01, s02, s03, s04, s05, s06, s07, s08, s09, ... (2 more)), so this threshold could never see a sample"]
    );
}

#[test]
fn names_follow_k6_rules() {
    assert!(is_valid_metric_name("login_duration"));
    assert!(is_valid_metric_name("_x"));
    assert!(!is_valid_metric_name("x"));
    assert!(!is_valid_metric_name("1x"));
    assert!(!is_valid_metric_name("bad-name"));
    assert!(!is_valid_metric_name(&"a".repeat(130)));
    assert!(is_valid_metric_name(&"a".repeat(129)));
    assert!(is_valid_scenario_name("browse-1_a"));
    assert!(!is_valid_scenario_name(""));
    assert!(!is_valid_scenario_name("a b"));
}
