//! Data sets, the base URL and environment defaults: names and files k6 must be
//! able to read.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::vu::{for_each_expr, Expr};
use crate::model::Script;
use crate::validate::problem::{Place, Problem};
use crate::validate::Validator;

/// The fields of a data set's rows, when k6dsl can know them: the CSV header, or
/// the keys of JSON rows that are all objects (in order of first appearance).
pub(super) fn columns(source: &crate::model::vu::DataSource) -> Option<Vec<String>> {
    use crate::model::vu::DataSource;
    let json_keys = |rows: &[serde_json::Value]| -> Option<Vec<String>> {
        let mut keys: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        for row in rows {
            for key in row.as_object()?.keys() {
                if seen.insert(key.clone()) {
                    keys.push(key.clone());
                }
            }
        }
        Some(keys)
    };
    match source {
        DataSource::CsvRows { header, .. } => Some(header.clone()),
        DataSource::JsonRows { rows, .. } => json_keys(rows),
        DataSource::CsvFile(path) => std::fs::read_to_string(path)
            .ok()
            .map(|text| csv_header(&text)),
        DataSource::JsonFile(path) => {
            let text = std::fs::read_to_string(path).ok()?;
            match serde_json::from_str::<serde_json::Value>(&text).ok()? {
                serde_json::Value::Array(rows) => json_keys(&rows),
                _ => None,
            }
        }
    }
}

