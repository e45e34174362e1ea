//! Run a flow once, in-process, without k6: the same model k6 runs as load
//! (requests, checks, extractions, groups, setup data, the run-time logic) sent
//! once with a blocking HTTP client, returning a typed [`Trace`] of each request,
//! status, headers, timing, check and extracted value.
//!
//! Use it in `cargo test` as a functional API test, or before a load run as a
//! pre-flight that fails fast with the step that broke:
//!
//! ```no_run
//! use k6dsl::prelude::*;
//! use k6dsl::probe::Probe;
//!
//! let flow = Flow::new("smoke").steps(|f| {
//!     f.request(Request::get("/health").name("health").check(Check::status(200)));
//! });
//! let script = Script::new().scenario(Scenario::new("smoke", ConstantVus::new().duration(secs(10))).exec(&flow));
//! let trace = Probe::new()
//!     .base_url("http://127.0.0.1:3300")
//!     .fail_fast(true)
//!     .run(script.to_ir())?;
//! if let Some(failure) = trace.first_failure() {
//!     eprintln!("not starting the load test: {failure}");
//! }
//! # Ok::<(), k6dsl::probe::ProbeError>(())
//! ```
//!
//! It runs as one VU's first iteration would (`__VU` 1, `__ITER` 0, an exact mix
//! takes iteration 0's branch; [`Probe::iteration`] picks another), setup first
//! and its data shared as k6 shares it (through JSON), then each flow with a
//! fresh cookie jar, then teardown. Think time is recorded, not slept; batches
//! are sent one after the other. What cannot run in Rust is a clear
//! [`ProbeError::Unsupported`] naming the step: raw JavaScript, digest and NTLM
//! authentication, brotli and zstd request compression, a regular expression
//! using JavaScript features Rust's regex lacks. An `https` request fails in the
//! trace (status 0): the client is built without TLS.
//!
//! By concern: `values` (JavaScript's values and conversions), `json_path`
//! (k6's `res.json(path)`), `cookies` (the VU's jar), `vu` (evaluating values and
//! conditions), `steps` (groups, logic, rows), `requests` (building and sending),
//! `checks` (checks and extractions), `trace` (what it did).

mod checks;
mod cookies;
mod data;
pub mod json_path;
mod requests;
mod steps;
#[cfg(test)]
mod tests;
mod trace;
pub mod values;
mod vu;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use crate::model::{self, vu::Expr};
use crate::validate::problem::Place;

pub use trace::{CheckResult, Failure, RequestTrace, Trace, TraceStep};

/// How to run a script's flows once. See the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Probe {
    base_url: Option<String>,
    env: BTreeMap<String, String>,
    system_env: bool,
    fail_fast: bool,
    vu: u32,
    iteration: u64,
    timeout: Duration,
}

impl Default for Probe {
    fn default() -> Self {
        Probe::new()
    }
}

/// Why a probe could not run (a failed check is not an error: it is in the
/// [`Trace`]).
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The script does not validate.
    #[error("the script is not valid:\n{0}")]
    Invalid(crate::Errors),
    /// `run_flow` named a flow the script does not have.
    #[error("the script has no flow `{name}` (it has: {})", known.join(", "))]
    UnknownFlow {
        /// The name asked for.
        name: String,
        /// The flows it has.
        known: Vec<String>,
    },
    /// A secret the script reads is not set (k6 would stop in init code).
    #[error(
        "{name} is not set: pass it with Probe::env(\"{name}\", ...) or set it in the environment"
    )]
    MissingSecret {
        /// The environment variable.
        name: String,
    },
    /// A step the probe cannot run in Rust.
    #[error("{place}: {what} cannot run in-process (only under k6)")]
    Unsupported {
        /// Where.
        place: Place,
        /// What (`raw JavaScript`, `digest authentication`).
        what: String,
    },
    /// A data set's or upload's file could not be read.
    #[error("{place}: {message}")]
    File {
        /// The data set or upload.
        place: Place,
        /// What went wrong.
        message: String,
    },
}

impl Probe {
    /// A probe as one VU's first iteration: process environment visible (as
    /// `k6 run` shows it in `__ENV`), no fail-fast, a 60 s request timeout
    /// (k6's default).
    pub fn new() -> Probe {
        Probe {
            base_url: None,
            env: BTreeMap::new(),
            system_env: true,
            fail_fast: false,
            vu: 1,
            iteration: 0,
            timeout: Duration::from_secs(60),
        }
    }

    /// The base URL of relative request URLs (else the script's base URL
    /// variable, else its default).
    pub fn base_url(mut self, url: impl Into<String>) -> Probe {
        self.base_url = Some(url.into());
        self
    }

