use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!("shop" get("/"));
    let _: Flow = k6dsl::flow!(shop {
        get("/products") name: "x";
        add(cart_size);
        row(users);
    });
}
