//! Line-by-line parsing of k6's `--out json` into borrowed events.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::time::parse_rfc3339_nanos;

/// The most warnings a [`Reader`] keeps; later ones are only counted.
const MAX_WARNINGS: usize = 100;

/// The longest line a [`Reader`] reads by default, in bytes (1 MiB); k6's lines are
/// a few hundred bytes. See [`Reader::with_max_line`].
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

/// The kind of a k6 metric, from its `Metric` line.
///
/// ```
/// use k6dsl::results::stream::MetricKind;
/// assert_eq!(MetricKind::from_k6("trend"), Some(MetricKind::Trend));
/// assert_eq!(MetricKind::from_k6("histogram"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricKind {
    /// Sums values (`http_reqs`, `iterations`, `data_sent`).
    Counter,
    /// Keeps the last value (`vus`).
    Gauge,
    /// The fraction of non-zero values (`checks`, `http_req_failed`).
    Rate,
    /// Statistics and percentiles of values (`http_req_duration`).
    Trend,
}

impl MetricKind {
    /// The kind k6 names `name` (`"counter"`, `"gauge"`, `"rate"`, `"trend"`).
    ///
    /// ```
    /// assert_eq!(k6dsl::results::stream::MetricKind::from_k6("rate"), Some(k6dsl::results::stream::MetricKind::Rate));
    /// ```
    pub fn from_k6(name: &str) -> Option<MetricKind> {
        Some(match name {
            "counter" => MetricKind::Counter,
            "gauge" => MetricKind::Gauge,
            "rate" => MetricKind::Rate,
            "trend" => MetricKind::Trend,
            _ => return None,
        })
    }
}

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
    text: &'a str,
    spans: &'a [TagSpan],
}

#[derive(Debug, Clone, Copy)]
struct TagSpan {
    start: usize,
    middle: usize,
    end: usize,
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
    Invalid,
}

/// Reads k6's `--out json` (NDJSON) line by line from any [`BufRead`], reusing one
/// line buffer and one tag buffer: no allocation per line once they are large
/// enough. A line that is not valid (typically the last one, cut when k6 was
/// killed) becomes [`Event::Invalid`] plus a [`Warning`]; every line before it is
/// read as usual. A line longer than a limit ([`DEFAULT_MAX_LINE`], or
/// [`Reader::with_max_line`]) is skipped the same way, read in chunks and dropped
/// as it comes, so that one huge line cannot take the memory it would need.
///
/// ```
/// use k6dsl::results::stream::{Event, Reader};
///
/// let text = concat!(
///     r#"{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}"#, "\n",
///     r#"{"metric":"vus","type":"Point","data":{"time":"2026-11-25T17:25:52.718Z","value":3,"tags":null}}"#, "\n",
/// );
/// let mut reader = Reader::new(text.as_bytes());
/// let mut values = Vec::new();
/// while let Some(event) = reader.next_event()? {
///     if let Event::Point(p) = event {
///         values.push((p.metric.into_owned(), p.value));
///     }
/// }
/// assert_eq!(values, [("vus".to_string(), 3.0)]);
/// assert!(reader.warnings().is_empty());
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    scratch: Scratch,
    line: u64,
    bytes: u64,
    warnings: Vec<Warning>,
    invalid: u64,
    max_line: usize,
    long: u64,
}

#[derive(Default)]
struct Scratch {
    text: String,
    spans: Vec<TagSpan>,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `inner`.
    ///
    /// ```
    /// let reader = k6dsl::results::stream::Reader::new(std::io::empty());
    /// assert_eq!(reader.lines(), 0);
    /// ```
    pub fn new(inner: R) -> Reader<R> {
        Reader {
            inner,
            buf: Vec::with_capacity(1024),
            scratch: Scratch::default(),
            line: 0,
            bytes: 0,
            warnings: Vec::new(),
            invalid: 0,
            max_line: DEFAULT_MAX_LINE,
            long: 0,
        }
    }

    /// The same reader, skipping lines longer than `bytes` (without the newline)
    /// with a [`Warning`] instead of [`DEFAULT_MAX_LINE`]. The reader never holds
    /// more than about `bytes` of a line.
    ///
    /// ```
    /// use k6dsl::results::stream::{Event, Reader};
    ///
    /// let text = format!("{}\n{{\"type\":\"Future\"}}\n", "x".repeat(10_000));
    /// let mut reader = Reader::new(text.as_bytes()).with_max_line(1024);
    /// assert!(matches!(reader.next_event()?, Some(Event::Invalid)));
    /// assert!(matches!(reader.next_event()?, Some(Event::Other(_))));
    /// assert_eq!(reader.long_lines(), 1);
    /// assert_eq!(reader.warnings()[0].too_long, Some(10_000));
    /// assert_eq!(
    ///     reader.warnings()[0].to_string(),
    ///     "line 1: skipped (10000 bytes, longer than the limit of 1024 bytes)"
    /// );
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_max_line(mut self, bytes: usize) -> Reader<R> {
        self.max_line = bytes;
        self
    }

