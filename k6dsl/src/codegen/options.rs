//! The model's options as the JavaScript `options` object, in the order and spelling
//! of k6's documentation.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use super::js::{Object, Value};
use crate::model::files::tls_auth_file;
use crate::model::options::{
    DnsPolicy, DnsSelect, DnsTtl, GeneralOptions, HttpDebug, Pem, TlsVersions,
};
use crate::model::time::go_duration;
use crate::model::{Execution, Executor, Options, Scenario, Shortcut, Stage, Stat, Threshold};
// k6's spelling of the fields whose Rust names differ (k6-facts is their one source).
use k6dsl_facts::executor::{
    GRACEFUL_RAMP_DOWN, MAX_DURATION, PRE_ALLOCATED_VUS, START_RATE, START_VUS, TIME_UNIT,
};

fn duration(d: Duration) -> Value {
    Value::Str(go_duration(d))
}

fn count(n: impl Into<u64>) -> Value {
    Value::Int(n.into())
}

fn string_map(map: &BTreeMap<String, String>) -> Value {
    let mut object = Object::inline();
    for (key, value) in map {
        object.set(key.clone(), Value::str(value));
    }
    object.build()
}

fn stages(stages: &[Stage]) -> Value {
    Value::Array(
        stages
            .iter()
            .map(|stage| {
                let mut object = Object::inline();
                object
                    .set("duration", duration(stage.duration))
                    .set("target", count(stage.target));
                object.build()
            })
            .collect(),
    )
}

/// The `options` object; files it opens (`tlsAuth` PEM files) at `to_root` + their
/// path in the output (`"./"` beside a single script, `"../../"` from a project's
/// `scripts/lib/`).
pub fn options(options: &Options, to_root: &str) -> Value {
    let mut object = Object::block();
    match &options.execution {
        Execution::Default => {}
        Execution::Shortcut(shortcut) => shortcut_entries(&mut object, shortcut),
        Execution::Scenarios(list) => {
            let mut scenarios = Object::block();
            for scenario in list {
                scenarios.set(scenario.name.clone(), self::scenario(scenario));
            }
            object.set("scenarios", scenarios.build());
        }
    }
    if !options.thresholds.is_empty() {
        object.set("thresholds", thresholds(&options.thresholds));
    }
    general(&mut object, &options.general, to_root);
    object.build()
}

fn shortcut_entries(object: &mut Object, shortcut: &Shortcut) {
    match shortcut {
        Shortcut::Duration { vus, duration: d } => {
            object.set("vus", count(*vus)).set("duration", duration(*d));
        }
        Shortcut::Iterations {
            vus,
            iterations,
            duration: d,
        } => {
            object
                .set("vus", count(*vus))
                .set("iterations", count(*iterations))
                .set_opt("duration", d.map(duration));
        }
        Shortcut::Stages { vus, stages: s } => {
            object.set("vus", count(*vus)).set("stages", stages(s));
        }
    }
}

fn scenario(scenario: &Scenario) -> Value {
    let mut object = Object::block();
    object.set("executor", Value::str(scenario.executor.k6_name()));
    match &scenario.executor {
        Executor::SharedIterations {
            vus,
            iterations,
            max_duration,
        }
        | Executor::PerVuIterations {
            vus,
            iterations,
            max_duration,
        } => {
            object
                .set_opt("vus", vus.map(count))
                .set_opt("iterations", iterations.map(count))
                .set_opt(MAX_DURATION.k6_name, max_duration.map(duration));
        }
        Executor::ConstantVus { vus, duration: d } => {
            object
                .set_opt("vus", vus.map(count))
                .set("duration", duration(*d));
        }
        Executor::RampingVus {
            start_vus,
            stages: s,
            graceful_ramp_down,
        } => {
            object
                .set_opt(START_VUS.k6_name, start_vus.map(count))
                .set("stages", stages(s))
                .set_opt(GRACEFUL_RAMP_DOWN.k6_name, graceful_ramp_down.map(duration));
        }
        Executor::ConstantArrivalRate {
            rate,
            time_unit,
            duration: d,
            pre_allocated_vus,
            max_vus,
        } => {
            object
                .set("rate", count(*rate))
                .set_opt(TIME_UNIT.k6_name, time_unit.map(duration))
                .set("duration", duration(*d))
                .set(PRE_ALLOCATED_VUS.k6_name, count(*pre_allocated_vus))
                .set_opt("maxVUs", max_vus.map(count));
        }
        Executor::RampingArrivalRate {
            start_rate,
            time_unit,
            stages: s,
            pre_allocated_vus,
            max_vus,
        } => {
            object
                .set_opt(START_RATE.k6_name, start_rate.map(count))
                .set_opt(TIME_UNIT.k6_name, time_unit.map(duration))
                .set(PRE_ALLOCATED_VUS.k6_name, count(*pre_allocated_vus))
                .set_opt("maxVUs", max_vus.map(count))
                .set("stages", stages(s));
        }
        Executor::ExternallyControlled {
            vus,
            max_vus,
            duration: d,
        } => {
            object
                .set_opt("vus", vus.map(count))
                .set_opt("maxVUs", max_vus.map(count))
                .set("duration", duration(*d));
        }
    }
    object
        .set_opt("startTime", scenario.start_time.map(duration))
        .set_opt("gracefulStop", scenario.graceful_stop.map(duration))
        .set_opt("exec", scenario.exec.as_ref().map(Value::str));
    if !scenario.env.is_empty() {
        object.set("env", string_map(&scenario.env));
    }
    if !scenario.tags.is_empty() {
        object.set("tags", string_map(&scenario.tags));
    }
    object.build()
}

