//! Durations in the syntax k6 reads: Go's `time.ParseDuration` (`1m30s`, `500ms`,
//! `1.5s`), which k6 extends with a leading whole number of days (`1d2h`).
//!
//! The model keeps [`std::time::Duration`]; this module only converts at the edges.

use std::fmt;
use std::time::Duration;

/// Renders a duration the way a person writes it for k6: largest units first,
/// zero parts left out, fractions of a second as a decimal (`1m30s`, `2h`, `1.5s`,
/// `500ms`, `0s`).
///
/// ```
/// use std::time::Duration;
/// use k6dsl::time::go_duration;
///
/// assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
/// assert_eq!(go_duration(Duration::from_secs(7200)), "2h");
/// assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
/// assert_eq!(go_duration(Duration::from_millis(250)), "250ms");
/// assert_eq!(go_duration(Duration::ZERO), "0s");
/// ```
pub fn go_duration(duration: Duration) -> String {
    GoDuration(duration).to_string()
}

/// [`Display`](fmt::Display) adapter for [`go_duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoDuration(pub Duration);

impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.is_zero() {
            return f.write_str("0s");
        }
        let secs = d.as_secs();
        let nanos = d.subsec_nanos();
        if secs == 0 {
            // Below one second Go switches to ms/us/ns; so do we.
            let (scale, unit) = match nanos {
                1_000_000.. => (1_000_000, "ms"),
                1_000.. => (1_000, "us"),
                _ => (1, "ns"),
            };
            return write_decimal(f, u64::from(nanos), scale, unit);
        }
        let (hours, minutes, seconds) = (secs / 3600, (secs / 60) % 60, secs % 60);
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        if seconds > 0 || nanos > 0 {
            write_decimal(
                f,
                seconds * 1_000_000_000 + u64::from(nanos),
                1_000_000_000,
                "s",
            )?;
        }
        Ok(())
    }
}

/// Writes `value / scale` as a decimal without trailing zeros, then `unit`.
fn write_decimal(f: &mut fmt::Formatter<'_>, value: u64, scale: u64, unit: &str) -> fmt::Result {
    let whole = value / scale;
    let frac = value % scale;
    if frac == 0 {
        return write!(f, "{whole}{unit}");
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{frac:0width$}");
    write!(f, "{whole}.{}{unit}", digits.trim_end_matches('0'))
}

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDurationError {
    input: String,
    reason: &'static str,
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid duration `{}`: {} (write it like `1m30s`, `500ms` or `2h`)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for ParseDurationError {}

/// Reads a duration in k6's syntax: Go's `time.ParseDuration` with an optional
/// leading number of days. Negative durations are rejected: no k6 option takes one.
///
/// ```
/// use std::time::Duration;
/// use k6dsl::time::parse_duration;
///
/// assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
/// assert_eq!(parse_duration("1h0m0s").unwrap(), Duration::from_secs(3600));
/// assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
/// assert_eq!(parse_duration("1d2h").unwrap(), Duration::from_secs(26 * 3600));
/// assert!(parse_duration("5 minutes").is_err());
/// ```
pub fn parse_duration(input: &str) -> Result<Duration, ParseDurationError> {
    let fail = |reason| ParseDurationError {
        input: input.to_owned(),
        reason,
    };
    let mut rest = input;
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(fail("it is empty"));
    }
    if rest.starts_with('-') {
        return Err(fail("it is negative"));
    }
    rest = rest.strip_prefix('+').unwrap_or(rest);
    let mut total_nanos: u128 = 0;
    let mut first = true;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(fail("expected a number"));
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            // k6's extension: whole days, only as the first part.
            "d" if first && !number.contains('.') => 86_400_000_000_000,
            "" => return Err(fail("a number has no unit")),
            _ => {
                return Err(fail(
                    "unknown unit (use ns, us, ms, s, m, h, or a leading d)",
                ))
            }
        };
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| fail("number too large"))?
        };
        let mut part = whole
            .checked_mul(unit_nanos)
            .ok_or_else(|| fail("number too large"))?;
        let mut scale = unit_nanos;
        for digit in frac.bytes().take(18) {
            scale /= 10;
            part += u128::from(digit - b'0') * scale;
        }
        total_nanos = total_nanos
            .checked_add(part)
            .ok_or_else(|| fail("number too large"))?;
        rest = after;
        first = false;
    }
    let secs = u64::try_from(total_nanos / 1_000_000_000).map_err(|_| fail("number too large"))?;
    Ok(Duration::new(secs, (total_nanos % 1_000_000_000) as u32))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_a_person_writes() {
        let cases = [
            (Duration::from_secs(1), "1s"),
            (Duration::from_secs(60), "1m"),
            (Duration::from_secs(3661), "1h1m1s"),
            (Duration::from_secs(90 * 60), "1h30m"),
            (Duration::from_millis(1), "1ms"),
            (Duration::from_micros(1500), "1.5ms"),
            (Duration::from_nanos(1), "1ns"),
            (Duration::from_nanos(1500), "1.5us"),
            (Duration::from_millis(60_500), "1m0.5s"),
            (Duration::new(1, 1), "1.000000001s"),
        ];
        for (duration, text) in cases {
            assert_eq!(go_duration(duration), text);
            assert_eq!(parse_duration(text).unwrap(), duration, "{text}");
        }
    }

    #[test]
    fn parses_go_forms() {
        assert_eq!(parse_duration("1h0m0s").unwrap(), hours(1));
        assert_eq!(parse_duration("0s").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("1m0.5s").unwrap(), millis(60_500));
        assert_eq!(parse_duration("2d").unwrap(), hours(48));
        assert_eq!(parse_duration(".5s").unwrap(), millis(500));
        for bad in ["", "1", "1x", "-1s", "1s2", "1..2s", "1h1d", "1.5d", "s"] {
            assert!(parse_duration(bad).is_err(), "{bad} should fail");
        }
    }
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
