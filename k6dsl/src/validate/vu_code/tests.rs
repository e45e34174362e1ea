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

#[test]
fn a_status_check_must_agree_with_the_expected_statuses() {
    let flow = Flow::new("f").steps(|f| {
        f.request(Request::get("/gone").name("gone").check(Check::status(404)));
        f.request(
            Request::get("/maybe")
                .name("maybe")
                .expect_statuses([200])
                .check(Check::status_in([200, 410])),
        );
        f.request(
            Request::get("/fine")
                .name("fine")
                .expect_statuses([404])
                .check(Check::status(404)),
        );
    });
    let script = Script::new().default_flow(&flow);
    assert_eq!(
        problems(&script),
        [
            "flow `f`, request `gone`, check `status is 404`: status: the check expects 404, outside k6's default expected statuses (200 to 399), so k6 would count the response as a failed request (http_req_failed): add .expect_statuses([404]) to the request, or to the script",
            "flow `f`, request `maybe`, check `status is one of 200, 410`: status: the check expects 410, outside the request's expected statuses, so k6 would count the response as a failed request (http_req_failed): add .expect_statuses([410]) to the request, or to the script",
        ]
    );
    // The script's expected statuses count for requests that name none.
    let flow = Flow::new("f").steps(|f| {
        f.request(Request::get("/gone").name("gone").check(Check::status(404)));
    });
    let script = Script::new()
        .expect_statuses([200..=299, 404..=404])
        .default_flow(&flow);
    assert_eq!(problems(&script), Vec::<String>::new());
    let script = Script::new()
        .expect_statuses(Vec::<u16>::new())
        .default_flow(&Flow::new("f").steps(|f| {
            f.request(Request::get("/a").name("a").expect_statuses([700]));
        }));
    assert_eq!(
        problems(&script),
        [
            "script: expected statuses: the list is empty: every response would count as failed; name at least one status",
            "flow `f`, request `a`: expected statuses: 700 is not an HTTP status (100 to 599)",
        ]
    );
}

#[test]
fn a_value_from_one_branch_or_a_loop_stays_inside() {
    let flow = Flow::new("f").steps(|f| {
        let list = f.request(Request::get("/list").name("list"));
        let mut inside = None;
        f.when(list.status().eq(200), |then| {
            inside = Some(then.request(Request::get("/one").name("one")).json("id"));
        });
        let mut item_value = None;
        f.for_each(list.json("items"), 3, |each, item| {
            item_value = Some(item.clone());
            each.request(Request::get(text!["/items/", item.field("id")]).name("item"));
        });
        let mut round_value = None;
        f.repeat(2, |round, _| {
            round_value = Some(round.request(Request::get("/r").name("r")).json("x"));
        });
        // Both branches give `merged`: it exists after the `if`.
        let merged = f.if_else(
            list.status().eq(200),
            |then| then.request(Request::get("/a").name("a")).json("a"),
            |_| Value::from("none"),
        );
        f.request(
            Request::get(text![
                "/use/",
                inside.unwrap(),
                "/",
                item_value.unwrap(),
                "/",
                round_value.unwrap(),
                "/",
                merged
            ])
            .name("use"),
        );
    });
    let script = Script::new().default_flow(&flow);
    assert_eq!(
        problems(&script),
        [
            "flow `f`, request `use`: value: uses `id` outside a branch of an `if` that defines it: use it inside, or define it in every branch (if_else returns one value from both)",
            "flow `f`, request `use`: value: uses `item` outside a loop's body that defines it: use it inside, or define it in every branch (if_else returns one value from both)",
            "flow `f`, request `use`: value: uses `x` outside a loop's body that defines it: use it inside, or define it in every branch (if_else returns one value from both)",
        ]
    );
}

