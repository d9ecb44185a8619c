//! What the Python package (`python/`, `import binmap`) needs from the
//! library beyond the commands' own API: where a path's bytes are as a numpy
//! array (offset, shape, strides, dtype), the rows matching a condition, and
//! Arrow record batches of any range of rows. The package is a thin layer
//! over these and the rest of the crate; nothing here knows of Python.
//!
//! ```
//! use binmap::pyapi::numpy_view;
//! let layout = binmap::Layout::parse("n: u8\nr: { t: u16be, v: f32 }[n]").unwrap();
//! let data = [2u8, 0, 1, 0, 0, 0x80, 0x3f, 0, 2, 0, 0, 0, 0x40];
//! let map = binmap::Map::new(&layout, &data, "x").unwrap();
//! let v = numpy_view(&map, "r.v").unwrap().unwrap();
//! assert_eq!((v.offset, v.shape.as_slice(), v.strides.as_slice()), (3, &[2][..], &[6][..]));
//! assert_eq!(v.descr, "'<f4'");
//! let r = numpy_view(&map, "r").unwrap().unwrap();
//! assert_eq!(r.descr, "{'names': ['t', 'v'], 'formats': ['>u2', '<f4'], 'offsets': [0, 2], 'itemsize': 6}");
//!
//! // An empty file of records: `r.v` is still a (0,) view, as numpy's.
//! let layout = binmap::Layout::parse("r: { t: u16be, v: f32 }[..]").unwrap();
//! let map = binmap::Map::new(&layout, &[], "empty").unwrap();
//! let v = numpy_view(&map, "r.v").unwrap().unwrap();
//! assert_eq!((v.shape.as_slice(), v.descr.as_str()), (&[0][..], "'<f4'"));
//! ```

use std::ops::Range;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::layout::numpy::py_repr_str;
use crate::layout::{Endian, ScalarKind, TextKind};
use crate::map::{Elems, Map, Node, NodeKind, TextEnd};
use crate::query::Predicate;
use crate::query::table::{Table, chunks};
use crate::select::{RowFilter, Selection, parse_path, select};

/// A path's bytes as a numpy array: `np.ndarray(shape, np.dtype(descr),
/// buffer=file, offset=offset, strides=strides)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumpyView {
    /// Absolute offset of the first element in the file.
    pub offset: u64,
    /// The array's shape (`[]` for one value).
    pub shape: Vec<u64>,
    /// Bytes between elements, per dimension.
    pub strides: Vec<u64>,
    /// The element's dtype as a Python literal for `np.dtype(...)`: a
    /// typestr (`'<f8'`, `'|S12'`), a `(base, shape)` sub-array, or the dict
    /// form with names, formats, offsets and itemsize.
    pub descr: String,
    /// The element is `bf16`, given as `uint16` (`descr`): numpy has no
    /// bfloat16, so the caller widens it to float32.
    pub bf16: bool,
}

/// The numpy view of `path` in `map`, or `None` when numpy cannot express
/// its bytes (elements of varying size, `utf8`, `cstr`, bf16 inside
/// records, Fortran-ordered sub-arrays, decompressed bytes): those are
/// decoded instead.
pub fn numpy_view(map: &Map<'_>, path: &str) -> Result<Option<NumpyView>> {
    let segs = parse_path(path)?;
    let sel = select(map, &segs)?;
    let (abs, node, outer_shape, outer_strides) = match sel {
        Selection::One(v) => (v.abs, v.node, Vec::new(), Vec::new()),
        Selection::Many(p) => {
            let Some((base, shape, st, node)) = p.strided() else { return Ok(None) };
            // numpy takes negative strides, but a view of a buffer starts at
            // its lowest byte: reversed selections are decoded instead.
            let Ok(st) = st.iter().map(|s| u64::try_from(*s)).collect::<std::result::Result<Vec<u64>, _>>() else {
                return Ok(None);
            };
            (base, node, shape.to_vec(), st)
        }
    };
    // (An empty selection has no bytes: its template may lie past the end.)
    if !outer_shape.contains(&0) && abs.saturating_add(node.size) > map.filesize() {
        // Decompressed bytes (`zlib(T) within n`), which only the map
        // holds: decoded, never a view of the file.
        return Ok(None);
    }
    // A top-level array of bf16 values: uint16, widened by the caller.
    let leaf = leaf_of(node);
    let bf16 = matches!(&leaf.kind, NodeKind::Scalar(s) if s.kind == ScalarKind::BF16);
    let (mut shape, mut st, elem) = (outer_shape, outer_strides, node);
    let elem = match &elem.kind {
        NodeKind::Array(a) => match &a.elems {
            Elems::Uniform { stride, elem } => {
                st.extend(
                    crate::select::byte_strides(&a.shape, *stride, a.fortran).into_iter().map(|s| s.unsigned_abs()),
                );
                shape.extend(a.shape.iter().copied());
                elem
            }
            Elems::Walked(_) => return Ok(None),
        },
        _ => elem,
    };
    let descr = if bf16 {
        match leaf_of(elem).kind {
            NodeKind::Scalar(s) => format!("'{}u2'", if s.endian == Endian::Big { '>' } else { '<' }),
            _ => return Ok(None),
        }
    } else {
        match dtype_of(elem) {
            Some(d) => d,
            None => return Ok(None),
        }
    };
    Ok(Some(NumpyView { offset: abs, shape, strides: st, descr, bf16 }))
}

