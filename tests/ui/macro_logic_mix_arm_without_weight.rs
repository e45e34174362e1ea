use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(shop {
        mix "journey" exact {
            "browse" 7 => { get("/products") { name: "products" } }
            "buy" => { post("/checkout") { name: "checkout" } }
        }
    });
}
