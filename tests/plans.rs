//! Plans as data: the model goes to JSON and YAML and comes back equal, generating
//! the same JavaScript; bad plans are reported with line, column and field path; and
//! `k6dsl gen` turns the example plan into a project that k6 accepts.
//!
//! The fixtures in `tests/plans/` are generated from Rust scripts and checked here;
//! after a deliberate change to the model, rewrite them with
//! `K6DSL_UPDATE_PLANS=1 cargo test --test plans`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use k6dsl::plan::{Format, Plan, PlanError};
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, tools};

// Round trips.

/// Writes `plan` as JSON and as YAML, reads each back, and checks that the model is
/// equal and generates byte-identical JavaScript.
fn assert_round_trips(name: &str, plan: &Plan) {
    let js = plan
        .to_javascript()
        .unwrap_or_else(|e| panic!("{name}: the script is valid: {e}"));
    for format in [Format::Json, Format::Yaml] {
        let text = plan.to_text(format);
        let back = Plan::load(&text, format).unwrap_or_else(|e| {
            panic!(
                "{name} ({}) does not read back:\n{e}\n{text}",
                format.name()
            )
        });
        assert_eq!(&back, plan, "{name} ({}) changed:\n{text}", format.name());
        assert_eq!(
            back.to_javascript().unwrap(),
            js,
            "{name} ({})",
            format.name()
        );
        assert_eq!(
            back.data_files().unwrap(),
            plan.data_files().unwrap(),
            "{name}"
        );
        // And it is stable: written again, the text is the same.
        assert_eq!(back.to_text(format), text, "{name} ({})", format.name());
    }
}

#[test]
fn the_checkout_test_round_trips_for_every_profile() {
    for profile in Profile::ALL {
        let script = checkout::script(profile);
        let plan = Plan::from(&script);
        assert_round_trips(&format!("checkout {}", profile.name()), &plan);
        assert_eq!(
            plan.to_javascript().unwrap(),
            script.to_javascript().unwrap(),
            "{profile:?}: the plan generates what the builder does"
        );
    }
    let bench = checkout::bench_script(nz!(3), secs(20));
    assert_round_trips("benchmark", &Plan::from(&bench));
}

/// Every executor, every kind of threshold and every general option.
fn kitchen_sink() -> Plan {
    use k6dsl::options::{
        Dns, DnsPolicy, DnsSelect, ExecutionSegment, Fraction, HostAddress, HttpDebug, Pem,
        SummaryTimeUnit, SystemTag, TlsAuth, TlsCipherSuite, TlsVersion, TrendStat,
    };
    let flow = Flow::new("work").steps(|f| {
        f.request(Request::get("/health").name("health"));
    });
    // Scenarios without exec run the default flow.
    let executors = Script::new()
        .default_flow(&flow)
        .scenario(
            Scenario::new(
                "shared",
                SharedIterations::new()
                    .vus(nz!(4))
                    .iterations(nz!(40))
                    .max_duration(mins(1)),
            )
            .exec(&flow),
        )
        .scenario(
            Scenario::new(
                "per_vu",
                PerVuIterations::new().vus(nz!(2)).iterations(nz!(3)),
            )
            .exec(&flow)
            .start_time(millis(1500)),
        )
        .scenario(
            Scenario::new(
                "constant",
                ConstantVus::new().vus(nz!(3)).duration(secs(20)),
            )
            .graceful_stop(secs(5)),
        )
        .scenario(
            Scenario::new(
                "ramping",
                RampingVus::new()
                    .start_vus(1)
                    .stage(secs(10), 5)
                    .stage(Duration::from_micros(1_500), 0)
                    .graceful_ramp_down(secs(0)),
            )
            .env("MODE", "ramp"),
        )
        .scenario(Scenario::new(
            "car",
            ConstantArrivalRate::new()
                .rate(nz!(3))
                .time_unit(secs(2))
                .duration(secs(30))
                .pre_allocated_vus(2)
                .max_vus(6),
        ))
        .scenario(Scenario::new(
            "rar",
            RampingArrivalRate::new()
                .start_rate(1)
                .time_unit(mins(1))
                .stage(secs(15), 60)
                .stage(hours(25), 0)
                .pre_allocated_vus(3),
        ))
        .scenario(
            Scenario::new(
                "external",
                ExternallyControlled::new()
                    .vus(1)
                    .max_vus(4)
                    .duration(mins(1)),
            )
            .tag("control", "manual"),
        )
        .threshold(HTTP_REQ_DURATION.p(99.9).le(250.5))
        .threshold(
            HTTP_REQ_DURATION
                .tag("team", "it's \"quoted\" `${x` \\ \u{2028} ✓")
                .avg()
                .lt(0.1 + 0.2),
        )
        .threshold(HTTP_REQS.count().loose_eq(1e15))
        .threshold(
            CHECKS
                .rate()
                .ne(0.333_333_333_333_333_3)
                .abort_on_fail()
                .delay_abort_eval(secs(10)),
        )
        .threshold(VUS.value().ge(1))
        .threshold(ITERATION_DURATION.min().gt(0))
        .threshold(ITERATION_DURATION.max().eq(1e-7))
        .threshold(ITERATION_DURATION.med().lt(5))
        .options(
            GeneralOptions::default()
                .paused(false)
                .execution_segment(ExecutionSegment {
                    from: Fraction::new(0, 1),
                    to: Fraction::new(1, 3),
                })
                .execution_segment_sequence([
                    Fraction::new(0, 1),
                    Fraction::new(1, 3),
                    Fraction::new(1, 1),
                ])
                .no_setup(false)
                .no_teardown(true)
                .setup_timeout(secs(30))
                .teardown_timeout(millis(2500))
                .rps(100)
                .dns(
                    Dns::default()
                        .ttl_for(mins(5))
                        .select(DnsSelect::RoundRobin)
                        .policy(DnsPolicy::PreferIpv6),
                )
                .max_redirects(3)
                .user_agent("k6dsl \"agent\"")
                .batch(10)
                .batch_per_host(4)
                .http_debug(HttpDebug::Full)
                .insecure_skip_tls_verify(true)
                .tls_cipher_suites([TlsCipherSuite::TLS_AES_128_GCM_SHA256])
                .tls_versions(TlsVersion::Tls1_2, TlsVersion::Tls1_3)
                .tls_auth(TlsAuth {
                    domains: vec!["example.com".into()],
                    // A file that exists: k6dsl copies it when it generates.
                    cert: Pem::File("tests/fixtures/test-client-cert.pem".into()),
                    key: Pem::Inline(include_str!("fixtures/test-client-key.pem").into()),
                    password_env: Some("KEY_PASSWORD".into()),
                })
                .throw(false)
                .blacklist_ip("10.0.0.0/8".parse().unwrap())
                .block_hostname("*.internal")
                .host(
                    "shop.local",
                    HostAddress::with_port("127.0.0.1".parse().unwrap(), 3300),
                )
                .host("v6.local", HostAddress::ip("::1".parse().unwrap()))
                .no_connection_reuse(false)
                .no_vu_connection_reuse(true)
                .min_iteration_duration(secs(1))
                .ext(
                    serde_json::json!({ "loadimpact": { "name": "x", "n": 1.5 } })
                        .as_object()
                        .unwrap()
                        .clone(),
                )
                .summary_trend_stats([
                    TrendStat::Avg,
                    TrendStat::Min,
                    TrendStat::Med,
                    TrendStat::Max,
                    TrendStat::Count,
                    TrendStat::Percentile(99.99),
                ])
                .summary_time_unit(SummaryTimeUnit::Milliseconds)
                .system_tags(SystemTag::ALL.iter().copied())
                .tag("team", "checkout")
                .metric_samples_buffer_size(1000)
                .no_cookies_reset(true)
                .discard_response_bodies(true),
        );
    Plan::from(&executors)
}

