//! Aggregating a synthetic `--out json` stream: merging, truncated input, lines over
//! the limit and the tag keys that bound the tag sets.

use std::time::Duration;

use k6dsl::results::stream::{Aggregate, Config, TagKeys};

use super::Rng;

/// A synthetic `--out json` text: declarations, then points of four kinds with a
/// few tag sets over a few seconds, and a line of a type this crate does not know.
fn synthetic(seed: u64, points: usize) -> String {
    let mut rng = Rng(seed);
    let mut out = String::new();
    for (name, kind) in [
        ("http_req_duration", "trend"),
        ("http_reqs", "counter"),
        ("checks", "rate"),
        ("vus", "gauge"),
    ] {
        out.push_str(&format!(
            r#"{{"type":"Metric","data":{{"name":"{name}","type":"{kind}","contains":"default","thresholds":[],"submetrics":null}},"metric":"{name}"}}"#
        ));
        out.push('\n');
    }
    out.push_str("{\"type\":\"Marker\",\"data\":{}}\n");
    let names = ["login", "cart", "checkout"];
    for i in 0..points {
        let ms = i as u64 * 7;
        let time = format!(
            "2026-11-25T17:{:02}:{:02}.{:03}Z",
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000
        );
        let name = names[(rng.next_u64() % 3) as usize];
        let status = if rng.unit() < 0.95 { "200" } else { "500" };
        let (metric, value) = match i % 4 {
            0 => ("http_req_duration", (3.0 + rng.normal()).exp()),
            1 => ("http_reqs", 1.0),
            2 => ("checks", f64::from(u8::from(status == "200"))),
            _ => ("vus", (rng.next_u64() % 10) as f64),
        };
        out.push_str(&format!(
            r#"{{"metric":"{metric}","type":"Point","data":{{"time":"{time}","value":{value},"tags":{{"group":"","method":"GET","name":"{name}","scenario":"default","status":"{status}","url":"http://127.0.0.1/{name}/{i}"}},"metadata":{{"vu":"1","iter":"{i}"}}}}}}"#
        ));
        out.push('\n');
    }
    out
}

fn config() -> Config {
    Config::default().bucket(Duration::from_secs(1))
}

/// The series of `a` and `b` are the same up to float summation order.
fn assert_same(a: &Aggregate, b: &Aggregate) {
    assert_eq!(a.points(), b.points());
    assert_eq!(a.series().len(), b.series().len());
    for s in a.series() {
        let t = b
            .series()
            .iter()
            .find(|t| {
                t.metric == s.metric && t.tags == s.tags && t.bucket_start_ns == s.bucket_start_ns
            })
            .unwrap_or_else(|| panic!("series {} {:?} missing", s.metric, s.tags));
        let (x, y) = (&s.stats, &t.stats);
        assert_eq!(
            (
                x.count(),
                x.min(),
                x.max(),
                x.non_zero(),
                x.last(),
                x.histogram()
            ),
            (
                y.count(),
                y.min(),
                y.max(),
                y.non_zero(),
                y.last(),
                y.histogram()
            ),
        );
        assert!((x.sum() - y.sum()).abs() <= 1e-9 * x.sum().abs().max(1.0));
    }
}

#[test]
fn merge_equals_aggregate_of_concatenation() {
    let text = synthetic(7, 5000);
    let whole = Aggregate::from_reader(text.as_bytes(), config()).unwrap();
    assert_eq!(whole.points(), 5000);
    assert_eq!(whole.other_lines(), 1);
    assert!(whole.warnings().is_empty(), "{:?}", whole.warnings());
    // Bucketed by second, split by tag: more than one series per metric.
    assert!(whole.series().len() > 4 * 3 * 30);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for cut in [0, 1, 5, lines.len() / 3, lines.len() - 1, lines.len()] {
        let (left, right) = (lines[..cut].concat(), lines[cut..].concat());
        let mut merged = Aggregate::from_reader(left.as_bytes(), config()).unwrap();
        let right = Aggregate::from_reader(right.as_bytes(), config()).unwrap();
        merged.merge(&right);
        assert_same(&merged, &whole);
        let total = merged.total("http_req_duration").unwrap();
        assert_eq!(
            total.histogram(),
            whole.total("http_req_duration").unwrap().histogram()
        );
    }
    // Totals over buckets equal the totals without buckets.
    let unbucketed = Aggregate::from_reader(text.as_bytes(), Config::default()).unwrap();
    for metric in ["http_req_duration", "http_reqs", "checks", "vus"] {
        let (a, b) = (
            whole.total(metric).unwrap(),
            unbucketed.total(metric).unwrap(),
        );
        assert_eq!(
            (a.count(), a.histogram(), a.last()),
            (b.count(), b.histogram(), b.last())
        );
    }
    let login = whole
        .total_where("http_req_duration", &[("name", "login")])
        .unwrap();
    assert!(login.count() > 0 && login.count() < whole.total("http_req_duration").unwrap().count());
}

