//! Plans against `docs/plan.schema.json`, the JSON Schema editors and
//! yaml-language-server are pointed at (`docs/plan-schema.md` says how), checked as
//! an editor checks them, with a real validator (draft 7): every plan fixture of
//! the repository and the example `k6dsl example` prints follow it, in JSON and in
//! YAML; what k6dsl's reader rejects (an unknown field, a wrong executor type, a
//! malformed duration, ...) the schema rejects too.
//!
//! That the file is the schema the model generates (`Plan::json_schema`, which
//! `k6dsl schema --json` prints) is checked by k6dsl's own tests (`plan::tests`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use k6dsl::plan::{Format, Plan};
use serde_json::{json, Value};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("k6dsl-cli is in the workspace")
        .to_owned()
}

/// A validator of the shipped schema: the file, not the generated text.
fn shipped_schema() -> jsonschema::Validator {
    let path = repo_root().join("docs/plan.schema.json");
    let text = std::fs::read_to_string(&path).expect("docs/plan.schema.json exists");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // Building also checks the schema against draft 7's meta-schema.
    jsonschema::draft7::new(&schema)
        .unwrap_or_else(|e| panic!("docs/plan.schema.json is not a valid draft 7 schema: {e}"))
}

/// Why `plan` does not follow the schema: one line per problem, empty when it does.
fn problems(schema: &jsonschema::Validator, plan: &Value) -> Vec<String> {
    schema
        .iter_errors(plan)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// A plan's text as the value an editor checks.
fn value_of(text: &str, format: Format) -> Value {
    match format {
        Format::Json => serde_json::from_str(text).expect("the plan is JSON"),
        Format::Yaml => serde_norway::from_str(text).expect("the plan is YAML"),
    }
}

/// What `k6dsl ARGS` prints on stdout.
fn k6dsl(args: &[&str]) -> String {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = k6dsl_cli::run(&args, &mut out, &mut err);
    assert_eq!(code, 0, "k6dsl {args:?}: {}", String::from_utf8_lossy(&err));
    String::from_utf8(out).expect("k6dsl prints UTF-8")
}

/// The plan files under `dir` (JSON and YAML, in subdirectories too), except data
/// files (`data/`), which are rows, not plans.
fn plan_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "data") {
                plan_files(&path, out);
            }
        } else if Format::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

#[test]
fn every_plan_fixture_follows_the_shipped_schema() {
    let schema = shipped_schema();
    let mut files = Vec::new();
    plan_files(&repo_root().join("tests/plans"), &mut files);
    plan_files(&repo_root().join("k6dsl-cli/tests/cmd/plans"), &mut files);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(repo_root()).unwrap().display().to_string())
        .collect();
    for expected in [
        "tests/plans/checkout.json",
        "tests/plans/rows.yaml",
        "tests/plans/every-kind/every-option.json",
        "k6dsl-cli/tests/cmd/plans/tiny.json",
        "k6dsl-cli/tests/cmd/plans/invalid.yaml",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} is not among {names:?}"
        );
    }
    for (file, name) in files.iter().zip(&names) {
        let format = Format::from_path(file).unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        // Each is a plan k6dsl reads (some fail validation, which no schema sees).
        Plan::parse(&text, format).unwrap_or_else(|e| panic!("{name}: {e}"));
        let found = problems(&schema, &value_of(&text, format));
        assert!(found.is_empty(), "{name}:\n{}", found.join("\n"));
    }
}

#[test]
fn the_example_follows_the_shipped_schema_in_json_and_yaml() {
    let schema = shipped_schema();
    for (args, format) in [
        (&["example"][..], Format::Json),
        (&["example", "--yaml"], Format::Yaml),
    ] {
        let plan = value_of(&k6dsl(args), format);
        let found = problems(&schema, &plan);
        assert!(found.is_empty(), "k6dsl {args:?}:\n{}", found.join("\n"));
    }
    // And `k6dsl schema --json` prints the shipped file.
    assert_eq!(
        k6dsl(&["schema", "--json"]),
        std::fs::read_to_string(repo_root().join("docs/plan.schema.json")).unwrap()
    );
}

/// The example plan as a value, to change.
fn example() -> Value {
    value_of(&k6dsl(&["example"]), Format::Json)
}

/// The example with `change` applied to the executor of its `purchase` scenario, a
/// constant-arrival-rate.
fn with_executor(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut plan = example();
    let executor = plan["options"]["execution"]["scenarios"][1]["executor"]
        .as_object_mut()
        .expect("the example has scenarios");
    change(executor);
    plan
}

