//! What code generation produces: files by path, the form every layout shares.

/// One generated file.
///
/// ```
/// let file = k6dsl::File::new("data/users.csv", "username\nann\n");
/// assert_eq!(file.path, "data/users.csv");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Its path relative to the output's root, with `/` separators: `main.js`,
    /// `data/users.csv`, `scripts/lib/config.js`.
    pub path: String,
    /// Its contents.
    pub contents: String,
}

impl File {
    /// A file at `path` (relative, `/`-separated) with `contents`.
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> File {
        File {
            path: path.into(),
            contents: contents.into(),
        }
    }
}