/// The top-level shortcuts, and no load at all.
fn shortcuts() -> Vec<Plan> {
    vec![
        Plan::from(&Script::new().shortcut(Shortcut::duration(nz!(10), secs(30)))),
        Plan::from(&Script::new().shortcut(Shortcut::iterations_within(nz!(5), nz!(50), mins(2)))),
        Plan::from(&Script::new().shortcut(Shortcut::stages(
            0,
            [(secs(30), 20), (mins(1), 20), (secs(30), 0)],
        ))),
        Plan::from(&Script::new()),
    ]
}

#[test]
fn every_executor_shortcut_and_option_round_trips() {
    let plan = kitchen_sink();
    assert_round_trips("every executor and option", &plan);
    // The plan holds what the test claims to cover.
    let json = plan.to_json();
    for needle in [
        "\"type\": \"externally-controlled\"",
        "\"stages\": [",
        "\"duration\": \"1.5ms\"",
        "\"duration\": \"25h\"",
        "\"start_time\": \"1.5s\"",
        "\"percentile\": 99.9",
    ] {
        assert!(json.contains(needle), "{needle} missing:\n{json}");
    }

    for plan in shortcuts() {
        assert_round_trips("shortcut", &plan);
    }
}

use std::time::Duration;

#[derive(serde::Serialize)]
struct Item {
    id: u32,
    quantity: u32,
    label: &'static str,
}

