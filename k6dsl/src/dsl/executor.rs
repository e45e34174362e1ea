//! Typed builders for k6's executors.
//!
//! Every field k6 requires is required by the types: the builders track which
//! required fields are set, and [`Scenario::new`](crate::Scenario::new) only accepts a
//! complete one. Counts k6 requires to be positive are [`NonZeroU32`]/[`NonZeroU64`]
//! (write them with [`nz!`](crate::nz)).
//!
//! ```
//! use k6dsl::executor::{ConstantArrivalRate, RampingVus};
//! use k6dsl::time::{mins, secs};
//! use k6dsl::{nz, Scenario};
//!
//! let browse = Scenario::new(
//!     "browse",
//!     RampingVus::new().start_vus(0).stage(mins(1), 20).stage(mins(3), 20).stage(secs(30), 0),
//! );
//! let purchase = Scenario::new(
//!     "purchase",
//!     ConstantArrivalRate::new()
//!         .rate(nz!(10))
//!         .duration(mins(4))
//!         .pre_allocated_vus(20)
//!         .max_vus(50),
//! );
//! # let _ = (browse, purchase);
//! ```
//!
//! An arrival-rate executor without `pre_allocated_vus` is not an executor:
//!
//! ```compile_fail
//! use k6dsl::executor::ConstantArrivalRate;
//! use k6dsl::{nz, time::mins, Scenario};
//! let purchase = Scenario::new("purchase", ConstantArrivalRate::new().rate(nz!(10)).duration(mins(4)));
//! ```

use std::num::{NonZeroU32, NonZeroU64};
use std::time::Duration;

use crate::model::{self, Stage};

/// Marks a required field not set yet.
#[derive(Debug, Clone, Copy, Default)]
#[doc(hidden)]
pub struct Unset;

/// Marks a required field that holds a value.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub struct Set<T>(T);

/// A complete executor configuration, accepted by [`Scenario::new`](crate::Scenario::new).
pub trait ExecutorConfig {
    /// The model of this executor.
    fn into_executor(self) -> model::Executor;
}

#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this executor needs a `duration`: k6 requires one for constant-vus, constant-arrival-rate and externally-controlled",
    label = "add `.duration(...)` to this executor"
)]
#[doc(hidden)]
pub trait DurationGiven {
    #[doc(hidden)]
    fn get(self) -> Duration;
}
impl DurationGiven for Set<Duration> {
    fn get(self) -> Duration {
        self.0
    }
}

#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this executor needs a `rate`: k6 requires one for constant-arrival-rate",
    label = "add `.rate(nz!(N))` to this executor (iterations per time unit)"
)]
#[doc(hidden)]
pub trait RateGiven {
    #[doc(hidden)]
    fn get(self) -> NonZeroU64;
}
impl RateGiven for Set<NonZeroU64> {
    fn get(self) -> NonZeroU64 {
        self.0
    }
}

#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this arrival-rate executor needs `pre_allocated_vus`: k6 requires preAllocatedVUs for constant-arrival-rate and ramping-arrival-rate",
    label = "add `.pre_allocated_vus(N)` to this executor"
)]
#[doc(hidden)]
pub trait PreAllocatedVusGiven {
    #[doc(hidden)]
    fn get(self) -> u32;
}
impl PreAllocatedVusGiven for Set<u32> {
    fn get(self) -> u32 {
        self.0
    }
}

#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this ramping executor needs at least one stage: k6 requires `stages` for ramping-vus and ramping-arrival-rate",
    label = "add `.stage(duration, target)` to this executor"
)]
#[doc(hidden)]
pub trait StagesGiven {
    #[doc(hidden)]
    fn get(self) -> Vec<Stage>;
}
impl StagesGiven for Set<Vec<Stage>> {
    fn get(self) -> Vec<Stage> {
        self.0
    }
}

/// Appends a stage to a possibly empty stage list, moving it to [`Set`].
#[doc(hidden)]
pub trait AddStage {
    #[doc(hidden)]
    fn add(self, stage: Stage) -> Set<Vec<Stage>>;
}
impl AddStage for Unset {
    fn add(self, stage: Stage) -> Set<Vec<Stage>> {
        Set(vec![stage])
    }
}
impl AddStage for Set<Vec<Stage>> {
    fn add(mut self, stage: Stage) -> Set<Vec<Stage>> {
        self.0.push(stage);
        self
    }
}

