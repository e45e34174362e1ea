//! k6dsl's validation rules, each checked against real k6.
//!
//! For every rule in `k6dsl::validate` that mirrors a rejection by k6 itself, a test
//! shows that
//!
//! 1. k6dsl rejects the model, with the expected message, and
//! 2. `k6 inspect --execution-requirements` rejects a hand-written script with the
//!    same options (a literal JavaScript module, so the test does not depend on
//!    k6dsl's code generator), for the same reason (a phrase of k6's message);
//!
//! and, where the rule has a boundary, that the value just inside it is accepted by
//! both, so the rule is neither stricter nor looser than k6.
//!
//! Other rules exist because k6 accepts a configuration and then misbehaves (crashes
//! mid-run, silently runs nothing, never evaluates a threshold...) or because of how
//! JavaScript is generated. Their tests assert k6dsl's rejection and say why; where
//! it is cheap they also show that k6 accepts the hand-written equivalent, so the
//! comment stays true.
//!
//! The last section checks that every built-in metric and every TLS cipher suite
//! k6dsl knows is one k6 knows.

use std::num::NonZeroU64;
use std::time::Duration;

use k6dsl::model::{self, Execution, Executor, MetricKind, Stat};
use k6dsl::options::{
    Dns, DnsTtl, ExecutionSegment, Fraction, GeneralOptions, HostAddress, Pem, TlsAuth,
    TlsCipherSuite, TlsVersion, TrendStat,
};
use k6dsl::prelude::*;
use k6dsl_facts::metric::{Builtin, BUILTIN_METRICS};
use k6dsl_suite::tools;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// k6dsl rejects the model, and one of its problems reads exactly `message`.
#[track_caller]
fn we_reject(model: &model::Script, message: &str) {
    let errors = match k6dsl::generate(model, k6dsl::Target::JAVASCRIPT) {
        Ok(files) => panic!(
            "k6dsl accepts a model it should reject ({message}):\n{}",
            files.entry().contents
        ),
        Err(errors) => errors,
    };
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m == message),
        "k6dsl rejects the model, but not with\n  {message}\nIt says:\n  {}",
        messages.join("\n  ")
    );
}

/// k6 rejects the script, saying something containing `k6_says`.
#[track_caller]
fn k6_rejects(js: &str, k6_says: &str) {
    match tools::inspect(js) {
        Ok(printed) => panic!("k6 accepts:\n{js}\nand prints {printed:#}"),
        Err(error) => assert!(
            error.output.contains(k6_says),
            "k6 rejects the script, but does not say `{k6_says}`:\n{error}\n--- script ---\n{js}"
        ),
    }
}

/// k6 accepts the script; returns the options it prints back.
#[track_caller]
fn k6_accepts(js: &str) -> Value {
    tools::inspect(js).unwrap_or_else(|e| panic!("k6 rejects:\n{js}\n{e}"))
}

/// k6dsl generates the script and k6 accepts it.
#[track_caller]
fn both_accept(model: &model::Script) -> Value {
    let files = k6dsl::generate(model, k6dsl::Target::JAVASCRIPT)
        .unwrap_or_else(|e| panic!("k6dsl rejects the model: {e}"));
    k6_accepts(&files.entry().contents)
}

/// The model of a script with these scenarios.
fn scenarios(list: impl IntoIterator<Item = Scenario>) -> model::Script {
    let mut list = list.into_iter();
    let mut script = Script::new().scenario(list.next().expect("at least one scenario"));
    for scenario in list {
        script = script.scenario(scenario);
    }
    script.into_ir()
}

/// The model of a script with one scenario called `s`.
fn one_scenario(executor: impl k6dsl::executor::ExecutorConfig) -> model::Script {
    scenarios([Scenario::new("s", executor)])
}

/// The executor of the first scenario of `model`, to set what the builders cannot.
fn executor_of(model: &mut model::Script) -> &mut Executor {
    match &mut model.options.execution {
        Execution::Scenarios(list) => &mut list[0].executor,
        other => panic!("no scenarios: {other:?}"),
    }
}

/// The first scenario of `model`.
fn scenario_of(model: &mut model::Script) -> &mut model::Scenario {
    match &mut model.options.execution {
        Execution::Scenarios(list) => &mut list[0],
        other => panic!("no scenarios: {other:?}"),
    }
}

fn shortcut(shortcut: Shortcut) -> model::Script {
    Script::new().shortcut(shortcut).into_ir()
}

fn options(options: GeneralOptions) -> model::Script {
    Script::new().options(options).into_ir()
}

/// A throwaway self-signed certificate and key (k6 parses `tlsAuth` certificates).
const TEST_CERT: &str = include_str!("fixtures/test-client-cert.pem");
const TEST_KEY: &str = include_str!("fixtures/test-client-key.pem");

// ---------------------------------------------------------------------------------
// Custom metrics
// ---------------------------------------------------------------------------------

#[test]
fn metric_names_follow_k6s_rule() {
    let rule =
        "k6 metric names are 2 to 129 ASCII letters, digits or `_`, not starting with a digit";
    for name in ["x", "bad-name", "1st_metric", "naïve", &"a".repeat(130)] {
        we_reject(
            &Script::new().metric(&Trend::new(name.to_owned())).into_ir(),
            // (Messages quote at most 100 characters of a name.)
            &format!(
                "metric {0}: metric name {0} is not allowed: {rule}",
                k6dsl::validate::problem::excerpt(name)
            ),
        );
    }
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("x");
export const options = {};
export default function () {}"#,
        "Invalid metric name: 'x'",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("bad-name");
export const options = {};
export default function () {}"#,
        "Invalid metric name: 'bad-name'",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("1st_metric");
export const options = {};
export default function () {}"#,
        "Invalid metric name",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("naïve");
export const options = {};
export default function () {}"#,
        "Invalid metric name",
    );
    k6_rejects(
        &format!(
            r#"import {{ Trend }} from "k6/metrics";
const m = new Trend("{}");
export const options = {{}};
export default function () {{}}"#,
            "a".repeat(130)
        ),
        "Invalid metric name",
    );
    // The boundaries: 2 and 129 characters, a leading underscore.
    for name in ["ab".to_owned(), "_1".to_owned(), "a".repeat(129)] {
        both_accept(
            &Script::new()
                .threshold(Counter::new(name).count().lt(1))
                .into_ir(),
        );
    }
}

#[test]
fn a_metric_has_one_kind_and_one_value_type() {
    let model = Script::new()
        .metric(&Trend::new("abc"))
        .metric(&Counter::new("abc"))
        .into_ir();
    we_reject(
        &model,
        "metric `abc`: declared more than once with different kinds or time flags: a k6 metric has one kind",
    );
    k6_rejects(
        r#"import { Counter, Trend } from "k6/metrics";
const a = new Trend("abc");
const b = new Counter("abc");
export const options = {};
export default function () {}"#,
        "metric 'abc' already exists but with type trend, instead of counter",
    );

    let model = Script::new()
        .metric(&Trend::new("abc"))
        .metric(&Trend::time("abc"))
        .into_ir();
    we_reject(
        &model,
        "metric `abc`: declared more than once with different kinds or time flags: a k6 metric has one kind",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const a = new Trend("abc");
const b = new Trend("abc", true);
export const options = {};
export default function () {}"#,
        "metric 'abc' already exists but with a value type default, instead of time",
    );
}

#[test]
fn custom_metrics_cannot_take_builtin_names() {
    // Another kind: k6 rejects it.
    we_reject(
        &Script::new().metric(&Trend::new("http_reqs")).into_ir(),
        "metric `http_reqs`: the name belongs to k6's built-in Counter metric: choose another name",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("http_reqs");
export const options = {};
export default function () {}"#,
        "metric 'http_reqs' already exists but with type counter, instead of trend",
    );
    // Another value type: k6 rejects it.
    we_reject(
        &Script::new().metric(&Trend::new("http_req_duration")).into_ir(),
        "metric `http_req_duration`: the name belongs to k6's built-in Trend metric: choose another name",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("http_req_duration");
export const options = {};
export default function () {}"#,
        "metric 'http_req_duration' already exists but with a value type time, instead of default",
    );
    // The same kind and value type: k6 accepts it and hands back its own built-in
    // metric, so the "custom" samples silently mix with k6's. k6dsl is stricter here
    // on purpose.
    we_reject(
        &Script::new().metric(&Counter::new("http_reqs")).into_ir(),
        "metric `http_reqs`: the name belongs to k6's built-in Counter metric: choose another name",
    );
    k6_accepts(
        r#"import { Counter } from "k6/metrics";
const m = new Counter("http_reqs");
export const options = {};
export default function () {}"#,
    );
}

