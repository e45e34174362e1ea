//! Which handler answers which path, and the layer every request goes through.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::accounts::{login, me};
use crate::auth::{basic::basic_auth, digest::digest_auth, ntlm::ntlm_auth};
use crate::http_tools::{delay, echo, redirect, status};
use crate::respond::error;
use crate::session::{current_session, end_session, start_session};
use crate::shop::{
    add_to_cart, cart, checkout, empty_cart, order, orders, product, products, remove_from_cart,
};
use crate::state::{Shared, Shop};
use crate::uploads::{upload, UPLOAD_LIMIT};
use crate::wishlist::{add_to_wishlist, create_wishlist, delete_wishlist, wishlist};
use crate::RecordedRequest;

/// Every endpoint of the table in the crate's documentation.
pub(crate) fn router(shop: Arc<Shop>) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({ "status": "ok" })) }))
        .route("/stats", get(stats))
        .route("/openapi.json", get(openapi))
        .route("/auth/login", post(login))
        .route(
            "/session",
            get(current_session).post(start_session).delete(end_session),
        )
        .route("/products", get(products))
        .route("/products/{id}", get(product))
        .route("/users/me", get(me))
        .route("/cart", get(cart).delete(empty_cart))
        .route("/cart/items", post(add_to_cart))
        .route("/checkout", post(checkout))
        .route("/orders", get(orders))
        .route("/orders/{id}", get(order))
        .route(
            "/wishlist",
            get(wishlist).post(create_wishlist).delete(delete_wishlist),
        )
        .route("/wishlist/items", post(add_to_wishlist))
        // Above axum's default 2 MB body limit, and below the 16 MiB every request
        // may have.
        .route(
            "/uploads",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/echo", any(echo))
        .route("/echo/{*rest}", any(echo))
        .route("/basic-auth/{user}/{password}", get(basic_auth))
        .route("/digest-auth/{user}/{password}", get(digest_auth))
        .route("/ntlm-auth/{user}/{password}", get(ntlm_auth))
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

/// `GET /openapi.json`: the shop's OpenAPI 3 document (its main endpoints), as
/// `k6dsl import openapi` reads it.
async fn openapi() -> Response {
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(crate::OPENAPI))
        .expect("a static response")
}

/// `GET /stats`: `{"routes":{"GET /products":12,...},"total":N}`, the requests
/// received per route since the shop started (`/stats` itself not counted;
/// paths no route matches under `unmatched`).
async fn stats(State(shop): Shared) -> Json<serde_json::Value> {
    let routes = shop.routes.lock().expect("routes lock").clone();
    let total: u64 = routes.values().sum();
    Json(json!({ "routes": routes, "total": total }))
}

/// Counts and records the request (when asked), waits the configured latency,
/// then answers.
async fn record_and_delay(State(shop): Shared, request: Request, next: Next) -> Response {
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => format!("{} {}", request.method(), path.as_str()),
        None => "unmatched".to_owned(),
    };
    if route != "GET /stats" {
        *shop
            .routes
            .lock()
            .expect("routes lock")
            .entry(route)
            .or_default() += 1;
    }
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
