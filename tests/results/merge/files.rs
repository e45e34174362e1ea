//! Files as they come: cut short by a killed k6, compressed, or not k6's at all.

use k6dsl::results::merge::{merge, MergeError, MergeInput, MergeOptions};

use super::split_run;

fn merge_one(path: &std::path::Path) -> Result<k6dsl::results::merge::MergedRun, MergeError> {
    merge(&[MergeInput::new(path)], &MergeOptions::default())
}

#[test]
fn a_cut_last_line_is_a_warning_and_everything_before_it_counts() {
    let files = split_run().files();
    let whole = merge_one(&files[0]).unwrap();
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("out.json");
    // Killed mid-line: the last line loses its end.
    std::fs::write(&cut, &text[..text.trim_end().len() - 10]).unwrap();
    let merged = merge_one(&cut).expect("a cut file still merges");
    let instance = &merged.instances[0];
    assert!(instance.truncated);
    assert_eq!(instance.points, whole.instances[0].points - 1);
    assert!(
        merged
            .warnings
            .iter()
            .any(|w| w.contains("truncated last line skipped") && w.contains("out.json")),
        "{:#?}",
        merged.warnings
    );
}

#[test]
fn a_cut_gzip_stream_is_a_warning_too() {
    let files = split_run().files();
    let gz = std::fs::read(&files[2]).unwrap();
    assert!(gz.starts_with(&[0x1f, 0x8b]), "k6 wrote gzip");
    let whole = merge_one(&files[2]).unwrap();
    assert!(whole.warnings.is_empty(), "{:#?}", whole.warnings);
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("out.json.gz");
    std::fs::write(&cut, &gz[..gz.len() * 2 / 3]).unwrap();
    let merged = merge_one(&cut).expect("a cut gzip file still merges");
    assert!(merged.instances[0].truncated);
    assert!(merged.instances[0].points < whole.instances[0].points);
    assert!(
        merged
            .warnings
            .iter()
            .any(|w| w.contains("gzip stream ends early")),
        "{:#?}",
        merged.warnings
    );
}

#[test]
fn files_that_are_not_k6_output_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("results.csv");
    std::fs::write(&csv, "metric_name,timestamp,metric_value\nhttp_reqs,1,1\n").unwrap();
    let error = merge_one(&csv).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}:1: this is not k6 `--out json` output (expected value at line 1 column 1); \
             give the file k6 wrote with `--out json=FILE` (NDJSON lines, optionally \
             gzip-compressed)",
            csv.display()
        )
    );

    let other_json = dir.path().join("summary.json");
    std::fs::write(
        &other_json,
        "{\"type\":\"Summary\"}\n{\"type\":\"Summary\"}\n",
    )
    .unwrap();
    let error = merge_one(&other_json).unwrap_err().to_string();
    assert!(error.contains(":1: this is not k6"), "{error}");
    assert!(error.contains("a line of type \"Summary\""), "{error}");

    let fake_gz = dir.path().join("out.json.gz");
    std::fs::write(&fake_gz, "{}\n").unwrap();
    let error = merge_one(&fake_gz).unwrap_err().to_string();
    assert!(
        error.contains("its name ends in .gz but it is not gzip data"),
        "{error}"
    );

    let missing = dir.path().join("instance-9/out.json");
    let error = merge_one(&missing).unwrap_err();
    assert!(matches!(error, MergeError::Missing { .. }));
    assert!(
        error.to_string().starts_with(&format!(
            "{}: no such file: give the path",
            missing.display()
        )),
        "{error}"
    );

    let error = merge_one(dir.path()).unwrap_err().to_string();
    assert!(error.contains("it is a directory"), "{error}");

    let error = merge(&[], &MergeOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("no k6 output file to merge"), "{error}");

    // An empty file is an instance that recorded nothing: merged, with a warning.
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let merged = merge_one(&empty).unwrap();
    assert!(merged
        .warnings
        .iter()
        .any(|w| w.contains("the file is empty")));
    // A bad file among good ones fails the merge, naming the bad one.
    let good = split_run().files();
    let error = merge(
        &[
            MergeInput::new(&good[0]),
            MergeInput::new(&csv),
            MergeInput::new(&good[1]),
        ],
        &MergeOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(error.starts_with(&csv.display().to_string()), "{error}");
}
