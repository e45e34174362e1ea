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
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use k6dsl::results::stream::{Aggregate, Config};

mod support;

use support::{generate, mb_per_s, peak_rss_kib, target_dir};

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
        generate(&path, mb * 1_000_000, 2026).expect("the benchmark file can be written");
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
