//! A test's `setup()` run once on this machine before a TestRun, and its
//! `teardown()` once after it, through k6's REST API, as the k6-operator does
//! for cloud runs only: k6 starts `--paused --no-setup --no-teardown` on a free
//! loopback port, initialises, and then runs `POST /v1/setup` (or `PUT /v1/setup`
//! with the data and `POST /v1/teardown`); it is stopped before any iteration.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::archive::{clean_env, log_file, write_scratch};
use super::error::io;
use super::K8sError;
use crate::plan::Plan;
use crate::run::{find_k6, Phase, Rest};
use crate::{model, Files, Target};

/// k6 on this machine, to run a test's `setup()` once before a TestRun (its data
/// goes into the manifests with [`K8s::setup_data`](super::K8s::setup_data)) and
/// its `teardown()` once after it.
///
/// k6 gets a clean environment plus the variables given with [`LocalK6::env`]
/// (the CLI passes its own environment with [`LocalK6::inherit_env`]): secrets
/// reach it through its environment, never its command line.
///
/// ```no_run
/// use k6dsl::k8s::LocalK6;
/// use k6dsl::prelude::*;
///
/// let setup = Setup::new(|s| {
///     let login = s.request(Request::post("/auth/login").name("login")
///         .json_object([("password", Value::secret("SHOP_PASSWORD"))]));
///     s.share("token", login.json("token"));
/// });
/// let script = Script::new().setup(setup);
/// let local = LocalK6::new()
///     .env("BASE_URL", "http://127.0.0.1:3300")
///     .env("SHOP_PASSWORD", "from a vault");
/// let data = local.setup(script.to_ir())?;
/// // ... the TestRun runs with this data, then:
/// local.teardown(script.to_ir(), &data)?;
/// # Ok::<(), k6dsl::k8s::K8sError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct LocalK6 {
    k6: Option<PathBuf>,
    env: Vec<(String, String)>,
    inherit_env: bool,
    timeout: Duration,
}

