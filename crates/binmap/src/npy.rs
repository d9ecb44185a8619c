//! `.npy` files: numpy's own format, recognised by its magic.
//!
//! A `.npy` file is the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), a
//! header length (a little-endian `u16` in version 1.0, a `u32` after),
//! then the header: a Python dict literal
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with
//! spaces and a newline so that the data start on a multiple of 64 bytes.
//! Versions 1.0 and 2.0 encode the header as Latin-1, version 3.0 as UTF-8.
//!
//! [`read_header`] checks and reads the header, [`layout`] describes the
//! whole file as a [`Layout`] (`_: bytes[header]` then `data: T[shape]`),
//! and [`header_bytes`] writes a header exactly as `np.save` does.
//!
//! ```
//! let mut file = binmap::npy::header_bytes("'<f8'", false, &[2, 3]);
//! for v in 0..6 {
//!     file.extend(f64::from(v).to_le_bytes());
//! }
//! let h = binmap::npy::read_header(&file).unwrap();
//! assert_eq!((h.version, h.shape.as_slice(), h.data_offset), ((1, 0), &[2, 3][..], 128));
//! let layout = binmap::npy::layout(&file, "m.npy").unwrap();
//! let map = binmap::Map::new(&layout, &file, "m.npy").unwrap();
//! let col: binmap::column::Column<f64> = binmap::column::Column::new(&map, "data", None).unwrap();
//! assert_eq!(col.to_vec(), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
//! ```

use std::sync::Arc;

use crate::error::{Error, Result, grouped};
use crate::layout::numpy::{self, Lit, LitKind, parse_literal, py_repr_str};
use crate::layout::{Dims, Expr, ExprKind, Field, Item, Layout, Span, StructType, TextKind, Type};

/// The first six bytes of every `.npy` file.
pub const MAGIC: &[u8] = b"\x93NUMPY";

/// numpy's alignment of the data start (`ARRAY_ALIGN`).
const ARRAY_ALIGN: usize = 64;

/// Spare spaces numpy leaves after the dict so the shape can grow in place
/// (`GROWTH_AXIS_MAX_DIGITS`).
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// The header of a `.npy` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyHeader {
    /// `(1, 0)`, `(2, 0)` or `(3, 0)`.
    pub version: (u8, u8),
    /// The `descr` value as the Python literal written in the header
    /// (`'<f8'` with its quotes, or `[('a', '<i4'), ...]`): what
    /// [`crate::layout::numpy::dtype`] and [`header_bytes`] take.
    pub descr: String,
    pub fortran_order: bool,
    pub shape: Vec<u64>,
    /// Where the data start: the size of magic, version, length and header.
    pub data_offset: u64,
}

fn bad(msg: impl Into<String>, bytes: &[u8], offset: u64) -> Error {
    Error::data(msg).with_bytes(bytes, offset)
}