// ---------------------------------------------------------------------------------
// Flows and exec
// ---------------------------------------------------------------------------------

#[test]
fn exec_must_name_an_exported_function() {
    let mut model =
        scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new("work"))]);
    scenario_of(&mut model).exec = Some("nope".into());
    we_reject(
        &model,
        "scenario `s`: exec `nope` names no flow of this script: add the flow or fix the name",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", exec: "nope" } } };
export default function () {}
export function work() {}"#,
        "function 'nope' not found in exports",
    );
}

#[test]
fn flow_names_k6_cannot_run() {
    // `options` is the one export k6 refuses to run.
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new("options"))]),
        "flow `options`: flow name `options` is not allowed: k6 gives this export its own meaning (options, default, setup, teardown, handleSummary)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", exec: "options" } } };
export default function () {}"#,
        "function 'options' not found in exports",
    );
    // No exported function can be called `bad-name` or ``.
    let identifier = "it must be a JavaScript identifier (ASCII letters, digits, `_`, `$`, not starting with a digit, not a reserved word)";
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new("bad-name"))]),
        &format!("flow `bad-name`: flow name `bad-name` is not allowed: {identifier}"),
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", exec: "bad-name" } } };
export default function () {}"#,
        "function 'bad-name' not found in exports",
    );
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new(""))]),
        &format!("flow ``: flow name `` is not allowed: {identifier}"),
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", exec: "" } } };
export default function () {}"#,
        "exec value cannot be empty",
    );
    // k6 would run `default`, `setup`, `teardown` or `handleSummary` as a scenario's
    // function, but k6dsl generates those exports itself (or, for `default`, cannot
    // name a function so): a flow cannot take these names. A code-generation rule,
    // not a k6 one.
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new("default"))]),
        &format!("flow `default`: flow name `default` is not allowed: {identifier}"),
    );
    for name in ["setup", "teardown", "handleSummary"] {
        we_reject(
            &scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new(name))]),
            &format!("flow `{name}`: flow name `{name}` is not allowed: k6 gives this export its own meaning (options, default, setup, teardown, handleSummary)"),
        );
    }
}

#[test]
fn flow_names_are_unique() {
    let mut model =
        scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new("work"))]);
    model.flows.push(model.flows[0].clone());
    we_reject(
        &model,
        "flow `work`: flow name `work` is used more than once",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", exec: "work" } } };
export function work() {}
export function work() {}"#,
        "Duplicate export name work",
    );
}

// ---------------------------------------------------------------------------------
// Top-level shortcuts
// ---------------------------------------------------------------------------------

#[test]
fn shortcut_vus_and_duration() {
    let mut model = shortcut(Shortcut::duration(nz!(1), secs(10)));
    if let Execution::Shortcut(model::Shortcut::Duration { vus, .. }) = &mut model.options.execution
    {
        *vus = 0;
    }
    we_reject(&model, "top-level shortcut: vus must be greater than 0");
    k6_rejects(
        r#"export const options = { vus: 0, duration: "10s" };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );

    we_reject(
        &shortcut(Shortcut::duration(nz!(1), Duration::ZERO)),
        "top-level shortcut: duration must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 1, duration: "0s" };
export default function () {}"#,
        "`duration` option should be more than 0",
    );

    // k6 runs the shortcut as a constant-vus scenario, which lasts at least 1s.
    we_reject(
        &shortcut(Shortcut::duration(nz!(1), millis(999))),
        "top-level shortcut: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { vus: 1, duration: "999ms" };
export default function () {}"#,
        "the duration must be at least 1s, but is 999ms",
    );
    both_accept(&shortcut(Shortcut::duration(nz!(1), secs(1))));
}

#[test]
fn shortcut_vus_and_iterations() {
    we_reject(
        &shortcut(Shortcut::iterations(nz!(3), nz!(2))),
        "top-level shortcut: iterations (2) is less than vus (3)",
    );
    k6_rejects(
        r#"export const options = { vus: 3, iterations: 2 };
export default function () {}"#,
        "the number of iterations (2) can't be less than the number of VUs (3)",
    );
    both_accept(&shortcut(Shortcut::iterations(nz!(3), nz!(3))));

    let mut model = shortcut(Shortcut::iterations(nz!(1), nz!(1)));
    if let Execution::Shortcut(model::Shortcut::Iterations {
        vus, iterations, ..
    }) = &mut model.options.execution
    {
        *vus = 0;
        *iterations = 0;
    }
    we_reject(&model, "top-level shortcut: vus must be greater than 0");
    we_reject(
        &model,
        "top-level shortcut: iterations must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 0, iterations: 1 };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 1, iterations: 0 };
export default function () {}"#,
        "the number of iterations (0) can't be less than the number of VUs (1)",
    );

    // With a duration, k6 runs shared-iterations with that maxDuration.
    we_reject(
        &shortcut(Shortcut::iterations_within(nz!(1), nz!(1), millis(999))),
        "top-level shortcut: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { vus: 1, iterations: 1, duration: "999ms" };
export default function () {}"#,
        "the maxDuration must be at least 1s, but is 999ms",
    );
    both_accept(&shortcut(Shortcut::iterations_within(
        nz!(1),
        nz!(1),
        secs(1),
    )));
}

#[test]
fn shortcut_stages() {
    we_reject(
        &shortcut(Shortcut::stages(0, [(secs(10), 0), (secs(5), 0)])),
        "top-level shortcut: either vus or one of the stages' targets must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { vus: 0, stages: [{ duration: "10s", target: 0 }, { duration: "5s", target: 0 }] };
export default function () {}"#,
        "either startVUs or one of the stages' target values must be greater than 0",
    );
    both_accept(&shortcut(Shortcut::stages(
        0,
        [(secs(10), 0), (secs(5), 1)],
    )));

    we_reject(
        &shortcut(Shortcut::stages(1, [(secs(10), 100_000_001)])),
        "top-level shortcut: stage target (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { vus: 1, stages: [{ duration: "10s", target: 100000001 }] };
export default function () {}"#,
        "target for stage 1 exceeds max limit of 100000000",
    );
    we_reject(
        &shortcut(Shortcut::stages(100_000_001, [(secs(10), 1)])),
        "top-level shortcut: vus (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { vus: 100000001, stages: [{ duration: "10s", target: 1 }] };
export default function () {}"#,
        "the startVUs exceed max limit of 100000000",
    );
    // The boundary (a jump: k6 plans a ramp VU by VU).
    both_accept(&shortcut(Shortcut::stages(
        100_000_000,
        [(Duration::ZERO, 100_000_000), (secs(1), 100_000_000)],
    )));

    // k6 ignores an empty `stages` with a warning and runs one iteration instead.
    we_reject(
        &shortcut(Shortcut::stages(1, [])),
        "top-level shortcut: stages must have at least one stage",
    );
    k6_accepts(
        r#"export const options = { vus: 1, stages: [] };
export default function () {}"#,
    );
    // k6 accepts stages that all last 0s, and then runs nothing.
    we_reject(
        &shortcut(Shortcut::stages(1, [(Duration::ZERO, 5)])),
        "top-level shortcut: stages: every stage lasts 0s, so nothing would run: give a stage a duration",
    );
    k6_accepts(
        r#"export const options = { vus: 1, stages: [{ duration: "0s", target: 5 }] };
export default function () {}"#,
    );
}

// ---------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------

#[test]
fn scenario_names_follow_k6s_rule() {
    let rule = "k6 scenario names use only ASCII letters, digits, `_` and `-`";
    for name in ["a b", "naïve", "dot.ted", ""] {
        we_reject(
            &one_scenario_named(name),
            &format!("scenario `{name}`: scenario name `{name}` is not allowed: {rule}"),
        );
    }
    k6_rejects(
        r#"export const options = { scenarios: { "a b": { executor: "shared-iterations" } } };
export default function () {}"#,
        "the scenario name should contain only numbers, latin letters, underscores, and dashes",
    );
    k6_rejects(
        r#"export const options = { scenarios: { "naïve": { executor: "shared-iterations" } } };
export default function () {}"#,
        "the scenario name should contain only numbers, latin letters, underscores, and dashes",
    );
    k6_rejects(
        r#"export const options = { scenarios: { "dot.ted": { executor: "shared-iterations" } } };
export default function () {}"#,
        "the scenario name should contain only numbers, latin letters, underscores, and dashes",
    );
    k6_rejects(
        r#"export const options = { scenarios: { "": { executor: "shared-iterations" } } };
export default function () {}"#,
        "the scenario name should contain only numbers, latin letters, underscores, and dashes",
    );
    both_accept(&one_scenario_named("Az09_-"));
}

fn one_scenario_named(name: &str) -> model::Script {
    scenarios([Scenario::new(name, SharedIterations::new())])
}

#[test]
fn scenario_lists_k6_would_misread() {
    // Two scenarios of one name: a JavaScript object keeps the last, so k6 would
    // silently run one of them.
    let model = scenarios([
        Scenario::new("s", SharedIterations::new()),
        Scenario::new("s", PerVuIterations::new()),
    ]);
    we_reject(
        &model,
        "scenario `s`: scenario name `s` is used more than once",
    );
    let printed = k6_accepts(
        r#"export const options = { scenarios: {
  s: { executor: "shared-iterations" },
  s: { executor: "per-vu-iterations" },
} };
export default function () {}"#,
    );
    assert_eq!(printed["scenarios"].as_object().unwrap().len(), 1);

    // No scenarios at all: k6 warns and runs one iteration of `default` instead.
    let mut model = one_scenario_named("s");
    model.options.execution = Execution::Scenarios(vec![]);
    we_reject(
        &model,
        "script: scenarios: there are no scenarios: add one or leave the load unset",
    );
    k6_accepts(
        r#"export const options = { scenarios: {} };
export default function () {}"#,
    );
}

