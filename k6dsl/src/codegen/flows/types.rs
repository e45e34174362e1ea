//! TypeScript types of generated values: what the generator knows of a value's
//! type, the rows' interfaces and `SetupData`.

use std::collections::{BTreeMap, BTreeSet};

use crate::codegen::doc::{cat, Doc};
use crate::codegen::js::property_key;
use crate::codegen::lang::Import;
use crate::model::vu::DataSource;

use super::{k6_type, Module};

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
    pub interface: Option<Doc>,
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
            let mut members = Vec::new();
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
                let text = match text {
                    "JSONValue" => Doc::from(k6_type("JSONValue")),
                    text => Doc::text(text),
                };
                members.push(cat![
                    format!("{}{optional}: ", property_key(key)),
                    text,
                    ";"
                ]);
                fields.insert(key.clone(), ty);
            }
            let interface = block(Doc::text(format!("interface {name} {{")), members);
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

/// `head`, then each member on its own line, indented, then `}`; `head}` without
/// members.
fn block(head: Doc, members: Vec<Doc>) -> Doc {
    if members.is_empty() {
        return cat![head, "}"];
    }
    let mut inner = Vec::with_capacity(members.len() * 2);
    for member in members {
        inner.push(Doc::HardLine);
        inner.push(member);
    }
    cat![head, Doc::Indent(inner), Doc::HardLine, "}"]
}

impl Module<'_> {
    /// A TypeScript type as written, with the imported or declared types it names.
    pub fn type_doc(&self, ty: &Ty) -> Doc {
        match ty {
            Ty::Str => Doc::text("string"),
            Ty::Num => Doc::text("number"),
            Ty::Bool => Doc::text("boolean"),
            Ty::MaybeStr => Doc::text("string | undefined"),
            Ty::Json => self.k6("JSONValue").into(),
            Ty::Row(data) => match self.row_types.get(data) {
                Some(row) if row.interface.is_some() => match self.known.row_types.get(data) {
                    Some(import) => import.clone().into(),
                    None => Doc::text(row.name.clone()),
                },
                Some(row) if row.name == "JSONObject" => self.k6("JSONObject").into(),
                Some(row) => Doc::text(row.name.clone()),
                None => self.k6("JSONObject").into(),
            },
            Ty::Other(text) => Doc::text(text.clone()),
        }
    }

    /// `T | undefined`: the type of a variable declared before its value exists.
    pub(super) fn maybe_type_doc(&self, ty: &Ty) -> Doc {
        match ty {
            Ty::MaybeStr => self.type_doc(ty),
            Ty::Other(text) if text.ends_with("| undefined") => self.type_doc(ty),
            _ => cat![self.type_doc(ty), " | undefined"],
        }
    }

    /// `SetupData`, the type of what setup() returns, declared in a project's
    /// `lib/auth`.
    pub(super) fn setup_data_type(&self) -> Import {
        self.known.setup_data.clone()
    }

    /// The interfaces declaring the rows of JSON data given in Rust; `export`
    /// prefixes each.
    pub fn row_interfaces(&self, export: &'static str) -> Vec<Doc> {
        self.row_types
            .values()
            .filter_map(|row| row.interface.clone())
            .map(|interface| cat![export, interface])
            .collect()
    }

    /// `interface SetupData { ... }`: what setup() returns and every VU receives;
    /// `export` prefixes it. Written after setup() itself.
    pub fn setup_interface(&self, export: &str) -> Doc {
        let members = self
            .setup_types
            .iter()
            .map(|(key, ty)| cat![format!("{}: ", property_key(key)), self.type_doc(ty), ";"])
            .collect();
        cat![
            "// What setup() returns: k6 hands it to every VU and to teardown().",
            Doc::HardLine,
            block(
                Doc::text(format!("{export}interface SetupData {{")),
                members
            ),
        ]
    }
}
