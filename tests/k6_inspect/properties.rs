//! Randomly generated valid models are all accepted by k6, which reads back what the
//! model says.
//!
//! The strategies make plain-data plans (shown, shrunk, when a case fails); `check`
//! turns a plan into a [`Script`] through the public builders only, as the matrix
//! above does: 1 to 4 scenarios of every executor with each optional field present or
//! absent, or a shortcut, or neither; scenario fields with awkward strings; custom
//! and built-in metrics with thresholds of every statistic and operator, tag, scenario
//! and group selectors, `abortOnFail` and `delayAbortEval`; and general options. Every
//! plan keeps k6dsl's rules by construction, so `to_javascript()` failing fails the
//! test too. Each case runs k6 once: 64 cases by default, `PROPTEST_CASES` to change.

use super::*;

use std::num::{NonZeroU32, NonZeroU64};
use std::ops::RangeInclusive;

use k6dsl::codegen::is_identifier;
use k6dsl::metric::kind::Kind;
use k6dsl::metric::{Metric, PendingThreshold, Threshold};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};

/// Integers JavaScript holds exactly (k6dsl rejects larger counts and rates).
const MAX_SAFE: u64 = (1 << 53) - 1;
/// The longest duration Go (and so k6) can hold, in nanoseconds.
const MAX_GO_NANOS: u64 = i64::MAX as u64;

/// Flow names that collide with what the module imports or relies on
/// (`export function Counter() {}` beside `import { Counter }` throws in init):
/// k6dsl rejects them (tests/validation_vs_k6.rs), so valid models never have them.
use k6dsl::validate::MODULE_NAMES;

// -----------------------------------------------------------------------------
// Text
// -----------------------------------------------------------------------------

/// A piece of awkward but legal text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z0-9_-]{1,6}",
        1 => Just(" ".to_owned()),
        1 => Just("\"".to_owned()),
        1 => Just("'".to_owned()),
        1 => Just("`${x}`".to_owned()),
        1 => Just(":".to_owned()),
        1 => Just("::".to_owned()),
        1 => Just(",".to_owned()),
        1 => Just("{}".to_owned()),
        1 => Just("\\".to_owned()),
        1 => Just("=".to_owned()),
        1 => Just("\n\t\r".to_owned()),
        1 => Just("\u{0}\u{11}\u{7f}".to_owned()),
        1 => Just("\u{2028}\u{2029}".to_owned()),
        1 => Just("ünïcödé ✓ 日本 😀".to_owned()),
        1 => Just("</script>".to_owned()),
        1 => any::<char>().prop_map(String::from),
    ]
}

/// Text of `pieces` pieces (never empty when `pieces` starts above 0).
fn text(pieces: RangeInclusive<usize>) -> BoxedStrategy<String> {
    prop::collection::vec(piece(), pieces)
        .prop_map(|parts| parts.concat())
        .boxed()
}

/// Keys JavaScript gives a meaning to, or that look like numbers.
const ODD_KEYS: &[&str] = &[
    "constructor",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "0",
    "1",
    "2.5",
    "007",
    "1e3",
    "-1",
    "NaN",
    "Infinity",
    "null",
    "default",
    "scenario",
    "__proto__",
];

/// A non-empty map key (scenario tags and env, test-wide tags, `ext`).
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(1..=3),
        1 => prop::sample::select(ODD_KEYS).prop_map(str::to_owned),
    ]
}

/// An environment variable name: non-empty, without `=` or NUL.
fn env_key() -> impl Strategy<Value = String> {
    key().prop_map(|key| key.replace(['=', '\0'], "_"))
}

/// Text k6 reads back unchanged in a threshold selector: none of `forbidden`, and
/// nothing k6 trims (spaces, then quotes) at either end.
fn selector_text(forbidden: &'static [char]) -> impl Strategy<Value = String> {
    text(1..=3).prop_map(move |text| {
        let mut text: String = text.chars().filter(|c| !forbidden.contains(c)).collect();
        loop {
            let trimmed = text.trim().trim_matches(['"', '\'']);
            if trimmed.len() == text.len() {
                break;
            }
            text = trimmed.to_owned();
        }
        if text.is_empty() {
            "t".to_owned()
        } else {
            text
        }
    })
}

/// Whether k6 reads `value` back unchanged as a selector tag value.
fn is_selector_value(value: &str) -> bool {
    !value.is_empty()
        && !value.contains([',', '}'])
        && value.trim().trim_matches(['"', '\'']) == value
}

// -----------------------------------------------------------------------------
// Numbers and durations
// -----------------------------------------------------------------------------

/// Any duration k6 can hold, mostly realistic ones.
fn duration() -> BoxedStrategy<Duration> {
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

fn positive_duration() -> impl Strategy<Value = Duration> {
    duration().prop_map(|d| d.max(Duration::from_nanos(1)))
}

/// At least 1s (durations of time-bound executors and shortcuts).
fn long_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        1 => Just(secs(1)),
        2 => (1u64..10_000).prop_map(secs),
        4 => (1_000_000_000u64..30 * 86_400 * 1_000_000_000).prop_map(Duration::from_nanos),
        1 => (1_000_000_000u64..=MAX_GO_NANOS).prop_map(Duration::from_nanos),
    ]
}

/// A positive VU count.
fn vus() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 1..=20u32,
        2 => 21..=100_000u32,
        1 => Just(100_000_000u32),
        1 => Just(u32::MAX),
    ]
}

fn vus_or_zero() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 4 => vus()]
}

/// A positive iteration count or rate JavaScript holds exactly.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 1..=1_000u64,
        2 => 1_001..=MAX_SAFE,
        1 => Just(MAX_SAFE),
    ]
}

