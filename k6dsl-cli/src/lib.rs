//! The `k6dsl` command line: turns a plan (a k6 test as data, in JSON or YAML, see
//! `docs/plan-schema.md`) into a k6 project.
//!
//! ```text
//! k6dsl gen PLAN -o DIR [--force]   write DIR/main.js, its data files and results/.gitkeep
//! k6dsl gen PLAN -o DIR --tree      write the test as a project tree (scripts/, data/, ...)
//! k6dsl check PLAN                  read and validate PLAN; write nothing
//! k6dsl example [--yaml]            print an example plan (the checkout test)
//! k6dsl schema [--json]            print the plan format's reference (or JSON Schema)
//! k6dsl merge FILES... --out DIR    merge k6 instances' --out json files into one result
//! k6dsl k8s PLAN -n N -o DIR        k6-operator manifests: TestRun, ConfigMap (k6 archive), README
//! k6dsl setup PLAN -o FILE          run setup() once here; its data for `k8s --setup-data`
//! k6dsl teardown PLAN --setup-data FILE   run teardown() once here, after the TestRun
//! k6dsl import openapi FILE -o DIR  a plan and a Rust module from an OpenAPI 3 document
//! ```
//!
//! The command line is [`Cli`], read by clap: `k6dsl help`, `k6dsl help gen` or
//! `--help` say the rest, and a command line clap does not understand exits with
//! status 2 and clap's message (with a suggestion when a name is close).
//!
//! A plan with problems is reported as `FILE:LINE:COLUMN: FIELD.PATH: message` on
//! stderr, the command exits with status 1, and nothing is written, not even the
//! directory. [`run`] is the whole command, testable without a process:
//!
//! ```
//! use std::ffi::OsString;
//!
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! let code = k6dsl_cli::run(&[OsString::from("example")], &mut out, &mut err);
//! assert_eq!(code, 0);
//! let example = String::from_utf8(out).unwrap();
//! assert!(k6dsl::plan::Plan::load(&example, k6dsl::plan::Format::Json).is_ok());
//! ```

use std::ffi::OsString;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, Parser, Subcommand};
use k6dsl::output::OutputDir;
use k6dsl::plan::{Format, Plan, PlanError};

mod import;
mod k8s;
mod merge;

pub use import::{ImportKind, OpenApiArgs};
pub use k8s::{K8sArgs, SetupArgs, TeardownArgs};
use merge::merge_files;
pub use merge::Merge;

/// The example plan `k6dsl example` prints: the checkout test of the README
/// (`cargo run --example checkout`), kept equal to it by `tests/front_ends/plans/`.
pub const EXAMPLE_PLAN: &str = include_str!("../../tests/plans/checkout.json");

/// The plan format's reference `k6dsl schema` prints.
pub const SCHEMA: &str = include_str!("../../docs/plan-schema.md");

/// Exit status of a command that did what it was asked.
pub const SUCCESS: i32 = 0;
/// Exit status when the plan has problems, or the files could not be written.
pub const FAILURE: i32 = 1;
/// Exit status of a command line that is not understood (clap's own status for
/// usage errors, so both kinds of usage error exit alike).
pub const USAGE: i32 = 2;

/// What `k6dsl --help` says after the commands.
const AFTER_HELP: &str = "\
A plan with problems is reported on stderr as FILE:LINE:COLUMN: FIELD.PATH: message,
every problem at once, and nothing is written.

Exit status: 0 success, 1 a bad plan, an unreadable file or a refused write, 2 a usage
error. `k6dsl merge` exits as `k6 run` would for the merged verdict: 0 passed, 99
thresholds failed, or the code of an instance that crashed (given with --exit-codes).";

/// The `k6dsl` command line.
///
/// ```
/// use k6dsl_cli::{Cli, Command, Gen, Layout};
///
/// let cli = Cli::try_parse_args(["gen", "plan.json", "-o", "k6", "--force"]).unwrap();
/// let Command::Gen(gen) = cli.command else { panic!("{cli:?}") };
/// assert_eq!((gen.output.to_str(), gen.force, gen.layout()), (Some("k6"), true, Layout::Script));
///
/// let error = Cli::try_parse_args(["gen", "plan.json"]).unwrap_err();
/// assert!(error.to_string().contains("--output <DIR>"), "{error}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    name = "k6dsl",
    version,
    about = "Turn a plan (a k6 test written as JSON or YAML data) into a k6 script or project",
    long_about = "\
Turn a plan (a k6 test written as JSON or YAML data) into a k6 script or project.

