//! `k6dsl::k8s` and `k6dsl k8s`: the k6-operator manifests checked against the
//! TestRun schema's required fields and types (../shared k6-facts, "Distributed
//! runs"), the ConfigMap's archive accepted by the real `k6 inspect`, setup run
//! once with its data reaching runners that send nothing in setup(), hostile
//! strings byte-identical through the YAML, and no secret in any written file.

use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use demo_shop::DemoShop;
use k6dsl::k8s::{K8s, LocalK6, TESTRUN_API_VERSION};
use k6dsl::model::split::Split;
use k6dsl::prelude::*;
use k6dsl::results::merge::{merge, MergeInput, MergeOptions};
use k6dsl_suite::tools;
use serde_norway::Value as Yaml;

/// setup() logs in with a secret password and shares the token; each of the 40
/// iterations reads `/users/me` with it (401 without a valid token); teardown()
/// lists the orders.
fn shop_test(iterations: u64) -> Script<k6dsl::load::HasShortcut> {
    let setup = Setup::new(|s| {
        let login = s.request(
            Request::post("/auth/login")
                .name("login")
                .json_object([
                    ("username", Value::from("user1")),
                    ("password", Value::secret("SHOP_PASSWORD")),
                ])
                .check(Check::status(200)),
        );
        s.share("token", login.json("token"));
    });
    let token = setup.get("token");
    let flow = Flow::new("me").steps(|f| {
        f.request(
            Request::get("/users/me")
                .name("me")
                .bearer(&token)
                .check(Check::status(200)),
        );
    });
    let teardown = Teardown::new(|t| {
        t.request(Request::get("/orders").name("orders").bearer(&token));
    });
    Script::new()
        .shortcut(Shortcut::iterations(nz!(4), iterations.try_into().unwrap()))
        .default_flow(&flow)
        .setup(setup)
        .teardown(teardown)
        .threshold(CHECKS.rate().eq(1))
}

fn yaml(text: &str) -> Yaml {
    serde_norway::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn get<'a>(value: &'a Yaml, path: &str) -> &'a Yaml {
    path.split('.')
        .fold(value, |v, key| v.get(key).unwrap_or(&Yaml::Null))
}

fn string<'a>(value: &'a Yaml, path: &str) -> &'a str {
    get(value, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string: {:?}", get(value, path)))
}

fn keys(value: &Yaml) -> Vec<&str> {
    value
        .as_mapping()
        .map(|m| m.keys().filter_map(Yaml::as_str).collect())
        .unwrap_or_default()
}

