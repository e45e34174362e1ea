//! The model of the code a VU runs: requests, checks, groups, think time, values
//! carried from one request to the next, and the lifecycle functions around them.
//!
//! Like the rest of the IR it knows nothing of JavaScript: values are [`Expr`]s
//! (literals, environment variables, extracted values, data rows), never code text,
//! except in the one clearly marked escape hatch [`Predicate::RawJs`].

use std::collections::BTreeMap;
use std::time::Duration;

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::logic::{ArithOp, Condition, CookieOp, ExpectedStatus, MixArm, MixMode};
use crate::model::time::serde_go;

/// A sequence of steps: a function body or a group's body.
pub type Block = Vec<Step>;

/// One statement of VU code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// An HTTP request with its checks and extractions.
    Request(Box<Request>),
    /// Several requests sent in parallel (`http.batch`).
    Batch(Vec<Request>),
    /// `group(name, function () { ... })`: a transaction whose samples carry the group path.
    Group {
        /// The group's name (its path segment).
        name: String,
        /// What runs inside.
        body: Block,
    },
    /// `sleep(...)`: think time.
    Sleep(ThinkTime),
    /// Adds a value to a custom metric (`metric.add(value)`).
    AddToMetric {
        /// The metric's k6 name.
        metric: String,
        /// The value added.
        value: Expr,
    },
    /// Picks a row of a data set into a variable.
    PickRow {
        /// The variable holding the row.
        var: Var,
        /// The data set's name.
        data: String,
        /// Which row.
        selection: RowSelection,
    },
    /// Runs `body` in a VU's first iteration only (and again while a value it
    /// extracts is still missing): per-VU login. Values extracted inside outlive the
    /// iteration.
    OncePerVu {
        /// What runs once.
        body: Block,
    },
    /// `if (condition) { then } else { otherwise }`. A value defined in only one
    /// branch exists only inside it; a [`Step::Let`] of the same variable in every
    /// branch makes one value that outlives the `if`.
    If {
        /// What decides.
        condition: Condition,
        /// What runs when it holds.
        then: Block,
        /// What runs otherwise (nothing when empty).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        otherwise: Block,
    },
    /// `for (const item of list.slice(0, max))`: the body once per item of a JSON
    /// array (none when the value is not an array), at most `max` times. Values
    /// defined in the body exist only inside it.
    ForEach {
        /// The variable holding the current item.
        item: Var,
        /// The array (usually extracted from a response).
        list: Expr,
        /// At most this many items (k6 runs what the response holds: a bound keeps a
        /// long list from turning one iteration into thousands of requests).
        max: u32,
        /// What runs per item.
        body: Block,
    },
    /// `for (let i = 0; i < times; i++)`: the body `times` times, as a loop that
    /// runs in k6 (not unrolled). Values defined in the body exist only inside it.
    Repeat {
        /// How many times.
        times: u32,
        /// The variable holding the round's number, from 0, when the body uses it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<Var>,
        /// What runs each time.
        body: Block,
    },
    /// One of several branches per iteration, by weight: a 70/30 mix of what users
    /// do in one scenario. Every sample a branch emits carries the tag `name` with
    /// the branch's name, so results count each branch. Values defined in a branch
    /// exist only inside it.
    Mix {
        /// The mix's name: the tag key its branches set (a k6 tag name).
        name: String,
        /// Random, or exact over the scenario's iterations.
        mode: MixMode,
        /// The branches, at least two.
        arms: Vec<MixArm>,
    },
    /// Sets, deletes or clears cookies of the VU's jar.
    Cookie(CookieOp),
    /// Escape hatch: JavaScript statements emitted verbatim, unchecked. The one
    /// place besides [`Predicate::RawJs`] where user text becomes code; a plan
    /// must allow it (`allow_raw_js`).
    RawJs(String),
    /// A value computed into a variable (`const total = price * quantity`); the same
    /// variable set in every branch of an `if` is one value after it.
    Let {
        /// The variable.
        var: Var,
        /// Its value.
        value: Expr,
    },
}

/// Think time between steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThinkTime {
    /// Always this long.
    Fixed(
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        Duration,
    ),
    /// Uniformly random between the bounds.
    Between(
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        Duration,
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        Duration,
    ),
}

