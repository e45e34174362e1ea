//! Checks on VU code: names k6 rejects at run time, values used before they exist or
//! outside the function that extracts them, metrics and data sets that are not
//! declared, and bodies JavaScript cannot represent exactly.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::vu::{blocks, for_each_def, for_each_expr, for_each_request_expr, visit_expr};
use crate::model::vu::{
    Block, Body, Expr, Json, Method, Predicate, Request, ResponseType, Source, Step, ThinkTime,
};
use crate::model::{MetricKind, Script};
use crate::validate::problem::{Place, Problem};

use super::{Validator, MAX_SAFE_INTEGER};

use k6dsl_facts::metric::GROUP_PATH_SEPARATOR;

/// Where in the code a step is: `flow `browse`, group `Cart`, request `add_item``.
#[derive(Clone)]
struct At {
    function: String,
    path: Vec<String>,
}

impl At {
    fn place(&self, what: String) -> Place {
        let mut path = self.path.clone();
        path.push(what);
        Place::Code {
            function: self.function.clone(),
            path: path.join(", "),
        }
    }

    fn inside(&self, what: String) -> At {
        let mut path = self.path.clone();
        path.push(what);
        At {
            function: self.function.clone(),
            path,
        }
    }
}

/// The custom metrics and data sets the script declares, looked up by name for
/// every use in code (built once: a scan per use made validation quadratic).
#[derive(Default)]
pub(super) struct Declared {
    /// Metric name → the kind of its first declaration.
    metrics: HashMap<String, MetricKind>,
    data: HashSet<String>,
    /// Data set name → the fields that hold a number in every row.
    numeric_fields: HashMap<String, BTreeSet<String>>,
    /// Data set name → its rows' fields, where known: rows given in the model,
    /// and CSV and JSON files that can be read now.
    columns: HashMap<String, Vec<String>>,
}

/// The fields of a data set's rows, when k6dsl can know them: the CSV header, or
/// the keys of JSON rows that are all objects (in order of first appearance).
fn columns(source: &crate::model::vu::DataSource) -> Option<Vec<String>> {
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

impl Declared {
    /// Whether every row of the data set holds a number at `field` (rows given in
    /// Rust as JSON).
    fn numeric_field(&self, data: &str, field: &str) -> bool {
        self.numeric_fields
            .get(data)
            .is_some_and(|fields| fields.contains(field))
    }

    fn new(script: &Script) -> Self {
        let mut metrics = HashMap::new();
        for decl in &script.metrics {
            metrics.entry(decl.name.clone()).or_insert(decl.kind);
        }
        let mut numeric_fields = HashMap::new();
        for data in &script.data {
            if let crate::model::vu::DataSource::JsonRows { rows, .. } = &data.source {
                let objects: Vec<_> = rows.iter().filter_map(|r| r.as_object()).collect();
                if let Some(first) = objects.first() {
                    let numeric = first
                        .keys()
                        .filter(|key| {
                            objects
                                .iter()
                                .all(|o| o.get(*key).is_some_and(|v| v.is_number()))
                        })
                        .cloned()
                        .collect();
                    numeric_fields.insert(data.name.clone(), numeric);
                }
            }
        }
        let columns = script
            .data
            .iter()
            .filter_map(|d| Some((d.name.clone(), columns(&d.source)?)))
            .collect();
        Declared {
            metrics,
            data: script.data.iter().map(|d| d.name.clone()).collect(),
            numeric_fields,
            columns,
        }
    }
}

/// Variables defined so far in one function, by id.
struct Scope<'s> {
    owner: &'s str,
    defined: BTreeSet<u32>,
    /// The rows picked, by id, and their data set's name.
    rows: HashMap<u32, String>,
}

