//! Streaming analysis of `--out json` (`k6dsl::results::stream`): histogram accuracy against
//! exact percentiles, merging, truncated input, and a real k6 run against the demo
//! shop compared with k6's own summary.

use std::time::Duration;

use k6dsl::results::stream::{Aggregate, Config, Histogram, TagKeys};
use k6dsl_suite::tools;
use proptest::prelude::*;

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        (-2.0 * self.unit().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.unit()).cos()
    }
}

/// k6's percentile: linear interpolation between the ranks around `q * (n - 1)`.
fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
    let i = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (sorted[i.floor() as usize], sorted[i.ceil() as usize]);
    lo + (hi - lo) * (i - i.floor())
}

fn relative_error(approx: f64, exact: f64) -> f64 {
    if exact == 0.0 {
        approx.abs()
    } else {
        ((approx - exact) / exact).abs()
    }
}

const QUANTILES: &[f64] = &[
    0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0,
];

/// Builds a histogram from `values` in `parts` pieces merged together and returns
/// the worst relative error of its quantiles against the exact ones.
fn worst_error(values: &[f64], parts: usize) -> f64 {
    let mut pieces: Vec<Histogram> = (0..parts).map(|_| Histogram::new(0.005)).collect();
    for (i, &v) in values.iter().enumerate() {
        pieces[i % parts].add(v);
    }
    let mut merged = Histogram::new(0.005);
    for piece in &pieces {
        merged.merge(piece);
    }
    assert_eq!(merged.count(), values.len() as u64);
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    QUANTILES
        .iter()
        .map(|&q| relative_error(merged.quantile(q).unwrap(), exact_quantile(&sorted, q)))
        .fold(0.0, f64::max)
}

