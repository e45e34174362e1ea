//! The checkout load test: browsing shoppers ramp up and down while purchases arrive
//! at a steady rate, with global and per-endpoint SLAs and custom business metrics.
//!
//! ```text
//! cargo run --example checkout > main.js
//! k6 run main.js
//! ```

use k6dsl::options::{SystemTag, TrendStat};
use k6dsl::prelude::*;

fn main() {
    let browse_flow = Flow::new("browse");
    let purchase_flow = Flow::new("purchase");

    let browse = Scenario::new(
        "browse",
        RampingVus::new()
            .start_vus(0)
            .stage(mins(2), 20)
            .stage(mins(5), 20)
            .stage(mins(1), 0)
            .graceful_ramp_down(secs(30)),
    )
    .exec(&browse_flow)
    .tag("flow", "browse");

    let purchase = Scenario::new(
        "purchase",
        ConstantArrivalRate::new()
            .rate(nz!(10))
            .time_unit(secs(1))
            .duration(mins(8))
            .pre_allocated_vus(20)
            .max_vus(50),
    )
    .exec(&purchase_flow)
    .tag("flow", "purchase");

    let checkout_duration = Trend::time("checkout_duration");
    let checkout_errors = Counter::new("checkout_errors");
    let checkout_success = Rate::new("checkout_success");
    let cart_size = Gauge::new("cart_size");

    let script = Script::new()
        .threshold(HTTP_REQ_DURATION.p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.p(99).lt(1000))
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800))
        .threshold(HTTP_REQ_DURATION.for_scenario(&browse).p(95).lt(300))
        .threshold(checkout_duration.p(95).lt(1500))
        .threshold(
            checkout_success
                .rate()
                .gt(0.95)
                .abort_on_fail()
                .delay_abort_eval(mins(1)),
        )
        .threshold(checkout_errors.count().lt(50))
        .metric(&cart_size)
        .scenario(browse)
        .scenario(purchase)
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
        );

    match script.to_javascript() {
        Ok(js) => print!("{js}"),
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(1);
        }
    }
}
