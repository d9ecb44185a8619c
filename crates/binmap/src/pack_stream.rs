//! `pack` without a document in memory: CSV, JSON Lines and JSON record
//! arrays encoded straight into the output, block by block, on all cores.
//!
//! This is a fast path for the common shape "fixed header fields, then one
//! array of fixed-size records": a layout whose top-level fields are
//! fixed-size scalars or text (the array's size field, `==` constants, `_`
//! padding and, for JSON input, plain values), followed by one array `T[..]`
//! or `T[n]` of fixed-size elements (records of scalars, text, sub-arrays
//! of literal size and nested records; `align` allowed inside). Any other
//! layout ([`Plan::new`] gives `None`), and `--onto`, take the general path
//! of [`crate::pack`], which builds the document first.
//!
//! How it runs:
//!
//! - The input is read in blocks of [`BLOCK`] bytes. A block is cut after
//!   its last complete record (a line of CSV or JSON Lines, outside quotes;
//!   an element of a JSON array, found by a scanner that follows strings
//!   and brackets); the rest waits for the next block.
//! - The records of a block are split among the threads (CSV and JSON Lines
//!   at line boundaries; JSON elements as the scanner found them) and each
//!   part is encoded into its own buffer, then the buffers are written in
//!   order. Memory is a few blocks, whatever the input's size.
//! - Each value is encoded by the same rules as the general path
//!   ([`crate::encode`]): the common cells (numbers, plain text) directly,
//!   anything else through [`encode_leaf`].
//! - Header fields are written after the array: [`stream`] writes the
//!   header as far as it is known before the records (zeros for the size
//!   fields) and returns the final header; the caller writes it over the
//!   first bytes (a seek back in a file; an output kept in memory for
//!   stdout). Size fields are therefore counted, never read twice.
//! - While the input is small ([`REPLAY`] bytes), its bytes are kept: on an
//!   error, [`Outcome::Fallback`] hands them back so that the caller runs
//!   the general path, whose messages are the reference. Past that size an
//!   error is reported from here, naming the record (`at records[41]`).
//!   The output is flushed once that copy is dropped: a writer that holds
//!   the output back until no fallback can happen (stdout) may let it go.

use std::io::{Read, Write};
use std::sync::Arc;

use rayon::prelude::*;

use crate::encode::{Origin, encode_leaf};
use crate::error::{Error, Result};
use crate::layout::{Dims, Endian, ExprKind, Item, Layout, Literal, ScalarKind, StructType, TextKind, Type, align_up};
use crate::map::{NodeKind, TextEnd};
use crate::select::{Seg, parse_path, path_to_string};
use crate::text::csv_in::{self, CsvOptions, Delimiter};
use crate::text::json_read::{Doc, parse_json};
use crate::text::number;

/// Bytes of input read at a time.
pub const BLOCK: usize = 4 << 20;
/// Inputs up to this size are kept, to be packed again by the general path
/// when the stream finds an error (its messages are the reference).
pub const REPLAY: usize = 8 << 20;
/// At most this many leaves per record (sub-arrays are expanded).
const MAX_LEAVES: usize = 4096;

/// The input's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// CSV, one record per line (see [`CsvOptions`]).
    Csv,
    /// JSON Lines: one element per line, as `show --format jsonl` prints.
    Jsonl,
    /// One JSON document, the shape `show --format json` prints: an object
    /// of the file's fields, or a list of the array's elements.
    Json,
}

/// How to read the input.
#[derive(Clone, Debug)]
pub struct Options {
    pub format: InputFormat,
    pub csv: CsvOptions,
    /// Header values given beside the input (`--set n=5`): top-level names.
    pub set: Vec<(String, Doc)>,
}

/// A top-level field before the array.
#[derive(Debug)]
struct HeaderField {
    name: Option<Arc<str>>,
    kind: NodeKind,
    size: usize,
    offset: usize,
    check: Option<Literal>,
    /// The array's size field (`n` of `records: T[n]`).
    count: bool,
}

/// A leaf of the element: where it goes and how it is encoded.
#[derive(Debug)]
struct Leaf {
    path: Vec<Seg>,
    /// The path as text (`value`, `coords.x`, `data[1]`).
    name: String,
    kind: NodeKind,
    size: usize,
    offset: usize,
}

/// The JSON shape of an element.
#[derive(Debug)]
enum Shape {
    Leaf(usize),
    Struct(Vec<(Arc<str>, Shape)>),
    /// A sub-array of these dimensions; its elements in C order.
    List(Vec<u64>, Vec<Shape>),
}

/// What the streaming path needs to know about a layout.
#[derive(Debug)]
pub struct Plan {
    header: Vec<HeaderField>,
    header_size: usize,
    array: Arc<str>,
    rec_size: usize,
    leaves: Vec<Leaf>,
    shape: Shape,
    /// The elements are leaves themselves (`v: f64[..]`).
    scalar_rows: bool,
}

impl Plan {
    /// The plan for `layout` and `format`, or `None` when the layout is not
    /// "fixed header fields + one array of fixed-size records" (the general
    /// path packs those).
    ///
    /// ```
    /// use binmap::pack_stream::Plan;
    /// let l = binmap::Layout::parse("n: u32\nr: { t: i64, v: f32 }[n]").unwrap();
    /// assert!(Plan::new(&l).is_some());
    /// let l = binmap::Layout::parse("n: u32\nr: { len: u8, s: utf8[len] }[n]").unwrap();
    /// assert!(Plan::new(&l).is_none());
    /// ```
    pub fn new(layout: &Layout) -> Option<Plan> {
        let items = &layout.root.items;
        let (last, head) = items.split_last()?;
        let Item::Field(arr) = last else { return None };
        let array = arr.name.clone()?;
        if arr.placement.is_some() || arr.pointer.is_some() || arr.check.is_some() {
            return None;
        }
        let Type::Array { elem, dims } = &arr.ty else { return None };
        let count_name: Option<Arc<str>> = match dims {
            Dims::ToEnd => None,
            Dims::Fixed(d) if d.len() == 1 => match &d[0].kind {
                ExprKind::Path(p) if p.len() == 1 => Some(p[0].clone()),
                _ => return None,
            },
            _ => return None,
        };
        let mut header = Vec::new();
        let mut offset = 0usize;
        for item in head {
            let Item::Field(f) = item else { return None };
            if f.placement.is_some() || f.pointer.is_some() {
                return None;
            }
            let size = usize::try_from(f.ty.fixed_size()?).ok()?;
            let kind = match &f.ty {
                Type::Scalar(s) => NodeKind::Scalar(*s),
                Type::Char => NodeKind::Char,
                Type::Text { kind, .. } => NodeKind::Text(*kind, TextEnd::Padded),
                _ => return None,
            };
            let count = f.name.is_some() && f.name == count_name;
            if count && (f.check.is_some() || !matches!(kind, NodeKind::Scalar(s) if s.kind.is_integer())) {
                return None;
            }
            if f.name.is_some() && header.iter().any(|h: &HeaderField| h.name == f.name) {
                return None;
            }
            header.push(HeaderField {
                name: f.name.clone(),
                kind,
                size,
                offset,
                check: f.check.as_deref().cloned(),
                count,
            });
            offset = offset.checked_add(size)?;
        }
        if count_name.is_some() && !header.iter().any(|h| h.count) {
            return None;
        }
        let rec_size = usize::try_from(elem.fixed_size()?).ok()?;
        if rec_size == 0 {
            return None;
        }
        let mut leaves = Vec::new();
        let mut path = Vec::new();
        let shape = walk_type(elem, 0, &mut path, &mut leaves)?;
        let scalar_rows = matches!(shape, Shape::Leaf(_));
        if leaves.is_empty() {
            return None;
        }
        if matches!(**elem, Type::Array { .. }) {
            return None;
        }
        Some(Plan { header, header_size: offset, array, rec_size, leaves, shape, scalar_rows })
    }

