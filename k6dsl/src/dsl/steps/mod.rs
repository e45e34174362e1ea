//! Builders for the code a VU runs: requests, checks, groups, think time, values
//! carried between requests, data rows, and setup/teardown.
//!
//! A flow's body is written as a Rust closure over [`Steps`]. Values extracted from a
//! response are [`Value`] handles that exist only after the request that produces
//! them, so a value cannot be used before it is extracted; a handle smuggled into
//! another function is rejected when the script is generated, with its place.
//!
//! ```
//! use k6dsl::prelude::*;
//!
//! let browse = Flow::new("browse").steps(|f| {
//!     f.group("Browse Products", |g| {
//!         let list = g.request(
//!             Request::get("/products")
//!                 .name("products")
//!                 .check(Check::status(200))
//!                 .check(Check::json_exists("products.0.id")),
//!         );
//!         let id = list.json("products.0.id").named("productId");
//!         g.think(ThinkTime::between(secs(1), secs(3)));
//!         g.request(Request::get(text!["/products/", id]).name("product").check(Check::status(200)));
//!     });
//! });
//! let js = Script::new()
//!     .scenario(Scenario::new("browse", ConstantVus::new().vus(nz!(2)).duration(secs(30))).exec(&browse))
//!     .to_javascript()?;
//! assert!(js.contains(r#"const productId = productsRes.json("products.0.id");"#));
//! # Ok::<(), k6dsl::Errors>(())
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use serde::Serialize;

use crate::dsl::metric::{kind, Metric};
use crate::model::vu::{
    self as ir_code, Auth, Block, Body, CheckOutcome, Compression, DataSource, Expr, Extraction,
    Json, JsonScalar, Method, Params, Predicate, ResponseType, RowSelection, Source, Step, Var,
};
use crate::model::MetricDecl;

pub use crate::model::vu::ThinkTime;

mod check;
mod data;
mod lifecycle;
mod logic;
mod request;
mod response;
#[cfg(test)]
mod tests;
mod upload;
mod value;

pub use crate::model::logic::{Condition, ExpectedStatus, MixMode};
pub use check::Check;
pub use data::DataSet;
pub use lifecycle::{Setup, SetupSteps, Teardown};
pub use logic::{Branches, MixArms};
pub use request::Request;
pub use response::Response;
pub use upload::{Multipart, Upload};
pub(crate) use value::Origin;
pub use value::Value;

/// Think time helpers.
impl ThinkTime {
    /// Always `duration`.
    pub fn fixed(duration: Duration) -> Self {
        ThinkTime::Fixed(duration)
    }

    /// Uniformly random between `min` and `max`.
    pub fn between(min: Duration, max: Duration) -> Self {
        ThinkTime::Between(min, max)
    }
}

/// What a flow body uses besides its steps: metric declarations, data sets, and
/// problems found while building (reported at generation with their place).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Uses {
    pub metrics: Vec<MetricDecl>,
    pub data: Vec<DataSet>,
    pub uploads: Vec<crate::model::vu::UploadFile>,
    pub problems: Vec<String>,
}

impl Uses {
    fn merge(&mut self, other: Uses) {
        for m in other.metrics {
            if !self.metrics.contains(&m) {
                self.metrics.push(m);
            }
        }
        for d in other.data {
            if !self.data.contains(&d) {
                self.data.push(d);
            }
        }
        for u in other.uploads {
            if !self.uploads.contains(&u) {
                self.uploads.push(u);
            }
        }
        self.problems.extend(other.problems);
    }
}

/// The shared state of one function being built: the next variable id and the
/// requests' extractions, reachable from [`Response`] handles.
#[derive(Debug, Default)]
pub(crate) struct FunctionState {
    owner: String,
    next_var: u32,
    /// Extractions per request, indexed by request id.
    extractions: Vec<Vec<Extraction>>,
    /// New hints of variables renamed after they were defined, by id.
    renamed: BTreeMap<u32, String>,
}

