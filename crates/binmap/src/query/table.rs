//! The rows a scan walks, and its columns read a chunk at a time.
//!
//! A [`Table`] is the outermost array of a selection (`records` of db.dat,
//! the main table by default), one element per row. A [`ColumnRef`] is a
//! leaf of the element (`value`, `coords.x`, `v[2]`); [`ColumnRef::load`]
//! decodes it for a range of rows into a typed lane (`Vec<f64>`,
//! `Vec<i128>`...), the unit of work of both `--where` and `stats`. With
//! uniform elements a field sits at `start + row * stride + rel`; other
//! arrays find each element through the map.

use std::ops::Range;

use crate::decode::Value;
use crate::error::{Error, Result};
use crate::layout::{BitKind, Endian, EnumDef, Scalar, ScalarKind, TextKind};
use crate::map::{ArrayNode, Elems, Map, Node, NodeKind};
use crate::select::{RowSet, Rows, Seg, View, main_table, parse_path, path_to_string, project, select};
use crate::text::ascii_num::AsciiKind;

/// Rows per chunk in columnar evaluation: lanes of this many values stay in cache.
pub const LANE: u64 = 4096;

/// The rows of one array, as a scan sees them.
#[derive(Clone, Debug)]
pub struct Table<'m> {
    pub data: &'m [u8],
    pub array: &'m ArrayNode,
    /// Absolute offset of the array.
    pub abs: u64,
    /// The rows to scan (flat element indexes).
    pub rows: Range<u64>,
    /// The array's path (`records`), for messages and column names.
    pub path: Vec<Seg>,
}

/// A leaf of the table's element.
#[derive(Clone, Debug)]
pub struct ColumnRef<'m> {
    /// The path inside the element (`value`, `coords.x`); empty when the
    /// elements are themselves scalars.
    pub path: Vec<Seg>,
    /// The name shown for it (`value`, or the array's name for scalar elements).
    pub name: String,
    /// The leaf (for uniform elements, the template's).
    pub node: &'m Node,
    /// Offset in the element, when every element has it at the same place.
    rel: Option<u64>,
}

/// The values of one column for a chunk of rows.
#[derive(Clone, Debug, PartialEq)]
pub enum Lane {
    Int(Vec<i128>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Str(StrLane),
}

/// Strings of a chunk, back to back: value `i` is `bytes[ends[i-1]..ends[i]]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StrLane {
    pub bytes: Vec<u8>,
    pub ends: Vec<usize>,
}

impl StrLane {
    /// Value `i`.
    #[inline]
    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn push(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b);
        self.ends.push(self.bytes.len());
    }
}

/// What a column holds, for type checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafType {
    Int(ScalarKind),
    Float(ScalarKind),
    Bool,
    Str,
    Complex,
}

impl<'m> Table<'m> {
    /// The table that `paths` (`records.value`, `records.time`) or, without
    /// paths, the file's main table belongs to; the columns those paths name
    /// (the element paths, `value`), and `rows` applied to the table.
    ///
    /// ```
    /// use binmap::query::table::Table;
    /// let layout = binmap::Layout::parse("n: u8\nr: { t: u16, v: f32 }[n]").unwrap();
    /// let map = binmap::Map::new(&layout, &[1, 7, 0, 0, 0, 0x80, 0x3f], "x").unwrap();
    /// let (table, cols) = Table::for_paths(&map, &["r.v".to_string()], None).unwrap();
    /// assert_eq!(table.rows, 0..1);
    /// assert_eq!(cols, vec![vec![binmap::select::Seg::Field("v".into())]]);
    /// ```
    pub fn for_paths(map: &'m Map<'_>, paths: &[String], rows: Option<Rows>) -> Result<(Table<'m>, Vec<Vec<Seg>>)> {
        let mut table_path: Option<Vec<Seg>> = None;
        let mut columns = Vec::new();
        for p in paths {
            let segs = parse_path(p)?;
            let (array_path, column) = match split_at_array(map, &segs) {
                Ok(split) => split,
                // `value` for `records.value`: a field of the main table's rows.
                Err(e) => match main_table(map) {
                    Some(main) if Table::new(map, &main, None).is_ok_and(|t| t.column(&segs).is_ok()) => (main, segs),
                    _ => return Err(e),
                },
            };
            match &table_path {
                Some(t) if *t != array_path => {
                    return Err(Error::usage(format!(
                        "'{p}' is in {}, not in {}: give paths of one array",
                        describe(&array_path),
                        describe(t)
                    )));
                }
                _ => table_path = Some(array_path),
            }
            columns.push(column);
        }
        let path = match table_path {
            Some(t) => t,
            None => main_table(map).ok_or_else(|| {
                Error::usage("this layout has no top-level array to scan: give a path (like records.value)")
            })?,
        };
        Ok((Table::new(map, &path, rows)?, columns))
    }

