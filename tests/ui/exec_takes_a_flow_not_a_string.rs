use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new("browse", ConstantVus::new().duration(secs(30))).exec("browse");
}
