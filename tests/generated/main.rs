//! The generated code, checked by its consumers: k6 reads back every option
//! (`k6_inspect`); the golden cases match byte for byte and pass k6, node, tsc and
//! prettier (`golden`); pinned snapshots (`snapshots`); the helper files copied as
//! they are (`helper_files`); TypeScript output (`typescript`); VU code run against
//! the demo shop (`vu_code`); and hostile text that cannot break or inject code
//! (`escaping`).
//!
//! One of the integration-test binaries, one per pipeline area (each links the
//! whole library once); run it alone with `cargo test --test generated`.

use demo_shop::DemoShop;

mod escaping;
mod golden;
mod helper_files;
mod k6_inspect;
mod snapshots;
mod typescript;
mod vu_code;

/// Starts a shop without artificial latency.
fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}
