//! Writing generated files into a directory, safely.
//!
//! [`OutputDir::write`] takes a set of generated files, each a path relative to the
//! directory and its contents, and:
//!
//! - **keeps every path inside the directory**: an empty path, an absolute one, one
//!   with a `..` (or `.`, or empty) part, a backslash or a `:` is refused, and so is a
//!   symbolic link on the way to a file;
//! - **writes atomically**: each file goes to a temporary file in the same directory,
//!   is flushed to disk (`fsync`) and renamed over the old one, so a reader (k6, an
//!   editor, a crashed build) sees the old file or the new one, never half of one;
//! - **rewrites only what changed**: a file whose contents are already right is not
//!   touched (its modification time stays, so nothing downstream rebuilds);
//! - **does not overwrite a person's work**: the directory holds a manifest
//!   ([`MANIFEST_FILE`]) with a hash of every file k6dsl wrote there. A file whose
//!   contents no longer match its hash was edited by hand, and one that is not in the
//!   manifest at all is someone else's: either is refused
//!   ([`Error::Edited`], [`Error::NotGenerated`], naming the file) unless
//!   [`OutputDir::force`] is set. Every file is checked before any is written, so a
//!   refusal writes nothing at all;
//! - **reports** what happened to each file ([`Outcome`]), so a command line or a
//!   build script can print it.
//!
//! Files k6dsl generated earlier that are no longer generated are left in place (they
//! may have become a person's work) and listed in [`Report::stale`] until someone
//! deletes them.
//!
//! Each file is atomic; a set of files is not a transaction. If writing fails half-way
//! (a full disk), the files written so far stay written and the manifest records them.
//! If the process dies half-way (killed, a power cut), the manifest written before
//! the first file lists each file being written as `pending` with its new hash, so
//! the next run takes the file, old or new, as k6dsl's; a temporary file the death
//! left behind (`.NAME.k6dsl-PID-N.tmp`) is removed by the next write of the tree.
//! Two processes writing one directory at the same time are not supported.
//!
//! ```
//! use k6dsl::output::{OutputDir, Outcome};
//!
//! # let dir = std::env::temp_dir().join(format!("k6dsl-doc-output-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let out = OutputDir::new(&dir);
//! let report = out.write([("main.js", "export default function () {}\n")])?;
//! assert_eq!(report.files[0].outcome, Outcome::Created);
//!
//! // The same contents again: nothing is written.
//! let report = out.write([("main.js", "export default function () {}\n")])?;
//! assert_eq!(report.files[0].outcome, Outcome::Unchanged);
//!
//! // A person edits the file: k6dsl will not overwrite it without force.
//! std::fs::write(dir.join("main.js"), "// mine\n").unwrap();
//! let errors = out.write([("main.js", "export default function () {}\n")]).unwrap_err();
//! assert!(errors.to_string().contains("main.js was changed by hand"));
//! let report = out.force(true).write([("main.js", "export default function () {}\n")])?;
//! assert_eq!(report.files[0].outcome, Outcome::Forced);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), k6dsl::output::Errors>(())
//! ```

pub mod build_script;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// The manifest k6dsl keeps in every output directory: for each file it wrote there,
/// a hash of what it wrote. Do not edit it; deleting it makes k6dsl treat every
/// existing file as someone else's (refused without force) until it has rewritten
/// them.
///
/// ```
/// use k6dsl::output::{OutputDir, MANIFEST_FILE};
///
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-manifest-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// OutputDir::new(&dir).write([("main.js", "// generated\n")])?;
/// let manifest = std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap();
/// assert!(manifest.contains(r#""main.js": "#), "{manifest}");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), k6dsl::output::Errors>(())
/// ```
pub const MANIFEST_FILE: &str = ".k6dsl-manifest.json";

/// The manifest's format version; a manifest of another version is refused.
const MANIFEST_VERSION: u32 = 1;

/// The hash algorithm's name, as the manifest records it.
const HASH_NAME: &str = "fnv1a-64";

