//! General options: timeouts, execution segments, host names, summary statistics,
//! tags, TLS and durations k6 can represent.

use super::*;

#[test]
fn setup_and_teardown_timeouts() {
    we_reject(
        &options(GeneralOptions::default().setup_timeout(Duration::ZERO)),
        "option `setupTimeout`: setupTimeout must be greater than 0",
    );
    k6_rejects(
        r#"export const options = { setupTimeout: "0s" };
export default function () {}"#,
        "setupTimeout must be positive",
    );
    both_accept(&options(
        GeneralOptions::default().setup_timeout(Duration::from_nanos(1)),
    ));
    // k6 accepts teardownTimeout 0 and then fails every run (exit code 101).
    we_reject(
        &options(GeneralOptions::default().teardown_timeout(Duration::ZERO)),
        "option `teardownTimeout`: teardownTimeout must be greater than 0",
    );
    k6_accepts(
        r#"export const options = { teardownTimeout: "0s" };
export default function () {}"#,
    );
}

#[test]
fn execution_segments() {
    let invalid = |text: &str| {
        format!("option `executionSegment`: executionSegment: `{text}` must be `from:to` with 0 <= from < to <= 1")
    };
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 2), (1, 4)))),
        &invalid("1/2:1/4"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/2:1/4" };
export default function () {}"#,
        "segment start(0.50) must be less than its end(0.25)",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 2), (1, 2)))),
        &invalid("1/2:1/2"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/2:1/2" };
export default function () {}"#,
        "must be less than its end",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 0), (1, 1)))),
        &invalid("1/0:1"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/0:1" };
export default function () {}"#,
        "'1/0' is not a valid percentage, decimal, fraction or interval value",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment(segment((1, 2), (3, 2)))),
        &invalid("1/2:3/2"),
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/2:3/2" };
export default function () {}"#,
        "segment end value can't be more than 1",
    );
    both_accept(&options(
        GeneralOptions::default().execution_segment(segment((0, 1), (1, 1))),
    ));

    let sequence = "option `executionSegmentSequence`: executionSegmentSequence: it must list at least two strictly increasing fractions between 0 and 1";
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([Fraction::new(0, 1)])),
        sequence,
    );
    k6_rejects(
        r#"export const options = { executionSegmentSequence: "0" };
export default function () {}"#,
        "at least 2 points are needed for an execution segment sequence, 1 given",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([
            Fraction::new(0, 1),
            Fraction::new(1, 2),
            Fraction::new(1, 4),
            Fraction::new(1, 1),
        ])),
        sequence,
    );
    k6_rejects(
        r#"export const options = { executionSegmentSequence: "0,1/2,1/4,1" };
export default function () {}"#,
        "segment start(0.50) must be less than its end(0.25)",
    );

    // The segment this instance runs must be one of the sequence's (0:1 when unset).
    we_reject(
        &options(
            GeneralOptions::default()
                .execution_segment(segment((1, 3), (1, 2)))
                .execution_segment_sequence([
                    Fraction::new(0, 1),
                    Fraction::new(1, 2),
                    Fraction::new(1, 1),
                ]),
        ),
        "option `executionSegment`: executionSegment: `1/3:1/2` is not one of the segments of executionSegmentSequence `0,1/2,1`: k6 requires it to be (0:1 when executionSegment is unset)",
    );
    k6_rejects(
        r#"export const options = { executionSegment: "1/3:1/2", executionSegmentSequence: "0,1/2,1" };
export default function () {}"#,
        "provided segment 1/3:1/2 can't be found in sequence 0,1/2,1",
    );
    we_reject(
        &options(GeneralOptions::default().execution_segment_sequence([
            Fraction::new(0, 1),
            Fraction::new(1, 2),
            Fraction::new(1, 1),
        ])),
        "option `executionSegment`: executionSegment: `0:1` is not one of the segments of executionSegmentSequence `0,1/2,1`: k6 requires it to be (0:1 when executionSegment is unset)",
    );
    k6_rejects(
        r#"export const options = { executionSegmentSequence: "0,1/2,1" };
export default function () {}"#,
        "provided segment 0:1 can't be found in sequence 0,1/2,1",
    );
    both_accept(&options(
        GeneralOptions::default()
            .execution_segment(segment((2, 4), (1, 1)))
            .execution_segment_sequence([
                Fraction::new(0, 1),
                Fraction::new(1, 2),
                Fraction::new(1, 1),
            ]),
    ));
    both_accept(&options(
        GeneralOptions::default()
            .execution_segment_sequence([Fraction::new(0, 1), Fraction::new(1, 1)]),
    ));
}

