//! `binmap stats FILE -l LAYOUT [PATH ...] [--where EXPR] [--by FIELD] [--rows A..B] [--stat NAMES] [--format table|csv|json|jsonl] [-o OUT]`
//!
//! Count, NaN count, min, max, mean, population std and sum of numeric
//! columns (default: every numeric field of the main table), over all rows
//! or those matching `--where`, optionally one row per group of `--by`
//! (sorted by key); `--stat` picks and orders the statistics. The table
//! fits the terminal ([`crate::util::terminal_width`]). See
//! [`binmap::stats`].

use std::path::PathBuf;

use binmap::query::Predicate;
use binmap::query::table::Table;
use binmap::select::parse_path;
use binmap::sink::Format;
use binmap::stats::report::{Options, Stat};
use binmap::{Map, Result};

use crate::util::{Output, open_with_layout};

/// Statistics of numeric columns: count, nan, min, max, mean, std, sum.
#[derive(clap::Args)]
pub struct Args {
    /// The binary file (`-` for stdin; a .npy needs no layout).
    file: String,
    /// Columns: `records.value`, `records.time` (default: every numeric field of the main table).
    paths: Vec<String>,
    /// The layout: a .bml file or the layout text itself. The language:
    /// `binmap help layout`.
    #[arg(short, long)]
    layout: Option<String>,
    /// Only rows where this holds: `value > 0 && name == "MSFT_profit"`.
    #[arg(short = 'w', long = "where", value_name = "EXPR", allow_hyphen_values = true)]
    condition: Option<String>,
    /// One row per distinct value of this field (integers, strings, bools), sorted.
    #[arg(long, value_name = "FIELD")]
    by: Option<String>,
    /// Rows of the table: `A..B`, `A..`, `..B`, `-10..` (Python slice rules).
    #[arg(long, allow_hyphen_values = true)]
    rows: Option<String>,
    /// Which statistics, in this order: `sum,mean` (count, nan, min, max,
    /// mean, std, sum; default: all).
    #[arg(long = "stat", value_name = "NAMES", value_delimiter = ',')]
    stat: Vec<String>,
    /// Output format. The table is for reading: floats to 7 significant
    /// digits, wrapped to the terminal's width (COLUMNS, else 80 into a
    /// pipe or -o FILE); csv and json keep every digit.
    #[arg(short, long, default_value = "table", value_parser = ["table", "csv", "json", "jsonl"])]
    format: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let format: Format = a.format.parse()?;
    let opts = Options { stats: Stat::parse_list(&a.stat)?, width: crate::util::terminal_width(a.output.as_deref()) };
    let rows = a.rows.as_deref().map(binmap::select::Rows::parse).transpose()?;
    let (src, layout) = open_with_layout(&a.file, a.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    crate::util::check_described(&map)?;
    let (table, columns) = Table::for_paths(&map, &a.paths, rows)?;
    let columns = binmap::stats::numeric_columns(&table, &columns)?;
    let filter = a.condition.as_deref().map(|w| Predicate::new(w, &table)).transpose()?;
    let by = match &a.by {
        Some(b) => Some(binmap::stats::group_column(&table, &strip_table(&parse_path(b)?, &table))?),
        None => None,
    };
    let bar = crate::progress::Bar::new(table.len(), "rows");
    let stats = binmap::stats::compute(&table, columns, filter.as_ref(), by, &bar)?;
    drop(bar);
    let mut out = Output::new(a.output.as_deref())?;
    binmap::stats::report::write(&map, &stats, format, &opts, out.writer())?;
    // A file rewritten while it was read gives no output (-o) and an error.
    src.check_unchanged()?;
    out.finish()
}

/// `records.name` and `name` both name the `name` field of `records`' rows.
pub fn strip_table(path: &[binmap::select::Seg], table: &Table<'_>) -> Vec<binmap::select::Seg> {
    match path.strip_prefix(table.path.as_slice()) {
        Some(rest) if !rest.is_empty() && table.column(path).is_err() => rest.to_vec(),
        _ => path.to_vec(),
    }
}