#[test]
fn histogram_quantiles_are_within_one_percent_on_several_distributions() {
    let mut rng = Rng(42);
    let n = 200_000;
    let distributions: Vec<(&str, Vec<f64>)> = vec![
        (
            "uniform 1..1000",
            (0..n).map(|_| 1.0 + 999.0 * rng.unit()).collect(),
        ),
        (
            "exponential mean 100",
            (0..n).map(|_| -100.0 * rng.unit().ln()).collect(),
        ),
        (
            "log-normal (latency)",
            (0..n).map(|_| (3.0 + 1.2 * rng.normal()).exp()).collect(),
        ),
        (
            "pareto a=1.2",
            (0..n).map(|_| 5.0 / rng.unit().powf(1.0 / 1.2)).collect(),
        ),
        (
            "bimodal 2 ms / 800 ms",
            (0..n)
                .map(|_| {
                    if rng.unit() < 0.9 {
                        2.0 + rng.normal().abs()
                    } else {
                        800.0 + 50.0 * rng.normal().abs()
                    }
                })
                .collect(),
        ),
        (
            "with zeros (http_req_blocked)",
            (0..n)
                .map(|_| {
                    if rng.unit() < 0.7 {
                        0.0
                    } else {
                        0.01 + rng.unit()
                    }
                })
                .collect(),
        ),
        ("constant", vec![123.456; 1000]),
    ];
    for (name, values) in &distributions {
        for parts in [1, 7] {
            let worst = worst_error(values, parts);
            eprintln!("{name}, merged from {parts}: worst relative error {worst:.5}");
            assert!(
                worst <= 0.005 + 1e-9,
                "{name}: {worst} is beyond the 0.5% guarantee"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merge_equals_histogram_of_concatenation(
        values in proptest::collection::vec(0.0001f64..1e7, 1..2000),
        split in 0usize..2000,
    ) {
        let split = split.min(values.len());
        let mut whole = Histogram::new(0.005);
        values.iter().for_each(|&v| whole.add(v));
        let (mut left, mut right) = (Histogram::new(0.005), Histogram::new(0.005));
        values[..split].iter().for_each(|&v| left.add(v));
        values[split..].iter().for_each(|&v| right.add(v));
        left.merge(&right);
        prop_assert_eq!(&left, &whole);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for &q in QUANTILES {
            let e = relative_error(left.quantile(q).unwrap(), exact_quantile(&sorted, q));
            prop_assert!(e <= 0.005 + 1e-9, "q={} error {}", q, e);
        }
    }
}

/// A synthetic `--out json` text: declarations, then points of four kinds with a
/// few tag sets over a few seconds, and a line of a type this crate does not know.
fn synthetic(seed: u64, points: usize) -> String {
    let mut rng = Rng(seed);
    let mut out = String::new();
    for (name, kind) in [
        ("http_req_duration", "trend"),
        ("http_reqs", "counter"),
        ("checks", "rate"),
        ("vus", "gauge"),
    ] {
        out.push_str(&format!(
            r#"{{"type":"Metric","data":{{"name":"{name}","type":"{kind}","contains":"default","thresholds":[],"submetrics":null}},"metric":"{name}"}}"#
        ));
        out.push('\n');
    }
    out.push_str("{\"type\":\"Marker\",\"data\":{}}\n");
    let names = ["login", "cart", "checkout"];
    for i in 0..points {
        let ms = i as u64 * 7;
        let time = format!(
            "2026-11-25T17:{:02}:{:02}.{:03}Z",
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000
        );
        let name = names[(rng.next_u64() % 3) as usize];
        let status = if rng.unit() < 0.95 { "200" } else { "500" };
        let (metric, value) = match i % 4 {
            0 => ("http_req_duration", (3.0 + rng.normal()).exp()),
            1 => ("http_reqs", 1.0),
            2 => ("checks", f64::from(u8::from(status == "200"))),
            _ => ("vus", (rng.next_u64() % 10) as f64),
        };
        out.push_str(&format!(
            r#"{{"metric":"{metric}","type":"Point","data":{{"time":"{time}","value":{value},"tags":{{"group":"","method":"GET","name":"{name}","scenario":"default","status":"{status}","url":"http://127.0.0.1/{name}/{i}"}},"metadata":{{"vu":"1","iter":"{i}"}}}}}}"#
        ));
        out.push('\n');
    }
    out
}

fn config() -> Config {
    Config::default().bucket(Duration::from_secs(1))
}

/// The series of `a` and `b` are the same up to float summation order.
fn assert_same(a: &Aggregate, b: &Aggregate) {
    assert_eq!(a.points(), b.points());
    assert_eq!(a.series().len(), b.series().len());
    for s in a.series() {
        let t = b
            .series()
            .iter()
            .find(|t| {
                t.metric == s.metric && t.tags == s.tags && t.bucket_start_ns == s.bucket_start_ns
            })
            .unwrap_or_else(|| panic!("series {} {:?} missing", s.metric, s.tags));
        let (x, y) = (&s.stats, &t.stats);
        assert_eq!(
            (
                x.count(),
                x.min(),
                x.max(),
                x.non_zero(),
                x.last(),
                x.histogram()
            ),
            (
                y.count(),
                y.min(),
                y.max(),
                y.non_zero(),
                y.last(),
                y.histogram()
            ),
        );
        assert!((x.sum() - y.sum()).abs() <= 1e-9 * x.sum().abs().max(1.0));
    }
}

#[test]
fn merge_equals_aggregate_of_concatenation() {
    let text = synthetic(7, 5000);
    let whole = Aggregate::from_reader(text.as_bytes(), config()).unwrap();
    assert_eq!(whole.points(), 5000);
    assert_eq!(whole.other_lines(), 1);
    assert!(whole.warnings().is_empty(), "{:?}", whole.warnings());
    // Bucketed by second, split by tag: more than one series per metric.
    assert!(whole.series().len() > 4 * 3 * 30);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for cut in [0, 1, 5, lines.len() / 3, lines.len() - 1, lines.len()] {
        let (left, right) = (lines[..cut].concat(), lines[cut..].concat());
        let mut merged = Aggregate::from_reader(left.as_bytes(), config()).unwrap();
        let right = Aggregate::from_reader(right.as_bytes(), config()).unwrap();
        merged.merge(&right);
        assert_same(&merged, &whole);
        let total = merged.total("http_req_duration").unwrap();
        assert_eq!(
            total.histogram(),
            whole.total("http_req_duration").unwrap().histogram()
        );
    }
    // Totals over buckets equal the totals without buckets.
    let unbucketed = Aggregate::from_reader(text.as_bytes(), Config::default()).unwrap();
    for metric in ["http_req_duration", "http_reqs", "checks", "vus"] {
        let (a, b) = (
            whole.total(metric).unwrap(),
            unbucketed.total(metric).unwrap(),
        );
        assert_eq!(
            (a.count(), a.histogram(), a.last()),
            (b.count(), b.histogram(), b.last())
        );
    }
    let login = whole
        .total_where("http_req_duration", &[("name", "login")])
        .unwrap();
    assert!(login.count() > 0 && login.count() < whole.total("http_req_duration").unwrap().count());
}

#[test]
fn a_truncated_last_line_loses_nothing_before_it() {
    let text = synthetic(11, 200);
    let complete = |prefix: &str| -> Aggregate {
        // What a reader must get from `prefix`: every whole line in it.
        let end = prefix.rfind('\n').map_or(0, |i| i + 1);
        Aggregate::from_reader(&prefix.as_bytes()[..end], config()).unwrap()
    };
    let last_two = text[..text.len() - 1].rfind('\n').unwrap();
    let before = text[..last_two].rfind('\n').unwrap() + 1;
    for cut in before..text.len() {
        let prefix = &text[..cut];
        let got = Aggregate::from_reader(prefix.as_bytes(), config()).unwrap();
        let partial = !prefix.ends_with('\n');
        // A cut right before a newline leaves a whole JSON object: kept.
        let whole_object = text.as_bytes()[cut] == b'\n';
        let expected = if whole_object {
            complete(&text[..=cut])
        } else {
            complete(prefix)
        };
        assert_same(&got, &expected);
        if partial && !whole_object {
            assert_eq!(got.warnings().len(), 1, "cut at {cut}");
            let warning = &got.warnings()[0];
            assert!(warning.truncated);
            assert_eq!(warning.line, got.lines());
            assert!(warning.to_string().contains("truncated"), "{warning}");
        } else {
            assert!(
                got.warnings().is_empty(),
                "cut at {cut}: {:?}",
                got.warnings()
            );
        }
    }
    // Garbage (a killed process's binary tail) is skipped too, and a bad line in
    // the middle only loses itself.
    let mut garbage = text.clone().into_bytes();
    garbage.extend_from_slice(b"\x00\xff\x13{{{");
    let got = Aggregate::from_reader(&garbage[..], config()).unwrap();
    assert_same(
        &got,
        &Aggregate::from_reader(text.as_bytes(), config()).unwrap(),
    );
    assert_eq!(got.invalid_lines(), 1);
    let middle = text.replacen("\n{\"metric\"", "\nnot json\n{\"metric\"", 1);
    let got = Aggregate::from_reader(middle.as_bytes(), config()).unwrap();
    assert_eq!((got.points(), got.invalid_lines()), (200, 1));
    assert!(!got.warnings()[0].truncated);
}

/// A line of `len` bytes (and a newline) with a long JSON string.
fn long_line(len: usize) -> Vec<u8> {
    let mut line = Vec::with_capacity(len + 1);
    line.extend_from_slice(b"{\"type\":\"Point\",\"metric\":\"");
    line.resize(len - 2, b'x');
    line.extend_from_slice(b"\"}\n");
    line
}

#[test]
fn a_line_over_the_limit_is_skipped_without_holding_it() {
    use k6dsl::results::stream::{Event, Reader};

    let text = synthetic(5, 20);
    let half = &text[..text.len() / 2];
    let head = &half[..=half.rfind('\n').unwrap()];
    let tail = &text[head.len()..];
    let long = long_line(10_000_000);
    let mut input = head.as_bytes().to_vec();
    input.extend_from_slice(&long);
    input.extend_from_slice(tail.as_bytes());
    // Unterminated, and too long too.
    input.extend_from_slice(&long[..5_000]);

    // With a 1 KiB limit and small chunks: the reader never holds more than about
    // the limit, whatever the line's length.
    let chunked = std::io::BufReader::with_capacity(4096, &input[..]);
    let mut reader = Reader::new(chunked).with_max_line(1024);
    let mut capacity = 0;
    let mut points = 0;
    let mut invalid = 0;
    while let Some(event) = reader.next_event().unwrap() {
        match event {
            Event::Point(_) => points += 1,
            Event::Invalid => invalid += 1,
            _ => {}
        }
        capacity = capacity.max(reader.buffer_capacity());
    }
    assert!(
        capacity <= 2 * 1024 + 2,
        "the buffer grew to {capacity} bytes"
    );
    assert_eq!((points, invalid), (20, 2));
    assert_eq!((reader.long_lines(), reader.invalid_lines()), (2, 2));
    let head_lines = head.lines().count() as u64;
    let warnings = reader.warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(
        (
            warnings[0].line,
            warnings[0].too_long,
            warnings[0].truncated
        ),
        (head_lines + 1, Some(10_000_000), false)
    );
    assert_eq!(
        warnings[0].to_string(),
        format!(
            "line {}: skipped (10000000 bytes, longer than the limit of 1024 bytes)",
            head_lines + 1
        )
    );
    assert_eq!(
        (warnings[1].too_long, warnings[1].truncated),
        (Some(5_000), true)
    );
    assert_eq!(reader.bytes(), input.len() as u64);

    // The aggregate reads with the default limit (1 MiB): a 2 MB line is skipped,
    // everything else counts as without it.
    let mut input = head.as_bytes().to_vec();
    input.extend_from_slice(&long_line(2_000_000));
    input.extend_from_slice(tail.as_bytes());
    let got = Aggregate::from_reader(&input[..], config()).unwrap();
    let without = Aggregate::from_reader(text.as_bytes(), config()).unwrap();
    assert_same(&got, &without);
    assert_eq!(got.invalid_lines(), 1);
    assert_eq!(got.warnings()[0].too_long, Some(2_000_000));
    // A line exactly at the limit is read (and rejected for what it says).
    let at_limit = long_line(1024);
    let mut reader = Reader::new(&at_limit[..]).with_max_line(1024);
    assert!(matches!(reader.next_event().unwrap(), Some(Event::Invalid)));
    assert_eq!(reader.warnings()[0].too_long, None);
}

#[test]
fn tag_keys_bound_the_tag_sets() {
    let text = synthetic(3, 400);
    let all =
        Aggregate::from_reader(text.as_bytes(), Config::default().tag_keys(TagKeys::All)).unwrap();
    // `url` differs on every point: one series per point.
    assert_eq!(all.series().len(), 400);
    let default = Aggregate::from_reader(text.as_bytes(), Config::default()).unwrap();
    assert!(default.series().len() <= 4 * 3 * 2);
    assert!(default
        .series()
        .iter()
        .all(|s| s.tags.iter().all(|(k, _)| k != "url")));
    let none =
        Aggregate::from_reader(text.as_bytes(), Config::default().tag_keys(TagKeys::None)).unwrap();
    assert_eq!(none.series().len(), 4);
}

/// k6's summary value `key` of `metric`.
fn summary_value(run: &tools::Run, metric: &str, key: &str) -> f64 {
    run.metric(metric)
        .and_then(|m| m[key].as_f64())
        .unwrap_or_else(|| {
            panic!(
                "the summary has no {metric}.{key}: {:#}",
                run.summary["metrics"]
            )
        })
}

#[test]
fn real_k6_output_matches_k6s_summary() {
    let shop = demo_shop::DemoShop::start().expect("the demo shop starts on 127.0.0.1");
    let base = shop.base_url();
    let script = r#"import http from "k6/http";
import { check } from "k6";
import { Trend } from "k6/metrics";

const BASE_URL = __ENV.BASE_URL;
const productsTime = new Trend("products_time", true);

export const options = {
  vus: 4,
  iterations: 400,
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
  thresholds: {
    "http_req_duration{expected_response:true}": ["p(95)<10000"],
    "http_req_duration{name:products}": ["p(95)<10000"],
  },
};

export default function () {
  const res = http.get(`${BASE_URL}/products`, { tags: { name: "products" } });
  check(res, { "status is 200": (r) => r.status === 200 });
  productsTime.add(res.timings.duration);
  if (__ITER % 4 === 0) {
    http.get(`${BASE_URL}/status/404`, { tags: { name: "missing" } });
  }
}
"#;
    let run = tools::k6_run_with(
        script,
        &[],
        &[("BASE_URL", &base)],
        &["--out", "json=out.json"],
    );
    assert_eq!(run.exit_code, 0, "k6 failed:\n{}", run.stderr);
    let file = std::fs::File::open(run.dir.path().join("out.json")).expect("k6 wrote out.json");
    let aggregate =
        Aggregate::from_reader(std::io::BufReader::new(file), Config::default()).unwrap();
    assert!(
        aggregate.warnings().is_empty(),
        "{:?}",
        aggregate.warnings()
    );
    assert_eq!(aggregate.invalid_lines(), 0);

    let count = |metric: &str| aggregate.total(metric).unwrap().count() as f64;
    assert_eq!(
        count("http_reqs"),
        summary_value(&run, "http_reqs", "count")
    );
    assert_eq!(
        aggregate.total("iterations").unwrap().sum(),
        summary_value(&run, "iterations", "count")
    );
    let checks = aggregate.total("checks").unwrap();
    assert_eq!(
        checks.non_zero() as f64,
        summary_value(&run, "checks", "passes")
    );
    assert_eq!(checks.rate(), Some(summary_value(&run, "checks", "value")));
    let failed = aggregate.total("http_req_failed").unwrap();
    assert_eq!(
        failed.rate(),
        Some(summary_value(&run, "http_req_failed", "value"))
    );
    // k6 samples `vus` once a second: a run this short may have no sample.
    if let Some(vus) = aggregate.total("vus") {
        assert_eq!(vus.max(), Some(summary_value(&run, "vus", "max")));
    }

    let trends: [(&str, &[(&str, &str)]); 5] = [
        ("http_req_duration", &[]),
        (
            "http_req_duration{expected_response:true}",
            &[("expected_response", "true")],
        ),
        ("http_req_duration{name:products}", &[("name", "products")]),
        ("products_time", &[]),
        ("iteration_duration", &[]),
    ];
    for (key, tags) in trends {
        let metric = key.split('{').next().unwrap();
        let stats = aggregate.total_where(metric, tags).unwrap();
        let exact = |stat: &str| summary_value(&run, key, stat);
        assert_eq!(stats.min(), Some(exact("min")), "{key} min");
        assert_eq!(stats.max(), Some(exact("max")), "{key} max");
        let avg = stats.mean().unwrap();
        assert!(
            relative_error(avg, exact("avg")) < 1e-9,
            "{key} avg {avg} vs {}",
            exact("avg")
        );
        for (stat, q) in [
            ("med", 0.5),
            ("p(90)", 0.9),
            ("p(95)", 0.95),
            ("p(99)", 0.99),
        ] {
            let ours = stats.quantile(q).unwrap();
            let error = relative_error(ours, exact(stat));
            eprintln!(
                "{key} {stat}: ours {ours:.4}, k6 {:.4}, error {error:.5}",
                exact(stat)
            );
            assert!(
                error <= 0.01,
                "{key} {stat}: {ours} vs k6's {}",
                exact(stat)
            );
        }
    }
    let info = aggregate.metric("http_req_duration").unwrap();
    assert_eq!(info.kind, Some(k6dsl::results::stream::MetricKind::Trend));
    assert_eq!(info.contains, "time");
}
