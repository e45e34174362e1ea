use k6dsl::prelude::*;

fn main() {
    let shop = Flow::new("shop");
    let _ = Script::new().scenarios(k6dsl::scenarios![
        { executor: constant_vus { duration: 1m }, exec: shop },
        { name: "load", exec: shop },
    ]);
}