    /// The next line's event, `None` at the end of input. Errors are I/O errors
    /// only: malformed lines are [`Event::Invalid`].
    ///
    /// ```
    /// let mut reader = k6dsl::results::stream::Reader::new(&b"not json\n"[..]);
    /// assert!(matches!(reader.next_event()?, Some(k6dsl::results::stream::Event::Invalid)));
    /// assert!(reader.next_event()?.is_none());
    /// assert_eq!(reader.invalid_lines(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn next_event(&mut self) -> io::Result<Option<Event<'_>>> {
        let (n, complete, too_long) = self.read_line()?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        self.bytes += n;
        if too_long {
            self.long += 1;
            self.invalid += 1;
            let length = n - u64::from(complete);
            if self.warnings.len() < MAX_WARNINGS {
                self.warnings.push(Warning {
                    line: self.line,
                    truncated: !complete,
                    too_long: Some(length),
                    message: format!(
                        "{length} bytes, longer than the limit of {} bytes",
                        self.max_line
                    ),
                });
            }
            return Ok(Some(Event::Invalid));
        }
        if self.buf.iter().all(u8::is_ascii_whitespace) {
            return Ok(Some(Event::Blank));
        }
        match parse_line(&self.buf, &mut self.scratch) {
            Ok(event) => Ok(Some(event)),
            Err(e) => {
                self.invalid += 1;
                if self.warnings.len() < MAX_WARNINGS {
                    self.warnings.push(Warning {
                        line: self.line,
                        truncated: !complete,
                        too_long: None,
                        message: e.to_string(),
                    });
                }
                Ok(Some(Event::Invalid))
            }
        }
    }

    /// Reads the next line into `buf`, unless it is longer than the limit: then
    /// it is read in the inner reader's chunks and dropped. Returns the bytes
    /// read, whether the line ended with a newline, and whether it was too long.
    fn read_line(&mut self) -> io::Result<(u64, bool, bool)> {
        self.buf.clear();
        let mut read = 0u64;
        let mut too_long = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok((read, false, too_long));
            }
            let (take, ends) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                let content = self.buf.len() + take - usize::from(ends);
                if content > self.max_line {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.inner.consume(take);
            read += take as u64;
            if ends {
                return Ok((read, true, too_long));
            }
        }
    }

    /// How many bytes the reader holds for the current line: bounded by about
    /// twice the line limit, however long the lines are.
    ///
    /// ```
    /// use std::io::{BufReader, Read};
    ///
    /// // A 10 MB line with no end, read with a 1 KiB limit.
    /// let endless = std::io::repeat(b'x').take(10_000_000);
    /// let mut reader = k6dsl::results::stream::Reader::new(BufReader::new(endless)).with_max_line(1024);
    /// assert!(reader.next_event()?.is_some());
    /// assert!(reader.buffer_capacity() <= 2 * 1024 + 2);
    /// assert_eq!(reader.warnings()[0].too_long, Some(10_000_000));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// How many lines were skipped for being longer than the limit (they count
    /// among [`Reader::invalid_lines`] too).
    pub fn long_lines(&self) -> u64 {
        self.long
    }

    /// The warnings so far (the first 100; [`Reader::invalid_lines`] counts all).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Takes the warnings out of the reader.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.warnings)
    }

    /// How many lines were skipped as invalid.
    pub fn invalid_lines(&self) -> u64 {
        self.invalid
    }

    /// How many lines were read.
    pub fn lines(&self) -> u64 {
        self.line
    }

    /// How many bytes were read.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

fn parse_line<'a>(line: &'a [u8], scratch: &'a mut Scratch) -> Result<Event<'a>, String> {
    scratch.text.clear();
    scratch.spans.clear();
    if let Some((metric, time_ns, value)) = fast_point(line, scratch) {
        return Ok(Event::Point(point(metric.into(), time_ns, value, scratch)));
    }
    scratch.text.clear();
    scratch.spans.clear();
    let mut de = serde_json::Deserializer::from_slice(line);
    let raw = LineSeed {
        scratch: &mut *scratch,
    }
    .deserialize(&mut de)
    .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    let kind = raw.kind.ok_or("no \"type\"")?;
    match &*kind {
        "Point" => {
            let metric = raw.metric.ok_or("a Point without \"metric\"")?;
            let data = raw.data.ok_or("a Point without \"data\"")?;
            let time = data.time.ok_or("a Point without \"data.time\"")?;
            let time_ns = parse_rfc3339_nanos(&time)
                .ok_or_else(|| format!("{time:?} is not an RFC 3339 time"))?;
            let value = data
                .value
                .ok_or("a Point without a numeric \"data.value\"")?;
            Ok(Event::Point(point(metric, time_ns, value, scratch)))
        }
        "Metric" => {
            let data = raw.data.ok_or("a Metric without \"data\"")?;
            let name = data.name.or(raw.metric).ok_or("a Metric without a name")?;
            Ok(Event::Metric(MetricDecl {
                name,
                kind: data.kind.as_deref().and_then(MetricKind::from_k6),
                contains: data.contains.unwrap_or(Cow::Borrowed("default")),
            }))
        }
        _ => Ok(Event::Other(kind)),
    }
}

