//! Checks on VU code: names k6 rejects at run time, values used before they exist or
//! outside the function that extracts them, metrics and data sets that are not
//! declared, and bodies JavaScript cannot represent exactly.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::vu::{blocks, visit_expr};
use crate::model::vu::{Block, Expr, Step, ThinkTime};
use crate::model::{MetricKind, Script};
use crate::validate::problem::{Place, Problem};

use super::Validator;

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
    /// The upload files' names.
    uploads: HashSet<String>,
    /// Data set name → the fields that hold a number in every row.
    numeric_fields: HashMap<String, BTreeSet<String>>,
    /// Data set name → its rows' fields, where known: rows given in the model,
    /// and CSV and JSON files that can be read now.
    columns: HashMap<String, Vec<String>>,
    /// The statuses the script expects of every request that does not say.
    expected_statuses: Option<Vec<crate::model::logic::ExpectedStatus>>,
}

mod data;
use data::columns;
mod logic;
mod request;
#[cfg(test)]
mod tests;

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
            uploads: script.uploads.iter().map(|u| u.name.clone()).collect(),
            numeric_fields,
            columns,
            expected_statuses: script.expected_statuses.clone(),
        }
    }
}

/// Variables defined so far in one function, by id.
struct Scope<'s> {
    owner: &'s str,
    defined: BTreeSet<u32>,
    /// Every definition in order, so that a branch's or loop's own values can be
    /// taken out when it ends (an undo log: copying the set per branch made
    /// validation quadratic).
    log: Vec<u32>,
    /// Values that existed only inside a branch or loop that has ended, and which.
    ended: HashMap<u32, &'static str>,
    /// The rows picked, by id, and their data set's name.
    rows: HashMap<u32, String>,
}

impl<'s> Scope<'s> {
    fn new(owner: &'s str) -> Self {
        Scope {
            owner,
            defined: BTreeSet::new(),
            log: Vec::new(),
            ended: HashMap::new(),
            rows: HashMap::new(),
        }
    }

    fn define(&mut self, id: u32) {
        if self.defined.insert(id) {
            self.log.push(id);
        }
    }

    /// Takes out what was defined since `mark`, and returns it.
    fn end(&mut self, mark: usize, what: &'static str) -> Vec<u32> {
        let inner: Vec<u32> = self.log.drain(mark..).collect();
        for id in &inner {
            self.defined.remove(id);
            self.ended.insert(*id, what);
        }
        inner
    }
}

