//! [`Stats`] as a table, CSV or JSON.
//!
//! One row per column (per group and column with `--by`): the group key,
//! `column`, then the statistics asked for ([`Options::stats`], by default
//! `count`, `nan`, `min`, `max`, `mean`, `std`, `sum`). Minimum and maximum
//! are values of the column's own type (an `f32` as numpy prints a
//! `float32`); mean and std are f64; sums are exact integers for integer
//! columns and f64 for floats. CSV and JSON print every float with its
//! shortest round-trip digits; the table, for reading, rounds floats to
//! [`TABLE_DIGITS`] significant digits ([`write_f64_sig`]), lines them up on
//! the decimal point and wraps its columns to [`Options::width`]
//! ([`crate::sink::fit`]). Where there is no value (no rows, or only NaNs)
//! min, max, mean and std are `nan` in tables, empty in CSV (as pandas
//! writes NaN) and `null` in JSON.

use std::io::Write;

use super::{Group, Stats, summary::Summary};
use crate::decode::Value;
use crate::error::{Error, Result};
use crate::layout::ScalarKind;
use crate::query::table::{ColumnRef, LeafType};
use crate::sink::{Format, flush, write_json, write_text};
use crate::text::escape::write_json_str;
use crate::text::number::write_f64_sig;

/// Output is written a block of this many bytes at a time.
const BLOCK: usize = 1 << 20;

/// Significant digits of the floats of a table (numpy prints 8 decimals,
/// pandas 6; 7 is a float32's precision, so its sums read `20.2`, not
/// `20.19999933`).
pub const TABLE_DIGITS: usize = 7;

/// One statistic: a column of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Count,
    Nan,
    Min,
    Max,
    Mean,
    Std,
    Sum,
}

impl Stat {
    /// Every statistic, in the default order.
    pub const ALL: [Stat; 7] = [Stat::Count, Stat::Nan, Stat::Min, Stat::Max, Stat::Mean, Stat::Std, Stat::Sum];

    /// Its name in headers, JSON keys and `--stat`.
    pub fn name(self) -> &'static str {
        ["count", "nan", "min", "max", "mean", "std", "sum"][self as usize]
    }

    /// The statistics named in `names` (`sum`, `mean`...), in that order,
    /// each once; all of them when `names` is empty. An unknown name is an
    /// error that lists the names, with the one meant when it is close.
    ///
    /// ```
    /// use binmap::stats::report::Stat;
    /// assert_eq!(Stat::parse_list(&["sum", "mean", "sum"]).unwrap(), [Stat::Sum, Stat::Mean]);
    /// assert_eq!(Stat::parse_list::<&str>(&[]).unwrap(), Stat::ALL);
    /// let e = Stat::parse_list(&["mena"]).unwrap_err();
    /// assert_eq!(e.message, "--stat: no statistic 'mena'; they are: count, nan, min, max, mean, std, sum; did you mean 'mean'?");
    /// ```
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<Stat>> {
        if names.is_empty() {
            return Ok(Stat::ALL.to_vec());
        }
        let mut out = Vec::new();
        for n in names {
            let n = n.as_ref().trim();
            let Some(s) = Stat::ALL.into_iter().find(|s| s.name() == n) else {
                let all = Stat::ALL.map(Stat::name);
                return Err(Error::usage(format!(
                    "--stat: no statistic '{n}'; they are: {}{}",
                    all.join(", "),
                    crate::suggest::hint(n, all)
                )));
            };
            if !out.contains(&s) {
                out.push(s);
            }
        }
        Ok(out)
    }
}

/// What a report shows, besides its format.
#[derive(Clone, Debug)]
pub struct Options {
    /// The statistics, in the order of their columns.
    pub stats: Vec<Stat>,
    /// The width a table should fit in (characters); CSV and JSON ignore it.
    pub width: usize,
}

impl Default for Options {
    /// Every statistic; a table 80 characters wide.
    fn default() -> Options {
        Options { stats: Stat::ALL.to_vec(), width: 80 }
    }
}

