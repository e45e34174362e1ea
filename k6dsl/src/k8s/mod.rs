//! A test as k6-operator manifests: a `TestRun` (`k6.io/v1alpha1`) split across
//! `parallelism` runners, a `ConfigMap` holding the test as a `k6 archive` tar, and
//! a README that says what to create, apply and merge.
//!
//! - **Checked first**: the test validates, and [`check_split`] with the runners'
//!   split finds nothing that breaks (a parallelism above the test's VUs, an
//!   instance without work); its warnings come back in [`Manifests::warnings`].
//! - **The archive** is made by the real `k6 archive` (k6 is found as
//!   [`find_k6`](crate::run::find_k6) finds it), from the test's project tree.
//! - **Secrets** the test reads (`Value::secret`) come from a Kubernetes Secret,
//!   one `secretKeyRef` per variable: no value is ever in a manifest. Other
//!   variables it reads appear as plain `env` with their defaults, or the values
//!   given with [`K8s::env`].
//! - **Results**: with [`K8s::results_claim`], each runner writes `--out json` to
//!   its own folder of that PersistentVolumeClaim (`subPathExpr: NAME/$(POD_NAME)`,
//!   as the operator gives every runner the same arguments), for `k6dsl merge`.
//! - **Setup once**: the operator's open-source runners each run setup() and
//!   teardown(). With [`K8s::setup_data`] (the data [`LocalK6::setup`] got by
//!   running setup once), the archive's setup() only returns that data and the
//!   runners skip teardown (`--no-teardown`; [`LocalK6::teardown`] runs it once).
//!
//! ```no_run
//! use k6dsl::k8s::K8s;
//! use k6dsl::prelude::*;
//!
//! let flow = Flow::new("browse").steps(|f| {
//!     f.request(Request::get("/products").name("products"));
//! });
//! let script = Script::new()
//!     .scenario(Scenario::new("browse", ConstantVus::new().vus(nz!(30)).duration(secs(60))).exec(&flow));
//! let manifests = K8s::new("shop-load", 3)
//!     .namespace("load")
//!     .results_claim("k6-results")
//!     .env("BASE_URL", "http://shop.shop.svc:8080")
//!     .generate(script.to_ir())?;
//! let paths: Vec<&str> = manifests.files.iter().map(|f| f.path.as_str()).collect();
//! assert_eq!(paths, ["testrun.yaml", "configmap.yaml", "README.md"]);
//! # Ok::<(), k6dsl::k8s::K8sError>(())
//! ```
//!
//! [`check_split`]: crate::validate::check_split

mod archive;
mod error;
mod local;
mod names;
mod notes;
mod resources;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub use error::K8sError;
pub use local::LocalK6;
pub use names::name_from;
pub use resources::TESTRUN_API_VERSION;

use crate::model::split::Split;
use crate::model::vu::Expr;
use crate::plan::Plan;
use crate::validate::{check_split, SetupRuns};
use crate::{model, Errors, File, Files, Target, ValidationError};
use names::{check_name, NameKind};
use resources::{
    to_yaml, ClaimSource, ConfigMap, ConfigMapScript, EnvVar, ObjectMeta, Runner, ScriptSource,
    TestRun, TestRunSpec, Volume, VolumeMount,
};

/// The key of the archive in the ConfigMap, and the file runners run (`/test/archive.tar`).
pub const ARCHIVE_KEY: &str = "archive.tar";
/// Where the results claim is mounted in each runner.
pub const RESULTS_MOUNT: &str = "/results";
/// The file each runner writes its samples to, in its own folder of the claim.
pub const RESULTS_FILE: &str = "/results/out.json";
/// Kubernetes refuses a ConfigMap whose data is above 1 MiB.
const CONFIGMAP_LIMIT: usize = 1024 * 1024;

/// The manifests of a test for the k6-operator, and what to write them with.
///
/// ```
/// use k6dsl::k8s::K8s;
/// let k8s = K8s::new("checkout", 4).namespace("load").secret("shop-secrets").separate(true);
/// assert_eq!(k8s.name(), "checkout");
/// ```
#[derive(Clone)]
#[must_use]
pub struct K8s {
    name: String,
    parallelism: u64,
    namespace: Option<String>,
    secret: Option<String>,
    results_claim: Option<String>,
    separate: bool,
    cleanup: bool,
    image: Option<String>,
    env: Vec<(String, String)>,
    setup_data: Option<serde_json::Value>,
    k6: Option<PathBuf>,
}

