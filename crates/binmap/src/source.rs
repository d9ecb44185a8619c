//! The bytes of one file: a memory map in numpy's modes, or a buffer.
//!
//! | numpy mode | [`Mode`] | how |
//! |---|---|---|
//! | `r` | [`Mode::Read`] | read-only shared map |
//! | `r+` | [`Mode::ReadWrite`] | writable shared map: edits reach the file |
//! | `c` | [`Mode::CopyOnWrite`] | private map: edits stay in memory |
//! | `w+` | [`Source::create`] | new file of a given size, mapped writable |
//!
//! Only regular files are mapped. A FIFO or stdin is read into memory (it
//! cannot be mapped); other special files (devices, directories) are refused,
//! since `/dev/zero` would never end.
//!
//! Without maps, [`Source::open_in_memory`] reads a regular file into memory
//! (the CLI's `--no-mmap`): for files that may change while they are read,
//! and network filesystems.
//!
//! # Files that change while mapped
//!
//! A mapped file that another process truncates makes reads past its new
//! end raise SIGBUS, which kills the process; a private (copy-on-write) map
//! does not help. A file rewritten in place while it is read gives a mix of
//! old and new bytes. No map can prevent either, so the policy is:
//!
//! 1. only regular files named by the caller are mapped, and their size is
//!    checked when they are opened (a map is never longer than the file);
//! 2. the `binmap` command installs a SIGBUS handler at start-up that prints
//!    one fixed line (the input shrank while it was read; use `--no-mmap`),
//!    removes the temporary output file, and exits with status 1: a
//!    truncation is a clear error, never a signal death and never numbers
//!    read from a hole. A library user who maps files that may shrink needs
//!    such a handler too, or [`Source::open_in_memory`];
//! 3. [`Source::check_unchanged`] compares the file's size and modification
//!    time with those seen at open (one `fstat`); the CLI calls it after a
//!    scan, before it renames its output into place, so a file rewritten
//!    while it was read is an error rather than mixed numbers;
//! 4. `--no-mmap` (or `BINMAP_NO_MMAP=1`) reads into memory instead: a
//!    truncation then simply gives a shorter file.
//!
//! See the README's "Safety" section.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use memmap2::{Mmap, MmapMut, MmapOptions};

use crate::error::{Error, Result};

/// How to open a file (numpy's `r`, `r+`, `c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Read,
    ReadWrite,
    CopyOnWrite,
}

enum Data {
    Empty,
    Map(Mmap),
    MapMut(MmapMut),
    Owned(Vec<u8>),
}

/// What a regular file looked like when it was opened: its handle, size
/// and modification time, for [`Source::check_unchanged`].
struct Stamp {
    file: File,
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(file: &File, meta: &std::fs::Metadata) -> Option<Stamp> {
        let file = file.try_clone().ok()?;
        Some(Stamp { file, len: meta.len(), modified: meta.modified().ok() })
    }
}

/// The bytes of one file, and its name for messages.
pub struct Source {
    name: String,
    data: Data,
    stamp: Option<Stamp>,
}

impl Source {
    /// Open `path` in `mode`.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let p = dir.path().join("x.bin");
    /// std::fs::write(&p, [1u8, 2, 3]).unwrap();
    /// let s = binmap::Source::open(&p, binmap::Mode::Read).unwrap();
    /// assert_eq!(s.bytes(), &[1, 2, 3]);
    /// ```
    pub fn open(path: impl AsRef<Path>, mode: Mode) -> Result<Source> {
        Source::open_impl(path.as_ref(), mode, true)
    }

    /// Read `path` into memory instead of mapping it (the CLI's `--no-mmap`):
    /// safe for files that another process may truncate or rewrite, at the
    /// cost of reading the whole file first. FIFOs are read the same way;
    /// devices and directories are refused as by [`Source::open`].
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let p = dir.path().join("x.bin");
    /// std::fs::write(&p, [1u8, 2, 3]).unwrap();
    /// let s = binmap::Source::open_in_memory(&p).unwrap();
    /// assert_eq!(s.bytes(), &[1, 2, 3]);
    /// ```
    pub fn open_in_memory(path: impl AsRef<Path>) -> Result<Source> {
        Source::open_impl(path.as_ref(), Mode::CopyOnWrite, false)
    }

