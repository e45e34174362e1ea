use k6dsl::prelude::*;

fn main() {
    let steady = Flow::new("steady");
    let _ = k6dsl::scenario! {
        name: "steady",
        executor: constant_vus { duration: 30s },
        exec: steady,
        gracefull_stop: 30s,
    };
}
