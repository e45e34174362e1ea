//! The Rust front end: typed builders over the [model](crate::model), and the
//! `macro_rules!` wrappers of the declarative macros, which expand to the same builder
//! calls. Its modules are published at the crate root ([`crate::executor`],
//! [`crate::metric`], [`crate::steps`], [`crate::profile`]); the builders refer to each
//! other (a scenario executes a flow whose steps record metrics), so that circle of
//! imports stays inside this folder.

pub mod executor;
pub(crate) mod macros;
pub mod metric;
pub mod profile;
pub(crate) mod scenario;
pub(crate) mod script;
pub mod steps;
