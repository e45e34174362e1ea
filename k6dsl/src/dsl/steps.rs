//! Builders for the code a VU runs: requests, checks, groups, think time, values
//! carried between requests, data rows, and setup/teardown.
//!
//! A flow's body is written as a Rust closure over [`Steps`]. Values extracted from a
//! response are [`Value`] handles that exist only after the request that produces
//! them, so a value cannot be used before it is extracted; a handle smuggled into
//! another function is rejected when the script is generated, with its place.
//!
//! ```
//! use k6dsl::prelude::*;
//!
//! let browse = Flow::new("browse").steps(|f| {
//!     f.group("Browse Products", |g| {
//!         let list = g.request(
//!             Request::get("/products")
//!                 .name("products")
//!                 .check(Check::status(200))
//!                 .check(Check::json_exists("products.0.id")),
//!         );
//!         let id = list.json("products.0.id").named("productId");
//!         g.think(ThinkTime::between(secs(1), secs(3)));
//!         g.request(Request::get(text!["/products/", id]).name("product").check(Check::status(200)));
//!     });
//! });
//! let js = Script::new()
//!     .scenario(Scenario::new("browse", ConstantVus::new().vus(nz!(2)).duration(secs(30))).exec(&browse))
//!     .to_javascript()?;
//! assert!(js.contains(r#"const productId = productsRes.json("products.0.id");"#));
//! # Ok::<(), k6dsl::Errors>(())
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use serde::Serialize;

use crate::dsl::metric::{kind, Metric};
use crate::model::vu::{
    self as ir_code, Auth, Block, Body, CheckOutcome, Compression, DataSource, Expr, Extraction,
    Json, JsonScalar, Method, Params, Predicate, ResponseType, RowSelection, Source, Step, Var,
};
use crate::model::MetricDecl;

pub use crate::model::vu::ThinkTime;

/// A run-time value for generated code: a literal, an environment variable, a value
/// extracted from a response, a data row's field, setup data, or text joining them.
///
/// ```
/// use k6dsl::steps::Value;
/// let user = Value::env("SHOP_USER", "user1");
/// let password = Value::secret("SHOP_PASSWORD"); // read at run time, never a literal
/// let vu = Value::vu();
/// let _ = (user, password, vu);
/// ```
#[derive(Debug, Clone)]
pub struct Value(pub(crate) Expr, Origin);

/// For an extracted value, the function that defines it, so [`Value::named`] can
/// rename the variable where it is defined.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin(Option<Rc<RefCell<FunctionState>>>);

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl From<Expr> for Value {
    fn from(expr: Expr) -> Self {
        Value(expr, Origin::default())
    }
}

impl Value {
    /// A literal string.
    pub fn text(text: impl Into<String>) -> Self {
        Value::from(Expr::Str(text.into()))
    }

    /// `__ENV.NAME`, or `default` when the variable is unset or empty.
    pub fn env(name: impl Into<String>, default: impl Into<String>) -> Self {
        Value::from(Expr::Env {
            name: name.into(),
            default: Some(default.into()),
        })
    }

    /// A secret (password, token) read from `__ENV.NAME` at run time. It has no
    /// default, so it never appears in a generated file.
    pub fn secret(name: impl Into<String>) -> Self {
        Value::from(Expr::Secret { name: name.into() })
    }

    /// The VU number (`__VU`, from 1).
    pub fn vu() -> Self {
        Value::from(Expr::VuId)
    }

    /// The iteration number within the VU (`__ITER`, from 0).
    pub fn iteration() -> Self {
        Value::from(Expr::Iteration)
    }

    /// The running scenario's name (`exec.scenario.name`).
    pub fn scenario_name() -> Self {
        Value::from(Expr::ScenarioName)
    }

    /// A field of this value (a row's column, a JSON object's key).
    pub fn field(&self, name: impl Into<String>) -> Self {
        Value::from(Expr::Field(Box::new(self.0.clone()), name.into()))
    }

