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

mod check_names;
mod doc;
mod flows;
mod helpers;
mod identifier_table;
pub mod js;
mod lang;
mod options;
mod project;
mod width_table;

use std::collections::BTreeSet;

use genco::prelude::*;

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

    // Functions first: writing them records the imports and helpers they need.
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
            None => "export default function () {}".to_owned(),
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

    let mut sections: Vec<Vec<String>> = Vec::new();
    let constants = module.constants("");
    let data_sets = module.data_sets("./", "");
    let options_value = options::options(&script.options, "./");
    let options_type = match target {
        Target::JavaScript => String::new(),
        Target::TypeScript => {
            let (name, declaration) = options_type(&options_value, "");
            module.use_types_in("Options");
            let mut types: Vec<String> = declaration.into_iter().collect();
            types.extend(module.row_interfaces(""));
            if script.lifecycle.setup.is_some() {
                types.push(module.setup_interface(""));
            }
            if module.needs.helpers.contains("summaryText") {
                types.push(helpers::summary_data(false).to_owned());
            }
            // One section each: declarations are separated by blank lines.
            sections.extend(types.into_iter().map(|t| vec![t]));
            format!(": {name}")
        }
    };
    sections.push(constants);
    sections.push(module.secret_guards());
    sections.push(data_sets);
    sections.push(metric_declarations(script, &metric_vars, ""));
    sections.push(module.vu_state_decl().into_iter().collect());

    let mut options = Tokens::new();
    let head = format!("export const options{options_type} = ");
    options.append(head.clone());
    options_value.write(&mut options, head.len(), 0, ";");
    sections.push(vec![lang::render(&options, &lang::Config::default())
        .trim_end()
        .to_owned()]);
    for function in functions {
        sections.push(vec![function]);
    }
    for helper in module.helpers() {
        sections.push(vec![helper.to_owned()]);
    }

    // The imports, by what the code uses.
    let mut file = Tokens::new();
    let needs = &module.needs;
    if needs.http {
        file.register(Import::package_default("k6/http", "http"));
    }
    for name in &needs.k6 {
        file.register(Import::package("k6", *name));
    }
    if needs.shared_array || !script.data.is_empty() {
        file.register(Import::package("k6/data", "SharedArray"));
    }
    if needs.encoding {
        file.register(Import::package_default("k6/encoding", "encoding"));
    }
    if needs.execution {
        file.register(Import::package_default("k6/execution", "exec"));
    }
    for decl in &script.metrics {
        file.register(Import::package("k6/metrics", decl.kind.js_class()));
    }
    for name in &needs.types {
        if let Some((name, from)) = flows::K6_TYPES.iter().find(|(n, _)| n == name) {
            file.register(Import::package_type(from, *name));
        }
    }

    for section in sections {
        let mut tokens = Tokens::new();
        for statement in section {
            lang::append_lines(&mut tokens, &statement);
        }
        lang::append_section(&mut file, tokens);
    }
    lang::render(&file, &lang::Config::default())
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
/// fields), `TestOptions` extending it, with its declaration (`export` prefixed).
pub(crate) fn options_type(options: &js::Value, export: &str) -> (&'static str, Option<String>) {
    let mut extra: Vec<String> = Vec::new();
    let mut base = "Options".to_owned();
    if let Some(dns) = options.get("dns") {
        if dns.object_len() < 3 {
            base = "Omit<Options, \"dns\">".to_owned();
            extra.push("dns?: Partial<NonNullable<Options[\"dns\"]>>;".to_owned());
        }
    }
    for (key, ty) in UNDECLARED_OPTIONS {
        if options.get(key).is_some() {
            extra.push(format!("{key}?: {ty};"));
        }
    }
    if extra.is_empty() {
        return ("Options", None);
    }
    let mut declaration = format!(
        "// k6 options that @types/k6 does not declare.\n{export}interface TestOptions extends {base} {{"
    );
    for member in extra {
        declaration.push_str(&format!("\n  {member}"));
    }
    declaration.push_str("\n}");
    ("TestOptions", Some(declaration))
}

/// `const loginDuration = new Trend("login_duration", true);` for each custom
/// metric; `export` prefixes each.
fn metric_declarations(script: &model::Script, vars: &[String], export: &str) -> Vec<String> {
    script
        .metrics
        .iter()
        .zip(vars)
        .map(|(decl, var)| {
            let class = decl.kind.js_class();
            let name = Str(&decl.name);
            let mut line = Tokens::new();
            line.append(export);
            if decl.time {
                quote_in!(line => const $(Ident(var)) = new $class($name, true););
            } else {
                quote_in!(line => const $(Ident(var)) = new $class($name););
            }
            lang::render(&line, &lang::Config::default())
                .trim_end()
                .to_owned()
        })
        .collect()
}

/// Whether anything runs `default`: no scenarios, or a scenario without `exec`.
fn needs_default_function(script: &model::Script) -> bool {
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
    fn camel_cases_metric_names() {
        assert_eq!(camel_case("login_duration"), "loginDuration");
        assert_eq!(camel_case("_private_x"), "_privateX");
        assert_eq!(camel_case("a__b"), "aB");
        assert_eq!(camel_case("already"), "already");
    }
}
