//! Sinks: a [`Selection`](crate::select::Selection) to JSON, JSON lines, CSV
//! or a table, streamed into a writer without building a value tree.
//!
//! Every sink formats into one reused buffer with `itoa` and the shortest
//! float digits of [`crate::text::number`], and writes it out in large blocks.

pub mod csv;
pub mod fit;
pub mod json;
pub mod table;

use std::io::Write;

use crate::decode::{DecodeError, Value, ucs4_string, utf16_string};
use crate::error::{Error, Result};
use crate::layout::Shown;
use crate::map::{NodeKind, decode_leaf, is_leaf, slice};
use crate::select::View;
use crate::text::escape::{escape_bytes, to_hex, write_json_str};
use crate::text::number::{self, NonFinite};

/// Output is written out whenever the buffer grows past this.
pub(crate) const FLUSH_AT: usize = 1 << 18;

/// The output formats of `show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        Ok(match s {
            "table" => Format::Table,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "jsonl" => Format::Jsonl,
            _ => return Err(Error::usage(format!("unknown format '{s}': expected table, csv, json or jsonl"))),
        })
    }
}

/// Write `path` of `map` (the whole file when empty) in `format`, limited to
/// `rows` of its outermost array: what `binmap show` prints.
///
/// Without a path, `csv` and `jsonl` (and any `rows`) use the file's main
/// table, its last top-level array ([`crate::select::main_table`]).
///
/// ```
/// use binmap::sink::{render, Format};
/// let layout = binmap::Layout::parse("n: u8\nv: i16[n]").unwrap();
/// let map = binmap::Map::new(&layout, &[2, 1, 0, 255, 255], "x").unwrap();
/// let mut out = Vec::new();
/// render(&map, None, None, Format::Csv, &mut out).unwrap();
/// assert_eq!(out, b"v\n1\n-1\n");
/// ```
pub fn render(
    map: &crate::Map<'_>,
    path: Option<&str>,
    rows: Option<crate::select::Rows>,
    format: Format,
    w: &mut dyn Write,
) -> Result<()> {
    use crate::select::{Selection, main_table, parse_path, path_to_string, select};
    let wants_table = matches!(format, Format::Csv | Format::Jsonl) || rows.is_some();
    let given = path;
    let path = match (path, wants_table) {
        (Some(p), _) => parse_path(p)?,
        (None, true) => main_table(map).unwrap_or_default(),
        (None, false) => Vec::new(),
    };
    let sel = select(map, &path)?;
    let data = map.data();
    let row_set = sel.rows(rows.unwrap_or_default(), &path)?;
    if rows.is_some() && row_set.is_none() {
        let what = if path.is_empty() { "the file".to_string() } else { path_to_string(&path) };
        return Err(Error::usage(format!("--rows needs an array; {what} is not one")));
    }
    // A path is shown as it was written (`x[n-1]`).
    let name = given.map_or_else(|| path_to_string(&path), |p| p.trim().to_string());
    match (format, row_set) {
        (Format::Json, Some(rs)) if rows.is_some() => json::JsonWriter::new(data, w).rows_document(&rs),
        (Format::Json, _) => json::JsonWriter::new(data, w).document(&sel, &path),
        (Format::Jsonl, Some(rs)) => json::JsonWriter::new(data, w).lines(&rs),
        (Format::Jsonl, None) => json::JsonWriter::new(data, w).document(&sel, &path),
        (Format::Csv, Some(rs)) => csv::write_rows(data, &rs, w),
        (Format::Csv, None) => match sel {
            Selection::One(v) => csv::write_one(data, &[(if name.is_empty() { "value" } else { &name }, v)], w),
            Selection::Many(_) => Err(Error::usage("internal: a projection without rows")),
        },
        (Format::Table, Some(rs)) if rows.is_some() => table::write_rows(map, &rs, w),
        (Format::Table, _) => table::write_selection(map, &sel, &path, &name, w),
    }
}

