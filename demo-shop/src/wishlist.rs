//! A resource that does not exist until it is created: each user's wishlist.
//!
//! Scripts use it to expect a 404 on purpose (`GET /wishlist` before `POST
//! /wishlist`) and to branch on a response's status.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::respond::{error, unauthorized};
use crate::state::{Shared, Shop, Wishlist};

/// `{"id","items":[{"product_id","name"}]}`.
fn wishlist_json(shop: &Shop, wishlist: &Wishlist) -> Value {
    let items: Vec<Value> = wishlist
        .products
        .iter()
        .filter_map(|&id| shop.product(id))
        .map(|product| json!({ "product_id": product.id, "name": product.name }))
        .collect();
    json!({ "id": wishlist.id, "items": items })
}

fn no_wishlist() -> Response {
    error(StatusCode::NOT_FOUND, "no wishlist")
}

/// `GET /wishlist`: the user's wishlist, 404 until it is created.
pub(crate) async fn wishlist(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let data = shop.data.lock().expect("shop lock");
    match data.wishlists.get(&user) {
        Some(wishlist) => Json(wishlist_json(&shop, wishlist)).into_response(),
        None => no_wishlist(),
    }
}

/// `POST /wishlist`: creates an empty wishlist, 409 when the user has one.
pub(crate) async fn create_wishlist(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let mut data = shop.data.lock().expect("shop lock");
    if data.wishlists.contains_key(&user) {
        return error(StatusCode::CONFLICT, "wishlist exists");
    }
    data.wishlists_created += 1;
    let wishlist = Wishlist {
        id: data.wishlists_created,
        products: Vec::new(),
    };
    let body = wishlist_json(&shop, &wishlist);
    data.wishlists.insert(user, wishlist);
    (StatusCode::CREATED, Json(body)).into_response()
}

/// `DELETE /wishlist`: 204, and `GET /wishlist` answers 404 again.
pub(crate) async fn delete_wishlist(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    match shop.data.lock().expect("shop lock").wishlists.remove(&user) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => no_wishlist(),
    }
}

#[derive(Deserialize)]
struct WishItem {
    product_id: u32,
}

/// `POST /wishlist/items` `{"product_id"}`: 201 with the wishlist; a product already
/// on it stays there once.
pub(crate) async fn add_to_wishlist(
    State(shop): Shared,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let Ok(item) = serde_json::from_slice::<WishItem>(&body) else {
        return error(StatusCode::BAD_REQUEST, "send product_id");
    };
    let mut data = shop.data.lock().expect("shop lock");
    let Some(wishlist) = data.wishlists.get_mut(&user) else {
        return no_wishlist();
    };
    if shop.product(item.product_id).is_none() {
        return error(StatusCode::NOT_FOUND, "product not found");
    }
    if !wishlist.products.contains(&item.product_id) {
        wishlist.products.push(item.product_id);
    }
    (StatusCode::CREATED, Json(wishlist_json(&shop, wishlist))).into_response()
}
