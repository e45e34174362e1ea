//! Named load profiles: the same flows run at different loads.
//!
//! k6 users run one set of flows as a smoke test (does the script work?), a load test
//! (the expected average), a stress test (beyond it), a spike, and a soak (hours at
//! the average). A [`Profile`] turns a peak figure into the stages and durations of
//! each shape, so a test defines its flows once and picks the profile at the command
//! line.
//!
//! ```
//! use k6dsl::prelude::*;
//! use k6dsl::profile::Profile;
//!
//! let profile: Profile = "smoke".parse().unwrap();
//! let browse = Flow::new("browse");
//! let executor = profile.ramping_vus(20);
//! let script = Script::new().scenario(Scenario::new("browse", executor).exec(&browse));
//! assert!(script.to_javascript().is_ok());
//! ```

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;
use std::time::Duration;

use crate::dsl::executor::{ConstantArrivalRate, RampingArrivalRate, RampingVus, Set};
use crate::model::time::{hours, mins, secs};
use crate::model::Stage;

/// A load shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// One VU (or one iteration per second) for 10 seconds: the script works. Runs
    /// in under 15 seconds.
    Smoke,
    /// The expected average load: ramp up, hold, ramp down (8 minutes).
    Load,
    /// Beyond the average in steps up to three times the peak (17 minutes).
    Stress,
    /// A sudden surge to five times the peak and back (2 minutes 10 seconds).
    Spike,
    /// The average load held for four hours.
    Soak,
}

impl Profile {
    /// Every profile, from the lightest.
    pub const ALL: [Profile; 5] = [
        Profile::Smoke,
        Profile::Load,
        Profile::Stress,
        Profile::Spike,
        Profile::Soak,
    ];

    /// The profile's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Smoke => "smoke",
            Profile::Load => "load",
            Profile::Stress => "stress",
            Profile::Spike => "spike",
            Profile::Soak => "soak",
        }
    }

    /// The shape of the load as stages reaching fractions (in percent) of the peak.
    fn shape(self) -> &'static [(Duration, u64)] {
        const SMOKE: &[(Duration, u64)] = &[(secs(10), 0)];
        const LOAD: &[(Duration, u64)] = &[(mins(2), 100), (mins(5), 100), (mins(1), 0)];
        const STRESS: &[(Duration, u64)] = &[
            (mins(2), 100),
            (mins(3), 100),
            (mins(2), 200),
            (mins(3), 200),
            (mins(2), 300),
            (mins(3), 300),
            (mins(2), 0),
        ];
        const SPIKE: &[(Duration, u64)] = &[
            (secs(10), 100),
            (secs(30), 500),
            (mins(1), 500),
            (secs(30), 0),
        ];
        const SOAK: &[(Duration, u64)] = &[(mins(5), 100), (hours(4), 100), (mins(5), 0)];
        match self {
            Profile::Smoke => SMOKE,
            Profile::Load => LOAD,
            Profile::Stress => STRESS,
            Profile::Spike => SPIKE,
            Profile::Soak => SOAK,
        }
    }

    /// Stages reaching `peak` (VUs or iterations per time unit) in this profile's
    /// shape. Smoke is flat at 1.
    pub fn stages(self, peak: u64) -> Vec<Stage> {
        self.shape()
            .iter()
            .map(|&(duration, percent)| Stage {
                duration,
                target: if self == Profile::Smoke {
                    1
                } else {
                    (peak * percent).div_ceil(100)
                },
            })
            .collect()
    }

    /// How long the shape lasts.
    pub fn duration(self) -> Duration {
        self.shape().iter().map(|(d, _)| *d).sum()
    }

    /// How long iterations may finish after a stage or scenario ends: short for
    /// smoke so that it ends quickly, k6's 30s otherwise.
    pub fn grace(self) -> Duration {
        match self {
            Profile::Smoke => secs(3),
            _ => secs(30),
        }
    }

    /// A ramping-vus executor in this shape, peaking at `peak` VUs.
    pub fn ramping_vus(self, peak: u32) -> RampingVus<Set<Vec<Stage>>> {
        let start = if self == Profile::Smoke { 1 } else { 0 };
        let stages = self.stages(peak.into());
        let mut executor = RampingVus::new()
            .start_vus(start)
            .graceful_ramp_down(self.grace())
            .stage(stages[0].duration, target_vus(stages[0].target));
        for stage in &stages[1..] {
            executor = executor.stage(stage.duration, target_vus(stage.target));
        }
        executor
    }

    /// A ramping-arrival-rate executor in this shape, peaking at `peak` iterations
    /// per second, with VUs pre-allocated for it.
    pub fn ramping_arrival_rate(
        self,
        peak: u64,
        pre_allocated_vus: u32,
        max_vus: u32,
    ) -> RampingArrivalRate<Set<Vec<Stage>>, Set<u32>> {
        let stages = self.stages(peak);
        let start = if self == Profile::Smoke { 1 } else { 0 };
        let mut executor = RampingArrivalRate::new()
            .start_rate(start)
            .time_unit(secs(1))
            .stage(stages[0].duration, stages[0].target);
        for stage in &stages[1..] {
            executor = executor.stage(stage.duration, stage.target);
        }
        executor
            .pre_allocated_vus(pre_allocated_vus)
            .max_vus(max_vus)
    }

    /// A constant-arrival-rate executor at `rate` iterations per second for this
    /// profile's duration (smoke: one per second), with VUs pre-allocated for it.
    pub fn constant_arrival_rate(
        self,
        rate: NonZeroU64,
        pre_allocated_vus: u32,
        max_vus: u32,
    ) -> ConstantArrivalRate<Set<NonZeroU64>, Set<Duration>, Set<u32>> {
        let (rate, pre, max) = match self {
            Profile::Smoke => (NonZeroU64::MIN, 1, 2),
            Profile::Stress => (
                rate.saturating_mul(NonZeroU64::MIN.saturating_add(1)),
                pre_allocated_vus.saturating_mul(2),
                max_vus.saturating_mul(2),
            ),
            _ => (rate, pre_allocated_vus, max_vus),
        };
        ConstantArrivalRate::new()
            .rate(rate)
            .time_unit(secs(1))
            .duration(self.duration())
            .pre_allocated_vus(pre)
            .max_vus(max)
    }
}

/// A stage target as VUs (targets come from a `u32` peak times at most 5).
fn target_vus(target: u64) -> u32 {
    u32::try_from(target).unwrap_or(u32::MAX)
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A profile name that is not one of [`Profile::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProfile(pub String);

impl fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
        write!(
            f,
            "unknown load profile `{}`: choose one of {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownProfile {}

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| UnknownProfile(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke_is_short_and_the_others_peak_where_asked() {
        assert!(Profile::Smoke.duration() + Profile::Smoke.grace() <= secs(15));
        assert_eq!(
            Profile::Load.stages(20).iter().map(|s| s.target).max(),
            Some(20)
        );
        assert_eq!(
            Profile::Stress.stages(20).iter().map(|s| s.target).max(),
            Some(60)
        );
        assert_eq!(
            Profile::Spike.stages(20).iter().map(|s| s.target).max(),
            Some(100)
        );
        assert!(Profile::Soak.duration() > hours(4));
    }

    #[test]
    fn parses_names_and_lists_them_on_error() {
        assert_eq!("spike".parse(), Ok(Profile::Spike));
        let err = "heavy".parse::<Profile>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown load profile `heavy`: choose one of smoke, load, stress, spike, soak"
        );
    }
}
