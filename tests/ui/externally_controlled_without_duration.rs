use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new("manual", ExternallyControlled::new().vus(2).max_vus(20));
}