/// A directory that generated files are written into.
///
/// ```
/// use k6dsl::output::OutputDir;
///
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-outputdir-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let report = OutputDir::new(&dir).write([
///     ("load/main.js", "export default function () {}\n"),
///     ("load/data/users.csv", "username\nuser1\n"),
/// ])?;
/// assert!(report.wrote_anything());
/// assert_eq!(std::fs::read_to_string(dir.join("load/data/users.csv")).unwrap(), "username\nuser1\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), k6dsl::output::Errors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct OutputDir {
    root: PathBuf,
    force: bool,
}

impl OutputDir {
    /// The directory at `root`; it is created (with its parents) on the first write.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        OutputDir {
            root: root.into(),
            force: false,
        }
    }

    /// Whether to overwrite files edited by hand, or not generated by k6dsl, instead of
    /// refusing them. Off by default; the report says which files were forced.
    ///
    /// ```
    /// use k6dsl::output::{OutputDir, Outcome};
    ///
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-force-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("main.js"), "// a person's script\n").unwrap();
    /// assert!(OutputDir::new(&dir).write([("main.js", "// generated\n")]).is_err());
    /// let report = OutputDir::new(&dir).force(true).write([("main.js", "// generated\n")])?;
    /// assert_eq!(report.files[0].outcome, Outcome::Forced);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), k6dsl::output::Errors>(())
    /// ```
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// The directory.
    ///
    /// ```
    /// use k6dsl::output::OutputDir;
    /// assert_eq!(OutputDir::new("k6").root(), std::path::Path::new("k6"));
    /// ```
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Checks everything [`write`](Self::write) checks and reports what it would do,
    /// writing nothing: for a command's `--check` mode, or a CI step that fails when
    /// generated files are out of date.
    ///
    /// ```
    /// use k6dsl::output::{OutputDir, Outcome};
    ///
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-plan-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// let report = OutputDir::new(&dir).plan([("main.js", "// generated\n")])?;
    /// assert_eq!(report.files[0].outcome, Outcome::Created);
    /// assert!(!dir.exists());
    /// # Ok::<(), k6dsl::output::Errors>(())
    /// ```
    pub fn plan<I, P, C>(&self, files: I) -> Result<Report, Errors>
    where
        I: IntoIterator<Item = (P, C)>,
        P: Into<String>,
        C: Into<Vec<u8>>,
    {
        Ok(self.prepare(files)?.report)
    }

    /// Writes `files`, each a path relative to the directory (`/`-separated) and its
    /// contents, as the [module documentation](self) describes: paths checked, files
    /// written atomically, unchanged files left alone, hand-edited and foreign files
    /// refused unless forced, and nothing written at all when anything is refused.
    ///
    /// A path given twice with the same contents is written once; with different
    /// contents it is an error.
    ///
    /// ```
    /// use k6dsl::output::{Error, OutputDir};
    ///
    /// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-write-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// let errors = OutputDir::new(&dir).write([("../main.js", "// generated\n")]).unwrap_err();
    /// assert!(matches!(&errors.0[0], Error::InvalidPath { path, .. } if path == "../main.js"));
    /// assert!(!dir.exists());
    /// ```
    pub fn write<I, P, C>(&self, files: I) -> Result<Report, Errors>
    where
        I: IntoIterator<Item = (P, C)>,
        P: Into<String>,
        C: Into<Vec<u8>>,
    {
        let prepared = self.prepare(files)?;
        self.apply(prepared)
    }

    /// Checks every file and decides what to do with it; touches nothing.
    fn prepare<I, P, C>(&self, files: I) -> Result<Prepared, Errors>
    where
        I: IntoIterator<Item = (P, C)>,
        P: Into<String>,
        C: Into<Vec<u8>>,
    {
        let mut errors = Vec::new();

        // The files, by path: checked, deduplicated, in a stable order.
        let mut wanted: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (path, contents) in files {
            let path = path.into();
            let contents = contents.into();
            if let Err(reason) = check_relative_path(&path) {
                errors.push(Error::InvalidPath { path, reason });
                continue;
            }
            match wanted.get(&path) {
                Some(existing) if *existing != contents => {
                    if !errors
                        .iter()
                        .any(|e| matches!(e, Error::DuplicatePath { path: p } if *p == path))
                    {
                        errors.push(Error::DuplicatePath { path });
                    }
                }
                Some(_) => {}
                None => {
                    wanted.insert(path, contents);
                }
            }
        }
        // `a` and `a/b` cannot both be files.
        for path in wanted.keys() {
            for (index, _) in path.match_indices('/') {
                let dir = &path[..index];
                if wanted.contains_key(dir) {
                    errors.push(Error::FileAndDirectory {
                        file: dir.to_owned(),
                        inside: path.clone(),
                    });
                }
            }
        }

        match fs::metadata(&self.root) {
            Ok(meta) if !meta.is_dir() => errors.push(Error::NotADirectory {
                path: self.root.clone(),
            }),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => errors.push(Error::Io {
                action: "read",
                path: self.root.clone(),
                source,
            }),
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }

        let manifest_path = self.root.join(MANIFEST_FILE);
        let (old_manifest, old_manifest_bytes) = match read_manifest(&manifest_path) {
            Ok(found) => found,
            Err(error) if self.force && matches!(error, Error::BadManifest { .. }) => {
                (Manifest::default(), None)
            }
            Err(error) => return Err(Errors(vec![error])),
        };

        let mut planned = Vec::new();
        let mut report = Report {
            root: self.root.clone(),
            files: Vec::new(),
            stale: Vec::new(),
        };
        for (path, contents) in wanted {
            match self.decide(&path, &contents, &old_manifest) {
                Ok(outcome) => {
                    report.files.push(FileReport {
                        path: path.clone(),
                        outcome,
                    });
                    planned.push(Planned {
                        path,
                        contents,
                        outcome,
                    });
                }
                Err(error) => errors.push(error),
            }
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }

        // Files generated before and not now: left alone while they exist, and listed.
        let mut new_manifest = Manifest::default();
        for (path, hash) in &old_manifest.files {
            if planned.iter().any(|p| p.path == *path) {
                continue;
            }
            match fs::symlink_metadata(self.root.join(path)) {
                Ok(meta) if meta.is_file() => {
                    report.stale.push(path.clone());
                    new_manifest.files.insert(path.clone(), hash.clone());
                }
                // Deleted (or replaced by something else): no longer ours to track.
                _ => {}
            }
        }
        for file in &planned {
            new_manifest
                .files
                .insert(file.path.clone(), hash_hex(&file.contents));
        }

        Ok(Prepared {
            planned,
            report,
            old_manifest,
            new_manifest,
            old_manifest_bytes,
        })
    }

    /// What to do with one file, or why not.
    fn decide(&self, path: &str, contents: &[u8], manifest: &Manifest) -> Result<Outcome, Error> {
        let target = self.root.join(path);
        // Every directory on the way must be a real directory inside the root.
        let mut dir = self.root.clone();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            match fs::symlink_metadata(&dir) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(Error::Symlink { path: dir });
                }
                Ok(meta) if !meta.is_dir() => return Err(Error::NotADirectory { path: dir }),
                Ok(_) => {}
                // Nothing below exists either: the file is new.
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Outcome::Created),
                Err(source) => {
                    return Err(Error::Io {
                        action: "read",
                        path: dir,
                        source,
                    })
                }
            }
        }
        match fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::Symlink { path: target })
            }
            Ok(meta) if meta.is_dir() => return Err(Error::IsADirectory { path: target }),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Outcome::Created),
            Err(source) => {
                return Err(Error::Io {
                    action: "read",
                    path: target,
                    source,
                })
            }
        }
        let current = fs::read(&target).map_err(|source| Error::Io {
            action: "read",
            path: target.clone(),
            source,
        })?;
        if current == contents {
            return Ok(Outcome::Unchanged);
        }
        let current_hash = hash_hex(&current);
        // A write that was cut short left this file old or new: both are k6dsl's.
        if manifest.pending.get(path) == Some(&current_hash) {
            return Ok(Outcome::Updated);
        }
        match manifest.files.get(path) {
            Some(hash) if *hash == current_hash => Ok(Outcome::Updated),
            _ if self.force => Ok(Outcome::Forced),
            Some(_) => Err(Error::Edited { path: target }),
            None => Err(Error::NotGenerated { path: target }),
        }
    }

    /// Writes what `prepare` decided, then the manifest if it changed.
    fn apply(&self, prepared: Prepared) -> Result<Report, Errors> {
        let Prepared {
            planned,
            report,
            old_manifest,
            new_manifest,
            old_manifest_bytes,
        } = prepared;
        let new_bytes = manifest_bytes(&new_manifest);
        let manifest_unchanged = old_manifest_bytes.as_deref() == Some(new_bytes.as_slice());
        // Nothing to write, or nothing generated into a directory k6dsl never wrote.
        let nothing_ever = new_manifest.files.is_empty() && old_manifest_bytes.is_none();
        remove_leftover_temp_files(&self.root, planned.iter().map(|f| f.path.as_str()))
            .map_err(|e| Errors(vec![e]))?;
        if (manifest_unchanged || nothing_ever) && !report.wrote_anything() {
            return Ok(report);
        }

        // Before the first file, what is about to change: should the process die
        // half-way, the next run knows each file as k6dsl's, old or new.
        let to_write: Vec<&Planned> = planned.iter().filter(|f| f.outcome.wrote()).collect();
        if !to_write.is_empty() {
            let mut pending = old_manifest.clone();
            pending.pending = to_write
                .iter()
                .filter_map(|f| Some((f.path.clone(), new_manifest.files.get(&f.path)?.clone())))
                .collect();
            write_atomically(&self.root, MANIFEST_FILE, &manifest_bytes(&pending))
                .map_err(|e| Errors(vec![e]))?;
        }

        let mut written = Vec::new();
        let mut failure = None;
        for file in to_write {
            #[cfg(test)]
            if crash::due(&self.root, &file.path) {
                return Err(Errors(vec![crash::error(&self.root)]));
            }
            match write_atomically(&self.root, &file.path, &file.contents) {
                Ok(()) => written.push(file.path.as_str()),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }

        match failure {
            None => {
                if !manifest_unchanged {
                    write_atomically(&self.root, MANIFEST_FILE, &new_bytes)
                        .map_err(|e| Errors(vec![e]))?;
                }
                Ok(report)
            }
            Some(error) => {
                // Record what did get written, so the next run does not take those
                // files for hand edits; files not reached keep their old entries.
                let mut partial = old_manifest;
                for file in &planned {
                    if !file.outcome.wrote() || written.contains(&file.path.as_str()) {
                        if let Some(hash) = new_manifest.files.get(&file.path) {
                            partial.files.insert(file.path.clone(), hash.clone());
                        }
                        partial.pending.remove(&file.path);
                    }
                }
                let mut errors = vec![error];
                if self.root.is_dir() {
                    if let Err(e) =
                        write_atomically(&self.root, MANIFEST_FILE, &manifest_bytes(&partial))
                    {
                        errors.push(e);
                    }
                }
                Err(Errors(errors))
            }
        }
    }
}

