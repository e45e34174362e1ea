//! What a run left behind, turned into answers: [`stream`] reads k6's `--out json`
//! line by line into bounded aggregates, [`report`] writes HTML, JUnit and Markdown
//! reports of a [`RunResult`](crate::run::RunResult), and [`compare`] judges a run
//! against a baseline or a series of past runs.

pub mod compare;
pub mod report;
pub mod stream;
