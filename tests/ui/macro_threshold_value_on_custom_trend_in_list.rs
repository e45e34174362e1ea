use k6dsl::prelude::*;

fn main() {
    let checkout_duration = Trend::time("checkout_duration");
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        checkout_duration: [p(95) < 1500, value < 2000],
    });
}
