use k6dsl::prelude::*;

fn main() {
    let login = Request::post("/auth/login");
    let _token = login.between("token=", ";");
}
