//! Strategies for the general options.

use super::*;

pub(super) fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u16; 8]>().prop_map(IpAddr::from),
        prop::sample::select(vec![
            IpAddr::from([0u8, 0, 0, 0]),
            IpAddr::from([127u8, 0, 0, 1]),
            IpAddr::from([255u8, 255, 255, 255]),
            IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 0]),
            IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
        ]),
    ]
}

pub(super) fn cidr() -> impl Strategy<Value = Cidr> {
    (ip(), any::<u8>()).prop_map(|(ip, prefix)| {
        let bits = if ip.is_ipv4() { 33 } else { 129 };
        Cidr::new(ip, prefix % bits).expect("the prefix fits")
    })
}

/// A host name, or a `*.suffix` pattern.
pub(super) fn host_pattern() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?", 1..=3),
    )
        .prop_map(|(wildcard, labels)| {
            let name = labels.join(".");
            if wildcard {
                format!("*.{name}")
            } else {
                name
            }
        })
}

pub(super) fn hosts() -> impl Strategy<Value = Vec<(String, HostAddress)>> {
    let host =
        (host_pattern(), prop::option::of(1..=u16::MAX)).prop_map(|(name, port)| match port {
            Some(port) => format!("{name}:{port}"),
            None => name,
        });
    let address = (ip(), prop::option::of(any::<u16>())).prop_map(|(ip, port)| match port {
        Some(port) => HostAddress::with_port(ip, port),
        None => HostAddress::ip(ip),
    });
    prop::collection::vec((host, address), 0..=3).prop_map(|mut hosts| {
        // k6 lower-cases host names: one entry per lower-cased name.
        let mut seen = BTreeSet::new();
        hosts.retain(|(host, _)| seen.insert(host.to_ascii_lowercase()));
        hosts
    })
}

/// An execution segment, and the sequence it belongs to (or none). Denominators
/// stay at most 12 before scaling: k6 works in steps of the common denominator
/// of all the cut points, and k6dsl rejects one above 10^6 (it runs out of memory).
pub(super) fn segment() -> impl Strategy<Value = (ExecutionSegment, Option<Vec<Fraction>>)> {
    (
        prop::collection::vec((1u32..=12, 1u32..=12, 1u32..=3), 0..=4),
        1u32..=10,
        1u32..=10,
        any::<Index>(),
        any::<bool>(),
    )
        .prop_map(|(inner, zero_den, one, window, with_sequence)| {
            let mut points: Vec<Fraction> = inner
                .into_iter()
                .filter(|(a, b, _)| a != b)
                .map(|(a, b, scale)| Fraction::new(a.min(b) * scale, a.max(b) * scale))
                .collect();
            let value = |f: &Fraction| f64::from(f.num) / f64::from(f.den);
            let less = |a: &Fraction, b: &Fraction| {
                u64::from(a.num) * u64::from(b.den) < u64::from(b.num) * u64::from(a.den)
            };
            points.sort_by(|a, b| value(a).total_cmp(&value(b)));
            points.dedup_by(|b, a| !less(a, b));
            points.insert(0, Fraction::new(0, zero_den));
            points.push(Fraction::new(one, one));
            let i = window.index(points.len() - 1);
            let segment = ExecutionSegment {
                from: points[i],
                to: points[i + 1],
            };
            (segment, with_sequence.then_some(points))
        })
}

pub(super) fn trend_stat() -> impl Strategy<Value = TrendStat> {
    prop_oneof![
        Just(TrendStat::Avg),
        Just(TrendStat::Min),
        Just(TrendStat::Med),
        Just(TrendStat::Max),
        Just(TrendStat::Count),
        percentile().prop_map(TrendStat::Percentile),
    ]
}

pub(super) fn tls_auth() -> impl Strategy<Value = TlsAuth> {
    (
        prop::collection::vec(
            text(1..=2).prop_map(|d| {
                if d.trim().is_empty() {
                    "example.com".to_owned()
                } else {
                    d
                }
            }),
            1..=3,
        ),
        prop::option::of(
            "[A-Z_][A-Z0-9_]{0,10}".prop_filter("an identifier", |n| is_identifier(n)),
        ),
    )
        .prop_map(|(domains, password_env)| TlsAuth {
            domains,
            cert: Pem::Inline(TEST_CERT.into()),
            key: Pem::Inline(TEST_KEY.into()),
            password_env,
        })
}

