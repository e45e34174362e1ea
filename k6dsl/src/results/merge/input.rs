//! The files a merge reads: [`MergeInput`], opened as plain NDJSON or gzip, and
//! [`MergeError`] for the ones that cannot be read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::run::Verdict;

/// One instance's `--out json` file, and how that instance ended when known.
///
/// ```
/// use k6dsl::results::merge::MergeInput;
///
/// let input = MergeInput::new("run/instance-2/out.json.gz").exit_code(Some(107));
/// assert_eq!(input.label, "instance-2");
/// assert_eq!(input.exit_code, Some(107));
/// assert_eq!(MergeInput::new("pods/a.json").label, "a.json");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeInput {
    /// The name the reports give the instance.
    pub label: String,
    /// The `--out json` file (NDJSON, or gzip: told by a `.gz` name or the gzip
    /// magic bytes).
    pub path: PathBuf,
    /// k6's exit code for the instance, when known (`None` for files that came
    /// from elsewhere).
    pub exit_code: Option<i32>,
    /// How the instance ended, when the driver knows better than the exit code
    /// (a timeout, a kill); else told from [`MergeInput::exit_code`].
    pub verdict: Option<Verdict>,
}

impl MergeInput {
    /// The file at `path`, labelled by its folder when that is `instance-<i>` (the
    /// run directory's layout), else by its file name.
    pub fn new(path: impl Into<PathBuf>) -> MergeInput {
        let path = path.into();
        let folder = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .filter(|n| n.starts_with("instance-"));
        let label = folder
            .map(str::to_owned)
            .or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| path.display().to_string());
        MergeInput {
            label,
            path,
            exit_code: None,
            verdict: None,
        }
    }

    /// Sets [`MergeInput::label`].
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> MergeInput {
        self.label = label.into();
        self
    }

    /// Sets [`MergeInput::exit_code`].
    #[must_use]
    pub fn exit_code(mut self, code: Option<i32>) -> MergeInput {
        self.exit_code = code;
        self
    }

    /// Sets [`MergeInput::verdict`].
    #[must_use]
    pub fn verdict(mut self, verdict: Verdict) -> MergeInput {
        self.verdict = Some(verdict);
        self
    }
}

/// Why a merge could not be made. Each message says what, where and how to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// No file was given.
    #[error("no k6 output file to merge: give the `--out json` file of each instance")]
    NoInputs,
    /// A file does not exist.
    #[error(
        "{}: no such file: give the path of a file k6 wrote with `--out json=FILE` \
         (one per instance)",
        path.display()
    )]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// A file could not be opened or read.
    #[error("{}: cannot read it ({source}): check that it is a readable file", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A file does not hold k6's `--out json` lines.
    #[error(
        "{}:{line}: this is not k6 `--out json` output ({reason}); give the file k6 wrote \
         with `--out json=FILE` (NDJSON lines, optionally gzip-compressed)",
        path.display()
    )]
    NotK6 {
        /// The file.
        path: PathBuf,
        /// The first line that is not k6's.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// A merge thread panicked (a bug: please report it).
    #[error("a merge thread stopped unexpectedly (a bug in k6dsl): {0}")]
    Internal(String),
}

/// An open input: its lines, and whether a gzip stream in it ended early.
pub(super) struct Opened {
    pub(super) reader: Box<dyn BufRead + Send>,
    pub(super) cut_short: Arc<AtomicBool>,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Opens `path` as NDJSON, or as gzip when its name ends in `.gz` or it starts
/// with the gzip magic bytes.
pub(super) fn open(path: &Path) -> Result<Opened, MergeError> {
    let unreadable = |source: io::Error| {
        if source.kind() == io::ErrorKind::NotFound {
            MergeError::Missing {
                path: path.to_owned(),
            }
        } else {
            MergeError::Unreadable {
                path: path.to_owned(),
                source,
            }
        }
    };
    let file = File::open(path).map_err(unreadable)?;
    if file.metadata().map_err(unreadable)?.is_dir() {
        return Err(MergeError::Unreadable {
            path: path.to_owned(),
            source: io::Error::other("it is a directory"),
        });
    }
    let mut buffered = BufReader::with_capacity(1 << 16, file);
    let start = buffered.fill_buf().map_err(unreadable)?;
    let gzip_named = path.extension().is_some_and(|e| e == "gz");
    let cut_short = Arc::new(AtomicBool::new(false));
    let reader: Box<dyn BufRead + Send> = if start.starts_with(&GZIP_MAGIC) {
        let decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        Box::new(BufReader::with_capacity(
            1 << 16,
            EndTolerant {
                inner: decoder,
                cut_short: Arc::clone(&cut_short),
            },
        ))
    } else if gzip_named && !start.is_empty() {
        return Err(MergeError::NotK6 {
            path: path.to_owned(),
            line: 1,
            reason: "its name ends in .gz but it is not gzip data".into(),
        });
    } else {
        Box::new(buffered)
    };
    Ok(Opened { reader, cut_short })
}

/// A gzip stream whose end is missing (k6 was killed while writing) reads as
/// ending there, with `cut_short` set, rather than failing: what came before counts.
struct EndTolerant<R> {
    inner: R,
    cut_short: Arc<AtomicBool>,
}

impl<R: Read> Read for EndTolerant<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.cut_short.store(true, Ordering::Relaxed);
                Ok(0)
            }
            other => other,
        }
    }
}
