use k6dsl::prelude::*;

fn main() {
    let _: Scenario = k6dsl::scenario! {
        name: "browse",
        executor: constant_vus { duration: 30s },
        exec: "browse",
    };
}