/// `shared-iterations`: a fixed number of iterations shared by the VUs.
///
/// ```
/// use k6dsl::{executor::SharedIterations, nz, time::mins, Scenario};
/// let warmup = Scenario::new("warmup", SharedIterations::new().vus(nz!(5)).iterations(nz!(100)).max_duration(mins(2)));
/// # let _ = warmup;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct SharedIterations {
    vus: Option<NonZeroU32>,
    iterations: Option<NonZeroU64>,
    max_duration: Option<Duration>,
}

impl SharedIterations {
    /// One VU, one iteration, until changed.
    pub fn new() -> Self {
        Self::default()
    }

    /// VUs sharing the iterations (default 1).
    pub fn vus(mut self, vus: NonZeroU32) -> Self {
        self.vus = Some(vus);
        self
    }

    /// Total iterations (default 1); k6 requires at least one per VU.
    pub fn iterations(mut self, iterations: NonZeroU64) -> Self {
        self.iterations = Some(iterations);
        self
    }

    /// Hard stop (default 10m).
    pub fn max_duration(mut self, max_duration: Duration) -> Self {
        self.max_duration = Some(max_duration);
        self
    }
}

impl ExecutorConfig for SharedIterations {
    fn into_executor(self) -> model::Executor {
        model::Executor::SharedIterations {
            vus: self.vus.map(NonZeroU32::get),
            iterations: self.iterations.map(NonZeroU64::get),
            max_duration: self.max_duration,
        }
    }
}

/// `per-vu-iterations`: each VU runs a fixed number of iterations.
///
/// ```
/// use k6dsl::{executor::PerVuIterations, nz, Scenario};
/// let s = Scenario::new("each", PerVuIterations::new().vus(nz!(10)).iterations(nz!(20)));
/// # let _ = s;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct PerVuIterations {
    vus: Option<NonZeroU32>,
    iterations: Option<NonZeroU64>,
    max_duration: Option<Duration>,
}

impl PerVuIterations {
    /// One VU, one iteration, until changed.
    pub fn new() -> Self {
        Self::default()
    }

    /// VUs (default 1).
    pub fn vus(mut self, vus: NonZeroU32) -> Self {
        self.vus = Some(vus);
        self
    }

    /// Iterations each VU runs (default 1).
    pub fn iterations(mut self, iterations: NonZeroU64) -> Self {
        self.iterations = Some(iterations);
        self
    }

    /// Hard stop (default 10m).
    pub fn max_duration(mut self, max_duration: Duration) -> Self {
        self.max_duration = Some(max_duration);
        self
    }
}

impl ExecutorConfig for PerVuIterations {
    fn into_executor(self) -> model::Executor {
        model::Executor::PerVuIterations {
            vus: self.vus.map(NonZeroU32::get),
            iterations: self.iterations.map(NonZeroU64::get),
            max_duration: self.max_duration,
        }
    }
}

/// `constant-vus`: a fixed number of VUs loop for a duration (required).
///
/// ```
/// use k6dsl::{executor::ConstantVus, nz, time::secs, Scenario};
/// let s = Scenario::new("steady", ConstantVus::new().vus(nz!(10)).duration(secs(30)));
/// # let _ = s;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ConstantVus<D = Unset> {
    vus: Option<NonZeroU32>,
    duration: D,
}

impl ConstantVus {
    /// One VU; the duration is still to be set.
    pub fn new() -> Self {
        ConstantVus {
            vus: None,
            duration: Unset,
        }
    }
}

impl Default for ConstantVus {
    fn default() -> Self {
        Self::new()
    }
}

impl<D> ConstantVus<D> {
    /// VUs (default 1).
    pub fn vus(mut self, vus: NonZeroU32) -> Self {
        self.vus = Some(vus);
        self
    }

    /// How long the VUs loop (required).
    pub fn duration(self, duration: Duration) -> ConstantVus<Set<Duration>> {
        ConstantVus {
            vus: self.vus,
            duration: Set(duration),
        }
    }
}

