//! Steps: groups, think time, metrics, data rows and once-per-VU blocks.

use std::time::Duration;

use crate::codegen::doc::{call, cat, Doc};
use crate::codegen::js::{number_literal, string_literal};
use crate::model::logic::{CookieOp, MixArm, MixMode};
use crate::model::vu::{Block, Expr, RowSelection, Step, ThinkTime, Var};

use super::function::{walk, Event};
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
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                out.push(cat![
                    call(
                        self.module.k6("group"),
                        vec![Doc::text(string_literal(name)), function_doc(inner)],
                        true,
                    ),
                    ";",
                ]);
            }
            Step::Sleep(think) => {
                let arg = match think {
                    ThinkTime::Fixed(d) => Doc::text(seconds(*d)),
                    ThinkTime::Between(min, max) => {
                        let helper = if min.subsec_nanos() == 0 && max.subsec_nanos() == 0 {
                            "randomIntBetween"
                        } else {
                            "randomBetween"
                        };
                        cat![
                            self.module.helper(helper),
                            format!("({}, {})", seconds(*min), seconds(*max)),
                        ]
                    }
                };
                out.push(cat![self.module.k6("sleep"), "(", arg, ");"]);
            }
            Step::AddToMetric { metric, value } => {
                let var = self.module.metric(metric);
                let value = self.number_expr(value);
                out.push(cat![var, ".add(", value, ");"]);
            }
            Step::PickRow {
                var,
                data,
                selection,
            } => {
                let rows = self.module.rows(data);
                let index = match selection {
                    // idInTest, not __VU: unique across the instances of a split test.
                    RowSelection::PerVu => cat![
                        "(",
                        self.module.k6("exec"),
                        ".vu.idInTest - 1) % ",
                        rows.clone(),
                        ".length",
                    ],
                    RowSelection::PerIteration => cat!["__ITER % ", rows.clone(), ".length"],
                    RowSelection::Unique => cat![
                        self.module.k6("exec"),
                        ".scenario.iterationInTest % ",
                        rows.clone(),
                        ".length",
                    ],
                    RowSelection::Random => {
                        cat!["Math.floor(Math.random() * ", rows.clone(), ".length)"]
                    }
                };
                let name = self.declare(var);
                out.push(cat![name, rows, "[", index, "];"]);
            }
            Step::OncePerVu { body } => {
                let mut kept = Vec::new();
                walk(body, &mut Vec::new(), true, &mut |event| {
                    // Values kept per VU (not those of a loop's body).
                    if let Event::Def(var, _, true, _) = event {
                        if !kept.contains(var) {
                            kept.push(var.clone());
                        }
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
                    out.push(if_doc(Doc::text(format!("!{flag}")), inner));
                    return;
                } else {
                    // `a === undefined ||` then a line break when it does not fit,
                    // as prettier breaks a chain.
                    let mut chain = Vec::new();
                    for (i, v) in kept.iter().enumerate() {
                        if i > 0 {
                            chain.push(Doc::text(" ||"));
                            chain.push(Doc::Line);
                        }
                        chain.push(Doc::text(format!("{} === undefined", self.names.var(v))));
                    }
                    Doc::Concat(chain)
                };
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                out.push(if_doc(condition, inner));
            }
            Step::If {
                condition,
                then,
                otherwise,
            } => {
                let condition = self.condition(condition, out);
                let mut then_out = Vec::new();
                self.block(then, &mut then_out);
                let mut else_out = Vec::new();
                self.block(otherwise, &mut else_out);
                out.push(if_else_doc(condition, then_out, else_out));
            }
            Step::ForEach {
                item,
                list,
                max,
                body,
            } => {
                // The list in a variable (`Array.isArray` narrows a variable in
                // TypeScript), then at most `max` of its items; a value that is not
                // an array loops zero times.
                let list_doc = self.expr(list, false);
                let list_name = match (list, &list_doc) {
                    (Expr::Var(_), Doc::Text(name)) => name.to_string(),
                    _ => {
                        let name = self.fresh(&format!("{} list", item.hint));
                        out.push(cat![format!("const {name} = "), list_doc, ";"]);
                        name
                    }
                };
                let items = self.fresh(&format!("{} items", item.hint));
                out.push(cat![
                    format!("const {items} = "),
                    Doc::group(vec![
                        Doc::text(format!("Array.isArray({list_name})")),
                        Doc::Indent(vec![
                            Doc::Line,
                            Doc::text(format!("? {list_name}.slice(0, {max})")),
                            Doc::Line,
                            Doc::text(": []"),
                        ]),
                    ]),
                    ";",
                ]);
                let name = self.bind(item);
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                let head = Doc::text(format!("for (const {name} of {items}) {{"));
                out.push(block_doc(head, inner));
            }
            Step::Repeat { times, index, body } => {
                let name = match index {
                    Some(index) => self.bind(index),
                    None => self.fresh("round"),
                };
                let mut inner = Vec::new();
                self.block(body, &mut inner);
                let head = Doc::text(format!(
                    "for (let {name} = 0; {name} < {times}; {name}++) {{"
                ));
                out.push(block_doc(head, inner));
            }
            Step::Mix { name, mode, arms } => self.mix(name, *mode, arms, out),
            // The escape hatch: the user's lines as they are, at this indentation.
            Step::RawJs(code) => {
                let mut lines = Vec::new();
                for (i, line) in code.trim_end().lines().enumerate() {
                    if i > 0 {
                        lines.push(Doc::HardLine);
                    }
                    lines.push(Doc::text(line.trim_end().to_owned()));
                }
                out.push(Doc::Concat(lines));
            }
            Step::Cookie(op) => {
                let jar = cat![self.module.k6("http"), ".cookieJar()"];
                let call_doc = match op {
                    CookieOp::Set { url, name, value } => {
                        let url = self.url(url);
                        let value = self.string_expr(value);
                        call(
                            cat![jar, ".set"],
                            vec![url, Doc::text(string_literal(name)), value],
                            false,
                        )
                    }
                    CookieOp::Delete { url, name } => {
                        let url = self.url(url);
                        call(
                            cat![jar, ".delete"],
                            vec![url, Doc::text(string_literal(name))],
                            false,
                        )
                    }
                    CookieOp::Clear { url } => {
                        let url = self.url(url);
                        call(cat![jar, ".clear"], vec![url], false)
                    }
                };
                out.push(cat![call_doc, ";"]);
            }
            Step::Let { var, value } => {
                let value = self.expr(value, false);
                let declare = self.declare(var);
                out.push(cat![declare, value, ";"]);
            }
        }
    }

    /// A weighted mix: a slot from 0 to the total weight (the scenario's iteration
    /// number, or a random one), the branch whose share holds it, and the mix's tag
    /// set while it runs (`try`/`finally`, so an exception does not leave the tag
    /// on the VU's later samples).
    fn mix(&mut self, name: &str, mode: MixMode, arms: &[MixArm], out: &mut Vec<Doc>) {
        let divisor = arms.iter().fold(0, |g, arm| gcd(g, arm.weight)).max(1);
        let weights: Vec<u64> = arms
            .iter()
            .map(|arm| u64::from(arm.weight / divisor))
            .collect();
        let total: u64 = weights.iter().sum();
        let slot = self.fresh(&format!("{name} slot"));
        let pick = match mode {
            MixMode::Exact => cat![
                format!("const {slot} = "),
                self.module.k6("exec"),
                format!(".scenario.iterationInTest % {total};")
            ],
            MixMode::Random => Doc::text(format!(
                "const {slot} = Math.floor(Math.random() * {total});"
            )),
        };
        out.push(pick);
        let tag = cat![
            self.module.k6("exec"),
            format!(".vu.metrics.tags{}", super::values::member(name))
        ];
        let mut chain = Vec::new();
        let mut upto = 0;
        for (i, (arm, weight)) in arms.iter().zip(&weights).enumerate() {
            upto += weight;
            // A name too long for the line goes on the next, as prettier breaks
            // an assignment of a string.
            let mut body = vec![cat![
                tag.clone(),
                " =",
                Doc::group(vec![Doc::Indent(vec![
                    Doc::Line,
                    Doc::text(string_literal(&arm.name)),
                ])]),
                ";",
            ]];
            self.block(&arm.body, &mut body);
            let head = match (i, i + 1 == arms.len()) {
                (0, _) => Doc::text(format!("if ({slot} < {upto}) {{")),
                (_, false) => Doc::text(format!("}} else if ({slot} < {upto}) {{")),
                (_, true) => Doc::text("} else {"),
            };
            if i > 0 {
                chain.push(Doc::HardLine);
            }
            chain.push(head);
            chain.push(indented(body));
        }
        chain.push(Doc::HardLine);
        chain.push(Doc::text("}"));
        out.push(Doc::broken_group(vec![
            Doc::text("try {"),
            Doc::Indent(vec![Doc::HardLine, Doc::broken_group(chain)]),
            Doc::HardLine,
            Doc::text("} finally {"),
            indented(vec![cat!["delete ", tag, ";"]]),
            Doc::HardLine,
            Doc::text("}"),
        ]));
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
}