/// The TestRun schema's required fields and types, as k6-facts lists them.
fn check_testrun(testrun: &Yaml) {
    assert_eq!(string(testrun, "apiVersion"), "k6.io/v1alpha1");
    assert_eq!(TESTRUN_API_VERSION, "k6.io/v1alpha1");
    assert_eq!(string(testrun, "kind"), "TestRun");
    assert!(!string(testrun, "metadata.name").is_empty());
    let spec = get(testrun, "spec");
    for key in keys(spec) {
        assert!(
            [
                "script",
                "parallelism",
                "separate",
                "arguments",
                "args",
                "runner",
                "starter",
                "initializer",
                "cleanup",
                "quiet",
                "paused",
                "ports"
            ]
            .contains(&key),
            "spec.{key} is not in the CRD"
        );
    }
    let parallelism = get(spec, "parallelism").as_i64().expect("an integer");
    assert!((1..=i64::from(i32::MAX)).contains(&parallelism));
    let script = get(spec, "script");
    let sources: Vec<&str> = keys(script);
    assert_eq!(sources.len(), 1, "exactly one script source: {sources:?}");
    assert!(["configMap", "volumeClaim", "localFile"].contains(&sources[0]));
    assert!(!string(script, "configMap.name").is_empty());
    assert!(string(script, "configMap.file").ends_with(".tar"));
    if !get(spec, "arguments").is_null() {
        string(spec, "arguments");
    }
    assert!(get(spec, "separate").is_null() || get(spec, "separate").is_bool());
    assert!(get(spec, "cleanup").is_null() || string(spec, "cleanup") == "post");
    let runner = get(spec, "runner");
    if !get(runner, "image").is_null() {
        string(runner, "image");
    }
    for var in get(runner, "env").as_sequence().into_iter().flatten() {
        assert!(!string(var, "name").is_empty());
        let value = get(var, "value");
        let from = get(var, "valueFrom");
        assert!(
            value.is_null() != from.is_null(),
            "value or valueFrom: {var:?}"
        );
        if !from.is_null() {
            match keys(from)[..] {
                ["secretKeyRef"] => {
                    string(from, "secretKeyRef.name");
                    string(from, "secretKeyRef.key");
                }
                ["fieldRef"] => assert_eq!(string(from, "fieldRef.fieldPath"), "metadata.name"),
                ref other => panic!("valueFrom {other:?}"),
            }
        } else {
            string(var, "value");
        }
    }
    for volume in get(runner, "volumes").as_sequence().into_iter().flatten() {
        string(volume, "name");
        string(volume, "persistentVolumeClaim.claimName");
    }
    for mount in get(runner, "volumeMounts")
        .as_sequence()
        .into_iter()
        .flatten()
    {
        string(mount, "name");
        assert!(string(mount, "mountPath").starts_with('/'));
        if !get(mount, "subPathExpr").is_null() {
            string(mount, "subPathExpr");
        }
    }
}

/// The ConfigMap's archive, decoded from its binaryData.
fn archive_of(configmap: &Yaml, testrun: &Yaml) -> Vec<u8> {
    assert_eq!(string(configmap, "apiVersion"), "v1");
    assert_eq!(string(configmap, "kind"), "ConfigMap");
    assert_eq!(
        string(configmap, "metadata.name"),
        string(testrun, "spec.script.configMap.name")
    );
    let key = string(testrun, "spec.script.configMap.file");
    let encoded = get(configmap, "binaryData").get(key).and_then(Yaml::as_str);
    base64::engine::general_purpose::STANDARD
        .decode(encoded.expect("binaryData holds the archive"))
        .expect("base64")
}

fn k6(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(tools::k6_binary())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("K6_NO_USAGE_REPORT", "true")
        .envs(env.iter().copied())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("k6 starts")
}

fn shop() -> DemoShop {
    DemoShop::builder()
        .latency(std::time::Duration::ZERO)
        .start()
        .expect("the demo shop starts on 127.0.0.1")
}

