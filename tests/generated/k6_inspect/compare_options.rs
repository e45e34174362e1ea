//! Comparing k6's reading of the general options with the model.

use super::*;

// General options
// ---------------------------------------------------------------------------------

/// A fraction as k6 prints it (`1/4`, `0`, `1`, `0.25`) as numerator and denominator.
pub(crate) fn k6_reads_fraction(text: &str) -> (u128, u128) {
    match text.split_once('/') {
        Some((num, den)) => (num.parse().unwrap(), den.parse().unwrap()),
        None => (text.parse().unwrap(), 1),
    }
}

#[track_caller]
pub(crate) fn expect_fraction(text: &str, model: Fraction, what: &str) {
    let (num, den) = k6_reads_fraction(text);
    assert_eq!(
        num * u128::from(model.den),
        u128::from(model.num) * den,
        "{what}: k6 printed {text}, the model says {}/{}",
        model.num,
        model.den
    );
}

pub(crate) fn dns_select(select: DnsSelect) -> &'static str {
    match select {
        DnsSelect::First => "first",
        DnsSelect::RoundRobin => "roundRobin",
        DnsSelect::Random => "random",
    }
}

pub(crate) fn dns_policy(policy: DnsPolicy) -> &'static str {
    match policy {
        DnsPolicy::PreferIpv4 => "preferIPv4",
        DnsPolicy::PreferIpv6 => "preferIPv6",
        DnsPolicy::OnlyIpv4 => "onlyIPv4",
        DnsPolicy::OnlyIpv6 => "onlyIPv6",
        DnsPolicy::Any => "any",
    }
}

pub(crate) fn tls_version(version: TlsVersion) -> &'static str {
    match version {
        TlsVersion::Tls1_0 => "tls1.0",
        TlsVersion::Tls1_1 => "tls1.1",
        TlsVersion::Tls1_2 => "tls1.2",
        TlsVersion::Tls1_3 => "tls1.3",
    }
}

pub(crate) fn system_tag(tag: SystemTag) -> &'static str {
    match tag {
        SystemTag::Proto => "proto",
        SystemTag::Subproto => "subproto",
        SystemTag::Status => "status",
        SystemTag::Method => "method",
        SystemTag::Url => "url",
        SystemTag::Name => "name",
        SystemTag::Group => "group",
        SystemTag::Check => "check",
        SystemTag::Error => "error",
        SystemTag::ErrorCode => "error_code",
        SystemTag::TlsVersion => "tls_version",
        SystemTag::Scenario => "scenario",
        SystemTag::Service => "service",
        SystemTag::ExpectedResponse => "expected_response",
        SystemTag::Iter => "iter",
        SystemTag::Vu => "vu",
        SystemTag::OcspStatus => "ocsp_status",
        SystemTag::Ip => "ip",
    }
}

/// The system tags k6 v1.1.0 attaches when `systemTags` is unset.
pub(crate) const K6_DEFAULT_SYSTEM_TAGS: &[&str] = &[
    "check",
    "error",
    "error_code",
    "expected_response",
    "group",
    "method",
    "name",
    "proto",
    "scenario",
    "service",
    "status",
    "subproto",
    "tls_version",
    "url",
];

/// The trend statistics k6 v1.1.0 shows when `summaryTrendStats` is unset.
pub(crate) const K6_DEFAULT_TREND_STATS: &[&str] = &["avg", "min", "med", "max", "p(90)", "p(95)"];

/// The network a CIDR denotes: k6 (Go's `net.ParseCIDR`) clears the host bits.
pub(crate) fn network(cidr: Cidr) -> (IpAddr, u8) {
    let prefix = u32::from(cidr.prefix());
    let addr = match cidr.addr() {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            IpAddr::from((u32::from(v4) & mask).to_be_bytes())
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            IpAddr::from((u128::from(v6) & mask).to_be_bytes())
        }
    };
    (addr, cidr.prefix())
}

/// PEM text as the model means it: inline, or the contents of the file it names.
pub(crate) fn pem_text(pem: &Pem) -> String {
    match pem {
        Pem::Inline(text) => text.clone(),
        Pem::File(path) => std::fs::read_to_string(path).expect("the PEM file exists"),
    }
}

