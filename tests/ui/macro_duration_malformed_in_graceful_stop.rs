use k6dsl::prelude::*;

fn main() {
    let steady = Flow::new("steady");
    let _ = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { duration: 1m },
        exec: steady,
        graceful_stop: 30,
        start_time: "10s",
    };
}
