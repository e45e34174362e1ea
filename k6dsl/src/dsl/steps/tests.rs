use super::response::hint_from;
use super::*;

#[test]
fn names_variables_after_their_source() {
    assert_eq!(hint_from("products.0.id"), "id");
    assert_eq!(hint_from("X-Request-Id"), "xRequestId");
    assert_eq!(hint_from("access_token"), "accessToken");
    assert_eq!(hint_from("0"), "value");
    assert_eq!(singular("users"), "user");
    assert_eq!(singular("data"), "dataRow");
}

#[test]
fn extractions_land_on_their_request() {
    let mut steps = Steps::new("flow");
    let res = steps.request(Request::get("/a").name("a"));
    let inner = steps.group("g", |g| {
        let r = g.request(Request::get("/b").name("b"));
        r.json("token").named("authToken")
    });
    let _id = res.json("id");
    let (block, _) = steps.finish();
    let Step::Request(a) = &block[0] else {
        panic!()
    };
    assert_eq!(a.extract[0].var.hint, "id");
    let Step::Group { body, .. } = &block[1] else {
        panic!()
    };
    let Step::Request(b) = &body[0] else { panic!() };
    assert_eq!(b.extract[0].var.hint, "authToken");
    assert_eq!(inner.to_ir(), &Expr::Var(b.extract[0].var.clone()));
}
