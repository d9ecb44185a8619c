//! `binmap set FILE -l LAYOUT PATH=VALUE ...`
//!
//! Edit values in place through a read-write memory map (numpy's `r+`).
//! Every assignment is checked (path, type, range) before the first byte
//! changes; the map is flushed with `msync` before binmap exits. With
//! `--no-mmap` the new bytes are written with `pwrite` instead and the file
//! is flushed with `fsync`.

use binmap::set::Edit;
use binmap::{Error, Map, Mode, Result};

use crate::util::{load_layout, no_mmap, open_file};

/// Change values in place.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file to edit.
    file: String,
    /// The layout: a .bml file or the layout text itself. The language:
    /// `binmap help layout`.
    #[arg(short, long)]
    layout: String,
    /// Assignments: `data[0,1]=42`, `records[3].name=GOOG_profit`, `records.value=0` (every record),
    /// `data[:, 1]=2`, `data[-1]=[1,2,3,4,5]` (numpy's broadcasting: `binmap help paths`).
    #[arg(required = true)]
    assignments: Vec<String>,
}

pub fn run(a: Args) -> Result<()> {
    let layout = load_layout(&a.layout)?;
    let edits = {
        let src = open_file(&a.file, Mode::Read)?;
        let map = Map::new(&layout, src.bytes(), src.name())?;
        crate::util::check_described(&map)?;
        binmap::set::plan(&map, &a.assignments)?
    };
    if no_mmap() {
        return write_edits(&a.file, &edits);
    }
    let mut src = open_file(&a.file, Mode::ReadWrite)?;
    let name = src.name().to_string();
    let bytes = src.bytes_mut().ok_or_else(|| Error::input(format!("{name} cannot be written")))?;
    binmap::set::apply(bytes, &edits)?;
    src.flush()
}

/// `--no-mmap`: every offset checked against the file's size, then each
/// edit written with `pwrite`, then `fsync`.
fn write_edits(path: &str, edits: &[Edit]) -> Result<()> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, &e))?;
    let len = file.metadata().map_err(|e| Error::io(path, &e))?.len();
    for e in edits {
        for &off in &e.offsets {
            if off.checked_add(e.bytes.len() as u64).is_none_or(|end| end > len) {
                return Err(Error::input(format!("offset {off:#x} is outside the file")));
            }
        }
    }
    for e in edits {
        for &off in &e.offsets {
            file.write_all_at(&e.bytes, off).map_err(|err| Error::io(path, &err))?;
        }
    }
    file.sync_data().map_err(|e| Error::io(path, &e))
}
