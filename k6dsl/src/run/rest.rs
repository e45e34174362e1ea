//! k6's REST API on one instance (`k6 run --address 127.0.0.1:PORT`): its status,
//! its live metrics, and the controls the k6-operator uses to run a test on many
//! instances: start a paused test, run setup on one instance and hand its data
//! to the others, stop, run teardown.
//!
//! Only ever on 127.0.0.1, so the client ignores proxies and has short timeouts
//! (a k6 that does not answer within them is treated as not there), except for
//! running setup() and teardown(), which take as long as they take: k6's own
//! `setupTimeout` and `teardownTimeout` bound them.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

/// k6's execution status (`lib.ExecutionStatus`): `Ended` once the test is over
/// (a `--linger` instance stays up after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Created, initialising VUs or executors.
    Initialising,
    /// Initialised and paused, waiting to be started.
    Paused,
    /// Started, running setup().
    Setup,
    /// Running iterations.
    Running,
    /// Running teardown().
    Teardown,
    /// The test is over.
    Ended,
    /// The test was interrupted.
    Interrupted,
}

impl Phase {
    fn of(code: u32) -> Phase {
        match code {
            0..=3 => Phase::Initialising,
            4 => Phase::Paused,
            // Started, then setup.
            5 | 6 => Phase::Setup,
            7 => Phase::Running,
            8 => Phase::Teardown,
            9 => Phase::Ended,
            _ => Phase::Interrupted,
        }
    }
}

/// `GET /v1/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// Where the test is.
    pub phase: Phase,
    /// Whether it is paused.
    pub paused: bool,
    /// VUs running iterations now.
    pub vus: u64,
    /// A threshold is crossed on this instance's own samples.
    pub tainted: bool,
}

/// The figures of `GET /v1/metrics` the live view uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    /// `http_reqs`' count.
    pub requests: f64,
    /// `http_req_failed`'s rate.
    pub failed_rate: Option<f64>,
    /// `checks`' rate.
    pub checks_rate: Option<f64>,
    /// `iterations`' count.
    pub iterations: f64,
    /// `dropped_iterations`' count.
    pub dropped_iterations: f64,
}

/// An error talking to k6: it did not answer, or answered what it should not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestError(pub String);

impl std::fmt::Display for RestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One k6 instance's REST API.
#[derive(Debug, Clone)]
pub struct Rest {
    base: String,
    agent: ureq::Agent,
    /// For setup() and teardown(): bounded by k6's own timeouts, and by
    /// [`LIFECYCLE_TIMEOUT`] should k6 hang.
    lifecycle: ureq::Agent,
}

/// The longest setup() or teardown() the client waits for (k6's own timeouts,
/// 60 s by default, end them first unless a script raises them).
const LIFECYCLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

#[derive(Deserialize)]
struct Document<T> {
    data: T,
}

#[derive(Deserialize)]
struct Resource<T> {
    attributes: T,
}

#[derive(Deserialize)]
struct StatusAttributes {
    status: u32,
    paused: Option<bool>,
    vus: Option<u64>,
    #[serde(default)]
    tainted: bool,
}

#[derive(Deserialize)]
struct MetricResource {
    id: String,
    attributes: MetricAttributes,
}

#[derive(Deserialize)]
struct MetricAttributes {
    #[serde(default)]
    sample: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
struct SetupAttributes {
    #[serde(default)]
    data: serde_json::Value,
}

impl Rest {
    /// The API of the instance listening on `127.0.0.1:port`.
    pub fn on_port(port: u16) -> Rest {
        let agent = |timeout: Duration| {
            let config = ureq::Agent::config_builder()
                .proxy(None)
                .http_status_as_error(false)
                .timeout_global(Some(timeout))
                .build();
            ureq::Agent::new_with_config(config)
        };
        Rest {
            base: format!("http://127.0.0.1:{port}/v1"),
            agent: agent(Duration::from_secs(10)),
            lifecycle: agent(LIFECYCLE_TIMEOUT),
        }
    }

    /// `GET /v1/status`.
    pub fn status(&self) -> Result<Status, RestError> {
        let status: Document<Resource<StatusAttributes>> = self.read(
            "GET /v1/status",
            self.agent.get(format!("{}/status", self.base)).call(),
        )?;
        let a = status.data.attributes;
        Ok(Status {
            phase: Phase::of(a.status),
            paused: a.paused.unwrap_or(false),
            vus: a.vus.unwrap_or(0),
            tainted: a.tainted,
        })
    }