impl<D: DurationGiven> ExecutorConfig for ConstantVus<D> {
    fn into_executor(self) -> model::Executor {
        model::Executor::ConstantVus {
            vus: self.vus.map(NonZeroU32::get),
            duration: self.duration.get(),
        }
    }
}

/// `ramping-vus`: VUs ramp through stages (at least one, required).
///
/// ```
/// use k6dsl::{executor::RampingVus, time::{mins, secs}, Scenario};
/// let s = Scenario::new("ramp", RampingVus::new().start_vus(0).stage(mins(1), 50).stage(secs(30), 0));
/// # let _ = s;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct RampingVus<S = Unset> {
    start_vus: Option<u32>,
    stages: S,
    graceful_ramp_down: Option<Duration>,
}

impl RampingVus {
    /// No stages yet; starts from k6's default of one VU.
    pub fn new() -> Self {
        RampingVus {
            start_vus: None,
            stages: Unset,
            graceful_ramp_down: None,
        }
    }
}

impl Default for RampingVus {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: AddStage> RampingVus<S> {
    /// VUs at the start (default 1).
    pub fn start_vus(mut self, vus: u32) -> Self {
        self.start_vus = Some(vus);
        self
    }

    /// Ramps linearly to `target` VUs over `duration`.
    pub fn stage(self, duration: Duration, target: u32) -> RampingVus<Set<Vec<Stage>>> {
        RampingVus {
            start_vus: self.start_vus,
            stages: self.stages.add(Stage {
                duration,
                target: u64::from(target),
            }),
            graceful_ramp_down: self.graceful_ramp_down,
        }
    }

    /// Time given to iterations of VUs being ramped down (default 30s).
    pub fn graceful_ramp_down(mut self, grace: Duration) -> Self {
        self.graceful_ramp_down = Some(grace);
        self
    }
}

impl<S: StagesGiven> ExecutorConfig for RampingVus<S> {
    fn into_executor(self) -> model::Executor {
        model::Executor::RampingVus {
            start_vus: self.start_vus,
            stages: self.stages.get(),
            graceful_ramp_down: self.graceful_ramp_down,
        }
    }
}

/// `constant-arrival-rate`: a fixed iteration rate, whatever the response times.
/// `rate`, `duration` and `pre_allocated_vus` are required.
///
/// ```
/// use k6dsl::{executor::ConstantArrivalRate, nz, time::{mins, secs}, Scenario};
/// let s = Scenario::new(
///     "purchase",
///     ConstantArrivalRate::new().rate(nz!(30)).time_unit(mins(1)).duration(mins(5)).pre_allocated_vus(10).max_vus(40),
/// );
/// # let _ = s;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ConstantArrivalRate<R = Unset, D = Unset, P = Unset> {
    rate: R,
    time_unit: Option<Duration>,
    duration: D,
    pre_allocated_vus: P,
    max_vus: Option<u32>,
}

impl ConstantArrivalRate {
    /// Nothing set yet.
    pub fn new() -> Self {
        ConstantArrivalRate {
            rate: Unset,
            time_unit: None,
            duration: Unset,
            pre_allocated_vus: Unset,
            max_vus: None,
        }
    }
}

impl Default for ConstantArrivalRate {
    fn default() -> Self {
        Self::new()
    }
}

impl<R, D, P> ConstantArrivalRate<R, D, P> {
    /// Iterations started per time unit (required). For a fractional rate, use a
    /// longer [`time_unit`](Self::time_unit): 1.5/s is `rate(nz!(3)).time_unit(secs(2))`.
    pub fn rate(self, rate: NonZeroU64) -> ConstantArrivalRate<Set<NonZeroU64>, D, P> {
        ConstantArrivalRate {
            rate: Set(rate),
            time_unit: self.time_unit,
            duration: self.duration,
            pre_allocated_vus: self.pre_allocated_vus,
            max_vus: self.max_vus,
        }
    }

    /// The rate's period (default 1s).
    pub fn time_unit(mut self, unit: Duration) -> Self {
        self.time_unit = Some(unit);
        self
    }

