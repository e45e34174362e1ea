//! Multipart uploads under k6: text fields and files in one body, the files opened
//! in init code (`open(path, "b")`) from the copies generation writes beside the
//! script, sent with `http.file(...)`. The demo shop parses each upload and reports
//! what it received; the bytes it recorded are the file's, every one of the 256
//! byte values included, in JavaScript, TypeScript and project trees.

use super::*;
use crate::shop;

/// A file holding every byte value (NUL, 0x80 to 0xFF: not text) twice.
fn binary_file(dir: &std::path::Path) -> (std::path::PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let path = dir.join("all-bytes.bin");
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

/// setup() uploads once with a text file; each of two iterations logs in and
/// uploads the binary file twice (one `open` for both), with a computed title and
/// a number field, checking what the shop received.
fn upload_script(dir: &std::path::Path) -> (Script<k6dsl::load::HasShortcut>, Vec<u8>) {
    let (binary_path, bytes) = binary_file(dir);
    let notes_path = dir.join("notes.txt");
    std::fs::write(&notes_path, "release notes\n").unwrap();
    let binary = Upload::file("blob", binary_path.to_str().unwrap())
        .filename("blob \"v1\".bin")
        .content_type("application/x-k6dsl-test");
    let notes = Upload::file("notes", notes_path.to_str().unwrap());

    let login = |s: &mut Steps| {
        s.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", Value::from("user1")),
                    ("password", Value::from(demo_shop::PASSWORD)),
                ])
                .check(Check::status(200)),
        )
        .json("token")
    };
    let setup = Setup::new(|s| {
        let token = login(s);
        s.request(
            Request::post("/uploads")
                .name("upload notes")
                .bearer(&token)
                .multipart(
                    Multipart::new()
                        .field("title", "notes")
                        .file("file", &notes),
                )
                .check(Check::status(201))
                .check(Check::json_equals("filename", "notes.txt"))
                .check(Check::json_equals(
                    "content_type",
                    "application/octet-stream",
                ))
                .check(Check::json_equals("size", 14)),
        );
    });
    let flow = Flow::new("uploader").steps(|f| {
        let token = login(f);
        let title = f.compute("title", text!["blob of VU ", Value::vu()]);
        for round in 0..2 {
            f.request(
                Request::post("/uploads")
                    .name(format!("upload {round}"))
                    .bearer(&token)
                    .multipart(
                        Multipart::new()
                            .field("title", title.clone())
                            .field("copies", Value::iteration() + 1)
                            .file("file", &binary),
                    )
                    .check(Check::status(201))
                    .check(Check::json_equals("title", "blob of VU 1"))
                    .check(Check::json_equals("filename", "blob \"v1\".bin"))
                    .check(Check::json_equals(
                        "content_type",
                        "application/x-k6dsl-test",
                    ))
                    .check(Check::json_equals("size", 512)),
            );
        }
    });
    let script = Script::new()
        .shortcut(Shortcut::iterations(nz!(1), nz!(2)))
        .setup(setup)
        .default_flow(&flow)
        .threshold(CHECKS.rate().eq(1));
    (script, bytes)
}

/// The shop answered 201 to five uploads, and each body carried its file's bytes.
fn assert_uploaded(run: &Run, shop: &DemoShop, bytes: &[u8], what: &str) {
    assert_passed(run, what);
    let uploads: Vec<RecordedRequest> = shop
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/uploads")
        .collect();
    assert_eq!(uploads.len(), 5, "{what}: {:?}", paths(&shop.requests()));
    let content_type = header(&uploads[0], "content-type").unwrap();
    assert!(
        content_type.starts_with(b"multipart/form-data; boundary="),
        "{what}: {}",
        String::from_utf8_lossy(content_type)
    );
    assert!(contains(&uploads[0].body, b"release notes\n"), "{what}");
    for upload in &uploads[1..] {
        assert!(
            contains(&upload.body, bytes),
            "{what}: the file's bytes changed"
        );
    }
    let checks = run.metric("checks").expect("checks ran");
    assert_eq!(checks["fails"], 0, "{what}: {checks}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn multipart_uploads_send_their_files_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (script, bytes) = upload_script(dir.path());
    let files = script.data_files().unwrap();
    let copied: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    // In the model's order: setup's upload first.
    assert_eq!(copied, ["data/notes.txt", "data/blob.bin"]);
    assert_eq!(files[1].contents, bytes);

    let js = script.to_javascript().unwrap();
    // One open per file, in init code, however many requests send it.
    assert_eq!(js.matches("open(").count(), 2, "{js}");
    assert!(
        js.contains(r#"const blobFile = open("./data/blob.bin", "b");"#),
        "{js}"
    );
    let shop = shop();
    let run = run_against(&script, &shop, &[]);
    assert_uploaded(&run, &shop, &bytes, "JavaScript");

    let ts = script.to_typescript().unwrap();
    tools::tsc_check(&ts).unwrap_or_else(|e| panic!("tsc: {e}\n{ts}"));
    tools::prettier_check_ts(&ts).unwrap_or_else(|e| panic!("prettier: {e}\n{ts}"));
    let shop = self::shop();
    let base = shop.base_url();
    let run = tools::k6_run_ts(&ts, &files, &[("BASE_URL", &base)]);
    assert_uploaded(&run, &shop, &bytes, "TypeScript");
}

/// A project tree opens its copies from `scripts/lib/data`, two folders up.
#[test]
fn multipart_uploads_run_as_project_trees() {
    let dir = tempfile::tempdir().unwrap();
    let (script, bytes) = upload_script(dir.path());
    for target in [k6dsl::Target::PROJECT, k6dsl::Target::PROJECT_TS] {
        let tree = tempfile::tempdir().unwrap();
        for file in &script.generate(target).unwrap() {
            let path = tree.path().join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &file.contents).unwrap();
        }
        assert_eq!(
            std::fs::read(tree.path().join("data/blob.bin")).unwrap(),
            bytes
        );
        if target == k6dsl::Target::PROJECT_TS {
            tools::tsc_check_files(tree.path()).unwrap_or_else(|e| panic!("tsc: {e}"));
        }
        let shop = shop();
        let base = shop.base_url();
        let entry = std::path::Path::new(target.entry_path());
        let run = tools::k6_run_in(tree.path(), entry, &[("BASE_URL", &base)], &[]);
        assert_uploaded(&run, &shop, &bytes, target.entry_path());
    }
}

/// Read back from JSON and YAML plans, the uploads generate the same script.
#[test]
fn multipart_uploads_survive_plan_files() {
    let dir = tempfile::tempdir().unwrap();
    let (script, _) = upload_script(dir.path());
    let js = script.to_javascript().unwrap();
    let plan = k6dsl::plan::Plan::from(script.to_ir().clone());
    let json = plan.to_json();
    assert!(json.contains(r#""multipart""#), "{json}");
    let from_json = k6dsl::plan::Plan::from_json(&json).unwrap();
    assert_eq!(from_json.to_javascript().unwrap(), js);
    let from_yaml = k6dsl::plan::Plan::from_yaml(&plan.to_yaml()).unwrap();
    assert_eq!(from_yaml.to_javascript().unwrap(), js);
}
