//! Names: metrics, flows, and files whose names differ only by case.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{self, Script};
use crate::validate::problem::{Place, Problem};

use super::*;
use k6dsl_facts::names::flow_name_problem;

impl Validator {
    /// Flows (each `scripts/scenarios/<flow>.js` in a project) and data files
    /// whose names differ only by case: one file on macOS and Windows, whose file
    /// names ignore case. Names that are equal are another check's business.
    pub(super) fn case_collisions(&mut self, script: &Script) {
        let mut flows: BTreeMap<String, &str> = BTreeMap::new();
        for flow in &script.flows {
            match flows.get(&flow.name.to_lowercase()) {
                Some(first) if *first != flow.name => self.push(
                    Place::Flow(flow.name.clone()),
                    Problem::Invalid {
                        field: "name",
                        reason: format!(
                            "`{}` and `{first}` differ only by case: their files \
                             scripts/scenarios/{}.js and scripts/scenarios/{first}.js are one \
                             file on macOS and Windows, which ignore case; rename one",
                            flow.name, flow.name
                        ),
                    },
                ),
                Some(_) => {}
                None => {
                    flows.insert(flow.name.to_lowercase(), &flow.name);
                }
            }
        }
        // By the path the data set or upload is written to beside the script.
        let outputs: Vec<(Place, String)> = (script.data.iter())
            .map(|d| (Place::Data(d.name.clone()), d.script_file()))
            .chain(
                (script.uploads.iter()).map(|u| (Place::Upload(u.name.clone()), u.script_file())),
            )
            .collect();
        let mut files: BTreeMap<String, (&str, &Place)> = BTreeMap::new();
        for (place, file) in &outputs {
            let file = file.as_str();
            match files.get(&file.to_lowercase()) {
                Some((first, first_place)) if *first != file => self.push(
                    place.clone(),
                    Problem::Invalid {
                        field: "file",
                        reason: format!(
                            "`{file}` and `{first}` ({first_place}) differ only by \
                             case: they are one file on macOS and Windows, which ignore case; \
                             rename one"
                        ),
                    },
                ),
                Some(_) => {}
                None => {
                    files.insert(file.to_lowercase(), (file, place));
                }
            }
        }
    }

    pub(super) fn metrics(&mut self, script: &Script) {
        let mut seen: BTreeMap<&str, &model::MetricDecl> = BTreeMap::new();
        for decl in &script.metrics {
            let place = || Place::Metric(decl.name.clone());
            if !is_valid_metric_name(&decl.name) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "metric name",
                        name: decl.name.clone(),
                        rule: "k6 metric names are 2 to 129 ASCII letters, digits or `_`, not starting with a digit",
                    },
                );
            }
            if let Some(metric) = k6dsl_facts::metric::builtin(&decl.name) {
                self.push(place(), Problem::BuiltinClash { kind: metric.kind });
            }
            match seen.get(decl.name.as_str()) {
                Some(first) if *first != decl => {
                    self.push(place(), Problem::ConflictingDeclarations)
                }
                Some(_) => {}
                None => {
                    seen.insert(&decl.name, decl);
                }
            }
        }
    }

    pub(super) fn flows(&mut self, script: &Script) {
        let mut seen = BTreeSet::new();
        for flow in &script.flows {
            let place = || Place::Flow(flow.name.clone());
            if let Some(rule) = flow_name_problem(&flow.name) {
                self.push(
                    place(),
                    Problem::InvalidName {
                        what: "flow name",
                        name: flow.name.clone(),
                        rule,
                    },
                );
            }
            if !seen.insert(flow.name.as_str()) {
                self.push(
                    place(),
                    Problem::Duplicate {
                        what: "flow name",
                        name: flow.name.clone(),
                    },
                );
            }
        }
    }
}
