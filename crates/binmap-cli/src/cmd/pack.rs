//! `binmap pack -l LAYOUT INPUT -o OUT [--format json|csv] [--onto ORIGINAL]`
//!
//! The reverse of `show`: INPUT (a file, or `-` for stdin) is JSON in the
//! shape `show --format json` prints, or CSV for a layout whose last field
//! is an array of records. Size fields the input leaves out are derived from
//! the data; given ones must agree with it. A layout that leaves bytes
//! undescribed (holes between placed fields) is refused, naming them, since
//! OUT would get zeros there; `--onto ORIGINAL` starts from ORIGINAL's bytes
//! instead and keeps every byte the input does not set (numpy's
//! copy-on-write mode `c`: ORIGINAL itself is not changed, and OUT may name
//! it). OUT is written to a temporary file and renamed into place only when
//! complete: on any error nothing is written; `-o -` writes to stdout.

use std::io::Read;
use std::path::PathBuf;

use binmap::encode::Origin;
use binmap::pack::{csv_doc, pack, pack_onto};
use binmap::text::json_read::parse_json;
use binmap::{Error, ErrorKind, Mode, Result};

use crate::util::{Output, load_layout, open_file};

/// Build a binary file from JSON or CSV.
#[derive(clap::Args)]
pub struct Args {
    /// The input: JSON or CSV (`-` for stdin).
    input: String,
    /// The layout: a .bml file or the layout text itself.
    #[arg(short, long)]
    layout: String,
    /// The binary file to write (`-` for stdout).
    #[arg(short, long)]
    output: PathBuf,
    /// Input format (default: from INPUT's extension; JSON for stdin).
    #[arg(long, value_parser = ["json", "csv"])]
    format: Option<String>,
    /// Start from this file's bytes and keep every byte the input does not
    /// set (bytes the layout does not describe, padding); it is not changed.
    #[arg(long, value_name = "ORIGINAL")]
    onto: Option<PathBuf>,
}

impl Args {
    /// Pack `input` with `layout` into `output` (the format from the extension).
    pub fn new(input: String, layout: String, output: PathBuf) -> Args {
        Args { input, layout, output, format: None, onto: None }
    }
}

pub fn run(a: Args) -> Result<()> {
    let layout = load_layout(&a.layout)?;
    let mut bytes = Vec::new();
    if a.input == "-" {
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| Error::io("<stdin>", &e))?;
    } else {
        bytes = std::fs::read(&a.input).map_err(|e| Error::io(&a.input, &e))?;
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(format!("{} is not UTF-8 text (bad byte at offset {:#x})", a.input, e.utf8_error().valid_up_to()))
    })?;
    let csv = match a.format.as_deref() {
        Some(f) => f == "csv",
        None => a.input.to_ascii_lowercase().ends_with(".csv"),
    };
    let (doc, origin) = if csv {
        (csv_doc(&layout, &text)?, Origin::Text)
    } else {
        let doc = parse_json(&text).map_err(|e| Error::new(ErrorKind::Input, format!("{}: bad JSON: {e}", a.input)))?;
        (doc, Origin::Json)
    };
    let out = match &a.onto {
        // Read in full before OUT is written: OUT may be ORIGINAL itself.
        Some(original) => {
            let src = open_file(original, Mode::Read)?;
            pack_onto(&layout, &doc, origin, src.bytes())?
        }
        None => pack(&layout, &doc, origin)?,
    };
    let name = a.output.display().to_string();
    let mut o = Output::new(Some(&a.output))?;
    o.writer().write_all(&out).map_err(|e| match e.kind() {
        // `-o - | head`: the reader stopped early.
        std::io::ErrorKind::BrokenPipe => Error::new(ErrorKind::Io, "broken pipe"),
        _ => Error::io(&name, &e),
    })?;
    o.finish()
}
