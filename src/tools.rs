//! The real consumers of generated code: k6 and node.
