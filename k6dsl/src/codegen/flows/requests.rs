//! HTTP requests: the call, its URL, body and params, batches, and what is done
//! with the response (checks, durations, extractions).

use crate::codegen::doc::{call, delimited, Doc};
use crate::codegen::js::{property_key, string_literal, template_literal, TemplatePart};
use crate::model;
use crate::model::time::go_duration;
use crate::model::vu::{blocks, for_each_request_in};
use crate::model::vu::{Auth, Body, Expr, Json, Method, Request, Source};

use super::steps::if_doc;
use super::values::{join_template, member};
use super::Function;

impl Function<'_, '_> {
    /// Whether the response must be kept in a variable.
    fn keeps_response(request: &Request) -> bool {
        !request.checks.is_empty()
            || !request.extract.is_empty()
            || !request.record_duration.is_empty()
    }

    pub(super) fn request(&mut self, request: &Request, out: &mut Vec<Doc>) {
        self.module.needs.http = true;
        let (callee, args) = self.request_call(request);
        // Prettier hugs the params object only when the argument before it is not
        // an object too, as a form body is.
        let form_body = request.method.takes_body() && matches!(request.body, Some(Body::Form(_)));
        let call_doc = call(&callee, args, !form_body);
        if Self::keeps_response(request) {
            let res = self.fresh(&format!("{} res", request.name));
            out.push(Doc::Concat(vec![
                Doc::text(format!("const {res} = ")),
                call_doc,
                Doc::text(";"),
            ]));
            self.after_response(request, &res, out);
        } else {
            out.push(Doc::Concat(vec![call_doc, Doc::text(";")]));
        }
    }

    pub(super) fn batch(&mut self, requests: &[Request], out: &mut Vec<Doc>) {
        self.module.needs.http = true;
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
        let batch = call("http.batch", vec![array], true);
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
        if !request.checks.is_empty() {
            self.module.needs.k6.insert("check");
            let entries = request.checks.iter().map(|c| self.check_entry(c)).collect();
            let checks = delimited("{", entries, "}", Doc::Line, true);
            let check_call = call("check", vec![Doc::text(res), checks], true);
            let outcome = &request.on_checks;
            if outcome.is_used() {
                let ok = self.fresh(&format!("{} ok", request.name));
                out.push(Doc::Concat(vec![
                    Doc::text(format!("const {ok} = ")),
                    check_call,
                    Doc::text(";"),
                ]));
                for rate in &outcome.rates {
                    out.push(Doc::text(format!("{}.add({ok});", self.metric_var(rate))));
                }
                if !outcome.failure_counters.is_empty() || outcome.log_failure {
                    let mut inner = Vec::new();
                    for counter in &outcome.failure_counters {
                        inner.push(Doc::text(format!("{}.add(1);", self.metric_var(counter))));
                    }
                    if outcome.log_failure {
                        let message = template_literal(&[
                            TemplatePart::Text(format!("{} failed: status ", request.name)),
                            TemplatePart::Expr(format!("{res}.status")),
                        ]);
                        inner.push(Doc::text(format!("console.error({message});")));
                    }
                    out.push(if_doc(&format!("!{ok}"), inner));
                }
            } else {
                out.push(Doc::Concat(vec![check_call, Doc::text(";")]));
            }
        }
        for trend in &request.record_duration {
            out.push(Doc::text(format!(
                "{}.add({res}.timings.duration);",
                self.metric_var(trend)
            )));
        }
        for extraction in &request.extract {
            let value = match &extraction.from {
                Source::JsonPath(path) => format!("{res}.json({})", string_literal(path)),
                Source::Header(name) => {
                    format!("{res}.headers{}", member(&canonical_header(name)))
                }
                Source::Between(left, right) => {
                    self.module.needs.helpers.insert("findBetween");
                    format!(
                        "findBetween({res}.body, {}, {})",
                        string_literal(left),
                        string_literal(right)
                    )
                }
                Source::Regex { pattern, group } => {
                    self.module.needs.helpers.insert("matchGroup");
                    format!(
                        "matchGroup({res}.body, {}, {group})",
                        string_literal(pattern)
                    )
                }
            };
            let declare = self.declare(&extraction.var);
            out.push(Doc::text(format!("{declare}{value};")));
        }
    }

