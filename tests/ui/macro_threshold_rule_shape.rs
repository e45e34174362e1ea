use k6dsl::prelude::*;

fn main() {
    let _ = Script::new().thresholds(k6dsl::thresholds! {
        http_req_duration: p(95) => 500,
        http_req_failed: rate < 0.01 abort_on_failure,
        checks: rate > 0.99 abort_on_fail extra,
        iterations: count,
        vus: value < 10 20,
        http_req_duration{"": "x"}: p(90) < 300,
    });
}