/// Everything `prepare` decided.
struct Prepared {
    planned: Vec<Planned>,
    report: Report,
    old_manifest: Manifest,
    new_manifest: Manifest,
    /// The manifest file's bytes as found, to leave it alone when nothing changed.
    old_manifest_bytes: Option<Vec<u8>>,
}

/// One file to write (or leave).
struct Planned {
    path: String,
    contents: Vec<u8>,
    outcome: Outcome,
}

/// What happened to one generated file (or, from [`OutputDir::plan`], would happen).
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
    /// because [`OutputDir::force`] was set.
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
/// # Ok::<(), k6dsl::output::Errors>(())
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
/// # Ok::<(), k6dsl::output::Errors>(())
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
    /// # Ok::<(), k6dsl::output::Errors>(())
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

/// Why a set of files was not written (or not entirely). Each names the path it is
/// about.
///
/// ```
/// use k6dsl::output::{Error, OutputDir};
///
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-error-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// # std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("main.js"), "// a person's own script\n").unwrap();
/// let errors = OutputDir::new(&dir).write([("main.js", "// generated\n")]).unwrap_err();
/// assert!(matches!(&errors.0[0], Error::NotGenerated { path } if *path == dir.join("main.js")));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A generated file's path would not stay inside the output directory, or is not
    /// portable.
    InvalidPath {
        /// The path given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// One path is generated twice with different contents.
    DuplicatePath {
        /// The path.
        path: String,
    },
    /// A path is generated as a file and as a directory of another generated file.
    FileAndDirectory {
        /// The path generated as a file.
        file: String,
        /// The generated file inside it.
        inside: String,
    },
    /// The file was changed by hand since k6dsl generated it: refused without force.
    Edited {
        /// The file.
        path: PathBuf,
    },
    /// The file exists, was not generated by k6dsl, and differs from what would be
    /// written: refused without force.
    NotGenerated {
        /// The file.
        path: PathBuf,
    },
    /// A symbolic link where a generated file, or a directory on its way, would go.
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A directory where a generated file would go.
    IsADirectory {
        /// The directory.
        path: PathBuf,
    },
    /// A file where the output directory, or a directory on a generated file's way,
    /// would go.
    NotADirectory {
        /// The file.
        path: PathBuf,
    },
    /// The manifest cannot be read as one k6dsl wrote.
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file system refused.
    Io {
        /// What was being done: `read`, `create`, `write`, `rename`, ...
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPath { path, reason } => write!(
                f,
                "generated file path `{path}` {reason}: paths are relative to the output \
                 directory, `/`-separated, with no empty, `.` or `..` parts"
            ),
            Error::DuplicatePath { path } => {
                write!(f, "`{path}` is generated twice, with different contents")
            }
            Error::FileAndDirectory { file, inside } => write!(
                f,
                "`{file}` is generated as a file and as the directory of `{inside}`"
            ),
            Error::Edited { path } => write!(
                f,
                "{} was changed by hand since k6dsl generated it; not overwriting it \
                 (move the change into the code that generates it, or force the write to \
                 discard it)",
                path.display()
            ),
            Error::NotGenerated { path } => write!(
                f,
                "{} exists and was not generated by k6dsl; not overwriting it (move it \
                 away, or force the write to replace it)",
                path.display()
            ),
            Error::Symlink { path } => write!(
                f,
                "{} is a symbolic link; k6dsl writes generated files only through real \
                 directories inside the output directory",
                path.display()
            ),
            Error::IsADirectory { path } => write!(
                f,
                "{} is a directory, where k6dsl generates a file",
                path.display()
            ),
            Error::NotADirectory { path } => write!(
                f,
                "{} is a file, where k6dsl needs a directory",
                path.display()
            ),
            Error::BadManifest { path, reason } => write!(
                f,
                "{} is not a manifest k6dsl can read ({reason}); delete it (k6dsl then \
                 refuses to overwrite existing files until forced) or force the write",
                path.display()
            ),
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Every reason a set of files was not written: all of them, not only the first.
///
/// ```
/// use k6dsl::output::OutputDir;
///
/// # let dir = std::env::temp_dir().join(format!("k6dsl-doc-errors-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let errors = OutputDir::new(&dir).write([("/etc/main.js", ""), ("", "")]).unwrap_err();
/// assert_eq!(errors.len(), 2);
/// assert!(errors.to_string().starts_with("2 generated files were not written:"));
/// ```
#[derive(Debug)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: an `Errors` holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a file was refused because a person edited it or it is not k6dsl's:
    /// what forcing the write would overcome.
    ///
    /// ```
    /// use k6dsl::output::{Error, Errors};
    /// let errors = Errors(vec![Error::Edited { path: "k6/main.js".into() }]);
    /// assert!(errors.needs_force());
    /// ```
    pub fn needs_force(&self) -> bool {
        self.0
            .iter()
            .any(|e| matches!(e, Error::Edited { .. } | Error::NotGenerated { .. }))
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} generated files were not written:", many.len())?;
                for error in many {
                    write!(f, "\n  - {error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Errors {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.0.as_slice() {
            [one] => one.source(),
            _ => None,
        }
    }
}

/// The manifest file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// For a person who opens the file.
    about: String,
    /// The format version ([`MANIFEST_VERSION`]).
    version: u32,
    /// The hash algorithm ([`HASH_NAME`]).
    hash: String,
    /// Path relative to the output directory → hash of what k6dsl wrote, in hex.
    files: BTreeMap<String, String>,
    /// Files a write was about to replace when this manifest was written: path →
    /// hash of the new contents. Empty (and left out) once the write completed; a
    /// file matching either its `files` or its `pending` hash is k6dsl's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pending: BTreeMap<String, String>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            about: "Written by k6dsl: a hash of every file it generated in this directory, \
                    to tell its files from hand edits. Do not edit."
                .to_owned(),
            version: MANIFEST_VERSION,
            hash: HASH_NAME.to_owned(),
            files: BTreeMap::new(),
            pending: BTreeMap::new(),
        }
    }
}

