use k6dsl::prelude::*;

fn main() {
    let purchase = Flow::new("purchase");
    let _ = k6dsl::scenario! {
        name: "purchase",
        executor: constant_arival_rate { rate: 10, duration: 4m, pre_allocated_vus: 10 },
        exec: purchase,
    };
}
