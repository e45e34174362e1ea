//! Procedural macros behind `k6dsl`. Use them through the `k6dsl` crate, whose
//! `macro_rules!` wrappers (`k6dsl::scenario!`, `k6dsl::scenarios!`,
//! `k6dsl::thresholds!`, `k6dsl::flow!`, `k6dsl::setup!`, `k6dsl::teardown!`)
//! document the grammar and pass the crate's path in first, so that expansions
//! work however a user names the dependency.
//!
//! Each macro parses its input into a syntax tree ([`ast`]), checks it against
//! k6's facts (from `k6dsl-facts`) reporting every mistake at once with the span
//! of the user's own tokens ([`valid`]), and expands it to calls on `k6dsl`'s
//! builders ([`expand`]): one model, never a parallel one. A failure is a
//! `compile_error!`, never a panic.

mod ast;
mod ctxt;
mod expand;
mod lit;
mod suggest;
mod valid;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;

use crate::ast::{flow, scenario, thresholds, Input};
use crate::ctxt::Ctxt;

#[doc(hidden)]
#[proc_macro]
pub fn scenario(input: TokenStream) -> TokenStream {
    run::<scenario::Scenario>(
        input,
        quote!(Scenario),
        Macro {
            check: valid::scenario::scenario,
            expand: expand::scenario::scenario,
            deferred: expand::scenario::deferred,
        },
    )
}

#[doc(hidden)]
#[proc_macro]
pub fn scenarios(input: TokenStream) -> TokenStream {
    run::<scenario::Scenarios>(
        input,
        quote!(__private::NoScenarios),
        Macro {
            check: valid::scenario::scenarios,
            expand: expand::scenario::scenarios,
            deferred: expand::scenario::deferred_in_all,
        },
    )
}

#[doc(hidden)]
#[proc_macro]
pub fn thresholds(input: TokenStream) -> TokenStream {
    run::<thresholds::Thresholds>(
        input,
        quote!(__private::NoThresholds),
        Macro {
            check: valid::thresholds::thresholds,
            expand: expand::thresholds::array,
            deferred: expand::thresholds::clean_rules,
        },
    )
}

#[doc(hidden)]
#[proc_macro]
pub fn flow(input: TokenStream) -> TokenStream {
    run::<flow::FlowInput>(
        input,
        quote!(Flow),
        Macro {
            check: valid::flow::flow,
            expand: expand::flow::flow,
            deferred: expand::nothing_deferred,
        },
    )
}

#[doc(hidden)]
#[proc_macro]
pub fn setup(input: TokenStream) -> TokenStream {
    run::<flow::Steps>(
        input,
        quote!(code::Setup),
        Macro {
            check: valid::flow::lifecycle,
            expand: expand::flow::setup,
            deferred: expand::nothing_deferred,
        },
    )
}

#[doc(hidden)]
#[proc_macro]
pub fn teardown(input: TokenStream) -> TokenStream {
    run::<flow::Steps>(
        input,
        quote!(code::Teardown),
        Macro {
            check: valid::flow::lifecycle,
            expand: expand::flow::teardown,
            deferred: expand::nothing_deferred,
        },
    )
}

/// The three passes of one macro.
struct Macro<T> {
    check: fn(&Ctxt, &T),
    expand: fn(&Tokens, &T) -> Tokens,
    /// Clean pieces to type-check beside the errors of a failed invocation.
    deferred: fn(&Tokens, &T) -> Vec<Tokens>,
}

/// Parse, check, expand. `ty` is the macro's type under `k6dsl`, which a failed
/// invocation still has.
fn run<T: syn::parse::Parse>(input: TokenStream, ty: Tokens, passes: Macro<T>) -> TokenStream {
    let (krate, body) = match syn::parse::<Input<T>>(input) {
        Ok(Input {
            krate,
            body: Ok(body),
        }) => (krate, body),
        Ok(Input {
            krate,
            body: Err(error),
        }) => return expand::errored(&krate, ty, &error, Vec::new()).into(),
        Err(error) => return expand::errored(&quote!(::k6dsl), ty, &error, Vec::new()).into(),
    };
    let cx = Ctxt::new();
    (passes.check)(&cx, &body);
    match cx.check() {
        Ok(()) => (passes.expand)(&krate, &body).into(),
        Err(errors) => {
            let deferred = (passes.deferred)(&krate, &body);
            expand::errored(&krate, ty, &errors, deferred).into()
        }
    }
}
