//! Which paths a generated file may have: relative, portable, inside the directory.

use std::path::Path;

use super::MANIFEST_FILE;

/// Why `path` is not a generated file's path, if it is not one.
pub(super) fn check_relative_path(path: &str) -> Result<(), &'static str> {
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
