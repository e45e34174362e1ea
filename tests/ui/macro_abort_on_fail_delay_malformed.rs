use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        http_req_failed: rate < 0.01 abort_on_fail(delay: 10),
        checks: rate > 0.99 abort_on_fail(dealy: 10s),
    });
}
