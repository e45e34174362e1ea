//! Init code: the constants read from the environment, the secrets' guards and
//! the data sets.

use std::collections::{BTreeMap, BTreeSet};

use crate::codegen::doc::{call, cat, Doc};
use crate::codegen::js::string_literal;
use crate::codegen::lang::Tokens;
use crate::model::logic::ExpectedStatus;
use crate::model::vu::for_each_expr;
use crate::model::vu::Expr;

use super::requests::{for_each_request, is_absolute};
use super::types::Ty;
use super::values::env_access;
use super::Module;

impl Module<'_> {
    /// Whether any request URL is relative to the base URL.
    pub fn uses_base_url(&self) -> bool {
        let mut uses = false;
        for_each_request(self.script, &mut |r| uses |= !is_absolute(&r.url));
        uses
    }

    /// The init-time constants: base URL and environment variables with defaults;
    /// `export` prefixes each (`"export "` in a project's `lib/config.js`).
    pub fn constants(&self, export: &str) -> Tokens {
        let mut out = Tokens::new();
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
            cat![
                format!("{export}const {constant} ="),
                Doc::group(vec![Doc::Indent(vec![Doc::Line, Doc::text(rhs)])]),
                ";",
            ]
            .write(&mut out, 0);
            out.push();
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
    /// `http.expectedStatuses(200, { min: 400, max: 499 })`: the statuses k6
    /// counts as a request that did not fail.
    pub(super) fn expected_statuses(&mut self, statuses: &[ExpectedStatus]) -> Doc {
        let args = statuses
            .iter()
            .map(|status| match status {
                ExpectedStatus::Code(code) => Doc::text(code.to_string()),
                ExpectedStatus::Range { min, max } => {
                    Doc::text(format!("{{ min: {min}, max: {max} }}"))
                }
            })
            .collect();
        call(cat![self.k6("http"), ".expectedStatuses"], args, false)
    }

    /// The script's expected statuses for every request that does not say
    /// otherwise: `http.setResponseCallback(...)` in init code.
    pub fn response_callback(&mut self) -> Tokens {
        let mut out = Tokens::new();
        if let Some(statuses) = &self.script.expected_statuses {
            let statuses = self.expected_statuses(statuses);
            let doc = cat![
                call(
                    cat![self.k6("http"), ".setResponseCallback"],
                    vec![statuses],
                    false
                ),
                ";"
            ];
            doc.write(&mut out, 0);
            out.push();
        }
        out
    }

    /// The script's raw JavaScript imports, each module's names on one line
    /// (`import def, { a, b } from "module";`). In TypeScript each is marked
    /// `@ts-ignore`: a module k6 fetches when it starts has no types here, so its
    /// names are `any`.
    pub fn raw_js_imports(&self) -> Tokens {
        let mut out = Tokens::new();
        for import in &self.script.raw_js_imports {
            let mut clause = Vec::new();
            if let Some(default) = &import.default {
                clause.push(default.clone());
            }
            if !import.names.is_empty() {
                clause.push(format!("{{ {} }}", import.names.join(", ")));
            }
            if self.ts() {
                out.append("// @ts-ignore: raw JavaScript's import, untyped here");
                out.push();
            }
            out.append(format!(
                "import {} from {};",
                clause.join(", "),
                string_literal(&import.from)
            ));
            out.push();
        }
        out
    }

    pub fn secret_guards(&self) -> Tokens {
        let mut secrets = BTreeSet::new();
        for_each_expr(self.script, &mut |e| {
            if let Expr::Secret { name } = e {
                secrets.insert(name.clone());
            }
        });
        let mut out = Tokens::new();
        for (i, name) in secrets.iter().enumerate() {
            if i == 0 {
                out.append("// Secrets are read at run time, never written here: each VU stops when one is");
                out.push();
                out.append("// missing (k6 inspect, which runs this as VU 0, works without them).");
                out.push();
            }
            let message = string_literal(&format!("{name} is not set: run k6 with -e {name}=..."));
            let throw = cat![
                call("throw new Error", vec![Doc::text(message)], false),
                ";"
            ];
            let guard = Doc::broken_group(vec![
                Doc::text(format!("if (__VU !== 0 && !{}) {{", env_access(name))),
                Doc::Indent(vec![Doc::HardLine, throw]),
                Doc::HardLine,
                Doc::text("}"),
            ]);
            guard.write(&mut out, 0);
            out.push();
        }
        out
    }

    /// `const reportFile = open("./data/report.pdf", "b");` for each upload file,
    /// opening its copy at `to_root` + its path; `export` prefixes each. k6 opens
    /// files only in init code, and `"b"` keeps the bytes as they are.
    pub fn upload_files(&self, to_root: &str, export: &str) -> Vec<Tokens> {
        self.script
            .uploads
            .iter()
            .map(|upload| {
                let var = &self.upload_vars[&upload.name];
                let file = string_literal(&format!("{to_root}{}", upload.script_file()));
                let mut declaration = Tokens::new();
                declaration.append(format!("{export}const {var} = open({file}, \"b\");"));
                declaration
            })
            .collect()
    }

    /// `const users = new SharedArray(...)` for each data set, one by one, opening its file at
    /// `to_root` + its path (`"./"` beside a single script, `"../../"` from a
    /// project's `scripts/lib/`); `export` prefixes each declaration.
    pub fn data_sets(&mut self, to_root: &str, export: &str) -> Vec<Tokens> {
        let mut out = Vec::new();
        for data in &self.script.data {
            let var = self.data_vars[&data.name].clone();
            let file = format!("{to_root}{}", data.script_file());
            let mut returns = Doc::text("");
            let load = if data.source.is_csv() {
                let parse = self.helper("parseCsv");
                cat![
                    "return ",
                    parse,
                    format!("(open({}));", string_literal(&file))
                ]
            } else {
                if self.ts() {
                    // JSON.parse gives `any`: the rows' type is declared here.
                    returns = cat![": ", self.type_doc(&Ty::Row(data.name.clone())), "[]"];
                }
                Doc::text(format!(
                    "return JSON.parse(open({}));",
                    string_literal(&file)
                ))
            };
            // Laid out as prettier does: the callback hugged when its first line
            // fits, else every argument on its own line.
            let callback = Doc::broken_group(vec![
                cat!["function ()", returns, " {"],
                Doc::Indent(vec![Doc::HardLine, load]),
                Doc::HardLine,
                Doc::text("}"),
            ]);
            let shared_array = self.k6("SharedArray");
            let construct = call(
                cat!["new ", shared_array],
                vec![Doc::text(string_literal(&data.name)), callback],
                true,
            );
            let mut declaration = Tokens::new();
            cat![format!("{export}const {var} = "), construct, ";"].write(&mut declaration, 0);
            out.push(declaration);
        }
        out
    }
}
