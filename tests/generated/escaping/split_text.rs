//! Text split into parts: whatever the split, the only `${...}` in the output are
//! the values the model put there. Each literal part used to be escaped on its own,
//! so `"/echo/$"` then `"{console.log(__ENV)}"` became a live substitution.

use demo_shop::DemoShop;
use k6dsl::prelude::*;
use k6dsl_suite::tools::{self, TemplateLiteral};
use proptest::prelude::*;

use super::{header_value, hostile, percent_decode};

/// A dynamic value of the model and the JavaScript it must appear as.
#[derive(Debug, Clone, Copy)]
enum Dynamic {
    Vu,
    Iteration,
    ScenarioName,
}

impl Dynamic {
    fn value(self) -> Value {
        match self {
            Dynamic::Vu => Value::vu(),
            Dynamic::Iteration => Value::iteration(),
            Dynamic::ScenarioName => Value::scenario_name(),
        }
    }

    fn js(self) -> &'static str {
        match self {
            Dynamic::Vu => "__VU",
            Dynamic::Iteration => "__ITER",
            Dynamic::ScenarioName => "exec.scenario.name",
        }
    }

    /// What it is at run time in a one-iteration test of the default scenario.
    fn at_run_time(self) -> &'static str {
        match self {
            Dynamic::Vu => "1",
            Dynamic::Iteration => "0",
            Dynamic::ScenarioName => "default",
        }
    }
}

/// A text value as the model holds it: literal chunks with dynamic values between.
#[derive(Debug, Clone)]
struct SplitText {
    parts: Vec<Result<String, Dynamic>>,
}

impl SplitText {
    fn value(&self) -> Value {
        Value::concat(self.parts.iter().map(|p| match p {
            Ok(text) => Value::text(text.clone()),
            Err(dynamic) => dynamic.value(),
        }))
    }

    /// The template literal that must come out: text merged between expressions.
    fn template(&self, prefix: Option<&str>) -> TemplateLiteral {
        let mut texts = vec![String::new()];
        let mut expressions = Vec::new();
        if let Some(prefix) = prefix {
            expressions.push(prefix.to_owned());
            texts.push(String::new());
        }
        for part in &self.parts {
            match part {
                Ok(text) => texts.last_mut().unwrap().push_str(text),
                Err(dynamic) => {
                    expressions.push(dynamic.js().to_owned());
                    texts.push(String::new());
                }
            }
        }
        TemplateLiteral { texts, expressions }
    }

    /// The text k6 sends.
    fn at_run_time(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Ok(text) => text.as_str(),
                Err(dynamic) => dynamic.at_run_time(),
            })
            .collect()
    }
}

/// Pieces chosen to straddle a split: `$` then `{`, a backslash then a backtick.
fn splitting_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("$".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("\\".to_owned()),
        Just("`".to_owned()),
        Just("{console.log(JSON.stringify(__ENV))}".to_owned()),
        Just("${__VU}".to_owned()),
    ]
}

/// `text`, split at random places into chunks, with at least one dynamic value
/// between or beside them.
fn split(text: impl Strategy<Value = String>) -> impl Strategy<Value = SplitText> {
    let extra = proptest::collection::vec(splitting_piece(), 0..6);
    (
        text,
        extra,
        proptest::collection::vec(any::<prop::sample::Index>(), 1..8),
    )
        .prop_flat_map(|(text, extra, cuts)| {
            let mut text = text;
            for piece in &extra {
                text.push_str(piece);
            }
            let chars: Vec<char> = text.chars().collect();
            let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(chars.len() + 1)).collect();
            cuts.sort_unstable();
            cuts.dedup();
            let mut chunks = Vec::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([chars.len()]) {
                chunks.push(chars[start..cut].iter().collect::<String>());
                start = cut;
            }
            let n = chunks.len();
            let dynamics = proptest::collection::vec(
                prop_oneof![
                    Just(Dynamic::Vu),
                    Just(Dynamic::Iteration),
                    Just(Dynamic::ScenarioName)
                ],
                1..=n + 1,
            );
            (Just(chunks), dynamics, any::<prop::sample::Index>())
        })
        .prop_map(|(chunks, dynamics, at)| {
            // Dynamic values between chunks, at most one per gap, at least one.
            let mut parts = Vec::new();
            let first_gap = at.index(chunks.len() + 1);
            let mut dynamics = dynamics.into_iter();
            for (gap, chunk) in chunks.into_iter().enumerate() {
                if gap == first_gap || (gap > first_gap && gap % 2 == 0) {
                    if let Some(d) = dynamics.next() {
                        parts.push(Err(d));
                    }
                }
                parts.push(Ok(chunk));
            }
            if let Some(d) = dynamics.next() {
                parts.push(Err(d));
            }
            SplitText { parts }
        })
}