/// Read and check the header of a `.npy` file.
///
/// Every part is checked: the magic, the version, the header length against
/// the file, the header as a Python dict with exactly the keys `descr`,
/// `fortran_order` and `shape`, the `descr` as a dtype binmap supports, the
/// shape's entries as non-negative integers whose product times the
/// itemsize fits 64 bits. Errors name the offset in the file. That the data
/// are as long as the shape says is checked when the [`layout`] is resolved.
///
/// ```
/// let file = binmap::npy::header_bytes("[('x', '<i4'), ('y', '>f8')]", true, &[4, 0]);
/// let h = binmap::npy::read_header(&file).unwrap();
/// assert_eq!(h.descr, "[('x', '<i4'), ('y', '>f8')]");
/// assert!(h.fortran_order);
/// let err = binmap::npy::read_header(b"\x93NUMPY\x01\x00\xff\x00{}").unwrap_err();
/// assert!(err.to_string().starts_with("the .npy header length 255 at offset 0x8 runs past the end of the file"));
/// ```
pub fn read_header(bytes: &[u8]) -> Result<NpyHeader> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(bad("not a .npy file: it does not start with the magic \\x93NUMPY", bytes, 0));
    }
    let version = match bytes.get(6..8) {
        Some(&[a, b]) => (a, b),
        _ => return Err(bad("the .npy file ends inside its version (offset 0x6)", bytes, 6)),
    };
    let len_size = match version {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        (a, b) => {
            return Err(bad(
                format!("unsupported .npy version {a}.{b} at offset 0x6 (binmap reads 1.0, 2.0 and 3.0)"),
                bytes,
                6,
            ));
        }
    };
    let Some(len_bytes) = bytes.get(8..8 + len_size) else {
        return Err(bad("the .npy file ends inside its header length (offset 0x8)", bytes, 8));
    };
    let hlen = len_bytes.iter().rev().fold(0u64, |a, &b| (a << 8) | u64::from(b));
    let start = 8 + len_size as u64;
    let data_offset = start + hlen;
    if data_offset > bytes.len() as u64 {
        return Err(bad(
            format!(
                "the .npy header length {} at offset 0x8 runs past the end of the file: the header would end at {} but the file has {} bytes",
                grouped(hlen),
                grouped(data_offset),
                grouped(bytes.len() as u64)
            ),
            bytes,
            8,
        ));
    }
    let raw = &bytes[start as usize..data_offset as usize];
    let text: String = if version.0 == 3 {
        match std::str::from_utf8(raw) {
            Ok(t) => t.to_string(),
            Err(e) => {
                let at = start + e.valid_up_to() as u64;
                return Err(bad(
                    format!("the version 3.0 .npy header is not valid UTF-8 at offset {at:#x}"),
                    bytes,
                    at,
                ));
            }
        }
    } else {
        raw.iter().map(|&b| char::from(b)).collect()
    };
    // Offsets in the file of positions in `text`.
    let file_at = |pos: usize| -> u64 {
        let p = pos.min(text.len());
        let n = if version.0 == 3 { p } else { text[..p].chars().count() };
        start + n as u64
    };
    let err_at = |msg: String, pos: usize| -> Error {
        let at = file_at(pos);
        bad(format!("{msg} in the .npy header at offset {at:#x}"), bytes, at)
    };
    let dict =
        parse_literal(&text, version.0 < 3).map_err(|(m, pos)| err_at(format!("cannot parse header: {m}"), pos))?;
    let LitKind::Dict(pairs) = &dict.kind else {
        return Err(err_at(format!("the header is {}, not a dict", dict.kind.what()), dict.start));
    };
    let mut descr: Option<&Lit> = None;
    let mut fortran: Option<&Lit> = None;
    let mut shape: Option<&Lit> = None;
    for (k, v) in pairs {
        let slot = match &k.kind {
            LitKind::Str(s) if s == "descr" => &mut descr,
            LitKind::Str(s) if s == "fortran_order" => &mut fortran,
            LitKind::Str(s) if s == "shape" => &mut shape,
            other => {
                return Err(err_at(
                    format!(
                        "unexpected key {} (a header has exactly 'descr', 'fortran_order' and 'shape')",
                        other.what().trim_start_matches("the string ")
                    ),
                    k.start,
                ));
            }
        };
        if slot.is_some() {
            return Err(err_at(format!("duplicate key {}", &text[k.start..k.end]), k.start));
        }
        *slot = Some(v);
    }
    let missing = |what: &str| err_at(format!("the header has no '{what}' key"), dict.start);
    let descr = descr.ok_or_else(|| missing("descr"))?;
    let fortran = fortran.ok_or_else(|| missing("fortran_order"))?;
    let shape_lit = shape.ok_or_else(|| missing("shape"))?;
    let LitKind::Bool(fortran_order) = fortran.kind else {
        return Err(err_at(format!("fortran_order is not a valid bool: {}", fortran.kind.what()), fortran.start));
    };
    let LitKind::Tuple(dims) = &shape_lit.kind else {
        return Err(err_at(format!("shape is not a tuple: {}", shape_lit.kind.what()), shape_lit.start));
    };
    let mut shape = Vec::with_capacity(dims.len());
    for d in dims {
        match d.kind {
            LitKind::Int(v) if v < 0 => return Err(err_at(format!("shape entry {v} is negative"), d.start)),
            LitKind::Int(v) => match u64::try_from(v) {
                Ok(v) => shape.push(v),
                Err(_) => return Err(err_at(format!("shape entry {v} does not fit 64 bits"), d.start)),
            },
            ref k => return Err(err_at(format!("shape entry is not an integer: {}", k.what()), d.start)),
        }
    }
    let descr_text = text[descr.start..descr.end].to_string();
    let ty = numpy::dtype(&descr_text).map_err(|m| err_at(format!("descr {descr_text}: {m}"), descr.start))?;
    let itemsize = ty.fixed_size().unwrap_or(u64::MAX);
    let total = shape.iter().try_fold(itemsize, |a, &d| a.checked_mul(d));
    if total.is_none_or(|t| t.checked_add(data_offset).is_none()) {
        let dims: Vec<String> = shape.iter().map(|d| grouped(*d)).collect();
        return Err(err_at(
            format!("shape ({}) of {itemsize}-byte elements overflows a 64-bit size", dims.join(", ")),
            shape_lit.start,
        ));
    }
    Ok(NpyHeader { version, descr: descr_text, fortran_order, shape, data_offset })
}

