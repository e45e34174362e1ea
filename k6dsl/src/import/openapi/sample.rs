//! Example values: the document's own, or a minimal instance made from a schema.

use serde_json::{json, Map, Value as Json};

use super::document::resolve;

/// Schemas nested deeper than this (or recursive ones) sample as `null`.
const MAX_DEPTH: usize = 8;

/// The schema's example, default, first enum value or const; else a minimal valid
/// instance: required properties only, the least items, the lowest bound.
pub(crate) fn sample(doc: &Json, schema: &Json) -> Json {
    sample_at(doc, schema, 0)
}

fn sample_at(doc: &Json, schema: &Json, depth: usize) -> Json {
    if depth > MAX_DEPTH {
        return Json::Null;
    }
    let schema = resolve(doc, schema);
    for key in ["example", "default", "const"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    for key in ["examples", "enum"] {
        if let Some(v) = schema
            .get(key)
            .and_then(Json::as_array)
            .and_then(|a| a.first())
        {
            return v.clone();
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Json::as_array) {
        let mut merged = Map::new();
        for part in all {
            if let Json::Object(fields) = sample_at(doc, part, depth + 1) {
                merged.extend(fields);
            }
        }
        return Json::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Json::as_array)
            .and_then(|a| a.first())
        {
            return sample_at(doc, first, depth + 1);
        }
    }
    match schema_type(schema) {
        Some("object") => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Json::as_array)
                .map(|r| r.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let mut fields = Map::new();
            if let Some(properties) = schema.get("properties").and_then(Json::as_object) {
                for (name, property) in properties {
                    if required.contains(&name.as_str()) {
                        fields.insert(name.clone(), sample_at(doc, property, depth + 1));
                    }
                }
            }
            Json::Object(fields)
        }
        Some("array") => {
            let count = schema
                .get("minItems")
                .and_then(Json::as_u64)
                .unwrap_or(0)
                .min(3);
            let item = schema.get("items").unwrap_or(&Json::Null);
            Json::Array(
                (0..count)
                    .map(|_| sample_at(doc, item, depth + 1))
                    .collect(),
            )
        }
        Some("integer") => json!(schema.get("minimum").and_then(Json::as_i64).unwrap_or(1)),
        Some("number") => json!(schema.get("minimum").and_then(Json::as_f64).unwrap_or(1.0)),
        Some("boolean") => json!(true),
        Some("string") => Json::String(sample_string(schema)),
        Some("null") => Json::Null,
        _ => Json::Null,
    }
}

/// The schema's type: `type`, the first non-null of a 3.1 type list, or `object`
/// when it has properties.
pub(crate) fn schema_type(schema: &Json) -> Option<&str> {
    match schema.get("type") {
        Some(Json::String(t)) => Some(t),
        Some(Json::Array(types)) => types.iter().filter_map(Json::as_str).find(|t| *t != "null"),
        _ if schema.get("properties").is_some() => Some("object"),
        _ => None,
    }
}

fn sample_string(schema: &Json) -> String {
    let by_format = match schema.get("format").and_then(Json::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        Some("email") => "user@example.com",
        Some("uri" | "url") => "https://example.com",
        _ => "string",
    };
    let min = schema.get("minLength").and_then(Json::as_u64).unwrap_or(0) as usize;
    let mut text = by_format.to_string();
    while text.len() < min {
        text.push('x');
    }
    text
}

/// A sample as the text of a URL or header part (`1`, `abc`, `true`).
pub(crate) fn as_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        Json::Array(items) => items.iter().map(as_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}
