//! HTTP requests: the call, its URL, body and params, batches, and what is done
//! with the response (checks, durations, extractions).

use crate::codegen::doc::{call, cat, delimited, template, Doc};
use crate::codegen::js::{property_key, string_literal, TemplatePart};
use crate::model;
use crate::model::time::go_duration;
use crate::model::vu::{blocks, for_each_request_in};
use crate::model::vu::{Auth, Body, Expr, Json, Method, Part, Request, Source};

use super::steps::if_doc;
use super::values::member;
use super::Function;

impl Function<'_, '_> {
    /// Whether the response must be kept in a variable.
    fn keeps_response(request: &Request) -> bool {
        !request.checks.is_empty()
            || !request.extract.is_empty()
            || !request.record_duration.is_empty()
    }

    pub(super) fn request(&mut self, request: &Request, out: &mut Vec<Doc>) {
        let (method, args) = self.request_call(request);
        // Prettier hugs the params object only when the argument before it is not
        // an object too, as a form body is.
        let form_body = request.method.takes_body()
            && matches!(request.body, Some(Body::Form(_) | Body::Multipart(_)));
        let call_doc = call(cat![self.module.k6("http"), method], args, !form_body);
        if Self::keeps_response(request) {
            let res = self.fresh(&format!("{} res", request.name));
            out.push(cat![format!("const {res} = "), call_doc, ";"]);
            self.after_response(request, &res, out);
        } else {
            out.push(cat![call_doc, ";"]);
        }
    }

    pub(super) fn batch(&mut self, requests: &[Request], out: &mut Vec<Doc>) {
        let items: Vec<Doc> = requests
            .iter()
            .map(|r| {
                let (method, url, body, params) = self.request_parts(r);
                let mut entries = vec![
                    Doc::text(format!("method: {}", string_literal(method))),
                    Doc::Concat(vec![Doc::text("url: "), url]),
                ];
                if let Some(body) = body {
                    entries.push(Doc::Concat(vec![Doc::text("body: "), body]));
                }
                if let Some(params) = params {
                    entries.push(Doc::Concat(vec![Doc::text("params: "), params]));
                }
                delimited("{", entries, "}", Doc::Line, false)
            })
            .collect();
        let array = delimited("[", items, "]", Doc::SoftLine, requests.len() > 1);
        let batch = call(cat![self.module.k6("http"), ".batch"], vec![array], true);
        if requests.iter().any(Self::keeps_response) {
            let names: Vec<String> = requests
                .iter()
                .map(|r| self.fresh(&format!("{} res", r.name)))
                .collect();
            out.push(Doc::Concat(vec![
                Doc::text(format!("const [{}] = ", names.join(", "))),
                batch,
                Doc::text(";"),
            ]));
            for (request, res) in requests.iter().zip(&names) {
                self.after_response(request, res, out);
            }
        } else {
            out.push(Doc::Concat(vec![batch, Doc::text(";")]));
        }
    }

    /// Checks, metrics and extractions on a response held in `res`.
    fn after_response(&mut self, request: &Request, res: &str, out: &mut Vec<Doc>) {
        // What check() returned, when something uses it: the request's outcome
        // metrics, or a value extracted as "the checks passed".
        let mut passed: Option<String> = None;
        if !request.checks.is_empty() {
            let entries = request.checks.iter().map(|c| self.check_entry(c)).collect();
            let checks = delimited("{", entries, "}", Doc::Line, true);
            let check_call = call(
                self.module.k6("check"),
                vec![Doc::text(res.to_owned()), checks],
                true,
            );
            let outcome = &request.on_checks;
            let passed_var = request
                .extract
                .iter()
                .find(|e| e.from == Source::ChecksPassed)
                .map(|e| &e.var);
            if outcome.is_used() || passed_var.is_some() {
                let (declare, ok) = match passed_var {
                    Some(var) => {
                        let declare = self.declare(var);
                        (declare, self.names.var(var))
                    }
                    None => {
                        let ok = self.fresh(&format!("{} ok", request.name));
                        (format!("const {ok} = "), ok)
                    }
                };
                out.push(Doc::Concat(vec![
                    Doc::text(declare),
                    check_call,
                    Doc::text(";"),
                ]));
                for rate in &outcome.rates {
                    out.push(cat![self.module.metric(rate), format!(".add({ok});")]);
                }
                if !outcome.failure_counters.is_empty() || outcome.log_failure {
                    let mut inner = Vec::new();
                    for counter in &outcome.failure_counters {
                        inner.push(cat![self.module.metric(counter), ".add(1);"]);
                    }
                    if outcome.log_failure {
                        let message = template(vec![
                            TemplatePart::Text(format!("{} failed: status ", request.name)),
                            TemplatePart::Expr(Doc::text(format!("{res}.status"))),
                        ]);
                        inner.push(cat!["console.error(", message, ");"]);
                    }
                    out.push(if_doc(Doc::text(format!("!{ok}")), inner));
                }
                passed = passed_var.map(|_| ok);
            } else {
                out.push(Doc::Concat(vec![check_call, Doc::text(";")]));
            }
        }
        for trend in &request.record_duration {
            out.push(cat![
                self.module.metric(trend),
                format!(".add({res}.timings.duration);"),
            ]);
        }
        let mut first_passed = true;
        for extraction in &request.extract {
            let value = match &extraction.from {
                Source::JsonPath(path) => {
                    Doc::text(format!("{res}.json({})", string_literal(path)))
                }
                Source::Header(name) => {
                    Doc::text(format!("{res}.headers{}", member(&canonical_header(name))))
                }
                Source::Between(left, right) => cat![
                    self.module.helper("findBetween"),
                    format!(
                        "({res}.body, {}, {})",
                        string_literal(left),
                        string_literal(right)
                    ),
                ],
                Source::Regex { pattern, group } => cat![
                    self.module.helper("matchGroup"),
                    format!("({res}.body, {}, {group})", string_literal(pattern)),
                ],
                Source::Status => Doc::text(format!("{res}.status")),
                Source::ChecksPassed => match &passed {
                    // The first is what check() returned, declared above.
                    Some(_) if first_passed => {
                        first_passed = false;
                        continue;
                    }
                    Some(ok) => Doc::text(ok.clone()),
                    // Validation refuses it on a request without checks.
                    None => Doc::text("true"),
                },
            };
            let declare = self.declare(&extraction.var);
            out.push(cat![declare, value, ";"]);
        }
    }

