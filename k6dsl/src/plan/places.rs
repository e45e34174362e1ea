//! Locating validation problems, first half: from a problem's place in the model
//! (a scenario's name, a flow's step described in words) to the paths of the plan's
//! fields it may be about, most precise first. [`super::locate`] then finds them in
//! the text.

use super::read::Seg;
use crate::model::{self, vu};
use crate::validate::problem::{Place, Problem};

/// Paths in the plan that a validation error may be about, most precise first.
pub(super) fn candidates(script: &model::Script, error: &crate::ValidationError) -> Vec<Vec<Seg>> {
    let duplicate = matches!(error.problem, Problem::Duplicate { .. });
    let base = base(script, &error.place, duplicate);
    let mut out = Vec::new();
    let fields = fields(&error.place, &error.problem);
    for field in &fields {
        for prefix in [&["executor"][..], &["params"][..], &[][..]] {
            let mut path = base.clone();
            path.extend(prefix.iter().map(|k| Seg::key(*k)));
            path.extend(field.iter().cloned());
            out.push(path);
        }
    }
    out.push(base);
    out
}

/// Which of the things with a name the place names: the first, or for a
/// duplicate the second (validation reports the repetition).
fn named<T>(items: &[T], name: impl Fn(&T) -> bool, duplicate: bool) -> Option<usize> {
    let mut found = items.iter().enumerate().filter(|(_, item)| name(item));
    let first = found.next().map(|(i, _)| i);
    if duplicate {
        found.next().map(|(i, _)| i).or(first)
    } else {
        first
    }
}

/// The path of the place itself.
fn base(script: &model::Script, place: &Place, duplicate: bool) -> Vec<Seg> {
    let keys = |keys: &[&str]| keys.iter().map(|k| Seg::key(*k)).collect::<Vec<_>>();
    match place {
        Place::Script => Vec::new(),
        Place::Scenario(name) => match &script.options.execution {
            model::Execution::Scenarios(scenarios) => {
                match named(scenarios, |s| &s.name == name, duplicate) {
                    Some(i) => {
                        let mut path = keys(&["options", "execution", "scenarios"]);
                        path.push(Seg::Index(i));
                        path
                    }
                    None => keys(&["options", "execution", "scenarios"]),
                }
            }
            _ => keys(&["options", "execution"]),
        },
        Place::Shortcut => match &script.options.execution {
            model::Execution::Shortcut(shortcut) => {
                let variant = match shortcut {
                    model::Shortcut::Duration { .. } => "duration",
                    model::Shortcut::Iterations { .. } => "iterations",
                    model::Shortcut::Stages { .. } => "stages",
                };
                keys(&["options", "execution", "shortcut", variant])
            }
            _ => keys(&["options", "execution"]),
        },
        Place::Threshold(key) => {
            let mut path = keys(&["options", "thresholds"]);
            if let Some(i) = script
                .options
                .thresholds
                .iter()
                .position(|t| &t.key() == key)
            {
                path.push(Seg::Index(i));
            }
            path
        }
        Place::Metric(name) => {
            let mut path = keys(&["metrics"]);
            if let Some(i) = named(&script.metrics, |m| &m.name == name, duplicate) {
                path.push(Seg::Index(i));
            }
            path
        }
        Place::Flow(name) => function(script, name, duplicate).unwrap_or_default(),
        Place::Option(name) => {
            let mut path = keys(&["options", "general"]);
            path.extend(k6_field(name));
            path
        }
        Place::Code { function: f, path } => code_path(script, f, path, duplicate),
        Place::Upload(name) => {
            let mut path = keys(&["uploads"]);
            if let Some(i) = named(&script.uploads, |u| &u.name == name, duplicate) {
                path.push(Seg::Index(i));
            }
            path
        }
        Place::Data(name) => {
            let mut path = keys(&["data"]);
            if let Some(i) = named(&script.data, |d| &d.name == name, duplicate) {
                path.push(Seg::Index(i));
                let variant = match &script.data[i].source {
                    vu::DataSource::JsonRows { .. } => "json_rows",
                    vu::DataSource::JsonFile(_) => "json_file",
                    vu::DataSource::CsvFile(_) => "csv_file",
                    vu::DataSource::CsvRows { .. } => "csv_rows",
                };
                path.push(Seg::key("source"));
                path.push(Seg::key(variant));
            }
            path
        }
    }
}

