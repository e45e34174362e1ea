//! Each of k6's facts has one source: this crate. The test reads the workspace's
//! sources and looks for the marks a copy of a fact leaves (its table's literals,
//! its item's definition).
//!
//! - This crate defines each fact exactly once.
//! - `k6dsl-macros` keeps no copy of any: it reads them all from here.
//! - `k6dsl` and `k6dsl-cli` keep none either, but for the [`KNOWN`] exceptions,
//!   each with its reason.

use std::fs;
use std::path::{Path, PathBuf};

/// A fact, the item that defines it here, and the marks a copy elsewhere leaves.
struct Fact {
    name: &'static str,
    /// Its definition in this crate (`file`, text), present exactly once.
    source: (&'static str, &'static str),
    marks: &'static [&'static str],
}

const FACTS: &[Fact] = &[
    Fact {
        name: "the duration grammar",
        source: ("duration.rs", "pub fn parse_duration("),
        marks: &[
            "fn parse_duration",
            "86_400_000_000_000",
            "\"µs\"",
            "\"ms\" =>",
            "(\"ms\",",
        ],
    },
    Fact {
        name: "the longest duration k6 holds",
        source: ("duration.rs", "pub const MAX_GO_DURATION"),
        marks: &["9_223_372_036"],
    },
    Fact {
        name: "the built-in metrics",
        source: ("metric.rs", "pub const BUILTIN_METRICS: &[Builtin]"),
        // Names only a copy of the whole table holds (k6dsl's comparison policy
        // names `http_req_failed`, `vus_max`, ... on purpose).
        marks: &[
            "\"ws_msgs_received\"",
            "\"iteration_duration\"",
            "\"http_req_tls_handshaking\"",
            "\"ws_session_duration\"",
            "\"grpc_req_duration\"",
        ],
    },
    Fact {
        name: "metric kinds",
        source: ("metric.rs", "pub enum MetricKind {"),
        marks: &["enum MetricKind", "fn from_k6("],
    },
    Fact {
        name: "threshold statistics",
        source: ("metric.rs", "pub enum Stat {"),
        marks: &[
            "enum Stat {",
            "enum TrendStat",
            "\"avg\"",
            "\"med\"",
            "fn stat_of_expression",
            "fn trend_stat_name",
            // `on_unimplemented` notes cannot call `stats_by_kind()`.
            "k6 allows: Trend →",
        ],
    },
    Fact {
        name: "threshold operators",
        source: ("metric.rs", "pub enum Comparison {"),
        marks: &["enum Comparison", "(\"<=\","],
    },
    Fact {
        name: "percentiles k6 handles",
        source: ("metric.rs", "pub const PERCENTILES"),
        marks: &["0.0..=100.0"],
    },
    Fact {
        name: "the group path separator",
        source: ("metric.rs", "pub const GROUP_PATH_SEPARATOR"),
        marks: &["GROUP_SEPARATOR: &str"],
    },
    Fact {
        name: "the metric-name rule",
        source: ("metric.rs", "pub fn is_valid_metric_name("),
        marks: &["fn is_valid_metric_name", "2..=129"],
    },
    Fact {
        name: "executors and their fields",
        source: ("executor.rs", "pub const EXECUTORS: &[Executor]"),
        marks: &[
            "\"shared_iterations\"",
            "\"per_vu_iterations\"",
            "\"constant_vus\"",
            "\"ramping_vus\"",
            "\"constant_arrival_rate\"",
            "\"ramping_arrival_rate\"",
            "\"externally_controlled\"",
            "=> \"shared-iterations\"",
            "=> \"constant-arrival-rate\"",
            "\"pre_allocated_vus\"",
            "\"graceful_ramp_down\"",
            "\"max_duration\"",
            "\"preAllocatedVUs\"",
            "\"gracefulRampDown\"",
            "\"maxDuration\"",
            // `on_unimplemented` messages cannot read `Field::required`.
            "k6 requires preAllocatedVUs",
            "MAX_STAGE_TARGET: u64",
        ],
    },
    Fact {
        name: "the scenario-name rule",
        source: ("executor.rs", "pub fn is_valid_scenario_name("),
        marks: &["fn is_valid_scenario_name", "fn check_scenario_name"],
    },
    Fact {
        name: "JavaScript identifiers and reserved words",
        source: ("names.rs", "pub const RESERVED_WORDS: &[&str]"),
        marks: &[
            "fn is_identifier",
            "RESERVED_WORDS: &[&str]",
            "\"implements\"",
        ],
    },
    Fact {
        name: "names the generated script reserves",
        source: ("names.rs", "pub const MODULE_NAMES: &[&str]"),
        // The lists, not the names: code generation writes those helpers.
        marks: &[
            "MODULE_NAMES: &[&str]",
            "RESERVED_EXPORTS: &[&str]",
            "RESERVED_NAMES: &[&str]",
        ],
    },
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("k6dsl-facts sits in the workspace")
        .to_path_buf()
}

