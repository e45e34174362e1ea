//! The checkout load test of the README and `cargo run --example checkout`, shared
//! with the tests that run it against the demo shop and with the benchmark.
//!
//! Shoppers browse the catalogue (ramping VUs, reading with a token from setup)
//! while purchases arrive at a steady rate (each VU logs in once as its own user,
//! fills a cart and checks out), with global, per-endpoint, per-scenario and
//! per-group SLAs and custom business metrics.

use k6dsl::options::{SystemTag, TrendStat};
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use std::num::{NonZeroU32, NonZeroU64};

/// The setup, flows and custom metrics of the checkout test.
pub struct Parts {
    /// Logs in once for the browsing shoppers.
    pub setup: Setup,
    /// Browsing shoppers: product list, a product, their account.
    pub browse: Flow,
    /// Buyers: per-VU login, add to cart, checkout, order.
    pub purchase: Flow,
    /// Checkout response times.
    pub checkout_duration: Trend,
    /// Failed checkouts.
    pub checkout_errors: Counter,
    /// Share of successful checkouts.
    pub checkout_success: Rate,
    /// Items in the cart after adding.
    pub cart_size: Gauge,
}

/// The checkout flows; `think` adds the shoppers' think time (the benchmark leaves
/// it out to measure the script's own cost).
pub fn parts(think: bool) -> Parts {
    let checkout_duration = Trend::time("checkout_duration");
    let checkout_errors = Counter::new("checkout_errors");
    let checkout_success = Rate::new("checkout_success");
    let cart_size = Gauge::new("cart_size");

    // A test-wide login: browsing shoppers share this token.
    let setup = Setup::new(|s| {
        let login = s.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", Value::env("SHOP_USER", "user1")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200))
                .check(Check::json_exists("token")),
        );
        let token = login.json("token");
        s.share("token", token);
    });
    let token = setup.get("token");

    let browse_flow = Flow::new("browse").steps(|f| {
        f.group("Browse Products", |g| {
            let list = g.request(
                Request::get("/products?limit=20")
                    .name("products")
                    .check(Check::status(200))
                    .check(Check::json_exists("products.0.id"))
                    .check(Check::duration_below(millis(500))),
            );
            let id = list.json("products.0.id").named("productId");
            if think {
                g.think(ThinkTime::between(secs(1), secs(3)));
            }
            g.request(
                Request::get(text!["/products/", id])
                    .name("product")
                    .check(Check::status(200))
                    .check(Check::header_contains("Content-Type", "application/json")),
            );
        });
        f.group("Account", |g| {
            g.request(
                Request::get("/users/me")
                    .name("profile")
                    .bearer(&token)
                    .check(Check::status(200)),
            );
        });
        if think {
            f.think(ThinkTime::between(secs(1), secs(3)));
        }
    });

    let purchase_flow = Flow::new("purchase").steps(|f| {
        // Each VU shops as its own user, so carts never collide.
        let user_token = f.once_per_vu(|once| {
            let login = once.request(
                Request::post("/auth/login")
                    .name("login")
                    .json_object([
                        ("username", text!["user", Value::vu()]),
                        ("password", Value::secret("SHOP_PASSWORD")),
                    ])
                    .check(Check::status(200)),
            );
            login.json("token").named("userToken")
        });
        f.group("Cart", |g| {
            let cart = g.request(
                Request::post("/cart/items")
                    .name("add_to_cart")
                    .bearer(&user_token)
                    .json(&serde_json::json!({ "product_id": 7, "quantity": 2 }))
                    .check(Check::status(201)),
            );
            let items = cart.json("items.#").named("itemCount");
            g.add(&cart_size, items.as_number());
        });
        f.group("Checkout", |g| {
            let order = g.request(
                Request::post("/checkout")
                    .name("checkout")
                    .bearer(&user_token)
                    .check(Check::status(201))
                    .check(Check::json_exists("order_id"))
                    .record_checks(&checkout_success)
                    .count_failures(&checkout_errors)
                    .log_failures()
                    .record_duration(&checkout_duration),
            );
            let order_id = order.json("order_id").named("orderId");
            g.request(
                Request::get(text!["/orders/", order_id])
                    .name("order")
                    .bearer(&user_token)
                    .check(Check::status(200)),
            );
        });
        if think {
            f.think(ThinkTime::fixed(millis(500)));
        }
    });

    Parts {
        setup,
        browse: browse_flow,
        purchase: purchase_flow,
        checkout_duration,
        checkout_errors,
        checkout_success,
        cart_size,
    }
}

