//! The files written from the sample plans: `tests/plans/`, the golden cases'
//! `plan.json`, and the copy of the example in `docs/plan-schema.md`, whose prose
//! must also name every field and variant a plan can hold.

use k6dsl::plan::{Format, Plan};
use k6dsl_suite::tools;

use super::fixture_path;
use super::sample_plans::{checkout_plan, every_kind, kitchen_sink, shortcuts};
use super::vu_code_plans::{rows_plan, vu_code_scripts};

/// Checks that a fixture holds `expected`, or rewrites it when asked to.
fn assert_fixture(name: &str, expected: &str) {
    let path = fixture_path(name);
    if updating() {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "tests/plans/{name} is not what the model writes now; if the change is meant, \
         rewrite it (and the copy in docs/plan-schema.md) with \
         `K6DSL_UPDATE_PLANS=1 cargo test --test front_ends plans::fixtures` and review the diff"
    );
}

/// Whether to rewrite the fixtures (and the schema document's copy of the example)
/// rather than check them.
fn updating() -> bool {
    std::env::var_os("K6DSL_UPDATE_PLANS").is_some_and(|v| v == "1")
}

/// The marker before the schema document's copy of `tests/plans/checkout.json`.
const EXAMPLE_MARKER: &str = "<!-- example: tests/plans/checkout.json -->";
#[test]
fn fixtures_are_what_the_scripts_write() {
    assert_fixture("checkout.json", &checkout_plan().to_json());
    assert_fixture("rows.yaml", &rows_plan().to_yaml());
    if updating() {
        let doc = schema_doc();
        let (start, end) = block_span(&doc, EXAMPLE_MARKER, "json");
        let doc = format!(
            "{}{}{}",
            &doc[..start],
            checkout_plan().to_json(),
            &doc[end..]
        );
        std::fs::write(tools::repo_root().join("docs/plan-schema.md"), doc).unwrap();
    }
    // They load as they are.
    let text = std::fs::read_to_string(fixture_path("checkout.json")).unwrap();
    assert_eq!(Plan::load(&text, Format::Json).unwrap(), checkout_plan());
    let text = std::fs::read_to_string(fixture_path("rows.yaml")).unwrap();
    assert_eq!(Plan::load(&text, Format::Yaml).unwrap(), rows_plan());
}
#[test]
fn plans_of_every_kind_are_fixtures() {
    // Each is the input of a golden case: tests/golden/<name>/plan.json, beside the
    // main.js and main.ts it generates (tests/generated/golden.rs).
    let dir = tools::repo_root().join("tests/golden");
    let plans = every_kind();
    for (name, plan) in &plans {
        if updating() {
            std::fs::create_dir_all(dir.join(name)).unwrap();
        }
        assert_fixture(&format!("../golden/{name}/plan.json"), &plan.to_json());
    }
    // No case is left over from a plan that is gone.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            plans.iter().any(|(name, _)| *name == case),
            "tests/golden/{case} is no plan of every_kind(): remove it"
        );
    }
}

fn schema_doc() -> String {
    std::fs::read_to_string(tools::repo_root().join("docs/plan-schema.md")).unwrap()
}

/// The fenced block of `language` that follows `marker` in the document.
fn block_after(doc: &str, marker: &str, language: &str) -> String {
    let (start, end) = block_span(doc, marker, language);
    doc[start..end].to_owned()
}

/// Where the contents of that block are: from after its opening fence to its
/// closing fence (the contents end with a line break).
fn block_span(doc: &str, marker: &str, language: &str) -> (usize, usize) {
    let at = doc
        .find(marker)
        .unwrap_or_else(|| panic!("docs/plan-schema.md has no `{marker}`"));
    let fence = format!("```{language}\n");
    let start = doc[at..].find(&fence).expect("a fenced block follows") + at + fence.len();
    let end = doc[start..].find("\n```").expect("the block ends") + start + 1;
    (start, end)
}

#[test]
fn the_schema_document_shows_the_fixture_and_its_small_examples_load() {
    let doc = schema_doc();
    let example = block_after(&doc, EXAMPLE_MARKER, "json");
    assert_eq!(
        example,
        std::fs::read_to_string(fixture_path("checkout.json")).unwrap(),
        "the complete example in docs/plan-schema.md must be tests/plans/checkout.json: \
         rewrite both with `K6DSL_UPDATE_PLANS=1 cargo test --test front_ends plans::fixtures`"
    );
    let minimal = block_after(&doc, "<!-- example: minimal -->", "json");
    let plan = Plan::load(&minimal, Format::Json).unwrap_or_else(|e| panic!("{e}"));
    tools::inspect(&plan.to_javascript().unwrap()).unwrap_or_else(|e| panic!("{e}"));
    let yaml = block_after(&doc, "<!-- example: minimal yaml -->", "yaml");
    assert_eq!(
        Plan::load(&yaml, Format::Yaml).unwrap_or_else(|e| panic!("{e}")),
        plan
    );
}

/// Every key of every object of `value`, except those of free-form maps (tags,
/// environment, selectors, host names, passed-through JSON, data rows).
fn keys(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    const FREE_FORM: &[&str] = &["tags", "env", "selector", "hosts", "ext", "cloud", "rows"];
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                out.insert(key.clone());
                if !FREE_FORM.contains(&key.as_str()) {
                    keys(value, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| keys(i, out)),
        _ => {}
    }
}

/// The document's prose and tables: everything outside fenced code blocks, where
/// the examples would name every key trivially.
fn prose(doc: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_schema_document_names_every_field_and_variant() {
    let prose = prose(&schema_doc());
    let mut all = std::collections::BTreeSet::new();
    let mut plans: Vec<Plan> = vu_code_scripts().into_iter().map(|(_, p)| p).collect();
    plans.push(checkout_plan());
    plans.push(kitchen_sink());
    plans.extend(shortcuts());
    for plan in &plans {
        keys(&serde_json::from_str(&plan.to_json()).unwrap(), &mut all);
    }
    let missing: Vec<&String> = all
        .iter()
        .filter(|key| {
            !prose.contains(&format!("`{key}`")) && !prose.contains(&format!("\"{key}\""))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/plan-schema.md does not document {missing:?}"
    );
}