/// Thresholds grouped under their keys, keys in first-declared order.
fn thresholds(thresholds: &[Threshold]) -> Value {
    let mut keys: Vec<(String, Vec<Value>)> = Vec::new();
    // Where each key is in `keys` (a scan per threshold was quadratic).
    let mut index: HashMap<String, usize> = HashMap::new();
    for threshold in thresholds {
        let key = threshold.key();
        let entry = if threshold.abort_on_fail || threshold.delay_abort_eval.is_some() {
            let mut object = Object::inline();
            object
                .set("threshold", Value::Str(threshold.expression()))
                .set("abortOnFail", Value::Bool(threshold.abort_on_fail))
                .set_opt("delayAbortEval", threshold.delay_abort_eval.map(duration));
            object.build()
        } else {
            Value::Str(threshold.expression())
        };
        match index.get(&key) {
            Some(&i) => keys[i].1.push(entry),
            None => {
                index.insert(key.clone(), keys.len());
                keys.push((key, vec![entry]));
            }
        }
    }
    let mut object = Object::block();
    for (key, entries) in keys {
        object.set(key, Value::Array(entries));
    }
    object.build()
}

fn general(object: &mut Object, o: &GeneralOptions, to_root: &str) {
    let bool_ = |b: Option<bool>| b.map(Value::Bool);
    let str_list = |items: Vec<String>| Value::Array(items.into_iter().map(Value::Str).collect());
    object
        .set_opt("paused", bool_(o.paused))
        .set_opt(
            "executionSegment",
            o.execution_segment.map(|s| Value::Str(s.to_string())),
        )
        .set_opt(
            "executionSegmentSequence",
            o.execution_segment_sequence.as_ref().map(|seq| {
                let points: Vec<String> = seq.iter().map(ToString::to_string).collect();
                Value::Str(points.join(","))
            }),
        )
        .set_opt("noSetup", bool_(o.no_setup))
        .set_opt("noTeardown", bool_(o.no_teardown))
        .set_opt("setupTimeout", o.setup_timeout.map(duration))
        .set_opt("teardownTimeout", o.teardown_timeout.map(duration))
        .set_opt("rps", o.rps.map(count))
        .set_opt(
            "dns",
            o.dns.map(|dns| {
                let mut object = Object::inline();
                object
                    .set_opt(
                        "ttl",
                        dns.ttl.map(|ttl| match ttl {
                            DnsTtl::Forever => Value::str("inf"),
                            DnsTtl::Never => Value::str("0"),
                            DnsTtl::For(d) => duration(d),
                        }),
                    )
                    .set_opt(
                        "select",
                        dns.select.map(|s| {
                            Value::str(match s {
                                DnsSelect::First => "first",
                                DnsSelect::RoundRobin => "roundRobin",
                                DnsSelect::Random => "random",
                            })
                        }),
                    )
                    .set_opt(
                        "policy",
                        dns.policy.map(|p| {
                            Value::str(match p {
                                DnsPolicy::PreferIpv4 => "preferIPv4",
                                DnsPolicy::PreferIpv6 => "preferIPv6",
                                DnsPolicy::OnlyIpv4 => "onlyIPv4",
                                DnsPolicy::OnlyIpv6 => "onlyIPv6",
                                DnsPolicy::Any => "any",
                            })
                        }),
                    );
                object.build()
            }),
        )
        .set_opt("maxRedirects", o.max_redirects.map(count))
        .set_opt("userAgent", o.user_agent.as_ref().map(Value::str))
        .set_opt("batch", o.batch.map(count))
        .set_opt("batchPerHost", o.batch_per_host.map(count))
        .set_opt(
            "httpDebug",
            o.http_debug.map(|d| {
                Value::str(match d {
                    HttpDebug::Headers => "headers",
                    HttpDebug::Full => "full",
                })
            }),
        )
        .set_opt("insecureSkipTLSVerify", bool_(o.insecure_skip_tls_verify))
        .set_opt(
            "tlsCipherSuites",
            o.tls_cipher_suites
                .as_ref()
                .map(|suites| str_list(suites.iter().map(|s| s.as_k6().to_owned()).collect())),
        )
        .set_opt(
            "tlsVersion",
            o.tls_version.map(|v| match v {
                TlsVersions::Exactly(v) => Value::str(v.as_k6()),
                TlsVersions::Range { min, max } => {
                    let mut object = Object::inline();
                    object
                        .set("min", Value::str(min.as_k6()))
                        .set("max", Value::str(max.as_k6()));
                    object.build()
                }
            }),
        );
    if !o.tls_auth.is_empty() {
        let entries = o
            .tls_auth
            .iter()
            .enumerate()
            .map(|(entry, auth)| {
                let pem = |pem: &Pem, part: &str| match pem {
                    Pem::Inline(text) => Value::Str(text.clone()),
                    // The copy k6dsl writes beside the script (crate::model::files).
                    Pem::File(_) => {
                        let file = format!("{to_root}{}", tls_auth_file(entry, part));
                        Value::Expr(format!("open({})", super::js::string_literal(&file)))
                    }
                };
                let mut object = Object::block();
                object
                    .set("domains", str_list(auth.domains.clone()))
                    .set("cert", pem(&auth.cert, "cert"))
                    .set("key", pem(&auth.key, "key"))
                    .set_opt(
                        "password",
                        auth.password_env
                            .as_ref()
                            .map(|env| Value::Expr(format!("__ENV.{env}"))),
                    );
                object.build()
            })
            .collect();
        object.set("tlsAuth", Value::Array(entries));
    }
    object.set_opt("throw", bool_(o.throw));
    if !o.blacklist_ips.is_empty() {
        object.set(
            "blacklistIPs",
            str_list(o.blacklist_ips.iter().map(ToString::to_string).collect()),
        );
    }
    if !o.block_hostnames.is_empty() {
        object.set("blockHostnames", str_list(o.block_hostnames.clone()));
    }
    if !o.hosts.is_empty() {
        let mut hosts = Object::block();
        for (host, address) in &o.hosts {
            hosts.set(host.clone(), Value::Str(address.to_string()));
        }
        object.set("hosts", hosts.build());
    }
    object
        .set_opt("noConnectionReuse", bool_(o.no_connection_reuse))
        .set_opt("noVUConnectionReuse", bool_(o.no_vu_connection_reuse))
        .set_opt(
            "minIterationDuration",
            o.min_iteration_duration.map(duration),
        )
        .set_opt("ext", o.ext.as_ref().map(json_object))
        .set_opt("cloud", o.cloud.as_ref().map(json_object))
        .set_opt(
            "summaryTrendStats",
            o.summary_trend_stats.as_ref().map(|stats| {
                str_list(
                    stats
                        .iter()
                        .map(|stat| Stat::from(*stat).k6_name())
                        .collect(),
                )
            }),
        )
        .set_opt(
            "summaryTimeUnit",
            o.summary_time_unit.map(|u| Value::str(u.as_k6())),
        )
        .set_opt(
            "systemTags",
            o.system_tags
                .as_ref()
                .map(|tags| str_list(tags.iter().map(|t| t.as_k6().to_owned()).collect())),
        );
    if !o.tags.is_empty() {
        object.set("tags", string_map(&o.tags));
    }
    object
        .set_opt(
            "metricSamplesBufferSize",
            o.metric_samples_buffer_size.map(count),
        )
        .set_opt("noCookiesReset", bool_(o.no_cookies_reset))
        .set_opt("discardResponseBodies", bool_(o.discard_response_bodies));
}

fn json_object(map: &serde_json::Map<String, serde_json::Value>) -> Value {
    let mut object = Object::block();
    for (key, value) in map {
        object.set(key.clone(), json(value));
    }
    object.build()
}

fn json(value: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match value {
        // JSON null has no Value of its own; `null` is a fixed token, not user text.
        J::Null => Value::Expr("null".into()),
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_u64() {
            Some(u) => Value::Int(u),
            None => Value::Num(n.as_f64().unwrap_or(0.0)),
        },
        J::String(s) => Value::Str(s.clone()),
        J::Array(items) => Value::Array(items.iter().map(json).collect()),
        J::Object(map) => json_object(map),
    }
}
