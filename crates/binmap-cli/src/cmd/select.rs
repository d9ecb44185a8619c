//! `binmap select FILE -l LAYOUT [PATH] [--where EXPR] [--fields a,b] [--rows A..B] [--format table|csv|json|jsonl|bin] [-o OUT]`
//!
//! The records of a table (default: the main table) that match `--where`
//! (all of them without it), in any of `show`'s formats, or as a binary
//! file in the same layout (`--format bin -o OUT`: rows that follow each
//! other in the input are copied file to file). See [`binmap::extract`].

use std::path::PathBuf;
use std::sync::Arc;

use binmap::query::Predicate;
use binmap::query::table::Table;
use binmap::select::{RowSet, Seg, parse_path};
use binmap::sink::{Format, render_rows};
use binmap::{Error, Map, Result};

use crate::util::{Output, open_with_layout};

/// The records that match a condition, in any show format or as a binary file.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file (`-` for stdin; a .npy needs no layout).
    file: String,
    /// The array of records (default: the main table, the last top-level array).
    path: Option<String>,
    /// The layout: a .bml file or the layout text itself. The language:
    /// `binmap help layout`.
    #[arg(short, long)]
    layout: Option<String>,
    /// Only rows where this holds: `value < 0`, `name in ["A", "B"] && time >= 1000`
    /// (without it, every row of --rows).
    #[arg(short = 'w', long = "where", value_name = "EXPR", allow_hyphen_values = true)]
    condition: Option<String>,
    /// Print only these fields, in this order: `name,value` or `coords.x`.
    #[arg(long, value_delimiter = ',')]
    fields: Vec<String>,
    /// Rows of the table to consider: `A..B`, `A..`, `..B`, `-10..` (Python slice rules).
    #[arg(long, allow_hyphen_values = true)]
    rows: Option<String>,
    /// Output format; `bin` writes the file again with only the matching records (needs -o).
    #[arg(short, long, default_value = "table", value_parser = ["table", "csv", "json", "jsonl", "bin"])]
    format: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let rows = a.rows.as_deref().map(binmap::select::Rows::parse).transpose()?;
    let (src, layout) = open_with_layout(&a.file, a.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    crate::util::check_described(&map)?;
    let paths: Vec<String> = a.path.iter().cloned().collect();
    let (table, columns) = Table::for_paths(&map, &paths, rows)?;
    if columns.iter().any(|c| !c.is_empty()) {
        return Err(Error::usage(
            "select takes the path of an array of records (like records); pick fields with --fields",
        ));
    }
    if table.array.shape.len() > 1 {
        return Err(Error::usage("select works on one-dimensional arrays of records"));
    }
    let filter = a.condition.as_deref().map(|c| Predicate::new(c, &table)).transpose()?;
    if a.format == "bin" {
        let bar = crate::progress::Bar::new(2 * table.len(), "rows (counted, then written)");
        if !a.fields.is_empty() {
            return Err(Error::usage("--format bin writes whole records in the same layout: leave out --fields"));
        }
        if a.output.is_none() {
            return Err(Error::usage("--format bin needs an output file: -o OUT"));
        }
        let mut out = Output::new(a.output.as_deref())?.copying_from(&src)?;
        binmap::extract::write_bin(&map, &table, filter.as_ref(), &bar, out.writer())?;
        drop(bar);
        src.check_unchanged()?;
        return out.finish();
    }
    let format: Format = a.format.parse()?;
    let fields: Vec<Vec<Seg>> = a.fields.iter().map(|f| parse_path(f.trim())).collect::<Result<_>>()?;
    let picked = if fields.is_empty() { None } else { Some(binmap::extract::pick_fields(table.array, &fields)?) };
    let array = picked.as_ref().unwrap_or(table.array);
    let mut row_set = RowSet::new(array, table.abs, table.rows.clone(), table.path.clone());
    if let Some(filter) = filter {
        let bar = crate::progress::Bar::new(table.len(), "rows");
        row_set = row_set.with_filter(Arc::new(filter.with_progress(Box::new(bar))));
    }
    let mut out = Output::new(a.output.as_deref())?;
    render_rows(&map, &row_set, format, out.writer())?;
    // The bar is cleared with the row set, before any message.
    drop(row_set);
    src.check_unchanged()?;
    out.finish()
}
