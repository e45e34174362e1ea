//! Generated vs hand-written: the checkout script k6dsl generates (src/checkout.rs,
//! without think time) against `benches/checkout_handwritten.js`, the same test as
//! a k6 expert writes it, under the same k6 and the same demo shop on 127.0.0.1.
//!
//! Each round runs both scripts back to back, generated first in odd rounds and
//! hand-written first in even ones, so that drift in the machine and the order of
//! the runs affect both alike. The figures printed are ratios from this one run:
//! iterations per second (target: generated >= 0.97x) and k6's peak resident memory
//! (target: generated <= 1.05x), per round, then their minimum, median and maximum,
//! and the range that holds the true median with at least 95% confidence (from the
//! order statistics: no assumption about how the rounds are distributed, only that
//! they are independent). That range needs 6 rounds or more; with fewer the median
//! is printed without one.
//!
//! k6 is found the way the tests find it (`k6dsl_suite::tools::k6_binary`: `K6_BIN`,
//! else the repository's `.tools/k6`, else `PATH`).
//!
//! ```text
//! cargo bench --bench checkout            # 9 rounds of 10 s each per script
//! ROUNDS=5 SECONDS=20 VUS=10 cargo bench --bench checkout
//! ```

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use demo_shop::DemoShop;
use k6dsl::time::secs;
use k6dsl_suite::tools;

const PASSWORD: &str = "demo-pass";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One k6 run's figures.
struct Figures {
    iterations_per_second: f64,
    peak_rss_kib: u64,
    checks_failed: u64,
}

fn main() {
    let rounds = env_number("ROUNDS", 9).max(1);
    let seconds = env_number("SECONDS", 10);
    let vus = u32::try_from(env_number("VUS", 5)).expect("VUS fits in u32");
    let vus = std::num::NonZeroU32::new(vus).expect("VUS must be at least 1");

    let shop = DemoShop::builder()
        .latency(Duration::ZERO)
        .record_requests(false)
        .start()
        .expect("the demo shop starts");
    let generated = k6dsl_suite::checkout::bench_script(vus, secs(seconds))
        .to_javascript()
        .expect("the benchmark script is valid");
    let handwritten = include_str!("checkout_handwritten.js");

    // Absolute: k6 runs in the scratch directory, where a relative K6_BIN
    // (`.tools/k6/bin/k6`) would name nothing.
    let k6 = std::path::absolute(tools::k6_binary()).expect("the k6 path can be made absolute");
    let dir = tempfile::tempdir().expect("a scratch directory");
    std::fs::write(dir.path().join("generated.js"), &generated).unwrap();
    std::fs::write(dir.path().join("handwritten.js"), handwritten).unwrap();

    println!(
        "checkout benchmark: {rounds} rounds, {vus} VUs per scenario, {seconds}s per run, k6 {} ({}), {}",
        tools::K6_VERSION,
        k6.display(),
        load_average()
    );
    let mut ratios_rate = Vec::new();
    let mut ratios_memory = Vec::new();
    for round in 1..=rounds {
        let run = |script| run_k6(&k6, dir.path(), script, &shop, vus, seconds);
        let (g, h) = if round % 2 == 1 {
            let g = run("generated.js");
            (g, run("handwritten.js"))
        } else {
            let h = run("handwritten.js");
            (run("generated.js"), h)
        };
        for (name, f) in [("generated", &g), ("hand-written", &h)] {
            assert_eq!(f.checks_failed, 0, "{name}: checks failed in round {round}");
        }
        let rate = g.iterations_per_second / h.iterations_per_second;
        let memory = g.peak_rss_kib as f64 / h.peak_rss_kib as f64;
        println!(
            "round {round}: generated {:.1} it/s {} KiB | hand-written {:.1} it/s {} KiB | ratio it/s {rate:.3} memory {memory:.3}",
            g.iterations_per_second, g.peak_rss_kib, h.iterations_per_second, h.peak_rss_kib
        );
        ratios_rate.push(rate);
        ratios_memory.push(memory);
    }
    println!("{}", load_average());
    println!("ratios generated/hand-written over {rounds} rounds:");
    println!(
        "  iterations/s: {} (target >= 0.97)",
        Spread::of(&mut ratios_rate)
    );
    println!(
        "  peak memory:  {} (target <= 1.05)",
        Spread::of(&mut ratios_memory)
    );
}

