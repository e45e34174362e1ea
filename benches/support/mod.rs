//! What the benchmarks share: a synthetic k6 `--out json` file in k6's exact line
//! layout, and the process's peak memory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// SplitMix64: deterministic input.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Log-normal around `median`, like request latencies.
    pub fn latency(&mut self, median: f64) -> f64 {
        let normal =
            (-2.0 * self.unit().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.unit()).cos();
        median * (0.6 * normal).exp()
    }
}

/// This process's peak resident memory (VmHWM), KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The target directory, where generated files go.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

pub const METRICS: &[(&str, &str, &str)] = &[
    ("http_reqs", "counter", "default"),
    ("http_req_duration", "trend", "time"),
    ("http_req_blocked", "trend", "time"),
    ("http_req_connecting", "trend", "time"),
    ("http_req_tls_handshaking", "trend", "time"),
    ("http_req_sending", "trend", "time"),
    ("http_req_waiting", "trend", "time"),
    ("http_req_receiving", "trend", "time"),
    ("http_req_failed", "rate", "default"),
    ("data_sent", "counter", "data"),
    ("data_received", "counter", "data"),
    ("checks", "rate", "default"),
    ("iteration_duration", "trend", "time"),
    ("iterations", "counter", "default"),
    ("vus", "gauge", "default"),
];

/// Writes k6-shaped `--out json` lines until `bytes` are written: per iteration,
/// two requests' eleven HTTP samples each (with k6's HTTP tags and metadata), a
/// check, the iteration's duration and count, and once a second `vus`.
pub fn generate(path: &Path, bytes: u64, seed: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    for (name, kind, contains) in METRICS {
        writeln!(
            out,
            r#"{{"type":"Metric","data":{{"name":"{name}","type":"{kind}","contains":"{contains}","thresholds":[],"submetrics":null}},"metric":"{name}"}}"#
        )?;
    }
    let mut rng = Rng(seed);
    let mut written = 0u64;
    let mut time_us: u64 = 0;
    let mut iteration = 0u64;
    let endpoints = ["login", "products", "cart", "checkout", "orders"];
    let mut line = String::with_capacity(512);
    while written < bytes {
        iteration += 1;
        let vu = iteration % 50 + 1;
        let group = if iteration.is_multiple_of(3) {
            "::Checkout"
        } else {
            ""
        };
        for _ in 0..2 {
            let endpoint = endpoints[(rng.next_u64() % 5) as usize];
            let ok = rng.unit() < 0.98;
            let status = if ok { "200" } else { "503" };
            let waiting = rng.latency(40.0);
            let values = [
                ("http_reqs", 1.0),
                ("http_req_duration", waiting + 0.3),
                ("http_req_blocked", if iteration < 50 { 1.2 } else { 0.003 }),
                ("http_req_connecting", 0.0),
                ("http_req_tls_handshaking", 0.0),
                ("http_req_sending", 0.02),
                ("http_req_waiting", waiting),
                ("http_req_receiving", 0.28),
                ("http_req_failed", if ok { 0.0 } else { 1.0 }),
                ("data_sent", 180.0),
                ("data_received", 1432.0),
            ];
            time_us += 700 + rng.next_u64() % 600;
            let time = rfc3339(time_us);
            for (metric, value) in values {
                line.clear();
                use std::fmt::Write as _;
                let _ = writeln!(
                    line,
                    r#"{{"metric":"{metric}","type":"Point","data":{{"time":"{time}","value":{value},"tags":{{"expected_response":"{ok}","group":"{group}","method":"GET","name":"{endpoint}","proto":"HTTP/1.1","scenario":"shop","status":"{status}","url":"http://127.0.0.1:3300/{endpoint}?id={iteration}"}},"metadata":{{"vu":"{vu}","iter":"{iteration}"}}}}}}"#
                );
                out.write_all(line.as_bytes())?;
                written += line.len() as u64;
            }
        }
        let time = rfc3339(time_us);
        for (metric, value) in [
            ("checks", 1.0),
            ("iteration_duration", rng.latency(90.0)),
            ("iterations", 1.0),
        ] {
            line.clear();
            use std::fmt::Write as _;
            let _ = writeln!(
                line,
                r#"{{"metric":"{metric}","type":"Point","data":{{"time":"{time}","value":{value},"tags":{{"group":"{group}","scenario":"shop"}}}}}}"#
            );
            out.write_all(line.as_bytes())?;
            written += line.len() as u64;
        }
        if iteration.is_multiple_of(1000) {
            writeln!(
                out,
                r#"{{"metric":"vus","type":"Point","data":{{"time":"{}","value":50,"tags":null}}}}"#,
                rfc3339(time_us)
            )?;
        }
    }
    out.flush()
}

/// `2026-11-25T10:MM:SS.ffffffZ` for `us` microseconds after 10:00 (under a day).
pub fn rfc3339(us: u64) -> String {
    let s = us / 1_000_000;
    format!(
        "2026-11-25T{:02}:{:02}:{:02}.{:06}Z",
        10 + s / 3600,
        s / 60 % 60,
        s % 60,
        us % 1_000_000
    )
}

/// Megabytes (10^6) per second.
pub fn mb_per_s(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64()
}
