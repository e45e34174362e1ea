//! The code generator: the only part of k6dsl that knows JavaScript.
//!
//! It takes a validated [`model::Script`] and writes a k6 ES module: imports, custom
//! metrics in init code, `export const options`, then the exported functions. Output
//! is deterministic: the same model always gives the same bytes.
//!
//! The same generator writes TypeScript ([`Target::TypeScript`]): the JavaScript
//! with type annotations checked against `@types/k6` (`tsc --noEmit --strict`), which
//! k6 runs as it is. Values taken from JSON bodies are `JSONValue`, as `@types/k6`
//! says; where k6's API wants a string or a number they are converted
//! (`String(x)`, `Number(x)`) exactly as JavaScript would convert them implicitly.

pub(crate) mod check_names;
mod doc;
mod file;
mod flows;
mod helpers;
mod identifier_table;
#[doc(hidden)]
pub mod js;
mod lang;
mod layout;
mod options;
mod project;
mod width_table;

use std::collections::BTreeSet;

use genco::prelude::*;

use doc::{cat, Doc};
pub use file::File;
pub use js::is_identifier;
use js::{Ident, Str};
use lang::{Import, Tokens};
pub use project::{project, project_ts, TSCONFIG};

use crate::model::{self, Execution};

/// The language generated code is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// JavaScript ES modules (`.js`).
    JavaScript,
    /// TypeScript typed against `@types/k6` (`.ts`), which k6 runs directly.
    TypeScript,
}

impl Target {
    /// The file extension of modules: `js` or `ts`.
    pub fn extension(self) -> &'static str {
        match self {
            Target::JavaScript => "js",
            Target::TypeScript => "ts",
        }
    }
}

/// Writes the script for a model that passed validation.
///
/// Layout: imports; init constants (base URL, environment defaults); data sets;
/// custom metrics; per-VU state; `options`; `setup`; the default function and the
/// flows; `teardown`; `handleSummary`; then the inline helpers they use.
pub fn javascript(script: &model::Script) -> String {
    single_file(script, Target::JavaScript)
}

/// Writes the script as TypeScript for a model that passed validation: the
/// layout of [`javascript`], with `import type` lines and the declared types
/// (`interface SetupData`, the data rows', the summary's) after the imports.
///
/// ```
/// use k6dsl::prelude::*;
/// let flow = Flow::new("browse").steps(|f| {
///     let list = f.request(Request::get("/products").name("products"));
///     let id = list.json("products.0.id").named("productId");
///     f.request(Request::get(text!["/products/", id]).name("product"));
/// });
/// let script = Script::new().scenario(Scenario::new("browse", SharedIterations::new()).exec(&flow));
/// let ts = k6dsl::codegen::typescript(script.to_ir());
/// assert!(ts.contains("export const options: Options = {"));
/// assert!(ts.contains("${encodeURIComponent(String(productId))}"));
/// ```
pub fn typescript(script: &model::Script) -> String {
    single_file(script, Target::TypeScript)
}

/// The generator's module state for `script`, and the custom metrics' variable
/// names (in declaration order).
fn new_module(script: &model::Script, target: Target) -> (flows::Module<'_>, Vec<String>) {
    let metric_vars = metric_variables(script);
    let module = flows::Module::new(
        script,
        script
            .metrics
            .iter()
            .map(|d| d.name.clone())
            .zip(metric_vars.iter().cloned())
            .collect(),
        target,
    );
    (module, metric_vars)
}

