use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(HTTP_REQS.min().lt(500));
}
