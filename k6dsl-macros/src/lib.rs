//! Procedural macros behind `k6dsl`. Use them through the `k6dsl` crate, which
//! re-exports them; this crate's API is an implementation detail.
//!
//! The `scenario!` front end lands here: it parses, validates with all errors
//! spanned on the user's tokens, and expands to calls on `k6dsl`'s builders.
