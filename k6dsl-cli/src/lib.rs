//! The `k6dsl` command line: turns a plan (a k6 test as data, in JSON or YAML, see
//! `docs/plan-schema.md`) into a k6 project.
//!
//! ```text
//! k6dsl gen PLAN -o DIR [--force]   write DIR/main.js, its data files and results/.gitkeep
//! k6dsl gen PLAN -o DIR --tree      write the test as a project tree (scripts/, data/, ...)
//! k6dsl check PLAN                  read and validate PLAN; write nothing
//! k6dsl example [--yaml]            print an example plan (the checkout test)
//! k6dsl schema                      print the plan format's reference
//! ```
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

use k6dsl::output::OutputDir;
use k6dsl::plan::{Format, Plan, PlanError};

/// The example plan `k6dsl example` prints: the checkout test of the README
/// (`cargo run --example checkout`), kept equal to it by `tests/plans.rs`.
pub const EXAMPLE_PLAN: &str = include_str!("../../tests/plans/checkout.json");

/// The plan format's reference `k6dsl schema` prints.
pub const SCHEMA: &str = include_str!("../../docs/plan-schema.md");

/// Exit status of a command that did what it was asked.
pub const SUCCESS: i32 = 0;
/// Exit status when the plan has problems, or the files could not be written.
pub const FAILURE: i32 = 1;
/// Exit status of a command line that is not understood.
pub const USAGE: i32 = 2;

const HELP: &str = "\
k6dsl: turn a plan (a k6 test as data, in JSON or YAML) into a k6 project

Usage:
  k6dsl gen PLAN -o DIR [--force]   write DIR/main.js, its data files and results/.gitkeep
      --tree                        write a project tree instead: scripts/main.js,
                                    scripts/lib/, scripts/scenarios/, data/, results/, README.md
  k6dsl check PLAN                  read and validate PLAN; write nothing
  k6dsl example [--yaml]            print an example plan (the checkout test)
  k6dsl schema                      print the plan format's reference
  k6dsl help                        print this
  k6dsl --version                   print the version

PLAN is read as JSON (.json) or YAML (.yaml, .yml). A plan with problems is reported
as FILE:LINE:COLUMN: FIELD.PATH: message, and nothing is written.
Files the plan names by path (csv_file, json_file, tlsAuth PEM files) are read from
the current directory (when relative) and copied into DIR/data/.
--force overwrites files in DIR that were edited by hand or not written by k6dsl.

Exit status: 0 success, 1 a bad plan or a refused write, 2 a usage error.
";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `gen PLAN -o DIR [--force]`.
    Gen {
        /// The plan file.
        plan: PathBuf,
        /// The project directory.
        out: PathBuf,
        /// Overwrite files edited by hand or not written by k6dsl.
        force: bool,
        /// The project's layout.
        layout: Layout,
    },
    /// `check PLAN`.
    Check {
        /// The plan file.
        plan: PathBuf,
    },
    /// `example [--yaml]`.
    Example {
        /// The format to print it in.
        format: Format,
    },
    /// `schema`.
    Schema,
    /// `help`, `--help`, `-h`, or nothing at all.
    Help,
    /// `--version`, `-V`.
    Version,
}

