//! [`Timeline`]: requests, latency and VUs per second and a table per endpoint, read
//! from k6's `--out json` with [`crate::results::stream`].

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::time::Duration;

use crate::results::stream::{Aggregate, Config, Stats, TagKeys};

/// What happened second by second, and per endpoint, read from k6's `--out json`.
///
/// ```
/// use k6dsl::results::report::Timeline;
///
/// let out = concat!(
///     r#"{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default"},"metric":"http_reqs"}"#, "\n",
///     r#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time"},"metric":"http_req_duration"}"#, "\n",
///     r#"{"type":"Metric","data":{"name":"http_req_failed","type":"rate","contains":"default"},"metric":"http_req_failed"}"#, "\n",
///     r#"{"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:00.1Z","value":1,"tags":{"name":"login"}}}"#, "\n",
///     r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:00.1Z","value":40,"tags":{"name":"login"}}}"#, "\n",
///     r#"{"metric":"http_req_failed","type":"Point","data":{"time":"2026-01-01T00:00:00.1Z","value":0,"tags":{"name":"login"}}}"#, "\n",
///     r#"{"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:02.5Z","value":1,"tags":{"name":"cart"}}}"#, "\n",
///     r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:02.5Z","value":90,"tags":{"name":"cart"}}}"#, "\n",
///     r#"{"metric":"http_req_failed","type":"Point","data":{"time":"2026-01-01T00:00:02.5Z","value":1,"tags":{"name":"cart"}}}"#, "\n",
/// );
/// let timeline = Timeline::from_reader(out.as_bytes())?;
/// let requests: Vec<u64> = timeline.seconds.iter().map(|s| s.requests).collect();
/// assert_eq!(requests, [1, 0, 1]);
/// assert_eq!(timeline.seconds[2].failed, 1);
/// let cart = timeline.endpoints.iter().find(|e| e.name == "cart").unwrap();
/// assert_eq!((cart.count, cart.error_rate), (1, Some(1.0)));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// One entry per second from the first sample to the last, gaps included.
    pub seconds: Vec<Second>,
    /// One entry per endpoint (the `endpoint` tag, else `name`), by name.
    pub endpoints: Vec<Endpoint>,
}

/// One second of a run.
///
/// ```
/// let second = k6dsl::results::report::Second::default();
/// assert_eq!((second.offset_s, second.requests, second.p95), (0, 0, None));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Second {
    /// Seconds since the first sample's second.
    pub offset_s: u64,
    /// HTTP requests made (`http_reqs`).
    pub requests: u64,
    /// Failed HTTP requests (`http_req_failed` non-zero).
    pub failed: u64,
    /// Median `http_req_duration`, ms.
    pub p50: Option<f64>,
    /// 95th percentile of `http_req_duration`, ms.
    pub p95: Option<f64>,
    /// 99th percentile of `http_req_duration`, ms.
    pub p99: Option<f64>,
    /// Largest `vus` value seen in the second.
    pub vus: Option<f64>,
}

/// Requests to one endpoint over the whole run.
///
/// ```
/// let endpoint = k6dsl::results::report::Endpoint { name: "login".into(), count: 10, avg: Some(3.5), p95: Some(7.0), error_rate: Some(0.0) };
/// assert_eq!(endpoint.count, 10);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The `endpoint` tag, else the `name` tag (k6 sets `name` to the URL when the
    /// script gives none).
    pub name: String,
    /// Requests (`http_req_duration` samples).
    pub count: u64,
    /// Mean duration, ms.
    pub avg: Option<f64>,
    /// 95th percentile duration, ms.
    pub p95: Option<f64>,
    /// Share of failed requests (`http_req_failed`).
    pub error_rate: Option<f64>,
}

const NS_PER_S: i64 = 1_000_000_000;