/// The manifest at `path` and its bytes; an empty manifest when there is none.
fn read_manifest(path: &Path) -> Result<(Manifest, Option<Vec<u8>>), Error> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Manifest::default(), None)),
        Err(source) => {
            return Err(Error::Io {
                action: "read",
                path: path.to_owned(),
                source,
            })
        }
    };
    let bad = |reason: String| Error::BadManifest {
        path: path.to_owned(),
        reason,
    };
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if manifest.version != MANIFEST_VERSION {
        return Err(bad(format!(
            "version {}, where this k6dsl reads version {MANIFEST_VERSION}",
            manifest.version
        )));
    }
    if manifest.hash != HASH_NAME {
        return Err(bad(format!(
            "hash `{}`, where this k6dsl uses `{HASH_NAME}`",
            manifest.hash
        )));
    }
    if let Some((path, _)) = manifest
        .files
        .iter()
        .chain(&manifest.pending)
        .find(|(path, _)| check_relative_path(path).is_err())
    {
        return Err(bad(format!(
            "it lists `{path}`, which is outside the directory"
        )));
    }
    Ok((manifest, Some(bytes)))
}

/// The manifest as written: pretty JSON, keys sorted, a final newline.
fn manifest_bytes(manifest: &Manifest) -> Vec<u8> {
    let mut bytes =
        serde_json::to_vec_pretty(manifest).expect("a manifest of strings always serialises");
    bytes.push(b'\n');
    bytes
}

/// Why `path` is not a generated file's path, if it is not one.
fn check_relative_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return Err("is absolute");
    }
    if path.contains('\\') {
        return Err("contains a backslash");
    }
    if path.contains(':') {
        return Err("contains `:` (a drive or stream separator on Windows)");
    }
    if path.contains('\0') {
        return Err("contains a NUL character");
    }
    for part in path.split('/') {
        match part {
            "" => return Err("has an empty part (`//` or a trailing `/`)"),
            "." => return Err("has a `.` part"),
            ".." => return Err("has a `..` part, which would leave the output directory"),
            _ => {}
        }
    }
    if path == MANIFEST_FILE {
        return Err("is k6dsl's manifest");
    }
    Ok(())
}

/// FNV-1a, 64 bits, as lowercase hex. The manifest only has to notice that a person
/// changed a file k6dsl wrote, not to resist someone forging a collision, so a small,
/// stable, dependency-free hash is enough (a chance edit goes unnoticed with
/// probability 2^-64). Its output must never change: manifests on disk record it.
fn hash_hex(bytes: &[u8]) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = bytes.iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    format!("{hash:016x}")
}

