//! The plans of every kind of option: every executor, threshold and general option;
//! the top-level shortcuts; the checkout example; and the whole set as the golden
//! cases' inputs.

use std::time::Duration;

use k6dsl::plan::Plan;
use k6dsl::prelude::*;
use k6dsl::profile::Profile;
use k6dsl_suite::checkout;

use super::vu_code_plans::vu_code_scripts;

/// Every executor, every kind of threshold and every general option.
pub(super) fn kitchen_sink() -> Plan {
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
                    key: Pem::Inline(include_str!("../../fixtures/test-client-key.pem").into()),
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
pub(super) fn shortcuts() -> Vec<Plan> {
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
/// The example plan: the checkout test of the README, load profile.
pub(super) fn checkout_plan() -> Plan {
    Plan::from(&checkout::script(Profile::Load))
}
/// Plans of every kind (every executor, shortcut, threshold, option, step, value,
/// check and body) as files, for what checks plans without k6dsl's reader:
/// k6dsl-cli's `tests/plan_schema.rs` checks each against `docs/plan.schema.json`.
pub(super) fn every_kind() -> Vec<(String, Plan)> {
    let mut out = vec![("every-option".to_owned(), kitchen_sink())];
    let shortcuts_named = [
        "shortcut-duration",
        "shortcut-iterations",
        "shortcut-stages",
        "no-load",
    ];
    assert_eq!(shortcuts().len(), shortcuts_named.len());
    for (name, plan) in shortcuts_named.into_iter().zip(shortcuts()) {
        out.push((name.to_owned(), plan));
    }
    for (name, plan) in vu_code_scripts() {
        // Already a fixture: rows.yaml.
        if name != "data rows" {
            let words: Vec<&str> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            out.push((format!("vu-code-{}", words.join("-")), plan));
        }
    }
    out
}
