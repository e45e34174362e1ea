//! Compile-fail tests: every rule k6dsl's types enforce, each with the message a user
//! sees pinned in `tests/ui/<rule>.stderr`.
//!
//! Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test --test front_ends compiletest`
//! and read every `.stderr` before keeping it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    // The corrected forms must compile. A pass case also makes trybuild build rather
    // than only check, which `ui/nz_zero_count.rs` needs: an `nz!(0)` argument is a
    // const-evaluation error that `cargo check` does not report.
    t.pass("tests/ui/pass/*.rs");
}