fn count_or_zero() -> impl Strategy<Value = u64> {
    prop_oneof![1 => Just(0u64), 4 => count()]
}

/// VUs of a ramp. k6 plans a ramp VU by VU, so ramps stay small: a ramp from 0
/// to 100,000,000 VUs (k6's cap) is valid but takes k6 minutes and gigabytes.
fn ramp_target() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 3 => 1..=200u32]
}

/// Stages k6 accepts from a start value: some stage lasts, some value is positive.
fn stages_are_valid<T: Copy + Into<u64>>(start: u64, stages: &[(Duration, T)]) -> bool {
    stages.iter().any(|(d, _)| !d.is_zero())
        && (start > 0 || stages.iter().any(|&(_, t)| t.into() > 0))
}

/// Pre-allocated and maximum VUs of an arrival-rate executor: max >= pre, and some
/// VU to run.
fn arrival_vus() -> impl Strategy<Value = (u32, Option<u32>)> {
    (
        vus_or_zero(),
        prop::option::of(prop_oneof![0..=1_000u32, Just(u32::MAX)]),
    )
        .prop_map(|(pre, extra)| (pre, extra.map(|e| pre.saturating_add(e))))
        .prop_filter("some VU", |(pre, max)| *pre > 0 || max.unwrap_or(0) > 0)
}

/// Any finite threshold bound.
fn bound() -> impl Strategy<Value = f64> {
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
fn percentile() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        1 => Just(100.0),
        3 => (0u32..=100).prop_map(f64::from),
        3 => 0.0f64..=100.0,
        1 => (0u32..1_000_000).prop_map(|n| 99.0 + f64::from(n) / 1e6),
        1 => prop::sample::select(vec![f64::MIN_POSITIVE, 5e-324, 99.999_999_999_999_99]),
    ]
}

// -----------------------------------------------------------------------------
// Plans
// -----------------------------------------------------------------------------

/// An executor; `None` leaves a field to k6's default.
#[derive(Debug, Clone)]
enum ExecutorPlan {
    SharedIterations {
        vus: Option<u32>,
        iterations: Option<u64>,
        max_duration: Option<Duration>,
    },
    PerVuIterations {
        vus: Option<u32>,
        iterations: Option<u64>,
        max_duration: Option<Duration>,
    },
    ConstantVus {
        vus: Option<u32>,
        duration: Duration,
    },
    RampingVus {
        start_vus: Option<u32>,
        stages: Vec<(Duration, u32)>,
        graceful_ramp_down: Option<Duration>,
    },
    ConstantArrivalRate {
        rate: u64,
        time_unit: Option<Duration>,
        duration: Duration,
        vus: (u32, Option<u32>),
    },
    RampingArrivalRate {
        start_rate: Option<u64>,
        time_unit: Option<Duration>,
        stages: Vec<(Duration, u64)>,
        vus: (u32, Option<u32>),
    },
    ExternallyControlled {
        vus: Option<u32>,
        max_vus: Option<u32>,
        duration: Duration,
    },
}

fn executor() -> BoxedStrategy<ExecutorPlan> {
    use prop::option::of;
    let shared = (
        of(vus()),
        any::<bool>(),
        prop_oneof![0..=1_000u64, Just(MAX_SAFE)],
        of(long_duration()),
    )
        .prop_map(|(vus, has_iterations, extra, max_duration)| {
            // iterations (default 1) >= vus (default 1).
            let vus = if has_iterations { vus } else { vus.map(|_| 1) };
            let least = u64::from(vus.unwrap_or(1));
            ExecutorPlan::SharedIterations {
                vus,
                iterations: has_iterations.then(|| (least + extra).min(MAX_SAFE)),
                max_duration,
            }
        });
    let per_vu = (of(vus()), of(count()), of(long_duration())).prop_map(
        |(vus, iterations, max_duration)| ExecutorPlan::PerVuIterations {
            vus,
            iterations,
            max_duration,
        },
    );
    let constant_vus = (of(vus()), long_duration())
        .prop_map(|(vus, duration)| ExecutorPlan::ConstantVus { vus, duration });
    let ramping_vus = (
        of(ramp_target()),
        prop::collection::vec((duration(), ramp_target()), 1..=5),
        of(duration()),
    )
        .prop_filter("a valid ramp", |(start, stages, _)| {
            stages_are_valid(u64::from(start.unwrap_or(1)), stages)
        })
        .prop_map(
            |(start_vus, stages, graceful_ramp_down)| ExecutorPlan::RampingVus {
                start_vus,
                stages,
                graceful_ramp_down,
            },
        );
    let constant_rate = (
        count(),
        of(positive_duration()),
        long_duration(),
        arrival_vus(),
    )
        .prop_map(
            |(rate, time_unit, duration, vus)| ExecutorPlan::ConstantArrivalRate {
                rate,
                time_unit,
                duration,
                vus,
            },
        );
    let ramping_rate = (
        of(count_or_zero()),
        of(positive_duration()),
        prop::collection::vec((duration(), count_or_zero()), 1..=5),
        arrival_vus(),
    )
        .prop_filter("a valid ramp", |(start, _, stages, _)| {
            stages_are_valid(start.unwrap_or(0), stages)
        })
        .prop_map(
            |(start_rate, time_unit, stages, vus)| ExecutorPlan::RampingArrivalRate {
                start_rate,
                time_unit,
                stages,
                vus,
            },
        );
    let external = (
        of(vus_or_zero()),
        of(prop_oneof![0..=1_000u32, Just(u32::MAX)]),
        duration(),
    )
        .prop_map(
            |(vus, extra, duration)| ExecutorPlan::ExternallyControlled {
                vus,
                max_vus: extra.map(|e| vus.unwrap_or(0).saturating_add(e)),
                duration,
            },
        );
    prop_oneof![
        shared,
        per_vu,
        constant_vus,
        ramping_vus,
        constant_rate,
        ramping_rate,
        external
    ]
    .boxed()
}

