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
//! | `GET /products?page=&limit=` | | `{"products":[{"id","name","price","stock"}],"total","page","limit"}` |
//! | `GET /products/{id}` | | a product, 404 |
//! | `GET /users/me` | bearer | the user |
//! | `GET /cart`, `DELETE /cart` | bearer | `{"items":[{"product_id","quantity","price"}],"total"}` |
//! | `POST /cart/items` (`product_id`, `quantity`) | bearer | 201 with the cart, 404, 400 |
//! | `POST /checkout` | bearer | 201 `{"order_id","total","items"}`, 400 when the cart is empty |
//! | `GET /orders/{id}` | bearer | the user's order, 404 |
//! | any method `/echo/...` | | the request as JSON: `{"method","path","query","headers","body"}` |
//! | `GET /basic-auth/{user}/{password}` | basic | 200 when the credentials match, else 401 |
//! | `GET /status/{code}`, `GET /delay/{ms}`, `GET /redirect/{n}` | | that status; a late 200; a 302 chain to `/health` |
//!
//! Missing or unknown tokens get 401 `{"error":"unauthorized"}`.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

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
        let app = router(Arc::clone(&shop));
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

#[derive(Debug, Clone, serde::Serialize)]
struct Product {
    id: u32,
    name: String,
    price: f64,
    stock: u32,
}

#[derive(Debug, Clone, serde::Serialize)]
struct CartItem {
    product_id: u32,
    quantity: u32,
    price: f64,
}

#[derive(Debug, Clone)]
struct Order {
    user: u32,
    items: Vec<CartItem>,
    total: f64,
}

#[derive(Default)]
struct Data {
    tokens: HashMap<String, u32>,
    carts: HashMap<u32, Vec<CartItem>>,
    orders: HashMap<u64, Order>,
}

struct Shop {
    products: Vec<Product>,
    data: Mutex<Data>,
    recorded: Mutex<Vec<RecordedRequest>>,
    record: bool,
    latency: (Duration, Duration),
    counter: AtomicU64,
}

impl Shop {
    fn new(latency: (Duration, Duration), record: bool) -> Self {
        let products = (1..=PRODUCTS)
            .map(|id| Product {
                id,
                name: format!("Product {id}"),
                price: f64::from(id * 125 + 300) / 100.0,
                stock: 100,
            })
            .collect();
        Shop {
            products,
            data: Mutex::new(Data::default()),
            recorded: Mutex::new(Vec::new()),
            record,
            latency,
            counter: AtomicU64::new(0x9e37_79b9_7f4a_7c15),
        }
    }

    /// A cheap pseudo-random number (splitmix64), for latency and tokens.
    fn next(&self) -> u64 {
        let mut z = self
            .counter
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn delay(&self) -> Duration {
        let (min, max) = self.latency;
        let span = (max - min).as_micros() as u64;
        if span == 0 {
            min
        } else {
            min + Duration::from_micros(self.next() % (span + 1))
        }
    }

    fn user(&self, headers: &HeaderMap) -> Option<u32> {
        let token = headers
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")?;
        self.data.lock().ok()?.tokens.get(token).copied()
    }
}

type Shared = State<Arc<Shop>>;

fn router(shop: Arc<Shop>) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({ "status": "ok" })) }))
        .route("/auth/login", post(login))
        .route("/products", get(products))
        .route("/products/{id}", get(product))
        .route("/users/me", get(me))
        .route("/cart", get(cart).delete(empty_cart))
        .route("/cart/items", post(add_to_cart))
        .route("/checkout", post(checkout))
        .route("/orders/{id}", get(order))
        .route("/echo", any(echo))
        .route("/echo/{*rest}", any(echo))
        .route("/basic-auth/{user}/{password}", get(basic_auth))
        .route("/status/{code}", get(status))
        .route("/delay/{ms}", get(delay))
        .route("/redirect/{n}", get(redirect))
        .route("/cart/items/{id}", delete(remove_from_cart))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not found") })
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shop),
            record_and_delay,
        ))
        .with_state(shop)
}

