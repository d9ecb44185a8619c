//! `binmap info FILE -l LAYOUT [--format text|json]`
//!
//! The resolved map: every field and array with its offset (decimal and
//! hex), size, type and shape; the file size against the layout's size.

use binmap::info::Info;
use binmap::{Map, Result};

use crate::util::open_with_layout;

/// Show where every field of the layout sits in the file.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file (`-` for stdin).
    file: String,
    /// The layout: a .bml file or the layout text itself (not needed for .npy
    /// files). The language: `binmap help layout`.
    #[arg(short, long)]
    layout: Option<String>,
    /// Output format.
    #[arg(short, long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub fn run(a: Args) -> Result<()> {
    let (src, layout) = open_with_layout(&a.file, a.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    let mut out = crate::util::Output::new(None)?;
    let written = if a.format == "json" {
        out.writer().write_all(Info::of(&map).to_json().as_bytes())
    } else {
        binmap::info::write_text_of(&map, out.writer())
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(binmap::Error::new(binmap::ErrorKind::Io, "broken pipe"))
        }
        Err(e) => Err(binmap::Error::io("<stdout>", &e)),
        Ok(()) => out.finish(),
    }
}
