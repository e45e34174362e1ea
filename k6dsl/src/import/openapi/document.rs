//! Reading the document: JSON or YAML text, the OpenAPI version, every `$ref`
//! checked, and the operations in document order with their parts resolved.

use serde_json::{Map, Value as Json};

use super::error::{pointer_token, ImportError, Problem};

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A `$ref` chain longer than this is a cycle of references to references.
const MAX_REF_HOPS: usize = 32;

/// Reads JSON (text starting with `{`) or YAML into a value.
pub(crate) fn parse(text: &str) -> Result<Json, ImportError> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| ImportError::Syntax {
            format: "JSON",
            line: e.line(),
            column: e.column(),
            message: strip_location(&e.to_string()),
        })
    } else {
        serde_norway::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            ImportError::Syntax {
                format: "YAML",
                line,
                column,
                message: strip_location(&e.to_string()),
            }
        })
    }
}

/// The parsers end their messages with " at line L column C"; the error says it first.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Checks that `doc` says it is OpenAPI 3.0 or 3.1.
pub(crate) fn check_version(doc: &Json) -> Result<(), ImportError> {
    let fix =
        "k6dsl imports OpenAPI 3.0 and 3.1; convert older documents first (swagger2openapi does)";
    if let Some(swagger) = doc.get("swagger") {
        return Err(ImportError::NotOpenApi3 {
            found: format!("Swagger {}", scalar_text(swagger)),
            fix: fix.into(),
        });
    }
    match doc.get("openapi") {
        Some(Json::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(other) => Err(ImportError::NotOpenApi3 {
            found: format!("openapi: {other}"),
            fix: fix.into(),
        }),
        None if doc.is_object() => Err(ImportError::NotOpenApi3 {
            found: "no `openapi` field".into(),
            fix: fix.into(),
        }),
        None => Err(ImportError::NotOpenApi3 {
            found: "a document that is not an object".into(),
            fix: fix.into(),
        }),
    }
}

fn scalar_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every `$ref` in the document must be local (`#/...`) and point at something.
/// Example values are data, not the document's structure, so they are not searched.
pub(crate) fn check_refs(doc: &Json) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk_refs(doc, doc, &mut String::new(), &mut problems);
    problems
}

fn walk_refs(doc: &Json, node: &Json, at: &mut String, problems: &mut Vec<Problem>) {
    match node {
        Json::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                check_ref(doc, reference, at, problems);
            }
            for (key, child) in map {
                if key == "example" || key == "$ref" {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&pointer_token(key));
                walk_refs(doc, child, at, problems);
                at.truncate(len);
            }
        }
        Json::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                walk_refs(doc, child, at, problems);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn check_ref(doc: &Json, reference: &Json, at: &str, problems: &mut Vec<Problem>) {
    let Json::String(reference) = reference else {
        problems.push(Problem {
            at: at.to_string(),
            message: format!("`$ref` must be a string, found {reference}"),
        });
        return;
    };
    match reference.strip_prefix('#') {
        Some(pointer) => {
            if doc.pointer(pointer).is_none() {
                problems.push(Problem {
                    at: at.to_string(),
                    message: format!(
                        "unresolved reference `{reference}`: nothing in the document is at that place; fix the name or add it under components"
                    ),
                });
            }
        }
        None => problems.push(Problem {
            at: at.to_string(),
            message: format!(
                "unsupported: external reference `{reference}`; only references within the document (`#/components/...`) are read — bundle the document first (e.g. `redocly bundle`)"
            ),
        }),
    }
}

/// Follows `$ref`s from `node` to what they point at (the references were checked;
/// a cycle of references to references stops at the last hop).
pub(crate) fn resolve<'a>(doc: &'a Json, mut node: &'a Json) -> &'a Json {
    for _ in 0..MAX_REF_HOPS {
        match node
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// The components name a schema reference points at (`Product` for
/// `#/components/schemas/Product`).
pub(crate) fn schema_ref_name(node: &Json) -> Option<&str> {
    node.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
}

/// A parameter of an operation, its references resolved.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub schema: Json,
    /// The parameter's example (its own, or the first of its `examples`).
    pub example: Option<Json>,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Form,
}

/// A request body: how it is sent, its schema (references kept, so that a named
/// schema becomes a named Rust type), its example.
#[derive(Debug, Clone)]
pub(crate) struct RequestBody {
    pub kind: BodyKind,
    pub schema: Json,
    pub example: Option<Json>,
}

/// How an operation authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Authorization: Bearer` with the secret `env` (http bearer, OAuth 2, OpenID Connect).
    Bearer { env: String },
    /// HTTP basic with the secrets `<env>_USER` and `<env>_PASSWORD`.
    Basic { env: String },
    /// An API key in a header, from the secret `env`.
    ApiKeyHeader { header: String, env: String },
}