impl Validator {
    /// Checks every function's code.
    pub(super) fn code(&mut self, script: &Script) {
        self.declared = Declared::new(script);
        self.base_url(script);
        self.data_sets(script);
        self.upload_files(script);
        self.env_defaults(script);
        let setup_keys: Option<BTreeSet<&str>> = script
            .lifecycle
            .setup
            .as_ref()
            .map(|s| s.returns.iter().map(|(k, _)| k.as_str()).collect());
        if let Some(statuses) = &script.expected_statuses {
            for reason in request::expected_statuses_problems(statuses) {
                self.push(
                    Place::Script,
                    Problem::Invalid {
                        field: "expected statuses",
                        reason,
                    },
                );
            }
        }
        self.raw_js_imports(script);
        let mut setup_end = None;
        for (owner, block) in blocks(script) {
            let function = match owner {
                "setup" | "teardown" => format!("{owner}()"),
                flow => format!("flow `{flow}`"),
            };
            let at = At {
                function,
                path: Vec::new(),
            };
            let mut scope = Scope::new(owner);
            self.block(block, &at, &mut scope, setup_keys.as_ref());
            if owner == "setup" {
                // What exists when setup returns.
                setup_end = Some((scope.defined, scope.ended));
            }
        }
        if let Some(setup) = &script.lifecycle.setup {
            let at = At {
                function: "setup()".into(),
                path: Vec::new(),
            };
            // Values setup returns must come from setup itself, and exist when it
            // returns (not only inside a branch or loop).
            let mut scope = Scope::new("setup");
            if let Some((defined, ended)) = setup_end.take() {
                scope.defined = defined;
                scope.ended = ended;
            }
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
                        scope.define(e.var.id);
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
                            scope.define(e.var.id);
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
                    scope.define(var.id);
                    scope.rows.insert(var.id, data.clone());
                }
                Step::Let { var, value } => {
                    let what = format!("value `{}`", var.hint);
                    self.uses(value, at, scope, setup, &what);
                    self.computed(at.place(what), value);
                    scope.define(var.id);
                }
                Step::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    let what = "if".to_owned();
                    crate::model::vu::condition_exprs(condition, &mut |value| {
                        self.uses(value, at, scope, setup, &what);
                        self.computed(at.place(what.clone()), value);
                    });
                    // What both branches define exists after the `if`; what only one
                    // defines ends with it.
                    let mark = scope.log.len();
                    self.block(then, &at.inside("then".into()), scope, setup);
                    let in_then = scope.end(mark, "a branch of an `if`");
                    self.block(otherwise, &at.inside("else".into()), scope, setup);
                    let in_else: BTreeSet<u32> =
                        scope.end(mark, "a branch of an `if`").into_iter().collect();
                    for id in in_then {
                        if in_else.contains(&id) {
                            scope.ended.remove(&id);
                            scope.define(id);
                        }
                    }
                }
                Step::ForEach {
                    item,
                    list,
                    max,
                    body,
                } => {
                    let what = format!("loop over `{}`", item.hint);
                    self.uses(list, at, scope, setup, &what);
                    if *max == 0 {
                        self.push(
                            at.place(what.clone()),
                            Problem::Invalid {
                                field: "max",
                                reason: "a loop bounded to 0 items never runs: give it a bound of at least 1".into(),
                            },
                        );
                    }
                    let mark = scope.log.len();
                    scope.define(item.id);
                    self.block(body, &at.inside(what), scope, setup);
                    scope.end(mark, "a loop's body");
                }
                Step::Mix { name, arms, .. } => {
                    let what = format!("mix `{name}`");
                    self.mix(at.place(what.clone()), name, arms);
                    // Each branch's values end with it, as an `if`'s.
                    for arm in arms {
                        let mark = scope.log.len();
                        self.block(
                            &arm.body,
                            &at.inside(format!("{what}, branch `{}`", arm.name)),
                            scope,
                            setup,
                        );
                        scope.end(mark, "a branch of a mix");
                    }
                }
                Step::RawJs(code) => {
                    if code.trim().is_empty() {
                        self.push(
                            at.place("raw JavaScript".into()),
                            Problem::Invalid {
                                field: "raw JavaScript",
                                reason: "the statement is empty: remove it".into(),
                            },
                        );
                    }
                }
                Step::Cookie(op) => {
                    let (what, name) = match op {
                        crate::model::logic::CookieOp::Set { name, .. } => {
                            ("setting cookie", Some(name))
                        }
                        crate::model::logic::CookieOp::Delete { name, .. } => {
                            ("deleting cookie", Some(name))
                        }
                        crate::model::logic::CookieOp::Clear { .. } => ("clearing cookies", None),
                    };
                    let what = match name {
                        Some(name) => format!("{what} `{name}`"),
                        None => what.to_owned(),
                    };
                    step.for_each_own_expr(&mut |value| {
                        self.uses(value, at, scope, setup, &what);
                    });
                    if let Some(name) = name {
                        self.cookie_name(at.place(what.clone()), name);
                    }
                }
                Step::Repeat { times, index, body } => {
                    let what = format!("repeat {times} times");
                    if *times == 0 {
                        self.push(
                            at.place(what.clone()),
                            Problem::Invalid {
                                field: "times",
                                reason: "repeating 0 times never runs the body: remove it or repeat at least once".into(),
                            },
                        );
                    }
                    let mark = scope.log.len();
                    if let Some(index) = index {
                        scope.define(index.id);
                    }
                    self.block(body, &at.inside(what), scope, setup);
                    scope.end(mark, "a loop's body");
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
            Expr::Num(_)
            | Expr::Bool(_)
            | Expr::VuId
            | Expr::Iteration
            | Expr::VuIdInTest
            | Expr::IterationInTest
            | Expr::AsNumber(_)
            | Expr::Arith { .. }
            | Expr::RandomInt { .. }
            | Expr::NowMillis => return,
            Expr::PickOne(items)
                if items
                    .iter()
                    .all(|item| matches!(item, Expr::Num(_) | Expr::Bool(_))) =>
            {
                return
            }
            Expr::PickOne(_) => "a random pick of values that are not all numbers".to_owned(),
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
            Expr::Str(_) | Expr::Concat(_) | Expr::AsString(_) | Expr::Uuid => "text".to_owned(),
            Expr::Cookie { name, .. } => format!("the cookie `{name}` (text)"),
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
            Expr::Var(var) if !scope.defined.contains(&var.id) => match scope.ended.get(&var.id) {
                Some(inside) => problems.push(format!(
                    "uses `{}` outside {inside} that defines it: use it inside, or define it in every branch (if_else returns one value from both)",
                    var.hint
                )),
                None => problems.push(format!(
                    "uses `{}` before the step that extracts it",
                    var.hint
                )),
            },
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

/// The keys of the custom tags the script's requests and mixes set (repeats
/// included).
pub(super) fn request_tag_keys(script: &Script) -> Vec<&str> {
    fn mixes<'s>(block: &'s Block, keys: &mut Vec<&'s str>) {
        for step in block {
            if let Step::Mix { name, .. } = step {
                keys.push(name);
            }
            for inner in step.blocks() {
                mixes(inner, keys);
            }
        }
    }
    let mut keys: Vec<&str> = Vec::new();
    for (_, block) in blocks(script) {
        // A mix tags every sample of its branches with its name.
        mixes(block, &mut keys);
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
                Step::Request(r) => {
                    names.insert(r.name.clone());
                }
                Step::Batch(rs) => names.extend(rs.iter().map(|r| r.name.clone())),
                other => {
                    for inner in other.blocks() {
                        walk(inner, path, groups, names);
                    }
                }
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
