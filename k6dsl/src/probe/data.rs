//! Data sets' rows, read as the generated script reads them: rows given in the
//! model as they are, an existing JSON file as its array, a CSV file (or rows) as
//! objects keyed by the header, every field a string.

use std::collections::{BTreeMap, HashMap};

use super::values::Ty;
use super::ProbeError;
use crate::model::vu::DataSource;
use crate::model::Script;
use crate::validate::problem::Place;

/// Every data set's rows, by name.
pub(super) fn load_all(
    script: &Script,
) -> Result<HashMap<String, Vec<serde_json::Value>>, ProbeError> {
    let mut out = HashMap::new();
    for data in &script.data {
        let error = |message: String| ProbeError::File {
            place: Place::Data(data.name.clone()),
            message,
        };
        let rows = match &data.source {
            DataSource::JsonRows { rows, .. } => rows.clone(),
            DataSource::CsvRows { header, rows, .. } => {
                rows.iter().map(|row| csv_object(header, row)).collect()
            }
            DataSource::JsonFile(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| error(format!("cannot read {path}: {e}")))?;
                match serde_json::from_str(&text) {
                    Ok(serde_json::Value::Array(rows)) => rows,
                    Ok(_) => return Err(error(format!("{path} does not hold a JSON array"))),
                    Err(e) => return Err(error(format!("{path} is not JSON: {e}"))),
                }
            }
            DataSource::CsvFile(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| error(format!("cannot read {path}: {e}")))?;
                let mut records = parse_csv(&text).into_iter();
                let header = records.next().unwrap_or_default();
                records.map(|row| csv_object(&header, &row)).collect()
            }
        };
        out.insert(data.name.clone(), rows);
    }
    Ok(out)
}

/// A CSV row as the generated `parseCsv` makes it: header → field (a missing
/// field is an empty string).
fn csv_object(header: &[String], row: &[String]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = header
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let value = row.get(i).cloned().unwrap_or_default();
            (key.clone(), serde_json::Value::String(value))
        })
        .collect();
    serde_json::Value::Object(map)
}

/// RFC 4180 CSV records (quoted fields with commas, quotes and line breaks), as
/// the generated `parseCsv` reads them; blank lines are skipped.
pub(super) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut end_record = |record: &mut Vec<String>, field: &mut String| {
        record.push(std::mem::take(field));
        let done = std::mem::take(record);
        if !(done.len() == 1 && done[0].is_empty()) {
            records.push(done);
        }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => end_record(&mut record, &mut field),
            c => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        end_record(&mut record, &mut field);
    }
    records
}

/// The type generated code gives a field of a row of `source` (codegen's
/// `row_type`): CSV fields are strings, fields of an unknown JSON file JSON,
/// those of rows given in the model what every row holds there.
pub(super) fn row_field_type(source: &DataSource, field: &str) -> Ty {
    match source {
        DataSource::CsvFile(_) | DataSource::CsvRows { .. } => Ty::Str,
        DataSource::JsonFile(_) => Ty::Json,
        DataSource::JsonRows { rows, .. } => {
            let objects: Vec<_> = rows.iter().filter_map(|r| r.as_object()).collect();
            if objects.is_empty() || objects.len() < rows.len() {
                return Ty::Json;
            }
            let mut kinds = BTreeMap::new();
            let mut everywhere = true;
            for object in &objects {
                match object.get(field) {
                    Some(serde_json::Value::String(_)) => kinds.insert("string", ()),
                    Some(serde_json::Value::Number(_)) => kinds.insert("number", ()),
                    Some(serde_json::Value::Bool(_)) => kinds.insert("boolean", ()),
                    Some(_) => kinds.insert("json", ()),
                    None => {
                        everywhere = false;
                        None
                    }
                };
            }
            let kinds: Vec<&str> = kinds.into_keys().collect();
            match (kinds.as_slice(), everywhere) {
                (["string"], true) => Ty::Str,
                (["number"], true) => Ty::Num,
                (["boolean"], true) => Ty::Bool,
                (["string" | "number" | "boolean"], false) => Ty::Other,
                _ => Ty::Json,
            }
        }
    }
}

/// Every upload file's bytes, by name, read from the path the model names (as
/// generation copies it).
pub(super) fn load_uploads(script: &Script) -> Result<HashMap<String, Vec<u8>>, ProbeError> {
    let mut out = HashMap::new();
    for upload in &script.uploads {
        let bytes = std::fs::read(&upload.path).map_err(|e| ProbeError::File {
            place: Place::Upload(upload.name.clone()),
            message: format!("cannot read {}: {e}", upload.path),
        })?;
        out.insert(upload.name.clone(), bytes);
    }
    Ok(out)
}