/// The scripts of `tests/vu_code.rs`, which k6 runs against the demo shop: every
/// kind of step, value, check and body.
fn vu_code_scripts() -> Vec<(&'static str, Plan)> {
    let mut out = Vec::new();
    let once = |flow: &Flow| {
        Script::new()
            .shortcut(Shortcut::iterations(nz!(1), nz!(2)))
            .default_flow(flow)
            .threshold(CHECKS.rate().eq(1))
    };

    let methods = Flow::new("methods").steps(|f| {
        f.request(Request::get("/echo/get").name("get").check(Check::status(200)));
        f.request(
            Request::post("/echo/json")
                .name("json")
                .json(&serde_json::json!({ "b": [1, 2.5, null, -3, 1e300, true], "a": "x", "n": { "deep": [{}] } }))
                .check(Check::json_equals("method", "POST")),
        );
        f.request(
            Request::put("/echo/form")
                .name("form")
                .form([("user", "a b"), ("pass", "ü&=")])
                .check(Check::status(200)),
        );
        f.request(
            Request::patch("/echo/text")
                .name("text")
                .text_body("plain text", "text/plain")
                .check(Check::status(200)),
        );
        f.request(Request::delete("/echo/del").name("del"));
        f.request(Request::head("/echo/head").name("head"));
        f.request(Request::options("/echo/options").name("options"));
        f.request(Request::method("PURGE", "/echo/purge").name("purge"));
        f.batch([
            Request::get("/products/1").name("batch_one").check(Check::status(200)),
            Request::get("/products/2").name("batch_two"),
        ]);
    });
    out.push(("methods", Plan::from(&once(&methods))));

    let params = Flow::new("params").steps(|f| {
        f.request(
            Request::get("/echo/headers")
                .name("headers")
                .header("X-Custom", "one")
                .cookie("session", "abc")
                .tag("critical", "true")
                .timeout(secs(5))
                .check(Check::status(200)),
        );
        f.request(
            Request::get(text!["/basic-auth/alice/", Value::secret("BASIC_PASSWORD")])
                .name("basic")
                .basic_auth("alice", Value::secret("BASIC_PASSWORD")),
        );
        f.request(
            Request::get("/digest")
                .name("digest")
                .digest_auth("alice", Value::secret("P")),
        );
        f.request(
            Request::get("/ntlm")
                .name("ntlm")
                .ntlm_auth("bob", Value::secret("P")),
        );
        f.request(Request::get("/redirect/3").name("follow").redirects(5));
        f.request(
            Request::get("/products")
                .name("discarded")
                .response_type(ResponseType::None),
        );
        f.request(
            Request::post("/echo/gzip")
                .name("gzip")
                .json(&serde_json::json!({ "big": "x".repeat(100) }))
                .compression(Compression::Gzip),
        );
    });
    out.push((
        "params",
        Plan::from(&once(&params).threshold(HTTP_REQS.tag("critical", "true").count().eq(1))),
    ));

    let ok_rate = Rate::new("lookup_ok");
    let failures = Counter::new("lookup_failures");
    let timing = Trend::time("lookup_time");
    let level = Gauge::new("level");
    let checks = Flow::new("checks").steps(|f| {
        let r = f.request(
            Request::get("/products/1")
                .name("product")
                .check(Check::status(200))
                .check(Check::status_in([200, 204]))
                .check(Check::header_present("content-type"))
                .check(Check::header_contains("Content-Type", "json"))
                .check(Check::body_contains("\"id\":1"))
                .check(Check::body_matches("\"price\":\\s*[0-9.]+"))
                .check(Check::json_exists("name"))
                .check(Check::json_equals("id", 1))
                .check(Check::json_equals("price", 9.99))
                .check(Check::json_equals("sale", false))
                .check(Check::duration_below(secs(2)))
                .check(Check::raw_js("raw body length", "r.body.length > 10"))
                .check(Check::status(200).named("again 200"))
                .record_checks(&ok_rate)
                .count_failures(&failures)
                .log_failures()
                .record_duration(&timing),
        );
        f.add(&level, r.json("stock").as_number());
    });
    out.push((
        "checks and outcomes",
        Plan::from(
            &once(&checks)
                .threshold(ok_rate.rate().eq(0.5))
                .threshold(failures.count().eq(3))
                .threshold(timing.max().lt(5000)),
        ),
    ));

    let groups = Flow::new("shopping")
        .steps(|f| {
            f.group("E2E Purchase", |g| {
                g.group("Browse", |b| {
                    b.request(Request::get("/products").name("products"));
                });
            });
            f.think(ThinkTime::between(millis(100), millis(200)));
            f.sleep(millis(100));
            f.think(ThinkTime::fixed(secs(1)));
        })
        .pacing(millis(700));
    out.push((
        "groups, think time, pacing",
        Plan::from(
            &once(&groups).threshold(
                GROUP_DURATION
                    .for_group(["E2E Purchase", "Browse"])
                    .max()
                    .lt(5000),
            ),
        ),
    ));

    let correlate = Flow::new("correlate").steps(|f| {
        let login = f.request(Request::post("/auth/login").name("login").json_object([
            ("username", Value::text("user7")),
            ("password", Value::secret("SHOP_PASSWORD")),
        ]));
        let token = login.json("token");
        let user_id = login.json("user.id").named("userId");
        let me = f.request(Request::get("/users/me").name("me").bearer(&token));
        let name = me.json("name");
        let content_type = me.header("content-type");
        let between = me.between("\"username\":\"", "\"");
        let digits = me.regex("\"id\":(\\d+)", 1);
        f.request(
            Request::post(text!["/echo/", user_id, "/", digits])
                .name("echo")
                .header("X-Name", &name)
                .header("X-Type", &content_type)
                .header(
                    "X-Where",
                    text![
                        Value::scenario_name(),
                        "-",
                        Value::vu(),
                        "-",
                        Value::iteration()
                    ],
                )
                .json_object([("between", between), ("token", token.clone())]),
        );
    });
    out.push(("correlation", Plan::from(&once(&correlate))));

    let setup = Setup::new(|s| {
        let login = s.request(
            Request::post("/auth/login")
                .name("setup_login")
                .json_object([
                    ("username", Value::env("SHOP_USER", "user1")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ]),
        );
        s.share("token", login.json("token"));
    });
    let shared = setup.get("token");
    let shopper = Flow::new("shopper").steps(|f| {
        let own = f.once_per_vu(|once| {
            let login = once.request(
                Request::post("/auth/login")
                    .name("vu_login")
                    .json_object([("username", text!["user", Value::vu()])]),
            );
            login.json("token")
        });
        f.request(Request::get("/users/me").name("me_shared").bearer(&shared));
        f.request(Request::get("/cart").name("cart_own").bearer(&own));
    });
    let teardown = Teardown::new(|t| {
        t.request(Request::delete("/cart").name("cleanup").bearer(&shared));
    });
    out.push((
        "lifecycle",
        Plan::from(
            &Script::new()
                .scenario(
                    Scenario::new(
                        "shoppers",
                        PerVuIterations::new().vus(nz!(3)).iterations(nz!(4)),
                    )
                    .exec(&shopper),
                )
                .setup(setup)
                .teardown(teardown)
                .summary_json("results/summary.json")
                .base_url("SHOP_URL", "https://shop.example.com/api"),
        ),
    ));

    out.push(("data rows", rows_plan()));
    out
}

/// A test that reads data rows (JSON and CSV, written beside the script) four ways.
fn rows_plan() -> Plan {
    let items = DataSet::json_rows(
        "items",
        &[
            Item {
                id: 1,
                quantity: 1,
                label: "one",
            },
            Item {
                id: 2,
                quantity: 2,
                label: "two, \"2\"",
            },
        ],
    );
    let codes = DataSet::csv_rows(
        "codes",
        ["code", "label"],
        [["a,1", "quoted \"x\""], ["b", "plain"]],
    );
    // Files the test provides, read from the current directory (the repository's
    // root under cargo test) and copied beside the script.
    let users = DataSet::csv_file("users", "tests/plans/data/users.csv");
    let products = DataSet::json_file("products", "tests/plans/data/products.json");
    let flow = Flow::new("rows").steps(|f| {
        let item = f.row(&items, RowSelection::PerIteration);
        f.request(Request::get(text!["/echo/item/", item.field("id")]).name("item"));
        let unique = f.row(&items, RowSelection::Unique);
        f.request(Request::get(text!["/echo/unique/", unique.field("id")]).name("unique"));
        let random = f.row(&codes, RowSelection::Random);
        f.request(Request::get(text!["/echo/random/", random.field("code")]).name("random"));
        let per_vu = f.row(&codes, RowSelection::PerVu);
        f.request(Request::post("/echo/code").name("code").json_object([
            ("code", per_vu.field("code")),
            ("label", per_vu.field("label")),
        ]));
    });
    let script = Script::new()
        .scenario(
            Scenario::new(
                "rows",
                SharedIterations::new().vus(nz!(2)).iterations(nz!(8)),
            )
            .exec(&flow),
        )
        .data(&users)
        .data(&products)
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01));
    Plan::from(&script)
}

