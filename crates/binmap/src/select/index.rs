//! numpy's basic indexing applied to a [`Map`]: what a path selects.
//!
//! A path walks fields and indexes. Once it meets an array that is not
//! indexed down to one element, the selection is array-shaped: a
//! [`Picked`], numpy's view of it. An index applies to the selection's
//! leading dimensions in order, as in numpy: a single index drops a
//! dimension, a slice keeps it; a field applies to every element
//! (`records.value` is numpy's `records['value']`), and the element's own
//! dimensions follow the selection's (`records.vals[:, 1]` is element 1 of
//! every record's `vals`).
//!
//! Arrays of uniform elements are views of strides, as numpy's are:
//! `records[::1000].value` is a base offset, one stride and the `value`
//! template, whatever the file's size; nothing is walked or allocated per
//! element. An array of elements of varying size keeps the map's own list
//! of elements; a selection of it is a choice of indexes per dimension,
//! then a path inside each element (fields and single indexes: slicing
//! inside such elements is refused, as numpy has no ragged arrays).
//!
//! May call: `crate::map`, `crate::layout` (types), `super::path`.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::layout::{Item, Type};
use crate::map::{ArrayNode, Elems, Map, Node, NodeKind, node_operand, slice};

use super::path::{IExpr, Ix, Op, Seg, path_to_string};
use super::{View, kind_name, project};

/// An array-shaped selection: numpy's view of what a path names.
///
/// ```
/// use binmap::select::{parse_path, select};
/// let layout = binmap::Layout::parse("n: u8; r: { a: u8, v: u8[2] }[n]").unwrap();
/// let map = binmap::Map::new(&layout, &[3, 1, 10, 11, 2, 20, 21, 3, 30, 31], "x").unwrap();
/// let p = select(&map, &parse_path("r[::-2].v[:, 1]").unwrap()).unwrap().picked().unwrap();
/// assert_eq!(p.shape(), [2]);
/// // Element 0 is r[2].v[1], element 1 is r[0].v[1]: a stride of -6 bytes.
/// assert_eq!(p.strided().map(|(base, _, strides, _)| (base, strides.to_vec())), Some((9, vec![-6])));
/// assert_eq!(p.span(0..2), (3, 10));
/// ```
#[derive(Clone, Debug)]
pub struct Picked<'m> {
    /// The shape (numpy's shape, without the dimensions of an element
    /// that is itself an array and not indexed: `records.vals` has the
    /// shape of `records`, each element a `vals`).
    shape: Vec<u64>,
    place: Place<'m>,
    /// The whole array, untouched (`records`): (array, its offset).
    whole: Option<(&'m ArrayNode, u64)>,
    /// The first array's element type and the steps after it, to follow
    /// the element's layout type ([`Picked::leaf_type`]).
    ty: (Arc<Type>, Vec<TyStep>),
}

/// A step from an array's element type to the selection's element type.
#[derive(Clone, Debug)]
enum TyStep {
    Field(Arc<str>),
    /// Into the elements of an array.
    Elem,
}