impl Timeline {
    /// Reads an `out.json` file as a stream.
    ///
    /// ```no_run
    /// let timeline = k6dsl::results::report::Timeline::from_out_json("target/run/out.json")?;
    /// println!("{} seconds", timeline.seconds.len());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_out_json(path: impl AsRef<Path>) -> std::io::Result<Timeline> {
        let file = std::fs::File::open(path)?;
        Timeline::from_reader(std::io::BufReader::new(file))
    }

    /// Reads k6 `--out json` lines (malformed lines are skipped, as
    /// [`crate::results::stream`] does).
    ///
    /// ```
    /// let timeline = k6dsl::results::report::Timeline::from_reader(&b""[..])?;
    /// assert!(timeline.seconds.is_empty() && timeline.endpoints.is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_reader(reader: impl BufRead) -> std::io::Result<Timeline> {
        let config = Config::default()
            .tag_keys(TagKeys::only(["endpoint", "name"]))
            .bucket(Duration::from_secs(1));
        let aggregate = Aggregate::from_reader(reader, config)?;
        Ok(Timeline::from_aggregate(&aggregate))
    }

    /// Builds the timeline from an [`Aggregate`] made with one-second buckets and
    /// the `endpoint` and `name` tags kept (as [`Timeline::from_reader`] makes it).
    ///
    /// ```
    /// use k6dsl::results::stream::{Aggregate, Config};
    /// let aggregate = Aggregate::new(Config::default());
    /// assert_eq!(k6dsl::results::report::Timeline::from_aggregate(&aggregate), Default::default());
    /// ```
    pub fn from_aggregate(aggregate: &Aggregate) -> Timeline {
        let mut per_second: BTreeMap<i64, BTreeMap<&str, Stats>> = BTreeMap::new();
        let mut per_endpoint: BTreeMap<String, BTreeMap<&str, Stats>> = BTreeMap::new();
        let merge =
            |into: &mut BTreeMap<&str, Stats>, metric: &'static str, stats: &Stats| match into
                .get_mut(metric)
            {
                Some(total) => total.merge(stats),
                None => {
                    into.insert(metric, stats.clone());
                }
            };
        for series in aggregate.series() {
            let Some(metric) = ["http_reqs", "http_req_duration", "http_req_failed", "vus"]
                .into_iter()
                .find(|m| *m == series.metric)
            else {
                continue;
            };
            let second = series.bucket_start_ns.unwrap_or(0).div_euclid(NS_PER_S);
            merge(per_second.entry(second).or_default(), metric, &series.stats);
            let tag = |key: &str| {
                series
                    .tags
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
            };
            if metric != "vus" {
                if let Some(name) = tag("endpoint").or_else(|| tag("name")) {
                    merge(per_endpoint.entry(name).or_default(), metric, &series.stats);
                }
            }
        }
        let mut seconds = Vec::new();
        if let (Some(first), Some(last)) = (
            per_second.keys().next().copied(),
            per_second.keys().last().copied(),
        ) {
            for second in first..=last {
                let stats = per_second.get(&second);
                let get = |metric: &str| stats.and_then(|s| s.get(metric));
                let duration = get("http_req_duration");
                seconds.push(Second {
                    offset_s: (second - first) as u64,
                    requests: get("http_reqs").map_or(0, |s| s.sum().round() as u64),
                    failed: get("http_req_failed").map_or(0, Stats::non_zero),
                    p50: duration.and_then(|s| s.quantile(0.5)),
                    p95: duration.and_then(|s| s.quantile(0.95)),
                    p99: duration.and_then(|s| s.quantile(0.99)),
                    vus: get("vus").and_then(Stats::max),
                });
            }
        }
        let endpoints = per_endpoint
            .into_iter()
            .map(|(name, stats)| {
                let duration = stats.get("http_req_duration");
                Endpoint {
                    name,
                    count: duration.map_or(0, Stats::count),
                    avg: duration.and_then(Stats::mean),
                    p95: duration.and_then(|s| s.quantile(0.95)),
                    error_rate: stats.get("http_req_failed").and_then(Stats::rate),
                }
            })
            .collect();
        Timeline { seconds, endpoints }
    }
}
