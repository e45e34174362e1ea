//! k6dsl's validation rules, each checked against real k6.
//!
//! For every rule in `k6dsl::validate` that mirrors a rejection by k6 itself, a test
//! shows that
//!
//! 1. k6dsl rejects the model, with the expected message, and
//! 2. `k6 inspect --execution-requirements` rejects a hand-written script with the
//!    same options (a literal JavaScript module, so the test does not depend on
//!    k6dsl's code generator), for the same reason (a phrase of k6's message);
//!
//! and, where the rule has a boundary, that the value just inside it is accepted by
//! both, so the rule is neither stricter nor looser than k6.
//!
//! Other rules exist because k6 accepts a configuration and then misbehaves (crashes
//! mid-run, silently runs nothing, never evaluates a threshold...) or because of how
//! JavaScript is generated. Their tests assert k6dsl's rejection and say why; where
//! it is cheap they also show that k6 accepts the hand-written equivalent, so the
//! comment stays true.
//!
//! Layout: the helpers (here), then one module per part of the model: custom
//! `metrics`, `flows` and exec, top-level `shortcuts`, `scenarios` and their
//! `executors`, `thresholds`, `general_options`; `known_to_k6` checks that every
//! built-in metric and every TLS cipher suite k6dsl knows is one k6 knows.

use std::num::NonZeroU64;
use std::time::Duration;

use k6dsl::model::{self, Execution, Executor, MetricKind, Stat};
use k6dsl::options::{
    Dns, DnsTtl, ExecutionSegment, Fraction, GeneralOptions, HostAddress, Pem, TlsAuth,
    TlsCipherSuite, TlsVersion, TrendStat,
};
use k6dsl::prelude::*;
use k6dsl_facts::metric::{Builtin, BUILTIN_METRICS};
use k6dsl_suite::tools;
use serde_json::{json, Value};

mod executors;
mod flows;
mod general_options;
mod known_to_k6;
mod metrics;
mod scenarios;
mod shortcuts;
mod thresholds;

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// k6dsl rejects the model, and one of its problems reads exactly `message`.
#[track_caller]
fn we_reject(model: &model::Script, message: &str) {
    let errors = match k6dsl::generate(model, k6dsl::Target::JAVASCRIPT) {
        Ok(files) => panic!(
            "k6dsl accepts a model it should reject ({message}):\n{}",
            files.script()
        ),
        Err(errors) => errors,
    };
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m == message),
        "k6dsl rejects the model, but not with\n  {message}\nIt says:\n  {}",
        messages.join("\n  ")
    );
}

/// k6 rejects the script, saying something containing `k6_says`.
#[track_caller]
fn k6_rejects(js: &str, k6_says: &str) {
    match tools::inspect(js) {
        Ok(printed) => panic!("k6 accepts:\n{js}\nand prints {printed:#}"),
        Err(error) => assert!(
            error.output.contains(k6_says),
            "k6 rejects the script, but does not say `{k6_says}`:\n{error}\n--- script ---\n{js}"
        ),
    }
}

/// k6 accepts the script; returns the options it prints back.
#[track_caller]
fn k6_accepts(js: &str) -> Value {
    tools::inspect(js).unwrap_or_else(|e| panic!("k6 rejects:\n{js}\n{e}"))
}

/// k6dsl generates the script and k6 accepts it.
#[track_caller]
fn both_accept(model: &model::Script) -> Value {
    let files = k6dsl::generate(model, k6dsl::Target::JAVASCRIPT)
        .unwrap_or_else(|e| panic!("k6dsl rejects the model: {e}"));
    k6_accepts(files.script())
}

/// The model of a script with these scenarios.
fn scenarios(list: impl IntoIterator<Item = Scenario>) -> model::Script {
    let mut list = list.into_iter();
    let mut script = Script::new().scenario(list.next().expect("at least one scenario"));
    for scenario in list {
        script = script.scenario(scenario);
    }
    script.into_ir()
}

/// The model of a script with one scenario called `s`.
fn one_scenario(executor: impl k6dsl::executor::ExecutorConfig) -> model::Script {
    scenarios([Scenario::new("s", executor)])
}

/// The executor of the first scenario of `model`, to set what the builders cannot.
fn executor_of(model: &mut model::Script) -> &mut Executor {
    match &mut model.options.execution {
        Execution::Scenarios(list) => &mut list[0].executor,
        other => panic!("no scenarios: {other:?}"),
    }
}

/// The first scenario of `model`.
fn scenario_of(model: &mut model::Script) -> &mut model::Scenario {
    match &mut model.options.execution {
        Execution::Scenarios(list) => &mut list[0],
        other => panic!("no scenarios: {other:?}"),
    }
}

fn shortcut(shortcut: Shortcut) -> model::Script {
    Script::new().shortcut(shortcut).into_ir()
}

fn options(options: GeneralOptions) -> model::Script {
    Script::new().options(options).into_ir()
}

/// The execution segment from `from` to `to` (numerator, denominator).
fn segment(from: (u32, u32), to: (u32, u32)) -> ExecutionSegment {
    ExecutionSegment {
        from: Fraction::new(from.0, from.1),
        to: Fraction::new(to.0, to.1),
    }
}

/// A throwaway self-signed certificate and key (k6 parses `tlsAuth` certificates).
const TEST_CERT: &str = include_str!("../../fixtures/test-client-cert.pem");
const TEST_KEY: &str = include_str!("../../fixtures/test-client-key.pem");