/// A command line that is not understood, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Reads the command line (without the program's name).
///
/// # Errors
///
/// What is wrong with it: an unknown command or option, a missing or repeated
/// argument.
///
/// ```
/// use std::ffi::OsString;
/// use k6dsl_cli::{parse, Command, Layout};
///
/// let args: Vec<OsString> = ["gen", "plan.json", "-o", "k6", "--force"].map(OsString::from).into();
/// assert_eq!(
///     parse(&args),
///     Ok(Command::Gen { plan: "plan.json".into(), out: "k6".into(), force: true, layout: Layout::Script })
/// );
/// let args: Vec<OsString> = ["gen", "plan.json"].map(OsString::from).into();
/// assert_eq!(parse(&args).unwrap_err().to_string(), "gen needs the project directory: -o DIR");
/// ```
pub fn parse(args: &[OsString]) -> Result<Command, UsageError> {
    let usage = |message: String| Err(UsageError(message));
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    let command = command.to_string_lossy();
    let mut positional: Vec<&OsString> = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut force = false;
    let mut tree = false;
    let mut yaml = false;
    let mut only_positional = false;
    let mut args = rest.iter();
    while let Some(arg) = args.next() {
        let text = arg.to_str().unwrap_or("");
        if only_positional || !text.starts_with('-') || text == "-" {
            positional.push(arg);
            continue;
        }
        match text {
            "--" => only_positional = true,
            "-o" | "--output" => match args.next() {
                Some(dir) if out.is_none() => out = Some(PathBuf::from(dir)),
                Some(_) => return usage("-o is given twice".into()),
                None => return usage(format!("{text} needs a directory")),
            },
            _ if text.starts_with("--output=") && out.is_none() => {
                out = Some(PathBuf::from(&text["--output=".len()..]));
            }
            "--force" | "-f" => force = true,
            "--tree" => tree = true,
            "--yaml" => yaml = true,
            _ => return usage(format!("unknown option `{text}` for {command}")),
        }
    }
    let only = |allowed: &[&str]| -> Result<(), UsageError> {
        let given = [
            ("-o", out.is_some()),
            ("--force", force),
            ("--tree", tree),
            ("--yaml", yaml),
        ];
        match given
            .iter()
            .find(|(name, set)| *set && !allowed.contains(name))
        {
            Some((name, _)) => Err(UsageError(format!("{command} does not take {name}"))),
            None => Ok(()),
        }
    };
    let one_plan = |positional: &[&OsString]| -> Result<PathBuf, UsageError> {
        match positional {
            [plan] => Ok(PathBuf::from(plan)),
            [] => Err(UsageError(format!(
                "{command} needs a plan file: {command} PLAN"
            ))),
            [_, extra, ..] => Err(UsageError(format!(
                "{command} takes one plan file; `{}` is one too many",
                extra.to_string_lossy()
            ))),
        }
    };
    let nothing_more = |positional: &[&OsString]| -> Result<(), UsageError> {
        match positional.first() {
            Some(extra) => Err(UsageError(format!(
                "{command} takes no argument `{}`",
                extra.to_string_lossy()
            ))),
            None => Ok(()),
        }
    };
    match command.as_ref() {
        "gen" | "generate" => {
            only(&["-o", "--force", "--tree"])?;
            let plan = one_plan(&positional)?;
            let out = out.ok_or_else(|| {
                UsageError(format!("{command} needs the project directory: -o DIR"))
            })?;
            let layout = if tree { Layout::Tree } else { Layout::Script };
            Ok(Command::Gen {
                plan,
                out,
                force,
                layout,
            })
        }
        "check" => {
            only(&[])?;
            Ok(Command::Check {
                plan: one_plan(&positional)?,
            })
        }
        "example" => {
            only(&["--yaml"])?;
            nothing_more(&positional)?;
            Ok(Command::Example {
                format: if yaml { Format::Yaml } else { Format::Json },
            })
        }
        "schema" => {
            only(&[])?;
            nothing_more(&positional)?;
            Ok(Command::Schema)
        }
        "help" | "--help" | "-h" => Ok(Command::Help),
        "--version" | "-V" | "version" => Ok(Command::Version),
        other => usage(format!(
            "unknown command `{other}`: use gen, check, example, schema or help"
        )),
    }
}

/// Runs the command line `args` (without the program's name), writing to `out` and
/// `err`, and returns the exit status: [`SUCCESS`], [`FAILURE`] or [`USAGE`].
pub fn run(args: &[OsString], out: &mut impl Write, err: &mut impl Write) -> i32 {
    let command = match parse(args) {
        Ok(command) => command,
        Err(usage) => {
            let _ = writeln!(err, "k6dsl: {usage}\nRun `k6dsl help` for usage.");
            return USAGE;
        }
    };
    match execute(command, out) {
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
        }
    }
}

