//! Requests: methods, URLs, headers, cookies, bodies and statuses k6 or HTTP accept.

use std::collections::BTreeSet;

use crate::model::logic::{ExpectedStatus, DEFAULT_EXPECTED_STATUSES};
use crate::model::vu::{
    for_each_request_expr, Body, Expr, Json, Method, Part, Predicate, Request, ResponseType, Source,
};
use crate::model::MetricKind;
use crate::validate::problem::{Place, Problem};

use super::*;
use crate::validate::{Validator, MAX_SAFE_INTEGER};

impl Validator {
    pub(super) fn request(
        &mut self,
        request: &Request,
        at: &At,
        scope: &Scope<'_>,
        setup: Option<&BTreeSet<&str>>,
        what: &str,
    ) {
        let place = || at.place(what.to_owned());
        let invalid = |field: &'static str, reason: String| Problem::Invalid { field, reason };
        if request.name.trim().is_empty() {
            self.push(
                place(),
                invalid(
                    "name",
                    "every request needs a name: it becomes the `name` and `endpoint` tags".into(),
                ),
            );
        }
        if request.url.is_empty() {
            self.push(place(), invalid("url", "the URL is empty".into()));
        }
        if let Method::Other(method) = &request.method {
            if method.is_empty() || !method.chars().all(is_token_char) {
                self.push(
                    place(),
                    invalid("method", format!("`{method}` is not an HTTP method token")),
                );
            }
        }
        if request.body.is_some() && !request.method.takes_body() {
            self.push(
                place(),
                invalid(
                    "body",
                    format!(
                        "k6 sends no body with {}: use POST, PUT or PATCH",
                        request.method.as_str()
                    ),
                ),
            );
        }
        if let Some(Body::Multipart(parts)) = &request.body {
            for reason in self.multipart_problems(request, parts) {
                self.push(place(), invalid("body", reason));
            }
        }
        for (name, value) in &request.headers {
            if name.is_empty() || !name.chars().all(is_token_char) {
                self.push(
                    place(),
                    invalid("header", format!("`{name}` is not a valid header name")),
                );
            }
            if let Some(c) = header_control_char(value) {
                self.push(
                    place(),
                    invalid(
                        "header",
                        format!(
                            "the value of `{name}` contains {}, which HTTP forbids in a \
                             header (k6 would fail the request): remove it",
                            describe_control(c)
                        ),
                    ),
                );
            }
        }
        for key in request.tags.keys() {
            if key.is_empty() {
                self.push(
                    place(),
                    invalid(
                        "tag",
                        "tag names must not be empty (k6 crashes on it)".into(),
                    ),
                );
            } else if key == "name" || key == "endpoint" {
                self.push(
                    place(),
                    invalid(
                        "tag",
                        format!("`{key}` is set from the request's name: use .name(...)"),
                    ),
                );
            }
        }
        for (name, _) in &request.params.cookies {
            if name.is_empty() || !name.chars().all(is_token_char) {
                self.push(
                    place(),
                    invalid("cookie", format!("`{name}` is not a valid cookie name")),
                );
            }
        }
        if request.params.timeout == Some(std::time::Duration::ZERO) {
            self.push(place(), invalid("timeout", "must be greater than 0".into()));
        }
        if let Some(Body::Json(json)) = &request.body {
            self.json(json, &place());
        }
        let body_unread = request.params.response_type == Some(ResponseType::None);
        let mut names = BTreeSet::new();
        for check in &request.checks {
            let check_place = at.place(format!("{what}, check `{}`", check.name));
            self.name_in_path(check_place.clone(), "check name", &check.name);
            if !names.insert(&check.name) {
                self.push(
                    check_place.clone(),
                    Problem::Duplicate {
                        what: "check name",
                        name: check.name.clone(),
                    },
                );
            }
            match &check.predicate {
                Predicate::Status(code) => {
                    self.status(check_place.clone(), *code);
                    self.expected(check_place.clone(), request, &[*code]);
                }
                Predicate::StatusIn(codes) => {
                    self.expected(check_place.clone(), request, codes);
                    if codes.is_empty() {
                        self.push(
                            check_place.clone(),
                            invalid("status", "the set of statuses is empty".into()),
                        );
                    }
                    for code in codes {
                        self.status(check_place.clone(), *code);
                    }
                }
                Predicate::HeaderPresent(name) | Predicate::HeaderContains(name, _)
                    if name.is_empty() || !name.chars().all(is_token_char) =>
                {
                    self.push(
                        check_place.clone(),
                        invalid("header", format!("`{name}` is not a valid header name")),
                    );
                }
                Predicate::JsonExists(path) | Predicate::JsonEquals(path, _) if path.is_empty() => {
                    self.push(
                        check_place.clone(),
                        invalid("path", "the JSON path is empty".into()),
                    )
                }
                Predicate::JsonEquals(_, crate::model::vu::JsonScalar::Num(n))
                    if !n.is_finite() =>
                {
                    self.push(
                        check_place.clone(),
                        Problem::NotFinite {
                            field: "expected value",
                            value: *n,
                        },
                    )
                }
                Predicate::RawJs(code) if code.trim().is_empty() => self.push(
                    check_place.clone(),
                    invalid("expression", "the raw JavaScript check is empty".into()),
                ),
                _ => {}
            }
            let reads_body = matches!(
                check.predicate,
                Predicate::BodyContains(_)
                    | Predicate::BodyMatches(_)
                    | Predicate::JsonExists(_)
                    | Predicate::JsonEquals(..)
            );
            if reads_body && body_unread {
                self.push(
                    check_place,
                    invalid(
                        "check",
                        "the request discards its body (responseType none), so this check can never pass".into(),
                    ),
                );
            }
        }
        for rate in &request.on_checks.rates {
            self.metric_use(place(), rate, Some(MetricKind::Rate));
        }
        for counter in &request.on_checks.failure_counters {
            self.metric_use(place(), counter, Some(MetricKind::Counter));
        }
        if request.on_checks.is_used() && request.checks.is_empty() {
            self.push(
                place(),
                invalid(
                    "checks",
                    "check results are recorded, but the request has no checks".into(),
                ),
            );
        }
        for trend in &request.record_duration {
            self.metric_use(place(), trend, Some(MetricKind::Trend));
        }
        if let Some(statuses) = &request.expected_statuses {
            for reason in expected_statuses_problems(statuses) {
                self.push(place(), invalid("expected statuses", reason));
            }
        }
        for extraction in &request.extract {
            if extraction.from == Source::ChecksPassed && request.checks.is_empty() {
                self.push(
                    place(),
                    invalid(
                        "extraction",
                        format!(
                            "`{}` is whether the request's checks passed, but it has no checks: add one",
                            extraction.var.hint
                        ),
                    ),
                );
            }
            let reads_body = !matches!(
                extraction.from,
                Source::Header(_) | Source::Status | Source::ChecksPassed
            );
            if reads_body && body_unread {
                self.push(
                    place(),
                    invalid(
                        "extraction",
                        "the request discards its body (responseType none), so nothing can be extracted from it".into(),
                    ),
                );
            }
            if let Source::JsonPath(path) = &extraction.from {
                if path.is_empty() {
                    self.push(place(), invalid("path", "the JSON path is empty".into()));
                }
            }
        }
        let mut values = Vec::new();
        for_each_request_expr(request, &mut |e| values.push(e.clone()));
        for value in &values {
            self.uses(value, at, scope, setup, what);
        }
    }

