use k6dsl::prelude::*;

fn main() {
    let purchase = Flow::new("purchase");
    let _ = k6dsl::scenario! {
        name: "my purchase",
        executor: constant_arrival_rate { rate: 0, duraton: 4m, time_unit: 1sec },
        exec: purchase,
        start_time: 30,
        gracefull_stop: 30s,
        thresholds: { http_req_duration: p(101) < 500ms, http_reqs: p95 < 1 },
    };
}
