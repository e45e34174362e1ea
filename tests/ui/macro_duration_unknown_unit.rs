use k6dsl::prelude::*;

fn main() {
    let steady = Flow::new("steady");
    let _ = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { vus: 10, duration: 30sec },
        exec: steady,
        graceful_stop: 10secs,
    };
}
