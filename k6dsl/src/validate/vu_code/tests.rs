//! Unit tests of the checks on VU code.

use crate::prelude::*;

fn problems<L>(script: &Script<L>) -> Vec<String> {
    match script.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn values_cannot_leave_their_function() {
    let mut leaked = None;
    let first = Flow::new("first").steps(|f| {
        let r = f.request(Request::get("/a").name("a"));
        leaked = Some(r.json("token"));
    });
    let leaked = leaked.unwrap();
    let second = Flow::new("second").steps(|f| {
        f.request(Request::get("/b").name("b").bearer(&leaked));
    });
    let script = Script::new()
        .scenario(Scenario::new("one", SharedIterations::new()).exec(&first))
        .scenario(Scenario::new("two", SharedIterations::new()).exec(&second));
    assert_eq!(
        problems(&script),
        ["flow `second`, request `b`: value: uses `token`, a value of `first`: values extracted in one function cannot be used in another (share them from setup instead)"]
    );
}

#[test]
fn names_and_values_k6_or_http_reject() {
    let flow = Flow::new("bad").steps(|f| {
        f.group("a::b", |g| {
            g.request(
                Request::get("/x")
                    .name("x")
                    .header("Bad Header", "v")
                    .header("X-Ok", "line\nbreak")
                    .tag("endpoint", "y")
                    .check(Check::status(42))
                    .check(Check::status(200).named("twice"))
                    .check(Check::status(201).named("twice")),
            );
        });
        f.request(Request::get("/y").name("y").text_body("no", "text/plain"));
        f.think(ThinkTime::between(secs(3), secs(1)));
    });
    let script = Script::new()
        .scenario(Scenario::new("s", SharedIterations::new()).exec(&flow))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "nope").p(95).lt(1))
        .threshold(GROUP_DURATION.for_group(["Missing"]).p(95).lt(1));
    assert_eq!(
        problems(&script),
        [
            "threshold `http_req_duration{endpoint:nope}`: endpoint selector: no request is named `nope` (the script's requests: x, y), so this threshold could never see a sample",
            "threshold `group_duration{group:::Missing}`: group selector: no group has the path `::Missing` (the script has: ::a::b), so this threshold could never see a sample",
            "flow `bad`, group `a::b`: group name `a::b` is not allowed: k6 rejects `::` in group and check names (it separates group paths)",
            "flow `bad`, group `a::b`, request `x`: header: `Bad Header` is not a valid header name",
            "flow `bad`, group `a::b`, request `x`: header: the value of `X-Ok` contains a line break, which HTTP forbids in a header (k6 would fail the request): remove it",
            "flow `bad`, group `a::b`, request `x`: tag: `endpoint` is set from the request's name: use .name(...)",
            "flow `bad`, group `a::b`, request `x`, check `status is 42`: status: 42 is not an HTTP status (100 to 599)",
            "flow `bad`, group `a::b`, request `x`, check `twice`: check name `twice` is used more than once",
            "flow `bad`, request `y`: body: k6 sends no body with GET: use POST, PUT or PATCH",
            "flow `bad`, think time: think time: the minimum (3s) is above the maximum (1s)",
        ]
    );
}

#[test]
fn setup_data_must_be_shared() {
    let setup = Setup::new(|s| {
        let r = s.request(Request::get("/t").name("t"));
        s.share("token", r.json("token"));
    });
    let flow = Flow::new("reader").steps(|f| {
        f.request(Request::get("/me").name("me").bearer(setup.get("tokn")));
    });
    let script = Script::new()
        .scenario(Scenario::new("s", SharedIterations::new()).exec(&flow))
        .setup(setup);
    assert_eq!(
        problems(&script),
        ["flow `reader`, request `me`: value: reads setup data `tokn`, which setup does not share (it shares: token)"]
    );
}
