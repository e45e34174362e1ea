use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(shop {
        get("/products") { name: "products", header: { Accept: "application/json" }, chek: status == 200 };
    });
}