#[test]
fn the_vu_code_scripts_round_trip() {
    for (name, plan) in vu_code_scripts() {
        assert_round_trips(name, &plan);
    }
}

/// Model parts as ir values, so that the property test can reach every number.
fn bound_and_duration_plan(bound: f64, percentile: f64, duration: Duration) -> Plan {
    use k6dsl::model;
    let mut script = model::Script::default();
    script.options.execution =
        model::Execution::Shortcut(model::Shortcut::Duration { vus: 1, duration });
    script.options.thresholds.push(model::Threshold {
        metric: "http_req_duration".into(),
        kind: model::MetricKind::Trend,
        selector: Default::default(),
        stat: model::Stat::Percentile(percentile),
        op: model::Comparison::Lt,
        bound,
        abort_on_fail: true,
        delay_abort_eval: Some(duration),
    });
    Plan::from(script)
}

proptest::proptest! {
    /// Every finite number and every duration comes back exactly, in both formats
    /// (serde_json needs its `float_roundtrip` feature for that).
    #[test]
    fn numbers_and_durations_come_back_exactly(
        bound in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        percentile in 0.0..=100.0f64,
        secs in 0u64..=9_223_372_036,
        nanos in 0u32..1_000_000_000,
    ) {
        let plan = bound_and_duration_plan(bound, percentile, Duration::new(secs, nanos));
        for format in [Format::Json, Format::Yaml] {
            let back = Plan::parse(&plan.to_text(format), format).unwrap();
            proptest::prop_assert_eq!(&back, &plan);
        }
    }
}

// Fixtures and the schema document.

fn fixture_path(name: &str) -> PathBuf {
    tools::repo_root().join("tests/plans").join(name)
}

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
         `K6DSL_UPDATE_PLANS=1 cargo test --test plans` and review the diff"
    );
}

/// Whether to rewrite the fixtures (and the schema document's copy of the example)
/// rather than check them.
fn updating() -> bool {
    std::env::var_os("K6DSL_UPDATE_PLANS").is_some_and(|v| v == "1")
}

/// The marker before the schema document's copy of `tests/plans/checkout.json`.
const EXAMPLE_MARKER: &str = "<!-- example: tests/plans/checkout.json -->";

/// The example plan: the checkout test of the README, load profile.
fn checkout_plan() -> Plan {
    Plan::from(&checkout::script(Profile::Load))
}

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

/// Plans of every kind (every executor, shortcut, threshold, option, step, value,
/// check and body) as files, for what checks plans without k6dsl's reader:
/// k6dsl-cli's `tests/plan_schema.rs` checks each against `docs/plan.schema.json`.
fn every_kind() -> Vec<(String, Plan)> {
    let mut out = vec![("every-option.json".to_owned(), kitchen_sink())];
    let shortcuts_named = [
        "shortcut-duration",
        "shortcut-iterations",
        "shortcut-stages",
        "no-load",
    ];
    assert_eq!(shortcuts().len(), shortcuts_named.len());
    for (name, plan) in shortcuts_named.into_iter().zip(shortcuts()) {
        out.push((format!("{name}.json"), plan));
    }
    for (name, plan) in vu_code_scripts() {
        // Already a fixture: rows.yaml.
        if name != "data rows" {
            let words: Vec<&str> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            out.push((format!("vu-code-{}.json", words.join("-")), plan));
        }
    }
    out
}

