//! `binmap select`: the rows of a table that pass a `--where`, as any of
//! `show`'s formats (a [`RowSet`] with a filter, so every sink applies),
//! with only some fields (`--fields`), or as a binary file in the same
//! layout (`--format bin`).
//!
//! A binary subset keeps the bytes before and after the table and writes
//! the matching records (of the table's row range) in order; the record count in the header is
//! rewritten when it is a single integer field (`n: u32`, `records:
//! rec[n]`), and needs nothing when the table runs to the end (`rec[..]`).
//! Any other count (`[rows * cols]`, `[filesize / 24]`) is refused rather
//! than written wrong.

use std::io::Write;

use crate::error::{Error, Result};
use crate::layout::{Dims, ExprKind, Item, Scalar, Type};
use crate::map::{ArrayNode, Elems, Map, Member, Node, NodeKind};
use crate::progress::Progress;
use crate::query::Predicate;
use crate::query::table::{LANE, Table, chunks};
use crate::select::{RowFilter, Seg, path_to_string};

/// `array` with each element reduced to `fields` (paths inside it, like
/// `name` or `coords.x`), in the order given. The result is a struct whose
/// members keep their offsets, so every sink reads it as it reads the
/// full element.
///
/// ```
/// use binmap::select::{Seg, parse_path};
/// let layout = binmap::Layout::parse("r: { a: u8, b: u16, c: u8 }[2]").unwrap();
/// let map = binmap::Map::new(&layout, &[1, 2, 0, 3, 4, 5, 0, 6], "x").unwrap();
/// let binmap::map::NodeKind::Struct(ms) = &map.root.kind else { panic!() };
/// let binmap::map::NodeKind::Array(a) = &ms[0].node.kind else { panic!() };
/// let fields = vec![parse_path("c").unwrap(), parse_path("a").unwrap()];
/// let picked = binmap::extract::pick_fields(a, &fields).unwrap();
/// let rows = binmap::select::RowSet::new(&picked, 0, 0..2, vec![Seg::Field("r".into())]);
/// let mut out = Vec::new();
/// binmap::sink::csv::write_rows(map.data(), &rows, &mut out).unwrap();
/// assert_eq!(out, b"c,a\n3,1\n6,4\n");
/// ```
pub fn pick_fields(array: &ArrayNode, fields: &[Vec<Seg>]) -> Result<ArrayNode> {
    let elems = match &array.elems {
        Elems::Uniform { stride, elem } => Elems::Uniform { stride: *stride, elem: pick(elem, fields)? },
        Elems::Walked(v) => Elems::Walked(v.iter().map(|e| pick(e, fields)).collect::<Result<_>>()?),
    };
    Ok(ArrayNode { elems, ..array.clone() })
}

/// `node` (a struct) reduced to the members at `fields`.
fn pick(node: &Node, fields: &[Vec<Seg>]) -> Result<Node> {
    let NodeKind::Struct(members) = &node.kind else {
        return Err(Error::usage("--fields needs rows that are records (structs)"));
    };
    let mut out: Vec<Member> = Vec::new();
    for path in fields {
        let Some((Seg::Field(first), rest)) = path.split_first() else {
            return Err(Error::usage(format!("--fields: '{}' is not a field name", path_to_string(path))));
        };
        let m = members.iter().find(|m| m.name.as_deref() == Some(&**first)).ok_or_else(|| {
            let names: Vec<&str> = members.iter().filter_map(|m| m.name.as_deref()).collect();
            Error::usage(format!(
                "--fields: no field '{first}'; the records have: {}{}",
                names.join(", "),
                crate::suggest::hint(first, names.iter().copied())
            ))
        })?;
        let picked = if rest.is_empty() {
            m.clone()
        } else {
            // `coords.x`: a struct of just `x` in place of `coords`, merged
            // with other picks from the same struct (`coords.x,coords.y`).
            let inner = pick(&m.node, &[rest.to_vec()])?;
            match out.iter_mut().find(|o| o.name == m.name) {
                Some(Member { node: Node { kind: NodeKind::Struct(have), .. }, .. }) => {
                    if let NodeKind::Struct(add) = inner.kind {
                        have.extend(add);
                    }
                    continue;
                }
                _ => Member { node: inner, ..m.clone() },
            }
        };
        if out.iter().any(|o| o.name == picked.name) {
            return Err(Error::usage(format!("--fields names '{}' twice", path_to_string(path))));
        }
        out.push(picked);
    }
    Ok(Node { kind: NodeKind::Struct(out), ..node.clone() })
}

