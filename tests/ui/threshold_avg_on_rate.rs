use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().threshold(HTTP_REQ_FAILED.avg().lt(500));
}
