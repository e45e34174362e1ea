use k6dsl::prelude::*;

fn main() {
    let _: Flow = k6dsl::flow!(shop {
        post("/login") {
            json: { user: "a", user: "b" },
            log_failures: yes,
            tags: { "": "x" },
            checks: [status == 200u8, header("X") present, json("id") is 5, duration < 500],
            basic_auth: ("user"),
            redirects: 1s,
        };
        get() { name: "nothing" };
        pacing 10s;
    });
}
