//! `k6dsl::results::merge` against k6 itself:
//!
//! - `single_run`: one real k6 run against the demo shop; merging its one
//!   `--out json` file reproduces k6's own summary (every metric's count, rate,
//!   min, max, avg, med, p(90), p(95), every check) and every threshold's outcome,
//!   sub-metric thresholds and thresholds without samples included; with a tiny
//!   sample limit the percentiles come from the sketch, within its stated error;
//! - `split_run`: three real k6 instances of one test with k6's execution segments
//!   (one writing gzip): the merged p95 equals the p95 this test computes itself
//!   over every raw sample, and a threshold every instance passes alone fails on
//!   the merged data;
//! - `files`: a cut last line (k6 killed, plain and gzip) is a warning; a missing,
//!   non-k6 or falsely named file is an error that says what, where and how;
//! - `cli`: `k6dsl merge` writes the three reports (the HTML checked in Chromium,
//!   the JUnit by an XML parser) and exits 99 when a merged threshold fails, 0
//!   otherwise.
//!
//! Needs k6, python3 and Chromium, as the report tests do; a missing tool fails.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use k6dsl_suite::tools;

mod cli;
mod files;
mod single_run;
mod split_run;

/// Relative difference, 0 for two zeros.
fn relative_error(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

/// The test the split run runs: 30 shared iterations over 3 VUs, each instance
/// (a third of the VUs) gets 10. `iterations: count<25` holds on every instance
/// alone and fails on the whole test.
const SPLIT_SCRIPT: &str = r#"import http from "k6/http";
import { check, group } from "k6";

export const options = {
  scenarios: {
    shop: { executor: "shared-iterations", vus: 3, iterations: 30, maxDuration: "60s" },
  },
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "count"],
  thresholds: {
    iterations: ["count<25"],
    http_req_duration: ["p(95)<10000"],
  },
};

export default function () {
  group("shop", () => {
    const res = http.get(`${__ENV.BASE_URL}/products`, { tags: { name: "products" } });
    check(res, { "status is 200": (r) => r.status === 200 });
    http.get(`${__ENV.BASE_URL}/products/1`, { tags: { name: "product" } });
  });
}
"#;

/// Three k6 instances of [`SPLIT_SCRIPT`], as k6-operator runs its runners.
struct SplitRun {
    dir: tempfile::TempDir,
    exit_codes: Vec<i32>,
    stderr: Vec<String>,
}

impl SplitRun {
    /// `instance-<i>/out.json` (instance 3 writes `out.json.gz`).
    fn files(&self) -> Vec<PathBuf> {
        (1..=3)
            .map(|i| {
                let name = if i == 3 { "out.json.gz" } else { "out.json" };
                self.dir.path().join(format!("instance-{i}")).join(name)
            })
            .collect()
    }
}

fn split_run() -> &'static SplitRun {
    static RUN: OnceLock<SplitRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let shop = demo_shop::DemoShop::start().expect("the demo shop starts on 127.0.0.1");
        let base = shop.base_url();
        let dir = tempfile::Builder::new()
            .prefix("k6dsl-merge-")
            .tempdir()
            .expect("a temporary directory can be created");
        let script = dir.path().join("script.js");
        std::fs::write(&script, SPLIT_SCRIPT).unwrap();
        let runs: Vec<tools::Run> = std::thread::scope(|scope| {
            let handles: Vec<_> = (1..=3)
                .map(|i| {
                    let (dir, script, base) = (dir.path(), &script, &base);
                    scope.spawn(move || {
                        std::fs::create_dir_all(dir.join(format!("instance-{i}"))).unwrap();
                        let name = if i == 3 { "out.json.gz" } else { "out.json" };
                        let out = format!("json=instance-{i}/{name}");
                        let segment = format!("{}:{}", fraction(i - 1), fraction(i));
                        let tag = format!("instance_id={i}");
                        let args = [
                            "--execution-segment",
                            segment.as_str(),
                            "--execution-segment-sequence",
                            "0,1/3,2/3,1",
                            "--tag",
                            tag.as_str(),
                            "--out",
                            out.as_str(),
                        ];
                        tools::k6_run_in(dir, script, &[("BASE_URL", base)], &args)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        SplitRun {
            exit_codes: runs.iter().map(|r| r.exit_code).collect(),
            stderr: runs.iter().map(|r| r.stderr.clone()).collect(),
            dir,
        }
    })
}

/// `i/3` as k6 writes a segment boundary (`0`, `1/3`, `2/3`, `1`).
fn fraction(i: u32) -> String {
    match i {
        0 => "0".into(),
        3 => "1".into(),
        i => format!("{i}/3"),
    }
}

/// Every value of `metric` in k6 `--out json` files, read here with serde_json
/// (plain or gzip through python3), independently of the library's reader.
fn raw_values(files: &[PathBuf], metric: &str) -> Vec<f64> {
    let mut values = Vec::new();
    for file in files {
        for line in read_lines(file) {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if value["type"] == "Point" && value["metric"] == metric {
                values.push(value["data"]["value"].as_f64().expect("a numeric value"));
            }
        }
    }
    values
}

/// A file's lines, gunzipped by python3 when it is gzip.
fn read_lines(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let output = std::process::Command::new("python3")
            .args([
                "-c",
                "import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())",
            ])
            .arg(path)
            .output()
            .expect("python3 runs: install python3");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    } else {
        bytes
    };
    String::from_utf8(text)
        .expect("k6 writes UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// k6's percentile (`TrendSink.P`) over `values`, computed here from scratch.
fn k6_percentile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    assert!(n > 1, "too few values");
    let i = q * (n as f64 - 1.0);
    let (j, k) = (sorted[i.floor() as usize], sorted[i.ceil() as usize]);
    j + (k - j) * (i - i.floor())
}