#[track_caller]
pub(crate) fn expect_general(p: &Value, o: &GeneralOptions) {
    // Exhaustive on purpose: a new option must be checked against k6 here.
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
        tls_version: versions,
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
    } = o;
    let at = |key: &str| field(p, key);

    expect_bool(at("paused"), *paused, "paused");
    match execution_segment {
        None => assert_eq!(at("executionSegment"), &Value::Null, "executionSegment"),
        Some(ExecutionSegment { from, to }) => {
            let text = at("executionSegment").as_str().expect("executionSegment");
            let (read_from, read_to) = text.split_once(':').expect("from:to");
            expect_fraction(read_from, *from, "executionSegment from");
            expect_fraction(read_to, *to, "executionSegment to");
        }
    }
    match execution_segment_sequence {
        None => assert_eq!(at("executionSegmentSequence"), &Value::Null),
        Some(points) => {
            let text = at("executionSegmentSequence")
                .as_str()
                .expect("executionSegmentSequence");
            let read: Vec<&str> = text.split(',').collect();
            assert_eq!(read.len(), points.len(), "executionSegmentSequence {text}");
            for (read, point) in read.iter().zip(points) {
                expect_fraction(read, *point, "executionSegmentSequence point");
            }
        }
    }
    expect_bool(at("noSetup"), *no_setup, "noSetup");
    expect_bool(at("noTeardown"), *no_teardown, "noTeardown");
    expect_duration(at("setupTimeout"), *setup_timeout, "setupTimeout");
    expect_duration(at("teardownTimeout"), *teardown_timeout, "teardownTimeout");
    expect_count(at("rps"), *rps, "rps");

    // k6 always prints `dns`, with null for what is unset.
    let Dns {
        ttl,
        select,
        policy,
    } = dns.unwrap_or_default();
    let printed_dns = at("dns");
    match ttl {
        None => assert_eq!(field(printed_dns, "ttl"), &Value::Null, "dns.ttl"),
        Some(DnsTtl::Forever) => assert_eq!(field(printed_dns, "ttl"), &json!("inf")),
        Some(DnsTtl::Never) => {
            let printed = field(printed_dns, "ttl").as_str().expect("dns.ttl");
            assert_eq!(
                parse_duration(printed),
                Ok(Duration::ZERO),
                "dns.ttl {printed}"
            );
        }
        Some(DnsTtl::For(duration)) => {
            expect_duration(field(printed_dns, "ttl"), Some(duration), "dns.ttl")
        }
    }
    expect_str(
        field(printed_dns, "select"),
        select.map(dns_select),
        "dns.select",
    );
    expect_str(
        field(printed_dns, "policy"),
        policy.map(dns_policy),
        "dns.policy",
    );

    expect_count(
        at("maxRedirects"),
        max_redirects.map(u64::from),
        "maxRedirects",
    );
    expect_str(at("userAgent"), user_agent.as_deref(), "userAgent");
    expect_count(at("batch"), batch.map(u64::from), "batch");
    expect_count(
        at("batchPerHost"),
        batch_per_host.map(u64::from),
        "batchPerHost",
    );
    let debug = http_debug.map(|d| match d {
        HttpDebug::Headers => "headers",
        HttpDebug::Full => "full",
    });
    expect_str(at("httpDebug"), debug, "httpDebug");
    expect_bool(
        at("insecureSkipTLSVerify"),
        *insecure_skip_tls_verify,
        "insecureSkipTLSVerify",
    );
    match tls_cipher_suites {
        None => assert_eq!(at("tlsCipherSuites"), &Value::Null, "tlsCipherSuites"),
        Some(suites) => {
            // The Rust variants are named exactly as Go's crypto/tls constants.
            let names: Vec<String> = suites.iter().map(|s| format!("{s:?}")).collect();
            assert_eq!(at("tlsCipherSuites"), &json!(names), "tlsCipherSuites");
        }
    }
    match versions {
        None => assert_eq!(at("tlsVersion"), &Value::Null, "tlsVersion"),
        Some(TlsVersions::Exactly(v)) => assert_eq!(
            at("tlsVersion"),
            &json!({"min": tls_version(*v), "max": tls_version(*v)}),
            "tlsVersion"
        ),
        Some(TlsVersions::Range { min, max }) => assert_eq!(
            at("tlsVersion"),
            &json!({"min": tls_version(*min), "max": tls_version(*max)}),
            "tlsVersion"
        ),
    }
    if tls_auth.is_empty() {
        assert_eq!(at("tlsAuth"), &Value::Null, "tlsAuth");
    } else {
        let printed = at("tlsAuth").as_array().expect("tlsAuth is a list");
        assert_eq!(printed.len(), tls_auth.len(), "tlsAuth entries");
        for (entry, model) in printed.iter().zip(tls_auth) {
            let TlsAuth {
                domains,
                cert,
                key,
                password_env: _,
            } = model;
            assert_eq!(field(entry, "domains"), &json!(domains), "tlsAuth domains");
            assert_eq!(field(entry, "cert"), &json!(pem_text(cert)), "tlsAuth cert");
            assert_eq!(field(entry, "key"), &json!(pem_text(key)), "tlsAuth key");
            // The password is read from the environment at run time; tools::inspect
            // runs k6 with a clean environment, so k6 sees none.
            assert_eq!(field(entry, "password"), &Value::Null, "tlsAuth password");
        }
    }
    expect_bool(at("throw"), *throw, "throw");
    if blacklist_ips.is_empty() {
        assert_eq!(at("blacklistIPs"), &Value::Null, "blacklistIPs");
    } else {
        let printed: Vec<(IpAddr, u8)> = at("blacklistIPs")
            .as_array()
            .expect("blacklistIPs is a list")
            .iter()
            .map(|cidr| {
                let (addr, prefix) = cidr.as_str().unwrap().split_once('/').unwrap();
                (addr.parse().unwrap(), prefix.parse().unwrap())
            })
            .collect();
        let model: Vec<(IpAddr, u8)> = blacklist_ips.iter().copied().map(network).collect();
        assert_eq!(printed, model, "blacklistIPs");
    }
    if block_hostnames.is_empty() {
        assert_eq!(at("blockHostnames"), &Value::Null, "blockHostnames");
    } else {
        assert_eq!(
            at("blockHostnames"),
            &json!(block_hostnames),
            "blockHostnames"
        );
    }
    if hosts.is_empty() {
        assert_eq!(at("hosts"), &Value::Null, "hosts");
    } else {
        // k6 lower-cases host names (they are case-insensitive).
        let printed: BTreeMap<String, HostAddress> = at("hosts")
            .as_object()
            .expect("hosts is an object")
            .iter()
            .map(|(host, address)| {
                let address = address.as_str().unwrap();
                let address = match address.parse::<SocketAddr>() {
                    Ok(socket) => HostAddress::with_port(socket.ip(), socket.port()),
                    Err(_) => HostAddress::ip(address.parse().unwrap()),
                };
                (host.clone(), address)
            })
            .collect();
        let model: BTreeMap<String, HostAddress> = hosts
            .iter()
            .map(|(host, address)| (host.to_lowercase(), *address))
            .collect();
        assert_eq!(printed, model, "hosts");
    }
    expect_bool(
        at("noConnectionReuse"),
        *no_connection_reuse,
        "noConnectionReuse",
    );
    expect_bool(
        at("noVUConnectionReuse"),
        *no_vu_connection_reuse,
        "noVUConnectionReuse",
    );
    expect_duration(
        at("minIterationDuration"),
        *min_iteration_duration,
        "minIterationDuration",
    );
    let object = |map: &Option<serde_json::Map<String, Value>>| {
        map.clone().map_or(Value::Null, Value::Object)
    };
    assert_eq!(at("ext"), &object(ext), "ext");
    assert_eq!(field_or_null(p, "cloud"), &object(cloud), "cloud");
    match summary_trend_stats {
        None => assert_eq!(at("summaryTrendStats"), &json!(K6_DEFAULT_TREND_STATS)),
        Some(stats) => {
            let printed_stats = at("summaryTrendStats")
                .as_array()
                .expect("summaryTrendStats");
            assert_eq!(printed_stats.len(), stats.len(), "summaryTrendStats");
            for (printed, stat) in printed_stats.iter().zip(stats) {
                let printed = printed.as_str().expect("a trend stat");
                let stat = match stat {
                    TrendStat::Avg => Stat::Avg,
                    TrendStat::Min => Stat::Min,
                    TrendStat::Med => Stat::Med,
                    TrendStat::Max => Stat::Max,
                    TrendStat::Count => {
                        assert_eq!(printed, "count", "summaryTrendStats");
                        continue;
                    }
                    TrendStat::Percentile(p) => Stat::Percentile(*p),
                };
                expect_stat(printed, stat, "summaryTrendStats");
            }
        }
    }
    let unit = summary_time_unit.map(|u| match u {
        SummaryTimeUnit::Seconds => "s",
        SummaryTimeUnit::Milliseconds => "ms",
        SummaryTimeUnit::Microseconds => "us",
    });
    expect_str(at("summaryTimeUnit"), unit, "summaryTimeUnit");
    // k6 keeps system tags as a set and prints them sorted.
    let printed_tags: BTreeSet<String> =
        serde_json::from_value(at("systemTags").clone()).expect("systemTags is a list");
    let model_tags: BTreeSet<String> = match system_tags {
        None => K6_DEFAULT_SYSTEM_TAGS
            .iter()
            .map(|t| t.to_string())
            .collect(),
        Some(list) => list.iter().map(|t| system_tag(*t).to_owned()).collect(),
    };
    assert_eq!(printed_tags, model_tags, "systemTags");
    expect_string_map(at("tags"), tags, "tags");
    expect_count(
        at("metricSamplesBufferSize"),
        metric_samples_buffer_size.map(u64::from),
        "metricSamplesBufferSize",
    );
    expect_bool(at("noCookiesReset"), *no_cookies_reset, "noCookiesReset");
    expect_bool(
        at("discardResponseBodies"),
        *discard_response_bodies,
        "discardResponseBodies",
    );
}
