use k6dsl::prelude::*;

fn main() {
    let users = DataSet::json_rows("users", &[serde_json::json!({ "name": "a" })]);
    let _: Flow = k6dsl::flow!(shop {
        let user = row(users, uniqe);
        get("/users/", user.field("name"));
    });
}
