//! `k6dsl merge` on the files of the real split run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use k6dsl_suite::tools;

use super::split_run;
use crate::report::{chromium_dom, Junit};

fn k6dsl_merge(files: &[PathBuf], out: &Path, extra: &[&str]) -> Output {
    Command::new(tools::k6dsl_binary())
        .arg("merge")
        .args(files)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("k6dsl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn merge_writes_the_reports_and_exits_99_when_a_merged_threshold_fails() {
    let files = split_run().files();
    let out = tempfile::tempdir().unwrap();
    let output = k6dsl_merge(&files, out.path(), &[]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(99), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("merged 3 files ("), "{stdout}");
    assert!(
        stdout.contains("thresholds failed (exit code 99)"),
        "{stdout}"
    );
    assert!(stdout.contains("| iterations | count<25  | 30"), "{stdout}");

    let junit = Junit::read(&out.path().join("junit.xml"));
    let failed = junit.case("thresholds", "iterations: count<25");
    assert!(failed
        .failure
        .as_ref()
        .unwrap()
        .message
        .contains("observed 30"));
    assert_eq!(junit.counts["instances"], [3, 0, 3, 0, 0]);
    assert!(junit.case("instances", "instance-2").failure.is_none());

    let md = std::fs::read_to_string(out.path().join("summary.md")).unwrap();
    assert!(md.contains("## Instances"), "{md}");
    assert!(
        md.contains("| `iterations` | `count<25` | 30 | - | **FAILED** |"),
        "{md}"
    );

    // The per-instance section as a browser reads it.
    let dom = chromium_dom(&out.path().join("report.html"));
    let section = dom
        .split("<section class=\"instances\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("no instances section in the DOM:\n{dom}"));
    assert!(section.contains("<h2>Instances</h2>"), "{section}");
    for i in 1..=3 {
        let row = section
            .split("<tr>")
            .find(|row| row.contains(&format!("<td>instance-{i}</td>")))
            .unwrap_or_else(|| panic!("no row for instance-{i}:\n{section}"));
        // Requests and iterations of the instance, right-aligned numbers.
        assert!(row.contains("<td class=\"num\">20</td>"), "{row}");
        assert!(row.contains("<td class=\"num\">10</td>"), "{row}");
    }
}

#[test]
fn merge_exits_0_when_the_merged_thresholds_hold() {
    let files = split_run().files();
    let out = tempfile::tempdir().unwrap();
    let output = k6dsl_merge(&files[..1], out.path(), &["--duration", "5s"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    for file in ["report.html", "junit.xml", "summary.md"] {
        assert!(out.path().join(file).is_file(), "{file}");
    }
}

#[test]
fn a_plan_judges_its_sub_metric_thresholds_and_exit_codes_name_a_crash() {
    let files = split_run().files();
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{
  "options": {
    "execution": {"scenarios": [{"name": "shop", "executor": {"type": "shared-iterations", "vus": 3, "iterations": 30}, "exec": "shop"}]},
    "thresholds": [
      {"metric": "http_req_duration", "kind": "trend", "selector": {"name": "products"}, "stat": {"percentile": 95.0}, "op": "lt", "bound": 10000.0},
      {"metric": "checks", "kind": "rate", "selector": {"check": "status is 200"}, "stat": "rate", "op": "gt", "bound": 0.99}
    ]
  },
  "flows": [{"name": "shop", "body": []}]
}"#,
    )
    .unwrap();
    let out = dir.path().join("report");
    let output = k6dsl_merge(&files, &out, &["--plan", plan.to_str().unwrap()]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    // The plan's thresholds hold; the file's `iterations: count<25` still fails.
    assert_eq!(output.status.code(), Some(99), "{stdout}\n{stderr}");
    let junit = Junit::read(&out.join("junit.xml"));
    let names: Vec<&str> = junit
        .cases
        .iter()
        .filter(|c| c.suite == "thresholds")
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "http_req_duration{name:products}: p(95)<10000",
            "checks{check:status is 200}: rate>0.99",
            "http_req_duration: p(95)<10000",
            "iterations: count<25",
        ]
    );
    for name in &names[..2] {
        assert!(junit.case("thresholds", name).failure.is_none(), "{name}");
    }

    let output = k6dsl_merge(&files, &out, &["--exit-codes", "0,0,107"]);
    assert_eq!(output.status.code(), Some(107), "{}", text(&output.stdout));
    assert!(
        text(&output.stdout).contains("note: instance-3 ended: script exception (exit code 107)"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn bad_files_and_arguments_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_k6 = dir.path().join("notes.txt");
    std::fs::write(&not_k6, "hello\n").unwrap();
    let output = k6dsl_merge(std::slice::from_ref(&not_k6), &dir.path().join("out"), &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "k6dsl: {}:1: this is not k6 `--out json` output",
            not_k6.display()
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());

    let files = split_run().files();
    let output = k6dsl_merge(&files, &dir.path().join("out"), &["--exit-codes", "0,0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--exit-codes has 2 codes for 3 files"));
    let output = k6dsl_merge(
        &files,
        &dir.path().join("out"),
        &["--duration", "5 minutes"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).starts_with("k6dsl: --duration \"5 minutes\": "));
}