/// Write `stats` in `format` (`Table`, `Csv` or `Json`; JSON lines print
/// one object per line), with the statistics and width of `opts`.
///
/// ```
/// use binmap::query::table::Table;
/// use binmap::sink::Format;
/// use binmap::stats::report::{Options, Stat};
/// let layout = binmap::Layout::parse("v: i16[..]").unwrap();
/// let map = binmap::Map::new(&layout, &[1, 0, 2, 0, 6, 0], "x").unwrap();
/// let (table, _) = Table::for_paths(&map, &[], None).unwrap();
/// let cols = binmap::stats::numeric_columns(&table, &[]).unwrap();
/// let stats = binmap::stats::compute(&table, cols, None, None, &()).unwrap();
/// let mut out = Vec::new();
/// binmap::stats::report::write(&map, &stats, Format::Csv, &Options::default(), &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "column,count,nan,min,max,mean,std,sum\nv,3,0,1,6,3.0,2.160246899469287,9\n");
/// let mut out = Vec::new();
/// let opts = Options { stats: vec![Stat::Std, Stat::Sum], width: 80 };
/// binmap::stats::report::write(&map, &stats, Format::Table, &opts, &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "column       std  sum\nv       2.160247    9\n");
/// ```
pub fn write(
    map: &crate::Map<'_>,
    stats: &Stats<'_>,
    format: Format,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<()> {
    let data = map.data();
    let key_name = stats.by.as_ref().map(|b| b.name.clone());
    let mut buf = Vec::new();
    match format {
        Format::Json | Format::Jsonl => {
            let lines = format == Format::Jsonl;
            if !lines {
                buf.push(b'[');
            }
            let mut first = true;
            for (g, (c, col)) in cells(stats) {
                if !lines && !std::mem::take(&mut first) {
                    buf.push(b',');
                }
                buf.push(b'{');
                if let (Some(name), Some(by)) = (&key_name, &stats.by) {
                    write_json_str(&mut buf, name);
                    buf.push(b':');
                    write_json(&mut buf, &by.leaf(data, g.key_at)?);
                    buf.push(b',');
                }
                buf.extend_from_slice(b"\"column\":");
                write_json_str(&mut buf, &col.name);
                for (k, v) in picked(&g.summaries[c], col, &opts.stats) {
                    buf.push(b',');
                    write_json_str(&mut buf, k.name());
                    buf.push(b':');
                    match v {
                        Some(v) => write_number(&mut buf, &v, true),
                        None => buf.extend_from_slice(b"null"),
                    }
                }
                buf.push(b'}');
                if lines {
                    buf.push(b'\n');
                }
                if buf.len() >= BLOCK {
                    flush(&mut buf, out)?;
                }
            }
            if !lines {
                buf.extend_from_slice(b"]\n");
            }
        }
        Format::Csv => {
            // Straight into the buffer, a block at a time: a million groups
            // need no line kept in memory.
            let head = header(key_name.as_deref(), &opts.stats);
            for (k, f) in head.iter().enumerate() {
                if k > 0 {
                    buf.push(b',');
                }
                let start = buf.len();
                buf.extend_from_slice(f.as_bytes());
                crate::sink::csv::push_field(&mut buf, start);
            }
            buf.push(b'\n');
            for (g, (c, col)) in cells(stats) {
                if let Some(by) = &stats.by {
                    let start = buf.len();
                    write_text(&mut buf, &by.leaf(data, g.key_at)?);
                    let text = String::from_utf8_lossy(&buf[start..]).into_owned();
                    buf.truncate(start);
                    buf.extend_from_slice(text.as_bytes());
                    crate::sink::csv::push_field(&mut buf, start);
                    buf.push(b',');
                }
                let start = buf.len();
                buf.extend_from_slice(col.name.as_bytes());
                crate::sink::csv::push_field(&mut buf, start);
                for (_, v) in picked(&g.summaries[c], col, &opts.stats) {
                    buf.push(b',');
                    let start = buf.len();
                    if let Some(v) = v {
                        write_number(&mut buf, &v, false);
                    }
                    crate::sink::csv::push_field(&mut buf, start);
                }
                buf.push(b'\n');
                if buf.len() >= BLOCK {
                    flush(&mut buf, out)?;
                }
            }
        }
        Format::Table => {
            let mut lines: Vec<Vec<String>> = vec![header(key_name.as_deref(), &opts.stats)];
            for (g, (c, col)) in cells(stats) {
                let mut line = Vec::new();
                if let Some(by) = &stats.by {
                    let mut b = Vec::new();
                    write_text(&mut b, &by.leaf(data, g.key_at)?);
                    line.push(String::from_utf8_lossy(&b).into_owned());
                }
                line.push(col.name.clone());
                for (_, v) in picked(&g.summaries[c], col, &opts.stats) {
                    let mut b = Vec::new();
                    match v {
                        Some(v) => write_readable(&mut b, &v),
                        None => b.extend_from_slice(b"nan"),
                    }
                    line.push(String::from_utf8_lossy(&b).into_owned());
                }
                lines.push(line);
            }
            let keys = 1 + usize::from(stats.by.is_some());
            crate::sink::fit::write_fitted(&lines, keys, opts.width, &mut buf);
        }
    }
    flush(&mut buf, out)
}

fn header(key: Option<&str>, picked: &[Stat]) -> Vec<String> {
    key.into_iter()
        .chain(std::iter::once("column"))
        .chain(picked.iter().map(|s| s.name()))
        .map(str::to_string)
        .collect()
}

/// Every (group, column) pair in print order.
fn cells<'s, 'm>(stats: &'s Stats<'m>) -> impl Iterator<Item = (&'s Group, (usize, &'s ColumnRef<'m>))> {
    stats.groups.iter().flat_map(move |g| stats.columns.iter().enumerate().map(move |c| (g, c)))
}

/// A printable statistic.
enum Number {
    Count(u64),
    Int(i128),
    /// A value of the column's own type.
    Leaf(Value<'static>),
    F64(f64),
}

fn write_number(out: &mut Vec<u8>, n: &Number, json: bool) {
    match n {
        Number::Count(v) => out.extend_from_slice(itoa::Buffer::new().format(*v).as_bytes()),
        Number::Int(v) => out.extend_from_slice(itoa::Buffer::new().format(*v).as_bytes()),
        Number::Leaf(v) if json => write_json(out, v),
        Number::Leaf(v) => write_text(out, v),
        // A computed NaN (inf - inf) has no payload to keep: print NaN.
        Number::F64(v) if v.is_nan() && json => write_json(out, &Value::F64(f64::NAN)),
        Number::F64(v) if v.is_nan() => write_text(out, &Value::F64(f64::NAN)),
        Number::F64(v) if json => write_json(out, &Value::F64(*v)),
        Number::F64(v) => write_text(out, &Value::F64(*v)),
    }
}

/// The statistics `which` of one summary, in that order.
fn picked(s: &Summary, col: &ColumnRef<'_>, which: &[Stat]) -> Vec<(Stat, Option<Number>)> {
    let mut all = values(s, col).map(Some);
    which.iter().map(|&k| (k, all[k as usize].take().flatten())).collect()
}

/// A statistic as a table shows it: integers whole, floats at
/// [`TABLE_DIGITS`] significant digits.
fn write_readable(out: &mut Vec<u8>, n: &Number) {
    let x = match n {
        Number::F64(x) => *x,
        Number::Leaf(Value::F32(x)) => f64::from(*x),
        Number::Leaf(Value::F16(x)) => f64::from(*x),
        Number::Leaf(Value::BF16(x)) => f64::from(*x),
        Number::Leaf(Value::F64(x)) => *x,
        _ => return write_number(out, n, false),
    };
    // A computed NaN (inf - inf) has no payload to keep: print NaN.
    write_f64_sig(out, if x.is_nan() { f64::NAN } else { x }, TABLE_DIGITS);
}

/// count, nan, min, max, mean, std, sum of one summary (`None`: no value).
fn values(s: &Summary, col: &ColumnRef<'_>) -> [Option<Number>; 7] {
    // Enums and bit fields are integers too (their node is not a scalar).
    let kind = match col.leaf_type() {
        Some(LeafType::Int(k) | LeafType::Float(k)) => k,
        _ => ScalarKind::F64,
    };
    let some = s.count > 0;
    let (min, max, sum) = if kind.is_integer() {
        (Number::Int(s.int_min), Number::Int(s.int_max), Number::Int(s.int_sum))
    } else {
        (Number::Leaf(as_kind(s.min, kind)), Number::Leaf(as_kind(s.max, kind)), Number::F64(s.sum()))
    };
    [
        Some(Number::Count(s.count)),
        Some(Number::Count(s.nan)),
        some.then_some(min),
        some.then_some(max),
        some.then(|| Number::F64(s.mean())),
        some.then(|| Number::F64(s.std())),
        Some(sum),
    ]
}

/// A float that is exactly a value of `kind`, as that kind.
fn as_kind(x: f64, kind: ScalarKind) -> Value<'static> {
    match kind {
        ScalarKind::F32 => Value::F32(x as f32),
        ScalarKind::F16 => Value::F16(half::f16::from_f64(x)),
        ScalarKind::BF16 => Value::BF16(half::bf16::from_f64(x)),
        _ => Value::F64(x),
    }
}