/// A variable of generated code: a value extracted from a response, a data row or
/// setup data. `hint` names it in JavaScript (made unique by codegen); `id` is unique
/// within its function.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Var {
    /// The function that defines it: a flow name, `setup`, `teardown` or `default`.
    pub owner: String,
    /// Unique within the owner.
    pub id: u32,
    /// A readable name for the JavaScript variable (`token`, `productId`).
    pub hint: String,
}

/// A value used in generated code. Never code text: codegen writes each form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Expr {
    /// A string literal.
    Str(String),
    /// A number literal.
    Num(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `__ENV.NAME`, or the default when the variable is not set.
    Env {
        /// The variable's name.
        name: String,
        /// Used when it is unset or empty.
        default: Option<String>,
    },
    /// A secret read from `__ENV.NAME` at run time: never has a literal default.
    Secret {
        /// The variable's name.
        name: String,
    },
    /// The VU's number (`__VU`, from 1).
    VuId,
    /// The VU's iteration number (`__ITER`, from 0).
    Iteration,
    /// The VU's number unique in the whole test, across the instances of a split
    /// test (`exec.vu.idInTest`, from 1).
    VuIdInTest,
    /// The scenario's iteration number unique in the whole test, across
    /// instances (`exec.scenario.iterationInTest`, from 0).
    IterationInTest,
    /// The running scenario's name (`exec.scenario.name` from `k6/execution`).
    ScenarioName,
    /// A value extracted earlier, or a data row.
    Var(Var),
    /// A field of a value (`row.username`, `row.items[0]` for a number field).
    Field(Box<Expr>, String),
    /// A value that `setup()` returned, under this key of its data object.
    SetupData(String),
    /// Parts joined as text (a template literal).
    Concat(Vec<Expr>),
    /// The value converted to a number (`Number(value)`): what a Trend, Counter or
    /// Gauge records of an extracted value.
    AsNumber(Box<Expr>),
    /// The value converted to text (`String(value)`).
    AsString(Box<Expr>),
    /// Arithmetic on two numbers (each converted with `Number(...)` unless known to
    /// be one).
    Arith {
        /// The operation.
        op: ArithOp,
        /// The left operand.
        left: Box<Expr>,
        /// The right operand.
        right: Box<Expr>,
    },
    /// A random whole number from `min` to `max`, both included.
    RandomInt {
        /// The lowest.
        min: i64,
        /// The highest.
        max: i64,
    },
    /// One of these values, at random.
    PickOne(Vec<Expr>),
    /// A random version 4 UUID, made in the script (no network).
    Uuid,
    /// The time now, in milliseconds since the Unix epoch (`Date.now()`).
    NowMillis,
    /// The value of a cookie the VU's jar holds for a URL, or `undefined`.
    Cookie {
        /// The URL (parts joined, relative to the base URL like a request's).
        url: Vec<Expr>,
        /// The cookie's name.
        name: String,
    },
}

impl Expr {
    /// A literal string.
    pub fn str(text: impl Into<String>) -> Self {
        Expr::Str(text.into())
    }
}

/// HTTP methods, as k6's `http` module names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `http.get`
    Get,
    /// `http.post`
    Post,
    /// `http.put`
    Put,
    /// `http.patch`
    Patch,
    /// `http.del`
    Delete,
    /// `http.head`
    Head,
    /// `http.options`
    Options,
    /// `http.request(METHOD, ...)` with any other token.
    #[serde(untagged)]
    Other(String),
}

impl Method {
    /// The method as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Other(m) => m,
        }
    }

    /// Whether k6's shorthand for it takes a body argument.
    pub fn takes_body(&self) -> bool {
        !matches!(self, Method::Get | Method::Head)
    }
}

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The URL: the script's base URL followed by these parts, or an absolute URL
    /// when the first part starts with a scheme.
    pub url: Vec<Expr>,
    /// The endpoint's name: sent as the `name` and `endpoint` tags, so thresholds can
    /// select it and URLs with ids group into one series.
    pub name: String,
    /// Request headers, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, Expr)>,
    /// Extra tags on this request's samples.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Request parameters other than headers and tags.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub params: Params,
    /// Checks on the response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// What to do with the checks' outcome.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub on_checks: CheckOutcome,
    /// Custom Trend metrics that receive the response time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub record_duration: Vec<String>,
    /// Values taken from the response for later steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extract: Vec<Extraction>,
    /// The statuses k6 counts as expected for this request (its
    /// `responseCallback`), instead of the script's or k6's 200 to 399.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_statuses: Option<Vec<ExpectedStatus>>,
}

