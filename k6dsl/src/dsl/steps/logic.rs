//! Run-time logic in a flow: branches, loops that run in k6, computed values and
//! the conditions that decide.
//!
//! ```
//! use k6dsl::prelude::*;
//!
//! let flow = Flow::new("wishlist").steps(|f| {
//!     let found = f.request(
//!         Request::get("/wishlist")
//!             .name("wishlist")
//!             .expect_statuses([200, 404])
//!             .check(Check::status_in([200, 404])),
//!     );
//!     f.when(found.status().eq(404), |create| {
//!         create.request(Request::post("/wishlist").name("create wishlist").check(Check::status(201)));
//!     });
//!     let orders = f.request(Request::get("/orders").name("orders"));
//!     f.for_each(orders.json("orders"), 5, |each, order| {
//!         each.request(Request::get(text!["/orders/", order.field("id")]).name("order"));
//!     });
//! });
//! let js = Script::new().default_flow(&flow).to_javascript()?;
//! assert!(js.contains("const status = wishlistRes.status;\n  if (status === 404) {"), "{js}");
//! assert!(js.contains("for (const order of orderItems) {"), "{js}");
//! # Ok::<(), k6dsl::Errors>(())
//! ```

use std::ops::{Add, Div, Mul, Not, Rem, Sub};

use super::value::url_parts;
use super::*;
use crate::model::logic::{ArithOp, CompareOp, Condition, CookieOp};

impl Steps {
    /// `if (condition) { ... }`: runs `then` when the condition holds at run time.
    /// Values extracted inside exist only inside.
    pub fn when(&mut self, condition: Condition, then: impl FnOnce(&mut Steps)) {
        let mut inner = self.nested();
        then(&mut inner);
        self.uses.merge(inner.uses);
        self.steps
            .push(Pending::If(condition, inner.steps, Vec::new()));
    }

    /// `if (condition) { ... } else { ... }`. What both branches return (a
    /// [`Value`], a tuple of them, or nothing) is one value after the `if`, set in
    /// whichever branch ran: the type system makes every branch give it.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let flow = Flow::new("f").steps(|f| {
    ///     let page = f.request(Request::get("/wishlist").name("wishlist").expect_statuses([200, 404]));
    ///     let id = f.if_else(
    ///         page.status().eq(404),
    ///         |create| create.request(Request::post("/wishlist").name("create")).json("id"),
    ///         |_| page.json("id"),
    ///     );
    ///     f.request(Request::get(text!["/wishlists/", id]).name("by id"));
    /// });
    /// let js = Script::new().default_flow(&flow).to_javascript()?;
    /// assert!(js.contains("} else {"), "{js}");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn if_else<R: Branches>(
        &mut self,
        condition: Condition,
        then: impl FnOnce(&mut Steps) -> R,
        otherwise: impl FnOnce(&mut Steps) -> R,
    ) -> R {
        let mut then_steps = self.nested();
        let then_result = then(&mut then_steps);
        let mut else_steps = self.nested();
        let else_result = otherwise(&mut else_steps);
        let mut merged = Vec::new();
        then_result.values(&mut |value| merged.push((value.clone(), None)));
        let mut i = 0;
        else_result.values(&mut |value| {
            merged[i].1 = Some(value.clone());
            i += 1;
        });
        let mut vars = Vec::new();
        for (then_value, else_value) in merged {
            let hint = match &then_value.0 {
                Expr::Var(var) => var.hint.clone(),
                _ => "value".to_owned(),
            };
            let var = self.state.borrow_mut().var(hint);
            then_steps.steps.push(Pending::Done(Step::Let {
                var: var.clone(),
                value: then_value.0,
            }));
            let else_value = else_value.expect("both branches return the same type");
            else_steps.steps.push(Pending::Done(Step::Let {
                var: var.clone(),
                value: else_value.0,
            }));
            vars.push(Value(Expr::Var(var), Origin(Some(Rc::clone(&self.state)))));
        }
        self.uses.merge(then_steps.uses);
        self.uses.merge(else_steps.uses);
        self.steps
            .push(Pending::If(condition, then_steps.steps, else_steps.steps));
        let mut vars = vars.into_iter();
        then_result.rebuild(&mut || vars.next().expect("one variable per value"))
    }

    /// `for (const item of list)`: runs `body` for each item of a JSON array, at
    /// most `max` of them, as a loop in k6 (not unrolled). A value that is not an
    /// array loops zero times. Values extracted inside exist only inside.
    pub fn for_each(
        &mut self,
        list: impl Into<Value>,
        max: u32,
        body: impl FnOnce(&mut Steps, Value),
    ) {
        let list = list.into();
        let hint = match &list.0 {
            Expr::Var(var) => singular_item(&var.hint),
            _ => "item".to_owned(),
        };
        let item = self.state.borrow_mut().var(hint);
        let mut inner = self.nested();
        body(
            &mut inner,
            Value(
                Expr::Var(item.clone()),
                Origin(Some(Rc::clone(&self.state))),
            ),
        );
        self.uses.merge(inner.uses);
        self.steps.push(Pending::ForEach {
            item,
            list: list.0,
            max,
            body: inner.steps,
        });
    }

    /// `for (let i = 0; i < times; i++)`: runs `body` `times` times in k6, with the
    /// round's number (from 0). Values extracted inside exist only inside.
    pub fn repeat(&mut self, times: u32, body: impl FnOnce(&mut Steps, Value)) {
        let index = self.state.borrow_mut().var("round".to_owned());
        let mut inner = self.nested();
        let round = Value(
            Expr::Var(index.clone()),
            Origin(Some(Rc::clone(&self.state))),
        );
        body(&mut inner, round);
        self.uses.merge(inner.uses);
        self.steps.push(Pending::Repeat {
            times,
            index,
            body: inner.steps,
        });
    }

    /// A computed value, kept in a variable (`const total = price * quantity`):
    /// computed once where this step is, read by every later use.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let flow = Flow::new("f").steps(|f| {
    ///     let quantity = f.compute("quantity", Value::random_int(1, 3));
    ///     f.request(Request::post("/cart/items").name("add").json_object([
    ///         ("product_id", Value::from(1)),
    ///         ("quantity", quantity),
    ///     ]));
    /// });
    /// let js = Script::new().default_flow(&flow).to_javascript()?;
    /// assert!(js.contains("const quantity = randomIntBetween(1, 3);"), "{js}");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn compute(&mut self, name: impl Into<String>, value: impl Into<Value>) -> Value {
        let var = self.state.borrow_mut().var(name.into());
        self.steps.push(Pending::Done(Step::Let {
            var: var.clone(),
            value: value.into().0,
        }));
        Value(Expr::Var(var), Origin(Some(Rc::clone(&self.state))))
    }
}