    /// This value as a number (`Number(value)`), for a Trend, Counter or Gauge: k6
    /// records only numbers in them, and an extracted value (JSON, a header, text
    /// found in the body) or a CSV field is not one until converted.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let cart_size = Gauge::new("cart_size");
    /// let flow = Flow::new("cart").steps(|f| {
    ///     let cart = f.request(Request::get("/cart").name("cart"));
    ///     f.add(&cart_size, cart.json("items.#").named("count").as_number());
    /// });
    /// let js = Script::new().default_flow(&flow).to_javascript()?;
    /// assert!(js.contains("cartSize.add(Number(count));"), "{js}");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn as_number(&self) -> Self {
        Value::from(Expr::AsNumber(Box::new(self.0.clone())))
    }

    /// Renames the JavaScript variable holding an extracted value (`productId`).
    /// Has no effect on other values.
    pub fn named(self, hint: impl Into<String>) -> Self {
        match self.0 {
            Expr::Var(var) => {
                let hint = hint.into();
                // The extraction that defines the variable carries the same hint.
                if let Some(state) = &self.1 .0 {
                    state.borrow_mut().rename(&var, &hint);
                }
                Value(Expr::Var(Var { hint, ..var }), self.1)
            }
            other => Value(other, self.1),
        }
    }

    /// The model of this value.
    pub fn to_ir(&self) -> &Expr {
        &self.0
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::text(text)
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::text(text)
    }
}

impl From<&Value> for Value {
    fn from(value: &Value) -> Self {
        value.clone()
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::from(Expr::Num(n))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::from(Expr::Num(n as f64))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::from(Expr::Bool(b))
    }
}

/// Joins parts into one text value: `text!["/products/", id]` becomes the template
/// literal `` `${BASE_URL}/products/${productId}` `` in a URL.
#[macro_export]
macro_rules! text {
    ($($part:expr),+ $(,)?) => {
        $crate::steps::Value::concat([$($crate::steps::Value::from($part)),+])
    };
}

impl Value {
    /// Joins parts into one text value (see [`text!`](crate::text)).
    pub fn concat(parts: impl IntoIterator<Item = Value>) -> Self {
        let mut joined = Vec::new();
        for part in parts {
            match part.0 {
                Expr::Concat(inner) => joined.extend(inner),
                other => joined.push(other),
            }
        }
        Value::from(Expr::Concat(joined))
    }
}

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
    ir: ir_code::Request,
    metrics: Vec<MetricDecl>,
    problems: Vec<String>,
}

impl Request {
    /// A request with any method.
    pub fn new(method: Method, url: impl Into<Value>) -> Self {
        let url = match url.into().0 {
            Expr::Concat(parts) => parts,
            other => vec![other],
        };
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
            },
            metrics: Vec::new(),
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

/// A named check on a response. The name is what k6 reports; each constructor gives
/// a readable default that [`named`](Check::named) replaces.
///
/// ```
/// use k6dsl::prelude::*;
/// let c = Check::status(200);
/// assert_eq!(c.name(), "status is 200");
/// let c = Check::duration_below(millis(500)).named("fast enough");
/// assert_eq!(c.name(), "fast enough");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Check(ir_code::Check);

impl Check {
    fn new(name: String, predicate: Predicate) -> Self {
        Check(ir_code::Check { name, predicate })
    }

    /// The status is `code`.
    pub fn status(code: u16) -> Self {
        Self::new(format!("status is {code}"), Predicate::Status(code))
    }

    /// The status is one of `codes`.
    pub fn status_in(codes: impl IntoIterator<Item = u16>) -> Self {
        let codes: Vec<u16> = codes.into_iter().collect();
        let list: Vec<String> = codes.iter().map(u16::to_string).collect();
        Self::new(
            format!("status is one of {}", list.join(", ")),
            Predicate::StatusIn(codes),
        )
    }

    /// The response has the header.
    pub fn header_present(name: impl Into<String>) -> Self {
        let name = name.into();
        Self::new(format!("has header {name}"), Predicate::HeaderPresent(name))
    }

