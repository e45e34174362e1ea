//! Errors while reading a plan: wrong types, unknown fields, malformed text, bad
//! durations and spellings, each located by line, column and field path and saying
//! what was expected in words; user text cut to an excerpt; damaged plans never
//! panic.

use k6dsl::plan::{Format, Plan};

use super::error_of;
use super::sample_plans::checkout_plan;

pub(super) const WRONG_TYPE_IN_EXECUTOR: &str = r#"{
  "options": {
    "execution": {
      "scenarios": [
        {
          "name": "browse",
          "executor": {
            "type": "ramping-vus",
            "start_vus": 0,
            "stages": [
              { "duration": "30s", "target": 10 },
              { "duration": "30s", "target": "ten" }
            ]
          }
        }
      ]
    }
  }
}
"#;

pub(super) const WRONG_TYPE_IN_EXECUTOR_YAML: &str = "\
options:
  execution:
    scenarios:
      - name: browse
        executor:
          type: ramping-vus
          start_vus: 0
          stages:
            - duration: 30s
              target: 10
            - duration: 30s
              target: ten
";

#[test]
fn a_wrong_type_inside_an_executor_is_located() {
    assert_eq!(
        error_of(WRONG_TYPE_IN_EXECUTOR, Format::Json),
        "plan.json:12:46: options.execution.scenarios[0].executor.stages[1].target: \
         invalid type: string \"ten\", expected a whole number, 0 or more, e.g. 10"
    );
    assert_eq!(
        error_of(WRONG_TYPE_IN_EXECUTOR_YAML, Format::Yaml),
        "plan.json:12:23: options.execution.scenarios[0].executor.stages[1].target: \
         invalid type: string \"ten\", expected a whole number, 0 or more, e.g. 10"
    );
}

/// A one-scenario plan with `executor` as its executor, in JSON and in YAML.
fn with_executor(executor: serde_json::Value) -> [(String, Format); 2] {
    let plan = serde_json::json!({"options": {"execution": {"scenarios": [
        {"name": "s", "executor": executor}
    ]}}});
    [
        (serde_json::to_string_pretty(&plan).unwrap(), Format::Json),
        (serde_norway_free_yaml(&plan), Format::Yaml),
    ]
}

/// `value` as YAML through k6dsl's own writer (a plan's `to_yaml` would need a
/// valid plan).
fn serde_norway_free_yaml(value: &serde_json::Value) -> String {
    fn write(value: &serde_json::Value, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match value {
                        serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                            out.push_str(&format!("{pad}{key}:\n"));
                            write(value, indent + 2, out);
                        }
                        scalar => out.push_str(&format!("{pad}{key}: {scalar}\n")),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    out.push_str(&format!("{pad}-\n"));
                    write(item, indent + 2, out);
                }
            }
            scalar => out.push_str(&format!("{pad}{scalar}\n")),
        }
    }
    let mut out = String::new();
    write(value, 0, &mut out);
    out
}

#[test]
fn a_wrong_type_says_what_was_expected_in_words() {
    let cases = [
        (
            serde_json::json!({"type": 5}),
            "executor.type: invalid type: integer `5`, expected a string: the executor type, \
             e.g. \"constant-vus\" (one of `shared-iterations`, `per-vu-iterations`, \
             `constant-vus`, `ramping-vus`, `constant-arrival-rate`, `ramping-arrival-rate`, \
             `externally-controlled`)",
        ),
        (
            serde_json::json!({"type": "constant-vus", "vus": "ten", "duration": "1m"}),
            "executor.vus: invalid type: string \"ten\", \
             expected a whole number from 0 to 4294967295, e.g. 10",
        ),
        (
            serde_json::json!({"type": "constant-vus", "vus": 1, "duration": true}),
            "executor.duration: invalid ",
        ),
    ];
    for (executor, want) in cases {
        for (text, format) in with_executor(executor.clone()) {
            let error = error_of(&text, format);
            assert!(
                error.contains(&format!("options.execution.scenarios[0].{want}")),
                "{}: {error}\n{text}",
                format.name()
            );
            assert!(!error.contains("expected value"), "{error}");
        }
    }
    // A duration of the wrong type: JSON says what a duration looks like, YAML
    // (where every scalar can be text) says why `true` is none.
    let [(json, _), (yaml, _)] =
        with_executor(serde_json::json!({"type": "constant-vus", "vus": 1, "duration": true}));
    assert!(
        error_of(&json, Format::Json).ends_with(
            "executor.duration: invalid type: boolean `true`, \
             expected a string: a duration, e.g. \"30s\", \"1m30s\" or \"500ms\""
        ),
        "{}",
        error_of(&json, Format::Json)
    );
    assert!(
        error_of(&yaml, Format::Yaml).contains("(write it like `1m30s`, `500ms` or `2h`)"),
        "{}",
        error_of(&yaml, Format::Yaml)
    );
    // Enums: the spellings they take; the HTTP method in words.
    let text = r#"{"flows": [{"name": "a", "body": [7, {"request": {"method": 5}}]}]}"#;
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:1:35: flows[0].body[0]: invalid type: integer `7`, expected one of \
         `request`, `batch`, `group`, `sleep`, `add_to_metric`, `pick_row`, `once_per_vu`, `if`, `for_each`, `repeat`, `mix`, `cookie`, `raw_js`, `let`"
    );
    let text = r#"{"flows": [{"name": "a", "body": [{"request": {"method": 5}}]}]}"#;
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:1:58: flows[0].body[0].request.method: invalid type: integer `5`, \
         expected a string: an HTTP method, e.g. \"GET\" or \"POST\""
    );
    // Malformed text: what may come here.
    assert_eq!(
        error_of("{\"flows\": [}", Format::Json),
        "plan.json:1:12: flows[0]: expected a value here \
         (an object, a list, a string, a number, true, false or null)"
    );
}

