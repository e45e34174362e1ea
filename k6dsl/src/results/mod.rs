//! What a run left behind, turned into answers: [`stream`] reads k6's `--out json`
//! line by line into bounded aggregates, [`report`] writes HTML, JUnit and Markdown
//! reports of a [`RunResult`](crate::run::RunResult), [`compare`] judges a run
//! against a baseline or a series of past runs, and [`merge`] makes one exact
//! result of the `--out json` files of a test split across k6 instances.

pub mod compare;
pub mod merge;
pub mod report;
pub mod stream;
