//! `binmap convert FILE [-l LAYOUT] [PATH] [--rows A..B] [--split N] -o OUT.{npy,csv,json,jsonl,parquet,arrow}`
//!
//! Convert a layout-described file (or a `.npy`, recognised by its magic)
//! to another format, chosen by OUT's extension (or `--to FORMAT`, needed
//! for `-o -`, stdout): `.npy` (numpy reads it with
//! `np.load`), `.csv`, `.json`, `.jsonl` (exactly what `show` prints),
//! `.parquet` or `.arrow` (an Arrow IPC file; `.feather` too): a table with
//! one column per record field, typed as `binmap::export` describes.
//! `--split N` (Parquet and Arrow only) writes N files instead of one,
//! covering consecutive row ranges: `-o out.parquet --split 4` gives
//! `out-00000-of-00004.parquet` … `out-00003-of-00004.parquet`. Given a
//! `.json`, `.jsonl` or `.csv` FILE and a layout, it packs it into OUT instead, like
//! `binmap pack`. Every output file is written atomically.

use std::path::{Path, PathBuf};

use binmap::export::{Table, part_path, split_rows};
use binmap::sink::{Format, render};
use binmap::{Error, Map, Result};

use crate::util::{Output, Selection, open_with_layout};

/// The most files `--split` writes.
const MAX_PARTS: u64 = 100_000;

/// Convert between a binary file and .npy, CSV, JSON, Parquet or Arrow.
///
/// To Parquet (`-o out.parquet`, SNAPPY-compressed, row groups of 1 Mi rows)
/// or Arrow IPC (`-o out.arrow`), record fields become typed columns (nested
/// records become struct columns, sub-arrays fixed-size lists); `bytes[N]`
/// columns are text when every selected value is UTF-8, else binary.
/// `--split N` writes N such files of consecutive rows instead of one:
/// `-o out.parquet --split 4` gives out-00000-of-00004.parquet …
/// out-00003-of-00004.parquet.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: Selection,
    /// The output file (`-` for stdout); its extension picks the format
    /// (.npy, .csv, .json, .jsonl, .parquet, .arrow) unless --to does.
    #[arg(short, long)]
    output: PathBuf,
    /// The output format, when OUT's extension does not say it (`-o -`).
    #[arg(short = 'f', long = "to", visible_alias = "format", value_name = "FORMAT",
          value_parser = ["npy", "csv", "json", "jsonl", "ndjson", "parquet", "arrow", "feather"])]
    to: Option<String>,
    /// Write N Parquet or Arrow files, each holding the next run of rows (the
    /// sizes differ by at most one row), named like OUT-00000-of-0000N.parquet:
    /// one part per job of a cluster. With more parts than rows, the last
    /// parts are empty tables. Each part is written atomically.
    #[arg(long, value_name = "N")]
    split: Option<u64>,
}

pub fn run(a: Args) -> Result<()> {
    let input = a.input;
    if matches!(extension(Path::new(&input.file)).as_str(), "json" | "csv" | "jsonl" | "ndjson") {
        let Some(layout) = input.layout else {
            return Err(Error::usage(
                "packing a .json, .jsonl or .csv file needs the layout of the binary file: -l LAYOUT",
            ));
        };
        return super::pack::run(super::pack::Args::new(input.file, layout, a.output));
    }
    let rows = input.rows()?;
    let kind = match &a.to {
        Some(f) => f.clone(),
        None if crate::util::is_stdout(&a.output) => {
            return Err(Error::usage(
                "-o - writes to stdout: give the format with --to npy|csv|json|jsonl|parquet|arrow",
            ));
        }
        None => extension(&a.output),
    };
    let table_format = binmap::export::Format::from_extension(&kind);
    if a.split.is_some() && crate::util::is_stdout(&a.output) {
        return Err(Error::usage("--split writes several files: it needs -o OUT, not -o -"));
    }
    if let Some(n) = a.split
        && (table_format.is_none() || !(1..=MAX_PARTS).contains(&n))
    {
        return Err(Error::usage(if table_format.is_none() {
            "--split is for .parquet and .arrow outputs".to_string()
        } else {
            format!("--split {n}: the number of parts must be 1 to {MAX_PARTS}")
        }));
    }
    let (src, layout) = open_with_layout(&input.file, input.layout.as_deref())?;
    let map = Map::new(&layout, src.bytes(), src.name())?;
    crate::util::check_described(&map)?;
    if let Some(format) = table_format {
        let table = Table::new(&map, input.path.as_deref(), rows)?;
        let parts = match a.split {
            Some(n) => split_rows(table.rows(), n),
            None => vec![table.rows()],
        };
        let all = table.rows();
        let bar = crate::progress::Bar::new(all.end - all.start, "rows");
        for (i, part) in parts.into_iter().enumerate() {
            let dest = match a.split {
                Some(n) => part_path(&a.output, i as u64, n),
                None => a.output.clone(),
            };
            let mut out = Output::new(Some(&dest))?;
            table.write(part, format, out.writer(), &bar)?;
            src.check_unchanged()?;
            out.finish()?;
        }
        drop(bar);
        return Ok(());
    }
    let format = match kind.as_str() {
        "npy" => None,
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        other => {
            return Err(Error::usage(format!(
                "unknown output format '.{other}': use .npy, .csv, .json, .jsonl, .parquet or .arrow (binmap pack writes binary files)"
            )));
        }
    };
    // A `.npy` of whole elements is a range of the input: copied file to file.
    let mut out = Output::new(Some(&a.output))?.copying_from(&src)?;
    match format {
        None => binmap::convert::write_npy(&map, input.path.as_deref(), rows, out.writer())?,
        Some(f) => render(&map, input.path.as_deref(), rows, f, out.writer())?,
    }
    // A file rewritten while it was read gives no output file (-o).
    src.check_unchanged()?;
    out.finish()
}

fn extension(p: &Path) -> String {
    p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}
