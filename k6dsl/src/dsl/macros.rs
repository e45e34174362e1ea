//! The declarative front end: `scenario!`, `scenarios!`, `thresholds!`, `flow!`,
//! `setup!` and `teardown!`.
//!
//! Each macro expands to calls on the same builders the rest of this crate
//! documents, so a test written with macros and one written with builders make the
//! same model and byte-identical JavaScript. Mistakes are compile errors on the
//! tokens that are wrong, all of them at once: an unknown executor or field (with a
//! "did you mean"), a missing required field, a malformed duration, a percentile
//! outside 0..=100, a statistic the metric's kind lacks, two scenarios with one
//! name.
//!
//! Durations are written as k6 and Go write them: `30s`, `1m30s`, `500ms`, `1.5s`,
//! `2h`, `1d`. Wherever the grammar takes a value, a Rust expression of the
//! builder's type works too (`duration: profile.duration()`).

/// One k6 scenario: name, executor with its fields, the flow it runs, timing, tags,
/// env and thresholds scoped to it. Expands to [`Scenario::new`](crate::Scenario::new)
/// and its methods.
///
/// ```
/// use k6dsl::prelude::*;
///
/// let purchase_flow = Flow::new("purchase");
/// let purchase = k6dsl::scenario! {
///     name: "purchase",
///     executor: constant_arrival_rate {
///         rate: 10,
///         time_unit: 1s,
///         duration: 8m,
///         pre_allocated_vus: 20,
///         max_vus: 50,
///     },
///     exec: purchase_flow,
///     start_time: 30s,
///     graceful_stop: 30s,
///     tags: { flow: "purchase" },
///     env: { MODE: "buy" },
///     thresholds: { http_req_duration: p(95) < 800 },
/// };
/// let js = Script::new().scenario(purchase).to_javascript()?;
/// assert!(js.contains(r#"executor: "constant-arrival-rate","#));
/// assert!(js.contains(r#""http_req_duration{scenario:purchase}": ["p(95)<800"]"#));
/// # Ok::<(), k6dsl::Errors>(())
/// ```
///
/// Fields:
///
/// | field | value |
/// | --- | --- |
/// | `name` | a string literal (letters, digits, `_`, `-`) or an expression |
/// | `executor` | `kind { field: value, .. }` (below), or an expression of an executor type such as `profile.ramping_vus(20)` |
/// | `exec` | the [`Flow`](crate::Flow) to run (an expression) |
/// | `flow` | `{ steps }`: a flow defined in place, as in [`flow!`](crate::flow!), named after the scenario |
/// | `start_time`, `graceful_stop` | durations |
/// | `tags`, `env` | `{ key: "value", .. }` |
/// | `thresholds` | `{ .. }` as in [`thresholds!`](crate::thresholds!), narrowed to this scenario |
///
/// Executors and their fields (required ones in bold):
///
/// | executor | fields |
/// | --- | --- |
/// | `shared_iterations` | `vus`, `iterations`, `max_duration` |
/// | `per_vu_iterations` | `vus`, `iterations`, `max_duration` |
/// | `constant_vus` | `vus`, **`duration`** |
/// | `ramping_vus` | `start_vus`, **`stages`**, `graceful_ramp_down` |
/// | `constant_arrival_rate` | **`rate`**, `time_unit`, **`duration`**, **`pre_allocated_vus`**, `max_vus` |
/// | `ramping_arrival_rate` | `start_rate`, `time_unit`, **`stages`**, **`pre_allocated_vus`**, `max_vus` |
/// | `externally_controlled` (k6 v1 only) | `vus`, `max_vus`, **`duration`** |
///
/// Stages are `[2m => 20, 5m => 20, 1m => 0]` (duration `=>` target).
///
/// Leave out a required field and the error is on the executor's name:
///
/// ```compile_fail
/// let s = k6dsl::scenario! {
///     name: "purchase",
///     executor: constant_arrival_rate { rate: 10, duration: 1m }, // needs `pre_allocated_vus`
/// };
/// ```
#[macro_export]
macro_rules! scenario {
    ($($input:tt)*) => { $crate::__private::scenario! { $crate; $($input)* } };
}