impl std::fmt::Debug for LocalK6 {
    /// Variables by name only: their values may be secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalK6")
            .field("k6", &self.k6)
            .field("env", &self.env.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("inherit_env", &self.inherit_env)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Default for LocalK6 {
    fn default() -> Self {
        LocalK6::new()
    }
}

impl LocalK6 {
    /// k6 as [`find_k6`] finds it, a clean environment, a 5-minute limit.
    pub fn new() -> Self {
        LocalK6 {
            k6: None,
            env: Vec::new(),
            inherit_env: false,
            timeout: Duration::from_secs(300),
        }
    }

    /// The k6 binary to use.
    pub fn k6(mut self, path: impl Into<PathBuf>) -> Self {
        self.k6 = Some(path.into());
        self
    }

    /// An environment variable for k6 (`__ENV.NAME`): a base URL, a secret.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Whether k6 also gets this process's whole environment (what a command
    /// line wants: the user's secrets are in it).
    pub fn inherit_env(mut self, inherit: bool) -> Self {
        self.inherit_env = inherit;
        self
    }

    /// The most k6 may take, from starting to setup's (or teardown's) end.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs the test's `setup()` once and returns its data (what
    /// [`K8s::setup_data`](super::K8s::setup_data) takes).
    ///
    /// # Errors
    ///
    /// The test does not generate or has no setup(); k6 is missing, fails to
    /// start, or setup() throws (k6's message).
    pub fn setup(&self, model: &model::Script) -> Result<serde_json::Value, K8sError> {
        let files = crate::generate(model, Target::PROJECT)?;
        self.setup_files(model, &files)
    }

    /// [`LocalK6::setup`] of a plan (raw JavaScript only where the plan allows it).
    ///
    /// # Errors
    ///
    /// As [`LocalK6::setup`].
    pub fn setup_plan(&self, plan: &Plan) -> Result<serde_json::Value, K8sError> {
        let files = plan.to_project()?;
        self.setup_files(&plan.script, &files)
    }

    /// Runs the test's `teardown()` once with `data` (what setup returned).
    ///
    /// # Errors
    ///
    /// The test does not generate or has no teardown(); k6 is missing, fails to
    /// start, or teardown() throws.
    pub fn teardown(
        &self,
        model: &model::Script,
        data: &serde_json::Value,
    ) -> Result<(), K8sError> {
        let files = crate::generate(model, Target::PROJECT)?;
        self.teardown_files(model, &files, data)
    }

    /// [`LocalK6::teardown`] of a plan.
    ///
    /// # Errors
    ///
    /// As [`LocalK6::teardown`].
    pub fn teardown_plan(&self, plan: &Plan, data: &serde_json::Value) -> Result<(), K8sError> {
        let files = plan.to_project()?;
        self.teardown_files(&plan.script, &files, data)
    }

    fn setup_files(
        &self,
        model: &model::Script,
        files: &Files,
    ) -> Result<serde_json::Value, K8sError> {
        if model.lifecycle.setup.is_none() {
            return Err(K8sError::Unsupported(
                "the test has no setup(): there is nothing to run once".into(),
            ));
        }
        self.with_paused_k6(files, |rest| {
            rest.run_setup()
                .map_err(|e| K8sError::K6(format!("setup() failed: {e}")))
        })
    }

    fn teardown_files(
        &self,
        model: &model::Script,
        files: &Files,
        data: &serde_json::Value,
    ) -> Result<(), K8sError> {
        if model.lifecycle.teardown.is_none() {
            return Err(K8sError::Unsupported(
                "the test has no teardown(): there is nothing to run once".into(),
            ));
        }
        self.with_paused_k6(files, |rest| {
            rest.set_setup_data(data)
                .and_then(|()| rest.run_teardown())
                .map_err(|e| K8sError::K6(format!("teardown() failed: {e}")))
        })
    }

    /// Starts k6 paused on `files`' entry, waits until it is initialised, calls
    /// `action` on its REST API, and stops it, whatever `action` did.
    fn with_paused_k6<T>(
        &self,
        files: &Files,
        action: impl FnOnce(&Rest) -> Result<T, K8sError>,
    ) -> Result<T, K8sError> {
        let k6 = find_k6(self.k6.as_deref())?;
        let scratch = write_scratch(files)?;
        let dir = scratch.path();
        let port = free_port()?;
        let mut command = Command::new(&k6);
        command
            .args(["run", "--quiet", "--no-summary", "--paused"])
            .args(["--no-setup", "--no-teardown"])
            .arg(format!("--address=127.0.0.1:{port}"))
            .arg(files.entry().path.as_str())
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log_file(dir, "stdout")?)
            .stderr(log_file(dir, "stderr")?);
        if self.inherit_env {
            command.env("K6_NO_USAGE_REPORT", "true");
        } else {
            clean_env(&mut command, dir);
        }
        command.envs(self.env.iter().map(|(n, v)| (n, v)));
        let child = command
            .spawn()
            .map_err(io(format!("starting {}", k6.display())))?;
        let mut k6 = Paused {
            child,
            rest: Rest::on_port(port),
            stderr: dir.join("k6dsl-k6.stderr"),
        };
        let deadline = Instant::now() + self.timeout;
        k6.wait_until_paused(deadline)?;
        let result = action(&k6.rest);
        k6.stop(deadline);
        result
    }
}

/// k6 started paused; killed when dropped, so that no error leaves it running.
struct Paused {
    child: Child,
    rest: Rest,
    stderr: PathBuf,
}

impl Paused {
    fn wait_until_paused(&mut self, deadline: Instant) -> Result<(), K8sError> {
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(K8sError::K6(format!(
                    "k6 exited ({status}) before it was ready:\n{}",
                    self.stderr_text()
                )));
            }
            if let Ok(status) = self.rest.status() {
                if status.phase >= Phase::Paused {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(K8sError::K6(format!(
                    "k6 was not ready within the time limit:\n{}",
                    self.stderr_text()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `PATCH /v1/status` stopped: k6 ends the test it never started and exits.
    fn stop(&mut self, deadline: Instant) {
        let _ = self.rest.stop();
        let deadline = deadline.min(Instant::now() + Duration::from_secs(15));
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr)
            .unwrap_or_default()
            .trim_end()
            .to_owned()
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, K8sError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io("finding a free port"))?;
    Ok(listener
        .local_addr()
        .map_err(io("finding a free port"))?
        .port())
}