/// The single-file script in either language.
fn single_file(script: &model::Script, target: Target) -> String {
    let script = &*check_names::distinct(script);
    let (mut module, metric_vars) = new_module(script, target);

    // Functions first: writing them names the per-VU state and what setup()
    // returns, which are declared above them.
    let mut functions = Vec::new();
    if let Some(setup) = &script.lifecycle.setup {
        functions.push(module.function(
            "export ",
            "setup",
            &setup.body,
            None,
            Some(&setup.returns),
        ));
    }
    if needs_default_function(script) {
        functions.push(match &script.default_flow {
            Some(flow) => module.function("export default ", "", &flow.body, flow.pacing, None),
            None => {
                let mut empty = Tokens::new();
                empty.append("export default function () {}");
                empty
            }
        });
    }
    for flow in &script.flows {
        functions.push(module.function("export ", &flow.name, &flow.body, flow.pacing, None));
    }
    if let Some(teardown) = &script.lifecycle.teardown {
        functions.push(module.function("export ", "teardown", teardown, None, None));
    }
    if let Some(path) = &script.lifecycle.summary_json {
        functions.push(module.handle_summary(path, None));
    }
    let mut data_sets = Tokens::new();
    for data_set in module.data_sets("./", "") {
        data_sets.append(data_set);
        data_sets.push();
    }
    let mut upload_files = Tokens::new();
    for upload in module.upload_files("./", "") {
        upload_files.append(upload);
        upload_files.push();
    }
    // The helpers the code calls, declared after it.
    let mut used_helpers = lang::values_from(&data_sets, &module.layout.utils);
    for function in &functions {
        used_helpers.extend(lang::values_from(function, &module.layout.utils));
    }
    let used_helpers: BTreeSet<&str> = used_helpers.iter().map(String::as_str).collect();

    let mut file = Tokens::new();
    lang::append_section(&mut file, module.raw_js_imports());
    let options_value = options::options(&script.options, "./");
    let mut type_name = None;
    if target == Target::TypeScript {
        let (name, declaration) = options_type(&options_value);
        // One section each: declarations are separated by blank lines.
        if let Some(declaration) = declaration {
            lang::append_section(&mut file, statements([declaration]));
        }
        let mut types = module.row_interfaces("");
        if script.lifecycle.setup.is_some() {
            types.push(module.setup_interface(""));
        }
        for declaration in types {
            lang::append_section(&mut file, statements([declaration]));
        }
        if used_helpers.contains("summaryText") {
            let mut summary_data = Tokens::new();
            lang::append_lines(&mut summary_data, helpers::summary_data(false));
            lang::append_section(&mut file, summary_data);
        }
        type_name = Some(name);
    }
    lang::append_section(&mut file, module.constants(""));
    lang::append_section(&mut file, module.secret_guards());
    lang::append_section(&mut file, module.response_callback());
    lang::append_section(&mut file, data_sets);
    lang::append_section(&mut file, upload_files);
    lang::append_section(&mut file, metric_declarations(script, &metric_vars, ""));
    lang::append_section(&mut file, module.vu_state_decl());

    let mut options = Tokens::new();
    let (head, column) = options_head("export const options", type_name);
    head.write(&mut options, 0);
    options_value.write(&mut options, column, 0, ";");
    lang::append_section(&mut file, options);
    for function in functions {
        lang::append_section(&mut file, function);
    }
    for helper in helpers::helper_code(&used_helpers, target, false) {
        let mut tokens = Tokens::new();
        lang::append_lines(&mut tokens, helper);
        lang::append_section(&mut file, tokens);
    }
    lang::render(&file, &lang::Config::default())
}

/// Statements, one after the other, laid out from column 0.
fn statements(docs: impl IntoIterator<Item = Doc>) -> Tokens {
    let mut tokens = Tokens::new();
    for doc in docs {
        doc.write(&mut tokens, 0);
        tokens.push();
    }
    tokens
}

/// Options k6 v1.1 reads that `@types/k6` 1.1 does not declare, with their types.
const UNDECLARED_OPTIONS: &[(&str, &str)] = &[
    ("metricSamplesBufferSize", "number"),
    ("noSetup", "boolean"),
    ("noTeardown", "boolean"),
    ("summaryTimeUnit", "string"),
];

