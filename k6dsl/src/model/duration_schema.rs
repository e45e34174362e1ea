//! The JSON Schema of a duration in a plan (feature `schema`): the model's
//! `Duration` fields are Go duration strings in their serde form, which schemars
//! cannot see, so they name this schema with `#[schemars(with = ...)]`.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

/// One number with its unit, in [`DURATION_PATTERN`].
macro_rules! duration_part {
    () => {
        r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h)"
    };
}

/// What a duration string matches: Go's `time.ParseDuration` syntax with k6's
/// leading whole days, as [`crate::time::parse_duration`] reads it (`"0"`, `"30s"`,
/// `"1m30s"`, `"1.5s"`, `"1d12h"`). Bounds (about 292 years) are left to the reader.
const DURATION_PATTERN: &str = concat!(
    r"^(?:0|\+?(?:[0-9]+d(?:",
    duration_part!(),
    r")*|(?:",
    duration_part!(),
    r")+))$"
);

/// The schema of a duration in a plan: a string such as `"1m30s"`. The model's
/// [`std::time::Duration`] fields name it with `#[schemars(with = ...)]`, since
/// their serde form ([`serde_go`](super::time::serde_go)) is not the type's own.
pub(crate) struct DurationSchema;

impl JsonSchema for DurationSchema {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::DurationSchema").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration in Go's syntax, as k6 reads it: numbers each with a unit \
                            (ns, us, ms, s, m, h), optionally after a whole number of days \
                            (d), e.g. \"30s\", \"1m30s\", \"500ms\", \"1.5s\", \"1d12h\"; \
                            \"0\" or \"0s\" for none.",
            "type": "string",
            "pattern": DURATION_PATTERN,
            "examples": ["30s", "1m30s", "500ms"]
        })
    }
}
