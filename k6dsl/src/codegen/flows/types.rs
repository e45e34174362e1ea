//! TypeScript types of generated values: what the generator knows of a value's
//! type, the rows' interfaces and `SetupData`.

use std::collections::{BTreeMap, BTreeSet};

use crate::codegen::js::property_key;
use crate::model::vu::DataSource;

use super::{Module, K6_TYPES};

/// The TypeScript type of a value in generated code, as far as the generator
/// knows it: what decides whether a value must be converted where k6's API wants
/// a string or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `string`.
    Str,
    /// `number`.
    Num,
    /// `boolean`.
    Bool,
    /// `string | undefined`: text found in a body, or not.
    MaybeStr,
    /// `JSONValue`: whatever a JSON body holds (`res.json(path)`).
    Json,
    /// A row of the data set with this name.
    Row(String),
    /// Another type, written as is (`number | undefined` for a field some rows lack).
    Other(String),
}

impl Ty {
    /// Whether `encodeURIComponent` takes the value as it is.
    pub(super) fn is_scalar(&self) -> bool {
        matches!(self, Ty::Str | Ty::Num | Ty::Bool)
    }
}

/// What a data set's rows are in TypeScript.
#[derive(Debug, Clone)]
pub struct RowType {
    /// The type of one row: an interface's name, `Record<string, string>` for CSV,
    /// `JSONObject` for a JSON file k6dsl does not know.
    pub name: String,
    /// The interface declaring the row, for JSON rows given in Rust (without
    /// `export`).
    pub interface: Option<String>,
    /// Field types known from the rows.
    pub(super) fields: BTreeMap<String, Ty>,
    /// The type of a field not in `fields`.
    pub(super) other_fields: Ty,
}

/// The TypeScript type of a data set's rows; `var` is its `SharedArray`'s name.
pub(super) fn row_type(source: &DataSource, var: &str) -> RowType {
    match source {
        DataSource::CsvFile(_) | DataSource::CsvRows { .. } => RowType {
            name: "Record<string, string>".to_owned(),
            interface: None,
            fields: BTreeMap::new(),
            other_fields: Ty::Str,
        },
        DataSource::JsonFile(_) => RowType {
            name: "JSONObject".to_owned(),
            interface: None,
            fields: BTreeMap::new(),
            other_fields: Ty::Json,
        },
        DataSource::JsonRows { rows, .. } => {
            let objects: Vec<&serde_json::Map<String, serde_json::Value>> = rows
                .iter()
                .filter_map(serde_json::Value::as_object)
                .collect();
            if objects.is_empty() || objects.len() < rows.len() {
                // Not a list of objects: a field of a row means nothing k6dsl can type.
                return RowType {
                    name: "JSONObject".to_owned(),
                    interface: None,
                    fields: BTreeMap::new(),
                    other_fields: Ty::Json,
                };
            }
            let mut keys: Vec<&String> = Vec::new();
            for object in &objects {
                for key in object.keys() {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
            let name = format!("{}Row", pascal_case(var));
            let mut fields = BTreeMap::new();
            let mut interface = format!("interface {name} {{");
            for key in keys {
                let mut kinds = BTreeSet::new();
                let mut everywhere = true;
                for object in &objects {
                    match object.get(key) {
                        Some(serde_json::Value::String(_)) => kinds.insert("string"),
                        Some(serde_json::Value::Number(_)) => kinds.insert("number"),
                        Some(serde_json::Value::Bool(_)) => kinds.insert("boolean"),
                        Some(_) => kinds.insert("JSONValue"),
                        None => {
                            everywhere = false;
                            false
                        }
                    };
                }
                let text = match kinds.iter().collect::<Vec<_>>().as_slice() {
                    [one] => **one,
                    _ => "JSONValue",
                };
                let ty = match (text, everywhere) {
                    ("JSONValue", _) => Ty::Json,
                    (text, false) => Ty::Other(format!("{text} | undefined")),
                    ("string", true) => Ty::Str,
                    ("number", true) => Ty::Num,
                    (_, true) => Ty::Bool,
                };
                let optional = if everywhere { "" } else { "?" };
                interface.push_str(&format!("\n  {}{optional}: {text};", property_key(key)));
                fields.insert(key.clone(), ty);
            }
            if fields.is_empty() {
                interface.push('}');
            } else {
                interface.push_str("\n}");
            }
            RowType {
                name,
                interface: Some(interface),
                fields,
                other_fields: Ty::Json,
            }
        }
    }
}

/// `items` → `Items`.
fn pascal_case(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Module<'_> {
    /// A TypeScript type as written, recording the imported or declared types it
    /// names.
    pub fn type_text(&mut self, ty: &Ty) -> String {
        let text = match ty {
            Ty::Str => "string".to_owned(),
            Ty::Num => "number".to_owned(),
            Ty::Bool => "boolean".to_owned(),
            Ty::MaybeStr => "string | undefined".to_owned(),
            Ty::Json => "JSONValue".to_owned(),
            Ty::Row(data) => match self.row_types.get(data) {
                Some(row) => row.name.clone(),
                None => "JSONObject".to_owned(),
            },
            Ty::Other(text) => text.clone(),
        };
        self.use_types_in(&text);
        text
    }

    /// Records the type names that `text` mentions: `@types/k6`'s and the rows'.
    pub fn use_types_in(&mut self, text: &str) {
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')) {
            let known = K6_TYPES.iter().any(|(name, _)| *name == word)
                || ["SetupData", "SummaryData"].contains(&word)
                || self.row_types.values().any(|row| row.name == word);
            if known {
                self.needs.types.insert(word.to_owned());
            }
        }
    }

    /// `T | undefined`: the type of a variable declared before its value exists.
    pub(super) fn maybe_type_text(&mut self, ty: &Ty) -> String {
        let text = self.type_text(ty);
        if text.ends_with("| undefined") {
            text
        } else {
            format!("{text} | undefined")
        }
    }

    /// The interfaces declaring the rows of JSON data given in Rust; `export`
    /// prefixes each.
    pub fn row_interfaces(&mut self, export: &str) -> Vec<String> {
        let interfaces: Vec<String> = self
            .row_types
            .values()
            .filter_map(|row| row.interface.clone())
            .collect();
        interfaces
            .into_iter()
            .map(|interface| {
                self.use_types_in(&interface);
                format!("{export}{interface}")
            })
            .collect()
    }

    /// `interface SetupData { ... }`: what setup() returns and every VU receives;
    /// `export` prefixes it. Written after setup() itself.
    pub fn setup_interface(&mut self, export: &str) -> String {
        let fields: Vec<(String, Ty)> = self.setup_types.clone();
        let mut out = format!(
            "// What setup() returns: k6 hands it to every VU and to teardown().\n{export}interface SetupData {{"
        );
        if fields.is_empty() {
            out.push('}');
            return out;
        }
        for (key, ty) in &fields {
            let text = self.type_text(ty);
            out.push_str(&format!("\n  {}: {text};", property_key(key)));
        }
        out.push_str("\n}");
        out
    }
}