/// Write the values at several `paths`, as `show FILE -l L n 'x[0]' 'x[-1]'`
/// prints them: one after another in a table (`name: value` lines), one
/// JSON object keyed by path (json and jsonl), or one CSV row whose
/// columns are the paths' values.
///
/// ```
/// let layout = binmap::Layout::parse("n: u8; x: u8[n]").unwrap();
/// let map = binmap::Map::new(&layout, &[3, 7, 8, 9], "a.bin").unwrap();
/// let mut out = Vec::new();
/// binmap::sink::render_paths(&map, &["n", "x[-1]"], binmap::sink::Format::Json, &mut out).unwrap();
/// assert_eq!(out, b"{\"n\":3,\"x[-1]\":9}\n");
/// ```
pub fn render_paths(map: &crate::Map<'_>, paths: &[&str], format: Format, w: &mut dyn Write) -> Result<()> {
    use crate::select::{Selection, parse_path, select};
    match format {
        Format::Table => paths.iter().try_for_each(|p| render(map, Some(p), None, format, w)),
        Format::Json | Format::Jsonl => {
            let mut out = vec![b'{'];
            for (k, p) in paths.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                write_json_str(&mut out, p);
                out.push(b':');
                let mut doc = Vec::new();
                render(map, Some(p), None, Format::Json, &mut doc)?;
                out.extend_from_slice(doc.strip_suffix(b"\n").unwrap_or(&doc));
            }
            out.extend_from_slice(b"}\n");
            flush(&mut out, w)
        }
        Format::Csv => {
            let mut views = Vec::with_capacity(paths.len());
            for p in paths {
                match select(map, &parse_path(p)?)? {
                    Selection::One(v) => views.push((*p, v)),
                    Selection::Many(_) => {
                        return Err(Error::usage(format!(
                            "'{p}' has a value in every element: in one CSV row with other paths, index one element, or use --format json"
                        )));
                    }
                }
            }
            csv::write_one(map.data(), &views, w)
        }
    }
}

/// Write the rows of `rows` (only those its filter passes, if it has one)
/// in `format`: what `binmap select` prints.
pub fn render_rows(
    map: &crate::Map<'_>,
    rows: &crate::select::RowSet<'_>,
    format: Format,
    w: &mut dyn Write,
) -> Result<()> {
    let data = map.data();
    match format {
        Format::Json => json::JsonWriter::new(data, w).rows_document(rows),
        Format::Jsonl => json::JsonWriter::new(data, w).lines(rows),
        Format::Csv => csv::write_rows(data, rows, w),
        Format::Table => table::write_rows(map, rows, w),
    }
}

/// Decode the leaf at `view` (a scalar, char, text or cstr node).
#[inline]
pub fn leaf<'a>(data: &'a [u8], view: View<'a>) -> Result<Value<'a>> {
    let n = view.node;
    let b = slice(data, view.abs, n.size);
    if b.len() as u64 != n.size || !is_leaf(&n.kind) {
        return Err(Error::data(format!("internal: no {}-byte value at offset {:#x}", n.size, view.abs)));
    }
    decode_leaf(b, &n.kind).map_err(|e| match e {
        DecodeError::BadBool(v) => {
            Error::data(format!("bool at offset {:#x} is {v}, not 0 or 1", view.abs)).with_bytes(data, view.abs)
        }
        DecodeError::BadChar(i) => {
            let at = view.abs + i as u64;
            Error::data(format!("a ucs4 character at offset {at:#x} is not a Unicode scalar value"))
                .with_bytes(data, at)
        }
        DecodeError::BadUtf8(i) => {
            let at = view.abs + i as u64;
            Error::data(format!("invalid UTF-8 in a utf8[{}] field at offset {at:#x}", n.size)).with_bytes(data, at)
        }
        DecodeError::BadUtf16(i) => {
            let at = view.abs + i as u64;
            Error::data(format!("an unpaired UTF-16 surrogate at offset {at:#x}")).with_bytes(data, at)
        }
        DecodeError::BadNumber(why) => {
            let kind = match &n.kind {
                NodeKind::Text(k, _) => k.name(),
                _ => "number",
            };
            Error::data(format!("{kind}[{}] field at offset {:#x}: {why}", n.size, view.abs)).with_bytes(data, view.abs)
        }
    })
}

/// Append an enum value as its names (`green`, `read|write`), or its number.
fn write_enum_text(out: &mut Vec<u8>, v: &Value<'_>) {
    if let (Value::Enum(_, def), Some(x)) = (v, v.as_int()) {
        out.extend_from_slice(def.show(x).to_string().as_bytes());
    }
}

