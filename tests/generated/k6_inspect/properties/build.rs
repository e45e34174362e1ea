//! Building a case's script through the public builders, and having k6 read it.

use super::*;

pub(super) fn nz32(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("plans hold positive counts")
}

pub(super) fn nz64(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).expect("plans hold positive counts")
}

pub(super) fn build_scenario(plan: &ScenarioPlan, flows: &[Flow]) -> Scenario {
    let name = plan.name.as_str();
    let mut scenario = match &plan.executor {
        ExecutorPlan::SharedIterations {
            vus,
            iterations,
            max_duration,
        } => {
            let mut e = SharedIterations::new();
            if let Some(n) = vus {
                e = e.vus(nz32(*n));
            }
            if let Some(n) = iterations {
                e = e.iterations(nz64(*n));
            }
            if let Some(d) = max_duration {
                e = e.max_duration(*d);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::PerVuIterations {
            vus,
            iterations,
            max_duration,
        } => {
            let mut e = PerVuIterations::new();
            if let Some(n) = vus {
                e = e.vus(nz32(*n));
            }
            if let Some(n) = iterations {
                e = e.iterations(nz64(*n));
            }
            if let Some(d) = max_duration {
                e = e.max_duration(*d);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::ConstantVus { vus, duration } => {
            let mut e = ConstantVus::new().duration(*duration);
            if let Some(n) = vus {
                e = e.vus(nz32(*n));
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::RampingVus {
            start_vus,
            stages,
            graceful_ramp_down,
        } => {
            let (&(duration, target), rest) = stages.split_first().expect("a stage");
            let mut e = RampingVus::new().stage(duration, target);
            for &(duration, target) in rest {
                e = e.stage(duration, target);
            }
            if let Some(n) = start_vus {
                e = e.start_vus(*n);
            }
            if let Some(d) = graceful_ramp_down {
                e = e.graceful_ramp_down(*d);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::ConstantArrivalRate {
            rate,
            time_unit,
            duration,
            vus: (pre_allocated, max),
        } => {
            let mut e = ConstantArrivalRate::new()
                .rate(nz64(*rate))
                .duration(*duration)
                .pre_allocated_vus(*pre_allocated);
            if let Some(d) = time_unit {
                e = e.time_unit(*d);
            }
            if let Some(n) = max {
                e = e.max_vus(*n);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::RampingArrivalRate {
            start_rate,
            time_unit,
            stages,
            vus: (pre_allocated, max),
        } => {
            let (&(duration, target), rest) = stages.split_first().expect("a stage");
            let mut e = RampingArrivalRate::new().stage(duration, target);
            for &(duration, target) in rest {
                e = e.stage(duration, target);
            }
            let mut e = e.pre_allocated_vus(*pre_allocated);
            if let Some(n) = start_rate {
                e = e.start_rate(*n);
            }
            if let Some(d) = time_unit {
                e = e.time_unit(*d);
            }
            if let Some(n) = max {
                e = e.max_vus(*n);
            }
            Scenario::new(name, e)
        }
        ExecutorPlan::ExternallyControlled {
            vus,
            max_vus,
            duration,
        } => {
            let mut e = ExternallyControlled::new().duration(*duration);
            if let Some(n) = vus {
                e = e.vus(*n);
            }
            if let Some(n) = max_vus {
                e = e.max_vus(*n);
            }
            Scenario::new(name, e)
        }
    };
    if let Some(d) = plan.start_time {
        scenario = scenario.start_time(d);
    }
    if let Some(d) = plan.graceful_stop {
        scenario = scenario.graceful_stop(d);
    }
    for (key, value) in &plan.env {
        scenario = scenario.env(key, value);
    }
    for (key, value) in &plan.tags {
        scenario = scenario.tag(key, value);
    }
    if let Some(i) = plan.flow {
        scenario = scenario.exec(&flows[i.index(flows.len())]);
    }
    scenario
}

pub(super) fn build_shortcut(plan: &ShortcutPlan) -> Shortcut {
    match plan {
        ShortcutPlan::Duration { vus, duration } => Shortcut::duration(nz32(*vus), *duration),
        ShortcutPlan::Iterations {
            vus,
            iterations,
            within: None,
        } => Shortcut::iterations(nz32(*vus), nz64(*iterations)),
        ShortcutPlan::Iterations {
            vus,
            iterations,
            within: Some(max),
        } => Shortcut::iterations_within(nz32(*vus), nz64(*iterations), *max),
        ShortcutPlan::Stages { start, stages } => Shortcut::stages(*start, stages.clone()),
    }
}

/// A metric of any kind.
pub(super) enum AnyMetric {
    Trend(Trend),
    Counter(Counter),
    Rate(Rate),
    Gauge(Gauge),
}

pub(super) fn builtins() -> Vec<AnyMetric> {
    use AnyMetric as M;
    let all = vec![
        M::Gauge(VUS),
        M::Gauge(VUS_MAX),
        M::Counter(ITERATIONS),
        M::Counter(DROPPED_ITERATIONS),
        M::Counter(HTTP_REQS),
        M::Counter(DATA_SENT),
        M::Counter(DATA_RECEIVED),
        M::Counter(WS_SESSIONS),
        M::Counter(WS_MSGS_SENT),
        M::Counter(WS_MSGS_RECEIVED),
        M::Rate(CHECKS),
        M::Rate(HTTP_REQ_FAILED),
        M::Trend(ITERATION_DURATION),
        M::Trend(GROUP_DURATION),
        M::Trend(HTTP_REQ_DURATION),
        M::Trend(HTTP_REQ_BLOCKED),
        M::Trend(HTTP_REQ_CONNECTING),
        M::Trend(HTTP_REQ_TLS_HANDSHAKING),
        M::Trend(HTTP_REQ_SENDING),
        M::Trend(HTTP_REQ_WAITING),
        M::Trend(HTTP_REQ_RECEIVING),
        M::Trend(WS_PING),
        M::Trend(WS_SESSION_DURATION),
        M::Trend(WS_CONNECTING),
        M::Trend(GRPC_REQ_DURATION),
    ];
    assert_eq!(
        all.len(),
        k6dsl_facts::metric::BUILTIN_METRICS.len(),
        "every built-in metric"
    );
    all
}

pub(super) fn custom(plan: &MetricPlan) -> AnyMetric {
    let name = plan.name.clone();
    match plan.kind {
        CustomKind::Trend => AnyMetric::Trend(Trend::new(name)),
        CustomKind::TimeTrend => AnyMetric::Trend(Trend::time(name)),
        CustomKind::Counter => AnyMetric::Counter(Counter::new(name)),
        CustomKind::Rate => AnyMetric::Rate(Rate::new(name)),
        CustomKind::Gauge => AnyMetric::Gauge(Gauge::new(name)),
    }
}

pub(super) fn declare<L>(script: Script<L>, metric: &AnyMetric) -> Script<L> {
    match metric {
        AnyMetric::Trend(m) => script.metric(m),
        AnyMetric::Counter(m) => script.metric(m),
        AnyMetric::Rate(m) => script.metric(m),
        AnyMetric::Gauge(m) => script.metric(m),
    }
}

/// The scenario a selector names: a scenario of the script, or a name.
pub(super) enum ScenarioSelector<'a> {
    Of(&'a Scenario),
    Named(String),
}

/// The scenario selector for `scenario`: k6dsl matches a `scenario` tag the
/// scenario sets itself rather than its name.
pub(super) fn scenario_selector(scenario: &Scenario) -> Option<ScenarioSelector<'_>> {
    match scenario.to_ir().tags.get("scenario") {
        None => Some(ScenarioSelector::Of(scenario)),
        Some(tag) if is_selector_value(tag) => Some(ScenarioSelector::Named(tag.clone())),
        Some(_) => None,
    }
}

pub(super) fn narrow<K: Kind>(
    mut metric: Metric<K>,
    plan: &ThresholdPlan,
    scenario: Option<&ScenarioSelector>,
) -> Metric<K> {
    for (key, value) in &plan.tags {
        metric = metric.tag(key, value);
    }
    if let Some(path) = &plan.group {
        metric = metric.for_group(path);
    }
    match scenario {
        Some(ScenarioSelector::Of(scenario)) => metric.for_scenario(scenario),
        Some(ScenarioSelector::Named(name)) => metric.tag("scenario", name),
        None => metric,
    }
}

pub(super) fn compare(aggregate: PendingThreshold, plan: &ThresholdPlan) -> Threshold {
    let bound = plan.bound;
    let threshold = match plan.operator.index(7) {
        0 => aggregate.lt(bound),
        1 => aggregate.le(bound),
        2 => aggregate.gt(bound),
        3 => aggregate.ge(bound),
        4 => aggregate.eq(bound),
        5 => aggregate.loose_eq(bound),
        _ => aggregate.ne(bound),
    };
    match plan.abort {
        None => threshold,
        Some(None) => threshold.abort_on_fail(),
        Some(Some(delay)) => threshold.abort_on_fail().delay_abort_eval(delay),
    }
}

pub(super) fn build_threshold(
    plan: &ThresholdPlan,
    metric: AnyMetric,
    scenario: Option<&ScenarioSelector>,
) -> Threshold {
    match metric {
        AnyMetric::Trend(m) => {
            let m = narrow(m, plan, scenario);
            let aggregate = match plan.stat.index(5) {
                0 => m.avg(),
                1 => m.min(),
                2 => m.max(),
                3 => m.med(),
                _ => m.p(plan.percentile),
            };
            compare(aggregate, plan)
        }
        AnyMetric::Counter(m) => {
            let m = narrow(m, plan, scenario);
            let aggregate = match plan.stat.index(2) {
                0 => m.count(),
                _ => m.rate(),
            };
            compare(aggregate, plan)
        }
        AnyMetric::Rate(m) => compare(narrow(m, plan, scenario).rate(), plan),
        AnyMetric::Gauge(m) => compare(narrow(m, plan, scenario).value(), plan),
    }
}

/// Adds the metrics, thresholds and options of `case` and has k6 read the script.
pub(super) fn finish<L>(mut script: Script<L>, case: &Case, scenarios: &[Scenario]) {
    for plan in &case.metrics {
        if plan.declared {
            script = declare(script, &custom(plan));
        }
    }
    let selectors: Vec<Option<ScenarioSelector>> = if scenarios.is_empty() {
        // Without scenarios, k6 runs everything in one called `default`.
        vec![Some(ScenarioSelector::Named("default".into()))]
    } else {
        scenarios.iter().map(scenario_selector).collect()
    };
    for plan in &case.thresholds {
        let metric = if plan.custom && !case.metrics.is_empty() {
            custom(&case.metrics[plan.metric.index(case.metrics.len())])
        } else {
            let mut builtins = builtins();
            let i = plan.metric.index(builtins.len());
            builtins.swap_remove(i)
        };
        let scenario = plan
            .scenario
            .and_then(|i| selectors[i.index(selectors.len())].as_ref());
        script = script.threshold(build_threshold(plan, metric, scenario));
    }
    if let Some(options) = &case.options {
        script = script.options(options.clone());
    }
    assert_k6_reads_the_model(&script);
}

pub(super) fn check(case: &Case) {
    match &case.load {
        LoadPlan::Default => finish(Script::new(), case, &[]),
        LoadPlan::Shortcut(plan) => finish(Script::new().shortcut(build_shortcut(plan)), case, &[]),
        LoadPlan::Scenarios(plans) => {
            let flows: Vec<Flow> = case
                .flows
                .iter()
                .map(|plan| {
                    let flow = Flow::new(plan.name.clone());
                    match plan.pacing {
                        Some(pacing) => flow.pacing(pacing),
                        None => flow,
                    }
                })
                .collect();
            let scenarios: Vec<Scenario> = plans
                .iter()
                .map(|plan| build_scenario(plan, &flows))
                .collect();
            let (first, rest) = scenarios.split_first().expect("a scenario");
            let mut script = Script::new();
            if plans.iter().any(|plan| plan.flow.is_none()) {
                // k6dsl refuses a scenario without exec that would run an
                // empty default function.
                script = script.default_flow(&Flow::new("fallback"));
            }
            let mut script = script.scenario(first.clone());
            for scenario in rest {
                script = script.scenario(scenario.clone());
            }
            finish(script, case, &scenarios);
        }
    }
}
