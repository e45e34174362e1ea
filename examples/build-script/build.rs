//! Generates the demo shop's smoke test into `k6/` at build time:
//!
//! - `k6/smoke.js` from the settings in `src/settings.rs` (a module of this build
//!   script, so cargo rebuilds and reruns it when the file changes);
//! - `k6/data/users.csv` from `users.csv` (read here, and watched: editing it reruns
//!   this script).
//!
//! Only files whose contents changed are rewritten. A generated file edited by hand
//! makes the next regeneration fail, naming the file; `K6DSL_FORCE=1 cargo build`
//! overwrites it.

use std::num::NonZeroU32;
use std::path::Path;

use k6dsl::output::build_script::Generator;
use k6dsl::prelude::*;

#[path = "src/settings.rs"]
mod settings;

/// The watched list of users the smoke test logs in as.
const USERS: &str = "users.csv";

fn main() {
    if let Err(error) = generate() {
        // Cargo shows a failed build script's standard error.
        eprintln!("{error}");
        std::process::exit(1);
    }
}

fn generate() -> Result<(), Box<dyn std::error::Error>> {
    let users = read_users(Path::new(USERS))?;
    let script = smoke_test(&users)?;
    // Inside the package, where `k6 run k6/smoke.js` finds it and where a person may
    // open (and edit) it; git-ignored. Generator never makes this directory a rerun
    // trigger.
    Generator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("k6"))
        .script("smoke.js", &script)
        .watch(USERS)
        .write()?;
    Ok(())
}

/// The usernames in `path`: a `username` header, then one name per line.
fn read_users(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "username")) => {}
        _ => {
            return Err(format!(
                "{}:1: the first line must be `username`",
                path.display()
            ))
        }
    }
    let mut users = Vec::new();
    for (index, line) in lines {
        let name = line.trim();
        if name.is_empty() {
            continue;
        }
        if name.contains([',', '"']) {
            return Err(format!(
                "{}:{}: one username per line, without commas or quotes",
                path.display(),
                index + 1
            ));
        }
        users.push(name.to_owned());
    }
    if users.is_empty() {
        return Err(format!("{}: no users", path.display()));
    }
    Ok(users)
}

/// One flow against the demo shop (`cargo run --example demo_shop`): log in as a user
/// of the list, browse a product, read the account; SLAs on errors, latency and checks.
fn smoke_test(users: &[String]) -> Result<Script<k6dsl::load::HasScenarios>, String> {
    let vus = NonZeroU32::new(settings::VUS)
        .ok_or("src/settings.rs: VUS must be at least 1 (k6 rejects 0 VUs)")?;
    let users = DataSet::csv_rows("users", ["username"], users.iter().map(|u| [u.as_str()]));
    let smoke = Flow::new("smoke").steps(|f| {
        let user = f.row(&users, RowSelection::PerVu);
        let login = f.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", user.field("username")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200))
                .check(Check::json_exists("token")),
        );
        let token = login.json("token");
        let list = f.request(
            Request::get("/products?limit=5")
                .name("products")
                .check(Check::status(200))
                .check(Check::json_exists("products.0.id")),
        );
        let id = list.json("products.0.id").named("productId");
        f.request(
            Request::get(text!["/products/", id])
                .name("product")
                .check(Check::status(200)),
        );
        f.request(
            Request::get("/users/me")
                .name("me")
                .bearer(&token)
                .check(Check::status(200)),
        );
        f.think(ThinkTime::fixed(secs(1)));
    });
    Ok(Script::new()
        .scenario(
            Scenario::new(
                "smoke",
                ConstantVus::new()
                    .vus(vus)
                    .duration(secs(settings::DURATION_SECS)),
            )
            .exec(&smoke),
        )
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01))
        .threshold(HTTP_REQ_DURATION.p(95).lt(settings::P95_MS))
        .threshold(CHECKS.rate().gt(0.99)))
}
