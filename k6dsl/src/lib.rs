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
//! ## The pipeline
//!
//! Each folder of the source is one stage, and each stage only uses the ones before it:
//!
//! ```text
//! front ends                  model        checks       back end           files      k6       results
//! dsl/ (builders, macros) ─┐
//! plan/ (JSON, YAML)      ─┴─► model/ ──► validate/ ──► codegen/ (JS, TS) ──► output/ ──► run/ ──► results/
//! ```
//!
//! - **Front ends** make the [`model`]: the typed builders ([`Script`], [`Scenario`],
//!   [`Flow`], [`executor`], [`metric`], [`steps`], [`profile`]) and the `scenario!`,
//!   `flow!` and `thresholds!` macros over them, or a [`plan`] read from JSON or YAML.
//! - The [`model`] is plain data, the single truth between front ends and back ends.
//! - [`validate`] checks what the types cannot, once, and reports every [`Problem`]
//!   with its [`Place`] in one [`Errors`].
//! - [`codegen`] is the only part that knows JavaScript and TypeScript: the model
//!   becomes one script or a k6 project tree.
//! - [`generate()`] composes these steps in one place: model → validate → codegen →
//!   a typed list of [`Files`] (the script or project tree, and every file it opens).
//! - [`output`] writes generated files safely (atomically, only what changed, never
//!   over a file a person edited); [`output::build_script`] does it from `build.rs`.
//! - [`run`] starts k6 on a script, never hangs, and reads its verdict, thresholds,
//!   checks and metrics back as a [`run::RunResult`].
//! - [`probe`] runs the model's flows once in-process, without k6 (beside [`run`]):
//!   a typed trace of each request, check and extracted value, for functional API
//!   tests and pre-flights before a load run.
//! - [`results`] turns what a run left behind into answers: the streamed `--out json`
//!   ([`results::stream`]), HTML/JUnit/Markdown reports ([`results::report`]) and
//!   comparisons with baselines ([`results::compare`]).
//! - [`k8s`] writes a test as k6-operator manifests (a TestRun and a ConfigMap with
//!   its `k6 archive`), and runs setup() and teardown() once around them.
//!
//! [`run`], [`probe`], [`results`] and [`k8s`] need the default feature `run`; a `build.rs` that only
//! generates scripts can leave it out (`default-features = false`) and compile less.

#![warn(missing_docs)]

mod dsl;
mod generate;

pub mod codegen;
pub mod import;
#[cfg(feature = "run")]
pub mod k8s;
pub mod model;
pub mod output;
pub mod plan;
#[cfg(feature = "run")]
pub mod probe;
#[cfg(feature = "run")]
pub mod results;
#[cfg(feature = "run")]
pub mod run;
pub mod validate;

pub use dsl::scenario::{Flow, Scenario};
pub use dsl::script::{load, Script, Shortcut};
pub use dsl::{executor, metric, profile, steps};
pub use generate::{data_files, generate, File, Files, Language, Layout, Target};
pub use model::{options, time};
pub use validate::problem::{Errors, Place, Problem, ValidationError};

/// Everything a test file usually needs, in one import: an explicit list, so that
/// nothing else (no helper, no table) lands in a user's scope.
pub mod prelude {
    pub use crate::dsl::executor::{
        ConstantArrivalRate, ConstantVus, ExternallyControlled, PerVuIterations,
        RampingArrivalRate, RampingVus, SharedIterations,
    };
    // Every built-in metric by name, and nothing else of `builtin` (its table is
    // k6dsl's own business).
    pub use crate::dsl::metric::builtin::{
        CHECKS, DATA_RECEIVED, DATA_SENT, DROPPED_ITERATIONS, GROUP_DURATION, GRPC_REQ_DURATION,
        HTTP_REQS, HTTP_REQ_BLOCKED, HTTP_REQ_CONNECTING, HTTP_REQ_DURATION, HTTP_REQ_FAILED,
        HTTP_REQ_RECEIVING, HTTP_REQ_SENDING, HTTP_REQ_TLS_HANDSHAKING, HTTP_REQ_WAITING,
        ITERATIONS, ITERATION_DURATION, VUS, VUS_MAX, WS_CONNECTING, WS_MSGS_RECEIVED,
        WS_MSGS_SENT, WS_PING, WS_SESSIONS, WS_SESSION_DURATION,
    };
    pub use crate::dsl::metric::{Counter, Gauge, Rate, Trend};
    pub use crate::dsl::steps::{
        Check, DataSet, Multipart, Request, Setup, Steps, Teardown, ThinkTime, Upload, Value,
    };
    pub use crate::model::options::GeneralOptions;
    pub use crate::model::time::{hours, millis, mins, secs};
    pub use crate::model::vu::{Compression, ResponseType, RowSelection};
    pub use crate::nz;
    pub use crate::text;
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
    pub type NoThresholds = [crate::dsl::metric::Threshold; 0];
}

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