#[test]
fn user_text_in_a_reading_error_is_cut_to_an_excerpt() {
    let long = "k".repeat(1_000_000);
    let text = serde_json::json!({"options": {"execution": {"scenarios": [
        {"name": "s", "executor": {"type": long.as_str(), "vus": 1}}
    ]}}})
    .to_string();
    let error = error_of(&text, Format::Json);
    assert!(error.len() < 1_000, "{error}");
    assert!(
        error.contains(&format!(
            "unknown variant `{}…` (1000000 characters)",
            "k".repeat(100)
        )),
        "{error}"
    );
    let text = serde_json::json!({"options": {"execution": {"scenarios": [
        {"name": "s", "executor": {"type": "constant-vus", "vus": long.as_str()}}
    ]}}})
    .to_string();
    let error = error_of(&text, Format::Json);
    assert!(error.len() < 1_000, "{error}");
    assert!(
        error.contains(&format!(
            "invalid type: string \"{}…\" (1000000 characters), expected a whole number",
            "k".repeat(100)
        )),
        "{error}"
    );
    // An unknown key: in the path and in the message.
    let text = serde_json::json!({"base_url": {long.as_str(): 1}}).to_string();
    let error = error_of(&text, Format::Json);
    assert!(error.len() < 1_000, "{error}");
}

pub(super) const UNKNOWN_FIELD: &str = r#"{
  "flows": [
    {
      "name": "shop",
      "body": [
        {
          "group": {
            "name": "Cart",
            "body": [
              {
                "request": {
                  "method": "POST",
                  "url": [{ "str": "/cart" }],
                  "name": "add",
                  "header": [["X-A", { "str": "1" }]]
                }
              }
            ]
          }
        }
      ]
    }
  ]
}
"#;

#[test]
fn an_unknown_field_is_located_and_the_known_ones_listed() {
    let error = error_of(UNKNOWN_FIELD, Format::Json);
    assert!(
        error.starts_with(
            "plan.json:15:29: flows[0].body[0].group.body[0].request.header: \
             unknown field `header`, expected one of `method`, `url`, `name`, `headers`,"
        ),
        "{error}"
    );
}

#[test]
fn malformed_text_is_located() {
    let text = "{\n  \"options\": {\n    \"thresholds\": [],\n  },\n}\n";
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:4:3: options: trailing comma"
    );
    let text = "{\n  \"flows\": [\n";
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:3:1: flows: EOF while parsing a list"
    );
    let text = "options: {execution: default\n";
    assert_eq!(
        error_of(text, Format::Yaml),
        "plan.json:2:1: options: did not find expected ',' or '}', \
         while parsing a flow mapping at line 1 column 10"
    );
    let text = "options:\n  execution: default\n\tthresholds: []\n";
    assert_eq!(
        error_of(text, Format::Yaml),
        "plan.json:3:1: options.execution: found a tab character that violates indentation, \
         while scanning a plain scalar at line 2 column 14"
    );
}

#[test]
fn a_bad_duration_or_spelling_is_located() {
    let text = "options:\n  execution:\n    shortcut:\n      duration:\n        vus: 5\n        duration: 5 minutes\n";
    assert_eq!(
        error_of(text, Format::Yaml),
        "plan.json:6:19: options.execution.shortcut.duration.duration: invalid duration \
         `5 minutes`: unknown unit (use ns, us, ms, s, m, h, or a leading d) \
         (write it like `1m30s`, `500ms` or `2h`)"
    );
    let text = r#"{"options": {"thresholds": [{"metric": "checks", "kind": "rate", "stat": "rate", "op": "<", "bound": 0.9}]}}"#;
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:1:88: options.thresholds[0].op: unknown variant `<`, \
         expected one of `lt`, `le`, `gt`, `ge`, `eq`, `loose_eq`, `ne`"
    );
}
proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Whatever damage a plan takes (cut short, a byte replaced), reading it never
    /// panics, and a rejection always says where.
    #[test]
    fn damaged_plans_are_rejected_with_a_place(
        cut in 0usize..20_000,
        at in 0usize..20_000,
        byte in proptest::sample::select(b"{}[],:\"0a -\n\\".to_vec()),
        yaml in proptest::bool::ANY,
    ) {
        let (format, text) = if yaml {
            (Format::Yaml, checkout_plan().to_yaml())
        } else {
            (Format::Json, checkout_plan().to_json())
        };
        let mut bytes = text.into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut % (bytes.len() + 1));
        let text = String::from_utf8_lossy(&bytes);
        if let Err(error) = Plan::load(&text, format) {
            for diagnostic in error.diagnostics() {
                proptest::prop_assert!(diagnostic.location.is_some(), "{error}");
                proptest::prop_assert!(!diagnostic.message.is_empty());
            }
        }
    }
}
