//! Plans that read but fail validation: every problem is reported at its place in
//! the file, in file order, in JSON and YAML, VU code included, thousands at once.

use k6dsl::plan::{Format, Plan, PlanError};

use super::error_of;

pub(super) const INVALID: &str = r#"{
  "options": {
    "execution": {
      "scenarios": [
        {
          "name": "purchase",
          "executor": {
            "type": "constant-arrival-rate",
            "rate": 10,
            "duration": "1m",
            "pre_allocated_vus": 20,
            "max_vus": 10
          },
          "exec": "purchase"
        },
        {
          "name": "browse",
          "executor": { "type": "constant-vus", "vus": 0, "duration": "30s" },
          "exec": "brows"
        }
      ]
    },
    "thresholds": [
      { "metric": "checks", "kind": "rate", "stat": "avg", "op": "gt", "bound": 0.9 }
    ]
  },
  "flows": [
    { "name": "purchase" },
    {
      "name": "browse",
      "body": [
        { "group": { "name": "a::b", "body": [] } },
        { "request": { "method": "GET", "url": [{ "str": "/" }], "name": "home",
                       "params": { "timeout": "0s" } } }
      ]
    }
  ]
}
"#;

#[test]
fn a_plan_that_fails_validation_reports_every_problem_at_its_place() {
    let error = error_of(INVALID, Format::Json);
    let lines: Vec<&str> = error.lines().collect();
    // In file order, whatever order validation found them in.
    let expected = [
        "plan.json:12:24: options.execution.scenarios[0].executor.max_vus: scenario `purchase`: maxVUs (10) is less than preAllocatedVUs (20)",
        "plan.json:18:56: options.execution.scenarios[1].executor.vus: scenario `browse`: vus must be greater than 0",
        "plan.json:19:19: options.execution.scenarios[1].exec: scenario `browse`: exec `brows` names no flow of this script",
        "plan.json:24:53: options.thresholds[0].stat: threshold `checks`: `avg` does not apply to a Rate metric",
        "plan.json:32:30: flows[1].body[0].group.name: flow `browse`, group `a::b`: group name `a::b`",
        "plan.json:34:47: flows[1].body[1].request.params.timeout: flow `browse`, request `home`: timeout: must be greater than 0",
    ];
    assert_eq!(lines.len(), expected.len(), "{error}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(want),
            "{line}\ndoes not start with\n{want}"
        );
    }

    // The typed error keeps validation's own errors too.
    match Plan::load(INVALID, Format::Json) {
        Err(PlanError::Invalid {
            errors,
            diagnostics,
        }) => {
            assert_eq!(errors.len(), diagnostics.len());
            assert!(errors.iter().any(|e| e.to_string().contains("maxVUs (10)")));
            // Each error beside its diagnostic.
            for (error, diagnostic) in errors.iter().zip(&diagnostics) {
                assert_eq!(error.to_string(), diagnostic.message);
            }
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn validation_problems_are_located_in_yaml_too() {
    let yaml = Plan::from_json(INVALID).unwrap().to_yaml();
    let error = error_of(&yaml, Format::Yaml);
    let max_vus_line = yaml
        .lines()
        .position(|l| l.trim_start().starts_with("max_vus:"))
        .unwrap()
        + 1;
    assert!(
        error.contains(&format!(
            "plan.json:{max_vus_line}:18: options.execution.scenarios[0].executor.max_vus: scenario `purchase`: maxVUs (10)"
        )),
        "{error}\n{yaml}"
    );
}
const CODE_PROBLEMS: &str = r#"{
  "options": { "execution": { "shortcut": { "iterations": { "vus": 1, "iterations": 1 } } } },
  "default_flow": {
    "name": "main",
    "body": [
      {
        "once_per_vu": {
          "body": [
            {
              "request": {
                "method": "GET",
                "url": [{ "str": "/a" }],
                "name": "a",
                "checks": [{ "name": "x::y", "predicate": { "status": 200 } }]
              }
            }
          ]
        }
      },
      {
        "batch": [
          { "method": "GET", "url": [{ "str": "/b" }], "name": "b" },
          { "method": "GET", "url": [{ "setup_data": "nope" }], "name": "c", "headers": [["bad header", { "str": "1" }]] }
        ]
      },
      { "sleep": { "between": ["3s", "1s"] } }
    ]
  },
  "lifecycle": {
    "setup": {
      "body": [],
      "returns": [["k", { "str": "1" }], ["k", { "str": "2" }]]
    }
  }
}
"#;

#[test]
fn problems_in_vu_code_are_located_at_their_step() {
    let error = error_of(CODE_PROBLEMS, Format::Json);
    let expected = [
        "plan.json:14:38: default_flow.body[0].once_per_vu.body[0].request.checks[0].name: \
         flow `main`, once per VU, request `a`, check `x::y`: check name `x::y` is not allowed",
        "plan.json:23:11: default_flow.body[1].batch[1]: flow `main`, batch request `c`: \
         value: reads setup data `nope`, which setup does not share (it shares: k)",
        "plan.json:23:89: default_flow.body[1].batch[1].headers: flow `main`, batch request `c`: \
         header: `bad header` is not a valid header name",
        "plan.json:26:18: default_flow.body[2].sleep: flow `main`, think time: think time: \
         the minimum (3s) is above the maximum (1s)",
        "plan.json:32:42: lifecycle.setup.returns[1]: setup(), returned key `k`: \
         setup data key `k` is used more than once",
    ];
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{error}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(want),
            "{line}\ndoes not start with\n{want}"
        );
    }
}
/// Locating a problem reads the plan again: thousands of problems are all reported,
/// the first hundred with their line and column, and none is lost.
#[test]
fn thousands_of_problems_are_all_reported_and_the_first_located() {
    let thresholds: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"metric": "missing_{i}", "kind": "trend", "stat": "avg", "op": "lt", "bound": 1}}"#
            )
        })
        .collect();
    let plan = format!(
        "{{\"options\": {{\"thresholds\": [\n{}\n]}}}}",
        thresholds.join(",\n")
    );
    let Err(PlanError::Invalid { diagnostics, .. }) = Plan::load(&plan, Format::Json) else {
        panic!("a plan with 3000 unknown metrics is refused");
    };
    assert_eq!(diagnostics.len(), 3000);
    assert!(diagnostics[..100].iter().all(|d| d.location.is_some()));
    assert_eq!(diagnostics[0].location.map(|l| l.line), Some(2));
    assert!(
        diagnostics[2999].message.contains("missing_2999"),
        "{}",
        diagnostics[2999]
    );
}
