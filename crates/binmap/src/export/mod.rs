//! Record arrays to Parquet and Arrow IPC files (`binmap convert -o
//! x.parquet`, `-o x.arrow`), written batch by batch so memory stays flat
//! whatever the number of rows.
//!
//! A selection (a path and `--rows`, chosen exactly as for `binmap show`)
//! becomes a [`Table`]: one column per named field of a record, or one
//! column named after the path for anything else (`records.value`, the
//! rows of `data: f64[rows, cols]`). A selection that is not an array (a
//! header struct, a file without arrays) is a table of one row.
//!
//! # Types
//!
//! | layout | Arrow (and so Parquet) | note |
//! |---|---|---|
//! | `i8` … `i64`, `u8` … `u64` | Int8 … Int64, UInt8 … UInt64 | any byte order, converted |
//! | `f16` | Float16 | Parquet's FLOAT16 logical type |
//! | `bf16` | Float32 | Arrow has no bfloat16; the widening is exact |
//! | `f32`, `f64` | Float32, Float64 | bits kept, NaN payloads included |
//! | `bool` | Boolean | a byte other than 0 or 1 is an error, as in `show` |
//! | `c64`, `c128` | Struct {real, imag} of Float32 / Float64 | as `show --format json` prints them |
//! | `bytes[N]`, `char`, `cstr` | Utf8 when every selected value is UTF-8, else Binary | values as `show` prints them: trailing NULs of `bytes[N]` stripped (numpy `S`), a `cstr` without its NUL |
//! | `utf8[N]`, `ucs4[N]` | Utf8 | trailing NULs stripped; invalid text is an error, as in `show` |
//! | `void[N]` | FixedSizeBinary(N) | every byte kept |
//! | `{ ... }` | Struct | nested, not flattened; `_` padding left out |
//! | `T[n]` inside a record | FixedSizeList(n) | `T[a, b]`: FixedSizeList(a) of FixedSizeList(b), C order |
//! | rows of a 2-D array | FixedSizeList | one list per row |
//!
//! Every field is non-nullable. The UTF-8 choice for a bytes column is
//! made once, by a scan of that column over all the selected rows before
//! anything is written, so every part of a `--split` output has the same
//! schema.
//!
//! Elements of varying size (walked arrays such as
//! `{ len: u16, text: utf8[len] }[n]`, or `cstr` fields) are supported:
//! their positions are gathered element by element instead of computed.
//! A sub-array whose length differs between elements becomes a
//! variable-length List (`void[N]` of varying N: Binary). Elements whose
//! fields differ (an `if` that holds for some elements only) are an error
//! naming the first element that differs.
//!
//! Without the `arrow` cargo feature (on by default) this module only
//! has [`Format`], [`split_rows`] and [`part_path`]; [`Table::new`] says
//! that the feature is missing.

#[cfg(feature = "arrow")]
mod arrow_types;
#[cfg(feature = "arrow")]
mod build;
#[cfg(feature = "arrow")]
mod ipc;
#[cfg(feature = "arrow")]
mod parquet;
#[cfg(feature = "arrow")]
mod plan;
#[cfg(feature = "arrow")]
mod pos;
/// The Python package's faster path for tables of fixed-size records.
#[cfg(feature = "arrow")]
pub(crate) mod pyfast;
#[cfg(feature = "arrow")]
mod table;

use std::ops::Range;
use std::path::{Path, PathBuf};

#[cfg(feature = "arrow")]
pub use table::Table;

use crate::error::Result;

/// The two output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet (`.parquet`).
    Parquet,
    /// The Arrow IPC file format (`.arrow`, also read as Feather v2: `.feather`).
    Ipc,
}

impl Format {
    /// The format a file extension (or a `--to` name) names: `parquet`,
    /// `arrow` or `feather`, in any case.
    ///
    /// ```
    /// use binmap::export::Format;
    /// assert_eq!(Format::from_extension("parquet"), Some(Format::Parquet));
    /// assert_eq!(Format::from_extension("ARROW"), Some(Format::Ipc));
    /// assert_eq!(Format::from_extension("csv"), None);
    /// ```
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "parquet" => Some(Format::Parquet),
            "arrow" | "feather" => Some(Format::Ipc),
            _ => None,
        }
    }
}