/// A function's object: a flow, the default flow, setup or teardown.
fn function(script: &model::Script, name: &str, duplicate: bool) -> Option<Vec<Seg>> {
    if let Some(i) = named(&script.flows, |f| f.name == name, duplicate) {
        return Some(vec![Seg::key("flows"), Seg::Index(i)]);
    }
    match name {
        "setup" if script.lifecycle.setup.is_some() => {
            Some(vec![Seg::key("lifecycle"), Seg::key("setup")])
        }
        "teardown" if script.lifecycle.teardown.is_some() => {
            Some(vec![Seg::key("lifecycle"), Seg::key("teardown")])
        }
        _ if script.default_flow.is_some() => Some(vec![Seg::key("default_flow")]),
        _ => None,
    }
}

/// A step of VU code, from validation's description of its place
/// (`flow `shop``, `group `Cart`, request `add``), as far as it can be followed.
fn code_path(
    script: &model::Script,
    function_text: &str,
    steps: &str,
    duplicate: bool,
) -> Vec<Seg> {
    let (mut path, mut block): (Vec<Seg>, Option<&vu::Block>) = match function_text {
        "setup()" => (
            vec![Seg::key("lifecycle"), Seg::key("setup"), Seg::key("body")],
            script.lifecycle.setup.as_ref().map(|s| &s.body),
        ),
        "teardown()" => (
            vec![Seg::key("lifecycle"), Seg::key("teardown")],
            script.lifecycle.teardown.as_ref(),
        ),
        other => {
            let name = quoted(other.strip_prefix("flow ").unwrap_or(other)).unwrap_or(other);
            match script.flows.iter().position(|f| f.name == name) {
                Some(i) => (
                    vec![Seg::key("flows"), Seg::Index(i), Seg::key("body")],
                    Some(&script.flows[i].body),
                ),
                None => match &script.default_flow {
                    Some(flow) => (
                        vec![Seg::key("default_flow"), Seg::key("body")],
                        Some(&flow.body),
                    ),
                    None => return Vec::new(),
                },
            }
        }
    };
    let mut request: Option<&vu::Request> = None;
    let mut inside_step = false;
    for segment in steps.split(", ").filter(|s| !s.is_empty()) {
        if let Some(r) = request {
            // Inside a request: only its checks are named.
            if let Some(i) = segment
                .strip_prefix("check ")
                .and_then(quoted)
                .and_then(|name| r.checks.iter().position(|c| c.name == name))
            {
                path.extend([Seg::key("checks"), Seg::Index(i)]);
            }
            break;
        }
        if let Some(name) = segment.strip_prefix("returned key ").and_then(quoted) {
            if let Some(i) = script
                .lifecycle
                .setup
                .as_ref()
                .and_then(|s| named(&s.returns, |(k, _)| k == name, duplicate))
            {
                path = vec![
                    Seg::key("lifecycle"),
                    Seg::key("setup"),
                    Seg::key("returns"),
                    Seg::Index(i),
                ];
            }
            break;
        }
        let Some(steps_here) = block else { break };
        let found = steps_here.iter().enumerate().find_map(|(i, step)| {
            step_matches(step, segment).map(|(inner, next, req)| (i, inner, next, req))
        });
        let Some((i, inner, next, req)) = found else {
            break;
        };
        if inside_step {
            // Into the body of the group (or once-per-VU block) found before.
            path.push(Seg::key("body"));
        }
        path.push(Seg::Index(i));
        path.extend(inner);
        inside_step = next.is_some();
        block = next;
        request = req;
    }
    path
}

/// Whether `step` is the one `segment` describes: the path from the step to
/// its object, the block inside it (its `body`, to follow further), and the
/// request it is.
#[allow(clippy::type_complexity)]
fn step_matches<'s>(
    step: &'s vu::Step,
    segment: &str,
) -> Option<(Vec<Seg>, Option<&'s vu::Block>, Option<&'s vu::Request>)> {
    use vu::Step;
    match step {
        Step::Group { name, body }
            if segment.strip_prefix("group ").and_then(quoted) == Some(name) =>
        {
            Some((vec![Seg::key("group")], Some(body), None))
        }
        Step::OncePerVu { body } if segment == "once per VU" => {
            Some((vec![Seg::key("once_per_vu")], Some(body), None))
        }
        Step::Request(r)
            if segment.strip_prefix("request ").and_then(quoted) == Some(r.name.as_str()) =>
        {
            Some((vec![Seg::key("request")], None, Some(r)))
        }
        Step::Batch(requests) => {
            if segment == "batch" {
                return Some((vec![Seg::key("batch")], None, None));
            }
            let name = segment.strip_prefix("batch request ").and_then(quoted)?;
            let i = requests.iter().position(|r| r.name == name)?;
            Some((
                vec![Seg::key("batch"), Seg::Index(i)],
                None,
                Some(&requests[i]),
            ))
        }
        Step::Sleep(_) if segment == "think time" => Some((vec![Seg::key("sleep")], None, None)),
        Step::AddToMetric { metric, .. }
            if segment.strip_prefix("adding to metric ").and_then(quoted) == Some(metric) =>
        {
            Some((vec![Seg::key("add_to_metric")], None, None))
        }
        Step::PickRow { data, .. }
            if segment.strip_prefix("row of ").and_then(quoted) == Some(data) =>
        {
            Some((vec![Seg::key("pick_row"), Seg::key("data")], None, None))
        }
        _ => None,
    }
}

