use std::path::{Path, PathBuf};
use std::time::Duration;

use super::find_k6::locate_k6;
use super::runner::{summary_trend_stats, write_file};
use super::summary::{parse_checks, parse_metrics, parse_thresholds, stat_of_expression};
use super::verdict::verdict_of;
use super::*;
use crate::model::options::TrendStat;
use crate::model::{MetricKind, Stat};

#[test]
fn verdicts_follow_exit_codes() {
    assert_eq!(verdict_of(Some(0), ""), Verdict::Passed);
    assert_eq!(verdict_of(Some(99), ""), Verdict::ThresholdsFailed);
    assert_eq!(
        verdict_of(
            Some(99),
            "thresholds on metrics 'x' were crossed; at least one has abortOnFail enabled"
        ),
        Verdict::AbortedByThreshold
    );
    assert_eq!(verdict_of(Some(104), ""), Verdict::InvalidConfig);
    assert_eq!(verdict_of(Some(105), ""), Verdict::Interrupted);
    assert_eq!(verdict_of(Some(107), ""), Verdict::ScriptException);
    assert_eq!(verdict_of(Some(255), ""), Verdict::Crashed(Some(255)));
    assert_eq!(verdict_of(None, ""), Verdict::Crashed(None));
}

#[test]
fn a_killed_run_says_why_and_what_to_do() {
    let timed_out = Verdict::Killed(StopReason::TimedOut).to_string();
    assert!(timed_out.starts_with("timed out, "), "{timed_out}");
    assert!(timed_out.contains("SIGKILL"), "{timed_out}");
    assert!(timed_out.contains("Runner::grace"), "{timed_out}");
    let cancelled = Verdict::Killed(StopReason::Cancelled).to_string();
    assert!(cancelled.starts_with("cancelled, "), "{cancelled}");
}

/// An empty file at `path` that the system may run: what `which` looks for on PATH.
fn executable(path: &Path) {
    write_file(path, "").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn k6_is_found_in_order_and_upward() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    let nested = root.join("a/b/c");
    std::fs::create_dir_all(&nested).unwrap();
    // Nothing anywhere: the error says how to install k6.
    let missing = locate_k6(None, None, None, &nested).unwrap_err();
    let message = missing.to_string();
    assert!(message.contains(INSTALL_HINT), "{message}");
    // The repository-local copy, found from a subdirectory.
    let local = root.join(REPO_LOCAL_K6);
    executable(&local);
    assert_eq!(locate_k6(None, None, None, &nested).unwrap(), local);
    // PATH before it.
    let bin = root.join("bin");
    executable(&bin.join("k6"));
    let path = Some(bin.clone().into_os_string());
    assert_eq!(
        locate_k6(None, None, path.clone(), &nested).unwrap(),
        bin.join("k6")
    );
    // K6_BIN before PATH, and an explicit path before everything; either
    // naming nothing is an error, not a fall-back.
    let k6_bin = Some(local.clone().into_os_string());
    assert_eq!(
        locate_k6(None, k6_bin.clone(), path.clone(), &nested).unwrap(),
        local
    );
    let nowhere = root.join("nowhere");
    assert!(locate_k6(
        None,
        Some(nowhere.clone().into_os_string()),
        path.clone(),
        &nested
    )
    .is_err());
    assert!(locate_k6(Some(&nowhere), k6_bin, path, &nested).is_err());
}

#[cfg(unix)]
#[test]
fn a_k6_on_path_that_cannot_run_is_passed_over() {
    // As a shell does: a later PATH directory's executable k6 is the one found.
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    write_file(&root.join("first/k6"), "").unwrap();
    executable(&root.join("second/k6"));
    let path = std::env::join_paths([root.join("first"), root.join("second")]).unwrap();
    assert_eq!(
        locate_k6(None, None, Some(path), root).unwrap(),
        root.join("second/k6")
    );
}

#[test]
fn relative_k6_paths_are_made_absolute_against_the_current_directory() {
    // `start` stands for the current directory; the run later changes to the
    // run directory, where `./k6` would name nothing.
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    let k6 = root.join("tools/k6");
    executable(&k6);
    let explicit = locate_k6(Some(Path::new("./tools/k6")), None, None, root).unwrap();
    assert!(explicit.is_absolute(), "{}", explicit.display());
    assert!(explicit.is_file());
    assert_eq!(explicit.canonicalize().unwrap(), k6.canonicalize().unwrap());
    let from_env = locate_k6(None, Some("tools/k6".into()), None, root).unwrap();
    assert_eq!(from_env, root.join("tools/k6"));
    let on_path = locate_k6(None, None, Some("tools".into()), root).unwrap();
    assert_eq!(on_path, root.join("tools/k6"));
    // A relative path naming nothing: the message shows both forms.
    let message = locate_k6(Some(Path::new("./k6")), None, None, root)
        .unwrap_err()
        .to_string();
    assert!(message.contains("names ./k6 ("), "{message}");
    assert!(message.contains(&root.display().to_string()), "{message}");
}

#[test]
fn expressions_name_their_statistic() {
    assert_eq!(
        stat_of_expression("p(99.9)<5"),
        Some(Stat::Percentile(99.9))
    );
    assert_eq!(stat_of_expression("rate>0.9"), Some(Stat::Rate));
    assert_eq!(stat_of_expression("count >= 3"), Some(Stat::Count));
    assert_eq!(stat_of_expression("what<1"), None);
}