    /// The header's value contains `text`.
    pub fn header_contains(name: impl Into<String>, text: impl Into<String>) -> Self {
        let (name, text) = (name.into(), text.into());
        Self::new(
            format!("{name} contains {text}"),
            Predicate::HeaderContains(name, text),
        )
    }

    /// The body contains `text`.
    pub fn body_contains(text: impl Into<String>) -> Self {
        let text = text.into();
        Self::new(
            format!("body contains {text}"),
            Predicate::BodyContains(text),
        )
    }

    /// The body matches a JavaScript regular expression.
    pub fn body_matches(pattern: impl Into<String>) -> Self {
        let pattern = pattern.into();
        Self::new(
            format!("body matches {pattern}"),
            Predicate::BodyMatches(pattern),
        )
    }

    /// The JSON body has a value at `path` (k6's `r.json()` selector: `products.0.id`).
    pub fn json_exists(path: impl Into<String>) -> Self {
        let path = path.into();
        Self::new(format!("body has {path}"), Predicate::JsonExists(path))
    }

    /// The JSON body's value at `path` equals `expected`.
    pub fn json_equals(path: impl Into<String>, expected: impl Into<JsonScalar>) -> Self {
        let (path, expected) = (path.into(), expected.into());
        let shown = match &expected {
            JsonScalar::Null => "null".to_owned(),
            JsonScalar::Bool(b) => b.to_string(),
            JsonScalar::Num(n) => crate::model::plain_number(*n),
            JsonScalar::Str(s) => s.clone(),
        };
        Self::new(
            format!("{path} is {shown}"),
            Predicate::JsonEquals(path, expected),
        )
    }

    /// The response took less than `limit`.
    pub fn duration_below(limit: Duration) -> Self {
        Self::new(
            format!("response time < {}", crate::model::time::GoDuration(limit)),
            Predicate::DurationBelow(limit),
        )
    }

    /// Escape hatch: a JavaScript expression over the response `r`, emitted verbatim.
    /// It is the one place user text becomes code; prefer the typed checks. In
    /// TypeScript output it must also be valid strict TypeScript (`r.body` may be
    /// null there: write `String(r.body).length`).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let c = Check::raw_js("small body", "r.body.length < 1024");
    /// ```
    pub fn raw_js(name: impl Into<String>, expression: impl Into<String>) -> Self {
        Self::new(name.into(), Predicate::RawJs(expression.into()))
    }

    /// Replaces the check's name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.0.name = name.into();
        self
    }

    /// The check's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
}

impl From<&str> for JsonScalar {
    fn from(s: &str) -> Self {
        JsonScalar::Str(s.to_owned())
    }
}
impl From<String> for JsonScalar {
    fn from(s: String) -> Self {
        JsonScalar::Str(s)
    }
}
impl From<f64> for JsonScalar {
    fn from(n: f64) -> Self {
        JsonScalar::Num(n)
    }
}
impl From<i32> for JsonScalar {
    fn from(n: i32) -> Self {
        JsonScalar::Num(n.into())
    }
}
impl From<bool> for JsonScalar {
    fn from(b: bool) -> Self {
        JsonScalar::Bool(b)
    }
}

/// Think time helpers.
impl ThinkTime {
    /// Always `duration`.
    pub fn fixed(duration: Duration) -> Self {
        ThinkTime::Fixed(duration)
    }

    /// Uniformly random between `min` and `max`.
    pub fn between(min: Duration, max: Duration) -> Self {
        ThinkTime::Between(min, max)
    }
}

/// A data set loaded once in init code and shared by every VU (`SharedArray`).
///
/// ```
/// use k6dsl::prelude::*;
/// #[derive(serde::Serialize)]
/// struct Item { id: u32, quantity: u32 }
/// let items = DataSet::json_rows("items", &[Item { id: 1, quantity: 2 }]);
/// let flow = Flow::new("buy").steps(|f| {
///     let item = f.row(&items, RowSelection::PerIteration);
///     f.request(Request::post("/cart/items").name("add_item").json_object([
///         ("product_id", item.field("id")),
///         ("quantity", item.field("quantity")),
///     ]));
/// });
/// # let _ = flow;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DataSet {
    ir: ir_code::DataSet,
    problems: Vec<String>,
}

