//! The `k6dsl` binary as a user meets it: its help, its usage errors and what it
//! prints for good and bad plans, pinned by transcripts.
//!
//! Each `tests/cmd/NAME.toml` runs the real binary with `args`; `NAME.stdout` and
//! `NAME.stderr` are what it must print on each stream (an empty file: nothing),
//! and `NAME.out/` the files it must write. The plans they read are in
//! `tests/cmd/plans/`, the OpenAPI documents `import` reads in `tests/cmd/specs/`.
//! After a deliberate change, rewrite the transcripts with
//! `TRYCMD=overwrite cargo test -p k6dsl-cli --test cli` and review the diff;
//! without `TRYCMD=overwrite` (as on CI) a difference fails the test.

#[test]
fn transcripts() {
    trycmd::TestCases::new()
        .register_bin(
            "k6dsl",
            std::path::PathBuf::from(env!("CARGO_BIN_EXE_k6dsl")),
        )
        // clap colours its messages on a terminal or under CLICOLOR_FORCE; NO_COLOR
        // wins over both, so the transcripts hold plain text wherever they run.
        .env("NO_COLOR", "1")
        .insert_var("[VERSION]", env!("CARGO_PKG_VERSION"))
        .expect("[VERSION] is a valid variable name")
        .case("tests/cmd/*.toml");
}
