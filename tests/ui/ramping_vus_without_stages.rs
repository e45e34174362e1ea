use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new("ramp", RampingVus::new().start_vus(5));
}