    /// Bytes of the header fields.
    pub fn header_size(&self) -> usize {
        self.header_size
    }

    /// True when the header's bytes are known before the records are read
    /// (no size field, no value from the input).
    pub fn header_is_constant(&self) -> bool {
        self.header.iter().all(|h| !h.count && (h.name.is_none() || h.check.is_some()))
    }
}

fn walk_struct(st: &StructType, base: usize, path: &mut Vec<Seg>, leaves: &mut Vec<Leaf>) -> Option<Shape> {
    let mut pos = 0u64;
    let mut children = Vec::new();
    for item in &st.items {
        match item {
            Item::Field(f) => {
                if f.placement.is_some() || f.pointer.is_some() || f.check.is_some() {
                    return None;
                }
                let size = f.ty.fixed_size()?;
                if let Some(name) = &f.name {
                    if children.iter().any(|(n, _): &(Arc<str>, Shape)| n == name) {
                        return None;
                    }
                    path.push(Seg::Field(name.clone()));
                    let shape = walk_type(&f.ty, base.checked_add(usize::try_from(pos).ok()?)?, path, leaves)?;
                    path.pop();
                    children.push((name.clone(), shape));
                }
                pos = pos.checked_add(size)?;
            }
            Item::Align { to, .. } => pos = align_up(pos, *to)?,
            _ => return None,
        }
    }
    (st.fixed_size()? == pos).then_some(Shape::Struct(children))
}

fn walk_type(ty: &Type, off: usize, path: &mut Vec<Seg>, leaves: &mut Vec<Leaf>) -> Option<Shape> {
    let (kind, size) = match ty {
        Type::Scalar(s) => (NodeKind::Scalar(*s), s.kind.size()),
        Type::Char => (NodeKind::Char, 1),
        Type::Text { kind, .. } => (NodeKind::Text(*kind, TextEnd::Padded), ty.fixed_size()?),
        Type::Struct(st) => return walk_struct(st, off, path, leaves),
        Type::Array { elem, dims: Dims::Fixed(d) } => {
            let dims: Vec<u64> =
                d.iter().map(|e| e.constant().and_then(|v| u64::try_from(v).ok())).collect::<Option<_>>()?;
            let n: u64 = dims.iter().try_fold(1u64, |a, &b| a.checked_mul(b))?;
            let es = usize::try_from(elem.fixed_size()?).ok()?;
            if n > MAX_LEAVES as u64 {
                return None;
            }
            let mut elems = Vec::new();
            for i in 0..n {
                // The C-order index of element i.
                let mut idx = vec![0i64; dims.len()];
                let mut rest = i;
                for (k, &d) in dims.iter().enumerate().rev() {
                    idx[k] = i64::try_from(rest % d.max(1)).ok()?;
                    rest /= d.max(1);
                }
                path.push(Seg::Index(idx));
                let at = off.checked_add(usize::try_from(i).ok()?.checked_mul(es)?)?;
                elems.push(walk_type(elem, at, path, leaves)?);
                path.pop();
            }
            return Some(Shape::List(dims, elems));
        }
        _ => return None,
    };
    if leaves.len() >= MAX_LEAVES {
        return None;
    }
    leaves.push(Leaf {
        path: path.clone(),
        name: path_to_string(path),
        kind,
        size: usize::try_from(size).ok()?,
        offset: off,
    });
    Some(Shape::Leaf(leaves.len() - 1))
}

/// How a stream ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every record was written after the provisional header; `header` is
    /// the final one, to be written over the first `header.len()` bytes
    /// (the same bytes as the provisional header when it was constant).
    Done { records: u64, header: Vec<u8>, notes: Vec<String> },
    /// The stream cannot pack this input (a CSV header that does not match
    /// the leaves, an error in a small input): here is the whole input, for
    /// the general path. Nothing written so far is valid.
    Fallback(Vec<u8>),
}

/// The input, with a copy kept while it is small.
struct Input<'a> {
    r: &'a mut dyn Read,
    replay: Option<Vec<u8>>,
    eof: bool,
    name: &'a str,
}

impl Input<'_> {
    /// Append up to `BLOCK` bytes to `buf`.
    fn fill(&mut self, buf: &mut Vec<u8>) -> Result<()> {
        let start = buf.len();
        buf.resize(start + BLOCK, 0);
        let mut got = start;
        while got < buf.len() {
            match self.r.read(&mut buf[got..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(self.name, &e)),
            }
        }
        buf.truncate(got);
        if let Some(r) = &mut self.replay {
            if r.len() + (got - start) <= REPLAY {
                r.extend_from_slice(&buf[start..got]);
            } else {
                self.replay = None;
            }
        }
        Ok(())
    }

    /// The whole input, when it is small enough to have been kept.
    fn rest(mut self) -> Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        while self.replay.is_some() && !self.eof {
            buf.clear();
            self.fill(&mut buf)?;
        }
        Ok(self.replay)
    }
}

/// Stream `input` (named `name` in messages) in `format` with `plan` into
/// `out`: the provisional header, then the records. See [`Outcome`] for
/// what the caller does next.
///
/// ```
/// use binmap::pack_stream::{InputFormat, Options, Outcome, Plan, stream};
/// let l = binmap::Layout::parse("n: u16\nr: { t: u8, v: f32 }[n]").unwrap();
/// let plan = Plan::new(&l).unwrap();
/// let csv = "t,v\n1,1.5\n2,-2\n";
/// let opts = Options { format: InputFormat::Csv, csv: Default::default(), set: Vec::new() };
/// let mut out = Vec::new();
/// let Outcome::Done { records, header, .. } = stream(&plan, &opts, &mut csv.as_bytes(), "x.csv", &mut out).unwrap()
/// else { panic!() };
/// out[..header.len()].copy_from_slice(&header);
/// assert_eq!(records, 2);
/// assert_eq!(out, [2, 0, 1, 0, 0, 0xc0, 0x3f, 2, 0, 0, 0, 0xc0]);
/// ```
pub fn stream(plan: &Plan, opts: &Options, input: &mut dyn Read, name: &str, out: &mut dyn Write) -> Result<Outcome> {
    let mut input = Input { r: input, replay: Some(Vec::new()), eof: false, name };
    let mut s = Streamer::new(plan, opts);
    match s.run(&mut input, out) {
        Ok(Some(records)) => match s.header(records) {
            Ok(header) => Ok(Outcome::Done { records, header, notes: s.notes }),
            Err(e) => fall_back(input, e),
        },
        Ok(None) => match input.rest()? {
            Some(all) => Ok(Outcome::Fallback(all)),
            None => Err(Error::input("internal: the input cannot be streamed and is too large to keep")),
        },
        Err(e) if e.kind == crate::ErrorKind::Io => Err(e),
        Err(e) => fall_back(input, e),
    }
}