/// The text between the first and the last backtick: `` `Cart` `` is `Cart`.
fn quoted(text: &str) -> Option<&str> {
    text.strip_prefix('`')?.strip_suffix('`')
}

/// The fields of the place that a problem is about, as paths relative to it.
fn fields(place: &Place, problem: &Problem) -> Vec<Vec<Seg>> {
    let field = match problem {
        Problem::NotPositive { field }
        | Problem::TooShort { field, .. }
        | Problem::LessThan { field, .. }
        | Problem::TooLarge { field, .. }
        | Problem::NotFinite { field, .. }
        | Problem::Invalid { field, .. } => *field,
        Problem::NoStages | Problem::NoPositiveTarget { .. } => "stages",
        Problem::NoVus => k6dsl_facts::executor::PRE_ALLOCATED_VUS.k6_name,
        Problem::GracefulStopForbidden => "gracefulStop",
        Problem::UnknownExec { .. } => "exec",
        Problem::InvalidName { what, .. } | Problem::Duplicate { what, .. } => match *what {
            "base URL environment variable" => "base_url.env",
            _ => "name",
        },
        Problem::StatNotForKind { .. } | Problem::PercentileOutOfRange { .. } => "stat",
        Problem::UnknownMetric { .. } | Problem::KindMismatch { .. } => match place {
            Place::Threshold(_) => "metric",
            _ => "",
        },
        Problem::DelayWithoutAbort => "delayAbortEval",
        Problem::InvalidTag { key, .. } => {
            return ["tags", "env", "selector"]
                .into_iter()
                .map(|map| vec![Seg::key(map), Seg::key(key.clone())])
                .collect();
        }
        _ => "",
    };
    let field = match field {
        "" => return Vec::new(),
        "stage duration" | "stage target" => "stages",
        "threshold bound" => "bound",
        "base URL" => "base_url.default",
        "summary path" => "lifecycle.summary_json",
        "endpoint selector" | "group selector" | "scenario selector" | "tag selector" => "selector",
        "header" => "headers",
        "cookie" => "cookies",
        "tag" => "tags",
        other => other,
    };
    let mut out = vec![k6_field(field)];
    if let Place::Script = place {
        if field == "scenarios" {
            out = vec![vec![
                Seg::key("options"),
                Seg::key("execution"),
                Seg::key("scenarios"),
            ]];
        }
    }
    out
}

/// A field as k6 (or validation's message) names it, as a path of plan keys:
/// `maxVUs` is `max_vus`, `dns.ttl` is `dns` then `ttl`. Words with spaces are
/// no field of the plan.
pub(super) fn k6_field(name: &str) -> Vec<Seg> {
    if name.contains(' ') {
        return Vec::new();
    }
    // Executor fields as k6dsl-facts spells them; other options by their casing.
    let executor_field = k6dsl_facts::executor::EXECUTORS
        .iter()
        .flat_map(|executor| executor.fields)
        .find(|field| field.k6_name == name);
    if let Some(field) = executor_field {
        return vec![Seg::key(field.name)];
    }
    name.split('.')
        .map(|part| {
            let part = part
                .replace("VUs", "Vus")
                .replace("IPs", "Ips")
                .replace("TLS", "Tls")
                .replace("VU", "Vu");
            let mut snake = String::new();
            for c in part.chars() {
                if c.is_ascii_uppercase() {
                    if !snake.is_empty() {
                        snake.push('_');
                    }
                    snake.push(c.to_ascii_lowercase());
                } else {
                    snake.push(c);
                }
            }
            Seg::Key(snake)
        })
        .collect()
}
