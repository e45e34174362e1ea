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
//! data/                        the files the test opens: data rows given in Rust, copies of
//!                              data files and tlsAuth PEM files (see crate::model::files)
//! results/.gitkeep             where handleSummary and --out write
//! README.md                    how to run it
//! ```
//!
//! Only the files the test needs are written (no `auth.js` without a setup). Every
//! module imports exactly the names it uses, by relative path, so `k6 run
//! scripts/main.js` works from any directory; data and results paths are resolved
//! from the modules' own locations for the same reason.
//!
//! [`project_ts`] writes the same tree in TypeScript: `.ts` modules importing each
//! other with `.ts` specifiers (k6 needs the extension), `import type` for types, and
//! a `tsconfig.json` for editors and `tsc` (which only checks: `noEmit`).

use std::collections::{BTreeMap, BTreeSet};

use super::doc::{call, cat, Doc};
use super::file::File;
use super::flows::{self, k6_type};
use super::helpers;
use super::js::string_literal;
use super::lang::{self, relative, Tokens};
use super::{
    metric_declarations, needs_default_function, options, options_head, options_type, statements,
    Target,
};
use crate::model::{self, vu::Expr};

/// The `tsconfig.json` of a TypeScript project: for editors, and for `npx tsc`,
/// which checks the scripts against `@types/k6` without writing anything (k6 runs
/// the `.ts` files itself). `dom` is in `lib` only for `console`, which k6 has and
/// `@types/k6` does not declare.
pub const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "target": "es2020",
    "lib": ["es2020", "dom"],
    "module": "es2020",
    "moduleResolution": "bundler",
    "types": ["k6"],
    "strict": true,
    "noEmit": true,
    "allowImportingTsExtensions": true,
    "verbatimModuleSyntax": true
  },
  "include": ["scripts/**/*.ts"]
}
"#;

/// One generated module of the project: its path, its per-VU state and its
/// sections, whose tokens hold the names it imports.
struct Part {
    path: String,
    vu_state: Tokens,
    body: Vec<Tokens>,
}

/// Every file of the project, by path from the project root, in a fixed order.
/// `data_files` are the files the test opens, by path from the root
/// ([`crate::data_files()`]): written as they are, and listed in the README.
pub fn project(script: &model::Script, data_files: Vec<File>) -> Vec<File> {
    project_in(script, Target::JavaScript, data_files)
}

/// Every file of the project in TypeScript (`scripts/main.ts`, `scripts/lib/*.ts`,
/// `scripts/scenarios/*.ts`, `tsconfig.json`, ...), by path from the project root,
/// in a fixed order. `data_files` as for [`project`].
pub fn project_ts(script: &model::Script, data_files: Vec<File>) -> Vec<File> {
    project_in(script, Target::TypeScript, data_files)
}

