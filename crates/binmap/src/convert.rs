//! Writing a selection as a `.npy` file (numpy's format, version 1.0), so
//! that `np.load` gives the same values: the dtype `descr` comes from the
//! layout type ([`crate::layout::numpy::descr`]), the data are the
//! elements' bytes in C order, byte order kept as it is in the file.

use crate::error::{Error, Result};
use crate::layout::Type;
use crate::map::{Map, NodeKind, slice};
use crate::select::{Rows, Seg, Selection, main_table, parse_path, path_to_string, select};
use std::io::Write;

/// Write `path` of `map` (default: the main table) as `.npy` bytes.
///
/// ```
/// let layout = binmap::Layout::parse("n: u8\nv: f64be[n]").unwrap();
/// let mut data = vec![2u8];
/// data.extend(1.5f64.to_be_bytes());
/// data.extend(2.5f64.to_be_bytes());
/// let map = binmap::Map::new(&layout, &data, "x").unwrap();
/// let mut out = Vec::new();
/// binmap::convert::write_npy(&map, None, None, &mut out).unwrap();
/// assert!(out.starts_with(b"\x93NUMPY\x01\x00"));
/// assert!(String::from_utf8_lossy(&out).contains("'descr': '>f8', 'fortran_order': False, 'shape': (2,)"));
/// assert!(out.ends_with(&2.5f64.to_be_bytes()));
/// ```
pub fn write_npy(map: &Map<'_>, path: Option<&str>, rows: Option<Rows>, out: &mut dyn Write) -> Result<()> {
    let segs: Vec<Seg> = match path {
        Some(p) => parse_path(p)?,
        None => main_table(map).unwrap_or_default(),
    };
    let sel = select(map, &segs)?;
    let what = if segs.is_empty() { "the file".to_string() } else { path_to_string(&segs) };
    let Some(rs) = sel.rows(rows.unwrap_or_default(), &segs)? else {
        // One value: a 0-d array.
        let Selection::One(v) = sel else { return Err(Error::usage("internal: a projection without rows")) };
        if rows.is_some() {
            return Err(Error::usage(format!("--rows needs an array; {what} is not one")));
        }
        let ty = leaf_type(&v.node.kind).ok_or_else(|| {
            Error::usage(format!("{what} is a struct of the whole file: choose an array or a field to write as .npy"))
        })?;
        let descr = descr_of(&ty, &what)?;
        write_all(out, &crate::npy::header_bytes(&descr, false, &[]))?;
        return write_all(out, slice(map.data(), v.abs, v.node.size));
    };
    let elem_type = rs
        .leaf_type()
        .ok_or_else(|| Error::usage(format!("{what}: its element type cannot be followed through the path")))?;
    let descr = descr_of(&elem_type, &what)?;
    let mut shape = vec![rs.rows.end - rs.rows.start];
    shape.extend_from_slice(&rs.shape()[1.min(rs.shape().len())..]);
    write_all(out, &crate::npy::header_bytes(&descr, false, &shape))?;
    let row_len = rs.row_len();
    // Whole elements of a C-order array, no filter: the bytes are one
    // contiguous range of the input, written straight from the map (a
    // copy, not an element-by-element decode).
    if let Some((first, stride, node)) = rs.fixed()
        && node.size == stride
        && !rs.is_filtered()
    {
        let span =
            |r: u64| r.checked_mul(row_len).and_then(|e| e.checked_mul(stride)).and_then(|b| b.checked_add(first));
        let (Some(start), Some(end)) = (span(rs.rows.start), span(rs.rows.end)) else {
            return Err(Error::usage("internal: an array past the end of the address space"));
        };
        let data = map.data();
        let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
            return Err(Error::usage("internal: an array past the end of the address space"));
        };
        let bytes = data.get(start..end).ok_or_else(|| Error::data("internal: an array past the end of the file"))?;
        return write_range(out, bytes);
    }
    let mut buf = Vec::with_capacity(1 << 20);
    for r in rs.rows.clone() {
        for j in 0..row_len {
            let v = rs.elem(r * row_len + j)?;
            buf.extend_from_slice(slice(map.data(), v.abs, v.node.size));
        }
        if buf.len() >= 1 << 20 {
            write_all(out, &buf)?;
            buf.clear();
        }
    }
    write_all(out, &buf)
}

/// Bytes per `write` when copying a contiguous range from the map.
const COPY_PIECE: usize = 8 << 20;

/// Write `bytes`, a range of the map, in large pieces (each may become a
/// file-to-file copy: the CLI's output file recognises bytes of the map).
pub(crate) fn write_range(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    bytes.chunks(COPY_PIECE).try_for_each(|piece| write_all(out, piece))
}

fn write_all(out: &mut dyn Write, b: &[u8]) -> Result<()> {
    out.write_all(b).map_err(|e| Error::io("<output>", &e))
}

fn descr_of(ty: &Type, what: &str) -> Result<String> {
    crate::layout::numpy::descr(ty).map_err(|m| Error::usage(format!("{what} cannot be written as .npy: {m}")))
}

/// The layout type of a leaf node (for a single value).
fn leaf_type(kind: &NodeKind) -> Option<Type> {
    match kind {
        // An enum is its integer in numpy.
        NodeKind::Scalar(s) | NodeKind::Enum(s, _) => Some(Type::Scalar(*s)),
        NodeKind::Char => Some(Type::Char),
        _ => None,
    }
}