fn fall_back(input: Input<'_>, e: Error) -> Result<Outcome> {
    match input.rest()? {
        Some(all) => Ok(Outcome::Fallback(all)),
        None => Err(e),
    }
}

/// One leaf value as the input gives it.
#[derive(Clone, Copy)]
enum Cell<'a> {
    /// A CSV cell.
    Text(&'a str),
    /// A JSON number token (`1.5`, `NaN`).
    Num(&'a str),
    /// A JSON string without escapes.
    Str(&'a str),
}

macro_rules! put {
    ($v:expr, $e:expr, $out:expr) => {
        match $e {
            Endian::Little => $out.copy_from_slice(&$v.to_le_bytes()),
            Endian::Big => $out.copy_from_slice(&$v.to_be_bytes()),
        }
    };
}

/// Encode `cell` for `leaf` into `out` (exactly `leaf.size` bytes).
/// Numbers and plain text directly; anything else by [`encode_leaf`].
#[inline]
fn encode_cell(leaf: &Leaf, cell: Cell<'_>, out: &mut [u8], scratch: &mut Vec<u8>) -> Result<()> {
    use ScalarKind::*;
    match (&leaf.kind, cell) {
        (NodeKind::Scalar(s), Cell::Text(t) | Cell::Num(t)) => {
            let done = match s.kind {
                F32 => number::parse_f32(t).filter(|x| !x.is_infinite()).map(|x| put!(x, s.endian, out)),
                F64 => number::parse_f64(t).filter(|x| !x.is_infinite()).map(|x| put!(x, s.endian, out)),
                I8 | U8 | I16 | U16 | I32 | U32 | I64 | U64 => {
                    let (lo, hi) = s.kind.int_range().unwrap_or((0, 0));
                    let v = match cell {
                        Cell::Text(_) => number::parse_int_text(t),
                        _ => number::parse_int(t),
                    };
                    v.filter(|v| (lo..=hi).contains(v)).map(|v| match s.kind {
                        I8 => out[0] = v as i8 as u8,
                        U8 => out[0] = v as u8,
                        I16 => put!(v as i16, s.endian, out),
                        U16 => put!(v as u16, s.endian, out),
                        I32 => put!(v as i32, s.endian, out),
                        U32 => put!(v as u32, s.endian, out),
                        I64 => put!(v as i64, s.endian, out),
                        _ => put!(v as u64, s.endian, out),
                    })
                }
                _ => None,
            };
            if done.is_some() {
                return Ok(());
            }
        }
        (NodeKind::Text(TextKind::Bytes | TextKind::Utf8, TextEnd::Padded), Cell::Text(t) | Cell::Str(t)) => {
            let b: Option<&[u8]> = match cell {
                Cell::Text(_) if t.contains('\\') => None,
                _ => Some(t.as_bytes()),
            };
            if let Some(b) = b
                && b.len() <= leaf.size
            {
                out[..b.len()].copy_from_slice(b);
                out[b.len()..].fill(0);
                return Ok(());
            }
        }
        _ => {}
    }
    let (doc, origin) = match cell {
        Cell::Text(t) => (Doc::String(t.to_string()), Origin::Text),
        Cell::Num(t) => (Doc::Number(t.to_string()), Origin::Json),
        Cell::Str(t) => (Doc::String(t.to_string()), Origin::Json),
    };
    encode_doc(leaf, &doc, origin, out, scratch)
}

fn encode_doc(leaf: &Leaf, doc: &Doc, origin: Origin, out: &mut [u8], scratch: &mut Vec<u8>) -> Result<()> {
    scratch.clear();
    encode_leaf(doc, &leaf.kind, leaf.size as u64, origin, scratch)?;
    if scratch.len() != out.len() {
        return Err(Error::input(format!("internal: {} bytes for a {}-byte field", scratch.len(), out.len())));
    }
    out.copy_from_slice(scratch);
    Ok(())
}

/// An error in a record, as its part found it.
struct RecError {
    /// The record's index in its part.
    row: u64,
    /// The line where the record starts, from the part's first (0-based).
    line: u64,
    /// CSV: the column (in the file) whose cell is wrong.
    column: Option<usize>,
    error: Error,
}

/// One part of a block, encoded.
#[derive(Default)]
struct Part {
    out: Vec<u8>,
    records: u64,
    /// Lines the part read (its line ends).
    lines: u64,
    err: Option<RecError>,
}

struct Streamer<'p> {
    plan: &'p Plan,
    format: InputFormat,
    /// CSV: the options, the delimiter decided once the first line is read.
    csv: CsvOptions,
    /// CSV: each column's leaf (`None`: a column skipped, pandas' index).
    columns: Vec<Option<usize>>,
    /// CSV: each column's name, from the header (or the leaf's path).
    names: Vec<String>,
    /// The header values given: by `--set`, and by a JSON document.
    given: Vec<(String, Doc)>,
    /// The names `--set` gives: the input's values for them are replaced.
    set: Vec<String>,
    /// The JSON document is a list: the array's elements, nothing else.
    bare: bool,
    /// The line (1-based) where the text of the next block starts.
    line: u64,
    /// What was decided about the input, for the user.
    notes: Vec<String>,
    parts: Vec<Part>,
}

/// Add a record's place to an error (`at records[41].value`).
fn at(e: Error, where_: String) -> Error {
    if e.notes.iter().any(|n| n.starts_with("at ")) { e } else { e.note(format!("at {where_}")) }
}

impl<'p> Streamer<'p> {
    fn new(plan: &'p Plan, opts: &Options) -> Streamer<'p> {
        let n = 2 * rayon::current_num_threads().max(1);
        Streamer {
            plan,
            format: opts.format,
            csv: opts.csv,
            columns: Vec::new(),
            names: Vec::new(),
            given: opts.set.clone(),
            set: opts.set.iter().map(|(k, _)| k.clone()).collect(),
            bare: false,
            line: 1,
            notes: Vec::new(),
            parts: (0..n).map(|_| Part::default()).collect(),
        }
    }

    /// The header: constants, padding, the count, values given in JSON.
    fn header(&self, records: u64) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.plan.header_size];
        let mut scratch = Vec::new();
        for (k, _) in &self.given {
            if !self.plan.header.iter().any(|h| h.name.as_deref() == Some(k)) && **k != *self.plan.array {
                return Err(Error::input(format!("unknown field '{k}'")));
            }
        }
        for h in &self.plan.header {
            let slot = &mut out[h.offset..h.offset + h.size];
            let leaf = Leaf { path: Vec::new(), name: String::new(), kind: h.kind.clone(), size: h.size, offset: 0 };
            let given = h.name.as_deref().and_then(|n| self.given.iter().find(|(k, _)| k == n)).map(|(_, v)| v);
            let name = h.name.as_deref().unwrap_or("_");
            if h.count {
                let n = Doc::Number(records.to_string());
                if let Some(g) = given {
                    let mut a = vec![0u8; h.size];
                    encode_doc(&leaf, g, Origin::Json, &mut a, &mut scratch).map_err(|e| at(e, name.into()))?;
                    encode_doc(&leaf, &n, Origin::Json, slot, &mut scratch).map_err(|e| at(e, name.into()))?;
                    if a != slot {
                        return Err(Error::input(format!(
                            "{name} = {} but {} has {records} element{}",
                            short(g),
                            self.plan.array,
                            if records == 1 { "" } else { "s" }
                        )));
                    }
                } else {
                    encode_doc(&leaf, &n, Origin::Json, slot, &mut scratch).map_err(|e| at(e, name.into()))?;
                }
            } else if let Some(lit) = &h.check {
                encode_doc(&leaf, &literal_doc(lit), Origin::Json, slot, &mut scratch)
                    .map_err(|e| at(e, name.into()))?;
                if let Some(g) = given {
                    let mut a = vec![0u8; h.size];
                    encode_doc(&leaf, g, Origin::Json, &mut a, &mut scratch).map_err(|e| at(e, name.into()))?;
                    if a != slot {
                        return Err(at(
                            Error::input(format!("the layout requires == {lit}, the input gives {}", short(g))),
                            name.into(),
                        ));
                    }
                }
            } else if h.name.is_some() {
                let Some(g) = given else {
                    return Err(Error::input(format!("field '{name}' is missing from the input")));
                };
                encode_doc(&leaf, g, Origin::Json, slot, &mut scratch).map_err(|e| at(e, name.into()))?;
            }
        }
        Ok(out)
    }

    /// Stream every record; `None` when this input needs the general path.
    fn run(&mut self, input: &mut Input<'_>, out: &mut dyn Write) -> Result<Option<u64>> {
        if self.given.iter().any(|(k, _)| **k == *self.plan.array) {
            let a = &self.plan.array;
            return Err(Error::input(format!("--set {a}: the elements of {a} come from the input")));
        }
        if self.format != InputFormat::Json
            && let Some(h) = self.plan.header.iter().find(|h| {
                h.name.is_some()
                    && !h.count
                    && h.check.is_none()
                    && !self.set.iter().any(|k| h.name.as_deref() == Some(k))
            })
        {
            let name = h.name.as_deref().unwrap_or_default();
            return Err(Error::input(format!("field '{name}' is missing from the input"))
                .note(format!("the input does not give {name}: give it with --set {name}=VALUE")));
        }
        let mut buf: Vec<u8> = Vec::with_capacity(2 * BLOCK);
        let mut start = 0usize;
        input.fill(&mut buf)?;
        // A byte-order mark before CSV's header or a JSON document marks the encoding.
        if buf.starts_with("\u{feff}".as_bytes()) {
            start = 3;
        }
        let provisional =
            if self.plan.header_is_constant() { self.header(0)? } else { vec![0u8; self.plan.header_size] };
        out.write_all(&provisional).map_err(|e| Error::io("<output>", &e))?;
        if self.format == InputFormat::Csv {
            let line_end = loop {
                if let Some(p) = csv_in::first_record_end(&buf[start..]) {
                    break start + p;
                }
                if input.eof {
                    break buf.len();
                }
                input.fill(&mut buf)?;
            };
            let Ok(line) = std::str::from_utf8(&buf[start..line_end]) else { return Ok(None) };
            let line = line.strip_suffix('\r').unwrap_or(line);
            // One column without a header: a space or `;` is the text's own.
            let delim = match self.csv.delimiter {
                Delimiter::Auto if !self.csv.header && self.plan.leaves.len() == 1 => Delimiter::Byte(b','),
                d => d.resolve(line),
            };
            self.notes.extend(csv_in::delimiter_note(self.csv.delimiter, delim));
            self.csv.delimiter = delim;
            if self.csv.header {
                let Ok((names, index)) = csv_in::header_names(line, delim) else { return Ok(None) };
                if !self.csv_header(names, index && delim != Delimiter::Whitespace) {
                    return Ok(None);
                }
                start = (line_end + 1).min(buf.len());
                self.line = 2;
            } else {
                self.columns = (0..self.plan.leaves.len()).map(Some).collect();
                self.names = self.plan.leaves.iter().map(|l| l.name.clone()).collect();
            }
        }
        let mut records = 0u64;
        let mut json = JsonState::Start;
        let mut told = false;
        loop {
            let text = &buf[start..];
            let cut = match self.format {
                _ if input.eof => Some(text.len()),
                InputFormat::Csv | InputFormat::Jsonl => last_line_end(text, self.format == InputFormat::Csv),
                InputFormat::Json => Some(text.len()),
            };
            if let Some(cut) = cut {
                let text = match std::str::from_utf8(&text[..cut]) {
                    Ok(t) => t,
                    // A character cut by the block's end (JSON blocks end anywhere).
                    Err(e) if e.error_len().is_none() && !input.eof => {
                        std::str::from_utf8(&text[..e.valid_up_to()]).unwrap_or_default()
                    }
                    Err(e) => {
                        return Err(Error::input(format!(
                            "{} is not UTF-8 text (bad byte at offset {:#x})",
                            input.name,
                            (input_offset(&buf, start) + e.valid_up_to())
                        )));
                    }
                };
                let used = match self.format {
                    InputFormat::Csv => {
                        let quoted = self.csv.delimiter != Delimiter::Whitespace && quote_or_cr(text.as_bytes());
                        let pieces = split_lines(text, self.parts.len(), quoted);
                        self.encode_parts(&pieces, records, out, |s, piece, part| s.csv_piece(piece, part))?;
                        text.len()
                    }
                    InputFormat::Jsonl => {
                        let pieces = split_lines(text, self.parts.len(), false);
                        self.encode_parts(&pieces, records, out, |s, piece, part| s.jsonl_piece(piece, part))?;
                        text.len()
                    }
                    InputFormat::Json => {
                        let (used, elems, state) = self.json_scan(text, json, input.eof)?;
                        json = state;
                        let pieces = split_spans(&elems, self.parts.len());
                        self.encode_parts(&pieces, records, out, |s, piece, part| s.json_elems(text, piece, part))?;
                        used
                    }
                };
                records += self.parts.iter().map(|p| p.records).sum::<u64>();
                self.line += self.parts.iter().map(|p| p.lines).sum::<u64>();
                start += used;
            }
            if input.eof {
                break;
            }
            buf.drain(..start);
            start = 0;
            input.fill(&mut buf)?;
            if input.replay.is_none() && !std::mem::replace(&mut told, true) {
                // No fallback is possible any more: an output held for one may go.
                out.flush().map_err(|e| Error::io("<output>", &e))?;
            }
        }
        if self.format == InputFormat::Json && json != JsonState::Done {
            return Err(Error::input("bad JSON: the document ends early"));
        }
        Ok(Some(records))
    }

    /// Run `f` on each piece in parallel, then write the parts in order; the
    /// first error names its record.
    fn encode_parts<T: Sync>(
        &mut self,
        pieces: &[T],
        before: u64,
        out: &mut dyn Write,
        f: impl Fn(&Self, &T, &mut Part) + Sync,
    ) -> Result<()> {
        let mut parts = std::mem::take(&mut self.parts);
        for p in &mut parts {
            p.out.clear();
            p.records = 0;
            p.lines = 0;
            p.err = None;
        }
        let me = &*self;
        parts.par_iter_mut().zip(pieces.par_iter()).for_each(|(part, piece)| f(me, piece, part));
        let (mut seen, mut line) = (before, self.line);
        let mut result = Ok(());
        for p in &mut parts {
            if let Some(r) = p.err.take() {
                result = Err(self.place(r, seen, line));
                break;
            }
            if let Err(e) = out.write_all(&p.out) {
                result = Err(Error::io("<output>", &e));
                break;
            }
            seen += p.records;
            line += p.lines;
        }
        self.parts = parts;
        result
    }

    /// An error in a record, with its place: `at records[41].value`, and
    /// the line (and CSV column) where the record is.
    fn place(&self, r: RecError, before: u64, line: u64) -> Error {
        let row = format!("{}[{}]", self.plan.array, before + r.row);
        let line = line + r.line;
        match self.format {
            InputFormat::Csv => {
                let leaf = r.column.and_then(|k| self.columns.get(k).copied().flatten()).map(|l| &self.plan.leaves[l]);
                let path = match leaf {
                    Some(l) if !l.name.is_empty() => format!("{row}.{}", l.name),
                    _ => row,
                };
                let column = r.column.map(|k| (k, self.names.get(k).map_or("", String::as_str)));
                at(r.error, path).note(csv_in::place(line, column))
            }
            InputFormat::Jsonl => at(r.error, row).note(format!("in JSON Lines line {line}")),
            InputFormat::Json => at(r.error, row),
        }
    }

    /// Match the CSV header's columns to the leaves; false when they do not
    /// match one for one (the general path then says why). With `index`,
    /// the first column (pandas' index) is skipped.
    fn csv_header(&mut self, names: Vec<String>, index: bool) -> bool {
        let skip = usize::from(index);
        let mut cols = vec![None; skip];
        if self.plan.scalar_rows {
            if names.len() != 1 + skip {
                return false;
            }
            cols.push(Some(0));
        } else {
            let mut used = vec![false; self.plan.leaves.len()];
            for n in &names[skip..] {
                let Ok(p) = parse_path(n) else { return false };
                let Some(k) = self.plan.leaves.iter().position(|l| l.path == p) else { return false };
                if std::mem::replace(&mut used[k], true) {
                    return false;
                }
                cols.push(Some(k));
            }
            if used.iter().any(|u| !u) {
                return false;
            }
        }
        if index {
            self.notes.push(csv_in::INDEX_NOTE.into());
        }
        self.columns = cols;
        self.names = names;
        true
    }

    /// One record's cells into the part: `Err` with the column to blame.
    #[inline]
    fn csv_row<'a>(
        &self,
        cells: impl Iterator<Item = &'a str>,
        part: &mut Part,
        scratch: &mut Vec<u8>,
    ) -> std::result::Result<(), (Option<usize>, Error)> {
        let base = part.out.len();
        part.out.resize(base + self.plan.rec_size, 0);
        let mut k = 0;
        for cell in cells {
            if let Some(&Some(leaf)) = self.columns.get(k) {
                let l = &self.plan.leaves[leaf];
                let slot = &mut part.out[base + l.offset..base + l.offset + l.size];
                encode_cell(l, Cell::Text(cell), slot, scratch).map_err(|e| (Some(k), e))?;
            }
            k += 1;
        }
        if k != self.columns.len() {
            return Err((None, csv_in::count_error(k, self.columns.len(), self.csv.header)));
        }
        Ok(())
    }

    fn csv_piece(&self, piece: &Piece<'_>, part: &mut Part) {
        let mut scratch = Vec::new();
        let delim = self.csv.delimiter;
        match (piece.quoted, delim) {
            (false, Delimiter::Byte(d)) => return self.plain_piece(piece.text, d, part, &mut scratch),
            (false, _) => {
                // Runs of whitespace, no quoting.
                let mut lines = 0;
                for (j, line) in piece.text.split('\n').enumerate() {
                    lines = j as u64;
                    if line.trim_ascii().is_empty() {
                        continue;
                    }
                    if let Err((column, error)) = self.csv_row(line.split_ascii_whitespace(), part, &mut scratch) {
                        part.err = Some(RecError { row: part.records, line: j as u64, column, error });
                        return;
                    }
                    part.records += 1;
                }
                part.lines = lines;
                return;
            }
            (true, _) => {}
        }
        let d = match delim {
            Delimiter::Byte(d) => d,
            _ => b',',
        };
        let mut rdr = csv_in::quoted_reader(piece.text, d);
        let mut r = csv::StringRecord::new();
        let mut lines = csv_in::Lines::new(piece.text.as_bytes());
        loop {
            match rdr.read_record(&mut r) {
                Ok(false) => break,
                Ok(true) => {
                    let line = lines.at(r.position().map_or(0, |p| p.byte())) - 1;
                    if let Err((column, error)) = self.csv_row(r.iter(), part, &mut scratch) {
                        part.err = Some(RecError { row: part.records, line, column, error });
                        return;
                    }
                    part.records += 1;
                }
                Err(e) => {
                    let line = e.position().map_or(1, |p| lines.at(p.byte())) - 1;
                    let error = Error::input(format!("bad CSV: {e}"));
                    part.err = Some(RecError { row: part.records, line, column: None, error });
                    return;
                }
            }
        }
        part.lines = piece.text.bytes().filter(|&c| c == b'\n').count() as u64;
    }

    /// Plain CSV (no quote, no `\r`) delimited by `d`: one pass over the
    /// bytes, each cell encoded as it ends.
    fn plain_piece(&self, text: &str, d: u8, part: &mut Part, scratch: &mut Vec<u8>) {
        let b = text.as_bytes();
        let ncols = self.columns.len();
        let (mut i, mut line) = (0usize, 0u64);
        while i < b.len() {
            if b[i] == b'\n' {
                // A blank line.
                i += 1;
                line += 1;
                continue;
            }
            let base = part.out.len();
            part.out.resize(base + self.plan.rec_size, 0);
            let mut k = 0usize;
            let mut err = loop {
                let start = i;
                while i < b.len() && b[i] != d && b[i] != b'\n' {
                    i += 1;
                }
                if let Some(&Some(leaf)) = self.columns.get(k) {
                    let l = &self.plan.leaves[leaf];
                    // `d` and the line end are ASCII: the cell is whole characters.
                    let cell = &text[start..i];
                    let slot = &mut part.out[base + l.offset..base + l.offset + l.size];
                    if let Err(e) = encode_cell(l, Cell::Text(cell), slot, scratch) {
                        break Some((Some(k), e));
                    }
                }
                k += 1;
                if i >= b.len() || b[i] == b'\n' {
                    break None;
                }
                i += 1;
            };
            if err.is_none() && k != ncols {
                err = Some((None, csv_in::count_error(k, ncols, self.csv.header)));
            }
            if let Some((column, error)) = err {
                part.err = Some(RecError { row: part.records, line, column, error });
                return;
            }
            part.records += 1;
            if i < b.len() {
                line += 1;
            }
            i += 1;
        }
        part.lines = line;
    }

    /// JSON Lines: records read one after another, each on its own line.
    fn jsonl_piece(&self, piece: &Piece<'_>, part: &mut Part) {
        let mut scratch = Vec::new();
        let b = piece.text.as_bytes();
        let (mut i, mut line) = (0usize, 0u64);
        loop {
            // Blank space and lines before a record.
            while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                line += u64::from(b[i] == b'\n');
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            let base = part.out.len();
            part.out.resize(base + self.plan.rec_size, 0);
            let mut p = JsonCursor { b, s: piece.text, i, crossed: false };
            let r = p.value(&self.plan.shape, &self.plan.leaves, &mut part.out[base..], &mut scratch).and_then(|()| {
                while p.i < b.len() && matches!(b[p.i], b' ' | b'\t' | b'\r') {
                    p.i += 1;
                }
                if p.crossed {
                    return Err(Error::input(
                        "bad JSON: a record goes on past its line (JSON Lines: one record per line)",
                    ));
                }
                match b.get(p.i) {
                    None | Some(b'\n') => Ok(()),
                    Some(_) => Err(Error::input(format!("bad JSON: unexpected '{}' after a record", p.peek_char()))),
                }
            });
            if let Err(error) = r {
                part.err = Some(RecError { row: part.records, line, column: None, error });
                return;
            }
            part.records += 1;
            i = p.i;
        }
        part.lines = line;
    }

    fn json_elems(&self, text: &str, piece: &&[(usize, usize)], part: &mut Part) {
        let mut scratch = Vec::new();
        for &(a, b) in piece.iter() {
            if let Err(error) = self.json_record(&text[a..b], part, &mut scratch) {
                part.err = Some(RecError { row: part.records, line: 0, column: None, error });
                return;
            }
            part.records += 1;
        }
    }

    /// One element's JSON text, appended to the part.
    fn json_record(&self, text: &str, part: &mut Part, scratch: &mut Vec<u8>) -> Result<()> {
        let base = part.out.len();
        part.out.resize(base + self.plan.rec_size, 0);
        let mut p = JsonCursor { b: text.as_bytes(), s: text, i: 0, crossed: false };
        p.value(&self.plan.shape, &self.plan.leaves, &mut part.out[base..], scratch)?;
        p.ws();
        if p.i != p.b.len() {
            return Err(Error::input(format!("bad JSON: unexpected '{}' after a record", p.peek_char())));
        }
        Ok(())
    }

    /// Scan a JSON document's text from where the last block stopped: the
    /// header values it meets are kept, and the spans of the array's
    /// elements returned. Returns the bytes used (whole elements only).
    fn json_scan(&mut self, text: &str, state: JsonState, eof: bool) -> Result<(usize, Spans, JsonState)> {
        let b = text.as_bytes();
        let mut i = 0usize;
        let mut state = state;
        let mut elems = Vec::new();
        let mut used = 0usize;
        let bad = |what: &str| Error::input(format!("bad JSON: {what}"));
        let ws = |i: &mut usize| {
            while *i < b.len() && b[*i].is_ascii_whitespace() {
                *i += 1;
            }
        };
        loop {
            ws(&mut i);
            if i >= b.len() {
                return Ok((if state == JsonState::Done { b.len() } else { used }, elems, state));
            }
            match state {
                JsonState::Start => {
                    match b[i] {
                        b'{' => state = JsonState::Key(false),
                        // A list: the array's elements (`show FILE records -f json`).
                        b'[' => {
                            self.given.push((self.plan.array.to_string(), Doc::Null));
                            self.bare = true;
                            state = JsonState::Elems(false);
                        }
                        _ => {
                            return Err(bad(&format!(
                                "expected an object with the file's fields, or a list of the elements of {}",
                                self.plan.array
                            )));
                        }
                    }
                    i += 1;
                    used = i;
                }
                JsonState::Key(after) => {
                    if b[i] == b'}' {
                        i += 1;
                        state = JsonState::Done;
                        used = i;
                        continue;
                    }
                    if b[i] == b',' && after {
                        i += 1;
                        used = i;
                        state = JsonState::Key(false);
                        continue;
                    }
                    if after || b[i] != b'"' {
                        return Err(bad("expected a key"));
                    }
                    let Some(kend) = skip_value(b, i) else {
                        if eof {
                            return Err(bad("the document ends early"));
                        }
                        return Ok((used, elems, state));
                    };
                    let key = match parse_json(&text[i..kend]) {
                        Ok(Doc::String(k)) => k,
                        _ => return Err(bad("expected a key")),
                    };
                    let mut j = kend;
                    ws(&mut j);
                    if j >= b.len() {
                        if eof {
                            return Err(bad("the document ends early"));
                        }
                        return Ok((used, elems, state));
                    }
                    if b[j] != b':' {
                        return Err(bad("expected ':' after a key"));
                    }
                    j += 1;
                    ws(&mut j);
                    if j >= b.len() {
                        if eof {
                            return Err(bad("the document ends early"));
                        }
                        return Ok((used, elems, state));
                    }
                    if *key == *self.plan.array {
                        if self.given.iter().any(|(k, _)| *k == *self.plan.array) {
                            return Err(bad("the array is given twice"));
                        }
                        if b[j] != b'[' {
                            return Err(Error::input("expected a list").note(format!("at {}", self.plan.array)));
                        }
                        self.given.push((key, Doc::Null));
                        i = j + 1;
                        used = i;
                        state = JsonState::Elems(false);
                        continue;
                    }
                    let Some(vend) = skip_value(b, j) else {
                        if eof {
                            return Err(bad("the document ends early"));
                        }
                        return Ok((used, elems, state));
                    };
                    let v = parse_json(&text[j..vend]).map_err(|e| bad(&e.message))?;
                    // A value `--set` gives replaces the document's.
                    if !self.set.contains(&key) {
                        if self.given.iter().any(|(k, _)| *k == key) {
                            return Err(bad(&format!("the key '{key}' is given twice")));
                        }
                        self.given.push((key, v));
                    }
                    i = vend;
                    used = i;
                    state = JsonState::Key(true);
                }
                JsonState::Elems(after) => {
                    if b[i] == b']' {
                        i += 1;
                        used = i;
                        state = if self.bare { JsonState::Done } else { JsonState::Key(true) };
                        continue;
                    }
                    if b[i] == b',' {
                        if !after {
                            return Err(bad("a ',' without an element before it"));
                        }
                        i += 1;
                        used = i;
                        state = JsonState::Elems(false);
                        continue;
                    }
                    if after {
                        return Err(bad("expected ',' or ']' after an element"));
                    }
                    let Some(end) = skip_value(b, i) else {
                        if eof {
                            return Err(bad("the document ends early"));
                        }
                        return Ok((used, elems, state));
                    };
                    elems.push((i, end));
                    i = end;
                    used = i;
                    state = JsonState::Elems(true);
                }
                JsonState::Done => return Err(bad("content after the document")),
            }
        }
    }
}

