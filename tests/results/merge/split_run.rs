//! Three k6 instances of one test: the merge is the whole test's result.

use k6dsl::results::merge::{merge, MergeInput, MergeOptions};
use k6dsl::run::{MetricValues, Outcome, Verdict};

use super::{k6_percentile, raw_values, relative_error, split_run};

#[test]
fn three_instances_merge_into_the_whole_tests_result() {
    let run = split_run();
    // Each instance judged only its share: 10 iterations, under 25, so each passed.
    assert_eq!(run.exit_codes, [0, 0, 0], "{:#?}", run.stderr);
    let files = run.files();
    let inputs: Vec<MergeInput> = files
        .iter()
        .zip(&run.exit_codes)
        .map(|(f, code)| MergeInput::new(f).exit_code(Some(*code)))
        .collect();
    let merged = merge(&inputs, &MergeOptions::default()).expect("the three files merge");
    assert!(merged.warnings.is_empty(), "{:#?}", merged.warnings);

    // The instances' shares add up to the test.
    let labels: Vec<&str> = merged.instances.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["instance-1", "instance-2", "instance-3"]);
    for instance in &merged.instances {
        assert_eq!(instance.iterations, 10.0, "{}", instance.label);
        assert_eq!(instance.requests, 20.0, "{}", instance.label);
        assert_eq!(instance.verdict, Some(Verdict::Passed));
    }
    assert_eq!(
        merged
            .result
            .metric("iterations")
            .and_then(MetricValues::count),
        Some(30.0)
    );
    assert_eq!(merged.result.check("status is 200"), (30, 0));

    // The merged p95 is the p95 of every raw sample, computed here from the files.
    let raw = raw_values(&files, "http_req_duration");
    assert_eq!(raw.len(), 60);
    let exact = k6_percentile(&raw, 0.95);
    let ours = merged
        .result
        .metric("http_req_duration")
        .and_then(|m| m.trend("p(95)"))
        .unwrap();
    assert!(
        relative_error(ours, exact) <= 1e-12,
        "ours {ours}, exact {exact}"
    );
    let p95 = merged
        .result
        .threshold("http_req_duration", "p(95)<10000")
        .unwrap();
    assert_eq!((p95.outcome, p95.observed), (Outcome::Passed, Some(ours)));

    // A threshold every instance passed alone fails on the whole test.
    let iterations = merged.result.threshold("iterations", "count<25").unwrap();
    assert_eq!(
        (iterations.outcome, iterations.observed),
        (Outcome::Failed, Some(30.0))
    );
    assert_eq!(merged.result.verdict, Verdict::ThresholdsFailed);
    assert_eq!(merged.exit_code(), 99);
}

#[test]
fn a_crashed_instance_decides_the_verdict_and_is_named() {
    let run = split_run();
    let files = run.files();
    let inputs = [
        MergeInput::new(&files[0]).exit_code(Some(0)),
        MergeInput::new(&files[1]).exit_code(Some(107)),
    ];
    let merged = merge(&inputs, &MergeOptions::default()).unwrap();
    // The merged thresholds hold (20 iterations), but instance-2 failed.
    assert!(merged.result.thresholds.iter().all(|t| t.passed()));
    assert_eq!(merged.result.verdict, Verdict::ScriptException);
    assert_eq!(merged.exit_code(), 107);
    assert!(merged.instances[1].ended_badly());
    let notes = merged.notes();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("instance-2 ended: script exception")),
        "{notes:#?}"
    );
    let md = merged.report().markdown();
    assert!(
        md.contains("| instance-2 | script exception (exit code 107) |"),
        "{md}"
    );
}
