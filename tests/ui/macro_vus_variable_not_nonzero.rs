use k6dsl::prelude::*;

fn main() {
    let vus: u32 = 10;
    let shop = Flow::new("shop");
    let _ = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { vus: vus, duration: 1m },
        exec: shop,
    };
}
