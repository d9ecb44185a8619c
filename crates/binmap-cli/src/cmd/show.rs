//! `binmap show FILE -l LAYOUT [PATH] [--rows A..B] [--format table|csv|json|jsonl] [-o OUT]`
//!
//! Decode values. Without PATH: the whole file (json, table), or its main
//! table, the last top-level field when it is an array (csv, jsonl, and
//! whenever `--rows` is given).

use std::path::PathBuf;

use binmap::select::{Rows, Selection, main_table, parse_path, select};
use binmap::sink::{Format, csv, json::JsonWriter, table};
use binmap::{Error, Map, Mode, Result};

use crate::util::{Output, load_layout, open_input};

/// Decode and print values.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file (`-` for stdin).
    file: String,
    /// What to show: `records`, `records.value`, `coords.x`, `data[0,1]`, `header.rows`.
    path: Option<String>,
    /// The layout: a .bml file or the layout text itself.
    #[arg(short, long)]
    layout: String,
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
    let layout = load_layout(&a.layout)?;
    let src = open_input(&a.file, Mode::Read)?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    let wants_table = matches!(format, Format::Csv | Format::Jsonl) || rows.is_some();
    let path = match (&a.path, wants_table) {
        (Some(p), _) => parse_path(p)?,
        (None, true) => main_table(&map).unwrap_or_default(),
        (None, false) => Vec::new(),
    };
    let sel = select(&map, &path)?;
    let mut out = Output::new(a.output.as_deref())?;
    let w = out.writer();
    let data = map.data();
    let row_set = sel.rows(rows.unwrap_or_default(), &path);
    if rows.is_some() && row_set.is_none() {
        return Err(Error::usage(format!(
            "--rows needs an array; '{}' is not one",
            a.path.as_deref().unwrap_or("the file")
        )));
    }
    let name = binmap::select::path_to_string(&path);
    match (format, row_set) {
        (Format::Json, Some(rs)) if rows.is_some() => JsonWriter::new(data, w).rows_document(&rs)?,
        (Format::Json, _) => JsonWriter::new(data, w).document(&sel, &path)?,
        (Format::Jsonl, Some(rs)) => JsonWriter::new(data, w).lines(&rs)?,
        (Format::Jsonl, None) => JsonWriter::new(data, w).document(&sel, &path)?,
        (Format::Csv, Some(rs)) => csv::write_rows(data, &rs, w)?,
        (Format::Csv, None) => {
            let Selection::One(v) = sel else { return Err(Error::usage("internal: projection without rows")) };
            csv::write_one(data, v, if name.is_empty() { "value" } else { &name }, w)?
        }
        (Format::Table, Some(rs)) if rows.is_some() => table::write_rows(&map, &rs, w)?,
        (Format::Table, _) => table::write_selection(&map, &sel, &path, &name, w)?,
    }
    out.finish()
}
