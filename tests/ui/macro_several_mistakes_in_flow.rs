use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(shop {
        group "Cart::Add" {
            post("/cart/items") { nam: "add", timeout: 10, checks: [status == 201, body has "ok"] };
        }
        think 1..3s;
        get("/products") { compression: gzipp, response_type: json };
    });
}