impl Validator {
    /// Checks every function's code.
    pub(super) fn code(&mut self, script: &Script) {
        self.declared = Declared::new(script);
        self.base_url(script);
        self.data_sets(script);
        self.env_defaults(script);
        let setup_keys: Option<BTreeSet<&str>> = script
            .lifecycle
            .setup
            .as_ref()
            .map(|s| s.returns.iter().map(|(k, _)| k.as_str()).collect());
        for (owner, block) in blocks(script) {
            let function = match owner {
                "setup" | "teardown" => format!("{owner}()"),
                flow => format!("flow `{flow}`"),
            };
            let at = At {
                function,
                path: Vec::new(),
            };
            let mut scope = Scope {
                owner,
                defined: BTreeSet::new(),
                rows: HashMap::new(),
            };
            self.block(block, &at, &mut scope, setup_keys.as_ref());
        }
        if let Some(setup) = &script.lifecycle.setup {
            let at = At {
                function: "setup()".into(),
                path: Vec::new(),
            };
            let mut scope = Scope {
                owner: "setup",
                defined: BTreeSet::new(),
                rows: HashMap::new(),
            };
            // Values setup returns must come from setup itself.
            for_each_def(&setup.body, &mut |var| {
                scope.defined.insert(var.id);
            });
            let mut keys = BTreeSet::new();
            for (key, value) in &setup.returns {
                if !keys.insert(key) {
                    self.push(
                        at.place(format!("returned key `{key}`")),
                        Problem::Duplicate {
                            what: "setup data key",
                            name: key.clone(),
                        },
                    );
                }
                self.uses(value, &at, &scope, None, &format!("returned key `{key}`"));
            }
        }
        if let Some(path) = &script.lifecycle.summary_json {
            if path.trim().is_empty() {
                self.push(
                    Place::Script,
                    Problem::Invalid {
                        field: "summary path",
                        reason: "handleSummary needs a file path, e.g. `results/summary.json`"
                            .into(),
                    },
                );
            }
        }
    }

