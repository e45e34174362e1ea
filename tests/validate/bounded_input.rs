//! Bad input stays bounded: messages quote at most a short excerpt of user text, a
//! plan's problems are listed in file order with what was expected in words, and a
//! project whose file names would collide on a case-insensitive disk is refused.

use k6dsl::plan::{Format, Plan};
use k6dsl::prelude::*;

/// Ten million characters: a name no message should repeat.
fn huge(c: char) -> String {
    std::iter::repeat_n(c, 10_000_000).collect()
}

#[test]
fn a_huge_name_in_the_builders_gives_a_short_message() {
    // `.` breaks the scenario-name rule and the flow-name rule.
    let name = format!("{}.", huge('s'));
    let flow = Flow::new(name.as_str());
    let script = Script::new()
        .scenario(Scenario::new(name.as_str(), ConstantVus::new().duration(secs(5))).exec(&flow));
    let errors = script.to_javascript().unwrap_err();
    let message = errors.to_string();
    assert!(message.len() < 1_000, "{} bytes", message.len());
    assert!(
        message.contains(&format!(
            "scenario `{}…` (10000001 characters)",
            "s".repeat(100)
        )),
        "{message}"
    );
    for error in &errors {
        assert!(error.to_string().len() < 500, "{error}");
    }
}

#[test]
fn a_huge_name_in_a_plan_gives_a_short_message() {
    let name = format!("{}.", huge('é'));
    let text = serde_json::json!({"options": {"execution": {"scenarios": [{
        "name": name,
        "executor": {"type": "constant-vus", "vus": 1, "duration": "5s"}
    }]}}})
    .to_string();
    let error = Plan::load(&text, Format::Json).unwrap_err();
    let message = error.to_string();
    assert!(message.len() < 1_000, "{} bytes", message.len());
    assert!(
        message.starts_with(&format!(
            "1:47: options.execution.scenarios[0].name: scenario `{}…` (10000001 characters): \
             scenario name `{}…` (10000001 characters) is not allowed",
            "é".repeat(100),
            "é".repeat(100)
        )),
        "{message}"
    );
}

#[test]
fn flows_and_data_files_that_differ_only_by_case_are_refused() {
    let upper = Flow::new("Browse");
    let lower = Flow::new("browse");
    let script = Script::new()
        .scenario(Scenario::new("a", ConstantVus::new().duration(secs(5))).exec(&upper))
        .scenario(Scenario::new("b", ConstantVus::new().duration(secs(5))).exec(&lower))
        .data(&DataSet::json_rows("Users", &[1]))
        .data(&DataSet::json_rows("users", &[2]));
    let errors = script.to_project().unwrap_err();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "flow `browse`: name: `browse` and `Browse` differ only by case: their files \
             scripts/scenarios/browse.js and scripts/scenarios/Browse.js are one file on \
             macOS and Windows, which ignore case; rename one",
            "data set `users`: file: `data/users.json` and `data/Users.json` (data set \
             `Users`) differ only by case: they are one file on macOS and Windows, which \
             ignore case; rename one",
        ],
        "{errors}"
    );
    // Names that differ otherwise are fine.
    let other = Flow::new("browse2");
    let script = Script::new()
        .scenario(Scenario::new("a", ConstantVus::new().duration(secs(5))).exec(&upper))
        .scenario(Scenario::new("b", ConstantVus::new().duration(secs(5))).exec(&other));
    script.to_project().unwrap();

    // In a plan, the second name is located.
    let text = r#"{
  "options": { "execution": { "shortcut": { "iterations": { "vus": 1, "iterations": 1 } } } },
  "flows": [
    { "name": "Checkout" },
    { "name": "checkout" }
  ]
}"#;
    let error = Plan::load(text, Format::Json).unwrap_err().to_string();
    assert!(
        error.starts_with(
            "5:15: flows[1].name: flow `checkout`: name: `checkout` and `Checkout` differ only by case"
        ),
        "{error}"
    );
}