#[test]
fn scenario_tags_and_env() {
    // An empty tag name passes `k6 inspect`, then crashes k6 when it tags a sample.
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).tag("", "x")]),
        "scenario `s`: tag `` = `x`: tag names must not be empty (k6 crashes on an empty tag name)",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", tags: { "": "x" } } } };
export default function () {}"#,
    );
    // k6 copies `env` into `__ENV` whatever the names. k6dsl is stricter: a name that
    // is empty or holds `=` or NUL is no environment variable, so `k6 run -e` and
    // the environment could never set or override it.
    for key in ["", "A=B", "NUL\0"] {
        we_reject(
            &scenarios([Scenario::new("s", SharedIterations::new()).env(key, "x")]),
            &format!(
                "scenario `s`: env: environment variable name `{key}` must be non-empty, without `=` or NUL"
            ),
        );
    }
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", env: { "": "x", "A=B": "y" } } } };
export default function () {}"#,
    );
}

#[test]
fn shared_iterations() {
    we_reject(
        &one_scenario(SharedIterations::new().vus(nz!(3)).iterations(nz!(2))),
        "scenario `s`: iterations (2) is less than vus (3)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", vus: 3, iterations: 2 } } };
export default function () {}"#,
        "the number of iterations (2) can't be less than the number of VUs (3)",
    );
    // vus defaults to 1 and iterations to 1.
    we_reject(
        &one_scenario(SharedIterations::new().vus(nz!(2))),
        "scenario `s`: iterations (1) is less than vus (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", vus: 2 } } };
export default function () {}"#,
        "the number of iterations (1) can't be less than the number of VUs (2)",
    );
    both_accept(&one_scenario(
        SharedIterations::new().vus(nz!(3)).iterations(nz!(3)),
    ));

    let mut model = one_scenario(SharedIterations::new());
    *executor_of(&mut model) = Executor::SharedIterations {
        vus: Some(0),
        iterations: Some(0),
        max_duration: None,
    };
    we_reject(&model, "scenario `s`: vus must be greater than 0");
    we_reject(&model, "scenario `s`: iterations must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", vus: 0 } } };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", iterations: 0 } } };
export default function () {}"#,
        "the number of iterations (0) can't be less than the number of VUs (1)",
    );

    we_reject(
        &one_scenario(SharedIterations::new().max_duration(millis(999))),
        "scenario `s`: maxDuration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", maxDuration: "999ms" } } };
export default function () {}"#,
        "the maxDuration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(SharedIterations::new().max_duration(secs(1))));
}

#[test]
fn per_vu_iterations() {
    let mut model = one_scenario(PerVuIterations::new());
    *executor_of(&mut model) = Executor::PerVuIterations {
        vus: Some(0),
        iterations: Some(0),
        max_duration: None,
    };
    we_reject(&model, "scenario `s`: vus must be greater than 0");
    we_reject(&model, "scenario `s`: iterations must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "per-vu-iterations", vus: 0 } } };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "per-vu-iterations", iterations: 0 } } };
export default function () {}"#,
        "the number of iterations must be more than 0",
    );
    both_accept(&one_scenario(
        PerVuIterations::new().vus(nz!(1)).iterations(nz!(1)),
    ));

    we_reject(
        &one_scenario(PerVuIterations::new().max_duration(millis(999))),
        "scenario `s`: maxDuration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "per-vu-iterations", maxDuration: "999ms" } } };
export default function () {}"#,
        "the maxDuration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(PerVuIterations::new().max_duration(secs(1))));
}

#[test]
fn constant_vus() {
    let mut model = one_scenario(ConstantVus::new().duration(secs(10)));
    *executor_of(&mut model) = Executor::ConstantVus {
        vus: Some(0),
        duration: secs(10),
    };
    we_reject(&model, "scenario `s`: vus must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-vus", vus: 0, duration: "10s" } } };
export default function () {}"#,
        "the number of VUs must be more than 0",
    );

    we_reject(
        &one_scenario(ConstantVus::new().duration(millis(999))),
        "scenario `s`: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-vus", duration: "999ms" } } };
export default function () {}"#,
        "the duration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(
        ConstantVus::new().vus(nz!(1)).duration(secs(1)),
    ));
}

#[test]
fn ramping_vus() {
    let mut model = one_scenario(RampingVus::new().stage(secs(1), 1));
    if let Executor::RampingVus { stages, .. } = executor_of(&mut model) {
        stages.clear();
    }
    we_reject(&model, "scenario `s`: stages must have at least one stage");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", stages: [] } } };
export default function () {}"#,
        "at least one stage has to be specified",
    );

    we_reject(
        &one_scenario(RampingVus::new().start_vus(0).stage(secs(10), 0)),
        "scenario `s`: either startVUs or one of the stages' targets must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", startVUs: 0, stages: [{ duration: "10s", target: 0 }] } } };
export default function () {}"#,
        "either startVUs or one of the stages' target values must be greater than 0",
    );
    both_accept(&one_scenario(
        RampingVus::new().start_vus(0).stage(secs(10), 1),
    ));
    both_accept(&one_scenario(
        RampingVus::new().start_vus(1).stage(secs(10), 0),
    ));

    we_reject(
        &one_scenario(RampingVus::new().stage(secs(10), 100_000_001)),
        "scenario `s`: stage target (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", stages: [{ duration: "10s", target: 100000001 }] } } };
export default function () {}"#,
        "target for stage 1 exceeds max limit of 100000000",
    );
    we_reject(
        &one_scenario(RampingVus::new().start_vus(100_000_001).stage(secs(10), 1)),
        "scenario `s`: startVUs (100000001) is larger than 100000000",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", startVUs: 100000001, stages: [{ duration: "10s", target: 1 }] } } };
export default function () {}"#,
        "the startVUs exceed max limit of 100000000",
    );
    // The boundary, as jumps (k6 plans a ramp VU by VU).
    both_accept(&one_scenario(
        RampingVus::new()
            .start_vus(100_000_000)
            .stage(Duration::ZERO, 100_000_000)
            .stage(secs(1), 100_000_000),
    ));

    // k6 accepts stages that all last 0s, and then runs nothing.
    we_reject(
        &one_scenario(RampingVus::new().stage(Duration::ZERO, 5)),
        "scenario `s`: stages: every stage lasts 0s, so nothing would run: give a stage a duration",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-vus", stages: [{ duration: "0s", target: 5 }] } } };
export default function () {}"#,
    );
}

