//! Flows and exec: exec names an exported function; flow names k6 can run, once each.

use super::*;

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
