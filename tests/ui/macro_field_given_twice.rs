use k6dsl::prelude::*;

fn main() {
    let steady = Flow::new("steady");
    let _ = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { duration: 1m, vus: 5, duration: 2m },
        exec: steady,
        graceful_stop: 10s,
        graceful_stop: 20s,
    };
    let _: Flow = k6dsl::flow!(shop {
        get("/products") { name: "products", name: "list" };
    });
}
