//! `k6dsl merge`: the instances' `--out json` files merged into one result, its
//! reports and the exit code `k6 run` would give.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use k6dsl::results::merge::{merge, MergeInput, MergeOptions};

use super::{read_plan, Failure};

/// `k6dsl merge`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct Merge {
    /// The instances' k6 --out json files (NDJSON, or gzip), one per instance
    #[arg(value_name = "FILES", required = true)]
    pub files: Vec<PathBuf>,
    /// The directory to write report.html, junit.xml and summary.md into (created when missing)
    #[arg(short, long, visible_alias = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// The test's plan (JSON or YAML): its thresholds are judged in its order, sub-metrics included
    #[arg(long, value_name = "PLAN")]
    pub plan: Option<PathBuf>,
    /// The test's duration (`90s`, `5m30s`), which a Counter's rate divides by; default: from the first sample to the last
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// Each instance's k6 exit code, in the order of FILES (`0,0,107`), so that a crash decides the verdict
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub exit_codes: Vec<i32>,
    /// The most Trend samples kept before percentiles come from the sketch
    #[arg(long, value_name = "N", default_value_t = k6dsl::results::merge::DEFAULT_SAMPLE_LIMIT)]
    pub sample_limit: u64,
    /// The reports' title
    #[arg(long, value_name = "TITLE", default_value = "k6 merged run")]
    pub title: String,
}

/// `k6dsl merge`: merges the files, writes the reports, prints the verdict and the
/// thresholds that did not hold, warnings on `err`; the exit code of the verdict.
pub(crate) fn merge_files(
    args: &Merge,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<i32, Failure> {
    if !args.exit_codes.is_empty() && args.exit_codes.len() != args.files.len() {
        return Err(Failure::Usage(format!(
            "--exit-codes has {} codes for {} files: give one per file, in the same order",
            args.exit_codes.len(),
            args.files.len()
        )));
    }
    let mut options = MergeOptions::default()
        .sample_limit(args.sample_limit)
        .dir(&args.out);
    if let Some(plan) = &args.plan {
        let (_, plan) = read_plan(plan)?;
        options = options.declared(&plan.script.options.thresholds);
    }
    if let Some(text) = &args.duration {
        let duration = k6dsl::model::time::parse_duration(text).map_err(|e| {
            Failure::Usage(format!(
                "--duration {text:?}: {e} (write it as k6 does: 90s, 5m30s)"
            ))
        })?;
        options = options.duration(duration);
    }
    let inputs: Vec<MergeInput> = args
        .files
        .iter()
        .enumerate()
        .map(|(i, path)| MergeInput::new(path).exit_code(args.exit_codes.get(i).copied()))
        .collect();
    let merged = merge(&inputs, &options).map_err(|e| Failure::Other(e.to_string()))?;
    for warning in &merged.warnings {
        let _ = writeln!(err, "k6dsl: warning: {warning}");
    }
    let files = merged
        .report()
        .title(args.title.clone())
        .write_to(&args.out)
        .map_err(|e| {
            Failure::Other(format!(
                "cannot write the reports into {}: {e}",
                args.out.display()
            ))
        })?;
    let mut text = format!(
        "merged {} file{} ({} samples)\n{}",
        merged.instances.len(),
        if merged.instances.len() == 1 { "" } else { "s" },
        merged.instances.iter().map(|i| i.points).sum::<u64>(),
        merged.result.report()
    );
    for note in merged
        .notes()
        .iter()
        .filter(|n| !merged.warnings.contains(n))
    {
        text.push_str(&format!("note: {note}\n"));
    }
    text.push_str(&format!(
        "reports: {}, {}, {}\n",
        files.html.display(),
        files.junit.display(),
        files.markdown.display()
    ));
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Other(format!("cannot write to standard output: {e}")))?;
    Ok(merged.exit_code())
}
