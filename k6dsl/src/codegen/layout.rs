//! Where a generated project's modules live, and so where each module-level name
//! comes from: the generator writes every use of such a name as an
//! [`Import`](super::lang::Import) from its module here, which a project module
//! imports by a relative path and a single script, which declares everything
//! itself, does not import at all.

use std::rc::Rc;

use super::Target;

/// The paths of a project's modules, from the project root, with the target's
/// extension.
#[derive(Debug, Clone)]
pub struct Layout {
    /// `scripts/main.js`: options, setup, the scenario functions, teardown,
    /// handleSummary.
    pub main: Rc<str>,
    /// `scripts/lib/config.js`: settings from the environment, and the options.
    pub config: Rc<str>,
    /// `scripts/lib/metrics.js`: custom metrics.
    pub metrics: Rc<str>,
    /// `scripts/lib/auth.js`: setup() and `SetupData`.
    pub auth: Rc<str>,
    /// `scripts/lib/checks.js`: reusable checks.
    pub checks: Rc<str>,
    /// `scripts/lib/data.js`: the data sets and their rows' types.
    pub data: Rc<str>,
    /// `scripts/lib/utils.js`: the helpers, and `SummaryData`.
    pub utils: Rc<str>,
    extension: &'static str,
}

impl Layout {
    /// The layout of a project in `target`'s language.
    pub fn new(target: Target) -> Self {
        let extension = target.extension();
        let at = |path: &str| Rc::from(format!("scripts/{path}.{extension}"));
        Layout {
            main: at("main"),
            config: at("lib/config"),
            metrics: at("lib/metrics"),
            auth: at("lib/auth"),
            checks: at("lib/checks"),
            data: at("lib/data"),
            utils: at("lib/utils"),
            extension,
        }
    }

    /// `scripts/scenarios/<flow>.js`: one flow's function.
    pub fn scenario(&self, flow: &str) -> String {
        format!("scripts/scenarios/{flow}.{}", self.extension)
    }
}
