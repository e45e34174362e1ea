//! Checks on VU code: names k6 rejects at run time, values used before they exist or
//! outside the function that extracts them, metrics and data sets that are not
//! declared, and bodies JavaScript cannot represent exactly.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::vu::{blocks, for_each_def, visit_expr};
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
    /// Data set name → the fields that hold a number in every row.
    numeric_fields: HashMap<String, BTreeSet<String>>,
    /// Data set name → its rows' fields, where known: rows given in the model,
    /// and CSV and JSON files that can be read now.
    columns: HashMap<String, Vec<String>>,
}

mod data;
use data::columns;
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
