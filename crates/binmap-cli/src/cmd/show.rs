//! `binmap show FILE -l LAYOUT [PATH] [--rows A..B] [--format table|csv|json|jsonl] [-o OUT]`
//!
//! Decode values. Without PATH: the whole file (json, table), or its main
//! table, the last top-level field when it is an array (csv, jsonl, and
//! whenever `--rows` is given).

use std::path::PathBuf;

use binmap::select::Rows;
use binmap::sink::{Format, render};
use binmap::{Map, Result};

use crate::util::{Output, open_with_layout};

/// Decode and print values.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file (`-` for stdin).
    file: String,
    /// What to show: `records`, `records.value`, `coords.x`, `data[0,1]`, `header.rows`.
    path: Option<String>,
    /// The layout: a .bml file or the layout text itself (not needed for .npy files).
    #[arg(short, long)]
    layout: Option<String>,
    /// Rows of the outermost array: `A..B`, `A..`, `..B`, `-10..`, `7` (Python slice rules).
    #[arg(long, allow_hyphen_values = true)]
    rows: Option<String>,
    /// Output format.
    #[arg(short, long, default_value = "table", value_parser = ["table", "csv", "json", "jsonl"])]
    format: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let format: Format = a.format.parse()?;
    let rows = a.rows.as_deref().map(Rows::parse).transpose()?;
    let (src, layout) = open_with_layout(&a.file, a.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    let mut out = Output::new(a.output.as_deref())?;
    render(&map, a.path.as_deref(), rows, format, out.writer())?;
    out.finish()
}
