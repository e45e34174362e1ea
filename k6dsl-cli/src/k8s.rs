//! `k6dsl k8s`: a plan as k6-operator manifests (TestRun, ConfigMap with the
//! `k6 archive`, README); `k6dsl setup` and `k6dsl teardown`: the plan's setup()
//! and teardown() run once on this machine, around the TestRun.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use k6dsl::k8s::{name_from, K8s, K8sError, LocalK6};
use k6dsl::output::OutputDir;

use super::{read_plan, Failure};

/// What `k6dsl help k8s` says.
pub(crate) const K8S_ABOUT: &str = "\
Write the k6-operator manifests of PLAN split over N runners into DIR:
testrun.yaml (a TestRun, k6.io/v1alpha1), configmap.yaml (the test as a `k6 archive`
tar, made by the real k6) and README.md (what to create, apply and merge).

PLAN is checked as split over N runners first: N above the test's VUs, or a runner
without work, is an error; what runs differently split is a warning. Secrets the
test reads come from a Kubernetes Secret (--secret), one key per variable, never
from a manifest; other variables get their defaults or --env values. With
--results-claim each runner writes --out json into its own folder of that claim,
for `k6dsl merge`. Every runner runs setup() and teardown() in open-source runs:
run setup() once with `k6dsl setup` and give its data with --setup-data, so that
the runners' setup() only returns it and they skip teardown().";

/// What `k6dsl help setup` says.
pub(crate) const SETUP_ABOUT: &str = "\
Run PLAN's setup() once on this machine, with this shell's environment (its base
URL and secrets), and write the data it returned into FILE as JSON, for
`k6dsl k8s --setup-data FILE`. k6 starts paused and runs setup() through its REST
API; no iteration runs. FILE may hold tokens: keep it private.";

/// What `k6dsl help teardown` says.
pub(crate) const TEARDOWN_ABOUT: &str = "\
Run PLAN's teardown() once on this machine, with this shell's environment and the
data `k6dsl setup` wrote, after a TestRun made with --setup-data has finished (its
runners skip teardown()).";

/// `k6dsl k8s`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct K8sArgs {
    /// The plan file: JSON (.json) or YAML (.yaml, .yml)
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// How many k6 runners the test is split over (the TestRun's parallelism)
    #[arg(short = 'n', long, value_name = "N")]
    pub parallelism: u64,
    /// The directory to write testrun.yaml, configmap.yaml and README.md into
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// The TestRun's name [default: from PLAN's file name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The namespace of the TestRun and ConfigMap [default: kubectl's current one]
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// The Secret the test's secrets come from, one key per variable [default: NAME-secrets]
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,
    /// The PersistentVolumeClaim each runner writes its --out json into, for `k6dsl merge`
    #[arg(long, value_name = "CLAIM")]
    pub results_claim: Option<String>,
    /// Run each runner on a node of its own (spec.separate)
    #[arg(long, overrides_with = "separate")]
    pub separate: bool,
    /// Have the operator delete the test's pods and jobs when it ends (cleanup: post)
    #[arg(long, overrides_with = "cleanup")]
    pub cleanup: bool,
    /// What `k6dsl setup` wrote: runners' setup() returns it and sends nothing, and they skip teardown()
    #[arg(long, value_name = "FILE")]
    pub setup_data: Option<PathBuf>,
    /// The runners' image [default: the operator's, grafana/k6:latest]
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// A plain environment variable for the runners (repeatable); never a secret
    #[arg(short, long, value_name = "NAME=VALUE", value_parser = parse_env)]
    pub env: Vec<(String, String)>,
    /// Overwrite files in DIR that were edited by hand or not written by k6dsl
    #[arg(short, long, overrides_with = "force")]
    pub force: bool,
}

/// `k6dsl setup`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct SetupArgs {
    /// The plan file: JSON (.json) or YAML (.yaml, .yml)
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// The file to write setup()'s data into (JSON)
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// `k6dsl teardown`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct TeardownArgs {
    /// The plan file: JSON (.json) or YAML (.yaml, .yml)
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// What `k6dsl setup` wrote: the data teardown() gets
    #[arg(long, value_name = "FILE")]
    pub setup_data: PathBuf,
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!(
            "`{text}` is not NAME=VALUE (for example BASE_URL=http://shop:8080)"
        )),
    }
}

