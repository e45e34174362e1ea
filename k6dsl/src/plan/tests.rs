//! Unit tests of reading and locating: executors read in any field order, errors
//! name their field, k6 names map to plan keys, and locations point at values.

use std::time::Duration;

use super::read::{render_path, Seg};
use super::{locate, places, Format, Location, Plan};
use crate::model;

fn every_executor() -> Vec<model::Executor> {
    let stages = vec![model::Stage {
        duration: Duration::from_secs(10),
        target: 5,
    }];
    vec![
        model::Executor::SharedIterations {
            vus: Some(2),
            iterations: Some(10),
            max_duration: Some(Duration::from_secs(60)),
        },
        model::Executor::PerVuIterations {
            vus: None,
            iterations: Some(3),
            max_duration: None,
        },
        model::Executor::ConstantVus {
            vus: Some(3),
            duration: Duration::from_millis(1500),
        },
        model::Executor::RampingVus {
            start_vus: Some(0),
            stages: stages.clone(),
            graceful_ramp_down: Some(Duration::ZERO),
        },
        model::Executor::ConstantArrivalRate {
            rate: 5,
            time_unit: Some(Duration::from_secs(60)),
            duration: Duration::from_secs(30),
            pre_allocated_vus: 2,
            max_vus: Some(6),
        },
        model::Executor::RampingArrivalRate {
            start_rate: Some(1),
            time_unit: None,
            stages,
            pre_allocated_vus: 3,
            max_vus: None,
        },
        model::Executor::ExternallyControlled {
            vus: Some(1),
            max_vus: Some(4),
            duration: Duration::ZERO,
        },
    ]
}

#[test]
fn every_executor_reads_back_with_type_first_or_last() {
    let kinds: Vec<crate::model::executor_serde::Kind> = every_executor()
        .iter()
        .map(crate::model::executor_serde::Kind::of)
        .collect();
    assert_eq!(kinds.len(), 7);
    for executor in every_executor() {
        let scenario = model::Scenario {
            name: "s".into(),
            executor: executor.clone(),
            start_time: None,
            graceful_stop: None,
            exec: None,
            env: Default::default(),
            tags: Default::default(),
        };
        let value = serde_json::to_value(&scenario).unwrap();
        let back: model::Scenario = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(back, scenario);
        // The same object with `type` moved to the end.
        let mut fields = value["executor"].as_object().unwrap().clone();
        let kind = fields.remove("type").unwrap();
        fields.insert("type".into(), kind);
        let mut moved = value.clone();
        moved["executor"] = serde_json::Value::Object(fields);
        let back: model::Scenario = serde_json::from_value(moved).unwrap();
        assert_eq!(back, scenario);
        let yaml = Plan::from_yaml(
            &serde_norway::to_string(&serde_json::json!({
                "options": {"execution": {"scenarios": [value]}}
            }))
            .unwrap(),
        )
        .unwrap();
        let model::Execution::Scenarios(scenarios) = yaml.script.options.execution else {
            panic!("scenarios expected");
        };
        assert_eq!(scenarios, [scenario]);
    }
}

#[test]
fn every_executor_is_the_one_k6dsl_facts_describes() {
    // `model::Executor::facts` picks by position: this holds the variants to
    // `EXECUTORS`' order, and the plan's keys to the facts' field names.
    for executor in every_executor() {
        let facts = executor.facts();
        let value = serde_json::to_value(&executor).unwrap();
        assert_eq!(value["type"], facts.k6_name);
        assert_eq!(executor.k6_name(), facts.k6_name);
        for key in value
            .as_object()
            .unwrap()
            .keys()
            .filter(|key| *key != "type")
        {
            assert!(facts.field(key).is_some(), "{}: {key}", facts.name);
        }
    }
}

fn scenario_error(executor: serde_json::Value) -> String {
    let plan = serde_json::json!({"options": {"execution": {"scenarios": [
        {"name": "s", "executor": executor}
    ]}}});
    Plan::from_json(&plan.to_string()).unwrap_err().to_string()
}

