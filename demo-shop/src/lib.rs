//! A small shop API for k6dsl's examples, tests and benchmarks, served on 127.0.0.1.
//!
//! `cargo run --example demo_shop` serves it on 127.0.0.1:3300 (`DEMO_SHOP_ADDR`
//! overrides); tests start it in-process with [`DemoShop::start`] on a free port and
//! read back every request it received with [`DemoShop::requests`].
//!
//! Users `user1` to `user1000` all have the password `demo-pass`. Responses are JSON
//! and take a little time (1 to 5 ms by default).
//!
//! | endpoint | auth | answer |
//! | --- | --- | --- |
//! | `GET /health` | | `{"status":"ok"}` |
//! | `POST /auth/login` (JSON or form: `username`, `password`) | | `{"token","user":{"id","username","name"}}`, 401, 400 |
//! | `POST /session` (JSON or form: `username`, `password`) | | `{"user":{...}}` with `Set-Cookie: session=<token>; Path=/; HttpOnly`, 401, 400 |
//! | `GET /session` | `session` cookie | `{"user":{...}}`, 401 `{"error":"no session"}` |
//! | `DELETE /session` | `session` cookie | 204 with `Set-Cookie: session=; Path=/; HttpOnly; Max-Age=0`; the cookie's session no longer counts |
//! | `GET /products?page=&limit=` | | `{"products":[{"id","name","price","stock"}],"total","page","limit"}` |
//! | `GET /products/{id}` | | a product, 404 |
//! | `GET /users/me` | bearer | the user |
//! | `GET /cart`, `DELETE /cart` | bearer | `{"items":[{"product_id","quantity","price"}],"total"}` |
//! | `POST /cart/items` (`product_id`, `quantity`) | bearer | 201 with the cart, 404, 400 |
//! | `POST /checkout` | bearer | 201 `{"order_id","total","items"}`, 400 when the cart is empty |
//! | `GET /orders` | bearer | `{"orders":[{"id","total","items"}]}`, the user's orders oldest first |
//! | `GET /orders/{id}` | bearer | the user's order, 404 |
//! | `GET /wishlist` | bearer | `{"id","items":[{"product_id","name"}]}`, 404 `{"error":"no wishlist"}` until `POST /wishlist` |
//! | `POST /wishlist`, `DELETE /wishlist` | bearer | 201 `{"id","items":[]}`, 409 `{"error":"wishlist exists"}`; 204, 404 when there is none |
//! | `POST /wishlist/items` (`product_id`) | bearer | 201 with the wishlist (a product already on it stays once), 404 without a wishlist or for an unknown product, 400 |
//! | `POST /uploads` (`multipart/form-data`: text field `title`, part `file` with a filename and a content type) | bearer | 201 `{"id","title","filename","content_type","size","md5"}` (the hex MD5 of the file's bytes as received), 400 `{"error"}` naming what is missing or malformed, 413 past 10 MiB |
//! | any method `/echo/...` | | the request as JSON: `{"method","path","query","headers","body"}` |
//! | `GET /basic-auth/{user}/{password}` | basic | 200 when the credentials match, else 401 |
//! | `GET /digest-auth/{user}/{password}` | digest (MD5, `qop=auth`) | 200 `{"authenticated","user"}` when the response hash is right, else 401 with a challenge |
//! | `GET /ntlm-auth/{user}/{password}` | NTLM (NTLMv2) | 401 `NTLM`, 401 with a challenge for a NEGOTIATE message, then 200 `{"authenticated","user"}` when the AUTHENTICATE message's NTLMv2 proof is right, else 401 |
//! | `GET /status/{code}`, `GET /delay/{ms}`, `GET /redirect/{n}` | | that status; a late 200; a 302 chain to `/health` |
//! | `GET /openapi.json` | | this shop's OpenAPI 3 document ([`OPENAPI`]): health, login, products, user, cart, checkout, orders |
//! | `GET /stats` | | `{"routes":{"GET /products/{id}":12,...},"total":N}`: requests per route since the shop started (itself not counted; what no route matches under `unmatched`), to check a distributed run's traffic from outside |
//!
//! Missing or unknown tokens get 401 `{"error":"unauthorized"}`.

mod accounts;
mod auth;
mod http_tools;
mod respond;
mod router;
mod session;
mod shop;
mod state;
mod uploads;
mod util;
mod wishlist;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use state::Shop;
pub use util::base64_encode;

/// The shop's OpenAPI 3.0 document, served at `GET /openapi.json`: the main
/// endpoints (health, login, products, the user, the cart, checkout, orders).
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every demo user's password.
pub const PASSWORD: &str = "demo-pass";
/// How many users exist (`user1` to `user1000`).
pub const USERS: u32 = 1000;
/// How many products exist (ids 1 to 50).
pub const PRODUCTS: u32 = 50;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method (`GET`).
    pub method: String,
    /// The path, percent-encoding preserved.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Headers in arrival order, values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body's bytes.
    pub body: Vec<u8>,
}

/// How to run the shop.
#[derive(Debug, Clone)]
pub struct Builder {
    addr: SocketAddr,
    latency: (Duration, Duration),
    record: bool,
}

impl Builder {
    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Every response takes this long (default: between 1 and 5 ms).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = (latency, latency);
        self
    }

    /// Every response takes between `min` and `max`.
    pub fn latency_between(mut self, min: Duration, max: Duration) -> Self {
        self.latency = (min, max.max(min));
        self
    }

    /// Whether to keep every request for [`DemoShop::requests`] (default yes; turn
    /// it off for long benchmarks).
    pub fn record_requests(mut self, record: bool) -> Self {
        self.record = record;
        self
    }

    /// Binds and starts serving on a background thread.
    pub fn start(self) -> std::io::Result<DemoShop> {
        let listener = TcpListener::bind(self.addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shop = Arc::new(Shop::new(self.latency, self.record));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = router::router(Arc::clone(&shop));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("demo-shop".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(e) => {
                            eprintln!("demo_shop: cannot listen: {e}");
                            return;
                        }
                    };
                    // NTLM authenticates a connection: its handler needs the peer address.
                    let app = app.into_make_service_with_connect_info::<SocketAddr>();
                    let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                        let _ = stopped.await;
                    });
                    if let Err(e) = serve.await {
                        eprintln!("demo_shop: server error: {e}");
                    }
                });
            })?;
        Ok(DemoShop {
            addr,
            shop,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A running shop; dropping it stops the server.
pub struct DemoShop {
    addr: SocketAddr,
    shop: Arc<Shop>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DemoShop {
    /// Options: address, latency, recording.
    pub fn builder() -> Builder {
        Builder {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            latency: (Duration::from_millis(1), Duration::from_millis(5)),
            record: true,
        }
    }

    /// Starts on 127.0.0.1 with a free port and the default latency.
    pub fn start() -> std::io::Result<DemoShop> {
        Self::builder().start()
    }

    /// Starts on `addr`.
    pub fn start_on(addr: SocketAddr) -> std::io::Result<DemoShop> {
        Self::builder().addr(addr).start()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shop.recorded.lock().expect("recorder lock").clone()
    }

    /// Requests received per route since the shop started, as `GET /stats`
    /// answers them: `"GET /products/{id}" => 12`.
    pub fn route_counts(&self) -> std::collections::BTreeMap<String, u64> {
        self.shop.routes.lock().expect("routes lock").clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shop.recorded.lock().expect("recorder lock").clear();
    }
}

impl Drop for DemoShop {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
