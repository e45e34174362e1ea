//! Steps: groups, think time, metrics, data rows and once-per-VU blocks.

use std::time::Duration;

use crate::codegen::doc::{call, Doc};
use crate::codegen::js::{number_literal, string_literal};
use crate::model::vu::{Block, RowSelection, Step, ThinkTime, Var};

use super::function::{walk, Event};
use super::names::identifier_from;
use super::{Function, VuVar};

impl Function<'_, '_> {
    pub(super) fn block(&mut self, block: &Block, out: &mut Vec<Doc>) {
        for step in block {
            self.step(step, out);
        }
    }

    fn step(&mut self, step: &Step, out: &mut Vec<Doc>) {
        match step {
            Step::Request(request) => self.request(request, out),
            Step::Batch(requests) => self.batch(requests, out),
            Step::Group { name, body } => {
                self.module.needs.k6.insert("group");
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                out.push(Doc::Concat(vec![
                    call(
                        "group",
                        vec![Doc::text(string_literal(name)), function_doc(inner)],
                        true,
                    ),
                    Doc::text(";"),
                ]));
            }
            Step::Sleep(think) => {
                self.module.needs.k6.insert("sleep");
                let arg = match think {
                    ThinkTime::Fixed(d) => seconds(*d),
                    ThinkTime::Between(min, max) => {
                        if min.subsec_nanos() == 0 && max.subsec_nanos() == 0 {
                            self.module.needs.helpers.insert("randomIntBetween");
                            format!("randomIntBetween({}, {})", seconds(*min), seconds(*max))
                        } else {
                            self.module.needs.helpers.insert("randomBetween");
                            format!("randomBetween({}, {})", seconds(*min), seconds(*max))
                        }
                    }
                };
                out.push(Doc::text(format!("sleep({arg});")));
            }
            Step::AddToMetric { metric, value } => {
                let var = self.metric_var(metric);
                let value = self.number_expr(value);
                out.push(Doc::text(format!("{var}.add({value});")));
            }
            Step::PickRow {
                var,
                data,
                selection,
            } => {
                let rows = self
                    .module
                    .data_vars
                    .get(data)
                    .cloned()
                    .unwrap_or_else(|| identifier_from(data));
                self.module.needs.names.insert(rows.clone());
                let index = match selection {
                    RowSelection::PerVu => format!("(__VU - 1) % {rows}.length"),
                    RowSelection::PerIteration => format!("__ITER % {rows}.length"),
                    RowSelection::Unique => {
                        self.module.needs.execution = true;
                        format!("exec.scenario.iterationInTest % {rows}.length")
                    }
                    RowSelection::Random => {
                        format!("Math.floor(Math.random() * {rows}.length)")
                    }
                };
                let name = self.declare(var);
                out.push(Doc::text(format!("{name}{rows}[{index}];")));
            }
            Step::OncePerVu { body } => {
                let mut kept = Vec::new();
                walk(body, &mut Vec::new(), true, &mut |event| {
                    if let Event::Def(var, _, _, _) = event {
                        kept.push(var.clone());
                    }
                });
                let condition = if kept.is_empty() {
                    let flag = self.module.names.fresh("vuReady");
                    self.module.vu_state.push(VuVar {
                        name: flag.clone(),
                        ty: None,
                        init: Some("false"),
                    });
                    let mut inner = Vec::new();
                    self.block(body, &mut inner);
                    inner.push(Doc::text(format!("{flag} = true;")));
                    out.push(if_doc(&format!("!{flag}"), inner));
                    return;
                } else {
                    kept.iter()
                        .map(|v| format!("{} === undefined", self.names.var(v)))
                        .collect::<Vec<_>>()
                        .join(" || ")
                };
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                out.push(if_doc(&condition, inner));
            }
        }
    }

    /// `const name = ` for a new variable, or `name = ` for one declared elsewhere.
    pub(super) fn declare(&mut self, var: &Var) -> String {
        let key = (var.owner.clone(), var.id);
        if self.hoisted.contains(&key) || self.vu_vars.contains(&key) {
            format!("{} = ", self.names.var(var))
        } else {
            format!("const {} = ", self.bind(var))
        }
    }

    pub(super) fn metric_var(&mut self, metric: &str) -> String {
        let var = self
            .module
            .metric_vars
            .get(metric)
            .cloned()
            .unwrap_or_else(|| identifier_from(metric));
        self.module.needs.names.insert(var.clone());
        var
    }
}

fn function_doc(statements: Vec<Doc>) -> Doc {
    if statements.is_empty() {
        return Doc::text("function () {}");
    }
    let mut inner = Vec::new();
    for s in statements {
        inner.push(Doc::HardLine);
        inner.push(s);
    }
    Doc::broken_group(vec![
        Doc::text("function () {"),
        Doc::Indent(inner),
        Doc::HardLine,
        Doc::text("}"),
    ])
}

pub(super) fn if_doc(condition: &str, statements: Vec<Doc>) -> Doc {
    let mut inner = Vec::new();
    for s in statements {
        inner.push(Doc::HardLine);
        inner.push(s);
    }
    Doc::broken_group(vec![
        Doc::text(format!("if ({condition}) {{")),
        Doc::Indent(inner),
        Doc::HardLine,
        Doc::text("}"),
    ])
}

/// Seconds as k6's `sleep` takes them.
fn seconds(d: Duration) -> String {
    number_literal(d.as_secs_f64())
}