#[test]
fn loops_and_computed_values_k6_could_not_run() {
    let flow = Flow::new("f").steps(|f| {
        let list = f.request(Request::get("/list").name("list").check(Check::status(200)));
        f.for_each(list.json("items"), 0, |_, _| {});
        f.repeat(0, |_, _| {});
        f.compute("pick", Value::pick_one(Vec::<Value>::new()));
        f.compute("dice", Value::random_int(6, 1));
        let bare = f.request(Request::get("/bare").name("bare"));
        f.when(bare.checks_passed().is_true(), |_| {});
    });
    let script = Script::new().default_flow(&flow);
    assert_eq!(
        problems(&script),
        [
            "flow `f`, loop over `item`: max: a loop bounded to 0 items never runs: give it a bound of at least 1",
            "flow `f`, repeat 0 times: times: repeating 0 times never runs the body: remove it or repeat at least once",
            "flow `f`, value `pick`: value: a random pick needs at least one value to pick from",
            "flow `f`, value `dice`: value: a random number from 6 to 1: the lowest is above the highest",
            "flow `f`, request `bare`: extraction: `passed` is whether the request's checks passed, but it has no checks: add one",
        ]
    );
}

#[test]
fn a_mix_needs_branches_with_weights_and_names_and_a_tag_name() {
    use crate::steps::MixMode;
    let flow = Flow::new("f").steps(|f| {
        f.mix("name", MixMode::Exact, |mix| {
            mix.arm("only", 0, |_| {});
        });
        f.mix("checkout", MixMode::Random, |mix| {
            let mut leaked = None;
            mix.arm("a", 1, |s| {
                leaked = Some(s.request(Request::get("/a").name("a")).json("id"));
            });
            mix.arm("a", 1, |_| {});
            mix.arm("", 2, |s| {
                s.request(Request::get(text!["/b/", leaked.unwrap()]).name("b"));
            });
        });
    });
    let script = Script::new().default_flow(&flow);
    assert_eq!(
        problems(&script),
        [
            "flow `f`, mix `name`: mix: `name` cannot name a mix: it becomes a tag key on every sample, so it must be a tag name k6 and k6dsl do not set themselves (such as `checkout_mix`)",
            "flow `f`, mix `name`: mix: a mix needs at least two branches to choose between",
            "flow `f`, mix `name`: mix: branch `only` has weight 0 and would never run: give it a weight of at least 1, or remove it",
            "flow `f`, mix `checkout`: mix: two branches are named `a`: results could not tell them apart",
            "flow `f`, mix `checkout`: mix: every branch needs a name: it is the tag value that counts it",
            "flow `f`, mix `checkout`, branch ``, request `b`: value: uses `id` outside a branch of a mix that defines it: use it inside, or define it in every branch (if_else returns one value from both)",
        ]
    );
}

#[test]
fn cookie_names_are_tokens() {
    let flow = Flow::new("f").steps(|f| {
        f.set_cookie("/", "bad name", "v");
        f.delete_cookie("/", "");
        f.clear_cookies("/");
    });
    assert_eq!(
        problems(&Script::new().default_flow(&flow)),
        [
            "flow `f`, setting cookie `bad name`: cookie: `bad name` is not a cookie name (letters, digits and !#$%&'*+-.^_`|~)",
            "flow `f`, deleting cookie ``: cookie: `` is not a cookie name (letters, digits and !#$%&'*+-.^_`|~)",
        ]
    );
}

#[test]
fn raw_imports_name_identifiers_the_script_does_not_use() {
    let script = Script::new()
        .raw_js_import("k6/crypto", ["sha256", "sha256", "http", "not-a-name"])
        .raw_js_import("", Vec::<String>::new())
        .default_flow(&Flow::new("f").steps(|f| f.raw_js("  ")));
    assert_eq!(
        problems(&script),
        [
            "option `raw JavaScript import`: names: `sha256` from `k6/crypto` cannot be imported: it is imported twice",
            "option `raw JavaScript import`: names: `http` from `k6/crypto` cannot be imported: the generated script already uses this name",
            "option `raw JavaScript import`: names: `not-a-name` from `k6/crypto` cannot be imported: it is not a JavaScript identifier",
            "option `raw JavaScript import`: from: the module to import from is empty",
            "option `raw JavaScript import`: names: the import of `` names nothing to import",
            "flow `f`, raw JavaScript: raw JavaScript: the statement is empty: remove it",
        ]
    );
}

