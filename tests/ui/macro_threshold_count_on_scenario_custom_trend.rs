use k6dsl::prelude::*;

fn main() {
    let browse = Flow::new("browse");
    let login_time = Trend::time("login_time");
    let _ = k6dsl::scenario! {
        name: "browse",
        executor: constant_vus { duration: 1m },
        exec: browse,
        thresholds: { login_time{endpoint: "login"}: count < 10 },
    };
}
