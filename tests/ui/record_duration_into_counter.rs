use k6dsl::prelude::*;

fn main() {
    let _ = Request::get("/products").record_duration(&Counter::new("products_time"));
}
