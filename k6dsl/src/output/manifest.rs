//! The manifest k6dsl keeps in an output directory: which files it wrote, by hash.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::path::check_relative_path;
use super::WriteError;

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
/// # Ok::<(), k6dsl::output::WriteErrors>(())
/// ```
pub const MANIFEST_FILE: &str = ".k6dsl-manifest.json";

/// The manifest's format version; a manifest of another version is refused.
const MANIFEST_VERSION: u32 = 1;

/// The hash algorithm's name, as the manifest records it.
const HASH_NAME: &str = "fnv1a-64";

/// The manifest file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Manifest {
    /// For a person who opens the file.
    pub(super) about: String,
    /// The format version ([`MANIFEST_VERSION`]).
    pub(super) version: u32,
    /// The hash algorithm ([`HASH_NAME`]).
    pub(super) hash: String,
    /// Path relative to the output directory → hash of what k6dsl wrote, in hex.
    pub(super) files: BTreeMap<String, String>,
    /// Files a write was about to replace when this manifest was written: path →
    /// hash of the new contents. Empty (and left out) once the write completed; a
    /// file matching either its `files` or its `pending` hash is k6dsl's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) pending: BTreeMap<String, String>,
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
pub(super) fn read_manifest(path: &Path) -> Result<(Manifest, Option<Vec<u8>>), WriteError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Manifest::default(), None)),
        Err(source) => {
            return Err(WriteError::Io {
                action: "read",
                path: path.to_owned(),
                source,
            })
        }
    };
    let bad = |reason: String| WriteError::BadManifest {
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
pub(super) fn manifest_bytes(manifest: &Manifest) -> Vec<u8> {
    let mut bytes =
        serde_json::to_vec_pretty(manifest).expect("a manifest of strings always serialises");
    bytes.push(b'\n');
    bytes
}

/// FNV-1a, 64 bits, as lowercase hex. The manifest only has to notice that a person
/// changed a file k6dsl wrote, not to resist someone forging a collision, so a small,
/// stable, dependency-free hash is enough (a chance edit goes unnoticed with
/// probability 2^-64). Its output must never change: manifests on disk record it,
/// which is why it is written here rather than taken from a crate whose next
/// version could change it.
pub(super) fn hash_hex(bytes: &[u8]) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = bytes.iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    format!("{hash:016x}")
}
