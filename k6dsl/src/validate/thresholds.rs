//! Thresholds: the metric and its kind, the statistic, and selectors that can match.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{self, MetricKind, Script, Stat};
use crate::validate::problem::{Place, Problem};

use super::*;

impl Validator {
    pub(super) fn thresholds(&mut self, script: &Script) {
        let declared: BTreeMap<&str, MetricKind> = script
            .metrics
            .iter()
            .map(|decl| (decl.name.as_str(), decl.kind))
            .collect();
        // Canonical form of each key, as k6 normalises selectors (trimmed parts).
        let mut canonical: BTreeMap<String, String> = BTreeMap::new();
        // Built once: walking the model per threshold made validation quadratic.
        let tags = KnownTags::new(script);
        for threshold in &script.options.thresholds {
            let key = threshold.key();
            let place = || Place::Threshold(key.clone());
            let actual = k6dsl_facts::metric::builtin(&threshold.metric)
                .map(|metric| metric.kind)
                .or_else(|| declared.get(threshold.metric.as_str()).copied());
            match actual {
                None => self.push(
                    place(),
                    Problem::UnknownMetric {
                        name: threshold.metric.clone(),
                    },
                ),
                Some(actual) if actual != threshold.kind => self.push(
                    place(),
                    Problem::KindMismatch {
                        name: threshold.metric.clone(),
                        actual,
                        used: threshold.kind,
                    },
                ),
                Some(_) => {}
            }
            if !threshold.stat.applies_to(threshold.kind) {
                self.push(
                    place(),
                    Problem::StatNotForKind {
                        stat: threshold.stat.k6_name(),
                        kind: threshold.kind,
                    },
                );
            }
            if let Stat::Percentile(p) = threshold.stat {
                self.percentile(place(), p);
            }
            if !threshold.bound.is_finite() {
                self.push(
                    place(),
                    Problem::NotFinite {
                        field: "threshold bound",
                        value: threshold.bound,
                    },
                );
            }
            if threshold.delay_abort_eval.is_some() && !threshold.abort_on_fail {
                self.push(place(), Problem::DelayWithoutAbort);
            }
            self.selector(place(), &threshold.selector);
            self.selector_can_match(place(), &threshold.selector, &tags);
            let normal = canonical_key(threshold);
            match canonical.get(&normal) {
                Some(other) if *other != key => self.push(
                    place(),
                    Problem::SameSubMetric {
                        other: other.clone(),
                    },
                ),
                Some(_) => {}
                None => {
                    canonical.insert(normal, key.clone());
                }
            }
        }
    }

    fn selector(&mut self, place: Place, selector: &BTreeMap<String, String>) {
        for (key, value) in selector {
            let reason = if key.is_empty() {
                Some("tag names in a threshold selector must not be empty (k6 crashes on it)")
            } else if value.is_empty() {
                Some("tag values in a threshold selector must not be empty")
            } else if key.contains([':', ',', '{', '}']) {
                Some("k6 selectors cannot express a tag name containing `:`, `,`, `{` or `}`")
            } else if value.contains(',') || value.contains('}') {
                Some("k6 selectors cannot express a tag value containing `,` or `}`")
            } else if key.trim() != key || value.trim() != value {
                Some("k6 trims spaces around selector tags, so this one could never match: remove the surrounding spaces")
            } else if k6_selector_text(key) != key || k6_selector_text(value) != value {
                Some("k6 strips quotes (`\"`, `'`) around selector tags, so this one could never match: remove them")
            } else {
                None
            };
            if let Some(reason) = reason {
                self.push(
                    place.clone(),
                    Problem::InvalidTag {
                        key: key.clone(),
                        value: value.clone(),
                        reason,
                    },
                );
            }
        }
    }

