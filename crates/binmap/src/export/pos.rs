//! Where the values of a column are, for one batch of rows.
//!
//! Two ways, chosen once per table:
//!
//! - [`Affine`]: elements of uniform shape. Every value of a leaf sits at
//!   `start + i0 * s0 + i1 * s1 + ...` over a few (count, stride)
//!   dimensions: the rows, then one per level of a sub-array. Reading a
//!   column is a strided loop over the mapped bytes, with nothing stored
//!   per value.
//! - [`Gather`]: elements of varying size (walked arrays, a struct holding
//!   one). Each element's nodes are walked once per batch and every leaf
//!   value's (offset, size) is recorded, with the length of every
//!   sub-array.
//!
//! [`Pos`] is either, seen at one level of a [`Plan`]; [`LeafPos`] is the
//! run of values of one leaf in C order, which is the order Arrow's
//! (fixed-size) list arrays keep their items in.

use std::convert::Infallible;

use super::plan::Plan;
use crate::error::{Error, Result};
use crate::map::{ArrayNode, Elems, Node, NodeKind};

/// Values at `start + Σ i_k * stride_k` under a template node.
#[derive(Clone, Debug)]
pub(crate) struct Affine<'a> {
    /// The template of the values at this level.
    node: &'a Node,
    start: u64,
    /// (count, stride) of each dimension walked so far, outermost first.
    dims: Vec<(u64, u64)>,
    /// Dimensions of an array still to be walked by list levels of the
    /// plan, innermost first (so the next one is popped from the end).
    pending: Vec<(u64, u64)>,
}

impl<'a> Affine<'a> {
    /// `count` values of `node`, the first at `start`, `stride` apart; each
    /// is an array of shape `inner` (C order) of `node`s `elem_stride` apart
    /// (`inner` is empty for one value per row).
    pub fn new(node: &'a Node, start: u64, count: u64, stride: u64, inner: &[u64], elem_stride: u64) -> Affine<'a> {
        Affine { node, start, dims: vec![(count, stride)], pending: c_order(inner, elem_stride) }
    }

    /// The last byte any value touches, plus one (`start` when there are none).
    pub fn end(&self) -> u64 {
        if self.dims.iter().chain(&self.pending).any(|&(n, _)| n == 0) {
            return self.start;
        }
        let last: u64 = self.dims.iter().chain(&self.pending).map(|&(n, s)| (n - 1) * s).sum();
        self.start + last + self.node.size
    }
}

/// The (count, stride) dimensions of a C-order array of `shape` with
/// elements `stride` apart, innermost first.
fn c_order(shape: &[u64], stride: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::with_capacity(shape.len());
    let mut s = stride;
    for &d in shape.iter().rev() {
        out.push((d, s));
        s = s.saturating_mul(d);
    }
    out
}

/// The list levels of an array node, innermost first: C or Fortran order.
fn array_dims(a: &ArrayNode, stride: u64) -> Vec<(u64, u64)> {
    let shape: &[u64] = if a.shape.is_empty() { &[0] } else { &a.shape };
    if !a.fortran {
        return c_order(shape, stride);
    }
    let mut out = Vec::with_capacity(shape.len());
    let mut s = stride;
    for &d in shape {
        out.push((d, s));
        s = s.saturating_mul(d);
    }
    out.reverse();
    out
}

/// Recorded positions of a batch of elements of varying shape, mirroring a [`Plan`].
#[derive(Debug)]
pub(crate) enum Gather {
    /// (offset, size) of each value.
    Leaf(Vec<(u64, u64)>),
    Struct(Vec<Gather>),
    /// The length of each list, and the items of all of them in order.
    List {
        lens: Vec<u64>,
        item: Box<Gather>,
    },
}

impl Gather {
    /// An empty record of the shape of `plan`, with room for `rows` values
    /// at the row's own level (a batch's leaves are filled without growing).
    pub fn new(plan: &Plan, rows: usize) -> Gather {
        match plan {
            Plan::Struct(fields) => Gather::Struct(fields.iter().map(|(_, p)| Gather::new(p, rows)).collect()),
            Plan::List { item, .. } => {
                Gather::List { lens: Vec::with_capacity(rows), item: Box::new(Gather::new(item, 0)) }
            }
            _ => Gather::Leaf(Vec::with_capacity(rows)),
        }
    }