#[test]
fn plans_of_every_kind_are_fixtures() {
    let dir = fixture_path("every-kind");
    if updating() {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let plans = every_kind();
    for (name, plan) in &plans {
        assert_fixture(&format!("every-kind/{name}"), &plan.to_json());
    }
    // No file is left over from a plan that is gone.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            plans.iter().any(|(name, _)| *name == file),
            "tests/plans/every-kind/{file} is no plan of every_kind(): remove it"
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
         rewrite both with `K6DSL_UPDATE_PLANS=1 cargo test --test plans`"
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

// Bad plans.

/// The plan's error, as `k6dsl gen` prints it for a file called `plan.json`.
fn error_of(text: &str, format: Format) -> String {
    let error: PlanError = Plan::load(text, format).expect_err("the plan is rejected");
    error.in_file("plan.json").to_string()
}

const WRONG_TYPE_IN_EXECUTOR: &str = r#"{
  "options": {
    "execution": {
      "scenarios": [
        {
          "name": "browse",
          "executor": {
            "type": "ramping-vus",
            "start_vus": 0,
            "stages": [
              { "duration": "30s", "target": 10 },
              { "duration": "30s", "target": "ten" }
            ]
          }
        }
      ]
    }
  }
}
"#;

const WRONG_TYPE_IN_EXECUTOR_YAML: &str = "\
options:
  execution:
    scenarios:
      - name: browse
        executor:
          type: ramping-vus
          start_vus: 0
          stages:
            - duration: 30s
              target: 10
            - duration: 30s
              target: ten
";

#[test]
fn a_wrong_type_inside_an_executor_is_located() {
    assert_eq!(
        error_of(WRONG_TYPE_IN_EXECUTOR, Format::Json),
        "plan.json:12:46: options.execution.scenarios[0].executor.stages[1].target: \
         invalid type: string \"ten\", expected a whole number, 0 or more, e.g. 10"
    );
    assert_eq!(
        error_of(WRONG_TYPE_IN_EXECUTOR_YAML, Format::Yaml),
        "plan.json:12:23: options.execution.scenarios[0].executor.stages[1].target: \
         invalid type: string \"ten\", expected a whole number, 0 or more, e.g. 10"
    );
}

/// A one-scenario plan with `executor` as its executor, in JSON and in YAML.
fn with_executor(executor: serde_json::Value) -> [(String, Format); 2] {
    let plan = serde_json::json!({"options": {"execution": {"scenarios": [
        {"name": "s", "executor": executor}
    ]}}});
    [
        (serde_json::to_string_pretty(&plan).unwrap(), Format::Json),
        (serde_norway_free_yaml(&plan), Format::Yaml),
    ]
}

/// `value` as YAML through k6dsl's own writer (a plan's `to_yaml` would need a
/// valid plan).
fn serde_norway_free_yaml(value: &serde_json::Value) -> String {
    fn write(value: &serde_json::Value, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match value {
                        serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                            out.push_str(&format!("{pad}{key}:\n"));
                            write(value, indent + 2, out);
                        }
                        scalar => out.push_str(&format!("{pad}{key}: {scalar}\n")),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    out.push_str(&format!("{pad}-\n"));
                    write(item, indent + 2, out);
                }
            }
            scalar => out.push_str(&format!("{pad}{scalar}\n")),
        }
    }
    let mut out = String::new();
    write(value, 0, &mut out);
    out
}

#[test]
fn a_wrong_type_says_what_was_expected_in_words() {
    let cases = [
        (
            serde_json::json!({"type": 5}),
            "executor.type: invalid type: integer `5`, expected a string: the executor type, \
             e.g. \"constant-vus\" (one of `shared-iterations`, `per-vu-iterations`, \
             `constant-vus`, `ramping-vus`, `constant-arrival-rate`, `ramping-arrival-rate`, \
             `externally-controlled`)",
        ),
        (
            serde_json::json!({"type": "constant-vus", "vus": "ten", "duration": "1m"}),
            "executor.vus: invalid type: string \"ten\", \
             expected a whole number from 0 to 4294967295, e.g. 10",
        ),
        (
            serde_json::json!({"type": "constant-vus", "vus": 1, "duration": true}),
            "executor.duration: invalid ",
        ),
    ];
    for (executor, want) in cases {
        for (text, format) in with_executor(executor.clone()) {
            let error = error_of(&text, format);
            assert!(
                error.contains(&format!("options.execution.scenarios[0].{want}")),
                "{}: {error}\n{text}",
                format.name()
            );
            assert!(!error.contains("expected value"), "{error}");
        }
    }
    // A duration of the wrong type: JSON says what a duration looks like, YAML
    // (where every scalar can be text) says why `true` is none.
    let [(json, _), (yaml, _)] =
        with_executor(serde_json::json!({"type": "constant-vus", "vus": 1, "duration": true}));
    assert!(
        error_of(&json, Format::Json).ends_with(
            "executor.duration: invalid type: boolean `true`, \
             expected a string: a duration, e.g. \"30s\", \"1m30s\" or \"500ms\""
        ),
        "{}",
        error_of(&json, Format::Json)
    );
    assert!(
        error_of(&yaml, Format::Yaml).contains("(write it like `1m30s`, `500ms` or `2h`)"),
        "{}",
        error_of(&yaml, Format::Yaml)
    );
    // Enums: the spellings they take; the HTTP method in words.
    let text = r#"{"flows": [{"name": "a", "body": [7, {"request": {"method": 5}}]}]}"#;
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:1:35: flows[0].body[0]: invalid type: integer `7`, expected one of \
         `request`, `batch`, `group`, `sleep`, `add_to_metric`, `pick_row`, `once_per_vu`"
    );
    let text = r#"{"flows": [{"name": "a", "body": [{"request": {"method": 5}}]}]}"#;
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:1:58: flows[0].body[0].request.method: invalid type: integer `5`, \
         expected a string: an HTTP method, e.g. \"GET\" or \"POST\""
    );
    // Malformed text: what may come here.
    assert_eq!(
        error_of("{\"flows\": [}", Format::Json),
        "plan.json:1:12: flows[0]: expected a value here \
         (an object, a list, a string, a number, true, false or null)"
    );
}

#[test]
fn user_text_in_a_reading_error_is_cut_to_an_excerpt() {
    let long = "k".repeat(1_000_000);
    let text = serde_json::json!({"options": {"execution": {"scenarios": [
        {"name": "s", "executor": {"type": long.as_str(), "vus": 1}}
    ]}}})
    .to_string();
    let error = error_of(&text, Format::Json);
    assert!(error.len() < 1_000, "{error}");
    assert!(
        error.contains(&format!(
            "unknown variant `{}…` (1000000 characters)",
            "k".repeat(100)
        )),
        "{error}"
    );
    let text = serde_json::json!({"options": {"execution": {"scenarios": [
        {"name": "s", "executor": {"type": "constant-vus", "vus": long.as_str()}}
    ]}}})
    .to_string();
    let error = error_of(&text, Format::Json);
    assert!(error.len() < 1_000, "{error}");
    assert!(
        error.contains(&format!(
            "invalid type: string \"{}…\" (1000000 characters), expected a whole number",
            "k".repeat(100)
        )),
        "{error}"
    );
    // An unknown key: in the path and in the message.
    let text = serde_json::json!({"base_url": {long.as_str(): 1}}).to_string();
    let error = error_of(&text, Format::Json);
    assert!(error.len() < 1_000, "{error}");
}

