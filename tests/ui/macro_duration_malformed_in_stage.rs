use k6dsl::prelude::*;

fn main() {
    let ramp = Flow::new("ramp");
    let _ = k6dsl::scenario! {
        name: "ramp",
        executor: ramping_vus { stages: [1min => 10, 30 => 0] },
        exec: ramp,
    };
}