/// An exported function scenarios can run.
#[derive(Debug, Clone)]
struct FlowPlan {
    name: String,
    pacing: Option<Duration>,
}

/// Legal flow names that are also names the generated module uses.
const ODD_FLOW_NAMES: &[&str] = &[
    "$", "_", "$flow", "_flow2", "BASE_URL", "__VU", "__ITER", "JSON", "console",
];

fn flow() -> BoxedStrategy<FlowPlan> {
    let name = prop_oneof![
        3 => "[a-zA-Z_$][a-zA-Z0-9_$]{0,10}".prop_filter("a flow name k6dsl allows", |name| {
            is_identifier(name)
                && !["options", "default", "setup", "teardown", "handleSummary"]
                    .contains(&name.as_str())
        }),
        1 => prop::sample::select(ODD_FLOW_NAMES).prop_map(str::to_owned),
    ]
    .prop_filter("a name k6dsl rejects", |name| {
        !MODULE_NAMES.contains(&name.as_str())
    });
    (name, prop::option::of((1u64..10_000).prop_map(millis)))
        .prop_map(|(name, pacing)| FlowPlan { name, pacing })
        .boxed()
}

#[derive(Debug, Clone)]
struct ScenarioPlan {
    name: String,
    executor: ExecutorPlan,
    start_time: Option<Duration>,
    graceful_stop: Option<Duration>,
    env: Vec<(String, String)>,
    tags: Vec<(String, String)>,
    /// Which flow it runs (`exec`), or `default`.
    flow: Option<Index>,
}

fn scenario() -> BoxedStrategy<ScenarioPlan> {
    (
        prop_oneof![
            4 => "[0-9a-zA-Z_-]{1,12}",
            1 => prop::sample::select(vec!["default", "constructor", "0", "-", "_", "__proto__"])
                .prop_map(str::to_owned),
        ],
        executor(),
        prop::option::of(duration()),
        prop::option::of(duration()),
        prop::collection::vec((env_key(), text(0..=3)), 0..=3),
        prop::collection::vec((key(), text(0..=3)), 0..=3),
        prop::option::of(any::<Index>()),
    )
        .prop_map(
            |(name, executor, start_time, graceful_stop, env, tags, flow)| {
                // k6 forbids gracefulStop on externally-controlled (k6dsl too).
                let graceful_stop = match executor {
                    ExecutorPlan::ExternallyControlled { .. } => None,
                    _ => graceful_stop,
                };
                ScenarioPlan {
                    name,
                    executor,
                    start_time,
                    graceful_stop,
                    env,
                    tags,
                    flow,
                }
            },
        )
        .boxed()
}

#[derive(Debug, Clone)]
enum ShortcutPlan {
    Duration {
        vus: u32,
        duration: Duration,
    },
    Iterations {
        vus: u32,
        iterations: u64,
        within: Option<Duration>,
    },
    Stages {
        start: u32,
        stages: Vec<(Duration, u32)>,
    },
}

fn shortcut() -> BoxedStrategy<ShortcutPlan> {
    prop_oneof![
        (vus(), long_duration())
            .prop_map(|(vus, duration)| ShortcutPlan::Duration { vus, duration }),
        (vus(), 0..=1_000u64, prop::option::of(long_duration())).prop_map(
            |(vus, extra, within)| ShortcutPlan::Iterations {
                vus,
                iterations: u64::from(vus) + extra,
                within,
            }
        ),
        (
            ramp_target(),
            prop::collection::vec((duration(), ramp_target()), 1..=5)
        )
            .prop_filter("a valid ramp", |(start, stages)| {
                stages_are_valid(u64::from(*start), stages)
            })
            .prop_map(|(start, stages)| ShortcutPlan::Stages { start, stages }),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
enum LoadPlan {
    Default,
    Shortcut(ShortcutPlan),
    Scenarios(Vec<ScenarioPlan>),
}

fn load() -> BoxedStrategy<LoadPlan> {
    prop_oneof![
        1 => Just(LoadPlan::Default),
        2 => shortcut().prop_map(LoadPlan::Shortcut),
        6 => prop::collection::vec(scenario(), 1..=4).prop_map(|mut list| {
            // Scenario names are unique.
            let mut seen = BTreeSet::new();
            for scenario in &mut list {
                while !seen.insert(scenario.name.clone()) {
                    scenario.name.push('-');
                }
            }
            LoadPlan::Scenarios(list)
        }),
    ]
    .boxed()
}

#[derive(Debug, Clone, Copy)]
enum CustomKind {
    Trend,
    TimeTrend,
    Counter,
    Rate,
    Gauge,
}

#[derive(Debug, Clone)]
struct MetricPlan {
    name: String,
    kind: CustomKind,
    /// Declared with `Script::metric` too (thresholds declare it anyway).
    declared: bool,
}

/// Legal metric names that are also names JavaScript or the module use.
const ODD_METRIC_NAMES: &[&str] = &[
    "__VU",
    "__ITER",
    "JSON",
    "Math",
    "console",
    "open",
    "exec",
    "data",
    "constructor",
    "toString",
    "hasOwnProperty",
    "BASE_URL",
    "options",
    "Counter",
    "Trend",
    "http",
    "undefined",
    "NaN",
    "Infinity",
    "default",
    "export",
    "sleep",
    "setup",
    "teardown",
    "handleSummary",
    "_0",
    "__proto__",
    "__ENV",
];

fn metric() -> BoxedStrategy<MetricPlan> {
    let name = prop_oneof![
        4 => "[a-zA-Z_][a-zA-Z0-9_]{1,20}",
        1 => "[a-zA-Z_][a-zA-Z0-9_]{128}",
        1 => prop::sample::select(ODD_METRIC_NAMES).prop_map(str::to_owned),
    ]
    .prop_filter("not a built-in metric", |name| {
        k6dsl_facts::metric::builtin(name).is_none()
    });
    let kind = prop::sample::select(vec![
        CustomKind::Trend,
        CustomKind::TimeTrend,
        CustomKind::Counter,
        CustomKind::Rate,
        CustomKind::Gauge,
    ]);
    (name, kind, any::<bool>())
        .prop_map(|(name, kind, declared)| MetricPlan {
            name,
            kind,
            declared,
        })
        .boxed()
}

#[derive(Debug, Clone)]
struct ThresholdPlan {
    /// A custom metric (when the case has any) or a built-in one.
    custom: bool,
    metric: Index,
    /// Which of the metric kind's statistics.
    stat: Index,
    percentile: f64,
    operator: Index,
    bound: f64,
    tags: Vec<(String, String)>,
    /// A scenario of the case (`default` without scenarios).
    scenario: Option<Index>,
    group: Option<Vec<String>>,
    /// `abortOnFail`, with `delayAbortEval` or not.
    abort: Option<Option<Duration>>,
}

/// A group path k6 reads back unchanged: names without `,`, `}` or `:`, the last
/// one not ending in what k6 trims.
fn group_path() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(1..=2), 1..=3).prop_map(|names| {
        let last = names.len() - 1;
        names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let mut name: String = name.replace([',', '}', ':'], "");
                if i == last {
                    name = name
                        .trim_end_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                        .to_owned();
                }
                if name.is_empty() {
                    "g".to_owned()
                } else {
                    name
                }
            })
            .collect()
    })
}

