use k6dsl::prelude::*;

fn main() {
    let _ = Flow::new("shop").steps(|f| {
        let login = f.request(Request::post("/auth/login"));
        f.share("token", login.json("token"));
    });
}
