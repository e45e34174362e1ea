//! The code generator: the only part of k6dsl that knows JavaScript.
//!
//! It takes a validated [`ir::Script`] and writes a k6 ES module: imports, custom
//! metrics in init code, `export const options`, then the exported functions. Output
//! is deterministic: the same model always gives the same bytes.

pub mod js;
mod options;

use std::collections::{BTreeMap, BTreeSet};

use genco::fmt;
use genco::lang::js::Tokens;
use genco::prelude::*;

pub use js::is_identifier;
use js::{Ident, Str};

use crate::ir::{self, Execution};

/// Writes the script for a model that passed validation.
pub fn javascript(script: &ir::Script) -> String {
    let mut imports = Imports::default();
    let metric_vars = metric_variables(script);
    for decl in &script.metrics {
        imports.add("k6/metrics", decl.kind.js_class());
    }

    let mut body = Tokens::new();

    if !script.metrics.is_empty() {
        for (decl, var) in script.metrics.iter().zip(&metric_vars) {
            let class = decl.kind.js_class();
            if decl.time {
                quote_in!(body => const $(Ident(var)) = new $class($(Str(&decl.name)), true););
            } else {
                quote_in!(body => const $(Ident(var)) = new $class($(Str(&decl.name))););
            }
            body.push();
        }
        body.line();
    }

    body.append("export const options = ");
    options::options(&script.options).write(&mut body, "export const options = ".len(), 0, ";");
    body.push();

    if needs_default_function(script) {
        body.line();
        quote_in!(body => export default function () {});
        body.push();
    }
    for flow in &script.flows {
        body.line();
        quote_in!(body => export function $(Ident(&flow.name))() {});
        body.push();
    }

    let mut file = imports.render();
    file.append(body);
    render(file)
}

/// Whether anything runs `default`: no scenarios, or a scenario without `exec`.
fn needs_default_function(script: &ir::Script) -> bool {
    match &script.options.execution {
        Execution::Scenarios(scenarios) => scenarios.iter().any(|s| s.exec.is_none()),
        _ => true,
    }
}

/// JavaScript variable names for the custom metrics: `login_duration` becomes
/// `loginDuration`, kept clear of keywords, flow names and imported names.
fn metric_variables(script: &ir::Script) -> Vec<String> {
    let mut taken: BTreeSet<String> = script.flows.iter().map(|f| f.name.clone()).collect();
    taken.extend(
        [
            "Trend", "Counter", "Rate", "Gauge", "options", "http", "check", "group", "sleep",
        ]
        .map(String::from),
    );
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

/// One `import { a, b } from "module";` line per module, names sorted.
#[derive(Default)]
struct Imports {
    named: BTreeMap<&'static str, BTreeSet<&'static str>>,
}

impl Imports {
    fn add(&mut self, module: &'static str, name: &'static str) {
        self.named.entry(module).or_default().insert(name);
    }

    fn render(&self) -> Tokens {
        let mut tokens = Tokens::new();
        for (module, names) in &self.named {
            let names: Vec<&str> = names.iter().copied().collect();
            let names = names.join(", ");
            quote_in!(tokens => import { $names } from $(Str(module)););
            tokens.push();
        }
        if !self.named.is_empty() {
            tokens.line();
        }
        tokens
    }
}

pub(crate) fn render(tokens: Tokens) -> String {
    let config = fmt::Config::from_lang::<JavaScript>()
        .with_indentation(fmt::Indentation::Space(js::INDENT))
        .with_newline("\n");
    let mut writer = fmt::FmtWriter::new(String::new());
    tokens
        .format_file(
            &mut writer.as_formatter(&config),
            &genco::lang::js::Config::default(),
        )
        .expect("formatting into a String cannot fail");
    writer.into_inner()
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
