use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(wishlist {
        let found = get("/wishlist") { name: "wishlist", expect_statuses: [200, 404] };
        // Only the `when` branch gives the id: the `else` branch must too.
        let id = when found.status().eq(404) {
            let created = post("/wishlist") { name: "create" };
            created.json("id")
        } else {
            get("/products") { name: "products" }
        };
        get("/wishlists/", id) { name: "by id" }
    });
}
