//! The other top-level options: timeouts, execution segments, TLS, hosts, pass-through
//! JSON, summary statistics.

use std::collections::BTreeSet;

use crate::model::options::{GeneralOptions, TlsVersions, TrendStat};
use crate::validate::problem::{Place, Problem};

use super::*;

/// The largest common denominator of execution segments k6 handles cheaply: it
/// works in steps of it (1/1000:1/999 takes 40 MB; 1/10000:1/9999, 800 MB; larger
/// ones exhaust memory).
const MAX_SEGMENT_DENOMINATOR: u64 = 1_000_000;

impl Validator {
    pub(super) fn general(&mut self, options: &GeneralOptions) {
        let place = Place::Option;
        for (name, timeout) in [
            ("setupTimeout", options.setup_timeout),
            ("teardownTimeout", options.teardown_timeout),
        ] {
            if timeout.is_some_and(|t| t.is_zero()) {
                self.push(place(name), Problem::NotPositive { field: name });
            }
        }
        if let Some(rps) = options.rps {
            self.safe_integer(place("rps"), "rps", rps);
        }
        let mut segment_ok = true;
        if let Some(segment) = options.execution_segment {
            let (from, to) = (segment.from, segment.to);
            let bad_fraction = |f: crate::model::options::Fraction| f.den == 0 || f.num > f.den;
            // from < to, compared without floating point.
            let ordered =
                u64::from(from.num) * u64::from(to.den) < u64::from(to.num) * u64::from(from.den);
            if bad_fraction(from) || bad_fraction(to) || !ordered {
                segment_ok = false;
                self.push(
                    place("executionSegment"),
                    Problem::Invalid {
                        field: "executionSegment",
                        reason: format!("`{segment}` must be `from:to` with 0 <= from < to <= 1"),
                    },
                );
            }
        }
        let denominators = options
            .execution_segment
            .iter()
            .flat_map(|s| [s.from.den, s.to.den])
            .chain(
                options
                    .execution_segment_sequence
                    .iter()
                    .flatten()
                    .map(|f| f.den),
            )
            .filter(|den| *den > 0);
        let common = denominators.fold(1u64, |acc, den| {
            let den = u64::from(den);
            if acc > MAX_SEGMENT_DENOMINATOR {
                acc
            } else {
                acc / gcd(acc, den) * den
            }
        });
        if common > MAX_SEGMENT_DENOMINATOR {
            self.push(
                place("executionSegment"),
                Problem::Invalid {
                    field: "executionSegment",
                    reason: format!(
                        "the segments' common denominator is above {MAX_SEGMENT_DENOMINATOR}: k6 works in steps of it and runs out of memory; use fractions with a small common denominator (1/4, 1/3, 1/10)"
                    ),
                },
            );
        }
        if let Some(sequence) = &options.execution_segment_sequence {
            let valid = sequence.len() >= 2
                && sequence.iter().all(|f| f.den > 0 && f.num <= f.den)
                && sequence.windows(2).all(|w| {
                    u64::from(w[0].num) * u64::from(w[1].den)
                        < u64::from(w[1].num) * u64::from(w[0].den)
                });
            if !valid {
                self.push(
                    place("executionSegmentSequence"),
                    Problem::Invalid {
                        field: "executionSegmentSequence",
                        reason: "it must list at least two strictly increasing fractions between 0 and 1".into(),
                    },
                );
            } else if segment_ok {
                self.segment_in_sequence(options.execution_segment, sequence);
            }
        }
        if options
            .tls_cipher_suites
            .as_ref()
            .is_some_and(Vec::is_empty)
        {
            self.push(
                place("tlsCipherSuites"),
                Problem::Invalid {
                    field: "tlsCipherSuites",
                    reason: "an empty list is read by k6 as unset (Go's default suites): name at least one suite, or leave it unset".into(),
                },
            );
        }
        for (name, map) in [("ext", &options.ext), ("cloud", &options.cloud)] {
            if let Some(map) = map {
                for (key, value) in map {
                    self.json_numbers(name, &format!("{name}.{key}"), value);
                }
            }
        }
        if let Some(TlsVersions::Range { min, max }) = options.tls_version {
            if min > max {
                self.push(
                    place("tlsVersion"),
                    Problem::Invalid {
                        field: "tlsVersion",
                        reason: format!("min ({}) is above max ({})", min.as_k6(), max.as_k6()),
                    },
                );
            }
        }
        for (index, auth) in options.tls_auth.iter().enumerate() {
            if auth.domains.is_empty() || auth.domains.iter().any(|d| d.trim().is_empty()) {
                self.push(
                    place("tlsAuth"),
                    Problem::Invalid {
                        field: "tlsAuth",
                        reason: format!("entry {index} needs at least one non-empty domain"),
                    },
                );
            }
            for (what, pem, label) in [
                ("cert", &auth.cert, "CERTIFICATE"),
                ("key", &auth.key, "PRIVATE KEY"),
            ] {
                if let Some(reason) = pem_problem(pem, label) {
                    self.push(
                        place("tlsAuth"),
                        Problem::Invalid {
                            field: "tlsAuth",
                            reason: format!("entry {index}: {what} {reason}"),
                        },
                    );
                }
            }
            if let Some(env) = &auth.password_env {
                if !k6dsl_facts::names::is_identifier(env) {
                    self.push(
                        place("tlsAuth"),
                        Problem::Invalid {
                            field: "tlsAuth",
                            reason: format!(
                                "entry {index}: password environment variable `{env}` must be an identifier-like name (letters, digits, `_`)"
                            ),
                        },
                    );
                }
            }
        }
        for pattern in &options.block_hostnames {
            if !is_valid_host_pattern(pattern) {
                self.push(
                    place("blockHostnames"),
                    Problem::Invalid {
                        field: "blockHostnames",
                        reason: format!("`{pattern}` is not a host name or `*.suffix` pattern"),
                    },
                );
            }
        }
        let mut lower_hosts = BTreeSet::new();
        for host in options.hosts.keys() {
            if !lower_hosts.insert(host.to_ascii_lowercase()) {
                self.push(
                    place("hosts"),
                    Problem::Duplicate {
                        what: "hosts entry (k6 lower-cases host names and keeps only one of them)",
                        name: host.clone(),
                    },
                );
            }
            let (name, port) = match host.rsplit_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (host.as_str(), None),
            };
            let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
            if !is_valid_host_pattern(name) || !port_ok {
                self.push(
                    place("hosts"),
                    Problem::Invalid {
                        field: "hosts",
                        reason: format!("`{host}` is not `name` or `name:port`"),
                    },
                );
            }
        }
        if let Some(stats) = &options.summary_trend_stats {
            for stat in stats {
                if let TrendStat::Percentile(p) = stat {
                    self.percentile(place("summaryTrendStats"), *p);
                }
            }
        }
        self.tags(place("tags"), &options.tags);
    }

    /// Integers in pass-through JSON that JavaScript cannot hold exactly.
    fn json_numbers(&mut self, option: &'static str, path: &str, value: &serde_json::Value) {
        match value {
            serde_json::Value::Number(n) => {
                let exact = n
                    .as_u64()
                    .map(|u| u <= MAX_SAFE_INTEGER)
                    .or_else(|| n.as_i64().map(|i| i.unsigned_abs() <= MAX_SAFE_INTEGER));
                if exact == Some(false) {
                    self.push(
                        Place::Option(option),
                        Problem::Invalid {
                            field: option,
                            reason: format!(
                                "`{path}` is {n}, beyond what JavaScript holds exactly (2^53 - 1): k6 would read another number; pass it as a string"
                            ),
                        },
                    );
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.json_numbers(option, &format!("{path}[{i}]"), item);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    self.json_numbers(option, &format!("{path}.{key}"), item);
                }
            }
            _ => {}
        }
    }

    /// k6 requires the segment this instance runs (0:1 when unset) to be one of the
    /// sequence's segments.
    fn segment_in_sequence(
        &mut self,
        segment: Option<crate::model::options::ExecutionSegment>,
        sequence: &[crate::model::options::Fraction],
    ) {
        use crate::model::options::{ExecutionSegment, Fraction};
        let same = |a: Fraction, b: Fraction| {
            u64::from(a.num) * u64::from(b.den) == u64::from(b.num) * u64::from(a.den)
        };
        let segment = segment.unwrap_or(ExecutionSegment {
            from: Fraction::new(0, 1),
            to: Fraction::new(1, 1),
        });
        let found = sequence
            .windows(2)
            .any(|w| same(w[0], segment.from) && same(w[1], segment.to));
        if !found {
            let points: Vec<String> = sequence.iter().map(ToString::to_string).collect();
            self.push(
                Place::Option("executionSegment"),
                Problem::Invalid {
                    field: "executionSegment",
                    reason: format!(
                        "`{segment}` is not one of the segments of executionSegmentSequence `{}`: k6 requires it to be (0:1 when executionSegment is unset)",
                        points.join(",")
                    ),
                },
            );
        }
    }
}

