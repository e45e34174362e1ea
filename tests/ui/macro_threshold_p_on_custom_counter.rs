use k6dsl::prelude::*;

fn main() {
    let c = Counter::new("c");
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        c: p(95) < 1,
    });
}