/// `k6dsl k8s`: checks, writes the manifests, prints the report and warnings.
pub(crate) fn k8s(
    args: &K8sArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), Failure> {
    let (file, plan) = read_plan(&args.plan)?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => default_name(&args.plan)?,
    };
    let mut k8s = K8s::new(name, args.parallelism)
        .separate(args.separate)
        .cleanup(args.cleanup);
    if let Some(namespace) = &args.namespace {
        k8s = k8s.namespace(namespace);
    }
    if let Some(secret) = &args.secret {
        k8s = k8s.secret(secret);
    }
    if let Some(claim) = &args.results_claim {
        k8s = k8s.results_claim(claim);
    }
    if let Some(image) = &args.image {
        k8s = k8s.image(image);
    }
    for (name, value) in &args.env {
        k8s = k8s.env(name, value);
    }
    if let Some(path) = &args.setup_data {
        k8s = k8s.setup_data(read_setup_data(path)?);
    }
    let manifests = k8s
        .generate_plan(&plan)
        .map_err(|error| failure(&file, error))?;
    for warning in &manifests.warnings {
        let _ = writeln!(err, "k6dsl: warning: {file}: {warning}");
    }
    let files = manifests.files.into_iter().map(|f| (f.path, f.contents));
    let report = OutputDir::new(&args.output)
        .force(args.force)
        .write(files)
        .map_err(|errors| {
            let hint = if errors.needs_force() {
                "\nk6dsl: pass --force to overwrite them"
            } else {
                ""
            };
            Failure::Other(format!("{errors}{hint}"))
        })?;
    print(
        out,
        &format!(
            "{report}\nnext: read {} (the Secret, the results claim, kubectl apply, k6dsl merge)\n",
            args.output.join("README.md").display()
        ),
    )
}

/// `k6dsl setup`: setup() once, its data written to the file.
pub(crate) fn setup(args: &SetupArgs, out: &mut impl Write) -> Result<(), Failure> {
    let (file, plan) = read_plan(&args.plan)?;
    let data = LocalK6::new()
        .inherit_env(true)
        .setup_plan(&plan)
        .map_err(|error| failure(&file, error))?;
    let mut text = serde_json::to_string_pretty(&data).expect("JSON values serialise");
    text.push('\n');
    std::fs::write(&args.output, text)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", args.output.display())))?;
    print(
        out,
        &format!(
            "setup() ran once; its data is in {} (keep it private: it may hold tokens)\n",
            args.output.display()
        ),
    )
}

/// `k6dsl teardown`: teardown() once with the data setup returned.
pub(crate) fn teardown(args: &TeardownArgs, out: &mut impl Write) -> Result<(), Failure> {
    let (file, plan) = read_plan(&args.plan)?;
    let data = read_setup_data(&args.setup_data)?;
    LocalK6::new()
        .inherit_env(true)
        .teardown_plan(&plan, &data)
        .map_err(|error| failure(&file, error))?;
    print(out, "teardown() ran once\n")
}

fn default_name(plan: &Path) -> Result<String, Failure> {
    plan.file_stem()
        .and_then(|stem| stem.to_str())
        .and_then(name_from)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "cannot make a TestRun name of `{}`: give one with --name (for example --name checkout-load)",
                plan.display()
            ))
        })
}

fn read_setup_data(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Other(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::Other(format!(
            "{}: not the JSON `k6dsl setup` writes ({e})",
            path.display()
        ))
    })
}

/// A name or a number from the command line is a usage error; the plan's
/// problems are the plan's; the rest is reported as it is.
fn failure(file: &str, error: K8sError) -> Failure {
    match error {
        K8sError::InvalidName { .. } | K8sError::Parallelism(_) => {
            Failure::Usage(error.to_string())
        }
        K8sError::Invalid(errors) => Failure::Generate {
            file: file.to_owned(),
            errors,
        },
        other => Failure::Other(other.to_string()),
    }
}

fn print(out: &mut impl Write, text: &str) -> Result<(), Failure> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Other(format!("cannot write to standard output: {e}")))
}
