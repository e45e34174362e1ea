//! VU code as JavaScript: init-time constants and data, the lifecycle functions, the
//! flows, and the small helpers they need (emitted inline: scripts run offline, with
//! no remote `jslib` imports).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::doc::{call, delimited, Doc};
use super::helpers;
use super::js::{
    is_identifier, number_literal, property_key, string_literal, template_literal, TemplatePart,
};
use super::Target;
use crate::model;
use crate::model::time::go_duration;
use crate::model::vu::{
    blocks, for_each_expr, for_each_request_expr, for_each_request_in, visit_expr,
};
use crate::model::vu::{
    Auth, Block, Body, Check, DataSource, Expr, Json, JsonScalar, Method, Predicate, Request,
    RowSelection, Source, Step, ThinkTime, Var,
};

/// Names no generated variable may take: what the modules import, define and read
/// (the names flows cannot take either), and the functions' own names.
pub const RESERVED_NAMES: &[&str] = &{
    const EXTRA: [&str; 6] = [
        "options",
        "setup",
        "teardown",
        "handleSummary",
        "data",
        "default",
    ];
    const N: usize = crate::validate::MODULE_NAMES.len();
    let mut all = [""; N + EXTRA.len()];
    let mut i = 0;
    while i < N {
        all[i] = crate::validate::MODULE_NAMES[i];
        i += 1;
    }
    let mut j = 0;
    while j < EXTRA.len() {
        all[N + j] = EXTRA[j];
        j += 1;
    }
    all
};

/// What the code needs from the rest of the file.
#[derive(Debug, Default)]
pub struct Needs {
    /// `import http from "k6/http"`.
    pub http: bool,
    /// Names from `"k6"`: check, group, sleep.
    pub k6: BTreeSet<&'static str>,
    /// `import { SharedArray } from "k6/data"`.
    pub shared_array: bool,
    /// `import exec from "k6/execution"`.
    pub execution: bool,
    /// `import encoding from "k6/encoding"`.
    pub encoding: bool,
    /// Helper functions, by name.
    pub helpers: BTreeSet<&'static str>,
    /// Module-level constants the code reads (base URL, environment defaults,
    /// metrics, data sets): what a project file imports from its `lib/` modules.
    pub names: BTreeSet<String>,
    /// Reusable check functions (project output only), by name.
    pub checks: BTreeSet<&'static str>,
    /// TypeScript types the code names (`JSONValue`, `SetupData`, a row
    /// interface): what a TypeScript module imports with `import type`.
    pub types: BTreeSet<String>,
}

/// The TypeScript type of a value in generated code, as far as the generator
/// knows it: what decides whether a value must be converted where k6's API wants
/// a string or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `string`.
    Str,
    /// `number`.
    Num,
    /// `boolean`.
    Bool,
    /// `string | undefined`: text found in a body, or not.
    MaybeStr,
    /// `JSONValue`: whatever a JSON body holds (`res.json(path)`).
    Json,
    /// A row of the data set with this name.
    Row(String),
    /// Another type, written as is (`number | undefined` for a field some rows lack).
    Other(String),
}

impl Ty {
    /// Whether `encodeURIComponent` takes the value as it is.
    fn is_scalar(&self) -> bool {
        matches!(self, Ty::Str | Ty::Num | Ty::Bool)
    }
}

/// What a data set's rows are in TypeScript.
#[derive(Debug, Clone)]
pub struct RowType {
    /// The type of one row: an interface's name, `Record<string, string>` for CSV,
    /// `JSONObject` for a JSON file k6dsl does not know.
    pub name: String,
    /// The interface declaring the row, for JSON rows given in Rust (without
    /// `export`).
    pub interface: Option<String>,
    /// Field types known from the rows.
    fields: BTreeMap<String, Ty>,
    /// The type of a field not in `fields`.
    other_fields: Ty,
}

/// A variable kept per VU, across its iterations (module level).
#[derive(Debug, Clone)]
pub struct VuVar {
    name: String,
    /// TypeScript type of a kept value (declared `T | undefined`).
    ty: Option<String>,
    /// The initial value (`false` for a once-per-VU flag).
    init: Option<&'static str>,
}

/// Variable names: module-level ones, and per function.
///
/// A function's names are only its own; its fresh names are kept clear of the
/// module's too, which are not copied per function (a copy per function made
/// generation quadratic in the number of flows).
#[derive(Debug, Clone, Default)]
pub struct Names {
    taken: BTreeSet<String>,
    vars: BTreeMap<(String, u32), String>,
    /// Per base, the first number to try after the base itself: `base`, `base2`
    /// and on up to below it are taken (names are never released), so that a
    /// base used again does not search from 2.
    next: BTreeMap<String, u32>,
}

impl Names {
    /// Reserves a name as is.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// A fresh identifier based on `base`.
    pub fn fresh(&mut self, base: &str) -> String {
        self.fresh_beside(&Names::default(), base)
    }

    /// A fresh identifier based on `base`, taken by neither these names nor
    /// `outer`'s.
    fn fresh_beside(&mut self, outer: &Names, base: &str) -> String {
        let base = if is_identifier(base) {
            base.to_owned()
        } else {
            identifier_from(base)
        };
        let taken = |name: &String| self.taken.contains(name) || outer.taken.contains(name);
        let name = if !taken(&base) {
            base
        } else {
            let mut n = self.next.get(&base).copied().unwrap_or(2);
            let mut name = format!("{base}{n}");
            while taken(&name) {
                n += 1;
                name = format!("{base}{n}");
            }
            self.next.insert(base, n + 1);
            name
        };
        self.taken.insert(name.clone());
        name
    }

    fn var(&self, var: &Var) -> String {
        self.vars
            .get(&(var.owner.clone(), var.id))
            .cloned()
            .unwrap_or_else(|| identifier_from(&var.hint))
    }
}

