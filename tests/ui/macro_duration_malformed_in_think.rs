use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(shop {
        get("/products") { name: "products" };
        think 1..3s;
        think 2sec;
        sleep 5;
        get("/cart") { name: "cart", timeout: 10 };
    });
}
