use k6dsl::prelude::*;

fn main() {
    let browse = Flow::new("browse");
    let _ = k6dsl::scenario! {
        name: "browse",
        executor: constant_vus { duration: 1m },
        exec: browse,
        thresholds: { http_req_duration{endpoint: "login"}: count < 10 },
    };
}
