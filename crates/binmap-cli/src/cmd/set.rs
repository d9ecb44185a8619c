//! `binmap set FILE -l LAYOUT PATH=VALUE ...`
//!
//! Edit values in place through a read-write memory map (numpy's `r+`).
//! Every assignment is checked (path, type, range) before the first byte
//! changes; the map is flushed with `msync` before binmap exits.

use binmap::{Error, Map, Mode, Result, Source};

use crate::util::load_layout;

/// Change values in place.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file to edit.
    file: String,
    /// The layout: a .bml file or the layout text itself.
    #[arg(short, long)]
    layout: String,
    /// Assignments: `data[0,1]=42`, `records[3].name=GOOG_profit`, `records.value=0` (every record).
    #[arg(required = true)]
    assignments: Vec<String>,
}

pub fn run(a: Args) -> Result<()> {
    let layout = load_layout(&a.layout)?;
    let edits = {
        let src = Source::open(&a.file, Mode::Read)?;
        let map = Map::new(&layout, src.bytes(), src.name())?;
        binmap::set::plan(&map, &a.assignments)?
    };
    let mut src = Source::open(&a.file, Mode::ReadWrite)?;
    let name = src.name().to_string();
    let bytes = src.bytes_mut().ok_or_else(|| Error::input(format!("{name} cannot be written")))?;
    binmap::set::apply(bytes, &edits)?;
    src.flush()
}
