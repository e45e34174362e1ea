//! The plan: one flow with one request per operation, values from examples.

use serde_json::Value as Json;

use super::document::{resolve, Auth, BodyKind, Location, Operation, Parameter, Status};
use super::ident::upper_snake;
use super::sample::{as_text, sample};
use crate::model::logic::ExpectedStatus;
use crate::steps::{Check, Request, Value};
use crate::{Flow, Script};

/// The flow's name in the plan (the exported function of the k6 script).
pub(crate) const FLOW_NAME: &str = "api";

/// The script: `BASE_URL` from `servers[0]`, one request per operation in order.
pub(crate) fn script(doc: &Json, operations: &[Operation], base_url: &str) -> Script {
    let flow = Flow::new(FLOW_NAME).steps(|f| {
        for operation in operations {
            f.request(request(doc, operation));
        }
    });
    Script::new()
        .base_url("BASE_URL", base_url)
        .default_flow(&flow)
}

fn request(doc: &Json, op: &Operation) -> Request {
    let mut request =
        Request::method(op.method.clone(), Value::concat(url(doc, op))).name(op.name());
    for p in &op.parameters {
        if p.location == Location::Header {
            if let Some(value) = parameter_value(doc, p) {
                request = request.header(p.name.clone(), value);
            }
        }
    }
    for auth in &op.auth {
        request = match auth {
            Auth::Bearer { env } => request.bearer(Value::secret(env)),
            Auth::Basic { env } => request.basic_auth(
                Value::secret(format!("{env}_USER")),
                Value::secret(format!("{env}_PASSWORD")),
            ),
            Auth::ApiKeyHeader { header, env } => {
                request.header(header.clone(), Value::secret(env))
            }
        };
    }
    if let Some(body) = &op.body {
        let value = body
            .example
            .clone()
            .unwrap_or_else(|| sample(doc, &body.schema));
        request = match body.kind {
            BodyKind::Json => request.json(&value),
            BodyKind::Form => request.form(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), Value::text(as_text(v)))),
            ),
        };
    }
    if !op.statuses.is_empty() {
        request = request.expect_statuses(op.statuses.iter().map(|s| expected(*s)));
    }
    if let Some(code) = op.success() {
        request = request.check(Check::status(code));
    }
    request
}

pub(crate) fn expected(status: Status) -> ExpectedStatus {
    match status {
        Status::Code(code) => ExpectedStatus::Code(code),
        Status::Class(class) => ExpectedStatus::Range {
            min: class * 100,
            max: class * 100 + 99,
        },
    }
}

/// A piece of a path template.
pub(crate) enum Segment<'a> {
    Literal(&'a str),
    Parameter(&'a str),
}

/// `/products/{id}` → `/products/`, `id`.
pub(crate) fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            out.push(Segment::Literal(&rest[..open]));
        }
        out.push(Segment::Parameter(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Segment::Literal(rest));
    }
    out
}

fn url(doc: &Json, op: &Operation) -> Vec<Value> {
    let mut parts = Vec::new();
    for segment in segments(&op.path) {
        match segment {
            Segment::Literal(text) => parts.push(Value::text(text)),
            Segment::Parameter(name) => {
                let declared = op
                    .parameters
                    .iter()
                    .find(|p| p.location == Location::Path && p.name == name);
                let value = declared
                    .and_then(|p| parameter_value(doc, p))
                    .unwrap_or_else(|| Value::env(upper_snake(name), "1"));
                parts.push(value);
            }
        }
    }
    let mut separator = "?";
    for p in op
        .parameters
        .iter()
        .filter(|p| p.location == Location::Query)
    {
        if let Some(value) = parameter_value(doc, p) {
            parts.push(Value::text(format!(
                "{separator}{}=",
                encode_query_name(&p.name)
            )));
            parts.push(value);
            separator = "&";
        }
    }
    parts
}

/// `__ENV.NAME` with the example as its default; none for an optional parameter
/// that has no example or default to send.
fn parameter_value(doc: &Json, p: &Parameter) -> Option<Value> {
    let schema = resolve(doc, &p.schema);
    let documented = p.example.clone().or_else(|| {
        ["example", "default"]
            .iter()
            .find_map(|k| schema.get(*k).cloned())
    });
    let value = match documented {
        Some(v) => v,
        None if p.required => sample(doc, &p.schema),
        None => return None,
    };
    let text = match (&value, p.location) {
        (Json::Null, Location::Path) => "1".to_string(),
        _ => as_text(&value),
    };
    Some(Value::env(upper_snake(&p.name), text))
}

/// Percent-encodes a query parameter's name (its value is the run-time's).
pub(crate) fn encode_query_name(name: &str) -> String {
    let mut out = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
