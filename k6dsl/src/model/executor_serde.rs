//! How the model's executor reads from a plan: `type` first, then field by field, so
//! that an error inside one keeps its field path and position. serde's derived
//! internally tagged enums buffer the whole object first and lose both.

use std::time::Duration;

use serde::de::{self, value::MapAccessDeserializer, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::model::time::serde_go;
use crate::model::{Executor, Stage};

/// Reads an [`Executor`] as its derived `Deserialize` would (an object with a `type`
/// and the variant's fields), keeping the place of errors inside it when `type` comes
/// first, as k6dsl writes it. `model::Scenario::executor` uses this.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Executor, D::Error> {
    deserializer.deserialize_map(ExecutorVisitor)
}

/// The `type` of an executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    SharedIterations,
    PerVuIterations,
    ConstantVus,
    RampingVus,
    ConstantArrivalRate,
    RampingArrivalRate,
    ExternallyControlled,
}

// The variants' fields, with the attributes of `model::Executor`'s.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Iterations {
    #[serde(default)]
    vus: Option<u32>,
    #[serde(default)]
    iterations: Option<u64>,
    #[serde(default, with = "serde_go::option")]
    max_duration: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstantVus {
    #[serde(default)]
    vus: Option<u32>,
    #[serde(with = "serde_go")]
    duration: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RampingVus {
    #[serde(default)]
    start_vus: Option<u32>,
    stages: Vec<Stage>,
    #[serde(default, with = "serde_go::option")]
    graceful_ramp_down: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstantArrivalRate {
    rate: u64,
    #[serde(default, with = "serde_go::option")]
    time_unit: Option<Duration>,
    #[serde(with = "serde_go")]
    duration: Duration,
    pre_allocated_vus: u32,
    #[serde(default)]
    max_vus: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RampingArrivalRate {
    #[serde(default)]
    start_rate: Option<u64>,
    #[serde(default, with = "serde_go::option")]
    time_unit: Option<Duration>,
    stages: Vec<Stage>,
    pre_allocated_vus: u32,
    #[serde(default)]
    max_vus: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExternallyControlled {
    #[serde(default)]
    vus: Option<u32>,
    #[serde(default)]
    max_vus: Option<u32>,
    #[serde(with = "serde_go")]
    duration: Duration,
}

impl Kind {
    /// Reads the fields of an executor of this kind.
    fn read<'de, D: Deserializer<'de>>(self, fields: D) -> Result<Executor, D::Error> {
        Ok(match self {
            Kind::SharedIterations => {
                let Iterations {
                    vus,
                    iterations,
                    max_duration,
                } = Iterations::deserialize(fields)?;
                Executor::SharedIterations {
                    vus,
                    iterations,
                    max_duration,
                }
            }
            Kind::PerVuIterations => {
                let Iterations {
                    vus,
                    iterations,
                    max_duration,
                } = Iterations::deserialize(fields)?;
                Executor::PerVuIterations {
                    vus,
                    iterations,
                    max_duration,
                }
            }
            Kind::ConstantVus => {
                let ConstantVus { vus, duration } = ConstantVus::deserialize(fields)?;
                Executor::ConstantVus { vus, duration }
            }
            Kind::RampingVus => {
                let RampingVus {
                    start_vus,
                    stages,
                    graceful_ramp_down,
                } = RampingVus::deserialize(fields)?;
                Executor::RampingVus {
                    start_vus,
                    stages,
                    graceful_ramp_down,
                }
            }
            Kind::ConstantArrivalRate => {
                let ConstantArrivalRate {
                    rate,
                    time_unit,
                    duration,
                    pre_allocated_vus,
                    max_vus,
                } = ConstantArrivalRate::deserialize(fields)?;
                Executor::ConstantArrivalRate {
                    rate,
                    time_unit,
                    duration,
                    pre_allocated_vus,
                    max_vus,
                }
            }
            Kind::RampingArrivalRate => {
                let RampingArrivalRate {
                    start_rate,
                    time_unit,
                    stages,
                    pre_allocated_vus,
                    max_vus,
                } = RampingArrivalRate::deserialize(fields)?;
                Executor::RampingArrivalRate {
                    start_rate,
                    time_unit,
                    stages,
                    pre_allocated_vus,
                    max_vus,
                }
            }
            Kind::ExternallyControlled => {
                let ExternallyControlled {
                    vus,
                    max_vus,
                    duration,
                } = ExternallyControlled::deserialize(fields)?;
                Executor::ExternallyControlled {
                    vus,
                    max_vus,
                    duration,
                }
            }
        })
    }

    /// The kind of an executor. Adding a variant to `model::Executor` stops this
    /// compiling until the reader above knows it.
    #[cfg(test)]
    pub(crate) fn of(executor: &Executor) -> Kind {
        match executor {
            Executor::SharedIterations { .. } => Kind::SharedIterations,
            Executor::PerVuIterations { .. } => Kind::PerVuIterations,
            Executor::ConstantVus { .. } => Kind::ConstantVus,
            Executor::RampingVus { .. } => Kind::RampingVus,
            Executor::ConstantArrivalRate { .. } => Kind::ConstantArrivalRate,
            Executor::RampingArrivalRate { .. } => Kind::RampingArrivalRate,
            Executor::ExternallyControlled { .. } => Kind::ExternallyControlled,
        }
    }
}

struct ExecutorVisitor;

impl<'de> Visitor<'de> for ExecutorVisitor {
    type Value = Executor;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an executor: an object with a `type` and that executor's fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Executor, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Err(de::Error::missing_field("type"));
        };
        if first == "type" {
            let kind: Kind = map.next_value()?;
            return kind.read(MapAccessDeserializer::new(map));
        }
        // `type` comes later: read the whole object first, as serde would.
        let mut fields = serde_json::Map::new();
        fields.insert(first, map.next_value()?);
        while let Some(key) = map.next_key::<String>()? {
            let value: serde_json::Value = map.next_value()?;
            if fields.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            fields.insert(key, value);
        }
        let kind = fields
            .remove("type")
            .ok_or_else(|| de::Error::missing_field("type"))?;
        let kind = Kind::deserialize(kind).map_err(|e| de::Error::custom(format!("type: {e}")))?;
        // The field's name goes into the message: the buffer has no positions.
        let mut track = serde_path_to_error::Track::new();
        let fields =
            serde_path_to_error::Deserializer::new(serde_json::Value::Object(fields), &mut track);
        kind.read(fields).map_err(|e| {
            let path = field_path(&track.path());
            if path.is_empty() {
                de::Error::custom(e)
            } else {
                de::Error::custom(format!("{path}: {e}"))
            }
        })
    }
}

/// `stages[1].target`: the field path inside a buffered executor, for its message.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key: name } | Segment::Enum { variant: name } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            // Past an unknown segment nothing more is known.
            Segment::Unknown => break,
        }
    }
    out
}