impl FunctionState {
    fn var(&mut self, hint: String) -> Var {
        let var = Var {
            owner: self.owner.clone(),
            id: self.next_var,
            hint,
        };
        self.next_var += 1;
        var
    }

    fn rename(&mut self, var: &Var, hint: &str) {
        for e in self.extractions.iter_mut().flatten() {
            if e.var.owner == var.owner && e.var.id == var.id {
                e.var.hint = hint.to_owned();
            }
        }
        // Computed values and loop variables are defined by steps: their new
        // hints are applied when the steps are resolved.
        self.renamed.insert(var.id, hint.to_owned());
    }
}

/// A pending step: requests keep an id so their extractions can be filled in later.
#[derive(Debug)]
enum Pending {
    Request(Box<ir_code::Request>, usize),
    Batch(Vec<(ir_code::Request, usize)>),
    Group(String, Vec<Pending>),
    OncePerVu(Vec<Pending>),
    If(Condition, Vec<Pending>, Vec<Pending>),
    ForEach {
        item: Var,
        list: Expr,
        max: u32,
        body: Vec<Pending>,
    },
    Repeat {
        times: u32,
        index: Var,
        body: Vec<Pending>,
    },
    Mix {
        name: String,
        mode: crate::model::logic::MixMode,
        arms: Vec<(String, u32, Vec<Pending>)>,
    },
    Done(Step),
}

/// The body of a function being written: add steps in the order they run.
pub struct Steps {
    state: Rc<RefCell<FunctionState>>,
    steps: Vec<Pending>,
    uses: Uses,
}

impl Steps {
    pub(crate) fn new(owner: &str) -> Self {
        let state = Rc::new(RefCell::new(FunctionState {
            owner: owner.to_owned(),
            ..FunctionState::default()
        }));
        Steps {
            state,
            steps: Vec::new(),
            uses: Uses::default(),
        }
    }

    fn nested(&self) -> Steps {
        Steps {
            state: Rc::clone(&self.state),
            steps: Vec::new(),
            uses: Uses::default(),
        }
    }

    fn add_request(&mut self, request: Request) -> (ir_code::Request, usize) {
        self.uses.metrics.extend(request.metrics);
        self.uses.problems.extend(request.problems);
        for upload in request.uploads {
            if !self.uses.uploads.contains(&upload) {
                self.uses.uploads.push(upload);
            }
        }
        let mut state = self.state.borrow_mut();
        state.extractions.push(Vec::new());
        (request.ir, state.extractions.len() - 1)
    }

    /// Sends a request; the returned handle extracts values from its response.
    pub fn request(&mut self, request: Request) -> Response {
        let (ir, id) = self.add_request(request);
        self.steps.push(Pending::Request(Box::new(ir), id));
        Response {
            state: Rc::clone(&self.state),
            id,
        }
    }

    /// Sends requests in parallel (`http.batch`); one handle per response, in order.
    pub fn batch(&mut self, requests: impl IntoIterator<Item = Request>) -> Vec<Response> {
        let batch: Vec<(ir_code::Request, usize)> =
            requests.into_iter().map(|r| self.add_request(r)).collect();
        let handles = batch
            .iter()
            .map(|(_, id)| Response {
                state: Rc::clone(&self.state),
                id: *id,
            })
            .collect();
        self.steps.push(Pending::Batch(batch));
        handles
    }

    /// A group: a named transaction. Returns what the closure returns, so values
    /// extracted inside can be used after it.
    pub fn group<R>(&mut self, name: impl Into<String>, body: impl FnOnce(&mut Steps) -> R) -> R {
        let mut inner = self.nested();
        let result = body(&mut inner);
        self.uses.merge(inner.uses);
        self.steps.push(Pending::Group(name.into(), inner.steps));
        result
    }

