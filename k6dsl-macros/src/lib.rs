//! Procedural macros behind `k6dsl`. Use them through the `k6dsl` crate, whose
//! `macro_rules!` wrappers (`k6dsl::scenario!`, `k6dsl::scenarios!`,
//! `k6dsl::thresholds!`, `k6dsl::flow!`, `k6dsl::setup!`,
//! `k6dsl::teardown!`) document the grammar and pass the crate's
//! path in first, so that expansions work however a user names the dependency.
//!
//! Each macro parses its input, reports every mistake at once with the span of the
//! user's own tokens (`syn::Error::combine`), and expands to calls on `k6dsl`'s
//! builders: one model, never a parallel one. A failure is a `compile_error!`,
//! never a panic.

mod common;
mod flow;
mod scenario;
mod thresholds;

use proc_macro::TokenStream;

#[doc(hidden)]
#[proc_macro]
pub fn scenario(input: TokenStream) -> TokenStream {
    common::run(input, "Scenario", scenario::expand_one)
}

#[doc(hidden)]
#[proc_macro]
pub fn scenarios(input: TokenStream) -> TokenStream {
    common::run(input, "__private::NoScenarios", scenario::expand_many)
}

#[doc(hidden)]
#[proc_macro]
pub fn thresholds(input: TokenStream) -> TokenStream {
    common::run(input, "__private::NoThresholds", thresholds::expand)
}

#[doc(hidden)]
#[proc_macro]
pub fn flow(input: TokenStream) -> TokenStream {
    common::run(input, "Flow", flow::expand)
}

#[doc(hidden)]
#[proc_macro]
pub fn setup(input: TokenStream) -> TokenStream {
    common::run(input, "code::Setup", flow::expand_setup)
}

#[doc(hidden)]
#[proc_macro]
pub fn teardown(input: TokenStream) -> TokenStream {
    common::run(input, "code::Teardown", flow::expand_teardown)
}
