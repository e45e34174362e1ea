//! Custom metrics: names, one kind and value type per name, no built-in names.

use super::*;

#[test]
fn metric_names_follow_k6s_rule() {
    let rule =
        "k6 metric names are 2 to 129 ASCII letters, digits or `_`, not starting with a digit";
    for name in ["x", "bad-name", "1st_metric", "naïve", &"a".repeat(130)] {
        we_reject(
            &Script::new().metric(&Trend::new(name.to_owned())).into_ir(),
            // (Messages quote at most 100 characters of a name.)
            &format!(
                "metric {0}: metric name {0} is not allowed: {rule}",
                k6dsl::validate::problem::excerpt(name)
            ),
        );
    }
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("x");
export const options = {};
export default function () {}"#,
        "Invalid metric name: 'x'",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("bad-name");
export const options = {};
export default function () {}"#,
        "Invalid metric name: 'bad-name'",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("1st_metric");
export const options = {};
export default function () {}"#,
        "Invalid metric name",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("naïve");
export const options = {};
export default function () {}"#,
        "Invalid metric name",
    );
    k6_rejects(
        &format!(
            r#"import {{ Trend }} from "k6/metrics";
const m = new Trend("{}");
export const options = {{}};
export default function () {{}}"#,
            "a".repeat(130)
        ),
        "Invalid metric name",
    );
    // The boundaries: 2 and 129 characters, a leading underscore.
    for name in ["ab".to_owned(), "_1".to_owned(), "a".repeat(129)] {
        both_accept(
            &Script::new()
                .threshold(Counter::new(name).count().lt(1))
                .into_ir(),
        );
    }
}

#[test]
fn a_metric_has_one_kind_and_one_value_type() {
    let model = Script::new()
        .metric(&Trend::new("abc"))
        .metric(&Counter::new("abc"))
        .into_ir();
    we_reject(
        &model,
        "metric `abc`: declared more than once with different kinds or time flags: a k6 metric has one kind",
    );
    k6_rejects(
        r#"import { Counter, Trend } from "k6/metrics";
const a = new Trend("abc");
const b = new Counter("abc");
export const options = {};
export default function () {}"#,
        "metric 'abc' already exists but with type trend, instead of counter",
    );

    let model = Script::new()
        .metric(&Trend::new("abc"))
        .metric(&Trend::time("abc"))
        .into_ir();
    we_reject(
        &model,
        "metric `abc`: declared more than once with different kinds or time flags: a k6 metric has one kind",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const a = new Trend("abc");
const b = new Trend("abc", true);
export const options = {};
export default function () {}"#,
        "metric 'abc' already exists but with a value type default, instead of time",
    );
}

#[test]
fn custom_metrics_cannot_take_builtin_names() {
    // Another kind: k6 rejects it.
    we_reject(
        &Script::new().metric(&Trend::new("http_reqs")).into_ir(),
        "metric `http_reqs`: the name belongs to k6's built-in Counter metric: choose another name",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("http_reqs");
export const options = {};
export default function () {}"#,
        "metric 'http_reqs' already exists but with type counter, instead of trend",
    );
    // Another value type: k6 rejects it.
    we_reject(
        &Script::new().metric(&Trend::new("http_req_duration")).into_ir(),
        "metric `http_req_duration`: the name belongs to k6's built-in Trend metric: choose another name",
    );
    k6_rejects(
        r#"import { Trend } from "k6/metrics";
const m = new Trend("http_req_duration");
export const options = {};
export default function () {}"#,
        "metric 'http_req_duration' already exists but with a value type time, instead of default",
    );
    // The same kind and value type: k6 accepts it and hands back its own built-in
    // metric, so the "custom" samples silently mix with k6's. k6dsl is stricter here
    // on purpose.
    we_reject(
        &Script::new().metric(&Counter::new("http_reqs")).into_ir(),
        "metric `http_reqs`: the name belongs to k6's built-in Counter metric: choose another name",
    );
    k6_accepts(
        r#"import { Counter } from "k6/metrics";
const m = new Counter("http_reqs");
export const options = {};
export default function () {}"#,
    );
}
