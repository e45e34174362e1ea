//! General options, read back by k6.

use super::*;

// General options
// ---------------------------------------------------------------------------------

/// A throwaway self-signed certificate and its key, made for these tests only
/// (`openssl req -x509 -newkey ec`): k6 parses `tlsAuth` certificates when it reads
/// the options, so they must be real.
pub(crate) const TEST_CERT: &str = include_str!("../../fixtures/test-client-cert.pem");
/// The private key of [`TEST_CERT`].
pub(crate) const TEST_KEY: &str = include_str!("../../fixtures/test-client-key.pem");

pub(crate) fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

pub(crate) fn cidr(text: &str) -> Cidr {
    text.parse().unwrap()
}

pub(crate) fn json_object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Every general option set, with values that are easy to get subtly wrong.
pub(crate) fn every_option_set() -> GeneralOptions {
    GeneralOptions::default()
        .paused(true)
        .execution_segment(ExecutionSegment {
            from: Fraction::new(1, 4),
            to: Fraction::new(3, 4),
        })
        .execution_segment_sequence([
            Fraction::new(0, 1),
            Fraction::new(1, 4),
            Fraction::new(3, 4),
            Fraction::new(1, 1),
        ])
        .no_setup(true)
        .no_teardown(false)
        .setup_timeout(mins(1) + millis(500))
        .teardown_timeout(millis(1500))
        .rps(250)
        .dns(
            Dns::default()
                .ttl_for(mins(1) + secs(30))
                .select(DnsSelect::RoundRobin)
                .policy(DnsPolicy::PreferIpv6),
        )
        .max_redirects(0)
        .user_agent("k6dsl/1.0 (\"quoted\"; ünï)")
        .batch(20)
        .batch_per_host(6)
        .http_debug(HttpDebug::Full)
        .insecure_skip_tls_verify(true)
        .tls_cipher_suites([
            TlsCipherSuite::TLS_AES_128_GCM_SHA256,
            TlsCipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ])
        .tls_versions(TlsVersion::Tls1_2, TlsVersion::Tls1_3)
        .tls_auth(TlsAuth {
            domains: vec!["example.com".into(), "*.example.org".into()],
            cert: Pem::Inline(TEST_CERT.into()),
            key: Pem::Inline(TEST_KEY.into()),
            password_env: Some("CLIENT_KEY_PASSWORD".into()),
        })
        .throw(true)
        .blacklist_ip(cidr("10.0.0.0/8"))
        .blacklist_ip(cidr("192.168.1.77/24"))
        .blacklist_ip(cidr("fe80::1/10"))
        .block_hostname("*.internal.example.com")
        .block_hostname("metadata.google.internal")
        .host("test.k6.io", HostAddress::ip(ip("1.2.3.4")))
        .host("api.example.com:443", HostAddress::with_port(ip("10.0.0.2"), 8443))
        .host("v6.example.com", HostAddress::with_port(ip("::1"), 8080))
        .host("Mixed.Case.example", HostAddress::ip(ip("2001:db8::5")))
        .no_connection_reuse(true)
        .no_vu_connection_reuse(false)
        .min_iteration_duration(millis(100))
        .ext(json_object(json!({
            "loadimpact": {"name": "k6dsl", "projectID": 42, "distribution": {
                "eu": {"loadZone": "amazon:ie:dublin", "percent": 100}
            }},
            "other": {"ratio": 0.25, "negative": -3, "flag": false, "nothing": null, "list": [1, "two", [3]]}
        })))
        .cloud(json_object(json!({"name": "k6dsl run", "projectID": 7})))
        .summary_trend_stats([
            TrendStat::Avg,
            TrendStat::Min,
            TrendStat::Med,
            TrendStat::Max,
            TrendStat::Count,
            TrendStat::Percentile(0.0),
            TrendStat::Percentile(99.9),
            TrendStat::Percentile(100.0),
        ])
        .summary_time_unit(SummaryTimeUnit::Milliseconds)
        .system_tags(SystemTag::ALL.iter().copied())
        .tag("environment", "staging")
        .tag("odd", "quote \" backslash \\ newline \n end")
        .metric_samples_buffer_size(2000)
        .no_cookies_reset(true)
        .discard_response_bodies(true)
}

#[test]
pub(crate) fn every_general_option_unset() {
    assert_k6_reads_the_model(&Script::new().options(GeneralOptions::default()));
}

