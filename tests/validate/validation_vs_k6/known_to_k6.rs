//! What k6dsl knows that k6 must know too: every built-in metric and TLS cipher
//! suite; and what the property test of `tests/generated/k6_inspect/properties`
//! found k6 misreading or crashing on, now refused with a reason.

use super::*;

/// One generated script with a threshold on every built-in metric k6dsl knows,
/// using a statistic only that metric's kind has (and `count` besides `rate` on
/// counters).
#[test]
fn every_builtin_metric_takes_thresholds() {
    let mut model = Script::new().into_ir();
    let template = HTTP_REQ_DURATION.avg().lt(1).to_ir().clone();
    for &Builtin { name, kind, .. } in BUILTIN_METRICS {
        let stats: &[Stat] = match kind {
            MetricKind::Trend => &[Stat::Percentile(95.0)],
            MetricKind::Counter => &[Stat::Count, Stat::Rate],
            MetricKind::Rate => &[Stat::Rate],
            MetricKind::Gauge => &[Stat::Value],
        };
        for &stat in stats {
            let mut threshold = template.clone();
            threshold.metric = name.into();
            threshold.kind = kind;
            threshold.stat = stat;
            model.options.thresholds.push(threshold);
        }
    }
    let printed = both_accept(&model);
    let keys: Vec<&str> = printed["thresholds"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut names: Vec<&str> = BUILTIN_METRICS.iter().map(|m| m.name).collect();
    let mut keys = keys;
    keys.sort_unstable();
    names.sort_unstable();
    assert_eq!(keys, names);
    assert!(names.contains(&"ws_ping") && names.contains(&"grpc_req_duration"));
}

/// k6 hands back its own metric when a script declares a built-in name with the
/// same kind and value type, and rejects any other kind or value type: declaring
/// every built-in as k6dsl describes it proves the kinds and time flags match k6's.
/// (`data_sent` and `data_received` hold k6's "data" value type, which scripts
/// cannot declare; their kind is checked by the `count` threshold above.)
#[test]
fn builtin_kinds_and_time_flags_match_k6() {
    let mut declarations = String::new();
    for (i, &Builtin { name, kind, time }) in BUILTIN_METRICS.iter().enumerate() {
        if name.starts_with("data_") {
            continue;
        }
        declarations.push_str(&format!(
            "const m{i} = new {}(\"{name}\", {time});\n",
            kind.js_class()
        ));
    }
    k6_accepts(&format!(
        "import {{ Counter, Gauge, Rate, Trend }} from \"k6/metrics\";\n{declarations}\
         export const options = {{}};\nexport default function () {{}}\n"
    ));
    // The same declarations with the other time flag are all rejected.
    for &Builtin { name, kind, time } in BUILTIN_METRICS {
        if name.starts_with("data_") {
            continue;
        }
        k6_rejects(
            &format!(
                "import {{ {class} }} from \"k6/metrics\";\nconst m = new {class}(\"{name}\", {flag});\n\
                 export const options = {{}};\nexport default function () {{}}\n",
                class = kind.js_class(),
                flag = !time
            ),
            &format!("metric '{name}' already exists but with a value type"),
        );
    }
}

#[test]
fn every_tls_cipher_suite_is_one_k6_knows() {
    let model =
        options(GeneralOptions::default().tls_cipher_suites(TlsCipherSuite::ALL.iter().copied()));
    let printed = both_accept(&model);
    let names: Vec<&str> = TlsCipherSuite::ALL.iter().map(|s| s.as_k6()).collect();
    assert_eq!(printed["tlsCipherSuites"], json!(names));
    assert_eq!(names.len(), 25, "k6 v1.1.0 knows 25 cipher suites");
    // k6 does check the names.
    k6_rejects(
        r#"export const options = { tlsCipherSuites: ["TLS_NOT_A_SUITE"] };
export default function () {}"#,
        "unknown cipher suite 'TLS_NOT_A_SUITE'",
    );
}

/// What the property test of `tests/generated/k6_inspect/properties` found k6
/// misreading or crashing on, now refused with a reason.
#[test]
fn flow_names_the_generated_script_already_uses() {
    let rule =
        "the generated script already uses this name (a k6 import, a helper, or a global it reads)";
    for name in [
        "sleep",
        "Counter",
        "http",
        "JSON",
        "__ENV",
        "randomIntBetween",
        "statusIs",
    ] {
        we_reject(
            &scenarios([Scenario::new("s", SharedIterations::new()).exec(&Flow::new(name))]),
            &format!("flow `{name}`: flow name `{name}` is not allowed: {rule}"),
        );
    }
    // What such a script would be: an import and an export of one name.
    let clash = r#"import { Counter } from "k6/metrics";
const errors = new Counter("errors");
export const options = { scenarios: { s: { executor: "shared-iterations", exec: "Counter" } } };
export function Counter() {}"#;
    match tools::inspect(clash) {
        Ok(printed) => panic!("k6 accepts an import and an export of one name: {printed}"),
        Err(error) => assert!(error.output.contains("exit status"), "{error}"),
    }
}

#[test]
fn execution_segments_k6_cannot_afford() {
    let seg = |from: (u32, u32), to: (u32, u32)| ExecutionSegment {
        from: Fraction::new(from.0, from.1),
        to: Fraction::new(to.0, to.1),
    };
    let message = "option `executionSegment`: executionSegment: the segments' common denominator is above 1000000: k6 works in steps of it and runs out of memory; use fractions with a small common denominator (1/4, 1/3, 1/10)";
    we_reject(
        &options(GeneralOptions::default().execution_segment(seg((1, 10_000), (1, 9_999)))),
        message,
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([
            Fraction::new(0, 1),
            Fraction::new(1, 997),
            Fraction::new(1, 991),
            Fraction::new(1, 983),
            Fraction::new(1, 1),
        ])),
        message,
    );
    // Up to the cap k6 is quick, and reads the segment as given.
    let printed = both_accept(&options(
        GeneralOptions::default().execution_segment(seg((1, 1000), (1, 999))),
    ));
    assert_eq!(printed["executionSegment"], "1/1000:1/999");
}

#[test]
fn an_empty_cipher_suite_list_is_unset_to_k6() {
    we_reject(
        &options(GeneralOptions::default().tls_cipher_suites([])),
        "option `tlsCipherSuites`: tlsCipherSuites: an empty list is read by k6 as unset (Go's default suites): name at least one suite, or leave it unset",
    );
    let printed = k6_accepts(
        r#"export const options = { tlsCipherSuites: [] };
export default function () {}"#,
    );
    assert_eq!(
        printed["tlsCipherSuites"],
        Value::Null,
        "k6 drops the empty list"
    );
}

#[test]
fn pass_through_json_numbers_javascript_cannot_hold() {
    let mut ext = serde_json::Map::new();
    ext.insert(
        "ids".into(),
        json!({ "big": [1, 9_007_199_254_740_993u64] }),
    );
    we_reject(
        &options(GeneralOptions::default().ext(ext)),
        "option `ext`: ext: `ext.ids.big[1]` is 9007199254740993, beyond what JavaScript holds exactly (2^53 - 1): k6 would read another number; pass it as a string",
    );
    let printed = k6_accepts(
        r#"export const options = { ext: { id: 9007199254740993 } };
export default function () {}"#,
    );
    assert_eq!(
        printed["ext"]["id"],
        json!(9_007_199_254_740_992u64),
        "k6 reads another number"
    );
}