/// Temporary file names unique within this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The temporary file [`write_atomically`] writes `name` through:
/// `.NAME.k6dsl-PID-N.tmp`.
fn temp_name(name: &str) -> String {
    format!(
        ".{name}.k6dsl-{}-{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether `name` is one of [`temp_name`]'s: a temporary file of k6dsl's.
fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let Some((_, numbers)) = rest.rsplit_once(".k6dsl-") else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    matches!(numbers.split_once('-'), Some((pid, n)) if digits(pid) && digits(n))
}

/// Removes the temporary files a write that died left in the directories of
/// `paths` (and the root): only names of [`temp_name`]'s form, only regular files.
fn remove_leftover_temp_files<'p>(
    root: &Path,
    paths: impl Iterator<Item = &'p str>,
) -> Result<(), Error> {
    let mut dirs = std::collections::BTreeSet::new();
    dirs.insert(root.to_owned());
    for path in paths {
        if let Some((dir, _)) = path.rsplit_once('/') {
            dirs.insert(root.join(dir));
        }
    }
    for dir in dirs {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            // Not there (yet), or not a directory: nothing left in it.
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && name.to_str().is_some_and(is_temp_name) {
                let path = entry.path();
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(source) => {
                        return Err(Error::Io {
                            action: "remove the leftover temporary file",
                            path,
                            source,
                        })
                    }
                }
            }
        }
    }
    Ok(())
}

/// Writes `root/path` atomically: a temporary file beside it, flushed to disk,
/// renamed over it, and the directory flushed so the rename survives a crash.
fn write_atomically(root: &Path, path: &str, contents: &[u8]) -> Result<(), Error> {
    let target = root.join(path);
    let dir = target
        .parent()
        .map_or_else(|| root.to_owned(), Path::to_owned);
    fs::create_dir_all(&dir).map_err(|source| Error::Io {
        action: "create the directory",
        path: dir.clone(),
        source,
    })?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let temp = dir.join(temp_name(name));
    let io = |action: &'static str, path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    };
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(io("create", &temp))?;
        file.write_all(contents).map_err(io("write", &temp))?;
        file.sync_all().map_err(io("flush", &temp))?;
        // Keep the permissions a person gave the file (executable, read-only, ...).
        if let Ok(meta) = fs::metadata(&target) {
            file.set_permissions(meta.permissions())
                .map_err(io("set the permissions of", &temp))?;
        }
        drop(file);
        fs::rename(&temp, &target).map_err(io("rename", &target))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(&dir)
}

/// Flushes a directory's entries to disk (Unix; elsewhere the rename is enough).
fn sync_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|source| Error::Io {
                action: "flush the directory",
                path: dir.to_owned(),
                source,
            })
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// A process dying in the middle of a write, for tests: [`crash::before`] makes
/// the write of one file stop as a kill would, after creating its temporary file
/// and before renaming it, with nothing after it done.
#[cfg(test)]
mod crash {
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    use super::{fs, temp_name, Error};

    thread_local! {
        static AT: RefCell<Option<(PathBuf, String)>> = const { RefCell::new(None) };
    }

    /// The next write into `root` dies at `path`.
    pub(super) fn before(root: &Path, path: &str) {
        AT.with(|at| *at.borrow_mut() = Some((root.to_owned(), path.to_owned())));
    }

    /// Whether the write dies here; if so, leaves the half-written temporary file.
    pub(super) fn due(root: &Path, path: &str) -> bool {
        let due = AT.with(|at| {
            let mut at = at.borrow_mut();
            let due = at.as_ref().is_some_and(|(r, p)| r == root && p == path);
            if due {
                *at = None;
            }
            due
        });
        if due {
            let target = root.join(path);
            let dir = target.parent().unwrap();
            fs::create_dir_all(dir).unwrap();
            let name = path.rsplit('/').next().unwrap();
            fs::write(dir.join(temp_name(name)), "half of it").unwrap();
        }
        due
    }

