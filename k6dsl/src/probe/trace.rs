//! What a probe did, step by step: each request sent with its response, checks
//! and extracted values, the groups entered, branches taken, metric samples,
//! think time (recorded, not slept) and any exception that ended a function.

use std::fmt;
use std::time::Duration;

use crate::validate::problem::Place;

/// Everything one probe run did, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// The steps, in the order they ran.
    pub steps: Vec<TraceStep>,
}

/// One thing a probe did.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceStep {
    /// A function starts: `setup()`, `flow `browse``, `teardown()`.
    Function(String),
    /// A request and its response.
    Request(Box<RequestTrace>),
    /// A group entered.
    GroupStart(String),
    /// A group left.
    GroupEnd(String),
    /// Think time: how long k6 would sleep here (the probe does not).
    Sleep {
        /// Where.
        place: Place,
        /// How long.
        duration: Duration,
    },
    /// A sample added to a custom metric.
    Metric {
        /// Where.
        place: Place,
        /// The metric's name.
        metric: String,
        /// The sample (`Number(value)`; a Rate's true is 1).
        value: f64,
    },
    /// A decision: an `if`'s branch, a mix's arm, how often a loop ran, a row
    /// picked, a once-per-VU block run.
    Branch {
        /// Where.
        place: Place,
        /// What was decided (`then`, `arm `browse``, `3 items`).
        taken: String,
    },
    /// A value computed into a variable.
    Value {
        /// Where.
        place: Place,
        /// The variable's name.
        name: String,
        /// Its value (`undefined` as `null`).
        value: serde_json::Value,
    },
    /// A change to the cookie jar.
    Cookie {
        /// Where.
        place: Place,
        /// What changed (`set session for http://.../`).
        change: String,
    },
    /// A line the script logs (a request's `log_failures`).
    Log(String),
    /// An exception that ended the function, as it would end k6's iteration: a
    /// field read from `undefined`, a body that is not JSON read as JSON.
    Exception {
        /// Where.
        place: Place,
        /// What JavaScript would throw.
        message: String,
    },
}

/// One request as sent and its response.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTrace {
    /// Where it is: function, groups, request name.
    pub place: Place,
    /// The request's name (its `name` tag).
    pub name: String,
    /// The method.
    pub method: String,
    /// The URL as sent.
    pub url: String,
    /// The headers sent (cookies from the jar included).
    pub request_headers: Vec<(String, String)>,
    /// The body sent.
    pub body: Vec<u8>,
    /// The status; 0 when no response came (see `error`).
    pub status: u16,
    /// Whether k6 counts the status as expected (`http_req_failed` is 0).
    pub expected: bool,
    /// Why no response came (connection refused, timeout, a URL that does not
    /// parse).
    pub error: Option<String>,
    /// The response headers, names as k6 keys them (`Content-Type`), repeated
    /// headers joined with `, `.
    pub response_headers: Vec<(String, String)>,
    /// The response body's length in bytes (after decompression).
    pub response_len: usize,
    /// The redirects followed before the final response: each URL and status.
    pub redirects: Vec<(String, u16)>,
    /// From sending the request to the end of the response body.
    pub duration: Duration,
    /// Each check, in order.
    pub checks: Vec<CheckResult>,
    /// Each value extracted, by its variable's name (`undefined` as `null`).
    pub extracted: Vec<(String, serde_json::Value)>,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// The check's name, as k6 reports it.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What was seen, when it failed (`status 404`).
    pub detail: Option<String>,
}

/// The first thing that broke, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Where: function, groups, request (and check).
    pub place: Place,
    /// What broke.
    pub reason: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.reason)
    }
}

impl Trace {
    /// The requests, in order.
    pub fn requests(&self) -> impl Iterator<Item = &RequestTrace> {
        self.steps.iter().filter_map(|step| match step {
            TraceStep::Request(request) => Some(&**request),
            _ => None,
        })
    }

    /// The first failure in order: a request that got no response or a status
    /// k6 counts as failed, a check that failed, or an exception.
    ///
    /// ```
    /// use k6dsl::probe::Trace;
    /// assert!(Trace::default().first_failure().is_none());
    /// ```
    pub fn first_failure(&self) -> Option<Failure> {
        self.failures().into_iter().next()
    }

