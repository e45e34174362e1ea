//! The shop itself: the product catalog, each user's cart, checkout and orders.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::respond::{error, unauthorized};
use crate::state::{CartItem, Order, Product, Shared};

/// `?page=&limit=` of `GET /products`.
#[derive(Deserialize)]
pub(crate) struct Page {
    page: Option<usize>,
    limit: Option<usize>,
}

pub(crate) async fn products(State(shop): Shared, Query(page): Query<Page>) -> Response {
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

pub(crate) async fn product(State(shop): Shared, Path(id): Path<String>) -> Response {
    match id
        .parse::<u32>()
        .ok()
        .and_then(|id| shop.products.get(id.checked_sub(1)? as usize))
    {
        Some(product) => Json(json!(product)).into_response(),
        None => error(StatusCode::NOT_FOUND, "product not found"),
    }
}

fn cart_json(items: &[CartItem]) -> Value {
    let total: f64 = items.iter().map(|i| i.price * f64::from(i.quantity)).sum();
    json!({ "items": items, "total": (total * 100.0).round() / 100.0 })
}

pub(crate) async fn cart(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let data = shop.data.lock().expect("shop lock");
    Json(cart_json(
        data.carts.get(&user).map(Vec::as_slice).unwrap_or(&[]),
    ))
    .into_response()
}

pub(crate) async fn empty_cart(State(shop): Shared, headers: HeaderMap) -> Response {
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

pub(crate) async fn add_to_cart(
    State(shop): Shared,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
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

pub(crate) async fn remove_from_cart(
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

pub(crate) async fn checkout(State(shop): Shared, headers: HeaderMap) -> Response {
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
    data.user_orders.entry(user).or_default().push(order_id);
    (StatusCode::CREATED, Json(body)).into_response()
}

fn order_json(id: u64, order: &Order) -> Value {
    json!({ "id": id, "total": order.total, "items": order.items })
}

/// `GET /orders`: the user's orders, oldest first.
pub(crate) async fn orders(State(shop): Shared, headers: HeaderMap) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let data = shop.data.lock().expect("shop lock");
    let orders: Vec<Value> = data
        .user_orders
        .get(&user)
        .into_iter()
        .flatten()
        .filter_map(|id| Some(order_json(*id, data.orders.get(id)?)))
        .collect();
    Json(json!({ "orders": orders })).into_response()
}

pub(crate) async fn order(
    State(shop): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Some(user) = shop.user(&headers) else {
        return unauthorized();
    };
    let data = shop.data.lock().expect("shop lock");
    match id
        .parse::<u64>()
        .ok()
        .and_then(|id| Some((id, data.orders.get(&id)?)))
    {
        Some((id, order)) if order.user == user => Json(order_json(id, order)).into_response(),
        _ => error(StatusCode::NOT_FOUND, "order not found"),
    }
}
