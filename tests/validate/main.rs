//! Validation: every rule k6dsl checks before it generates, against real k6
//! (`validation_vs_k6`); mistakes that used to fail silently and now fail loudly
//! (`silent_failures`); and bad input that stays bounded (`bounded_input`).
//!
//! One of the integration-test binaries, one per pipeline area (each links the
//! whole library once); run it alone with `cargo test --test validate`.

mod bounded_input;
mod silent_failures;
mod split;
mod validation_vs_k6;