#[test]
fn a_truncated_last_line_loses_nothing_before_it() {
    let text = synthetic(11, 200);
    let complete = |prefix: &str| -> Aggregate {
        // What a reader must get from `prefix`: every whole line in it.
        let end = prefix.rfind('\n').map_or(0, |i| i + 1);
        Aggregate::from_reader(&prefix.as_bytes()[..end], config()).unwrap()
    };
    let last_two = text[..text.len() - 1].rfind('\n').unwrap();
    let before = text[..last_two].rfind('\n').unwrap() + 1;
    for cut in before..text.len() {
        let prefix = &text[..cut];
        let got = Aggregate::from_reader(prefix.as_bytes(), config()).unwrap();
        let partial = !prefix.ends_with('\n');
        // A cut right before a newline leaves a whole JSON object: kept.
        let whole_object = text.as_bytes()[cut] == b'\n';
        let expected = if whole_object {
            complete(&text[..=cut])
        } else {
            complete(prefix)
        };
        assert_same(&got, &expected);
        if partial && !whole_object {
            assert_eq!(got.warnings().len(), 1, "cut at {cut}");
            let warning = &got.warnings()[0];
            assert!(warning.truncated);
            assert_eq!(warning.line, got.lines());
            assert!(warning.to_string().contains("truncated"), "{warning}");
        } else {
            assert!(
                got.warnings().is_empty(),
                "cut at {cut}: {:?}",
                got.warnings()
            );
        }
    }
    // Garbage (a killed process's binary tail) is skipped too, and a bad line in
    // the middle only loses itself.
    let mut garbage = text.clone().into_bytes();
    garbage.extend_from_slice(b"\x00\xff\x13{{{");
    let got = Aggregate::from_reader(&garbage[..], config()).unwrap();
    assert_same(
        &got,
        &Aggregate::from_reader(text.as_bytes(), config()).unwrap(),
    );
    assert_eq!(got.invalid_lines(), 1);
    let middle = text.replacen("\n{\"metric\"", "\nnot json\n{\"metric\"", 1);
    let got = Aggregate::from_reader(middle.as_bytes(), config()).unwrap();
    assert_eq!((got.points(), got.invalid_lines()), (200, 1));
    assert!(!got.warnings()[0].truncated);
}

/// A line of `len` bytes (and a newline) with a long JSON string.
fn long_line(len: usize) -> Vec<u8> {
    let mut line = Vec::with_capacity(len + 1);
    line.extend_from_slice(b"{\"type\":\"Point\",\"metric\":\"");
    line.resize(len - 2, b'x');
    line.extend_from_slice(b"\"}\n");
    line
}

#[test]
fn a_line_over_the_limit_is_skipped_without_holding_it() {
    use k6dsl::results::stream::{Event, Reader};

    let text = synthetic(5, 20);
    let half = &text[..text.len() / 2];
    let head = &half[..=half.rfind('\n').unwrap()];
    let tail = &text[head.len()..];
    let long = long_line(10_000_000);
    let mut input = head.as_bytes().to_vec();
    input.extend_from_slice(&long);
    input.extend_from_slice(tail.as_bytes());
    // Unterminated, and too long too.
    input.extend_from_slice(&long[..5_000]);

    // With a 1 KiB limit and small chunks: the reader never holds more than about
    // the limit, whatever the line's length.
    let chunked = std::io::BufReader::with_capacity(4096, &input[..]);
    let mut reader = Reader::new(chunked).with_max_line(1024);
    let mut capacity = 0;
    let mut points = 0;
    let mut invalid = 0;
    while let Some(event) = reader.next_event().unwrap() {
        match event {
            Event::Point(_) => points += 1,
            Event::Invalid => invalid += 1,
            _ => {}
        }
        capacity = capacity.max(reader.buffer_capacity());
    }
    assert!(
        capacity <= 2 * 1024 + 2,
        "the buffer grew to {capacity} bytes"
    );
    assert_eq!((points, invalid), (20, 2));
    assert_eq!((reader.long_lines(), reader.invalid_lines()), (2, 2));
    let head_lines = head.lines().count() as u64;
    let warnings = reader.warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(
        (
            warnings[0].line,
            warnings[0].too_long,
            warnings[0].truncated
        ),
        (head_lines + 1, Some(10_000_000), false)
    );
    assert_eq!(
        warnings[0].to_string(),
        format!(
            "line {}: skipped (10000000 bytes, longer than the limit of 1024 bytes)",
            head_lines + 1
        )
    );
    assert_eq!(
        (warnings[1].too_long, warnings[1].truncated),
        (Some(5_000), true)
    );
    assert_eq!(reader.bytes(), input.len() as u64);

    // The aggregate reads with the default limit (1 MiB): a 2 MB line is skipped,
    // everything else counts as without it.
    let mut input = head.as_bytes().to_vec();
    input.extend_from_slice(&long_line(2_000_000));
    input.extend_from_slice(tail.as_bytes());
    let got = Aggregate::from_reader(&input[..], config()).unwrap();
    let without = Aggregate::from_reader(text.as_bytes(), config()).unwrap();
    assert_same(&got, &without);
    assert_eq!(got.invalid_lines(), 1);
    assert_eq!(got.warnings()[0].too_long, Some(2_000_000));
    // A line exactly at the limit is read (and rejected for what it says).
    let at_limit = long_line(1024);
    let mut reader = Reader::new(&at_limit[..]).with_max_line(1024);
    assert!(matches!(reader.next_event().unwrap(), Some(Event::Invalid)));
    assert_eq!(reader.warnings()[0].too_long, None);
}

#[test]
fn tag_keys_bound_the_tag_sets() {
    let text = synthetic(3, 400);
    let all =
        Aggregate::from_reader(text.as_bytes(), Config::default().tag_keys(TagKeys::All)).unwrap();
    // `url` differs on every point: one series per point.
    assert_eq!(all.series().len(), 400);
    let default = Aggregate::from_reader(text.as_bytes(), Config::default()).unwrap();
    assert!(default.series().len() <= 4 * 3 * 2);
    assert!(default
        .series()
        .iter()
        .all(|s| s.tags.iter().all(|(k, _)| k != "url")));
    let none =
        Aggregate::from_reader(text.as_bytes(), Config::default().tag_keys(TagKeys::None)).unwrap();
    assert_eq!(none.series().len(), 4);
}