    /// An environment variable (`__ENV.NAME`, `-e NAME=value` for k6): settings,
    /// secrets.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Probe {
        self.env.insert(name.into(), value.into());
        self
    }

    /// Whether the process environment is visible to the flows (default yes, as
    /// in `k6 run`); [`Probe::env`] values win over it.
    pub fn system_env(mut self, visible: bool) -> Probe {
        self.system_env = visible;
        self
    }

    /// Stop at the first failure (a failed check, a failed request, an
    /// exception) instead of running on.
    pub fn fail_fast(mut self, stop: bool) -> Probe {
        self.fail_fast = stop;
        self
    }

    /// Run as this iteration (`__ITER`, and the scenario's iteration number an
    /// exact mix and unique rows use): 0 unless set.
    pub fn iteration(mut self, iteration: u64) -> Probe {
        self.iteration = iteration;
        self
    }

    /// Run as this VU (`__VU`, from 1).
    pub fn vu(mut self, vu: u32) -> Probe {
        self.vu = vu.max(1);
        self
    }

    /// How long a request may take when it does not say (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Probe {
        self.timeout = timeout;
        self
    }

    /// Runs setup, every flow once (in the script's order, then the default
    /// function), then teardown.
    pub fn run(&self, script: &model::Script) -> Result<Trace, ProbeError> {
        let mut flows: Vec<&model::Flow> = script.flows.iter().collect();
        flows.extend(&script.default_flow);
        self.run_flows(script, &flows)
    }

    /// Runs setup, the flow named `name` once, then teardown.
    pub fn run_flow(&self, script: &model::Script, name: &str) -> Result<Trace, ProbeError> {
        let flow = script
            .flows
            .iter()
            .chain(&script.default_flow)
            .find(|f| f.name == name)
            .ok_or_else(|| ProbeError::UnknownFlow {
                name: name.to_owned(),
                known: script
                    .flows
                    .iter()
                    .chain(&script.default_flow)
                    .map(|f| f.name.clone())
                    .collect(),
            })?;
        self.run_flows(script, &[flow])
    }

    fn run_flows(
        &self,
        script: &model::Script,
        flows: &[&model::Flow],
    ) -> Result<Trace, ProbeError> {
        crate::validate::validate(script).map_err(ProbeError::Invalid)?;
        // Check names as k6 reports them: one shared by two requests of a group
        // gets the request's name, as generated code writes it.
        let script = &*crate::codegen::check_names::distinct(script);
        let run = Run::new(self, script)?;
        let mut trace = Trace::default();
        let mut setup_data = vu::SetupData::default();
        if let Some(setup) = &script.lifecycle.setup {
            let returns = Some(setup.returns.as_slice());
            match run.function("setup", &setup.body, &setup_data, returns, &mut trace) {
                vu::Outcome::Done(data) => setup_data = data.unwrap_or_default(),
                // k6 stops the whole test when setup throws.
                vu::Outcome::Stopped => return Ok(trace),
                vu::Outcome::Error(e) => return Err(e),
            }
        }
        for flow in flows {
            let flow = script
                .flows
                .iter()
                .chain(&script.default_flow)
                .find(|f| f.name == flow.name)
                .unwrap_or(flow);
            match run.function(&flow.name, &flow.body, &setup_data, None, &mut trace) {
                vu::Outcome::Done(_) => {}
                vu::Outcome::Stopped if self.fail_fast && !trace.passed() => return Ok(trace),
                vu::Outcome::Stopped => {}
                vu::Outcome::Error(e) => return Err(e),
            }
        }
        if let Some(teardown) = &script.lifecycle.teardown {
            if let vu::Outcome::Error(e) =
                run.function("teardown", teardown, &setup_data, None, &mut trace)
            {
                return Err(e);
            }
        }
        Ok(trace)
    }
}

/// What every function of one probe run shares: the environment, the base URL,
/// the data sets' rows and the HTTP client.
pub(crate) struct Run<'a> {
    probe: &'a Probe,
    script: &'a model::Script,
    /// `__ENV`: the process environment (if visible) and the probe's values.
    env: HashMap<String, String>,
    /// The default of each environment variable with one (the first the script
    /// gives, as codegen's constants).
    env_defaults: HashMap<String, String>,
    base_url: String,
    rows: HashMap<String, Vec<serde_json::Value>>,
    /// Upload files' bytes, by name.
    uploads: HashMap<String, Vec<u8>>,
    agent: ureq::Agent,
}

impl<'a> Run<'a> {
    fn new(probe: &'a Probe, script: &'a model::Script) -> Result<Run<'a>, ProbeError> {
        let mut env: HashMap<String, String> = if probe.system_env {
            std::env::vars().collect()
        } else {
            HashMap::new()
        };
        env.extend(probe.env.clone());
        if let Some(url) = &probe.base_url {
            env.insert(script.base_url.env.clone(), url.clone());
        }
        let mut env_defaults = HashMap::new();
        let mut secrets = Vec::new();
        model::vu::for_each_expr(script, &mut |e| match e {
            Expr::Env {
                name,
                default: Some(default),
            } => {
                env_defaults
                    .entry(name.clone())
                    .or_insert_with(|| default.clone());
            }
            Expr::Secret { name } => secrets.push(name.clone()),
            _ => {}
        });
        env_defaults.insert(script.base_url.env.clone(), script.base_url.default.clone());
        // k6 stops in init code when a secret is missing; so does the probe,
        // before sending anything.
        if let Some(name) = secrets
            .into_iter()
            .find(|name| env.get(name).is_none_or(String::is_empty))
        {
            return Err(ProbeError::MissingSecret { name });
        }
        let base_url = match env.get(&script.base_url.env) {
            Some(url) if !url.is_empty() => url.clone(),
            _ => script.base_url.default.clone(),
        };
        let rows = data::load_all(script)?;
        let uploads = data::load_uploads(script)?;
        let user_agent = script
            .options
            .general
            .user_agent
            .clone()
            .unwrap_or_else(|| concat!("k6dsl-probe/", env!("CARGO_PKG_VERSION")).to_owned());
        let config = ureq::Agent::config_builder()
            .proxy(None)
            .http_status_as_error(false)
            // Redirects are followed by the probe, as k6 follows them: each hop's
            // cookies stored, the method changed as Go changes it.
            .max_redirects(0)
            .allow_non_standard_methods(true)
            .user_agent(user_agent)
            .accept("")
            .timeout_global(Some(probe.timeout))
            .build();
        Ok(Run {
            probe,
            script,
            env,
            env_defaults,
            base_url,
            rows,
            uploads,
            agent: ureq::Agent::new_with_config(config),
        })
    }
}
