//! Paths (`records.value`, `data[0,1]`, `coords.x`) and row ranges
//! (`--rows -10..`) applied to a [`Map`].
//!
//! A path walks struct fields and array indexes. A field name applied to an
//! array projects it over every element: `records.value` is the `value` of
//! each record. The result, a [`Selection`], is either one piece of the file
//! or a table of rows; sinks (JSON, CSV, tables) consume it without building
//! a value tree.

use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::map::{ArrayNode, Elems, Map, Node, NodeKind};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Field(Arc<str>),
    /// `[i]` or `[i, j]`; negatives count from the end.
    Index(Vec<i64>),
}

/// Parse a path: `records`, `records.value`, `records[3].value`, `data[0,1]`, `data[-1]`.
///
/// ```
/// use binmap::select::{parse_path, Seg};
/// let p = parse_path("records[-1].value").unwrap();
/// assert_eq!(p, vec![Seg::Field("records".into()), Seg::Index(vec![-1]), Seg::Field("value".into())]);
/// assert!(parse_path("records[").is_err());
/// ```
pub fn parse_path(text: &str) -> Result<Vec<Seg>> {
    let bad = |why: &str| Error::usage(format!("bad path '{text}': {why}"));
    let mut segs = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' if !segs.is_empty() && i + 1 < b.len() => i += 1,
            b'[' => {
                let end = text[i..].find(']').ok_or_else(|| bad("missing ']'"))? + i;
                let idx: std::result::Result<Vec<i64>, _> =
                    text[i + 1..end].split(',').map(|s| s.trim().parse::<i64>()).collect();
                segs.push(Seg::Index(idx.map_err(|_| bad("an index must be an integer"))?));
                i = end + 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while let Some(ch) = text[i..].chars().next() {
            if !(ch.is_alphanumeric() || ch == '_') {
                break;
            }
            i += ch.len_utf8();
        }
        if start == i {
            return Err(bad(&format!("unexpected '{}'", &text[i..].chars().next().unwrap_or('?'))));
        }
        segs.push(Seg::Field(Arc::from(&text[start..i])));
        if i < b.len() && b[i] != b'.' && b[i] != b'[' {
            return Err(bad(&format!("unexpected '{}'", &text[i..].chars().next().unwrap_or('?'))));
        }
    }
    Ok(segs)
}

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
    /// The same sub-path of every element of an array (`records.value`).
    Each { array: View<'m>, proj: Vec<Seg> },
}

/// Select `path` in `map`.
pub fn select<'m>(map: &'m Map<'_>, path: &[Seg]) -> Result<Selection<'m>> {
    let mut view = View { node: &map.root, abs: 0 };
    for (k, seg) in path.iter().enumerate() {
        if let (Seg::Field(_), NodeKind::Array(a)) = (seg, &view.node.kind) {
            let proj = path[k..].to_vec();
            // Check the projection against one element (or the template).
            if a.count > 0 || matches!(a.elems, Elems::Uniform { .. }) {
                let (e, _) = a.elem(0);
                project(View { node: e, abs: 0 }, &proj, path)?;
            }
            return Ok(Selection::Each { array: view, proj });
        }
        view = step(view, seg, path)?;
    }
    Ok(Selection::One(view))
}

/// Render a path back to text (`records[3].value`).
pub fn path_to_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Field(n) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(n);
            }
            Seg::Index(ix) => {
                let ix: Vec<String> = ix.iter().map(i64::to_string).collect();
                s.push_str(&format!("[{}]", ix.join(",")));
            }
        }
    }
    s
}

fn step<'m>(view: View<'m>, seg: &Seg, path: &[Seg]) -> Result<View<'m>> {
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
        (Seg::Index(_), _) => {
            Err(Error::usage(format!("'{}': a {} cannot be indexed", path_to_string(path), kind_name(view.node))))
        }
    }
}

fn kind_name(n: &Node) -> &'static str {
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

