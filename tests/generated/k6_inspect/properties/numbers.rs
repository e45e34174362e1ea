//! Strategies for numbers and durations k6 can hold.

use super::*;

/// Any duration k6 can hold, mostly realistic ones.
pub(super) fn duration() -> BoxedStrategy<Duration> {
    prop_oneof![
        1 => Just(Duration::ZERO),
        2 => (1u64..2_000).prop_map(Duration::from_nanos),
        2 => (1u64..100_000).prop_map(millis),
        3 => (1u64..10_000).prop_map(secs),
        1 => (1u64..200).prop_map(hours),
        3 => (0u64..30 * 86_400 * 1_000_000_000).prop_map(Duration::from_nanos),
        1 => (0u64..=MAX_GO_NANOS).prop_map(Duration::from_nanos),
    ]
    .boxed()
}

pub(super) fn positive_duration() -> impl Strategy<Value = Duration> {
    duration().prop_map(|d| d.max(Duration::from_nanos(1)))
}

/// At least 1s (durations of time-bound executors and shortcuts).
pub(super) fn long_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        1 => Just(secs(1)),
        2 => (1u64..10_000).prop_map(secs),
        4 => (1_000_000_000u64..30 * 86_400 * 1_000_000_000).prop_map(Duration::from_nanos),
        1 => (1_000_000_000u64..=MAX_GO_NANOS).prop_map(Duration::from_nanos),
    ]
}

/// A positive VU count.
pub(super) fn vus() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 1..=20u32,
        2 => 21..=100_000u32,
        1 => Just(100_000_000u32),
        1 => Just(u32::MAX),
    ]
}

pub(super) fn vus_or_zero() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 4 => vus()]
}

/// A positive iteration count or rate JavaScript holds exactly.
pub(super) fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 1..=1_000u64,
        2 => 1_001..=MAX_SAFE,
        1 => Just(MAX_SAFE),
    ]
}

pub(super) fn count_or_zero() -> impl Strategy<Value = u64> {
    prop_oneof![1 => Just(0u64), 4 => count()]
}

/// VUs of a ramp. k6 plans a ramp VU by VU, so ramps stay small: a ramp from 0
/// to 100,000,000 VUs (k6's cap) is valid but takes k6 minutes and gigabytes.
pub(super) fn ramp_target() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 3 => 1..=200u32]
}

/// Stages k6 accepts from a start value: some stage lasts, some value is positive.
pub(super) fn stages_are_valid<T: Copy + Into<u64>>(start: u64, stages: &[(Duration, T)]) -> bool {
    stages.iter().any(|(d, _)| !d.is_zero())
        && (start > 0 || stages.iter().any(|&(_, t)| t.into() > 0))
}

/// Pre-allocated and maximum VUs of an arrival-rate executor: max >= pre, and some
/// VU to run.
pub(super) fn arrival_vus() -> impl Strategy<Value = (u32, Option<u32>)> {
    (
        vus_or_zero(),
        prop::option::of(prop_oneof![0..=1_000u32, Just(u32::MAX)]),
    )
        .prop_map(|(pre, extra)| (pre, extra.map(|e| pre.saturating_add(e))))
        .prop_filter("some VU", |(pre, max)| *pre > 0 || max.unwrap_or(0) > 0)
}

/// Any finite threshold bound.
pub(super) fn bound() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (-1_000i32..=1_000).prop_map(f64::from),
        2 => -1e6f64..1e6,
        3 => prop::num::f64::POSITIVE
            | prop::num::f64::NEGATIVE
            | prop::num::f64::NORMAL
            | prop::num::f64::SUBNORMAL
            | prop::num::f64::ZERO,
        1 => prop::sample::select(vec![f64::MAX, f64::MIN, f64::MIN_POSITIVE, -0.0, 0.1 + 0.2]),
    ]
}

/// A percentile in [0, 100].
pub(super) fn percentile() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        1 => Just(100.0),
        3 => (0u32..=100).prop_map(f64::from),
        3 => 0.0f64..=100.0,
        1 => (0u32..1_000_000).prop_map(|n| 99.0 + f64::from(n) / 1e6),
        1 => prop::sample::select(vec![f64::MIN_POSITIVE, 5e-324, 99.999_999_999_999_99]),
    ]
}