/// A documented response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Code(u16),
    /// `2XX`: every status from `100 * class` to `100 * class + 99`.
    Class(u16),
}

/// One operation, ready to become a request.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// Upper-case method (`GET`).
    pub method: String,
    /// The path template (`/products/{id}`).
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    pub statuses: Vec<Status>,
    pub auth: Vec<Auth>,
}

impl Operation {
    /// The request's name: the operationId, else `METHOD /path`.
    pub(crate) fn name(&self) -> String {
        self.operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {}", self.method, self.path))
    }

    /// The first documented 2xx status, which the status check expects.
    pub(crate) fn success(&self) -> Option<u16> {
        self.statuses.iter().find_map(|s| match s {
            Status::Code(c) if (200..300).contains(c) => Some(*c),
            _ => None,
        })
    }
}

/// An operation that could not be read, with the problems that say why.
#[derive(Debug, Clone)]
pub(crate) struct Unsupported {
    pub name: String,
    pub problems: Vec<Problem>,
}

/// The operations in document order: those that can be imported, and those that use
/// something the importer does not support.
pub(crate) fn operations(doc: &Json) -> (Vec<Operation>, Vec<Unsupported>) {
    let mut ok = Vec::new();
    let mut unsupported = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Json::as_object) else {
        return (ok, unsupported);
    };
    let empty = Map::new();
    for (path, item) in paths {
        let item_pointer = format!("/paths/{}", pointer_token(path));
        let item = resolve(doc, item);
        let item = item.as_object().unwrap_or(&empty);
        for method in METHODS {
            let Some(op) = item.get(method).and_then(Json::as_object) else {
                continue;
            };
            let pointer = format!("{item_pointer}/{method}");
            let mut problems = Vec::new();
            let operation = read_operation(doc, path, method, item, op, &pointer, &mut problems);
            if problems.is_empty() {
                ok.push(operation);
            } else {
                unsupported.push(Unsupported {
                    name: operation.name(),
                    problems,
                });
            }
        }
    }
    (ok, unsupported)
}

fn read_operation(
    doc: &Json,
    path: &str,
    method: &str,
    item: &Map<String, Json>,
    op: &Map<String, Json>,
    pointer: &str,
    problems: &mut Vec<Problem>,
) -> Operation {
    if op.contains_key("callbacks") {
        problems.push(Problem {
            at: format!("{pointer}/callbacks"),
            message: "unsupported: callbacks (requests the server makes); remove them or skip this operation".into(),
        });
    }
    let parameters = read_parameters(doc, item, op, pointer, problems);
    let body = op
        .get("requestBody")
        .and_then(|b| read_body(doc, b, &format!("{pointer}/requestBody"), problems));
    let statuses = op
        .get("responses")
        .and_then(Json::as_object)
        .map(|responses| responses.keys().filter_map(|k| read_status(k)).collect())
        .unwrap_or_default();
    let security = op.get("security").or_else(|| doc.get("security"));
    Operation {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        operation_id: op
            .get("operationId")
            .and_then(Json::as_str)
            .map(str::to_string),
        summary: op
            .get("summary")
            .or_else(|| op.get("description"))
            .and_then(Json::as_str)
            .map(str::to_string),
        tags: op
            .get("tags")
            .and_then(Json::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        parameters,
        body,
        statuses,
        auth: read_auth(doc, security),
    }
}

fn read_status(key: &str) -> Option<Status> {
    if let Ok(code) = key.parse::<u16>() {
        return (100..600).contains(&code).then_some(Status::Code(code));
    }
    let bytes = key.as_bytes();
    match bytes {
        [c @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => Some(Status::Class(u16::from(c - b'0'))),
        _ => None,
    }
}

/// Path-item parameters, overridden by the operation's own of the same name and place.
fn read_parameters(
    doc: &Json,
    item: &Map<String, Json>,
    op: &Map<String, Json>,
    pointer: &str,
    problems: &mut Vec<Problem>,
) -> Vec<Parameter> {
    let mut found: Vec<Parameter> = Vec::new();
    let lists = [item.get("parameters"), op.get("parameters")];
    for (level, list) in lists.into_iter().enumerate() {
        let Some(list) = list.and_then(Json::as_array) else {
            continue;
        };
        for (i, raw) in list.iter().enumerate() {
            let at = if level == 0 {
                format!(
                    "{}/parameters/{i}",
                    pointer.rsplit_once('/').map_or("", |p| p.0)
                )
            } else {
                format!("{pointer}/parameters/{i}")
            };
            let p = resolve(doc, raw);
            let name = p.get("name").and_then(Json::as_str).unwrap_or_default();
            let location = match p.get("in").and_then(Json::as_str) {
                Some("path") => Location::Path,
                Some("query") => Location::Query,
                Some("header") => Location::Header,
                Some(other) => {
                    problems.push(Problem {
                        at,
                        message: format!("unsupported: parameter `{name}` in `{other}` (path, query and header parameters are)"),
                    });
                    continue;
                }
                None => {
                    problems.push(Problem {
                        at,
                        message: format!("parameter `{name}` has no `in`; say where it goes (path, query, header)"),
                    });
                    continue;
                }
            };
            let example = p.get("example").cloned().or_else(|| first_example(doc, p));
            if location == Location::Header {
                if let Some(problem) = header_problem(name, example.as_ref()) {
                    problems.push(Problem {
                        at,
                        message: problem,
                    });
                    continue;
                }
            }
            let parameter = Parameter {
                name: name.to_string(),
                location,
                required: location == Location::Path
                    || p.get("required").and_then(Json::as_bool).unwrap_or(false),
                schema: p.get("schema").cloned().unwrap_or(Json::Null),
                example,
            };
            found.retain(|f| !(f.name == parameter.name && f.location == parameter.location));
            found.push(parameter);
        }
    }
    found
}

/// Why a header parameter cannot be sent as documented: a name that is not an HTTP
/// token, or an example with a line break (HTTP forbids both; k6 would fail).
fn header_problem(name: &str, example: Option<&Json>) -> Option<String> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Some(format!(
            "header parameter `{name}` is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only): rename it"
        ));
    }
    let text = example.map(super::sample::as_text).unwrap_or_default();
    if text.contains(['\r', '\n']) {
        return Some(format!(
            "the example of header parameter `{name}` contains a line break, which HTTP forbids in a header: remove it"
        ));
    }
    None
}