    /// Record one value of `plan`: `node` at offset `abs`.
    pub fn push(&mut self, plan: &Plan, node: &Node, abs: u64) -> Result<()> {
        match (self, plan, &node.kind) {
            (Gather::Leaf(v), _, _) => v.push((abs, node.size)),
            (Gather::Struct(gs), Plan::Struct(fields), NodeKind::Struct(ms)) => {
                let named = ms.iter().filter(|m| m.name.is_some());
                if named.clone().count() != fields.len() {
                    return Err(mismatch());
                }
                for ((g, (_, p)), m) in gs.iter_mut().zip(fields).zip(named) {
                    g.push(p, &m.node, m.abs(abs))?;
                }
            }
            (g @ Gather::List { .. }, _, NodeKind::Array(a)) => {
                let shape: &[u64] = if a.shape.is_empty() { &[0] } else { &a.shape };
                g.push_dims(plan, shape, 0, &mut |i| {
                    let (e, off) = a.elem(i);
                    Ok((e, abs + off))
                })?;
            }
            _ => return Err(mismatch()),
        }
        Ok(())
    }

    /// Record one array of `shape` whose C-order element `i` is `elem(i)`,
    /// starting at flat index `first`: one list level per dimension.
    pub fn push_dims<'n>(
        &mut self,
        plan: &Plan,
        shape: &[u64],
        first: u64,
        elem: &mut impl FnMut(u64) -> Result<(&'n Node, u64)>,
    ) -> Result<()> {
        let (Some((&d, rest)), Gather::List { lens, item }, Plan::List { item: item_plan, .. }) =
            (shape.split_first(), self, plan)
        else {
            return Err(mismatch());
        };
        lens.push(d);
        let inner: u64 = rest.iter().product();
        for i in 0..d {
            let flat = first + i * inner;
            if rest.is_empty() {
                let (node, abs) = elem(flat)?;
                item.push(item_plan, node, abs)?;
            } else {
                item.push_dims(item_plan, rest, flat, elem)?;
            }
        }
        Ok(())
    }
}

fn gathered_count(g: &Gather) -> usize {
    match g {
        Gather::Leaf(v) => v.len(),
        Gather::Struct(gs) => gs.first().map_or(0, gathered_count),
        Gather::List { lens, .. } => lens.len(),
    }
}

fn mismatch() -> Error {
    Error::data("internal: an element does not have the shape its column was planned for")
}

/// The values of one level of a plan in a batch.
#[derive(Clone, Debug)]
pub(crate) enum Pos<'a> {
    Affine(Affine<'a>),
    Gathered(&'a Gather),
}

impl<'a> Pos<'a> {
    /// Field `k` (counting named fields only) of a struct level.
    pub fn field(&self, k: usize) -> Result<Pos<'a>> {
        match self {
            Pos::Affine(a) => {
                let NodeKind::Struct(ms) = &a.node.kind else { return Err(mismatch()) };
                let m = ms.iter().filter(|m| m.name.is_some()).nth(k).ok_or_else(mismatch)?;
                Ok(Pos::Affine(Affine { node: &m.node, start: m.abs(a.start), ..a.clone() }))
            }
            Pos::Gathered(Gather::Struct(gs)) => gs.get(k).map(Pos::Gathered).ok_or_else(mismatch),
            Pos::Gathered(_) => Err(mismatch()),
        }
    }

    /// The items of a list level (one more dimension).
    pub fn items(&self) -> Result<Pos<'a>> {
        match self {
            Pos::Affine(a) => {
                let mut a = a.clone();
                if a.pending.is_empty() {
                    let NodeKind::Array(arr) = &a.node.kind else { return Err(mismatch()) };
                    let Elems::Uniform { stride, elem } = &arr.elems else { return Err(mismatch()) };
                    a.pending = array_dims(arr, *stride);
                    a.node = elem;
                }
                let d = a.pending.pop().ok_or_else(mismatch)?;
                a.dims.push(d);
                Ok(Pos::Affine(a))
            }
            Pos::Gathered(Gather::List { item, .. }) => Ok(Pos::Gathered(item)),
            Pos::Gathered(_) => Err(mismatch()),
        }
    }

