//! All file I/O of the guard goes through here, so that every failure carries the path it failed on.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Largest file the guard reads (64 MiB): result and baseline files are far smaller, and a bound keeps a
/// hostile or corrupt input from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads a whole file, refusing files larger than [`MAX_FILE_BYTES`].
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read, [`Error::Invalid`] if it is too large.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let meta = fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Error::invalid(
            path,
            "",
            format!(
                "file is {} bytes, more than the limit of {MAX_FILE_BYTES}",
                meta.len()
            ),
            "this is not a result file the guard knows; remove it",
        ));
    }
    fs::read(path).map_err(|e| Error::io(path, "read", e))
}

/// Parses JSON bytes into `T`; errors name the file, the field path and serde's description (which quotes
/// the offending value).
///
/// # Errors
/// [`Error::Invalid`] when the bytes are not valid JSON of the expected shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], path: &Path, hint: &str) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        Error::invalid(path, field, e.into_inner().to_string(), hint)
    })
}

/// Reads and parses a JSON file (see [`read`] and [`parse_json`]).
///
/// # Errors
/// As [`read`] and [`parse_json`].
pub fn read_json<T: DeserializeOwned>(path: &Path, hint: &str) -> Result<T> {
    parse_json(&read(path)?, path, hint)
}

/// Lists a directory's entries (sorted by name, so that results are deterministic).
///
/// # Errors
/// [`Error::Io`] if the directory cannot be listed.
pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, "list", e))? {
        out.push(entry.map_err(|e| Error::io(dir, "list", e))?.path());
    }
    out.sort();
    Ok(out)
}

/// Whether `path` is a directory (symbolic links are not followed: result trees never need them).
#[must_use]
pub fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written, flushed to disk
/// and renamed over `path`. An interrupted write leaves the old file intact.
///
/// # Errors
/// [`Error::Io`] naming `path` when any step fails (the temporary file is removed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".guard-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, "create a temporary file in", e))?;
    // Temporary files are created private (0600); a baseline is an ordinary, shared file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        let _ = fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode));
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(tmp.path(), "write", e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(path, "replace", e.error))?;
    // Make the rename itself durable; failure to sync a directory is not fatal on every platform.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates `dir` and its parents.
///
/// # Errors
/// [`Error::Io`] naming `dir`.
pub fn create_dir_all(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create directory", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(list_dir(dir.path()).unwrap().len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
    }

    #[test]
    fn json_errors_name_field_and_value() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: Inner,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            b: f64,
        }
        let e = parse_json::<T>(br#"{"a":{"b":"x"}}"#, Path::new("f.json"), "regenerate it")
            .unwrap_err();
        let s = e.to_string();
        assert!(
            s.starts_with("f.json: a.b: invalid type: string \"x\""),
            "{s}"
        );
        assert!(s.ends_with("(regenerate it)"), "{s}");
    }
}