    pub(super) fn error(root: &Path) -> Error {
        Error::Io {
            action: "write (a simulated crash)",
            path: root.to_owned(),
            source: std::io::Error::other("killed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;

    /// A scratch directory removed when dropped (k6dsl has no tempfile dependency).
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let dir = std::env::temp_dir().join(format!(
                "k6dsl-output-test-{}-{}-{name}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&dir);
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap()
    }

    /// The file's identity and modification time: both stay when it is not rewritten.
    fn stamp(path: &Path) -> (u64, std::time::SystemTime) {
        let meta = fs::metadata(path).unwrap();
        #[cfg(unix)]
        let ino = meta.ino();
        #[cfg(not(unix))]
        let ino = 0;
        (ino, meta.modified().unwrap())
    }

    fn manifest(root: &Path) -> Manifest {
        read_manifest(&root.join(MANIFEST_FILE)).unwrap().0
    }

    #[test]
    fn hash_is_fnv1a_64() {
        // The published FNV-1a test vectors: manifests on disk depend on them.
        assert_eq!(hash_hex(b""), "cbf29ce484222325");
        assert_eq!(hash_hex(b"a"), "af63dc4c8601ec8c");
        assert_eq!(hash_hex(b"foobar"), "85944171f73967e8");
    }

    #[test]
    fn first_write_creates_files_and_manifest() {
        let dir = Scratch::new("create");
        let report = OutputDir::new(&dir.0)
            .write([("main.js", "// js\n"), ("data/users.csv", "username\n")])
            .unwrap();
        assert_eq!(
            report.files,
            [
                FileReport {
                    path: "data/users.csv".into(),
                    outcome: Outcome::Created
                },
                FileReport {
                    path: "main.js".into(),
                    outcome: Outcome::Created
                },
            ]
        );
        assert_eq!(read(&dir.0.join("main.js")), "// js\n");
        assert_eq!(read(&dir.0.join("data/users.csv")), "username\n");
        let manifest = manifest(&dir.0);
        assert_eq!(manifest.files["main.js"], hash_hex(b"// js\n"));
        assert_eq!(manifest.files["data/users.csv"], hash_hex(b"username\n"));
        // No temporary file is left behind.
        let mut names: Vec<_> = fs::read_dir(&dir.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [MANIFEST_FILE, "data", "main.js"]);
    }

    #[test]
    fn unchanged_file_is_not_rewritten() {
        let dir = Scratch::new("unchanged");
        let out = OutputDir::new(&dir.0);
        out.write([("main.js", "// js\n")]).unwrap();
        let file = dir.0.join("main.js");
        let manifest_file = dir.0.join(MANIFEST_FILE);
        let before = (stamp(&file), stamp(&manifest_file));
        let report = out.write([("main.js", "// js\n")]).unwrap();
        assert_eq!(report.files[0].outcome, Outcome::Unchanged);
        assert!(!report.wrote_anything());
        assert_eq!((stamp(&file), stamp(&manifest_file)), before);
    }

    #[test]
    fn changed_contents_replace_the_file_by_rename() {
        let dir = Scratch::new("update");
        let out = OutputDir::new(&dir.0);
        out.write([("main.js", "// 1\n")]).unwrap();
        let file = dir.0.join("main.js");
        let before = stamp(&file);
        let report = out.write([("main.js", "// 2\n")]).unwrap();
        assert_eq!(report.files[0].outcome, Outcome::Updated);
        assert_eq!(read(&file), "// 2\n");
        // A new inode: the old file was replaced whole, not written in place.
        #[cfg(unix)]
        assert_ne!(stamp(&file).0, before.0);
        let _ = before;
        assert_eq!(manifest(&dir.0).files["main.js"], hash_hex(b"// 2\n"));
    }

    #[cfg(unix)]
    #[test]
    fn permissions_a_person_set_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = Scratch::new("permissions");
        let out = OutputDir::new(&dir.0);
        out.write([("run.sh", "echo 1\n")]).unwrap();
        let file = dir.0.join("run.sh");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o750)).unwrap();
        out.write([("run.sh", "echo 2\n")]).unwrap();
        assert_eq!(fs::metadata(&file).unwrap().mode() & 0o777, 0o750);
    }

    #[test]
    fn edited_file_is_refused_with_its_name_and_nothing_is_written() {
        let dir = Scratch::new("edited");
        let out = OutputDir::new(&dir.0);
        out.write([("a.js", "// a1\n"), ("b.js", "// b1\n")])
            .unwrap();
        let b = dir.0.join("b.js");
        fs::write(&b, "// b1, edited by a person\n").unwrap();
        let manifest_before = read(&dir.0.join(MANIFEST_FILE));

        let errors = out
            .write([("a.js", "// a2\n"), ("b.js", "// b2\n"), ("c.js", "// c\n")])
            .unwrap_err();
        assert!(
            matches!(errors.0.as_slice(), [Error::Edited { path }] if *path == b),
            "{errors:?}"
        );
        let message = errors.to_string();
        assert!(message.contains(&b.display().to_string()), "{message}");
        assert!(message.contains("changed by hand"), "{message}");
        assert!(errors.needs_force());
        // Nothing at all was written: not the clean file, not the new one, not the
        // manifest.
        assert_eq!(read(&dir.0.join("a.js")), "// a1\n");
        assert_eq!(read(&b), "// b1, edited by a person\n");
        assert!(!dir.0.join("c.js").exists());
        assert_eq!(read(&dir.0.join(MANIFEST_FILE)), manifest_before);
        // `plan` refuses the same way.
        assert!(out.plan([("b.js", "// b2\n")]).is_err());
    }

    #[test]
    fn every_refused_file_is_named() {
        let dir = Scratch::new("several");
        let out = OutputDir::new(&dir.0);
        out.write([("a.js", "1"), ("b.js", "1")]).unwrap();
        fs::write(dir.0.join("a.js"), "mine").unwrap();
        fs::write(dir.0.join("b.js"), "mine").unwrap();
        let errors = out.write([("a.js", "2"), ("b.js", "2")]).unwrap_err();
        assert_eq!(errors.len(), 2);
        let message = errors.to_string();
        assert!(
            message.starts_with("2 generated files were not written:"),
            "{message}"
        );
        assert!(message.contains("a.js was changed by hand"), "{message}");
        assert!(message.contains("b.js was changed by hand"), "{message}");
    }

    #[test]
    fn force_overwrites_an_edited_file_and_records_it() {
        let dir = Scratch::new("force");
        let out = OutputDir::new(&dir.0);
        out.write([("main.js", "// 1\n")]).unwrap();
        fs::write(dir.0.join("main.js"), "// edited\n").unwrap();
        let report = out
            .clone()
            .force(true)
            .write([("main.js", "// 2\n")])
            .unwrap();
        assert_eq!(report.files[0].outcome, Outcome::Forced);
        assert_eq!(read(&dir.0.join("main.js")), "// 2\n");
        // The manifest now knows the forced contents: the next write is an update.
        let report = out.write([("main.js", "// 3\n")]).unwrap();
        assert_eq!(report.files[0].outcome, Outcome::Updated);
    }

    #[test]
    fn a_file_edited_back_to_the_generated_contents_is_fine() {
        let dir = Scratch::new("edited-back");
        let out = OutputDir::new(&dir.0);
        out.write([("main.js", "// 1\n")]).unwrap();
        fs::write(dir.0.join("main.js"), "// 2\n").unwrap();
        // The person's edit is exactly what k6dsl now generates: nothing to lose.
        let report = out.write([("main.js", "// 2\n")]).unwrap();
        assert_eq!(report.files[0].outcome, Outcome::Unchanged);
        assert_eq!(manifest(&dir.0).files["main.js"], hash_hex(b"// 2\n"));
    }

    #[test]
    fn a_file_that_is_not_ours_is_refused() {
        let dir = Scratch::new("foreign");
        fs::create_dir_all(&dir.0).unwrap();
        let file = dir.0.join("main.js");
        fs::write(&file, "// a person's script\n").unwrap();
        let errors = OutputDir::new(&dir.0)
            .write([("main.js", "// generated\n")])
            .unwrap_err();
        assert!(matches!(errors.0.as_slice(), [Error::NotGenerated { path }] if *path == file));
        assert!(errors.to_string().contains("was not generated by k6dsl"));
        assert_eq!(read(&file), "// a person's script\n");
        assert!(!dir.0.join(MANIFEST_FILE).exists());
    }

    #[test]
    fn an_existing_file_with_the_same_contents_is_adopted() {
        let dir = Scratch::new("adopt");
        fs::create_dir_all(&dir.0).unwrap();
        fs::write(dir.0.join("main.js"), "// generated\n").unwrap();
        let report = OutputDir::new(&dir.0)
            .write([("main.js", "// generated\n")])
            .unwrap();
        assert_eq!(report.files[0].outcome, Outcome::Unchanged);
        assert!(manifest(&dir.0).files.contains_key("main.js"));
    }

    #[test]
    fn paths_that_escape_or_are_not_portable_are_rejected() {
        let dir = Scratch::new("paths");
        for (path, reason) in [
            ("", "is empty"),
            ("/etc/passwd", "is absolute"),
            ("../main.js", "`..`"),
            ("load/../../main.js", "`..`"),
            ("./main.js", "`.` part"),
            ("load//main.js", "empty part"),
            ("load/", "empty part"),
            ("load\\main.js", "backslash"),
            ("C:/main.js", "`:`"),
            (MANIFEST_FILE, "manifest"),
        ] {
            let errors = OutputDir::new(&dir.0).write([(path, "x")]).unwrap_err();
            match errors.0.as_slice() {
                [Error::InvalidPath { path: p, reason: r }] => {
                    assert_eq!(p, path);
                    assert!(r.contains(reason), "{path}: {r}");
                }
                other => panic!("{path}: {other:?}"),
            }
            assert!(errors.to_string().contains(&format!("`{path}`")));
        }
        // Nothing was created, not even the directory.
        assert!(!dir.0.exists());
    }

    #[test]
    fn every_bad_path_is_reported_and_none_written() {
        let dir = Scratch::new("bad-paths");
        let errors = OutputDir::new(&dir.0)
            .write([("ok.js", "1"), ("../a.js", "2"), ("/b.js", "3")])
            .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors}");
        assert!(!dir.0.exists());
    }