    /// The number of values at this level (of lists, at a list level).
    pub fn count(&self) -> usize {
        match self {
            Pos::Affine(a) => a.dims.iter().map(|&(n, _)| n as usize).product(),
            Pos::Gathered(g) => gathered_count(g),
        }
    }

    /// The length of each list of a variable-length list level.
    pub fn lens(&self) -> Result<&'a [u64]> {
        match self {
            Pos::Gathered(Gather::List { lens, .. }) => Ok(lens),
            _ => Err(mismatch()),
        }
    }

    /// The values of a leaf level.
    pub fn leaf(&self) -> Result<LeafPos<'_>> {
        match self {
            Pos::Affine(a) if a.pending.is_empty() => {
                Ok(LeafPos::Affine { start: a.start, dims: &a.dims, size: a.node.size })
            }
            Pos::Gathered(Gather::Leaf(v)) => Ok(LeafPos::Gathered(v)),
            _ => Err(mismatch()),
        }
    }
}

/// The values of one leaf in a batch, in C order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LeafPos<'a> {
    Affine { start: u64, dims: &'a [(u64, u64)], size: u64 },
    Gathered(&'a [(u64, u64)]),
}

impl LeafPos<'_> {
    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            LeafPos::Affine { dims, .. } => dims.iter().map(|&(n, _)| n as usize).product(),
            LeafPos::Gathered(v) => v.len(),
        }
    }

    /// Call `f(offset, size)` for each value, in order.
    #[inline]
    pub fn each(&self, mut f: impl FnMut(u64, u64)) {
        let Ok(()) = self.try_each(|o, s| {
            f(o, s);
            Ok::<(), Infallible>(())
        });
    }

    /// Call `f(offset, size)` for each value, in order, until it fails.
    #[inline]
    pub fn try_each<E>(&self, mut f: impl FnMut(u64, u64) -> Result<(), E>) -> Result<(), E> {
        match *self {
            LeafPos::Affine { start, dims, size } => walk(dims, start, size, &mut f),
            LeafPos::Gathered(v) => v.iter().try_for_each(|&(o, s)| f(o, s)),
        }
    }
}

/// Every `base + Σ i_k * stride_k` over `dims`, in C order.
#[inline]
fn walk<E>(dims: &[(u64, u64)], base: u64, size: u64, f: &mut impl FnMut(u64, u64) -> Result<(), E>) -> Result<(), E> {
    match dims {
        [] => f(base, size),
        [(n, s)] => (0..*n).try_for_each(|i| f(base + i * s, size)),
        [(n, s), rest @ ..] => (0..*n).try_for_each(|i| walk(rest, base + i * s, size, f)),
    }
}

/// For each leaf of `plan` in depth-first order, `f(leaf plan, its values)`.
pub(crate) fn visit_leaves(plan: &Plan, pos: &Pos<'_>, f: &mut impl FnMut(&Plan, LeafPos<'_>)) -> Result<()> {
    match plan {
        Plan::Struct(fields) => {
            for (k, (_, p)) in fields.iter().enumerate() {
                visit_leaves(p, &pos.field(k)?, f)?;
            }
        }
        Plan::List { item, .. } => visit_leaves(item, &pos.items()?, f)?,
        _ => f(plan, pos.leaf()?),
    }
    Ok(())
}
