//! Values for generated code: literals, environment variables, extracted values, rows, and text joining them.

use super::*;

/// A run-time value for generated code: a literal, an environment variable, a value
/// extracted from a response, a data row's field, setup data, or text joining them.
///
/// ```
/// use k6dsl::steps::Value;
/// let user = Value::env("SHOP_USER", "user1");
/// let password = Value::secret("SHOP_PASSWORD"); // read at run time, never a literal
/// let vu = Value::vu();
/// let _ = (user, password, vu);
/// ```
#[derive(Debug, Clone)]
pub struct Value(pub(crate) Expr, pub(super) Origin);

/// For an extracted value, the function that defines it, so [`Value::named`] can
/// rename the variable where it is defined.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin(pub(super) Option<Rc<RefCell<FunctionState>>>);

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl From<Expr> for Value {
    fn from(expr: Expr) -> Self {
        Value(expr, Origin::default())
    }
}

impl Value {
    /// A literal string.
    pub fn text(text: impl Into<String>) -> Self {
        Value::from(Expr::Str(text.into()))
    }

    /// `__ENV.NAME`, or `default` when the variable is unset or empty.
    pub fn env(name: impl Into<String>, default: impl Into<String>) -> Self {
        Value::from(Expr::Env {
            name: name.into(),
            default: Some(default.into()),
        })
    }

    /// A secret (password, token) read from `__ENV.NAME` at run time. It has no
    /// default, so it never appears in a generated file.
    pub fn secret(name: impl Into<String>) -> Self {
        Value::from(Expr::Secret { name: name.into() })
    }

    /// The VU number (`__VU`, from 1). In a test split across instances each
    /// instance has a VU 1: for a number unique in the whole test use
    /// [`vu_in_test`](Value::vu_in_test).
    pub fn vu() -> Self {
        Value::from(Expr::VuId)
    }

    /// The iteration number within the VU (`__ITER`, from 0).
    pub fn iteration() -> Self {
        Value::from(Expr::Iteration)
    }

    /// The VU number unique in the whole test, across the instances of a split
    /// test (`exec.vu.idInTest`, from 1; `__VU` on one machine).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let flow = Flow::new("signup").steps(|f| {
    ///     f.request(Request::post("/users").json_object([("name", text!["user", Value::vu_in_test()])]));
    /// });
    /// let script = Script::new().default_flow(&flow);
    /// assert!(script.to_javascript()?.contains("name: `user${exec.vu.idInTest}`"));
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn vu_in_test() -> Self {
        Value::from(Expr::VuIdInTest)
    }

    /// The scenario's iteration number unique in the whole test, across the
    /// instances of a split test (`exec.scenario.iterationInTest`, from 0).
    pub fn iteration_in_test() -> Self {
        Value::from(Expr::IterationInTest)
    }

    /// The running scenario's name (`exec.scenario.name`).
    pub fn scenario_name() -> Self {
        Value::from(Expr::ScenarioName)
    }

    /// A field of this value (a row's column, a JSON object's key).
    pub fn field(&self, name: impl Into<String>) -> Self {
        Value::from(Expr::Field(Box::new(self.0.clone()), name.into()))
    }

    /// This value as a number (`Number(value)`), for a Trend, Counter or Gauge: k6
    /// records only numbers in them, and an extracted value (JSON, a header, text
    /// found in the body) or a CSV field is not one until converted.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let cart_size = Gauge::new("cart_size");
    /// let flow = Flow::new("cart").steps(|f| {
    ///     let cart = f.request(Request::get("/cart").name("cart"));
    ///     f.add(&cart_size, cart.json("items.#").named("count").as_number());
    /// });
    /// let js = Script::new().default_flow(&flow).to_javascript()?;
    /// assert!(js.contains("cartSize.add(Number(count));"), "{js}");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn as_number(&self) -> Self {
        Value::from(Expr::AsNumber(Box::new(self.0.clone())))
    }

    /// Renames the JavaScript variable holding an extracted value (`productId`).
    /// Has no effect on other values.
    pub fn named(self, hint: impl Into<String>) -> Self {
        match self.0 {
            Expr::Var(var) => {
                let hint = hint.into();
                // The extraction that defines the variable carries the same hint.
                if let Some(state) = &self.1 .0 {
                    state.borrow_mut().rename(&var, &hint);
                }
                Value(Expr::Var(Var { hint, ..var }), self.1)
            }
            other => Value(other, self.1),
        }
    }

    /// The model of this value.
    pub fn to_ir(&self) -> &Expr {
        &self.0
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::text(text)
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::text(text)
    }
}

impl From<&Value> for Value {
    fn from(value: &Value) -> Self {
        value.clone()
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::from(Expr::Num(n))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::from(Expr::Num(n as f64))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::from(Expr::Bool(b))
    }
}

/// Joins parts into one text value: `text!["/products/", id]` becomes the template
/// literal `` `${BASE_URL}/products/${productId}` `` in a URL.
#[macro_export]
macro_rules! text {
    ($($part:expr),+ $(,)?) => {
        $crate::steps::Value::concat([$($crate::steps::Value::from($part)),+])
    };
}

impl Value {
    /// Joins parts into one text value (see [`text!`](crate::text)).
    pub fn concat(parts: impl IntoIterator<Item = Value>) -> Self {
        let mut joined = Vec::new();
        for part in parts {
            match part.0 {
                Expr::Concat(inner) => joined.extend(inner),
                other => joined.push(other),
            }
        }
        Value::from(Expr::Concat(joined))
    }
}

/// A URL's parts, as a request keeps them: the parts of joined text, or the one
/// value.
pub(super) fn url_parts(url: Value) -> Vec<Expr> {
    match url.0 {
        Expr::Concat(parts) => parts,
        other => vec![other],
    }
}
