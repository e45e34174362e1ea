use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        checks: avg < 1,
    });
}