/// A `--rows A..B` range, Python slice semantics (negatives from the end, clamped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Rows {
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// Given as one row (`7`, `-1`): out of range is an error, as indexing
    /// is in Python, where a slice is clamped.
    pub single: bool,
}

impl Rows {
    /// Parse `A..B`, `A..`, `..B`, `-10..`, or a single row `A`.
    ///
    /// ```
    /// use binmap::select::Rows;
    /// assert_eq!(Rows::parse("-3..").unwrap().range(10), 7..10);
    /// assert_eq!(Rows::parse("2..5").unwrap().range(4), 2..4);
    /// assert_eq!(Rows::parse("7").unwrap().range(10), 7..8);
    /// assert!(Rows::parse("a..b").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Rows> {
        let bad = || {
            Error::usage(format!(
                "bad row range '{text}': expected A..B, A.., ..B or a row number (negatives count from the end)"
            ))
        };
        let num = |s: &str| -> Result<Option<i64>> {
            let s = s.trim();
            if s.is_empty() { Ok(None) } else { s.parse::<i64>().map(Some).map_err(|_| bad()) }
        };
        match text.split_once("..") {
            Some((a, b)) => Ok(Rows { start: num(a)?, end: num(b)?, single: false }),
            None => {
                let a = num(text)?.ok_or_else(bad)?;
                Ok(Rows { start: Some(a), end: Some(if a == -1 { i64::MAX } else { a + 1 }), single: true })
            }
        }
    }

    /// The concrete range for an array of `len` rows: a slice is clamped
    /// to the array, a single row out of range is an error.
    ///
    /// ```
    /// use binmap::select::Rows;
    /// assert_eq!(Rows::parse("10..").unwrap().checked_range(6).unwrap(), 6..6);
    /// let err = Rows::parse("10").unwrap().checked_range(6).unwrap_err();
    /// assert_eq!(err.to_string(), "row 10 is out of range: the array has 6 rows (0..6, or -6..-1 from the end)");
    /// assert!(Rows::parse("-7").unwrap().checked_range(6).is_err());
    /// ```
    pub fn checked_range(&self, len: u64) -> Result<Range<u64>> {
        if self.single
            && let Some(i) = self.start
            && (if i >= 0 { i.unsigned_abs() >= len } else { i.unsigned_abs() > len })
        {
            let ends = if len == 0 { String::new() } else { format!(" (0..{len}, or -{len}..-1 from the end)") };
            let rows = if len == 1 { "row" } else { "rows" };
            return Err(Error::usage(format!("row {i} is out of range: the array has {len} {rows}{ends}")));
        }
        Ok(self.range(len))
    }

    /// The concrete range for an array of `len` rows, clamped to it.
    pub fn range(&self, len: u64) -> Range<u64> {
        let clamp = |v: Option<i64>, default: u64| -> u64 {
            match v {
                None => default,
                Some(i) if i >= 0 => (i as u64).min(len),
                Some(i) => len.saturating_sub(i.unsigned_abs()),
            }
        };
        let s = clamp(self.start, 0);
        let e = clamp(self.end, len);
        s..e.max(s)
    }
}

/// Picks the rows a sink prints (a compiled `--where`,
/// [`crate::query::Predicate`]).
pub trait RowFilter: Sync + Send + std::fmt::Debug {
    /// Append the rows of `rows` that pass, in order, to `out`.
    fn matching(&self, rows: Range<u64>, out: &mut Vec<u64>) -> Result<()>;
}

/// Rows asked of a [`RowFilter`] at a time.
const FILTER_CHUNK: u64 = 4096;

