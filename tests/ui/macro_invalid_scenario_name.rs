use k6dsl::prelude::*;

fn main() {
    let shop = Flow::new("shop");
    let _ = k6dsl::scenario! {
        name: "my scenario",
        executor: constant_vus { duration: 1m },
        exec: shop,
    };
}