fn function_doc(statements: Vec<Doc>) -> Doc {
    if statements.is_empty() {
        return Doc::text("function () {}");
    }
    block_doc(Doc::text("function () {"), statements)
}

/// `if (condition) {`, or, when it does not fit, the condition on lines of its
/// own between `if (` and `) {`, as prettier writes a long one.
fn if_head(condition: Doc) -> Doc {
    Doc::group(vec![
        Doc::text("if ("),
        Doc::Indent(vec![Doc::SoftLine, condition]),
        Doc::SoftLine,
        Doc::text(") {"),
    ])
}

pub(super) fn if_doc(condition: Doc, statements: Vec<Doc>) -> Doc {
    block_doc(if_head(condition), statements)
}

/// `if (condition) { ... } else { ... }`, without the `else` when it has nothing.
fn if_else_doc(condition: Doc, then: Vec<Doc>, otherwise: Vec<Doc>) -> Doc {
    if otherwise.is_empty() {
        return if_doc(condition, then);
    }
    Doc::broken_group(vec![
        if_head(condition),
        indented(then),
        Doc::HardLine,
        Doc::text("} else {"),
        indented(otherwise),
        Doc::HardLine,
        Doc::text("}"),
    ])
}

/// A block statement: its head (`for (...) {`, `if (...) {`), the statements
/// one level in, `}`.
fn block_doc(head: Doc, statements: Vec<Doc>) -> Doc {
    Doc::broken_group(vec![
        head,
        indented(statements),
        Doc::HardLine,
        Doc::text("}"),
    ])
}

/// Statements, each on its own line, one level in.
fn indented(statements: Vec<Doc>) -> Doc {
    let mut inner = Vec::new();
    for s in statements {
        inner.push(Doc::HardLine);
        inner.push(s);
    }
    Doc::Indent(inner)
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Seconds as k6's `sleep` takes them.
fn seconds(d: Duration) -> String {
    number_literal(d.as_secs_f64())
}