fn model_problems(model: &crate::model::Script) -> Vec<String> {
    match crate::validate::validate(model) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn multipart_bodies_k6_would_send_wrong() {
    let dir = std::env::temp_dir().join(format!("k6dsl-upload-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("photo.png");
    std::fs::write(&path, [0x89, b'P', b'N', b'G']).unwrap();
    let photo = Upload::file("photo", path.to_str().unwrap())
        .filename("line\nbreak.png")
        .content_type(" ");
    let typeless = Upload::file("typeless", path.to_str().unwrap()).content_type("image png");
    let flow = Flow::new("up").steps(|f| {
        f.request(
            Request::post("/u")
                .name("typeless")
                .multipart(Multipart::new().file("file", &typeless)),
        );
        f.request(
            Request::post("/u")
                .name("twice")
                .header("Content-Type", "multipart/form-data")
                .multipart(
                    Multipart::new()
                        .field("a", "1")
                        .field("a", "2")
                        .field("", "3")
                        .file("file", &photo),
                ),
        );
        f.request(
            Request::post("/u")
                .name("empty")
                .multipart(Multipart::new()),
        );
    });
    let script = Script::new().scenario(Scenario::new("s", SharedIterations::new()).exec(&flow));
    assert_eq!(
        problems(&script),
        [
            "upload file `typeless`: content_type: `image png` is not a media type (`type/subtype`, then `; name=value` parameters): servers would read the part as having none; write one such as `image/png`",
            "upload file `photo`: filename: the filename contains a line break, which cannot go in a part's header: remove it",
            "upload file `photo`: content_type: the content_type is empty: give one, or leave it out",
            "flow `up`, request `twice`: body: two multipart parts are named `a`: k6 would send only the last; rename one",
            "flow `up`, request `twice`: body: a multipart part has an empty name: name it",
            "flow `up`, request `twice`: body: a multipart body takes its Content-Type from k6, with the boundary between its parts: remove the Content-Type header",
            "flow `up`, request `empty`: body: the multipart body has no parts: add a field or a file",
        ]
    );

    // A plan names files by name: one it does not declare, a name that is no file
    // name, two definitions of one name, a file that is missing, a copy that would
    // land on a data set's file.
    let good = Upload::file("photo", path.to_str().unwrap());
    let flow = Flow::new("up").steps(|f| {
        f.request(
            Request::post("/u")
                .name("send")
                .multipart(Multipart::new().file("file", &good)),
        );
    });
    let users = DataSet::csv_rows("users", ["name"], [["ann"]]);
    let mut model = Script::new()
        .scenario(Scenario::new("s", SharedIterations::new()).exec(&flow))
        .data(&users)
        .to_ir()
        .clone();
    let mut missing = model.uploads[0].clone();
    missing.name = "x/../y".into();
    missing.path = dir.join("nope.bin").to_str().unwrap().into();
    let mut twice = model.uploads[0].clone();
    twice.filename = Some("other.png".into());
    let mut on_data = model.uploads[0].clone();
    on_data.name = "users".into();
    on_data.path = dir.join("users.csv").to_str().unwrap().into();
    std::fs::write(&on_data.path, "name\n").unwrap();
    model.uploads.extend([missing, twice, on_data]);
    let crate::model::vu::Step::Request(request) = &mut model.flows[0].body[0] else {
        panic!("a request")
    };
    let Some(crate::model::vu::Body::Multipart(parts)) = &mut request.body else {
        panic!("a multipart body")
    };
    parts[0].1 = crate::model::vu::Part::File("undeclared".into());
    let found = model_problems(&model);
    let expected = [
        "upload file `x/../y`: upload file `x/../y` is not allowed: upload file names are ASCII letters, digits, `_` and `-` (the copy beside the script is named after it)",
        "upload file `photo`: upload file `photo` is used more than once",
        "flow `up`, request `send`: body: part `file` sends upload file `undeclared`, which the script does not declare: add it to the plan's `uploads` (or use `Upload::file`)",
        "upload file `users`: file: `data/users.csv` is also the file of data set `users`: rename one of them",
    ];
    for problem in expected {
        assert!(
            found.iter().any(|f| f == problem),
            "{problem}\nin {found:#?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("upload file `x/../y`: file: `")
                && f.contains("nope.bin` does not exist")),
        "{found:#?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
