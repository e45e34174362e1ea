//! Streaming analysis of `--out json` (`k6dsl::results::stream`): histogram
//! accuracy against exact percentiles (`histogram`), aggregation of a synthetic
//! stream: merging, truncated input, over-long lines, tag keys (`aggregate`), and a
//! real k6 run against the demo shop compared with k6's own summary (`real_k6`).

mod aggregate;
mod histogram;
mod real_k6;

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

/// How far `approx` is from `exact`, relative to `exact` (absolute at 0).
fn relative_error(approx: f64, exact: f64) -> f64 {
    if exact == 0.0 {
        approx.abs()
    } else {
        ((approx - exact) / exact).abs()
    }
}
