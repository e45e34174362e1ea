use k6dsl::prelude::*;

fn main() {
    let _ = Request::get("/products").record_checks(&Counter::new("products_ok"));
}