/// k6 request parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Gives up on the request after this long (k6 default 60s).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(
        default,
        with = "serde_go::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub timeout: Option<Duration>,
    /// HTTP authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// How many redirects to follow (k6 default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirects: Option<u32>,
    /// How to keep the response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_type: Option<ResponseType>,
    /// Cookies sent with this request only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<(String, Expr)>,
    /// Compresses the request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
}

/// HTTP authentication schemes k6 supports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// Basic: an `Authorization: Basic ...` header.
    Basic {
        /// User name.
        user: Expr,
        /// Password (read it from the environment).
        password: Expr,
    },
    /// Digest: credentials in the URL with `auth: "digest"`.
    Digest {
        /// User name.
        user: Expr,
        /// Password.
        password: Expr,
    },
    /// NTLM: credentials in the URL with `auth: "ntlm"`.
    Ntlm {
        /// User name.
        user: Expr,
        /// Password.
        password: Expr,
    },
}

/// k6's `responseType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResponseType {
    /// The body as a string (k6's default).
    Text,
    /// The body as an ArrayBuffer.
    Binary,
    /// Discard the body (saves memory; checks on the body cannot work).
    None,
}

impl ResponseType {
    /// k6's spelling.
    pub fn as_k6(self) -> &'static str {
        match self {
            ResponseType::Text => "text",
            ResponseType::Binary => "binary",
            ResponseType::None => "none",
        }
    }
}

/// Request body compression (k6's `compression` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    /// `gzip`
    Gzip,
    /// `deflate`
    Deflate,
    /// `br`
    Br,
    /// `zstd`
    Zstd,
}

impl Compression {
    /// k6's spelling.
    pub fn as_k6(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Deflate => "deflate",
            Compression::Br => "br",
            Compression::Zstd => "zstd",
        }
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Body {
    /// JSON, sent with `Content-Type: application/json`.
    Json(Json),
    /// Form fields, sent as `application/x-www-form-urlencoded`.
    Form(Vec<(String, Expr)>),
    /// Raw text, with the content type given (if any).
    Text {
        /// The text.
        text: Expr,
        /// Its `Content-Type`.
        content_type: Option<String>,
    },
    /// `multipart/form-data`: text fields and files, in order. k6 sends an object
    /// as multipart when one of its values is an `http.file(...)`.
    Multipart(Vec<(String, Part)>),
}

/// One part of a [`Body::Multipart`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Part {
    /// A text field.
    Field(Expr),
    /// A file the script opened in init code, by its [`UploadFile::name`]:
    /// `http.file(data, filename, contentType)`.
    File(String),
}

/// A file sent in multipart bodies: opened once per VU in init code
/// (`open(path, "b")`) from the copy k6dsl writes beside the script.
///
/// ```
/// use k6dsl::model::vu::UploadFile;
/// let report = UploadFile {
///     name: "report".into(),
///     path: "fixtures/q3.pdf".into(),
///     filename: None,
///     content_type: Some("application/pdf".into()),
/// };
/// assert_eq!(report.script_file(), "data/report.pdf");
/// assert_eq!(report.sent_filename(), "q3.pdf");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UploadFile {
    /// How bodies name it (unique among the script's upload files).
    pub name: String,
    /// The file to send, copied byte for byte when k6dsl generates: a path
    /// relative to the current directory of the process that generates, or
    /// absolute (see [`crate::model::files`]).
    pub path: String,
    /// The file name the server receives; the name of `path` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Its `Content-Type`; k6 sends `application/octet-stream` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl UploadFile {
    /// The copy k6 opens, relative to the script (a project's root):
    /// `data/<name>` with the extension of `path` (letters and digits only).
    pub fn script_file(&self) -> String {
        let extension = std::path::Path::new(&self.path)
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| !e.is_empty() && e.len() <= 16)
            .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()));
        match extension {
            Some(extension) => format!("data/{}.{extension}", self.name),
            None => format!("data/{}", self.name),
        }
    }

    /// The file name the server receives: `filename`, else the last part of `path`.
    pub fn sent_filename(&self) -> String {
        match &self.filename {
            Some(name) => name.clone(),
            None => std::path::Path::new(&self.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.name.clone()),
        }
    }
}