impl DataSet {
    /// Rows serialised to `data/<name>.json` next to the script.
    pub fn json_rows<T: Serialize>(name: impl Into<String>, rows: &[T]) -> Self {
        let name = name.into();
        let mut problems = Vec::new();
        let rows = rows
            .iter()
            .filter_map(|row| {
                serde_json::to_value(row)
                    .map_err(|e| problems.push(format!("a row cannot be serialised: {e}")))
                    .ok()
            })
            .collect();
        DataSet {
            ir: ir_code::DataSet {
                source: DataSource::JsonRows {
                    file: format!("data/{name}.json"),
                    rows,
                },
                name,
            },
            problems,
        }
    }

    /// An existing JSON file holding an array, at `path`: relative to the current
    /// directory of the process that generates (a build script's: its package
    /// directory), or absolute. k6dsl copies it to `data/<name>.json` beside the
    /// script when it generates ([`Script::data_files`](crate::Script::data_files),
    /// a project's `data/`), and the script opens that copy; a file missing then is a
    /// validation problem naming the data set and the path. See [`crate::model::files`].
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let script = Script::new().data(&DataSet::json_file("products", "no/such/products.json"));
    /// let error = script.to_javascript().unwrap_err().to_string();
    /// assert!(error.contains("data set `products`: file: `no/such/products.json` does not exist"), "{error}");
    /// ```
    pub fn json_file(name: impl Into<String>, path: impl Into<String>) -> Self {
        DataSet {
            ir: ir_code::DataSet {
                name: name.into(),
                source: DataSource::JsonFile(path.into()),
            },
            problems: Vec::new(),
        }
    }

    /// An existing CSV file with a header line, at `path`: relative to the current
    /// directory of the process that generates, or absolute, copied to
    /// `data/<name>.csv` beside the script as [`DataSet::json_file`] is. Rows become
    /// objects keyed by the header; every field is a string.
    pub fn csv_file(name: impl Into<String>, path: impl Into<String>) -> Self {
        DataSet {
            ir: ir_code::DataSet {
                name: name.into(),
                source: DataSource::CsvFile(path.into()),
            },
            problems: Vec::new(),
        }
    }

    /// CSV rows written to `data/<name>.csv` next to the script.
    pub fn csv_rows<H: Into<String>, F: Into<String>, R: IntoIterator<Item = F>>(
        name: impl Into<String>,
        header: impl IntoIterator<Item = H>,
        rows: impl IntoIterator<Item = R>,
    ) -> Self {
        let name = name.into();
        DataSet {
            ir: ir_code::DataSet {
                source: DataSource::CsvRows {
                    file: format!("data/{name}.csv"),
                    header: header.into_iter().map(Into::into).collect(),
                    rows: rows
                        .into_iter()
                        .map(|r| r.into_iter().map(Into::into).collect())
                        .collect(),
                },
                name,
            },
            problems: Vec::new(),
        }
    }

    /// The data set's name.
    pub fn name(&self) -> &str {
        &self.ir.name
    }

    /// The model of this data set.
    pub fn to_ir(&self) -> &ir_code::DataSet {
        &self.ir
    }

    pub(crate) fn problems(&self) -> &[String] {
        &self.problems
    }
}

/// What a flow body uses besides its steps: metric declarations, data sets, and
/// problems found while building (reported at generation with their place).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Uses {
    pub metrics: Vec<MetricDecl>,
    pub data: Vec<DataSet>,
    pub problems: Vec<String>,
}

impl Uses {
    fn merge(&mut self, other: Uses) {
        for m in other.metrics {
            if !self.metrics.contains(&m) {
                self.metrics.push(m);
            }
        }
        for d in other.data {
            if !self.data.contains(&d) {
                self.data.push(d);
            }
        }
        self.problems.extend(other.problems);
    }
}

/// The shared state of one function being built: the next variable id and the
/// requests' extractions, reachable from [`Response`] handles.
#[derive(Debug, Default)]
pub(crate) struct FunctionState {
    owner: String,
    next_var: u32,
    /// Extractions per request, indexed by request id.
    extractions: Vec<Vec<Extraction>>,
}

