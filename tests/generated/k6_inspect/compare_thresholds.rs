//! Comparing k6's reading of thresholds with the model, parsed the way k6 parses them.

use super::*;

// Thresholds, read the way k6 reads them
// ---------------------------------------------------------------------------------

/// A metric name and the tags of its selector.
pub(crate) type SubMetric = (String, BTreeMap<String, String>);

/// A threshold key as k6 v1.1.0 reads it (`internal/metrics/engine` and
/// `Metric.AddSubmetric`): the metric is everything before the first `{`; the
/// selector, without its final `}`, is split on `,`, each part cut at its first `:`,
/// and keys and values are trimmed of spaces, then of `"` and `'`.
pub(crate) fn k6_reads_key(key: &str) -> SubMetric {
    let Some((metric, rest)) = key.split_once('{') else {
        return (key.to_owned(), BTreeMap::new());
    };
    let selector = rest
        .strip_suffix('}')
        .unwrap_or_else(|| panic!("k6 accepted `{key}`, which does not end in `}}`"));
    let k6_trim = |s: &str| s.trim().trim_matches(['"', '\'']).to_owned();
    let tags = selector
        .trim()
        .split(',')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once(':').unwrap_or((part, ""));
            (k6_trim(k), k6_trim(v))
        })
        .collect();
    (metric.to_owned(), tags)
}

/// A threshold expression as k6 reads it: aggregation method, operator, bound.
pub(crate) fn k6_reads_expression(expression: &str) -> (String, String, f64) {
    let start = expression
        .find(['<', '>', '=', '!'])
        .unwrap_or_else(|| panic!("`{expression}` has no operator"));
    let (method, rest) = expression.split_at(start);
    let operator = ["===", "==", "!=", "<=", ">=", "<", ">"]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .unwrap_or_else(|| panic!("`{expression}` has no known operator"));
    let bound = rest[operator.len()..]
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("`{expression}`: the bound is not a number: {e}"));
    (method.trim().to_owned(), operator.to_owned(), bound)
}

#[track_caller]
pub(crate) fn expect_stat(method: &str, stat: Stat, what: &str) {
    let plain = match stat {
        Stat::Avg => "avg",
        Stat::Min => "min",
        Stat::Max => "max",
        Stat::Med => "med",
        Stat::Count => "count",
        Stat::Rate => "rate",
        Stat::Value => "value",
        Stat::Percentile(p) => {
            let read: f64 = method
                .strip_prefix("p(")
                .and_then(|m| m.strip_suffix(')'))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("{what}: k6 printed `{method}`, not a percentile"));
            assert_eq!(read, p, "{what}: percentile");
            return;
        }
    };
    assert_eq!(method, plain, "{what}: aggregation method");
}

pub(crate) fn operator(op: Comparison) -> &'static str {
    match op {
        Comparison::Lt => "<",
        Comparison::Le => "<=",
        Comparison::Gt => ">",
        Comparison::Ge => ">=",
        Comparison::Eq => "===",
        Comparison::LooseEq => "==",
        Comparison::Ne => "!=",
    }
}

/// One printed threshold entry against its model.
#[track_caller]
pub(crate) fn expect_threshold(printed: &Value, model: &model::Threshold, what: &str) {
    let model::Threshold {
        metric: _,
        kind: _,
        selector: _,
        stat,
        op,
        bound,
        abort_on_fail,
        delay_abort_eval,
    } = model;
    // k6 prints the object form only for abortOnFail; it keeps delayAbortEval in it.
    let expression = if *abort_on_fail {
        assert_eq!(
            field(printed, "abortOnFail"),
            &json!(true),
            "{what}: abortOnFail"
        );
        expect_duration(
            field(printed, "delayAbortEval"),
            *delay_abort_eval,
            &format!("{what}: delayAbortEval"),
        );
        field(printed, "threshold")
    } else {
        assert_eq!(
            *delay_abort_eval, None,
            "{what}: validation forbids a delay without abort"
        );
        printed
    };
    let expression = expression
        .as_str()
        .unwrap_or_else(|| panic!("{what}: k6 printed {printed}, not a threshold"));
    let (method, read_operator, read_bound) = k6_reads_expression(expression);
    expect_stat(&method, *stat, what);
    assert_eq!(
        read_operator,
        operator(*op),
        "{what}: operator in `{expression}`"
    );
    assert_eq!(read_bound, *bound, "{what}: bound in `{expression}`");
}

/// Every threshold under the key k6 reads as its metric and selector, in order.
#[track_caller]
pub(crate) fn expect_thresholds(printed: &Value, model: &[model::Threshold]) {
    if model.is_empty() {
        assert_eq!(printed, &Value::Null, "the model has no thresholds");
        return;
    }
    let mut expected: Vec<(SubMetric, Vec<&model::Threshold>)> = Vec::new();
    for threshold in model {
        let sub_metric = (threshold.metric.clone(), threshold.selector.clone());
        match expected.iter_mut().find(|(key, _)| *key == sub_metric) {
            Some((_, list)) => list.push(threshold),
            None => expected.push((sub_metric, vec![threshold])),
        }
    }
    let printed = printed
        .as_object()
        .unwrap_or_else(|| panic!("thresholds: k6 printed {printed}"));
    assert_eq!(
        printed.len(),
        expected.len(),
        "one key per sub-metric: {printed:#?}"
    );
    for (key, entries) in printed {
        let read = k6_reads_key(key);
        let (_, thresholds) = expected
            .iter()
            .find(|(sub_metric, _)| *sub_metric == read)
            .unwrap_or_else(|| {
                panic!("k6 reads `{key}` as {read:?}, which the model does not have")
            });
        let entries = entries.as_array().expect("a list of thresholds");
        assert_eq!(entries.len(), thresholds.len(), "thresholds under `{key}`");
        for (i, (entry, threshold)) in entries.iter().zip(thresholds).enumerate() {
            expect_threshold(entry, threshold, &format!("`{key}` #{i}"));
        }
    }
}