#[test]
fn constant_arrival_rate() {
    let valid = || {
        ConstantArrivalRate::new()
            .rate(nz!(1))
            .duration(secs(10))
            .pre_allocated_vus(1)
    };
    let mut model = one_scenario(valid());
    if let Executor::ConstantArrivalRate { rate, .. } = executor_of(&mut model) {
        *rate = 0;
    }
    we_reject(&model, "scenario `s`: rate must be greater than 0");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 0, duration: "10s", preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the iteration rate must be more than 0",
    );

    we_reject(
        &one_scenario(valid().time_unit(Duration::ZERO)),
        "scenario `s`: timeUnit must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, timeUnit: "0s", duration: "10s", preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the timeUnit must be more than 0",
    );
    both_accept(&one_scenario(valid().time_unit(Duration::from_nanos(1))));

    we_reject(
        &one_scenario(valid().duration(millis(999))),
        "scenario `s`: duration (999ms) must be at least 1s",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, duration: "999ms", preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the duration must be at least 1s, but is 999ms",
    );
    both_accept(&one_scenario(valid().duration(secs(1))));

    we_reject(
        &one_scenario(valid().pre_allocated_vus(2).max_vus(1)),
        "scenario `s`: maxVUs (1) is less than preAllocatedVUs (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, duration: "10s", preAllocatedVUs: 2, maxVUs: 1 } } };
export default function () {}"#,
        "maxVUs can't be less than preAllocatedVUs",
    );
    both_accept(&one_scenario(valid().pre_allocated_vus(2).max_vus(2)));
    both_accept(&one_scenario(valid().pre_allocated_vus(0).max_vus(1)));

    // No VU at all: k6 accepts it and then starts no iteration.
    let no_vus = "scenario `s`: preAllocatedVUs and maxVUs are both 0, so no iteration can ever start: pre-allocate at least one VU";
    we_reject(&one_scenario(valid().pre_allocated_vus(0)), no_vus);
    we_reject(
        &one_scenario(valid().pre_allocated_vus(0).max_vus(0)),
        no_vus,
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "constant-arrival-rate", rate: 1, duration: "10s", preAllocatedVUs: 0 } } };
export default function () {}"#,
    );
}

#[test]
fn ramping_arrival_rate() {
    let valid = || {
        RampingArrivalRate::new()
            .stage(secs(10), 5)
            .pre_allocated_vus(1)
    };
    we_reject(
        &one_scenario(valid().time_unit(Duration::ZERO)),
        "scenario `s`: timeUnit must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", timeUnit: "0s", stages: [{ duration: "10s", target: 5 }], preAllocatedVUs: 1 } } };
export default function () {}"#,
        "the timeUnit must be more than 0",
    );

    let mut model = one_scenario(valid());
    if let Executor::RampingArrivalRate { stages, .. } = executor_of(&mut model) {
        stages.clear();
    }
    we_reject(&model, "scenario `s`: stages must have at least one stage");
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [], preAllocatedVUs: 1 } } };
export default function () {}"#,
        "at least one stage has to be specified",
    );

    we_reject(
        &one_scenario(valid().pre_allocated_vus(2).max_vus(1)),
        "scenario `s`: maxVUs (1) is less than preAllocatedVUs (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [{ duration: "10s", target: 5 }], preAllocatedVUs: 2, maxVUs: 1 } } };
export default function () {}"#,
        "maxVUs can't be less than preAllocatedVUs",
    );
    both_accept(&one_scenario(valid().pre_allocated_vus(2).max_vus(2)));

    // k6 does not cap arrival rates (it caps VU ramps at 100,000,000).
    both_accept(&one_scenario(
        RampingArrivalRate::new()
            .start_rate(100_000_001)
            .stage(secs(10), 1_000_000_000)
            .pre_allocated_vus(1),
    ));

    // All-zero rates: k6 accepts them and then starts no iteration.
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .start_rate(0)
                .stage(secs(10), 0)
                .pre_allocated_vus(1),
        ),
        "scenario `s`: either startRate or one of the stages' targets must be greater than 0",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", startRate: 0, stages: [{ duration: "10s", target: 0 }], preAllocatedVUs: 1 } } };
export default function () {}"#,
    );
    // Stages that all last 0s: accepted by k6, and nothing runs.
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .stage(Duration::ZERO, 5)
                .pre_allocated_vus(1),
        ),
        "scenario `s`: stages: every stage lasts 0s, so nothing would run: give a stage a duration",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [{ duration: "0s", target: 5 }], preAllocatedVUs: 1 } } };
export default function () {}"#,
    );
    // No VU at all: accepted by k6, and no iteration ever starts.
    we_reject(
        &one_scenario(valid().pre_allocated_vus(0)),
        "scenario `s`: preAllocatedVUs and maxVUs are both 0, so no iteration can ever start: pre-allocate at least one VU",
    );
    k6_accepts(
        r#"export const options = { scenarios: { s: { executor: "ramping-arrival-rate", stages: [{ duration: "10s", target: 5 }], preAllocatedVUs: 0 } } };
export default function () {}"#,
    );
}

#[test]
fn externally_controlled() {
    we_reject(
        &one_scenario(
            ExternallyControlled::new()
                .vus(2)
                .max_vus(1)
                .duration(secs(10)),
        ),
        "scenario `s`: maxVUs (1) is less than vus (2)",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "externally-controlled", vus: 2, maxVUs: 1, duration: "10s" } } };
export default function () {}"#,
        "the number of active VUs (2) must be less than or equal to the number of maxVUs (1)",
    );
    both_accept(&one_scenario(
        ExternallyControlled::new()
            .vus(2)
            .max_vus(2)
            .duration(secs(10)),
    ));

    let model = scenarios([
        Scenario::new("s", ExternallyControlled::new().duration(secs(10))).graceful_stop(secs(30)),
    ]);
    we_reject(
        &model,
        "scenario `s`: externally-controlled does not take gracefulStop: remove it",
    );
    k6_rejects(
        r#"export const options = { scenarios: { s: { executor: "externally-controlled", duration: "10s", gracefulStop: "30s" } } };
export default function () {}"#,
        "gracefulStop is not supported by the externally controlled executor",
    );
}

/// Integers above 2^53 cannot be written exactly in JavaScript: k6 accepts the
/// literal and reads another number.
#[test]
fn numbers_javascript_cannot_hold_exactly() {
    let too_big: NonZeroU64 = nz!(9_007_199_254_740_993);
    we_reject(
        &one_scenario(SharedIterations::new().iterations(too_big)),
        "scenario `s`: iterations (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &one_scenario(PerVuIterations::new().iterations(too_big)),
        "scenario `s`: iterations (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &shortcut(Shortcut::iterations(nz!(1), too_big)),
        "top-level shortcut: iterations (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &one_scenario(
            ConstantArrivalRate::new()
                .rate(too_big)
                .duration(secs(10))
                .pre_allocated_vus(1),
        ),
        "scenario `s`: rate (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .stage(secs(10), too_big.get())
                .pre_allocated_vus(1),
        ),
        "scenario `s`: stage target (9007199254740993) is larger than 9007199254740991",
    );
    we_reject(
        &options(GeneralOptions::default().rps(too_big.get())),
        "option `rps`: rps (9007199254740993) is larger than 9007199254740991",
    );
    let printed = k6_accepts(
        r#"export const options = { rps: 9007199254740993, scenarios: { s: { executor: "shared-iterations", iterations: 9007199254740993 } } };
export default function () {}"#,
    );
    assert_eq!(printed["rps"], json!(9_007_199_254_740_992_u64));
    assert_eq!(
        printed["scenarios"]["s"]["iterations"],
        json!(9_007_199_254_740_992_u64)
    );
    both_accept(&one_scenario(
        SharedIterations::new().iterations(nz!(9_007_199_254_740_991)),
    ));
}