/// Append `v` as text: CSV and table style (`nan`, `inf`, `True`, escaped bytes).
#[inline]
pub fn write_text(out: &mut Vec<u8>, v: &Value<'_>) {
    match *v {
        Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
        Value::UInt(u) => out.extend_from_slice(itoa::Buffer::new().format(u).as_bytes()),
        Value::F16(x) => number::write_f16(out, x, NonFinite::Text),
        Value::BF16(x) => number::write_bf16(out, x, NonFinite::Text),
        Value::F32(x) => number::write_f32(out, x, NonFinite::Text),
        Value::F64(x) => number::write_f64(out, x, NonFinite::Text),
        Value::Bool(b) => out.extend_from_slice(if b { b"True" } else { b"False" }),
        Value::Bytes(b) => out.extend_from_slice(escape_bytes(b).as_bytes()),
        Value::Text(t) => out.extend_from_slice(escape_bytes(t.as_bytes()).as_bytes()),
        Value::Ucs4(b, e) => out.extend_from_slice(escape_bytes(ucs4_string(b, e).as_bytes()).as_bytes()),
        Value::Void(b) => out.extend_from_slice(to_hex(b).as_bytes()),
        Value::Enum(..) => write_enum_text(out, v),
        Value::C64(re, im) => {
            number::write_complex(out, re.into(), im.into(), |o, x| number::write_f32(o, x as f32, NonFinite::Text))
        }
        Value::C128(re, im) => number::write_complex(out, re, im, |o, x| number::write_f64(o, x, NonFinite::Text)),
        Value::Ibm(w, bits) => crate::ibm::write(out, w, bits),
        Value::Ebcdic(b) => out.extend_from_slice(escape_bytes(crate::text::ebcdic::decode(b).as_bytes()).as_bytes()),
        Value::Utf16(b, e) => out.extend_from_slice(escape_bytes(utf16_string(b, e).as_bytes()).as_bytes()),
        Value::Null => {}
        Value::DateTime(v, u) => out.extend_from_slice(crate::text::datetime::format_datetime(v, u).as_bytes()),
        Value::TimeDelta(v, u) => out.extend_from_slice(crate::text::datetime::format_timedelta(v, u).as_bytes()),
        Value::F80(x) => crate::f80::write(out, x, false),
    }
}

/// Append `v` as JSON (`NaN`, `Infinity`; bytes that are not UTF-8 as
/// `{"hex": ...}`; a NaN other than the canonical one as `{"nan": "0x..."}`
/// so that `pack` restores its bits).
#[inline]
pub fn write_json(out: &mut Vec<u8>, v: &Value<'_>) {
    let nan_bits = |out: &mut Vec<u8>, bits: u64, digits: usize| {
        out.extend_from_slice(format!("{{\"nan\":\"0x{bits:0digits$x}\"}}").as_bytes());
    };
    match *v {
        Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
        Value::UInt(u) => out.extend_from_slice(itoa::Buffer::new().format(u).as_bytes()),
        Value::F16(x) if x.is_nan() && !number::is_canonical_nan_f16(x) => nan_bits(out, x.to_bits().into(), 4),
        Value::BF16(x) if x.is_nan() && !number::is_canonical_nan_bf16(x) => nan_bits(out, x.to_bits().into(), 4),
        Value::F32(x) if x.is_nan() && !number::is_canonical_nan_f32(x) => nan_bits(out, x.to_bits().into(), 8),
        Value::F64(x) if x.is_nan() && !number::is_canonical_nan_f64(x) => nan_bits(out, x.to_bits(), 16),
        Value::F16(x) => number::write_f16(out, x, NonFinite::Json),
        Value::BF16(x) => number::write_bf16(out, x, NonFinite::Json),
        Value::F32(x) => number::write_f32(out, x, NonFinite::Json),
        Value::F64(x) => number::write_f64(out, x, NonFinite::Json),
        Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(s) => write_json_str(out, s),
            Err(_) => write_hex_json(out, b),
        },
        Value::Text(t) => write_json_str(out, t),
        Value::Ucs4(b, e) => write_json_str(out, &ucs4_string(b, e)),
        Value::Void(b) => write_hex_json(out, b),
        Value::Enum(_, def) => match def.show(v.as_int().unwrap_or_default()) {
            Shown::Number(x) => out.extend_from_slice(x.to_string().as_bytes()),
            shown => write_json_str(out, &shown.to_string()),
        },
        Value::C64(re, im) => write_complex_json(out, &Value::F32(re), &Value::F32(im)),
        Value::C128(re, im) => write_complex_json(out, &Value::F64(re), &Value::F64(im)),
        Value::Ibm(w, bits) if !crate::ibm::is_canonical(w, bits) => crate::ibm::write_bits_json(out, w, bits),
        Value::Ibm(w, bits) => crate::ibm::write(out, w, bits),
        Value::Ebcdic(b) => write_json_str(out, &crate::text::ebcdic::decode(b)),
        Value::Utf16(b, e) => write_json_str(out, &utf16_string(b, e)),
        Value::Null => out.extend_from_slice(b"null"),
        Value::DateTime(v, u) => write_json_str(out, &crate::text::datetime::format_datetime(v, u)),
        Value::TimeDelta(v, u) => write_json_str(out, &crate::text::datetime::format_timedelta(v, u)),
        Value::F80(x) if !x.is_canonical() => crate::f80::write_bits_json(out, x),
        Value::F80(x) => crate::f80::write(out, x, true),
    }
}