#[test]
fn summary_export_is_typed() {
    let summary = serde_json::json!({
        "metrics": {
            "http_reqs": {"count": 3, "rate": 1.5},
            "checks": {"passes": 5, "fails": 1, "value": 0.8333},
            "vus": {"value": 2, "min": 1, "max": 2},
            "http_req_duration": {"avg": 1.5, "p(95)": 3.0, "thresholds": {"p(95)<1": true}},
            "my_rate": {"passes": 1, "fails": 0, "value": 1, "thresholds": {"rate>0.5": false}}
        },
        "root_group": {"path": "", "checks": {"top": {"name": "top", "passes": 2, "fails": 0}},
            "groups": {"G": {"path": "::G", "groups": {},
                "checks": {"c": {"name": "c", "passes": 3, "fails": 1}}}}}
    });
    let metrics = parse_metrics(&summary);
    assert_eq!(metrics["http_reqs"].count(), Some(3.0));
    assert_eq!(metrics["checks"].kind(), MetricKind::Rate);
    assert_eq!(metrics["vus"].stat(Stat::Value), Some(2.0));
    assert_eq!(metrics["http_req_duration"].trend("p(95)"), Some(3.0));
    let declared = crate::dsl::metric::builtin::HTTP_REQ_DURATION.p(95).lt(1);
    let declared = declared.to_ir();
    let thresholds = parse_thresholds(&summary, std::slice::from_ref(declared), &metrics);
    assert_eq!(thresholds.len(), 2);
    assert_eq!(thresholds[0].outcome, Outcome::Failed);
    assert_eq!(thresholds[0].observed, Some(3.0));
    assert!(thresholds[0].declared.is_some());
    assert_eq!(thresholds[1].metric, "my_rate");
    assert!(thresholds[1].passed());
    assert_eq!(thresholds[1].observed, Some(1.0));
    let checks = parse_checks(&summary);
    assert_eq!(checks.len(), 2);
    let result = RunResult {
        verdict: Verdict::ThresholdsFailed,
        exit_code: Some(99),
        dir: PathBuf::from("/tmp/run"),
        script: PathBuf::from("/tmp/run/script.js"),
        summary_path: None,
        out_json: None,
        out_csv: None,
        thresholds,
        metrics,
        checks,
        stdout: String::new(),
        stderr: String::new(),
        elapsed: Duration::ZERO,
        summary: Some(summary),
    };
    assert_eq!(result.checks_in("::G"), (3, 1));
    assert_eq!(result.checks_in(""), (2, 0));
    let report = result.report();
    assert!(report.contains("http_req_duration | p(95)<1"), "{report}");
    assert!(report.contains("| ::G"), "{report}");
    assert!(!result.is_clean());
}

#[test]
fn thresholds_without_samples_are_told_from_held_ones() {
    // As k6 1.1 writes them: a skipped threshold is `false` (not failed) at 0.
    let summary = serde_json::json!({"metrics": {
        "http_req_duration{name:x}": {"avg": 0, "count": 0, "p(95)": 0,
            "thresholds": {"p(95)<500": false}},
        "http_req_duration": {"avg": 3, "count": 2, "p(95)": 4,
            "thresholds": {"p(95)<500": false}},
        "checks{name:x}": {"passes": 0, "fails": 0, "value": 0,
            "thresholds": {"rate>0.9": false}},
        "errors": {"count": 0, "rate": 0, "thresholds": {"count<1": false}},
        "odd": {"count": 0, "rate": 0, "thresholds": {"count>0": false}}
    }});
    let metrics = parse_metrics(&summary);
    let builtin = crate::dsl::metric::builtin::HTTP_REQ_DURATION;
    let declared = [
        builtin
            .clone()
            .tag("name", "x")
            .p(95)
            .lt(500)
            .to_ir()
            .clone(),
        builtin.p(95).lt(500).to_ir().clone(),
        crate::dsl::metric::Metric::<crate::dsl::metric::kind::Counter>::new("odd")
            .count()
            .gt(0)
            .to_ir()
            .clone(),
    ];
    let results = parse_thresholds(&summary, &declared, &metrics);
    let outcome = |metric: &str| {
        let t = results.iter().find(|t| t.metric == metric).unwrap();
        (t.outcome, t.observed)
    };
    assert_eq!(
        outcome("http_req_duration{name:x}"),
        (Outcome::NoSamples, None)
    );
    assert_eq!(outcome("http_req_duration"), (Outcome::Passed, Some(4.0)));
    // Read from the summary alone (no declaration): a Rate's passes + fails.
    assert_eq!(outcome("checks{name:x}"), (Outcome::NoSamples, None));
    // A Counter at 0 whose bound holds at 0 is a true count of nothing.
    assert_eq!(outcome("errors"), (Outcome::Passed, Some(0.0)));
    // Held while its value breaks the bound: k6 did not judge it.
    assert_eq!(outcome("odd"), (Outcome::NoSamples, None));
}

#[test]
fn trend_stats_cover_every_threshold() {
    let t = crate::dsl::metric::builtin::HTTP_REQ_DURATION
        .p(99.9)
        .lt(1)
        .to_ir()
        .clone();
    assert_eq!(
        summary_trend_stats(None, std::slice::from_ref(&t)),
        "avg,min,med,max,p(90),p(95),p(99.9),count"
    );
    assert_eq!(
        summary_trend_stats(Some(&[TrendStat::Percentile(99.9)]), &[t]),
        "p(99.9),count"
    );
}