/// Write the file with only the rows of `table` that pass `filter` (every
/// row of `table.rows` without one): the bytes before the table, the
/// matching elements, the bytes after it, with the header's count field
/// rewritten. Returns the number of rows written.
///
/// Matching rows that follow each other in the file are one range of the
/// input, written straight from the map (which an output file may turn
/// into a file-to-file copy).
///
/// ```
/// use binmap::query::table::Table;
/// let layout = binmap::Layout::parse("n: u8\nr: u16[n]").unwrap();
/// let map = binmap::Map::new(&layout, &[3, 1, 0, 2, 0, 3, 0], "x").unwrap();
/// let (table, _) = Table::for_paths(&map, &[], Some(binmap::select::Rows::parse("1..").unwrap())).unwrap();
/// let mut out = Vec::new();
/// assert_eq!(binmap::extract::write_bin(&map, &table, None, &(), &mut out).unwrap(), 2);
/// assert_eq!(out, [2, 2, 0, 3, 0]);
/// ```
pub fn write_bin(
    map: &Map<'_>,
    table: &Table<'_>,
    filter: Option<&Predicate<'_>>,
    progress: &dyn Progress,
    out: &mut dyn Write,
) -> Result<u64> {
    let data = map.data();
    let count_field = count_field(map, table)?;
    let (start, end) = (table.abs, table.abs + array_size(table.array));
    // The count goes into the header, before the rows: count them first.
    let mut matched = 0u64;
    for chunk in chunks(table.rows.clone(), LANE * 16) {
        matched += match filter {
            Some(f) => {
                let mut ids = Vec::new();
                f.matching(chunk.clone(), &mut ids)?;
                ids.len() as u64
            }
            None => chunk.end - chunk.start,
        };
        progress.advance(chunk.end - chunk.start);
    }
    let mut head = data[..start as usize].to_vec();
    if let Some((at, scalar)) = count_field {
        let bytes = int_bytes(matched, scalar).ok_or_else(|| {
            Error::input(format!("{matched} rows do not fit the count field (a {})", scalar.kind.name()))
        })?;
        head[at as usize..at as usize + bytes.len()].copy_from_slice(&bytes);
    }
    write_all(out, &head)?;
    let mut rows = Rows { data, table, buf: Vec::with_capacity(1 << 20), run: None };
    let mut ids = Vec::new();
    for chunk in chunks(table.rows.clone(), LANE * 16) {
        ids.clear();
        match filter {
            Some(f) => f.matching(chunk.clone(), &mut ids)?,
            None => ids.extend(chunk.clone()),
        }
        for &r in &ids {
            rows.push(r, out)?;
        }
        progress.advance(chunk.end - chunk.start);
    }
    rows.end_run(out)?;
    write_all(out, &rows.buf)?;
    write_all(out, &data[end as usize..])?;
    Ok(matched)
}

/// Matching rows on their way out: small pieces gathered in `buf`, runs
/// of rows that follow each other in the file written as one range of the map.
struct Rows<'a, 't> {
    data: &'a [u8],
    table: &'a Table<'t>,
    buf: Vec<u8>,
    /// The bytes of the current run of rows that follow each other in the file.
    run: Option<std::ops::Range<usize>>,
}

/// A run at least this long is written from the map in one piece.
const RUN_BYTES: usize = 1 << 16;

