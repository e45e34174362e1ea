//! The live view of a run: one line of what k6 reports while it runs (elapsed
//! time, VUs, requests per second, failure rate, checks, each instance's state),
//! read from each instance's REST API about once a second, and a callback that
//! can stop the run early ([`Runner::on_progress`](super::Runner::on_progress)).

use std::fmt;
use std::time::Duration;

use super::rest::{Metrics, Phase, Status};

/// What a run looks like now.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Since the run started (the instances were started, for a split run).
    pub elapsed: Duration,
    /// VUs running iterations now, over every instance.
    pub vus: u64,
    /// HTTP requests so far.
    pub requests: u64,
    /// HTTP requests per second since the last view.
    pub requests_per_second: f64,
    /// The share of failed requests so far (`http_req_failed`), if any request
    /// was made.
    pub failed_rate: Option<f64>,
    /// The share of checks that passed so far, if any check ran.
    pub checks_rate: Option<f64>,
    /// Iterations so far.
    pub iterations: u64,
    /// Iterations an arrival-rate scenario could not start for want of a VU.
    pub dropped_iterations: u64,
    /// Each instance (one for a run on one machine).
    pub instances: Vec<InstanceProgress>,
}

/// An instance in the live view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceProgress {
    /// From 1.
    pub instance: u32,
    /// Its state.
    pub state: InstanceState,
}

/// Where an instance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceState {
    /// Started, not answering yet, or initialising.
    Starting,
    /// Initialised and paused, waiting for the others.
    Ready,
    /// Running setup, iterations or teardown.
    Running,
    /// Its part of the test is over.
    Ended,
    /// Its k6 exited before the test was over (the code, if it had one).
    Exited(Option<i32>),
}

impl fmt::Display for InstanceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceState::Starting => f.write_str("starting"),
            InstanceState::Ready => f.write_str("ready"),
            InstanceState::Running => f.write_str("running"),
            InstanceState::Ended => f.write_str("ended"),
            InstanceState::Exited(Some(code)) => write!(f, "exited {code}"),
            InstanceState::Exited(None) => f.write_str("killed"),
        }
    }
}

impl InstanceState {
    pub(super) fn of(status: &Status) -> InstanceState {
        match status.phase {
            Phase::Initialising => InstanceState::Starting,
            Phase::Paused => InstanceState::Ready,
            Phase::Setup | Phase::Running | Phase::Teardown => InstanceState::Running,
            Phase::Ended | Phase::Interrupted => InstanceState::Ended,
        }
    }
}

/// What [`Runner::on_progress`](super::Runner::on_progress)'s callback tells the
/// run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop the run now (k6 ends the test and writes its summary; the verdict is
    /// [`Verdict::StoppedEarly`](super::Verdict::StoppedEarly)).
    Stop,
}

/// `12s  6 VUs  45.2 req/s  0.00% failed  checks 100.00%  [1 running, 2 running]`.
///
/// ```
/// use k6dsl::run::{InstanceProgress, InstanceState, Progress};
/// let progress = Progress {
///     elapsed: std::time::Duration::from_secs(12),
///     vus: 6,
///     requests: 540,
///     requests_per_second: 45.2,
///     failed_rate: Some(0.0),
///     checks_rate: Some(1.0),
///     iterations: 90,
///     dropped_iterations: 0,
///     instances: vec![
///         InstanceProgress { instance: 1, state: InstanceState::Running },
///         InstanceProgress { instance: 2, state: InstanceState::Ended },
///     ],
/// };
/// assert_eq!(
///     progress.to_string(),
///     "12s  6 VUs  540 requests (45.2/s)  0.00% failed  checks 100.00%  90 iterations  instances: 1 running, 2 ended"
/// );
/// ```
impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}s  {} VUs  {} requests ({:.1}/s)",
            self.elapsed.as_secs(),
            self.vus,
            self.requests,
            self.requests_per_second
        )?;
        if let Some(rate) = self.failed_rate {
            write!(f, "  {:.2}% failed", rate * 100.0)?;
        }
        if let Some(rate) = self.checks_rate {
            write!(f, "  checks {:.2}%", rate * 100.0)?;
        }
        write!(f, "  {} iterations", self.iterations)?;
        if self.dropped_iterations > 0 {
            write!(f, "  {} dropped", self.dropped_iterations)?;
        }
        if self.instances.len() > 1 {
            let states: Vec<String> = self
                .instances
                .iter()
                .map(|i| format!("{} {}", i.instance, i.state))
                .collect();
            write!(f, "  instances: {}", states.join(", "))?;
        }
        Ok(())
    }
}

/// Sums the instances' figures into one view. Rates are weighted by requests
/// (k6's REST API gives a rate's value, not its counts).
pub(super) struct Tally {
    last: Option<(Duration, u64)>,
}

impl Tally {
    pub(super) fn new() -> Tally {
        Tally { last: None }
    }

    /// The view at `elapsed` of instances whose REST API gave `seen` (`None`: it
    /// did not answer) in `states`.
    pub(super) fn view(
        &mut self,
        elapsed: Duration,
        seen: &[(InstanceState, Option<(Status, Metrics)>)],
    ) -> Progress {
        let mut progress = Progress {
            elapsed,
            vus: 0,
            requests: 0,
            requests_per_second: 0.0,
            failed_rate: None,
            checks_rate: None,
            iterations: 0,
            dropped_iterations: 0,
            instances: Vec::new(),
        };
        let (mut failed, mut checked, mut checks_weight) = (0.0, 0.0, 0.0);
        for (i, (state, answer)) in seen.iter().enumerate() {
            progress.instances.push(InstanceProgress {
                instance: i as u32 + 1,
                state: *state,
            });
            let Some((status, metrics)) = answer else {
                continue;
            };
            progress.vus += status.vus;
            progress.requests += metrics.requests as u64;
            progress.iterations += metrics.iterations as u64;
            progress.dropped_iterations += metrics.dropped_iterations as u64;
            if let Some(rate) = metrics.failed_rate {
                failed += rate * metrics.requests;
            }
            if let Some(rate) = metrics.checks_rate {
                // Checks run per iteration or per request: weighted by both.
                let weight = metrics.requests.max(metrics.iterations).max(1.0);
                checked += rate * weight;
                checks_weight += weight;
            }
        }
        if progress.requests > 0 {
            progress.failed_rate = Some(failed / progress.requests as f64);
        }
        if checks_weight > 0.0 {
            progress.checks_rate = Some(checked / checks_weight);
        }
        if let Some((at, requests)) = self.last {
            let seconds = elapsed.saturating_sub(at).as_secs_f64();
            if seconds > 0.0 {
                progress.requests_per_second =
                    progress.requests.saturating_sub(requests) as f64 / seconds;
            }
        }
        self.last = Some((elapsed, progress.requests));
        progress
    }
}