impl FunctionState {
    fn var(&mut self, hint: String) -> Var {
        let var = Var {
            owner: self.owner.clone(),
            id: self.next_var,
            hint,
        };
        self.next_var += 1;
        var
    }

    fn rename(&mut self, var: &Var, hint: &str) {
        for e in self.extractions.iter_mut().flatten() {
            if e.var.owner == var.owner && e.var.id == var.id {
                e.var.hint = hint.to_owned();
            }
        }
    }
}

/// A pending step: requests keep an id so their extractions can be filled in later.
#[derive(Debug)]
enum Pending {
    Request(Box<ir_code::Request>, usize),
    Batch(Vec<(ir_code::Request, usize)>),
    Group(String, Vec<Pending>),
    OncePerVu(Vec<Pending>),
    Done(Step),
}

/// The body of a function being written: add steps in the order they run.
pub struct Steps {
    state: Rc<RefCell<FunctionState>>,
    steps: Vec<Pending>,
    uses: Uses,
}

impl Steps {
    pub(crate) fn new(owner: &str) -> Self {
        let state = Rc::new(RefCell::new(FunctionState {
            owner: owner.to_owned(),
            ..FunctionState::default()
        }));
        Steps {
            state,
            steps: Vec::new(),
            uses: Uses::default(),
        }
    }

    fn nested(&self) -> Steps {
        Steps {
            state: Rc::clone(&self.state),
            steps: Vec::new(),
            uses: Uses::default(),
        }
    }

    fn add_request(&mut self, request: Request) -> (ir_code::Request, usize) {
        self.uses.metrics.extend(request.metrics);
        self.uses.problems.extend(request.problems);
        let mut state = self.state.borrow_mut();
        state.extractions.push(Vec::new());
        (request.ir, state.extractions.len() - 1)
    }

    /// Sends a request; the returned handle extracts values from its response.
    pub fn request(&mut self, request: Request) -> Response {
        let (ir, id) = self.add_request(request);
        self.steps.push(Pending::Request(Box::new(ir), id));
        Response {
            state: Rc::clone(&self.state),
            id,
        }
    }

    /// Sends requests in parallel (`http.batch`); one handle per response, in order.
    pub fn batch(&mut self, requests: impl IntoIterator<Item = Request>) -> Vec<Response> {
        let batch: Vec<(ir_code::Request, usize)> =
            requests.into_iter().map(|r| self.add_request(r)).collect();
        let handles = batch
            .iter()
            .map(|(_, id)| Response {
                state: Rc::clone(&self.state),
                id: *id,
            })
            .collect();
        self.steps.push(Pending::Batch(batch));
        handles
    }

    /// A group: a named transaction. Returns what the closure returns, so values
    /// extracted inside can be used after it.
    pub fn group<R>(&mut self, name: impl Into<String>, body: impl FnOnce(&mut Steps) -> R) -> R {
        let mut inner = self.nested();
        let result = body(&mut inner);
        self.uses.merge(inner.uses);
        self.steps.push(Pending::Group(name.into(), inner.steps));
        result
    }

    /// Runs `body` once per VU (and again in a later iteration while a value it
    /// extracts is still missing): per-VU login.
    pub fn once_per_vu<R>(&mut self, body: impl FnOnce(&mut Steps) -> R) -> R {
        let mut inner = self.nested();
        let result = body(&mut inner);
        self.uses.merge(inner.uses);
        self.steps.push(Pending::OncePerVu(inner.steps));
        result
    }

    /// Pauses: think time.
    pub fn think(&mut self, think: ThinkTime) {
        self.steps.push(Pending::Done(Step::Sleep(think)));
    }

    /// Pauses for a fixed time.
    pub fn sleep(&mut self, duration: Duration) {
        self.think(ThinkTime::Fixed(duration));
    }

