//! `binmap convert FILE [-l LAYOUT] [PATH] [--rows A..B] -o OUT.{npy,csv,json,jsonl}`
//!
//! Convert a layout-described file (or a `.npy`, recognised by its magic)
//! to another format, chosen by OUT's extension: `.npy` (numpy reads it with
//! `np.load`), `.csv`, `.json`, `.jsonl` (exactly what `show` prints). Given
//! a `.json` or `.csv` FILE and a layout, it packs it into OUT instead, like
//! `binmap pack`. OUT is always written atomically.

use std::path::PathBuf;

use binmap::sink::{Format, render};
use binmap::{Error, Map, Result};

use crate::util::{Output, Selection, open_with_layout};

/// Convert between a binary file and .npy, CSV or JSON.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Selection,
    /// The output file; its extension picks the format.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(a: Args) -> Result<()> {
    let input = a.input;
    if matches!(extension(std::path::Path::new(&input.file)).as_str(), "json" | "csv") {
        let Some(layout) = input.layout else {
            return Err(Error::usage("packing a .json or .csv file needs the layout of the binary file: -l LAYOUT"));
        };
        return super::pack::run(super::pack::Args::new(input.file, layout, a.output));
    }
    let rows = input.rows()?;
    let (src, layout) = open_with_layout(&input.file, input.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    let format = match extension(&a.output).as_str() {
        "npy" => None,
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        other => {
            return Err(Error::usage(format!(
                "unknown output format '.{other}': use .npy, .csv, .json or .jsonl (binmap pack writes binary files)"
            )));
        }
    };
    let mut out = Output::new(Some(&a.output))?;
    match format {
        None => binmap::convert::write_npy(&map, input.path.as_deref(), rows, out.writer())?,
        Some(f) => render(&map, input.path.as_deref(), rows, f, out.writer())?,
    }
    // A file rewritten while it was read gives no output file (-o).
    src.check_unchanged()?;
    out.finish()
}

fn extension(p: &std::path::Path) -> String {
    p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}