/// Records the request (when asked), waits the configured latency, then answers.
async fn record_and_delay(State(shop): Shared, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, 16 * 1024 * 1024).await else {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
    };
    if shop.record {
        let recorded = RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body: bytes.to_vec(),
        };
        shop.recorded.lock().expect("recorder lock").push(recorded);
    }
    let delay = shop.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn unauthorized() -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        "Bearer".parse().expect("valid header"),
    );
    response
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// Parses `username`/`password` from JSON or a form body.
fn credentials(headers: &HeaderMap, body: &[u8]) -> Option<Credentials> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let fields: HashMap<String, String> = form_fields(body);
        Some(Credentials {
            username: fields.get("username")?.clone(),
            password: fields.get("password")?.clone(),
        })
    } else {
        serde_json::from_slice(body).ok()
    }
}

fn form_fields(body: &[u8]) -> HashMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((percent_decode(k), percent_decode(v)))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn user_number(username: &str) -> Option<u32> {
    let n: u32 = username.strip_prefix("user")?.parse().ok()?;
    (1..=USERS).contains(&n).then_some(n)
}

fn user_json(id: u32) -> Value {
    json!({ "id": id, "username": format!("user{id}"), "name": format!("Demo User {id}") })
}

async fn login(State(shop): Shared, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let Some(credentials) = credentials(&headers, &body) else {
        return error(StatusCode::BAD_REQUEST, "send username and password");
    };
    let Some(id) = user_number(&credentials.username).filter(|_| credentials.password == PASSWORD)
    else {
        return error(StatusCode::UNAUTHORIZED, "invalid credentials");
    };
    let token = format!("{:016x}{:016x}", shop.next(), shop.next());
    shop.data
        .lock()
        .expect("shop lock")
        .tokens
        .insert(token.clone(), id);
    Json(json!({ "token": token, "user": user_json(id) })).into_response()
}

#[derive(Deserialize)]
struct Page {
    page: Option<usize>,
    limit: Option<usize>,
}

async fn products(State(shop): Shared, Query(page): Query<Page>) -> Response {
    let limit = page.limit.unwrap_or(20).clamp(1, 100);
    let number = page.page.unwrap_or(1).max(1);
    let items: Vec<&Product> = shop
        .products
        .iter()
        .skip((number - 1) * limit)
        .take(limit)
        .collect();
    Json(json!({ "products": items, "total": shop.products.len(), "page": number, "limit": limit }))
        .into_response()
}

async fn product(State(shop): Shared, Path(id): Path<String>) -> Response {
    match id
        .parse::<u32>()
        .ok()
        .and_then(|id| shop.products.get(id.checked_sub(1)? as usize))
    {
        Some(product) => Json(json!(product)).into_response(),
        None => error(StatusCode::NOT_FOUND, "product not found"),
    }
}

async fn me(State(shop): Shared, headers: HeaderMap) -> Response {
    match shop.user(&headers) {
        Some(id) => Json(user_json(id)).into_response(),
        None => unauthorized(),
    }
}

fn cart_json(items: &[CartItem]) -> Value {
    let total: f64 = items.iter().map(|i| i.price * f64::from(i.quantity)).sum();
    json!({ "items": items, "total": (total * 100.0).round() / 100.0 })
}

async fn cart(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let data = shop.data.lock().expect("shop lock");
    Json(cart_json(
        data.carts.get(&user).map(Vec::as_slice).unwrap_or(&[]),
    ))
    .into_response()
}

async fn empty_cart(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    shop.data.lock().expect("shop lock").carts.remove(&user);
    Json(cart_json(&[])).into_response()
}

#[derive(Deserialize)]
struct AddItem {
    product_id: u32,
    quantity: u32,
}

