use k6dsl::prelude::*;

fn main() {
    let mut init = Steps::new("init");
    init.request(Request::get("/health"));
}