impl Steps {
    /// One of several branches per iteration, by weight: a 70/30 mix of what users
    /// do, in one scenario. [`MixMode::Exact`] follows the scenario's iteration
    /// number across the whole test (exactly 7 and 3 of every 10 iterations, also
    /// on several instances); [`MixMode::Random`] draws each time. Every sample a
    /// branch emits carries the tag `name` set to the branch's name, so results
    /// (and thresholds such as `http_reqs{checkout:buy}`) count each branch.
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// use k6dsl::steps::MixMode;
    /// let flow = Flow::new("shop").steps(|f| {
    ///     f.mix("checkout", MixMode::Exact, |mix| {
    ///         mix.arm("browse", 70, |s| {
    ///             s.request(Request::get("/products").name("products"));
    ///         });
    ///         mix.arm("buy", 30, |s| {
    ///             s.request(Request::post("/checkout").name("checkout"));
    ///         });
    ///     });
    /// });
    /// let js = Script::new().default_flow(&flow).to_javascript()?;
    /// assert!(js.contains("const checkoutSlot = exec.scenario.iterationInTest % 10;"), "{js}");
    /// assert!(js.contains("if (checkoutSlot < 7) {"), "{js}");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn mix(
        &mut self,
        name: impl Into<String>,
        mode: crate::model::logic::MixMode,
        arms: impl FnOnce(&mut MixArms),
    ) {
        let mut mix = MixArms {
            parent: self.nested(),
            arms: Vec::new(),
        };
        arms(&mut mix);
        self.uses.merge(mix.parent.uses);
        self.steps.push(Pending::Mix {
            name: name.into(),
            mode,
            arms: mix.arms,
        });
    }
}

/// The VU's cookie jar (`http.cookieJar()`). k6 fills it from responses'
/// `Set-Cookie` and sends what it holds with later requests; it empties it between
/// iterations unless the option `noCookiesReset` is set
/// ([`GeneralOptions::no_cookies_reset`](crate::options::GeneralOptions::no_cookies_reset)).
///
/// ```
/// use k6dsl::prelude::*;
/// let flow = Flow::new("f").steps(|f| {
///     f.set_cookie("/", "theme", "dark");
///     let session = Value::cookie("/session", "session");
///     f.when(session.exists(), |s| {
///         s.clear_cookies("/");
///     });
/// });
/// let js = Script::new().default_flow(&flow).to_javascript()?;
/// assert!(js.contains(r#"http.cookieJar().set(`${BASE_URL}/`, "theme", "dark");"#), "{js}");
/// # Ok::<(), k6dsl::Errors>(())
/// ```
impl Steps {
    /// Sets a cookie for a URL (relative to the base URL like a request's).
    pub fn set_cookie(
        &mut self,
        url: impl Into<Value>,
        name: impl Into<String>,
        value: impl Into<Value>,
    ) {
        self.steps.push(Pending::Done(Step::Cookie(CookieOp::Set {
            url: url_parts(url.into()),
            name: name.into(),
            value: value.into().0,
        })));
    }

