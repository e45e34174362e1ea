//! The whole test: the builder users start from.

use std::marker::PhantomData;
use std::num::{NonZeroU32, NonZeroU64};
use std::time::Duration;

use crate::dsl::metric::{kind::Kind, Metric, Threshold};
use crate::dsl::scenario::{Flow, Scenario};
use crate::dsl::steps::{DataSet, Setup, Teardown, Uses};
use crate::generate::{File, Files, Language, Target};
use crate::model::options::GeneralOptions;
use crate::model::{self, Execution, Stage};
use crate::validate;
use crate::validate::problem::{Errors, Place, Problem, ValidationError};

/// Load markers: whether a [`Script`] runs scenarios or a top-level shortcut. k6
/// rejects scripts with both, so the builder cannot make one.
pub mod load {
    /// Neither scenarios nor a shortcut yet.
    #[derive(Debug, Clone, Copy)]
    pub struct Unscheduled;
    /// Scenarios (`options.scenarios`).
    #[derive(Debug, Clone, Copy)]
    pub struct HasScenarios;
    /// A top-level shortcut (`vus` + `duration`, ...).
    #[derive(Debug, Clone, Copy)]
    pub struct HasShortcut;

    /// Script states that can take another scenario.
    #[diagnostic::on_unimplemented(
        message = "this script already runs a top-level shortcut (vus/duration/iterations/stages), so it cannot also have scenarios",
        label = "k6 rejects `scenarios` beside `duration`, `iterations` or `stages`",
        note = "express the shortcut as a scenario instead (e.g. ConstantVus for vus + duration)"
    )]
    #[doc(hidden)]
    pub trait AcceptsScenarios {}
    impl AcceptsScenarios for Unscheduled {}
    impl AcceptsScenarios for HasScenarios {}

    /// Script states that can take a shortcut.
    #[diagnostic::on_unimplemented(
        message = "this script already has scenarios or a shortcut: k6 takes one top-level shortcut, and no scenarios beside it",
        label = "k6 rejects `duration`, `iterations` and `stages` beside each other or beside `scenarios`",
        note = "use one shortcut, or only scenarios"
    )]
    #[doc(hidden)]
    pub trait AcceptsShortcut {}
    impl AcceptsShortcut for Unscheduled {}
}

/// A k6 top-level execution shortcut, for scripts without scenarios.
///
/// ```
/// use k6dsl::{nz, time::secs, Script, Shortcut};
/// let js = Script::new().shortcut(Shortcut::duration(nz!(10), secs(30))).to_javascript().unwrap();
/// assert!(js.contains("vus: 10,"));
/// assert!(js.contains("duration: \"30s\","));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Shortcut(model::Shortcut);

impl Shortcut {
    /// `vus` VUs loop for `duration`.
    pub fn duration(vus: NonZeroU32, duration: Duration) -> Self {
        Shortcut(model::Shortcut::Duration {
            vus: vus.get(),
            duration,
        })
    }

    /// `iterations` shared by `vus` VUs.
    pub fn iterations(vus: NonZeroU32, iterations: NonZeroU64) -> Self {
        Shortcut(model::Shortcut::Iterations {
            vus: vus.get(),
            iterations: iterations.get(),
            duration: None,
        })
    }

    /// `iterations` shared by `vus` VUs, stopped after `max_duration` at the latest.
    pub fn iterations_within(
        vus: NonZeroU32,
        iterations: NonZeroU64,
        max_duration: Duration,
    ) -> Self {
        Shortcut(model::Shortcut::Iterations {
            vus: vus.get(),
            iterations: iterations.get(),
            duration: Some(max_duration),
        })
    }

    /// VUs ramping from `start_vus` through `(duration, target)` stages.
    pub fn stages(start_vus: u32, stages: impl IntoIterator<Item = (Duration, u32)>) -> Self {
        Shortcut(model::Shortcut::Stages {
            vus: start_vus,
            stages: stages
                .into_iter()
                .map(|(duration, target)| Stage {
                    duration,
                    target: u64::from(target),
                })
                .collect(),
        })
    }
}

