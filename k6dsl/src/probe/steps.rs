//! Steps as the generated code runs them once: groups, think time (recorded, not
//! slept), metrics, rows, once-per-VU blocks, `if`, loops, mixes, cookie steps
//! and computed values. Raw JavaScript is the one step that cannot run here.

use std::time::Duration;

use super::cookies::Target;
use super::trace::TraceStep;
use super::values::Value;
use super::vu::{Halt, Vu};
use super::ProbeError;
use crate::model::logic::{CookieOp, MixArm, MixMode};
use crate::model::vu::{Block, RowSelection, Step, ThinkTime};

impl Vu<'_, '_> {
    /// Runs a block's steps in order.
    pub(super) fn block(&mut self, block: &Block) -> Result<(), Halt> {
        for step in block {
            self.step(step)?;
        }
        Ok(())
    }

    fn step(&mut self, step: &Step) -> Result<(), Halt> {
        match step {
            Step::Request(request) => self.request(request),
            // k6 sends a batch in parallel; the probe sends it in order.
            Step::Batch(requests) => {
                for request in requests {
                    self.request(request)?;
                }
                Ok(())
            }
            Step::Group { name, body } => {
                self.trace.steps.push(TraceStep::GroupStart(name.clone()));
                self.path.push(format!("group `{name}`"));
                let ran = self.block(body);
                self.path.pop();
                self.trace.steps.push(TraceStep::GroupEnd(name.clone()));
                ran
            }
            Step::Sleep(think) => {
                let duration = match *think {
                    ThinkTime::Fixed(d) => d,
                    ThinkTime::Between(min, max)
                        if min.subsec_nanos() == 0 && max.subsec_nanos() == 0 =>
                    {
                        // randomIntBetween over whole seconds.
                        Duration::from_secs(fastrand::u64(
                            min.as_secs()..=max.as_secs().max(min.as_secs()),
                        ))
                    }
                    ThinkTime::Between(min, max) => {
                        let (a, b) = (min.as_secs_f64(), max.as_secs_f64());
                        Duration::from_secs_f64((a + fastrand::f64() * (b - a)).max(0.0))
                    }
                };
                let place = self.place(Some("think time".into()));
                self.trace.steps.push(TraceStep::Sleep { place, duration });
                Ok(())
            }
            Step::AddToMetric { metric, value } => {
                let value = self.eval(value)?;
                let value = match value {
                    Value::Bool(b) => f64::from(u8::from(b)),
                    other => other.to_number(),
                };
                self.sample(metric, value);
                Ok(())
            }
            Step::PickRow {
                var,
                data,
                selection,
            } => {
                let rows = self.run.rows.get(data).map_or(&[][..], Vec::as_slice);
                let n = rows.len();
                let probe = self.run.probe;
                let index = match (n, selection) {
                    (0, _) => None,
                    (n, RowSelection::PerVu) => Some((probe.vu as usize - 1) % n),
                    (n, RowSelection::PerIteration | RowSelection::Unique) => {
                        Some((probe.iteration % n as u64) as usize)
                    }
                    (n, RowSelection::Random) => Some(fastrand::usize(..n)),
                };
                let row = index
                    .and_then(|i| rows.get(i))
                    .cloned()
                    .map_or(Value::Undefined, Value::from_json);
                let taken = match index {
                    Some(i) => format!("row {i} of `{data}`"),
                    None => format!("no row: `{data}` is empty"),
                };
                let place = self.place(Some(format!("row of `{data}`")));
                self.trace.steps.push(TraceStep::Branch { place, taken });
                self.set(var, row);
                Ok(())
            }
            // A VU's first iteration runs it; the probe runs one.
            Step::OncePerVu { body } => {
                let place = self.place(Some("once per VU".into()));
                self.trace.steps.push(TraceStep::Branch {
                    place,
                    taken: "once per VU: first iteration".into(),
                });
                self.block(body)
            }
            Step::If {
                condition,
                then,
                otherwise,
            } => {
                let holds = self.condition(condition)?;
                let place = self.place(Some("if".into()));
                let taken = if holds { "if: then" } else { "if: else" };
                self.trace.steps.push(TraceStep::Branch {
                    place,
                    taken: taken.into(),
                });
                self.block(if holds { then } else { otherwise })
            }
            Step::ForEach {
                item,
                list,
                max,
                body,
            } => {
                let list = self.eval(list)?;
                let items: Vec<serde_json::Value> = match list {
                    Value::Json(serde_json::Value::Array(items)) => {
                        items.into_iter().take(*max as usize).collect()
                    }
                    _ => Vec::new(),
                };
                let place = self.place(Some(format!("for each `{}`", item.hint)));
                self.trace.steps.push(TraceStep::Branch {
                    place,
                    taken: format!("for each `{}`: {} items", item.hint, items.len()),
                });
                for (i, value) in items.into_iter().enumerate() {
                    self.set(item, Value::from_json(value));
                    self.path.push(format!("for each `{}` #{i}", item.hint));
                    let ran = self.block(body);
                    self.path.pop();
                    ran?;
                }
                Ok(())
            }
            Step::Repeat { times, index, body } => {
                for round in 0..*times {
                    if let Some(index) = index {
                        self.set(index, Value::Num(f64::from(round)));
                    }
                    self.path.push(format!("round {round}"));
                    let ran = self.block(body);
                    self.path.pop();
                    ran?;
                }
                Ok(())
            }
            Step::Mix { name, mode, arms } => self.mix(name, *mode, arms),
            Step::Cookie(op) => self.cookie(op),
            Step::RawJs(_) => Err(Halt::Error(ProbeError::Unsupported {
                place: self.place(Some("raw JavaScript".into())),
                what: "raw JavaScript".into(),
            })),
            Step::Let { var, value } => {
                let value = self.eval(value)?;
                let place = self.place(None);
                self.trace.steps.push(TraceStep::Value {
                    place,
                    name: var.hint.clone(),
                    value: value.to_trace_json(),
                });
                self.set(var, value);
                Ok(())
            }
        }
    }

