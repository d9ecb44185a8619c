//! `binmap guess FILE [FILE...] [--explain] [-f text|json] [-o OUT.bml]`
//!
//! A draft layout for a file nobody documented: a known format by its
//! magic (`.npy`), header integers that size what follows (counts, rows ×
//! cols, text lengths, either byte order), the record size from the period
//! of the bytes, and every field typed from sampled records (text, floats,
//! integers, byte order, monotonic columns). Several files of one format
//! turn constant header fields into `== LITERAL` checks. Each field carries
//! a comment saying why; `--explain` adds the evidence, `-f json` gives it
//! to programs. The draft is checked before it is printed: binmap parses it
//! and maps it onto every file. Weak evidence prints a "not confident"
//! draft that reads the file as bytes. Only samples of each file are read.

use binmap::guess::{Input, guess};
use binmap::{Mode, Result};

use crate::util::{Output, open_input};

/// Guess a draft layout for undocumented files (several samples of one format at once).
#[derive(clap::Args)]
pub struct Args {
    /// The file(s): one, or several samples of one format (`-` for stdin).
    #[arg(required = true)]
    files: Vec<String>,
    /// Also print the evidence for the structure and for every field (as comments).
    #[arg(long)]
    explain: bool,
    /// Output format: the layout text, or JSON for programs.
    #[arg(short, long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Write the draft to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<std::path::PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let sources = a.files.iter().map(|f| open_input(f, Mode::Read)).collect::<Result<Vec<_>>>()?;
    let inputs: Vec<Input<'_>> = sources.iter().map(|s| Input { name: s.name(), data: s.bytes() }).collect();
    let g = guess(&inputs)?;
    let text = match (a.format.as_str(), a.explain) {
        ("json", _) => g.to_json(),
        (_, true) => g.explained(),
        _ => g.layout(),
    };
    let mut out = Output::new(a.output.as_deref())?;
    match out.writer().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(binmap::Error::new(binmap::ErrorKind::Io, "broken pipe"))
        }
        Err(e) => Err(binmap::Error::io("<stdout>", &e)),
        Ok(()) => out.finish(),
    }
}
