use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(HTTP_REQS.p(95).lt(500));
}