#[test]
pub(crate) fn every_general_option_set() {
    let script = Script::new()
        .shortcut(Shortcut::duration(nz!(1), secs(10)))
        .options(every_option_set());
    assert_k6_reads_the_model(&script);
}

/// Each general option set on its own, all others unset.
#[test]
pub(crate) fn each_general_option_alone() {
    let all = every_option_set();
    let GeneralOptions {
        paused,
        execution_segment,
        execution_segment_sequence,
        no_setup,
        no_teardown,
        setup_timeout,
        teardown_timeout,
        rps,
        dns,
        max_redirects,
        user_agent,
        batch,
        batch_per_host,
        http_debug,
        insecure_skip_tls_verify,
        tls_cipher_suites,
        tls_version,
        tls_auth,
        throw,
        blacklist_ips,
        block_hostnames,
        hosts,
        no_connection_reuse,
        no_vu_connection_reuse,
        min_iteration_duration,
        ext,
        cloud,
        summary_trend_stats,
        summary_time_unit,
        system_tags,
        tags,
        metric_samples_buffer_size,
        no_cookies_reset,
        discard_response_bodies,
    } = all.clone();
    let none = GeneralOptions::default();
    let alone: Vec<GeneralOptions> = vec![
        GeneralOptions {
            paused,
            ..none.clone()
        },
        GeneralOptions {
            execution_segment,
            ..none.clone()
        },
        // k6 looks the segment (0:1 when unset) up in the sequence, so a sequence
        // comes with its segment.
        GeneralOptions {
            execution_segment_sequence,
            execution_segment,
            ..none.clone()
        },
        GeneralOptions {
            no_setup,
            ..none.clone()
        },
        GeneralOptions {
            no_teardown,
            ..none.clone()
        },
        GeneralOptions {
            setup_timeout,
            ..none.clone()
        },
        GeneralOptions {
            teardown_timeout,
            ..none.clone()
        },
        GeneralOptions {
            rps,
            ..none.clone()
        },
        GeneralOptions {
            dns,
            ..none.clone()
        },
        GeneralOptions {
            max_redirects,
            ..none.clone()
        },
        GeneralOptions {
            user_agent,
            ..none.clone()
        },
        GeneralOptions {
            batch,
            ..none.clone()
        },
        GeneralOptions {
            batch_per_host,
            ..none.clone()
        },
        GeneralOptions {
            http_debug,
            ..none.clone()
        },
        GeneralOptions {
            insecure_skip_tls_verify,
            ..none.clone()
        },
        GeneralOptions {
            tls_cipher_suites,
            ..none.clone()
        },
        GeneralOptions {
            tls_version,
            ..none.clone()
        },
        GeneralOptions {
            tls_auth,
            ..none.clone()
        },
        GeneralOptions {
            throw,
            ..none.clone()
        },
        GeneralOptions {
            blacklist_ips,
            ..none.clone()
        },
        GeneralOptions {
            block_hostnames,
            ..none.clone()
        },
        GeneralOptions {
            hosts,
            ..none.clone()
        },
        GeneralOptions {
            no_connection_reuse,
            ..none.clone()
        },
        GeneralOptions {
            no_vu_connection_reuse,
            ..none.clone()
        },
        GeneralOptions {
            min_iteration_duration,
            ..none.clone()
        },
        GeneralOptions {
            ext,
            ..none.clone()
        },
        GeneralOptions {
            cloud,
            ..none.clone()
        },
        GeneralOptions {
            summary_trend_stats,
            ..none.clone()
        },
        GeneralOptions {
            summary_time_unit,
            ..none.clone()
        },
        GeneralOptions {
            system_tags,
            ..none.clone()
        },
        GeneralOptions {
            tags,
            ..none.clone()
        },
        GeneralOptions {
            metric_samples_buffer_size,
            ..none.clone()
        },
        GeneralOptions {
            no_cookies_reset,
            ..none.clone()
        },
        GeneralOptions {
            discard_response_bodies,
            ..none.clone()
        },
    ];
    for options in alone {
        assert_ne!(options, none);
        assert_k6_reads_the_model(&Script::new().options(options));
    }
}