/// Several scenarios at once, as an array for
/// [`Script::scenarios`](crate::Script::scenarios); two with the same name do not
/// compile. Each is written as in [`scenario!`](crate::scenario!), in braces.
///
/// ```
/// use k6dsl::prelude::*;
///
/// let flow = Flow::new("shop");
/// let script = Script::new().scenarios(k6dsl::scenarios![
///     { name: "smoke", executor: shared_iterations { vus: 1, iterations: 1 }, exec: flow },
///     {
///         name: "load",
///         executor: ramping_vus { stages: [30s => 10, 10s => 0] },
///         exec: flow,
///         start_time: 5s,
///     },
/// ]);
/// assert!(script.to_javascript()?.contains("load: {"));
/// # Ok::<(), k6dsl::Errors>(())
/// ```
///
/// ```compile_fail
/// let flow = k6dsl::Flow::new("shop");
/// let both = k6dsl::scenarios![
///     { name: "load", executor: constant_vus { duration: 1m }, exec: flow },
///     { name: "load", executor: constant_vus { duration: 2m }, exec: flow }, // two `load`s
/// ];
/// ```
#[macro_export]
macro_rules! scenarios {
    ($($input:tt)*) => { $crate::__private::scenarios! { $crate; $($input)* } };
}

/// Thresholds, as an array for [`Script::thresholds`](crate::Script::thresholds):
/// `metric{tag: value, ..}: rule` or `metric: [rule, rule]`, where a rule is
/// `stat op bound`, optionally followed by `abort_on_fail` or
/// `abort_on_fail(delay: 10s)`.
///
/// - metric: a built-in in k6's spelling (`http_req_duration`, `checks`, ...), a
///   variable holding a custom metric (`checkout_duration`), or `(expression)`;
/// - tags: `endpoint: "login"`, `scenario: browse` (a [`Scenario`](crate::Scenario)
///   variable), `group: ["Checkout", "Pay"]` (a group path);
/// - stat: `avg`, `min`, `max`, `med`, `p(N)` on Trends; `count`, `rate` on
///   Counters; `rate` on Rates; `value` on Gauges;
/// - op: `<`, `<=`, `>`, `>=`, `==`, `!=`; bound: a plain number (milliseconds
///   for times).
///
/// ```
/// use k6dsl::prelude::*;
///
/// let checkout_success = Rate::new("checkout_success");
/// let script = Script::new().thresholds(k6dsl::thresholds! {
///     http_req_duration: [p(95) < 500, p(99) < 1000],
///     http_req_duration{endpoint: "login"}: p(95) < 800,
///     group_duration{group: ["Checkout"]}: p(95) < 1000,
///     http_req_failed: rate < 0.01,
///     checkout_success: rate > 0.95 abort_on_fail(delay: 10s),
/// });
/// let js = script.to_javascript()?;
/// assert!(js.contains(r#"http_req_duration: ["p(95)<500", "p(99)<1000"],"#));
/// # Ok::<(), k6dsl::Errors>(())
/// ```
///
/// A statistic the metric's kind lacks is an error on the statistic:
///
/// ```compile_fail
/// let t = k6dsl::thresholds! { http_reqs: p(95) < 500 }; // a Counter has count and rate
/// ```
#[macro_export]
macro_rules! thresholds {
    ($($input:tt)*) => { $crate::__private::thresholds! { $crate; $($input)* } };
}

