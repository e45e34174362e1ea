//! What code generation produces: files by path, the form every layout shares.

/// One generated file: a script or module (text), or a file the test opens (a data
/// set's text, an upload's bytes).
///
/// ```
/// let file = k6dsl::File::new("data/users.csv", "username\nann\n");
/// assert_eq!(file.path, "data/users.csv");
/// assert_eq!(file.text(), Some("username\nann\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Its path relative to the output's root, with `/` separators: `main.js`,
    /// `data/users.csv`, `scripts/lib/config.js`.
    pub path: String,
    /// Its contents.
    pub contents: Vec<u8>,
}

impl File {
    /// A file at `path` (relative, `/`-separated) with `contents`.
    pub fn new(path: impl Into<String>, contents: impl Into<Vec<u8>>) -> File {
        File {
            path: path.into(),
            contents: contents.into(),
        }
    }

    /// Its contents as text, unless they are not UTF-8 (an upload's bytes).
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.contents).ok()
    }
}
