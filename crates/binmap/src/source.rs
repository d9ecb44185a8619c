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
//! Hazard: a mapped file that another process truncates makes reads past the
//! new end raise SIGBUS. binmap maps only files it is asked to read and
//! checks the size when it opens them; the full policy comes with the
//! safety work (see the README's "Safety" section).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

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

/// The bytes of one file, and its name for messages.
pub struct Source {
    name: String,
    data: Data,
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
        let path = path.as_ref();
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
                return Ok(Source { name, data: Data::Owned(buf) });
            }
            return Err(Error::input(format!("{name} is not a regular file (a device or socket cannot be mapped)")));
        }
        if meta.len() == 0 {
            return Ok(Source { name, data: Data::Empty });
        }
        let data = map_file(&file, mode).map_err(|e| Error::io(&name, &e))?;
        Ok(Source { name, data })
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
            return Ok(Source { name, data: Data::Empty });
        }
        let data = map_file(&file, Mode::ReadWrite).map_err(|e| Error::io(&name, &e))?;
        Ok(Source { name, data })
    }

    /// Bytes already in memory (stdin, tests).
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Source {
        Source { name: name.into(), data: Data::Owned(bytes) }
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

    /// The bytes, writable: `None` for a read-only map.
    pub fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        match &mut self.data {
            Data::Empty => Some(&mut []),
            Data::Map(_) => None,
            Data::MapMut(m) => Some(m),
            Data::Owned(v) => Some(v),
        }
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
        // SAFETY: the map is read-only; the file is a regular file opened by
        // us. Another process truncating it is the documented SIGBUS hazard
        // (module docs); no Rust reference outlives `Source`.
        Mode::Read => Data::Map(unsafe { MmapOptions::new().map(file)? }),
        // SAFETY: as above; writes go through `&mut [u8]` borrowed from the
        // `Source`, so Rust's aliasing rules hold within this process.
        Mode::ReadWrite => Data::MapMut(unsafe { MmapOptions::new().map_mut(file)? }),
        // SAFETY: a private map: our writes never reach the file.
        Mode::CopyOnWrite => Data::MapMut(unsafe { MmapOptions::new().map_copy(file)? }),
    })
}
