//! The endpoints that check k6's HTTP authentication schemes: Basic, Digest, NTLM.

pub(crate) mod basic;
pub(crate) mod digest;
pub(crate) mod ntlm;

/// At most this many Digest nonces or NTLM challenges wait for an answer; beyond it the
/// oldest are forgotten wholesale (clients then start over).
const PENDING_LIMIT: usize = 10_000;
