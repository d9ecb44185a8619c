//! The shape of one table column, worked out from resolved nodes before any
//! value is read: which leaves are numbers, strings or opaque bytes, which
//! structs nest, which sub-arrays have a fixed length.
//!
//! A [`Plan`] knows nothing of Arrow (see `arrow_types` for the mapping);
//! it is what every element of a column has in common. Uniform elements
//! have one template, so their plan is read off it once. Elements of
//! varying size (walked) are each [`Plan::absorb`]ed: a sub-array whose
//! length differs between elements widens to a variable-length list, a
//! `void[N]` whose size differs to variable-size bytes, and anything else
//! that differs (a field present in one element and not in another, an
//! `i32` here and an `f64` there) is an error naming what differs.

use std::sync::Arc;

use crate::layout::{BitLeaf, Scalar, ScalarKind, TextKind};
use crate::map::{Elems, Node, NodeKind};

/// What every value of a column has in common.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Plan {
    /// Not known yet: the item of a variable-size array seen only empty.
    Unknown,
    /// An integer, float, complex or bool (an enum's or flags' integer too).
    Num(Scalar),
    /// One field of a bit-field container.
    Bits(Arc<BitLeaf>),
    /// Text: `kind` is the leaf's node kind (`Text(Bytes | Utf8 | Ucs4)`,
    /// `Char` or `Cstr`); `utf8` is false once a value is seen that is not
    /// UTF-8 (for the kinds that allow it), making the column binary.
    Str { kind: NodeKind, utf8: bool },
    /// A number written as text (`ascii_int[N]`, `ascii_oct[N]`,
    /// `ascii_float[N]`): `kind` is the leaf's node kind; its values go to
    /// Int64 (Float64 for `ascii_float`) through the leaf decoder.
    TextNum { kind: NodeKind, float: bool },
    /// `void[N]`: opaque bytes, of fixed size when `size` is known.
    Void { size: Option<u64> },
    /// A struct's named fields, in layout order.
    Struct(Vec<(Arc<str>, Plan)>),
    /// One dimension of a sub-array: `len` elements, or a varying number.
    List { len: Option<u64>, item: Box<Plan> },
}

impl Plan {
    /// The plan of one node.
    pub fn of(node: &Node) -> Result<Plan, String> {
        let mut p = Plan::Unknown;
        p.absorb(node)?;
        Ok(p)
    }

    /// The plan of the nested lists of an array of `shape` whose items
    /// follow `item` (one list level per dimension, outermost first).
    pub fn lists(shape: &[u64], item: Plan) -> Plan {
        shape.iter().rev().fold(item, |item, &d| Plan::List { len: Some(d), item: Box::new(item) })
    }

    /// Widen this plan so that it also covers `node`; an error says what
    /// does not match.
    pub fn absorb(&mut self, node: &Node) -> Result<(), String> {
        match (&mut *self, &node.kind) {
            (Plan::Unknown, _) => *self = fresh(node)?,
            (Plan::Num(s), NodeKind::Scalar(t) | NodeKind::Enum(t, _)) if s == t => {}
            (Plan::Bits(b), NodeKind::Bits(c)) if b == c => {}
            (Plan::Str { kind, .. }, k) if text_kind_matches(kind, k) => {}
            (Plan::TextNum { kind, .. }, k) if kind == k => {}
            (Plan::Void { size }, NodeKind::Text(TextKind::Void, _)) => {
                if *size != Some(node.size) {
                    *size = None;
                }
            }
            (Plan::Struct(fields), NodeKind::Struct(ms)) => {
                let mut named = ms.iter().filter_map(|m| Some((m.name.as_ref()?, &m.node)));
                for (name, plan) in fields.iter_mut() {
                    match named.next() {
                        Some((n, child)) if n == name => plan.absorb(child).map_err(|e| format!("{name}: {e}"))?,
                        Some((n, _)) => return Err(format!("a field '{n}' where another element has '{name}'")),
                        None => return Err(format!("no field '{name}', which another element has")),
                    }
                }
                if let Some((n, _)) = named.next() {
                    return Err(format!("a field '{n}' that another element does not have"));
                }
            }
            (Plan::List { .. }, NodeKind::Array(a)) => {
                let dims: &[u64] = if a.shape.is_empty() { &[0] } else { &a.shape };
                let mut level = &mut *self;
                for &d in dims {
                    let Plan::List { len, item } = level else {
                        return Err(format!("{} dimensions where another element has fewer", dims.len()));
                    };
                    if *len != Some(d) {
                        *len = None;
                    }
                    level = item;
                }
                absorb_items(level, a.count, &a.elems)?;
            }
            (plan, _) => return Err(format!("{} where another element has {}", describe(node), plan.describe())),
        }
        Ok(())
    }

