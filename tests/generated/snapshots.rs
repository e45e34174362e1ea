//! Representative generated scripts, pinned with insta so that any change to the
//! output is reviewed. Each script is also checked by its real consumers (node and
//! k6), so a snapshot can never pin JavaScript that k6 would reject.

use k6dsl::options::{Dns, DnsPolicy, DnsSelect, HostAddress, SystemTag, TlsVersion};
use k6dsl::prelude::*;
use k6dsl_suite::tools;

fn check_and_snapshot(name: &str, script: &str) {
    tools::node_check(script).unwrap_or_else(|e| panic!("{name}: node rejects the script: {e}"));
    tools::inspect(script).unwrap_or_else(|e| panic!("{name}: k6 rejects the script: {e}"));
    tools::prettier_check(script)
        .unwrap_or_else(|e| panic!("{name}: prettier would reformat the script: {e}"));
    insta::assert_snapshot!(name, script);
}

#[test]
fn checkout_example() {
    let js = tools::example_stdout("checkout", [] as [&str; 0]);
    check_and_snapshot("checkout", &js);
}

#[test]
fn shortcuts() {
    let duration = Script::new()
        .shortcut(Shortcut::duration(nz!(10), secs(30)))
        .threshold(HTTP_REQ_DURATION.p(95).lt(200))
        .to_javascript()
        .unwrap();
    check_and_snapshot("shortcut_duration", &duration);

    let iterations = Script::new()
        .shortcut(Shortcut::iterations_within(nz!(5), nz!(50), mins(2)))
        .to_javascript()
        .unwrap();
    check_and_snapshot("shortcut_iterations", &iterations);

    let stages = Script::new()
        .shortcut(Shortcut::stages(
            0,
            [(secs(30), 20), (mins(1), 20), (secs(30), 0)],
        ))
        .to_javascript()
        .unwrap();
    check_and_snapshot("shortcut_stages", &stages);
}

#[test]
fn every_executor() {
    let flow = Flow::new("work");
    // Scenarios without exec run the default flow.
    let script = Script::new()
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
            .start_time(secs(5)),
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
                    .stage(secs(10), 0)
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
                .stage(secs(15), 0)
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
        .to_javascript()
        .unwrap();
    check_and_snapshot("every_executor", &script);
}

#[test]
fn general_options_and_escaping() {
    let script = Script::new()
        .shortcut(Shortcut::duration(nz!(1), secs(5)))
        .threshold(
            HTTP_REQ_DURATION
                .tag("name", "it's \"quoted\" `${x` \\ \u{2028} ✓")
                .p(99.9)
                .le(250.5),
        )
        .options(
            GeneralOptions::default()
                .user_agent("k6dsl \"agent\"")
                .dns(
                    Dns::default()
                        .ttl_for(mins(5))
                        .select(DnsSelect::Random)
                        .policy(DnsPolicy::OnlyIpv4),
                )
                .tls_version(TlsVersion::Tls1_3)
                .host(
                    "shop.local",
                    HostAddress::with_port("127.0.0.1".parse().unwrap(), 3300),
                )
                .blacklist_ip("10.0.0.0/8".parse().unwrap())
                .block_hostname("*.internal")
                .system_tags([SystemTag::Status, SystemTag::Url])
                .tag("team", "checkout")
                .setup_timeout(secs(30))
                .no_connection_reuse(false),
        )
        .to_javascript()
        .unwrap();
    check_and_snapshot("general_options", &script);
}