/// The type `options` is declared with: `Options` from `@types/k6`, or, when the
/// options use what it does not declare (`noSetup`, a `dns` object with only some
/// fields), `TestOptions` extending it, with its declaration.
pub(crate) fn options_type(options: &js::Value) -> (&'static str, Option<Doc>) {
    let options_type = || Doc::from(flows::k6_type("Options"));
    let mut members: Vec<Doc> = Vec::new();
    let mut base = options_type();
    if let Some(dns) = options.get("dns") {
        if dns.object_len() < 3 {
            base = cat!["Omit<", options_type(), ", \"dns\">"];
            members.push(cat![
                "dns?: Partial<NonNullable<",
                options_type(),
                "[\"dns\"]>>;"
            ]);
        }
    }
    for (key, ty) in UNDECLARED_OPTIONS {
        if options.get(key).is_some() {
            members.push(Doc::text(format!("{key}?: {ty};")));
        }
    }
    if members.is_empty() {
        return ("Options", None);
    }
    let mut inner = Vec::new();
    for member in members {
        inner.push(Doc::HardLine);
        inner.push(member);
    }
    let declaration = cat![
        "// k6 options that @types/k6 does not declare.",
        Doc::HardLine,
        "interface TestOptions extends ",
        base,
        " {",
        Doc::Indent(inner),
        Doc::HardLine,
        "}",
    ];
    ("TestOptions", Some(declaration))
}

/// `name = ` for the options object, typed with `type_name` in TypeScript
/// (`Options` imported from `@types/k6`, or the declared `TestOptions`), and the
/// column the object starts at.
pub(crate) fn options_head(name: &str, type_name: Option<&'static str>) -> (Doc, usize) {
    match type_name {
        None => (Doc::text(format!("{name} = ")), name.len() + 3),
        Some(type_name) => {
            let type_doc = match type_name {
                "Options" => Doc::from(flows::k6_type("Options")),
                other => Doc::text(other),
            };
            let column = name.len() + 2 + type_name.len() + 3;
            (cat![format!("{name}: "), type_doc, " = "], column)
        }
    }
}

/// `const loginDuration = new Trend("login_duration", true);` for each custom
/// metric; `export` prefixes each.
fn metric_declarations(script: &model::Script, vars: &[String], export: &str) -> Tokens {
    let mut tokens = Tokens::new();
    for (decl, var) in script.metrics.iter().zip(vars) {
        let class = Import::package("k6/metrics", decl.kind.js_class());
        let name = Str(&decl.name);
        tokens.append(export);
        if decl.time {
            quote_in!(tokens => const $(Ident(var)) = new $class($name, true););
        } else {
            quote_in!(tokens => const $(Ident(var)) = new $class($name););
        }
        tokens.push();
    }
    tokens
}

/// Whether anything runs `default`: no scenarios, or a scenario without `exec`.
pub(crate) fn needs_default_function(script: &model::Script) -> bool {
    script.default_flow.is_some()
        || match &script.options.execution {
            Execution::Scenarios(scenarios) => scenarios.iter().any(|s| s.exec.is_none()),
            _ => true,
        }
}

/// JavaScript variable names for the custom metrics: `login_duration` becomes
/// `loginDuration`, kept clear of keywords, flow names and imported names.
fn metric_variables(script: &model::Script) -> Vec<String> {
    let mut taken: BTreeSet<String> = script.flows.iter().map(|f| f.name.clone()).collect();
    taken.extend(flows::RESERVED_NAMES.iter().map(|name| (*name).to_owned()));
    script
        .metrics
        .iter()
        .map(|decl| {
            let base = camel_case(&decl.name);
            let base = if is_identifier(&base) {
                base
            } else {
                format!("{base}Metric")
            };
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// `snake_case` to `camelCase`, keeping leading underscores.
fn camel_case(name: &str) -> String {
    let leading = name.len() - name.trim_start_matches('_').len();
    let mut out = "_".repeat(leading);
    let mut upper = false;
    for c in name[leading..].chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_variables_keep_clear_of_helpers_and_keywords() {
        let metric = |name: &str| model::MetricDecl {
            name: name.to_owned(),
            kind: model::MetricKind::Counter,
            time: false,
        };
        let script = model::Script {
            metrics: vec![
                metric("parse_csv"),
                metric("status_is"),
                metric("delete"),
                metric("login_duration"),
            ],
            ..model::Script::default()
        };
        assert_eq!(
            metric_variables(&script),
            ["parseCsv2", "statusIs2", "deleteMetric", "loginDuration"]
        );
    }

    #[test]
    fn camel_cases_metric_names() {
        assert_eq!(camel_case("login_duration"), "loginDuration");
        assert_eq!(camel_case("_private_x"), "_privateX");
        assert_eq!(camel_case("a__b"), "aB");
        assert_eq!(camel_case("already"), "already");
    }
}