// ---------------------------------------------------------------------------------
// Thresholds
// ---------------------------------------------------------------------------------

/// The model of a script with one threshold, changed by `change` (to reach what the
/// typed builders cannot express).
fn threshold_model(change: impl FnOnce(&mut model::Threshold)) -> model::Script {
    let mut model = Script::new()
        .threshold(HTTP_REQ_DURATION.avg().lt(1))
        .into_ir();
    change(&mut model.options.thresholds[0]);
    model
}

#[test]
fn thresholds_need_an_existing_metric() {
    let mut model = Script::new()
        .threshold(Counter::new("orders").count().gt(1))
        .into_ir();
    model.metrics.clear();
    we_reject(
        &model,
        "threshold `orders`: no metric `orders` exists: it is not built in and the script declares no custom metric of that name",
    );
    k6_rejects(
        r#"export const options = { thresholds: { orders: ["count>1"] } };
export default function () {}"#,
        r#"no metric name \"orders\" found"#,
    );
    both_accept(
        &Script::new()
            .threshold(Counter::new("orders").count().gt(1))
            .into_ir(),
    );
}

/// Every statistic on every kind of metric it does not apply to.
#[test]
fn threshold_statistics_follow_the_metric_kind() {
    let metrics = [
        ("http_req_duration", MetricKind::Trend, "trend"),
        ("http_reqs", MetricKind::Counter, "counter"),
        ("checks", MetricKind::Rate, "rate"),
        ("vus", MetricKind::Gauge, "gauge"),
    ];
    let stats = [
        Stat::Avg,
        Stat::Min,
        Stat::Max,
        Stat::Med,
        Stat::Percentile(95.0),
        Stat::Count,
        Stat::Rate,
        Stat::Value,
    ];
    for (metric, kind, k6_kind) in metrics {
        for stat in stats {
            let model = threshold_model(|t| {
                t.metric = metric.into();
                t.kind = kind;
                t.stat = stat;
            });
            let name = stat.k6_name();
            let js = format!(
                r#"export const options = {{ thresholds: {{ {metric}: ["{name}<1"] }} }};
export default function () {{}}"#
            );
            if stat.applies_to(kind) {
                both_accept(&model);
                k6_accepts(&js);
            } else {
                we_reject(
                    &model,
                    &format!("threshold `{metric}`: `{name}` does not apply to a {kind:?} metric (k6 allows: Trend → avg, min, max, med, p(N); Counter → count, rate; Rate → rate; Gauge → value)"),
                );
                let method = name.split('(').next().unwrap();
                k6_rejects(
                    &js,
                    &format!("unsupported aggregation method {method} on metric of type {k6_kind}"),
                );
            }
        }
    }
    // A threshold that names a metric with the wrong kind is caught as well.
    let model = threshold_model(|t| {
        t.kind = MetricKind::Counter;
        t.stat = Stat::Count;
    });
    we_reject(
        &model,
        "threshold `http_req_duration`: metric `http_req_duration` is a Trend, but is used as a Counter",
    );
    k6_rejects(
        r#"export const options = { thresholds: { http_req_duration: ["count<1"] } };
export default function () {}"#,
        "unsupported aggregation method count on metric of type trend",
    );
}

#[test]
fn threshold_values_k6_accepts_but_mishandles() {
    // k6 v1.1.0 accepts a percentile outside [0, 100], then panics mid-run.
    for p in [-1.0, 100.5, 101.0] {
        we_reject(
            &Script::new()
                .threshold(HTTP_REQ_DURATION.p(p).lt(1))
                .into_ir(),
            &format!("threshold `http_req_duration`: percentile p({p}) must be between 0 and 100"),
        );
    }
    k6_accepts(
        r#"export const options = { thresholds: { http_req_duration: ["p(101)<1", "p(-1)<1"] } };
export default function () {}"#,
    );
    // Go's ParseFloat reads `NaN` and `Inf`, so k6 accepts such bounds: a NaN bound
    // always fails and an infinite one means nothing. k6dsl writes finite numbers only.
    for bound in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        we_reject(
            &Script::new()
                .threshold(HTTP_REQ_DURATION.avg().lt(bound))
                .into_ir(),
            &format!(
                "threshold `http_req_duration`: threshold bound ({bound}) must be a finite number"
            ),
        );
    }
    k6_accepts(
        r#"export const options = { thresholds: { http_req_duration: ["avg<NaN", "avg<Inf"] } };
export default function () {}"#,
    );
    // k6 ignores delayAbortEval without abortOnFail (it does not even print it back).
    let mut model = Script::new()
        .threshold(HTTP_REQ_DURATION.avg().lt(1).delay_abort_eval(secs(10)))
        .into_ir();
    we_reject(
        &model,
        "threshold `http_req_duration`: delayAbortEval has no effect without abortOnFail: add .abort_on_fail() or remove the delay",
    );
    let printed = k6_accepts(
        r#"export const options = { thresholds: { http_req_duration: [{ threshold: "avg<1", abortOnFail: false, delayAbortEval: "10s" }] } };
export default function () {}"#,
    );
    assert_eq!(printed["thresholds"]["http_req_duration"], json!(["avg<1"]));
    model.options.thresholds[0].abort_on_fail = true;
    both_accept(&model);
}

#[test]
fn selectors_k6_rejects() {
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("method", "").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{method:}`: tag `method` = ``: tag values in a threshold selector must not be empty",
    );
    k6_rejects(
        r#"export const options = { thresholds: { "http_req_duration{method:}": ["avg<1"] } };
export default function () {}"#,
        "tag expression is malformed",
    );
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("name", "a,b").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{name:a,b}`: tag `name` = `a,b`: k6 selectors cannot express a tag value containing `,` or `}`",
    );
    k6_rejects(
        r#"export const options = { thresholds: { "http_req_duration{name:a,b}": ["avg<1"] } };
export default function () {}"#,
        "tag expression is malformed",
    );
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("a,b", "c").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{a,b:c}`: tag `a,b` = `c`: k6 selectors cannot express a tag name containing `:`, `,`, `{` or `}`",
    );
    k6_rejects(
        r#"export const options = { thresholds: { "http_req_duration{a,b:c}": ["avg<1"] } };
export default function () {}"#,
        "tag expression is malformed",
    );
    both_accept(
        &Script::new()
            .threshold(HTTP_REQ_DURATION.tag("name", "a: b").avg().lt(1))
            .into_ir(),
    );
}

/// Selectors k6 accepts but reads as another sub-metric than the model means, or
/// that can never see a sample: k6 would pass such thresholds silently.
#[test]
fn selectors_k6_misreads() {
    // An empty tag name passes `k6 inspect` and crashes k6 at run time.
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("", "x").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{:x}`: tag `` = `x`: tag names in a threshold selector must not be empty (k6 crashes on it)",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{:x}": ["avg<1"] } };
export default function () {}"#,
    );
    // k6 cuts at the first `:`, so `a:b` = `c` would be read as `a` = `b:c`.
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("a:b", "c").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{a:b:c}`: tag `a:b` = `c`: k6 selectors cannot express a tag name containing `:`, `,`, `{` or `}`",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{a:b:c}": ["avg<1"] } };
export default function () {}"#,
    );
    // k6 trims spaces, then quotes, around tag names and values: these selectors
    // would never match the tags the model means.
    let spaces = "k6 trims spaces around selector tags, so this one could never match: remove the surrounding spaces";
    we_reject(
        &Script::new()
            .threshold(HTTP_REQ_DURATION.tag("name", " x ").avg().lt(1))
            .into_ir(),
        &format!("threshold `http_req_duration{{name: x }}`: tag `name` = ` x `: {spaces}"),
    );
    let quotes = "k6 strips quotes (`\"`, `'`) around selector tags, so this one could never match: remove them";
    for (key, value) in [
        ("name", "'quoted'"),
        ("name", "\"x\""),
        ("'name'", "x"),
        ("name", "it'"),
    ] {
        we_reject(
            &Script::new()
                .threshold(HTTP_REQ_DURATION.tag(key, value).avg().lt(1))
                .into_ir(),
            &format!(
                "threshold `http_req_duration{{{key}:{value}}}`: tag `{key}` = `{value}`: {quotes}"
            ),
        );
    }
    let printed = k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{name:'quoted'}": ["avg<1"] } };