/// The whole test for one load profile.
pub fn script(profile: Profile) -> Script<k6dsl::load::HasScenarios> {
    script_on(profile, 1)
}

/// The whole test for one load profile, split across `instances` k6 instances:
/// the smoke profile's one VU and one purchase a second become one per instance,
/// so that every instance has work in both scenarios (the other profiles have
/// VUs to spare).
pub fn script_on(profile: Profile, instances: u32) -> Script<k6dsl::load::HasScenarios> {
    let Parts {
        setup,
        browse: browse_flow,
        purchase: purchase_flow,
        checkout_duration,
        checkout_errors,
        checkout_success,
        cart_size,
    } = parts(true);

    let n = instances.max(1);
    let (browse, purchase) = if profile == Profile::Smoke && n > 1 {
        // The smoke shape is flat: n VUs throughout, one for each instance.
        let browse = ConstantVus::new()
            .vus(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
            .duration(profile.duration());
        let rate = ConstantArrivalRate::new()
            .rate(NonZeroU64::new(u64::from(n)).unwrap_or(NonZeroU64::MIN))
            .time_unit(secs(1))
            .duration(profile.duration())
            .pre_allocated_vus(n)
            .max_vus(n * 2);
        (
            Scenario::new("browse", browse),
            Scenario::new("purchase", rate),
        )
    } else {
        (
            Scenario::new("browse", profile.ramping_vus(20)),
            Scenario::new("purchase", profile.constant_arrival_rate(nz!(10), 20, 50)),
        )
    };
    let browse = browse
        .exec(&browse_flow)
        .graceful_stop(profile.grace())
        .tag("flow", "browse");
    let purchase = purchase
        .exec(&purchase_flow)
        .graceful_stop(profile.grace())
        .tag("flow", "purchase");

    Script::new()
        .setup(setup)
        .threshold(HTTP_REQ_DURATION.p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.p(99).lt(1000))
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800))
        .threshold(HTTP_REQ_DURATION.for_scenario(&browse).p(95).lt(300))
        .threshold(GROUP_DURATION.for_group(["Checkout"]).p(95).lt(1000))
        .threshold(CHECKS.rate().gt(0.99))
        .threshold(checkout_duration.p(95).lt(1500))
        .threshold(
            checkout_success
                .rate()
                .gt(0.95)
                .abort_on_fail()
                .delay_abort_eval(secs(10)),
        )
        .threshold(checkout_errors.count().lt(50))
        .metric(&cart_size)
        .scenario(browse)
        .scenario(purchase)
        .summary_json("results/summary.json")
        .options(
            GeneralOptions::default()
                .user_agent("k6dsl-checkout/1.0")
                .summary_trend_stats([
                    TrendStat::Avg,
                    TrendStat::Med,
                    TrendStat::Percentile(95.0),
                    TrendStat::Percentile(99.0),
                    TrendStat::Max,
                ])
                .system_tags([
                    SystemTag::Status,
                    SystemTag::Method,
                    SystemTag::Name,
                    SystemTag::Scenario,
                    SystemTag::Group,
                    SystemTag::Check,
                    SystemTag::ExpectedResponse,
                ]),
        )
}

/// The benchmark's load: the same flows without think time, each run by `vus`
/// constant VUs for `duration`, with no thresholds that could stop the run.
pub fn bench_script(
    vus: std::num::NonZeroU32,
    duration: std::time::Duration,
) -> Script<k6dsl::load::HasScenarios> {
    let parts = parts(false);
    Script::new()
        .setup(parts.setup)
        .scenario(
            Scenario::new("browse", ConstantVus::new().vus(vus).duration(duration))
                .exec(&parts.browse),
        )
        .scenario(
            Scenario::new("purchase", ConstantVus::new().vus(vus).duration(duration))
                .exec(&parts.purchase),
        )
        .options(GeneralOptions::default().user_agent("k6dsl-checkout/1.0"))
}

