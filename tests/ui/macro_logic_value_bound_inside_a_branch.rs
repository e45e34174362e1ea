use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(wishlist {
        let found = get("/wishlist") { name: "wishlist", expect_statuses: [200, 404] };
        // `created` exists only inside the branch that made it (as in Rust): give
        // it out of both branches as `let id = when .. { .. } else { .. };`.
        when found.status().eq(404) {
            let created = post("/wishlist") { name: "create" };
        }
        get("/wishlists/", created.json("id")) { name: "by id" }
    });
}
