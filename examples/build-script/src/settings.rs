//! The smoke test's settings: plain constants, compiled into the build script (which
//! turns them into `k6/smoke.js`) and into this library (for its users and tests).
//! Change one and the next `cargo build` regenerates the script.

/// How many virtual users run the smoke flow at once.
pub const VUS: u32 = 2;

/// How long they run it, in seconds.
pub const DURATION_SECS: u64 = 10;

/// The 95th-percentile response time every request must stay under, in milliseconds.
pub const P95_MS: u32 = 500;