/// A [`Point`] whose tags are in `scratch` (sorted here if k6 did not sort them).
fn point<'a>(
    metric: Cow<'a, str>,
    time_ns: i64,
    value: f64,
    scratch: &'a mut Scratch,
) -> Point<'a> {
    let Scratch { text, spans } = &mut *scratch;
    if !spans.is_sorted_by(|a, b| text[a.start..a.middle] <= text[b.start..b.middle]) {
        spans.sort_by(|a, b| text[a.start..a.middle].cmp(&text[b.start..b.middle]));
    }
    Point {
        metric,
        time_ns,
        value,
        tags: Tags {
            text: &scratch.text,
            spans: &scratch.spans,
        },
    }
}

/// The fast path for the `Point` lines k6 writes, byte for byte in its layout
/// (`{"metric":…,"type":"Point","data":{"time":…,"value":…,"tags":{…},"metadata":{…}}}`)
/// with no escapes in names, times and tags: `(metric, time, value)` with the tags in
/// `scratch`. `None` for anything else, which the general parser then reads.
fn fast_point<'a>(line: &'a [u8], scratch: &mut Scratch) -> Option<(&'a str, i64, f64)> {
    let line = std::str::from_utf8(line).ok()?;
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    let rest = line.strip_prefix(r#"{"metric":""#)?;
    let (metric, rest) = plain_string(rest)?;
    let rest = rest.strip_prefix(r#","type":"Point","data":{"time":""#)?;
    let (time, rest) = plain_string(rest)?;
    let rest = rest.strip_prefix(r#","value":"#)?;
    let end = rest.find([',', '}'])?;
    let (number, mut rest) = rest.split_at(end);
    let numeric = |b: u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
    if !number
        .bytes()
        .next()
        .is_some_and(|b| b == b'-' || b.is_ascii_digit())
        || !number.bytes().all(numeric)
    {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let time_ns = parse_rfc3339_nanos(time)?;
    if let Some(tags) = rest.strip_prefix(r#","tags":"#) {
        if let Some(after) = tags.strip_prefix("null") {
            rest = after;
        } else {
            let mut r = tags.strip_prefix('{')?;
            if let Some(after) = r.strip_prefix('}') {
                r = after;
            } else {
                loop {
                    let (key, after) = plain_string(r.strip_prefix('"')?)?;
                    let (value, after) = plain_string(after.strip_prefix(":\"")?)?;
                    let start = scratch.text.len();
                    scratch.text.push_str(key);
                    let middle = scratch.text.len();
                    scratch.text.push_str(value);
                    scratch.spans.push(TagSpan {
                        start,
                        middle,
                        end: scratch.text.len(),
                    });
                    if let Some(after) = after.strip_prefix(',') {
                        r = after;
                    } else {
                        r = after.strip_prefix('}')?;
                        break;
                    }
                }
            }
            rest = r;
        }
    }
    if rest != "}}" {
        let metadata = rest.strip_prefix(r#","metadata":"#)?.strip_suffix("}}")?;
        if !metadata.starts_with('{') {
            return None;
        }
        serde_json::from_str::<IgnoredAny>(metadata).ok()?;
    }
    Some((metric, time_ns, value))
}

/// The text of a JSON string (whose opening quote is consumed) without escapes or
/// control characters, and what follows its closing quote.
fn plain_string(s: &str) -> Option<(&str, &str)> {
    let end = s
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20)?;
    (s.as_bytes()[end] == b'"').then(|| (&s[..end], &s[end + 1..]))
}

/// A string borrowed from the line when it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

struct RawLine<'a> {
    kind: Option<Cow<'a, str>>,
    metric: Option<Cow<'a, str>>,
    data: Option<RawData<'a>>,
}

#[derive(Default)]
struct RawData<'a> {
    name: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    contains: Option<Cow<'a, str>>,
    time: Option<Cow<'a, str>>,
    value: Option<f64>,
}

struct LineSeed<'s> {
    scratch: &'s mut Scratch,
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_> {
    type Value = RawLine<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawLine<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_> {
    type Value = RawLine<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a k6 JSON output line (an object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawLine<'de>, A::Error> {
        let mut line = RawLine {
            kind: None,
            metric: None,
            data: None,
        };
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            match &*key {
                "type" => line.kind = Some(map.next_value::<Str<'de>>()?.0),
                "metric" => line.metric = Some(map.next_value::<Str<'de>>()?.0),
                "data" => {
                    line.data = Some(map.next_value_seed(DataSeed {
                        scratch: &mut *self.scratch,
                    })?)
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(line)
    }
}

struct DataSeed<'s> {
    scratch: &'s mut Scratch,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_> {
    type Value = RawData<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawData<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_> {
    type Value = RawData<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawData<'de>, A::Error> {
        let mut data = RawData::default();
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            match &*key {
                "time" => data.time = Some(map.next_value::<Str<'de>>()?.0),
                "value" => data.value = map.next_value::<Option<f64>>()?,
                "tags" => map.next_value_seed(TagsSeed {
                    scratch: &mut *self.scratch,
                })?,
                "name" => data.name = Some(map.next_value::<Str<'de>>()?.0),
                "type" => data.kind = Some(map.next_value::<Str<'de>>()?.0),
                "contains" => data.contains = Some(map.next_value::<Str<'de>>()?.0),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(data)
    }
}

struct TagsSeed<'s> {
    scratch: &'s mut Scratch,
}

impl<'de> DeserializeSeed<'de> for TagsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

/// A tag value: k6 writes strings, but numbers and booleans are kept as their text.
struct TagValue<'s>(&'s mut String);

impl<'de> DeserializeSeed<'de> for TagValue<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TagValue<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push_str(v);
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        use fmt::Write;
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        use fmt::Write;
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        use fmt::Write;
        let _ = write!(self.0, "{v}");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tags or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let scratch = self.scratch;
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            let start = scratch.text.len();
            scratch.text.push_str(&key);
            let middle = scratch.text.len();
            map.next_value_seed(TagValue(&mut scratch.text))?;
            scratch.spans.push(TagSpan {
                start,
                middle,
                end: scratch.text.len(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = (String, i64, f64, Vec<(String, String)>);

    /// What the general parser makes of `line`, skipping the fast path.
    fn slow(line: &[u8]) -> Option<Parsed> {
        let mut scratch = Scratch::default();
        let mut de = serde_json::Deserializer::from_slice(line);
        let raw = LineSeed {
            scratch: &mut scratch,
        }
        .deserialize(&mut de)
        .ok()?;
        de.end().ok()?;
        let data = raw.data?;
        let time = parse_rfc3339_nanos(&data.time?)?;
        let p = point(raw.metric?, time, data.value?, &mut scratch);
        let tags = p.tags.iter().map(|(k, v)| (k.into(), v.into())).collect();
        Some((p.metric.into_owned(), p.time_ns, p.value, tags))
    }

    fn fast(line: &[u8]) -> Option<Parsed> {
        let mut scratch = Scratch::default();
        let (metric, time, value) = fast_point(line, &mut scratch)?;
        let p = point(metric.into(), time, value, &mut scratch);
        let tags = p.tags.iter().map(|(k, v)| (k.into(), v.into())).collect();
        Some((p.metric.into_owned(), p.time_ns, p.value, tags))
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_parser() {
        let taken = [
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52.718609334Z","value":12.5,"tags":{"group":"","name":"x","scenario":"default"}}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":-1e-3,"tags":null}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":0.30000000000000004,"tags":{}}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":7,"tags":{"b":"2","a":"1"},"metadata":{"vu":"1","iter":"0"}}}"#,
            "{\"metric\":\"m\",\"type\":\"Point\",\"data\":{\"time\":\"2026-11-25T17:25:52Z\",\"value\":1,\"tags\":{\"n\":\"\u{e9}\"}}}\r\n",
        ];
        for line in taken {
            assert!(fast(line.as_bytes()).is_some(), "{line}");
            assert_eq!(fast(line.as_bytes()), slow(line.as_bytes()), "{line}");
        }
        let left = [
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":1,"tags":{"n":"a\"b"}}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":1,"tags":{"n":1}}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":1,"tags":{}},"extra":1}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":1,"tags":{},"metadata":{"vu":"1"}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":1,"tags":{},"metadata":{"vu":}}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":NaN,"tags":{}}}"#,
            r#"{"metric":"m","type":"Point","data":{"time":"2026-11-25T17:25:52Z","value":1,"tags":{"#,
            r#"{"type":"Point","metric":"m","data":{"time":"2026-11-25T17:25:52Z","value":1}}"#,
        ];
        for line in left {
            assert!(fast(line.as_bytes()).is_none(), "{line}");
        }
        assert!(slow(left[0].as_bytes()).is_some());
        assert!(slow(left[1].as_bytes()).is_some());
        assert!(slow(left[2].as_bytes()).is_some());
        assert!(slow(left[7].as_bytes()).is_some());
    }
}