/// Marks the library may still hold, by file (relative to the workspace) and mark,
/// with the reason. Each must still be found: one that is gone leaves the list.
const KNOWN: &[(&str, &str, &str)] = &[
    // Attributes cannot call functions: dsl/executor.rs and dsl/metric.rs test
    // these literals against `Field::required` and `stats_by_kind()`.
    (
        "k6dsl/src/dsl/executor.rs",
        "k6 requires preAllocatedVUs",
        ATTRIBUTE,
    ),
    ("k6dsl/src/dsl/metric.rs", "k6 allows: Trend →", ATTRIBUTE),
    // The typed constants name their entry in BUILTIN_METRICS, which gives kind
    // and time; a const check fails the build for a name not in the table.
    ("k6dsl/src/dsl/metric.rs", "\"ws_msgs_received\"", CONSTANTS),
    (
        "k6dsl/src/dsl/metric.rs",
        "\"iteration_duration\"",
        CONSTANTS,
    ),
    (
        "k6dsl/src/dsl/metric.rs",
        "\"http_req_tls_handshaking\"",
        CONSTANTS,
    ),
    (
        "k6dsl/src/dsl/metric.rs",
        "\"ws_session_duration\"",
        CONSTANTS,
    ),
    (
        "k6dsl/src/dsl/metric.rs",
        "\"grpc_req_duration\"",
        CONSTANTS,
    ),
    // The part of `Stat` summaryTrendStats takes, as a type so that builders and
    // the plan schema cannot put rate or value there; it converts to `Stat`.
    ("k6dsl/src/model/options.rs", "enum TrendStat", SUBSET),
    // Baselines' statistics: a subset of `Stat` that can be a map key (Eq, Ord,
    // Hash); its names are `Stat`'s.
    ("k6dsl/src/results/compare/mod.rs", "enum Stat {", SUBSET),
    // Cuts the statistic off a threshold expression, then `Stat::parse`.
    (
        "k6dsl/src/run/summary.rs",
        "fn stat_of_expression",
        "it calls Stat::parse",
    ),
];

const ATTRIBUTE: &str = "an attribute's literal, tested against the facts";
const CONSTANTS: &str = "typed constants keyed by their table entry";
const SUBSET: &str = "a subset of Stat as a type of its own";

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    // Test modules in files of their own (`tests.rs`) quote k6's names freely.
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") && !path.ends_with("tests.rs")
            {
                let text = fs::read_to_string(&path).expect("a source file");
                out.push((path, code(&text)));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no sources under {}", dir.display());
    out
}

/// The code of a source file: without comments (docs name facts freely) and
/// without its inline test module (fixtures quote k6's output, which names
/// metrics). A `#[cfg(test)] mod tests;` declared near the top only skips that
/// declaration: the code after it is scanned like the rest.
fn code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let inline_tests = lines.windows(2).position(|pair| {
        pair[0] == "#[cfg(test)]" && pair[1].starts_with("mod ") && pair[1].ends_with('{')
    });
    lines[..inline_tests.unwrap_or(lines.len())]
        .iter()
        .filter(|line| !line.trim_start().starts_with("//"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// `fact: mark in file (n times)` for every mark found under `dirs`.
fn copies(dirs: &[&str]) -> Vec<String> {
    let root = workspace();
    let mut found = Vec::new();
    for dir in dirs {
        for (path, text) in sources(&root.join(dir)) {
            for fact in FACTS {
                for mark in fact.marks {
                    let n = text.matches(mark).count();
                    if n > 0 {
                        let file = path.strip_prefix(&root).unwrap_or(&path);
                        found.push(format!(
                            "{}: `{mark}` in {} ({n} times)",
                            fact.name,
                            file.display()
                        ));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn this_crate_defines_each_fact_once() {
    let src = workspace().join("k6dsl-facts/src");
    for fact in FACTS {
        let (file, item) = fact.source;
        let text = fs::read_to_string(src.join(file)).expect("a facts module");
        assert_eq!(
            text.matches(item).count(),
            1,
            "{}: `{item}` in {file}",
            fact.name
        );
        for (path, other) in sources(&src) {
            if !path.ends_with(file) {
                assert!(
                    !other.contains(item),
                    "{}: defined again in {}",
                    fact.name,
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_macros_keep_no_copy_of_a_fact() {
    let copies = copies(&["k6dsl-macros/src"]);
    assert!(
        copies.is_empty(),
        "k6dsl-macros must read these from k6dsl-facts:\n{}",
        copies.join("\n")
    );
    let manifest = fs::read_to_string(workspace().join("k6dsl-macros/Cargo.toml")).unwrap();
    assert!(
        depends_on_facts(&manifest),
        "k6dsl-macros depends on k6dsl-facts"
    );
}

#[test]
fn the_library_and_the_cli_keep_no_copy_of_a_fact() {
    let manifest = fs::read_to_string(workspace().join("k6dsl/Cargo.toml")).unwrap();
    assert!(depends_on_facts(&manifest), "k6dsl depends on k6dsl-facts");
    let found = copies(&["k6dsl/src", "k6dsl-cli/src"]);
    let unexpected: Vec<&String> = found
        .iter()
        .filter(|copy| {
            !KNOWN
                .iter()
                .any(|(file, mark, _)| copy.contains(&format!("`{mark}` in {file} (")))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "k6dsl and k6dsl-cli must read these from k6dsl-facts:\n{}",
        unexpected
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The exceptions are not vacuous: each is still there (and proves the marks
    // find copies); one that is gone leaves KNOWN.
    for (file, mark, why) in KNOWN {
        assert!(
            found
                .iter()
                .any(|copy| copy.contains(&format!("`{mark}` in {file} ("))),
            "`{mark}` is no longer in {file} ({why}): remove it from KNOWN"
        );
    }
}

/// Whether a member's manifest depends on k6dsl-facts (through the workspace's
/// dependency table or by path).
fn depends_on_facts(manifest: &str) -> bool {
    manifest.lines().any(|line| {
        line.starts_with("k6dsl-facts = {")
            && (line.contains("workspace = true") || line.contains("path = \"../k6dsl-facts\""))
    })
}
