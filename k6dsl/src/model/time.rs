//! Durations in the syntax k6 reads: Go's `time.ParseDuration` (`1m30s`, `500ms`,
//! `1.5s`), which k6 extends with a leading whole number of days (`1d2h`).
//!
//! The model keeps [`std::time::Duration`]; this module only converts at the edges.

use std::time::Duration;

// The grammar and its writing are k6's facts; this module adds the literals and
// the serde adapters plans use.
/// Why a duration's text could not be read ([`parse_duration`]'s error).
pub use k6dsl_facts::duration::DurationError as ParseDurationError;
pub use k6dsl_facts::duration::{go_duration, parse_duration, GoDuration};

/// Whole seconds, for writing literals: `secs(30)` reads better than
/// `Duration::from_secs(30)` in a long builder chain.
///
/// ```
/// assert_eq!(k6dsl::time::secs(90), std::time::Duration::from_secs(90));
/// ```
pub const fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

/// Whole minutes. `mins(5)` is five minutes.
///
/// ```
/// assert_eq!(k6dsl::time::mins(2), std::time::Duration::from_secs(120));
/// ```
pub const fn mins(minutes: u64) -> Duration {
    Duration::from_secs(minutes * 60)
}

/// Whole hours.
///
/// ```
/// assert_eq!(k6dsl::time::hours(1), std::time::Duration::from_secs(3600));
/// ```
pub const fn hours(hours: u64) -> Duration {
    Duration::from_secs(hours * 3600)
}

/// Milliseconds.
///
/// ```
/// assert_eq!(k6dsl::time::millis(250), std::time::Duration::from_millis(250));
/// ```
pub const fn millis(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Serde adapters that write durations as k6 strings (`"1m30s"`) in plans.
pub(crate) mod serde_go {
    use super::{go_duration, parse_duration};
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Serialises a [`Duration`] as a k6 duration string.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&go_duration(*d))
    }

    /// Reads a k6 duration string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text).map_err(serde::de::Error::custom)
    }

    /// The same for `Option<Duration>` (absent or `null` is `None`).
    pub mod option {
        use super::*;

        /// Serialises `Some` as a k6 duration string and `None` as `null`.
        pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_some(&go_duration(*d)),
                None => s.serialize_none(),
            }
        }

        /// Reads an optional k6 duration string.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| parse_duration(&text).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}