/// A k6 test under construction: load, thresholds, metrics and options.
///
/// ```
/// use k6dsl::executor::{ConstantArrivalRate, RampingVus};
/// use k6dsl::metric::{builtin::{HTTP_REQ_DURATION, HTTP_REQ_FAILED}, Counter};
/// use k6dsl::time::{mins, secs};
/// use k6dsl::{nz, Flow, Scenario, Script};
///
/// let browse = Scenario::new("browse", RampingVus::new().start_vus(0).stage(mins(1), 10).stage(secs(30), 0))
///     .exec(&Flow::new("browse"));
/// let purchase = Scenario::new(
///     "purchase",
///     ConstantArrivalRate::new().rate(nz!(5)).duration(mins(1)).pre_allocated_vus(10),
/// )
/// .exec(&Flow::new("purchase"));
/// let errors = Counter::new("checkout_errors");
///
/// let js = Script::new()
///     .threshold(HTTP_REQ_DURATION.for_scenario(&browse).p(95).lt(300))
///     .scenario(browse)
///     .scenario(purchase)
///     .threshold(HTTP_REQ_DURATION.p(95).lt(500))
///     .threshold(HTTP_REQ_FAILED.rate().lt(0.01))
///     .threshold(errors.count().lt(10))
///     .to_javascript()
///     .unwrap();
/// assert!(js.contains(r#"http_req_duration: ["p(95)<500"],"#));
/// assert!(js.contains(r#"const checkoutErrors = new Counter("checkout_errors");"#));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Script<L = load::Unscheduled> {
    ir: model::Script,
    /// Problems found while building (a body that cannot be serialised), reported
    /// with validation's.
    built: Vec<ValidationError>,
    /// Where flows and metrics of each name are in `ir`, so that adding one is not
    /// a search of all (10,000 scenarios build in linear time).
    by_name: ByName,
    load: PhantomData<L>,
}

/// Indices into the model's flows and metrics, by name.
/// Derived from the model, so two equal models have equal indices.
#[derive(Debug, Clone, Default, PartialEq)]
struct ByName {
    flows: std::collections::HashMap<String, Vec<usize>>,
    metrics: std::collections::HashMap<String, Vec<usize>>,
}

impl Script {
    /// An empty test: one VU runs the default function once.
    pub fn new() -> Self {
        Script {
            ir: model::Script::default(),
            built: Vec::new(),
            by_name: ByName::default(),
            load: PhantomData,
        }
    }
}

impl Default for Script {
    fn default() -> Self {
        Self::new()
    }
}

impl<L> Script<L> {
    fn retype<M>(self) -> Script<M> {
        Script {
            ir: self.ir,
            built: self.built,
            by_name: self.by_name,
            load: PhantomData,
        }
    }

    /// Adds a scenario, and the flow it runs.
    pub fn scenario(mut self, scenario: Scenario) -> Script<load::HasScenarios>
    where
        L: load::AcceptsScenarios,
    {
        let (scenario, flow, thresholds) = scenario.into_parts();
        for threshold in thresholds {
            self = self.threshold(threshold);
        }
        if let Some(flow) = flow {
            let same_name = self
                .by_name
                .flows
                .entry(flow.name().to_owned())
                .or_default();
            if !same_name.iter().any(|&i| self.ir.flows[i] == *flow.to_ir()) {
                same_name.push(self.ir.flows.len());
                self.ir.flows.push(flow.to_ir().clone());
                self.uses(Place::Flow(flow.name().to_owned()), flow.uses());
            }
        }
        match &mut self.ir.options.execution {
            Execution::Scenarios(scenarios) => scenarios.push(scenario),
            other => *other = Execution::Scenarios(vec![scenario]),
        }
        self.retype()
    }

    /// Adds scenarios in order, as [`Script::scenario`] does one by one (the
    /// [`scenarios!`](crate::scenarios!) macro makes such a list).
    pub fn scenarios(
        self,
        scenarios: impl IntoIterator<Item = Scenario>,
    ) -> Script<load::HasScenarios>
    where
        L: load::AcceptsScenarios,
    {
        let mut script: Script<load::HasScenarios> = self.retype();
        for scenario in scenarios {
            script = script.scenario(scenario);
        }
        if let Execution::Default = script.ir.options.execution {
            script.ir.options.execution = Execution::Scenarios(Vec::new());
        }
        script
    }