/// A flow: what one iteration of a scenario does, as `flow!(name { steps })`.
/// Expands to [`Flow::new`](crate::Flow::new) and [`Steps`](crate::dsl::steps::Steps)
/// calls.
///
/// ```
/// use k6dsl::prelude::*;
///
/// let add_time = Trend::time("add_to_cart_time");
/// let shop = k6dsl::flow!(shop {
///     let login = post("/auth/login") {
///         name: "login",
///         json: { username: text!["user", Value::vu()], password: Value::secret("SHOP_PASSWORD") },
///         check: status == 200,
///     };
///     let token = login.json("token");
///     group "Cart" {
///         post("/cart/items") {
///             name: "add_to_cart",
///             bearer: token,
///             json: serde_json::json!({ "product_id": 7, "quantity": 1 }),
///             checks: [status == 201, json("items.0.id") exists],
///             record_duration: add_time,
///         }
///         get("/products/", Value::iteration()) {
///             name: "product",
///             expect_statuses: [200, 404],
///             check: status in [200, 404],
///         }
///     }
///     think 1s..3s;
/// });
/// let script = Script::new()
///     .scenario(Scenario::new("shop", SharedIterations::new()).exec(&shop));
/// assert!(script.to_javascript()?.contains(r#"group("Cart", function () {"#));
/// # Ok::<(), k6dsl::Errors>(())
/// ```
///
/// Steps (`;` after each, except after a block):
///
/// | step | does |
/// | --- | --- |
/// | `pacing 10s;` (first only) | each iteration lasts at least this long |
/// | `get(url) { fields }`, `post`, `put`, `patch`, `delete`, `head`, `options`, `request("PURGE", url)` | a request; several URL arguments are joined (`get("/products/", id)`); its value is the response |
/// | `batch [get(..) { .. }, ..];` | `http.batch` |
/// | `group "Name" { steps }` | a group; a last step without `;` is its value |
/// | `once_per_vu { steps }` | runs once per VU (a per-VU login); a last step without `;` is its value |
/// | `think 1s..3s;`, `think 500ms;`, `sleep 1s;` | think time |
/// | `add(metric, value);` | adds a value to a custom metric |
/// | `row(data, per_vu \| per_iteration \| unique \| random)` | a row of a [`DataSet`](crate::dsl::steps::DataSet) |
/// | `let x = step;` and any other Rust | as in Rust: `let token = login.json("token");` |
///
/// Run-time logic: decided while k6 runs, each form with a keyword of its own,
/// because a Rust `if` or `for` in a flow is ordinary Rust and runs while the
/// script is generated. Each expands to the [`Steps`](crate::dsl::steps::Steps)
/// method of its name, and nests in the others and in `group`/`once_per_vu`:
///
/// | step | does |
/// | --- | --- |
/// | `when cond { steps }` | `if (cond)`; `cond` is a [`Condition`](crate::dsl::steps::Condition): `res.status().eq(404)`, `.ne/.lt/.le/.gt/.ge`, `v.exists()`, `res.checks_passed().is_true()`, `Condition::env_flag("NAME")`, `.and(..)`, `.or(..)`, `!cond` (Rust's `==` and `&&` are refused: they would decide while generating) |
/// | `when cond { .. } else { .. }`, `else when cond { .. }` | `if .. else` ([`Steps::if_else`](crate::dsl::steps::Steps::if_else)); as in Rust, what both branches end with (a last step without `;`: a value or a tuple of them) is its value: `let id = when .. { ..; created.json("id") } else { found.json("id") };` |
/// | `for_each item in list, max 20 { steps }` | `for (const item of list)`, at most 20 items (a list that is absent loops zero times) |
/// | `repeat 3 { steps }`, `repeat 3 as round { steps }` | `for (let round = 0; round < 3; round++)` |
/// | `let total = compute("total", price * quantity);` | `const total = ...`, computed once where it stands |
/// | `mix "checkout" exact { "buy" 3 => { .. }, "browse" 7 => { .. } }` | one branch per iteration by weight, `exact` (over the scenario's iterations) or `random`, every sample tagged `checkout:<branch>` |
/// | `set_cookie(url, name, value);`, `delete_cookie(url, name);`, `clear_cookies(url);` | the VU's cookie jar; read a cookie with `Value::cookie(url, name)` |
/// | `raw_js("console.log(__VU);");` | JavaScript statements written as they are, unchecked |
///
/// A value made inside a branch or a loop stays inside (as a Rust `let` in a
/// block): give it out of both branches of a `when .. else`. Loops and branches
/// run in k6, not unrolled:
///
/// ```
/// use k6dsl::prelude::*;
/// use k6dsl::steps::Condition;
///
/// let wishlist = k6dsl::flow!(wishlist {
///     let found = get("/wishlist") {
///         name: "wishlist",
///         expect_statuses: [200, 404],
///         check: status in [200, 404],
///     };
///     let id = when found.status().eq(404) {
///         let created = post("/wishlist") { name: "create wishlist", check: status == 201 };
///         created.json("id")
///     } else {
///         found.json("id")
///     };
///     for_each item in found.json("items"), max 20 {
///         get("/products/", item.field("id")) { name: "wished product" }
///     }
///     repeat 2 as round {
///         let quantity = compute("quantity", round + 1);
///         post("/cart/items") { name: "add", json: { wishlist: id, quantity: quantity } }
///     }
///     mix "journey" exact {
///         "browse" 7 => { get("/products") { name: "products" } }
///         "buy" 3 => { post("/checkout") { name: "checkout" } }
///     }
///     clear_cookies("/");
///     when Condition::env_flag("VERBOSE") {
///         raw_js("console.log(`VU ${__VU} done`);");
///     }
/// });
/// let js = Script::new().default_flow(&wishlist).to_javascript()?;
/// assert!(js.contains("} else {"), "{js}");
/// assert!(js.contains("for (let round = 0; round < 2; round++) {"), "{js}");
/// assert!(js.contains("const journeySlot = exec.scenario.iterationInTest % 10;"), "{js}");
/// # Ok::<(), k6dsl::Errors>(())
/// ```
///
/// Request fields: `name`, `headers: { "X-Key": value }`, `bearer`, `json` (a
/// `{ key: value }` object of run-time values, or any `Serialize` expression),
/// `form: { .. }`, `text: (body, "content/type")`, `tags: { .. }`, `timeout`,
/// `basic_auth`/`digest_auth`/`ntlm_auth: (user, password)`, `redirects`,
/// `response_type: text | binary | none`, `cookies: { .. }`,
/// `compression: gzip | deflate | br | zstd`, `check` (repeatable), `checks: [..]`,
/// `record_checks`, `count_failures`, `log_failures: true`, `record_duration`,
/// `expect_statuses: [200, 404]` (statuses k6 counts as expected: an intended
/// 404 is not a failed request), `multipart: Multipart::new().field(..).file(..)`
/// (a `multipart/form-data` body: see [`Multipart`](crate::dsl::steps::Multipart)).
///
/// Checks: `status == 200`, `status in [200, 204]`, `header("X") exists`,
/// `header("X") contains ".."`, `body contains ".."`, `body matches "regex"`,
/// `json("path") exists`, `json("path") == value`, `duration < 500ms`,
/// `js("name", "r.body.length > 0")`, each optionally `as "check name"`; or any
/// [`Check`](crate::dsl::steps::Check) expression.
#[macro_export]
macro_rules! flow {
    ($($input:tt)*) => { $crate::__private::flow! { $crate; $($input)* } };
}

