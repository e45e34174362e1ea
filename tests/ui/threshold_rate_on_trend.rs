use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(HTTP_REQ_DURATION.rate().lt(0.01));
}
