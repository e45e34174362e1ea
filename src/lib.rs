//! Support code shared by the repository's examples and integration tests: finding
//! the k6 and node binaries and running them on generated scripts. Not published.

pub mod checkout;
pub mod shop_logic;
pub mod tools;
