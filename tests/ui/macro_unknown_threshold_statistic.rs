use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        http_req_duration: [p95 < 500, average < 200, mean < 300],
    });
}
