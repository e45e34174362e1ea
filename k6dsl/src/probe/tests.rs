//! The probe's semantics without a server: values, JSON paths, extraction.