Start from `k6dsl example > plan.json`, read `k6dsl schema` for every field,
`k6dsl check plan.json` until it is valid, then `k6dsl gen plan.json -o k6/`.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Reads the command line `args` (without the program's name). No arguments at
    /// all asks for the help, as `k6dsl help` does.
    ///
    /// # Errors
    ///
    /// clap's error for a command line that is not understood (an unknown command
    /// or option, with a suggestion when one is close; a missing or extra
    /// argument), and clap's "error" that is the help or the version to print:
    /// [`clap::Error::use_stderr`] tells which, [`clap::Error::exit_code`] the status.
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        if args.is_empty() {
            args.push("--help".into());
        }
        Cli::try_parse_from(std::iter::once(OsString::from("k6dsl")).chain(args))
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Write the k6 test of PLAN into DIR: main.js, its data files and results/
    #[command(
        alias = "generate",
        long_about = "\
Write the k6 test of PLAN into DIR: main.js, the data files it opens (data/) and
results/.gitkeep (handleSummary writes results/summary.json, relative to where k6
runs, and k6 does not create folders). Run it with `cd DIR && k6 run main.js`.

Files the plan names by path (csv_file, json_file, tlsAuth PEM files) are read from
the current directory (when relative) and copied into DIR/data/. A file in DIR is
replaced atomically; one edited by hand, or not written by k6dsl, is refused unless
--force is given. When PLAN has a problem, or a file is refused, nothing is written,
not even DIR.",
        after_help = AFTER_HELP
    )]
    Gen(Gen),
    /// Read and validate PLAN as gen would, and write nothing
    #[command(
        long_about = "\
Read and validate PLAN as gen would (the files it names by path included), and write
nothing. Prints `PLAN: the plan is valid`, or every problem as
FILE:LINE:COLUMN: FIELD.PATH: message.",
        after_help = AFTER_HELP
    )]
    Check {
        /// The plan file: JSON (.json) or YAML (.yaml, .yml)
        #[arg(value_name = "PLAN")]
        plan: PathBuf,
    },
    /// Print an example plan to start from: the checkout test
    #[command(long_about = "\
Print an example plan to start from: the checkout test, in which shoppers browse
the catalogue while purchases arrive at a steady rate, with thresholds, checks,
groups and custom metrics. `k6dsl example > plan.json` and edit.")]
    Example {
        /// Print it as YAML instead of JSON
        #[arg(long, overrides_with = "yaml")]
        yaml: bool,
    },
    /// Print the plan format's reference (Markdown): every field, with examples
    #[command(long_about = "\
Print the plan format's reference (Markdown): every field, with examples.

With --json, print the plan format's JSON Schema instead (draft 7, the content of
docs/plan.schema.json), for editors and yaml-language-server: save it beside your
plans and name it in a plan's \"$schema\" key (JSON) or in a
`# yaml-language-server: $schema=plan.schema.json` comment (YAML).")]
    Schema {
        /// Print the JSON Schema (for editors) instead of the Markdown reference
        #[arg(long, overrides_with = "json")]
        json: bool,
    },
    /// Merge k6 instances' --out json files into one result, reports and exit code
    #[command(
        long_about = "\
Merge the --out json files of a test split across k6 instances (k6-operator runners,
or `k6 run --execution-segment ...` on several machines) into one result: counters,
rates and checks summed, Trend percentiles exact (every sample is kept up to
--sample-limit, then a sketch within 0.5%), every threshold judged on the merged data
with k6's rules. Writes DIR/report.html (with a section per instance), DIR/junit.xml
and DIR/summary.md, prints the verdict, and exits as `k6 run` would: 0 passed, 99
thresholds failed.

Files may be gzip-compressed (--out json=out.json.gz). k6 writes the thresholds of
whole metrics into the files, but not those of sub-metrics (`http_req_duration{name:x}`):
give the test's plan with --plan to judge every declared threshold.",
        after_help = AFTER_HELP
    )]
    Merge(Merge),
    /// Write k6-operator manifests of PLAN split over N runners: TestRun, ConfigMap, README
    #[command(long_about = k8s::K8S_ABOUT, after_help = AFTER_HELP)]
    K8s(K8sArgs),
    /// Run PLAN's setup() once on this machine and write its data (for `k8s --setup-data`)
    #[command(long_about = k8s::SETUP_ABOUT, after_help = AFTER_HELP)]
    Setup(SetupArgs),
    /// Run PLAN's teardown() once on this machine with the data `setup` wrote
    #[command(long_about = k8s::TEARDOWN_ABOUT, after_help = AFTER_HELP)]
    Teardown(TeardownArgs),
    /// Write a plan and Rust request constructors from an API description
    #[command(subcommand, after_help = AFTER_HELP)]
    Import(ImportKind),
    /// Print the version (as --version does)
    #[command(hide = true)]
    Version,
}