#[test]
fn executor_errors_name_their_field() {
    let error =
        scenario_error(serde_json::json!({"type": "constant-vus", "vus": -1, "duration": "1m"}));
    assert!(
        error.ends_with("options.execution.scenarios[0].executor.vus: invalid value: integer `-1`, expected a whole number from 0 to 4294967295, e.g. 10"),
        "{error}"
    );
    let error =
        scenario_error(serde_json::json!({"type": "constant-vus", "vu": 1, "duration": "1m"}));
    assert!(
        error.contains("options.execution.scenarios[0].executor.vu: unknown field `vu`, expected `vus` or `duration`"),
        "{error}"
    );
    let error = scenario_error(serde_json::json!({"type": "constant-vu"}));
    assert!(
        error.contains(
            "options.execution.scenarios[0].executor.type: unknown variant `constant-vu`"
        ),
        "{error}"
    );
    let error = scenario_error(serde_json::json!({"vus": 1}));
    assert!(error.ends_with("executor: missing field `type`"), "{error}");
    let error = scenario_error(serde_json::json!({}));
    assert!(error.ends_with("executor: missing field `type`"), "{error}");
    let error =
        scenario_error(serde_json::json!({"vus": "x", "type": "constant-vus", "duration": "1s"}));
    assert!(
        error.ends_with("executor: vus: invalid type: string \"x\", expected a whole number from 0 to 4294967295, e.g. 10"),
        "{error}"
    );
    let error = scenario_error(serde_json::json!({"vus": 1, "type": "constant-vus"}));
    assert!(error.contains("missing field"), "{error}");
    let error = scenario_error(serde_json::json!({"duration": "1s"}));
    assert!(error.ends_with("executor: missing field `type`"), "{error}");
    let error = scenario_error(serde_json::json!({"duration": "1s", "type": "nope"}));
    assert!(
        error.contains("executor: type: unknown variant `nope`"),
        "{error}"
    );
    let error = scenario_error(serde_json::json!(7));
    assert!(error.contains("expected an executor"), "{error}");
}

#[test]
fn k6_field_names_become_plan_keys() {
    let keys = |name| render_path(&places::k6_field(name));
    assert_eq!(keys("maxVUs"), "max_vus");
    assert_eq!(keys("preAllocatedVUs"), "pre_allocated_vus");
    assert_eq!(keys("startVUs"), "start_vus");
    assert_eq!(keys("noVUConnectionReuse"), "no_vu_connection_reuse");
    assert_eq!(keys("insecureSkipTLSVerify"), "insecure_skip_tls_verify");
    assert_eq!(keys("blacklistIPs"), "blacklist_ips");
    assert_eq!(keys("dns.ttl"), "dns.ttl");
    assert_eq!(keys("gracefulRampDown"), "graceful_ramp_down");
    assert_eq!(keys("stage duration"), "");
}

#[test]
fn json_locations_point_at_values() {
    let text = "{\n  \"a\": [1, {\"b\\u0022\": \"x\", \"c\": {\"d\": [true]}}],\n  \"e\": null\n}";
    let at = |path: &[Seg]| locate::find(text, Format::Json, path);
    assert_eq!(at(&[]), Some(Location { line: 1, column: 1 }));
    assert_eq!(at(&[Seg::key("a")]), Some(Location { line: 2, column: 8 }));
    assert_eq!(
        at(&[Seg::key("a"), Seg::Index(1), Seg::key("b\"")]),
        Some(Location {
            line: 2,
            column: 24
        })
    );
    assert_eq!(
        at(&[
            Seg::key("a"),
            Seg::Index(1),
            Seg::key("c"),
            Seg::key("d"),
            Seg::Index(0)
        ]),
        Some(Location {
            line: 2,
            column: 41
        })
    );
    assert_eq!(at(&[Seg::key("e")]), Some(Location { line: 3, column: 8 }));
    assert_eq!(at(&[Seg::key("a"), Seg::Index(2)]), None);
    assert_eq!(at(&[Seg::key("f")]), None);
    assert_eq!(at(&[Seg::Index(0)]), None);
}

#[test]
fn yaml_locations_point_at_values() {
    let text = "a:\n  - 1\n  - b: x\n    c: {d: [true]}\ne: null\n7: seven\n";
    let at = |path: &[Seg]| locate::find(text, Format::Yaml, path);
    assert_eq!(
        at(&[Seg::key("a"), Seg::Index(1), Seg::key("b")]),
        Some(Location { line: 3, column: 8 })
    );
    assert_eq!(
        at(&[
            Seg::key("a"),
            Seg::Index(1),
            Seg::key("c"),
            Seg::key("d"),
            Seg::Index(0)
        ]),
        Some(Location {
            line: 4,
            column: 13
        })
    );
    assert_eq!(at(&[Seg::key("e")]), Some(Location { line: 5, column: 4 }));
    assert_eq!(at(&[Seg::key("a"), Seg::Index(2)]), None);
    assert_eq!(at(&[Seg::key("7")]), None);
}

