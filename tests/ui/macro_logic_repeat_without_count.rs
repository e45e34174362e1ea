use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(cart {
        repeat {
            post("/cart/items") { name: "add to cart" }
        }
        repeat 2 as {
            post("/checkout") { name: "checkout" }
        }
    });
}
