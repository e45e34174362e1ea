//! The demo shop: a small JSON shop API for trying generated scripts.
//!
//! ```text
//! cargo run --example demo_shop                         # http://127.0.0.1:3300
//! DEMO_SHOP_ADDR=127.0.0.1:8080 cargo run --example demo_shop
//! ```
//!
//! Users `user1` to `user1000`, password `demo-pass`; endpoints are listed in the
//! `demo_shop` crate's documentation.

use std::io::Write;
use std::net::SocketAddr;

fn main() {
    let addr = std::env::var("DEMO_SHOP_ADDR").unwrap_or_else(|_| "127.0.0.1:3300".into());
    let addr: SocketAddr = match addr.parse() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("DEMO_SHOP_ADDR `{addr}` is not an address like 127.0.0.1:3300: {e}");
            std::process::exit(2);
        }
    };
    // A long-lived server keeps no request log.
    let shop = match demo_shop::DemoShop::builder()
        .addr(addr)
        .record_requests(false)
        .start()
    {
        Ok(shop) => shop,
        Err(e) => {
            eprintln!("demo_shop cannot listen on {addr}: {e}");
            std::process::exit(2);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "demo_shop listening on {}", shop.base_url());
    let _ = out.flush();
    loop {
        std::thread::park();
    }
}