export default function () {}"#,
    );
    assert!(printed["thresholds"]["http_req_duration{name:'quoted'}"].is_array());
    // Quotes inside a value are kept by k6.
    both_accept(
        &Script::new()
            .threshold(
                HTTP_REQ_DURATION
                    .tag("name", "it's \"fine\" here")
                    .avg()
                    .lt(1),
            )
            .into_ir(),
    );
    // Two keys that k6 reads as one sub-metric: which thresholds apply is random.
    let mut model = Script::new()
        .threshold(HTTP_REQ_DURATION.tag("name", "x").avg().lt(1))
        .threshold(HTTP_REQ_DURATION.tag("name", "x").avg().gt(2))
        .into_ir();
    model.options.thresholds[1]
        .selector
        .insert("name".into(), "'x'".into());
    we_reject(
        &model,
        "threshold `http_req_duration{name:'x'}`: k6 reads this key and `http_req_duration{name:x}` as the same sub-metric: merge them",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{name:x}": ["avg<1"], "http_req_duration{name:'x'}": ["avg>2"] } };
export default function () {}"#,
    );
    // `{` and `}` are refused in tag names, and `}` in values, although k6 reads them
    // correctly (`k6 run` matches `{a:b}c}` to the tag a = `b}c`): k6dsl is
    // stricter than k6 here.
    we_reject(
        &Script::new().threshold(HTTP_REQ_DURATION.tag("a", "b}c").avg().lt(1)).into_ir(),
        "threshold `http_req_duration{a:b}c}`: tag `a` = `b}c`: k6 selectors cannot express a tag value containing `,` or `}`",
    );
    k6_accepts(
        r#"export const options = { thresholds: { "http_req_duration{a:b}c}": ["avg<1"], "http_req_duration{x{y:z}": ["avg<1"] } };
export default function () {}"#,
    );
}

#[test]
fn selectors_that_can_never_match() {
    // No scenario of that name: k6 passes the threshold without a sample.
    let browse = Scenario::new("browse", ConstantVus::new().duration(secs(10)));
    let other = Scenario::new("other", ConstantVus::new().duration(secs(10)));
    let model = Script::new()
        .scenario(browse)
        .threshold(HTTP_REQ_DURATION.for_scenario(&other).avg().lt(1))
        .into_ir();
    we_reject(
        &model,
        "threshold `http_req_duration{scenario:other}`: scenario selector: no scenario is called `other` (the script has: browse), so this threshold could never see a sample",
    );
    we_reject(
        &Script::new()
            .threshold(HTTP_REQ_DURATION.for_scenario(&other).avg().lt(1))
            .into_ir(),
        "threshold `http_req_duration{scenario:other}`: scenario selector: no scenario is called `other` (the script has: default), so this threshold could never see a sample",
    );
    k6_accepts(
        r#"export const options = {
  scenarios: { browse: { executor: "constant-vus", duration: "10s" } },
  thresholds: { "http_req_duration{scenario:other}": ["avg<1"] },
};
export default function () {}"#,
    );
    // Group paths are `::Outer::Inner`; anything else never matches.
    for path in ["Checkout", "::Checkout::"] {
        we_reject(
            &Script::new()
                .threshold(GROUP_DURATION.tag("group", path).avg().lt(1))
                .into_ir(),
            &format!("threshold `group_duration{{group:{path}}}`: group selector: `{path}` is not a k6 group path: write `::Outer::Inner` (build it with .for_group([\"Outer\", \"Inner\"]))"),
        );
    }
    k6_accepts(
        r#"export const options = { thresholds: { "group_duration{group:Checkout}": ["avg<1"] } };
export default function () {}"#,
    );
}

// ---------------------------------------------------------------------------------
// General options
// ---------------------------------------------------------------------------------

#[test]
fn setup_and_teardown_timeouts() {
    we_reject(
        &options(GeneralOptions::default().setup_timeout(Duration::ZERO)),
        "option `setupTimeout`: setupTimeout must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { setupTimeout: "0s" };
export default function () {}"#,
        "setupTimeout must be positive",
    );
    both_accept(&options(
        GeneralOptions::default().setup_timeout(Duration::from_nanos(1)),
    ));
    // k6 accepts teardownTimeout 0 and then fails every run (exit code 101).
    we_reject(
        &options(GeneralOptions::default().teardown_timeout(Duration::ZERO)),
        "option `teardownTimeout`: teardownTimeout must be greater than 0",
    );
    k6_accepts(
        r#"export const options = { teardownTimeout: "0s" };
export default function () {}"#,
    );
}

fn segment(from: (u32, u32), to: (u32, u32)) -> ExecutionSegment {
    ExecutionSegment {
        from: Fraction::new(from.0, from.1),
        to: Fraction::new(to.0, to.1),
    }
}

#[test]
fn execution_segments() {
    let invalid = |text: &str| {
        format!("option `executionSegment`: executionSegment: `{text}` must be `from:to` with 0 <= from < to <= 1")
    };
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 2), (1, 4)))),
        &invalid("1/2:1/4"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/2:1/4" };
export default function () {}"#,
        "segment start(0.50) must be less than its end(0.25)",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 2), (1, 2)))),
        &invalid("1/2:1/2"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/2:1/2" };
export default function () {}"#,
        "must be less than its end",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 0), (1, 1)))),
        &invalid("1/0:1"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/0:1" };
export default function () {}"#,
        "'1/0' is not a valid percentage, decimal, fraction or interval value",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 2), (3, 2)))),
        &invalid("1/2:3/2"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/2:3/2" };
export default function () {}"#,
        "segment end value can't be more than 1",
    );
    both_accept(&options(
        GeneralOptions::default().execution_segment(segment((0, 1), (1, 1))),
    ));

    let sequence = "option `executionSegmentSequence`: executionSegmentSequence: it must list at least two strictly increasing fractions between 0 and 1";
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([Fraction::new(0, 1)])),
        sequence,
    );
    k6_rejects(
        r#"export const options = { executionSegmentSequence: "0" };
export default function () {}"#,
        "at least 2 points are needed for an execution segment sequence, 1 given",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([
            Fraction::new(0, 1),
            Fraction::new(1, 2),
            Fraction::new(1, 4),
            Fraction::new(1, 1),
        ])),
        sequence,
    );
    k6_rejects(
        r#"export const options = { executionSegmentSequence: "0,1/2,1/4,1" };
export default function () {}"#,
        "segment start(0.50) must be less than its end(0.25)",
    );

    // The segment this instance runs must be one of the sequence's (0:1 when unset).
    we_reject(
        &options(
            GeneralOptions::default()
                .execution_segment(segment((1, 3), (1, 2)))
                .execution_segment_sequence([
                    Fraction::new(0, 1),
                    Fraction::new(1, 2),
                    Fraction::new(1, 1),
                ]),
        ),
        "option `executionSegment`: executionSegment: `1/3:1/2` is not one of the segments of executionSegmentSequence `0,1/2,1`: k6 requires it to be (0:1 when executionSegment is unset)",
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/3:1/2", executionSegmentSequence: "0,1/2,1" };
export default function () {}"#,
        "provided segment 1/3:1/2 can't be found in sequence 0,1/2,1",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([
            Fraction::new(0, 1),
            Fraction::new(1, 2),
            Fraction::new(1, 1),
        ])),
        "option `executionSegment`: executionSegment: `0:1` is not one of the segments of executionSegmentSequence `0,1/2,1`: k6 requires it to be (0:1 when executionSegment is unset)",
    );
    k6_rejects(
        r#"export const options = { executionSegmentSequence: "0,1/2,1" };
export default function () {}"#,
        "provided segment 0:1 can't be found in sequence 0,1/2,1",
    );
    both_accept(&options(
        GeneralOptions::default()
            .execution_segment(segment((2, 4), (1, 1)))
            .execution_segment_sequence([
                Fraction::new(0, 1),
                Fraction::new(1, 2),
                Fraction::new(1, 1),
            ]),
    ));
    both_accept(&options(
        GeneralOptions::default()
            .execution_segment_sequence([Fraction::new(0, 1), Fraction::new(1, 1)]),
    ));
}

