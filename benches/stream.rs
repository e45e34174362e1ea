//! Streaming analysis of `--out json` (`k6dsl::results::stream`) against `wc -l` on the same
//! file: generates a synthetic k6 NDJSON file (default about 300 MB) in the target
//! directory, reads it with `wc -l` (twice, the first to warm the page cache; the
//! second is timed), then aggregates it with the default configuration and with
//! 1 s buckets, printing MB/s for each, the ratio to `wc -l`, and this process's
//! peak resident memory (VmHWM) before and after. No assertions.
//!
//! ```text
//! cargo bench --bench stream              # about 300 MB
//! STREAM_MB=1000 cargo bench --bench stream
//! ```

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use k6dsl::results::stream::{Aggregate, Config};

/// SplitMix64: deterministic input.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Log-normal around `median`, like request latencies.
    fn latency(&mut self, median: f64) -> f64 {
        let normal =
            (-2.0 * self.unit().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.unit()).cos();
        median * (0.6 * normal).exp()
    }
}

fn peak_rss_kib() -> u64 {
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

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

const METRICS: &[(&str, &str, &str)] = &[
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
fn generate(path: &Path, bytes: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    for (name, kind, contains) in METRICS {
        writeln!(
            out,
            r#"{{"type":"Metric","data":{{"name":"{name}","type":"{kind}","contains":"{contains}","thresholds":[],"submetrics":null}},"metric":"{name}"}}"#
        )?;
    }
    let mut rng = Rng(2026);
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
fn rfc3339(us: u64) -> String {
    let s = us / 1_000_000;
    format!(
        "2026-11-25T{:02}:{:02}:{:02}.{:06}Z",
        10 + s / 3600,
        s / 60 % 60,
        s % 60,
        us % 1_000_000
    )
}

fn mb_per_s(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64()
}

fn main() {
    let mb: u64 = std::env::var("STREAM_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = target_dir().join("stream-bench");
    std::fs::create_dir_all(&dir).expect("the target directory is writable");
    let path = dir.join(format!("k6-out-{mb}MB.json"));
    if std::fs::metadata(&path).map_or(true, |m| m.len() < mb * 1_000_000) {
        let start = Instant::now();
        generate(&path, mb * 1_000_000).expect("the benchmark file can be written");
        println!(
            "generated {} in {:.1} s",
            path.display(),
            start.elapsed().as_secs_f64()
        );
    } else {
        println!("reusing {}", path.display());
    }
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!("file: {:.1} MB", bytes as f64 / 1e6);

    let wc = |path: &Path| {
        let start = Instant::now();
        let output = Command::new("wc")
            .arg("-l")
            .arg(path)
            .output()
            .expect("wc runs");
        let lines: u64 = String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        (lines, start.elapsed())
    };
    wc(&path); // warms the page cache
    let (lines, wc_time) = wc(&path);
    let wc_rate = mb_per_s(bytes, wc_time);
    println!(
        "wc -l:                     {lines} lines in {:.2} s, {wc_rate:.0} MB/s",
        wc_time.as_secs_f64()
    );

    let runs = [
        ("stream (no buckets)", Config::default()),
        (
            "stream (1 s buckets)",
            Config::default().bucket(Duration::from_secs(1)),
        ),
    ];
    for (label, config) in runs {
        let before = peak_rss_kib();
        let start = Instant::now();
        let file = File::open(&path).expect("the benchmark file opens");
        let reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(1 << 16, file));
        let aggregate = Aggregate::from_reader(reader, config).expect("the file reads");
        let elapsed = start.elapsed();
        let after = peak_rss_kib();
        let rate = mb_per_s(bytes, elapsed);
        let p95 = aggregate
            .total("http_req_duration")
            .and_then(|s| s.quantile(0.95))
            .unwrap_or(f64::NAN);
        println!(
            "{label:<26} {} lines, {} points, {} series in {:.2} s, {rate:.0} MB/s \
             ({:.2}x wc -l); http_req_duration p(95) {p95:.2} ms; \
             peak RSS {} MiB before, {} MiB after",
            aggregate.lines(),
            aggregate.points(),
            aggregate.series().len(),
            elapsed.as_secs_f64(),
            rate / wc_rate,
            before / 1024,
            after / 1024,
        );
        assert_eq!(aggregate.lines(), lines, "every line was read");
    }
}
