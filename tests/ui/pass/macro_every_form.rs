// Every form the macros accept, compiled and run: all seven executors (written out
// and as an expression), every scenario field including an inline `flow: { .. }`,
// every request field, every check form, every flow step (the run-time logic
// forms too), `setup!`/`teardown!`, and thresholds at the script and at the
// scenario level.
use k6dsl::prelude::*;
use k6dsl::profile::Profile;

fn main() {
    let add_time = Trend::time("add_to_cart_time");
    let checkout_ok = Rate::new("checkout_ok");
    let checkout_failed = Counter::new("checkout_failed");
    let cart_size = Gauge::new("cart_size");
    let users = DataSet::json_rows(
        "users",
        &[serde_json::json!({ "name": "ada" }), serde_json::json!({ "name": "bob" })],
    );

    let setup = k6dsl::setup! {
        let login = post("/auth/login") {
            name: "admin_login",
            json: { username: "admin", password: Value::secret("ADMIN_PASSWORD") },
            check: status == 200,
        };
        let token = login.json("token");
        share("token", token);
    };
    let admin_token = setup.get("token");

    let teardown = k6dsl::teardown! {
        delete("/cart") { name: "cleanup", check: status == 200 };
    };

    let shop = k6dsl::flow!(shop {
        pacing 10s;
        let user_token = once_per_vu {
            let login = post("/auth/login") {
                name: "login",
                json: { username: text!["user", Value::vu()], password: Value::secret("SHOP_PASSWORD") },
                check: status == 200,
            };
            login.json("token").named("userToken")
        };
        let user = row(users, per_vu);
        let _ = row(users, per_iteration);
        let _ = row(users, unique);
        let _ = row(users, random);
        group "Browse" {
            let list = get("/products") {
                name: "products",
                headers: { "X-Client": "k6dsl", Accept: "application/json" },
                tags: { page: "list" },
                timeout: 30s,
                redirects: 3,
                response_type: text,
                compression: gzip,
                cookies: { session: "abc" },
                checks: [
                    status == 200,
                    status in [200, 304],
                    header("Content-Type") exists,
                    header("Content-Type") contains "json",
                    body contains "products",
                    body matches "\"id\":\\s*\\d+",
                    json("products.0.id") exists,
                    json("count") == 20,
                    duration < 500ms,
                    js("non-empty", "r.body.length > 0"),
                    status == 200 as "list is ok",
                    Check::status(200).named("built check"),
                ],
            };
            let id = list.json("products.0.id");
            get("/products/", id) { name: "product", expect_statuses: [200, 404], check: status in [200, 404] }
        }
        group "Cart" {
            let cart = post("/cart/items") {
                name: "add_to_cart",
                bearer: user_token,
                json: serde_json::json!({ "product_id": 7, "quantity": 1 }),
                check: status == 201,
                check: json("items.0.id") exists,
                record_duration: add_time,
            };
            add(cart_size, cart.json("items.#").as_number());
        }
        batch [
            get("/a") { name: "a" },
            head("/b") { name: "b", response_type: none },
            options("/c") { name: "c", response_type: binary },
        ];
        put("/profile") { name: "profile", form: { name: user.field("name"), vu: Value::vu() } };
        patch("/profile") { name: "patch", text: ("hello", "text/plain"), compression: deflate };
        request("PURGE", "/cache") { name: "purge", basic_auth: ("admin", "secret"), compression: br };
        get("/digest") { name: "digest", digest_auth: ("u", "p"), compression: zstd };
        get("/ntlm") { name: "ntlm", ntlm_auth: ("u", Value::env("NTLM_PASSWORD", "pw")) };
        get("/me") { name: "me", bearer: admin_token };
        post("/checkout") {
            name: "checkout",
            check: status == 201,
            record_checks: checkout_ok,
            count_failures: checkout_failed,
            log_failures: true,
        };
        let wishlist = get("/wishlist") { name: "wishlist", expect_statuses: [200, 404] };
        let (wish_id, created) = when wishlist.status().eq(404) {
            let made = post("/wishlist") { name: "create_wishlist" };
            (made.json("id"), Value::from(1))
        } else when !wishlist.json("id").exists() {
            (Value::from(0), Value::from(0))
        } else {
            (wishlist.json("id"), Value::from(0))
        };
        when created.eq(1) {
            raw_js("console.log(`created ${__VU}`);");
        }
        let total = compute("total", created + 1);
        for_each item in wishlist.json("items"), max 10 {
            get("/products/", item.field("id")) { name: "wished" }
        }
        repeat 2 as round {
            get("/wishlist/", wish_id, "?round=", round) { name: "wishlist_round" };
        }
        repeat 1 {
            sleep 100ms;
        }
        mix "journey" exact {
            "browse" 7 => { get("/products") { name: "mix_browse" } }
            "buy" 3 => {
                when total.gt(1) {
                    post("/checkout") { name: "mix_checkout" }
                }
            }
        }
        mix "look" random { "a" 1 => { sleep 1s; }, "b" 1 => { think 1s..2s; } }
        set_cookie("/", "theme", "dark");
        when Value::cookie("/", "theme").exists() {
            delete_cookie("/", "theme");
        }
        clear_cookies("/");
        think 1s..3s;
        think 500ms;
        sleep 1s;
    });

    let profile = Profile::Load;
    let browse = k6dsl::scenario! {
        name: "browse",
        executor: profile.ramping_vus(20),
        exec: shop,
    };
    let scenarios = k6dsl::scenarios![
        { name: "smoke", executor: shared_iterations { vus: 1, iterations: 1, max_duration: 30s }, exec: shop },
        {
            name: "per_vu",
            executor: per_vu_iterations { vus: 2, iterations: 3, max_duration: 1m },
            exec: shop,
            start_time: 30s,
        },
        {
            name: "steady",
            executor: constant_vus { vus: 5, duration: 1m30s },
            exec: shop,
            graceful_stop: 10s,
            tags: { flow: "steady", "team-name": "shop" },
            env: { MODE: "steady" },
        },
        {
            name: "ramp",
            executor: ramping_vus { start_vus: 0, stages: [30s => 10, 1m => 10, 10s => 0], graceful_ramp_down: 5s },
            exec: shop,
        },
        {
            name: "purchase",
            executor: constant_arrival_rate {
                rate: 10,
                time_unit: 1s,
                duration: 2m,
                pre_allocated_vus: 20,
                max_vus: 50,
            },
            exec: shop,
            thresholds: {
                http_req_duration: p(95) < 800,
                http_req_failed{endpoint: "checkout"}: rate < 0.05,
            },
        },
        {
            name: "spike",
            executor: ramping_arrival_rate {
                start_rate: 1,
                time_unit: 1m,
                stages: [10s => 100, 1m => 100, 10s => 0],
                pre_allocated_vus: 10,
                max_vus: 100,
            },
            exec: shop,
        },
        {
            name: "inline",
            executor: constant_vus { duration: 1.5s },
            flow: {
                get("/health") { name: "health", check: status == 200 };
                think 100ms;
            },
        },
    ];
    let manual = k6dsl::scenario! {
        name: "manual",
        executor: externally_controlled { vus: 1, max_vus: 5, duration: 10m },
        exec: shop,
    };
    assert_eq!(scenarios.len(), 7);

    let thresholds = k6dsl::thresholds! {
        http_req_duration: [p(95) < 500, p(99.9) <= 1000, avg < 300, min >= 0, max != 5000, med == 100],
        http_req_duration{endpoint: "login"}: p(95) < 800,
        http_req_duration{scenario: browse}: p(90) < 300,
        group_duration{group: ["Browse"]}: p(95) < 1000,
        http_reqs: [count > 10, rate > 1],
        http_req_failed: rate < 0.01 abort_on_fail,
        checks: rate > 0.99 abort_on_fail(delay: 10s),
        vus: value > -1,
        add_time: p(95) < 1500,
        checkout_ok: rate > 0.95,
        checkout_failed: count < (10.0 * 5.0),
        cart_size: value < 100,
        (Trend::time("custom_time")): max < 2000,
    };

    let script = Script::new()
        .setup(setup)
        .teardown(teardown)
        .thresholds(thresholds)
        .metric(&cart_size)
        .scenario(browse)
        .scenarios(scenarios)
        .scenario(manual);
    let js = match script.to_javascript() {
        Ok(js) => js,
        Err(errors) => panic!("the every-form script does not generate:\n{errors}"),
    };
    assert!(js.contains(r#"executor: "externally-controlled","#));
    assert!(js.contains(r#"executor: "ramping-arrival-rate","#));
    assert!(js.contains(r#"group("Browse", function () {"#));
    assert!(js.contains(r#""http_req_duration{scenario:purchase}": ["p(95)<800"]"#));
    assert!(js.contains("export function setup() {"));
    assert!(js.contains("export function teardown("));
}