#[test]
fn the_schema_rejects_what_k6dsl_does_not_read() {
    let schema = shipped_schema();
    let mut wrong: Vec<(&str, Value)> = Vec::new();
    let mut plan = example();
    plan["optoins"] = json!({});
    wrong.push(("an unknown top-level field", plan));
    let mut plan = example();
    plan["flows"][0]["body"][0]["request"]["header"] = json!([]);
    wrong.push(("an unknown field in a request", plan));
    wrong.push((
        "an unknown executor type",
        with_executor(|e| drop(e.insert("type".into(), json!("constant-vu")))),
    ));
    wrong.push((
        "a field of another executor",
        with_executor(|e| drop(e.insert("stages".into(), json!([])))),
    ));
    wrong.push((
        "a missing required field",
        with_executor(|e| drop(e.remove("duration"))),
    ));
    wrong.push((
        "an executor without a type",
        with_executor(|e| drop(e.remove("type"))),
    ));
    wrong.push((
        "a count as a string",
        with_executor(|e| drop(e.insert("rate".into(), json!("ten")))),
    ));
    wrong.push((
        "a negative count",
        with_executor(|e| drop(e.insert("rate".into(), json!(-1)))),
    ));
    wrong.push((
        "a duration in words",
        with_executor(|e| drop(e.insert("duration".into(), json!("5 minutes")))),
    ));
    wrong.push((
        "a duration in milliseconds as a number",
        with_executor(|e| drop(e.insert("duration".into(), json!(5000)))),
    ));
    let mut plan = example();
    plan["options"]["execution"] = json!("defualt");
    wrong.push(("a misspelt unit variant", plan));
    let mut plan = example();
    plan["options"]["thresholds"][0]["stat"] = json!({"percentile": "95"});
    wrong.push(("a percentile as a string", plan));
    let mut plan = example();
    plan["$schema"] = json!(7);
    wrong.push(("a `$schema` that is not a string", plan));
    for (what, plan) in wrong {
        assert!(
            Plan::from_json(&plan.to_string()).is_err(),
            "k6dsl reads a plan with {what}"
        );
        assert!(
            !problems(&schema, &plan).is_empty(),
            "the schema accepts a plan with {what}"
        );
    }
}

#[test]
fn a_plan_may_name_its_schema() {
    let schema = shipped_schema();
    let mut plan = example();
    plan.as_object_mut().unwrap().shift_insert(
        0,
        "$schema".into(),
        json!("../docs/plan.schema.json"),
    );
    assert!(problems(&schema, &plan).is_empty());
    let json = plan.to_string();
    assert_eq!(
        Plan::load(&json, Format::Json).unwrap(),
        Plan::from_json(&k6dsl(&["example"])).unwrap()
    );
    // In YAML, the comment yaml-language-server reads, or the same key.
    let yaml = k6dsl(&["example", "--yaml"]);
    for text in [
        format!("# yaml-language-server: $schema=../docs/plan.schema.json\n{yaml}"),
        format!("$schema: ../docs/plan.schema.json\n{yaml}"),
    ] {
        assert!(problems(&schema, &value_of(&text, Format::Yaml)).is_empty());
        assert_eq!(
            Plan::load(&text, Format::Yaml).unwrap(),
            Plan::from_yaml(&yaml).unwrap()
        );
    }
}

#[test]
fn durations_follow_the_schema_exactly_when_k6dsl_reads_them() {
    let schema = shipped_schema();
    // Go's syntax with k6's days, and what is not it. (Out-of-range numbers, such
    // as a duration over 292 years, are left to k6dsl's reader.)
    let durations = [
        "0",
        "0s",
        "30s",
        "1m30s",
        "1.5s",
        ".5s",
        "1.s",
        "250ms",
        "1us",
        "1µs",
        "1μs",
        "10ns",
        "2h",
        "1d",
        "0d",
        "1d12h",
        "1d.5h",
        "+1s",
        "1h0m0s",
        "1m0.5s",
        "1s.5s",
        "",
        "00",
        "+0",
        "1",
        "1x",
        "-1s",
        "1s2",
        "1..2s",
        "1.5.5s",
        "1h1d",
        "1.5d",
        "s",
        "d",
        "5 minutes",
        "1 s",
        " 1s",
        "1s ",
        "1S",
        "1sec",
        "1hr",
    ];
    for duration in durations {
        let read = k6dsl::time::parse_duration(duration).is_ok();
        let plan = with_executor(|e| drop(e.insert("duration".into(), json!(duration))));
        let valid = problems(&schema, &plan).is_empty();
        assert_eq!(
            valid, read,
            "{duration:?}: the schema says {valid}, k6dsl's reader {read}"
        );
    }
}

/// The plans `docs/plan-schema.md` shows: each fenced block after a
/// `<!-- example: NAME -->` marker, as (name, format, text).
fn documented_examples() -> Vec<(String, Format, String)> {
    let doc = std::fs::read_to_string(repo_root().join("docs/plan-schema.md")).unwrap();
    let mut out = Vec::new();
    for (at, _) in doc.match_indices("<!-- example: ") {
        let name = doc[at + 14..].split(" -->").next().unwrap().to_owned();
        let fence = doc[at..].find("```").expect("a fenced block follows") + at;
        let language_end = doc[fence..].find('\n').unwrap() + fence;
        let format = match &doc[fence + 3..language_end] {
            "json" => Format::Json,
            "yaml" => Format::Yaml,
            other => panic!("example {name}: a ```{other} block"),
        };
        let end = doc[language_end..].find("\n```").unwrap() + language_end;
        out.push((name, format, doc[language_end + 1..=end].to_owned()));
    }
    out
}

#[test]
fn the_documented_examples_follow_the_shipped_schema() {
    let schema = shipped_schema();
    let examples = documented_examples();
    let names: Vec<&str> = examples.iter().map(|(name, ..)| name.as_str()).collect();
    for expected in ["minimal", "schema key", "schema comment"] {
        assert!(
            names.contains(&expected),
            "no example {expected} in {names:?}"
        );
    }
    for (name, format, text) in &examples {
        Plan::load(text, *format).unwrap_or_else(|e| panic!("example {name}: {e}"));
        let found = problems(&schema, &value_of(text, *format));
        assert!(found.is_empty(), "example {name}:\n{}", found.join("\n"));
    }
}