    /// How long (required).
    pub fn duration(self, duration: Duration) -> ConstantArrivalRate<R, Set<Duration>, P> {
        ConstantArrivalRate {
            rate: self.rate,
            time_unit: self.time_unit,
            duration: Set(duration),
            pre_allocated_vus: self.pre_allocated_vus,
            max_vus: self.max_vus,
        }
    }

    /// VUs initialised before the test starts (required).
    pub fn pre_allocated_vus(self, vus: u32) -> ConstantArrivalRate<R, D, Set<u32>> {
        ConstantArrivalRate {
            rate: self.rate,
            time_unit: self.time_unit,
            duration: self.duration,
            pre_allocated_vus: Set(vus),
            max_vus: self.max_vus,
        }
    }

    /// Upper bound on VUs, when pre-allocated ones are not enough (default: as many as
    /// pre-allocated).
    pub fn max_vus(mut self, vus: u32) -> Self {
        self.max_vus = Some(vus);
        self
    }
}

impl<R: RateGiven, D: DurationGiven, P: PreAllocatedVusGiven> ExecutorConfig
    for ConstantArrivalRate<R, D, P>
{
    fn into_executor(self) -> model::Executor {
        model::Executor::ConstantArrivalRate {
            rate: self.rate.get().get(),
            time_unit: self.time_unit,
            duration: self.duration.get(),
            pre_allocated_vus: self.pre_allocated_vus.get(),
            max_vus: self.max_vus,
        }
    }
}

/// `ramping-arrival-rate`: an iteration rate ramping through stages.
/// At least one stage and `pre_allocated_vus` are required.
///
/// ```
/// use k6dsl::{executor::RampingArrivalRate, time::mins, Scenario};
/// let s = Scenario::new(
///     "spike",
///     RampingArrivalRate::new().start_rate(10).stage(mins(1), 200).stage(mins(1), 10).pre_allocated_vus(50).max_vus(500),
/// );
/// # let _ = s;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct RampingArrivalRate<S = Unset, P = Unset> {
    start_rate: Option<u64>,
    time_unit: Option<Duration>,
    stages: S,
    pre_allocated_vus: P,
    max_vus: Option<u32>,
}

impl RampingArrivalRate {
    /// Nothing set yet.
    pub fn new() -> Self {
        RampingArrivalRate {
            start_rate: None,
            time_unit: None,
            stages: Unset,
            pre_allocated_vus: Unset,
            max_vus: None,
        }
    }
}

impl Default for RampingArrivalRate {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: AddStage, P> RampingArrivalRate<S, P> {
    /// Iterations per time unit at the start (default 0).
    pub fn start_rate(mut self, rate: u64) -> Self {
        self.start_rate = Some(rate);
        self
    }

    /// The rate's period (default 1s).
    pub fn time_unit(mut self, unit: Duration) -> Self {
        self.time_unit = Some(unit);
        self
    }

    /// Ramps linearly to `target` iterations per time unit over `duration`.
    pub fn stage(self, duration: Duration, target: u64) -> RampingArrivalRate<Set<Vec<Stage>>, P> {
        RampingArrivalRate {
            start_rate: self.start_rate,
            time_unit: self.time_unit,
            stages: self.stages.add(Stage { duration, target }),
            pre_allocated_vus: self.pre_allocated_vus,
            max_vus: self.max_vus,
        }
    }

    /// VUs initialised before the test starts (required).
    pub fn pre_allocated_vus(self, vus: u32) -> RampingArrivalRate<S, Set<u32>> {
        RampingArrivalRate {
            start_rate: self.start_rate,
            time_unit: self.time_unit,
            stages: self.stages,
            pre_allocated_vus: Set(vus),
            max_vus: self.max_vus,
        }
    }