/// JSON k6 passes through unchanged (`ext`, `cloud`): integers JavaScript holds
/// exactly (k6dsl writes larger ones, which k6 then reads rounded: reported), and
/// floats that are not integers (JSON cannot tell `1.0` from `1`).
/// The floats have at most 13 significant digits: `tools::inspect` reads k6's
/// printout with serde_json's default float parsing, which can be one ulp off
/// for longer ones (k6 itself prints them exactly).
pub(super) fn json_object() -> BoxedStrategy<serde_json::Map<String, Value>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-(MAX_SAFE as i64)..=MAX_SAFE as i64).prop_map(Value::from),
        (-1_000_000_000_000i64..=1_000_000_000_000, 1..=6i32)
            .prop_map(|(n, places)| n as f64 / 10f64.powi(places))
            .prop_filter("not an integer", |f| f.fract() != 0.0)
            .prop_map(Value::from),
        text(0..=3).prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..=3).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..=3)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    });
    prop::collection::vec((key(), value), 0..=4)
        .prop_map(|entries| entries.into_iter().collect())
        .boxed()
}

/// General options, each set or not, built through [`GeneralOptions`]' setters.
pub(super) fn general_options() -> BoxedStrategy<GeneralOptions> {
    use prop::option::of;
    let flags = prop::array::uniform9(any::<Option<bool>>());
    let timing = (
        of(positive_duration()),
        of(positive_duration()),
        of(duration()),
        of((
            of(prop_oneof![
                Just(DnsTtl::Forever),
                Just(DnsTtl::Never),
                duration().prop_map(DnsTtl::For),
            ]),
            of(prop::sample::select(vec![
                DnsSelect::First,
                DnsSelect::RoundRobin,
                DnsSelect::Random,
            ])),
            of(prop::sample::select(vec![
                DnsPolicy::PreferIpv4,
                DnsPolicy::PreferIpv6,
                DnsPolicy::OnlyIpv4,
                DnsPolicy::OnlyIpv6,
                DnsPolicy::Any,
            ])),
        )),
    );
    let numbers = (
        of(prop_oneof![0..=1_000u64, Just(MAX_SAFE)]),
        of(any::<u32>()),
        of(any::<u32>()),
        of(any::<u32>()),
        of(any::<u32>()),
    );
    let versions = [
        TlsVersion::Tls1_0,
        TlsVersion::Tls1_1,
        TlsVersion::Tls1_2,
        TlsVersion::Tls1_3,
    ];
    let http = (
        of(text(0..=3)),
        of(prop::sample::select(vec![
            HttpDebug::Headers,
            HttpDebug::Full,
        ])),
        of((
            prop::sample::select(versions.to_vec()),
            prop::sample::select(versions.to_vec()),
            any::<bool>(),
        )),
        // Not empty: k6 reads `tlsCipherSuites: []` as unset (reported).
        of(
            prop::sample::subsequence(TlsCipherSuite::ALL.to_vec(), 1..=TlsCipherSuite::ALL.len())
                .prop_shuffle(),
        ),
        prop::collection::vec(tls_auth(), 0..=2),
    );
    let network = (
        prop::collection::vec(cidr(), 0..=3),
        prop::collection::vec(host_pattern(), 0..=3),
        hosts(),
        of(segment()),
    );
    let summary = (
        of(prop::collection::vec(trend_stat(), 0..=6)),
        of(prop::sample::select(vec![
            SummaryTimeUnit::Seconds,
            SummaryTimeUnit::Milliseconds,
            SummaryTimeUnit::Microseconds,
        ])),
        // Not empty: k6 prints `systemTags: []` as `null` (and an unset one as
        // its default list), which `expect_general` does not expect.
        of(
            prop::sample::subsequence(SystemTag::ALL.to_vec(), 1..=SystemTag::ALL.len())
                .prop_shuffle(),
        ),
        prop::collection::vec((key(), text(0..=3)), 0..=3),
    );
    let json = (of(json_object()), of(json_object()));
    (flags, timing, numbers, http, network, summary, json).prop_map(
        |(flags, timing, numbers, http, network, summary, json)| {
            let mut o = GeneralOptions::default();
            let [paused, no_setup, no_teardown, insecure, throw, no_reuse, no_vu_reuse, no_cookies_reset, discard] =
                flags;
            let set = |o: GeneralOptions, flag: Option<bool>, f: fn(GeneralOptions, bool) -> GeneralOptions| {
                match flag {
                    Some(flag) => f(o, flag),
                    None => o,
                }
            };
            o = set(o, paused, GeneralOptions::paused);
            o = set(o, no_setup, GeneralOptions::no_setup);
            o = set(o, no_teardown, GeneralOptions::no_teardown);
            o = set(o, insecure, GeneralOptions::insecure_skip_tls_verify);
            o = set(o, throw, GeneralOptions::throw);
            o = set(o, no_reuse, GeneralOptions::no_connection_reuse);
            o = set(o, no_vu_reuse, GeneralOptions::no_vu_connection_reuse);
            o = set(o, no_cookies_reset, GeneralOptions::no_cookies_reset);
            o = set(o, discard, GeneralOptions::discard_response_bodies);

            let (setup_timeout, teardown_timeout, min_iteration, dns) = timing;
            if let Some(d) = setup_timeout {
                o = o.setup_timeout(d);
            }
            if let Some(d) = teardown_timeout {
                o = o.teardown_timeout(d);
            }
            if let Some(d) = min_iteration {
                o = o.min_iteration_duration(d);
            }
            if let Some((ttl, select, policy)) = dns {
                let mut dns = Dns::default();
                if let Some(ttl) = ttl {
                    dns = dns.ttl(ttl);
                }
                if let Some(select) = select {
                    dns = dns.select(select);
                }
                if let Some(policy) = policy {
                    dns = dns.policy(policy);
                }
                o = o.dns(dns);
            }

            let (rps, max_redirects, batch, batch_per_host, buffer) = numbers;
            if let Some(n) = rps {
                o = o.rps(n);
            }
            if let Some(n) = max_redirects {
                o = o.max_redirects(n);
            }
            if let Some(n) = batch {
                o = o.batch(n);
            }
            if let Some(n) = batch_per_host {
                o = o.batch_per_host(n);
            }
            if let Some(n) = buffer {
                o = o.metric_samples_buffer_size(n);
            }

            let (user_agent, debug, tls_version, suites, auths) = http;
            if let Some(agent) = user_agent {
                o = o.user_agent(agent);
            }
            if let Some(debug) = debug {
                o = o.http_debug(debug);
            }
            if let Some((a, b, exactly)) = tls_version {
                o = if exactly {
                    o.tls_version(a)
                } else {
                    o.tls_versions(a.min(b), a.max(b))
                };
            }
            if let Some(suites) = suites {
                o = o.tls_cipher_suites(suites);
            }
            for auth in auths {
                o = o.tls_auth(auth);
            }

            let (blacklist, blocked, hosts, segment) = network;
            for range in blacklist {
                o = o.blacklist_ip(range);
            }
            for pattern in blocked {
                o = o.block_hostname(pattern);
            }
            for (host, address) in hosts {
                o = o.host(host, address);
            }
            if let Some((segment, sequence)) = segment {
                o = o.execution_segment(segment);
                if let Some(sequence) = sequence {
                    o = o.execution_segment_sequence(sequence);
                }
            }

            let (trend_stats, time_unit, system_tags, tags) = summary;
            if let Some(stats) = trend_stats {
                o = o.summary_trend_stats(stats);
            }
            if let Some(unit) = time_unit {
                o = o.summary_time_unit(unit);
            }
            if let Some(tags) = system_tags {
                o = o.system_tags(tags);
            }
            for (key, value) in tags {
                o = o.tag(key, value);
            }

            let (ext, cloud) = json;
            if let Some(ext) = ext {
                o = o.ext(ext);
            }
            if let Some(cloud) = cloud {
                o = o.cloud(cloud);
            }
            o
        },
    )
    .boxed()
}