/// An identifier from any text: `add to cart` → `addToCart`, `2fa` → `_2fa`.
pub fn identifier_from(text: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in text.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            if upper && !out.is_empty() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() {
        out.push_str("value");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if !is_identifier(&out) {
        out.push('_');
    }
    out
}

/// Module-level facts the code generator needs.
pub struct Module<'a> {
    /// The model.
    pub script: &'a model::Script,
    /// Custom metric name → JS variable.
    pub metric_vars: BTreeMap<String, String>,
    /// Data set name → JS variable.
    pub data_vars: BTreeMap<String, String>,
    /// Environment variable → constant holding it (with its default).
    pub env_consts: BTreeMap<String, String>,
    /// The constant holding the base URL.
    pub base_url: String,
    /// Names taken at module level.
    pub names: Names,
    /// Variables that live at module level (per-VU state).
    pub vu_state: Vec<VuVar>,
    /// Imports and helpers used.
    pub needs: Needs,
    /// Checks call the reusable functions of a project's `lib/checks.js` instead
    /// of inline arrow functions.
    pub shared_checks: bool,
    /// JavaScript, or TypeScript typed against `@types/k6`.
    pub target: Target,
    /// Data set name → the TypeScript type of its rows.
    pub row_types: BTreeMap<String, RowType>,
    /// What `setup()` returns, key by key, once it is written: the fields of the
    /// `SetupData` interface.
    pub setup_types: Vec<(String, Ty)>,
}

/// Types from `@types/k6` that generated TypeScript names, and the module each
/// comes from.
pub const K6_TYPES: &[(&str, &str)] = &[
    ("JSONArray", "k6"),
    ("JSONObject", "k6"),
    ("JSONValue", "k6"),
    ("Response", "k6/http"),
    ("Options", "k6/options"),
    ("Scenario", "k6/options"),
];