    fn open_impl(path: &Path, mode: Mode, mmap: bool) -> Result<Source> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(&name, &e))?;
        let ft = meta.file_type();
        if meta.is_dir() {
            return Err(Error::input(format!("{name} is a directory, not a file")));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(mode == Mode::ReadWrite)
            .open(path)
            .map_err(|e| Error::io(&name, &e))?;
        if !ft.is_file() {
            use std::os::unix::fs::FileTypeExt;
            if ft.is_fifo() {
                let mut buf = Vec::new();
                (&file).read_to_end(&mut buf).map_err(|e| Error::io(&name, &e))?;
                return Ok(Source { name, data: Data::Owned(buf), stamp: None });
            }
            return Err(Error::input(format!("{name} is not a regular file (a device or socket cannot be mapped)")));
        }
        // The size and time of the file we opened (not of the path, which
        // another process may have replaced meanwhile).
        let meta = file.metadata().map_err(|e| Error::io(&name, &e))?;
        let stamp = Stamp::of(&file, &meta);
        if !mmap {
            // Read what is there: a file that shrinks meanwhile just gives
            // fewer bytes, and one that grows is read to its new end.
            let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).min(1 << 30));
            (&file).read_to_end(&mut buf).map_err(|e| Error::io(&name, &e))?;
            return Ok(Source { name, data: Data::Owned(buf), stamp });
        }
        if meta.len() == 0 {
            return Ok(Source { name, data: Data::Empty, stamp });
        }
        let data = map_file(&file, mode).map_err(|e| Error::io(&name, &e))?;
        Ok(Source { name, data, stamp })
    }

    /// Create (or replace) `path` with `size` zero bytes and map it writable
    /// (numpy's `w+`).
    pub fn create(path: impl AsRef<Path>, size: u64) -> Result<Source> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .map_err(|e| Error::io(&name, &e))?;
        file.set_len(size).map_err(|e| Error::io(&name, &e))?;
        if size == 0 {
            return Ok(Source { name, data: Data::Empty, stamp: None });
        }
        let data = map_file(&file, Mode::ReadWrite).map_err(|e| Error::io(&name, &e))?;
        Ok(Source { name, data, stamp: None })
    }

    /// Bytes already in memory (stdin, tests).
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Source {
        Source { name: name.into(), data: Data::Owned(bytes), stamp: None }
    }

    /// All of standard input.
    pub fn stdin() -> Result<Source> {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| Error::io("<stdin>", &e))?;
        Ok(Source::from_bytes("<stdin>", buf))
    }

    /// The file's name, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            Data::Empty => &[],
            Data::Map(m) => m,
            Data::MapMut(m) => m,
            Data::Owned(v) => v,
        }
    }

    /// The open file behind a read-only map, with the mapped bytes (byte
    /// `i` of the slice is byte `i` of the file): for copying ranges of it
    /// file to file (`copy_file_range`) instead of through the map. `None`
    /// when the bytes are not a read-only map of a file (in memory, stdin,
    /// a writable or private map, an empty file).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let p = dir.path().join("x.bin");
    /// std::fs::write(&p, [1u8, 2, 3]).unwrap();
    /// let s = binmap::Source::open(&p, binmap::Mode::Read).unwrap();
    /// let (_file, bytes) = s.mapped_file().unwrap();
    /// assert_eq!(bytes, &[1, 2, 3]);
    /// assert!(binmap::Source::open_in_memory(&p).unwrap().mapped_file().is_none());
    /// ```
    pub fn mapped_file(&self) -> Option<(&File, &[u8])> {
        match (&self.data, &self.stamp) {
            (Data::Map(m), Some(st)) => Some((&st.file, m)),
            _ => None,
        }
    }

    /// The bytes, writable: `None` for a read-only map.
    pub fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        match &mut self.data {
            Data::Empty => Some(&mut []),
            Data::Map(_) => None,
            Data::MapMut(m) => Some(m),
            Data::Owned(v) => Some(v),
        }
    }

    /// An error when the file has changed since it was opened: its size or
    /// modification time (one `fstat` of the open file) differs. Call it
    /// after reading, before trusting or publishing what was read: a file
    /// rewritten meanwhile may have given a mix of old and new bytes.
    /// Always `Ok` for stdin, FIFOs and [`Source::from_bytes`].
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let p = dir.path().join("x.bin");
    /// std::fs::write(&p, [1u8, 2, 3]).unwrap();
    /// let s = binmap::Source::open_in_memory(&p).unwrap();
    /// assert!(s.check_unchanged().is_ok());
    /// std::fs::write(&p, [1u8, 2]).unwrap();
    /// assert!(s.check_unchanged().is_err());
    /// ```
    pub fn check_unchanged(&self) -> Result<()> {
        let Some(st) = &self.stamp else { return Ok(()) };
        let meta = st.file.metadata().map_err(|e| Error::io(&self.name, &e))?;
        let detail = if meta.len() != st.len {
            format!("it was {} bytes and is {} now", st.len, meta.len())
        } else if meta.modified().ok() != st.modified {
            "it was modified".to_string()
        } else {
            return Ok(());
        };
        Err(Error::input(format!(
            "{} changed while binmap was reading it ({detail}): another process wrote to it, so what was read may mix old and new bytes; read it again when nothing is writing it, or copy it first",
            self.name
        )))
    }

    /// Write changes of a shared writable map to the file (`msync`).
    pub fn flush(&self) -> Result<()> {
        if let Data::MapMut(m) = &self.data {
            m.flush().map_err(|e| Error::io(&self.name, &e))?;
        }
        Ok(())
    }
}

fn map_file(file: &File, mode: Mode) -> std::io::Result<Data> {
    Ok(match mode {
        // SAFETY: the map is read-only and no reference into it outlives
        // `Source`; the file is a regular file we opened, and the map is no
        // longer than its size at open. Another process may still change it:
        // a truncation makes reads past the new end raise SIGBUS (the CLI
        // turns that into exit status 1, see the module docs), and a rewrite
        // can change bytes under the `&[u8]`, which `check_unchanged`
        // reports afterwards. `--no-mmap` avoids both.
        Mode::Read => Data::Map(unsafe { MmapOptions::new().map(file)? }),
        // SAFETY: as above; writes go through `&mut [u8]` borrowed from the
        // `Source`, so Rust's aliasing rules hold within this process.
        Mode::ReadWrite => Data::MapMut(unsafe { MmapOptions::new().map_mut(file)? }),
        // SAFETY: a private map: our writes never reach the file.
        Mode::CopyOnWrite => Data::MapMut(unsafe { MmapOptions::new().map_copy(file)? }),
    })
}