    /// Runs `body` once per VU (and again in a later iteration while a value it
    /// extracts is still missing): per-VU login.
    pub fn once_per_vu<R>(&mut self, body: impl FnOnce(&mut Steps) -> R) -> R {
        let mut inner = self.nested();
        let result = body(&mut inner);
        self.uses.merge(inner.uses);
        self.steps.push(Pending::OncePerVu(inner.steps));
        result
    }

    /// Pauses: think time.
    pub fn think(&mut self, think: ThinkTime) {
        self.steps.push(Pending::Done(Step::Sleep(think)));
    }

    /// Pauses for a fixed time.
    pub fn sleep(&mut self, duration: Duration) {
        self.think(ThinkTime::Fixed(duration));
    }

    /// Adds a value to a custom metric (`metric.add(value)`).
    pub fn add<K: kind::Kind>(&mut self, metric: &Metric<K>, value: impl Into<Value>) {
        self.uses.metrics.extend(metric.declaration());
        self.steps.push(Pending::Done(Step::AddToMetric {
            metric: metric.name().to_owned(),
            value: value.into().0,
        }));
    }

    /// Picks a row of a data set; its fields are [`Value::field`]s.
    pub fn row(&mut self, data: &DataSet, selection: RowSelection) -> Value {
        if !self.uses.data.contains(data) {
            self.uses.data.push(data.clone());
        }
        self.uses.problems.extend(data.problems().iter().cloned());
        let var = self.state.borrow_mut().var(singular(data.name()));
        self.steps.push(Pending::Done(Step::PickRow {
            var: var.clone(),
            data: data.name().to_owned(),
            selection,
        }));
        Value::from(Expr::Var(var))
    }

    pub(crate) fn finish(self) -> (Block, Uses) {
        let state = self.state.borrow();
        let block = resolve(self.steps, &state);
        (block, self.uses)
    }
}

fn resolve(steps: Vec<Pending>, state: &FunctionState) -> Block {
    let extractions = &state.extractions;
    let named = |mut var: Var| {
        if let Some(hint) = state.renamed.get(&var.id) {
            var.hint = hint.clone();
        }
        var
    };
    steps
        .into_iter()
        .map(|pending| match pending {
            Pending::Request(mut request, id) => {
                request.extract = extractions[id].clone();
                Step::Request(request)
            }
            Pending::Batch(requests) => Step::Batch(
                requests
                    .into_iter()
                    .map(|(mut request, id)| {
                        request.extract = extractions[id].clone();
                        request
                    })
                    .collect(),
            ),
            Pending::Group(name, body) => Step::Group {
                name,
                body: resolve(body, state),
            },
            Pending::OncePerVu(body) => Step::OncePerVu {
                body: resolve(body, state),
            },
            Pending::If(condition, then, otherwise) => Step::If {
                condition,
                then: resolve(then, state),
                otherwise: resolve(otherwise, state),
            },
            Pending::ForEach {
                item,
                list,
                max,
                body,
            } => Step::ForEach {
                item: named(item),
                list,
                max,
                body: resolve(body, state),
            },
            Pending::Repeat { times, index, body } => Step::Repeat {
                times,
                index: Some(named(index)),
                body: resolve(body, state),
            },
            Pending::Mix { name, mode, arms } => Step::Mix {
                name,
                mode,
                arms: arms
                    .into_iter()
                    .map(|(name, weight, body)| crate::model::logic::MixArm {
                        name,
                        weight,
                        body: resolve(body, state),
                    })
                    .collect(),
            },
            Pending::Done(Step::Let { var, value }) => Step::Let {
                var: named(var),
                value,
            },
            Pending::Done(step) => step,
        })
        .collect()
}

/// `users` → `user`: a row of a data set reads as one item.
fn singular(name: &str) -> String {
    let base = name
        .strip_suffix('s')
        .filter(|b| !b.is_empty())
        .unwrap_or(name);
    if base == name {
        format!("{name}Row")
    } else {
        base.to_owned()
    }
}