#[test]
fn host_name_patterns() {
    for pattern in [
        "bad host", "-a.com", "a-.com", "a_b.com", "a..com", "a.com.", "*",
    ] {
        we_reject(
            &options(GeneralOptions::default().block_hostname(pattern)),
            &format!("option `blockHostnames`: blockHostnames: `{pattern}` is not a host name or `*.suffix` pattern"),
        );
    }
    for pattern in [
        "bad host", "-a.com", "a-.com", "a_b.com", "a..com", "a.com.",
    ] {
        k6_rejects(
            &format!(
                r#"export const options = {{ blockHostnames: ["{pattern}"] }};
export default function () {{}}"#
            ),
            &format!("invalid hostname pattern '{pattern}'"),
        );
    }
    // k6 also takes a bare `*` (block everything); k6dsl wants a suffix.
    k6_accepts(
        r#"export const options = { blockHostnames: ["*"] };
export default function () {}"#,
    );
    both_accept(&options(
        GeneralOptions::default()
            .block_hostname("*.a-b.example.com")
            .block_hostname("x1.y2")
            .block_hostname("UPPER.example"),
    ));

    let address = HostAddress::ip("1.2.3.4".parse().unwrap());
    for host in ["bad host", "-a.com", "a_b.com", "a.com:x"] {
        we_reject(
            &options(GeneralOptions::default().host(host, address)),
            &format!("option `hosts`: hosts: `{host}` is not `name` or `name:port`"),
        );
        k6_rejects(
            &format!(
                r#"export const options = {{ hosts: {{ "{host}": "1.2.3.4" }} }};
export default function () {{}}"#
            ),
            &format!("invalid host pattern '{host}'"),
        );
    }
    // k6's pattern also allows ports 0 and 65536..99999, which no request can use.
    for host in ["a.com:0", "a.com:65536"] {
        we_reject(
            &options(GeneralOptions::default().host(host, address)),
            &format!("option `hosts`: hosts: `{host}` is not `name` or `name:port`"),
        );
    }
    both_accept(&options(
        GeneralOptions::default()
            .host("a.com:65535", address)
            .host("*.b.com", address),
    ));
    // k6 lower-cases host names: two spellings of one name keep only one address.
    we_reject(
        &options(
            GeneralOptions::default()
                .host("a.com", address)
                .host("A.com", HostAddress::ip("5.6.7.8".parse().unwrap())),
        ),
        "option `hosts`: hosts entry (k6 lower-cases host names and keeps only one of them) `a.com` is used more than once",
    );
    let printed = k6_accepts(
        r#"export const options = { hosts: { "a.com": "1.2.3.4", "A.com": "5.6.7.8" } };
export default function () {}"#,
    );
    assert_eq!(printed["hosts"].as_object().unwrap().len(), 1);
}

#[test]
fn summary_trend_stats() {
    for p in [-1.0, 100.5] {
        we_reject(
            &options(GeneralOptions::default().summary_trend_stats([TrendStat::Percentile(p)])),
            &format!("option `summaryTrendStats`: percentile p({p}) must be between 0 and 100"),
        );
    }
    k6_rejects(
        r#"export const options = { summaryTrendStats: ["p(100.5)"] };
export default function () {}"#,
        "invalid percentile trend stat value 'p(100.5)', provide a number between 0 and 100",
    );
    k6_rejects(
        r#"export const options = { summaryTrendStats: ["p(-1)"] };
export default function () {}"#,
        "invalid percentile trend stat value",
    );
    both_accept(&options(GeneralOptions::default().summary_trend_stats([
        TrendStat::Percentile(0.0),
        TrendStat::Percentile(100.0),
    ])));
}

#[test]
fn test_wide_tags() {
    // An empty tag name crashes k6 outright.
    we_reject(
        &options(GeneralOptions::default().tag("", "x")),
        "option `tags`: tag `` = `x`: tag names must not be empty (k6 crashes on an empty tag name)",
    );
    k6_rejects(
        r#"export const options = { tags: { "": "x" } };
export default function () {}"#,
        "stack overflow",
    );
    both_accept(&options(GeneralOptions::default().tag("a", "")));
}