/// A JSON value whose leaves may be run-time values (a token, a data row's field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number (finite; whole numbers above 2^53 are rejected).
    Num(serde_json::Number),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in order.
    Object(Vec<(String, Json)>),
    /// A run-time value.
    Expr(Expr),
}

impl From<serde_json::Value> for Json {
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(b),
            serde_json::Value::Number(n) => Json::Num(n),
            serde_json::Value::String(s) => Json::Str(s),
            serde_json::Value::Array(items) => {
                Json::Array(items.into_iter().map(Json::from).collect())
            }
            serde_json::Value::Object(map) => {
                Json::Object(map.into_iter().map(|(k, v)| (k, Json::from(v))).collect())
            }
        }
    }
}

/// A named check on a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The check's name, as k6 reports it.
    pub name: String,
    /// What must hold.
    pub predicate: Predicate,
}

/// What a check asserts about a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Predicate {
    /// The status is this code.
    Status(u16),
    /// The status is one of these codes.
    StatusIn(Vec<u16>),
    /// The response has this header.
    HeaderPresent(String),
    /// The header's value contains the text.
    HeaderContains(String, String),
    /// The body contains the text.
    BodyContains(String),
    /// The body matches the (JavaScript) regular expression.
    BodyMatches(String),
    /// The JSON body has a value at the path (k6's `r.json(path)` selector syntax).
    JsonExists(String),
    /// The JSON body's value at the path equals the scalar.
    JsonEquals(String, JsonScalar),
    /// The response took less than this long (`timings.duration`).
    DurationBelow(
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        Duration,
    ),
    /// Escape hatch: a JavaScript expression over the response `r`, emitted verbatim.
    /// The only place user text becomes code; nothing else may.
    RawJs(String),
}

/// A JSON scalar to compare against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum JsonScalar {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
}

/// Where the checks' result goes, as in the seed's Check Pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckOutcome {
    /// Rate metrics that receive whether all checks passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rates: Vec<String>,
    /// Counter metrics incremented when a check fails.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure_counters: Vec<String>,
    /// Logs the failure (`console.error`) with the request name and status.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub log_failure: bool,
}

impl CheckOutcome {
    /// Whether the checks' result is used at all.
    pub fn is_used(&self) -> bool {
        !self.rates.is_empty() || !self.failure_counters.is_empty() || self.log_failure
    }
}

/// A value taken from a response into a variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Extraction {
    /// The variable it goes into.
    pub var: Var,
    /// Where in the response it is.
    pub from: Source,
}

/// Where an extracted value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Source {
    /// k6's `r.json(path)` (gjson syntax: `products.0.id`).
    JsonPath(String),
    /// A response header.
    Header(String),
    /// The text between two markers in the body.
    Between(String, String),
    /// A capture group of a (JavaScript) regular expression over the body.
    Regex {
        /// The pattern.
        pattern: String,
        /// The capture group (0 = whole match).
        group: u32,
    },
    /// The response's status (a number; 0 when the request failed to connect).
    Status,
    /// Whether every check on the request passed (what `check()` returns).
    ChecksPassed,
}

/// How a flow picks a row of a data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowSelection {
    /// The same row for all iterations of a VU (`(exec.vu.idInTest - 1) % n`: one
    /// row per VU of the whole test, also when it is split across instances).
    PerVu,
    /// The next row each iteration of a VU (`__ITER % n`).
    PerIteration,
    /// A different row for each iteration across all VUs of the scenario
    /// (k6/execution's `scenario.iterationInTest`), wrapping around when rows run
    /// out. Each scenario counts from 0, so two scenarios reading one data set this
    /// way pick the same rows.
    Unique,
    /// A random row.
    Random,
}

