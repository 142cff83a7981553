//! All file I/O of the guard goes through here, so that every failure carries the path it failed on.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Largest file the guard reads (64 MiB): result and baseline files are far smaller, and a bound keeps a
/// hostile or corrupt input from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Reads a whole file, refusing files larger than [`MAX_FILE_BYTES`] and anything that is not a regular
/// file (a FIFO would block, `/dev/zero` would never end). The limit is enforced while reading, so a file
/// that grows after it was measured cannot exceed it either.
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read, [`Error::Invalid`] if it is too large or not a
/// regular file.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let meta = fs::metadata(path).map_err(|e| Error::io(path, "read", e))?;
    if !meta.is_file() {
        return Err(Error::invalid(
            path,
            "",
            "is not a regular file",
            "result, baseline and report files must be plain files; remove it",
        ));
    }
    let too_large = |len: u64| {
        Error::invalid(
            path,
            "",
            format!("file is {len} bytes or more, more than the limit of {MAX_FILE_BYTES}"),
            "this is not a result file the guard knows; remove it",
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, "read", e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Parses JSON bytes into `T`; errors name the file, the field path and serde's description (which quotes
/// the offending value).
///
/// # Errors
/// [`Error::Invalid`] when the bytes are not valid JSON of the expected shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], path: &Path, hint: &str) -> Result<T> {
    // Tracking the field path costs on every value (a 37 MB baseline, 100,000 result files), so the input
    // is parsed without it first and only a failure is parsed again, with it, to name the field: parsing
    // is deterministic, so the second pass fails the same way.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
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

/// Lists a directory's entries like [`list_dir`], each with whether it is a directory as [`is_real_dir`]
/// decides (symbolic links are not followed), taken from the listing itself where the file system reports
/// it: walking a result tree of 100,000 benchmarks then costs no `stat` per entry.
///
/// # Errors
/// [`Error::Io`] if the directory cannot be listed.
pub fn list_dir_typed(dir: &Path) -> Result<Vec<(PathBuf, bool)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, "list", e))? {
        let entry = entry.map_err(|e| Error::io(dir, "list", e))?;
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        out.push((entry.path(), is_dir));
    }
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Whether `path` is a directory (symbolic links are not followed: result trees never need them).
#[must_use]
pub fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// The directory `path` is in (`.` for a bare file name).
#[must_use]
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written, flushed to disk
/// and renamed over `path`. An interrupted write leaves the old file intact.
///
/// # Errors
/// [`Error::Io`] naming `path` when any step fails (the temporary file is removed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_dir(path);
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

/// An exclusive lock on a directory, held until it is dropped. It is an advisory `flock` on the directory
/// itself (no lock file to clean up), released by the operating system when the process ends in any way,
/// so a killed process never leaves a stale lock behind.
#[derive(Debug)]
pub struct DirLock {
    _file: fs::File,
}

/// Takes [`DirLock`] on `dir` without waiting.
///
/// # Errors
/// [`Error::Locked`] naming `dir` when another process holds the lock; [`Error::Io`] when the directory
/// cannot be opened or locked.
pub fn lock_dir(dir: &Path) -> Result<DirLock> {
    // Unix can lock the directory itself; elsewhere a lock file in it stands in for it.
    let file = if cfg!(unix) {
        fs::File::open(dir)
    } else {
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(".guard.lock"))
    }
    .map_err(|e| Error::io(dir, "open for locking", e))?;
    match file.try_lock() {
        Ok(()) => Ok(DirLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(Error::Locked {
            path: dir.to_path_buf(),
        }),
        Err(fs::TryLockError::Error(e)) => Err(Error::io(dir, "lock", e)),
    }
}

/// Removes the temporary files [`write_atomic`] leaves in `dir` when its process is killed mid-write. Only
/// call it while holding [`lock_dir`] on `dir` (another writer's temporary file is then impossible).
///
/// # Errors
/// [`Error::Io`] when `dir` cannot be listed or a leftover cannot be removed.
pub fn remove_leftover_temps(dir: &Path) -> Result<usize> {
    let mut removed = 0;
    for path in list_dir(dir)? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_tmp = path.extension().is_some_and(|e| e == "tmp");
        if name.starts_with(".guard-") && is_tmp && path.is_file() {
            fs::remove_file(&path).map_err(|e| Error::io(&path, "remove", e))?;
            removed += 1;
        }
    }
    Ok(removed)
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
    fn a_locked_dir_cannot_be_locked_twice_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_dir(dir.path()).unwrap();
        let e = lock_dir(dir.path()).unwrap_err();
        assert!(matches!(e, Error::Locked { .. }), "{e}");
        assert!(
            e.to_string().contains("another `guard baseline update`"),
            "{e}"
        );
        drop(first);
        lock_dir(dir.path()).unwrap();
    }

    #[test]
    fn typed_listing_agrees_with_is_real_dir() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("b")).unwrap();
        fs::write(dir.path().join("a"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("b"), dir.path().join("c")).unwrap();
        let typed = list_dir_typed(dir.path()).unwrap();
        let plain = list_dir(dir.path()).unwrap();
        assert_eq!(typed.iter().map(|e| e.0.clone()).collect::<Vec<_>>(), plain);
        for (path, is_dir) in &typed {
            assert_eq!(*is_dir, is_real_dir(path), "{}", path.display());
        }
        assert_eq!(
            typed.iter().filter(|e| e.1).count(),
            1,
            "only `b`, not the link `c`"
        );
    }

    #[test]
    fn refuses_special_and_oversized_files() {
        let e = read(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.contains("/dev/zero: is not a regular file"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.json");
        fs::File::create(&p)
            .unwrap()
            .set_len(MAX_FILE_BYTES + 1)
            .unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(e.contains("more than the limit"), "{e}");
        assert!(read(&dir.path().join("none.json")).is_err());
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