#[test]
fn trailing_text_and_empty_input_are_errors() {
    let error = Plan::from_json("{} {}").unwrap_err();
    assert_eq!(error.to_string(), "1:4: trailing characters");
    let error = Plan::from_json("").unwrap_err();
    assert_eq!(error.to_string(), "1:1: EOF while parsing a value");
    let error = Plan::from_yaml("a: [").unwrap_err();
    assert!(error.to_string().starts_with("1:"), "{error}");
}

#[test]
fn columns_count_characters() {
    let error = Plan::from_json(r#"{"base_url": {"env": "ééé" ]}}"#).unwrap_err();
    assert_eq!(error.to_string(), "1:28: base_url: expected `,` or `}`");
    let error = Plan::from_json(r#"{"base_url": {"env": "ééé", "x": 1}}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("1:34: base_url.x: unknown field `x`"),
        "{error}"
    );
}

/// `docs/plan.schema.json`, which editors read, relative to this crate.
#[cfg(feature = "schema")]
const SHIPPED_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/plan.schema.json");

#[cfg(feature = "schema")]
#[test]
fn the_shipped_json_schema_is_the_generated_one() {
    let generated = Plan::json_schema();
    if std::env::var_os("K6DSL_UPDATE_SCHEMA").is_some() {
        std::fs::write(SHIPPED_SCHEMA, &generated).expect("docs/plan.schema.json is writable");
    }
    let shipped = std::fs::read_to_string(SHIPPED_SCHEMA).unwrap_or_default();
    assert!(
        shipped == generated,
        "docs/plan.schema.json is not the schema the model generates (Plan::json_schema); \
         after a deliberate change to the model, rewrite it with \
         `K6DSL_UPDATE_SCHEMA=1 cargo test -p k6dsl --lib plan` and review the diff"
    );
}

#[test]
fn a_plan_may_name_its_json_schema() {
    let plain = Plan::from_json(r#"{"options": {"execution": "default"}, "flows": []}"#).unwrap();
    for text in [
        r#"{"$schema": "plan.schema.json", "options": {"execution": "default"}, "flows": []}"#,
        r#"{"options": {"execution": "default"}, "$schema": "plan.schema.json", "flows": []}"#,
        r#"{"options": {"execution": "default"}, "flows": [], "$schema": "a", "$schema": "b"}"#,
    ] {
        assert_eq!(Plan::load(text, Format::Json).unwrap(), plain, "{text}");
    }
    let yaml = "$schema: ./plan.schema.json\noptions:\n  execution: default\nflows: []\n";
    assert_eq!(Plan::load(yaml, Format::Yaml).unwrap(), plain);
    // Written plans do not have it.
    assert!(!plain.to_json().contains("$schema"));

    // It is a string, and only at the top level.
    let error = Plan::from_json(r#"{"$schema": 1}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "1:13: $schema: invalid type: integer `1`, expected a string"
    );
    let error = Plan::from_yaml("options:\n  $schema: x\n").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("2:12: options.$schema: unknown field `$schema`, expected one of"),
        "{error}"
    );
}

#[test]
fn without_a_schema_key_the_top_level_reads_as_the_model_does() {
    use super::document::Document;

    /// The model, or the error and its path, as serde reads `text` into `T`.
    fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| (e.path().to_string(), e.into_inner().to_string()))
    }
    fn yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (String, String)> {
        let deserializer = serde_norway::Deserializer::from_str(text);
        serde_path_to_error::deserialize(deserializer)
            .map_err(|e| (e.path().to_string(), e.into_inner().to_string()))
    }
    let texts = [
        "{}",
        r#"{"options": {"execution": "default"}, "base_url": {"env": "H", "default": "x"}}"#,
        r#"{"x": 1}"#,
        r#"{"options": 1}"#,
        r#"{"flows": [{"name": 1}]}"#,
        r#"{"options": {}, "options": {}}"#,
        r#"{"$schemas": "x"}"#,
        "[]",
        "[{}]",
        "1",
        "-1",
        "true",
        "\"x\"",
        "null",
        "",
        "{",
    ];
    for text in texts {
        let direct = json::<model::Script>(text);
        let through = json::<Document>(text).map(|Document(script)| script);
        assert_eq!(through, direct, "JSON {text:?}");
    }
    let yaml_texts = [
        "7: seven\n",
        "0: {}\n",
        "true: 1\n",
        "[a]: 1\n",
        "{a: 1}: 2\n",
        "~: 1\n",
        "1.5: x\n",
        "options:\n  execution: default\nmetrics: []\n",
        "options: [\n",
        "--- 1\n",
    ];
    for text in texts.into_iter().chain(yaml_texts) {
        let direct = yaml::<model::Script>(text);
        let through = yaml::<Document>(text).map(|Document(script)| script);
        assert_eq!(through, direct, "YAML {text:?}");
    }
}
