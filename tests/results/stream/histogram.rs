//! Histogram quantiles against exact percentiles, whole and merged.

use k6dsl::results::stream::Histogram;
use proptest::prelude::*;

use super::{relative_error, Rng};

/// k6's percentile: linear interpolation between the ranks around `q * (n - 1)`.
fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
    let i = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (sorted[i.floor() as usize], sorted[i.ceil() as usize]);
    lo + (hi - lo) * (i - i.floor())
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
