use k6dsl::prelude::*;

fn main() {
    let _ = Flow::new("shop").steps(|f| {
        f.group("Checkout", |_g| {
            f.request(Request::post("/checkout"));
        });
    });
}
