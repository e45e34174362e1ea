use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(wishlist {
        let found = get("/wishlist") { name: "wishlist", expect_statuses: [200, 404] };
        when found.status() == 404 && found.json("id").exists() {
            post("/wishlist") { name: "create" }
        }
        when found.status().eq(200) {
            get("/wishlist/items") { name: "items" }
        } else get("/products") { name: "products" };
        when {
            get("/health") { name: "health" }
        }
    });
}
