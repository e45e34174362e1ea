use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(VUS.p(95).lt(500));
}