/// `k6dsl gen`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct Gen {
    /// The plan file: JSON (.json) or YAML (.yaml, .yml)
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// The directory to write the k6 project into (created when missing)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Overwrite files in DIR that were edited by hand or not written by k6dsl
    // A flag given twice is still just set, as before clap (clap refuses repeats).
    #[arg(short, long, overrides_with = "force")]
    pub force: bool,
    /// Write a project tree instead of one script (scripts/, data/, results/, README.md)
    #[arg(
        long,
        overrides_with = "tree",
        long_help = "\
Write a project tree instead of one script: scripts/main.js, scripts/lib/,
scripts/scenarios/, data/, results/.gitkeep and a README.md.
Run it with `cd DIR && k6 run scripts/main.js`."
    )]
    pub tree: bool,
}

impl Gen {
    /// The layout `--tree` asks for.
    pub fn layout(&self) -> Layout {
        if self.tree {
            Layout::Tree
        } else {
            Layout::Script
        }
    }
}

/// Runs the command line `args` (without the program's name), writing to `out` and
/// `err`, and returns the exit status: [`SUCCESS`], [`FAILURE`] or [`USAGE`].
/// clap's messages (help, version, usage errors) are written without colour; the
/// `k6dsl` binary lets clap print them itself, in colour on a terminal.
pub fn run(args: &[OsString], out: &mut impl Write, err: &mut impl Write) -> i32 {
    match Cli::try_parse_args(args) {
        Ok(cli) => execute(cli, out, err),
        Err(clap_message) => {
            let text = clap_message.render().to_string();
            let _ = if clap_message.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            clap_message.exit_code()
        }
    }
}

/// Carries out a parsed command line, writing to `out` and `err`, and returns the
/// exit status: [`SUCCESS`], [`FAILURE`] or [`USAGE`], or for `merge` the exit code
/// `k6 run` gives for the merged verdict (0, 99, ...).
pub fn execute(cli: Cli, out: &mut impl Write, err: &mut impl Write) -> i32 {
    let done = match cli.command {
        Command::Merge(merge) => {
            return match merge_files(&merge, out, err) {
                Ok(code) => code,
                Err(failure) => {
                    let _ = writeln!(err, "{failure}");
                    failure.status()
                }
            };
        }
        Command::K8s(args) => k8s::k8s(&args, out, err),
        Command::Setup(args) => k8s::setup(&args, out),
        Command::Teardown(args) => k8s::teardown(&args, out),
        Command::Import(kind) => import::run(&kind, out),
        command => execute_command(command, out),
    };
    match done {
        Ok(()) => SUCCESS,
        Err(failure) => {
            let _ = writeln!(err, "{failure}");
            failure.status()
        }
    }
}

/// Why a command failed, as printed on stderr.
#[derive(Debug)]
enum Failure {
    /// The command line cannot be carried out as given.
    Usage(String),
    /// The plan has problems.
    Plan {
        /// The file's name as given.
        file: String,
        /// Its problems.
        error: PlanError,
    },
    /// The plan is valid but does not generate (a problem validation did not see).
    Generate {
        /// The file's name as given.
        file: String,
        /// The problems.
        errors: k6dsl::Errors,
    },
    /// The file could not be read, or the project not written.
    Other(String),
    /// Problems already placed (`FILE: at #/pointer: ...`), printed as they are.
    Placed(String),
}

impl Failure {
    fn status(&self) -> i32 {
        match self {
            Failure::Usage(_) => USAGE,
            _ => FAILURE,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) => write!(f, "k6dsl: {message}"),
            Failure::Plan { file, error } => {
                writeln!(f, "{}", error.in_file(file))?;
                let count = error.diagnostics().len();
                write!(
                    f,
                    "k6dsl: {file} has {count} problem{}; nothing was written",
                    if count == 1 { "" } else { "s" }
                )
            }
            Failure::Generate { file, errors } => {
                write!(f, "{file}: {errors}\nk6dsl: nothing was written")
            }
            Failure::Other(message) => write!(f, "k6dsl: {message}"),
            Failure::Placed(message) => f.write_str(message),
        }
    }
}

