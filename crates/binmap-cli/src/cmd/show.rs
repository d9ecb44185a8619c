//! `binmap show FILE -l LAYOUT [PATH...] [--rows A..B] [--format table|csv|json|jsonl] [-o OUT]`
//!
//! Decode values. Without PATH: the whole file (json, table), or its main
//! table, the last top-level field when it is an array (csv, jsonl, and
//! whenever `--rows` is given). Several paths print one after another
//! (`name: value` lines), or as one JSON object or CSV row.

use std::path::PathBuf;

use binmap::sink::{Format, render, render_paths};
use binmap::{Map, Result};

use crate::util::{Output, Selection, open_with_layout};

/// Decode and print values.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Selection,
    /// More paths, printed after the first (`n 'x[0]' 'x[-1]'`): `name: value`
    /// lines, or one JSON object (or CSV row) of them all.
    #[arg(value_name = "PATH")]
    more: Vec<String>,
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
    match (a.input.path.as_deref(), a.more.is_empty()) {
        (path, true) => render(&map, path, rows, format, out.writer())?,
        (Some(first), false) => {
            if rows.is_some() {
                return Err(binmap::Error::usage("--rows slices one array: give one path with it"));
            }
            let paths: Vec<&str> = std::iter::once(first).chain(a.more.iter().map(String::as_str)).collect();
            render_paths(&map, &paths, format, out.writer())?;
        }
        (None, false) => unreachable!("clap fills PATH before the paths after it"),
    }
    // A file rewritten while it was read gives no output file (-o).
    src.check_unchanged()?;
    out.finish()
}
