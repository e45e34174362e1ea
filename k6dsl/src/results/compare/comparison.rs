//! [`Comparison`]: every compared statistic with its verdict, and its table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::{split_key, tag_of, Baseline, Direction, Stat, Tolerance, Tolerances};
use crate::model::MetricKind;

/// How one statistic fared.
///
/// ```
/// use k6dsl::results::compare::Status;
/// assert!(Status::Regressed.is_regression());
/// assert!(!Status::Changed.is_regression());
/// assert_eq!(Status::Improved.to_string(), "improved");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Worse than the baseline by more than the tolerance (or missing, when
    /// [`Tolerances::missing_is_regression`]).
    Regressed,
    /// Better than the baseline by more than the tolerance.
    Improved,
    /// Moved beyond the tolerance, on a metric with no known direction.
    Changed,
    /// Within the tolerance.
    Unchanged,
    /// In the current run only.
    New,
    /// In the baseline only.
    Missing,
}

impl Status {
    /// Whether this fails the comparison. [`Status::Missing`] does only when the
    /// tolerances say so, which [`Entry::status`] already reflects as `Regressed`.
    ///
    /// ```
    /// assert!(!k6dsl::results::compare::Status::New.is_regression());
    /// ```
    pub fn is_regression(self) -> bool {
        self == Status::Regressed
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Regressed => "REGRESSED",
            Status::Improved => "improved",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::New => "new",
            Status::Missing => "missing",
        })
    }
}

/// What a series of past runs says about one statistic.
///
/// ```
/// use k6dsl::results::compare::Spread;
/// let s = Spread { runs: 3, min: 90.0, max: 110.0, drift: Some(0.05) };
/// assert!(s.max >= s.min);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// How many past runs had this statistic.
    pub runs: usize,
    /// The smallest past value.
    pub min: f64,
    /// The largest past value.
    pub max: f64,
    /// The trend over the past runs and the current one (a Theil–Sen slope: the
    /// median of the slopes between every two runs, so one bad run does not swing
    /// it), as the change it amounts to across that window relative to the median
    /// (`0.2`: drifted up 20%); `None` with fewer than two points or a zero median.
    pub drift: Option<f64>,
}

/// One compared statistic.
///
/// ```
/// use k6dsl::results::compare::{Baseline, Stat, Status, Tolerances};
/// let base = Baseline::new().rate("http_req_failed", 0.0);
/// let now = Baseline::new().rate("http_req_failed", 0.05);
/// let comparison = base.compare(&now, &Tolerances::default());
/// let entry = comparison.get("http_req_failed", Stat::Rate).unwrap();
/// assert_eq!(entry.status, Status::Regressed);
/// assert_eq!(entry.limit(), Some(0.01));
/// assert_eq!(entry.change(), Some(0.05));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The metric key (`http_req_duration{endpoint:login}`).
    pub key: String,
    /// The statistic.
    pub stat: Stat,
    /// The baseline's value (the median, against a series).
    pub baseline: Option<f64>,
    /// The current run's value.
    pub current: Option<f64>,
    /// The tolerance applied.
    pub tolerance: Tolerance,
    /// Which way is worse.
    pub direction: Direction,
    /// The verdict.
    pub status: Status,
    /// The past runs' spread, when compared against a [`Series`](super::Series).
    pub spread: Option<Spread>,
}

impl Entry {
    /// The metric name, without tags (`http_req_duration`).
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().rate("checks{endpoint:login}", 1.0);
    /// # let c = b.compare(&b, &Tolerances::default());
    /// assert_eq!(c.entries[0].metric(), "checks");
    /// ```
    pub fn metric(&self) -> &str {
        split_key(&self.key).0
    }

    /// The value of a tag of the sub-metric (`endpoint`), if it has it.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().rate("checks{endpoint:login}", 1.0);
    /// # let c = b.compare(&b, &Tolerances::default());
    /// assert_eq!(c.entries[0].tag("endpoint"), Some("login"));
    /// ```
    pub fn tag(&self, tag: &str) -> Option<&str> {
        tag_of(&self.key, tag)
    }

    /// `current - baseline`, when both exist.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().gauge("g", 2.0);
    /// # let c = b.compare(&Baseline::new().gauge("g", 3.0), &Tolerances::default());
    /// assert_eq!(c.entries[0].change(), Some(1.0));
    /// ```
    pub fn change(&self) -> Option<f64> {
        Some(self.current? - self.baseline?)
    }

    /// The change as a share of the baseline (`0.25`: 25% up), when the baseline is
    /// not zero.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().gauge("g", 2.0);
    /// # let c = b.compare(&Baseline::new().gauge("g", 3.0), &Tolerances::default());
    /// assert_eq!(c.entries[0].relative_change(), Some(0.5));
    /// ```
    pub fn relative_change(&self) -> Option<f64> {
        let baseline = self.baseline?;
        (baseline != 0.0).then(|| self.change().map(|c| c / baseline.abs()))?
    }

