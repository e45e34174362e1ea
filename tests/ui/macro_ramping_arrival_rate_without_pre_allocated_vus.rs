use k6dsl::prelude::*;

fn main() {
    let spike = Flow::new("spike");
    let _ = k6dsl::scenario! {
        name: "spike",
        executor: ramping_arrival_rate { stages: [1m => 200] },
        exec: spike,
    };
}