    /// The table at `path` (an array), limited to `rows` of its first dimension.
    pub fn new(map: &'m Map<'_>, path: &[Seg], rows: Option<Rows>) -> Result<Table<'m>> {
        let sel = select(map, path)?;
        let rs: RowSet<'m> = sel
            .rows(rows.unwrap_or_default(), path)?
            .ok_or_else(|| Error::usage(format!("{} is not an array", describe(path))))?;
        let Some((array, abs)) = rs.picked().whole() else {
            return Err(Error::usage(format!(
                "'{}' is not a whole array: stats, select and --where scan the rows of an array (limit them with --rows)",
                path_to_string(path)
            )));
        };
        let row_len = rs.row_len();
        let rows = rs.rows.start.saturating_mul(row_len)..rs.rows.end.saturating_mul(row_len);
        Ok(Table { data: map.data(), array, abs, rows, path: path.to_vec() })
    }

    /// Number of rows.
    pub fn len(&self) -> u64 {
        self.rows.end - self.rows.start
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// An element to check paths against: the template, or the first element.
    fn sample(&self) -> Option<&'m Node> {
        match &self.array.elems {
            Elems::Uniform { elem, .. } => Some(elem),
            Elems::Walked(v) => v.first(),
        }
    }

    /// The column at `path` inside the element (empty: the element itself).
    pub fn column(&self, path: &[Seg]) -> Result<ColumnRef<'m>> {
        let sample = self.sample().ok_or_else(|| Error::usage(format!("{} is empty", describe(&self.path))))?;
        let mut full = self.path.clone();
        full.extend_from_slice(path);
        let v = project(View { node: sample, abs: 0 }, path, &full)?;
        let rel = match &self.array.elems {
            Elems::Uniform { .. } => Some(v.abs),
            Elems::Walked(_) => None,
        };
        let name = if path.is_empty() { self.name() } else { path_to_string(path) };
        Ok(ColumnRef { path: path.to_vec(), name, node: v.node, rel })
    }

    /// Every leaf of the element, in layout order, named as CSV names them.
    pub fn leaves(&self) -> Vec<ColumnRef<'m>> {
        let Some(sample) = self.sample() else { return Vec::new() };
        let mut cols = Vec::new();
        crate::sink::csv::columns(sample, "", 0, &mut cols);
        cols.into_iter()
            .filter_map(|c| {
                let path = if c.name.is_empty() { Vec::new() } else { parse_path(&c.name).ok()? };
                self.column(&path).ok()
            })
            .collect()
    }

    /// The array's own name (`records`), for a column of scalar elements.
    pub fn name(&self) -> String {
        match self.path.iter().rev().find_map(|s| if let Seg::Field(n) = s { Some(n) } else { None }) {
            Some(n) => n.to_string(),
            None => "value".to_string(),
        }
    }

    /// Absolute offset of element `i`.
    #[inline]
    fn elem_abs(&self, i: u64) -> (&'m Node, u64) {
        let (e, off) = self.array.elem(i);
        (e, self.abs + off)
    }

    /// Where `col` is in each row of `rows`.
    pub fn addresses(&self, col: &ColumnRef<'m>, rows: Range<u64>) -> Result<Addrs> {
        let n = (rows.end - rows.start) as usize;
        Ok(match (&self.array.elems, col.rel) {
            (Elems::Uniform { stride, .. }, Some(rel)) if !self.array.fortran => {
                Addrs::Strided { base: self.abs + rel + rows.start * stride, stride: *stride, n }
            }
            (_, Some(rel)) => Addrs::Listed(rows.map(|i| self.elem_abs(i).1 + rel).collect()),
            (_, None) => {
                let mut full = self.path.clone();
                full.extend_from_slice(&col.path);
                let mut out = Vec::with_capacity(n);
                for i in rows {
                    let (e, abs) = self.elem_abs(i);
                    let v = project(View { node: e, abs }, &col.path, &full)?;
                    if v.node.kind != col.node.kind {
                        return Err(Error::data(format!(
                            "{}[{i}].{} is a {} here but a {} in the first element",
                            path_to_string(&self.path),
                            col.name,
                            kind_text(&v.node.kind),
                            kind_text(&col.node.kind)
                        )));
                    }
                    out.push(v.abs);
                }
                Addrs::Listed(out)
            }
        })
    }
}