/// `setup()`: steps that run once before the test, as in [`flow!`](crate::flow!),
/// plus `share("key", value);`, which hands a value to every VU through
/// [`Setup::get`](crate::dsl::steps::Setup::get).
///
/// ```
/// use k6dsl::prelude::*;
///
/// let setup = k6dsl::setup! {
///     let login = post("/auth/login") {
///         name: "login",
///         json: { username: "admin", password: Value::secret("ADMIN_PASSWORD") },
///         check: status == 200,
///     };
///     let token = login.json("token");
///     share("token", token);
/// };
/// let token = setup.get("token");
/// let me = k6dsl::flow!(me { get("/users/me") { name: "me", bearer: token } });
/// let js = Script::new()
///     .setup(setup)
///     .scenario(Scenario::new("me", SharedIterations::new()).exec(&me))
///     .to_javascript()?;
/// assert!(js.contains("return { token };"));
/// # Ok::<(), k6dsl::Errors>(())
/// ```
#[macro_export]
macro_rules! setup {
    ($($input:tt)*) => { $crate::__private::setup! { $crate; $($input)* } };
}

/// `teardown(data)`: steps that run once after the test, as in
/// [`flow!`](crate::flow!).
///
/// ```
/// use k6dsl::prelude::*;
///
/// let teardown = k6dsl::teardown! {
///     delete("/cart") { name: "cleanup", check: status == 200 };
/// };
/// let flow = Flow::new("shop");
/// let js = Script::new()
///     .teardown(teardown)
///     .scenario(Scenario::new("shop", SharedIterations::new()).exec(&flow))
///     .to_javascript()?;
/// assert!(js.contains("export function teardown() {"));
/// # Ok::<(), k6dsl::Errors>(())
/// ```
#[macro_export]
macro_rules! teardown {
    ($($input:tt)*) => { $crate::__private::teardown! { $crate; $($input)* } };
}
