use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new(
        "spike",
        RampingArrivalRate::new()
            .start_rate(10)
            .pre_allocated_vus(50),
    );
}
