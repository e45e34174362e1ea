use k6dsl::prelude::*;

fn main() {
    let _ = Flow::new("shop").steps(|f| {
        f.request(Request::get("/users/me").bearer(login.json("token")));
        let login = f.request(Request::post("/auth/login"));
    });
}
