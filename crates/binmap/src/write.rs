//! New files are written atomically: to a temporary file in the same
//! folder, flushed to disk, then renamed over the destination. On any error
//! the temporary file is removed and an existing destination is untouched.
//!
//! The temporary file is named `.binmap-XXXXXX.tmp` (hidden, random,
//! created with `O_EXCL`), in the destination's folder so the rename is
//! atomic. Readers of the destination therefore see either the old file or
//! the complete new one, even if binmap is killed at any moment. A process
//! killed with SIGKILL (or by a power cut) cannot remove its temporary
//! file: such a `.binmap-*.tmp` file is never the output, only a leftover
//! that is safe to delete once no binmap runs in that folder.
//!
//! A destination that exists and is not a regular file (`/dev/null`, a
//! FIFO), or lies under `/dev` or `/proc` (`/dev/stdout`), is written
//! directly: it cannot be replaced by a rename, and must not be.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Write `bytes` to `path` atomically.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// let p = dir.path().join("out.bin");
/// binmap::write::write_atomic(&p, b"abc").unwrap();
/// assert_eq!(std::fs::read(&p).unwrap(), b"abc");
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.display().to_string();
    if let Some(mut f) = open_special(path)? {
        return f.write_all(bytes).and_then(|()| f.flush()).map_err(|e| Error::io(&name, &e));
    }
    let mut tmp = temp_for(path)?;
    tmp.write_all(bytes).map_err(|e| Error::io(&name, &e))?;
    persist(tmp, path)
}

/// The folder `path` is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A destination that exists and is neither a regular file nor a folder
/// (a device such as `/dev/null`, a FIFO), or any existing path under
/// `/dev` or `/proc` (`/dev/stdout` may lead to a regular file, but the
/// link must not be replaced), opened for writing; `None` for a regular
/// file or a new name; an error for a folder.
pub fn open_special(path: &Path) -> Result<Option<File>> {
    let name = path.display().to_string();
    let system = path.starts_with("/dev") || path.starts_with("/proc");
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::input(format!("{name} is a directory"))),
        Ok(m) if !m.is_file() || system => {
            let f = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(&name, &e))?;
            Ok(Some(f))
        }
        _ => Ok(None),
    }
}

/// A new temporary file `.binmap-XXXXXX.tmp` beside `dest`, to be
/// [`persist`]ed over it. It is removed when dropped.
pub fn temp_for(dest: &Path) -> Result<NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let name = dest.display().to_string();
    if dest.is_dir() {
        return Err(Error::input(format!("{name} is a directory")));
    }
    tempfile::Builder::new()
        .prefix(".binmap-")
        .suffix(".tmp")
        // Like any new file: 0666 less the umask (tempfile's default is 0600).
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(folder(dest))
        .map_err(|e| Error::io(&name, &e))
}

/// Move a complete temporary file from [`temp_for`] over `dest`: `fsync`
/// it, give it the permissions of the file it replaces, rename it, and
/// `fsync` the folder so the rename itself survives a crash.
///
/// The environment variable `BINMAP_BENCH_NO_FSYNC=1` leaves out both
/// `fsync`s (the rename stays): for benchmarks that measure what the
/// `fsync` costs, never for real use (a crash can then leave an empty or
/// partial file under the destination's name).
pub fn persist(tmp: NamedTempFile, dest: &Path) -> Result<()> {
    let name = dest.display().to_string();
    let sync = std::env::var_os("BINMAP_BENCH_NO_FSYNC").is_none_or(|v| v != "1");
    if sync {
        tmp.as_file().sync_all().map_err(|e| Error::io(&name, &e))?;
    }
    if let Ok(meta) = std::fs::metadata(dest) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(dest).map_err(|e| Error::io(&name, &e.error))?;
    // Best effort: some filesystems cannot sync a folder.
    if let (true, Ok(d)) = (sync, File::open(folder(dest))) {
        let _ = d.sync_all();
    }
    Ok(())
}
