//! Every executor and general option, typed against `@types/k6`.

use k6dsl::options::{
    Dns, DnsPolicy, DnsSelect, ExecutionSegment, Fraction, HostAddress, HttpDebug, Pem,
    SummaryTimeUnit, SystemTag, TlsAuth, TlsCipherSuite, TlsVersion, TrendStat,
};
use k6dsl::prelude::*;
use k6dsl_suite::tools;

use super::{check_project, check_single, write};

/// Every executor and every general option, typed against `@types/k6`'s `Options`
/// (extended where it lacks what k6 reads).
#[test]
fn every_executor_and_option_is_typed() {
    let flow = Flow::new("work");
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
            .exec(&flow)
            .start_time(secs(5))
            .graceful_stop(secs(5))
            .env("MODE", "shared")
            .tag("kind", "shared"),
        )
        .scenario(
            Scenario::new(
                "per_vu",
                PerVuIterations::new().vus(nz!(2)).iterations(nz!(3)),
            )
            .exec(&flow),
        )
        .scenario(Scenario::new(
            "constant",
            ConstantVus::new().vus(nz!(3)).duration(secs(20)),
        ))
        .scenario(Scenario::new(
            "ramping",
            RampingVus::new()
                .start_vus(1)
                .stage(secs(10), 5)
                .stage(secs(10), 0)
                .graceful_ramp_down(secs(0)),
        ))
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
                .stage(secs(15), 0)
                .pre_allocated_vus(3),
        ))
        .scenario(Scenario::new(
            "external",
            ExternallyControlled::new()
                .vus(1)
                .max_vus(4)
                .duration(mins(1)),
        ))
        .threshold(HTTP_REQ_DURATION.p(95).lt(500))
        .threshold(
            HTTP_REQ_FAILED
                .rate()
                .lt(0.01)
                .abort_on_fail()
                .delay_abort_eval(secs(10)),
        );
    let ts = executors.to_typescript().unwrap();
    assert!(ts.contains("export const options: Options = {"), "{ts}");
    assert_eq!(
        check_single("every executor", &ts),
        tools::inspect(&executors.to_javascript().unwrap()).unwrap()
    );
    let project = executors.to_project_ts().unwrap();
    let dir = write(&project);
    check_project(dir.path(), &project);

    let mut ext = serde_json::Map::new();
    ext.insert("loadimpact".into(), serde_json::json!({ "name": "x" }));
    let everything = GeneralOptions::default()
        .paused(false)
        .execution_segment(ExecutionSegment {
            from: Fraction::new(0, 1),
            to: Fraction::new(1, 2),
        })
        .no_setup(true)
        .no_teardown(true)
        .setup_timeout(secs(30))
        .teardown_timeout(secs(30))
        .rps(100)
        .dns(
            Dns::default()
                .ttl_for(mins(5))
                .select(DnsSelect::Random)
                .policy(DnsPolicy::OnlyIpv4),
        )
        .max_redirects(3)
        .user_agent("k6dsl \"agent\"")
        .batch(10)
        .batch_per_host(5)
        .http_debug(HttpDebug::Full)
        .insecure_skip_tls_verify(true)
        .throw(true)
        .no_connection_reuse(false)
        .no_vu_connection_reuse(false)
        .min_iteration_duration(millis(100))
        .summary_time_unit(SummaryTimeUnit::Milliseconds)
        .metric_samples_buffer_size(1000)
        .no_cookies_reset(true)
        .discard_response_bodies(true)
        .ext(ext.clone())
        .cloud(ext)
        .tls_versions(TlsVersion::Tls1_2, TlsVersion::Tls1_3)
        .tls_cipher_suites(TlsCipherSuite::ALL.iter().copied())
        .tls_auth(TlsAuth {
            domains: vec!["example.com".into()],
            cert: Pem::Inline(include_str!("../../fixtures/test-client-cert.pem").into()),
            key: Pem::Inline(include_str!("../../fixtures/test-client-key.pem").into()),
            password_env: Some("KEY_PASSWORD".into()),
        })
        .blacklist_ip("10.0.0.0/8".parse().unwrap())
        .block_hostname("*.internal")
        .host(
            "shop.local",
            HostAddress::with_port("127.0.0.1".parse().unwrap(), 3300),
        )
        .summary_trend_stats([TrendStat::Avg, TrendStat::Percentile(95.0)])
        .system_tags([SystemTag::Status, SystemTag::Url])
        .tag("team", "checkout");
    let options = Script::new()
        .shortcut(Shortcut::stages(0, [(secs(10), 5), (secs(10), 0)]))
        .options(everything);
    let ts = options.to_typescript().unwrap();
    assert!(ts.contains("export const options: TestOptions = {"), "{ts}");
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc rejects the options: {e}\n{ts}"));
    tools::prettier_check_ts(&ts).unwrap_or_else(|e| panic!("prettier: {e}\n{ts}"));
    let project = options.to_project_ts().unwrap();
    let dir = write(&project);
    check_project(dir.path(), &project);
}
