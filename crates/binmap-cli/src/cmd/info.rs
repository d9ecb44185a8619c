//! `binmap info FILE -l LAYOUT [--format text|json]`
//!
//! The resolved map: every field and array with its offset (decimal and
//! hex), size, type and shape; the file size against the layout's size.

use binmap::info::Info;
use binmap::{Map, Mode, Result};

use crate::util::{load_layout, open_input};

/// Show where every field of the layout sits in the file.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file (`-` for stdin).
    file: String,
    /// The layout: a .bml file or the layout text itself.
    #[arg(short, long)]
    layout: String,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub fn run(a: Args) -> Result<()> {
    let layout = load_layout(&a.layout)?;
    let src = open_input(&a.file, Mode::Read)?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    let info = Info::of(&map);
    let text = if a.format == "json" { info.to_json() } else { info.to_text() };
    let mut out = crate::util::Output::new(None)?;
    out.writer().write_all(text.as_bytes()).map_err(|e| binmap::Error::io("<stdout>", &e))?;
    out.finish()
}