    /// Upper bound on VUs (default: as many as pre-allocated).
    pub fn max_vus(mut self, vus: u32) -> Self {
        self.max_vus = Some(vus);
        self
    }
}

impl<S: StagesGiven, P: PreAllocatedVusGiven> ExecutorConfig for RampingArrivalRate<S, P> {
    fn into_executor(self) -> model::Executor {
        model::Executor::RampingArrivalRate {
            start_rate: self.start_rate,
            time_unit: self.time_unit,
            stages: self.stages.get(),
            pre_allocated_vus: self.pre_allocated_vus.get(),
            max_vus: self.max_vus,
        }
    }
}

/// `externally-controlled`: VUs driven through k6's REST API while the test runs.
///
/// **k6 v1 only**: k6 v2 removed this executor. A `duration` is required (zero means
/// "until stopped"), and k6 forbids a `graceful_stop` on it.
///
/// ```
/// use k6dsl::{executor::ExternallyControlled, time::mins, Scenario};
/// let s = Scenario::new("manual", ExternallyControlled::new().vus(2).max_vus(20).duration(mins(10)));
/// # let _ = s;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ExternallyControlled<D = Unset> {
    vus: Option<u32>,
    max_vus: Option<u32>,
    duration: D,
}

impl ExternallyControlled {
    /// Nothing set yet.
    pub fn new() -> Self {
        ExternallyControlled {
            vus: None,
            max_vus: None,
            duration: Unset,
        }
    }
}

impl Default for ExternallyControlled {
    fn default() -> Self {
        Self::new()
    }
}

impl<D> ExternallyControlled<D> {
    /// VUs at the start (default 0).
    pub fn vus(mut self, vus: u32) -> Self {
        self.vus = Some(vus);
        self
    }

    /// Upper bound on VUs (default: `vus`).
    pub fn max_vus(mut self, vus: u32) -> Self {
        self.max_vus = Some(vus);
        self
    }

    /// How long (required; zero runs until stopped).
    pub fn duration(self, duration: Duration) -> ExternallyControlled<Set<Duration>> {
        ExternallyControlled {
            vus: self.vus,
            max_vus: self.max_vus,
            duration: Set(duration),
        }
    }
}

impl<D: DurationGiven> ExecutorConfig for ExternallyControlled<D> {
    fn into_executor(self) -> model::Executor {
        model::Executor::ExternallyControlled {
            vus: self.vus,
            max_vus: self.max_vus,
            duration: self.duration.get(),
        }
    }
}

/// A positive count, checked at compile time: `nz!(10)` is a [`NonZeroU32`] or
/// [`NonZeroU64`] (whichever the context needs), and `nz!(0)` does not compile.
///
/// ```
/// let vus: std::num::NonZeroU32 = k6dsl::nz!(10);
/// assert_eq!(vus.get(), 10);
/// ```
///
/// ```compile_fail
/// let vus: std::num::NonZeroU32 = k6dsl::nz!(0);
/// ```
#[macro_export]
macro_rules! nz {
    ($n:expr) => {
        const {
            match ::core::num::NonZero::new($n) {
                ::core::option::Option::Some(n) => n,
                ::core::option::Option::None => {
                    ::core::panic!("k6 requires this count to be positive: use 1 or more")
                }
            }
        }
    };
}

#[cfg(test)]
mod facts_tests {
    /// The `on_unimplemented` messages of the required fields are literals (an
    /// attribute cannot read `Field::required`): each must name exactly the
    /// executors that k6dsl-facts says require its field.
    #[test]
    fn the_required_field_messages_are_the_facts() {
        let source = include_str!("executor.rs");
        let messages: Vec<&str> = source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("message = \""))
            .collect();
        let fields: std::collections::BTreeSet<&str> = k6dsl_facts::executor::EXECUTORS
            .iter()
            .flat_map(|e| e.required_fields().map(|f| f.name))
            .collect();
        for field in fields {
            let quoted = format!("`{field}`");
            let message = messages
                .iter()
                .find(|m| m.contains(&quoted))
                .unwrap_or_else(|| panic!("no message names {quoted}"));
            for executor in k6dsl_facts::executor::EXECUTORS {
                let named = message.contains(&format!(" {},", executor.k6_name))
                    || message.contains(&format!(" {} ", executor.k6_name))
                    || message.contains(&format!(" {}\"", executor.k6_name));
                let needs = executor.field(field).is_some_and(|f| f.required.is_some());
                assert_eq!(named, needs, "{field}: {}: {message}", executor.k6_name);
            }
        }
        let why = k6dsl_facts::executor::PRE_ALLOCATED_VUS.required.unwrap();
        assert!(messages.iter().any(|m| m.contains(why)), "{why}");
    }
}
