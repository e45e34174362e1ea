use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(VUS.min().lt(500));
}