    /// The value past which the statistic regresses (for [`Direction::Unknown`], the
    /// upper end of the allowed band), when there is a baseline and a tolerance.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().counter("http_reqs", 100.0, 10.0);
    /// # let c = b.compare(&b, &Tolerances::default());
    /// assert_eq!(c.get("http_reqs", Stat::Rate).unwrap().limit(), Some(9.0));
    /// ```
    pub fn limit(&self) -> Option<f64> {
        let baseline = self.baseline?;
        let allowance = self.tolerance.allowance(baseline)?;
        Some(match self.direction {
            Direction::LowerIsWorse => baseline - allowance,
            Direction::HigherIsWorse | Direction::Unknown => baseline + allowance,
        })
    }

    fn limit_text(&self) -> String {
        match (self.limit(), self.direction) {
            (None, _) => "-".into(),
            (Some(limit), Direction::HigherIsWorse) => format!("<= {}", number(limit)),
            (Some(limit), Direction::LowerIsWorse) => format!(">= {}", number(limit)),
            (Some(limit), Direction::Unknown) => {
                let baseline = self.baseline.unwrap_or(0.0);
                format!("{}..{}", number(2.0 * baseline - limit), number(limit))
            }
        }
    }
}

/// Every compared statistic of a run, with the verdict. `Display` prints a summary
/// line and a table of what is not unchanged, regressions first.
///
/// ```
/// use k6dsl::results::compare::{Baseline, Stat, Tolerances};
/// let base = Baseline::new().trend("http_req_duration{endpoint:login}", [(Stat::P95, 100.0)]);
/// let now = Baseline::new().trend("http_req_duration{endpoint:login}", [(Stat::P95, 150.0)]);
/// let comparison = base.compare(&now, &Tolerances::default());
/// let table = comparison.to_string();
/// assert!(table.contains("http_req_duration{endpoint:login} | p(95)"), "{table}");
/// assert!(table.contains("REGRESSED"), "{table}");
/// assert_eq!(comparison.endpoint("login").count(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// What the run was compared with (`baseline "v1.2"`, `median of 5 runs`).
    pub reference: String,
    /// Every compared statistic, by metric key then statistic.
    pub entries: Vec<Entry>,
}

impl Comparison {
    /// Whether any statistic regressed: a CLI exits non-zero on it.
    ///
    /// ```no_run
    /// # let comparison: k6dsl::results::compare::Comparison = unimplemented!();
    /// if comparison.is_regression() {
    ///     eprintln!("{comparison}");
    ///     std::process::exit(1);
    /// }
    /// ```
    pub fn is_regression(&self) -> bool {
        self.entries.iter().any(|e| e.status.is_regression())
    }

    /// The statistics that regressed.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// # let b = Baseline::new().rate("checks", 1.0);
    /// assert_eq!(b.compare(&b, &Tolerances::default()).regressions().count(), 0);
    /// ```
    pub fn regressions(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.status.is_regression())
    }

    /// One statistic of one metric key.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Status, Tolerances};
    /// # let b = Baseline::new().rate("checks", 1.0);
    /// let entry = b.compare(&b, &Tolerances::default()).get("checks", Stat::Rate).cloned().unwrap();
    /// assert_eq!(entry.status, Status::Unchanged);
    /// ```
    pub fn get(&self, key: &str, stat: Stat) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key && e.stat == stat)
    }

    /// The statistics of the sub-metrics of one endpoint: keys tagged
    /// `endpoint:NAME` or `name:NAME`.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Stat, Tolerances};
    /// # let b = Baseline::new().trend("http_req_duration{name:login}", [(Stat::Avg, 1.0)]);
    /// assert_eq!(b.compare(&b, &Tolerances::default()).endpoint("login").count(), 1);
    /// ```
    pub fn endpoint<'a>(&'a self, endpoint: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.tag("endpoint") == Some(endpoint) || e.tag("name") == Some(endpoint))
    }

    /// Panics with the table when any statistic regressed: for tests.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// let b = k6dsl::results::compare::Baseline::new().rate("checks", 1.0);
    /// b.compare(&b, &Tolerances::default()).assert_no_regression();
    /// ```
    #[track_caller]
    pub fn assert_no_regression(&self) {
        if self.is_regression() {
            panic!("{self}");
        }
    }

    /// The comparison as pretty JSON, for a CI artifact or a dashboard: the reference
    /// and every entry with its key, stat, values, tolerance, direction, status and
    /// spread.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// let b = k6dsl::results::compare::Baseline::new().rate("checks", 1.0);
    /// let json = b.compare(&b, &Tolerances::default()).to_json();
    /// assert!(json.contains(r#""status": "unchanged""#), "{json}");
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a comparison is plain data") + "\n"
    }

    /// A table of every compared statistic, unchanged ones included.
    ///
    /// ```
    /// # use k6dsl::results::compare::{Baseline, Tolerances};
    /// let b = k6dsl::results::compare::Baseline::new().rate("checks", 1.0);
    /// assert!(b.compare(&b, &Tolerances::default()).full_table().contains("unchanged"));
    /// ```
    pub fn full_table(&self) -> String {
        self.table(self.entries.iter().collect())
    }

    fn table(&self, mut entries: Vec<&Entry>) -> String {
        entries.sort_by_key(|e| e.status);
        let with_spread = entries.iter().any(|e| e.spread.is_some());
        let mut header = vec![
            "metric", "stat", "baseline", "current", "change", "limit", "status",
        ];
        if with_spread {
            header.extend(["past range", "drift"]);
        }
        let opt = |v: Option<f64>| v.map_or_else(|| "-".into(), number);
        let rows: Vec<Vec<String>> = entries
            .iter()
            .map(|e| {
                let change = match (e.change(), e.relative_change()) {
                    (Some(c), Some(r)) => format!("{}{} ({:+.1}%)", sign(c), number(c), r * 100.0),
                    (Some(c), None) => format!("{}{}", sign(c), number(c)),
                    _ => "-".into(),
                };
                let mut row = vec![
                    e.key.clone(),
                    e.stat.to_string(),
                    opt(e.baseline),
                    opt(e.current),
                    change,
                    e.limit_text(),
                    e.status.to_string(),
                ];
                if with_spread {
                    match e.spread {
                        Some(s) => {
                            row.push(format!(
                                "{}..{} ({} runs)",
                                number(s.min),
                                number(s.max),
                                s.runs
                            ));
                            row.push(
                                s.drift
                                    .map_or_else(|| "-".into(), |d| format!("{:+.1}%", d * 100.0)),
                            );
                        }
                        None => row.extend(["-".to_string(), "-".to_string()]),
                    }
                }
                row
            })
            .collect();
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[&str]| -> String {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            format!("  | {} |\n", padded.join(" | "))
        };
        let mut out = line(&header);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("  |-{}-|\n", rule.join("-|-")));
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            out.push_str(&line(&cells));
        }
        out
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |status: Status| self.entries.iter().filter(|e| e.status == status).count();
        let regressed = count(Status::Regressed);
        writeln!(
            f,
            "compared with {}: {} statistics, {regressed} regressed, {} improved, {} changed, {} new, {} missing",
            self.reference,
            self.entries.len(),
            count(Status::Improved),
            count(Status::Changed),
            count(Status::New),
            count(Status::Missing),
        )?;
        let notable: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.status != Status::Unchanged)
            .collect();
        if !notable.is_empty() {
            if regressed > 0 {
                writeln!(f, "changes, regressions first:")?;
            }
            f.write_str(&self.table(notable))?;
        }
        Ok(())
    }
}

