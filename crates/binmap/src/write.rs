//! New files are written atomically: to a temporary file in the same
//! folder, flushed to disk, then renamed over the destination. On any error
//! the temporary file is removed and an existing destination is untouched.

use std::io::Write;
use std::path::Path;

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
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(Error::input(format!("{name} is a directory")));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".binmap-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(&name, &e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(&name, &e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(&name, &e))?;
    // Keep the destination's permissions when replacing a file.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| Error::io(&name, &e.error))?;
    Ok(())
}
