//! Run-time logic in a k6 test: expected statuses, branches on a status, a
//! multipart upload, a 70/30 mix, loops that run in k6, computed values, the
//! cookie jar and the escape hatch, against the demo shop. The test is defined in
//! `src/shop_logic.rs`.
//!
//! ```text
//! cargo run --example shop_logic > main.js              # the script alone
//! cargo run --example shop_logic -- --ts > main.ts      # TypeScript
//! cargo run --example shop_logic -- --project k6/       # the tree, with data/receipt.png
//! cargo run --example demo_shop &                       # a shop on 127.0.0.1:3300
//! k6 run -e SHOP_PASSWORD=demo-pass k6/scripts/main.js
//! ```
//!
//! The script opens the file it uploads (`data/receipt.png`) beside itself: the
//! project tree has it; a script printed alone needs it copied there (the example
//! says from where on stderr).

use std::path::PathBuf;

/// Prints the shop-logic test, or writes it as a k6 project tree.
#[derive(clap::Parser)]
#[command(
    about = "Print the shop-logic k6 test (run-time logic against the demo shop)",
    after_help = "BASE_URL points the test at another shop; the password is only ever \
read from SHOP_PASSWORD when k6 runs; -e VERBOSE=true logs each iteration."
)]
struct Args {
    /// Write a k6 project tree into DIR instead of one script to stdout
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// Write TypeScript (typed against @types/k6) instead of JavaScript
    #[arg(long = "ts")]
    typescript: bool,
    /// Overwrite project files that were edited by hand
    #[arg(long)]
    force: bool,
}

fn main() {
    let args = <Args as clap::Parser>::parse();
    let script = k6dsl_suite::shop_logic::script();
    if args.project.is_none() {
        // A script alone cannot carry the file it uploads: say where it comes from.
        for upload in &script.to_ir().uploads {
            eprintln!(
                "note: the script opens ./{} (copy {} there, or write the tree with --project DIR)",
                upload.script_file(),
                upload.path
            );
        }
    }
    let result = match (&args.project, args.typescript) {
        (None, false) => script
            .to_javascript()
            .map(|js| print!("{js}"))
            .map_err(|e| e.to_string()),
        (None, true) => script
            .to_typescript()
            .map(|ts| print!("{ts}"))
            .map_err(|e| e.to_string()),
        (Some(dir), typescript) => {
            let target = if typescript {
                k6dsl::Target::PROJECT_TS
            } else {
                k6dsl::Target::PROJECT
            };
            script
                .generate(target)
                .map_err(|e| e.to_string())
                .and_then(|files| k6dsl_suite::checkout::write_project(dir, files, args.force))
        }
    };
    if let Err(message) = result {
        eprintln!("{message}");
        std::process::exit(1);
    }
}
