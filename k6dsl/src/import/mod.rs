//! Importers: other descriptions of HTTP traffic turned into k6dsl plans and Rust.
//!
//! [`openapi`] reads an OpenAPI 3.0/3.1 document.

pub mod openapi;