    /// Call `f` on every leaf, depth first (a complex number is one leaf).
    pub fn for_each_leaf_mut(&mut self, f: &mut impl FnMut(&mut Plan)) {
        match self {
            Plan::Struct(fields) => fields.iter_mut().for_each(|(_, p)| p.for_each_leaf_mut(f)),
            Plan::List { item, .. } => item.for_each_leaf_mut(f),
            _ => f(self),
        }
    }

    /// A short description for messages (`f64`, `struct`).
    fn describe(&self) -> String {
        match self {
            Plan::Unknown => "nothing".into(),
            Plan::Num(s) => s.to_string(),
            Plan::Bits(b) => format!("a {}-bit field", b.width),
            Plan::Str { kind, .. } => kind_name(kind).into(),
            Plan::Void { .. } => "void".into(),
            Plan::TextNum { kind, .. } => kind_name(kind).into(),
            Plan::Struct(_) => "a struct".into(),
            Plan::List { .. } => "an array".into(),
        }
    }
}

/// The plan of a node seen for the first time.
fn fresh(node: &Node) -> Result<Plan, String> {
    Ok(match &node.kind {
        NodeKind::Scalar(s) if s.kind == crate::layout::ScalarKind::Ibm64 => {
            return Err("an ibm64 has up to 56 significant bits, more than a float64 holds: \
                        convert it to CSV or JSON, which keep every digit"
                .into());
        }
        NodeKind::Scalar(s) if matches!(s.kind, ScalarKind::F80 | ScalarKind::LongDouble) => {
            return Err(format!(
                "an {} has 64 significant bits, more than a float64 holds: convert it to CSV or JSON",
                s.kind.name()
            ));
        }
        NodeKind::Scalar(s)
            if s.kind.is_time()
                && matches!(s.kind, ScalarKind::DateTime(u) | ScalarKind::TimeDelta(u)
                    if super::arrow_types::arrow_unit(u).is_none()) =>
        {
            return Err(format!(
                "Arrow has no {} (its time units are s, ms, us and ns): convert it to CSV or JSON",
                s.kind.name()
            ));
        }
        NodeKind::Scalar(s) | NodeKind::Enum(s, _) => Plan::Num(*s),
        NodeKind::Bits(b) => Plan::Bits(b.clone()),
        NodeKind::Text(TextKind::Void, _) => Plan::Void { size: Some(node.size) },
        k @ NodeKind::Text(TextKind::Ascii(a), _) => {
            Plan::TextNum { kind: k.clone(), float: *a == crate::text::ascii_num::AsciiKind::Float }
        }
        k @ (NodeKind::Text(..) | NodeKind::Char | NodeKind::Cstr) => Plan::Str { kind: k.clone(), utf8: true },
        NodeKind::Struct(ms) => {
            let mut fields = Vec::new();
            for m in ms {
                let Some(name) = &m.name else { continue };
                fields.push((name.clone(), Plan::of(&m.node).map_err(|e| format!("{name}: {e}"))?));
            }
            if fields.is_empty() {
                return Err("a struct with no named fields (a table column needs at least one)".into());
            }
            Plan::Struct(fields)
        }
        NodeKind::Array(a) => {
            let dims: &[u64] = if a.shape.is_empty() { &[0] } else { &a.shape };
            let mut item = Plan::Unknown;
            absorb_items(&mut item, a.count, &a.elems)?;
            Plan::lists(dims, item)
        }
    })
}

/// Absorb the elements of an array into the plan of its items.
fn absorb_items(item: &mut Plan, count: u64, elems: &Elems) -> Result<(), String> {
    match elems {
        // The template stands for every element, even when there are none.
        Elems::Uniform { elem, .. } => item.absorb(elem),
        Elems::Walked(nodes) => {
            debug_assert_eq!(nodes.len() as u64, count);
            nodes.iter().try_for_each(|n| item.absorb(n))
        }
    }
}

/// True when a string leaf of node kind `k` fits a plan of kind `kind`.
fn text_kind_matches(kind: &NodeKind, k: &NodeKind) -> bool {
    kind == k && !matches!(k, NodeKind::Text(TextKind::Void, _))
}

fn kind_name(k: &NodeKind) -> &'static str {
    match k {
        NodeKind::Text(t, _) => t.name(),
        NodeKind::Char => "char",
        NodeKind::Cstr => "cstr",
        NodeKind::Scalar(_) | NodeKind::Enum(..) | NodeKind::Bits(_) => "a number",
        NodeKind::Struct(_) => "a struct",
        NodeKind::Array(_) => "an array",
    }
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar(s) => s.to_string(),
        k => kind_name(k).into(),
    }
}
