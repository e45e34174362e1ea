//! Runs the checkout test's smoke profile under k6 against an in-process demo shop
//! and writes its reports.
//!
//! ```text
//! cargo run --example run_checkout -- --out target/checkout-report
//! ```
//!
//! The demo shop listens on a free 127.0.0.1 port; k6 (found as `k6dsl::run` finds
//! it: `K6_BIN`, `k6` on PATH, or `.tools/k6/bin/k6`) runs the smoke profile (about
//! 13 seconds) with `--out json`. DIR then holds `report.html`, `junit.xml` and
//! `summary.md`, and k6's own artifacts in `DIR/k6-run/`. The verdict and the
//! Markdown summary are printed; the exit code is 0 only when the verdict is
//! passed (1 otherwise, 2 when the run or the reports could not be made).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use k6dsl::profile::Profile;
use k6dsl::results::report::Report;
use k6dsl::run::{Runner, Verdict};

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
}

fn main() -> ExitCode {
    // clap prints the help or a usage error itself; its usage errors exit 2.
    let dir = Args::parse().out;
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
    let script = k6dsl_suite::checkout::script(Profile::Smoke);
    let result = Runner::new()
        .dir(dir.join("k6-run"))
        .env("BASE_URL", shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD)
        .out_json()
        .timeout(Duration::from_secs(180))
        .run(&script);
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