    /// The method of `http` one request calls (`.get`), and its arguments.
    fn request_call(&mut self, request: &Request) -> (&'static str, Vec<Doc>) {
        let (method, url, body, params) = self.request_parts(request);
        let mut args = Vec::new();
        let callee = match &request.method {
            Method::Get => ".get",
            Method::Head => ".head",
            Method::Post => ".post",
            Method::Put => ".put",
            Method::Patch => ".patch",
            Method::Delete => ".del",
            Method::Options => ".options",
            Method::Other(_) => {
                args.push(Doc::text(string_literal(method)));
                ".request"
            }
        };
        args.push(url);
        if request.method.takes_body() {
            match body {
                Some(body) => args.push(body),
                None if params.is_some() => args.push(Doc::text("null")),
                None => {}
            }
        }
        args.extend(params);
        (callee, args)
    }

    /// `http.file(reportFile, "q3.pdf", "application/pdf")`: an upload file's
    /// bytes as a multipart body sends them.
    fn http_file(&mut self, upload: &str) -> Doc {
        let file = self.module.script.uploads.iter().find(|u| u.name == upload);
        let mut args = vec![Doc::from(self.module.upload(upload))];
        if let Some(file) = file {
            args.push(Doc::text(string_literal(&file.sent_filename())));
            if let Some(content_type) = &file.content_type {
                args.push(Doc::text(string_literal(content_type)));
            }
        }
        call(cat![self.module.k6("http"), ".file"], args, false)
    }

