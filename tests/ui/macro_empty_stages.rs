use k6dsl::prelude::*;

fn main() {
    let ramp = Flow::new("ramp");
    let _ = k6dsl::scenario! {
        name: "ramp",
        executor: ramping_vus { start_vus: 5, stages: [] },
        exec: ramp,
    };
}
