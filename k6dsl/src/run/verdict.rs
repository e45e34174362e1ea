//! How a run ended: k6's exit code, or the runner's stop.

use std::fmt;

/// Why the runner stopped k6 before it ended by itself.
///
/// ```
/// use k6dsl::run::{StopReason, Verdict};
/// let verdict = Verdict::Killed(StopReason::TimedOut);
/// assert!(verdict.to_string().starts_with("timed out"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// [`Runner::timeout`](super::Runner::timeout) passed.
    TimedOut,
    /// [`Cancel::cancel`](super::Cancel::cancel) was called.
    Cancelled,
    /// [`Runner::on_progress`](super::Runner::on_progress)'s callback said
    /// [`Control::Stop`](super::Control::Stop).
    OnProgress,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::TimedOut => "timed out",
            StopReason::Cancelled => "cancelled",
            StopReason::OnProgress => "stopped by on_progress",
        })
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Exit 0: every threshold held (failed checks alone do not fail a k6 run).
    Passed,
    /// Exit 99 at the end of the test: a threshold failed.
    ThresholdsFailed,
    /// Exit 99 early: a threshold with `abortOnFail` failed and k6 stopped the test
    /// (k6 says "… were crossed; at least one has abortOnFail enabled …").
    AbortedByThreshold,
    /// Exit 104: k6 rejected the options.
    InvalidConfig,
    /// Exit 107: the script threw outside an iteration (init code, setup).
    ScriptException,
    /// Exit 105, or stopped through [`Cancel`]: k6 was interrupted by a signal.
    ///
    /// [`Cancel`]: super::Cancel
    Interrupted,
    /// The runner's [`Runner::timeout`] passed and it stopped k6 with SIGINT (k6
    /// still wrote its summary).
    ///
    /// [`Runner::timeout`]: super::Runner::timeout
    TimedOut,
    /// The runner stopped k6 (for the [`StopReason`]) with SIGINT, k6 was still
    /// running after [`Runner::grace`], and the runner killed it and every process
    /// it started (SIGKILL). There is no summary.
    ///
    /// [`Runner::grace`]: super::Runner::grace
    Killed(StopReason),
    /// Any other exit: the code (`None` when k6 died of a signal).
    Crashed(Option<i32>),
    /// [`Runner::on_progress`](super::Runner::on_progress)'s callback stopped the
    /// run (k6 ended the test and wrote its summary).
    StoppedEarly,
    /// A split run: this instance (from 1) exited before the test was over; the
    /// others were stopped and what every instance wrote is kept.
    InstanceFailed(u32),
    /// A split run: this instance (from 1) did not start (its k6 exited, or its
    /// REST API never answered); the others were stopped.
    InstanceDidNotStart(u32),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Passed => f.write_str("passed"),
            Verdict::ThresholdsFailed => f.write_str("thresholds failed"),
            Verdict::AbortedByThreshold => f.write_str("aborted by an abortOnFail threshold"),
            Verdict::InvalidConfig => f.write_str("invalid configuration"),
            Verdict::ScriptException => f.write_str("script exception"),
            Verdict::Interrupted => f.write_str("interrupted"),
            Verdict::TimedOut => f.write_str("timed out (stopped by the runner)"),
            Verdict::Killed(why) => write!(
                f,
                "{why}, and k6 was still running after the grace period that followed \
                 SIGINT, so the runner killed it (SIGKILL; no summary). If k6 only needed \
                 longer to finish, raise Runner::grace; otherwise k6's stderr.log in the \
                 run directory shows where it was stuck"
            ),
            Verdict::Crashed(Some(_)) => f.write_str("k6 failed"),
            Verdict::Crashed(None) => f.write_str("k6 was killed by a signal"),
            Verdict::StoppedEarly => f.write_str("stopped early by on_progress"),
            Verdict::InstanceFailed(i) => write!(
                f,
                "instance {i} exited before the test was over; the other instances were \
                 stopped and everything they wrote is kept (instance-{i}/stderr.log says why)"
            ),
            Verdict::InstanceDidNotStart(i) => write!(
                f,
                "instance {i} did not start; the other instances were stopped \
                 (instance-{i}/stderr.log says why)"
            ),
        }
    }
}

const ABORT_MESSAGE: &str = "at least one has abortOnFail";

pub(super) fn verdict_of(code: Option<i32>, stderr: &str) -> Verdict {
    match code {
        Some(0) => Verdict::Passed,
        Some(99) if stderr.contains(ABORT_MESSAGE) => Verdict::AbortedByThreshold,
        Some(99) => Verdict::ThresholdsFailed,
        Some(104) => Verdict::InvalidConfig,
        Some(105) => Verdict::Interrupted,
        Some(107) => Verdict::ScriptException,
        other => Verdict::Crashed(other),
    }
}