const UNKNOWN_FIELD: &str = r#"{
  "flows": [
    {
      "name": "shop",
      "body": [
        {
          "group": {
            "name": "Cart",
            "body": [
              {
                "request": {
                  "method": "POST",
                  "url": [{ "str": "/cart" }],
                  "name": "add",
                  "header": [["X-A", { "str": "1" }]]
                }
              }
            ]
          }
        }
      ]
    }
  ]
}
"#;

#[test]
fn an_unknown_field_is_located_and_the_known_ones_listed() {
    let error = error_of(UNKNOWN_FIELD, Format::Json);
    assert!(
        error.starts_with(
            "plan.json:15:29: flows[0].body[0].group.body[0].request.header: \
             unknown field `header`, expected one of `method`, `url`, `name`, `headers`,"
        ),
        "{error}"
    );
}

#[test]
fn malformed_text_is_located() {
    let text = "{\n  \"options\": {\n    \"thresholds\": [],\n  },\n}\n";
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:4:3: options: trailing comma"
    );
    let text = "{\n  \"flows\": [\n";
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:3:1: flows: EOF while parsing a list"
    );
    let text = "options: {execution: default\n";
    assert_eq!(
        error_of(text, Format::Yaml),
        "plan.json:2:1: options: did not find expected ',' or '}', \
         while parsing a flow mapping at line 1 column 10"
    );
    let text = "options:\n  execution: default\n\tthresholds: []\n";
    assert_eq!(
        error_of(text, Format::Yaml),
        "plan.json:3:1: options.execution: found a tab character that violates indentation, \
         while scanning a plain scalar at line 2 column 14"
    );
}

#[test]
fn a_bad_duration_or_spelling_is_located() {
    let text = "options:\n  execution:\n    shortcut:\n      duration:\n        vus: 5\n        duration: 5 minutes\n";
    assert_eq!(
        error_of(text, Format::Yaml),
        "plan.json:6:19: options.execution.shortcut.duration.duration: invalid duration \
         `5 minutes`: unknown unit (use ns, us, ms, s, m, h, or a leading d) \
         (write it like `1m30s`, `500ms` or `2h`)"
    );
    let text = r#"{"options": {"thresholds": [{"metric": "checks", "kind": "rate", "stat": "rate", "op": "<", "bound": 0.9}]}}"#;
    assert_eq!(
        error_of(text, Format::Json),
        "plan.json:1:88: options.thresholds[0].op: unknown variant `<`, \
         expected one of `lt`, `le`, `gt`, `ge`, `eq`, `loose_eq`, `ne`"
    );
}

const INVALID: &str = r#"{
  "options": {
    "execution": {
      "scenarios": [
        {
          "name": "purchase",
          "executor": {
            "type": "constant-arrival-rate",
            "rate": 10,
            "duration": "1m",
            "pre_allocated_vus": 20,
            "max_vus": 10
          },
          "exec": "purchase"
        },
        {
          "name": "browse",
          "executor": { "type": "constant-vus", "vus": 0, "duration": "30s" },
          "exec": "brows"
        }
      ]
    },
    "thresholds": [
      { "metric": "checks", "kind": "rate", "stat": "avg", "op": "gt", "bound": 0.9 }
    ]
  },
  "flows": [
    { "name": "purchase" },
    {
      "name": "browse",
      "body": [
        { "group": { "name": "a::b", "body": [] } },
        { "request": { "method": "GET", "url": [{ "str": "/" }], "name": "home",
                       "params": { "timeout": "0s" } } }
      ]
    }
  ]
}
"#;