fn count(shop: &DemoShop, method: &str, path: &str) -> usize {
    shop.requests()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

#[test]
fn manifests_follow_the_testrun_schema_and_k6_inspect_reads_the_archive() {
    let script = shop_test(40);
    let manifests = K8s::new("shop-load", 3)
        .namespace("load")
        .secret("shop-secrets")
        .results_claim("k6-results")
        .separate(true)
        .cleanup(true)
        .image("grafana/k6:1.1.0")
        .env("BASE_URL", "http://shop.shop.svc:8080")
        .k6(tools::k6_binary())
        .generate(script.to_ir())
        .unwrap_or_else(|e| panic!("{e}"));
    let testrun = yaml(manifests.text("testrun.yaml").unwrap());
    check_testrun(&testrun);
    assert_eq!(string(&testrun, "metadata.namespace"), "load");
    assert_eq!(get(&testrun, "spec.parallelism").as_i64(), Some(3));
    assert_eq!(get(&testrun, "spec.separate").as_bool(), Some(true));
    assert_eq!(string(&testrun, "spec.cleanup"), "post");
    assert_eq!(
        string(&testrun, "spec.arguments"),
        "--out json=/results/out.json"
    );
    let env = get(&testrun, "spec.runner.env").as_sequence().unwrap();
    let by_name = |name: &str| env.iter().find(|v| string(v, "name") == name).unwrap();
    assert_eq!(
        string(by_name("BASE_URL"), "value"),
        "http://shop.shop.svc:8080"
    );
    assert_eq!(
        string(by_name("SHOP_PASSWORD"), "valueFrom.secretKeyRef.name"),
        "shop-secrets"
    );
    assert_eq!(
        string(by_name("SHOP_PASSWORD"), "valueFrom.secretKeyRef.key"),
        "SHOP_PASSWORD"
    );
    let mount = &get(&testrun, "spec.runner.volumeMounts")
        .as_sequence()
        .unwrap()[0];
    assert_eq!(string(mount, "subPathExpr"), "shop-load/$(POD_NAME)");
    assert_eq!(manifests.secret_keys, ["SHOP_PASSWORD"]);
    // Each runner would log in: said, not refused.
    assert!(manifests
        .warnings
        .iter()
        .any(|w| w.to_string().contains("runs 3 times")));

    let configmap = yaml(manifests.text("configmap.yaml").unwrap());
    let archive = archive_of(&configmap, &testrun);
    assert_eq!(archive, manifests.archive);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("archive.tar"), &archive).unwrap();
    let inspect = k6(
        dir.path(),
        &["inspect", "--execution-requirements", "archive.tar"],
        &[],
    );
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let requirements: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let max_vus = requirements["maxVUs"].as_u64().expect("maxVUs");
    assert!(max_vus >= 3, "{requirements}");

    let plain = K8s::new("plain", 1)
        .k6(tools::k6_binary())
        .generate(script.to_ir())
        .unwrap();
    let plain = yaml(plain.text("testrun.yaml").unwrap());
    check_testrun(&plain);
    // Without the options: no cleanup, separate or arguments at all.
    for absent in ["cleanup", "separate", "arguments"] {
        assert!(get(&plain, &format!("spec.{absent}")).is_null(), "{absent}");
    }
    // The default Secret's name follows the TestRun's.
    let password = get(&plain, "spec.runner.env")
        .as_sequence()
        .unwrap()
        .iter()
        .find(|v| string(v, "name") == "SHOP_PASSWORD")
        .unwrap();
    assert_eq!(
        string(password, "valueFrom.secretKeyRef.name"),
        "plain-secrets"
    );
}