    /// Uses a top-level shortcut instead of scenarios.
    pub fn shortcut(mut self, shortcut: Shortcut) -> Script<load::HasShortcut>
    where
        L: load::AcceptsShortcut,
    {
        self.ir.options.execution = Execution::Shortcut(shortcut.0);
        self.retype()
    }

    /// Adds a threshold. Thresholds on the same metric and tags are written under one
    /// key, in the order added. A custom metric it names is declared automatically.
    pub fn threshold(mut self, threshold: Threshold) -> Self {
        let (threshold, decl) = threshold.into_parts();
        if let Some(decl) = decl {
            self.declare(decl);
        }
        self.ir.options.thresholds.push(threshold);
        self
    }

    /// Adds thresholds in order, as [`Script::threshold`] does one by one (the
    /// [`thresholds!`](crate::thresholds!) macro makes such a list).
    pub fn thresholds(self, thresholds: impl IntoIterator<Item = Threshold>) -> Self {
        thresholds.into_iter().fold(self, Script::threshold)
    }

    /// Declares a custom metric in init code (metrics used in thresholds are declared
    /// without this). Built-in metrics need no declaration and are ignored here.
    pub fn metric<K: Kind>(mut self, metric: &Metric<K>) -> Self {
        if let Some(decl) = metric.declaration() {
            self.declare(decl);
        }
        self
    }

    /// Makes `flow` the default function (`export default function`), which runs
    /// with the top-level shortcuts and in scenarios without [`Scenario::exec`].
    pub fn default_flow(mut self, flow: &Flow) -> Self {
        self.uses(Place::Flow("default".into()), flow.uses());
        self.ir.default_flow = Some(flow.to_ir().clone());
        self
    }

    /// Adds `setup()`; VU code reads what it shares through [`Setup::get`].
    pub fn setup(mut self, setup: Setup) -> Self {
        self.uses(Place::Flow("setup".into()), &setup.uses);
        self.ir.lifecycle.setup = Some(setup.ir);
        self
    }

    /// Adds `teardown(data)`.
    pub fn teardown(mut self, teardown: Teardown) -> Self {
        self.uses(Place::Flow("teardown".into()), &teardown.uses);
        self.ir.lifecycle.teardown = Some(teardown.body);
        self
    }

    /// Adds `handleSummary`, writing k6's end-of-test summary as JSON to `path`
    /// (relative to where k6 runs, e.g. `results/summary.json`) and a short text
    /// summary to stdout, which names that file as the target, not as written: k6
    /// does not create its folder, and when the folder is missing it logs
    /// "could not open" (and still exits 0).
    pub fn summary_json(mut self, path: impl Into<String>) -> Self {
        self.ir.lifecycle.summary_json = Some(path.into());
        self
    }