fn threshold() -> BoxedStrategy<ThresholdPlan> {
    (
        (any::<bool>(), any::<Index>(), any::<Index>(), percentile()),
        (any::<Index>(), bound()),
        prop::collection::vec(
            (
                selector_text(&[':', ',', '{', '}'])
                    .prop_filter("scenario and group have their own fields", |key| {
                        key != "scenario" && key != "group"
                    }),
                selector_text(&[',', '}']),
            ),
            0..=2,
        ),
        prop::option::weighted(0.3, any::<Index>()),
        prop::option::weighted(0.3, group_path()),
        prop::option::weighted(0.4, prop::option::of(duration())),
    )
        .prop_map(
            |(
                (custom, metric, stat, percentile),
                (operator, bound),
                tags,
                scenario,
                group,
                abort,
            )| {
                ThresholdPlan {
                    custom,
                    metric,
                    stat,
                    percentile,
                    operator,
                    bound,
                    tags,
                    scenario,
                    group,
                    abort,
                }
            },
        )
        .boxed()
}

// -----------------------------------------------------------------------------
// General options
// -----------------------------------------------------------------------------

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u16; 8]>().prop_map(IpAddr::from),
        prop::sample::select(vec![
            IpAddr::from([0u8, 0, 0, 0]),
            IpAddr::from([127u8, 0, 0, 1]),
            IpAddr::from([255u8, 255, 255, 255]),
            IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 0]),
            IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
        ]),
    ]
}

fn cidr() -> impl Strategy<Value = Cidr> {
    (ip(), any::<u8>()).prop_map(|(ip, prefix)| {
        let bits = if ip.is_ipv4() { 33 } else { 129 };
        Cidr::new(ip, prefix % bits).expect("the prefix fits")
    })
}

/// A host name, or a `*.suffix` pattern.
fn host_pattern() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?", 1..=3),
    )
        .prop_map(|(wildcard, labels)| {
            let name = labels.join(".");
            if wildcard {
                format!("*.{name}")
            } else {
                name
            }
        })
}

fn hosts() -> impl Strategy<Value = Vec<(String, HostAddress)>> {
    let host =
        (host_pattern(), prop::option::of(1..=u16::MAX)).prop_map(|(name, port)| match port {
            Some(port) => format!("{name}:{port}"),
            None => name,
        });
    let address = (ip(), prop::option::of(any::<u16>())).prop_map(|(ip, port)| match port {
        Some(port) => HostAddress::with_port(ip, port),
        None => HostAddress::ip(ip),
    });
    prop::collection::vec((host, address), 0..=3).prop_map(|mut hosts| {
        // k6 lower-cases host names: one entry per lower-cased name.
        let mut seen = BTreeSet::new();
        hosts.retain(|(host, _)| seen.insert(host.to_ascii_lowercase()));
        hosts
    })
}

/// An execution segment, and the sequence it belongs to (or none). Denominators
/// stay at most 12 before scaling: k6 works in steps of the common denominator
/// of all the cut points, and k6dsl rejects one above 10^6 (it runs out of memory).
fn segment() -> impl Strategy<Value = (ExecutionSegment, Option<Vec<Fraction>>)> {
    (
        prop::collection::vec((1u32..=12, 1u32..=12, 1u32..=3), 0..=4),
        1u32..=10,
        1u32..=10,
        any::<Index>(),
        any::<bool>(),
    )
        .prop_map(|(inner, zero_den, one, window, with_sequence)| {
            let mut points: Vec<Fraction> = inner
                .into_iter()
                .filter(|(a, b, _)| a != b)
                .map(|(a, b, scale)| Fraction::new(a.min(b) * scale, a.max(b) * scale))
                .collect();
            let value = |f: &Fraction| f64::from(f.num) / f64::from(f.den);
            let less = |a: &Fraction, b: &Fraction| {
                u64::from(a.num) * u64::from(b.den) < u64::from(b.num) * u64::from(a.den)
            };
            points.sort_by(|a, b| value(a).total_cmp(&value(b)));
            points.dedup_by(|b, a| !less(a, b));
            points.insert(0, Fraction::new(0, zero_den));
            points.push(Fraction::new(one, one));
            let i = window.index(points.len() - 1);
            let segment = ExecutionSegment {
                from: points[i],
                to: points[i + 1],
            };
            (segment, with_sequence.then_some(points))
        })
}