    /// Method, URL, body and params of a request.
    fn request_parts<'r>(
        &mut self,
        request: &'r Request,
    ) -> (&'r str, Doc, Option<Doc>, Option<Doc>) {
        let mut url = self.url(&request.url);
        let mut headers: Vec<(String, Doc)> = Vec::new();
        let has_content_type = request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        let body = match &request.body {
            None => None,
            Some(Body::Json(json)) => {
                if !has_content_type {
                    let json = string_literal("application/json");
                    headers.push(("Content-Type".into(), Doc::text(json)));
                }
                Some(call("JSON.stringify", vec![self.json(json)], true))
            }
            Some(Body::Form(fields)) => {
                let entries = fields
                    .iter()
                    .map(|(k, v)| cat![format!("{}: ", property_key(k)), self.string_expr(v)])
                    .collect();
                Some(delimited("{", entries, "}", Doc::Line, false))
            }
            Some(Body::Multipart(parts)) => {
                // An object with an `http.file(...)` among its values: k6 sends it as
                // multipart/form-data, with its own boundary in the Content-Type.
                let entries = parts
                    .iter()
                    .map(|(name, part)| {
                        let value = match part {
                            Part::Field(value) => self.string_expr(value),
                            Part::File(upload) => self.http_file(upload),
                        };
                        cat![format!("{}: ", property_key(name)), value]
                    })
                    .collect();
                Some(delimited("{", entries, "}", Doc::Line, false))
            }
            Some(Body::Text { text, content_type }) => {
                if let (Some(ct), false) = (content_type, has_content_type) {
                    headers.push(("Content-Type".into(), Doc::text(string_literal(ct))));
                }
                Some(self.string_expr(text))
            }
        };
        for (name, value) in &request.headers {
            headers.push((name.clone(), self.string_expr(value)));
        }
        let mut params = Vec::new();
        match &request.params.auth {
            Some(Auth::Basic { user, password }) => {
                let credentials =
                    self.template(&[user.clone(), Expr::str(":"), password.clone()], false);
                let encoding = self.module.k6("encoding");
                headers.push((
                    "Authorization".into(),
                    template(vec![
                        TemplatePart::Text("Basic ".into()),
                        TemplatePart::Expr(cat![encoding, ".b64encode(", credentials, ")"]),
                    ]),
                ));
            }
            Some(Auth::Digest { user, password } | Auth::Ntlm { user, password }) => {
                let user = self.string_expr(user);
                let password = self.string_expr(password);
                url = call(
                    self.module.helper("withCredentials"),
                    vec![url, user, password],
                    false,
                );
            }
            None => {}
        }
        if !headers.is_empty() {
            let entries = headers
                .into_iter()
                .map(|(k, v)| cat![format!("{}: ", property_key(&k)), v])
                .collect();
            params.push(Doc::Concat(vec![
                Doc::text("headers: "),
                delimited("{", entries, "}", Doc::Line, false),
            ]));
        }
        let mut tags = vec![
            format!("name: {}", string_literal(&request.name)),
            format!("endpoint: {}", string_literal(&request.name)),
        ];
        for (k, v) in &request.tags {
            tags.push(format!("{}: {}", property_key(k), string_literal(v)));
        }
        params.push(Doc::Concat(vec![
            Doc::text("tags: "),
            delimited(
                "{",
                tags.into_iter().map(Doc::text).collect(),
                "}",
                Doc::Line,
                false,
            ),
        ]));
        let p = &request.params;
        if let Some(timeout) = p.timeout {
            params.push(Doc::text(format!(
                "timeout: {}",
                string_literal(&go_duration(timeout))
            )));
        }
        match &p.auth {
            Some(Auth::Digest { .. }) => params.push(Doc::text("auth: \"digest\"")),
            Some(Auth::Ntlm { .. }) => params.push(Doc::text("auth: \"ntlm\"")),
            _ => {}
        }
        if let Some(redirects) = p.redirects {
            params.push(Doc::text(format!("redirects: {redirects}")));
        }
        if let Some(rt) = p.response_type {
            params.push(Doc::text(format!(
                "responseType: {}",
                string_literal(rt.as_k6())
            )));
        }
        if !p.cookies.is_empty() {
            let entries = p
                .cookies
                .iter()
                .map(|(k, v)| cat![format!("{}: ", property_key(k)), self.string_expr(v)])
                .collect();
            params.push(Doc::Concat(vec![
                Doc::text("cookies: "),
                delimited("{", entries, "}", Doc::Line, false),
            ]));
        }
        if let Some(statuses) = &request.expected_statuses {
            params.push(cat![
                "responseCallback: ",
                self.module.expected_statuses(statuses)
            ]);
        }
        if let Some(c) = p.compression {
            params.push(Doc::text(format!(
                "compression: {}",
                string_literal(c.as_k6())
            )));
        }
        let params = Some(delimited("{", params, "}", Doc::Line, true));
        (request.method.as_str(), url, body, params)
    }

    /// A URL: relative ones start from the base URL; values from responses and data
    /// are percent-encoded as one path segment or query value.
    pub(super) fn url(&mut self, parts: &[Expr]) -> Doc {
        let mut pieces = Vec::with_capacity(parts.len() + 1);
        if !is_absolute(parts) {
            // Prefix the base URL inside the literal: `${BASE_URL}/products/${id}`.
            let base = self.module.constant(&self.module.base_url);
            pieces.push(TemplatePart::Expr(base.into()));
        }
        self.template_parts(parts, true, &mut pieces);
        template(pieces)
    }

    pub(super) fn json(&mut self, json: &Json) -> Doc {
        match json {
            Json::Null => Doc::text("null"),
            Json::Bool(b) => Doc::text(b.to_string()),
            Json::Num(n) => Doc::text(crate::codegen::js::json_number_literal(&n.to_string())),
            Json::Str(s) => Doc::text(string_literal(s)),
            Json::Expr(e) => self.expr(e, false),
            Json::Array(items) => {
                let items = items.iter().map(|i| self.json(i)).collect();
                delimited("[", items, "]", Doc::SoftLine, false)
            }
            Json::Object(entries) => {
                let entries = entries
                    .iter()
                    .map(|(k, v)| {
                        Doc::Concat(vec![
                            Doc::text(format!("{}: ", property_key(k))),
                            self.json(v),
                        ])
                    })
                    .collect();
                delimited("{", entries, "}", Doc::Line, false)
            }
        }
    }
}

/// Header names as k6 keys `r.headers` (Go's canonical form: `Content-Type`).
pub fn canonical_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper = c == '-';
    }
    out
}

pub(super) fn is_absolute(parts: &[Expr]) -> bool {
    match parts.first() {
        Some(Expr::Str(s)) => s.starts_with("http://") || s.starts_with("https://"),
        Some(Expr::Env { .. } | Expr::Secret { .. } | Expr::SetupData(_)) => true,
        _ => false,
    }
}

pub(super) fn for_each_request(script: &model::Script, f: &mut impl FnMut(&Request)) {
    for (_, block) in blocks(script) {
        for_each_request_in(block, f);
    }
}
