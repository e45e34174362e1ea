//! One function running as a VU would run it: its variables, cookie jar and
//! place in the code, and the values and conditions it evaluates, as the
//! generated JavaScript evaluates them.

use std::collections::{BTreeMap, HashMap};

use super::cookies::{Jar, Target};
use super::trace::{Trace, TraceStep};
use super::values::{encode_uri_component, Ty, Value};
use super::{ProbeError, Run};
use crate::model::logic::{ArithOp, CompareOp, Condition};
use crate::model::vu::{Block, Expr, Source, Step, Var};
use crate::validate::problem::Place;

/// A variable's key: its function and id.
pub(super) type Key = (String, u32);

fn key(var: &Var) -> Key {
    (var.owner.clone(), var.id)
}

/// What setup returned, as every VU and teardown receive it (through JSON), and
/// the type generated code gives each key.
#[derive(Debug, Clone, Default)]
pub(super) struct SetupData {
    values: BTreeMap<String, Value>,
    types: BTreeMap<String, Ty>,
}

/// Why a function stopped early.
pub(super) enum Halt {
    /// Fail-fast: something failed and the probe stops.
    Stop,
    /// An exception, recorded in the trace, ended the function.
    Thrown,
    /// The probe cannot go on.
    Error(ProbeError),
}

impl From<ProbeError> for Halt {
    fn from(error: ProbeError) -> Self {
        Halt::Error(error)
    }
}

/// How a function ended.
pub(super) enum Outcome {
    /// It ran to its end; setup also gives its data.
    Done(Option<SetupData>),
    /// It stopped at a failure (fail-fast) or an exception.
    Stopped,
    /// The probe cannot go on.
    Error(ProbeError),
}

/// One function running.
pub(super) struct Vu<'r, 'a> {
    pub run: &'r Run<'a>,
    pub setup: &'r SetupData,
    pub trace: &'r mut Trace,
    pub jar: Jar,
    pub vars: HashMap<Key, Value>,
    pub types: HashMap<Key, Ty>,
    /// `setup()`, `flow `browse``, `teardown()`.
    pub function: String,
    /// Groups and the step inside them.
    pub path: Vec<String>,
    /// `exec.scenario.name`.
    pub scenario: String,
}

impl Run<'_> {
    /// Runs one function (`setup`, `teardown` or a flow's name) as a fresh VU,
    /// and for setup evaluates what it returns.
    pub(super) fn function(
        &self,
        name: &str,
        body: &Block,
        setup: &SetupData,
        returns: Option<&[(String, Expr)]>,
        trace: &mut Trace,
    ) -> Outcome {
        let function = match name {
            "setup" | "teardown" => format!("{name}()"),
            flow => format!("flow `{flow}`"),
        };
        trace.steps.push(TraceStep::Function(function.clone()));
        let scenario = self.scenario_of(name);
        let mut vu = Vu {
            run: self,
            setup,
            trace,
            jar: Jar::default(),
            vars: HashMap::new(),
            types: HashMap::new(),
            function,
            path: Vec::new(),
            scenario,
        };
        vu.plan_types(body);
        let ran = vu.block(body).and_then(|()| match returns {
            Some(returns) => vu.setup_returns(returns).map(Some),
            None => Ok(None),
        });
        match ran {
            Ok(data) => Outcome::Done(data),
            Err(Halt::Stop | Halt::Thrown) => Outcome::Stopped,
            Err(Halt::Error(e)) => Outcome::Error(e),
        }
    }

    /// The scenario that runs a function (`exec.scenario.name`).
    fn scenario_of(&self, function: &str) -> String {
        if let crate::model::Execution::Scenarios(scenarios) = &self.script.options.execution {
            let is_default = self
                .script
                .default_flow
                .as_ref()
                .is_some_and(|f| f.name == function);
            if let Some(s) = scenarios.iter().find(|s| match &s.exec {
                Some(exec) => exec == function,
                None => is_default,
            }) {
                return s.name.clone();
            }
        }
        "default".into()
    }
}

