//! Paths (`records.value`, `data[0,1]`, `data[:, 1]`, `x[n-1]`) and row
//! ranges (`--rows -10..`) applied to a [`Map`].
//!
//! A path walks struct fields and array indexes with numpy's basic
//! indexing ([`index`]): a field name applied to an array projects it over
//! every element (`records.value` is the `value` of each record), a slice
//! keeps a dimension, a single index drops it. The result, a
//! [`Selection`], is either one piece of the file or an array-shaped
//! [`Picked`], resolved here once; sinks (JSON, CSV, tables, `.npy`,
//! Arrow, `set`) consume it through a [`RowSet`] without navigating the
//! map themselves.
//!
//! May call: `crate::map`, `crate::layout`, `crate::error`.

use crate::error::{Error, Result};
use crate::map::{Map, Node, NodeKind};

mod index;
mod path;
mod rows;

pub use index::Picked;
pub(crate) use index::byte_strides;
pub use path::{IExpr, Ix, Op, Seg, parse_path, path_to_string};
pub use rows::{RowFilter, RowSet, Rows};

/// A node at an absolute offset.
#[derive(Clone, Copy, Debug)]
pub struct View<'m> {
    pub node: &'m Node,
    pub abs: u64,
}

/// What a path selects.
#[derive(Clone, Debug)]
pub enum Selection<'m> {
    /// One piece of the file (a scalar, a struct, an array).
    One(View<'m>),
    /// An array-shaped selection: the same sub-path of every element of an
    /// array (`records.value`), a slice (`data[:, 1]`, `records[::1000]`).
    Many(Picked<'m>),
}

/// Select `path` in `map`.
///
/// ```
/// use binmap::select::{parse_path, select, Selection};
/// let layout = binmap::Layout::parse("r: u8; c: u8; d: u8[r, c]").unwrap();
/// let map = binmap::Map::new(&layout, &[2, 3, 0, 1, 2, 3, 4, 5], "x").unwrap();
/// let Selection::Many(col) = select(&map, &parse_path("d[:, 1]").unwrap()).unwrap() else { panic!() };
/// assert_eq!(col.shape(), [2]);
/// assert_eq!((col.elem(0).unwrap().abs, col.elem(1).unwrap().abs), (3, 6));
/// let Selection::One(v) = select(&map, &parse_path("d[-1, c - 1]").unwrap()).unwrap() else { panic!() };
/// assert_eq!(v.abs, 7);
/// let err = select(&map, &parse_path("d[2]").unwrap()).unwrap_err();
/// assert!(err.to_string().contains("index 2 is out of range for 'd', whose axis 0 has 2 elements"), "{err}");
/// ```
pub fn select<'m>(map: &'m Map<'_>, path: &[Seg]) -> Result<Selection<'m>> {
    Ok(match index::walk(map, path)? {
        Ok(v) => Selection::One(v),
        Err(p) => Selection::Many(p),
    })
}

impl<'m> Selection<'m> {
    /// The selection as numpy sees it when it is array-shaped: a
    /// [`Picked`] (`None` for one value or struct).
    pub fn picked(&self) -> Option<Picked<'m>> {
        match self {
            Selection::Many(p) => Some(p.clone()),
            Selection::One(v) => match &v.node.kind {
                NodeKind::Array(a) => Some(Picked::enter(a, v.abs)),
                _ => None,
            },
        }
    }

    /// The selection as rows when it is array-shaped (`None` otherwise);
    /// `rows` limits them (an error when it names one row that is not there).
    pub fn rows(&self, rows: Rows, path: &[Seg]) -> Result<Option<RowSet<'m>>> {
        let Some(p) = self.picked() else { return Ok(None) };
        let first = p.shape().first().copied().unwrap_or(0);
        Ok(Some(RowSet::of(p, rows.checked_range(first)?, path.to_vec())))
    }
}

