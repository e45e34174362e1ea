//! Scenario fields (startTime, gracefulStop, env, tags, exec), read back by k6.

use super::*;

// Scenario fields: startTime, gracefulStop, env, tags, exec
// ---------------------------------------------------------------------------------

/// Applies the common scenario fields whose bits are set in `fields`:
/// 0 startTime, 1 gracefulStop, 2 env, 3 tags, 4 exec.
fn with_common_fields(scenario: Scenario, fields: u32, flow: &Flow) -> Scenario {
    let has = |bit: u32| fields & (1 << bit) != 0;
    let mut scenario = scenario;
    if has(0) {
        scenario = scenario.start_time(mins(1) + secs(30));
    }
    if has(1) {
        scenario = scenario.graceful_stop(millis(2500));
    }
    if has(2) {
        scenario = scenario.env("MODE", "steady").env("EMPTY", "");
    }
    if has(3) {
        scenario = scenario.tag("kind", "steady").tag("team", "checkout");
    }
    if has(4) {
        scenario = scenario.exec(flow);
    }
    scenario
}

#[test]
fn every_combination_of_scenario_fields() {
    let flow = Flow::new("steady");
    let scenario = |fields: u32| {
        with_common_fields(
            Scenario::new(
                format!("steady_{fields}"),
                ConstantVus::new().vus(nz!(2)).duration(secs(30)),
            ),
            fields,
            &flow,
        )
    };
    // Scenarios without exec run the default flow.
    let mut script = Script::new().default_flow(&flow).scenario(scenario(0));
    for fields in 1..32 {
        script = script.scenario(scenario(fields));
    }
    assert_k6_reads_the_model(&script);
}

#[test]
fn every_executor_with_every_scenario_field() {
    let flow = Flow::new("work");
    let all_fields = |executor: &str| {
        if executor == "externally-controlled" {
            // k6 rejects gracefulStop on this executor (and so does k6dsl).
            0b11101
        } else {
            0b11111
        }
    };
    let scenario = |executor: &str| {
        let all = (1 << optional_field_count(executor)) - 1;
        with_common_fields(
            executor_scenario(executor, executor, all),
            all_fields(executor),
            &flow,
        )
    };
    let mut script = Script::new().scenario(scenario(EXECUTORS[0]));
    for executor in &EXECUTORS[1..] {
        script = script.scenario(scenario(executor));
    }
    assert_k6_reads_the_model(&script);
}

#[test]
fn scenario_strings_k6_must_read_back_exactly() {
    let odd = [
        ("quote", "say \"hi\""),
        ("backslash", r"C:\temp\new"),
        ("newline", "one\ntwo\r\nthree\ttab"),
        ("unicode", "naïve – ünïcödé ✓ 日本"),
        ("separators", "line\u{2028}para\u{2029}end"),
        ("control", "\u{0}\u{1}\u{11}\u{12}\u{1f}\u{7f}"),
        ("template", "`${injected}` </script>"),
        ("json", "{\"a\": [1, 2]}"),
        ("colon_comma", "a:b,c"),
    ];
    let flows = [Flow::new("$flow"), Flow::new("_flow2")];
    let mut script = Script::new().scenario(
        Scenario::new("0-leading_digit", SharedIterations::new())
            .exec(&flows[0])
            .start_time(Duration::ZERO)
            .graceful_stop(Duration::ZERO),
    );
    let mut other = Scenario::new("UPPER-lower_123", PerVuIterations::new()).exec(&flows[1]);
    for (key, value) in odd {
        other = other.env(key, value).tag(key, value);
    }
    other = other.tag("key with spaces", "v").env("_x1", "y");
    script = script.scenario(other);
    assert_k6_reads_the_model(&script);
}

#[test]
fn durations_in_every_go_form() {
    let forms = [
        Duration::from_nanos(1),
        Duration::from_nanos(1_500),
        millis(1),
        Duration::from_micros(1_500),
        millis(999),
        secs(1),
        Duration::new(1, 1),
        millis(1500),
        secs(59),
        mins(1),
        mins(1) + millis(500),
        secs(3661),
        hours(25),
        hours(24 * 365),
    ];
    let mut script = Script::new().scenario(Scenario::new(
        "ramp",
        RampingVus::new().start_vus(1).stage(secs(1), 1),
    ));
    let mut ramp = RampingArrivalRate::new().stage(forms[0], 1);
    for form in &forms[1..] {
        ramp = ramp.stage(*form, 2);
    }
    script = script.scenario(
        Scenario::new("forms", ramp.pre_allocated_vus(1).time_unit(forms[1]))
            .start_time(forms[2])
            .graceful_stop(forms[6]),
    );
    for (i, form) in forms.iter().enumerate() {
        script = script.scenario(
            Scenario::new(
                format!("form_{i}"),
                ConstantArrivalRate::new()
                    .rate(nz!(1))
                    .time_unit(*form)
                    .duration((*form).max(secs(1)))
                    .pre_allocated_vus(1),
            )
            .start_time(*form)
            .graceful_stop(*form),
        );
    }
    assert_k6_reads_the_model(&script);
}