#[test]
fn setup_runs_once_and_runners_get_its_data_without_sending_anything() {
    let shop = shop();
    let script = shop_test(40);
    let env = [
        ("BASE_URL", shop.base_url()),
        ("SHOP_PASSWORD", demo_shop::PASSWORD.to_owned()),
    ];
    let local = env
        .iter()
        .fold(LocalK6::new().k6(tools::k6_binary()), |l, (n, v)| {
            l.env(*n, v)
        });
    let data = local
        .setup(script.to_ir())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count(&shop, "POST", "/auth/login"), 1, "setup ran once");
    let token = data["token"]
        .as_str()
        .expect("setup shared a token")
        .to_owned();
    shop.clear_requests();

    let manifests = K8s::new("shop-load", 2)
        .setup_data(data.clone())
        .results_claim("k6-results")
        .k6(tools::k6_binary())
        .generate(script.to_ir())
        .unwrap_or_else(|e| panic!("{e}"));
    // Setup runs once, so its POST is no longer a warning.
    assert!(manifests.warnings.is_empty(), "{:?}", manifests.warnings);
    let testrun = yaml(manifests.text("testrun.yaml").unwrap());
    check_testrun(&testrun);
    let archive = archive_of(&yaml(manifests.text("configmap.yaml").unwrap()), &testrun);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("archive.tar"), &archive).unwrap();
    // Each runner as the operator starts it: its segment and instance tag, the
    // TestRun's arguments (split on whitespace), the archive; all with the
    // Secret's variables. A folder of its own stands for its folder of the claim.
    let arguments = string(&testrun, "spec.arguments").to_owned();
    assert_eq!(arguments, "--out json=/results/out.json --no-teardown");
    let split = Split::equal(2);
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let mut outputs = Vec::new();
    for i in 1..=2 {
        let folder = dir.path().join(format!("shop-load-{i}-pod"));
        std::fs::create_dir(&folder).unwrap();
        let out = folder.join("out.json");
        let mut args: Vec<String> = vec!["run".into(), "--quiet".into()];
        args.extend(split.instance_args(i));
        args.extend(
            arguments
                .split_whitespace()
                .map(|arg| arg.replace("/results/out.json", out.to_str().unwrap())),
        );
        args.push("archive.tar".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = k6(dir.path(), &args, &env);
        assert!(
            run.status.success(),
            "runner {i}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        outputs.push(MergeInput::new(out).exit_code(run.status.code()));
    }
    assert_eq!(
        count(&shop, "POST", "/auth/login"),
        0,
        "no runner ran the real setup"
    );
    assert_eq!(count(&shop, "GET", "/orders"), 0, "no runner ran teardown");
    let me: Vec<_> = shop
        .requests()
        .into_iter()
        .filter(|r| r.path == "/users/me")
        .collect();
    assert_eq!(me.len(), 40, "every iteration once over the two runners");
    let bearer = format!("Bearer {token}");
    for request in &me {
        let authorization = request
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .map(|(_, value)| value.as_slice());
        assert_eq!(
            authorization,
            Some(bearer.as_bytes()),
            "VU code got setup's token"
        );
    }
    // What the runners wrote merges into one passed verdict over all 40 iterations.
    let merged = merge(&outputs, &MergeOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(merged.instances.len(), 2);
    assert_eq!(merged.exit_code(), 0, "{}", merged.result.report());
    assert_eq!(
        merged.result.metric("iterations").and_then(|m| m.count()),
        Some(40.0)
    );
    assert_eq!(merged.result.check("status is 200"), (40, 0));

    local
        .teardown(script.to_ir(), &data)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(count(&shop, "GET", "/orders"), 1, "teardown ran once");
    assert_eq!(count(&shop, "POST", "/auth/login"), 0);
}

#[test]
fn hostile_strings_come_back_byte_identical_from_the_yaml() {
    let hostile =
        "a: b # c\n- d\n'e\" \\ f ${g} `h` \u{2028} ünï 🎉 ~ null &x *y !z %q @ | > { } [ ] ,";
    let flow = Flow::new("browse").steps(|f| {
        f.request(
            Request::post("/echo")
                .name(hostile)
                .json_object([("hostile", Value::env("HOSTILE", hostile))])
                .check(Check::status(200).named(hostile)),
        );
    });
    let script = Script::new().scenario(
        Scenario::new("browse", ConstantVus::new().vus(nz!(3)).duration(secs(10)))
            .tag("hostile", hostile)
            .exec(&flow),
    );
    let manifests = K8s::new("hostile", 3)
        .env("EXTRA", hostile)
        .env("YES", "yes")
        .k6(tools::k6_binary())
        .generate(script.to_ir())
        .unwrap_or_else(|e| panic!("{e}"));
    let testrun = yaml(manifests.text("testrun.yaml").unwrap());
    check_testrun(&testrun);
    let env = get(&testrun, "spec.runner.env").as_sequence().unwrap();
    let value = |name: &str| {
        string(
            env.iter().find(|v| string(v, "name") == name).unwrap(),
            "value",
        )
        .to_owned()
    };
    assert_eq!(value("HOSTILE"), hostile, "the test's default");
    assert_eq!(value("EXTRA"), hostile);
    // `yes` is a boolean in YAML 1.1: it must stay a string.
    assert_eq!(value("YES"), "yes");
    // Through the archive, k6 reads the scenario's tag exactly.
    let dir = tempfile::tempdir().unwrap();
    let archive = archive_of(&yaml(manifests.text("configmap.yaml").unwrap()), &testrun);
    std::fs::write(dir.path().join("archive.tar"), archive).unwrap();
    let inspect = k6(dir.path(), &["inspect", "archive.tar"], &[]);
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let options: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(options["scenarios"]["browse"]["tags"]["hostile"], hostile);

    // A hostile name is refused, saying how to fix it, before anything runs.
    for name in [hostile, "Shop", "shop_load", "-x", ""] {
        let error = K8s::new(name, 3)
            .generate(script.to_ir())
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("name `"), "{error}");
        assert!(error.contains("for example `checkout-load`"), "{error}");
        assert!(!error.contains('\n'), "one line: {error}");
    }
    let error = K8s::new("shop", 3)
        .namespace("a: b")
        .generate(script.to_ir())
        .unwrap_err();
    assert!(error.to_string().starts_with("namespace `a: b`"), "{error}");
    let error = K8s::new("shop", 3)
        .env("A B", "x")
        .generate(script.to_ir())
        .unwrap_err();
    assert!(error.to_string().contains("env `A B`"), "{error}");
}

/// Every file under `dir`, and every file of every tar among them.
fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
            continue;
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        out.push((path.display().to_string(), bytes));
    }
    out
}