fn project_in(script: &model::Script, target: Target, data_files: Vec<File>) -> Vec<File> {
    let script = &*super::check_names::distinct(script);
    let ts = target == Target::TypeScript;
    let ext = target.extension();
    let (mut module, metric_vars) = super::new_module(script, target);
    module.shared_checks = true;
    let layout = module.layout.clone();

    let mut parts: Vec<Part> = Vec::new();
    let mut take = |module: &mut flows::Module, path: String, body: Vec<Tokens>| {
        let vu_state = module.vu_state_decl();
        module.vu_state.clear();
        parts.push(Part {
            path,
            vu_state,
            body,
        });
    };

    // Functions, each in its own module.
    let mut reexports: Vec<(String, String)> = Vec::new();
    if let Some(setup) = &script.lifecycle.setup {
        let f = module.function("export ", "setup", &setup.body, None, Some(&setup.returns));
        let mut body = Vec::new();
        if ts {
            body.push(statements([module.setup_interface("export ")]));
        }
        body.push(f);
        take(&mut module, layout.auth.to_string(), body);
        reexports.push(("setup".into(), layout.auth.to_string()));
    }
    if needs_default_function(script) {
        let f = match &script.default_flow {
            Some(flow) => module.function("export default ", "", &flow.body, flow.pacing, None),
            None => {
                let mut empty = Tokens::new();
                empty.append("export default function () {}");
                empty
            }
        };
        let path = layout.scenario("default");
        take(&mut module, path.clone(), vec![f]);
        reexports.push(("default".into(), path));
    }
    for flow in &script.flows {
        let f = module.function("export ", &flow.name, &flow.body, flow.pacing, None);
        let path = layout.scenario(&flow.name);
        take(&mut module, path.clone(), vec![f]);
        reexports.push((flow.name.clone(), path));
    }
    let mut main_body = Vec::new();
    if let Some(teardown) = &script.lifecycle.teardown {
        main_body.push(module.function("export ", "teardown", teardown, None, None));
    }
    if let Some(path) = &script.lifecycle.summary_json {
        let resolved = string_literal(&format!("../{path}"));
        let file_path = format!("import.meta.resolve({resolved}).replace(\"file://\", \"\")");
        main_body.push(statements([cat![
            "// Where handleSummary writes, from this file's place: k6 may run anywhere.",
            Doc::HardLine,
            "const SUMMARY_PATH = ",
            call("decodeURIComponent", vec![Doc::text(file_path)], false),
            ";",
        ]]));
        main_body.push(module.handle_summary(path, Some("SUMMARY_PATH")));
    }
    take(&mut module, layout.main.to_string(), main_body);

    // Data sets (they may need the CSV helper), after the interfaces of their rows.
    let data_sets = module.data_sets("../../", "export ");
    let upload_files = module.upload_files("../../", "export ");
    if !data_sets.is_empty() || !upload_files.is_empty() {
        let mut body = Vec::new();
        if ts {
            body.extend(
                module
                    .row_interfaces("export ")
                    .into_iter()
                    .map(|row| statements([row])),
            );
        }
        body.extend(data_sets);
        body.extend(upload_files);
        take(&mut module, layout.data.to_string(), body);
    }

    // What the modules import from lib/utils and lib/checks: what those declare.
    let mut used_helpers = BTreeSet::new();
    let mut used_checks = BTreeSet::new();
    for body in parts.iter().flat_map(|part| &part.body) {
        used_helpers.extend(lang::values_from(body, &layout.utils));
        used_checks.extend(lang::values_from(body, &layout.checks));
    }
    let used_helpers: BTreeSet<&str> = used_helpers.iter().map(String::as_str).collect();
    let used_checks: BTreeSet<&str> = used_checks.iter().map(String::as_str).collect();

    let mut files: Vec<File> = Vec::new();

    // lib/config: settings and options.
    {
        let mut file = Tokens::new();
        let options = options::options(&script.options, "../../");
        let mut type_name = None;
        let mut smoke = helpers::smoke(target);
        if ts {
            let (name, declaration) = options_type(&options);
            // What the smoke options (helpers/smoke.ts, copied as text) name.
            file.register(k6_type("Options"));
            file.register(k6_type("Scenario"));
            if let Some(declaration) = declaration {
                lang::append_section(&mut file, statements([declaration]));
            }
            type_name = Some(name);
            smoke = smoke.replace("Options", name);
        }
        lang::append_section(&mut file, module.constants("export "));
        lang::append_section(&mut file, module.secret_guards());
        lang::append_section(&mut file, module.response_callback());
        let mut load = Tokens::new();
        let (head, column) = options_head("const load", type_name);
        head.write(&mut load, 0);
        options.write(&mut load, column, 0, ";");
        lang::append_section(&mut file, load);
        lang::append_section(&mut file, text(&smoke));
        files.push(File::new(
            layout.config.to_string(),
            module_text(
                "Settings read from the environment (k6 run -e NAME=value), and the test's options.",
                &layout.config,
                file,
            ),
        ));
    }

    // lib/metrics.
    if !script.metrics.is_empty() {
        let mut file = Tokens::new();
        lang::append_section(
            &mut file,
            metric_declarations(script, &metric_vars, "export "),
        );
        files.push(File::new(
            layout.metrics.to_string(),
            module_text(
                "Custom metrics: created once in init code, recorded by the scenarios.",
                &layout.metrics,
                file,
            ),
        ));
    }

    // lib/checks: only the checks in use.
    if !used_checks.is_empty() {
        let mut file = Tokens::new();
        if ts {
            if used_checks.contains("jsonEquals") {
                file.register(k6_type("JSONValue"));
            }
            file.register(k6_type("Response"));
        }
        for check in helpers::shared_checks(&used_checks, target) {
            lang::append_section(&mut file, text(check));
        }
        files.push(File::new(
            layout.checks.to_string(),
            module_text(
                "Reusable checks: each returns a predicate for check().",
                &layout.checks,
                file,
            ),
        ));
    }

    // lib/utils: helpers, exported.
    if !used_helpers.is_empty() {
        let mut file = Tokens::new();
        if ts && used_helpers.contains("summaryText") {
            lang::append_section(&mut file, text(helpers::summary_data(true)));
        }
        for helper in helpers::helper_code(&used_helpers, target, true) {
            lang::append_section(&mut file, text(helper));
        }
        files.push(File::new(
            layout.utils.to_string(),
            module_text(
                "Small helpers, kept here so the test runs offline (no remote jslib imports).",
                &layout.utils,
                file,
            ),
        ));
    }

    for part in parts {
        let mut file = Tokens::new();
        // Raw statements may be in any function's module: each imports what they use.
        if *part.path != *layout.main {
            lang::append_section(&mut file, module.raw_js_imports());
        }
        if *part.path == *layout.main {
            let mut exports = Tokens::new();
            exports.append(format!(
                "export {{ options }} from {};",
                string_literal(&relative(&layout.main, &layout.config))
            ));
            for (name, path) in &reexports {
                exports.push();
                exports.append(format!(
                    "export {{ {name} }} from {};",
                    string_literal(&relative(&layout.main, path))
                ));
            }
            lang::append_section(&mut file, exports);
        }
        if !part.vu_state.is_empty() {
            let mut state = Tokens::new();
            state.append("// Kept per VU, across its iterations.");
            state.push();
            state.append(part.vu_state);
            lang::append_section(&mut file, state);
        }
        for body in part.body {
            lang::append_section(&mut file, body);
        }
        let title = match part.path.as_str() {
            path if *path == *layout.main => {
                format!("The test: k6 runs this file (k6 run scripts/main.{ext}).")
            }
            path if *path == *layout.auth => {
                "setup(): runs once before the test; what it returns reaches every VU.".to_owned()
            }
            path if *path == *layout.data => {
                "Test data, loaded once and shared by all VUs.".to_owned()
            }
            path => format!(
                "What one iteration of `{}` does.",
                path.trim_start_matches("scripts/scenarios/")
                    .trim_end_matches(&format!(".{ext}"))
            ),
        };
        files.push(File::new(
            part.path.clone(),
            module_text(&title, &part.path, file),
        ));
    }

    files.extend(data_files);
    files.push(File::new("results/.gitkeep", ""));
    if ts {
        files.push(File::new("tsconfig.json", TSCONFIG));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.insert(0, File::new("README.md", readme(script, &files, target)));
    files
}

/// The module at `path`: a one-line comment saying what it is, its imports, then
/// its tokens.
fn module_text(title: &str, path: &str, file: Tokens) -> String {
    let config = lang::Config {
        module_path: Some(path.to_owned()),
        title: Some(title.to_owned()),
    };
    lang::render(&file, &config)
}

/// Text that spans lines (a helper, a declaration), as tokens.
fn text(text: &str) -> Tokens {
    let mut tokens = Tokens::new();
    lang::append_lines(&mut tokens, text);
    tokens
}

/// The project's README: what is in it and how to run it.
fn readme(script: &model::Script, files: &[File], target: Target) -> String {
    let main = format!("scripts/main.{}", target.extension());
    let mut env: BTreeMap<String, Option<String>> = BTreeMap::new();
    env.insert(
        script.base_url.env.clone(),
        Some(script.base_url.default.clone()),
    );
    model::vu::for_each_expr(script, &mut |e| match e {
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
other directory too: `k6 run path/to/{main}`):

```sh
# Smoke: every scenario's function once, by one VU
k6 run {secret_flags}-e SMOKE=true {main}

# Load: the scenarios as generated
k6 run {secret_flags}{main}

# Another target
k6 run {secret_flags}-e {base}=https://staging.example.com {main}

# Every sample as JSON, for later analysis
k6 run {secret_flags}--out json=results/output.json {main}

# CI: plain output; the exit code is 99 when a threshold fails
k6 run {secret_flags}--quiet --no-color {main}
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
    if target == Target::TypeScript {
        out.push_str(
            "
## TypeScript

The scripts are TypeScript typed against `@types/k6`; k6 runs the `.ts` files
as they are. To check the types (`tsconfig.json` is strict and emits nothing) and
for completion in editors:

```sh
npm install --save-dev typescript @types/k6
npx tsc
```
",
        );
    }
    out.push_str("\n## Files\n\n");
    out.push_str("- `README.md`\n");
    for file in files {
        out.push_str(&format!("- `{}`\n", file.path));
    }
    out
}
