//! Merging N instances' `--out json` files (`k6dsl::results::merge`): generates N
//! synthetic k6 NDJSON files (default 40 MB each, k6's exact line layout: per
//! request eleven samples, seven of them Trend timings, with k6's HTTP tags and
//! metadata) in the target directory, then merges them for N = 2, 4, 8 on every
//! core, exactly (every Trend sample kept), after one merge of all N past the sample
//! limit (the sketch, first so that its peak memory shows), printing MB/s, samples, the Trend samples kept and the process's
//! peak resident memory (VmHWM) after each merge. No assertions.
//!
//! ```text
//! cargo bench --bench merge                         # 2, 4, 8 files of 40 MB
//! MERGE_MB=100 MERGE_N=2,4,8,16 cargo bench --bench merge
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use k6dsl::model::{self, Comparison, MetricKind, Stat};
use k6dsl::results::merge::{merge, MergeInput, MergeOptions, MergedRun};

mod support;

use support::{generate, mb_per_s, peak_rss_kib, target_dir};

/// A threshold on a sub-metric, as a real test has: its series is kept too.
fn login_p95() -> model::Threshold {
    model::Threshold {
        metric: "http_req_duration".into(),
        kind: MetricKind::Trend,
        selector: BTreeMap::from([("name".to_string(), "login".to_string())]),
        stat: Stat::Percentile(95.0),
        op: Comparison::Lt,
        bound: 500.0,
        abort_on_fail: false,
        delay_abort_eval: None,
    }
}

fn report(label: &str, n: usize, bytes: u64, seconds: f64, merged: &MergedRun) {
    let points: u64 = merged.instances.iter().map(|i| i.points).sum();
    let p95 = merged
        .result
        .metric("http_req_duration")
        .and_then(|m| m.trend("p(95)"))
        .unwrap_or(f64::NAN);
    println!(
        "{label:<7} N={n:<2} {:>6.0} MB in {seconds:>5.2} s: {:>4.0} MB/s, {:>5.2} M samples/s; \
         {:.2} M Trend samples held{}; p(95) {p95:.2} ms; peak RSS {} MiB",
        bytes as f64 / 1e6,
        mb_per_s(bytes, std::time::Duration::from_secs_f64(seconds)),
        points as f64 / 1e6 / seconds,
        merged.trend_samples as f64 / 1e6,
        if merged
            .approximate
            .iter()
            .any(|a| a.relative_error.is_some())
        {
            " (sketched)"
        } else {
            ""
        },
        peak_rss_kib() / 1024,
    );
}

fn main() {
    let mb: u64 = std::env::var("MERGE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let counts: Vec<usize> = std::env::var("MERGE_N")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![2, 4, 8]);
    let most = counts.iter().copied().max().unwrap_or(1);
    let dir = target_dir().join("merge-bench");
    std::fs::create_dir_all(&dir).expect("the target directory is writable");
    let files: Vec<PathBuf> = (1..=most)
        .map(|i| {
            let folder = dir.join(format!("instance-{i}"));
            std::fs::create_dir_all(&folder).expect("the target directory is writable");
            let path = folder.join(format!("out-{mb}MB.json"));
            if std::fs::metadata(&path).map_or(true, |m| m.len() < mb * 1_000_000) {
                generate(&path, mb * 1_000_000, 2026 + i as u64).expect("the file can be written");
            }
            path
        })
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "{} files of {mb} MB in {}; {cores} threads; peak RSS before: {} MiB",
        files.len(),
        dir.display(),
        peak_rss_kib() / 1024
    );
    for file in &files {
        // Reads every file once so that each merge below finds them in the page cache.
        let mut f = std::fs::File::open(file).expect("the file opens");
        std::io::copy(&mut f, &mut std::io::sink()).expect("the file reads");
    }
    let options = MergeOptions::default().declared(&[login_p95()]);
    // The sketch first: the peak memory (which only grows) is then its own.
    let inputs: Vec<MergeInput> = files.iter().map(MergeInput::new).collect();
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let start = Instant::now();
    let merged = merge(&inputs, &options.clone().sample_limit(100_000)).expect("the files merge");
    report(
        "sketch",
        most,
        bytes,
        start.elapsed().as_secs_f64(),
        &merged,
    );
    drop(merged);
    for &n in &counts {
        let inputs: Vec<MergeInput> = files[..n].iter().map(MergeInput::new).collect();
        let bytes: u64 = files[..n]
            .iter()
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum();
        let start = Instant::now();
        let merged = merge(&inputs, &options).expect("the files merge");
        report("exact", n, bytes, start.elapsed().as_secs_f64(), &merged);
    }
}