fn execute_command(command: Command, out: &mut impl Write) -> Result<(), Failure> {
    let print = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Other(format!("cannot write to standard output: {e}")))
    };
    match command {
        Command::Version => print(out, &Cli::command().render_version()),
        Command::Schema { json: false } => print(out, SCHEMA),
        Command::Schema { json: true } => print(out, &Plan::json_schema()),
        Command::Example { yaml } => {
            let text = if !yaml {
                EXAMPLE_PLAN.to_owned()
            } else {
                Plan::from_json(EXAMPLE_PLAN)
                    .map_err(|e| Failure::Other(format!("the example plan does not read: {e}")))?
                    .to_yaml()
            };
            print(out, &text)
        }
        Command::Check { plan } => {
            let (file, plan) = read_plan(&plan)?;
            generate(&file, &plan, Layout::Script)?;
            print(out, &format!("{file}: the plan is valid\n"))
        }
        Command::Gen(gen) => {
            let (file, plan) = read_plan(&gen.plan)?;
            let files = generate(&file, &plan, gen.layout())?;
            let report = write_project(&gen.output, files, gen.force)?;
            print(out, &format!("{report}\n"))
        }
        Command::Merge(_)
        | Command::K8s(_)
        | Command::Setup(_)
        | Command::Teardown(_)
        | Command::Import(_) => {
            unreachable!("execute runs these itself")
        }
    }
}

/// Reads and validates a plan file: its name for messages, and the plan.
fn read_plan(path: &Path) -> Result<(String, Plan), Failure> {
    let file = path.display().to_string();
    let format = Format::from_path(path).ok_or_else(|| {
        Failure::Usage(format!(
            "cannot tell the format of `{file}`: name the plan file .json, .yaml or .yml"
        ))
    })?;
    let bytes =
        std::fs::read(path).map_err(|e| Failure::Other(format!("cannot read {file}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::Other(format!(
            "{file} is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })?;
    // Editors on Windows may start a file with a byte order mark; no parser wants it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let plan = Plan::load(text, format).map_err(|error| Failure::Plan {
        file: file.clone(),
        error,
    })?;
    Ok((file, plan))
}

/// How `gen` lays the project out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One script: `main.js`, the files it opens beside it (`data/`: rows, and copies
    /// of the files the plan names by path), and `results/.gitkeep` (the script's
    /// `handleSummary` writes there, and k6 does not create folders).
    Script,
    /// k6dsl's project tree (`--tree`): `scripts/main.js`, `scripts/lib/`,
    /// `scripts/scenarios/`, `data/`, `results/.gitkeep` and a `README.md`.
    Tree,
}

impl Layout {
    /// What the library generates for this layout.
    pub fn target(self) -> k6dsl::Target {
        match self {
            Layout::Script => k6dsl::Target::JAVASCRIPT,
            Layout::Tree => k6dsl::Target::PROJECT,
        }
    }
}

/// The files of the project a plan generates in `layout`, by path relative to the
/// project's directory, as [`k6dsl::generate()`] makes them. Files the plan names by
/// path (`csv_file`, `json_file`, `tlsAuth` PEM files) are read now, relative paths
/// from the current directory, and copied into the project's `data/`.
///
/// # Errors
///
/// The plan's problems, should it not generate.
///
/// ```
/// use k6dsl_cli::{project_files, Layout};
///
/// let plan = k6dsl::plan::Plan::from_json(k6dsl_cli::EXAMPLE_PLAN).unwrap();
/// let files = project_files(&plan, Layout::Script).unwrap();
/// let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
/// assert_eq!(paths, ["main.js", "results/.gitkeep"]);
/// let files = project_files(&plan, Layout::Tree).unwrap();
/// assert!(files.get("scripts/main.js").is_some());
/// ```
pub fn project_files(plan: &Plan, layout: Layout) -> Result<k6dsl::Files, k6dsl::Errors> {
    k6dsl::generate(&plan.script, layout.target())
}

fn generate(file: &str, plan: &Plan, layout: Layout) -> Result<k6dsl::Files, Failure> {
    project_files(plan, layout).map_err(|errors| Failure::Generate {
        file: file.to_owned(),
        errors,
    })
}

