//! The `k6dsl` command: see [`k6dsl_cli`] and `k6dsl help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    // clap prints the help, the version and usage errors itself (in colour on a
    // terminal, honouring NO_COLOR) and exits: 0 after help or the version, 2
    // after a usage error.
    let cli = k6dsl_cli::Cli::try_parse_args(std::env::args_os().skip(1))
        .unwrap_or_else(|clap_message| clap_message.exit());
    let code = k6dsl_cli::execute(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
