//! Generated vs hand-written: the checkout script k6dsl generates (src/checkout.rs,
//! without think time) against `benches/checkout_handwritten.js`, the same test as
//! a k6 expert writes it, under the same k6 and the same demo shop on 127.0.0.1.
//!
//! Runs alternate (generated, hand-written, generated, ...) so that drift in the
//! machine affects both alike, and the figures printed are ratios from this one run:
//! iterations per second (target: generated >= 0.97x) and k6's peak resident memory
//! (target: generated <= 1.05x).
//!
//! ```text
//! cargo bench --bench checkout            # 3 rounds of 10 s each per script
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
    let rounds = env_number("ROUNDS", 3);
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

    let dir = tempfile::tempdir().expect("a scratch directory");
    std::fs::write(dir.path().join("generated.js"), &generated).unwrap();
    std::fs::write(dir.path().join("handwritten.js"), handwritten).unwrap();

    println!(
        "checkout benchmark: {rounds} rounds, {vus} VUs per scenario, {seconds}s per run, k6 {}",
        tools::K6_VERSION
    );
    let mut ratios_rate = Vec::new();
    let mut ratios_memory = Vec::new();
    for round in 1..=rounds {
        let g = run_k6(dir.path(), "generated.js", &shop, vus, seconds);
        let h = run_k6(dir.path(), "handwritten.js", &shop, vus, seconds);
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
    let rate = median(&mut ratios_rate);
    let memory = median(&mut ratios_memory);
    println!("median ratio generated/hand-written: iterations/s {rate:.3} (target >= 0.97), peak memory {memory:.3} (target <= 1.05)");
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs k6 on one script, sampling its peak resident memory (VmHWM) while it runs.
fn run_k6(
    dir: &Path,
    script: &str,
    shop: &DemoShop,
    vus: std::num::NonZeroU32,
    seconds: u64,
) -> Figures {
    let summary = dir.join(format!("{script}.summary.json"));
    let mut child = Command::new(tools::k6_binary())
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
