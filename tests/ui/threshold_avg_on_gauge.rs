use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(VUS.avg().lt(500));
}
