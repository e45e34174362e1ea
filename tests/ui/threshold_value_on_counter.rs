use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(HTTP_REQS.value().lt(10));
}
