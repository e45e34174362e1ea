//! `GET /orders`: the user's orders in creation order, each as `GET /orders/{id}`
//! shows it.

use serde_json::json;

use crate::client::{self, get, send};

#[test]
fn orders_lists_the_users_orders_oldest_first() {
    let shop = client::shop();
    let token = client::login(&shop, 5);
    let token = Some(token.as_str());
    let other = client::login(&shop, 6);
    let other = Some(other.as_str());

    let none = get(&shop, "/orders", token);
    assert_eq!(none.status, 200);
    assert_eq!(none.json(), json!({ "orders": [] }));

    let buy = |token, product_id: u32, quantity: u32| {
        let added = client::json(
            &shop,
            "POST",
            "/cart/items",
            token,
            &json!({ "product_id": product_id, "quantity": quantity }),
        );
        assert_eq!(added.status, 201);
        let order = send(&shop, "POST", "/checkout", token, &[], b"");
        assert_eq!(order.status, 201);
        order.json()
    };
    let first = buy(token, 1, 2);
    let someone_elses = buy(other, 4, 1);
    let second = buy(token, 3, 1);

    let listed = get(&shop, "/orders", token);
    assert_eq!(listed.status, 200);
    let orders = listed.json()["orders"].clone();
    let ids: Vec<_> = orders
        .as_array()
        .expect("an array")
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    assert_eq!(ids, [first["order_id"].clone(), second["order_id"].clone()]);
    assert!(!ids.contains(&someone_elses["order_id"]));
    for (listed, placed) in orders.as_array().unwrap().iter().zip([&first, &second]) {
        assert_eq!(listed["total"], placed["total"]);
        assert_eq!(listed["items"], placed["items"]);
        let one = get(&shop, &format!("/orders/{}", listed["id"]), token);
        assert_eq!(one.status, 200);
        assert_eq!(
            &one.json(),
            listed,
            "GET /orders/{{id}} shows the same order"
        );
    }
    assert_eq!(
        orders[0]["items"],
        json!([{ "product_id": 1, "quantity": 2, "price": 4.25 }])
    );

    assert_eq!(
        get(&shop, "/orders", other).json()["orders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(get(&shop, "/orders", None).status, 401);
    assert_eq!(get(&shop, "/orders", Some("nope")).status, 401);
}
