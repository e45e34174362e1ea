use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new("steady", ConstantVus::new().vus(nz!(10)));
}
