//! The Kubernetes objects `k6dsl k8s` writes, as typed structs serialised by one
//! YAML serialiser (serde_norway), so that every string a user gave (a name, an
//! environment value) is quoted and escaped by it and nothing else.
//!
//! Only the fields k6dsl sets are here; their names and shapes are the
//! k6-operator's `TestRun` CRD (`k6.io/v1alpha1`, `api/v1alpha1/testrun_types.go`)
//! and Kubernetes' core types (`ConfigMap`, `EnvVar`, `Volume`, `VolumeMount`).

use std::collections::BTreeMap;

use serde::Serialize;

/// `apiVersion` of the k6-operator's `TestRun`.
pub const TESTRUN_API_VERSION: &str = "k6.io/v1alpha1";

/// `metadata`: a name and, when given, a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct ObjectMeta {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// The k6-operator's `TestRun`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TestRun {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    pub spec: TestRunSpec,
}

/// `TestRun.spec`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TestRunSpec {
    /// int32 in the CRD; k6dsl never writes more than `i32::MAX`.
    pub parallelism: i32,
    pub script: ScriptSource,
    /// One string the operator splits on whitespace (`strings.Fields`): k6dsl's
    /// arguments never hold any. Not `args`: that list only exists from operator
    /// v1.6.0 on, and an older CRD would drop it without a word.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub arguments: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub separate: bool,
    /// `post` (the only value the CRD allows), or absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup: Option<&'static str>,
    pub runner: Runner,
}

/// `spec.script`: k6dsl always ships the test as a ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ScriptSource {
    pub config_map: ConfigMapScript,
}

/// `spec.script.configMap`: mounted read-only at `/test/` in every runner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct ConfigMapScript {
    pub name: String,
    pub file: String,
}

/// `spec.runner`: the runner pods' image, environment and volumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Runner {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
}

/// A container's environment variable: a plain value or one read from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EnvVar {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
}

impl EnvVar {
    pub fn plain(name: &str, value: &str) -> EnvVar {
        EnvVar {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            value_from: None,
        }
    }

    /// The variable `name` from the key of the same name in Secret `secret`.
    pub fn from_secret(name: &str, secret: &str) -> EnvVar {
        EnvVar {
            name: name.to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(KeySelector {
                    name: secret.to_owned(),
                    key: name.to_owned(),
                }),
                field_ref: None,
            }),
        }
    }

    /// The variable `name` from a field of the pod (`metadata.name`).
    pub fn from_field(name: &str, field_path: &str) -> EnvVar {
        EnvVar {
            name: name.to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: None,
                field_ref: Some(FieldSelector {
                    field_path: field_path.to_owned(),
                }),
            }),
        }
    }
}

/// `valueFrom`: exactly one source is set. A struct of options rather than an
/// enum: serde_norway writes an enum's variant as a YAML tag (`!secretKeyRef`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EnvVarSource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<KeySelector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_ref: Option<FieldSelector>,
}

/// `secretKeyRef`: a key of a Secret in the TestRun's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct KeySelector {
    pub name: String,
    pub key: String,
}

/// `fieldRef`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FieldSelector {
    pub field_path: String,
}

/// A pod volume backed by a PersistentVolumeClaim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Volume {
    pub name: String,
    pub persistent_volume_claim: ClaimSource,
}

/// `persistentVolumeClaim`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ClaimSource {
    pub claim_name: String,
}

/// Where a volume appears in the k6 container; `subPathExpr` expands the
/// container's environment variables (`$(POD_NAME)`), so each runner gets a
/// folder of its own although all run with the same arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VolumeMount {
    pub name: String,
    pub mount_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_path_expr: Option<String>,
}

/// A ConfigMap holding the test's `k6 archive` (base64 in `binaryData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConfigMap {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    pub binary_data: BTreeMap<String, String>,
}

/// `object` as YAML, with a comment header (`# ...` lines) above it.
pub(super) fn to_yaml(header: &str, object: &impl Serialize) -> String {
    let body = serde_norway::to_string(object).expect("k6dsl's manifests serialise to YAML");
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&body);
    out
}
