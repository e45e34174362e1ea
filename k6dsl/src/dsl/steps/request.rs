//! Requests: method, URL, headers, body, checks and what to record.

use super::*;

/// An HTTP request to send from VU code.
///
/// A relative URL (`/products`) is resolved against the script's base URL
/// (`__ENV.BASE_URL`); every request carries its [`name`](Request::name) as the `name`
/// and `endpoint` tags.
///
/// ```
/// use k6dsl::prelude::*;
/// let login = Request::post("/auth/login")
///     .name("login")
///     .json(&serde_json::json!({ "username": "user1" }))
///     .check(Check::status(200))
///     .check(Check::json_exists("token"));
/// assert_eq!(login.to_ir().name, "login");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Request {
    pub(super) ir: ir_code::Request,
    pub(super) metrics: Vec<MetricDecl>,
    pub(super) uploads: Vec<ir_code::UploadFile>,
    pub(super) problems: Vec<String>,
}

impl Request {
    /// A request with any method.
    pub fn new(method: Method, url: impl Into<Value>) -> Self {
        let url = super::value::url_parts(url.into());
        let name = default_name(&url);
        Request {
            ir: ir_code::Request {
                method,
                url,
                name,
                headers: Vec::new(),
                tags: BTreeMap::new(),
                body: None,
                params: Params::default(),
                checks: Vec::new(),
                on_checks: CheckOutcome::default(),
                record_duration: Vec::new(),
                extract: Vec::new(),
                expected_statuses: None,
            },
            metrics: Vec::new(),
            uploads: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// `GET`
    pub fn get(url: impl Into<Value>) -> Self {
        Self::new(Method::Get, url)
    }
    /// `POST`
    pub fn post(url: impl Into<Value>) -> Self {
        Self::new(Method::Post, url)
    }
    /// `PUT`
    pub fn put(url: impl Into<Value>) -> Self {
        Self::new(Method::Put, url)
    }
    /// `PATCH`
    pub fn patch(url: impl Into<Value>) -> Self {
        Self::new(Method::Patch, url)
    }
    /// `DELETE` (k6's `http.del`)
    pub fn delete(url: impl Into<Value>) -> Self {
        Self::new(Method::Delete, url)
    }
    /// `HEAD`
    pub fn head(url: impl Into<Value>) -> Self {
        Self::new(Method::Head, url)
    }
    /// `OPTIONS`
    pub fn options(url: impl Into<Value>) -> Self {
        Self::new(Method::Options, url)
    }
    /// Any method token (`http.request("PURGE", ...)`); the seven k6 has functions
    /// for (`GET`, `POST`, ...) are the same requests as [`Request::get`] and friends,
    /// so that a model means one thing however it was written.
    ///
    /// ```
    /// use k6dsl::steps::Request;
    /// assert_eq!(Request::method("GET", "/a"), Request::get("/a"));
    /// ```
    pub fn method(method: impl Into<String>, url: impl Into<Value>) -> Self {
        let method = method.into();
        let known = match method.as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "HEAD" => Method::Head,
            "OPTIONS" => Method::Options,
            _ => Method::Other(method),
        };
        Self::new(known, url)
    }

    /// The endpoint's name, sent as the `name` and `endpoint` tags: thresholds select
    /// it (`http_req_duration{endpoint:login}`) and URLs with ids stay one series.
    /// Defaults to the URL with `*` for run-time values (`/products/*`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.ir.name = name.into();
        self
    }