    /// Adds a value to a custom metric (`metric.add(value)`).
    pub fn add<K: kind::Kind>(&mut self, metric: &Metric<K>, value: impl Into<Value>) {
        self.uses.metrics.extend(metric.declaration());
        self.steps.push(Pending::Done(Step::AddToMetric {
            metric: metric.name().to_owned(),
            value: value.into().0,
        }));
    }

    /// Picks a row of a data set; its fields are [`Value::field`]s.
    pub fn row(&mut self, data: &DataSet, selection: RowSelection) -> Value {
        if !self.uses.data.contains(data) {
            self.uses.data.push(data.clone());
        }
        self.uses.problems.extend(data.problems().iter().cloned());
        let var = self.state.borrow_mut().var(singular(data.name()));
        self.steps.push(Pending::Done(Step::PickRow {
            var: var.clone(),
            data: data.name().to_owned(),
            selection,
        }));
        Value::from(Expr::Var(var))
    }

    pub(crate) fn finish(self) -> (Block, Uses) {
        let state = self.state.borrow();
        let block = resolve(self.steps, &state.extractions);
        (block, self.uses)
    }
}

fn resolve(steps: Vec<Pending>, extractions: &[Vec<Extraction>]) -> Block {
    steps
        .into_iter()
        .map(|pending| match pending {
            Pending::Request(mut request, id) => {
                request.extract = extractions[id].clone();
                Step::Request(request)
            }
            Pending::Batch(requests) => Step::Batch(
                requests
                    .into_iter()
                    .map(|(mut request, id)| {
                        request.extract = extractions[id].clone();
                        request
                    })
                    .collect(),
            ),
            Pending::Group(name, body) => Step::Group {
                name,
                body: resolve(body, extractions),
            },
            Pending::OncePerVu(body) => Step::OncePerVu {
                body: resolve(body, extractions),
            },
            Pending::Done(step) => step,
        })
        .collect()
}

/// `users` → `user`: a row of a data set reads as one item.
fn singular(name: &str) -> String {
    let base = name
        .strip_suffix('s')
        .filter(|b| !b.is_empty())
        .unwrap_or(name);
    if base == name {
        format!("{name}Row")
    } else {
        base.to_owned()
    }
}

/// A sent request's response: extracts values for later steps.
pub struct Response {
    state: Rc<RefCell<FunctionState>>,
    id: usize,
}

impl Response {
    fn extract(&self, hint: String, from: Source) -> Value {
        let mut state = self.state.borrow_mut();
        let var = state.var(hint);
        state.extractions[self.id].push(Extraction {
            var: var.clone(),
            from,
        });
        Value(Expr::Var(var), Origin(Some(Rc::clone(&self.state))))
    }

    /// The value at a path of the JSON body (k6's `r.json(path)`: `user.id`,
    /// `products.0.id`).
    pub fn json(&self, path: impl Into<String>) -> Value {
        let path = path.into();
        self.extract(hint_from(&path), Source::JsonPath(path))
    }

    /// A response header's value.
    pub fn header(&self, name: impl Into<String>) -> Value {
        let name = name.into();
        self.extract(hint_from(&name), Source::Header(name))
    }

    /// The body text between two markers.
    pub fn between(&self, left: impl Into<String>, right: impl Into<String>) -> Value {
        self.extract(
            "extracted".into(),
            Source::Between(left.into(), right.into()),
        )
    }

    /// A capture group (0 = the whole match) of a JavaScript regular expression over
    /// the body.
    pub fn regex(&self, pattern: impl Into<String>, group: u32) -> Value {
        self.extract(
            "matched".into(),
            Source::Regex {
                pattern: pattern.into(),
                group,
            },
        )
    }
}

/// A variable name from a path: `products.0.id` → `id`, `X-Request-Id` → `xRequestId`.
fn hint_from(path: &str) -> String {
    let last = path
        .rsplit(['.', '/'])
        .find(|seg| seg.chars().any(|c| c.is_ascii_alphabetic()))
        .unwrap_or("value");
    let mut hint = String::new();
    let mut upper = false;
    for c in last.chars() {
        if c.is_ascii_alphanumeric() {
            if hint.is_empty() {
                if c.is_ascii_alphabetic() {
                    hint.extend(c.to_lowercase());
                }
            } else if upper {
                hint.extend(c.to_uppercase());
            } else {
                hint.push(c);
            }
            upper = false;
        } else {
            upper = !hint.is_empty();
        }
    }
    if hint.is_empty() {
        "value".into()
    } else {
        hint
    }
}

