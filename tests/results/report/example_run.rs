//! The `run_checkout` example's one run under k6 and the three reports it writes.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use k6dsl::profile::Profile;
use k6dsl_suite::{checkout, tools};

use super::{headless_chromium, python, Junit};

/// What the one run of the example left behind.
struct ExampleRun {
    dir: tempfile::TempDir,
    success: bool,
    stdout: String,
    stderr: String,
}

impl ExampleRun {
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name))
            .unwrap_or_else(|e| panic!("{name} was not written: {e}\n{}", self.stderr))
    }

    /// The k6 summary the run wrote (`--summary-export`).
    fn summary(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("k6-run/summary.json")).expect("summary.json is JSON")
    }
}

/// `cargo run --example run_checkout -- --out <tmp>`, once per test binary.
fn example() -> &'static ExampleRun {
    static RUN: OnceLock<ExampleRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let k6 = tools::k6_binary();
        let dir = tempfile::Builder::new()
            .prefix("k6dsl-report-")
            .tempdir()
            .expect("a temporary directory can be created");
        let output = Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--example", "run_checkout", "--", "--out"])
            .arg(dir.path())
            .env("K6_BIN", k6)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo runs");
        ExampleRun {
            dir,
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
}

fn passed_example() -> &'static ExampleRun {
    let run = example();
    assert!(
        run.success,
        "run_checkout failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    run
}
/// Group paths and checks in a k6 summary-export's group tree.
fn summary_groups_and_checks(summary: &serde_json::Value) -> (usize, usize) {
    fn walk(group: &serde_json::Value, groups: &mut usize, checks: &mut usize) {
        *checks += group["checks"].as_object().map_or(0, |c| c.len());
        for inner in group["groups"]
            .as_object()
            .into_iter()
            .flat_map(|g| g.values())
        {
            *groups += 1;
            walk(inner, groups, checks);
        }
    }
    let (mut groups, mut checks) = (0, 0);
    walk(&summary["root_group"], &mut groups, &mut checks);
    (groups, checks)
}

#[test]
fn the_example_passes_and_writes_three_reports() {
    let run = passed_example();
    assert!(
        run.stdout.contains("verdict: passed"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains("## Thresholds"), "{}", run.stdout);
    for file in ["report.html", "junit.xml", "summary.md", "k6-run/out.json"] {
        let len = std::fs::metadata(run.file(file))
            .unwrap_or_else(|e| panic!("{file} is missing: {e}"))
            .len();
        assert!(len > 100, "{file} has only {len} bytes");
    }
}

#[test]
fn junit_is_xml_with_a_case_per_threshold_check_and_group() {
    let run = passed_example();
    let junit = Junit::read(&run.file("junit.xml"));
    let counts = &junit.counts;
    let thresholds = checkout::script(Profile::Smoke)
        .to_ir()
        .options
        .thresholds
        .len();
    let (groups, checks) = summary_groups_and_checks(&run.summary());
    assert!(
        groups >= 3 && checks >= 5,
        "{groups} groups, {checks} checks"
    );
    let expect = |suite: &str, n: usize| {
        let n = n as u64;
        assert_eq!(
            counts[suite],
            [n, 0, n, 0, 0],
            "suite `{suite}`: {counts:?}"
        );
    };
    expect("run", 1);
    expect("thresholds", thresholds);
    expect("checks", checks);
    expect("groups", groups);
    expect("", 1 + thresholds + checks + groups);
    assert_eq!(junit.title, "checkout smoke test");
    let login = junit.case("thresholds", "http_req_duration{endpoint:login}: p(95)<800");
    assert_eq!(
        (login.classname.as_str(), &login.failure),
        ("thresholds", &None)
    );
}

#[test]
fn markdown_has_the_verdict_and_every_threshold() {
    let run = passed_example();
    let md = run.read("summary.md");
    assert!(md.starts_with("# checkout smoke test: passed ✅"), "{md}");
    for threshold in &checkout::script(Profile::Smoke).to_ir().options.thresholds {
        let row = format!("| `{}` | `{}` |", threshold.key(), threshold.expression());
        let line = md
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("no row for {row} in\n{md}"));
        assert!(line.ends_with("| passed |"), "{line}");
    }
    assert!(md.contains("## Failing checks\n\nNone:"), "{md}");
}

