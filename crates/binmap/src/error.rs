//! The one error type of the library: what went wrong, where, and the bytes
//! around it.
//!
//! Every error carries a [`ErrorKind`] (which decides the CLI exit code: 2
//! for a wrong command line, 1 for everything else), a one-line message, a
//! few location notes (`data: f64[rows, cols] at offset 0x8 with rows = 100000`)
//! and, for errors about file data, a short hex dump of the bytes around the
//! offset.

use std::fmt;

/// What kind of thing was wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The layout text does not parse or does not make sense.
    Layout,
    /// The file's bytes do not fit the layout.
    Data,
    /// A value given to `pack` or `set` is wrong.
    Input,
    /// The command line is wrong (a bad path, a bad row range).
    Usage,
    /// The operating system refused (open, map, write).
    Io,
}

/// An error with its location and context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Location lines, printed after the message as `  --> note`.
    pub notes: Vec<String>,
    /// Bytes around the offset: (offset of the first byte, the bytes, the offset in question).
    pub context: Option<HexContext>,
}

/// A few bytes of a file around an offset, shown under a data error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexContext {
    pub start: u64,
    pub bytes: Vec<u8>,
    pub focus: u64,
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), notes: Vec::new(), context: None }
    }

    /// A data error.
    pub fn data(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Data, message)
    }

    /// An input (value) error.
    pub fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input, message)
    }

    /// A command-line usage error.
    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage, message)
    }

    /// An I/O error on `path`.
    pub fn io(path: &str, err: &std::io::Error) -> Error {
        Error::new(ErrorKind::Io, format!("{path}: {err}"))
    }

    /// Add a location note.
    pub fn note(mut self, note: impl Into<String>) -> Error {
        self.notes.push(note.into());
        self
    }

    /// Attach up to 16 bytes either side of `offset` from `data`.
    pub fn with_bytes(mut self, data: &[u8], offset: u64) -> Error {
        let len = data.len() as u64;
        let focus = offset.min(len);
        let start = focus.saturating_sub(16) / 16 * 16;
        let end = focus.saturating_add(16).min(len);
        if let (Ok(s), Ok(e)) = (usize::try_from(start), usize::try_from(end))
            && s < e
        {
            self.context = Some(HexContext { start, bytes: data[s..e].to_vec(), focus });
        }
        self
    }

    /// The process exit code for this error: 2 for usage, else 1.
    pub fn exit_code(&self) -> i32 {
        if self.kind == ErrorKind::Usage { 2 } else { 1 }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for n in &self.notes {
            write!(f, "\n  --> {n}")?;
        }
        if let Some(c) = &self.context {
            write!(f, "\n  bytes around offset {:#x}:", c.focus)?;
            for (i, line) in c.bytes.chunks(16).enumerate() {
                let at = c.start + 16 * i as u64;
                let mark = if (at..at + 16).contains(&c.focus) { '>' } else { ' ' };
                write!(f, "\n  {mark} {at:08x}:")?;
                for (j, b) in line.iter().enumerate() {
                    let sep = if j % 2 == 0 { " " } else { "" };
                    write!(f, "{sep}{b:02x}")?;
                }
                let pad = (16 - line.len()) * 2 + (16 - line.len()).div_ceil(2);
                write!(f, "{:pad$}  ", "")?;
                for b in line {
                    let c = if b.is_ascii_graphic() || *b == b' ' { char::from(*b) } else { '.' };
                    write!(f, "{c}")?;
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Format a number with thousands separators (`4,800,000,008`).
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