#[test]
fn host_name_patterns() {
    for pattern in [
        "bad host", "-a.com", "a-.com", "a_b.com", "a..com", "a.com.", "*",
    ] {
        we_reject(
            &options(GeneralOptions::default().block_hostname(pattern)),
            &format!("option `blockHostnames`: blockHostnames: `{pattern}` is not a host name or `*.suffix` pattern"),
        );
    }
    for pattern in [
        "bad host", "-a.com", "a-.com", "a_b.com", "a..com", "a.com.",
    ] {
        k6_rejects(
            &format!(
                r#"export const options = {{ blockHostnames: ["{pattern}"] }};
export default function () {{}}"#
            ),
            &format!("invalid hostname pattern '{pattern}'"),
        );
    }
    // k6 also takes a bare `*` (block everything); k6dsl wants a suffix.
    k6_accepts(
        r#"export const options = { blockHostnames: ["*"] };
export default function () {}"#,
    );
    both_accept(&options(
        GeneralOptions::default()
            .block_hostname("*.a-b.example.com")
            .block_hostname("x1.y2")
            .block_hostname("UPPER.example"),
    ));

    let address = HostAddress::ip("1.2.3.4".parse().unwrap());
    for host in ["bad host", "-a.com", "a_b.com", "a.com:x"] {
        we_reject(
            &options(GeneralOptions::default().host(host, address)),
            &format!("option `hosts`: hosts: `{host}` is not `name` or `name:port`"),
        );
        k6_rejects(
            &format!(
                r#"export const options = {{ hosts: {{ "{host}": "1.2.3.4" }} }};
export default function () {{}}"#
            ),
            &format!("invalid host pattern '{host}'"),
        );
    }
    // k6's pattern also allows ports 0 and 65536..99999, which no request can use.
    for host in ["a.com:0", "a.com:65536"] {
        we_reject(
            &options(GeneralOptions::default().host(host, address)),
            &format!("option `hosts`: hosts: `{host}` is not `name` or `name:port`"),
        );
    }
    both_accept(&options(
        GeneralOptions::default()
            .host("a.com:65535", address)
            .host("*.b.com", address),
    ));
    // k6 lower-cases host names: two spellings of one name keep only one address.
    we_reject(
        &options(
            GeneralOptions::default()
                .host("a.com", address)
                .host("A.com", HostAddress::ip("5.6.7.8".parse().unwrap())),
        ),
        "option `hosts`: hosts entry (k6 lower-cases host names and keeps only one of them) `a.com` is used more than once",
    );
    let printed = k6_accepts(
        r#"export const options = { hosts: { "a.com": "1.2.3.4", "A.com": "5.6.7.8" } };
export default function () {}"#,
    );
    assert_eq!(printed["hosts"].as_object().unwrap().len(), 1);
}

#[test]
fn summary_trend_stats() {
    for p in [-1.0, 100.5] {
        we_reject(
            &options(GeneralOptions::default().summary_trend_stats([TrendStat::Percentile(p)])),
            &format!("option `summaryTrendStats`: percentile p({p}) must be between 0 and 100"),
        );
    }
    k6_rejects(
        r#"export const options = { summaryTrendStats: ["p(100.5)"] };
export default function () {}"#,
        "invalid percentile trend stat value 'p(100.5)', provide a number between 0 and 100",
    );
    k6_rejects(
        r#"export const options = { summaryTrendStats: ["p(-1)"] };
export default function () {}"#,
        "invalid percentile trend stat value",
    );
    both_accept(&options(GeneralOptions::default().summary_trend_stats([
        TrendStat::Percentile(0.0),
        TrendStat::Percentile(100.0),
    ])));
}

#[test]
fn test_wide_tags() {
    // An empty tag name crashes k6 outright.
    we_reject(
        &options(GeneralOptions::default().tag("", "x")),
        "option `tags`: tag `` = `x`: tag names must not be empty (k6 crashes on an empty tag name)",
    );
    k6_rejects(
        r#"export const options = { tags: { "": "x" } };
export default function () {}"#,
        "stack overflow",
    );
    both_accept(&options(GeneralOptions::default().tag("a", "")));
}

#[test]
fn tls_options_k6_accepts_but_cannot_use() {
    // min above max: k6 accepts it, and every TLS handshake then fails.
    we_reject(
        &options(GeneralOptions::default().tls_versions(TlsVersion::Tls1_3, TlsVersion::Tls1_2)),
        "option `tlsVersion`: tlsVersion: min (tls1.3) is above max (tls1.2)",
    );
    k6_accepts(
        r#"export const options = { tlsVersion: { min: "tls1.3", max: "tls1.2" } };
export default function () {}"#,
    );
    // A client certificate for no domain is never presented.
    let auth = |domains: Vec<String>, password_env: Option<String>| TlsAuth {
        domains,
        cert: Pem::Inline(TEST_CERT.into()),
        key: Pem::Inline(TEST_KEY.into()),
        password_env,
    };
    for domains in [vec![], vec![" ".to_owned()]] {
        we_reject(
            &options(GeneralOptions::default().tls_auth(auth(domains, None))),
            "option `tlsAuth`: tlsAuth: entry 0 needs at least one non-empty domain",
        );
    }
    k6_accepts(&format!(
        r#"export const options = {{ tlsAuth: [{{ domains: [], cert: {}, key: {} }}] }};
export default function () {{}}"#,
        json!(TEST_CERT),
        json!(TEST_KEY)
    ));
    // The password is read as `__ENV.NAME`, so NAME must be an identifier: a
    // code-generation rule.
    we_reject(
        &options(GeneralOptions::default().tls_auth(auth(vec!["a.com".into()], Some("KEY-PASS".into())))),
        "option `tlsAuth`: tlsAuth: entry 0: password environment variable `KEY-PASS` must be an identifier-like name (letters, digits, `_`)",
    );
    both_accept(&options(
        GeneralOptions::default().tls_auth(auth(vec!["a.com".into()], Some("KEY_PASS".into()))),
    ));
    // k6 checks the certificate itself when it reads the options.
    k6_rejects(
        r#"export const options = { tlsAuth: [{ domains: ["a.com"], cert: "not a certificate", key: "x" }] };
export default function () {}"#,
        "failed to find any PEM data in certificate input",
    );
}

/// Go's `time.Duration` holds at most 2562047h47m16.854775807s: k6 cannot read a
/// longer duration anywhere.
#[test]
fn durations_k6_can_represent() {
    let longest = Duration::new(9_223_372_036, 854_775_807);
    let too_long = longest + Duration::from_nanos(1);
    let message = |place: &str, field: &str| {
        format!("{place}: {field}: 2562047h47m16.854775808s is longer than k6 can represent (at most 2562047h47m16.854775807s)")
    };
    we_reject(
        &shortcut(Shortcut::duration(nz!(1), too_long)),
        &message("top-level shortcut", "duration"),
    );
    we_reject(
        &one_scenario(ConstantVus::new().duration(too_long)),
        &message("scenario `s`", "duration"),
    );
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).graceful_stop(too_long)]),
        &message("scenario `s`", "gracefulStop"),
    );
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).start_time(too_long)]),
        &message("scenario `s`", "startTime"),
    );
    we_reject(
        &one_scenario(RampingVus::new().stage(too_long, 1)),
        &message("scenario `s`", "stage duration"),
    );
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .time_unit(too_long)
                .stage(secs(1), 1)
                .pre_allocated_vus(1),
        ),
        &message("scenario `s`", "timeUnit"),
    );
    we_reject(
        &Script::new()
            .threshold(
                HTTP_REQ_DURATION
                    .avg()
                    .lt(1)
                    .abort_on_fail()
                    .delay_abort_eval(too_long),
            )
            .into_ir(),
        &message("threshold `http_req_duration`", "delayAbortEval"),
    );
    we_reject(
        &options(GeneralOptions::default().min_iteration_duration(too_long)),
        &message("option `minIterationDuration`", "minIterationDuration"),
    );
    we_reject(
        &options(GeneralOptions::default().dns(Dns::default().ttl(DnsTtl::For(too_long)))),
        &message("option `dns`", "dns.ttl"),
    );
    for js in [
        r#"export const options = { vus: 1, duration: "2562047h47m16.854775808s" };
export default function () {}"#,
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", gracefulStop: "2562047h47m16.854775808s" } } };
export default function () {}"#,
        r#"export const options = { minIterationDuration: "2562047h47m16.854775808s" };
export default function () {}"#,
        r#"export const options = { thresholds: { http_req_duration: [{ threshold: "avg<1", abortOnFail: true, delayAbortEval: "2562047h47m16.854775808s" }] } };
export default function () {}"#,
    ] {
        k6_rejects(js, "invalid duration");
    }
    // The longest duration k6 can hold is fine.
    both_accept(&scenarios([Scenario::new(
        "s",
        SharedIterations::new().max_duration(longest),
    )
    .graceful_stop(longest)]));
}