#[test]
fn tls_options_k6_accepts_but_cannot_use() {
    // min above max: k6 accepts it, and every TLS handshake then fails.
    we_reject(
        &options(GeneralOptions::default().tls_versions(TlsVersion::Tls1_3, TlsVersion::Tls1_2)),
        "option `tlsVersion`: tlsVersion: min (tls1.3) is above max (tls1.2)",
    );
    k6_accepts(
        r#"export const options = { tlsVersion: { min: "tls1.3", max: "tls1.2" } };
export default function () {}"#,
    );
    // A client certificate for no domain is never presented.
    let auth = |domains: Vec<String>, password_env: Option<String>| TlsAuth {
        domains,
        cert: Pem::Inline(TEST_CERT.into()),
        key: Pem::Inline(TEST_KEY.into()),
        password_env,
    };
    for domains in [vec![], vec![" ".to_owned()]] {
        we_reject(
            &options(GeneralOptions::default().tls_auth(auth(domains, None))),
            "option `tlsAuth`: tlsAuth: entry 0 needs at least one non-empty domain",
        );
    }
    k6_accepts(&format!(
        r#"export const options = {{ tlsAuth: [{{ domains: [], cert: {}, key: {} }}] }};
export default function () {{}}"#,
        json!(TEST_CERT),
        json!(TEST_KEY)
    ));
    // The password is read as `__ENV.NAME`, so NAME must be an identifier: a
    // code-generation rule.
    we_reject(
        &options(GeneralOptions::default().tls_auth(auth(vec!["a.com".into()], Some("KEY-PASS".into())))),
        "option `tlsAuth`: tlsAuth: entry 0: password environment variable `KEY-PASS` must be an identifier-like name (letters, digits, `_`)",
    );
    both_accept(&options(
        GeneralOptions::default().tls_auth(auth(vec!["a.com".into()], Some("KEY_PASS".into()))),
    ));
    // k6 checks the certificate itself when it reads the options.
    k6_rejects(
        r#"export const options = { tlsAuth: [{ domains: ["a.com"], cert: "not a certificate", key: "x" }] };
export default function () {}"#,
        "failed to find any PEM data in certificate input",
    );
}

/// Go's `time.Duration` holds at most 2562047h47m16.854775807s: k6 cannot read a
/// longer duration anywhere.
#[test]
fn durations_k6_can_represent() {
    let longest = Duration::new(9_223_372_036, 854_775_807);
    let too_long = longest + Duration::from_nanos(1);
    let message = |place: &str, field: &str| {
        format!("{place}: {field}: 2562047h47m16.854775808s is longer than k6 can represent (at most 2562047h47m16.854775807s)")
    };
    we_reject(
        &shortcut(Shortcut::duration(nz!(1), too_long)),
        &message("top-level shortcut", "duration"),
    );
    we_reject(
        &one_scenario(ConstantVus::new().duration(too_long)),
        &message("scenario `s`", "duration"),
    );
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).graceful_stop(too_long)]),
        &message("scenario `s`", "gracefulStop"),
    );
    we_reject(
        &scenarios([Scenario::new("s", SharedIterations::new()).start_time(too_long)]),
        &message("scenario `s`", "startTime"),
    );
    we_reject(
        &one_scenario(RampingVus::new().stage(too_long, 1)),
        &message("scenario `s`", "stage duration"),
    );
    we_reject(
        &one_scenario(
            RampingArrivalRate::new()
                .time_unit(too_long)
                .stage(secs(1), 1)
                .pre_allocated_vus(1),
        ),
        &message("scenario `s`", "timeUnit"),
    );
    we_reject(
        &Script::new()
            .threshold(
                HTTP_REQ_DURATION
                    .avg()
                    .lt(1)
                    .abort_on_fail()
                    .delay_abort_eval(too_long),
            )
            .into_ir(),
        &message("threshold `http_req_duration`", "delayAbortEval"),
    );
    we_reject(
        &options(GeneralOptions::default().min_iteration_duration(too_long)),
        &message("option `minIterationDuration`", "minIterationDuration"),
    );
    we_reject(
        &options(GeneralOptions::default().dns(Dns::default().ttl(DnsTtl::For(too_long)))),
        &message("option `dns`", "dns.ttl"),
    );
    for js in [
        r#"export const options = { vus: 1, duration: "2562047h47m16.854775808s" };
export default function () {}"#,
        r#"export const options = { scenarios: { s: { executor: "shared-iterations", gracefulStop: "2562047h47m16.854775808s" } } };
export default function () {}"#,
        r#"export const options = { minIterationDuration: "2562047h47m16.854775808s" };
export default function () {}"#,
        r#"export const options = { thresholds: { http_req_duration: [{ threshold: "avg<1", abortOnFail: true, delayAbortEval: "2562047h47m16.854775808s" }] } };
export default function () {}"#,
    ] {
        k6_rejects(js, "invalid duration");
    }
    // The longest duration k6 can hold is fine.
    both_accept(&scenarios([Scenario::new(
        "s",
        SharedIterations::new().max_duration(longest),
    )
    .graceful_stop(longest)]));
}
