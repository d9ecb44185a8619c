//! `binmap show FILE -l LAYOUT [PATH] [--rows A..B] [--format table|csv|json|jsonl] [-o OUT]`
//!
//! Decode values. Without PATH: the whole file (json, table), or its main
//! table, the last top-level field when it is an array (csv, jsonl, and
//! whenever `--rows` is given).

use std::path::PathBuf;

use binmap::sink::{Format, render};
use binmap::{Map, Result};

use crate::util::{Output, Selection, open_with_layout};

/// Decode and print values.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Selection,
    /// Output format.
    #[arg(short, long, default_value = "table", value_parser = ["table", "csv", "json", "jsonl"])]
    format: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let format: Format = a.format.parse()?;
    let rows = a.input.rows()?;
    let (src, layout) = open_with_layout(&a.input.file, a.input.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    crate::util::check_described(&map)?;
    let mut out = Output::new(a.output.as_deref())?;
    render(&map, a.input.path.as_deref(), rows, format, out.writer())?;
    // A file rewritten while it was read gives no output file (-o).
    src.check_unchanged()?;
    out.finish()
}
