//! Runs the checkout test's flows once, in-process and without k6, against an
//! in-process demo shop, and prints what each step did.
//!
//! ```text
//! cargo run --example probe_checkout
//! ```
//!
//! Setup logs in, then the browse and purchase flows run once each (as one VU's
//! first iteration; think time is recorded, not slept): every request with its
//! status, every check, every extracted value. The exit code is 0 when nothing
//! failed, 1 with the first failure on stderr otherwise (2 when the probe could
//! not run): the pre-flight to run before a load test.

use std::process::ExitCode;

use k6dsl::probe::Probe;
use k6dsl::profile::Profile;

fn main() -> ExitCode {
    let shop = match demo_shop::DemoShop::builder().start() {
        Ok(shop) => shop,
        Err(e) => {
            eprintln!("the demo shop could not start: {e}");
            return ExitCode::from(2);
        }
    };
    let script = k6dsl_suite::checkout::script(Profile::Smoke);
    let probe = Probe::new()
        .base_url(shop.base_url())
        .env("SHOP_PASSWORD", demo_shop::PASSWORD);
    let trace = match probe.run(script.to_ir()) {
        Ok(trace) => trace,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    print!("{trace}");
    match trace.first_failure() {
        None => {
            println!("every request and check passed");
            ExitCode::SUCCESS
        }
        Some(failure) => {
            eprintln!("failed: {failure}");
            ExitCode::FAILURE
        }
    }
}
