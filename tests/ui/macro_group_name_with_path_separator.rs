use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(shop {
        group "Checkout::Pay" {
            post("/checkout") { name: "checkout", check: status == 201 }
        }
    });
}
