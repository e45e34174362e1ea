//! The checkout load test: shoppers browse the catalogue while purchases arrive at a
//! steady rate, with global and per-endpoint SLAs and custom business metrics.
//!
//! ```text
//! cargo run --example checkout > main.js                    # the load profile
//! cargo run --example checkout -- --profile smoke > main.js # 1 VU, ~13 seconds
//! cargo run --example demo_shop &                           # a shop on 127.0.0.1:3300
//! k6 run -e SHOP_PASSWORD=demo-pass main.js
//! ```
//!
//! Profiles: smoke, load (default), stress, spike, soak. `BASE_URL` points the test
//! elsewhere; the password is only ever read from `SHOP_PASSWORD` at run time. The
//! test itself is defined in `src/checkout.rs`.

use k6dsl::profile::Profile;

fn main() {
    let profile = match profile_from_args() {
        Ok(profile) => profile,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    match k6dsl_suite::checkout::script(profile).to_javascript() {
        Ok(js) => print!("{js}"),
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(1);
        }
    }
}

/// `--profile NAME` (or `--profile=NAME`); `load` when absent.
fn profile_from_args() -> Result<Profile, String> {
    let mut args = std::env::args().skip(1);
    let mut profile = Profile::Load;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--profile=") {
            Some(value) => value.to_owned(),
            None if arg == "--profile" => args
                .next()
                .ok_or("--profile needs a name: smoke, load, stress, spike or soak")?,
            None => {
                return Err(format!(
                    "unknown argument `{arg}`: usage: checkout [--profile NAME]"
                ))
            }
        };
        profile = value.parse().map_err(|e| format!("{e}"))?;
    }
    Ok(profile)
}