/// What the checkout examples were asked for on the command line.
///
/// ```
/// use clap::Parser;
/// use k6dsl::profile::Profile;
/// use k6dsl_suite::checkout::ExampleArgs;
///
/// let args = ExampleArgs::try_parse_from(["checkout", "--profile=smoke", "--ts"]).unwrap();
/// assert_eq!((args.profile, args.typescript, args.project), (Profile::Smoke, true, None));
/// let error = ExampleArgs::try_parse_from(["checkout", "--profile", "heavy"]).unwrap_err();
/// assert!(error.to_string().contains("unknown load profile `heavy`"), "{error}");
/// ```
#[derive(Debug, Clone, PartialEq, clap::Parser)]
#[command(
    // As before clap: an option given twice takes its last value.
    args_override_self = true,
    about = "Print the checkout load test as a k6 script (or write it as a k6 project)",
    long_about = "\
Print the checkout load test as a k6 script: shoppers browse the catalogue while
purchases arrive at a steady rate, with thresholds, checks and custom metrics.

  cargo run --example checkout > main.js
  cargo run --example checkout -- --profile smoke > main.js
  k6 run -e SHOP_PASSWORD=demo-pass main.js

BASE_URL points the test at another shop; the password is only ever read from
SHOP_PASSWORD when k6 runs."
)]
pub struct ExampleArgs {
    /// The load profile: smoke, load, stress, spike or soak
    #[arg(long, value_name = "NAME", default_value = "load", value_parser = parse_profile)]
    pub profile: Profile,
    /// Write a k6 project tree into DIR instead of one script to stdout
    #[arg(long, value_name = "DIR")]
    pub project: Option<std::path::PathBuf>,
    /// Write TypeScript (typed against @types/k6) instead of JavaScript
    #[arg(long = "ts")]
    pub typescript: bool,
    /// Overwrite project files that were edited by hand
    #[arg(long)]
    pub force: bool,
}

/// `--profile`'s values, with the profile's own error (it names the choices).
fn parse_profile(name: &str) -> Result<Profile, <Profile as std::str::FromStr>::Err> {
    name.parse()
}

/// The `main` of the checkout examples: [`ExampleArgs`] say what to write; the
/// script goes to stdout, or with `--project DIR` the k6 project tree goes into DIR.
/// Exits 2 on a bad argument (clap's message) and 1 when the script does not
/// generate or cannot be written.
pub fn example_main(script: impl FnOnce(Profile) -> Script<k6dsl::load::HasScenarios>) {
    let args = <ExampleArgs as clap::Parser>::parse();
    let script = script(args.profile);
    let result = match (&args.project, args.typescript) {
        (None, false) => script
            .to_javascript()
            .map(|js| print!("{js}"))
            .map_err(|e| e.to_string()),
        (None, true) => script
            .to_typescript()
            .map(|ts| print!("{ts}"))
            .map_err(|e| e.to_string()),
        (Some(dir), false) => script
            .to_project()
            .map_err(|e| e.to_string())
            .and_then(|files| write_project(dir, files, args.force)),
        (Some(dir), true) => script
            .to_project_ts()
            .map_err(|e| e.to_string())
            .and_then(|files| write_project(dir, files, args.force)),
    };
    if let Err(message) = result {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

/// Writes through `k6dsl::output`: atomically, leaving unchanged files alone, and
/// refusing (by name) files edited by hand unless `force`.
pub fn write_project(
    dir: &std::path::Path,
    files: k6dsl::Files,
    force: bool,
) -> Result<(), String> {
    let report = k6dsl::output::OutputDir::new(dir)
        .force(force)
        .write(files.into_pairs())
        .map_err(|e| {
            if e.needs_force() {
                format!("{e}\n(--force overwrites them)")
            } else {
                e.to_string()
            }
        })?;
    eprintln!("{report}");
    Ok(())
}