fn int(n: u64) -> Expr {
    Expr { kind: ExprKind::Int(i128::from(n)), span: Span::default() }
}

/// A [`Layout`] describing a whole `.npy` file: the header as anonymous
/// padding (`_: bytes[data_offset]`), then `data: T[d0, d1, ...]` with `T`
/// the header's dtype (`data: T` for a 0-d array; a Fortran-ordered array
/// keeps its logical shape, elements in Fortran order).
///
/// The layout's `source` is its `.bml` text under a comment naming the file;
/// its `origin` is `name`.
///
/// ```
/// let mut file = binmap::npy::header_bytes("[('t', '<i8'), ('v', '<f4')]", false, &[2]);
/// file.extend([0u8; 24]);
/// let layout = binmap::npy::layout(&file, "rec.npy").unwrap();
/// assert!(layout.source.ends_with("_: bytes[128]\ndata: { t: i64, v: f32 }[2]\n"), "{}", layout.source);
/// assert!(binmap::Map::new(&layout, &file[..100], "rec.npy").is_err());
/// ```
pub fn layout(bytes: &[u8], name: &str) -> Result<Layout> {
    let h = read_header(bytes)?;
    let ty = numpy::dtype(&h.descr).map_err(|m| Error::data(format!("{name}: descr {}: {m}", h.descr)))?;
    let data_ty = if h.shape.is_empty() {
        ty
    } else {
        let dims: Vec<Expr> = h.shape.iter().map(|&d| int(d)).collect();
        let dims = if h.fortran_order && h.shape.len() > 1 { Dims::Fortran(dims) } else { Dims::Fixed(dims) };
        Type::Array { elem: Arc::new(ty), dims }
    };
    let header = Field {
        name: None,
        placement: None,
        pointer: None,
        ty: Type::Text { kind: TextKind::Bytes, len: int(h.data_offset) },
        check: None,
        constraint: None,
        span: Span::default(),
    };
    let data = Field {
        name: Some(Arc::from("data")),
        placement: None,
        pointer: None,
        ty: data_ty,
        check: None,
        constraint: None,
        span: Span::default(),
    };
    let mut root = StructType { items: vec![Item::Field(header), Item::Field(data)] };
    let comment = format!(
        "# {}: .npy version {}.{}, descr {}, fortran_order {}, shape {}\n",
        name.replace('\n', " "),
        h.version.0,
        h.version.1,
        h.descr.replace('\n', " "),
        if h.fortran_order { "True" } else { "False" },
        shape_repr(&h.shape)
    );
    let bml = crate::layout::print::to_bml(&root);
    // Point each field's span at its line, for messages that quote it.
    let mut pos = comment.len();
    for (item, line) in root.items.iter_mut().zip(bml.split_inclusive('\n')) {
        if let Item::Field(f) = item {
            f.span = Span { start: pos, end: pos + line.trim_end_matches('\n').len() };
        }
        pos += line.len();
    }
    Ok(Layout { root: Arc::new(root), source: format!("{comment}{bml}").into(), origin: name.to_string() })
}