/// The rows of a table-shaped selection: an array's first dimension, each
/// row optionally projected, optionally filtered.
#[derive(Clone, Debug)]
pub struct RowSet<'m> {
    pub array: &'m ArrayNode,
    pub abs: u64,
    pub rows: Range<u64>,
    /// Sub-path applied to every element (`records.value`: `value`).
    pub proj: Vec<Seg>,
    /// The full path, for messages and CSV headers.
    pub path: Vec<Seg>,
    /// For uniform elements: (stride, offset of the projected node in the
    /// element, the projected node), so `elem` is arithmetic only.
    fixed: Option<(u64, u64, &'m Node)>,
    /// Only the rows that pass this are printed.
    filter: Option<Arc<dyn RowFilter + 'm>>,
}

impl<'m> RowSet<'m> {
    /// Rows `rows` of `array` (at `abs`), each element projected through `proj`.
    pub fn new(array: &'m ArrayNode, abs: u64, rows: Range<u64>, proj: Vec<Seg>, path: Vec<Seg>) -> RowSet<'m> {
        let fixed = match &array.elems {
            // Fortran order is not a stride: elements go through `ArrayNode::elem`.
            Elems::Uniform { .. } if array.fortran => None,
            Elems::Uniform { stride, elem } => {
                project(View { node: elem, abs: 0 }, &proj, &path).ok().map(|v| (*stride, v.abs, v.node))
            }
            Elems::Walked(_) => None,
        };
        RowSet { array, abs, rows, proj, path, fixed, filter: None }
    }

    /// The same rows, keeping only those that pass `filter`.
    pub fn with_filter(mut self, filter: Arc<dyn RowFilter + 'm>) -> RowSet<'m> {
        self.filter = Some(filter);
        self
    }

    /// True when a filter picks the rows.
    pub fn is_filtered(&self) -> bool {
        self.filter.is_some()
    }

    /// Call `f` with each row of `range` that passes the filter (every row
    /// when there is none), in order.
    #[inline]
    pub fn each_row(&self, range: Range<u64>, mut f: impl FnMut(u64) -> Result<()>) -> Result<()> {
        let Some(filter) = &self.filter else {
            return range.into_iter().try_for_each(f);
        };
        let mut ids = Vec::with_capacity(FILTER_CHUNK as usize);
        let mut start = range.start;
        while start < range.end {
            let end = start.saturating_add(FILTER_CHUNK).min(range.end);
            ids.clear();
            filter.matching(start..end, &mut ids)?;
            ids.iter().try_for_each(|&r| f(r))?;
            start = end;
        }
        Ok(())
    }

    /// For uniform elements: (offset of the projected node in an element,
    /// stride, the projected node).
    pub fn fixed(&self) -> Option<(u64, u64, &'m Node)> {
        self.fixed.map(|(stride, rel, node)| (rel, stride, node))
    }

    /// Elements per row (product of the inner dimensions).
    pub fn row_len(&self) -> u64 {
        self.array.shape.iter().skip(1).product()
    }

    /// Element `flat` of the array, projected.
    #[inline]
    pub fn elem(&self, flat: u64) -> Result<View<'m>> {
        if let Some((stride, rel, node)) = self.fixed {
            return Ok(View { node, abs: self.abs + flat * stride + rel });
        }
        let (e, off) = self.array.elem(flat);
        project(View { node: e, abs: self.abs + off }, &self.proj, &self.path)
    }
}

impl<'m> Selection<'m> {
    /// The selection as rows when it is array-shaped (`None` otherwise);
    /// `rows` limits them (an error when it names one row that is not there).
    pub fn rows(&self, rows: Rows, path: &[Seg]) -> Result<Option<RowSet<'m>>> {
        let (array, abs, proj) = match self {
            Selection::Each { array, proj } => (array, array.abs, proj.clone()),
            Selection::One(v) => (v, v.abs, Vec::new()),
        };
        let NodeKind::Array(a) = &array.node.kind else { return Ok(None) };
        let first = a.shape.first().copied().unwrap_or(0);
        Ok(Some(RowSet::new(a, abs, rows.checked_range(first)?, proj, path.to_vec())))
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