    pub(super) fn json(&mut self, json: &Json, place: &Place) {
        match json {
            Json::Num(n) => {
                let exact = n
                    .as_u64()
                    .map(|v| v <= MAX_SAFE_INTEGER)
                    .or_else(|| n.as_i64().map(|v| v.unsigned_abs() <= MAX_SAFE_INTEGER));
                if exact == Some(false) {
                    self.push(
                        place.clone(),
                        Problem::Invalid {
                            field: "JSON body",
                            reason: format!(
                                "the number {n} is beyond JavaScript's exact integers (2^53 - 1): send it as a string"
                            ),
                        },
                    );
                }
            }
            Json::Array(items) => items.iter().for_each(|i| self.json(i, place)),
            Json::Object(entries) => {
                let mut keys = BTreeSet::new();
                for (key, value) in entries {
                    if !keys.insert(key) {
                        self.push(
                            place.clone(),
                            Problem::Duplicate {
                                what: "JSON key",
                                name: key.clone(),
                            },
                        );
                    }
                    self.json(value, place);
                }
            }
            _ => {}
        }
    }

    /// A status check must agree with the statuses k6 counts as expected for the
    /// request: a check for an intended 404 passes while k6 counts the request
    /// in `http_req_failed`, unless 404 is expected.
    fn expected(&mut self, place: Place, request: &Request, codes: &[u16]) {
        let (expected, whose): (&[ExpectedStatus], &str) = match &request.expected_statuses {
            Some(list) => (list, "the request's expected statuses"),
            None => match &self.declared.expected_statuses {
                Some(list) => (list, "the script's expected statuses"),
                None => (
                    &DEFAULT_EXPECTED_STATUSES,
                    "k6's default expected statuses (200 to 399)",
                ),
            },
        };
        let outside: Vec<String> = codes
            .iter()
            // A code HTTP does not have is reported on its own.
            .filter(|code| (100..=599).contains(*code))
            .filter(|code| !expected.iter().any(|status| status.contains(**code)))
            .map(u16::to_string)
            .collect();
        if !outside.is_empty() && !expected.is_empty() {
            self.push(
                place,
                Problem::Invalid {
                    field: "status",
                    reason: format!(
                        "the check expects {}, outside {whose}, so k6 would count the response as a failed request (http_req_failed): add .expect_statuses([{}]) to the request, or to the script",
                        outside.join(", "),
                        outside.join(", ")
                    ),
                },
            );
        }
    }