/// The TypeScript type of a data set's rows; `var` is its `SharedArray`'s name.
fn row_type(source: &DataSource, var: &str) -> RowType {
    match source {
        DataSource::CsvFile(_) | DataSource::CsvRows { .. } => RowType {
            name: "Record<string, string>".to_owned(),
            interface: None,
            fields: BTreeMap::new(),
            other_fields: Ty::Str,
        },
        DataSource::JsonFile(_) => RowType {
            name: "JSONObject".to_owned(),
            interface: None,
            fields: BTreeMap::new(),
            other_fields: Ty::Json,
        },
        DataSource::JsonRows { rows, .. } => {
            let objects: Vec<&serde_json::Map<String, serde_json::Value>> = rows
                .iter()
                .filter_map(serde_json::Value::as_object)
                .collect();
            if objects.is_empty() || objects.len() < rows.len() {
                // Not a list of objects: a field of a row means nothing k6dsl can type.
                return RowType {
                    name: "JSONObject".to_owned(),
                    interface: None,
                    fields: BTreeMap::new(),
                    other_fields: Ty::Json,
                };
            }
            let mut keys: Vec<&String> = Vec::new();
            for object in &objects {
                for key in object.keys() {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
            let name = format!("{}Row", pascal_case(var));
            let mut fields = BTreeMap::new();
            let mut interface = format!("interface {name} {{");
            for key in keys {
                let mut kinds = BTreeSet::new();
                let mut everywhere = true;
                for object in &objects {
                    match object.get(key) {
                        Some(serde_json::Value::String(_)) => kinds.insert("string"),
                        Some(serde_json::Value::Number(_)) => kinds.insert("number"),
                        Some(serde_json::Value::Bool(_)) => kinds.insert("boolean"),
                        Some(_) => kinds.insert("JSONValue"),
                        None => {
                            everywhere = false;
                            false
                        }
                    };
                }
                let text = match kinds.iter().collect::<Vec<_>>().as_slice() {
                    [one] => **one,
                    _ => "JSONValue",
                };
                let ty = match (text, everywhere) {
                    ("JSONValue", _) => Ty::Json,
                    (text, false) => Ty::Other(format!("{text} | undefined")),
                    ("string", true) => Ty::Str,
                    ("number", true) => Ty::Num,
                    (_, true) => Ty::Bool,
                };
                let optional = if everywhere { "" } else { "?" };
                interface.push_str(&format!("\n  {}{optional}: {text};", property_key(key)));
                fields.insert(key.clone(), ty);
            }
            if fields.is_empty() {
                interface.push('}');
            } else {
                interface.push_str("\n}");
            }
            RowType {
                name,
                interface: Some(interface),
                fields,
                other_fields: Ty::Json,
            }
        }
    }
}

/// `items` → `Items`.
fn pascal_case(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The identifier for a data set's `SharedArray`.
pub fn data_var_base(name: &str) -> String {
    identifier_from(name)
}

impl<'a> Module<'a> {
    /// Collects what the code uses and names it.
    pub fn new(
        script: &'a model::Script,
        metric_vars: BTreeMap<String, String>,
        target: Target,
    ) -> Self {
        let mut names = Names::default();
        for reserved in RESERVED_NAMES {
            names.reserve(reserved);
        }
        for helper in helpers::helper_names() {
            names.reserve(helper);
        }
        if target == Target::TypeScript {
            // A variable named like an imported or declared type would clash with it.
            for (name, _) in K6_TYPES {
                names.reserve(name);
            }
            for name in ["SetupData", "SummaryData", "TestOptions"] {
                names.reserve(name);
            }
        }
        for flow in &script.flows {
            names.reserve(&flow.name);
        }
        for var in metric_vars.values() {
            names.reserve(var);
        }
        let base_url = names.fresh(&script.base_url.env);
        let mut env_consts = BTreeMap::new();
        let mut envs = BTreeSet::new();
        for_each_expr(script, &mut |e| {
            if let Expr::Env { name, .. } = e {
                envs.insert(name.clone());
            }
        });
        for env in envs {
            if env == script.base_url.env {
                env_consts.insert(env, base_url.clone());
            } else {
                let constant = names.fresh(&env);
                env_consts.insert(env, constant);
            }
        }
        let mut data_vars = BTreeMap::new();
        let mut row_types = BTreeMap::new();
        for data in &script.data {
            let var = names.fresh(&data_var_base(&data.name));
            row_types.insert(data.name.clone(), row_type(&data.source, &var));
            data_vars.insert(data.name.clone(), var);
        }
        Module {
            script,
            metric_vars,
            data_vars,
            env_consts,
            base_url,
            names,
            vu_state: Vec::new(),
            needs: Needs::default(),
            shared_checks: false,
            target,
            row_types,
            setup_types: Vec::new(),
        }
    }

    fn ts(&self) -> bool {
        self.target == Target::TypeScript
    }

    /// A TypeScript type as written, recording the imported or declared types it
    /// names.
    pub fn type_text(&mut self, ty: &Ty) -> String {
        let text = match ty {
            Ty::Str => "string".to_owned(),
            Ty::Num => "number".to_owned(),
            Ty::Bool => "boolean".to_owned(),
            Ty::MaybeStr => "string | undefined".to_owned(),
            Ty::Json => "JSONValue".to_owned(),
            Ty::Row(data) => match self.row_types.get(data) {
                Some(row) => row.name.clone(),
                None => "JSONObject".to_owned(),
            },
            Ty::Other(text) => text.clone(),
        };
        self.use_types_in(&text);
        text
    }

    /// Records the type names that `text` mentions: `@types/k6`'s and the rows'.
    pub fn use_types_in(&mut self, text: &str) {
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')) {
            let known = K6_TYPES.iter().any(|(name, _)| *name == word)
                || ["SetupData", "SummaryData"].contains(&word)
                || self.row_types.values().any(|row| row.name == word);
            if known {
                self.needs.types.insert(word.to_owned());
            }
        }
    }

    /// `T | undefined`: the type of a variable declared before its value exists.
    fn maybe_type_text(&mut self, ty: &Ty) -> String {
        let text = self.type_text(ty);
        if text.ends_with("| undefined") {
            text
        } else {
            format!("{text} | undefined")
        }
    }

    /// The interfaces declaring the rows of JSON data given in Rust; `export`
    /// prefixes each.
    pub fn row_interfaces(&mut self, export: &str) -> Vec<String> {
        let interfaces: Vec<String> = self
            .row_types
            .values()
            .filter_map(|row| row.interface.clone())
            .collect();
        interfaces
            .into_iter()
            .map(|interface| {
                self.use_types_in(&interface);
                format!("{export}{interface}")
            })
            .collect()
    }

    /// `interface SetupData { ... }`: what setup() returns and every VU receives;
    /// `export` prefixes it. Written after setup() itself.
    pub fn setup_interface(&mut self, export: &str) -> String {
        let fields: Vec<(String, Ty)> = self.setup_types.clone();
        let mut out = format!(
            "// What setup() returns: k6 hands it to every VU and to teardown().\n{export}interface SetupData {{"
        );
        if fields.is_empty() {
            out.push('}');
            return out;
        }
        for (key, ty) in &fields {
            let text = self.type_text(ty);
            out.push_str(&format!("\n  {}: {text};", property_key(key)));
        }
        out.push_str("\n}");
        out
    }

    /// Whether any request URL is relative to the base URL.
    pub fn uses_base_url(&self) -> bool {
        let mut uses = false;
        for_each_request(self.script, &mut |r| uses |= !is_absolute(&r.url));
        uses
    }

    /// The init-time constants: base URL and environment variables with defaults;
    /// `export` prefixes each (`"export "` in a project's `lib/config.js`).
    pub fn constants(&self, export: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut defaults: BTreeMap<String, String> = BTreeMap::new();
        for_each_expr(self.script, &mut |e| {
            if let Expr::Env {
                name,
                default: Some(default),
            } = e
            {
                defaults
                    .entry(name.clone())
                    .or_insert_with(|| default.clone());
            }
        });
        if self.uses_base_url() || self.env_consts.contains_key(&self.script.base_url.env) {
            defaults.insert(
                self.script.base_url.env.clone(),
                self.script.base_url.default.clone(),
            );
        }
        for (env, default) in defaults {
            let constant = self
                .env_consts
                .get(&env)
                .cloned()
                .unwrap_or_else(|| self.base_url.clone());
            let rhs = format!("{} || {}", env_access(&env), string_literal(&default));
            out.push(
                Doc::Concat(vec![
                    Doc::text(format!("{export}const {constant} =")),
                    Doc::group(vec![Doc::Indent(vec![Doc::Line, Doc::text(rhs)])]),
                    Doc::text(";"),
                ])
                .render(),
            );
        }
        out
    }

    /// A guard per secret the code reads, so that a secret missing at run time
    /// stops the test in init code with its name and how to pass it, instead of
    /// sending `undefined`:
    ///
    /// ```js
    /// if (__VU !== 0 && !__ENV.SHOP_PASSWORD) {
    ///   throw new Error("SHOP_PASSWORD is not set: run k6 with -e SHOP_PASSWORD=...");
    /// }
    /// ```
    ///
    /// It throws in each VU's init (k6 exits with 107 before any iteration), not
    /// in the first init k6 runs as VU 0 to read the options: `k6 inspect` and
    /// `k6 archive` (which would store a secret passed with `-e`) work without
    /// the secrets.
    pub fn secret_guards(&self) -> Vec<String> {
        let mut secrets = BTreeSet::new();
        for_each_expr(self.script, &mut |e| {
            if let Expr::Secret { name } = e {
                secrets.insert(name.clone());
            }
        });
        let mut out = Vec::new();
        for (i, name) in secrets.iter().enumerate() {
            let message = string_literal(&format!("{name} is not set: run k6 with -e {name}=..."));
            let comment = if i == 0 {
                "// Secrets are read at run time, never written here: each VU stops when one is\n// missing (k6 inspect, which runs this as VU 0, works without them).\n"
            } else {
                ""
            };
            let throw = Doc::Concat(vec![
                call("throw new Error", vec![Doc::text(message)], false),
                Doc::text(";"),
            ]);
            let guard = Doc::broken_group(vec![
                Doc::text(format!("if (__VU !== 0 && !{}) {{", env_access(name))),
                Doc::Indent(vec![Doc::HardLine, throw]),
                Doc::HardLine,
                Doc::text("}"),
            ]);
            out.push(format!("{comment}{}", guard.render()));
        }
        out
    }

    /// `const users = new SharedArray(...)` for each data set, opening its file at
    /// `to_root` + its path (`"./"` beside a single script, `"../../"` from a
    /// project's `scripts/lib/`); `export` prefixes each declaration.
    pub fn data_sets(&mut self, to_root: &str, export: &str) -> Vec<String> {
        let mut out = Vec::new();
        for data in &self.script.data {
            self.needs.shared_array = true;
            let var = self.data_vars[&data.name].clone();
            let file = format!("{to_root}{}", data.script_file());
            let mut returns = String::new();
            let load = if data.source.is_csv() {
                self.needs.helpers.insert("parseCsv");
                format!("return parseCsv(open({}));", string_literal(&file))
            } else {
                if self.ts() {
                    // JSON.parse gives `any`: the rows' type is declared here.
                    let row = self.type_text(&Ty::Row(data.name.clone()));
                    returns = format!(": {row}[]");
                }
                format!("return JSON.parse(open({}));", string_literal(&file))
            };
            // Laid out as prettier does: the callback hugged when its first line
            // fits, else every argument on its own line.
            let callback = Doc::broken_group(vec![
                Doc::text(format!("function (){returns} {{")),
                Doc::Indent(vec![Doc::HardLine, Doc::text(load)]),
                Doc::HardLine,
                Doc::text("}"),
            ]);
            let construct = call(
                "new SharedArray",
                vec![Doc::text(string_literal(&data.name)), callback],
                true,
            );
            out.push(
                Doc::Concat(vec![
                    Doc::text(format!("{export}const {var} = ")),
                    construct,
                    Doc::text(";"),
                ])
                .render(),
            );
        }
        out
    }

    /// An exported function.
    pub fn function(
        &mut self,
        export: &str,
        name: &str,
        body: &Block,
        pacing: Option<Duration>,
        returns: Option<&[(String, Expr)]>,
    ) -> String {
        let mut f = Function::new(self);
        f.plan(body, returns);
        let mut statements = Vec::new();
        if let Some(pacing) = pacing {
            let start = f.fresh("iterationStart");
            statements.push(Doc::text(format!("const {start} = Date.now();")));
            f.block(body, &mut statements);
            let elapsed = f.fresh("elapsed");
            let secs = number_literal(pacing.as_secs_f64());
            f.module.needs.k6.insert("sleep");
            statements.push(Doc::text(format!(
                "const {elapsed} = (Date.now() - {start}) / 1000;"
            )));
            statements.push(if_doc(
                &format!("{elapsed} < {secs}"),
                vec![Doc::text(format!("sleep({secs} - {elapsed});"))],
            ));
        } else {
            f.block(body, &mut statements);
        }
        if let Some(returns) = returns {
            let mut types = Vec::new();
            let entries = returns
                .iter()
                .map(|(key, value)| {
                    let (value, ty) = f.typed_expr(value, false);
                    types.push((key.clone(), ty));
                    if property_key(key) == value {
                        Doc::text(value)
                    } else {
                        Doc::text(format!("{}: {value}", property_key(key)))
                    }
                })
                .collect();
            statements.push(Doc::Concat(vec![
                Doc::text("return "),
                delimited("{", entries, "}", Doc::Line, false),
                Doc::text(";"),
            ]));
            f.module.setup_types = types;
        }
        let ts = f.module.ts();
        let params = match (f.uses_data, ts) {
            (false, _) => "",
            (true, false) => "data",
            (true, true) => {
                f.module.needs.types.insert("SetupData".to_owned());
                "data: SetupData"
            }
        };
        let return_type = if ts && returns.is_some() {
            f.module.needs.types.insert("SetupData".to_owned());
            ": SetupData"
        } else {
            ""
        };
        let hoisted = std::mem::take(&mut f.hoisted_decls);
        let mut lines = Vec::new();
        if ts {
            for (name, ty) in &hoisted {
                let ty = f.module.maybe_type_text(ty);
                lines.push(format!("let {name}: {ty};"));
            }
        } else if !hoisted.is_empty() {
            let names: Vec<&str> = hoisted.iter().map(|(name, _)| name.as_str()).collect();
            lines.push(format!("let {};", names.join(", ")));
        }
        let header = format!("{export}function {name}({params}){return_type} {{");
        if statements.is_empty() && lines.is_empty() {
            return format!("{header}}}");
        }
        let mut doc = vec![Doc::text(header)];
        let mut inner = Vec::new();
        for line in lines {
            inner.push(Doc::HardLine);
            inner.push(Doc::text(line));
        }
        for statement in statements {
            inner.push(Doc::HardLine);
            inner.push(statement);
        }
        doc.push(Doc::Indent(inner));
        doc.push(Doc::HardLine);
        doc.push(Doc::text("}"));
        Doc::Concat(doc).render()
    }

    /// `let token;` for values kept across a VU's iterations (in TypeScript one
    /// typed declaration per line: `let token: JSONValue | undefined;`).
    pub fn vu_state_decl(&self) -> Option<String> {
        if self.vu_state.is_empty() {
            return None;
        }
        let declarator = |var: &VuVar| match var.init {
            Some(init) => format!("{} = {init}", var.name),
            None => var.name.clone(),
        };
        Some(match self.target {
            Target::JavaScript => {
                let all: Vec<String> = self.vu_state.iter().map(declarator).collect();
                format!("let {};", all.join(", "))
            }
            Target::TypeScript => {
                let lines: Vec<String> = self
                    .vu_state
                    .iter()
                    .map(|var| match &var.ty {
                        Some(ty) => format!("let {}: {ty};", var.name),
                        None => format!("let {};", declarator(var)),
                    })
                    .collect();
                lines.join("\n")
            }
        })
    }

    /// The helper functions used, in a fixed order.
    pub fn helpers(&self) -> Vec<&'static str> {
        helpers::helper_code(&self.needs.helpers, self.target, false)
    }

    /// `handleSummary`, writing the JSON summary to `path`, or to the file that the
    /// constant `key_constant` names when given (a project resolves the path from
    /// its own location, so that it works from any working directory).
    pub fn handle_summary(&mut self, path: &str, key_constant: Option<&str>) -> String {
        self.needs.helpers.insert("summaryText");
        let key = match key_constant {
            Some(constant) => format!("[{constant}]"),
            None => property_key(path),
        };
        let param = if self.ts() {
            self.needs.types.insert("SummaryData".to_owned());
            "data: SummaryData"
        } else {
            "data"
        };
        format!(
            "export function handleSummary({param}) {{\n  return {{\n    {key}: JSON.stringify(data, null, 2),\n    stdout: summaryText(data, {}),\n  }};\n}}",
            string_literal(path)
        )
    }
}

/// The reusable check function of a project's `lib/checks.js` for a predicate, and
/// its arguments; a raw JavaScript predicate stays inline.
fn shared_check(predicate: &Predicate) -> Option<(&'static str, Vec<String>)> {
    Some(match predicate {
        Predicate::Status(code) => ("statusIs", vec![code.to_string()]),
        Predicate::StatusIn(codes) => {
            let list: Vec<String> = codes.iter().map(u16::to_string).collect();
            ("statusIn", vec![format!("[{}]", list.join(", "))])
        }
        Predicate::HeaderPresent(name) => {
            ("hasHeader", vec![string_literal(&canonical_header(name))])
        }
        Predicate::HeaderContains(name, text) => (
            "headerContains",
            vec![
                string_literal(&canonical_header(name)),
                string_literal(text),
            ],
        ),
        Predicate::BodyContains(text) => ("bodyContains", vec![string_literal(text)]),
        Predicate::BodyMatches(pattern) => ("bodyMatches", vec![string_literal(pattern)]),
        Predicate::JsonExists(path) => ("hasJson", vec![string_literal(path)]),
        Predicate::JsonEquals(path, expected) => (
            "jsonEquals",
            vec![string_literal(path), json_scalar(expected)],
        ),
        Predicate::DurationBelow(limit) => (
            "respondsWithin",
            vec![number_literal(limit.as_secs_f64() * 1000.0)],
        ),
        Predicate::RawJs(_) => return None,
    })
}

fn json_scalar(value: &JsonScalar) -> String {
    match value {
        JsonScalar::Null => "null".to_owned(),
        JsonScalar::Bool(b) => b.to_string(),
        JsonScalar::Num(n) => number_literal(*n),
        JsonScalar::Str(s) => string_literal(s),
    }
}

/// One function being written.
struct Function<'m, 'a> {
    module: &'m mut Module<'a>,
    names: Names,
    /// Variables assigned inside a group but used after it: declared with `let` at
    /// the top of the function.
    hoisted: BTreeSet<(String, u32)>,
    hoisted_decls: Vec<(String, Ty)>,
    /// Variables kept per VU (declared at module level).
    vu_vars: BTreeSet<(String, u32)>,
    /// The type of each variable the function defines.
    var_types: BTreeMap<(String, u32), Ty>,
    uses_data: bool,
}

impl<'m, 'a> Function<'m, 'a> {
    fn new(module: &'m mut Module<'a>) -> Self {
        Function {
            module,
            names: Names::default(),
            hoisted: BTreeSet::new(),
            hoisted_decls: Vec::new(),
            vu_vars: BTreeSet::new(),
            var_types: BTreeMap::new(),
            uses_data: false,
        }
    }

    /// A fresh local name, clear of the module's names and the function's own.
    fn fresh(&mut self, base: &str) -> String {
        self.names.fresh_beside(&self.module.names, base)
    }

    /// A fresh local name for `var`, remembered for its uses.
    fn bind(&mut self, var: &Var) -> String {
        let name = self.fresh(&var.hint);
        self.names
            .vars
            .insert((var.owner.clone(), var.id), name.clone());
        name
    }

    /// Decides where each variable is declared, and whether `data` is used.
    fn plan(&mut self, body: &Block, returns: Option<&[(String, Expr)]>) {
        let mut defs: BTreeMap<(String, u32), (Vec<usize>, bool, Var)> = BTreeMap::new();
        // Where each variable is used, by variable (a scan of all uses per
        // definition was quadratic in the function's size).
        let mut uses: BTreeMap<(String, u32), Vec<Vec<usize>>> = BTreeMap::new();
        let mut uses_data = false;
        let var_types = &mut self.var_types;
        walk(body, &mut Vec::new(), false, &mut |event| match event {
            Event::Def(var, path, per_vu, ty) => {
                var_types.insert((var.owner.clone(), var.id), ty);
                defs.insert(
                    (var.owner.clone(), var.id),
                    (path.to_vec(), per_vu, var.clone()),
                );
            }
            Event::Use(expr, path) => visit_expr(expr, &mut |e| match e {
                Expr::Var(v) => uses
                    .entry((v.owner.clone(), v.id))
                    .or_default()
                    .push(path.to_vec()),
                Expr::SetupData(_) => uses_data = true,
                _ => {}
            }),
        });
        for (_, value) in returns.unwrap_or_default() {
            visit_expr(value, &mut |e| match e {
                Expr::Var(v) => uses
                    .entry((v.owner.clone(), v.id))
                    .or_default()
                    .push(Vec::new()),
                Expr::SetupData(_) => uses_data = true,
                _ => {}
            });
        }
        self.uses_data = uses_data;
        for (key, (path, per_vu, var)) in &defs {
            let ty = self.var_types.get(key).cloned().unwrap_or(Ty::Json);
            if *per_vu {
                // Kept across iterations: one module-level variable per VU.
                let name = self.module.names.fresh(&var.hint);
                self.names.reserve(&name);
                self.names.vars.insert(key.clone(), name.clone());
                let ty = self.module.ts().then(|| self.module.maybe_type_text(&ty));
                self.module.vu_state.push(VuVar {
                    name,
                    ty,
                    init: None,
                });
                self.vu_vars.insert(key.clone());
            } else if uses
                .get(key)
                .is_some_and(|at| at.iter().any(|at| !at.starts_with(path)))
            {
                let name = self.bind(var);
                self.hoisted.insert(key.clone());
                self.hoisted_decls.push((name, ty));
            }
        }
    }

    fn block(&mut self, block: &Block, out: &mut Vec<Doc>) {
        for step in block {
            self.step(step, out);
        }
    }

    fn step(&mut self, step: &Step, out: &mut Vec<Doc>) {
        match step {
            Step::Request(request) => self.request(request, out),
            Step::Batch(requests) => self.batch(requests, out),
            Step::Group { name, body } => {
                self.module.needs.k6.insert("group");
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                out.push(Doc::Concat(vec![
                    call(
                        "group",
                        vec![Doc::text(string_literal(name)), function_doc(inner)],
                        true,
                    ),
                    Doc::text(";"),
                ]));
            }
            Step::Sleep(think) => {
                self.module.needs.k6.insert("sleep");
                let arg = match think {
                    ThinkTime::Fixed(d) => seconds(*d),
                    ThinkTime::Between(min, max) => {
                        if min.subsec_nanos() == 0 && max.subsec_nanos() == 0 {
                            self.module.needs.helpers.insert("randomIntBetween");
                            format!("randomIntBetween({}, {})", seconds(*min), seconds(*max))
                        } else {
                            self.module.needs.helpers.insert("randomBetween");
                            format!("randomBetween({}, {})", seconds(*min), seconds(*max))
                        }
                    }
                };
                out.push(Doc::text(format!("sleep({arg});")));
            }
            Step::AddToMetric { metric, value } => {
                let var = self.metric_var(metric);
                let value = self.number_expr(value);
                out.push(Doc::text(format!("{var}.add({value});")));
            }
            Step::PickRow {
                var,
                data,
                selection,
            } => {
                let rows = self
                    .module
                    .data_vars
                    .get(data)
                    .cloned()
                    .unwrap_or_else(|| identifier_from(data));
                self.module.needs.names.insert(rows.clone());
                let index = match selection {
                    RowSelection::PerVu => format!("(__VU - 1) % {rows}.length"),
                    RowSelection::PerIteration => format!("__ITER % {rows}.length"),
                    RowSelection::Unique => {
                        self.module.needs.execution = true;
                        format!("exec.scenario.iterationInTest % {rows}.length")
                    }
                    RowSelection::Random => {
                        format!("Math.floor(Math.random() * {rows}.length)")
                    }
                };
                let name = self.declare(var);
                out.push(Doc::text(format!("{name}{rows}[{index}];")));
            }
            Step::OncePerVu { body } => {
                let mut kept = Vec::new();
                walk(body, &mut Vec::new(), true, &mut |event| {
                    if let Event::Def(var, _, _, _) = event {
                        kept.push(var.clone());
                    }
                });
                let condition = if kept.is_empty() {
                    let flag = self.module.names.fresh("vuReady");
                    self.module.vu_state.push(VuVar {
                        name: flag.clone(),
                        ty: None,
                        init: Some("false"),
                    });
                    let mut inner = Vec::new();
                    self.block(body, &mut inner);
                    inner.push(Doc::text(format!("{flag} = true;")));
                    out.push(if_doc(&format!("!{flag}"), inner));
                    return;
                } else {
                    kept.iter()
                        .map(|v| format!("{} === undefined", self.names.var(v)))
                        .collect::<Vec<_>>()
                        .join(" || ")
                };
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                out.push(if_doc(&condition, inner));
            }
        }
    }

    /// `const name = ` for a new variable, or `name = ` for one declared elsewhere.
    fn declare(&mut self, var: &Var) -> String {
        let key = (var.owner.clone(), var.id);
        if self.hoisted.contains(&key) || self.vu_vars.contains(&key) {
            format!("{} = ", self.names.var(var))
        } else {
            format!("const {} = ", self.bind(var))
        }
    }

    fn metric_var(&mut self, metric: &str) -> String {
        let var = self
            .module
            .metric_vars
            .get(metric)
            .cloned()
            .unwrap_or_else(|| identifier_from(metric));
        self.module.needs.names.insert(var.clone());
        var
    }

    /// Whether the response must be kept in a variable.
    fn keeps_response(request: &Request) -> bool {
        !request.checks.is_empty()
            || !request.extract.is_empty()
            || !request.record_duration.is_empty()
    }

    fn request(&mut self, request: &Request, out: &mut Vec<Doc>) {
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

    fn batch(&mut self, requests: &[Request], out: &mut Vec<Doc>) {
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

    fn check_entry(&mut self, check: &Check) -> Doc {
        if self.module.shared_checks {
            if let Some((function, args)) = shared_check(&check.predicate) {
                self.module.needs.checks.insert(function);
                return Doc::Concat(vec![
                    Doc::text(format!("{}: ", property_key(&check.name))),
                    call(function, args.into_iter().map(Doc::text).collect(), false),
                ]);
            }
        }
        let body = match &check.predicate {
            Predicate::Status(code) => format!("r.status === {code}"),
            Predicate::StatusIn(codes) => {
                let list: Vec<String> = codes.iter().map(u16::to_string).collect();
                format!("[{}].includes(r.status)", list.join(", "))
            }
            Predicate::HeaderPresent(name) => {
                format!("r.headers{} !== undefined", member(&canonical_header(name)))
            }
            Predicate::HeaderContains(name, text) => format!(
                "(r.headers{} || \"\").includes({})",
                member(&canonical_header(name)),
                string_literal(text)
            ),
            Predicate::BodyContains(text) => {
                format!("String(r.body).includes({})", string_literal(text))
            }
            Predicate::BodyMatches(pattern) if self.module.ts() => {
                format!(
                    "new RegExp({}).test(String(r.body))",
                    string_literal(pattern)
                )
            }
            Predicate::BodyMatches(pattern) => {
                format!("new RegExp({}).test(r.body)", string_literal(pattern))
            }
            Predicate::JsonExists(path) => {
                format!("r.json({}) !== undefined", string_literal(path))
            }
            Predicate::JsonEquals(path, expected) => {
                format!(
                    "r.json({}) === {}",
                    string_literal(path),
                    json_scalar(expected)
                )
            }
            Predicate::DurationBelow(limit) => format!(
                "r.timings.duration < {}",
                number_literal(limit.as_secs_f64() * 1000.0)
            ),
            Predicate::RawJs(code) => code.clone(),
        };
        Doc::Concat(vec![
            Doc::text(format!("{}: (r) =>", property_key(&check.name))),
            Doc::group(vec![Doc::Indent(vec![Doc::Line, Doc::text(body)])]),
        ])
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

    fn json(&mut self, json: &Json) -> Doc {
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

    /// A value as a JavaScript expression.
    fn expr(&mut self, expr: &Expr, in_url: bool) -> String {
        self.typed_expr(expr, in_url).0
    }

    /// A value where k6 wants a string (a header, a form field, a cookie, a text
    /// body): in TypeScript, `String(value)` unless it is one already.
    fn string_expr(&mut self, expr: &Expr) -> String {
        let (code, ty) = self.typed_expr(expr, false);
        if self.module.ts() && ty != Ty::Str {
            format!("String({code})")
        } else {
            code
        }
    }

    /// A value where k6 wants a number (a metric's sample): in TypeScript,
    /// `Number(value)` unless it is a number or a boolean already.
    fn number_expr(&mut self, expr: &Expr) -> String {
        let (code, ty) = self.typed_expr(expr, false);
        if self.module.ts() && !matches!(ty, Ty::Num | Ty::Bool) {
            format!("Number({code})")
        } else {
            code
        }
    }

    /// A value as a JavaScript expression, and its TypeScript type.
    fn typed_expr(&mut self, expr: &Expr, in_url: bool) -> (String, Ty) {
        match expr {
            Expr::Str(s) => (string_literal(s), Ty::Str),
            Expr::Num(n) => (number_literal(*n), Ty::Num),
            Expr::Bool(b) => (b.to_string(), Ty::Bool),
            Expr::Env { name, .. } => match self.module.env_consts.get(name) {
                Some(constant) => {
                    self.module.needs.names.insert(constant.clone());
                    (constant.clone(), Ty::Str)
                }
                None => (env_access(name), Ty::Str),
            },
            Expr::Secret { name } => (env_access(name), Ty::Str),
            Expr::VuId => ("__VU".into(), Ty::Num),
            Expr::Iteration => ("__ITER".into(), Ty::Num),
            Expr::ScenarioName => {
                self.module.needs.execution = true;
                ("exec.scenario.name".into(), Ty::Str)
            }
            Expr::Var(var) => {
                let key = (var.owner.clone(), var.id);
                let ty = self.var_types.get(&key).cloned().unwrap_or(Ty::Json);
                // Declared before their value (`let x: T | undefined;`): TypeScript
                // cannot see that the value is there by the time it is read.
                let ty = if self.hoisted.contains(&key) || self.vu_vars.contains(&key) {
                    match ty {
                        Ty::Str => Ty::MaybeStr,
                        Ty::Num => Ty::Other("number | undefined".into()),
                        Ty::Bool => Ty::Other("boolean | undefined".into()),
                        other => other,
                    }
                } else {
                    ty
                };
                (self.names.var(var), ty)
            }
            Expr::Field(base_expr, field) => {
                let (mut base, base_ty) = self.typed_expr(base_expr, in_url);
                match base_ty {
                    Ty::Row(data) => {
                        // A row declared before it is picked (per VU, or in a group)
                        // is there when read, as the JavaScript assumes.
                        if let Expr::Var(var) = &**base_expr {
                            let key = (var.owner.clone(), var.id);
                            if self.module.ts()
                                && (self.hoisted.contains(&key) || self.vu_vars.contains(&key))
                            {
                                base.push('!');
                            }
                        }
                        let ty = match self.module.row_types.get(&data) {
                            Some(row) => row
                                .fields
                                .get(field)
                                .cloned()
                                .unwrap_or_else(|| row.other_fields.clone()),
                            None => Ty::Json,
                        };
                        (format!("{base}{}", member(field)), ty)
                    }
                    _ if self.module.ts() => {
                        // A JSON value read as the object it holds, as the JavaScript
                        // does (which throws on anything else).
                        self.module.use_types_in("JSONObject");
                        (format!("({base} as JSONObject){}", member(field)), Ty::Json)
                    }
                    _ => (format!("{base}{}", member(field)), Ty::Json),
                }
            }
            Expr::SetupData(key) => {
                self.uses_data = true;
                let ty = self
                    .module
                    .setup_types
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or(Ty::Json, |(_, ty)| ty.clone());
                (format!("data{}", member(key)), ty)
            }
            Expr::Concat(parts) => (self.template(parts, in_url), Ty::Str),
            Expr::AsNumber(inner) => match self.typed_expr(inner, in_url) {
                (code, Ty::Num) => (code, Ty::Num),
                (code, _) => (format!("Number({code})"), Ty::Num),
            },
        }
    }

    /// Parts joined as text: a string literal when all are literal, else one template
    /// literal, escaped as a whole by [`template_literal`].
    fn template(&mut self, parts: &[Expr], in_url: bool) -> String {
        let mut pieces = Vec::with_capacity(parts.len());
        self.template_parts(parts, in_url, &mut pieces);
        join_template(&pieces)
    }

    /// The pieces of a text value, nested texts flattened into one list so that
    /// their literal parts merge with their neighbours before escaping.
    fn template_parts(&mut self, parts: &[Expr], in_url: bool, out: &mut Vec<TemplatePart>) {
        for part in parts {
            match part {
                Expr::Str(s) => out.push(TemplatePart::Text(s.clone())),
                Expr::Concat(inner) => self.template_parts(inner, in_url, out),
                dynamic => {
                    let (mut value, ty) = self.typed_expr(dynamic, in_url);
                    let encode = in_url
                        && matches!(dynamic, Expr::Var(_) | Expr::Field(..) | Expr::SetupData(_));
                    if encode {
                        if self.module.ts() && !ty.is_scalar() {
                            value = format!("String({value})");
                        }
                        value = format!("encodeURIComponent({value})");
                    }
                    out.push(TemplatePart::Expr(value));
                }
            }
        }
    }
}

/// Pieces as a string literal when all are text, else as one template literal.
fn join_template(pieces: &[TemplatePart]) -> String {
    if pieces.iter().all(|p| matches!(p, TemplatePart::Text(_))) {
        let text: String = pieces
            .iter()
            .map(|p| match p {
                TemplatePart::Text(s) => s.as_str(),
                TemplatePart::Expr(_) => "",
            })
            .collect();
        return string_literal(&text);
    }
    template_literal(pieces)
}

fn function_doc(statements: Vec<Doc>) -> Doc {
    if statements.is_empty() {
        return Doc::text("function () {}");
    }
    let mut inner = Vec::new();
    for s in statements {
        inner.push(Doc::HardLine);
        inner.push(s);
    }
    Doc::broken_group(vec![
        Doc::text("function () {"),
        Doc::Indent(inner),
        Doc::HardLine,
        Doc::text("}"),
    ])
}

fn if_doc(condition: &str, statements: Vec<Doc>) -> Doc {
    let mut inner = Vec::new();
    for s in statements {
        inner.push(Doc::HardLine);
        inner.push(s);
    }
    Doc::broken_group(vec![
        Doc::text(format!("if ({condition}) {{")),
        Doc::Indent(inner),
        Doc::HardLine,
        Doc::text("}"),
    ])
}

/// Seconds as k6's `sleep` takes them.
fn seconds(d: Duration) -> String {
    number_literal(d.as_secs_f64())
}

/// `.name` when `name` is an identifier, else `["name"]`.
fn member(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if bare {
        format!(".{name}")
    } else {
        format!("[{}]", string_literal(name))
    }
}

/// `__ENV.NAME`, or `__ENV["odd-name"]`.
fn env_access(name: &str) -> String {
    format!("__ENV{}", member(name))
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

fn is_absolute(parts: &[Expr]) -> bool {
    match parts.first() {
        Some(Expr::Str(s)) => s.starts_with("http://") || s.starts_with("https://"),
        Some(Expr::Env { .. } | Expr::Secret { .. } | Expr::SetupData(_)) => true,
        _ => false,
    }
}

fn for_each_request(script: &model::Script, f: &mut impl FnMut(&Request)) {
    for (_, block) in blocks(script) {
        for_each_request_in(block, f);
    }
}

enum Event<'e> {
    /// A variable defined, where, whether kept per VU, and its type.
    Def(&'e Var, &'e [usize], bool, Ty),
    Use(&'e Expr, &'e [usize]),
}

/// Visits definitions and uses in a block, with the path of blocks they are in.
fn walk(block: &Block, path: &mut Vec<usize>, per_vu: bool, f: &mut impl FnMut(Event<'_>)) {
    for (i, step) in block.iter().enumerate() {
        match step {
            Step::Request(r) => walk_request(r, path, per_vu, f),
            Step::Batch(rs) => {
                for r in rs {
                    walk_request(r, path, per_vu, f);
                }
            }
            Step::Group { body, .. } => {
                path.push(i);
                walk(body, path, per_vu, f);
                path.pop();
            }
            Step::OncePerVu { body } => {
                path.push(i);
                walk(body, path, true, f);
                path.pop();
            }
            Step::Sleep(_) => {}
            Step::AddToMetric { value, .. } => f(Event::Use(value, path)),
            Step::PickRow { var, data, .. } => {
                f(Event::Def(var, path, per_vu, Ty::Row(data.clone())))
            }
        }
    }
}

fn walk_request(r: &Request, path: &[usize], per_vu: bool, f: &mut impl FnMut(Event<'_>)) {
    for_each_request_expr(r, &mut |e| f(Event::Use(e, path)));
    for e in &r.extract {
        let ty = match e.from {
            Source::JsonPath(_) => Ty::Json,
            Source::Header(_) => Ty::Str,
            Source::Between(..) | Source::Regex { .. } => Ty::MaybeStr,
        };
        f(Event::Def(&e.var, path, per_vu, ty));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_header_names_as_go_does() {
        assert_eq!(canonical_header("content-type"), "Content-Type");
        assert_eq!(canonical_header("X-REQUEST-ID"), "X-Request-Id");
    }

    #[test]
    fn types_json_rows_by_what_every_row_holds() {
        let rows = vec![
            serde_json::json!({ "id": 1, "name": "a", "tag": "x", "any": 1 }),
            serde_json::json!({ "id": 2, "name": "b", "any": "one" }),
        ];
        let source = DataSource::JsonRows {
            file: "data/users.json".into(),
            rows,
        };
        let row = row_type(&source, "users");
        assert_eq!(row.name, "UsersRow");
        assert_eq!(
            row.interface.as_deref(),
            Some("interface UsersRow {\n  id: number;\n  name: string;\n  tag?: string;\n  any: JSONValue;\n}")
        );
        assert_eq!(row.fields["id"], Ty::Num);
        assert_eq!(row.fields["tag"], Ty::Other("string | undefined".into()));
        assert_eq!(row.fields["any"], Ty::Json);
        let csv = row_type(&DataSource::CsvFile("data/x.csv".into()), "x");
        assert_eq!(csv.name, "Record<string, string>");
        assert_eq!(csv.other_fields, Ty::Str);
    }

    #[test]
    fn makes_identifiers_from_any_text() {
        assert_eq!(identifier_from("add to cart"), "addToCart");
        assert_eq!(identifier_from("login res"), "loginRes");
        assert_eq!(identifier_from("2fa"), "_2fa");
        assert_eq!(identifier_from("delete"), "delete_");
        assert_eq!(identifier_from("/products/*"), "products");
    }

    #[test]
    fn fresh_names_skip_what_the_function_and_the_module_took() {
        let mut module = Names::default();
        module.reserve("res2");
        let mut local = Names::default();
        let names: Vec<String> = (0..4).map(|_| local.fresh_beside(&module, "res")).collect();
        assert_eq!(names, ["res", "res3", "res4", "res5"]);
        // A name the module takes later is skipped too; smaller free numbers are not
        // reused (none exist: names are never released).
        module.reserve("res6");
        assert_eq!(local.fresh_beside(&module, "res"), "res7");
        local.reserve("res8");
        assert_eq!(local.fresh_beside(&module, "res"), "res9");
        assert_eq!(local.fresh_beside(&module, "res3"), "res32");
        // The module's own names are unaffected by the function's.
        assert_eq!(module.fresh("res"), "res");
    }
}
