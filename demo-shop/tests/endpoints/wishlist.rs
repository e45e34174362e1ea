//! `/wishlist`: 404 until created, 201, 409 on a second create, 200 with items, 204
//! on delete and 404 again; one wishlist per user.

use serde_json::json;

use crate::client::{self, get, send};

#[test]
fn a_wishlist_404s_until_it_is_created() {
    let shop = client::shop();
    let token = client::login(&shop, 1);
    let token = Some(token.as_str());

    let missing = get(&shop, "/wishlist", token);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), json!({ "error": "no wishlist" }));
    let add = client::json(
        &shop,
        "POST",
        "/wishlist/items",
        token,
        &json!({ "product_id": 3 }),
    );
    assert_eq!(add.status, 404, "no wishlist to add to");
    assert_eq!(add.json(), json!({ "error": "no wishlist" }));

    let created = send(&shop, "POST", "/wishlist", token, &[], b"");
    assert_eq!(created.status, 201);
    assert_eq!(created.all("content-type"), ["application/json"]);
    let created = created.json();
    assert!(created["id"].is_u64(), "{created}");
    assert_eq!(created["items"], json!([]));

    let again = send(&shop, "POST", "/wishlist", token, &[], b"");
    assert_eq!(again.status, 409);
    assert_eq!(again.json(), json!({ "error": "wishlist exists" }));

    let empty = get(&shop, "/wishlist", token);
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json(), created);
}

#[test]
fn items_join_the_wishlist_once_each_and_unknown_products_404() {
    let shop = client::shop();
    let token = client::login(&shop, 2);
    let token = Some(token.as_str());
    assert_eq!(
        send(&shop, "POST", "/wishlist", token, &[], b"").status,
        201
    );

    let add = |id: u32| {
        client::json(
            &shop,
            "POST",
            "/wishlist/items",
            token,
            &json!({ "product_id": id }),
        )
    };
    let first = add(7);
    assert_eq!(first.status, 201);
    assert_eq!(
        first.json()["items"],
        json!([{ "product_id": 7, "name": "Product 7" }])
    );
    assert_eq!(add(2).status, 201);
    assert_eq!(add(7).status, 201, "adding again keeps it once");

    for unknown in [0, demo_shop::PRODUCTS + 1] {
        let response = add(unknown);
        assert_eq!(response.status, 404, "product {unknown}");
        assert_eq!(response.json(), json!({ "error": "product not found" }));
    }
    let bad = send(&shop, "POST", "/wishlist/items", token, &[], b"{\"id\":1}");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json(), json!({ "error": "send product_id" }));

    let wishlist = get(&shop, "/wishlist", token);
    assert_eq!(wishlist.status, 200);
    assert_eq!(
        wishlist.json()["items"],
        json!([
            { "product_id": 7, "name": "Product 7" },
            { "product_id": 2, "name": "Product 2" },
        ])
    );
}

#[test]
fn deleting_a_wishlist_makes_it_404_again_and_each_user_has_their_own() {
    let shop = client::shop();
    let (one, two) = (client::login(&shop, 3), client::login(&shop, 4));
    let (one, two) = (Some(one.as_str()), Some(two.as_str()));
    let first = send(&shop, "POST", "/wishlist", one, &[], b"").json();
    assert_eq!(
        get(&shop, "/wishlist", two).status,
        404,
        "user4 has none yet"
    );
    let second = send(&shop, "POST", "/wishlist", two, &[], b"").json();
    assert_ne!(first["id"], second["id"]);
    client::json(
        &shop,
        "POST",
        "/wishlist/items",
        two,
        &json!({ "product_id": 1 }),
    );
    assert_eq!(get(&shop, "/wishlist", one).json()["items"], json!([]));

    let deleted = send(&shop, "DELETE", "/wishlist", one, &[], b"");
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    assert_eq!(get(&shop, "/wishlist", one).status, 404);
    let twice = send(&shop, "DELETE", "/wishlist", one, &[], b"");
    assert_eq!(twice.status, 404);
    assert_eq!(twice.json(), json!({ "error": "no wishlist" }));
    assert_eq!(
        get(&shop, "/wishlist", two).status,
        200,
        "user4's is untouched"
    );

    let recreated = send(&shop, "POST", "/wishlist", one, &[], b"");
    assert_eq!(recreated.status, 201);
    assert_eq!(recreated.json()["items"], json!([]));
}
