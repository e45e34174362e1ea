//! The same test as a k6 project tree in the layout k6 teams keep by hand:
//!
//! ```text
//! scripts/main.js              options, setup, the scenario functions (re-exported), teardown, handleSummary
//! scripts/lib/config.js        BASE_URL and environment settings, options
//! scripts/lib/metrics.js       custom metrics
//! scripts/lib/auth.js          setup(): the test-wide login and what it shares
//! scripts/lib/checks.js        reusable checks
//! scripts/lib/data.js          SharedArrays over data/
//! scripts/lib/utils.js         small helpers (think time, extraction, CSV)
//! scripts/scenarios/<name>.js  one function per flow
//! data/*.json                  data rows given in Rust
//! results/.gitkeep             where handleSummary and --out write
//! README.md                    how to run it
//! ```
//!
//! Only the files the test needs are written (no `auth.js` without a setup). Every
//! module imports exactly the names it uses, by relative path, so `k6 run
//! scripts/main.js` works from any directory; data and results paths are resolved
//! from the modules' own locations for the same reason.

use std::collections::{BTreeMap, BTreeSet};

use genco::lang::js::Tokens;
use genco::prelude::*;

use super::code::{self, Needs, SHARED_CHECKS};
use super::doc::{delimited, Doc};
use super::js::{string_literal, Str};
use super::{metric_declarations, metric_variables, needs_default_function, options, render};
use crate::ir::{self, code::Expr};

/// Where the main module and the libraries live.
const MAIN: &str = "scripts/main.js";
const CONFIG: &str = "scripts/lib/config.js";
const METRICS: &str = "scripts/lib/metrics.js";
const AUTH: &str = "scripts/lib/auth.js";
const CHECKS: &str = "scripts/lib/checks.js";
const DATA: &str = "scripts/lib/data.js";
const UTILS: &str = "scripts/lib/utils.js";

/// One generated module: its path and what its code needs.
struct Part {
    path: String,
    needs: Needs,
    vu_state: Option<String>,
    body: Vec<String>,
}