/// Where the input's bytes at `start` of `buf` are (for messages; the block is
/// the only part kept, so this is an offset in the block).
fn input_offset(_buf: &[u8], start: usize) -> usize {
    start
}

/// Byte ranges of JSON elements in a block.
type Spans = Vec<(usize, usize)>;

/// Where the JSON document scanner is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonState {
    Start,
    /// In the object; after a value when true.
    Key(bool),
    /// In the array; after an element when true.
    Elems(bool),
    Done,
}

/// The end of the JSON value that starts at `i` (a string, number, literal,
/// object or list, nested), or `None` when the text ends first.
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        let c = *b.get(i)?;
        match c {
            b'"' => {
                i += 1;
                loop {
                    match *b.get(i)? {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            _ if depth == 0 => {
                // A number or literal: up to a delimiter.
                while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
                if i >= b.len() {
                    return None;
                }
                return Some(i);
            }
            _ => i += 1,
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

/// True when `b` has a `"` or a `\r` (vectorised: no early exit).
fn quote_or_cr(b: &[u8]) -> bool {
    b.chunks(4096).any(|c| c.iter().fold(false, |a, &x| a | (x == b'"') | (x == b'\r')))
}

/// A part of a block: lines, and whether CSV quoting may occur in them.
struct Piece<'a> {
    text: &'a str,
    quoted: bool,
}

/// The end of the last complete line (just past its `\n`), outside CSV
/// quotes when `csv`.
fn last_line_end(b: &[u8], csv: bool) -> Option<usize> {
    if !csv || !b.contains(&b'"') {
        return b.iter().rposition(|&c| c == b'\n').map(|p| p + 1);
    }
    let mut inside = false;
    let mut last = None;
    for (k, &c) in b.iter().enumerate() {
        if c == b'"' {
            inside = !inside;
        } else if c == b'\n' && !inside {
            last = Some(k + 1);
        }
    }
    last
}

/// Split whole lines into about `n` pieces at line ends (one piece when
/// quoting may put line ends inside cells).
fn split_lines(text: &str, n: usize, quoted: bool) -> Vec<Piece<'_>> {
    if quoted || n <= 1 || text.len() < 1 << 16 {
        return vec![Piece { text, quoted }];
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (text.len() * k / n).max(start);
        let end = match b[target..].iter().position(|&c| c == b'\n') {
            Some(p) => target + p + 1,
            None => break,
        };
        out.push(Piece { text: &text[start..end], quoted });
        start = end;
    }
    out.push(Piece { text: &text[start..], quoted });
    out
}

fn split_spans(spans: &[(usize, usize)], n: usize) -> Vec<&[(usize, usize)]> {
    if spans.is_empty() {
        return Vec::new();
    }
    let per = spans.len().div_ceil(n.max(1));
    spans.chunks(per.max(1)).collect()
}

/// A reader of one JSON element, guided by its shape.
struct JsonCursor<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
    /// A line end was skipped (JSON Lines records keep to their line).
    crossed: bool,
}

impl<'a> JsonCursor<'a> {
    #[inline]
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.crossed |= self.b[self.i] == b'\n';
            self.i += 1;
        }
    }

    fn peek_char(&self) -> char {
        self.s[self.i..].chars().next().unwrap_or(' ')
    }

    /// The items of a JSON list whose `[` is read, through `item` (given
    /// the item's index), up to and including its `]`; returns how many.
    fn list_items(&mut self, what: &str, mut item: impl FnMut(&mut Self, u64) -> Result<()>) -> Result<u64> {
        let mut got = 0u64;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(0);
        }
        loop {
            item(self, got)?;
            got += 1;
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(got);
                }
                _ => return Err(Error::input(format!("bad JSON: expected ',' or ']' {what}"))),
            }
        }
    }

    fn expect(&mut self, c: u8) -> Result<()> {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else if self.i >= self.b.len() {
            Err(Error::input(format!("bad JSON: expected '{}', found the end of the record", c as char)))
        } else {
            Err(Error::input(format!("bad JSON: expected '{}', found '{}'", c as char, self.peek_char())))
        }
    }

    /// The text of a string without escapes (`None` when it has some).
    fn plain_string(&mut self) -> Result<Option<&'a str>> {
        let start = self.i + 1;
        let mut j = start;
        // Eight bytes at a time past plain characters (no `"`, `\\` or control).
        while let Some(w) = self.b.get(j..j + 8) {
            let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
            if special_byte(w) {
                break;
            }
            j += 8;
        }
        while j < self.b.len() {
            match self.b[j] {
                b'"' => {
                    self.i = j + 1;
                    return Ok(Some(&self.s[start..j]));
                }
                b'\\' => return Ok(None),
                c if c < 0x20 => return Err(Error::input("bad JSON: a control character in a string")),
                _ => j += 1,
            }
        }
        Err(Error::input("bad JSON: a string does not end"))
    }

    /// The JSON value at the cursor parsed as a document (escaped strings,
    /// objects and lists at leaves, `true`...).
    fn doc(&mut self) -> Result<Doc> {
        let end = skip_value(self.b, self.i).unwrap_or(self.b.len());
        let d = parse_json(&self.s[self.i..end]).map_err(|e| Error::input(format!("bad JSON: {}", e.message)))?;
        self.i = end;
        Ok(d)
    }

    fn value(&mut self, shape: &Shape, leaves: &[Leaf], rec: &mut [u8], scratch: &mut Vec<u8>) -> Result<()> {
        self.ws();
        match shape {
            Shape::Leaf(k) => {
                let l = &leaves[*k];
                let slot = &mut rec[l.offset..l.offset + l.size];
                let note = |e: Error| if l.name.is_empty() { e } else { e.note(format!("in {}", l.name)) };
                match self.b.get(self.i) {
                    Some(b'"') => match self.plain_string().map_err(note)? {
                        Some(t) => encode_cell(l, Cell::Str(t), slot, scratch).map_err(note),
                        None => {
                            let d = self.doc().map_err(note)?;
                            encode_doc(l, &d, Origin::Json, slot, scratch).map_err(note)
                        }
                    },
                    Some(c)
                        if (c.is_ascii_digit() || *c == b'-')
                            && let Some(end) = json_number_end(self.b, self.i) =>
                    {
                        // A number by JSON's grammar (the common case: one pass).
                        let t = &self.s[self.i..end];
                        self.i = end;
                        encode_cell(l, Cell::Num(t), slot, scratch).map_err(note)
                    }
                    Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'N' | b'I') => {
                        let start = self.i;
                        while self.i < self.b.len()
                            && matches!(self.b[self.i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E' | b'a'..=b'z' | b'A'..=b'Z')
                        {
                            self.i += 1;
                        }
                        let t = &self.s[start..self.i];
                        if !json_number(t) {
                            return Err(note(Error::input(format!("bad JSON: '{t}' is not a number"))));
                        }
                        encode_cell(l, Cell::Num(t), slot, scratch).map_err(note)
                    }
                    Some(_) => {
                        let d = self.doc().map_err(note)?;
                        encode_doc(l, &d, Origin::Json, slot, scratch).map_err(note)
                    }
                    None => Err(note(Error::input("bad JSON: a value is missing"))),
                }
            }
            Shape::Struct(children) if self.b.get(self.i) == Some(&b'[') => self.tuple(children, leaves, rec, scratch),
            Shape::Struct(children) => {
                self.expect(b'{')?;
                // Which fields were given: a bit each (a list past 64 fields).
                let mut bits = 0u64;
                let mut more = if children.len() > 64 { vec![false; children.len()] } else { Vec::new() };
                let mut next = 0usize;
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.b.get(self.i) != Some(&b'"') {
                            return Err(Error::input("bad JSON: expected a key"));
                        }
                        let key: std::borrow::Cow<'_, str> = match self.plain_string()? {
                            Some(k) => k.into(),
                            None => match self.doc()? {
                                Doc::String(k) => k.into(),
                                _ => return Err(Error::input("bad JSON: expected a key")),
                            },
                        };
                        self.expect(b':')?;
                        // Keys usually come in the layout's order: try the next field first.
                        let c = match children.get(next) {
                            Some((n, _)) if same_key(n, &key) => Some(next),
                            _ => children.iter().position(|(n, _)| **n == *key),
                        };
                        let Some(c) = c else {
                            let names: Vec<&str> = children.iter().map(|(n, _)| &**n).collect();
                            return Err(Error::input(format!(
                                "unknown field '{key}'; the layout has {}",
                                names.join(", ")
                            )));
                        };
                        next = c + 1;
                        let twice = if more.is_empty() {
                            {
                                let seen = bits & (1 << c) != 0;
                                bits |= 1 << c;
                                seen
                            }
                        } else {
                            std::mem::replace(&mut more[c], true)
                        };
                        if twice {
                            return Err(Error::input(format!("field '{key}' is given twice")));
                        }
                        self.value(&children[c].1, leaves, rec, scratch)?;
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(Error::input("bad JSON: expected ',' or '}' in a record")),
                        }
                    }
                }
                let missing = if more.is_empty() {
                    (0..children.len()).find(|&c| bits & (1 << c) == 0)
                } else {
                    more.iter().position(|s| !s)
                };
                if let Some(c) = missing {
                    return Err(Error::input(format!("field '{}' is missing from the input", children[c].0)));
                }
                Ok(())
            }
            Shape::List(dims, elems) => {
                let mut k = 0usize;
                self.list(dims, elems, leaves, rec, scratch, &mut k)?;
                Ok(())
            }
        }
    }

    /// A record given as a list of its fields' values, in order.
    fn tuple(
        &mut self,
        children: &[(Arc<str>, Shape)],
        leaves: &[Leaf],
        rec: &mut [u8],
        scratch: &mut Vec<u8>,
    ) -> Result<()> {
        self.i += 1;
        let got = self.list_items("in a record given as a list", |p, got| match children.get(got as usize) {
            Some((_, shape)) => p.value(shape, leaves, rec, scratch),
            // One value too many: counted, for the message.
            None => {
                p.i = skip_value(p.b, p.i).unwrap_or(p.b.len());
                Ok(())
            }
        })? as usize;
        if got != children.len() {
            let names: Vec<&str> = children.iter().map(|(n, _)| &**n).collect();
            return Err(crate::pack::tuple::length_error(&names, got));
        }
        Ok(())
    }

    fn list(
        &mut self,
        dims: &[u64],
        elems: &[Shape],
        leaves: &[Leaf],
        rec: &mut [u8],
        scratch: &mut Vec<u8>,
        k: &mut usize,
    ) -> Result<()> {
        let Some((&n, inner)) = dims.split_first() else {
            let e = elems.get(*k).ok_or_else(|| Error::input("internal: a list too long"))?;
            *k += 1;
            return self.value(e, leaves, rec, scratch);
        };
        self.expect(b'[')?;
        let got = self.list_items("in a list", |p, got| {
            if got == n {
                return Err(Error::input(format!("expected a list of {n} elements, found more")));
            }
            p.list(inner, elems, leaves, rec, scratch, k)
        })?;
        if got != n {
            return Err(Error::input(format!("expected a list of {n} elements, found {got}")));
        }
        Ok(())
    }
}

