use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(VUS.rate().lt(0.01));
}
