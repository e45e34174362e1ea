//! Thresholds judged on merged data with k6's semantics: its expression grammar
//! (`metrics/thresholds_parser.go`), the value each aggregation method takes from
//! a sink (`metrics/thresholds.go`, `Thresholds.Run`), and what k6 does with a
//! metric that received no samples (the final evaluation does not skip empty
//! sinks: a Trend is judged at 0, a Counter or Gauge at 0, a Rate not at all).

use std::fmt;

use super::series::Series;
use crate::model::{Comparison, MetricKind, Stat};
use crate::run::Outcome;

/// A threshold expression as k6 reads it: `METHOD OP NUMBER`.
///
/// ```
/// use k6dsl::model::{Comparison, Stat};
/// use k6dsl::results::merge::Expression;
///
/// let e = Expression::parse(" p(99.9) <= 250 ")?;
/// assert_eq!((e.stat, e.op, e.bound), (Stat::Percentile(99.9), Comparison::Le, 250.0));
/// assert!(Expression::parse("avg<200ms").is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expression {
    /// The aggregation method.
    pub stat: Stat,
    /// The comparison.
    pub op: Comparison,
    /// The number on the right.
    pub bound: f64,
}

impl Expression {
    /// Parses `source` as k6 does: the first operator (in k6's order) with text
    /// after it splits the expression; both sides are trimmed; the left side is an
    /// aggregation method or `p(N)`, the right a number.
    ///
    /// # Errors
    ///
    /// What is wrong with it, in words.
    pub fn parse(source: &str) -> Result<Expression, String> {
        let (left, op, right) = Comparison::PARSE_ORDER
            .iter()
            .find_map(|op| {
                let (left, right) = source.split_once(op.symbol())?;
                (!right.is_empty()).then_some((left.trim(), *op, right.trim()))
            })
            .ok_or_else(|| format!("`{source}` has no comparison (<, <=, >, >=, ==, ===, !=)"))?;
        // k6 reads a percentile with Go's ParseFloat, which takes no spaces.
        let stat = Stat::parse(left).filter(|_| !left.contains(char::is_whitespace));
        let stat = stat.ok_or_else(|| {
            format!(
                "`{left}` in `{source}` is not an aggregation method \
                 (count, rate, value, avg, min, med, max, p(N))"
            )
        })?;
        let bound = go_float(right)
            .ok_or_else(|| format!("`{right}` in `{source}` is not a number (no units)"))?;
        Ok(Expression { stat, op, bound })
    }

    /// Whether `value OP bound` holds, as k6 compares (`==` is `===`).
    ///
    /// ```
    /// let e = k6dsl::results::merge::Expression::parse("rate<0.01")?;
    /// assert!(e.holds(0.0) && !e.holds(0.01));
    /// # Ok::<(), String>(())
    /// ```
    pub fn holds(&self, value: f64) -> bool {
        match self.op {
            Comparison::Lt => value < self.bound,
            Comparison::Le => value <= self.bound,
            Comparison::Gt => value > self.bound,
            Comparison::Ge => value >= self.bound,
            Comparison::Eq | Comparison::LooseEq => value == self.bound,
            Comparison::Ne => value != self.bound,
        }
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.stat.k6_name(),
            self.op.symbol(),
            crate::model::plain_number(self.bound)
        )
    }
}

/// A number as Go's `strconv.ParseFloat` reads a threshold's: decimal, with an
/// optional sign and exponent (`inf` and `nan` too; no hexadecimal, no spaces).
fn go_float(text: &str) -> Option<f64> {
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    let word = matches!(
        text.trim_start_matches(['+', '-'])
            .to_ascii_lowercase()
            .as_str(),
        "inf" | "infinity" | "nan"
    );
    if !(plain || word) || text.is_empty() {
        return None;
    }
    text.parse().ok()
}

/// A threshold's judgement: its outcome and the value it compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Judgement {
    pub(super) outcome: Outcome,
    pub(super) observed: Option<f64>,
}