#[test]
fn a_plan_that_fails_validation_reports_every_problem_at_its_place() {
    let error = error_of(INVALID, Format::Json);
    let lines: Vec<&str> = error.lines().collect();
    // In file order, whatever order validation found them in.
    let expected = [
        "plan.json:12:24: options.execution.scenarios[0].executor.max_vus: scenario `purchase`: maxVUs (10) is less than preAllocatedVUs (20)",
        "plan.json:18:56: options.execution.scenarios[1].executor.vus: scenario `browse`: vus must be greater than 0",
        "plan.json:19:19: options.execution.scenarios[1].exec: scenario `browse`: exec `brows` names no flow of this script",
        "plan.json:24:53: options.thresholds[0].stat: threshold `checks`: `avg` does not apply to a Rate metric",
        "plan.json:32:30: flows[1].body[0].group.name: flow `browse`, group `a::b`: group name `a::b`",
        "plan.json:34:47: flows[1].body[1].request.params.timeout: flow `browse`, request `home`: timeout: must be greater than 0",
    ];
    assert_eq!(lines.len(), expected.len(), "{error}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(want),
            "{line}\ndoes not start with\n{want}"
        );
    }

    // The typed error keeps validation's own errors too.
    match Plan::load(INVALID, Format::Json) {
        Err(PlanError::Invalid {
            errors,
            diagnostics,
        }) => {
            assert_eq!(errors.len(), diagnostics.len());
            assert!(errors.iter().any(|e| e.to_string().contains("maxVUs (10)")));
            // Each error beside its diagnostic.
            for (error, diagnostic) in errors.iter().zip(&diagnostics) {
                assert_eq!(error.to_string(), diagnostic.message);
            }
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn validation_problems_are_located_in_yaml_too() {
    let yaml = Plan::from_json(INVALID).unwrap().to_yaml();
    let error = error_of(&yaml, Format::Yaml);
    let max_vus_line = yaml
        .lines()
        .position(|l| l.trim_start().starts_with("max_vus:"))
        .unwrap()
        + 1;
    assert!(
        error.contains(&format!(
            "plan.json:{max_vus_line}:18: options.execution.scenarios[0].executor.max_vus: scenario `purchase`: maxVUs (10)"
        )),
        "{error}\n{yaml}"
    );
}

// The command line.

fn k6dsl(args: &[&std::ffi::OsStr], dir: &Path) -> Output {
    Command::new(tools::k6dsl_binary())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("k6dsl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn k6dsl_gen_writes_a_project_that_k6_accepts() {
    let scratch = tempfile::tempdir().unwrap();
    let out_dir = scratch.path().join("checkout");
    let plan = fixture_path("checkout.json");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        scratch.path(),
    );
    assert!(
        output.status.success(),
        "k6dsl gen failed:\n{}",
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(&format!("created {}", out_dir.join("main.js").display())),
        "{stdout}"
    );

    let js = std::fs::read_to_string(out_dir.join("main.js")).unwrap();
    // Byte for byte what `cargo run --example checkout` prints.
    assert_eq!(js, checkout::script(Profile::Load).to_javascript().unwrap());
    assert_eq!(
        std::fs::read_to_string(out_dir.join("results/.gitkeep")).unwrap(),
        ""
    );
    let options = tools::inspect(&js).unwrap_or_else(|e| panic!("k6 rejects main.js: {e}"));
    let scenarios = options["scenarios"]
        .as_object()
        .expect("k6 reports the scenarios");
    assert_eq!(scenarios.keys().collect::<Vec<_>>(), ["browse", "purchase"]);
    assert_eq!(options["maxVUs"], 70, "{options}");

    // `check` reads the same plan and writes nothing.
    let output = k6dsl(&["check".as_ref(), plan.as_os_str()], scratch.path());
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn k6dsl_gen_writes_data_files_beside_the_script() {
    let scratch = tempfile::tempdir().unwrap();
    let out_dir = scratch.path().join("rows");
    let plan = fixture_path("rows.yaml");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        // The plan's file paths are relative to the repository's root.
        tools::repo_root(),
    );
    assert!(
        output.status.success(),
        "k6dsl gen failed:\n{}",
        text(&output.stderr)
    );
    for k6dsl::File { path, contents } in rows_plan().data_files().unwrap() {
        assert_eq!(
            std::fs::read_to_string(out_dir.join(&path)).unwrap(),
            contents,
            "{path}"
        );
    }
    // The files the plan names by path are copied too.
    assert_eq!(
        std::fs::read_to_string(out_dir.join("data/users.csv")).unwrap(),
        std::fs::read_to_string(tools::repo_root().join("tests/plans/data/users.csv")).unwrap()
    );
    // k6 opens every data file in init code: inspect the project where it lies.
    inspect_in(&out_dir, "main.js");
}

/// `k6 inspect --execution-requirements` on a script of a generated project, in
/// place (it opens the project's other files), with a clean environment.
fn inspect_in(dir: &Path, script: &str) -> serde_json::Value {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(tools::k6_binary())
        .args(["inspect", "--execution-requirements", script])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("K6_NO_USAGE_REPORT", "true")
        .output()
        .expect("k6 runs");
    assert!(
        output.status.success(),
        "k6 rejects {script}:\n{}{}",
        text(&output.stderr),
        text(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).expect("k6 prints the options as JSON")
}

#[test]
fn k6dsl_gen_tree_writes_the_project_tree() {
    let scratch = tempfile::tempdir().unwrap();
    let out_dir = scratch.path().join("tree");
    let plan = fixture_path("checkout.json");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan.as_os_str(),
            "--tree".as_ref(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        scratch.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let expected = checkout::script(Profile::Load).to_project().unwrap();
    for k6dsl::File { path, contents } in &expected {
        assert_eq!(
            &std::fs::read_to_string(out_dir.join(path)).unwrap(),
            contents,
            "{path}"
        );
    }
    let options = inspect_in(&out_dir, "scripts/main.js");
    assert_eq!(options["maxVUs"], 70, "{options}");
}

#[test]
fn k6dsl_gen_reports_bad_plans_and_writes_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "executor.json",
            WRONG_TYPE_IN_EXECUTOR,
            &["executor.json:12:46: options.execution.scenarios[0].executor.stages[1].target: invalid type: string \"ten\", expected a whole number, 0 or more, e.g. 10"],
        ),
        (
            "executor.yaml",
            WRONG_TYPE_IN_EXECUTOR_YAML,
            &["executor.yaml:12:23: options.execution.scenarios[0].executor.stages[1].target: invalid type"],
        ),
        (
            "unknown.json",
            UNKNOWN_FIELD,
            &["unknown.json:15:29: flows[0].body[0].group.body[0].request.header: unknown field `header`"],
        ),
        (
            "malformed.json",
            "{\n  \"flows\": [}\n",
            &["malformed.json:2:13: flows[0]: expected a value here (an object, a list, a string, a number, true, false or null)"],
        ),
        (
            "invalid.json",
            INVALID,
            &[
                "invalid.json:12:24: options.execution.scenarios[0].executor.max_vus: scenario `purchase`: maxVUs (10) is less than preAllocatedVUs (20)",
                "invalid.json:18:56: options.execution.scenarios[1].executor.vus: scenario `browse`: vus must be greater than 0",
            ],
        ),
    ];
    for (file, plan, expected) in cases {
        std::fs::write(scratch.path().join(file), plan).unwrap();
        let out_dir = scratch.path().join(format!("out-{file}"));
        let output = k6dsl(
            &[
                "gen".as_ref(),
                file.as_ref(),
                "-o".as_ref(),
                out_dir.as_os_str(),
            ],
            scratch.path(),
        );
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{file}: {stderr}");
        assert!(output.stdout.is_empty(), "{file}");
        for line in expected {
            assert!(
                stderr.lines().any(|l| l.starts_with(line)),
                "{file}: no line starts with\n  {line}\nin\n{stderr}"
            );
        }
        assert!(
            stderr.ends_with("nothing was written\n"),
            "{file}: {stderr}"
        );
        assert!(
            !out_dir.exists(),
            "{file}: {} was created",
            out_dir.display()
        );
    }
    // A usage mistake is status 2.
    let output = k6dsl(&["gen".as_ref(), "plan.json".as_ref()], scratch.path());
    assert_eq!(output.status.code(), Some(2));
}

const CODE_PROBLEMS: &str = r#"{
  "options": { "execution": { "shortcut": { "iterations": { "vus": 1, "iterations": 1 } } } },
  "default_flow": {
    "name": "main",
    "body": [
      {
        "once_per_vu": {
          "body": [
            {
              "request": {
                "method": "GET",
                "url": [{ "str": "/a" }],
                "name": "a",
                "checks": [{ "name": "x::y", "predicate": { "status": 200 } }]
              }
            }
          ]
        }
      },
      {
        "batch": [
          { "method": "GET", "url": [{ "str": "/b" }], "name": "b" },
          { "method": "GET", "url": [{ "setup_data": "nope" }], "name": "c", "headers": [["bad header", { "str": "1" }]] }
        ]
      },
      { "sleep": { "between": ["3s", "1s"] } }
    ]
  },
  "lifecycle": {
    "setup": {
      "body": [],
      "returns": [["k", { "str": "1" }], ["k", { "str": "2" }]]
    }
  }
}
"#;

