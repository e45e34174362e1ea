use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        http_req_duration: [p(101) < 500, p(-1) < 500, p(100.5) < 900],
    });
}