/// Where a column's values are for a chunk of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Addrs {
    /// Value `i` at `base + i * stride` (uniform elements).
    Strided { base: u64, stride: u64, n: usize },
    /// Each value's offset (elements of varying size, Fortran order).
    Listed(Vec<u64>),
}

impl Addrs {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Addrs::Strided { n, .. } => *n,
            Addrs::Listed(v) => v.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The offset of value `i`.
    #[inline]
    pub fn get(&self, i: usize) -> u64 {
        match self {
            Addrs::Strided { base, stride, .. } => base + i as u64 * stride,
            Addrs::Listed(v) => v[i],
        }
    }
}

/// Split `records.value` into the array (`records`) and the path inside
/// its element (`value`); a path that names an array is its own table.
fn split_at_array(map: &Map<'_>, segs: &[Seg]) -> Result<(Vec<Seg>, Vec<Seg>)> {
    let mut node = &map.root;
    for (k, seg) in segs.iter().enumerate() {
        match (&node.kind, seg) {
            (NodeKind::Array(_), Seg::Field(_)) => return Ok((segs[..k].to_vec(), segs[k..].to_vec())),
            (NodeKind::Array(_), _) => {
                return Err(Error::usage(format!(
                    "'{}': stats, select and --where scan whole arrays, not slices of them; limit the rows with --rows A..B",
                    path_to_string(segs)
                )));
            }
            (NodeKind::Struct(ms), Seg::Field(name)) => {
                node = match ms.iter().find(|m| m.name.as_deref() == Some(&**name)) {
                    Some(m) => &m.node,
                    None => {
                        select(map, segs)?;
                        return Err(Error::usage(format!("no field '{name}' in '{}'", path_to_string(segs))));
                    }
                };
            }
            _ => {
                return Err(Error::usage(format!(
                    "'{}' must be a field of an array of records (like records.value) or an array",
                    path_to_string(segs)
                )));
            }
        }
    }
    match node.kind {
        NodeKind::Array(_) => Ok((segs.to_vec(), Vec::new())),
        _ => Err(Error::usage(format!(
            "'{}' is not in an array: stats and --where work on the rows of an array",
            path_to_string(segs)
        ))),
    }
}

fn describe(path: &[Seg]) -> String {
    if path.is_empty() { "the file".to_string() } else { format!("'{}'", path_to_string(path)) }
}

fn kind_text(k: &NodeKind) -> &'static str {
    match k {
        NodeKind::Scalar(s) | NodeKind::Enum(s, _) => s.kind.name(),
        NodeKind::Bits(_) => "bit field",
        NodeKind::Char => "char",
        NodeKind::Text(..) | NodeKind::Cstr => "string",
        NodeKind::Struct(_) => "struct",
        NodeKind::Array(_) => "array",
    }
}

impl<'m> ColumnRef<'m> {
    /// What the column holds (`None` for structs and arrays).
    pub fn leaf_type(&self) -> Option<LeafType> {
        Some(match &self.node.kind {
            NodeKind::Scalar(s) if s.kind == ScalarKind::Bool => LeafType::Bool,
            NodeKind::Scalar(s) if s.kind.is_integer() => LeafType::Int(s.kind),
            NodeKind::Scalar(s) if s.kind.is_float() || s.kind.is_other_real() => LeafType::Float(s.kind),
            NodeKind::Scalar(s) if s.kind.is_time() => LeafType::Str,
            NodeKind::Scalar(_) => LeafType::Complex,
            NodeKind::Text(TextKind::Ascii(AsciiKind::Float), _) => LeafType::Float(ScalarKind::F64),
            NodeKind::Text(TextKind::Ascii(_), _) => LeafType::Int(ScalarKind::I64),
            NodeKind::Enum(s, _) => LeafType::Int(s.kind),
            NodeKind::Bits(b) => match b.kind {
                BitKind::Bool => LeafType::Bool,
                BitKind::Signed => LeafType::Int(ScalarKind::I64),
                _ => LeafType::Int(ScalarKind::U64),
            },
            NodeKind::Char | NodeKind::Text(..) | NodeKind::Cstr => LeafType::Str,
            NodeKind::Struct(_) | NodeKind::Array(_) => return None,
        })
    }

