//! RFC 3339 times as k6 writes them (Go's `RFC3339Nano`, in the local zone).
//!
//! Written by hand on purpose: it runs once per sample (millions in a long run,
//! see `benches/stream.rs`), reads only the one layout k6 writes, and allocates
//! nothing; a date-time crate would be a large dependency for this one function.

/// Nanoseconds since the Unix epoch of `2026-11-25T17:25:52.718609334Z` or
/// `2026-11-25T18:25:52.7+01:00`; `None` when it is not such a time.
pub(crate) fn parse_rfc3339_nanos(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let mut n = 0i64;
        for &c in &b[range] {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset_seconds = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let minutes = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(seconds * 1_000_000_000 + nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339_nanos as p;

    #[test]
    fn times() {
        assert_eq!(p("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(p("1970-01-01T00:00:01.5Z"), Some(1_500_000_000));
        assert_eq!(
            p("2026-11-25T17:25:52.718609334Z"),
            Some(1_795_627_552_718_609_334)
        );
        assert_eq!(
            p("2026-11-25T18:25:52.718609334+01:00"),
            p("2026-11-25T17:25:52.718609334Z")
        );
        assert_eq!(p("2000-03-01T00:00:00Z"), Some(951_868_800_000_000_000));
        assert_eq!(p("2026-11-25T17:25:52"), None);
        assert_eq!(p("2026-11-25T17:25:52.Z"), None);
        assert_eq!(p("2026-13-25T17:25:52Z"), None);
    }
}
