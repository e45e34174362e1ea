use k6dsl::prelude::*;

fn main() {
    let shop = Flow::new("shop");
    let _ = Script::new().scenarios(k6dsl::scenarios![
        { name: "load", executor: constant_vus { duration: 1m }, exec: shop },
        { name: "smoke", executor: shared_iterations { vus: 1, iterations: 1 }, exec: shop },
        { name: "load", executor: constant_vus { duration: 2m }, exec: shop },
    ]);
}