#[test]
fn html_is_self_contained_and_has_every_section() {
    let run = passed_example();
    let html = run.read("report.html");
    for part in [
        "Requests per second",
        "Latency (http_req_duration)",
        "Failed requests per second",
        "Virtual users",
        "<h2>Thresholds</h2>",
        "<h2>Checks by group</h2>",
        "<h2>Endpoints</h2>",
        "<td>login</td>",
        "<td>checkout</td>",
        "<code>http_req_duration{endpoint:login}</code>",
        "<polyline",
    ] {
        assert!(html.contains(part), "the HTML report has no `{part}`");
    }
    for external in [
        "<script", "<link", "src=", "url(", "@import", "http://", "https://",
    ] {
        assert!(
            !html.contains(external),
            "the HTML report has `{external}`: it must not load anything"
        );
    }
}

/// Decodes a PNG (8-bit RGB or RGBA, not interlaced) with zlib and prints its width,
/// height, number of distinct colours and the share of the most common one.
const PNG_STATS: &str = r#"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
bpp = 3 if colour == 2 else 4
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
counts = {}
for y in range(height):
    start = y * (stride + 1)
    kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        pixel = bytes(line[x:x + 3])
        counts[pixel] = counts.get(pixel, 0) + 1
    prev = line
print(width, height, len(counts), max(counts.values()) / (width * height))
"#;
#[test]
fn html_renders_in_headless_chromium_to_a_page_that_is_not_blank() {
    let run = passed_example();
    let png = run.file("report.png");
    headless_chromium(
        &run.file("report.html"),
        &format!("--screenshot={}", png.display()),
        Stdio::null(),
    );
    let size = std::fs::metadata(&png)
        .expect("chromium wrote the PNG")
        .len();
    assert!(size > 20_000, "the screenshot has only {size} bytes");
    let stats = python(PNG_STATS, &[&png]).unwrap_or_else(|e| panic!("decoding the PNG: {e}"));
    let fields: Vec<f64> = stats
        .split_whitespace()
        .map(|f| f.parse().expect("a number"))
        .collect();
    let [width, height, colours, dominant] = fields[..] else {
        panic!("unexpected PNG stats `{stats}`");
    };
    assert_eq!((width, height), (1280.0, 2000.0));
    assert!(colours >= 32.0, "only {colours} colours: {stats}");
    assert!(dominant < 0.9, "one colour covers {dominant} of the page");
}

/// `cargo run --example run_checkout -- --instances 3 --out <tmp>`: the smoke
/// profile on three k6 instances against the demo shop, merged into one verdict
/// and one set of reports with a section per instance.
#[test]
fn the_example_splits_across_three_instances_and_merges_their_results() {
    let dir = tempfile::Builder::new()
        .prefix("k6dsl-report-split-")
        .tempdir()
        .expect("a temporary directory can be created");
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "run_checkout", "--"])
        .args(["--instances", "3", "--out"])
        .arg(dir.path())
        .env("K6_BIN", tools::k6_binary())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("verdict: passed"), "{stdout}");
    assert!(stdout.contains("## Instances"), "{stdout}");
    // The live view, one line a second, names every instance.
    assert!(stderr.contains("instances: 1 "), "{stderr}");
    for i in 1..=3 {
        assert!(
            stdout.contains(&format!("| instance {i} | passed")),
            "{stdout}"
        );
        for file in ["out.json", "command.txt", "summary.json"] {
            let path = dir.path().join(format!("k6-run/instance-{i}/{file}"));
            assert!(path.is_file(), "{} is missing", path.display());
        }
    }
    for file in ["report.html", "junit.xml", "summary.md"] {
        assert!(dir.path().join(file).is_file(), "{file} is missing");
    }
    // No failure anywhere, and a suite for the instances.
    let junit = Junit::read(&dir.path().join("junit.xml"));
    assert_eq!(junit.counts[""][1], 0, "{:?}", junit.counts);
    assert!(
        junit.cases.iter().any(|c| c.suite == "instances"),
        "{:?}",
        junit.cases
    );
}