    /// The callee and arguments of one request.
    fn request_call(&mut self, request: &Request) -> (String, Vec<Doc>) {
        let (method, url, body, params) = self.request_parts(request);
        let mut args = Vec::new();
        let callee = match &request.method {
            Method::Get => "http.get".to_owned(),
            Method::Head => "http.head".to_owned(),
            Method::Post => "http.post".to_owned(),
            Method::Put => "http.put".to_owned(),
            Method::Patch => "http.patch".to_owned(),
            Method::Delete => "http.del".to_owned(),
            Method::Options => "http.options".to_owned(),
            Method::Other(_) => {
                args.push(Doc::text(string_literal(method)));
                "http.request".to_owned()
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

    /// Method, URL, body and params of a request.
    fn request_parts<'r>(
        &mut self,
        request: &'r Request,
    ) -> (&'r str, Doc, Option<Doc>, Option<Doc>) {
        let mut url = self.url(&request.url);
        let mut headers: Vec<(String, String)> = Vec::new();
        let has_content_type = request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        let body = match &request.body {
            None => None,
            Some(Body::Json(json)) => {
                if !has_content_type {
                    headers.push(("Content-Type".into(), string_literal("application/json")));
                }
                Some(call("JSON.stringify", vec![self.json(json)], true))
            }
            Some(Body::Form(fields)) => {
                let entries = fields
                    .iter()
                    .map(|(k, v)| {
                        Doc::text(format!("{}: {}", property_key(k), self.string_expr(v)))
                    })
                    .collect();
                Some(delimited("{", entries, "}", Doc::Line, false))
            }
            Some(Body::Text { text, content_type }) => {
                if let (Some(ct), false) = (content_type, has_content_type) {
                    headers.push(("Content-Type".into(), string_literal(ct)));
                }
                Some(Doc::text(self.string_expr(text)))
            }
        };
        for (name, value) in &request.headers {
            headers.push((name.clone(), self.string_expr(value)));
        }
        let mut params = Vec::new();
        match &request.params.auth {
            Some(Auth::Basic { user, password }) => {
                self.module.needs.encoding = true;
                let credentials =
                    self.template(&[user.clone(), Expr::str(":"), password.clone()], false);
                headers.push((
                    "Authorization".into(),
                    template_literal(&[
                        TemplatePart::Text("Basic ".into()),
                        TemplatePart::Expr(format!("encoding.b64encode({credentials})")),
                    ]),
                ));
            }
            Some(Auth::Digest { user, password } | Auth::Ntlm { user, password }) => {
                self.module.needs.helpers.insert("withCredentials");
                let user = self.string_expr(user);
                let password = self.string_expr(password);
                url = call(
                    "withCredentials",
                    vec![url, Doc::text(user), Doc::text(password)],
                    false,
                );
            }
            None => {}
        }
        if !headers.is_empty() {
            let entries = headers
                .into_iter()
                .map(|(k, v)| Doc::text(format!("{}: {v}", property_key(&k))))
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
                tags.into_iter().map(Doc::Text).collect(),
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
                .map(|(k, v)| Doc::text(format!("{}: {}", property_key(k), self.string_expr(v))))
                .collect();
            params.push(Doc::Concat(vec![
                Doc::text("cookies: "),
                delimited("{", entries, "}", Doc::Line, false),
            ]));
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
    fn url(&mut self, parts: &[Expr]) -> Doc {
        let mut pieces = Vec::with_capacity(parts.len() + 1);
        if !is_absolute(parts) {
            // Prefix the base URL inside the literal: `${BASE_URL}/products/${id}`.
            let base = self.module.base_url.clone();
            self.module.needs.names.insert(base.clone());
            pieces.push(TemplatePart::Expr(base));
        }
        self.template_parts(parts, true, &mut pieces);
        Doc::text(join_template(&pieces))
    }

    pub(super) fn json(&mut self, json: &Json) -> Doc {
        match json {
            Json::Null => Doc::text("null"),
            Json::Bool(b) => Doc::text(b.to_string()),
            Json::Num(n) => Doc::text(n.to_string()),
            Json::Str(s) => Doc::text(string_literal(s)),
            Json::Expr(e) => Doc::text(self.expr(e, false)),
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
