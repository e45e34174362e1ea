use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new("steady", ConstantVus::new().duration(secs(30))).start_time(secs(-10));
}
