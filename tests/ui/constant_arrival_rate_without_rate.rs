use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new(
        "purchase",
        ConstantArrivalRate::new()
            .duration(mins(4))
            .pre_allocated_vus(10),
    );
}