/// Python's `repr` of a shape tuple: `()`, `(3,)`, `(2, 3)`.
fn shape_repr(shape: &[u64]) -> String {
    match shape {
        [] => "()".into(),
        [d] => format!("({d},)"),
        ds => format!("({})", ds.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// The header `np.save` writes for an array of `descr` (a Python literal,
/// as [`crate::layout::numpy::descr`] gives it), order and `shape`: magic,
/// version, length, the dict with sorted keys, numpy's spare spaces for
/// growing the shape, space padding to a multiple of 64 bytes and a final
/// newline. Version 1.0 when the header fits a `u16` length, else 2.0;
/// version 3.0 when the text is not Latin-1 (a non-Latin-1 field name).
///
/// ```
/// let h = binmap::npy::header_bytes("'<f8'", false, &[3]);
/// assert_eq!(h.len(), 128);
/// assert_eq!(&h[..10], b"\x93NUMPY\x01\x00\x76\x00");
/// assert!(h.starts_with(b"\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }   "));
/// assert!(h.ends_with(b" \n"));
/// ```
pub fn header_bytes(descr: &str, fortran_order: bool, shape: &[u64]) -> Vec<u8> {
    let mut header = format!(
        "{{'descr': {descr}, 'fortran_order': {}, 'shape': {}, }}",
        if fortran_order { "True" } else { "False" },
        shape_repr(shape)
    );
    if !shape.is_empty() {
        let d = if fortran_order { shape[shape.len() - 1] } else { shape[0] };
        let digits = d.to_string().len();
        header.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }
    let latin1: Option<Vec<u8>> = header.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
    let wrap = |version: u8, encoded: &[u8]| -> Option<Vec<u8>> {
        let len_size = if version == 1 { 2 } else { 4 };
        let hlen = encoded.len() + 1;
        let pad = ARRAY_ALIGN - (MAGIC.len() + 2 + len_size + hlen) % ARRAY_ALIGN;
        let total = hlen + pad;
        let mut out = Vec::with_capacity(MAGIC.len() + 2 + len_size + total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[version, 0]);
        if version == 1 {
            out.extend_from_slice(&u16::try_from(total).ok()?.to_le_bytes());
        } else {
            out.extend_from_slice(&u32::try_from(total).ok()?.to_le_bytes());
        }
        out.extend_from_slice(encoded);
        out.resize(out.len() + pad, b' ');
        out.push(b'\n');
        Some(out)
    };
    let out = match &latin1 {
        Some(l) => wrap(1, l).or_else(|| wrap(2, l)),
        None => wrap(3, header.as_bytes()),
    };
    // A header of 4 GiB cannot be written; numpy raises, binmap gives the
    // version 3.0 header with a saturated length rather than panic.
    out.unwrap_or_else(|| {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&[3, 0]);
        v.extend_from_slice(&u32::MAX.to_le_bytes());
        v.extend_from_slice(header.as_bytes());
        v
    })
}

/// The Python literal of a string (for callers building a `descr`):
/// `'<f8'`.
///
/// ```
/// assert_eq!(binmap::npy::py_str("<f8"), "'<f8'");
/// ```
pub fn py_str(s: &str) -> String {
    py_repr_str(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_python2_ints() {
        let mut h = b"\x93NUMPY\x01\x00".to_vec();
        let text = b"{'descr': '<i2', 'fortran_order': False, 'shape': (2L, 3L), }      \n";
        h.extend((text.len() as u16).to_le_bytes());
        h.extend(text);
        let r = read_header(&h).unwrap();
        assert_eq!(r.shape, [2, 3]);
    }
}
