//! # k6dsl
//!
//! Write [k6](https://grafana.com/docs/k6/) load tests in typed Rust and generate the
//! JavaScript a careful k6 expert would write by hand.
//!
//! The compiler rejects what k6 would reject: an arrival-rate executor without
//! `pre_allocated_vus`, a ramping executor without stages, a `p(95)` threshold on a
//! Counter, scenarios beside a top-level shortcut. What types cannot express is
//! checked when the script is generated, with every problem reported at once.
//!
//! ```
//! use k6dsl::prelude::*;
//!
//! let browse = Flow::new("browse");
//! let purchase = Flow::new("purchase");
//! let script = Script::new()
//!     .scenario(
//!         Scenario::new("browse", RampingVus::new().start_vus(0).stage(secs(30), 10).stage(secs(10), 0))
//!             .exec(&browse),
//!     )
//!     .scenario(
//!         Scenario::new(
//!             "purchase",
//!             ConstantArrivalRate::new().rate(nz!(5)).duration(secs(40)).pre_allocated_vus(5).max_vus(20),
//!         )
//!         .exec(&purchase),
//!     )
//!     .threshold(HTTP_REQ_DURATION.p(95).lt(500))
//!     .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800))
//!     .threshold(HTTP_REQ_FAILED.rate().lt(0.01));
//!
//! let js = script.to_javascript()?;
//! assert!(js.contains(r#"executor: "constant-arrival-rate","#));
//! assert!(js.contains(r#""http_req_duration{endpoint:login}": ["p(95)<800"],"#));
//! # Ok::<(), k6dsl::Errors>(())
//! ```
//!
//! Layout: [`ir`] is the model; [`executor`], [`scenario`](Scenario), [`metric`],
//! [`options`] and [`Script`] are the typed builders over it; [`validate`] checks it;
//! [`codegen`] writes JavaScript.

#![warn(missing_docs)]

pub mod build;
pub mod code;
pub mod codegen;
pub mod compare;
pub mod error;
pub mod executor;
pub mod ir;
pub mod macros;
pub mod metric;
pub mod options;
pub mod output;
pub mod plan;
pub mod profile;
pub mod report;
pub mod run;
mod scenario;
mod script;
pub mod stream;
pub mod time;
pub mod validate;

pub use error::{Error, Errors, Place, Problem};
pub use scenario::{Flow, Scenario};
pub use script::{
    generate, generate_project, generate_project_ts, generate_typescript, load, Script, Shortcut,
};

/// Everything a test file usually needs, in one import.
pub mod prelude {
    pub use crate::code::{Check, DataSet, Request, Setup, Steps, Teardown, ThinkTime, Value};
    pub use crate::executor::{
        ConstantArrivalRate, ConstantVus, ExternallyControlled, PerVuIterations,
        RampingArrivalRate, RampingVus, SharedIterations,
    };
    pub use crate::ir::code::{Compression, ResponseType, RowSelection};
    pub use crate::metric::builtin::*;
    pub use crate::metric::{Counter, Gauge, Rate, Trend};
    pub use crate::nz;
    pub use crate::options::GeneralOptions;
    pub use crate::text;
    pub use crate::time::{hours, millis, mins, secs};
    pub use crate::{Flow, Scenario, Script, Shortcut};
}

/// What the macros' expansions name; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use core::time::Duration;
    pub use k6dsl_macros::{flow, scenario, scenarios, setup, teardown, thresholds};

    /// What a macro that reported errors stands for: it never runs, because the
    /// `compile_error!` beside it stops the build, and its type is the macro's own.
    pub fn errored<T>() -> T {
        unreachable!("k6dsl macros expand to this only beside compile_error!")
    }

    /// The type `scenarios!` stands for when it failed.
    pub type NoScenarios = [crate::Scenario; 0];
    /// The type `thresholds!` stands for when it failed.
    pub type NoThresholds = [crate::metric::Threshold; 0];
}

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