    /// `GET /v1/metrics`.
    pub fn metrics(&self) -> Result<Metrics, RestError> {
        let metrics: Document<Vec<MetricResource>> = self.read(
            "GET /v1/metrics",
            self.agent.get(format!("{}/metrics", self.base)).call(),
        )?;
        let mut out = Metrics::default();
        for metric in metrics.data {
            let sample = &metric.attributes.sample;
            match metric.id.as_str() {
                "http_reqs" => out.requests = sample.get("count").copied().unwrap_or(0.0),
                "http_req_failed" => out.failed_rate = sample.get("rate").copied(),
                "checks" => out.checks_rate = sample.get("rate").copied(),
                "iterations" => out.iterations = sample.get("count").copied().unwrap_or(0.0),
                "dropped_iterations" => {
                    out.dropped_iterations = sample.get("count").copied().unwrap_or(0.0)
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// `POST /v1/setup`: runs setup() on this instance, and returns its data
    /// (`null` without setup()).
    pub fn run_setup(&self) -> Result<serde_json::Value, RestError> {
        let setup: Document<Resource<SetupAttributes>> = self.read(
            "POST /v1/setup",
            self.lifecycle
                .post(format!("{}/setup", self.base))
                .send_empty(),
        )?;
        Ok(setup.data.attributes.data)
    }

    /// `PUT /v1/setup`: hands setup's data to this instance (started with
    /// `--no-setup`), as if it had run setup() itself.
    pub fn set_setup_data(&self, data: &serde_json::Value) -> Result<(), RestError> {
        let body = serde_json::to_vec(data).expect("JSON values serialise");
        let _: serde_json::Value = self.read(
            "PUT /v1/setup",
            self.agent
                .put(format!("{}/setup", self.base))
                .send(&body[..]),
        )?;
        Ok(())
    }

    /// `PATCH /v1/status` with `paused: false`: starts a `--paused` test.
    pub fn start(&self) -> Result<(), RestError> {
        self.patch_status("start", serde_json::json!({ "paused": false }))
    }

    /// `PATCH /v1/status` with `stopped: true`: ends the test (k6 then exits
    /// with 103, "stopped from the REST API", unless it lingers).
    pub fn stop(&self) -> Result<(), RestError> {
        self.patch_status("stop", serde_json::json!({ "stopped": true }))
    }

    /// `POST /v1/teardown`: runs teardown() with this instance's setup data.
    pub fn run_teardown(&self) -> Result<(), RestError> {
        let response = self
            .lifecycle
            .post(format!("{}/teardown", self.base))
            .send_empty()
            .map_err(|e| RestError(format!("POST /v1/teardown: {e}")))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(RestError(format!(
                "POST /v1/teardown answered {}: {}",
                response.status(),
                excerpt(response.into_body().read_to_string().unwrap_or_default())
            )))
        }
    }

    fn patch_status(&self, what: &str, attributes: serde_json::Value) -> Result<(), RestError> {
        let body = serde_json::json!({
            "data": { "type": "status", "id": "default", "attributes": attributes }
        });
        let _: serde_json::Value = self.read(
            &format!("PATCH /v1/status ({what})"),
            self.agent
                .patch(format!("{}/status", self.base))
                .send_json(body),
        )?;
        Ok(())
    }

    fn read<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, RestError> {
        let response = sent.map_err(|e| RestError(format!("{what}: {e}")))?;
        let status = response.status();
        let body = response
            .into_body()
            .read_to_string()
            .map_err(|e| RestError(format!("{what}: reading the answer: {e}")))?;
        if !status.is_success() {
            // k6 answers errors as {"errors":[{"title","detail"}]}.
            return Err(RestError(format!(
                "{what} answered {status}: {}",
                excerpt(body)
            )));
        }
        serde_json::from_str(&body)
            .map_err(|e| RestError(format!("{what}: not k6's answer ({e}): {}", excerpt(body))))
    }
}

/// At most 300 characters of `text`, for messages.
fn excerpt(text: String) -> String {
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}
