use k6dsl::prelude::*;

fn main() {
    let token = 42u8;
    let _: Flow = k6dsl::flow!(shop {
        get("/users/me") { name: "me", bearer: token };
    });
}