fn trend_stat() -> impl Strategy<Value = TrendStat> {
    prop_oneof![
        Just(TrendStat::Avg),
        Just(TrendStat::Min),
        Just(TrendStat::Med),
        Just(TrendStat::Max),
        Just(TrendStat::Count),
        percentile().prop_map(TrendStat::Percentile),
    ]
}

fn tls_auth() -> impl Strategy<Value = TlsAuth> {
    (
        prop::collection::vec(
            text(1..=2).prop_map(|d| {
                if d.trim().is_empty() {
                    "example.com".to_owned()
                } else {
                    d
                }
            }),
            1..=3,
        ),
        prop::option::of(
            "[A-Z_][A-Z0-9_]{0,10}".prop_filter("an identifier", |n| is_identifier(n)),
        ),
    )
        .prop_map(|(domains, password_env)| TlsAuth {
            domains,
            cert: Pem::Inline(TEST_CERT.into()),
            key: Pem::Inline(TEST_KEY.into()),
            password_env,
        })
}

/// JSON k6 passes through unchanged (`ext`, `cloud`): integers JavaScript holds
/// exactly (k6dsl writes larger ones, which k6 then reads rounded: reported), and
/// floats that are not integers (JSON cannot tell `1.0` from `1`).
/// The floats have at most 13 significant digits: `tools::inspect` reads k6's
/// printout with serde_json's default float parsing, which can be one ulp off
/// for longer ones (k6 itself prints them exactly).
fn json_object() -> BoxedStrategy<serde_json::Map<String, Value>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-(MAX_SAFE as i64)..=MAX_SAFE as i64).prop_map(Value::from),
        (-1_000_000_000_000i64..=1_000_000_000_000, 1..=6i32)
            .prop_map(|(n, places)| n as f64 / 10f64.powi(places))
            .prop_filter("not an integer", |f| f.fract() != 0.0)
            .prop_map(Value::from),
        text(0..=3).prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..=3).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..=3)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    });
    prop::collection::vec((key(), value), 0..=4)
        .prop_map(|entries| entries.into_iter().collect())
        .boxed()
}

