use k6dsl::prelude::*;

fn main() {
    let shop = Flow::new("shop");
    let _ = Script::new().scenarios(k6dsl::scenarios![
        {
            flow: { get("/products") { name: "products" } },
            name: "browse",
            executor: constant_vus { duration: 1m },
        },
        {
            name: "load",
            executor: constant_vus { duration: 1m },
            exec: shop,
            flow: { get("/products") { name: "products" } },
        },
    ]);
}
