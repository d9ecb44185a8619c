//! `T[until COND]` and `T[while COND]`: arrays whose length is decided by
//! their elements, read one element at a time.
//!
//! `_` in `COND` names the element just read (its fields: `_.size`; a
//! scalar element is its value: `u8[until _ == 0]`). `until` includes the
//! element that meets the condition (Kaitai's `repeat-until`); `while`
//! reads the element that fails it to test it, then leaves it out: the
//! array ends before it and the next field starts at its first byte (tar's
//! entries `Entry[while _.name != ""]` stop at the first zero block, which
//! a field after the array then describes).
//!
//! Every element that does not end the array is at least one byte long,
//! so the walk ends: at the terminating element, or with an error at the
//! end of the region (the file, or the enclosing `within` window).

use std::sync::Arc;

use super::{ArrayNode, Elems, Frame, Member, Node, NodeKind, Resolver};
use crate::error::{Result, grouped};
use crate::layout::{Expr, Field, Type};

/// The name `_` has in a repeat condition.
pub(crate) const ELEMENT: &str = "_";

/// A frame holding only `_`: the element `node` read at `abs`, for the
/// repeat condition to look up (`_.kind`).
pub(crate) fn element_frame(node: &Node, abs: u64) -> Frame {
    let mut frame = Frame::new(abs);
    let mut node = node.clone();
    node.offset = 0;
    frame.push(Member { name: Some(Arc::from(ELEMENT)), node, check: None, decl: Default::default(), at: None });
    frame
}

impl Resolver<'_> {
    /// The array `elem[until cond]` (`until`) or `elem[while cond]` at `pos`.
    pub(super) fn resolve_repeat(
        &mut self,
        elem: &Arc<Type>,
        elem_type: Arc<Type>,
        (cond, until): (&Expr, bool),
        pos: u64,
        bounded: bool,
        f: &Field,
    ) -> Result<Node> {
        let word = if until { "until" } else { "while" };
        let end = self.region_end();
        let mut nodes: Vec<Node> = Vec::new();
        let mut p = pos;
        loop {
            if p >= end {
                let why = if until {
                    format!("no element meets `{}`", cond.describe())
                } else {
                    format!("no element fails `{}` to end the array", cond.describe())
                };
                return Err(self
                    .data_error(
                        format!(
                            "{why} before the end of {} at offset {end:#x} ({} elements read)",
                            self.region_name(),
                            grouped(nodes.len() as u64)
                        ),
                        f,
                        pos,
                    )
                    .with_bytes(self.data, end.min(self.filesize)));
            }
            let index = nodes.len();
            self.next_index = Some(index as u64);
            let n = self.resolve_type(elem, p, bounded, f);
            self.next_index = None;
            let mut n = n.map_err(|e| {
                e.note(format!(
                    "while reading element {index} of a [{word} ...] array, at offset {p:#x}: no element ended it before"
                ))
            })?;
            self.frames.push(element_frame(&n, p));
            let holds = self.eval(cond);
            self.frames.pop();
            let holds = holds? != 0;
            if !until && !holds {
                break;
            }
            if n.size == 0 && !(until && holds) {
                return Err(self.data_error(
                    format!(
                        "element {index} at offset {p:#x} is empty (0 bytes) and does not end the array: `[{word} {}]` would never end",
                        cond.describe()
                    ),
                    f,
                    p,
                ));
            }
            n.offset = p - pos;
            p += n.size;
            nodes.push(n);
            if until && holds {
                break;
            }
        }
        let count = nodes.len() as u64;
        let kind = NodeKind::Array(Box::new(ArrayNode {
            shape: vec![count],
            count,
            elems: Elems::Walked(nodes),
            elem_type,
            fortran: false,
        }));
        Ok(Node { offset: 0, size: p - pos, kind })
    }
}
