//! VU code as JavaScript: init-time constants and data, the lifecycle functions, the
//! flows, and the small helpers they need (emitted inline: scripts run offline, with
//! no remote `jslib` imports).
//!
//! [`Module`] holds what the whole file shares (names taken, per-VU state, the
//! types setup() returns); a `Function` writes one exported function into it. The
//! code is [`Doc`]s laid out into genco tokens, and every name it takes from a k6
//! module, a helper or a project module is an [`Import`] written where it is used:
//! the file's import registry collects them. By concern:
//!
//! - `names`: fresh variable names, identifiers from any text;
//! - `types`: the TypeScript type of each value, the rows' and setup's interfaces;
//! - `init`: init code (environment constants, secret guards, data sets);
//! - `function`: the exported functions, and where their variables are declared;
//! - `steps`: groups, think time, metrics, rows, once-per-VU blocks;
//! - `requests`: HTTP calls and what is done with their responses;
//! - `checks`: the predicates of `check()`;
//! - `values`: values as expressions, text as template literals.

mod checks;
mod conditions;
mod function;
mod init;
mod names;
mod requests;
mod steps;
#[cfg(test)]
mod tests;
mod types;
mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::doc::{cat, Doc};
use super::helpers;
use super::lang::{Import, Tokens};
use super::layout::Layout;
use super::Target;
use crate::model;
use crate::model::vu::for_each_expr;
use crate::model::vu::{Expr, Var};
use names::{data_var_base, identifier_from, Names};
use types::{row_type, RowType, Ty};

/// Names no generated variable may take: what the modules import, define and read
/// (the names flows cannot take either), and the functions' own names.
pub use k6dsl_facts::names::RESERVED_NAMES;

/// A variable kept per VU, across its iterations (module level).
#[derive(Debug, Clone)]
pub struct VuVar {
    name: String,
    /// TypeScript type of a kept value (declared `T | undefined`).
    ty: Option<Doc>,
    /// The initial value (`false` for a once-per-VU flag).
    init: Option<&'static str>,
}

/// Module-level facts the code generator needs.
pub struct Module<'a> {
    /// The model.
    pub script: &'a model::Script,
    /// Data set name → JS variable.
    pub data_vars: BTreeMap<String, String>,
    /// Upload file name → the variable holding its bytes.
    pub upload_vars: BTreeMap<String, String>,
    /// Environment variable → constant holding it (with its default).
    pub env_consts: BTreeMap<String, String>,
    /// The constant holding the base URL.
    pub base_url: String,
    /// Names taken at module level.
    pub names: Names,
    /// Variables that live at module level (per-VU state).
    pub vu_state: Vec<VuVar>,
    /// Where each module-level name is declared in a project (and so imported
    /// from); a single script declares them all.
    pub layout: Layout,
    /// The imports the code writes.
    known: Known,
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
        let mut upload_vars = BTreeMap::new();
        for upload in &script.uploads {
            let var = names.fresh(&format!("{} file", upload.name));
            upload_vars.insert(upload.name.clone(), var);
        }
        let layout = Layout::new(target);
        let constants = env_consts.values().cloned().chain([base_url.clone()]);
        let mut known = Known::new(&layout, &metric_vars, &data_vars, &row_types, constants);
        known.uploads = upload_vars
            .iter()
            .map(|(name, var)| {
                (
                    name.clone(),
                    Import::local(layout.data.clone(), var.as_str()),
                )
            })
            .collect();
        Module {
            script,
            data_vars,
            upload_vars,
            env_consts,
            base_url,
            names,
            vu_state: Vec::new(),
            known,
            layout,
            shared_checks: false,
            target,
            row_types,
            setup_types: Vec::new(),
        }
    }

    fn ts(&self) -> bool {
        self.target == Target::TypeScript
    }

    /// `let token;` for values kept across a VU's iterations (in TypeScript one
    /// typed declaration per line: `let token: JSONValue | undefined;`).
    pub fn vu_state_decl(&self) -> Tokens {
        let mut tokens = Tokens::new();
        if self.vu_state.is_empty() {
            return tokens;
        }
        let declarator = |var: &VuVar| match var.init {
            Some(init) => format!("{} = {init}", var.name),
            None => var.name.clone(),
        };
        match self.target {
            Target::JavaScript => {
                let all: Vec<String> = self.vu_state.iter().map(declarator).collect();
                tokens.append(format!("let {};", all.join(", ")));
            }
            Target::TypeScript => {
                for var in &self.vu_state {
                    let declaration = match &var.ty {
                        Some(ty) => cat![format!("let {}: ", var.name), ty.clone(), ";"],
                        None => Doc::text(format!("let {};", declarator(var))),
                    };
                    declaration.write(&mut tokens, 0);
                    tokens.push();
                }
            }
        }
        tokens
    }

    /// A name of k6's modules: `http`, `exec`, `encoding`, `SharedArray`,
    /// `check`, `group`, `sleep`, or a type of `@types/k6`.
    pub(super) fn k6(&self, name: &str) -> Import {
        match self.known.k6.get(name) {
            Some(import) => import.clone(),
            None => panic!("{name} is not a name of k6 that k6dsl imports"),
        }
    }

    /// A helper function, imported from a project's `lib/utils`.
    pub(super) fn helper(&self, name: &'static str) -> Import {
        known_or(&self.known.helpers, name, || {
            Import::local(self.layout.utils.clone(), name)
        })
    }

    /// A reusable check, imported from a project's `lib/checks`.
    pub(super) fn check(&self, name: &'static str) -> Import {
        known_or(&self.known.checks, name, || {
            Import::local(self.layout.checks.clone(), name)
        })
    }

    /// A custom metric's variable, imported from a project's `lib/metrics`.
    pub(super) fn metric(&self, metric: &str) -> Import {
        known_or(&self.known.metrics, metric, || {
            Import::local(self.layout.metrics.clone(), identifier_from(metric))
        })
    }

    /// A data set's `SharedArray`, imported from a project's `lib/data`.
    pub(super) fn rows(&self, data: &str) -> Import {
        known_or(&self.known.rows, data, || {
            Import::local(self.layout.data.clone(), identifier_from(data))
        })
    }

    /// An upload file's bytes, imported from a project's `lib/data`.
    pub(super) fn upload(&self, upload: &str) -> Import {
        known_or(&self.known.uploads, upload, || {
            Import::local(self.layout.data.clone(), identifier_from(upload))
        })
    }

    /// A constant of init code (base URL, an environment setting), imported from
    /// a project's `lib/config`.
    pub(super) fn constant(&self, name: &str) -> Import {
        known_or(&self.known.constants, name, || {
            Import::local(self.layout.config.clone(), name)
        })
    }
}