/// A host name, optionally led by `*.` (k6's blockHostnames patterns). Labels are
/// ASCII letters, digits and inner `-`, as k6's pattern requires.
fn is_valid_host_pattern(pattern: &str) -> bool {
    let name = pattern.strip_prefix("*.").unwrap_or(pattern);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Why a `tlsAuth` certificate or key is not the PEM block k6 needs (`label` is
/// `CERTIFICATE` or `PRIVATE KEY`, which also matches `RSA PRIVATE KEY` and
/// `ENCRYPTED PRIVATE KEY`); k6 refuses the whole script otherwise. A file is read
/// now; one that cannot be read is reported with the files the test copies.
fn pem_problem(pem: &crate::model::options::Pem, label: &str) -> Option<String> {
    let (text, source) = match pem {
        crate::model::options::Pem::Inline(text) => (text.clone(), "text".to_owned()),
        crate::model::options::Pem::File(path) => (
            String::from_utf8_lossy(&std::fs::read(path).ok()?).into_owned(),
            format!("file {}", crate::validate::problem::excerpt(path)),
        ),
    };
    let begin = text.find("-----BEGIN ");
    let has_label = begin.is_some_and(|at| {
        text[at..]
            .lines()
            .next()
            .is_some_and(|line| line.contains(label) && line.trim_end().ends_with("-----"))
    });
    if has_label && text.contains("-----END ") {
        return None;
    }
    Some(format!(
        "{source} is not a PEM {}: k6 needs `-----BEGIN {label}-----` ... `-----END {label}-----` \
         (convert DER with `openssl x509 -inform der` or `openssl pkey -inform der`)",
        label.to_lowercase()
    ))
}