/// Text a header may hold (see [`header_value`]) made of hostile pieces, not empty.
fn header_text() -> impl Strategy<Value = String> {
    header_value().prop_map(|s| format!("h{s}"))
}

#[derive(Debug, Clone)]
struct SplitCase {
    path: SplitText,
    header: SplitText,
    cookie: SplitText,
    json: SplitText,
    form: SplitText,
    body: SplitText,
    user: SplitText,
}

fn split_case() -> impl Strategy<Value = SplitCase> {
    (
        split(header_text()),
        split(header_text()),
        split("[a-z]{1,8}"),
        split(hostile(true)),
        split(hostile(true)),
        split(hostile(true)),
        split(header_text().prop_map(|s| s.replace(':', ";"))),
    )
        .prop_map(|(path, header, cookie, json, form, body, user)| SplitCase {
            path,
            header,
            cookie,
            json,
            form,
            body,
            user,
        })
}

impl SplitCase {
    fn script(&self) -> Script<k6dsl::load::HasShortcut> {
        let url = || text!["/echo/", self.path.value()];
        let flow = Flow::new("split").steps(|f| {
            f.request(
                Request::post(url())
                    .name("json")
                    .header("X-Value", self.header.value())
                    .cookie("c", self.cookie.value())
                    .json_object([("v", self.json.value())]),
            );
            f.request(
                Request::post(url())
                    .name("form")
                    .form([("v", self.form.value())]),
            );
            f.request(
                Request::post(url())
                    .name("text")
                    .text_body(self.body.value(), "text/plain"),
            );
            f.request(
                Request::get(url())
                    .name("basic")
                    .basic_auth(self.user.value(), Value::vu()),
            );
        });
        Script::new()
            .shortcut(Shortcut::iterations(nz!(1), nz!(1)))
            .default_flow(&flow)
    }

    /// Every template literal the model puts in a file, in any order.
    fn templates(&self) -> Vec<TemplateLiteral> {
        let mut url = SplitText {
            parts: vec![Ok("/echo/".to_owned())],
        };
        url.parts.extend(self.path.parts.iter().cloned());
        let mut credentials = self.user.clone();
        credentials.parts.push(Ok(":".to_owned()));
        credentials.parts.push(Err(Dynamic::Vu));
        let mut all = vec![url.template(Some("BASE_URL")); 4];
        all.extend([
            self.header.template(None),
            self.cookie.template(None),
            self.json.template(None),
            self.form.template(None),
            self.body.template(None),
            credentials.template(None),
        ]);
        all
    }
}

/// `Basic ${encoding.b64encode(`...`)}` holds the credentials' template as its
/// expression; its own shape is fixed.
fn is_basic_auth(template: &TemplateLiteral) -> bool {
    template.texts == ["Basic ", ""]
        && template.expressions.len() == 1
        && template.expressions[0].starts_with("encoding.b64encode(`")
}

fn sorted(mut templates: Vec<TemplateLiteral>) -> Vec<TemplateLiteral> {
    templates.sort_by(|a, b| (&a.texts, &a.expressions).cmp(&(&b.texts, &b.expressions)));
    templates
}