/// `rows` cut into `parts` consecutive ranges whose sizes differ by at most
/// one (the first ones are longer), as `numpy.array_split` cuts; with more
/// parts than rows, the last parts are empty.
///
/// ```
/// use binmap::export::split_rows;
/// assert_eq!(split_rows(10..20, 3), [10..14, 14..17, 17..20]);
/// assert_eq!(split_rows(0..2, 4), [0..1, 1..2, 2..2, 2..2]);
/// ```
pub fn split_rows(rows: Range<u64>, parts: u64) -> Vec<Range<u64>> {
    let parts = parts.max(1);
    let n = rows.end.saturating_sub(rows.start);
    let (q, r) = (n / parts, n % parts);
    let mut start = rows.start;
    (0..parts)
        .map(|i| {
            let part = start..start + q + u64::from(i < r);
            start = part.end;
            part
        })
        .collect()
}

/// The file name of part `i` of `n` of `dest`: `out-00002-of-00004.parquet`.
///
/// ```
/// use binmap::export::part_path;
/// use std::path::Path;
/// let p = part_path(Path::new("/data/out.parquet"), 2, 4);
/// assert_eq!(p, Path::new("/data/out-00002-of-00004.parquet"));
/// ```
pub fn part_path(dest: &Path, i: u64, n: u64) -> PathBuf {
    let stem = dest.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match dest.extension() {
        Some(ext) => format!("{stem}-{i:05}-of-{n:05}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{i:05}-of-{n:05}"),
    };
    dest.with_file_name(name)
}

/// `rows` in consecutive batches of `size` rows.
#[cfg(feature = "arrow")]
fn batches(rows: Range<u64>, size: u64) -> impl Iterator<Item = Range<u64>> {
    let size = size.max(1);
    let start = rows.start;
    let n = rows.end.saturating_sub(start).div_ceil(size);
    (0..n).map(move |k| start + k * size..(start + (k + 1) * size).min(rows.end))
}

/// Build batches of `rows` on all cores and consume them in order on the
/// calling thread: `build(k, range)` makes batch `k` (on a worker),
/// `consume(range, batch)` writes it. A window of one batch per thread is
/// built while the previous window is consumed, so at most two windows
/// are in memory. The first error, in row order, is returned.
#[cfg(feature = "arrow")]
fn pipeline<T: Send>(
    rows: Range<u64>,
    batch_rows: u64,
    build: impl Fn(usize, Range<u64>) -> Result<T> + Sync,
    mut consume: impl FnMut(Range<u64>, T) -> Result<()>,
) -> Result<()> {
    use rayon::prelude::*;
    let ranges: Vec<(usize, Range<u64>)> = batches(rows, batch_rows).enumerate().collect();
    let window = rayon::current_num_threads().max(1);
    let mut ready: Vec<(Range<u64>, Result<T>)> = Vec::new();
    for group in ranges.chunks(window) {
        let mut next = Vec::new();
        let build = &build;
        rayon::in_place_scope(|s| {
            s.spawn(|_| next = group.par_iter().map(|(k, r)| (r.clone(), build(*k, r.clone()))).collect());
            ready.drain(..).try_for_each(|(r, t)| consume(r, t?))
        })?;
        ready = next;
    }
    ready.into_iter().try_for_each(|(r, t)| consume(r, t?))
}

/// Without the `arrow` feature: a table that cannot be made.
#[cfg(not(feature = "arrow"))]
pub struct Table<'m>(std::marker::PhantomData<&'m ()>, std::convert::Infallible);

#[cfg(not(feature = "arrow"))]
impl<'m> Table<'m> {
    /// Always an error: this build has no Parquet or Arrow support.
    pub fn new(_map: &'m crate::Map<'_>, _path: Option<&str>, _rows: Option<crate::select::Rows>) -> Result<Table<'m>> {
        Err(crate::Error::usage(
            "this binmap was built without Parquet and Arrow output (the `arrow` feature of the binmap crate)",
        ))
    }

    /// The selected rows (never reached: no table exists).
    pub fn rows(&self) -> Range<u64> {
        match self.1 {}
    }

    /// Write rows (never reached: no table exists).
    pub fn write(
        &self,
        _rows: Range<u64>,
        _format: Format,
        _out: &mut dyn std::io::Write,
        _progress: &dyn crate::progress::Progress,
    ) -> Result<()> {
        match self.1 {}
    }
}