// ---------------------------------------------------------------------------------
// What k6dsl knows that k6 must know too
// ---------------------------------------------------------------------------------

/// One generated script with a threshold on every built-in metric k6dsl knows,
/// using a statistic only that metric's kind has (and `count` besides `rate` on
/// counters).
#[test]
fn every_builtin_metric_takes_thresholds() {
    let mut model = Script::new().into_ir();
    let template = HTTP_REQ_DURATION.avg().lt(1).to_ir().clone();
    for &Builtin { name, kind, .. } in BUILTIN_METRICS {
        let stats: &[Stat] = match kind {
            MetricKind::Trend => &[Stat::Percentile(95.0)],
            MetricKind::Counter => &[Stat::Count, Stat::Rate],
            MetricKind::Rate => &[Stat::Rate],
            MetricKind::Gauge => &[Stat::Value],
        };
        for &stat in stats {
            let mut threshold = template.clone();
            threshold.metric = name.into();
            threshold.kind = kind;
            threshold.stat = stat;
            model.options.thresholds.push(threshold);
        }
    }
    let printed = both_accept(&model);
    let keys: Vec<&str> = printed["thresholds"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut names: Vec<&str> = BUILTIN_METRICS.iter().map(|m| m.name).collect();
    let mut keys = keys;
    keys.sort_unstable();
    names.sort_unstable();
    assert_eq!(keys, names);
    assert!(names.contains(&"ws_ping") && names.contains(&"grpc_req_duration"));
}

/// k6 hands back its own metric when a script declares a built-in name with the
/// same kind and value type, and rejects any other kind or value type: declaring
/// every built-in as k6dsl describes it proves the kinds and time flags match k6's.
/// (`data_sent` and `data_received` hold k6's "data" value type, which scripts
/// cannot declare; their kind is checked by the `count` threshold above.)
#[test]
fn builtin_kinds_and_time_flags_match_k6() {
    let mut declarations = String::new();
    for (i, &Builtin { name, kind, time }) in BUILTIN_METRICS.iter().enumerate() {
        if name.starts_with("data_") {
            continue;
        }
        declarations.push_str(&format!(
            "const m{i} = new {}(\"{name}\", {time});\n",
            kind.js_class()
        ));
    }
    k6_accepts(&format!(
        "import {{ Counter, Gauge, Rate, Trend }} from \"k6/metrics\";\n{declarations}\
         export const options = {{}};\nexport default function () {{}}\n"
    ));
    // The same declarations with the other time flag are all rejected.
    for &Builtin { name, kind, time } in BUILTIN_METRICS {
        if name.starts_with("data_") {
            continue;
        }
        k6_rejects(
            &format!(
                "import {{ {class} }} from \"k6/metrics\";\nconst m = new {class}(\"{name}\", {flag});\n\
                 export const options = {{}};\nexport default function () {{}}\n",
                class = kind.js_class(),
                flag = !time
            ),
            &format!("metric '{name}' already exists but with a value type"),
        );
    }
}

#[test]
fn every_tls_cipher_suite_is_one_k6_knows() {
    let model =
        options(GeneralOptions::default().tls_cipher_suites(TlsCipherSuite::ALL.iter().copied()));
    let printed = both_accept(&model);
    let names: Vec<&str> = TlsCipherSuite::ALL.iter().map(|s| s.as_k6()).collect();
    assert_eq!(printed["tlsCipherSuites"], json!(names));
    assert_eq!(names.len(), 25, "k6 v1.1.0 knows 25 cipher suites");
    // k6 does check the names.
    k6_rejects(
        r#"export const options = { tlsCipherSuites: ["TLS_NOT_A_SUITE"] };
export default function () {}"#,
        "unknown cipher suite 'TLS_NOT_A_SUITE'",
    );
}

/// What the property test of `tests/k6_inspect.rs` found k6 misreading or crashing
/// on, now refused with a reason.
#[test]
fn flow_names_the_generated_script_already_uses() {
    let rule =
        "the generated script already uses this name (a k6 import, a helper, or a global it reads)";
    for name in [
        "sleep",
        "Counter",
        "http",
        "JSON",
        "__ENV",
        "randomIntBetween",
        "statusIs",
    ] {
        we_reject(
            &scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new(name))]),
            &format!("flow `{name}`: flow name `{name}` is not allowed: {rule}"),
        );
    }
    // What such a script would be: an import and an export of one name.
    let clash = r#"import { Counter } from "k6/metrics";
const errors = new Counter("errors");
export const options = { scenarios: { s: { executor: "shared-iterations", exec: "Counter" } } };
export function Counter() {}"#;
    match tools::inspect(clash) {
        Ok(printed) => panic!("k6 accepts an import and an export of one name: {printed}"),
        Err(error) => assert!(error.output.contains("exit status"), "{error}"),
    }
}

#[test]
fn execution_segments_k6_cannot_afford() {
    let seg = |from: (u32, u32), to: (u32, u32)| ExecutionSegment {
        from: Fraction::new(from.0, from.1),
        to: Fraction::new(to.0, to.1),
    };
    let message = "option `executionSegment`: executionSegment: the segments' common denominator is above 1000000: k6 works in steps of it and runs out of memory; use fractions with a small common denominator (1/4, 1/3, 1/10)";
    we_reject(
        &options(GeneralOptions::default().execution_segment(seg((1, 10_000), (1, 9_999)))),
        message,
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([
            Fraction::new(0, 1),
            Fraction::new(1, 997),
            Fraction::new(1, 991),
            Fraction::new(1, 983),
            Fraction::new(1, 1),
        ])),
        message,
    );
    // Up to the cap k6 is quick, and reads the segment as given.
    let printed = both_accept(&options(
        GeneralOptions::default().execution_segment(seg((1, 1000), (1, 999))),
    ));
    assert_eq!(printed["executionSegment"], "1/1000:1/999");
}

#[test]
fn an_empty_cipher_suite_list_is_unset_to_k6() {
    we_reject(
        &options(GeneralOptions::default().tls_cipher_suites([])),
        "option `tlsCipherSuites`: tlsCipherSuites: an empty list is read by k6 as unset (Go's default suites): name at least one suite, or leave it unset",
    );
    let printed = k6_accepts(
        r#"export const options = { tlsCipherSuites: [] };
export default function () {}"#,
    );
    assert_eq!(
        printed["tlsCipherSuites"],
        Value::Null,
        "k6 drops the empty list"
    );
}

#[test]
fn pass_through_json_numbers_javascript_cannot_hold() {
    let mut ext = serde_json::Map::new();
    ext.insert(
        "ids".into(),
        json!({ "big": [1, 9_007_199_254_740_993u64] }),
    );
    we_reject(
        &options(GeneralOptions::default().ext(ext)),
        "option `ext`: ext: `ext.ids.big[1]` is 9007199254740993, beyond what JavaScript holds exactly (2^53 - 1): k6 would read another number; pass it as a string",
    );
    let printed = k6_accepts(
        r#"export const options = { ext: { id: 9007199254740993 } };
export default function () {}"#,
    );
    assert_eq!(
        printed["ext"]["id"],
        json!(9_007_199_254_740_992u64),
        "k6 reads another number"
    );
}