/// The imports the code writes, each made once: a use clones a pointer. (Made per
/// use, they were two allocations each, alive as long as the file's tokens.)
struct Known {
    /// By name: k6's modules' names and `@types/k6`'s types.
    k6: BTreeMap<&'static str, Import>,
    helpers: BTreeMap<&'static str, Import>,
    checks: BTreeMap<&'static str, Import>,
    /// By metric name.
    metrics: BTreeMap<String, Import>,
    /// By data set name.
    rows: BTreeMap<String, Import>,
    /// By upload file name.
    uploads: BTreeMap<String, Import>,
    /// By data set name, for rows with a declared interface.
    row_types: BTreeMap<String, Import>,
    /// By the constant's name.
    constants: BTreeMap<String, Import>,
    setup_data: Import,
    summary_data: Import,
}

impl Known {
    fn new(
        layout: &Layout,
        metric_vars: &BTreeMap<String, String>,
        data_vars: &BTreeMap<String, String>,
        row_types: &BTreeMap<String, RowType>,
        constants: impl Iterator<Item = String>,
    ) -> Known {
        let mut k6: BTreeMap<&'static str, Import> = [
            ("http", Import::package_default("k6/http", "http")),
            ("exec", Import::package_default("k6/execution", "exec")),
            (
                "encoding",
                Import::package_default("k6/encoding", "encoding"),
            ),
            ("SharedArray", Import::package("k6/data", "SharedArray")),
            ("check", Import::package("k6", "check")),
            ("group", Import::package("k6", "group")),
            ("sleep", Import::package("k6", "sleep")),
        ]
        .into_iter()
        .collect();
        for (name, _) in K6_TYPES {
            k6.insert(name, k6_type(name));
        }
        let local = |path: &Rc<str>, names: &BTreeMap<String, String>| {
            names
                .iter()
                .map(|(key, var)| (key.clone(), Import::local(path.clone(), var.as_str())))
                .collect()
        };
        Known {
            k6,
            helpers: helpers::helper_names()
                .map(|name| (name, Import::local(layout.utils.clone(), name)))
                .collect(),
            checks: helpers::check_names()
                .map(|name| (name, Import::local(layout.checks.clone(), name)))
                .collect(),
            metrics: local(&layout.metrics, metric_vars),
            rows: local(&layout.data, data_vars),
            uploads: BTreeMap::new(),
            row_types: row_types
                .iter()
                .filter(|(_, row)| row.interface.is_some())
                .map(|(data, row)| {
                    let import = Import::local_type(layout.data.clone(), row.name.as_str());
                    (data.clone(), import)
                })
                .collect(),
            constants: constants
                .map(|name| {
                    let import = Import::local(layout.config.clone(), name.as_str());
                    (name, import)
                })
                .collect(),
            setup_data: Import::local_type(layout.auth.clone(), "SetupData"),
            summary_data: Import::local_type(layout.utils.clone(), "SummaryData"),
        }
    }
}

/// The import made for `key`, or a new one.
fn known_or<K: std::borrow::Borrow<str> + Ord>(
    known: &BTreeMap<K, Import>,
    key: &str,
    new: impl FnOnce() -> Import,
) -> Import {
    known.get(key).cloned().unwrap_or_else(new)
}

/// A type of `@types/k6`, from the module that declares it.
pub(crate) fn k6_type(name: &str) -> Import {
    let (name, module) = K6_TYPES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} is not a type of @types/k6 that k6dsl uses"));
    Import::package_type(module, *name)
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
}