impl std::fmt::Debug for K8s {
    /// Setup's data by presence only: it may hold a token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("K8s")
            .field("name", &self.name)
            .field("parallelism", &self.parallelism)
            .field("namespace", &self.namespace)
            .field("secret", &self.secret)
            .field("results_claim", &self.results_claim)
            .field("separate", &self.separate)
            .field("cleanup", &self.cleanup)
            .field("image", &self.image)
            .field("env", &self.env)
            .field("setup_data", &self.setup_data.is_some())
            .finish()
    }
}

/// What [`K8s::generate`] made.
#[derive(Debug, Clone)]
pub struct Manifests {
    /// `testrun.yaml`, `configmap.yaml` and `README.md`, to write with
    /// [`OutputDir`](crate::output::OutputDir).
    pub files: Vec<File>,
    /// What runs differently split across the runners ([`check_split`]'s warnings).
    pub warnings: Vec<ValidationError>,
    /// The `k6 archive` tar the ConfigMap holds.
    pub archive: Vec<u8>,
    /// The Secret's name, when the test reads secrets.
    pub secret: Option<String>,
    /// The secrets the test reads: the keys the Secret must have.
    pub secret_keys: Vec<String>,
}

impl Manifests {
    /// The text of one of [`Manifests::files`] (`testrun.yaml`).
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .and_then(File::text)
    }
}

impl K8s {
    /// A TestRun named `name` (its ConfigMap is `NAME-archive`) over `parallelism`
    /// runners; names and the parallelism are checked by [`K8s::generate`].
    pub fn new(name: impl Into<String>, parallelism: u64) -> Self {
        K8s {
            name: name.into(),
            parallelism,
            namespace: None,
            secret: None,
            results_claim: None,
            separate: false,
            cleanup: false,
            image: None,
            env: Vec::new(),
            setup_data: None,
            k6: None,
        }
    }

    /// The TestRun's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace of the TestRun and ConfigMap (else `kubectl`'s current one).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// The Secret the test's secrets come from (default `NAME-secrets`).
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// The PersistentVolumeClaim runners write their `--out json` into.
    pub fn results_claim(mut self, claim: impl Into<String>) -> Self {
        self.results_claim = Some(claim.into());
        self
    }

    /// One runner per node (`spec.separate`).
    pub fn separate(mut self, separate: bool) -> Self {
        self.separate = separate;
        self
    }

    /// The operator deletes the test's resources when it ends (`cleanup: post`).
    pub fn cleanup(mut self, cleanup: bool) -> Self {
        self.cleanup = cleanup;
        self
    }

    /// The runners' image (the operator's default is `grafana/k6:latest`).
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// A plain environment variable for the runners (`BASE_URL`); never a secret.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Setup's data, from running it once ([`LocalK6::setup`]): the runners'
    /// setup() returns it and sends nothing, and they skip teardown().
    pub fn setup_data(mut self, data: serde_json::Value) -> Self {
        self.setup_data = Some(data);
        self
    }

    /// The k6 binary that makes the archive (else as [`find_k6`](crate::run::find_k6)).
    pub fn k6(mut self, path: impl Into<PathBuf>) -> Self {
        self.k6 = Some(path.into());
        self
    }

    /// The manifests of `model`.
    ///
    /// # Errors
    ///
    /// A bad name or parallelism; the test's problems, or what breaks when it is
    /// split over the runners (placed); k6 missing or `k6 archive` failing; an
    /// archive above the ConfigMap's 1 MiB.
    pub fn generate(&self, model: &model::Script) -> Result<Manifests, K8sError> {
        self.check_names()?;
        let files = crate::generate(model, Target::PROJECT)?;
        self.generate_files(model, files)
    }

    /// The manifests of a plan (raw JavaScript only where the plan allows it).
    ///
    /// # Errors
    ///
    /// As [`K8s::generate`].
    pub fn generate_plan(&self, plan: &Plan) -> Result<Manifests, K8sError> {
        self.check_names()?;
        let files = plan.to_project()?;
        self.generate_files(&plan.script, files)
    }

