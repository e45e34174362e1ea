use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        http_req_duration: p(95) < 500ms,
    });
}
