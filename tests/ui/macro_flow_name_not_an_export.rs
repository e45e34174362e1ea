use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(setup {
        get("/") { name: "home" };
    });
    let _: Flow = k6dsl::flow!(sleep {
        get("/") { name: "home" };
    });
    let _: Flow = k6dsl::flow!("check-out" {
        get("/") { name: "home" };
    });
    let _ = k6dsl::scenario! {
        name: "per-vu",
        executor: constant_vus { duration: 1m },
        flow: { get("/") { name: "home" }; },
    };
}