/// The spread of per-round ratios.
struct Spread {
    min: f64,
    median: f64,
    max: f64,
    /// `(low, high, confidence)`: the order statistics that hold the true median
    /// with at least 95% confidence, when there are enough rounds.
    median_range: Option<(f64, f64, f64)>,
}

impl Spread {
    fn of(values: &mut [f64]) -> Spread {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        };
        Spread {
            min: values[0],
            median,
            max: values[n - 1],
            median_range: median_range(n)
                .map(|(k, confidence)| (values[k - 1], values[n - k], confidence)),
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "median {:.3}, min {:.3}, max {:.3} (max/min {:.2})",
            self.median,
            self.min,
            self.max,
            self.max / self.min
        )?;
        match self.median_range {
            Some((low, high, confidence)) => write!(
                f,
                "; the median is within {low:.3}..{high:.3} with {:.1}% confidence",
                confidence * 100.0
            ),
            None => f.write_str("; too few rounds (< 6) to bound the median"),
        }
    }
}

/// The largest `k` such that the `k`-th smallest and `k`-th largest of `n`
/// independent values hold their true median with at least 95% confidence, and
/// that confidence: `1 - 2 * P(Binomial(n, 1/2) < k)`.
fn median_range(n: usize) -> Option<(usize, f64)> {
    let n = u32::try_from(n).ok()?;
    let total = 2f64.powi(i32::try_from(n).ok()?);
    let mut below = 0.0; // P(X < k) * 2^n
    let mut choose = 1.0; // C(n, k - 1)
    let mut best = None;
    for k in 1..=n / 2 {
        below += choose;
        choose = choose * f64::from(n - (k - 1)) / f64::from(k);
        let confidence = 1.0 - 2.0 * below / total;
        if confidence < 0.95 {
            break;
        }
        best = Some((k as usize, confidence));
    }
    best
}

/// The 1-minute load average, to tell a quiet machine from a busy one.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .map_or_else(
            || "load average unknown".to_owned(),
            |load| format!("load average (1 min) {load}"),
        )
}

/// Runs k6 on one script, sampling its peak resident memory (VmHWM) while it runs.
fn run_k6(
    k6: &Path,
    dir: &Path,
    script: &str,
    shop: &DemoShop,
    vus: std::num::NonZeroU32,
    seconds: u64,
) -> Figures {
    let summary = dir.join(format!("{script}.summary.json"));
    let mut child = Command::new(k6)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("K6_NO_USAGE_REPORT", "true")
        .env("BASE_URL", shop.base_url())
        .env("SHOP_PASSWORD", PASSWORD)
        .env("BENCH_VUS", vus.to_string())
        .env("BENCH_DURATION", format!("{seconds}s"))
        .args(["run", "--quiet", "--no-color", "--summary-export"])
        .arg(&summary)
        .arg(script)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("k6 starts");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("k6 can be waited on") {
            break status;
        }
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            if let Some(hwm) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(hwm);
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(seconds + 120),
            "k6 ran far longer than its {seconds}s"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert!(
        status.success(),
        "k6 failed on {script}: {status}\n{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary).expect("k6 wrote its summary"))
            .expect("the summary is JSON");
    Figures {
        iterations_per_second: summary["metrics"]["iterations"]["rate"]
            .as_f64()
            .expect("iterations rate"),
        peak_rss_kib: peak,
        checks_failed: summary["metrics"]["checks"]["fails"].as_u64().unwrap_or(0),
    }
}