impl Rows<'_, '_> {
    fn push(&mut self, r: u64, out: &mut dyn Write) -> Result<()> {
        let (node, off) = self.table.array.elem(r);
        let at = (self.table.abs + off) as usize;
        let bytes = at..at + node.size as usize;
        match &mut self.run {
            Some(run) if run.end == bytes.start => run.end = bytes.end,
            _ => {
                self.end_run(out)?;
                self.run = Some(bytes);
            }
        }
        Ok(())
    }

    /// Write out the current run: into `buf` if short, else (after `buf`) on its own.
    fn end_run(&mut self, out: &mut dyn Write) -> Result<()> {
        let Some(run) = self.run.take() else { return Ok(()) };
        if run.len() < RUN_BYTES {
            self.buf.extend_from_slice(&self.data[run]);
            if self.buf.len() >= 1 << 20 {
                write_all(out, &self.buf)?;
                self.buf.clear();
            }
            return Ok(());
        }
        write_all(out, &self.buf)?;
        self.buf.clear();
        crate::convert::write_range(out, &self.data[run])
    }
}

fn write_all(out: &mut dyn Write, b: &[u8]) -> Result<()> {
    out.write_all(b).map_err(|e| Error::io("<output>", &e))
}

/// Bytes the array spans.
fn array_size(a: &ArrayNode) -> u64 {
    match &a.elems {
        Elems::Uniform { stride, .. } => stride * a.count,
        Elems::Walked(v) => v.last().map_or(0, |n| n.offset + n.size),
    }
}

/// Where the table's count is stored: `None` for `[..]`, or the absolute
/// offset and type of the top-level integer field that `[n]` names.
fn count_field(map: &Map<'_>, table: &Table<'_>) -> Result<Option<(u64, Scalar)>> {
    let name = match table.path.as_slice() {
        [Seg::Field(name)] => name.clone(),
        _ => {
            return Err(Error::usage(format!(
                "--format bin works on a top-level array; '{}' is inside another field",
                path_to_string(&table.path)
            )));
        }
    };
    let refuse = |why: &str| Error::usage(format!("--format bin cannot rewrite the size of '{name}': {why}"));
    let items = &map.layout().root.items;
    let field = items
        .iter()
        .find_map(|it| match it {
            Item::Field(f) if f.name.as_deref() == Some(&*name) => Some(f),
            _ => None,
        })
        .ok_or_else(|| refuse("it is not a plain top-level field"))?;
    let Type::Array { dims, .. } = &field.ty else { return Err(refuse("it is not an array")) };
    let exprs = match dims {
        Dims::ToEnd => return Ok(None),
        Dims::Fixed(e) => e,
        Dims::Fortran(_) => return Err(refuse("it is in Fortran order")),
        Dims::Until(_) | Dims::While(_) => return Err(refuse("its elements decide where it ends ([until ...])")),
    };
    let [count] = exprs.as_slice() else { return Err(refuse("it has more than one dimension")) };
    let ExprKind::Path(p) = &count.kind else {
        return Err(refuse("its count is an expression, not one field (like [n]) or [..]"));
    };
    let [count_name] = p.as_slice() else { return Err(refuse("its count is not a top-level field")) };
    let crate::map::NodeKind::Struct(members) = &map.root.kind else { return Err(refuse("no top-level struct")) };
    let m = members
        .iter()
        .find(|m| m.name.as_deref() == Some(&**count_name))
        .ok_or_else(|| refuse("its count field is not at a fixed place"))?;
    match m.node.kind {
        NodeKind::Scalar(s) if s.kind.is_integer() && m.abs(0) < table.abs => Ok(Some((m.abs(0), s))),
        _ => Err(refuse("its count is not an integer field before it")),
    }
}

/// `v` as the bytes of integer scalar `s` (`None` when out of its range).
fn int_bytes(v: u64, s: Scalar) -> Option<Vec<u8>> {
    let (lo, hi) = s.kind.int_range()?;
    let v = i128::from(v);
    if v < lo || v > hi {
        return None;
    }
    let size = s.kind.size() as usize;
    let mut b = v.to_le_bytes()[..size].to_vec();
    if s.endian == crate::layout::Endian::Big {
        b.reverse();
    }
    Some(b)
}
