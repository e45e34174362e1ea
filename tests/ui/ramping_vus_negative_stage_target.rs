use k6dsl::prelude::*;

fn main() {
    let _ = RampingVus::new().stage(mins(1), -5);
}