/// A data set loaded once in init code and shared by all VUs (`SharedArray`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DataSet {
    /// The SharedArray's name (unique).
    pub name: String,
    /// Where the rows come from.
    pub source: DataSource,
}

impl DataSet {
    /// The file k6 opens for this data set, relative to the script (a project's root):
    /// the rows' `file`, or, for an existing file, `data/<name>.json` or
    /// `data/<name>.csv`, where k6dsl copies it when it generates (see
    /// [`crate::model::files`]).
    ///
    /// ```
    /// use k6dsl::model::vu::{DataSet, DataSource};
    /// let users = DataSet { name: "users".into(), source: DataSource::CsvFile("../fixtures/users.csv".into()) };
    /// assert_eq!(users.script_file(), "data/users.csv");
    /// ```
    pub fn script_file(&self) -> String {
        match &self.source {
            DataSource::JsonRows { file, .. } | DataSource::CsvRows { file, .. } => file.clone(),
            DataSource::JsonFile(_) => format!("data/{}.json", self.name),
            DataSource::CsvFile(_) => format!("data/{}.csv", self.name),
        }
    }
}

/// Where a data set's rows come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DataSource {
    /// JSON rows written by k6dsl next to the script, at `file` (relative to it).
    JsonRows {
        /// The file's path relative to the script, e.g. `data/users.json`.
        file: String,
        /// The rows.
        rows: Vec<serde_json::Value>,
    },
    /// An existing JSON file (an array) at this path, relative to the current
    /// directory of the process that generates (or absolute); k6dsl copies it beside
    /// the script ([`DataSet::script_file`]).
    JsonFile(String),
    /// An existing CSV file with a header line at this path, relative to the current
    /// directory of the process that generates (or absolute); k6dsl copies it beside
    /// the script ([`DataSet::script_file`]). Rows become objects keyed by the header.
    CsvFile(String),
    /// CSV rows written by k6dsl next to the script.
    CsvRows {
        /// The file's path relative to the script.
        file: String,
        /// The header.
        header: Vec<String>,
        /// The rows.
        rows: Vec<Vec<String>>,
    },
}

impl DataSource {
    /// The path this source names: the file k6dsl writes the rows to (relative to
    /// the script), or the existing file k6dsl copies from. The file k6 opens is
    /// [`DataSet::script_file`].
    pub fn file(&self) -> &str {
        match self {
            DataSource::JsonRows { file, .. } | DataSource::CsvRows { file, .. } => file,
            DataSource::JsonFile(file) | DataSource::CsvFile(file) => file,
        }
    }

    /// Whether the file is CSV.
    pub fn is_csv(&self) -> bool {
        matches!(self, DataSource::CsvFile(_) | DataSource::CsvRows { .. })
    }

    /// The file's contents when k6dsl writes it (rows given in Rust), else `None`.
    pub fn contents(&self) -> Option<String> {
        match self {
            DataSource::JsonRows { rows, .. } => Some(
                serde_json::to_string_pretty(rows).expect("JSON values always serialise") + "\n",
            ),
            DataSource::CsvRows { header, rows, .. } => {
                let mut out = String::new();
                for record in std::iter::once(header).chain(rows) {
                    let fields: Vec<String> = record.iter().map(|f| csv_field(f)).collect();
                    out.push_str(&fields.join(","));
                    out.push('\n');
                }
                Some(out)
            }
            DataSource::JsonFile(_) | DataSource::CsvFile(_) => None,
        }
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// The test-wide lifecycle around the scenarios' functions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// `export function setup()`: its body and the object it returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<Setup>,
    /// `export function teardown(data)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teardown: Option<Block>,
    /// `export function handleSummary(data)` writing the JSON summary to this path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_json: Option<String>,
}

/// `setup()`: steps, then `return { key: value, ... }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// What runs.
    pub body: Block,
    /// The data object handed to every VU and to teardown.
    pub returns: Vec<(String, Expr)>,
}

// Traversals of the code model live in `walk.rs`.
pub(crate) use super::walk::{
    blocks, condition_exprs, for_each_expr, for_each_expr_in, for_each_request_expr,
    for_each_request_in, has_raw_js, visit_expr,
};
