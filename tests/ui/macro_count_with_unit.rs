use k6dsl::prelude::*;

fn main() {
    let shop = Flow::new("shop");
    let _ = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { vus: 10u8, duration: 1m },
        exec: shop,
    };
}
