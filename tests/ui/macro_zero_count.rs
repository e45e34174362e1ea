use k6dsl::prelude::*;

fn main() {
    let shop = Flow::new("shop");
    let _ = Script::new().scenarios(k6dsl::scenarios![
        { name: "steady", executor: constant_vus { vus: 0, duration: 1m }, exec: shop },
        {
            name: "purchase",
            executor: constant_arrival_rate { rate: 0, duration: 1m, pre_allocated_vus: 5 },
            exec: shop,
        },
        { name: "smoke", executor: shared_iterations { iterations: 0 }, exec: shop },
    ]);
}
