//! The plan format's JSON Schema, for editors: derived by schemars from the model's
//! serde attributes (renames, tags, defaults, `deny_unknown_fields`), so it says what
//! [`Plan::parse`] reads. It ships as `docs/plan.schema.json`: `plan::tests` keeps
//! that file equal to [`Plan::json_schema`], and k6dsl-cli's `tests/plan_schema.rs`
//! checks every plan fixture against it with a JSON Schema validator.
//!
//! Where the serde form is custom, the model's fields name a schema of their own:
//! durations are Go duration strings (`model::duration_schema`).

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::Schema;
use serde_json::{Map, Value};

use super::document::SCHEMA_KEY;
use super::Plan;
use crate::model;

impl Plan {
    /// The plan format's [JSON Schema](https://json-schema.org/) (draft 7, which
    /// editors and yaml-language-server support), as pretty JSON with a final
    /// newline: what `docs/plan.schema.json` holds and `k6dsl schema --json`
    /// prints. Every plan [`Plan::parse`] reads is valid against it; the schema
    /// cannot express what validation checks ([`Plan::load`]: `max_vus` at least
    /// `pre_allocated_vus`, an `exec` that names a flow, ...).
    ///
    /// ```
    /// let schema: serde_json::Value =
    ///     serde_json::from_str(&k6dsl::plan::Plan::json_schema()).unwrap();
    /// assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    /// assert_eq!(schema["additionalProperties"], false);
    /// assert!(schema["properties"]["options"].is_object());
    /// assert!(schema["properties"]["$schema"].is_object());
    /// ```
    pub fn json_schema() -> String {
        let generator = SchemaSettings::draft07()
            .with_transform(RecursiveTransform(plain_description as fn(&mut Schema)))
            .into_generator();
        let schema = generator.into_root_schema_for::<model::Script>();
        let Value::Object(mut generated) = schema.to_value() else {
            unreachable!("a struct's schema is an object")
        };
        // What an editor shows first, first.
        let mut root = Map::new();
        for key in ["$schema", "title", "description"] {
            root.insert(key.into(), generated.remove(key).unwrap_or(Value::Null));
        }
        root["title"] = "k6dsl plan".into();
        root["description"] = "A k6 test as data, which `k6dsl gen` turns into a k6 script \
                               (see docs/plan-schema.md)."
            .into();
        root.append(&mut generated);
        // The model denies unknown fields; plans may also name their schema.
        if let Some(Value::Object(properties)) = root.get_mut("properties") {
            let mut with_key = Map::new();
            with_key.insert(
                SCHEMA_KEY.into(),
                serde_json::json!({
                    "description": "The JSON Schema this plan follows, for editors \
                                    (docs/plan.schema.json); k6dsl ignores it.",
                    "type": "string"
                }),
            );
            with_key.append(properties);
            *properties = with_key;
        }
        let mut text = serde_json::to_string_pretty(&Value::Object(root))
            .expect("a JSON value always serialises");
        text.push('\n');
        text
    }
}

/// A schema's description, taken from the model's doc comments, as plain text for
/// an editor's tooltip: Rust examples left out, intra-doc links as plain code
/// (`` [`Flow`] `` is `` `Flow` ``), and lines wrapped for the source joined up.
fn plain_description(schema: &mut Schema) {
    if let Some(Value::String(doc)) = schema.get_mut("description") {
        *doc = plain_text(doc);
    }
}

fn plain_text(doc: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut in_example = false;
    for line in doc.lines().map(str::trim) {
        if line.starts_with("```") {
            in_example = !in_example;
            continue;
        }
        if in_example {
            continue;
        }
        if line.is_empty() {
            if !paragraph.is_empty() {
                paragraphs.push(paragraph.join(" "));
                paragraph.clear();
            }
        } else {
            paragraph.push(line);
        }
    }
    if !paragraph.is_empty() {
        paragraphs.push(paragraph.join(" "));
    }
    paragraphs
        .join("\n\n")
        .replace("[`", "`")
        .replace("`]", "`")
}