pub(crate) fn step<'m>(view: View<'m>, seg: &Seg, path: &[Seg]) -> Result<View<'m>> {
    match (seg, &view.node.kind) {
        (Seg::Field(name), NodeKind::Struct(members)) => {
            let m = members.iter().find(|m| m.name.as_deref() == Some(name)).ok_or_else(|| {
                let names: Vec<&str> = members.iter().filter_map(|m| m.name.as_deref()).collect();
                Error::usage(format!(
                    "no field '{name}' in path '{}'; fields here: {}{}",
                    path_to_string(path),
                    names.join(", "),
                    crate::suggest::hint(name, names.iter().copied())
                ))
            })?;
            Ok(View { node: &m.node, abs: m.abs(view.abs) })
        }
        (Seg::Index(ix), NodeKind::Array(a)) => {
            if ix.len() != a.shape.len() {
                return Err(Error::usage(format!(
                    "'{}' indexes {} dimension(s) of an array with {}",
                    path_to_string(path),
                    ix.len(),
                    a.shape.len()
                )));
            }
            let mut flat: u64 = 0;
            for (&i, &d) in ix.iter().zip(&a.shape) {
                let Some(i) = resolve_index(i, d) else {
                    return Err(Error::usage(format!(
                        "index {i} is out of range for a dimension of {d} in '{}'",
                        path_to_string(path)
                    )));
                };
                flat = flat * d + i;
            }
            let (e, off) = a.elem(flat);
            Ok(View { node: e, abs: view.abs + off })
        }
        (Seg::Field(name), _) => Err(Error::usage(format!(
            "'{}': there is no field '{name}' in a {}",
            path_to_string(path),
            kind_name(view.node)
        ))),
        (Seg::Take(_), NodeKind::Array(_)) => Err(Error::usage(format!(
            "'{}': a slice or an expression inside elements of varying size; select one element first (like records[3].items[1:])",
            path_to_string(path)
        ))),
        (Seg::Index(_) | Seg::Take(_), _) => Err(Error::usage(format!(
            "'{}': too many indices: a {} cannot be indexed",
            path_to_string(path),
            kind_name(view.node)
        ))),
    }
}

pub(crate) fn kind_name(n: &Node) -> &'static str {
    match n.kind {
        NodeKind::Scalar(_) | NodeKind::Enum(..) | NodeKind::Bits(_) => "scalar",
        NodeKind::Char | NodeKind::Text(..) | NodeKind::Cstr => "string",
        NodeKind::Struct(_) => "struct",
        NodeKind::Array(_) => "array",
    }
}

/// Apply a projection (the rest of a path) to one element.
pub fn project<'m>(mut view: View<'m>, proj: &[Seg], path: &[Seg]) -> Result<View<'m>> {
    for seg in proj {
        if let (Seg::Field(_), NodeKind::Array(_)) = (seg, &view.node.kind) {
            return Err(Error::usage(format!(
                "'{}' projects through two arrays; select one element of the outer array first (like records[0].{})",
                path_to_string(path),
                path_to_string(proj)
            )));
        }
        view = step(view, seg, path)?;
    }
    Ok(view)
}

/// Python's index rule: `i` in `0..len`, or `-len..0` counted from the end.
pub fn resolve_index(i: i64, len: u64) -> Option<u64> {
    if i >= 0 {
        let i = i as u64;
        (i < len).then_some(i)
    } else {
        len.checked_sub(i.unsigned_abs())
    }
}

/// The default table of a whole file: its last top-level array (`records`
/// of db.dat, `coords` of flight_path.b, `data` of data.bin), even when a
/// footer follows it.
pub fn main_table(map: &Map<'_>) -> Option<Vec<Seg>> {
    let NodeKind::Struct(ms) = &map.root.kind else { return None };
    let last = ms.iter().rev().find(|m| m.name.is_some() && matches!(m.node.kind, NodeKind::Array(_)))?;
    Some(vec![Seg::Field(last.name.clone()?)])
}
