//! What k6dsl writes to disk and how it travels: the project tree (`project`), the
//! data and PEM files a script opens (`data_files`), the build script generator
//! in real `cargo build`s of a sample crate (`build_script`), and the k6-operator
//! manifests (`k8s`). Each is checked where it lands, by node, prettier and k6 run
//! from another directory.
//!
//! One of the integration-test binaries, one per pipeline area (each links the
//! whole library once); run it alone with `cargo test --test output`.

use demo_shop::DemoShop;

mod build_script;
mod data_files;
mod k8s;
mod project;

/// The demo shop on 127.0.0.1 without its simulated latency: these tests check
/// where files land, not timings.
fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}