/// Where the elements are.
#[derive(Clone, Debug)]
enum Place<'m> {
    /// Element `[i, j, ...]` is `node` at `base + i * strides[0] + j * strides[1] ...`.
    Strided { base: u64, strides: Vec<i64>, node: &'m Node },
    /// Elements of varying size: `dims` picks indexes of `array` (at `abs`)
    /// per dimension, then `proj` is applied inside each element.
    Walked { array: &'m ArrayNode, abs: u64, dims: Vec<Dim>, proj: Vec<Seg> },
}

/// What a selection keeps of one dimension of an array of varying elements.
#[derive(Clone, Copy, Debug)]
enum Dim {
    /// One index: the dimension is dropped.
    At(u64),
    /// `len` indexes from `start`, `step` apart.
    Range { start: u64, step: i64, len: u64 },
}

/// One entry of an index, its expressions evaluated.
#[derive(Clone, Copy, Debug)]
enum Entry {
    At(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
}

/// The running state of [`walk`].
enum Cur<'m> {
    One(View<'m>),
    Many(Picked<'m>),
}

/// Select `path` in `map`: one piece (`records[3].value`), or an
/// array-shaped selection (`records.value`, `data[:, 1]`).
pub(crate) fn walk<'m>(map: &'m Map<'_>, path: &[Seg]) -> Result<std::result::Result<View<'m>, Picked<'m>>> {
    let root = View { node: &map.root, abs: 0 };
    let (mut cur, mut scope) = (Cur::One(root), root);
    for (k, seg) in path.iter().enumerate() {
        let at = &path[..=k];
        cur = match (cur, seg) {
            (Cur::One(v), Seg::Field(name)) => match &v.node.kind {
                NodeKind::Struct(_) => {
                    scope = v;
                    Cur::One(super::step(v, seg, at)?)
                }
                NodeKind::Array(a) => Cur::Many(Picked::enter(a, v.abs).field(name, at)?),
                _ => Cur::One(super::step(v, seg, at)?),
            },
            (Cur::One(v), _) => match &v.node.kind {
                NodeKind::Array(a) => {
                    Picked::enter(a, v.abs).take(&entries(map, scope, seg, at)?, at, &path[..k])?.collapse()?
                }
                _ => {
                    return Err(Error::usage(format!(
                        "'{}': too many indices: a {} cannot be indexed",
                        path_to_string(at),
                        kind_name(v.node)
                    )));
                }
            },
            (Cur::Many(p), Seg::Field(name)) => Cur::Many(p.field(name, at)?),
            (Cur::Many(p), _) => p.take(&entries(map, scope, seg, at)?, at, &path[..k])?.collapse()?,
        };
    }
    Ok(match cur {
        Cur::One(v) => Ok(v),
        Cur::Many(p) => Err(p),
    })
}

/// The entries of an index segment, expressions evaluated.
fn entries(map: &Map<'_>, scope: View<'_>, seg: &Seg, path: &[Seg]) -> Result<Vec<Entry>> {
    let opt = |e: &Option<IExpr>| e.as_ref().map(|e| eval(map, scope, e, path)).transpose();
    match seg {
        Seg::Index(ix) => Ok(ix.iter().map(|&i| Entry::At(i)).collect()),
        Seg::Take(ix) => ix
            .iter()
            .map(|e| {
                Ok(match e {
                    Ix::At(e) => Entry::At(eval(map, scope, e, path)?),
                    Ix::Slice(a, b, c) => Entry::Slice(opt(a)?, opt(b)?, opt(c)?),
                })
            })
            .collect(),
        Seg::Field(_) => Err(Error::usage("internal: a field as an index")),
    }
}

/// The value of an index expression. A name is a field of the struct the
/// indexed array is in, else a path from the top of the file, else a
/// top-level `let`.
fn eval(map: &Map<'_>, scope: View<'_>, e: &IExpr, path: &[Seg]) -> Result<i64> {
    let bad = |why: String| Error::usage(format!("'{}': {why}", path_to_string(path)));
    match e {
        IExpr::Int(v) => Ok(*v),
        IExpr::Neg(e) => eval(map, scope, e, path)?.checked_neg().ok_or_else(|| bad("an index overflows".into())),
        IExpr::Bin(op, a, b) => {
            let (a, b) = (i128::from(eval(map, scope, a, path)?), i128::from(eval(map, scope, b, path)?));
            let bop = match op {
                Op::Add => crate::layout::BinOp::Add,
                Op::Sub => crate::layout::BinOp::Sub,
                Op::Mul => crate::layout::BinOp::Mul,
                Op::Div => crate::layout::BinOp::Div,
                Op::Rem => crate::layout::BinOp::Rem,
            };
            let v = crate::layout::apply_binop(bop, a, b).map_err(|why| bad(format!("{why} in {e}")))?;
            i64::try_from(v).map_err(|_| bad(format!("{e} is {v}, too large for an index")))
        }
        IExpr::Path(p) => {
            let name = path_to_string(p);
            let found = match super::project(scope, p, p) {
                Ok(v) => Some(v),
                Err(_) => match walk(map, p) {
                    Ok(Ok(v)) => Some(v),
                    _ => None,
                },
            };
            let Some(v) = found else {
                return match map.lets.iter().find(|l| l.path == name) {
                    Some(l) => i64::try_from(l.value).map_err(|_| bad(format!("{name} = {} is too large", l.value))),
                    None => Err(bad(format!("no field '{name}' for the index {e}"))),
                };
            };
            let bytes = slice(map.data(), v.abs, v.node.size);
            match node_operand(v.node, bytes).and_then(|o| o.ok()).and_then(|o| o.as_int()) {
                Some(i) => i64::try_from(i).map_err(|_| bad(format!("{name} = {i} is too large for an index"))),
                None => Err(bad(format!("{name} is a {}, not an integer: it cannot be an index", kind_name(v.node)))),
            }
        }
    }
}

/// Python's `slice(start, stop, step).indices(len)`: (first, step, count).
fn slice_indices(
    a: Option<i64>,
    b: Option<i64>,
    c: Option<i64>,
    len: u64,
) -> std::result::Result<(u64, i64, u64), String> {
    let step = c.unwrap_or(1);
    if step == 0 {
        return Err("slice step cannot be zero".into());
    }
    let len = i128::from(len);
    let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
    let clamp = |v: Option<i64>, default: i128| match v {
        None => default,
        Some(v) if v < 0 => (i128::from(v) + len).max(lower),
        Some(v) => i128::from(v).min(upper),
    };
    let start = clamp(a, if step > 0 { lower } else { upper });
    let stop = clamp(b, if step > 0 { upper } else { lower });
    let s = i128::from(step);
    let count = if step > 0 {
        if stop > start { (stop - start - 1) / s + 1 } else { 0 }
    } else if start > stop {
        (start - stop - 1) / -s + 1
    } else {
        0
    };
    // With no element, where it starts does not matter (and may be -1).
    let first = if count == 0 { 0 } else { start };
    Ok((first as u64, step, count as u64))
}

/// Python's index rule with numpy's message: `i` in `0..len`, or
/// `-len..0` counted from the end.
fn checked_index(i: i64, len: u64, axis: usize, array: &[Seg], path: &[Seg]) -> Result<u64> {
    super::resolve_index(i, len).ok_or_else(|| {
        let name = if array.is_empty() { "the file".to_string() } else { format!("'{}'", path_to_string(array)) };
        let range = if len == 0 { String::new() } else { format!(": 0..{len}, or -{len}..-1 from the end") };
        let what = if len == 1 { "element" } else { "elements" };
        Error::usage(format!(
            "index {i} is out of range for {name}, whose axis {axis} has {len} {what}{range} (in '{}')",
            path_to_string(path)
        ))
    })
}

/// Byte strides of an array of `shape` whose elements are `stride` apart.
pub(crate) fn byte_strides(shape: &[u64], stride: u64, fortran: bool) -> Vec<i64> {
    let mut out = vec![0i64; shape.len()];
    let mut step = i64::try_from(stride).unwrap_or(i64::MAX);
    let order: Vec<usize> = if fortran { (0..shape.len()).collect() } else { (0..shape.len()).rev().collect() };
    for k in order {
        out[k] = step;
        step = step.saturating_mul(i64::try_from(shape[k]).unwrap_or(i64::MAX));
    }
    out
}

/// `base + i * stride`, an offset inside the file (the map checked that
/// every element is).
#[inline]
fn offset(base: u64, i: u64, stride: i64) -> u64 {
    (i128::from(base) + i128::from(i) * i128::from(stride)) as u64
}

impl<'m> Picked<'m> {
    /// Every element of `a` (at `abs`), all its dimensions kept.
    pub(crate) fn enter(a: &'m ArrayNode, abs: u64) -> Picked<'m> {
        let place = match &a.elems {
            Elems::Uniform { stride, elem } => {
                Place::Strided { base: abs, strides: byte_strides(&a.shape, *stride, a.fortran), node: elem }
            }
            Elems::Walked(_) => Place::Walked {
                array: a,
                abs,
                dims: a.shape.iter().map(|&len| Dim::Range { start: 0, step: 1, len }).collect(),
                proj: Vec::new(),
            },
        };
        Picked { shape: a.shape.clone(), place, whole: Some((a, abs)), ty: (a.elem_type.clone(), Vec::new()) }
    }

    /// The shape of the selection.
    pub fn shape(&self) -> &[u64] {
        &self.shape
    }

    /// The array itself when nothing is indexed or projected (`records`).
    pub fn whole(&self) -> Option<(&'m ArrayNode, u64)> {
        self.whole
    }

    /// Append the dimensions of the element (an array of uniform
    /// elements) to the selection's.
    fn expand(&mut self, path: &[Seg]) -> Result<bool> {
        let Place::Strided { strides, node, .. } = &mut self.place else { return Ok(false) };
        let NodeKind::Array(a) = &node.kind else { return Ok(false) };
        let Elems::Uniform { stride, elem } = &a.elems else {
            return Err(Error::usage(format!(
                "'{}' goes into arrays of elements of varying size inside every element; select one element first",
                path_to_string(path)
            )));
        };
        strides.extend(byte_strides(&a.shape, *stride, a.fortran));
        self.shape.extend_from_slice(&a.shape);
        *node = elem;
        self.ty.1.push(TyStep::Elem);
        Ok(true)
    }

    /// The same selection with the dimensions of elements that are arrays
    /// of uniform elements appended (`records.vals` in numpy's shape
    /// `(n, 3)`, every element a `vals` value).
    pub fn flattened(mut self) -> Picked<'m> {
        while let Ok(true) = self.expand(&[]) {}
        self
    }

    /// The field `name` of every element.
    fn field(mut self, name: &Arc<str>, path: &[Seg]) -> Result<Picked<'m>> {
        self.whole = None;
        if let Place::Walked { array, proj, .. } = &mut self.place {
            proj.push(Seg::Field(name.clone()));
            self.ty.1.push(TyStep::Field(name.clone()));
            check_sample(array, proj, path)?;
            return Ok(self);
        }
        loop {
            let Place::Strided { base, node, .. } = &mut self.place else { unreachable!("checked above") };
            if let NodeKind::Struct(_) = &node.kind {
                let v = super::step(View { node, abs: 0 }, &Seg::Field(name.clone()), path)?;
                *base += v.abs;
                *node = v.node;
                self.ty.1.push(TyStep::Field(name.clone()));
                return Ok(self);
            }
            let here: &'m Node = node;
            if !self.expand(path)? {
                return Err(Error::usage(format!(
                    "'{}': there is no field '{name}' in a {}",
                    path_to_string(path),
                    kind_name(here)
                )));
            }
        }
    }

    /// Apply one index (`[2]`, `[:, 1]`) to the leading dimensions.
    /// `array` is the path of what is indexed, for messages.
    fn take(mut self, entries: &[Entry], path: &[Seg], array: &[Seg]) -> Result<Picked<'m>> {
        self.whole = None;
        let slice_err = |why: String| Error::usage(format!("'{}': {why}", path_to_string(path)));
        if let Place::Walked { array: arr, dims, proj, .. } = &mut self.place {
            let kept: Vec<usize> = (0..dims.len()).filter(|&d| matches!(dims[d], Dim::Range { .. })).collect();
            for (axis, (e, &d)) in entries.iter().zip(&kept).enumerate() {
                let Dim::Range { start, step, len } = dims[d] else { continue };
                dims[d] = match *e {
                    Entry::At(i) => Dim::At(offset(start, checked_index(i, len, axis, array, path)?, step)),
                    Entry::Slice(a, b, c) => {
                        let (first, s, n) = slice_indices(a, b, c, len).map_err(slice_err)?;
                        Dim::Range { start: offset(start, first, step), step: step.saturating_mul(s), len: n }
                    }
                };
            }
            if entries.len() > kept.len() {
                // The rest index inside each element: single indexes only.
                let rest: Option<Vec<i64>> =
                    entries[kept.len()..].iter().map(|e| if let Entry::At(i) = e { Some(*i) } else { None }).collect();
                let Some(rest) = rest else {
                    return Err(slice_err(
                        "a slice inside elements of varying size: select one element first (like records[3].items[1:])"
                            .into(),
                    ));
                };
                proj.push(Seg::Index(rest));
                self.ty.1.push(TyStep::Elem);
                check_sample(arr, proj, path)?;
            }
            self.shape =
                dims.iter().filter_map(|d| if let Dim::Range { len, .. } = d { Some(*len) } else { None }).collect();
            return Ok(self);
        }
        // numpy counts the indices first: the selection's dimensions and
        // those of elements that are arrays of uniform elements.
        let mut ndim = self.shape.len();
        if let Place::Strided { node, .. } = &self.place {
            let mut n: &Node = node;
            while let NodeKind::Array(a) = &n.kind
                && let Elems::Uniform { elem, .. } = &a.elems
            {
                ndim += a.shape.len();
                n = elem;
            }
        }
        if entries.len() > ndim {
            return Err(Error::usage(format!(
                "'{}': too many indices: {} has {ndim} dimension(s), and {} were indexed",
                path_to_string(path),
                if array.is_empty() { "the file".to_string() } else { format!("'{}'", path_to_string(array)) },
                entries.len()
            )));
        }
        // `k`: the dimension the next entry indexes; `dropped`: the
        // dimensions before it that single indexes removed (for messages).
        let (mut k, mut dropped) = (0, 0);
        for e in entries {
            while k >= self.shape.len() {
                if !self.expand(path)? {
                    return Err(Error::usage(format!(
                        "internal: '{}' has fewer dimensions than counted",
                        path_to_string(path)
                    )));
                }
            }
            let Place::Strided { base, strides, .. } = &mut self.place else { unreachable!("checked above") };
            let len = self.shape[k];
            match *e {
                Entry::At(i) => {
                    let i = checked_index(i, len, k + dropped, array, path)?;
                    *base = offset(*base, i, strides[k]);
                    strides.remove(k);
                    self.shape.remove(k);
                    dropped += 1;
                }
                Entry::Slice(a, b, c) => {
                    let (first, step, n) = slice_indices(a, b, c, len).map_err(slice_err)?;
                    *base = offset(*base, first, strides[k]);
                    strides[k] = strides[k].saturating_mul(step);
                    self.shape[k] = n;
                    k += 1;
                }
            }
        }
        Ok(self)
    }

    /// One element when no dimension is left, else the selection.
    fn collapse(self) -> Result<Cur<'m>> {
        if !self.shape.is_empty() {
            return Ok(Cur::Many(self));
        }
        Ok(Cur::One(self.elem(0)?))
    }

    /// Element `flat` (C order over [`Picked::shape`]).
    #[inline]
    pub fn elem(&self, flat: u64) -> Result<View<'m>> {
        match &self.place {
            Place::Strided { base, strides, node } => {
                if let [s] = strides.as_slice() {
                    return Ok(View { node, abs: offset(*base, flat, *s) });
                }
                let mut rest = flat;
                let mut at = i128::from(*base);
                for (d, s) in self.shape.iter().zip(strides).rev() {
                    if *d > 0 {
                        at += i128::from(rest % d) * i128::from(*s);
                        rest /= d;
                    }
                }
                Ok(View { node, abs: at as u64 })
            }
            Place::Walked { array, abs, dims, proj } => {
                if let [d] = dims.as_slice() {
                    // One dimension (the common case): no index vector.
                    let orig = match *d {
                        Dim::At(i) => i,
                        Dim::Range { start, step, .. } => offset(start, flat, step),
                    };
                    let (e, off) = array.elem(orig);
                    return project(View { node: e, abs: abs + off }, proj, proj);
                }
                let mut idx = vec![0u64; dims.len()];
                let mut rest = flat;
                for (k, d) in dims.iter().enumerate().rev() {
                    idx[k] = match *d {
                        Dim::At(i) => i,
                        Dim::Range { start, step, len } if len > 0 => {
                            let i = rest % len;
                            rest /= len;
                            offset(start, i, step)
                        }
                        Dim::Range { start, .. } => start,
                    };
                }
                let orig = idx.iter().zip(&array.shape).fold(0u64, |f, (i, d)| f * d + i);
                let (e, off) = array.elem(orig);
                project(View { node: e, abs: abs + off }, proj, proj)
            }
        }
    }

    /// For elements of one template: the template.
    pub fn template(&self) -> Option<&'m Node> {
        match &self.place {
            Place::Strided { node, .. } => Some(node),
            Place::Walked { .. } => None,
        }
    }

    /// numpy's view of the selection: (offset of element 0, shape, byte
    /// strides, element), for elements of one template.
    pub fn strided(&self) -> Option<(u64, &[u64], &[i64], &'m Node)> {
        match &self.place {
            Place::Strided { base, strides, node } => Some((*base, &self.shape, strides, node)),
            Place::Walked { .. } => None,
        }
    }

    /// A typical element's size in bytes.
    pub fn elem_size(&self) -> u64 {
        match &self.place {
            Place::Strided { node, .. } => node.size,
            Place::Walked { array, .. } => match &array.elems {
                Elems::Walked(v) => v.last().map_or(0, |n| n.offset + n.size) / (v.len() as u64).max(1),
                Elems::Uniform { stride, .. } => *stride,
            },
        }
    }

    /// The bytes spanned by the elements of rows `rows` (of the first
    /// dimension): from the lowest byte to the highest. Elements of
    /// varying size count whole.
    pub fn span(&self, rows: std::ops::Range<u64>) -> (u64, u64) {
        let empty = rows.is_empty() || self.shape.iter().skip(1).any(|&d| d == 0);
        // Per dimension, the lowest and highest index the rows use.
        let ends =
            |k: usize, d: u64| if k == 0 { (rows.start, rows.end.saturating_sub(1)) } else { (0, d.saturating_sub(1)) };
        match &self.place {
            Place::Strided { base, strides, node } => {
                let (mut lo, mut hi) = (i128::from(*base), i128::from(*base));
                for (k, (d, s)) in self.shape.iter().zip(strides).enumerate() {
                    let (first, last) = ends(k, *d);
                    let (a, b) = (i128::from(first) * i128::from(*s), i128::from(last) * i128::from(*s));
                    if empty {
                        lo += if k == 0 { a } else { 0 };
                        continue;
                    }
                    lo += a.min(b);
                    hi += a.max(b);
                }
                if empty {
                    return (lo as u64, lo as u64);
                }
                (lo as u64, hi as u64 + node.size)
            }
            Place::Walked { array, abs, dims, .. } => {
                let whole = || {
                    let (last, _) = array.elem(array.count.saturating_sub(1));
                    (*abs, abs + last.offset + last.size)
                };
                if array.fortran {
                    return whole();
                }
                let (mut lo, mut hi, mut k) = (Vec::new(), Vec::new(), 0);
                for d in dims {
                    let (a, b) = match *d {
                        Dim::At(i) => (i, i),
                        Dim::Range { start, step, len } => {
                            let (first, last) = ends(k, len);
                            k += 1;
                            let (x, y) = (offset(start, first, step), offset(start, last.max(first), step));
                            (x.min(y), x.max(y))
                        }
                    };
                    lo.push(a);
                    hi.push(b);
                }
                let flat = |idx: &[u64]| idx.iter().zip(&array.shape).fold(0u64, |f, (i, d)| f * d + i);
                let (first, _) = array.elem(flat(&lo).min(array.count.saturating_sub(1)));
                let start = abs + if array.count == 0 { 0 } else { first.offset };
                if empty || array.count == 0 {
                    return (start, start);
                }
                let (last, _) = array.elem(flat(&hi));
                (start, (abs + last.offset + last.size).max(start))
            }
        }
    }

    /// The layout type of an element (for a `.npy` header).
    pub fn leaf_type(&self) -> Option<Type> {
        let mut cur: Type = (*self.ty.0).clone();
        for st in &self.ty.1 {
            loop {
                cur = match cur {
                    Type::Within { inner, .. } => (*inner).clone(),
                    Type::Ref(r) => r.definition()?.clone(),
                    _ => break,
                };
            }
            cur = match (st, &cur) {
                (TyStep::Field(name), Type::Struct(st)) => find_field(&st.items, name)?,
                (TyStep::Elem, Type::Array { elem, .. }) => (**elem).clone(),
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// Check a path inside the elements against the first element.
fn check_sample(array: &ArrayNode, proj: &[Seg], path: &[Seg]) -> Result<()> {
    if array.count > 0 {
        let (e, _) = array.elem(0);
        project(View { node: e, abs: 0 }, proj, path)?;
    }
    Ok(())
}

fn find_field(items: &[Item], name: &str) -> Option<Type> {
    items.iter().find_map(|it| match it {
        Item::Field(f) if f.name.as_deref() == Some(name) => Some(f.ty.clone()),
        Item::If { body, .. } => find_field(body, name),
        _ => None,
    })
}
