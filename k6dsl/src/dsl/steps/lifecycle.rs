//! `setup()` and `teardown(data)`.

use super::*;

/// `setup()`: runs once before the test; the values it [`share`](SetupSteps::share)s
/// reach every VU and teardown.
///
/// ```
/// use k6dsl::prelude::*;
/// let setup = Setup::new(|s| {
///     let login = s.request(
///         Request::post("/auth/login")
///             .name("login")
///             .json_object([("username", Value::text("user1")), ("password", Value::secret("SHOP_PASSWORD"))])
///             .check(Check::status(200)),
///     );
///     let token = login.json("token");
///     s.share("token", token);
/// });
/// let token = setup.get("token");
/// let _ = Request::get("/users/me").bearer(token);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub(crate) ir: ir_code::Setup,
    pub(crate) uses: Uses,
}

/// The body of `setup()`: steps, and the values it returns.
pub struct SetupSteps {
    steps: Steps,
    returns: Vec<(String, Expr)>,
}

impl std::ops::Deref for SetupSteps {
    type Target = Steps;
    fn deref(&self) -> &Steps {
        &self.steps
    }
}

impl std::ops::DerefMut for SetupSteps {
    fn deref_mut(&mut self) -> &mut Steps {
        &mut self.steps
    }
}

impl SetupSteps {
    /// Returns `value` under `key` in setup's data object.
    pub fn share(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.returns.push((key.into(), value.into().0));
    }
}

impl Setup {
    /// Builds `setup()`.
    pub fn new(body: impl FnOnce(&mut SetupSteps)) -> Self {
        let mut steps = SetupSteps {
            steps: Steps::new("setup"),
            returns: Vec::new(),
        };
        body(&mut steps);
        let returns = steps.returns;
        let (body, uses) = steps.steps.finish();
        Setup {
            ir: ir_code::Setup { body, returns },
            uses,
        }
    }

    /// The value setup shared under `key`, for VU code and teardown
    /// (`data.key`). A key setup does not share is reported when the script is
    /// generated.
    pub fn get(&self, key: impl Into<String>) -> Value {
        Value::from(Expr::SetupData(key.into()))
    }
}

/// `teardown(data)`: runs once after the test.
#[derive(Debug, Clone, PartialEq)]
pub struct Teardown {
    pub(crate) body: Block,
    pub(crate) uses: Uses,
}

impl Teardown {
    /// Builds `teardown()`.
    pub fn new(body: impl FnOnce(&mut Steps)) -> Self {
        let mut steps = Steps::new("teardown");
        body(&mut steps);
        let (body, uses) = steps.finish();
        Teardown { body, uses }
    }
}