    /// Counts `statuses` as expected for this request (k6's `responseCallback`
    /// with `http.expectedStatuses`), instead of the script's or k6's 200 to 399:
    /// an intended 404 is then not a failed request in `http_req_failed`. Each is a
    /// status (`404`) or an inclusive range (`200..=299`).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let lookup = Request::get("/wishlist")
    ///     .name("wishlist")
    ///     .expect_statuses([200, 404])
    ///     .check(Check::status_in([200, 404]));
    /// let js = Script::new().default_flow(&Flow::new("f").steps(|f| {
    ///     f.request(lookup);
    /// })).to_javascript()?;
    /// assert!(js.contains("responseCallback: http.expectedStatuses(200, 404),"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn expect_statuses<S: Into<ExpectedStatus>>(
        mut self,
        statuses: impl IntoIterator<Item = S>,
    ) -> Self {
        let list = self.ir.expected_statuses.get_or_insert_with(Vec::new);
        list.extend(statuses.into_iter().map(Into::into));
        self
    }

    /// Adds a request header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.ir.headers.push((name.into(), value.into().0));
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: impl Into<Value>) -> Self {
        self.header("Authorization", crate::text!["Bearer ", token.into()])
    }

    /// Adds a tag to this request's samples.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ir.tags.insert(key.into(), value.into());
        self
    }

    /// A JSON body from any serialisable value (sent with
    /// `Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_value(body) {
            Ok(value) => self.ir.body = Some(Body::Json(Json::from(value))),
            Err(e) => self
                .problems
                .push(format!("the JSON body cannot be serialised: {e}")),
        }
        self
    }

    /// A JSON object body whose fields may be run-time values (a token, a row's
    /// field, a secret).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let _ = Request::post("/auth/login").json_object([
    ///     ("username", Value::env("SHOP_USER", "user1")),
    ///     ("password", Value::secret("SHOP_PASSWORD")),
    /// ]);
    /// ```
    pub fn json_object<K: Into<String>>(
        mut self,
        fields: impl IntoIterator<Item = (K, Value)>,
    ) -> Self {
        let fields = fields
            .into_iter()
            .map(|(k, v)| (k.into(), json_leaf(v.0)))
            .collect();
        self.ir.body = Some(Body::Json(Json::Object(fields)));
        self
    }

    /// A JSON body given as the model's [`Json`] (for nested run-time values).
    pub fn json_value(mut self, body: Json) -> Self {
        self.ir.body = Some(Body::Json(body));
        self
    }

    /// A form body (`application/x-www-form-urlencoded`).
    pub fn form<K: Into<String>, V: Into<Value>>(
        mut self,
        fields: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.ir.body = Some(Body::Form(
            fields
                .into_iter()
                .map(|(k, v)| (k.into(), v.into().0))
                .collect(),
        ));
        self
    }

    /// A `multipart/form-data` body of fields and files (see [`Multipart`]);
    /// the script opens each file in init code.
    pub fn multipart(mut self, body: Multipart) -> Self {
        self.ir.body = Some(Body::Multipart(body.parts));
        self.uploads = body.uploads;
        self
    }

    /// A raw text body with its content type.
    pub fn text_body(mut self, text: impl Into<Value>, content_type: impl Into<String>) -> Self {
        self.ir.body = Some(Body::Text {
            text: text.into().0,
            content_type: Some(content_type.into()),
        });
        self
    }

    /// Gives up after this long (k6's default is 60s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.ir.params.timeout = Some(timeout);
        self
    }

    /// HTTP Basic authentication.
    pub fn basic_auth(mut self, user: impl Into<Value>, password: impl Into<Value>) -> Self {
        self.ir.params.auth = Some(Auth::Basic {
            user: user.into().0,
            password: password.into().0,
        });
        self
    }

    /// HTTP Digest authentication.
    ///
    /// k6 1.1 sends the first, unauthenticated request with the credentials as
    /// Basic auth as well (Go's client takes them from the URL): send it only to
    /// hosts that may see the password, over TLS.
    pub fn digest_auth(mut self, user: impl Into<Value>, password: impl Into<Value>) -> Self {
        self.ir.params.auth = Some(Auth::Digest {
            user: user.into().0,
            password: password.into().0,
        });
        self
    }

    /// NTLM authentication.
    ///
    /// k6 counts the 401 that carries the server's challenge as a failed request,
    /// so a fully successful NTLM request still adds to `http_req_failed`: keep
    /// thresholds on it for other endpoints (`HTTP_REQ_FAILED.tag("endpoint", ..)`).
    pub fn ntlm_auth(mut self, user: impl Into<Value>, password: impl Into<Value>) -> Self {
        self.ir.params.auth = Some(Auth::Ntlm {
            user: user.into().0,
            password: password.into().0,
        });
        self
    }

    /// Follows at most this many redirects (0: none).
    pub fn redirects(mut self, max: u32) -> Self {
        self.ir.params.redirects = Some(max);
        self
    }

    /// How to keep the body (`none` saves memory when nothing reads it).
    pub fn response_type(mut self, response_type: ResponseType) -> Self {
        self.ir.params.response_type = Some(response_type);
        self
    }

    /// Sends a cookie with this request.
    pub fn cookie(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.ir.params.cookies.push((name.into(), value.into().0));
        self
    }

    /// Compresses the request body.
    pub fn compression(mut self, compression: Compression) -> Self {
        self.ir.params.compression = Some(compression);
        self
    }

    /// Adds a check on the response.
    pub fn check(mut self, check: Check) -> Self {
        self.ir.checks.push(check.0);
        self
    }

    /// Adds whether all checks passed to a Rate metric.
    pub fn record_checks(mut self, rate: &Metric<kind::Rate>) -> Self {
        self.ir.on_checks.rates.push(rate.name().to_owned());
        self.metrics.extend(rate.declaration());
        self
    }

    /// Adds 1 to a Counter when a check fails.
    pub fn count_failures(mut self, counter: &Metric<kind::Counter>) -> Self {
        self.ir
            .on_checks
            .failure_counters
            .push(counter.name().to_owned());
        self.metrics.extend(counter.declaration());
        self
    }

    /// Logs a failed check with the request's name and status (`console.error`).
    pub fn log_failures(mut self) -> Self {
        self.ir.on_checks.log_failure = true;
        self
    }

    /// Adds the response time to a Trend metric.
    pub fn record_duration(mut self, trend: &Metric<kind::Trend>) -> Self {
        self.ir.record_duration.push(trend.name().to_owned());
        self.metrics.extend(trend.declaration());
        self
    }

    /// The model of this request.
    pub fn to_ir(&self) -> &ir_code::Request {
        &self.ir
    }
}

/// A request's name from its URL: the literal text, with `*` for each run-time
/// value (`/products/*`), so URLs with ids stay one series.
fn default_name(url: &[Expr]) -> String {
    url.iter()
        .map(|part| match part {
            Expr::Str(s) => s.as_str(),
            _ => "*",
        })
        .collect()
}

fn json_leaf(expr: Expr) -> Json {
    match expr {
        Expr::Str(s) => Json::Str(s),
        Expr::Bool(b) => Json::Bool(b),
        other => Json::Expr(other),
    }
}