#[test]
fn the_command_line_writes_no_secret_anywhere() {
    let shop = shop();
    let scratch = tempfile::tempdir().unwrap();
    let plan = scratch.path().join("shop-load.json");
    std::fs::write(&plan, k6dsl::plan::Plan::from(&shop_test(40)).to_json()).unwrap();
    let k6dsl = |args: &[&str]| {
        let output = Command::new(tools::k6dsl_binary())
            .env("K6_BIN", tools::k6_binary())
            .env("BASE_URL", shop.base_url())
            .env("SHOP_PASSWORD", demo_shop::PASSWORD)
            .args(args)
            .current_dir(scratch.path())
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            output.status.code(),
            text(&output.stdout),
            text(&output.stderr),
        )
    };
    let (code, out, err) = k6dsl(&["setup", "shop-load.json", "-o", "setup.json"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("setup() ran once"), "{out}");
    assert_eq!(count(&shop, "POST", "/auth/login"), 1);

    let (code, out, err) = k6dsl(&[
        "k8s",
        "shop-load.json",
        "--parallelism",
        "2",
        "-o",
        "k8s",
        "--setup-data",
        "setup.json",
        "--results-claim",
        "k6-results",
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(err.is_empty(), "no warning once setup runs once: {err}");
    assert!(out.contains("created k8s/testrun.yaml"), "{out}");
    let k8s = scratch.path().join("k8s");
    let testrun = yaml(&std::fs::read_to_string(k8s.join("testrun.yaml")).unwrap());
    check_testrun(&testrun);
    assert_eq!(string(&testrun, "metadata.name"), "shop-load");
    assert_eq!(
        string(&testrun, "spec.arguments"),
        "--out json=/results/out.json --no-teardown"
    );
    let readme = std::fs::read_to_string(k8s.join("README.md")).unwrap();
    assert!(
        readme.contains("--from-literal=SHOP_PASSWORD=\"$SHOP_PASSWORD\""),
        "{readme}"
    );
    assert!(
        readme.contains("k6dsl teardown PLAN --setup-data setup.json"),
        "{readme}"
    );
    let configmap = yaml(&std::fs::read_to_string(k8s.join("configmap.yaml")).unwrap());
    std::fs::write(
        scratch.path().join("archive.tar"),
        archive_of(&configmap, &testrun),
    )
    .unwrap();

    let secret = demo_shop::PASSWORD.as_bytes();
    let files = all_bytes(scratch.path());
    assert!(
        files.len() >= 6,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (path, bytes) in &files {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret),
            "{path} holds the secret"
        );
    }
}