/// Every value of every enum-like option, cycled so that a few scripts cover them
/// all.
#[test]
pub(crate) fn every_value_of_every_enum_option() {
    let ttls = [
        DnsTtl::Forever,
        DnsTtl::Never,
        DnsTtl::For(Duration::ZERO),
        DnsTtl::For(millis(250)),
        DnsTtl::For(hours(1)),
    ];
    let selects = [DnsSelect::First, DnsSelect::RoundRobin, DnsSelect::Random];
    let policies = [
        DnsPolicy::PreferIpv4,
        DnsPolicy::PreferIpv6,
        DnsPolicy::OnlyIpv4,
        DnsPolicy::OnlyIpv6,
        DnsPolicy::Any,
    ];
    let debugs = [HttpDebug::Headers, HttpDebug::Full];
    let versions = [
        TlsVersion::Tls1_0,
        TlsVersion::Tls1_1,
        TlsVersion::Tls1_2,
        TlsVersion::Tls1_3,
    ];
    let units = [
        SummaryTimeUnit::Seconds,
        SummaryTimeUnit::Milliseconds,
        SummaryTimeUnit::Microseconds,
    ];
    for i in 0..5 {
        let mut options = GeneralOptions::default()
            .dns(
                Dns::default()
                    .ttl(ttls[i % ttls.len()])
                    .select(selects[i % selects.len()])
                    .policy(policies[i % policies.len()]),
            )
            .http_debug(debugs[i % debugs.len()])
            .summary_time_unit(units[i % units.len()])
            .system_tags([SystemTag::ALL[i % SystemTag::ALL.len()]]);
        options = if i < versions.len() {
            options.tls_version(versions[i])
        } else {
            options.tls_versions(TlsVersion::Tls1_0, TlsVersion::Tls1_3)
        };
        // Partly set dns objects too.
        let partial = match i {
            0 => Dns::default().ttl(DnsTtl::Forever),
            1 => Dns::default().select(DnsSelect::Random),
            2 => Dns::default().policy(DnsPolicy::OnlyIpv6),
            _ => options.dns.unwrap(),
        };
        options.dns = Some(partial);
        assert_k6_reads_the_model(&Script::new().options(options));
    }
    let mut options = GeneralOptions::default().system_tags(SystemTag::ALL.iter().copied());
    for (min, max) in [(0, 0), (1, 2), (2, 3), (0, 3)] {
        options = options.tls_versions(versions[min], versions[max]);
        assert_k6_reads_the_model(&Script::new().options(options.clone()));
    }
}

#[test]
pub(crate) fn tls_auth_from_files_and_several_entries() {
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("client cert.pem");
    let key_path = dir.path().join("client-key.pem");
    std::fs::write(&cert_path, TEST_CERT).unwrap();
    std::fs::write(&key_path, TEST_KEY).unwrap();
    let options = GeneralOptions::default()
        .tls_auth(TlsAuth {
            domains: vec!["a.example.com".into()],
            cert: Pem::File(cert_path.to_str().unwrap().into()),
            key: Pem::File(key_path.to_str().unwrap().into()),
            password_env: None,
        })
        .tls_auth(TlsAuth {
            domains: vec!["b.example.com".into(), "c.example.com".into()],
            cert: Pem::Inline(TEST_CERT.into()),
            key: Pem::File(key_path.to_str().unwrap().into()),
            password_env: Some("KEY_PASSWORD".into()),
        });
    assert_k6_reads_the_model(&Script::new().options(options));
}

#[test]
pub(crate) fn execution_segments_k6_reads_as_the_same_fractions() {
    let f = Fraction::new;
    for (from, to, sequence) in [
        (f(0, 1), f(1, 1), None),
        (
            f(0, 3),
            f(1, 3),
            Some(vec![f(0, 1), f(1, 3), f(2, 3), f(1, 1)]),
        ),
        (
            f(2, 8),
            f(6, 8),
            Some(vec![f(0, 4), f(2, 8), f(6, 8), f(4, 4)]),
        ),
        (f(1, 2), f(1, 1), Some(vec![f(0, 1), f(1, 2), f(1, 1)])),
        (f(1, 7), f(3, 7), None),
    ] {
        let mut options =
            GeneralOptions::default().execution_segment(ExecutionSegment { from, to });
        if let Some(sequence) = sequence {
            options = options.execution_segment_sequence(sequence);
        }
        assert_k6_reads_the_model(&Script::new().options(options));
    }
}
