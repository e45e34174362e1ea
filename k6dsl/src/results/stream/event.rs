//! What one line of k6's `--out json` is: [`Event`] and the types it borrows.

use std::borrow::Cow;
use std::fmt;

// The kind k6 names in `--out json` ("trend", ...): the model's, from k6dsl-facts.
pub use crate::model::MetricKind;

/// A problem with one line, which was skipped.
///
/// ```
/// use k6dsl::results::stream::Reader;
///
/// let mut reader = Reader::new(&b"{\"type\":\"Point\",\"metric\":\"vus\",\"da"[..]);
/// while reader.next_event()?.is_some() {}
/// let warning = &reader.warnings()[0];
/// assert!(warning.truncated);
/// assert_eq!(warning.line, 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The line number (from 1).
    pub line: u64,
    /// Whether it is an unterminated last line (k6 was killed while writing it).
    pub truncated: bool,
    /// When the line was longer than the reader's limit ([`Reader::with_max_line`]):
    /// its length in bytes (without the newline). Such a line is skipped as it
    /// is read, never held in memory whole.
    ///
    /// [`Reader::with_max_line`]: super::Reader::with_max_line
    pub too_long: Option<u64>,
    /// What was wrong with it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.truncated {
            write!(
                f,
                "line {}: truncated last line skipped ({})",
                self.line, self.message
            )
        } else {
            write!(f, "line {}: skipped ({})", self.line, self.message)
        }
    }
}

/// The tags of a [`Point`], in ascending key order.
///
/// ```
/// use k6dsl::results::stream::{Event, Reader};
///
/// let line = br#"{"type":"Point","metric":"m","data":{"time":"2026-01-01T00:00:00Z","value":1,"tags":{"status":"200","name":"login"}}}"#;
/// let mut reader = Reader::new(&line[..]);
/// let Some(Event::Point(point)) = reader.next_event()? else { panic!() };
/// assert_eq!(point.tags.iter().collect::<Vec<_>>(), [("name", "login"), ("status", "200")]);
/// assert_eq!(point.tags.get("status"), Some("200"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Tags<'a> {
    pub(super) text: &'a str,
    pub(super) spans: &'a [TagSpan],
}

#[derive(Debug, Clone, Copy)]
/// Where one tag's key and value are in the tag text: `text[start..middle]` and
/// `text[middle..end]`.
pub(super) struct TagSpan {
    pub(super) start: usize,
    pub(super) middle: usize,
    pub(super) end: usize,
}

impl<'a> Tags<'a> {
    /// `(key, value)` pairs by ascending key.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let text = self.text;
        self.spans
            .iter()
            .map(move |s| (&text[s.start..s.middle], &text[s.middle..s.end]))
    }

    /// The value of tag `key`.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// How many tags there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// A `Metric` line: a metric's declaration.
#[derive(Debug, Clone)]
pub struct MetricDecl<'a> {
    /// Its name (`http_req_duration`).
    pub name: Cow<'a, str>,
    /// Its kind; `None` for a kind this crate does not know.
    pub kind: Option<MetricKind>,
    /// What its values are (`default`, `time`, `data`).
    pub contains: Cow<'a, str>,
    /// The threshold expressions k6 lists for the metric itself (`p(95)<500`), in
    /// the script's order. k6 lists none for its sub-metrics here: a threshold on
    /// `http_req_duration{name:login}` shows only as a [`Submetric`].
    pub thresholds: Vec<String>,
    /// The sub-metrics k6 keeps for the metric: one per threshold selector, and
    /// `http_req_duration{expected_response:true}`, which k6 always adds.
    pub submetrics: Vec<Submetric>,
}

/// A sub-metric a `Metric` line lists: `http_req_duration{name:login}`.
///
/// ```
/// use k6dsl::results::stream::{Event, Reader};
///
/// let line = br#"{"type":"Metric","data":{"name":"d","type":"trend","contains":"time","thresholds":["p(95)<500",{"threshold":"max<900","abortOnFail":true}],"submetrics":[{"name":"d{name:login}","suffix":"name:login","tags":{"name":"login"}}]},"metric":"d"}"#;
/// let mut reader = Reader::new(&line[..]);
/// let Some(Event::Metric(decl)) = reader.next_event()? else { panic!() };
/// assert_eq!(decl.thresholds, ["p(95)<500", "max<900"]);
/// assert_eq!(decl.submetrics[0].name, "d{name:login}");
/// assert_eq!(decl.submetrics[0].tags, [("name".to_string(), "login".to_string())]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submetric {
    /// Its name as k6 writes it: the metric, then the selector as the script wrote it.
    pub name: String,
    /// The tags a sample must carry to count in it, by ascending key.
    pub tags: Vec<(String, String)>,
}

/// A `Point` line: one sample.
#[derive(Debug, Clone)]
pub struct Point<'a> {
    /// The metric's name.
    pub metric: Cow<'a, str>,
    /// When, in nanoseconds since the Unix epoch (UTC).
    pub time_ns: i64,
    /// The value.
    pub value: f64,
    /// Its tags (`metadata` such as `vu` and `iter` are not tags and are skipped).
    pub tags: Tags<'a>,
}

/// One line of `--out json`, borrowing the reader's buffer.
#[derive(Debug, Clone)]
pub enum Event<'a> {
    /// A metric declaration.
    Metric(MetricDecl<'a>),
    /// A sample.
    Point(Point<'a>),
    /// A line of a type other than `Metric` and `Point`, kept for forward compatibility.
    Other(Cow<'a, str>),
    /// An empty line.
    Blank,
    /// A line that is not valid JSON of the expected shape, or longer than the
    /// reader's limit: skipped, with a [`Warning`] in [`Reader::warnings`].
    ///
    /// [`Reader::warnings`]: super::Reader::warnings
    Invalid,
}