    /// Deletes a cookie for a URL.
    pub fn delete_cookie(&mut self, url: impl Into<Value>, name: impl Into<String>) {
        self.steps
            .push(Pending::Done(Step::Cookie(CookieOp::Delete {
                url: url_parts(url.into()),
                name: name.into(),
            })));
    }

    /// Deletes every cookie for a URL.
    pub fn clear_cookies(&mut self, url: impl Into<Value>) {
        self.steps.push(Pending::Done(Step::Cookie(CookieOp::Clear {
            url: url_parts(url.into()),
        })));
    }
}

impl Value {
    /// The value of the cookie `name` the VU's jar holds for a URL, or nothing
    /// (test it with [`Value::exists`]).
    pub fn cookie(url: impl Into<Value>, name: impl Into<String>) -> Value {
        Value::from(Expr::Cookie {
            url: url_parts(url.into()),
            name: name.into(),
        })
    }
}

impl Steps {
    /// Escape hatch: JavaScript statements written into the script as they are,
    /// unchecked by k6dsl (as [`Check::raw_js`] for a check). Names it uses come
    /// from the script's code or [`Script::raw_js_import`](crate::Script::raw_js_import);
    /// TypeScript checks them as written. A plan file holding one must allow raw
    /// JavaScript (`"allow_raw_js": true`).
    ///
    /// ```
    /// use k6dsl::prelude::*;
    /// let flow = Flow::new("f").steps(|f| {
    ///     f.raw_js("console.log(`VU ${__VU} starts`);");
    /// });
    /// let js = Script::new().default_flow(&flow).to_javascript()?;
    /// assert!(js.contains("  console.log(`VU ${__VU} starts`);"), "{js}");
    /// # Ok::<(), k6dsl::Errors>(())
    /// ```
    pub fn raw_js(&mut self, code: impl Into<String>) {
        self.steps.push(Pending::Done(Step::RawJs(code.into())));
    }
}

/// The branches of a [`Steps::mix`], added in order.
pub struct MixArms {
    parent: Steps,
    arms: Vec<(String, u32, Vec<Pending>)>,
}

impl MixArms {
    /// A branch: its name (the tag value that counts it), its weight relative to
    /// the others, and what it runs.
    pub fn arm(
        &mut self,
        name: impl Into<String>,
        weight: u32,
        body: impl FnOnce(&mut Steps),
    ) -> &mut Self {
        let mut inner = self.parent.nested();
        body(&mut inner);
        self.parent.uses.merge(inner.uses);
        self.arms.push((name.into(), weight, inner.steps));
        self
    }
}

/// `orders` → `order`: one item of a list.
fn singular_item(list: &str) -> String {
    match list.strip_suffix('s') {
        Some(base) if !base.is_empty() => base.to_owned(),
        _ => "item".to_owned(),
    }
}

/// What [`Steps::if_else`]'s branches return: nothing, a [`Value`], or a tuple of
/// values. Each value becomes one variable set in both branches.
pub trait Branches {
    /// Calls `f` on each value, in order.
    fn values(&self, f: &mut dyn FnMut(&Value));
    /// The same shape, each value taken from `next`.
    fn rebuild(&self, next: &mut dyn FnMut() -> Value) -> Self;
}

impl Branches for () {
    fn values(&self, _: &mut dyn FnMut(&Value)) {}
    fn rebuild(&self, _: &mut dyn FnMut() -> Value) -> Self {}
}

impl Branches for Value {
    fn values(&self, f: &mut dyn FnMut(&Value)) {
        f(self)
    }
    fn rebuild(&self, next: &mut dyn FnMut() -> Value) -> Self {
        next()
    }
}

impl Branches for (Value, Value) {
    fn values(&self, f: &mut dyn FnMut(&Value)) {
        f(&self.0);
        f(&self.1);
    }
    fn rebuild(&self, next: &mut dyn FnMut() -> Value) -> Self {
        (next(), next())
    }
}

impl Branches for (Value, Value, Value) {
    fn values(&self, f: &mut dyn FnMut(&Value)) {
        f(&self.0);
        f(&self.1);
        f(&self.2);
    }
    fn rebuild(&self, next: &mut dyn FnMut() -> Value) -> Self {
        (next(), next(), next())
    }
}