    #[test]
    fn duplicates_and_file_directory_clashes_are_rejected() {
        let dir = Scratch::new("duplicates");
        // The same path with the same contents is one file.
        let report = OutputDir::new(&dir.0)
            .write([("data/u.csv", "1"), ("data/u.csv", "1")])
            .unwrap();
        assert_eq!(report.files.len(), 1);

        let errors = OutputDir::new(&dir.0)
            .write([
                ("data/u.csv", "1"),
                ("data/u.csv", "2"),
                ("data/u.csv", "3"),
            ])
            .unwrap_err();
        assert!(
            matches!(errors.0.as_slice(), [Error::DuplicatePath { path }] if path == "data/u.csv")
        );

        let errors = OutputDir::new(&dir.0)
            .write([("data", "1"), ("data/u.csv", "2")])
            .unwrap_err();
        assert!(matches!(
            errors.0.as_slice(),
            [Error::FileAndDirectory { file, inside }] if file == "data" && inside == "data/u.csv"
        ));
    }

    #[test]
    fn a_directory_in_the_way_is_reported() {
        let dir = Scratch::new("dir-in-way");
        fs::create_dir_all(dir.0.join("main.js")).unwrap();
        fs::write(dir.0.join("data"), "a file").unwrap();
        let errors = OutputDir::new(&dir.0)
            .write([("main.js", "1"), ("data/u.csv", "2")])
            .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors}");
        assert!(errors
            .iter()
            .any(|e| matches!(e, Error::IsADirectory { path } if *path == dir.0.join("main.js"))));
        assert!(errors
            .iter()
            .any(|e| matches!(e, Error::NotADirectory { path } if *path == dir.0.join("data"))));
    }

    #[test]
    fn an_output_directory_that_is_a_file_is_reported() {
        let dir = Scratch::new("root-file");
        fs::write(&dir.0, "a file").unwrap();
        let errors = OutputDir::new(&dir.0)
            .write([("main.js", "1")])
            .unwrap_err();
        assert!(matches!(errors.0.as_slice(), [Error::NotADirectory { path }] if *path == dir.0));
        fs::remove_file(&dir.0).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_not_followed_out_of_the_directory() {
        let dir = Scratch::new("symlink");
        let elsewhere = Scratch::new("symlink-target");
        fs::create_dir_all(&dir.0).unwrap();
        fs::create_dir_all(&elsewhere.0).unwrap();
        std::os::unix::fs::symlink(&elsewhere.0, dir.0.join("data")).unwrap();
        std::os::unix::fs::symlink(elsewhere.0.join("x.js"), dir.0.join("main.js")).unwrap();
        let errors = OutputDir::new(&dir.0)
            .write([("data/u.csv", "1"), ("main.js", "2")])
            .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors}");
        assert!(errors.iter().all(|e| matches!(e, Error::Symlink { .. })));
        assert!(fs::read_dir(&elsewhere.0).unwrap().next().is_none());
    }

    #[test]
    fn files_no_longer_generated_are_kept_and_reported() {
        let dir = Scratch::new("stale");
        let out = OutputDir::new(&dir.0);
        out.write([("main.js", "1"), ("old.js", "1")]).unwrap();
        let report = out.write([("main.js", "1")]).unwrap();
        assert_eq!(report.stale, ["old.js"]);
        assert!(dir.0.join("old.js").exists());
        assert!(report.to_string().contains("no longer generated"));
        // Still reported next time, until deleted.
        assert_eq!(out.write([("main.js", "1")]).unwrap().stale, ["old.js"]);
        fs::remove_file(dir.0.join("old.js")).unwrap();
        let report = out.write([("main.js", "1")]).unwrap();
        assert!(report.stale.is_empty());
        assert!(!manifest(&dir.0).files.contains_key("old.js"));
    }

    #[test]
    fn a_bad_manifest_is_reported_and_force_starts_over() {
        let dir = Scratch::new("bad-manifest");
        let out = OutputDir::new(&dir.0);
        out.write([("main.js", "1")]).unwrap();
        let manifest_file = dir.0.join(MANIFEST_FILE);
        fs::write(&manifest_file, "{ not json").unwrap();
        let errors = out.write([("main.js", "2")]).unwrap_err();
        assert!(
            matches!(errors.0.as_slice(), [Error::BadManifest { path, .. }] if *path == manifest_file)
        );
        assert_eq!(read(&dir.0.join("main.js")), "1");
        let report = out.clone().force(true).write([("main.js", "2")]).unwrap();
        assert_eq!(report.files[0].outcome, Outcome::Forced);
        assert_eq!(manifest(&dir.0).files["main.js"], hash_hex(b"2"));

        // A manifest listing a path outside the directory is not trusted either.
        fs::write(
            &manifest_file,
            r#"{"about":"","version":1,"hash":"fnv1a-64","files":{"../x":"00"}}"#,
        )
        .unwrap();
        let errors = out.write([("main.js", "2")]).unwrap_err();
        assert!(errors.to_string().contains("`../x`"), "{errors}");
    }

    /// The names in `dir` that are k6dsl's temporary files.
    fn temp_files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| is_temp_name(name))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn temp_names_are_recognised_and_nothing_else() {
        assert!(is_temp_name(&temp_name("main.js")));
        assert!(is_temp_name(".a.b.k6dsl-12-3.tmp"));
        for name in [
            "main.js",
            ".main.js.tmp",
            ".main.js.k6dsl-x-3.tmp",
            ".main.js.k6dsl-12-.tmp",
            "main.js.k6dsl-1-2.tmp",
            ".k6dsl-1-2.tmp.bak",
        ] {
            assert!(!is_temp_name(name), "{name}");
        }
    }

    #[test]
    fn a_write_that_dies_half_way_is_cleaned_up_and_its_files_known_next_time() {
        let dir = Scratch::new("crash");
        let out = OutputDir::new(&dir.0);
        let v1 = [
            ("a.js", "a1"),
            ("lib/b.js", "b1"),
            ("lib/c.js", "c1"),
            ("d.js", "d1"),
        ];
        out.write(v1).unwrap();
        // The process dies while writing lib/c.js: a.js and lib/b.js are new, c.js
        // and d.js old, a temporary file is left beside c.js.
        let v2 = [
            ("a.js", "a2"),
            ("lib/b.js", "b2"),
            ("lib/c.js", "c2"),
            ("d.js", "d2"),
        ];
        crash::before(&dir.0, "lib/c.js");
        out.write(v2).unwrap_err();
        assert_eq!(read(&dir.0.join("a.js")), "a2");
        assert_eq!(read(&dir.0.join("lib/b.js")), "b2");
        assert_eq!(read(&dir.0.join("lib/c.js")), "c1");
        assert_eq!(temp_files(&dir.0.join("lib")).len(), 1);
        // The manifest written before the first file records what was under way.
        let record = manifest(&dir.0);
        assert_eq!(record.files["a.js"], hash_hex(b"a1"));
        assert_eq!(record.pending["a.js"], hash_hex(b"a2"));
        assert_eq!(record.pending.len(), 4);

        // The next run, with other contents still: no file is taken for a hand
        // edit, the temporary file is gone, and the manifest is whole again.
        let v3 = [
            ("a.js", "a3"),
            ("lib/b.js", "b3"),
            ("lib/c.js", "c3"),
            ("d.js", "d3"),
        ];
        let report = out.write(v3).unwrap();
        assert!(
            report.files.iter().all(|f| f.outcome == Outcome::Updated),
            "{report}"
        );
        assert!(temp_files(&dir.0.join("lib")).is_empty());
        assert!(temp_files(&dir.0).is_empty());
        let record = manifest(&dir.0);
        assert!(record.pending.is_empty());
        assert_eq!(record.files["lib/c.js"], hash_hex(b"c3"));
        assert!(!read(&dir.0.join(MANIFEST_FILE)).contains("pending"));

        // A hand edit is still refused after a crash.
        crash::before(&dir.0, "d.js");
        out.write(v1).unwrap_err();
        fs::write(dir.0.join("d.js"), "mine").unwrap();
        let errors = out.write(v3).unwrap_err();
        assert!(
            errors.to_string().contains("d.js was changed by hand"),
            "{errors}"
        );
        // ... and its temporary file was not removed by a refused write, only by
        // the next one that writes.
        assert_eq!(temp_files(&dir.0).len(), 1);
        fs::write(dir.0.join("d.js"), "d1").unwrap();
        out.write(v3).unwrap();
        assert!(temp_files(&dir.0).is_empty());
    }

    #[test]
    fn writing_no_files_creates_nothing() {
        let dir = Scratch::new("empty");
        let report = OutputDir::new(&dir.0)
            .write(Vec::<(String, String)>::new())
            .unwrap();
        assert!(report.files.is_empty());
        assert!(!dir.0.exists());
    }

    #[test]
    fn plan_reports_without_writing() {
        let dir = Scratch::new("plan");
        let out = OutputDir::new(&dir.0);
        out.write([("main.js", "1")]).unwrap();
        let before = stamp(&dir.0.join("main.js"));
        let report = out.plan([("main.js", "2"), ("new.js", "1")]).unwrap();
        assert_eq!(
            report.files.iter().map(|f| f.outcome).collect::<Vec<_>>(),
            [Outcome::Updated, Outcome::Created]
        );
        assert_eq!(read(&dir.0.join("main.js")), "1");
        assert!(!dir.0.join("new.js").exists());
        assert_eq!(stamp(&dir.0.join("main.js")), before);
    }
}
