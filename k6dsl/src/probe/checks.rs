//! What is done with a response, in the generated code's order: the checks (and
//! the metrics and log line their outcome feeds), the durations recorded, then
//! the extractions.

use super::json_path;
use super::requests::Response;
use super::trace::{CheckResult, RequestTrace, TraceStep};
use super::values::Value;
use super::vu::{Halt, Vu};
use super::ProbeError;
use crate::model::vu::{Check, JsonScalar, Predicate, Request, Source};

/// What happened after a response: how many trace steps were recorded (metric
/// samples, a log line, an exception), and whether the function goes on.
pub(super) struct After {
    pub recorded: usize,
    pub result: Result<(), Halt>,
}

impl Vu<'_, '_> {
    pub(super) fn after_response(
        &mut self,
        request: &Request,
        response: &Response,
        trace: &mut RequestTrace,
    ) -> After {
        let before = self.trace.steps.len();
        let result = self.after_response_steps(request, response, trace);
        After {
            recorded: self.trace.steps.len() - before,
            result,
        }
    }

    fn after_response_steps(
        &mut self,
        request: &Request,
        response: &Response,
        trace: &mut RequestTrace,
    ) -> Result<(), Halt> {
        for check in &request.checks {
            let result = self.check(check, response)?;
            trace.checks.push(result);
        }
        let passed = trace.checks.iter().all(|c| c.passed);
        let outcome = &request.on_checks;
        if !request.checks.is_empty() {
            for rate in &outcome.rates {
                self.sample(rate, f64::from(u8::from(passed)));
            }
            if !passed {
                for counter in &outcome.failure_counters {
                    self.sample(counter, 1.0);
                }
                if outcome.log_failure {
                    let line = format!("{} failed: status {}", request.name, response.status);
                    self.trace.steps.push(TraceStep::Log(line));
                }
            }
        }
        for trend in &request.record_duration {
            self.sample(trend, response.duration.as_secs_f64() * 1000.0);
        }
        for extraction in &request.extract {
            let value = match &extraction.from {
                Source::JsonPath(path) => self.json_at(response, path)?,
                Source::Header(name) => response
                    .header(name)
                    .map_or(Value::Undefined, |v| Value::Str(v.to_owned())),
                Source::Between(left, right) => find_between(&response.body_text(), left, right)
                    .map_or(Value::Undefined, Value::Str),
                Source::Regex { pattern, group } => {
                    let regex = self.regex(pattern)?;
                    regex
                        .captures(&response.body_text())
                        .and_then(|c| c.get(*group as usize))
                        .map_or(Value::Undefined, |m| Value::Str(m.as_str().to_owned()))
                }
                Source::Status => Value::Num(f64::from(response.status)),
                Source::ChecksPassed => Value::Bool(passed),
            };
            trace
                .extracted
                .push((extraction.var.hint.clone(), value.to_trace_json()));
            self.set(&extraction.var, value);
        }
        Ok(())
    }

    /// One check, as its generated predicate decides.
    fn check(&mut self, check: &Check, r: &Response) -> Result<CheckResult, Halt> {
        let (passed, detail) = match &check.predicate {
            Predicate::Status(code) => (r.status == *code, format!("status {}", r.status)),
            Predicate::StatusIn(codes) => {
                (codes.contains(&r.status), format!("status {}", r.status))
            }
            Predicate::HeaderPresent(name) => {
                (r.header(name).is_some(), format!("no header {name}"))
            }
            Predicate::HeaderContains(name, text) => {
                let value = r.header(name).unwrap_or("");
                (value.contains(text.as_str()), format!("{name}: {value:?}"))
            }
            Predicate::BodyContains(text) => (
                r.body_text().contains(text.as_str()),
                format!("the body does not contain {text:?}"),
            ),
            Predicate::BodyMatches(pattern) => {
                let regex = self.regex(pattern)?;
                (
                    regex.is_match(&r.body_text()),
                    format!("the body does not match /{pattern}/"),
                )
            }
            Predicate::JsonExists(path) => {
                let value = self.json_at(r, path)?;
                (value != Value::Undefined, format!("`{path}` is undefined"))
            }
            Predicate::JsonEquals(path, expected) => {
                let value = self.json_at(r, path)?;
                let expected = match expected {
                    JsonScalar::Null => Value::Null,
                    JsonScalar::Bool(b) => Value::Bool(*b),
                    JsonScalar::Num(n) => Value::Num(*n),
                    JsonScalar::Str(s) => Value::Str(s.clone()),
                };
                (
                    value.strict_eq(&expected),
                    format!("`{path}` is {}", value.describe()),
                )
            }
            Predicate::DurationBelow(limit) => (
                r.duration < *limit,
                format!("took {:.1}ms", r.duration.as_secs_f64() * 1000.0),
            ),
            Predicate::RawJs(_) => {
                let what = self.place(Some(format!("check `{}`", check.name)));
                return Err(Halt::Error(ProbeError::Unsupported {
                    place: what,
                    what: "a raw JavaScript check".into(),
                }));
            }
        };
        Ok(CheckResult {
            name: check.name.clone(),
            passed,
            detail: (!passed).then_some(detail),
        })
    }

    /// `r.json(path)`: an exception when there is no body (k6 throws), else the
    /// value or `undefined`.
    fn json_at(&mut self, r: &Response, path: &str) -> Result<Value, Halt> {
        let Some(body) = &r.body else {
            return Err(self.throw(format!(
                "r.json({path:?}): the body is null (the request failed or its body was discarded)"
            )));
        };
        match json_path::over_body(body, path) {
            Ok(found) => Ok(found.map_or(Value::Undefined, Value::from_json)),
            Err(message) => Err(self.throw(format!("r.json(): {message}"))),
        }
    }

    /// A JavaScript regular expression, compiled by Rust's regex crate; one that
    /// uses what it lacks (lookaround, backreferences) is not supported.
    fn regex(&self, pattern: &str) -> Result<regex::Regex, Halt> {
        regex::Regex::new(pattern).map_err(|e| {
            Halt::Error(ProbeError::Unsupported {
                place: self.place(None),
                what: format!("the regular expression /{pattern}/ ({e})"),
            })
        })
    }
}

/// The text between two markers, or `None` (the generated `findBetween`).
pub(super) fn find_between(content: &str, left: &str, right: &str) -> Option<String> {
    let start = content.find(left)? + left.len();
    let end = content[start..].find(right)? + start;
    Some(content[start..end].to_owned())
}
