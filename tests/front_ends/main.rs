//! The front ends, where a test is written: the macros make the same model as the
//! builders (`macros`, and `macro_logic` for the run-time logic forms); plans as
//! JSON and YAML (`plans`); the compile errors the types and macros give
//! (`compiletest`, pinned in `tests/ui/`); and the README's examples, whose output
//! and errors are real (`readme`); importers of OpenAPI documents (`import`).
//!
//! One of the integration-test binaries, one per pipeline area (each links the
//! whole library once); run it alone with `cargo test --test front_ends`.

mod compiletest;
mod import;
mod macro_logic;
mod macros;
mod plans;
mod readme;
