//! `k6dsl::results::report` end to end:
//!
//! - `example_run`: the `run_checkout` example runs the checkout smoke profile under
//!   k6 against the in-process demo shop (once for this whole test binary) and
//!   writes `report.html`, `junit.xml` and `summary.md`; the JUnit is well-formed XML
//!   with one case per threshold, check and group, the Markdown names every
//!   threshold, and the HTML renders in headless Chromium to a page that is not
//!   blank;
//! - `failing_run`: a failing run (built by hand, no k6 needed) shows its failures in
//!   every format, with every name escaped; Chromium reads its names back as text;
//! - `hostile_names`: a property test puts hostile text (markup, quotes, `]]>`, ANSI
//!   escapes, control characters) in every name a user gives and finds the
//!   structure of both the HTML and the JUnit XML unchanged and every name read back
//!   as written.
//!
//! Needs k6 (`scripts/test` installs it), python3 and Chromium
//! (`apt-get install chromium`; `scripts/test` installs it too). A missing tool
//! fails the test, never skips it. This module holds the readers the tests share:
//! python's XML parser for JUnit, headless Chromium for HTML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod example_run;
mod failing_run;
mod hostile_names;

/// Runs python3 with `code` and `args`, returning its stdout.
fn python(code: &str, args: &[&Path]) -> Result<String, String> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .map_err(|e| format!("python3 cannot start ({e}): install python3"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Parses a JUnit file as XML (failing on any well-formedness error) and prints as
/// JSON the `testsuites` name, the counts per suite (see [`Junit::counts`]) and
/// every test case with its failure.
const JUNIT_READER: &str = r#"
import json, sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
root = doc.documentElement
assert root.tagName == "testsuites", root.tagName
def counts(element):
    failures = element.getElementsByTagName("failure")
    return [int(element.getAttribute("tests")), int(element.getAttribute("failures")),
            len(element.getElementsByTagName("testcase")), len(failures),
            len([f for f in failures if f.getAttribute("message")])]
def text(element):
    return "".join(n.data for n in element.childNodes if n.nodeType in (n.TEXT_NODE, n.CDATA_SECTION_NODE))
out = {"title": root.getAttribute("name"), "counts": {"": counts(root)}, "cases": []}
for suite in root.getElementsByTagName("testsuite"):
    out["counts"][suite.getAttribute("name")] = counts(suite)
    for case in suite.getElementsByTagName("testcase"):
        failures = case.getElementsByTagName("failure")
        assert len(failures) <= 1, case.toxml()
        failure = None
        if failures:
            f = failures[0]
            failure = {"message": f.getAttribute("message"), "type": f.getAttribute("type"), "text": text(f)}
        out["cases"].append({"suite": suite.getAttribute("name"), "classname": case.getAttribute("classname"),
                             "name": case.getAttribute("name"), "failure": failure})
print(json.dumps(out))
"#;

/// A JUnit file as an XML parser reads it.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Junit {
    /// The `testsuites` name.
    title: String,
    /// Per suite name (`""` for the whole file): `tests` attribute, `failures`
    /// attribute, `testcase` elements, `failure` elements, `failure` elements with a
    /// non-empty message.
    pub(crate) counts: BTreeMap<String, [u64; 5]>,
    pub(crate) cases: Vec<JunitCase>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
pub(crate) struct JunitCase {
    pub(crate) suite: String,
    pub(crate) classname: String,
    pub(crate) name: String,
    pub(crate) failure: Option<JunitFailure>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
pub(crate) struct JunitFailure {
    pub(crate) message: String,
    #[serde(rename = "type")]
    kind: String,
    text: String,
}

impl Junit {
    pub(crate) fn read(path: &Path) -> Junit {
        let json = python(JUNIT_READER, &[path])
            .unwrap_or_else(|e| panic!("{} is not well-formed JUnit XML:\n{e}", path.display()));
        serde_json::from_str(&json).expect("the reader prints JSON")
    }

    pub(crate) fn case(&self, suite: &str, name: &str) -> &JunitCase {
        self.cases
            .iter()
            .find(|c| c.suite == suite && c.name == name)
            .unwrap_or_else(|| panic!("no case `{name}` in suite `{suite}`: {:#?}", self.cases))
    }
}
fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "chromium is not installed: the HTML report is checked by rendering it. Install \
                 it with `apt-get update && apt-get install -y chromium` (scripts/test does this)."
            )
        })
}

/// Runs headless Chromium on the page `html` with `action` (`--screenshot=…` or
/// `--dump-dom`), its standard output into `stdout`, failing after 90 s.
fn headless_chromium(html: &Path, action: &str, stdout: Stdio) {
    let chromium = chromium();
    let profile = tempfile::tempdir().expect("a temporary directory can be created");
    let mut child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(action)
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{} cannot start: {e}", chromium.display()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish `{action}` within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "chromium {action} failed: {status}");
}

/// The page `html` as Chromium parsed it: its DOM, serialised.
pub(crate) fn chromium_dom(html: &Path) -> String {
    let dom = html.with_extension("dom.html");
    let file = std::fs::File::create(&dom).expect("the DOM file can be created");
    headless_chromium(html, "--dump-dom", Stdio::from(file));
    std::fs::read_to_string(&dom).expect("chromium wrote the DOM")
}