fn execute(command: Command, out: &mut impl Write) -> Result<(), Failure> {
    let print = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Other(format!("cannot write to standard output: {e}")))
    };
    match command {
        Command::Help => print(out, HELP),
        Command::Version => print(out, &format!("k6dsl {}\n", env!("CARGO_PKG_VERSION"))),
        Command::Schema => print(out, SCHEMA),
        Command::Example { format } => {
            let text = match format {
                Format::Json => EXAMPLE_PLAN.to_owned(),
                Format::Yaml => Plan::from_json(EXAMPLE_PLAN)
                    .map_err(|e| Failure::Other(format!("the example plan does not read: {e}")))?
                    .to_yaml(),
            };
            print(out, &text)
        }
        Command::Check { plan } => {
            let (file, plan) = read_plan(&plan)?;
            generate(&file, &plan, Layout::Script)?;
            print(out, &format!("{file}: the plan is valid\n"))
        }
        Command::Gen {
            plan,
            out: dir,
            force,
            layout,
        } => {
            let (file, plan) = read_plan(&plan)?;
            let files = generate(&file, &plan, layout)?;
            let report = write_project(&dir, files, force)?;
            print(out, &format!("{report}\n"))
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

/// The files of the project a plan generates in `layout`, by path relative to the
/// project's directory. The one place that decides what `gen` writes. Files the
/// plan names by path (`csv_file`, `json_file`, `tlsAuth` PEM files) are read now,
/// relative paths from the current directory, and copied into the project's `data/`.
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
/// let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
/// assert_eq!(paths, ["main.js", "results/.gitkeep"]);
/// let files = project_files(&plan, Layout::Tree).unwrap();
/// assert!(files.iter().any(|(path, _)| path == "scripts/main.js"));
/// ```
pub fn project_files(plan: &Plan, layout: Layout) -> Result<Vec<(String, String)>, k6dsl::Errors> {
    match layout {
        Layout::Script => {
            let mut files = vec![("main.js".to_owned(), plan.to_javascript()?)];
            files.extend(plan.data_files()?);
            files.push(("results/.gitkeep".to_owned(), String::new()));
            Ok(files)
        }
        Layout::Tree => plan.to_project(),
    }
}

fn generate(file: &str, plan: &Plan, layout: Layout) -> Result<Vec<(String, String)>, Failure> {
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
    files: Vec<(String, String)>,
    force: bool,
) -> Result<k6dsl::output::Report, Failure> {
    OutputDir::new(dir)
        .force(force)
        .write(files)
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

    #[test]
    fn command_lines() {
        assert_eq!(parse(&[]), Ok(Command::Help));
        assert_eq!(
            parse(&args(&["gen", "--output=out", "p.yaml"])),
            Ok(Command::Gen {
                plan: "p.yaml".into(),
                out: "out".into(),
                force: false,
                layout: Layout::Script,
            })
        );
        assert_eq!(
            parse(&args(&["gen", "-o", "out", "--tree", "--", "-p.json"])),
            Ok(Command::Gen {
                plan: "-p.json".into(),
                out: "out".into(),
                force: false,
                layout: Layout::Tree,
            })
        );
        assert_eq!(
            parse(&args(&["example", "--yaml"])),
            Ok(Command::Example {
                format: Format::Yaml
            })
        );
        assert_eq!(parse(&args(&["--version"])), Ok(Command::Version));
        for (line, message) in [
            (&["gen", "-o"][..], "-o needs a directory"),
            (
                &["gen", "-o", "a", "-o", "b", "p.json"],
                "-o is given twice",
            ),
            (&["gen", "-o", "a"], "gen needs a plan file: gen PLAN"),
            (
                &["gen", "-o", "a", "p.json", "q.json"],
                "gen takes one plan file; `q.json` is one too many",
            ),
            (
                &["gen", "p.json", "--yes"],
                "unknown option `--yes` for gen",
            ),
            (
                &["check", "p.json", "--force"],
                "check does not take --force",
            ),
            (&["example", "x"], "example takes no argument `x`"),
            (&["generat"], "unknown command `generat`"),
        ] {
            let error = parse(&args(line)).unwrap_err().to_string();
            assert!(error.starts_with(message), "{line:?}: {error}");
        }
    }

    #[test]
    fn usage_errors_exit_2_and_point_to_help() {
        let (code, out, err) = run_with(&["gen", "plan.json"]);
        assert_eq!(code, USAGE);
        assert!(out.is_empty());
        assert_eq!(
            err,
            "k6dsl: gen needs the project directory: -o DIR\nRun `k6dsl help` for usage.\n"
        );
        let (code, _, err) = run_with(&["check", "plan.toml"]);
        assert_eq!(code, USAGE);
        assert!(
            err.contains("name the plan file .json, .yaml or .yml"),
            "{err}"
        );
        let (code, out, _) = run_with(&["help"]);
        assert_eq!(code, SUCCESS);
        assert!(out.contains("k6dsl gen PLAN -o DIR [--force]"));
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
