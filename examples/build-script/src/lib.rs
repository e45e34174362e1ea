//! A crate whose build script generates its k6 load test with
//! [`k6dsl::output::build_script`](https://docs.rs/k6dsl): `cargo build` writes the demo shop's smoke
//! test to `k6/smoke.js` (and the users it logs in as to `k6/data/users.csv`), from
//! the settings in [`settings`] and the list in `users.csv`.
//!
//! ```text
//! cargo build -p k6dsl-build-script-sample       # writes examples/build-script/k6/
//! cargo run --example demo_shop &                # the shop, on 127.0.0.1:3300
//! k6 run -e SHOP_PASSWORD=demo-pass examples/build-script/k6/smoke.js
//! ```
//!
//! The script is written inside the package (git-ignored) rather than in `OUT_DIR`,
//! because it is meant to be run and read there. Only files whose contents changed are
//! rewritten, so a build with no change touches nothing; a generated file edited by
//! hand makes the next regeneration fail, naming the file, until
//! `K6DSL_FORCE=1 cargo build` overwrites it.
//!
//! The library itself only includes what was generated, for programs that want to
//! ship or run the script:
//!
//! ```
//! use k6dsl_build_script_sample::{settings, SMOKE_JS};
//! assert!(SMOKE_JS.contains(&format!("vus: {},", settings::VUS)));
//! ```

pub mod settings;

/// The generated smoke test (`k6/smoke.js`), as k6 runs it.
pub const SMOKE_JS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/k6/smoke.js"));

/// The users it logs in as (`k6/data/users.csv`, next to the script).
pub const USERS_CSV: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/k6/data/users.csv"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_follows_the_settings() {
        assert!(SMOKE_JS.contains(&format!("vus: {},", settings::VUS)));
        assert!(SMOKE_JS.contains(&format!("duration: \"{}s\",", settings::DURATION_SECS)));
        assert!(SMOKE_JS.contains(&format!(
            "http_req_duration: [\"p(95)<{}\"],",
            settings::P95_MS
        )));
        assert!(SMOKE_JS.contains("\"./data/users.csv\""), "{SMOKE_JS}");
    }

    #[test]
    fn the_users_are_the_watched_list() {
        assert_eq!(USERS_CSV, include_str!("../users.csv"));
    }
}