    /// Imports names from a module for [raw JavaScript](crate::steps::Steps::raw_js)
    /// (`import { a, b } from "from";`): a k6 module, or a URL k6 fetches when it
    /// starts. The names are checked identifiers; in TypeScript they are `any`.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let js = Script::new()
    ///     .raw_js_import("k6/crypto", ["sha256"])
    ///     .default_flow(&Flow::new("f").steps(|f| f.raw_js("sha256(\"k6\", \"hex\");")))
    ///     .to_javascript()?;
    /// assert!(js.starts_with("import { sha256 } from \"k6/crypto\";\n"), "{js}");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn raw_js_import(
        mut self,
        from: impl Into<String>,
        names: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.ir
            .raw_js_imports
            .push(crate::model::logic::RawJsImport {
                from: from.into(),
                default: None,
                names: names.into_iter().map(Into::into).collect(),
            });
        self
    }

    /// Imports a module's default export under `name`, for raw JavaScript
    /// (`import name from "from";`).
    pub fn raw_js_import_default(
        mut self,
        from: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        self.ir
            .raw_js_imports
            .push(crate::model::logic::RawJsImport {
                from: from.into(),
                default: Some(name.into()),
                names: Vec::new(),
            });
        self
    }

    /// Counts `statuses` as expected for every request that does not name its own
    /// (`http.setResponseCallback(http.expectedStatuses(...))` in init code),
    /// instead of k6's 200 to 399. Each is a status (`404`) or an inclusive range
    /// (`200..=299`).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let js = Script::new().expect_statuses([200..=299, 404..=404]).to_javascript()?;
    /// assert!(js.contains("http.setResponseCallback(\n  http.expectedStatuses({ min: 200, max: 299 }, { min: 404, max: 404 }),\n);"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn expect_statuses<S: Into<crate::model::logic::ExpectedStatus>>(
        mut self,
        statuses: impl IntoIterator<Item = S>,
    ) -> Self {
        let list = self.ir.expected_statuses.get_or_insert_with(Vec::new);
        list.extend(statuses.into_iter().map(Into::into));
        self
    }

    /// Where relative request URLs point: `__ENV.<env>`, or `default` when unset.
    /// Without this, `BASE_URL` with default `http://127.0.0.1:3300`.
    pub fn base_url(mut self, env: impl Into<String>, default: impl Into<String>) -> Self {
        self.ir.base_url = model::BaseUrl {
            env: env.into(),
            default: default.into(),
        };
        self
    }

    /// Loads a data set in init code even if no flow picks from it.
    pub fn data(mut self, data: &DataSet) -> Self {
        self.add_data(Place::Script, data);
        self
    }

    fn add_data(&mut self, place: Place, data: &DataSet) {
        for problem in data.problems() {
            self.built.push(ValidationError {
                place: place.clone(),
                problem: Problem::Invalid {
                    field: "data",
                    reason: problem.clone(),
                },
            });
        }
        if !self.ir.data.contains(data.to_ir()) {
            self.ir.data.push(data.to_ir().clone());
        }
    }

    fn uses(&mut self, place: Place, uses: &Uses) {
        for decl in &uses.metrics {
            self.declare(decl.clone());
        }
        for data in &uses.data {
            if !self.ir.data.contains(data.to_ir()) {
                self.ir.data.push(data.to_ir().clone());
            }
        }
        for upload in &uses.uploads {
            if !self.ir.uploads.contains(upload) {
                self.ir.uploads.push(upload.clone());
            }
        }
        for problem in &uses.problems {
            self.built.push(ValidationError {
                place: place.clone(),
                problem: Problem::Invalid {
                    field: "step",
                    reason: problem.clone(),
                },
            });
        }
    }

    fn declare(&mut self, decl: model::MetricDecl) {
        // Identical declarations are one metric; conflicting ones stay for the
        // validator to report.
        let same_name = self.by_name.metrics.entry(decl.name.clone()).or_default();
        if !same_name.iter().any(|&i| self.ir.metrics[i] == decl) {
            same_name.push(self.ir.metrics.len());
            self.ir.metrics.push(decl);
        }
    }

    /// Sets every other top-level option at once.
    ///
    /// ```
    /// use k6dsl::{options::GeneralOptions, Script};
    /// let js = Script::new()
    ///     .options(GeneralOptions::default().user_agent("k6dsl/1.0").no_connection_reuse(true))
    ///     .to_javascript()
    ///     .unwrap();
    /// assert!(js.contains(r#"userAgent: "k6dsl/1.0","#));
    /// ```
    pub fn options(mut self, options: GeneralOptions) -> Self {
        self.ir.options.general = options;
        self
    }

    /// Changes the other top-level options in place.
    pub fn with_options(mut self, change: impl FnOnce(GeneralOptions) -> GeneralOptions) -> Self {
        let general = std::mem::take(&mut self.ir.options.general);
        self.ir.options.general = change(general);
        self
    }

    /// The model built so far.
    pub fn to_ir(&self) -> &model::Script {
        &self.ir
    }

    /// The model, taken out of the builder.
    pub fn into_ir(self) -> model::Script {
        self.ir
    }

    /// Checks the model: every problem, each with its place.
    pub fn validate(&self) -> Result<(), Errors> {
        let mut errors = self.built.clone();
        if let Err(found) = validate::validate(&self.ir) {
            errors.extend(found);
        }
        match Errors::from_vec(errors) {
            Some(errors) => Err(errors),
            None => Ok(()),
        }
    }

    /// The files the generated script opens, as (path relative to the script,
    /// contents): data rows given in Rust, and copies of the files the model names by
    /// path (data sets' files, `tlsAuth` PEM files), read now. Write them beside the
    /// script before running k6. See [`model::files`] for the paths, and where relative
    /// paths are read from (the current directory).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let users = DataSet::csv_rows("users", ["username"], [["ann"]]);
    /// let script = Script::new().data(&users);
    /// assert_eq!(script.data_files()?[0].path, "data/users.csv");
    /// assert_eq!(script.data_files()?[0].text(), Some("username\nann\n"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A file that cannot be read, naming the data set (or option) and the path.
    pub fn data_files(&self) -> Result<Vec<File>, Errors> {
        crate::generate::data_files(&self.ir)
    }

    /// Checks the model and generates the k6 script (an ES module).
    pub fn to_javascript(&self) -> Result<String, Errors> {
        self.validate()?;
        Ok(crate::generate::script(&self.ir, Language::JavaScript))
    }

    /// Checks the model and generates the test as a k6 project tree: every file by
    /// its path from the project root (`scripts/main.js`, `scripts/lib/*.js`,
    /// `scripts/scenarios/*.js`, `data/`, `results/.gitkeep`, `README.md`). See
    /// [`crate::codegen::project`] for the layout; `data/` holds [`Script::data_files`].
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let browse = Flow::new("browse").steps(|f| {
    ///     f.request(Request::get("/products").name("products").check(Check::status(200)));
    /// });
    /// let files = Script::new()
    ///     .scenario(Scenario::new("browse", SharedIterations::new()).exec(&browse))
    ///     .to_project()?;
    /// let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    /// assert!(paths.contains(&"scripts/main.js"));
    /// assert!(paths.contains(&"scripts/scenarios/browse.js"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn to_project(&self) -> Result<Files, Errors> {
        self.generate(Target::PROJECT)
    }

    /// Checks the model and generates the k6 script in TypeScript, typed against
    /// `@types/k6` so that `tsc --noEmit --strict` passes; k6 runs it directly
    /// (`k6 run main.ts`). The code is [`Script::to_javascript`]'s with types: values
    /// from JSON bodies are `JSONValue`, converted with `String(...)` or
    /// `Number(...)` where k6 wants a string or a number; `setup()` returns an
    /// `interface SetupData`.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let setup = Setup::new(|s| {
    ///     let login = s.request(Request::post("/auth/login").name("login"));
    ///     s.share("token", login.json("token"));
    /// });
    /// let token = setup.get("token");
    /// let browse = Flow::new("browse").steps(|f| {
    ///     f.request(Request::get("/users/me").name("me").bearer(&token));
    /// });
    /// let ts = Script::new()
    ///     .setup(setup)
    ///     .scenario(Scenario::new("browse", SharedIterations::new()).exec(&browse))
    ///     .to_typescript()?;
    /// assert!(ts.contains("interface SetupData {\n  token: JSONValue;\n}"));
    /// assert!(ts.contains("export function setup(): SetupData {"));
    /// assert!(ts.contains("export function browse(data: SetupData) {"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn to_typescript(&self) -> Result<String, Errors> {
        self.validate()?;
        Ok(crate::generate::script(&self.ir, Language::TypeScript))
    }

    /// Checks the model and generates the k6 project tree in TypeScript:
    /// `scripts/**/*.ts` importing each other with `.ts` specifiers, and a
    /// `tsconfig.json` (strict, `noEmit`, `types: ["k6"]`) for editors and
    /// `npx tsc`. See [`crate::codegen::project_ts`].
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let browse = Flow::new("browse").steps(|f| {
    ///     f.request(Request::get("/products").name("products").check(Check::status(200)));
    /// });
    /// let files = Script::new()
    ///     .scenario(Scenario::new("browse", SharedIterations::new()).exec(&browse))
    ///     .to_project_ts()?;
    /// let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    /// assert!(paths.contains(&"scripts/main.ts"));
    /// assert!(paths.contains(&"scripts/scenarios/browse.ts"));
    /// assert!(paths.contains(&"tsconfig.json"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn to_project_ts(&self) -> Result<Files, Errors> {
        self.generate(Target::PROJECT_TS)
    }

    /// Checks the model and generates it for `target` (see [`crate::generate()`]): the
    /// script or project tree and every file it opens.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// use k6dsl::Target;
    /// let files = Script::new().generate(Target::TYPESCRIPT)?;
    /// assert_eq!(files.entry().path, "main.ts");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn generate(&self, target: Target) -> Result<Files, Errors> {
        self.validate()?;
        crate::generate::generate_valid(&self.ir, target)
    }
}