    /// Every failure, in order (see [`Trace::first_failure`]).
    pub fn failures(&self) -> Vec<Failure> {
        let mut out = Vec::new();
        for step in &self.steps {
            match step {
                TraceStep::Request(request) => out.extend(request.failures()),
                TraceStep::Exception { place, message } => out.push(Failure {
                    place: place.clone(),
                    reason: format!("exception: {message}"),
                }),
                _ => {}
            }
        }
        out
    }

    /// Whether nothing failed.
    pub fn passed(&self) -> bool {
        self.first_failure().is_none()
    }

    /// Panics with the first failure and the whole trace, for `cargo test`.
    ///
    /// # Panics
    ///
    /// When a request failed, a check failed or an exception ended a function.
    pub fn assert_passed(&self) {
        if let Some(failure) = self.first_failure() {
            panic!("probe failed: {failure}\n\n{self}");
        }
    }
}

impl RequestTrace {
    /// The request's failures: no response or an unexpected status, then each
    /// failed check.
    fn failures(&self) -> Vec<Failure> {
        let mut out = Vec::new();
        if let Some(error) = &self.error {
            out.push(Failure {
                place: self.place.clone(),
                reason: format!("{} {} failed: {error}", self.method, self.url),
            });
        } else if !self.expected {
            out.push(Failure {
                place: self.place.clone(),
                reason: format!(
                    "status {} is not expected (k6 counts the request as failed)",
                    self.status
                ),
            });
        }
        for check in self.checks.iter().filter(|c| !c.passed) {
            let Place::Code { function, path } = &self.place else {
                continue;
            };
            out.push(Failure {
                place: Place::Code {
                    function: function.clone(),
                    path: format!("{path}, check `{}`", check.name),
                },
                reason: match &check.detail {
                    Some(detail) => format!("check failed: {detail}"),
                    None => "check failed".into(),
                },
            });
        }
        out
    }
}

impl fmt::Display for Trace {
    /// The trace, one line a step, indented by group:
    ///
    /// ```text
    /// flow `browse`
    ///   group Browse Products
    ///     GET /products?limit=20 (products) -> 200 in 3.1ms
    ///       ✓ status is 200
    ///       productId = 1
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut depth = 1usize;
        for step in &self.steps {
            let pad = "  ".repeat(depth);
            match step {
                TraceStep::Function(name) => {
                    depth = 1;
                    writeln!(f, "{name}")?;
                }
                TraceStep::Request(r) => {
                    let outcome = match &r.error {
                        Some(error) => format!("error: {error}"),
                        None => format!(
                            "{}{} in {:.1}ms",
                            r.status,
                            if r.expected { "" } else { " (failed)" },
                            r.duration.as_secs_f64() * 1000.0
                        ),
                    };
                    writeln!(f, "{pad}{} {} ({}) -> {outcome}", r.method, r.url, r.name)?;
                    for (url, status) in &r.redirects {
                        writeln!(f, "{pad}    redirected by {url} ({status})")?;
                    }
                    for check in &r.checks {
                        let mark = if check.passed { "✓" } else { "✗" };
                        match &check.detail {
                            Some(detail) if !check.passed => {
                                writeln!(f, "{pad}    {mark} {} ({detail})", check.name)?
                            }
                            _ => writeln!(f, "{pad}    {mark} {}", check.name)?,
                        }
                    }
                    for (name, value) in &r.extracted {
                        writeln!(f, "{pad}    {name} = {}", short_json(value))?;
                    }
                }
                TraceStep::GroupStart(name) => {
                    writeln!(f, "{pad}group {name}")?;
                    depth += 1;
                }
                TraceStep::GroupEnd(_) => depth = depth.saturating_sub(1).max(1),
                TraceStep::Sleep { duration, .. } => {
                    writeln!(f, "{pad}sleep {:.3}s (skipped)", duration.as_secs_f64())?
                }
                TraceStep::Metric { metric, value, .. } => {
                    writeln!(f, "{pad}{metric} += {}", super::values::js_number(*value))?
                }
                TraceStep::Branch { taken, .. } => writeln!(f, "{pad}-> {taken}")?,
                TraceStep::Value { name, value, .. } => {
                    writeln!(f, "{pad}{name} = {}", short_json(value))?
                }
                TraceStep::Cookie { change, .. } => writeln!(f, "{pad}cookie: {change}")?,
                TraceStep::Log(line) => writeln!(f, "{pad}log: {line}")?,
                TraceStep::Exception { place, message } => {
                    writeln!(f, "{pad}exception at {place}: {message}")?
                }
            }
        }
        Ok(())
    }
}

fn short_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}
