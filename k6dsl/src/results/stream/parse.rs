//! Parsing one line of k6's `--out json`: a fast path for the `Point` lines k6
//! writes, and a general serde parser, borrowing from the line where it can.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::event::TagSpan;
use super::time::parse_rfc3339_nanos;
use super::{Event, MetricDecl, MetricKind, Point, Submetric, Tags};

/// The text of a line's tags, and where each tag is in it: reused from line to
/// line so that reading allocates nothing once they are large enough.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) text: String,
    pub(super) spans: Vec<TagSpan>,
}

pub(super) fn parse_line<'a>(
    line: &'a [u8],
    scratch: &'a mut Scratch,
) -> Result<Event<'a>, String> {
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
                kind: data.kind.as_deref().and_then(MetricKind::from_k6_name),
                contains: data.contains.unwrap_or(Cow::Borrowed("default")),
                thresholds: data
                    .thresholds
                    .unwrap_or_default()
                    .into_iter()
                    .map(RawThreshold::into_source)
                    .collect(),
                submetrics: data
                    .submetrics
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| Submetric {
                        name: s.name,
                        tags: s.tags.unwrap_or_default().into_iter().collect(),
                    })
                    .collect(),
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
    thresholds: Option<Vec<RawThreshold>>,
    submetrics: Option<Vec<RawSubmetric>>,
}

/// One of a `Metric` line's thresholds: its source text, or k6's object form when
/// it has `abortOnFail` (`{"threshold":"p(95)<500","abortOnFail":true,...}`).
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum RawThreshold {
    Source(String),
    Object { threshold: String },
}

impl RawThreshold {
    fn into_source(self) -> String {
        match self {
            RawThreshold::Source(source) | RawThreshold::Object { threshold: source } => source,
        }
    }
}

/// One of a `Metric` line's sub-metrics (`{"name","suffix","tags"}`).
#[derive(serde::Deserialize)]
struct RawSubmetric {
    name: String,
    tags: Option<std::collections::BTreeMap<String, String>>,
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
                "thresholds" => data.thresholds = map.next_value()?,
                "submetrics" => data.submetrics = map.next_value()?,
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