/// The innermost element of nested uniform arrays.
fn leaf_of(node: &Node) -> &Node {
    match &node.kind {
        NodeKind::Array(a) => match &a.elems {
            Elems::Uniform { elem, .. } => leaf_of(elem),
            Elems::Walked(_) => node,
        },
        _ => node,
    }
}

/// The numpy dtype literal of one resolved node, if numpy can express it.
pub fn dtype_of(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Scalar(s) => {
            let (c, n) = match s.kind {
                ScalarKind::I8 => ('i', 1),
                ScalarKind::I16 => ('i', 2),
                ScalarKind::I32 => ('i', 4),
                ScalarKind::I64 => ('i', 8),
                ScalarKind::U8 => ('u', 1),
                ScalarKind::U16 => ('u', 2),
                ScalarKind::U32 => ('u', 4),
                ScalarKind::U64 => ('u', 8),
                ScalarKind::F16 => ('f', 2),
                ScalarKind::F32 => ('f', 4),
                ScalarKind::F64 => ('f', 8),
                ScalarKind::C64 => ('c', 8),
                ScalarKind::C128 => ('c', 16),
                ScalarKind::Bool => ('b', 1),
                #[allow(unreachable_patterns)]
                _ => return None,
            };
            if n != s.kind.size() || node.size != n {
                return None;
            }
            let o = if n == 1 {
                '|'
            } else if s.endian == Endian::Big {
                '>'
            } else {
                '<'
            };
            Some(format!("'{o}{c}{n}'"))
        }
        // numpy sees an enum's integer.
        NodeKind::Enum(s, _) => dtype_of(&Node { offset: node.offset, size: node.size, kind: NodeKind::Scalar(*s) }),
        NodeKind::Char => (node.size == 1).then(|| "'|S1'".to_string()),
        NodeKind::Text(kind, end) => match kind {
            // numpy has no zero-size S or U; V0 is a valid (empty) void.
            // numpy's S and U strip trailing NULs, which a text sized by
            // the data keeps: no dtype for it.
            _ if *end == TextEnd::Exact && *kind != TextKind::Void => None,
            TextKind::Bytes if node.size > 0 => Some(format!("'|S{}'", node.size)),
            TextKind::Void => Some(format!("'|V{}'", node.size)),
            TextKind::Ucs4(e) if node.size > 0 && node.size.is_multiple_of(4) => {
                Some(format!("'{}U{}'", if *e == Endian::Big { '>' } else { '<' }, node.size / 4))
            }
            _ => None,
        },
        NodeKind::Cstr => None,
        NodeKind::Struct(members) => {
            let (mut names, mut formats, mut offsets) = (Vec::new(), Vec::new(), Vec::new());
            for m in members {
                let Some(name) = &m.name else { continue };
                // numpy has no field read elsewhere (`T @ EXPR`).
                if m.at.is_some() || names.iter().any(|n: &String| *n == py_repr_str(name)) {
                    return None;
                }
                names.push(py_repr_str(name));
                formats.push(member_dtype(&m.node)?);
                offsets.push(m.node.offset.to_string());
            }
            Some(format!(
                "{{'names': [{}], 'formats': [{}], 'offsets': [{}], 'itemsize': {}}}",
                names.join(", "),
                formats.join(", "),
                offsets.join(", "),
                node.size
            ))
        }
        NodeKind::Array(_) => member_dtype(node),
        // Kinds added to the language later are decoded until described here.
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// A field's dtype: a C-ordered array of contiguous elements becomes a
/// `(base, shape)` sub-array.
fn member_dtype(node: &Node) -> Option<String> {
    let NodeKind::Array(a) = &node.kind else { return dtype_of(node) };
    let Elems::Uniform { stride, elem } = &a.elems else { return None };
    if a.fortran && a.shape.iter().filter(|d| **d > 1).count() > 1 {
        return None;
    }
    if *stride != elem.size || elem.size == 0 {
        return None;
    }
    let base = dtype_of(elem)?;
    let shape: Vec<String> = a.shape.iter().map(u64::to_string).collect();
    let shape = if shape.len() == 1 { format!("({},)", shape[0]) } else { format!("({})", shape.join(", ")) };
    Some(format!("({base}, {shape})"))
}

/// The rows of the table at `path` (default: the main table) that satisfy
/// `condition`, in order, found on all cores.
///
/// ```
/// let layout = binmap::Layout::parse("r: { k: u8, v: i8 }[..]").unwrap();
/// let map = binmap::Map::new(&layout, &[1, 5, 2, 0xff, 3, 7], "x").unwrap();
/// assert_eq!(binmap::pyapi::matching_rows(&map, None, "v > 0", None).unwrap(), [0, 2]);
/// ```
pub fn matching_rows(
    map: &Map<'_>,
    path: Option<&str>,
    condition: &str,
    rows: Option<crate::select::Rows>,
) -> Result<Vec<u64>> {
    let paths: Vec<String> = path.iter().map(|p| p.to_string()).collect();
    let (table, columns) = Table::for_paths(map, &paths, rows)?;
    if columns.iter().any(|c| !c.is_empty()) {
        return Err(Error::usage("select takes the path of an array of records (like records)"));
    }
    let filter = Predicate::new(condition, &table)?;
    let blocks: Vec<Range<u64>> = chunks(table.rows.clone(), 1 << 16).collect();
    let parts: Vec<Result<Vec<u64>>> = blocks
        .into_par_iter()
        .map(|rows| {
            let mut ids = Vec::new();
            filter.matching(rows, &mut ids)?;
            Ok(ids)
        })
        .collect();
    let mut out = Vec::new();
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

/// Arrow record batches of an export table: the batch boundaries and the
/// batches themselves, built on all cores (as `convert` builds them).
#[cfg(feature = "arrow")]
pub mod arrow {
    use std::ops::Range;

    use arrow_array::RecordBatch;
    use arrow_schema::SchemaRef;
    use rayon::prelude::*;

    use crate::error::Result;
    use crate::export::Table;

    /// `rows` cut into batches of `batch_rows` (default: the table's own
    /// size, about 64 MiB of input or 2^20 rows).
    pub fn batch_ranges(table: &Table<'_>, rows: Range<u64>, batch_rows: Option<u64>) -> Vec<Range<u64>> {
        let size = batch_rows.unwrap_or_else(|| table.batch_rows()).max(1);
        let mut out = Vec::new();
        let mut at = rows.start;
        while at < rows.end {
            let end = at.saturating_add(size).min(rows.end);
            out.push(at..end);
            at = end;
        }
        out
    }

    /// The record batch of `rows`.
    pub fn batch(table: &Table<'_>, schema: &SchemaRef, rows: Range<u64>) -> Result<RecordBatch> {
        table.record_batch(rows, schema)
    }

    /// The schema and record batches of the table at `path` (default: the
    /// main table) when it is a one-dimensional array of fixed-size records,
    /// built in parallel with one copy of each text value; `None` for other
    /// tables (use [`batches`]). The same schema and values as
    /// [`crate::export::Table`] gives.
    ///
    /// ```
    /// let layout = binmap::Layout::parse("r: { s: bytes[3], v: u8 }[..]").unwrap();
    /// let map = binmap::Map::new(&layout, b"ab\x00\x01\xffz\x00\x02", "x").unwrap();
    /// let (schema, b) = binmap::pyapi::arrow::fast_batches(&map, None, None, Some(1)).unwrap().unwrap();
    /// assert_eq!(schema.field(0).data_type().to_string(), "Binary");
    /// assert_eq!(b.len(), 2);
    /// let table = binmap::export::Table::new(&map, None, None).unwrap();
    /// assert_eq!(table.schema().unwrap(), schema);
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn fast_batches(
        map: &crate::Map<'_>,
        path: Option<&str>,
        rows: Option<crate::select::Rows>,
        batch_rows: Option<u64>,
    ) -> Result<Option<(SchemaRef, Vec<RecordBatch>)>> {
        crate::export::pyfast::record_batches(map, path, rows, batch_rows)
    }

    /// The record batches of `rows`, built in parallel, in order.
    ///
    /// ```
    /// let layout = binmap::Layout::parse("v: f64[..]").unwrap();
    /// let data: Vec<u8> = (0..10).flat_map(|i| f64::from(i).to_le_bytes()).collect();
    /// let map = binmap::Map::new(&layout, &data, "x").unwrap();
    /// let table = binmap::export::Table::new(&map, None, None).unwrap();
    /// let b = binmap::pyapi::arrow::batches(&table, 2..10, Some(3)).unwrap();
    /// assert_eq!(b.iter().map(|b| b.num_rows()).collect::<Vec<_>>(), [3, 3, 2]);
    /// ```
    pub fn batches(table: &Table<'_>, rows: Range<u64>, batch_rows: Option<u64>) -> Result<Vec<RecordBatch>> {
        let schema = table.schema()?;
        batch_ranges(table, rows, batch_rows).into_par_iter().map(|r| table.record_batch(r, &schema)).collect()
    }
}
