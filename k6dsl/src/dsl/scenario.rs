//! Scenarios and the functions they execute.

use std::time::Duration;

use crate::dsl::executor::ExecutorConfig;
use crate::dsl::metric::Threshold;
use crate::dsl::steps::{Steps, Uses};
use crate::model;

/// A function that scenarios execute: an exported JavaScript function. A scenario
/// holds its flow itself, so `exec` always names a function the script defines.
///
/// ```
/// use k6dsl::{executor::SharedIterations, Flow, Scenario};
/// let browse = Flow::new("browse");
/// let s = Scenario::new("browse", SharedIterations::new()).exec(&browse);
/// assert_eq!(s.to_ir().exec.as_deref(), Some("browse"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    ir: model::Flow,
    uses: Uses,
}

impl Flow {
    /// A flow exported under `name`, which must be a JavaScript identifier other than
    /// k6's reserved exports (checked when the script is generated). Its body is empty
    /// until [`steps`](Self::steps) gives it one.
    pub fn new(name: impl Into<String>) -> Self {
        Flow {
            ir: model::Flow {
                name: name.into(),
                body: Vec::new(),
                pacing: None,
            },
            uses: Uses::default(),
        }
    }

    /// Writes what one iteration does (see [`crate::dsl::steps`]).
    #[must_use]
    pub fn steps(mut self, body: impl FnOnce(&mut Steps)) -> Self {
        let mut steps = Steps::new(&self.ir.name);
        body(&mut steps);
        let (block, uses) = steps.finish();
        self.ir.body = block;
        self.uses = uses;
        self
    }

    /// Paces iterations: each one sleeps at its end until it has lasted `iteration`,
    /// so the request rate per VU stays steady whatever the response times.
    #[must_use]
    pub fn pacing(mut self, iteration: Duration) -> Self {
        self.ir.pacing = Some(iteration);
        self
    }

    pub(crate) fn uses(&self) -> &Uses {
        &self.uses
    }

    /// The exported function's name.
    pub fn name(&self) -> &str {
        &self.ir.name
    }

    /// The model of this flow.
    pub fn to_ir(&self) -> &model::Flow {
        &self.ir
    }
}

/// A named k6 scenario: an executor, the function it runs, and its common fields.
///
/// ```
/// use k6dsl::{executor::ConstantVus, nz, time::secs, Flow, Scenario};
/// let s = Scenario::new("steady", ConstantVus::new().vus(nz!(5)).duration(secs(30)))
///     .exec(&Flow::new("steady"))
///     .start_time(secs(10))
///     .graceful_stop(secs(5))
///     .tag("kind", "steady")
///     .env("MODE", "steady");
/// assert_eq!(s.name(), "steady");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    ir: model::Scenario,
    flow: Option<Flow>,
    thresholds: Vec<Threshold>,
}

impl Scenario {
    /// A scenario called `name` (k6 allows letters, digits, `_` and `-`), run by a
    /// complete executor configuration. It runs the `default` function until
    /// [`exec`](Self::exec) says otherwise.
    pub fn new(name: impl Into<String>, executor: impl ExecutorConfig) -> Self {
        Scenario {
            ir: model::Scenario {
                name: name.into(),
                executor: executor.into_executor(),
                start_time: None,
                graceful_stop: None,
                exec: None,
                env: Default::default(),
                tags: Default::default(),
            },
            flow: None,
            thresholds: Vec::new(),
        }
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.ir.name
    }

    /// Runs `flow` instead of the default function.
    #[must_use]
    pub fn exec(mut self, flow: &Flow) -> Self {
        self.ir.exec = Some(flow.name().to_owned());
        self.flow = Some(flow.clone());
        self
    }

    /// Starts this long after the test starts.
    #[must_use]
    pub fn start_time(mut self, offset: Duration) -> Self {
        self.ir.start_time = Some(offset);
        self
    }

    /// Lets running iterations finish for this long after the scenario ends (default 30s).
    #[must_use]
    pub fn graceful_stop(mut self, grace: Duration) -> Self {
        self.ir.graceful_stop = Some(grace);
        self
    }

    /// Sets an environment variable for this scenario's VUs (`__ENV`).
    #[must_use]
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ir.env.insert(key.into(), value.into());
        self
    }

    /// Tags every sample of this scenario.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ir.tags.insert(key.into(), value.into());
        self
    }

    /// A threshold on this scenario's samples: the metric is narrowed to
    /// `{scenario:<name>}` (unless it already selects a scenario) and the script
    /// that takes the scenario takes the threshold.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let flow = Flow::new("browse");
    /// let browse = Scenario::new("browse", SharedIterations::new())
    ///     .exec(&flow)
    ///     .threshold(HTTP_REQ_DURATION.p(95).lt(300));
    /// let js = Script::new().scenario(browse).to_javascript()?;
    /// assert!(js.contains(r#""http_req_duration{scenario:browse}": ["p(95)<300"]"#));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    #[must_use]
    pub fn threshold(mut self, threshold: Threshold) -> Self {
        self.thresholds
            .push(threshold.for_scenario_named(&self.ir.name));
        self
    }

    /// The model of this scenario.
    pub fn to_ir(&self) -> &model::Scenario {
        &self.ir
    }

    pub(crate) fn into_parts(self) -> (model::Scenario, Option<Flow>, Vec<Threshold>) {
        (self.ir, self.flow, self.thresholds)
    }
}
