use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new(
        "purchase",
        ConstantArrivalRate::new()
            .rate(nz!(10))
            .pre_allocated_vus(10),
    );
}
