//! Running k6: the runner (`k6dsl::run`) end to end against real and fake k6
//! programs, and the checkout example run under `k6 run` against the demo shop.
//!
//! One of the integration-test binaries, one per pipeline area (each links the
//! whole library once); run it alone with `cargo test --test run`.

mod checkout;
mod probe;
mod runner;
mod shop_logic;
mod split;