/// Conditions on run-time values.
impl Value {
    fn compare(&self, op: CompareOp, other: impl Into<Value>) -> Condition {
        Condition::Compare {
            left: self.0.clone(),
            op,
            right: other.into().0,
        }
    }

    /// `value === other`.
    pub fn eq(&self, other: impl Into<Value>) -> Condition {
        self.compare(CompareOp::Eq, other)
    }

    /// `value !== other`.
    pub fn ne(&self, other: impl Into<Value>) -> Condition {
        self.compare(CompareOp::Ne, other)
    }

    /// `value < other`, as numbers.
    pub fn lt(&self, other: impl Into<Value>) -> Condition {
        self.compare(CompareOp::Lt, other)
    }

    /// `value <= other`, as numbers.
    pub fn le(&self, other: impl Into<Value>) -> Condition {
        self.compare(CompareOp::Le, other)
    }

    /// `value > other`, as numbers.
    pub fn gt(&self, other: impl Into<Value>) -> Condition {
        self.compare(CompareOp::Gt, other)
    }

    /// `value >= other`, as numbers.
    pub fn ge(&self, other: impl Into<Value>) -> Condition {
        self.compare(CompareOp::Ge, other)
    }

    /// The value is there (neither `undefined` nor `null`): an extraction found
    /// something.
    pub fn exists(&self) -> Condition {
        Condition::Exists(self.0.clone())
    }

    /// The value is `true` (a check's result: [`Response::checks_passed`]).
    pub fn is_true(&self) -> Condition {
        Condition::IsTrue(self.0.clone())
    }
}

/// Values computed at run time.
impl Value {
    /// This value as text (`String(value)`).
    pub fn as_string(&self) -> Self {
        Value::from(Expr::AsString(Box::new(self.0.clone())))
    }

    /// A random whole number from `min` to `max`, both included.
    pub fn random_int(min: i64, max: i64) -> Self {
        Value::from(Expr::RandomInt { min, max })
    }

    /// One of `values`, at random each time it is computed.
    pub fn pick_one(values: impl IntoIterator<Item = impl Into<Value>>) -> Self {
        Value::from(Expr::PickOne(
            values.into_iter().map(|v| v.into().0).collect(),
        ))
    }

    /// A random version 4 UUID, made in the script (no network).
    pub fn uuid() -> Self {
        Value::from(Expr::Uuid)
    }

    /// The time now, in milliseconds since the Unix epoch (`Date.now()`).
    pub fn now_millis() -> Self {
        Value::from(Expr::NowMillis)
    }

    fn arith(self, op: ArithOp, other: Value) -> Value {
        Value::from(Expr::Arith {
            op,
            left: Box::new(self.0),
            right: Box::new(other.0),
        })
    }
}

macro_rules! arithmetic {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        #[doc = concat!("`", stringify!($method), "` of two numbers (each converted with `Number(...)` unless known to be one).")]
        impl<T: Into<Value>> $trait<T> for Value {
            type Output = Value;
            fn $method(self, other: T) -> Value {
                self.arith(ArithOp::$op, other.into())
            }
        }

        impl<T: Into<Value>> $trait<T> for &Value {
            type Output = Value;
            fn $method(self, other: T) -> Value {
                self.clone().arith(ArithOp::$op, other.into())
            }
        }
    )*};
}

arithmetic!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div, Rem rem Rem);

/// Combinations of conditions.
impl Condition {
    /// `__ENV.NAME === "true"`: a switch set with `k6 run -e NAME=true`.
    pub fn env_flag(name: impl Into<String>) -> Condition {
        Condition::EnvFlag(name.into())
    }

    /// Both hold (`&&`).
    pub fn and(self, other: Condition) -> Condition {
        match self {
            Condition::All(mut all) => {
                all.push(other);
                Condition::All(all)
            }
            first => Condition::All(vec![first, other]),
        }
    }

    /// Either holds (`||`).
    pub fn or(self, other: Condition) -> Condition {
        match self {
            Condition::Any(mut any) => {
                any.push(other);
                Condition::Any(any)
            }
            first => Condition::Any(vec![first, other]),
        }
    }
}

impl Not for Condition {
    type Output = Condition;
    fn not(self) -> Condition {
        Condition::Not(Box::new(self))
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::from(Expr::Num(f64::from(n)))
    }
}

impl From<u16> for Value {
    fn from(n: u16) -> Self {
        Value::from(Expr::Num(f64::from(n)))
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::from(Expr::Num(f64::from(n)))
    }
}