    fn check_names(&self) -> Result<(), K8sError> {
        let n = u32::try_from(self.parallelism)
            .ok()
            .filter(|n| *n > 0 && i32::try_from(*n).is_ok())
            .ok_or(K8sError::Parallelism(self.parallelism))?;
        check_name(NameKind::TestRun, "name", &self.name, n)?;
        if let Some(namespace) = &self.namespace {
            check_name(NameKind::Namespace, "namespace", namespace, n)?;
        }
        if let Some(secret) = &self.secret {
            check_name(NameKind::Subdomain("a Secret's name"), "secret", secret, n)?;
        }
        if let Some(claim) = &self.results_claim {
            let what = "a PersistentVolumeClaim's name";
            check_name(NameKind::Subdomain(what), "results claim", claim, n)?;
        }
        for (name, _) in &self.env {
            let mut chars = name.chars();
            let first = chars
                .next()
                .filter(|c| c.is_ascii_alphabetic() || *c == '_');
            if first.is_none() || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(K8sError::Unsupported(format!(
                    "env `{}`: a variable's name is ASCII letters, digits and `_`, not \
                     starting with a digit (for example BASE_URL)",
                    name.escape_debug()
                )));
            }
        }
        Ok(())
    }

    fn generate_files(&self, model: &model::Script, files: Files) -> Result<Manifests, K8sError> {
        let n = self.parallelism as u32;
        let setup_runs = if self.setup_data.is_some() {
            if model.lifecycle.setup.is_none() {
                return Err(K8sError::Unsupported(
                    "setup data was given, but the test has no setup() to replace: \
                     leave the setup data out"
                        .into(),
                ));
            }
            SetupRuns::Once
        } else {
            SetupRuns::PerInstance
        };
        let split = check_split(model, &Split::equal(n), setup_runs);
        if let Some(errors) = Errors::from_vec(split.errors) {
            return Err(K8sError::Invalid(errors));
        }
        let variables = Variables::of(model);
        let secret = (!variables.secrets.is_empty()).then(|| {
            self.secret
                .clone()
                .unwrap_or_else(|| format!("{}-secrets", self.name))
        });
        let archive = self.archive(model, files)?;
        if archive.len() > CONFIGMAP_LIMIT {
            return Err(K8sError::Unsupported(format!(
                "the test's archive is {} bytes, and Kubernetes refuses a ConfigMap above \
                 1 MiB ({CONFIGMAP_LIMIT} bytes): make its data files smaller",
                archive.len()
            )));
        }
        let testrun = self.testrun(model, &variables, secret.as_deref())?;
        let config_map = self.config_map(&archive);
        let readme = notes::readme(&notes::Notes {
            k8s: self,
            model,
            variables: &variables,
            secret: secret.as_deref(),
        });
        Ok(Manifests {
            files: vec![
                File::new("testrun.yaml", to_yaml(notes::TESTRUN_HEADER, &testrun)),
                File::new(
                    "configmap.yaml",
                    to_yaml(notes::CONFIGMAP_HEADER, &config_map),
                ),
                File::new("README.md", readme),
            ],
            warnings: split.warnings,
            archive,
            secret,
            secret_keys: variables.secrets.into_iter().collect(),
        })
    }

    /// The test packed by `k6 archive`; with setup data, through the entry whose
    /// setup() returns it.
    fn archive(&self, model: &model::Script, files: Files) -> Result<Vec<u8>, K8sError> {
        let k6 = crate::run::find_k6(self.k6.as_deref())?;
        let mut entry = files.entry().path.clone();
        let mut all: Vec<File> = files.into_iter().collect();
        if let Some(data) = &self.setup_data {
            let has_default = crate::codegen::needs_default_function(model);
            all.push(File::new(
                archive::SETUP_DATA_ENTRY,
                archive::setup_data_entry(has_default),
            ));
            all.push(File::new(
                archive::SETUP_DATA_FILE,
                serde_json::to_string(data).expect("JSON values serialise"),
            ));
            archive::SETUP_DATA_ENTRY.clone_into(&mut entry);
        }
        let scratch = archive::write_scratch(&all)?;
        archive::k6_archive(&k6, scratch.path(), &entry)
    }

    fn metadata(&self, name: String) -> ObjectMeta {
        ObjectMeta {
            name,
            namespace: self.namespace.clone(),
            labels: BTreeMap::from([(
                "app.kubernetes.io/managed-by".to_owned(),
                "k6dsl".to_owned(),
            )]),
        }
    }

    fn config_map_name(&self) -> String {
        format!("{}-archive", self.name)
    }

    fn arguments(&self, model: &model::Script) -> Vec<String> {
        let mut args = Vec::new();
        if self.results_claim.is_some() {
            args.push("--out".to_owned());
            args.push(format!("json={RESULTS_FILE}"));
        }
        if self.setup_data.is_some() && model.lifecycle.teardown.is_some() {
            args.push("--no-teardown".to_owned());
        }
        args
    }

    fn testrun(
        &self,
        model: &model::Script,
        variables: &Variables,
        secret: Option<&str>,
    ) -> Result<TestRun, K8sError> {
        let mut env = Vec::new();
        for (name, value) in variables.plain(&self.env)? {
            env.push(EnvVar::plain(&name, &value));
        }
        if let Some(secret) = secret {
            for name in &variables.secrets {
                env.push(EnvVar::from_secret(name, secret));
            }
        }
        let (mut volumes, mut volume_mounts) = (Vec::new(), Vec::new());
        if let Some(claim) = &self.results_claim {
            env.push(EnvVar::from_field("POD_NAME", "metadata.name"));
            volumes.push(Volume {
                name: "results".into(),
                persistent_volume_claim: ClaimSource {
                    claim_name: claim.clone(),
                },
            });
            volume_mounts.push(VolumeMount {
                name: "results".into(),
                mount_path: RESULTS_MOUNT.into(),
                sub_path_expr: Some(format!("{}/$(POD_NAME)", self.name)),
            });
        }
        Ok(TestRun {
            api_version: TESTRUN_API_VERSION,
            kind: "TestRun",
            metadata: self.metadata(self.name.clone()),
            spec: TestRunSpec {
                parallelism: self.parallelism as i32,
                script: ScriptSource {
                    config_map: ConfigMapScript {
                        name: self.config_map_name(),
                        file: ARCHIVE_KEY.into(),
                    },
                },
                arguments: self.arguments(model).join(" "),
                separate: self.separate,
                cleanup: self.cleanup.then_some("post"),
                runner: Runner {
                    image: self.image.clone(),
                    env,
                    volumes,
                    volume_mounts,
                },
            },
        })
    }

    fn config_map(&self, archive: &[u8]) -> ConfigMap {
        use base64::Engine as _;
        ConfigMap {
            api_version: "v1",
            kind: "ConfigMap",
            metadata: self.metadata(self.config_map_name()),
            binary_data: BTreeMap::from([(
                ARCHIVE_KEY.to_owned(),
                base64::engine::general_purpose::STANDARD.encode(archive),
            )]),
        }
    }
}