/// Every file of the project, by path from the project root, in a fixed order.
pub fn project(script: &ir::Script) -> Vec<(String, String)> {
    let metric_vars = metric_variables(script);
    let mut module = code::Module::new(
        script,
        script
            .metrics
            .iter()
            .map(|d| d.name.clone())
            .zip(metric_vars.iter().cloned())
            .collect(),
    );
    module.shared_checks = true;

    let mut parts: Vec<Part> = Vec::new();
    let mut take = |module: &mut code::Module, path: String, body: Vec<String>| {
        let needs = std::mem::take(&mut module.needs);
        let vu_state = module.vu_state_decl();
        module.vu_state.clear();
        parts.push(Part {
            path,
            needs,
            vu_state,
            body,
        });
    };

    // Functions, each in its own module; writing them records what they use.
    let mut reexports: Vec<(String, String)> = Vec::new();
    if let Some(setup) = &script.lifecycle.setup {
        let f = module.function("export ", "setup", &setup.body, None, Some(&setup.returns));
        take(&mut module, AUTH.into(), vec![f]);
        reexports.push(("setup".into(), AUTH.into()));
    }
    if needs_default_function(script) {
        let f = match &script.default_flow {
            Some(flow) => module.function("export default ", "", &flow.body, flow.pacing, None),
            None => "export default function () {}".to_owned(),
        };
        let path = "scripts/scenarios/default.js".to_owned();
        take(&mut module, path.clone(), vec![f]);
        reexports.push(("default".into(), path));
    }
    for flow in &script.flows {
        let f = module.function("export ", &flow.name, &flow.body, flow.pacing, None);
        let path = format!("scripts/scenarios/{}.js", flow.name);
        take(&mut module, path.clone(), vec![f]);
        reexports.push((flow.name.clone(), path));
    }
    let mut main_body = Vec::new();
    if let Some(teardown) = &script.lifecycle.teardown {
        main_body.push(module.function("export ", "teardown", teardown, None, None));
    }
    if let Some(path) = &script.lifecycle.summary_json {
        let resolved = format!("../{path}");
        main_body.push(format!(
            "// Where handleSummary writes, from this file's place: k6 may run anywhere.\nconst SUMMARY_PATH = decodeURIComponent(\n  import.meta.resolve({}).replace(\"file://\", \"\"),\n);",
            string_literal(&resolved)
        ));
        main_body.push(module.handle_summary(path, Some("SUMMARY_PATH")));
    }
    take(&mut module, MAIN.into(), main_body);

    // Data sets (they may need the CSV helper).
    let data_sets = module.data_sets("../../", "export ");
    if !data_sets.is_empty() {
        take(&mut module, DATA.into(), data_sets);
    }

    let used_helpers: BTreeSet<&str> = parts
        .iter()
        .flat_map(|p| p.needs.helpers.iter().copied())
        .collect();
    let used_checks: BTreeSet<&str> = parts
        .iter()
        .flat_map(|p| p.needs.checks.iter().copied())
        .collect();

    // Where each module-level name comes from.
    let mut origin: BTreeMap<String, &str> = BTreeMap::new();
    for constant in module.env_consts.values() {
        origin.insert(constant.clone(), CONFIG);
    }
    origin.insert(module.base_url.clone(), CONFIG);
    for var in &metric_vars {
        origin.insert(var.clone(), METRICS);
    }
    for var in module.data_vars.values() {
        origin.insert(var.clone(), DATA);
    }

    let mut files: Vec<(String, String)> = Vec::new();

    // lib/config.js: settings and options.
    {
        let mut sections = vec![module.constants("export ")];
        let mut tokens = Tokens::new();
        tokens.append("const load = ");
        options::options(&script.options).write(&mut tokens, "const load = ".len(), 0, ";");
        sections.push(vec![render(tokens).trim_end().to_owned()]);
        sections.push(vec![SMOKE.to_owned()]);
        files.push((
            CONFIG.into(),
            module_text(
                "Settings read from the environment (k6 run -e NAME=value), and the test's options.",
                &[],
                sections,
            ),
        ));
    }

    // lib/metrics.js.
    if !script.metrics.is_empty() {
        let classes: Vec<String> = script
            .metrics
            .iter()
            .map(|d| d.kind.js_class().to_owned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        files.push((
            METRICS.into(),
            module_text(
                "Custom metrics: created once in init code, recorded by the scenarios.",
                &[import_line("k6/metrics", None, &classes)],
                vec![metric_declarations(script, &metric_vars, "export ")],
            ),
        ));
    }

    // lib/checks.js: only the checks in use.
    if !used_checks.is_empty() {
        let checks = SHARED_CHECKS
            .iter()
            .filter(|(name, _)| used_checks.contains(name))
            .map(|(_, code)| vec![(*code).to_owned()])
            .collect();
        files.push((
            CHECKS.into(),
            module_text(
                "Reusable checks: each returns a predicate for check().",
                &[],
                checks,
            ),
        ));
    }

    // lib/utils.js: helpers, exported.
    if !used_helpers.is_empty() {
        let helpers = code::helper_code(&used_helpers)
            .into_iter()
            .map(|code| vec![code.replacen("function ", "export function ", 1)])
            .collect();
        files.push((
            UTILS.into(),
            module_text(
                "Small helpers, kept here so the test runs offline (no remote jslib imports).",
                &[],
                helpers,
            ),
        ));
    }

    for part in &parts {
        let mut imports = k6_imports(&part.needs, part.path == DATA);
        let mut local: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for name in &part.needs.names {
            if let Some(from) = origin.get(name) {
                if *from != part.path {
                    local.entry(from).or_default().insert(name.clone());
                }
            }
        }
        for helper in &part.needs.helpers {
            local.entry(UTILS).or_default().insert((*helper).to_owned());
        }
        for check in &part.needs.checks {
            local.entry(CHECKS).or_default().insert((*check).to_owned());
        }
        for (from, names) in &local {
            let names: Vec<String> = names.iter().cloned().collect();
            imports.push(import_line(&relative(&part.path, from), None, &names));
        }
        let mut sections = Vec::new();
        if part.path == MAIN {
            let mut exports = vec![format!(
                "export {{ options }} from {};",
                string_literal(&relative(MAIN, CONFIG))
            )];
            for (name, path) in &reexports {
                exports.push(format!(
                    "export {{ {name} }} from {};",
                    string_literal(&relative(MAIN, path))
                ));
            }
            sections.push(exports);
        }
        if let Some(state) = &part.vu_state {
            sections.push(vec![format!(
                "// Kept per VU, across its iterations.\n{state}"
            )]);
        }
        for body in &part.body {
            sections.push(vec![body.clone()]);
        }
        let title = match part.path.as_str() {
            MAIN => "The test: k6 runs this file (k6 run scripts/main.js).".to_owned(),
            AUTH => {
                "setup(): runs once before the test; what it returns reaches every VU.".to_owned()
            }
            DATA => "Test data, loaded once and shared by all VUs.".to_owned(),
            path => format!(
                "What one iteration of `{}` does.",
                path.trim_start_matches("scripts/scenarios/")
                    .trim_end_matches(".js")
            ),
        };
        files.push((part.path.clone(), module_text(&title, &imports, sections)));
    }

    for (path, contents) in super::data_files(script) {
        files.push((path, contents));
    }
    files.push(("results/.gitkeep".into(), String::new()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.insert(0, ("README.md".into(), readme(script, &files)));
    files
}

/// `k6 run -e SMOKE=true`: the same test at the least load, whatever the options.
const SMOKE: &str = "// k6 run -e SMOKE=true: every scenario's function once, by one VU, to check
// that the test works before putting load on anything.
export const options = __ENV.SMOKE === \"true\" ? smoke(load) : load;

function smoke(options) {
  const { scenarios, duration, iterations, stages, vus, ...rest } = options;
  if (scenarios === undefined) {
    return { ...rest, vus: 1, iterations: 1 };
  }
  const once = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    once[name] = { executor: \"per-vu-iterations\", vus: 1, iterations: 1 };
    for (const key of [\"exec\", \"env\", \"tags\"]) {
      if (scenario[key] !== undefined) {
        once[name][key] = scenario[key];
      }
    }
  }
  return { ...rest, scenarios: once };
}";

/// A module: a one-line comment saying what it is, imports, then sections
/// separated by blank lines.
fn module_text(title: &str, imports: &[String], sections: Vec<Vec<String>>) -> String {
    let mut out = format!("// {title}\n\n");
    if !imports.is_empty() {
        for import in imports {
            out.push_str(import);
            out.push('\n');
        }
        out.push('\n');
    }
    let sections: Vec<String> = sections
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.join("\n"))
        .collect();
    out.push_str(&sections.join("\n\n"));
    out.push('\n');
    out
}

/// The k6 modules' imports a module's code needs (`SharedArray` only in data.js).
fn k6_imports(needs: &Needs, data_module: bool) -> Vec<String> {
    let mut out = Vec::new();
    let k6: Vec<String> = needs.k6.iter().map(|n| (*n).to_owned()).collect();
    if !k6.is_empty() {
        out.push(import_line("k6", None, &k6));
    }
    if data_module {
        out.push(import_line("k6/data", None, &["SharedArray".to_owned()]));
    }
    if needs.encoding {
        out.push(import_line("k6/encoding", Some("encoding"), &[]));
    }
    if needs.execution {
        out.push(import_line("k6/execution", Some("exec"), &[]));
    }
    if needs.http {
        out.push(import_line("k6/http", Some("http"), &[]));
    }
    out
}

/// `import http from "k6/http";`, `import { a, b } from "./x.js";`, broken over
/// lines as prettier does when too long.
fn import_line(module: &str, default: Option<&str>, names: &[String]) -> String {
    let mut docs = vec![Doc::text("import ")];
    if let Some(default) = default {
        docs.push(Doc::text(default));
        if !names.is_empty() {
            docs.push(Doc::text(", "));
        }
    }
    if !names.is_empty() {
        let items = names.iter().map(|n| Doc::text(n.clone())).collect();
        docs.push(delimited("{", items, "}", Doc::Line, false));
    }
    let mut tokens = Tokens::new();
    quote_in!(tokens => $(Str(module)));
    docs.push(Doc::text(format!(" from {};", render(tokens).trim_end())));
    Doc::Concat(docs).render()
}

/// The import specifier of `to` from the module at `from` (both from the root).
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.split('/').count() - 1].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from_dir.len() - common;
    let rest = to_parts[common..].join("/");
    if ups == 0 {
        format!("./{rest}")
    } else {
        format!("{}{rest}", "../".repeat(ups))
    }
}

/// The project's README: what is in it and how to run it.
fn readme(script: &ir::Script, files: &[(String, String)]) -> String {
    let mut env: BTreeMap<String, Option<String>> = BTreeMap::new();
    env.insert(
        script.base_url.env.clone(),
        Some(script.base_url.default.clone()),
    );
    ir::code::for_each_expr(script, &mut |e| match e {
        Expr::Env { name, default } => {
            env.entry(name.clone()).or_insert_with(|| default.clone());
        }
        Expr::Secret { name } => {
            env.entry(name.clone()).or_insert(None);
        }
        _ => {}
    });
    let secrets: Vec<&String> = env
        .iter()
        .filter(|(_, default)| default.is_none())
        .map(|(name, _)| name)
        .collect();
    let secret_flags: String = secrets
        .iter()
        .map(|name| format!("-e {name}=... "))
        .collect();
    let base = &script.base_url.env;
    let mut out = format!(
        "# k6 load test

Generated by k6dsl: change the Rust model and generate again rather than editing
these files (k6dsl refuses to overwrite a file edited by hand unless forced).

## Run

From this directory (k6 finds the modules, data and results folder from any
other directory too: `k6 run path/to/scripts/main.js`):

```sh
# Smoke: every scenario's function once, by one VU
k6 run {secret_flags}-e SMOKE=true scripts/main.js

# Load: the scenarios as generated
k6 run {secret_flags}scripts/main.js

# Another target
k6 run {secret_flags}-e {base}=https://staging.example.com scripts/main.js

# Every sample as JSON, for later analysis
k6 run {secret_flags}--out json=results/output.json scripts/main.js

# CI: plain output; the exit code is 99 when a threshold fails
k6 run {secret_flags}--quiet --no-color scripts/main.js
```

## Environment

| variable | default |
| --- | --- |
"
    );
    for (name, default) in &env {
        let default = match default {
            Some(d) => format!("`{}`", d.replace('`', "'").replace('|', "\\|")),
            None => {
                "none: a secret, read at run time and never written into the scripts".to_owned()
            }
        };
        out.push_str(&format!("| `{name}` | {default} |\n"));
    }
    out.push_str("\n## Files\n\n");
    out.push_str("- `README.md`\n");
    for (path, _) in files {
        out.push_str(&format!("- `{path}`\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_specifiers_between_project_modules() {
        assert_eq!(
            relative("scripts/main.js", "scripts/lib/config.js"),
            "./lib/config.js"
        );
        assert_eq!(
            relative("scripts/scenarios/browse.js", "scripts/lib/config.js"),
            "../lib/config.js"
        );
        assert_eq!(
            relative("scripts/lib/auth.js", "scripts/lib/utils.js"),
            "./utils.js"
        );
    }
}