/// Judges `expression` on a series of a metric of `kind` as k6's final evaluation
/// does, `seconds` being the test's duration (a Counter's `rate` divides by it).
/// `series` is `None` when the metric received no sample at all.
///
/// - A statistic k6 does not allow on the kind: `Err` (k6 refuses to start).
/// - A Rate without samples: k6 has no `rate` to compare and skips the threshold,
///   which is [`Outcome::NoSamples`].
/// - A Trend without samples: k6 compares 0; held, that is
///   [`Outcome::NoSamples`] (it judged nothing), crossed, [`Outcome::Failed`].
/// - A Counter or Gauge without samples: judged at 0 ([`Outcome::Passed`] or
///   [`Outcome::Failed`]), as [`Outcome`]'s documentation says.
pub(super) fn judge(
    expression: &Expression,
    kind: MetricKind,
    series: Option<&Series>,
    seconds: f64,
) -> Result<Judgement, String> {
    if !expression.stat.applies_to(kind) {
        return Err(format!(
            "k6 does not allow `{}` on a {} metric (it would refuse to start)",
            expression.stat.k6_name(),
            kind.k6_name()
        ));
    }
    if let Stat::Percentile(p) = expression.stat {
        if !k6dsl_facts::metric::PERCENTILES.contains(&p) {
            return Err(format!(
                "p({p}) is outside 0..100 (k6 v1.1 panics on it mid-run, exit 109)"
            ));
        }
    }
    let count = series.map_or(0, |s| s.count);
    let value = match kind {
        MetricKind::Rate if count == 0 => {
            return Ok(Judgement {
                outcome: Outcome::NoSamples,
                observed: None,
            })
        }
        _ => series.map_or(0.0, |s| stat_value(s, kind, expression.stat, seconds)),
    };
    let holds = expression.holds(value);
    let outcome = match (holds, count, kind) {
        (true, 0, MetricKind::Trend) => Outcome::NoSamples,
        (true, _, _) => Outcome::Passed,
        (false, _, _) => Outcome::Failed,
    };
    Ok(Judgement {
        outcome,
        observed: (outcome != Outcome::NoSamples).then_some(value),
    })
}

/// The value k6 puts in its sink map for `stat` (`Thresholds.Run`).
pub(super) fn stat_value(series: &Series, kind: MetricKind, stat: Stat, seconds: f64) -> f64 {
    match (kind, stat) {
        (MetricKind::Counter, Stat::Rate) => series.sum / seconds,
        (MetricKind::Counter, _) => series.sum,
        (MetricKind::Gauge, _) => series.last,
        (MetricKind::Rate, _) => series.non_zero as f64 / series.count as f64,
        (MetricKind::Trend, Stat::Min) => series.trend_min(),
        (MetricKind::Trend, Stat::Max) => series.trend_max(),
        (MetricKind::Trend, Stat::Avg) => series.avg(),
        (MetricKind::Trend, Stat::Med) => series.quantile(0.5),
        (MetricKind::Trend, Stat::Percentile(p)) => series.quantile(p / 100.0),
        (MetricKind::Trend, _) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::merge::series::{Allowance, Budget};

    #[test]
    fn k6s_grammar() {
        let parse = |s: &str| Expression::parse(s).map(|e| e.to_string());
        assert_eq!(parse("p(95)<500").unwrap(), "p(95)<500");
        assert_eq!(parse("rate === 1").unwrap(), "rate===1");
        assert_eq!(parse("rate==1").unwrap(), "rate==1");
        assert_eq!(parse("count != 0").unwrap(), "count!=0");
        assert_eq!(parse("max>=1e3").unwrap(), "max>=1000");
        assert!(parse("p( 95 )<1").is_err());
        assert!(parse("avg<200ms").is_err());
        assert!(parse("mean<200").is_err());
        assert!(parse("avg<").is_err());
        assert!(parse("avg").is_err());
        assert!(parse("avg<0x10").is_err());
    }

    fn series(kind: MetricKind, values: &[f64]) -> Series {
        let budget = Budget::new(u64::MAX);
        let mut allowance = Allowance::new(&budget);
        let mut s = Series::new(Some(kind));
        for (t, v) in values.iter().enumerate() {
            s.add(t as i64, *v, &mut allowance);
        }
        s.finish();
        s
    }

    #[test]
    fn no_samples_follow_k6() {
        let e = |s: &str| Expression::parse(s).unwrap();
        let empty_trend = series(MetricKind::Trend, &[]);
        let judged = |x: &str, kind, s: Option<&Series>| judge(&e(x), kind, s, 10.0).unwrap();
        // k6 compares 0 for an empty Trend: `min>10` FAILED, `avg<5` held.
        assert_eq!(
            judged("min>10", MetricKind::Trend, Some(&empty_trend)).outcome,
            Outcome::Failed
        );
        assert_eq!(
            judged("avg<5", MetricKind::Trend, None),
            Judgement {
                outcome: Outcome::NoSamples,
                observed: None
            }
        );
        assert_eq!(
            judged("rate>0.5", MetricKind::Rate, None).outcome,
            Outcome::NoSamples
        );
        assert_eq!(
            judged("count>0", MetricKind::Counter, None).outcome,
            Outcome::Failed
        );
        assert_eq!(
            judged("value<100", MetricKind::Gauge, None).outcome,
            Outcome::Passed
        );
        let reqs = series(MetricKind::Counter, &[1.0, 1.0, 1.0]);
        assert_eq!(
            judged("rate>0.2", MetricKind::Counter, Some(&reqs)).observed,
            Some(0.3)
        );
        assert!(judge(&e("count>0"), MetricKind::Trend, None, 1.0).is_err());
        assert!(judge(&e("p(101)<1"), MetricKind::Trend, None, 1.0).is_err());
    }
}
