//! Scenarios: names, lists k6 would misread, tags and env.

use super::*;

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