/// The value of the first entry of an `examples` map (Example objects, maybe references).
fn first_example(doc: &Json, holder: &Json) -> Option<Json> {
    let (_, first) = holder.get("examples")?.as_object()?.iter().next()?;
    resolve(doc, first).get("value").cloned()
}

fn read_body(doc: &Json, raw: &Json, at: &str, problems: &mut Vec<Problem>) -> Option<RequestBody> {
    let body = resolve(doc, raw);
    let content = body.get("content")?.as_object()?;
    let json = content
        .iter()
        .find(|(media, _)| is_json(media))
        .map(|(_, m)| (BodyKind::Json, m));
    let form = content
        .iter()
        .find(|(media, _)| media.starts_with("application/x-www-form-urlencoded"))
        .map(|(_, m)| (BodyKind::Form, m));
    match json.or(form) {
        Some((kind, media)) => Some(RequestBody {
            kind,
            schema: media.get("schema").cloned().unwrap_or(Json::Null),
            example: media
                .get("example")
                .cloned()
                .or_else(|| first_example(doc, media)),
        }),
        None => {
            let types: Vec<&str> = content.keys().map(String::as_str).collect();
            problems.push(Problem {
                at: format!("{at}/content"),
                message: format!(
                    "unsupported: request body of type {} (JSON and application/x-www-form-urlencoded bodies are imported)",
                    types.join(", ")
                ),
            });
            None
        }
    }
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// The first security requirement the operation (or the document) lists; an empty
/// requirement (`{}`) first means authentication is optional, so none is sent.
fn read_auth(doc: &Json, security: Option<&Json>) -> Vec<Auth> {
    let Some(first) = security
        .and_then(Json::as_array)
        .and_then(|alternatives| alternatives.first())
        .and_then(Json::as_object)
    else {
        return Vec::new();
    };
    let schemes = doc.pointer("/components/securitySchemes");
    first
        .keys()
        .filter_map(|name| {
            let scheme = resolve(doc, schemes?.get(name)?);
            let env = super::ident::upper_snake(name);
            match scheme.get("type").and_then(Json::as_str)? {
                "http" => match scheme
                    .get("scheme")
                    .and_then(Json::as_str)?
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "bearer" => Some(Auth::Bearer {
                        env: format!("{env}_TOKEN"),
                    }),
                    "basic" => Some(Auth::Basic { env }),
                    _ => None,
                },
                "oauth2" | "openIdConnect" => Some(Auth::Bearer {
                    env: format!("{env}_TOKEN"),
                }),
                "apiKey" if scheme.get("in").and_then(Json::as_str) == Some("header") => {
                    Some(Auth::ApiKeyHeader {
                        header: scheme.get("name")?.as_str()?.to_string(),
                        env: format!("{env}_KEY"),
                    })
                }
                _ => None,
            }
        })
        .collect()
}
