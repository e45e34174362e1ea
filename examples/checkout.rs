//! The checkout load test: shoppers browse the catalogue while purchases arrive at a
//! steady rate, with global and per-endpoint SLAs and custom business metrics.
//!
//! ```text
//! cargo run --example checkout > main.js                    # the load profile
//! cargo run --example checkout -- --profile smoke > main.js # 1 VU, ~13 seconds
//! cargo run --example checkout -- --ts > main.ts            # TypeScript
//! cargo run --example checkout -- --project k6/             # a k6 project tree (with --ts: .ts)
//! cargo run --example demo_shop &                           # a shop on 127.0.0.1:3300
//! k6 run -e SHOP_PASSWORD=demo-pass main.js
//! ```
//!
//! Profiles: smoke, load (default), stress, spike, soak. `BASE_URL` points the test
//! elsewhere; the password is only ever read from `SHOP_PASSWORD` at run time. The
//! test itself is defined in `src/checkout.rs`; `examples/checkout_macro.rs` writes
//! the same test with k6dsl's macros.

fn main() {
    k6dsl_suite::checkout::example_main(k6dsl_suite::checkout::script);
}
