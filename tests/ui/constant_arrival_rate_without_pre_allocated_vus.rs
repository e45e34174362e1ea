use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new(
        "purchase",
        ConstantArrivalRate::new().rate(nz!(10)).duration(mins(4)),
    );
}