/// Writes the project through k6dsl's safe writer: paths kept inside `dir`, each file
/// atomic, nothing written when any file is refused (edited by hand, or not k6dsl's,
/// without `force`).
fn write_project(
    dir: &Path,
    files: k6dsl::Files,
    force: bool,
) -> Result<k6dsl::output::Report, Failure> {
    OutputDir::new(dir)
        .force(force)
        .write(files.into_pairs())
        .map_err(|errors| {
            let hint = if errors.needs_force() {
                "\nk6dsl: pass --force to overwrite them"
            } else {
                ""
            };
            Failure::Other(format!("{errors}{hint}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn run_with(list: &[&str]) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&args(list), &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    /// A directory under the system's temporary directory, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!(
                "k6dsl-cli-{name}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn file(&self, name: &str, contents: &str) -> String {
            let path = self.0.join(name);
            std::fs::write(&path, contents).unwrap();
            path.display().to_string()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn gen(list: &[&str]) -> Gen {
        match Cli::try_parse_args(list).map(|cli| cli.command) {
            Ok(Command::Gen(gen)) => gen,
            other => panic!("{list:?}: {other:?}"),
        }
    }

    #[test]
    fn command_lines() {
        Cli::command().debug_assert();
        let by_alias = gen(&["generate", "--output=out", "p.yaml"]);
        assert_eq!(
            by_alias,
            Gen {
                plan: "p.yaml".into(),
                output: "out".into(),
                force: false,
                tree: false,
            }
        );
        let after_dashes = gen(&["gen", "-o", "out", "--tree", "--", "-p.json"]);
        assert_eq!(after_dashes.plan, Path::new("-p.json"));
        assert_eq!(after_dashes.layout(), Layout::Tree);
        // A flag given twice is still set; a directory given twice is a mistake.
        assert!(gen(&["gen", "p.json", "-o", "d", "-f", "--force"]).force);
        assert_eq!(
            Cli::try_parse_args(["example", "--yaml"]).unwrap().command,
            Command::Example { yaml: true }
        );
        for (line, kind) in [
            (&["gen", "-o"][..], ErrorKind::InvalidValue),
            (
                &["gen", "-o", "a", "-o", "b", "p.json"],
                ErrorKind::ArgumentConflict,
            ),
            (&["gen", "-o", "a"], ErrorKind::MissingRequiredArgument),
            (
                &["gen", "-o", "a", "p.json", "q.json"],
                ErrorKind::UnknownArgument,
            ),
            (&["gen", "p.json", "--yes"], ErrorKind::UnknownArgument),
            (&["check", "p.json", "--force"], ErrorKind::UnknownArgument),
            (&["example", "x"], ErrorKind::UnknownArgument),
            (&["generat"], ErrorKind::InvalidSubcommand),
        ] {
            let error = Cli::try_parse_args(line).unwrap_err();
            assert_eq!(error.kind(), kind, "{line:?}: {error}");
            assert_eq!(error.exit_code(), USAGE, "{line:?}");
        }
    }

    #[test]
    fn help_and_version_print_on_stdout_and_succeed() {
        for line in [&[][..], &["help"], &["--help"], &["-h"], &["help", "gen"]] {
            let (code, out, err) = run_with(line);
            assert_eq!(code, SUCCESS, "{line:?}");
            assert!(out.contains("Usage: k6dsl"), "{line:?}: {out}");
            assert!(err.is_empty(), "{line:?}: {err}");
        }
        for line in [&["--version"][..], &["-V"], &["version"]] {
            let (code, out, _) = run_with(line);
            assert_eq!(code, SUCCESS, "{line:?}");
            assert_eq!(out, format!("k6dsl {}\n", env!("CARGO_PKG_VERSION")));
        }
    }

    #[test]
    fn usage_errors_exit_2_on_stderr() {
        let (code, out, err) = run_with(&["gen", "plan.json"]);
        assert_eq!(code, USAGE);
        assert!(out.is_empty());
        assert!(
            err.starts_with(
                "error: the following required arguments were not provided:\n  --output <DIR>\n"
            ),
            "{err}"
        );
        let (code, _, err) = run_with(&["check", "plan.toml"]);
        assert_eq!(code, USAGE);
        assert_eq!(
            err,
            "k6dsl: cannot tell the format of `plan.toml`: name the plan file .json, .yaml or .yml\n"
        );
    }

    #[test]
    fn example_and_schema_print() {
        let (code, out, _) = run_with(&["example"]);
        assert_eq!(code, SUCCESS);
        assert_eq!(out, EXAMPLE_PLAN);
        let (code, yaml, _) = run_with(&["example", "--yaml"]);
        assert_eq!(code, SUCCESS);
        assert_eq!(
            Plan::from_yaml(&yaml).unwrap(),
            Plan::from_json(EXAMPLE_PLAN).unwrap()
        );
        let (code, out, _) = run_with(&["schema"]);
        assert_eq!(code, SUCCESS);
        assert!(out.starts_with("# "), "{out}");
        let (code, out, _) = run_with(&["schema", "--json"]);
        assert_eq!(code, SUCCESS);
        assert_eq!(out, Plan::json_schema());
    }

    #[test]
    fn gen_writes_the_project_and_check_writes_nothing() {
        let scratch = Scratch::new("gen");
        let plan = scratch.file("plan.json", EXAMPLE_PLAN);
        let dir = scratch.0.join("project");
        let dir_text = dir.display().to_string();

        let (code, _, err) = run_with(&["check", &plan]);
        assert_eq!(code, SUCCESS, "{err}");
        assert!(!dir.exists());

        let (code, out, err) = run_with(&["gen", &plan, "-o", &dir_text]);
        assert_eq!(code, SUCCESS, "{err}");
        assert!(out.contains("created "), "{out}");
        let js = std::fs::read_to_string(dir.join("main.js")).unwrap();
        let expected = Plan::from_json(EXAMPLE_PLAN)
            .unwrap()
            .to_javascript()
            .unwrap();
        assert_eq!(js, expected);
        assert_eq!(
            std::fs::read_to_string(dir.join("results/.gitkeep")).unwrap(),
            ""
        );

        // Again: nothing changes. A hand edit is refused without --force.
        let (code, out, _) = run_with(&["gen", &plan, "-o", &dir_text]);
        assert_eq!(code, SUCCESS);
        assert!(out.contains("unchanged "), "{out}");
        std::fs::write(dir.join("main.js"), "// mine\n").unwrap();
        let (code, _, err) = run_with(&["gen", &plan, "-o", &dir_text]);
        assert_eq!(code, FAILURE);
        assert!(err.contains("pass --force"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.join("main.js")).unwrap(),
            "// mine\n"
        );
        let (code, out, err) = run_with(&["gen", &plan, "-o", &dir_text, "--force"]);
        assert_eq!(code, SUCCESS, "{err}");
        assert!(out.contains("forced "), "{out}");
        assert_eq!(std::fs::read_to_string(dir.join("main.js")).unwrap(), js);
    }

    #[test]
    fn a_bad_plan_is_located_and_nothing_is_written() {
        let scratch = Scratch::new("bad");
        let plan = scratch.file(
            "plan.yaml",
            "options:\n  execution:\n    scenarios:\n      - name: load\n        executor:\n          type: constant-vus\n          vus: 0\n          duration: 1m\n",
        );
        let dir = scratch.0.join("project");
        let (code, out, err) = run_with(&["gen", &plan, "-o", &dir.display().to_string()]);
        assert_eq!(code, FAILURE);
        assert!(out.is_empty());
        assert_eq!(
            err,
            format!(
                "{plan}:7:16: options.execution.scenarios[0].executor.vus: scenario `load`: vus must be greater than 0\n\
                 k6dsl: {plan} has 1 problem; nothing was written\n"
            )
        );
        assert!(!dir.exists());
    }

    #[test]
    fn unreadable_files_are_reported() {
        let scratch = Scratch::new("unreadable");
        let missing = scratch.0.join("missing.json").display().to_string();
        let (code, _, err) = run_with(&["check", &missing]);
        assert_eq!(code, FAILURE);
        assert!(
            err.starts_with(&format!("k6dsl: cannot read {missing}: ")),
            "{err}"
        );
        let path = scratch.0.join("latin1.json");
        std::fs::write(&path, b"{\"base_url\": \"\xe9\"}").unwrap();
        let (code, _, err) = run_with(&["check", &path.display().to_string()]);
        assert_eq!(code, FAILURE);
        assert!(err.contains("is not UTF-8 text (byte 14 is not)"), "{err}");
        let bom = scratch.file("bom.json", "\u{feff}{}");
        let (code, _, err) = run_with(&["check", &bom]);
        assert_eq!(code, SUCCESS, "{err}");
    }
}
