//! Durations as k6 reads them: Go's `time.ParseDuration` (`1m30s`, `500ms`, `1.5s`),
//! which k6 extends with a leading whole number of days (`1d2h`, k6's
//! `types.ParseExtendedDuration`), and as people write them back (`1m30s`, `2h`).
//!
//! k6 also reads a bare number as milliseconds (`"30"` is 30 ms). k6dsl refuses
//! that form except for `0`: a duration without its unit is too easy to misread.
//!
//! ```
//! use std::time::Duration;
//! use k6dsl_facts::duration::{go_duration, parse_duration};
//!
//! assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
//! assert_eq!(parse_duration("2d12h"), Ok(Duration::from_secs(60 * 3600)));
//! assert!(parse_duration("1h2d").is_err()); // days only lead, as in k6
//! assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
//! ```

use std::fmt;
use std::time::Duration;

/// A unit of Go's duration syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// How it is written after the number (`ms`).
    pub symbol: &'static str,
    /// Its length in nanoseconds.
    pub nanos: u64,
}

/// The units Go's `time.ParseDuration` reads, shortest first. `µs` is written
/// with the micro sign (U+00B5) or the Greek mu (U+03BC); both mean `us`.
///
/// ```
/// use k6dsl_facts::duration::UNITS;
/// let symbols: Vec<&str> = UNITS.iter().map(|u| u.symbol).collect();
/// assert_eq!(symbols, ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]);
/// ```
pub const UNITS: &[Unit] = &[
    Unit {
        symbol: "ns",
        nanos: 1,
    },
    Unit {
        symbol: "us",
        nanos: 1_000,
    },
    Unit {
        symbol: "\u{b5}s",
        nanos: 1_000,
    },
    Unit {
        symbol: "\u{3bc}s",
        nanos: 1_000,
    },
    Unit {
        symbol: "ms",
        nanos: 1_000_000,
    },
    Unit {
        symbol: "s",
        nanos: 1_000_000_000,
    },
    Unit {
        symbol: "m",
        nanos: 60_000_000_000,
    },
    Unit {
        symbol: "h",
        nanos: 3_600_000_000_000,
    },
];

/// k6's extension: whole days, only as the first part (`2d`, `1d12h`; not `1h1d`,
/// not `1.5d`).
pub const DAYS: Unit = Unit {
    symbol: "d",
    nanos: 86_400_000_000_000,
};

/// The units as a person types them, for messages: `ns, us, ms, s, m, h, d`.
///
/// ```
/// assert_eq!(k6dsl_facts::duration::unit_list(", ", " or "), "ns, us, ms, s, m, h or d");
/// ```
pub fn unit_list(separator: &str, last_separator: &str) -> String {
    let symbols: Vec<&str> = UNITS
        .iter()
        .map(|unit| unit.symbol)
        .filter(|symbol| symbol.is_ascii())
        .chain([DAYS.symbol])
        .collect();
    let (last, rest) = symbols.split_last().expect("UNITS is not empty");
    format!("{}{last_separator}{last}", rest.join(separator))
}

/// The longest duration k6 can hold: Go's `time.Duration` is an `i64` of
/// nanoseconds (about 292 years). Longer ones parse here and are refused by
/// validation, with this limit in the message.
pub const MAX_GO_DURATION: Duration = Duration::new(9_223_372_036, 854_775_807);

/// What is wrong with a duration's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationProblem {
    /// The text is empty.
    Empty,
    /// It starts with `-`: no k6 option takes a negative duration.
    Negative,
    /// A unit or a stray `.` where a number belongs (`s`, `1..2s`).
    NoNumber,
    /// A number without a unit (`30`, `1s2`).
    NoUnit,
    /// A unit Go does not know (`sec`, `min`); holds the unit as written.
    UnknownUnit(String),
    /// Days that are not the leading whole number (`1h2d`, `1.5d`).
    DaysNotLeading,
    /// More than `u64::MAX` seconds.
    TooLarge,
}