/// The environment variables the test reads.
struct Variables {
    /// Secrets, by name: from the Secret only.
    secrets: BTreeSet<String>,
    /// Other variables and their defaults (`None`: no default).
    plain: BTreeMap<String, Option<String>>,
}

impl Variables {
    fn of(model: &model::Script) -> Variables {
        let mut secrets = BTreeSet::new();
        let mut plain = BTreeMap::new();
        plain.insert(
            model.base_url.env.clone(),
            Some(model.base_url.default.clone()),
        );
        model::vu::for_each_expr(model, &mut |e| match e {
            Expr::Env { name, default } => {
                plain.entry(name.clone()).or_insert_with(|| default.clone());
            }
            Expr::Secret { name } => {
                secrets.insert(name.clone());
            }
            _ => {}
        });
        plain.retain(|name, _| !secrets.contains(name));
        Variables { secrets, plain }
    }

    /// The runners' plain variables: each the test reads with its default, or
    /// the value given; a secret given as a plain value is refused.
    fn plain(&self, given: &[(String, String)]) -> Result<Vec<(String, String)>, K8sError> {
        let mut out: BTreeMap<String, String> = self
            .plain
            .iter()
            .filter_map(|(name, default)| Some((name.clone(), default.clone()?)))
            .collect();
        for (name, value) in given {
            if self.secrets.contains(name) {
                return Err(K8sError::Unsupported(format!(
                    "env `{name}`: the test reads it as a secret, so it comes from the \
                     Kubernetes Secret and never from a manifest: put it in the Secret \
                     (see the README) and leave it out of env"
                )));
            }
            out.insert(name.clone(), value.clone());
        }
        Ok(out.into_iter().collect())
    }
}