    /// The names of the column's values, when it is an enum or flags
    /// (a field or a bit field `N as Kind`).
    pub fn names(&self) -> Option<&'m EnumDef> {
        match &self.node.kind {
            NodeKind::Enum(_, def) => Some(def),
            NodeKind::Bits(b) => match &b.kind {
                BitKind::Enum(def) => Some(def),
                _ => None,
            },
            _ => None,
        }
    }

    /// Decode the column at `addrs` (from [`Table::addresses`]).
    pub fn load(&self, data: &[u8], addrs: &Addrs) -> Result<Lane> {
        let n = addrs.len();
        let each = || (0..n).map(|i| addrs.get(i));
        match &self.node.kind {
            NodeKind::Scalar(s) | NodeKind::Enum(s, _) if s.kind.is_integer() => {
                let mut out = Vec::with_capacity(n);
                load_ints(data, addrs, *s, &mut out)?;
                Ok(Lane::Int(out))
            }
            NodeKind::Bits(b) => {
                let mut out = Vec::with_capacity(n);
                load_ints(data, addrs, b.container, &mut out)?;
                if b.kind == BitKind::Bool {
                    return Ok(Lane::Bool(out.into_iter().map(|raw| b.extract(raw as u64) != 0).collect()));
                }
                out.iter_mut().for_each(|raw| *raw = b.extract(*raw as u64));
                Ok(Lane::Int(out))
            }
            NodeKind::Scalar(s) if s.kind.is_float() || s.kind.is_other_real() => {
                let mut out = Vec::with_capacity(n);
                load_floats(data, addrs, *s, &mut out)?;
                Ok(Lane::Float(out))
            }
            NodeKind::Text(TextKind::Ascii(k), _) => {
                let mut ints = Vec::new();
                let mut floats = Vec::new();
                for a in each() {
                    match self.leaf(data, a)? {
                        Value::Int(v) => ints.push(i128::from(v)),
                        Value::F64(x) => floats.push(x),
                        _ => {
                            return Err(Error::data(format!(
                                "'{}' at offset {a:#x} is blank (no number) in this {}",
                                self.name,
                                k.name()
                            ))
                            .with_bytes(data, a));
                        }
                    }
                }
                Ok(if *k == AsciiKind::Float { Lane::Float(floats) } else { Lane::Int(ints) })
            }
            NodeKind::Scalar(s) if s.kind == ScalarKind::Bool => {
                let mut out = Vec::with_capacity(n);
                for a in each() {
                    match data.get(a as usize).copied() {
                        Some(0) => out.push(false),
                        Some(1) => out.push(true),
                        _ => self.leaf(data, a).map(|_| ())?,
                    }
                }
                Ok(Lane::Bool(out))
            }
            _ => {
                let mut out = StrLane::default();
                for a in each() {
                    match self.leaf(data, a)? {
                        Value::Bytes(b) => out.push(b),
                        Value::Text(t) => out.push(t.as_bytes()),
                        Value::Ucs4(b, e) => out.push(crate::decode::ucs4_string(b, e).as_bytes()),
                        Value::Void(b) => out.push(b),
                        Value::Ebcdic(b) => out.push(crate::text::ebcdic::decode(b).as_bytes()),
                        Value::Utf16(b, e) => out.push(crate::decode::utf16_string(b, e).as_bytes()),
                        Value::DateTime(v, u) => out.push(crate::text::datetime::format_datetime(v, u).as_bytes()),
                        Value::TimeDelta(v, u) => out.push(crate::text::datetime::format_timedelta(v, u).as_bytes()),
                        _ => return Err(Error::usage(format!("'{}' is not a number or a string", self.name))),
                    }
                }
                Ok(Lane::Str(out))
            }
        }
    }

    /// The leaf at `abs`, with the sinks' checks and error messages.
    pub fn leaf<'d>(&self, data: &'d [u8], abs: u64) -> Result<Value<'d>>
    where
        'm: 'd,
    {
        crate::sink::leaf(data, View { node: self.node, abs })
    }
}

fn short(at: u64) -> Error {
    Error::data(format!("internal: a value at offset {at:#x} is past the end of the data"))
}

/// Decode the `N`-byte values at `addrs` with `conv`, appended to `out`.
/// Strided values are cut from one bounds-checked slice, so the loop has
/// no per-value address arithmetic or capacity checks.
#[inline]
fn load_as<const N: usize, T>(data: &[u8], addrs: &Addrs, out: &mut Vec<T>, conv: impl Fn([u8; N]) -> T) -> Result<()> {
    let take = |b: &[u8]| {
        let mut a = [0u8; N];
        a.copy_from_slice(&b[..N]);
        conv(a)
    };
    match addrs {
        Addrs::Strided { base, stride, n } if *stride as usize >= N => {
            let Some(last) = n.checked_sub(1) else { return Ok(()) };
            let end = (last as u64).checked_mul(*stride).and_then(|x| x.checked_add(base + N as u64));
            let bytes = end.and_then(|e| data.get(*base as usize..e as usize)).ok_or_else(|| short(*base))?;
            out.extend(bytes.chunks(*stride as usize).map(take));
        }
        _ => {
            for i in 0..addrs.len() {
                let a = addrs.get(i);
                out.push(take(data.get(a as usize..a as usize + N).ok_or_else(|| short(a))?));
            }
        }
    }
    Ok(())
}