    pub(super) fn status(&mut self, place: Place, code: u16) {
        if !(100..=599).contains(&code) {
            self.push(
                place,
                Problem::Invalid {
                    field: "status",
                    reason: format!("{code} is not an HTTP status (100 to 599)"),
                },
            );
        }
    }
}

impl Validator {
    /// What k6 would send wrong in a multipart body: a part without a name, two
    /// parts of one name (the later would replace the earlier in the object k6
    /// reads), a file the script does not declare, or a `Content-Type` header,
    /// which would lack the boundary k6 writes into its own.
    fn multipart_problems(&self, request: &Request, parts: &[(String, Part)]) -> Vec<String> {
        let mut out = Vec::new();
        if parts.is_empty() {
            out.push("the multipart body has no parts: add a field or a file".to_owned());
        }
        let mut names = BTreeSet::new();
        for (name, part) in parts {
            if name.is_empty() {
                out.push("a multipart part has an empty name: name it".to_owned());
            } else if !names.insert(name.as_str()) {
                out.push(format!(
                    "two multipart parts are named `{name}`: k6 would send only the last; \
                     rename one"
                ));
            }
            if let Part::File(upload) = part {
                if !self.declared.uploads.contains(upload.as_str()) {
                    out.push(format!(
                        "part `{name}` sends upload file `{upload}`, which the script does not \
                         declare: add it to the plan's `uploads` (or use `Upload::file`)"
                    ));
                }
            }
        }
        if request
            .headers
            .iter()
            .any(|(header, _)| header.eq_ignore_ascii_case("content-type"))
        {
            out.push(
                "a multipart body takes its Content-Type from k6, with the boundary between \
                 its parts: remove the Content-Type header"
                    .to_owned(),
            );
        }
        out
    }
}

/// The first character HTTP forbids in a header value (controls but tab: RFC 9110
/// field-value, and Go's `ValidHeaderFieldValue`), in the text k6dsl writes: the
/// literal parts and the defaults of environment values.
fn header_control_char(value: &Expr) -> Option<char> {
    let forbidden = |text: &str| text.chars().find(|&c| c.is_ascii_control() && c != '\t');
    match value {
        Expr::Str(text) => forbidden(text),
        Expr::Env {
            default: Some(default),
            ..
        } => forbidden(default),
        Expr::Concat(parts) => parts.iter().find_map(header_control_char),
        _ => None,
    }
}

/// `a line break`, `NUL`, `U+001B`: a control character as a message names it.
pub(super) fn describe_control(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".into(),
        '\0' => "NUL".into(),
        c => format!("the control character U+{:04X}", c as u32),
    }
}

/// RFC 9110 token characters (header names, methods, cookie names).
pub(super) fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// What is wrong with a list of expected statuses: none at all, a status HTTP does
/// not have, a range upside down.
pub(crate) fn expected_statuses_problems(statuses: &[ExpectedStatus]) -> Vec<String> {
    let mut out = Vec::new();
    if statuses.is_empty() {
        out.push(
            "the list is empty: every response would count as failed; name at least one status"
                .to_owned(),
        );
    }
    let http = 100..=599;
    for status in statuses {
        match *status {
            ExpectedStatus::Code(code) if !http.contains(&code) => {
                out.push(format!("{code} is not an HTTP status (100 to 599)"))
            }
            ExpectedStatus::Range { min, max } if min > max => out.push(format!(
                "the range {min} to {max} is upside down: the lowest comes first"
            )),
            ExpectedStatus::Range { min, max } if !http.contains(&min) || !http.contains(&max) => {
                out.push(format!(
                    "the range {min} to {max} is not within HTTP statuses (100 to 599)"
                ))
            }
            _ => {}
        }
    }
    out
}