/// General options, each set or not, built through [`GeneralOptions`]' setters.
fn general_options() -> BoxedStrategy<GeneralOptions> {
    use prop::option::of;
    let flags = prop::array::uniform9(any::<Option<bool>>());
    let timing = (
        of(positive_duration()),
        of(positive_duration()),
        of(duration()),
        of((
            of(prop_oneof![
                Just(DnsTtl::Forever),
                Just(DnsTtl::Never),
                duration().prop_map(DnsTtl::For),
            ]),
            of(prop::sample::select(vec![
                DnsSelect::First,
                DnsSelect::RoundRobin,
                DnsSelect::Random,
            ])),
            of(prop::sample::select(vec![
                DnsPolicy::PreferIpv4,
                DnsPolicy::PreferIpv6,
                DnsPolicy::OnlyIpv4,
                DnsPolicy::OnlyIpv6,
                DnsPolicy::Any,
            ])),
        )),
    );
    let numbers = (
        of(prop_oneof![0..=1_000u64, Just(MAX_SAFE)]),
        of(any::<u32>()),
        of(any::<u32>()),
        of(any::<u32>()),
        of(any::<u32>()),
    );
    let versions = [
        TlsVersion::Tls1_0,
        TlsVersion::Tls1_1,
        TlsVersion::Tls1_2,
        TlsVersion::Tls1_3,
    ];
    let http = (
        of(text(0..=3)),
        of(prop::sample::select(vec![
            HttpDebug::Headers,
            HttpDebug::Full,
        ])),
        of((
            prop::sample::select(versions.to_vec()),
            prop::sample::select(versions.to_vec()),
            any::<bool>(),
        )),
        // Not empty: k6 reads `tlsCipherSuites: []` as unset (reported).
        of(
            prop::sample::subsequence(TlsCipherSuite::ALL.to_vec(), 1..=TlsCipherSuite::ALL.len())
                .prop_shuffle(),
        ),
        prop::collection::vec(tls_auth(), 0..=2),
    );
    let network = (
        prop::collection::vec(cidr(), 0..=3),
        prop::collection::vec(host_pattern(), 0..=3),
        hosts(),
        of(segment()),
    );
    let summary = (
        of(prop::collection::vec(trend_stat(), 0..=6)),
        of(prop::sample::select(vec![
            SummaryTimeUnit::Seconds,
            SummaryTimeUnit::Milliseconds,
            SummaryTimeUnit::Microseconds,
        ])),
        // Not empty: k6 prints `systemTags: []` as `null` (and an unset one as
        // its default list), which `expect_general` does not expect.
        of(
            prop::sample::subsequence(SystemTag::ALL.to_vec(), 1..=SystemTag::ALL.len())
                .prop_shuffle(),
        ),
        prop::collection::vec((key(), text(0..=3)), 0..=3),
    );
    let json = (of(json_object()), of(json_object()));
    (flags, timing, numbers, http, network, summary, json).prop_map(
        |(flags, timing, numbers, http, network, summary, json)| {
            let mut o = GeneralOptions::default();
            let [paused, no_setup, no_teardown, insecure, throw, no_reuse, no_vu_reuse, no_cookies_reset, discard] =
                flags;
            let set = |o: GeneralOptions, flag: Option<bool>, f: fn(GeneralOptions, bool) -> GeneralOptions| {
                match flag {
                    Some(flag) => f(o, flag),
                    None => o,
                }
            };
            o = set(o, paused, GeneralOptions::paused);
            o = set(o, no_setup, GeneralOptions::no_setup);
            o = set(o, no_teardown, GeneralOptions::no_teardown);
            o = set(o, insecure, GeneralOptions::insecure_skip_tls_verify);
            o = set(o, throw, GeneralOptions::throw);
            o = set(o, no_reuse, GeneralOptions::no_connection_reuse);
            o = set(o, no_vu_reuse, GeneralOptions::no_vu_connection_reuse);
            o = set(o, no_cookies_reset, GeneralOptions::no_cookies_reset);
            o = set(o, discard, GeneralOptions::discard_response_bodies);

            let (setup_timeout, teardown_timeout, min_iteration, dns) = timing;
            if let Some(d) = setup_timeout {
                o = o.setup_timeout(d);
            }
            if let Some(d) = teardown_timeout {
                o = o.teardown_timeout(d);
            }
            if let Some(d) = min_iteration {
                o = o.min_iteration_duration(d);
            }
            if let Some((ttl, select, policy)) = dns {
                let mut dns = Dns::default();
                if let Some(ttl) = ttl {
                    dns = dns.ttl(ttl);
                }
                if let Some(select) = select {
                    dns = dns.select(select);
                }
                if let Some(policy) = policy {
                    dns = dns.policy(policy);
                }
                o = o.dns(dns);
            }

            let (rps, max_redirects, batch, batch_per_host, buffer) = numbers;
            if let Some(n) = rps {
                o = o.rps(n);
            }
            if let Some(n) = max_redirects {
                o = o.max_redirects(n);
            }
            if let Some(n) = batch {
                o = o.batch(n);
            }
            if let Some(n) = batch_per_host {
                o = o.batch_per_host(n);
            }
            if let Some(n) = buffer {
                o = o.metric_samples_buffer_size(n);
            }

            let (user_agent, debug, tls_version, suites, auths) = http;
            if let Some(agent) = user_agent {
                o = o.user_agent(agent);
            }
            if let Some(debug) = debug {
                o = o.http_debug(debug);
            }
            if let Some((a, b, exactly)) = tls_version {
                o = if exactly {
                    o.tls_version(a)
                } else {
                    o.tls_versions(a.min(b), a.max(b))
                };
            }
            if let Some(suites) = suites {
                o = o.tls_cipher_suites(suites);
            }
            for auth in auths {
                o = o.tls_auth(auth);
            }

            let (blacklist, blocked, hosts, segment) = network;
            for range in blacklist {
                o = o.blacklist_ip(range);
            }
            for pattern in blocked {
                o = o.block_hostname(pattern);
            }
            for (host, address) in hosts {
                o = o.host(host, address);
            }
            if let Some((segment, sequence)) = segment {
                o = o.execution_segment(segment);
                if let Some(sequence) = sequence {
                    o = o.execution_segment_sequence(sequence);
                }
            }

            let (trend_stats, time_unit, system_tags, tags) = summary;
            if let Some(stats) = trend_stats {
                o = o.summary_trend_stats(stats);
            }
            if let Some(unit) = time_unit {
                o = o.summary_time_unit(unit);
            }
            if let Some(tags) = system_tags {
                o = o.system_tags(tags);
            }
            for (key, value) in tags {
                o = o.tag(key, value);
            }

            let (ext, cloud) = json;
            if let Some(ext) = ext {
                o = o.ext(ext);
            }
            if let Some(cloud) = cloud {
                o = o.cloud(cloud);
            }
            o
        },
    )
    .boxed()
}

// -----------------------------------------------------------------------------
// The whole case
// -----------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Case {
    flows: Vec<FlowPlan>,
    load: LoadPlan,
    metrics: Vec<MetricPlan>,
    thresholds: Vec<ThresholdPlan>,
    options: Option<GeneralOptions>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(flow(), 1..=3),
        load(),
        prop::collection::vec(metric(), 0..=4),
        prop::collection::vec(threshold(), 0..=8),
        prop::option::of(general_options()),
    )
        .prop_map(|(mut flows, load, mut metrics, thresholds, options)| {
            // One flow and one metric per name.
            let mut seen = BTreeSet::new();
            flows.retain(|flow| seen.insert(flow.name.clone()));
            let mut seen = BTreeSet::new();
            metrics.retain(|metric| seen.insert(metric.name.clone()));
            Case {
                flows,
                load,
                metrics,
                thresholds,
                options,
            }
        })
}

// -----------------------------------------------------------------------------
// Building the script through the public builders
// -----------------------------------------------------------------------------

fn nz32(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("plans hold positive counts")
}

fn nz64(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).expect("plans hold positive counts")
}

