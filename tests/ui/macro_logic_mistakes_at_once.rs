use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(shop {
        set_cookie("/", "theme");
        mix "journey" exactly {
            "browse" 0 => { get("/products") { name: "products" } }
            "browse" 1 => { post("/checkout") { name: "checkout" } }
        }
        mix "alone" random { "only" 1 => { sleep 1s; } }
        let rounds = repeat 2 { sleep 1s; };
        let total = compute("total");
        for_each item in Value::env("ITEMS", "[]"), max -1 { sleep 1s; }
        let flag = when k6dsl::steps::Condition::env_flag("X") { sleep 1s; };
    });
}