impl DurationProblem {
    /// The reason in words, as the library reports it.
    pub fn reason(&self) -> &'static str {
        match self {
            DurationProblem::Empty => "it is empty",
            DurationProblem::Negative => "it is negative",
            DurationProblem::NoNumber => "expected a number",
            DurationProblem::NoUnit => "a number has no unit",
            DurationProblem::UnknownUnit(_) => {
                "unknown unit (use ns, us, ms, s, m, h, or a leading d)"
            }
            DurationProblem::DaysNotLeading => {
                "days (`d`) may only come first, as a whole number, such as `1d12h`"
            }
            DurationProblem::TooLarge => "number too large",
        }
    }
}

/// Why a duration's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    input: String,
    problem: DurationProblem,
}

impl DurationError {
    /// The text that was read.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &DurationProblem {
        &self.problem
    }
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid duration `{}`: {} (write it like `1m30s`, `500ms` or `2h`)",
            self.input,
            self.problem.reason()
        )
    }
}

impl std::error::Error for DurationError {}

/// Reads a duration in k6's syntax: Go's `time.ParseDuration` with an optional
/// leading whole number of days. `0` alone is zero (as in Go); negative durations
/// are refused, because no k6 option takes one.
///
/// ```
/// use std::time::Duration;
/// use k6dsl_facts::duration::{parse_duration, DurationProblem};
///
/// assert_eq!(parse_duration("1h0m0s"), Ok(Duration::from_secs(3600)));
/// assert_eq!(parse_duration(".5s"), Ok(Duration::from_millis(500)));
/// assert_eq!(parse_duration("1d2h"), Ok(Duration::from_secs(26 * 3600)));
/// assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
/// let error = parse_duration("1h2d").unwrap_err();
/// assert_eq!(error.problem(), &DurationProblem::DaysNotLeading);
/// let error = parse_duration("30sec").unwrap_err();
/// assert_eq!(error.problem(), &DurationProblem::UnknownUnit("sec".into()));
/// ```
pub fn parse_duration(input: &str) -> Result<Duration, DurationError> {
    let fail = |problem| DurationError {
        input: input.to_owned(),
        problem,
    };
    if input == "0" {
        return Ok(Duration::ZERO);
    }
    if input.is_empty() {
        return Err(fail(DurationProblem::Empty));
    }
    if input.starts_with('-') {
        return Err(fail(DurationProblem::Negative));
    }
    let mut rest = input.strip_prefix('+').unwrap_or(input);
    let mut total_nanos: u128 = 0;
    let mut first = true;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(fail(DurationProblem::NoNumber));
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit_nanos = match UNITS.iter().find(|u| u.symbol == unit) {
            Some(known) => u128::from(known.nanos),
            None if unit == DAYS.symbol => {
                if !first || number.contains('.') {
                    return Err(fail(DurationProblem::DaysNotLeading));
                }
                u128::from(DAYS.nanos)
            }
            None if unit.is_empty() => return Err(fail(DurationProblem::NoUnit)),
            None => return Err(fail(DurationProblem::UnknownUnit(unit.to_owned()))),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| fail(DurationProblem::TooLarge))?
        };
        let mut part = whole
            .checked_mul(unit_nanos)
            .ok_or_else(|| fail(DurationProblem::TooLarge))?;
        // Digits past the nanosecond add nothing (Go drops them too).
        let mut scale = unit_nanos;
        for digit in fraction.bytes().take(18) {
            scale /= 10;
            part += u128::from(digit - b'0') * scale;
        }
        total_nanos = total_nanos
            .checked_add(part)
            .ok_or_else(|| fail(DurationProblem::TooLarge))?;
        rest = after;
        first = false;
    }
    let secs =
        u64::try_from(total_nanos / 1_000_000_000).map_err(|_| fail(DurationProblem::TooLarge))?;
    Ok(Duration::new(secs, (total_nanos % 1_000_000_000) as u32))
}