/// The first record of a CSV text, read as the generated `parseCsv` reads it
/// (quotes, doubled quotes, `\r\n`).
fn csv_header(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\n' | '\r' if !quoted => break,
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

impl Validator {
    pub(super) fn base_url(&mut self, script: &Script) {
        let base = &script.base_url;
        if !is_env_name(&base.env) {
            self.push(
                Place::Script,
                Problem::InvalidName {
                    what: "base URL environment variable",
                    name: base.env.clone(),
                    rule: "environment variable names are ASCII letters, digits and `_`, not starting with a digit",
                },
            );
        }
        if !(base.default.starts_with("http://") || base.default.starts_with("https://")) {
            self.push(
                Place::Script,
                Problem::Invalid {
                    field: "base URL",
                    reason: format!("`{}` must start with http:// or https://", base.default),
                },
            );
        }
    }

    pub(super) fn data_sets(&mut self, script: &Script) {
        let mut seen: BTreeMap<&str, &crate::model::vu::DataSet> = BTreeMap::new();
        let mut files: BTreeMap<String, &str> = BTreeMap::new();
        for data in &script.data {
            let place = Place::Data(data.name.clone());
            if data.name.trim().is_empty() {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "name",
                        reason: "a data set needs a name".into(),
                    },
                );
            }
            match seen.get(data.name.as_str()) {
                Some(first) if *first != data => self.push(
                    place.clone(),
                    Problem::Duplicate {
                        what: "data set",
                        name: data.name.clone(),
                    },
                ),
                Some(_) => continue,
                None => {
                    seen.insert(&data.name, data);
                }
            }
            let file = data.script_file();
            if file.is_empty() || file.starts_with('/') || file.split('/').any(|s| s == "..") {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "file",
                        reason: format!(
                            "`{file}` must be a path inside the script's folder (relative, without `..`)"
                        ),
                    },
                );
            }
            if let Some(other) = files.insert(file.clone(), &data.name) {
                if other != data.name {
                    self.push(
                        place.clone(),
                        Problem::Invalid {
                            field: "file",
                            reason: format!("`{file}` is also the file of data set `{other}`"),
                        },
                    );
                }
            }
            if let crate::model::vu::DataSource::CsvRows { header, rows, .. } = &data.source {
                if header.is_empty() {
                    self.push(
                        place.clone(),
                        Problem::Invalid {
                            field: "header",
                            reason: "CSV rows need a header naming their columns".into(),
                        },
                    );
                }
                if let Some(i) = rows.iter().position(|r| r.len() != header.len()) {
                    self.push(
                        place.clone(),
                        Problem::Invalid {
                            field: "rows",
                            reason: format!(
                                "row {} has {} fields but the header has {}",
                                i + 1,
                                rows[i].len(),
                                header.len()
                            ),
                        },
                    );
                }
            }
        }
    }

    /// Upload files: a name that makes a safe file name, one definition per name,
    /// and a file name and content type that can go in a part's headers.
    pub(super) fn upload_files(&mut self, script: &Script) {
        let mut seen: BTreeMap<&str, &crate::model::vu::UploadFile> = BTreeMap::new();
        for upload in &script.uploads {
            let place = Place::Upload(upload.name.clone());
            let name_ok = upload
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && !upload.name.is_empty();
            if !name_ok {
                self.push(
                    place.clone(),
                    Problem::InvalidName {
                        what: "upload file",
                        name: upload.name.clone(),
                        rule: "upload file names are ASCII letters, digits, `_` and `-` (the copy \
                               beside the script is named after it)",
                    },
                );
            }
            match seen.get(upload.name.as_str()) {
                Some(first) if *first != upload => self.push(
                    place.clone(),
                    Problem::Duplicate {
                        what: "upload file",
                        name: upload.name.clone(),
                    },
                ),
                Some(_) => continue,
                None => {
                    seen.insert(&upload.name, upload);
                }
            }
            let fields = [
                ("filename", upload.filename.as_deref()),
                ("content_type", upload.content_type.as_deref()),
            ];
            for (field, value) in fields {
                let Some(value) = value else { continue };
                let reason = if value.trim().is_empty() {
                    Some(format!("the {field} is empty: give one, or leave it out"))
                } else if field == "content_type" && !is_media_type(value) {
                    Some(format!(
                        "{} is not a media type (`type/subtype`, then `; name=value` \
                         parameters): servers would read the part as having none; write one \
                         such as `image/png`",
                        crate::validate::problem::excerpt(value)
                    ))
                } else {
                    value.chars().find(|c| c.is_control()).map(|c| {
                        format!(
                            "the {field} contains {}, which cannot go in a part's header: \
                             remove it",
                            super::request::describe_control(c)
                        )
                    })
                };
                if let Some(reason) = reason {
                    self.push(place.clone(), Problem::Invalid { field, reason });
                }
            }
        }
    }

    pub(super) fn env_defaults(&mut self, script: &Script) {
        let mut defaults: BTreeMap<String, Option<String>> = BTreeMap::new();
        defaults.insert(
            script.base_url.env.clone(),
            Some(script.base_url.default.clone()),
        );
        let mut problems = Vec::new();
        for_each_expr(script, &mut |e| match e {
            Expr::Env { name, .. } | Expr::Secret { name } if !is_env_name(name) => {
                problems.push(Problem::InvalidName {
                    what: "environment variable",
                    name: name.clone(),
                    rule: "environment variable names are ASCII letters, digits and `_`, not starting with a digit",
                });
            }
            Expr::Env { name, default } => match defaults.get(name) {
                Some(Some(first)) if default.as_ref() != Some(first) => {
                    problems.push(Problem::Invalid {
                        field: "environment default",
                        reason: format!(
                            "`{name}` has two defaults (`{first}` and `{}`): give it one",
                            default.as_deref().unwrap_or("")
                        ),
                    })
                }
                Some(_) => {}
                None => {
                    defaults.insert(name.clone(), default.clone());
                }
            },
            _ => {}
        });
        for problem in problems {
            self.push(Place::Script, problem);
        }
    }
}

/// Environment variable names usable as `__ENV.NAME`.
fn is_env_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `value` is a media type as RFC 9110 writes one: `type/subtype` of
/// token characters, then any parameters (`; charset=utf-8`), not checked further.
fn is_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    let token = |s: &str| !s.is_empty() && s.chars().all(super::request::is_token_char);
    matches!(essence.split_once('/'), Some((kind, subtype)) if token(kind) && token(subtype))
}