    fn base_url(&mut self, script: &Script) {
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

    fn data_sets(&mut self, script: &Script) {
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

    fn env_defaults(&mut self, script: &Script) {
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

    fn block(
        &mut self,
        block: &Block,
        at: &At,
        scope: &mut Scope<'_>,
        setup: Option<&BTreeSet<&str>>,
    ) {
        for step in block {
            match step {
                Step::Request(request) => {
                    let at_request = format!("request `{}`", request.name);
                    self.request(request, at, scope, setup, &at_request);
                    for e in &request.extract {
                        scope.defined.insert(e.var.id);
                    }
                }
                Step::Batch(requests) => {
                    if requests.is_empty() {
                        self.push(
                            at.place("batch".into()),
                            Problem::Invalid {
                                field: "batch",
                                reason: "a batch needs at least one request".into(),
                            },
                        );
                    }
                    // The requests of a batch run together: none sees another's values.
                    for request in requests {
                        let what = format!("batch request `{}`", request.name);
                        self.request(request, at, scope, setup, &what);
                    }
                    for request in requests {
                        for e in &request.extract {
                            scope.defined.insert(e.var.id);
                        }
                    }
                }
                Step::Group { name, body } => {
                    self.name_in_path(at.place(format!("group `{name}`")), "group name", name);
                    self.block(body, &at.inside(format!("group `{name}`")), scope, setup);
                }
                Step::OncePerVu { body } => {
                    self.block(body, &at.inside("once per VU".into()), scope, setup);
                }
                Step::Sleep(think) => {
                    if let ThinkTime::Between(min, max) = think {
                        if min > max {
                            self.push(
                                at.place("think time".into()),
                                Problem::Invalid {
                                    field: "think time",
                                    reason: format!(
                                        "the minimum ({}) is above the maximum ({})",
                                        crate::model::time::GoDuration(*min),
                                        crate::model::time::GoDuration(*max)
                                    ),
                                },
                            );
                        }
                    }
                }
                Step::AddToMetric { metric, value } => {
                    let what = format!("adding to metric `{metric}`");
                    self.metric_use(at.place(what.clone()), metric, None);
                    self.uses(value, at, scope, setup, &what);
                    self.metric_value(at.place(what), metric, value, scope);
                }
                Step::PickRow { var, data, .. } => {
                    if !self.declared.data.contains(data.as_str()) {
                        self.push(
                            at.place(format!("row of `{data}`")),
                            Problem::Invalid {
                                field: "data set",
                                reason: format!(
                                    "no data set is called `{data}`: add it to the script"
                                ),
                            },
                        );
                    }
                    scope.defined.insert(var.id);
                    scope.rows.insert(var.id, data.clone());
                }
            }
        }
    }

    /// A Trend, Counter or Gauge records only numbers: k6 drops anything else
    /// with a warning ("invalid value for metric"), so a value that is not known
    /// to be a number must be converted with `.as_number()`.
    fn metric_value(&mut self, place: Place, metric: &str, value: &Expr, scope: &Scope<'_>) {
        let kind = match self.declared.metrics.get(metric) {
            Some(kind) if *kind != MetricKind::Rate => *kind,
            _ => return,
        };
        let what = match value {
            Expr::Num(_) | Expr::Bool(_) | Expr::VuId | Expr::Iteration | Expr::AsNumber(_) => {
                return
            }
            Expr::Field(base, field) => match &**base {
                Expr::Var(var) => match scope.rows.get(&var.id) {
                    Some(data) if self.declared.numeric_field(data, field) => return,
                    Some(data) => format!("field `{field}` of a row of `{data}`"),
                    None => format!("a field of the extracted value `{}`", var.hint),
                },
                _ => format!("field `{field}`"),
            },
            Expr::Var(var) if scope.rows.contains_key(&var.id) => {
                format!("a row of `{}`", scope.rows[&var.id])
            }
            Expr::Var(var) => format!("the extracted value `{}`", var.hint),
            Expr::Str(_) | Expr::Concat(_) => "text".to_owned(),
            Expr::Env { name, .. } | Expr::Secret { name } => {
                format!("the environment variable `{name}` (text)")
            }
            Expr::ScenarioName => "the scenario's name".to_owned(),
            Expr::SetupData(key) => format!("setup data `{key}`"),
        };
        self.push(
            place,
            Problem::Invalid {
                field: "value",
                reason: format!(
                    "a {kind:?} records numbers, and {what} is not known to be one (k6 would drop it with \"invalid value for metric\"): convert it with .as_number()"
                ),
            },
        );
    }

    fn request(
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
                Predicate::Status(code) => self.status(check_place.clone(), *code),
                Predicate::StatusIn(codes) => {
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
        for extraction in &request.extract {
            let reads_body = !matches!(extraction.from, Source::Header(_));
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

    /// Values used must exist here: extracted earlier in the same function, or
    /// returned by setup.
    fn uses(
        &mut self,
        value: &Expr,
        at: &At,
        scope: &Scope<'_>,
        setup: Option<&BTreeSet<&str>>,
        what: &str,
    ) {
        let mut problems = Vec::new();
        let declared = &self.declared;
        visit_expr(value, &mut |e| {
            match e {
            Expr::Field(base, field) => {
                if let Expr::Var(var) = &**base {
                    let known = scope
                        .rows
                        .get(&var.id)
                        .and_then(|data| Some((data, declared.columns.get(data)?)));
                    if let Some((data, columns)) = known {
                        if !columns.contains(field) {
                            problems.push(format!(
                                "the rows of `{data}` have no field `{field}`{} (their fields: {})",
                                super::did_you_mean(field, columns.iter().map(String::as_str)),
                                super::some_of(columns.iter().map(String::as_str), columns.len())
                            ));
                        }
                    }
                }
            }
            Expr::Var(var) if var.owner != scope.owner => problems.push(format!(
                "uses `{}`, a value of `{}`: values extracted in one function cannot be used in another (share them from setup instead)",
                var.hint, var.owner
            )),
            Expr::Var(var) if !scope.defined.contains(&var.id) => problems.push(format!(
                "uses `{}` before the step that extracts it",
                var.hint
            )),
            Expr::SetupData(key) => match setup {
                _ if scope.owner == "setup" => problems.push(format!(
                    "setup cannot read its own data `{key}`: use the extracted value directly"
                )),
                None => problems.push(format!(
                    "reads setup data `{key}`, but the script has no setup"
                )),
                Some(keys) if !keys.contains(key.as_str()) => problems.push(format!(
                    "reads setup data `{key}`, which setup does not share (it shares: {})",
                    keys.iter().copied().collect::<Vec<_>>().join(", ")
                )),
                Some(_) => {}
            },
            Expr::Num(n) if !n.is_finite() => {
                problems.push(format!("uses the number {n}, which is not finite"))
            }
            _ => {}
        }
        });
        for reason in problems {
            self.push(
                at.place(what.to_owned()),
                Problem::Invalid {
                    field: "value",
                    reason,
                },
            );
        }
    }

    fn json(&mut self, json: &Json, place: &Place) {
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

    fn status(&mut self, place: Place, code: u16) {
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

    /// Group and check names: k6 throws on an empty one or one holding `::`.
    fn name_in_path(&mut self, place: Place, what: &'static str, name: &str) {
        if name.is_empty() {
            self.push(
                place,
                Problem::InvalidName {
                    what,
                    name: name.to_owned(),
                    rule: "k6 needs a name",
                },
            );
        } else if name.contains(GROUP_PATH_SEPARATOR) {
            self.push(
                place,
                Problem::InvalidName {
                    what,
                    name: name.to_owned(),
                    rule: "k6 rejects `::` in group and check names (it separates group paths)",
                },
            );
        }
    }

    /// A custom metric used by code must be declared, with the kind the use needs.
    fn metric_use(&mut self, place: Place, name: &str, kind: Option<MetricKind>) {
        match self.declared.metrics.get(name).copied() {
            None => self.push(
                place,
                Problem::UnknownMetric {
                    name: name.to_owned(),
                },
            ),
            Some(actual) => {
                if let Some(kind) = kind {
                    if actual != kind {
                        self.push(
                            place,
                            Problem::KindMismatch {
                                name: name.to_owned(),
                                actual,
                                used: kind,
                            },
                        );
                    }
                }
            }
        }
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
fn describe_control(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".into(),
        '\0' => "NUL".into(),
        c => format!("the control character U+{:04X}", c as u32),
    }
}

/// RFC 9110 token characters (header names, methods, cookie names).
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Environment variable names usable as `__ENV.NAME`.
fn is_env_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The keys of the custom tags the script's requests set (repeats included).
pub(super) fn request_tag_keys(script: &Script) -> Vec<&str> {
    let mut keys: Vec<&str> = Vec::new();
    for (_, block) in blocks(script) {
        crate::model::vu::for_each_request_in(block, &mut |r| {
            keys.extend(r.tags.keys().map(String::as_str));
        });
    }
    keys
}

/// The group paths (`::Outer::Inner`) and request names of the script's code.
pub(super) fn group_paths_and_names(script: &Script) -> (BTreeSet<String>, BTreeSet<String>) {
    fn walk(
        block: &Block,
        path: &str,
        groups: &mut BTreeSet<String>,
        names: &mut BTreeSet<String>,
    ) {
        for step in block {
            match step {
                Step::Group { name, body } => {
                    let inner = format!("{path}::{name}");
                    groups.insert(inner.clone());
                    walk(body, &inner, groups, names);
                }
                Step::OncePerVu { body } => walk(body, path, groups, names),
                Step::Request(r) => {
                    names.insert(r.name.clone());
                }
                Step::Batch(rs) => names.extend(rs.iter().map(|r| r.name.clone())),
                _ => {}
            }
        }
    }
    let mut groups = BTreeSet::new();
    let mut names = BTreeSet::new();
    for (_, block) in blocks(script) {
        walk(block, "", &mut groups, &mut names);
    }
    (groups, names)
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    fn problems<L>(script: &Script<L>) -> Vec<String> {
        match script.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn values_cannot_leave_their_function() {
        let mut leaked = None;
        let first = Flow::new("first").steps(|f| {
            let r = f.request(Request::get("/a").name("a"));
            leaked = Some(r.json("token"));
        });
        let leaked = leaked.unwrap();
        let second = Flow::new("second").steps(|f| {
            f.request(Request::get("/b").name("b").bearer(&leaked));
        });
        let script = Script::new()
            .scenario(Scenario::new("one", SharedIterations::new()).exec(&first))
            .scenario(Scenario::new("two", SharedIterations::new()).exec(&second));
        assert_eq!(
            problems(&script),
            ["flow `second`, request `b`: value: uses `token`, a value of `first`: values extracted in one function cannot be used in another (share them from setup instead)"]
        );
    }

    #[test]
    fn names_and_values_k6_or_http_reject() {
        let flow = Flow::new("bad").steps(|f| {
            f.group("a::b", |g| {
                g.request(
                    Request::get("/x")
                        .name("x")
                        .header("Bad Header", "v")
                        .header("X-Ok", "line\nbreak")
                        .tag("endpoint", "y")
                        .check(Check::status(42))
                        .check(Check::status(200).named("twice"))
                        .check(Check::status(201).named("twice")),
                );
            });
            f.request(Request::get("/y").name("y").text_body("no", "text/plain"));
            f.think(ThinkTime::between(secs(3), secs(1)));
        });
        let script = Script::new()
            .scenario(Scenario::new("s", SharedIterations::new()).exec(&flow))
            .threshold(HTTP_REQ_DURATION.tag("endpoint", "nope").p(95).lt(1))
            .threshold(GROUP_DURATION.for_group(["Missing"]).p(95).lt(1));
        assert_eq!(
            problems(&script),
            [
                "threshold `http_req_duration{endpoint:nope}`: endpoint selector: no request is named `nope` (the script's requests: x, y), so this threshold could never see a sample",
                "threshold `group_duration{group:::Missing}`: group selector: no group has the path `::Missing` (the script has: ::a::b), so this threshold could never see a sample",
                "flow `bad`, group `a::b`: group name `a::b` is not allowed: k6 rejects `::` in group and check names (it separates group paths)",
                "flow `bad`, group `a::b`, request `x`: header: `Bad Header` is not a valid header name",
                "flow `bad`, group `a::b`, request `x`: header: the value of `X-Ok` contains a line break, which HTTP forbids in a header (k6 would fail the request): remove it",
                "flow `bad`, group `a::b`, request `x`: tag: `endpoint` is set from the request's name: use .name(...)",
                "flow `bad`, group `a::b`, request `x`, check `status is 42`: status: 42 is not an HTTP status (100 to 599)",
                "flow `bad`, group `a::b`, request `x`, check `twice`: check name `twice` is used more than once",
                "flow `bad`, request `y`: body: k6 sends no body with GET: use POST, PUT or PATCH",
                "flow `bad`, think time: think time: the minimum (3s) is above the maximum (1s)",
            ]
        );
    }

    #[test]
    fn setup_data_must_be_shared() {
        let setup = Setup::new(|s| {
            let r = s.request(Request::get("/t").name("t"));
            s.share("token", r.json("token"));
        });
        let flow = Flow::new("reader").steps(|f| {
            f.request(Request::get("/me").name("me").bearer(setup.get("tokn")));
        });
        let script = Script::new()
            .scenario(Scenario::new("s", SharedIterations::new()).exec(&flow))
            .setup(setup);
        assert_eq!(
            problems(&script),
            ["flow `reader`, request `me`: value: reads setup data `tokn`, which setup does not share (it shares: token)"]
        );
    }
}