fn sign(value: f64) -> &'static str {
    if value > 0.0 {
        "+"
    } else {
        ""
    }
}

pub(super) fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.abs() >= 100.0 {
        format!("{value:.1}")
    } else {
        let text = format!("{value:.4}");
        let text = text.trim_end_matches('0');
        text.strip_suffix('.').unwrap_or(text).to_owned()
    }
}

/// The shared comparison: `reference` is the baseline (medians, for a series) and
/// `spreads` what the series says per key and statistic.
pub(super) fn compare_with(
    label: String,
    reference: &Baseline,
    spreads: Option<&BTreeMap<(String, Stat), Spread>>,
    current: &Baseline,
    tolerances: &Tolerances,
) -> Comparison {
    let keys: BTreeSet<&String> = reference
        .metrics
        .keys()
        .chain(current.metrics.keys())
        .collect();
    let mut entries = Vec::new();
    for key in keys {
        let before = reference.metrics.get(key);
        let after = current.metrics.get(key);
        let kind = before.or(after).map_or(MetricKind::Trend, |m| m.kind);
        let stats: BTreeSet<Stat> = before
            .into_iter()
            .chain(after)
            .flat_map(|m| m.stats.keys().copied())
            .collect();
        for stat in stats {
            let (tolerance, direction) = tolerances.resolve(key, kind, stat);
            if tolerance == Tolerance::Ignore {
                continue;
            }
            let baseline = before.and_then(|m| m.stats.get(&stat).copied());
            let now = after.and_then(|m| m.stats.get(&stat).copied());
            let status = match (baseline, now) {
                (Some(b), Some(c)) => judge(b, c, tolerance, direction),
                (None, _) => Status::New,
                (Some(_), None) if tolerances.missing_is_regression => Status::Regressed,
                (Some(_), None) => Status::Missing,
            };
            entries.push(Entry {
                key: key.clone(),
                stat,
                baseline,
                current: now,
                tolerance,
                direction,
                status,
                spread: spreads.and_then(|s| s.get(&(key.clone(), stat)).copied()),
            });
        }
    }
    Comparison {
        reference: label,
        entries,
    }
}

fn judge(baseline: f64, current: f64, tolerance: Tolerance, direction: Direction) -> Status {
    let allowance = tolerance.allowance(baseline).unwrap_or(f64::INFINITY);
    let change = current - baseline;
    let (worse, better) = match direction {
        Direction::HigherIsWorse => (change > allowance, change < -allowance),
        Direction::LowerIsWorse => (change < -allowance, change > allowance),
        Direction::Unknown => {
            return if change.abs() > allowance {
                Status::Changed
            } else {
                Status::Unchanged
            }
        }
    };
    if worse {
        Status::Regressed
    } else if better {
        Status::Improved
    } else {
        Status::Unchanged
    }
}
