//! `binmap convert FILE [-l LAYOUT] [PATH] [--rows A..B] -o OUT.{npy,csv,json,jsonl}`
//!
//! Convert a layout-described file (or a `.npy`, recognised by its magic)
//! to another format, chosen by OUT's extension: `.npy` (numpy reads it with
//! `np.load`), `.csv`, `.json`, `.jsonl` (exactly what `show` prints). Given
//! a `.json` or `.csv` FILE and a layout, it packs it into OUT instead, like
//! `binmap pack`. OUT is always written atomically.

use std::path::PathBuf;

use binmap::select::Rows;
use binmap::sink::{Format, render};
use binmap::{Error, Map, Result};

use crate::util::{Output, open_with_layout};

/// Convert between a binary file and .npy, CSV or JSON.
#[derive(clap::Args)]
pub struct Args {
    /// The input: a binary file, a .npy, or (to pack) a .json/.csv file.
    file: String,
    /// What to convert (default: the file's main table, its last top-level array).
    path: Option<String>,
    /// The layout: a .bml file or the layout text itself (not needed for .npy files).
    #[arg(short, long)]
    layout: Option<String>,
    /// Rows of the outermost array: `A..B`, `-10..` (Python slice rules).
    #[arg(long, allow_hyphen_values = true)]
    rows: Option<String>,
    /// The output file; its extension picks the format.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(a: Args) -> Result<()> {
    let in_ext = extension(std::path::Path::new(&a.file));
    if matches!(in_ext.as_str(), "json" | "csv") {
        let Some(layout) = a.layout else {
            return Err(Error::usage("packing a .json or .csv file needs the layout of the binary file: -l LAYOUT"));
        };
        return super::pack::run(super::pack::Args::new(a.file, layout, a.output));
    }
    let rows = a.rows.as_deref().map(Rows::parse).transpose()?;
    let (src, layout) = open_with_layout(&a.file, a.layout.as_deref())?;
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
        None => binmap::convert::write_npy(&map, a.path.as_deref(), rows, out.writer())?,
        Some(f) => render(&map, a.path.as_deref(), rows, f, out.writer())?,
    }
    out.finish()
}

fn extension(p: &std::path::Path) -> String {
    p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}