impl Vu<'_, '_> {
    /// Where the running step is, with `what` (a request, a check) appended.
    pub(super) fn place(&self, what: Option<String>) -> Place {
        let mut path = self.path.clone();
        path.extend(what);
        Place::Code {
            function: self.function.clone(),
            path: path.join(", "),
        }
    }

    /// Records an exception at the current place: it ends the function, as it
    /// ends k6's iteration.
    pub(super) fn throw(&mut self, message: String) -> Halt {
        let place = self.place(None);
        self.trace
            .steps
            .push(TraceStep::Exception { place, message });
        Halt::Thrown
    }

    /// A value as the generated code computes it.
    pub(super) fn eval(&mut self, expr: &Expr) -> Result<Value, Halt> {
        let run = self.run;
        Ok(match expr {
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Num(n) => Value::Num(*n),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Env { name, .. } => {
                let value = run.env.get(name).filter(|v| !v.is_empty());
                match (value, run.env_defaults.get(name)) {
                    (Some(v), _) => Value::Str(v.clone()),
                    (None, Some(default)) => Value::Str(default.clone()),
                    (None, None) => run
                        .env
                        .get(name)
                        .map_or(Value::Undefined, |v| Value::Str(v.clone())),
                }
            }
            Expr::Secret { name } => run
                .env
                .get(name)
                .map_or(Value::Undefined, |v| Value::Str(v.clone())),
            Expr::VuId | Expr::VuIdInTest => Value::Num(f64::from(run.probe.vu)),
            Expr::Iteration | Expr::IterationInTest => Value::Num(run.probe.iteration as f64),
            Expr::ScenarioName => Value::Str(self.scenario.clone()),
            Expr::Var(var) => self
                .vars
                .get(&key(var))
                .cloned()
                .unwrap_or(Value::Undefined),
            Expr::Field(base, field) => {
                let base = self.eval(base)?;
                match base.field(field) {
                    Some(value) => value,
                    None => {
                        return Err(self.throw(format!(
                            "TypeError: cannot read property `{field}` of {}",
                            base.to_js_string()
                        )))
                    }
                }
            }
            Expr::SetupData(key) => self
                .setup
                .values
                .get(key)
                .cloned()
                .unwrap_or(Value::Undefined),
            Expr::Concat(parts) => {
                let mut text = String::new();
                for part in parts {
                    text.push_str(&self.eval(part)?.to_js_string());
                }
                Value::Str(text)
            }
            Expr::AsNumber(inner) => Value::Num(self.eval(inner)?.to_number()),
            Expr::AsString(inner) => Value::Str(self.eval(inner)?.to_js_string()),
            Expr::Arith { op, left, right } => {
                let (l, r) = (self.eval(left)?.to_number(), self.eval(right)?.to_number());
                Value::Num(match op {
                    ArithOp::Add => l + r,
                    ArithOp::Sub => l - r,
                    ArithOp::Mul => l * r,
                    ArithOp::Div => l / r,
                    ArithOp::Rem => l % r,
                })
            }
            Expr::RandomInt { min, max } => {
                // randomIntBetween: Math.floor(Math.random() * (max - min + 1) + min).
                let span = (*max as f64) - (*min as f64) + 1.0;
                Value::Num((fastrand::f64() * span + *min as f64).floor())
            }
            Expr::PickOne(items) => match items.len() {
                0 => Value::Undefined,
                n => {
                    let item = &items[fastrand::usize(..n)];
                    self.eval(item)?
                }
            },
            Expr::Uuid => Value::Str(uuid_v4()),
            Expr::NowMillis => Value::Num(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_millis() as f64),
            ),
            Expr::Cookie { url, name } => {
                let url = self.url(url)?;
                Target::of(&url)
                    .and_then(|t| self.jar.for_target(&t).into_iter().find(|(n, _)| n == name))
                    .map_or(Value::Undefined, |(_, v)| Value::Str(v))
            }
        })
    }

    /// A URL: relative ones start from the base URL; values from responses, rows
    /// and setup data are percent-encoded (`encodeURIComponent`).
    pub(super) fn url(&mut self, parts: &[Expr]) -> Result<String, Halt> {
        let absolute = match parts.first() {
            Some(Expr::Str(s)) => s.starts_with("http://") || s.starts_with("https://"),
            Some(Expr::Env { .. } | Expr::Secret { .. } | Expr::SetupData(_)) => true,
            _ => false,
        };
        let mut url = if absolute {
            String::new()
        } else {
            self.run.base_url.clone()
        };
        self.url_parts(parts, &mut url)?;
        Ok(url)
    }

    fn url_parts(&mut self, parts: &[Expr], out: &mut String) -> Result<(), Halt> {
        for part in parts {
            match part {
                Expr::Str(s) => out.push_str(s),
                Expr::Concat(inner) => self.url_parts(inner, out)?,
                Expr::Var(_) | Expr::Field(..) | Expr::SetupData(_) => {
                    let text = self.eval(part)?.to_js_string();
                    out.push_str(&encode_uri_component(&text));
                }
                other => out.push_str(&self.eval(other)?.to_js_string()),
            }
        }
        Ok(())
    }

    /// Whether a condition holds, as the generated `if` decides.
    pub(super) fn condition(&mut self, condition: &Condition) -> Result<bool, Halt> {
        Ok(match condition {
            Condition::Compare { left, op, right } => {
                if op.orders() {
                    let (l, r) = (self.eval(left)?.to_number(), self.eval(right)?.to_number());
                    match op {
                        CompareOp::Lt => l < r,
                        CompareOp::Le => l <= r,
                        CompareOp::Gt => l > r,
                        _ => l >= r,
                    }
                } else {
                    let (lt, rt) = (self.ty(left), self.ty(right));
                    let l = self.converted(left, &lt, right, &rt)?;
                    let r = self.converted(right, &rt, left, &lt)?;
                    l.strict_eq(&r) == (*op == CompareOp::Eq)
                }
            }
            Condition::Exists(value) => self.eval(value)?.exists(),
            Condition::IsTrue(value) => self.eval(value)?.strict_eq(&Value::Bool(true)),
            Condition::EnvFlag(name) => self.run.env.get(name).is_some_and(|v| v == "true"),
            Condition::Not(inner) => !self.condition(inner)?,
            Condition::All(all) => {
                for c in all {
                    if !self.condition(c)? {
                        return Ok(false);
                    }
                }
                true
            }
            Condition::Any(any) => {
                for c in any {
                    if self.condition(c)? {
                        return Ok(true);
                    }
                }
                false
            }
        })
    }

    /// `value` converted to the type of a literal on the other side when its own
    /// type is known to differ (codegen's `converted`).
    fn converted(
        &mut self,
        value: &Expr,
        ty: &Ty,
        other: &Expr,
        other_ty: &Ty,
    ) -> Result<Value, Halt> {
        let v = self.eval(value)?;
        let literal = matches!(other, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_));
        if !literal || !ty.is_known() || ty == other_ty {
            return Ok(v);
        }
        Ok(match other_ty {
            Ty::Num => Value::Num(v.to_number()),
            Ty::Str => Value::Str(v.to_js_string()),
            _ => Value::Bool(truthy(&v)),
        })
    }

    /// The type generated code knows a value to have (codegen's `value_type`).
    pub(super) fn ty(&self, expr: &Expr) -> Ty {
        match expr {
            Expr::Str(_)
            | Expr::Env { .. }
            | Expr::Secret { .. }
            | Expr::ScenarioName
            | Expr::Concat(_)
            | Expr::AsString(_)
            | Expr::Uuid => Ty::Str,
            Expr::Cookie { .. } => Ty::MaybeStr,
            Expr::Num(_)
            | Expr::VuId
            | Expr::Iteration
            | Expr::VuIdInTest
            | Expr::IterationInTest
            | Expr::AsNumber(_)
            | Expr::Arith { .. }
            | Expr::RandomInt { .. }
            | Expr::NowMillis => Ty::Num,
            Expr::Bool(_) => Ty::Bool,
            Expr::Var(var) => self.types.get(&key(var)).cloned().unwrap_or(Ty::Json),
            Expr::Field(base, field) => match self.ty(base) {
                Ty::Row(data) => self
                    .run
                    .script
                    .data
                    .iter()
                    .find(|d| d.name == data)
                    .map_or(Ty::Json, |d| super::data::row_field_type(&d.source, field)),
                _ => Ty::Json,
            },
            Expr::SetupData(key) => self.setup.types.get(key).cloned().unwrap_or(Ty::Json),
            Expr::PickOne(items) => {
                let mut types = items.iter().map(|item| self.ty(item));
                let first = types.next().unwrap_or(Ty::Json);
                if types.all(|ty| ty == first) {
                    first
                } else {
                    Ty::Json
                }
            }
        }
    }

    /// The type of every variable the function defines, joined over the places
    /// that define it, as codegen declares them.
    fn plan_types(&mut self, block: &Block) {
        for step in block {
            let define = |vu: &mut Self, var: &Var, ty: Ty| {
                let joined = match vu.types.get(&key(var)) {
                    Some(first) => first.join(&ty),
                    None => ty,
                };
                vu.types.insert(key(var), joined);
            };
            let requests: Vec<&crate::model::vu::Request> = match step {
                Step::Request(r) => vec![r],
                Step::Batch(rs) => rs.iter().collect(),
                _ => Vec::new(),
            };
            for r in requests {
                for e in &r.extract {
                    let ty = match e.from {
                        Source::JsonPath(_) => Ty::Json,
                        Source::Header(_) => Ty::Str,
                        Source::Between(..) | Source::Regex { .. } => Ty::MaybeStr,
                        Source::Status => Ty::Num,
                        Source::ChecksPassed => Ty::Bool,
                    };
                    define(self, &e.var, ty);
                }
            }
            match step {
                Step::PickRow { var, data, .. } => define(self, var, Ty::Row(data.clone())),
                Step::Let { var, value } => {
                    let ty = self.ty(value);
                    define(self, var, ty);
                }
                Step::ForEach { item, .. } => define(self, item, Ty::Json),
                Step::Repeat {
                    index: Some(index), ..
                } => define(self, index, Ty::Num),
                _ => {}
            }
            for inner in step.blocks() {
                self.plan_types(inner);
            }
        }
    }

    /// What setup returns, through JSON as k6 hands it to VUs.
    fn setup_returns(&mut self, returns: &[(String, Expr)]) -> Result<SetupData, Halt> {
        let mut data = SetupData::default();
        for (key, expr) in returns {
            let ty = self.ty(expr);
            let value = self.eval(expr)?;
            data.types.insert(key.clone(), ty);
            if let Some(json) = value.to_json() {
                data.values.insert(key.clone(), Value::from_json(json));
            }
        }
        Ok(data)
    }

    /// Sets a variable.
    pub(super) fn set(&mut self, var: &Var, value: Value) {
        self.vars.insert(key(var), value);
    }
}

/// JavaScript's truthiness (`Boolean(value)`).
pub(super) fn truthy(value: &Value) -> bool {
    match value {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Num(n) => *n != 0.0 && !n.is_nan(),
        Value::Str(s) => !s.is_empty(),
        Value::Json(_) => true,
    }
}

/// A random version 4 UUID, as the generated `uuidv4` makes one.
fn uuid_v4() -> String {
    let mut out = String::with_capacity(36);
    for c in "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".chars() {
        let r = fastrand::u32(..16);
        match c {
            'x' => out.push(char::from_digit(r, 16).unwrap_or('0')),
            'y' => out.push(char::from_digit(r % 4 + 8, 16).unwrap_or('8')),
            other => out.push(other),
        }
    }
    out
}