/// `{"hex":"..."}`: bytes JSON cannot carry as text.
fn write_hex_json(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(b"{\"hex\":\"");
    out.extend_from_slice(to_hex(b).as_bytes());
    out.extend_from_slice(b"\"}");
}

/// `{"real":x,"imag":y}`: a complex number in JSON.
fn write_complex_json(out: &mut Vec<u8>, re: &Value<'_>, im: &Value<'_>) {
    out.extend_from_slice(b"{\"real\":");
    write_json(out, re);
    out.extend_from_slice(b",\"imag\":");
    write_json(out, im);
    out.push(b'}');
}

/// Rows per chunk when rows are formatted in parallel.
const CHUNK_ROWS: u64 = 16 * 1024;

/// Format `rows` in chunks on all cores and write the chunks in order.
///
/// `format(range, buf)` appends the text of the rows in `range` to `buf`.
/// At most a few chunks per core are in flight, so memory stays flat
/// whatever the number of rows. On an error, the rows before it are
/// written (as a sequential writer would have) and the error is returned.
pub(crate) fn write_chunks<F>(rows: std::ops::Range<u64>, out: &mut dyn Write, format: F) -> Result<()>
where
    F: Fn(std::ops::Range<u64>, &mut Vec<u8>) -> Result<()> + Sync,
{
    use rayon::prelude::*;
    let window = (4 * rayon::current_num_threads()) as u64;
    let mut start = rows.start;
    while start < rows.end {
        let chunks: Vec<std::ops::Range<u64>> = (0..window)
            .map(|k| start + k * CHUNK_ROWS)
            .take_while(|s| *s < rows.end)
            .map(|s| s..(s + CHUNK_ROWS).min(rows.end))
            .collect();
        start = chunks.last().map_or(rows.end, |c| c.end);
        let bufs: Vec<Result<Vec<u8>>> = chunks
            .into_par_iter()
            .map(|range| {
                let mut buf = Vec::with_capacity((range.end - range.start) as usize * 16);
                format(range, &mut buf).map(|()| buf)
            })
            .collect();
        for buf in bufs {
            let mut buf = buf?;
            flush(&mut buf, out)?;
        }
    }
    Ok(())
}

/// Write `buf` out and clear it once it is large.
#[inline]
pub(crate) fn maybe_flush(buf: &mut Vec<u8>, w: &mut dyn Write) -> Result<()> {
    if buf.len() >= FLUSH_AT {
        flush(buf, w)?;
    }
    Ok(())
}

/// Write `buf` out and clear it.
pub(crate) fn flush(buf: &mut Vec<u8>, w: &mut dyn Write) -> Result<()> {
    match w.write_all(buf) {
        Ok(()) => {}
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return Err(Error::new(crate::ErrorKind::Io, "broken pipe"));
        }
        Err(e) => return Err(Error::io("<output>", &e)),
    }
    buf.clear();
    Ok(())
}
