// The corrected forms of the compile-fail cases in tests/ui, so each of those fails
// for its stated reason only. Its presence also makes trybuild run `cargo build`
// rather than `cargo check`: `nz!(0)` in a call is only rejected at build time.
use k6dsl::prelude::*;

fn main() {
    let _ = Scenario::new(
        "purchase",
        ConstantArrivalRate::new()
            .rate(nz!(10))
            .duration(mins(4))
            .pre_allocated_vus(10),
    );
    let _ = Scenario::new(
        "spike",
        RampingArrivalRate::new()
            .stage(mins(1), 200)
            .pre_allocated_vus(50),
    );
    let _ = Scenario::new("steady", ConstantVus::new().vus(nz!(1)).duration(secs(30)));
    let _ = Scenario::new("ramp", RampingVus::new().start_vus(5).stage(mins(1), 10));
    let _ = Scenario::new("manual", ExternallyControlled::new().duration(mins(1)));

    let _ = HTTP_REQ_DURATION.p(95).lt(500);
    let _ = HTTP_REQ_DURATION.avg().lt(500);
    let _ = HTTP_REQ_DURATION.min().lt(500);
    let _ = HTTP_REQ_DURATION.max().lt(500);
    let _ = HTTP_REQ_DURATION.med().lt(500);
    let _ = HTTP_REQS.count().lt(100);
    let _ = HTTP_REQS.rate().lt(100);
    let _ = HTTP_REQ_FAILED.rate().lt(0.01);
    let _ = VUS.value().lt(10);

    let shop = Flow::new("shop").steps(|f| {
        let login = f.request(
            Request::post("/auth/login")
                .record_duration(&Trend::time("login_time"))
                .record_checks(&Rate::new("login_ok"))
                .count_failures(&Counter::new("login_failed")),
        );
        let token = login.between("token=", ";");
        f.group("Checkout", |g| {
            g.request(Request::post("/checkout").bearer(&token));
        });
    });
    let _ = Setup::new(|s| {
        let login = s.request(Request::post("/auth/login"));
        s.share("token", login.json("token"));
    });
    let _ = Script::new()
        .scenario(Scenario::new("steady", ConstantVus::new().duration(secs(30))).exec(&shop))
        .scenario(Scenario::new("more", ConstantVus::new().duration(secs(30))))
        .threshold(HTTP_REQ_DURATION.p(95).lt(500));
    let _ = Script::new().shortcut(Shortcut::iterations(nz!(10), nz!(100)));

    let _ = RampingVus::new().stage(mins(1), 0);
    let _ = Scenario::new("later", ConstantVus::new().duration(secs(30))).start_time(secs(10));
    let _ = HTTP_REQ_DURATION.p(95).lt(500);
    let _ = GeneralOptions::default()
        .system_tags([k6dsl::options::SystemTag::Url])
        .summary_trend_stats([k6dsl::options::TrendStat::Avg]);
    let _ = Value::secret("SHOP_PASSWORD");
}