fn build_scenario(plan: &ScenarioPlan, flows: &[Flow]) -> Scenario {
    let name = plan.name.as_str();
    let mut scenario = match &plan.executor {
        ExecutorPlan::SharedIterations {
            vus,
            iterations,
            max_duration,
        } => {
            let mut e = SharedIterations::new();
            if let Some(n) = vus {
                e = e.vus(nz32(*n));
            }
            if let Some(n) = iterations {
                e = e.iterations(nz64(*n));
            }
            if let Some(d) = max_duration {
                e = e.max_duration(*d);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::PerVuIterations {
            vus,
            iterations,
            max_duration,
        } => {
            let mut e = PerVuIterations::new();
            if let Some(n) = vus {
                e = e.vus(nz32(*n));
            }
            if let Some(n) = iterations {
                e = e.iterations(nz64(*n));
            }
            if let Some(d) = max_duration {
                e = e.max_duration(*d);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::ConstantVus { vus, duration } => {
            let mut e = ConstantVus::new().duration(*duration);
            if let Some(n) = vus {
                e = e.vus(nz32(*n));
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::RampingVus {
            start_vus,
            stages,
            graceful_ramp_down,
        } => {
            let (&(duration, target), rest) = stages.split_first().expect("a stage");
            let mut e = RampingVus::new().stage(duration, target);
            for &(duration, target) in rest {
                e = e.stage(duration, target);
            }
            if let Some(n) = start_vus {
                e = e.start_vus(*n);
            }
            if let Some(d) = graceful_ramp_down {
                e = e.graceful_ramp_down(*d);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::ConstantArrivalRate {
            rate,
            time_unit,
            duration,
            vus: (pre_allocated, max),
        } => {
            let mut e = ConstantArrivalRate::new()
                .rate(nz64(*rate))
                .duration(*duration)
                .pre_allocated_vus(*pre_allocated);
            if let Some(d) = time_unit {
                e = e.time_unit(*d);
            }
            if let Some(n) = max {
                e = e.max_vus(*n);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::RampingArrivalRate {
            start_rate,
            time_unit,
            stages,
            vus: (pre_allocated, max),
        } => {
            let (&(duration, target), rest) = stages.split_first().expect("a stage");
            let mut e = RampingArrivalRate::new().stage(duration, target);
            for &(duration, target) in rest {
                e = e.stage(duration, target);
            }
            let mut e = e.pre_allocated_vus(*pre_allocated);
            if let Some(n) = start_rate {
                e = e.start_rate(*n);
            }
            if let Some(d) = time_unit {
                e = e.time_unit(*d);
            }
            if let Some(n) = max {
                e = e.max_vus(*n);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::ExternallyControlled {
            vus,
            max_vus,
            duration,
        } => {
            let mut e = ExternallyControlled::new().duration(*duration);
            if let Some(n) = vus {
                e = e.vus(*n);
            }
            if let Some(n) = max_vus {
                e = e.max_vus(*n);
            }
            Scenario::new(name, e)
        }
    };
    if let Some(d) = plan.start_time {
        scenario = scenario.start_time(d);
    }
    if let Some(d) = plan.graceful_stop {
        scenario = scenario.graceful_stop(d);
    }
    for (key, value) in &plan.env {
        scenario = scenario.env(key, value);
    }
    for (key, value) in &plan.tags {
        scenario = scenario.tag(key, value);
    }
    if let Some(i) = plan.flow {
        scenario = scenario.exec(&flows[i.index(flows.len())]);
    }
    scenario
}

fn build_shortcut(plan: &ShortcutPlan) -> Shortcut {
    match plan {
        ShortcutPlan::Duration { vus, duration } => Shortcut::duration(nz32(*vus), *duration),
        ShortcutPlan::Iterations {
            vus,
            iterations,
            within: None,
        } => Shortcut::iterations(nz32(*vus), nz64(*iterations)),
        ShortcutPlan::Iterations {
            vus,
            iterations,
            within: Some(max),
        } => Shortcut::iterations_within(nz32(*vus), nz64(*iterations), *max),
        ShortcutPlan::Stages { start, stages } => Shortcut::stages(*start, stages.clone()),
    }
}

/// A metric of any kind.
enum AnyMetric {
    Trend(Trend),
    Counter(Counter),
    Rate(Rate),
    Gauge(Gauge),
}

fn builtins() -> Vec<AnyMetric> {
    use AnyMetric as M;
    let all = vec![
        M::Gauge(VUS),
        M::Gauge(VUS_MAX),
        M::Counter(ITERATIONS),
        M::Counter(DROPPED_ITERATIONS),
        M::Counter(HTTP_REQS),
        M::Counter(DATA_SENT),
        M::Counter(DATA_RECEIVED),
        M::Counter(WS_SESSIONS),
        M::Counter(WS_MSGS_SENT),
        M::Counter(WS_MSGS_RECEIVED),
        M::Rate(CHECKS),
        M::Rate(HTTP_REQ_FAILED),
        M::Trend(ITERATION_DURATION),
        M::Trend(GROUP_DURATION),
        M::Trend(HTTP_REQ_DURATION),
        M::Trend(HTTP_REQ_BLOCKED),
        M::Trend(HTTP_REQ_CONNECTING),
        M::Trend(HTTP_REQ_TLS_HANDSHAKING),
        M::Trend(HTTP_REQ_SENDING),
        M::Trend(HTTP_REQ_WAITING),
        M::Trend(HTTP_REQ_RECEIVING),
        M::Trend(WS_PING),
        M::Trend(WS_SESSION_DURATION),
        M::Trend(WS_CONNECTING),
        M::Trend(GRPC_REQ_DURATION),
    ];
    assert_eq!(
        all.len(),
        k6dsl_facts::metric::BUILTIN_METRICS.len(),
        "every built-in metric"
    );
    all
}

fn custom(plan: &MetricPlan) -> AnyMetric {
    let name = plan.name.clone();
    match plan.kind {
        CustomKind::Trend => AnyMetric::Trend(Trend::new(name)),
        CustomKind::TimeTrend => AnyMetric::Trend(Trend::time(name)),
        CustomKind::Counter => AnyMetric::Counter(Counter::new(name)),
        CustomKind::Rate => AnyMetric::Rate(Rate::new(name)),
        CustomKind::Gauge => AnyMetric::Gauge(Gauge::new(name)),
    }
}

fn declare<L>(script: Script<L>, metric: &AnyMetric) -> Script<L> {
    match metric {
        AnyMetric::Trend(m) => script.metric(m),
        AnyMetric::Counter(m) => script.metric(m),
        AnyMetric::Rate(m) => script.metric(m),
        AnyMetric::Gauge(m) => script.metric(m),
    }
}

/// The scenario a selector names: a scenario of the script, or a name.
enum ScenarioSelector<'a> {
    Of(&'a Scenario),
    Named(String),
}

/// The scenario selector for `scenario`: k6dsl matches a `scenario` tag the
/// scenario sets itself rather than its name.
fn scenario_selector(scenario: &Scenario) -> Option<ScenarioSelector<'_>> {
    match scenario.to_ir().tags.get("scenario") {
        None => Some(ScenarioSelector::Of(scenario)),
        Some(tag) if is_selector_value(tag) => Some(ScenarioSelector::Named(tag.clone())),
        Some(_) => None,
    }
}

fn narrow<K: Kind>(
    mut metric: Metric<K>,
    plan: &ThresholdPlan,
    scenario: Option<&ScenarioSelector>,
) -> Metric<K> {
    for (key, value) in &plan.tags {
        metric = metric.tag(key, value);
    }
    if let Some(path) = &plan.group {
        metric = metric.for_group(path);
    }
    match scenario {
        Some(ScenarioSelector::Of(scenario)) => metric.for_scenario(scenario),
        Some(ScenarioSelector::Named(name)) => metric.tag("scenario", name),
        None => metric,
    }
}

fn compare(aggregate: PendingThreshold, plan: &ThresholdPlan) -> Threshold {
    let bound = plan.bound;
    let threshold = match plan.operator.index(7) {
        0 => aggregate.lt(bound),
        1 => aggregate.le(bound),
        2 => aggregate.gt(bound),
        3 => aggregate.ge(bound),
        4 => aggregate.eq(bound),
        5 => aggregate.loose_eq(bound),
        _ => aggregate.ne(bound),
    };
    match plan.abort {
        None => threshold,
        Some(None) => threshold.abort_on_fail(),
        Some(Some(delay)) => threshold.abort_on_fail().delay_abort_eval(delay),
    }
}

fn build_threshold(
    plan: &ThresholdPlan,
    metric: AnyMetric,
    scenario: Option<&ScenarioSelector>,
) -> Threshold {
    match metric {
        AnyMetric::Trend(m) => {
            let m = narrow(m, plan, scenario);
            let aggregate = match plan.stat.index(5) {
                0 => m.avg(),
                1 => m.min(),
                2 => m.max(),
                3 => m.med(),
                _ => m.p(plan.percentile),
            };
            compare(aggregate, plan)
        }
        AnyMetric::Counter(m) => {
            let m = narrow(m, plan, scenario);
            let aggregate = match plan.stat.index(2) {
                0 => m.count(),
                _ => m.rate(),
            };
            compare(aggregate, plan)
        }
        AnyMetric::Rate(m) => compare(narrow(m, plan, scenario).rate(), plan),
        AnyMetric::Gauge(m) => compare(narrow(m, plan, scenario).value(), plan),
    }
}

/// Adds the metrics, thresholds and options of `case` and has k6 read the script.
fn finish<L>(mut script: Script<L>, case: &Case, scenarios: &[Scenario]) {
    for plan in &case.metrics {
        if plan.declared {
            script = declare(script, &custom(plan));
        }
    }
    let selectors: Vec<Option<ScenarioSelector>> = if scenarios.is_empty() {
        // Without scenarios, k6 runs everything in one called `default`.
        vec![Some(ScenarioSelector::Named("default".into()))]
    } else {
        scenarios.iter().map(scenario_selector).collect()
    };
    for plan in &case.thresholds {
        let metric = if plan.custom && !case.metrics.is_empty() {
            custom(&case.metrics[plan.metric.index(case.metrics.len())])
        } else {
            let mut builtins = builtins();
            let i = plan.metric.index(builtins.len());
            builtins.swap_remove(i)
        };
        let scenario = plan
            .scenario
            .and_then(|i| selectors[i.index(selectors.len())].as_ref());
        script = script.threshold(build_threshold(plan, metric, scenario));
    }
    if let Some(options) = &case.options {
        script = script.options(options.clone());
    }
    assert_k6_reads_the_model(&script);
}

fn check(case: &Case) {
    match &case.load {
        LoadPlan::Default => finish(Script::new(), case, &[]),
        LoadPlan::Shortcut(plan) => finish(Script::new().shortcut(build_shortcut(plan)), case, &[]),
        LoadPlan::Scenarios(plans) => {
            let flows: Vec<Flow> = case
                .flows
                .iter()
                .map(|plan| {
                    let flow = Flow::new(plan.name.clone());
                    match plan.pacing {
                        Some(pacing) => flow.pacing(pacing),
                        None => flow,
                    }
                })
                .collect();
            let scenarios: Vec<Scenario> = plans
                .iter()
                .map(|plan| build_scenario(plan, &flows))
                .collect();
            let (first, rest) = scenarios.split_first().expect("a scenario");
            let mut script = Script::new();
            if plans.iter().any(|plan| plan.flow.is_none()) {
                // k6dsl refuses a scenario without exec that would run an
                // empty default function.
                script = script.default_flow(&Flow::new("fallback"));
            }
            let mut script = script.scenario(first.clone());
            for scenario in rest {
                script = script.scenario(scenario.clone());
            }
            finish(script, case, &scenarios);
        }
    }
}

#[test]
fn random_valid_models_are_accepted_and_read_back() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    let config = Config {
        cases,
        // Nothing is written into the repository.
        failure_persistence: None,
        // Each shrinking step runs k6 too.
        max_shrink_iters: 1_000,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&case(), |case| {
            check(&case);
            Ok(())
        })
        .unwrap();
}
