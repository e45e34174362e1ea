use k6dsl::prelude::*;

fn main() {
    let checkout_errors = Counter::new("checkout_errors");
    let _: Flow = k6dsl::flow!(shop {
        post("/checkout") { name: "checkout", record_duration: checkout_errors };
    });
}