/// Writes a duration the way a person writes it for k6: largest units first, zero
/// parts left out, fractions of a second as a decimal (`1m30s`, `2h`, `1.5s`,
/// `500ms`, `0s`). [`parse_duration`] reads every such text back exactly.
///
/// ```
/// use std::time::Duration;
/// use k6dsl_facts::duration::go_duration;
///
/// assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
/// assert_eq!(go_duration(Duration::from_secs(7200)), "2h");
/// assert_eq!(go_duration(Duration::from_millis(250)), "250ms");
/// assert_eq!(go_duration(Duration::ZERO), "0s");
/// ```
pub fn go_duration(duration: Duration) -> String {
    GoDuration(duration).to_string()
}

/// [`Display`](fmt::Display) adapter for [`go_duration`].
///
/// ```
/// use std::time::Duration;
/// use k6dsl_facts::duration::GoDuration;
/// assert_eq!(format!("after {}", GoDuration(Duration::from_micros(1500))), "after 1.5ms");
/// ```
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
    let fraction = value % scale;
    if fraction == 0 {
        return write!(f, "{whole}{unit}");
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    write!(f, "{whole}.{}{unit}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> DurationProblem {
        parse_duration(text).unwrap_err().problem().clone()
    }

    #[test]
    fn reads_what_go_and_k6_read() {
        let cases = [
            ("30s", Duration::from_secs(30)),
            ("1m30s", Duration::from_secs(90)),
            ("500ms", Duration::from_millis(500)),
            ("1.5s", Duration::from_millis(1500)),
            ("1.s", Duration::from_secs(1)),
            (".5s", Duration::from_millis(500)),
            ("+2s", Duration::from_secs(2)),
            ("1h0m0s", Duration::from_secs(3600)),
            ("1m0.5s", Duration::from_millis(60_500)),
            ("10us", Duration::from_micros(10)),
            ("10\u{b5}s", Duration::from_micros(10)),
            ("10\u{3bc}s", Duration::from_micros(10)),
            ("7ns", Duration::from_nanos(7)),
            ("2d", Duration::from_secs(48 * 3600)),
            ("1d12h", Duration::from_secs(36 * 3600)),
            ("0", Duration::ZERO),
            ("0s", Duration::ZERO),
            ("1.0000000001s", Duration::from_secs(1)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn refuses_what_k6_refuses() {
        // k6: `strconv.ParseInt` of what precedes the first `d` fails.
        assert_eq!(problem("1h2d"), DurationProblem::DaysNotLeading);
        assert_eq!(problem("1.5d"), DurationProblem::DaysNotLeading);
        assert_eq!(problem("1d2d"), DurationProblem::DaysNotLeading);
        // Go: `time: missing unit`, `time: unknown unit`, `time: invalid duration`.
        assert_eq!(problem("1s2"), DurationProblem::NoUnit);
        assert_eq!(problem("30"), DurationProblem::NoUnit);
        assert_eq!(problem("30sec"), DurationProblem::UnknownUnit("sec".into()));
        assert_eq!(
            problem("5 minutes"),
            DurationProblem::UnknownUnit(" minutes".into())
        );
        assert_eq!(problem("s"), DurationProblem::NoNumber);
        assert_eq!(problem("1..2s"), DurationProblem::NoNumber);
        assert_eq!(problem("."), DurationProblem::NoNumber);
        assert_eq!(problem(""), DurationProblem::Empty);
        assert_eq!(problem("-1s"), DurationProblem::Negative);
        assert_eq!(
            problem("99999999999999999999999999999999999999999h"),
            DurationProblem::TooLarge
        );
    }

    #[test]
    fn writes_what_it_reads() {
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
            assert_eq!(parse_duration(text), Ok(duration), "{text}");
        }
    }

    #[test]
    fn messages_name_the_text_and_the_reason() {
        let error = parse_duration("5 minutes").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid duration `5 minutes`: unknown unit (use ns, us, ms, s, m, h, or a leading d) (write it like `1m30s`, `500ms` or `2h`)"
        );
        assert_eq!(error.input(), "5 minutes");
    }
}