fn check_split_case(case: &SplitCase) -> Result<(), TestCaseError> {
    let script = case.script();
    let fail = |e: &dyn std::fmt::Display| TestCaseError::fail(e.to_string());
    let js = script.to_javascript().map_err(|e| fail(&e))?;
    let ts = script.to_typescript().map_err(|e| fail(&e))?;
    let mut files = vec![
        k6dsl::File::new("main.js", js.clone()),
        k6dsl::File::new("main.ts", ts),
    ];
    for tree in [
        script.to_project().map_err(|e| fail(&e))?,
        script.to_project_ts().map_err(|e| fail(&e))?,
    ] {
        let sources: Vec<k6dsl::File> = tree
            .into_iter()
            .filter(|k6dsl::File { path, .. }| path.ends_with(".js") || path.ends_with(".ts"))
            .collect();
        // A project's modules together hold what the single file holds.
        let joined = sources
            .iter()
            .map(|file| file.text().unwrap())
            .collect::<Vec<_>>()
            .join("\n;\n");
        let ext = if sources[0].path.ends_with(".ts") {
            "ts"
        } else {
            "js"
        };
        files.extend(sources);
        files.push(k6dsl::File::new(format!("project-all.{ext}"), joined));
    }
    let parsed = tools::template_literals(&files).map_err(|e| fail(&e))?;
    let expected = sorted(case.templates());
    for file in parsed {
        prop_assert!(
            file.diagnostics.is_empty(),
            "{} does not parse: {:?}",
            file.file,
            file.diagnostics
        );
        if !matches!(file.file.as_str(), "main.js" | "main.ts")
            && !file.file.starts_with("project-all")
        {
            continue;
        }
        let found: Vec<TemplateLiteral> = file
            .templates
            .into_iter()
            .filter(|t| !is_basic_auth(t))
            .collect();
        prop_assert_eq!(
            sorted(found),
            expected.clone(),
            "{}: template literals differ from the model's\n{}",
            file.file,
            js
        );
    }
    Ok(())
}

#[test]
fn text_split_anywhere_has_only_the_models_expressions() {
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&split_case(), |case| check_split_case(&case))
        .unwrap();
}

/// `application/x-www-form-urlencoded` as Go writes it, read back.
fn form_decode(value: &str) -> Vec<u8> {
    percent_decode(&value.replace('+', " "))
}

fn header<'r>(request: &'r demo_shop::RecordedRequest, name: &str) -> &'r [u8] {
    request
        .headers
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&[][..], |(_, v)| v.as_slice())
}

fn check_split_case_under_k6(shop: &DemoShop, case: &SplitCase) -> Result<(), TestCaseError> {
    shop.clear_requests();
    let script = case.script();
    let js = script
        .to_javascript()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let run = tools::k6_run(&js, &[], &[("BASE_URL", &shop.base_url())]);
    prop_assert_eq!(run.exit_code, 0, "k6 failed\n{}\n{}", js, run.stderr);
    // Nothing the text holds ran: an injected console.log would print here.
    prop_assert!(
        !run.stdout.contains("BASE_URL") && !run.stderr.contains("BASE_URL"),
        "the script printed its environment\n{}",
        run.stderr
    );
    let seen = shop.requests();
    prop_assert_eq!(seen.len(), 4, "{:?}", seen);
    let [json, form, text, basic] = &seen[..] else {
        unreachable!()
    };
    let path = case.path.at_run_time();
    if !path.contains(['?', '#', '%']) {
        for request in &seen {
            prop_assert_eq!(
                percent_decode(&request.path),
                format!("/echo/{path}").into_bytes()
            );
        }
    }
    let header_value = case.header.at_run_time();
    prop_assert_eq!(header(json, "x-value"), header_value.as_bytes());
    let body: serde_json::Value = serde_json::from_slice(&json.body)
        .map_err(|e| TestCaseError::fail(format!("body is not JSON: {e}")))?;
    prop_assert_eq!(&body["v"], &serde_json::json!(case.json.at_run_time()));
    let form_body = String::from_utf8_lossy(&form.body).into_owned();
    prop_assert_eq!(
        form_decode(form_body.strip_prefix("v=").unwrap_or(&form_body)),
        case.form.at_run_time().into_bytes()
    );
    prop_assert_eq!(&text.body, &case.body.at_run_time().into_bytes());
    let credentials = format!("{}:1", case.user.at_run_time());
    let authorization = format!("Basic {}", demo_shop::base64_encode(credentials.as_bytes()));
    prop_assert_eq!(header(basic, "authorization"), authorization.as_bytes());
    Ok(())
}

#[test]
fn text_split_anywhere_reaches_the_server_byte_for_byte() {
    let shop = DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts");
    let config = ProptestConfig {
        cases: 6,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&split_case(), |case| {
            check_split_case_under_k6(&shop, &case)
        })
        .unwrap();
}
