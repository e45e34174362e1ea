//! Check names k6 keeps apart.
//!
//! k6 counts checks by name within a group: its end-of-test summary, the
//! `--summary-export` and `handleSummary` data all have one entry per (group path,
//! check name), whatever request ran it. Two requests of one group with a check of
//! the same name (`status is 200` on `put item` and on `delete item`) would read as
//! one line whose counts mix both, hiding which one failed. So before writing code,
//! such a name gets the request's name: `status is 200 (put item)` and
//! `status is 200 (delete item)`. A name only one request uses in its group (however
//! often that request runs) stays exactly as written, and so do names two requests
//! of the same name share: k6 reports those requests as one endpoint too.
//!
//! Renaming at generation, rather than telling samples apart afterwards (the
//! `checks` samples of `--out json` carry the `check` and `group` tags but not the
//! request's name), keeps every consumer of k6's results right: its own summary,
//! `handleSummary`, [`crate::run`] and the reports.
//!
//! Groups nest, and every function of the script (setup, flows, teardown) starts
//! at the root group, so the scope of a name is its group path across the script.
//!
//! A name a threshold selects (`checks{check:status is 200}`) is never changed:
//! that threshold reads the checks of every request of that name together, as the
//! user wrote it.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    self,
    vu::{Block, Step},
};

/// The script with every check name k6 would merge across requests of one group
/// suffixed with its request's name; the script itself when there is none.
pub(crate) fn distinct(script: &model::Script) -> Cow<'_, model::Script> {
    let mut users: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (_, block) in model::vu::blocks(script) {
        collect(block, "", &mut users);
    }
    let selected: BTreeSet<&str> = script
        .options
        .thresholds
        .iter()
        .filter_map(|t| t.selector.get("check").map(String::as_str))
        .collect();
    let shared: BTreeSet<(String, String)> = users
        .into_iter()
        .filter(|((_, name), requests)| requests.len() > 1 && !selected.contains(name.as_str()))
        .map(|(key, _)| key)
        .collect();
    if shared.is_empty() {
        return Cow::Borrowed(script);
    }
    let mut script = script.clone();
    if let Some(setup) = &mut script.lifecycle.setup {
        rename(&mut setup.body, "", &shared);
    }
    if let Some(flow) = &mut script.default_flow {
        rename(&mut flow.body, "", &shared);
    }
    for flow in &mut script.flows {
        rename(&mut flow.body, "", &shared);
    }
    if let Some(teardown) = &mut script.lifecycle.teardown {
        rename(teardown, "", &shared);
    }
    Cow::Owned(script)
}

fn collect(block: &Block, group: &str, users: &mut BTreeMap<(String, String), BTreeSet<String>>) {
    for step in block {
        match step {
            Step::Request(request) => note(request, group, users),
            Step::Batch(requests) => requests.iter().for_each(|r| note(r, group, users)),
            Step::Group { name, body } => collect(body, &format!("{group}::{name}"), users),
            Step::OncePerVu { body } => collect(body, group, users),
            _ => {}
        }
    }
}

fn note(
    request: &model::vu::Request,
    group: &str,
    users: &mut BTreeMap<(String, String), BTreeSet<String>>,
) {
    for check in &request.checks {
        users
            .entry((group.to_owned(), check.name.clone()))
            .or_default()
            .insert(request.name.clone());
    }
}

fn rename(block: &mut Block, group: &str, shared: &BTreeSet<(String, String)>) {
    for step in block {
        match step {
            Step::Request(request) => suffix(request, group, shared),
            Step::Batch(requests) => requests.iter_mut().for_each(|r| suffix(r, group, shared)),
            Step::Group { name, body } => rename(body, &format!("{group}::{name}"), shared),
            Step::OncePerVu { body } => rename(body, group, shared),
            _ => {}
        }
    }
}

fn suffix(request: &mut model::vu::Request, group: &str, shared: &BTreeSet<(String, String)>) {
    for check in &mut request.checks {
        if shared.contains(&(group.to_owned(), check.name.clone())) {
            check.name = format!("{} ({})", check.name, request.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    fn check_lines(js: &str) -> Vec<&str> {
        js.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("\"status is"))
            .collect()
    }

    #[test]
    fn names_shared_by_requests_of_one_group_get_the_request_name() {
        let flow = Flow::new("items").steps(|f| {
            f.group("Items", |g| {
                g.request(
                    Request::put("/items/1")
                        .name("put item")
                        .check(Check::status(200)),
                );
                g.request(
                    Request::delete("/items/1")
                        .name("delete item")
                        .check(Check::status(200)),
                );
                // Another status: its own name already.
                g.request(
                    Request::get("/items")
                        .name("list")
                        .check(Check::status(201)),
                );
            });
            // Same name, other group (the root): kept.
            f.request(
                Request::get("/health")
                    .name("health")
                    .check(Check::status(200)),
            );
        });
        let script =
            Script::new().scenario(Scenario::new("items", SharedIterations::new()).exec(&flow));
        let js = script.to_javascript().unwrap();
        assert_eq!(
            check_lines(&js),
            [
                "\"status is 200 (put item)\": (r) => r.status === 200,",
                "\"status is 200 (delete item)\": (r) => r.status === 200,",
                "\"status is 201\": (r) => r.status === 201,",
                "\"status is 200\": (r) => r.status === 200,",
            ],
            "{js}"
        );
    }

    #[test]
    fn a_name_a_threshold_selects_is_kept() {
        let flow = Flow::new("items").steps(|f| {
            f.request(
                Request::put("/items/1")
                    .name("put item")
                    .check(Check::status(200)),
            );
            f.request(
                Request::delete("/items/1")
                    .name("delete item")
                    .check(Check::status(200)),
            );
        });
        let script = Script::new()
            .scenario(Scenario::new("items", SharedIterations::new()).exec(&flow))
            .threshold(CHECKS.tag("check", "status is 200").rate().gt(0.9));
        let js = script.to_javascript().unwrap();
        assert_eq!(
            check_lines(&js),
            ["\"status is 200\": (r) => r.status === 200,"; 2],
            "{js}"
        );
    }

    #[test]
    fn one_request_running_twice_keeps_its_name() {
        let flow = Flow::new("poll").steps(|f| {
            f.request(
                Request::get("/status")
                    .name("status")
                    .check(Check::status(200)),
            );
            f.request(
                Request::get("/status")
                    .name("status")
                    .check(Check::status(200)),
            );
        });
        let script =
            Script::new().scenario(Scenario::new("poll", SharedIterations::new()).exec(&flow));
        let js = script.to_javascript().unwrap();
        assert_eq!(
            check_lines(&js),
            ["\"status is 200\": (r) => r.status === 200,"; 2],
            "{js}"
        );
    }
}
