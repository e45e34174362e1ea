use k6dsl::prelude::*;

fn main() {
    let _ = HTTP_REQ_DURATION.p(95).lt("500ms");
}
