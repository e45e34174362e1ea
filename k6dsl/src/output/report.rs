//! What a write did to each file: [`Outcome`], [`FileReport`], [`Report`].

use std::fmt;
use std::path::PathBuf;

/// What happened to one generated file (or, from [`OutputDir::plan`], would happen).
///
/// [`OutputDir::plan`]: super::OutputDir::plan
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The file did not exist and was written.
    Created,
    /// The file held what k6dsl wrote last time and was rewritten with new contents.
    Updated,
    /// The file already held these contents and was not touched.
    Unchanged,
    /// The file had been edited by hand (or was not k6dsl's) and was overwritten
    /// because [`OutputDir::force`](super::OutputDir::force) was set.
    Forced,
}

impl Outcome {
    /// Whether the file was written.
    ///
    /// ```
    /// use k6dsl::output::Outcome;
    /// assert!(Outcome::Created.wrote());
    /// assert!(!Outcome::Unchanged.wrote());
    /// ```
    pub fn wrote(self) -> bool {
        !matches!(self, Outcome::Unchanged)
    }

    /// The word for it in a report: `created`, `updated`, `unchanged`, `forced`.
    ///
    /// ```
    /// use k6dsl::output::Outcome;
    /// assert_eq!(Outcome::Forced.as_str(), "forced");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::Forced => "forced",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One generated file and what happened to it.
///
/// ```
/// use k6dsl::output::{FileReport, Outcome, OutputDir};
///
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-file-report-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let report = OutputDir::new(&dir).write([("main.js", "// generated\n")])?;
/// assert_eq!(report.files, [FileReport { path: "main.js".into(), outcome: Outcome::Created }]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), k6dsl::output::WriteErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The path relative to the output directory, as given.
    pub path: String,
    /// What happened.
    pub outcome: Outcome,
}

/// What a write did, file by file.
///
/// ```
/// use k6dsl::output::OutputDir;
///
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-report-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let out = OutputDir::new(&dir);
/// out.write([("old.js", "// 1\n"), ("main.js", "// 1\n")])?;
/// let report = out.write([("main.js", "// 2\n")])?;
/// assert_eq!(report.stale, ["old.js"]);
/// assert!(dir.join("old.js").exists()); // left in place
/// let text = report.to_string();
/// assert!(text.contains("updated "), "{text}");
/// assert!(text.contains("no longer generated"), "{text}");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), k6dsl::output::WriteErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The output directory.
    pub root: PathBuf,
    /// Every generated file, in path order.
    pub files: Vec<FileReport>,
    /// Files k6dsl generated here earlier and no longer generates: left in place (they
    /// may be a person's work now), and listed until someone deletes them.
    pub stale: Vec<String>,
}

impl Report {
    /// The files that were written (created, updated or forced).
    ///
    /// ```
    /// use k6dsl::output::OutputDir;
    ///
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-written-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// let out = OutputDir::new(&dir);
    /// out.write([("a.js", "// 1\n"), ("b.js", "// 1\n")])?;
    /// let report = out.write([("a.js", "// 1\n"), ("b.js", "// 2\n")])?;
    /// let written: Vec<_> = report.written().map(|f| f.path.as_str()).collect();
    /// assert_eq!(written, ["b.js"]);
    /// assert!(report.wrote_anything());
    /// assert_eq!(report.path_of("b.js"), dir.join("b.js"));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::WriteErrors>(())
    /// ```
    pub fn written(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| f.outcome.wrote())
    }

    /// Whether any file was written.
    pub fn wrote_anything(&self) -> bool {
        self.written().next().is_some()
    }

    /// Where a reported file is: the output directory joined with its path.
    pub fn path_of(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }
}

impl fmt::Display for Report {
    /// One line per file (`created k6/main.js`), then one per stale file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for file in &self.files {
            if !first {
                f.write_str("\n")?;
            }
            first = false;
            write!(f, "{} {}", file.outcome, self.path_of(&file.path).display())?;
        }
        for path in &self.stale {
            if !first {
                f.write_str("\n")?;
            }
            first = false;
            write!(
                f,
                "stale {} (no longer generated; left in place, delete it if it is not needed)",
                self.path_of(path).display()
            )?;
        }
        Ok(())
    }
}