#[test]
fn problems_in_vu_code_are_located_at_their_step() {
    let error = error_of(CODE_PROBLEMS, Format::Json);
    let expected = [
        "plan.json:14:38: default_flow.body[0].once_per_vu.body[0].request.checks[0].name: \
         flow `main`, once per VU, request `a`, check `x::y`: check name `x::y` is not allowed",
        "plan.json:23:11: default_flow.body[1].batch[1]: flow `main`, batch request `c`: \
         value: reads setup data `nope`, which setup does not share (it shares: k)",
        "plan.json:23:89: default_flow.body[1].batch[1].headers: flow `main`, batch request `c`: \
         header: `bad header` is not a valid header name",
        "plan.json:26:18: default_flow.body[2].sleep: flow `main`, think time: think time: \
         the minimum (3s) is above the maximum (1s)",
        "plan.json:32:42: lifecycle.setup.returns[1]: setup(), returned key `k`: \
         setup data key `k` is used more than once",
    ];
    let lines: Vec<&str> = error.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{error}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(want),
            "{line}\ndoes not start with\n{want}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Whatever damage a plan takes (cut short, a byte replaced), reading it never
    /// panics, and a rejection always says where.
    #[test]
    fn damaged_plans_are_rejected_with_a_place(
        cut in 0usize..20_000,
        at in 0usize..20_000,
        byte in proptest::sample::select(b"{}[],:\"0a -\n\\".to_vec()),
        yaml in proptest::bool::ANY,
    ) {
        let (format, text) = if yaml {
            (Format::Yaml, checkout_plan().to_yaml())
        } else {
            (Format::Json, checkout_plan().to_json())
        };
        let mut bytes = text.into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut % (bytes.len() + 1));
        let text = String::from_utf8_lossy(&bytes);
        if let Err(error) = Plan::load(&text, format) {
            for diagnostic in error.diagnostics() {
                proptest::prop_assert!(diagnostic.location.is_some(), "{error}");
                proptest::prop_assert!(!diagnostic.message.is_empty());
            }
        }
    }
}

/// The injection a plan could write before template literals were escaped whole:
/// `"/products$"` then `"{console.log('x')}"` made `${console.log('x')}` live.
#[test]
fn k6dsl_gen_keeps_text_split_around_a_dollar_as_text() {
    let plan = r#"{
  "options": { "execution": { "scenarios": [
    { "name": "s", "executor": { "type": "shared-iterations", "vus": 1, "iterations": 1 }, "exec": "s" }
  ] } },
  "flows": [ { "name": "s", "body": [ { "request": {
    "method": "GET",
    "url": [{"str": "/products$"}, {"str": "{console.log('x')}"}, "vu_id"],
    "name": "products"
  } } ] } ]
}"#;
    let scratch = tempfile::tempdir().unwrap();
    let plan_path = scratch.path().join("plan.json");
    std::fs::write(&plan_path, plan).unwrap();
    let out_dir = scratch.path().join("out");
    let output = k6dsl(
        &[
            "gen".as_ref(),
            plan_path.as_os_str(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ],
        scratch.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let js = std::fs::read_to_string(out_dir.join("main.js")).unwrap();
    assert!(
        js.contains(r"`${BASE_URL}/products\${console.log('x')}${__VU}`"),
        "{js}"
    );
    let parsed = tools::template_literals(&[k6dsl::File::new("main.js", js.clone())]).unwrap();
    let url = parsed[0]
        .templates
        .iter()
        .find(|t| t.texts.iter().any(|s| s.contains("/products")))
        .expect("the URL is a template literal");
    assert_eq!(url.expressions, ["BASE_URL", "__VU"], "{js}");
    assert_eq!(url.texts, ["", "/products${console.log('x')}", ""]);
}

/// Locating a problem reads the plan again: thousands of problems are all reported,
/// the first hundred with their line and column, and none is lost.
#[test]
fn thousands_of_problems_are_all_reported_and_the_first_located() {
    let thresholds: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"metric": "missing_{i}", "kind": "trend", "stat": "avg", "op": "lt", "bound": 1}}"#
            )
        })
        .collect();
    let plan = format!(
        "{{\"options\": {{\"thresholds\": [\n{}\n]}}}}",
        thresholds.join(",\n")
    );
    let Err(PlanError::Invalid { diagnostics, .. }) = Plan::load(&plan, Format::Json) else {
        panic!("a plan with 3000 unknown metrics is refused");
    };
    assert_eq!(diagnostics.len(), 3000);
    assert!(diagnostics[..100].iter().all(|d| d.location.is_some()));
    assert_eq!(diagnostics[0].location.map(|l| l.line), Some(2));
    assert!(
        diagnostics[2999].message.contains("missing_2999"),
        "{}",
        diagnostics[2999]
    );
}
