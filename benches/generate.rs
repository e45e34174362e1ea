//! Generation time by model size: how long validation and code generation take for
//! 10, 100, 1,000 and 10,000 scenarios, and how that time grows per decade of model
//! size (linear generation grows about 10x per decade). No assertions.
//!
//! Each scenario runs its own flow: a group holding two requests with checks, the
//! second using a value extracted from the first, and the script has a threshold on
//! the scenario's requests and one on its group. The model is built through the
//! public builders (timed separately: building is not generation), then validated
//! and generated; each figure is the best of a few repetitions.
//!
//! ```text
//! cargo bench --bench generate                      # 10, 100, 1000, 10000 scenarios
//! GENERATE_SIZES=10,100,1000,3000 cargo bench --bench generate
//! ```

use std::time::{Duration, Instant};

use k6dsl::prelude::*;

/// A script of `n` scenarios, each with its own flow and two thresholds.
fn model(n: usize) -> Script<k6dsl::load::HasScenarios> {
    let mut thresholds = vec![HTTP_REQ_FAILED.rate().lt(0.01)];
    let mut scenarios = Vec::with_capacity(n);
    for i in 0..n {
        let group = format!("Browse {i}");
        let flow = Flow::new(format!("browse{i}")).steps(|f| {
            f.group(group.clone(), |g| {
                let list = g.request(
                    Request::get(format!("/products?page={i}"))
                        .name(format!("products_{i}"))
                        .check(Check::status(200))
                        .check(Check::json_exists("products.0.id")),
                );
                let id = list.json("products.0.id").named("productId");
                g.request(
                    Request::get(text!["/products/", id])
                        .name(format!("product_{i}"))
                        .check(Check::status(200))
                        .check(Check::duration_below(millis(500))),
                );
            });
        });
        let scenario = Scenario::new(
            format!("browse_{i}"),
            ConstantVus::new().vus(nz!(1)).duration(secs(30)),
        )
        .exec(&flow);
        thresholds.push(HTTP_REQ_DURATION.for_scenario(&scenario).p(95).lt(500));
        thresholds.push(GROUP_DURATION.for_group([group.as_str()]).p(95).lt(1000));
        scenarios.push(scenario);
    }
    Script::new().thresholds(thresholds).scenarios(scenarios)
}

/// The shortest of `reps` runs of `f`, and its last result.
fn best<T>(reps: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut fastest = Duration::MAX;
    let mut last = None;
    for _ in 0..reps {
        let start = Instant::now();
        let out = f();
        fastest = fastest.min(start.elapsed());
        last = Some(out);
    }
    (fastest, last.expect("at least one repetition"))
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Growth per decade between two sizes: the time ratio scaled to a factor of 10 in
/// size (for sizes a decade apart, the plain ratio).
fn per_decade(from: (usize, Duration), to: (usize, Duration)) -> f64 {
    let ratio = to.1.as_secs_f64() / from.1.as_secs_f64().max(1e-9);
    let decades = (to.0 as f64 / from.0 as f64).log10();
    ratio.powf(1.0 / decades)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("GENERATE_SIZES")
        .ok()
        .map(|list| {
            list.split(',')
                .map(|n| {
                    n.trim()
                        .parse()
                        .expect("GENERATE_SIZES: numbers, e.g. 10,100")
                })
                .collect()
        })
        .unwrap_or_else(|| vec![10, 100, 1_000, 10_000]);

    println!(
        "Generation time by model size (best of several runs; growth per decade of size for\nto_javascript, validation included; linear is 10x):\n"
    );
    println!(
        "| scenarios | build ms | validate ms | to_javascript ms | to_typescript ms | to_project ms | script KiB | growth per decade |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut previous: Option<(usize, Duration)> = None;
    for n in sizes {
        let reps = match n {
            0..=100 => 20,
            101..=1_000 => 5,
            _ => 3,
        };
        let (build, script) = best(reps.min(3), || model(n));
        let (validate, result) = best(reps, || script.validate());
        result.expect("the benchmark model is valid");
        let (js_time, js) = best(reps, || script.to_javascript().expect("valid"));
        let (ts_time, _) = best(reps, || script.to_typescript().expect("valid"));
        let (project_time, _) = best(reps, || script.to_project().expect("valid"));
        let growth = previous
            .map(|p| format!("{:.1}x", per_decade(p, (n, js_time))))
            .unwrap_or_else(|| "-".to_owned());
        println!(
            "| {n} | {} | {} | {} | {} | {} | {} | {growth} |",
            ms(build),
            ms(validate),
            ms(js_time),
            ms(ts_time),
            ms(project_time),
            js.len() / 1024,
        );
        previous = Some((n, js_time));
    }
}