/// True when one of the 8 bytes of `w` is `"`, `\\` or a control character
/// (below 0x20): the bit tricks of "Bit Twiddling Hacks" (has a zero byte,
/// has a byte less than n).
#[inline]
fn special_byte(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    (zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\'))) | below_space) != 0
}

/// `a == b` for keys: short ones (most) compared as one word, without a
/// call to `memcmp`.
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 8 {
        return a == b;
    }
    let word = |s: &[u8]| s.iter().enumerate().fold(0u64, |w, (i, &c)| w | u64::from(c) << (8 * i));
    word(a) == word(b)
}

/// The end of the JSON number (RFC 8259) at `i`, when one is there and a
/// delimiter follows it (not `NaN`, `-Infinity`: see [`json_number`]).
#[inline]
fn json_number_end(b: &[u8], i: usize) -> Option<usize> {
    let digit = |j: usize| b.get(j).is_some_and(u8::is_ascii_digit);
    let mut j = i + usize::from(b.get(i) == Some(&b'-'));
    match b.get(j) {
        Some(b'0') => j += 1,
        Some(b'1'..=b'9') => {
            while digit(j) {
                j += 1;
            }
        }
        _ => return None,
    }
    // The end of the run of at least one digit at `j`.
    let digits = |mut j: usize| {
        let start = j;
        while digit(j) {
            j += 1;
        }
        (j > start).then_some(j)
    };
    if b.get(j) == Some(&b'.') {
        j = digits(j + 1)?;
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        j = digits(j)?;
    }
    match b.get(j) {
        Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'+' | b'-') => None,
        _ => Some(j),
    }
}

/// A JSON number (RFC 8259), or `NaN`, `Infinity`, `-Infinity`.
fn json_number(t: &str) -> bool {
    let b = t.as_bytes();
    if matches!(b.first(), Some(b'N' | b'I')) || b.get(1) == Some(&b'I') {
        return matches!(t, "NaN" | "Infinity" | "-Infinity");
    }
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A short description of a given value, for messages.
fn short(d: &Doc) -> String {
    match d {
        Doc::Number(t) => t.clone(),
        Doc::String(s) => format!("\"{s}\""),
        Doc::Bool(b) => b.to_string(),
        Doc::Null => "null".into(),
        Doc::Array(_) => "a list".into(),
        Doc::Object(_) => "an object".into(),
    }
}

fn literal_doc(lit: &Literal) -> Doc {
    match lit {
        Literal::Int(i) => Doc::Number(i.to_string()),
        Literal::Float(t) => Doc::Number(t.clone()),
        Literal::Bool(b) => Doc::Bool(*b),
        Literal::Str(s) => Doc::Object(vec![("hex".into(), Doc::String(crate::text::escape::to_hex(s)))]),
    }
}