/// [`load_as`] for a number type, its byte order chosen once.
macro_rules! load_num {
    ($t:ty, $data:expr, $addrs:expr, $s:expr, $out:expr, |$v:ident| $conv:expr) => {{
        const N: usize = std::mem::size_of::<$t>();
        match $s.endian {
            Endian::Little => load_as::<N, _>($data, $addrs, $out, |b| {
                let $v = <$t>::from_le_bytes(b);
                $conv
            }),
            Endian::Big => load_as::<N, _>($data, $addrs, $out, |b| {
                let $v = <$t>::from_be_bytes(b);
                $conv
            }),
        }
    }};
}

/// Integers of kind `s` at `addrs`, appended to `out` as `i128`.
pub fn load_ints(data: &[u8], addrs: &Addrs, s: Scalar, out: &mut Vec<i128>) -> Result<()> {
    match s.kind {
        ScalarKind::I8 => load_num!(i8, data, addrs, s, out, |v| v.into()),
        ScalarKind::U8 => load_num!(u8, data, addrs, s, out, |v| v.into()),
        ScalarKind::I16 => load_num!(i16, data, addrs, s, out, |v| v.into()),
        ScalarKind::U16 => load_num!(u16, data, addrs, s, out, |v| v.into()),
        ScalarKind::I32 => load_num!(i32, data, addrs, s, out, |v| v.into()),
        ScalarKind::U32 => load_num!(u32, data, addrs, s, out, |v| v.into()),
        ScalarKind::I64 => load_num!(i64, data, addrs, s, out, |v| v.into()),
        ScalarKind::U64 => load_num!(u64, data, addrs, s, out, |v| v.into()),
        k if k.is_integer() => load_decoded(data, addrs, s, out, |v| v.as_int()),
        _ => Err(Error::usage(format!("internal: {} is not an integer", s.kind.name()))),
    }
}

/// Floats of kind `s` at `addrs`, appended to `out` as `f64` (exactly).
pub fn load_floats(data: &[u8], addrs: &Addrs, s: Scalar, out: &mut Vec<f64>) -> Result<()> {
    match s.kind {
        ScalarKind::F32 => load_num!(f32, data, addrs, s, out, |v| v.into()),
        ScalarKind::F64 => load_num!(f64, data, addrs, s, out, |v| v),
        ScalarKind::F16 => load_num!(u16, data, addrs, s, out, |v| half::f16::from_bits(v).to_f64()),
        ScalarKind::BF16 => load_num!(u16, data, addrs, s, out, |v| half::bf16::from_bits(v).to_f64()),
        k if k.is_other_real() => load_decoded(data, addrs, s, out, |v| v.as_f64()),
        _ => Err(Error::usage(format!("internal: {} is not a float", s.kind.name()))),
    }
}

/// The kinds without a typed loop (24- to 56-bit integers, IBM floats),
/// through the scalar decoder: off the hot path of the common kinds.
fn load_decoded<T>(
    data: &[u8],
    addrs: &Addrs,
    s: Scalar,
    out: &mut Vec<T>,
    conv: impl Fn(&Value<'_>) -> Option<T>,
) -> Result<()> {
    let n = s.kind.size() as usize;
    for i in 0..addrs.len() {
        let a = addrs.get(i);
        let b = data.get(a as usize..a as usize + n).ok_or_else(|| short(a))?;
        let v = crate::decode::decode_scalar(b, s).ok().and_then(|v| conv(&v));
        out.push(v.ok_or_else(|| Error::data(format!("internal: no {} at offset {a:#x}", s.kind.name())))?);
    }
    Ok(())
}

/// The positions of the `true`s of `mask`, in `out`. Branch-free: a
/// condition that holds for half the rows at random costs no mispredictions.
pub fn picked(mask: &[bool], out: &mut Vec<usize>) {
    out.clear();
    out.resize(mask.len(), 0);
    let mut k = 0;
    for (i, &m) in mask.iter().enumerate() {
        if let Some(slot) = out.get_mut(k) {
            *slot = i;
        }
        k += usize::from(m);
    }
    out.truncate(k);
}

/// Split `rows` into chunks of at most `size` rows.
pub fn chunks(rows: Range<u64>, size: u64) -> impl Iterator<Item = Range<u64>> {
    let size = size.max(1);
    (rows.start..rows.end).step_by(size as usize).map(move |s| s..(s + size).min(rows.end))
}
