//! The README shows real output: the JavaScript block is exactly what its Rust
//! example generates (the Rust block itself runs as a doctest of k6dsl).

use k6dsl::prelude::*;
use k6dsl_suite::tools;

#[test]
fn readme_output_is_what_the_example_generates() {
    let purchase = Flow::new("purchase");
    let script = Script::new()
        .scenario(
            Scenario::new(
                "purchase",
                ConstantArrivalRate::new()
                    .rate(nz!(50))
                    .duration(mins(30))
                    .pre_allocated_vus(100)
                    .max_vus(200),
            )
            .exec(&purchase),
        )
        .threshold(HTTP_REQ_DURATION.p(95).lt(500))
        .threshold(HTTP_REQ_DURATION.tag("endpoint", "login").p(95).lt(800))
        .threshold(HTTP_REQ_FAILED.rate().lt(0.01).abort_on_fail());
    let js = script.to_javascript().unwrap();

    let readme = include_str!("../README.md");
    let block = readme
        .split("```javascript\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has a javascript block");
    assert_eq!(block, js, "README's JavaScript block is stale");

    // What the README promises must also be what k6 accepts.
    tools::node_check(&js).unwrap_or_else(|e| panic!("node rejects the README's script: {e}"));
    let options =
        tools::inspect(&js).unwrap_or_else(|e| panic!("k6 rejects the README's script: {e}"));
    assert_eq!(options["scenarios"]["purchase"]["preAllocatedVUs"], 100);
    assert_eq!(
        options["thresholds"]["http_req_duration{endpoint:login}"][0],
        "p(95)<800"
    );
}