    /// The mix's arm for this iteration: the slot (iteration number, or random)
    /// within the weights reduced by their greatest common divisor.
    fn mix(&mut self, name: &str, mode: MixMode, arms: &[MixArm]) -> Result<(), Halt> {
        let divisor = arms.iter().fold(0, |g, arm| gcd(g, arm.weight)).max(1);
        let weights: Vec<u64> = arms.iter().map(|a| u64::from(a.weight / divisor)).collect();
        let total: u64 = weights.iter().sum::<u64>().max(1);
        let slot = match mode {
            MixMode::Exact => self.run.probe.iteration % total,
            MixMode::Random => fastrand::u64(..total),
        };
        let mut upto = 0;
        let chosen = arms.iter().zip(&weights).position(|(_, w)| {
            upto += w;
            slot < upto
        });
        let Some(index) = chosen.or(arms.len().checked_sub(1)) else {
            return Ok(());
        };
        let arm = &arms[index];
        let place = self.place(Some(format!("mix `{name}`")));
        self.trace.steps.push(TraceStep::Branch {
            place,
            taken: format!("mix `{name}`: arm `{}`", arm.name),
        });
        self.path.push(format!("mix `{name}`, arm `{}`", arm.name));
        let ran = self.block(&arm.body);
        self.path.pop();
        ran
    }

    fn cookie(&mut self, op: &CookieOp) -> Result<(), Halt> {
        let change = match op {
            CookieOp::Set { url, name, value } => {
                let url = self.url(url)?;
                let value = self.eval(value)?.to_js_string();
                if let Some(target) = Target::of(&url) {
                    self.jar.set(&target, name, &value);
                }
                format!("set `{name}` for {url}")
            }
            CookieOp::Delete { url, name } => {
                let url = self.url(url)?;
                if let Some(target) = Target::of(&url) {
                    self.jar.delete(&target, name);
                }
                format!("delete `{name}` for {url}")
            }
            CookieOp::Clear { url } => {
                let url = self.url(url)?;
                if let Some(target) = Target::of(&url) {
                    self.jar.clear(&target);
                }
                format!("clear every cookie for {url}")
            }
        };
        let place = self.place(Some("cookies".into()));
        self.trace.steps.push(TraceStep::Cookie { place, change });
        Ok(())
    }

    /// Records a custom metric's sample.
    pub(super) fn sample(&mut self, metric: &str, value: f64) {
        let place = self.place(None);
        self.trace.steps.push(TraceStep::Metric {
            place,
            metric: metric.to_owned(),
            value,
        });
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