async fn add_to_cart(State(shop): Shared, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let Ok(item) = serde_json::from_slice::<AddItem>(&body) else {
        return error(StatusCode::BAD_REQUEST, "send product_id and quantity");
    };
    if !(1..=100).contains(&item.quantity) {
        return error(
            StatusCode::BAD_REQUEST,
            "quantity must be between 1 and 100",
        );
    }
    let Some(product) = item
        .product_id
        .checked_sub(1)
        .and_then(|i| shop.products.get(i as usize))
    else {
        return error(StatusCode::NOT_FOUND, "product not found");
    };
    let mut data = shop.data.lock().expect("shop lock");
    let cart = data.carts.entry(user).or_default();
    match cart.iter_mut().find(|i| i.product_id == item.product_id) {
        Some(existing) => existing.quantity += item.quantity,
        None => cart.push(CartItem {
            product_id: item.product_id,
            quantity: item.quantity,
            price: product.price,
        }),
    }
    (StatusCode::CREATED, Json(cart_json(cart))).into_response()
}

async fn remove_from_cart(
    State(shop): Shared,
    headers: HeaderMap,
    Path(id): Path<u32>,
) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let mut data = shop.data.lock().expect("shop lock");
    let cart = data.carts.entry(user).or_default();
    cart.retain(|i| i.product_id != id);
    Json(cart_json(cart)).into_response()
}

async fn checkout(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let mut data = shop.data.lock().expect("shop lock");
    let items = data.carts.remove(&user).unwrap_or_default();
    if items.is_empty() {
        return error(StatusCode::BAD_REQUEST, "cart is empty");
    }
    let total = cart_json(&items)["total"].as_f64().unwrap_or(0.0);
    let order_id = data.orders.len() as u64 + 1;
    let body = json!({ "order_id": order_id, "total": total, "items": items });
    data.orders.insert(order_id, Order { user, items, total });
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn order(State(shop): Shared, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let data = shop.data.lock().expect("shop lock");
    match id
        .parse::<u64>()
        .ok()
        .and_then(|id| Some((id, data.orders.get(&id)?)))
    {
        Some((id, order)) if order.user == user => {
            Json(json!({ "id": id, "total": order.total, "items": order.items })).into_response()
        }
        _ => error(StatusCode::NOT_FOUND, "order not found"),
    }
}

async fn echo(request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let headers: serde_json::Map<String, Value> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()),
            )
        })
        .collect();
    Json(json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
    .into_response()
}

async fn basic_auth(
    headers: HeaderMap,
    Path((user, password)): Path<(String, String)>,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(base64_decode);
    if given.as_deref() == Some(format!("{user}:{password}").as_bytes()) {
        Json(json!({ "authenticated": true, "user": user })).into_response()
    } else {
        let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized");
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            "Basic realm=\"demo\"".parse().expect("valid header"),
        );
        response
    }
}

/// Standard base64 with padding, as HTTP Basic authentication sends it.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

async fn status(Path(code): Path<u16>) -> Response {
    match StatusCode::from_u16(code) {
        Ok(status) => (status, Json(json!({ "status": code }))).into_response(),
        Err(_) => error(StatusCode::BAD_REQUEST, "not a status code"),
    }
}

async fn delay(Path(ms): Path<u64>) -> Response {
    tokio::time::sleep(Duration::from_millis(ms.min(10_000))).await;
    Json(json!({ "delayed_ms": ms })).into_response()
}

async fn redirect(Path(n): Path<u32>) -> Response {
    let location = if n <= 1 {
        "/health".to_owned()
    } else {
        format!("/redirect/{}", n - 1)
    };
    (
        StatusCode::FOUND,
        [(header::LOCATION, location)],
        Body::empty(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_clients_send() {
        assert_eq!(base64_decode("YWxpY2U6czNjcmV0").unwrap(), b"alice:s3cret");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert_eq!(percent_decode("a+b%C3%BC%26"), "a bü&");
        assert_eq!(user_number("user7"), Some(7));
        assert_eq!(user_number("user0"), None);
        assert_eq!(user_number("user1001"), None);
    }
}