/// `setup()`: runs once before the test; the values it [`share`](SetupSteps::share)s
/// reach every VU and teardown.
///
/// ```
/// use k6dsl::prelude::*;
/// let setup = Setup::new(|s| {
///     let login = s.request(
///         Request::post("/auth/login")
///             .name("login")
///             .json_object([("username", Value::text("user1")), ("password", Value::secret("SHOP_PASSWORD"))])
///             .check(Check::status(200)),
///     );
///     let token = login.json("token");
///     s.share("token", token);
/// });
/// let token = setup.get("token");
/// let _ = Request::get("/users/me").bearer(token);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub(crate) ir: ir_code::Setup,
    pub(crate) uses: Uses,
}

/// The body of `setup()`: steps, and the values it returns.
pub struct SetupSteps {
    steps: Steps,
    returns: Vec<(String, Expr)>,
}

impl std::ops::Deref for SetupSteps {
    type Target = Steps;
    fn deref(&self) -> &Steps {
        &self.steps
    }
}

impl std::ops::DerefMut for SetupSteps {
    fn deref_mut(&mut self) -> &mut Steps {
        &mut self.steps
    }
}

impl SetupSteps {
    /// Returns `value` under `key` in setup's data object.
    pub fn share(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.returns.push((key.into(), value.into().0));
    }
}

impl Setup {
    /// Builds `setup()`.
    pub fn new(body: impl FnOnce(&mut SetupSteps)) -> Self {
        let mut steps = SetupSteps {
            steps: Steps::new("setup"),
            returns: Vec::new(),
        };
        body(&mut steps);
        let returns = steps.returns;
        let (body, uses) = steps.steps.finish();
        Setup {
            ir: ir_code::Setup { body, returns },
            uses,
        }
    }

    /// The value setup shared under `key`, for VU code and teardown
    /// (`data.key`). A key setup does not share is reported when the script is
    /// generated.
    pub fn get(&self, key: impl Into<String>) -> Value {
        Value::from(Expr::SetupData(key.into()))
    }
}

/// `teardown(data)`: runs once after the test.
#[derive(Debug, Clone, PartialEq)]
pub struct Teardown {
    pub(crate) body: Block,
    pub(crate) uses: Uses,
}

impl Teardown {
    /// Builds `teardown()`.
    pub fn new(body: impl FnOnce(&mut Steps)) -> Self {
        let mut steps = Steps::new("teardown");
        body(&mut steps);
        let (body, uses) = steps.finish();
        Teardown { body, uses }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_variables_after_their_source() {
        assert_eq!(hint_from("products.0.id"), "id");
        assert_eq!(hint_from("X-Request-Id"), "xRequestId");
        assert_eq!(hint_from("access_token"), "accessToken");
        assert_eq!(hint_from("0"), "value");
        assert_eq!(singular("users"), "user");
        assert_eq!(singular("data"), "dataRow");
    }

    #[test]
    fn extractions_land_on_their_request() {
        let mut steps = Steps::new("flow");
        let res = steps.request(Request::get("/a").name("a"));
        let inner = steps.group("g", |g| {
            let r = g.request(Request::get("/b").name("b"));
            r.json("token").named("authToken")
        });
        let _id = res.json("id");
        let (block, _) = steps.finish();
        let Step::Request(a) = &block[0] else {
            panic!()
        };
        assert_eq!(a.extract[0].var.hint, "id");
        let Step::Group { body, .. } = &block[1] else {
            panic!()
        };
        let Step::Request(b) = &body[0] else { panic!() };
        assert_eq!(b.extract[0].var.hint, "authToken");
        assert_eq!(inner.to_ir(), &Expr::Var(b.extract[0].var.clone()));
    }
}
