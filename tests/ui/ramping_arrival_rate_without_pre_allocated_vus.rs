use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new(
        "spike",
        RampingArrivalRate::new()
            .stage(mins(1), 200)
            .stage(mins(1), 10),
    );
}
