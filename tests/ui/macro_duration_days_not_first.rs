use k6dsl::prelude::*;

fn main() {
    let steady = Flow::new("steady");
    let _ = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { vus: 10, duration: 1h2d },
        exec: steady,
        graceful_stop: 1.5d,
    };
}