    /// Rejects selectors that no sample can ever match: k6 would pass such a
    /// threshold silently.
    fn selector_can_match(
        &mut self,
        place: Place,
        selector: &BTreeMap<String, String>,
        tags: &KnownTags<'_>,
    ) {
        if let Some(wanted) = selector.get("scenario") {
            if !tags.scenario_set.contains(wanted.as_str()) {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "scenario selector",
                        reason: format!(
                            "no scenario is called `{wanted}` (the script has: {}), so this threshold could never see a sample",
                            some_of(tags.scenarios.iter().copied(), tags.scenarios.len())
                        ),
                    },
                );
            }
        }
        // Scripts with VU code name their groups and requests, so selectors on them
        // can be checked; an options-only model (no requests yet) cannot be.
        let (groups, names) = (&tags.groups, &tags.names);
        let has_code = !names.is_empty();
        if let Some(path) = selector.get("group") {
            if !path.starts_with("::") || path.ends_with("::") {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "group selector",
                        reason: format!(
                            "`{path}` is not a k6 group path: write `::Outer::Inner` (build it with .for_group([\"Outer\", \"Inner\"]))"
                        ),
                    },
                );
            } else if has_code && !groups.contains(path) {
                self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "group selector",
                        reason: format!(
                            "no group has the path `{path}` (the script has: {}), so this threshold could never see a sample",
                            if groups.is_empty() { "no groups".to_owned() } else { some_of(groups.iter().map(String::as_str), groups.len()) }
                        ),
                    },
                );
            }
        }
        for tag in ["endpoint", "name"] {
            if let Some(wanted) = selector.get(tag) {
                if has_code && !names.contains(wanted) {
                    self.push(
                        place.clone(),
                        Problem::Invalid {
                            field: "endpoint selector",
                            reason: format!(
                                "no request is named `{wanted}` (the script's requests: {}), so this threshold could never see a sample",
                                some_of(names.iter().map(String::as_str), names.len())
                            ),
                        },
                    );
                }
            }
        }
        // Tag keys: k6's system tags, the requests' `name` and `endpoint`, and the
        // custom tags of requests, scenarios and the test.
        for key in selector.keys() {
            if !has_code || key.is_empty() || tags.keys.contains(key.as_str()) {
                continue;
            }
            let reason = match crate::model::options::SystemTag::ALL
                .iter()
                .find(|tag| tag.as_k6() == key)
            {
                Some(_) => format!(
                    "k6 does not attach the system tag `{key}` here (systemTags: {}), so this threshold could never see a sample: add it to systemTags",
                    tags.system.join(", ")
                ),
                None => format!(
                    "no request, scenario or k6 system tag is called `{key}`{}, so this threshold could never see a sample (the tags: {})",
                    did_you_mean(key, tags.keys.iter().copied()),
                    some_of(tags.custom.iter().copied(), tags.custom.len())
                ),
            };
            self.push(
                place.clone(),
                Problem::Invalid {
                    field: "tag selector",
                    reason,
                },
            );
        }
    }
}

/// What threshold selectors can match, gathered from the model once: the
/// scenarios' `scenario` tags (in order, for messages), the code's group paths
/// (`::Outer::Inner`) and request names.
struct KnownTags<'s> {
    scenarios: Vec<&'s str>,
    scenario_set: BTreeSet<&'s str>,
    groups: BTreeSet<String>,
    names: BTreeSet<String>,
    /// Every tag key a sample can carry: the system tags k6 attaches, the
    /// requests' `name` and `endpoint`, and the custom ones.
    keys: BTreeSet<&'s str>,
    /// The system tags k6 attaches (its default set unless `systemTags` is set).
    system: Vec<&'static str>,
    /// Tag keys the script sets itself (`name` and `endpoint` first), for messages.
    custom: Vec<&'s str>,
}

/// The system tags k6 attaches when `systemTags` is not set.
const DEFAULT_SYSTEM_TAGS: &[&str] = &[
    "proto",
    "subproto",
    "status",
    "method",
    "url",
    "name",
    "group",
    "check",
    "error",
    "error_code",
    "tls_version",
    "scenario",
    "service",
    "expected_response",
];

impl<'s> KnownTags<'s> {
    fn new(script: &'s Script) -> Self {
        let scenarios: Vec<&str> = match &script.options.execution {
            model::Execution::Scenarios(scenarios) => scenarios
                .iter()
                .map(|s| s.tags.get("scenario").unwrap_or(&s.name).as_str())
                .collect(),
            // Without scenarios, k6 runs everything in one called `default`.
            _ => vec!["default"],
        };
        let (groups, names) = vu_code::group_paths_and_names(script);
        let system: Vec<&'static str> = match &script.options.general.system_tags {
            Some(tags) => tags.iter().map(|t| t.as_k6()).collect(),
            None => DEFAULT_SYSTEM_TAGS.to_vec(),
        };
        // In order of first use, each once (a set beside the list: a scan per key
        // would make validation quadratic in the number of requests).
        let mut custom: Vec<&str> = vec!["name", "endpoint"];
        let mut seen: BTreeSet<&str> = custom.iter().copied().collect();
        let mut add = |key: &'s str| {
            if seen.insert(key) {
                custom.push(key);
            }
        };
        vu_code::request_tag_keys(script)
            .into_iter()
            .for_each(&mut add);
        if let model::Execution::Scenarios(list) = &script.options.execution {
            list.iter()
                .flat_map(|s| s.tags.keys())
                .for_each(|k| add(k.as_str()));
        }
        script
            .options
            .general
            .tags
            .keys()
            .for_each(|k| add(k.as_str()));
        let keys = system
            .iter()
            .copied()
            .chain(custom.iter().copied())
            .collect();
        KnownTags {
            scenario_set: scenarios.iter().copied().collect(),
            scenarios,
            groups,
            names,
            keys,
            system,
            custom,
        }
    }
}

/// A selector tag name or value as k6 reads it (`Metric.AddSubmetric`): spaces
/// trimmed, then `"` and `'`.
fn k6_selector_text(text: &str) -> &str {
    text.trim().trim_matches(['"', '\''])
}

/// A threshold key as k6 reads it: spaces and quotes around tag names and values
/// trimmed.
fn canonical_key(threshold: &model::Threshold) -> String {
    let tags: BTreeMap<&str, &str> = threshold
        .selector
        .iter()
        .map(|(k, v)| (k6_selector_text(k), k6_selector_text(v)))
        .collect();
    let tags: Vec<String> = tags.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("{}{{{}}}", threshold.metric, tags.join(","))
}
