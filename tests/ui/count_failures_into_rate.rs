use k6dsl::prelude::*;

fn main() {
    let _ = Request::get("/products").count_failures(&Rate::new("products_failed"));
}
