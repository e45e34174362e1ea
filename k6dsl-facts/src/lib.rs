//! k6's facts, once: what the `k6dsl` library and its `k6dsl-macros` both need to
//! know about k6, as data and small pure functions (the `sqlx-core` pattern).
//!
//! - [`duration`]: the duration grammar k6 reads (`1m30s`, `500ms`, `1d2h`) and how
//!   durations are written back;
//! - [`metric`]: metric kinds, the statistics each allows in thresholds, threshold
//!   operators, k6's built-in metrics, and the metric-name rule;
//! - [`executor`]: k6's executors, their fields (required or not, and why), the
//!   fields every scenario has, and the scenario-name rule;
//! - [`names`]: JavaScript identifiers and the names a generated script reserves.
//!
//! Each fact was checked against k6 v1.1.0 (its binary and Go source); where k6
//! accepts something and then misbehaves, the fact says so and k6dsl refuses it.
//!
//! ```
//! use k6dsl_facts::{duration::parse_duration, metric::{builtin, MetricKind, Stat}};
//!
//! assert_eq!(parse_duration("1m30s").unwrap().as_secs(), 90);
//! let checks = builtin("checks").unwrap();
//! assert_eq!(checks.kind, MetricKind::Rate);
//! assert!(Stat::Rate.applies_to(checks.kind));
//! assert!(!Stat::Avg.applies_to(checks.kind));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod duration;
pub mod executor;
pub mod metric;
pub mod names;
