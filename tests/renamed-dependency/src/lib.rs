//! A crate that depends on k6dsl as `load`, and on nothing else: if a macro's
//! expansion named `::k6dsl`, `genco` or anything but `$crate`, this would not
//! compile.

#[cfg(test)]
mod tests {
    use load::steps::Value;

    #[test]
    fn every_macro_expands_under_another_crate_name() {
        let setup = load::setup! {
            let login = post("/auth/login") { name: "login", check: status == 200 };
            let token = login.json("token");
            share("token", token);
        };
        let token = setup.get("token");
        let shop = load::flow!(shop {
            group "Cart" {
                get("/cart/", Value::vu()) { name: "cart", bearer: token, check: json("items") exists }
            }
            think 1s..2s;
        });
        let script = load::Script::new()
            .setup(setup)
            .teardown(load::teardown! { delete("/cart") { name: "cleanup" }; })
            .scenarios(load::scenarios![
                { name: "shop", executor: constant_vus { vus: 2, duration: 30s }, exec: shop },
            ])
            .thresholds(load::thresholds! { http_req_duration{endpoint: "cart"}: p(95) < 500 });
        let one = load::scenario! {
            name: "solo",
            executor: shared_iterations { iterations: 3 },
            flow: { get("/health") { name: "health" }; },
        };
        let js = script.to_javascript().expect("a valid script");
        assert!(js.contains(r#"group("Cart", function () {"#), "{js}");
        assert!(js.contains(r#""http_req_duration{endpoint:cart}": ["p(95)<500"]"#));
        assert_eq!(one.name(), "solo");
    }
}
