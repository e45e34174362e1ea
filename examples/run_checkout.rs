//! Runs the checkout test's smoke profile under k6 against an in-process demo shop
//! and writes its reports.
//!
//! ```text
//! cargo run --example run_checkout -- --out target/checkout-report
//! cargo run --example run_checkout -- --instances 3 --out target/checkout-report
//! ```
//!
//! The demo shop listens on a free 127.0.0.1 port; k6 (found as `k6dsl::run` finds
//! it: `K6_BIN`, `k6` on PATH, or `.tools/k6/bin/k6`) runs the smoke profile (about
//! 13 seconds) with `--out json`. DIR then holds `report.html`, `junit.xml` and
//! `summary.md`, and k6's own artifacts in `DIR/k6-run/`. The verdict and the
//! Markdown summary are printed; the exit code is 0 only when the verdict is
//! passed (1 otherwise, 2 when the run or the reports could not be made).
//!
//! With `--instances N` the test is split across N k6 instances on this machine,
//! each run as a k6-operator runner runs it (its execution segment, paused, setup
//! once through k6's REST API, teardown once), with a live progress line; the
//! reports are of every instance's samples merged, with a section per instance,
//! and `DIR/k6-run/instance-<i>/` holds each instance's samples, logs and
//! command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use k6dsl::model::split::Split;
use k6dsl::profile::Profile;
use k6dsl::results::report::Report;
use k6dsl::run::{RunError, Runner, SplitRun, Verdict};

/// The command line: where the reports go.
#[derive(Debug, Parser)]
#[command(
    // As before clap: `--out` given twice takes its last value.
    args_override_self = true,
    about = "Run the checkout test's smoke profile under k6 against an in-process demo shop, and write its reports",
    long_about = "\
Run the checkout test's smoke profile (about 13 seconds) under k6 against an
in-process demo shop, and write its reports into DIR: report.html, junit.xml,
summary.md, and k6's own artifacts in DIR/k6-run/. k6 is found as k6dsl::run finds
it: K6_BIN, k6 on PATH, or .tools/k6/bin/k6.

Exit status: 0 when the verdict is passed, 1 when it is not, 2 when the run or the
reports could not be made (or the command line is not understood)."
)]
struct Args {
    /// The directory to write the reports into
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Split the test across N k6 instances on this machine (k6's execution
    /// segments), setup once, and merge their results
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    instances: u32,
}

fn main() -> ExitCode {
    // clap prints the help or a usage error itself; its usage errors exit 2.
    let Args {
        out: dir,
        instances,
    } = Args::parse();
    let shop = match demo_shop::DemoShop::builder()
        .record_requests(false)
        .start()
    {
        Ok(shop) => shop,
        Err(e) => {
            eprintln!("the demo shop cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    eprintln!("demo shop on {}", shop.base_url());
    let script = k6dsl_suite::checkout::script_on(Profile::Smoke, instances);
    let runner = Runner::new()
        .dir(dir.join("k6-run"))
        .env("BASE_URL", shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .out_json()
        .timeout(Duration::from_secs(180));
    if instances > 1 {
        let split = runner
            .echo(false)
            .live_view(true)
            .run_split(&script, &Split::equal(instances));
        drop(shop);
        return split_reports(split, &dir, instances);
    }
    let result = runner.run(&script);
    drop(shop);
    let result = match result {
        Ok(result) => result,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let written = Report::new(&result).and_then(|report| {
        let report = report.title("checkout smoke test");
        Ok((report.markdown(), report.write_to(&dir)?))
    });
    let (markdown, files) = match written {
        Ok(written) => written,
        Err(e) => {
            eprintln!("writing the reports into {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    println!("\n{markdown}");
    println!("verdict: {}", result.verdict);
    println!(
        "reports: {}, {}, {}",
        files.html.display(),
        files.junit.display(),
        files.markdown.display()
    );
    if result.verdict == Verdict::Passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The reports of a split run: every instance's samples merged, a section per
/// instance; the exit code as for one machine.
fn split_reports(split: Result<SplitRun, RunError>, dir: &std::path::Path, n: u32) -> ExitCode {
    let run = match split {
        Ok(run) => run,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    for note in &run.notes {
        eprintln!("{note}");
    }
    let Some(merged) = &run.merged else {
        eprintln!("no instance wrote samples: {}", run.result.verdict);
        return ExitCode::from(2);
    };
    let report = merged
        .report()
        .title(format!("checkout smoke test, {n} instances"));
    let files = match report.write_to(dir) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("writing the reports into {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    println!("\n{}", report.markdown());
    println!("verdict: {}", run.result.verdict);
    println!(
        "reports: {}, {}, {}",
        files.html.display(),
        files.junit.display(),
        files.markdown.display()
    );
    if run.result.verdict == Verdict::Passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
