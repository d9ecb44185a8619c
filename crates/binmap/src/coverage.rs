//! Which bytes of a file a [`Map`] describes, and the holes it leaves.
//!
//! A byte is described when some field of the map covers it: a value, an
//! `_` padding field or an `align` gap (padding is described: the layout
//! says it is there). Bytes that no field covers are *undescribed*: after
//! the last field (a layout that is too short for its file), or in holes
//! between fields that `@` placements jump over. Commands that read a file
//! report them ([`describe_range`] gives the wording), since a layout that
//! leaves bytes out is often the wrong layout for the file.
//!
//! Computed from the map alone, in one walk: a uniform array is one range
//! (its elements tile it exactly), so a 100 GB record array costs no more
//! than a scalar.

use std::ops::Range;

use crate::error::grouped;
use crate::map::{Elems, Map, Node, NodeKind};

/// The ranges of `map`'s file that no field describes, in order.
///
/// ```
/// let layout = binmap::Layout::parse("a: u8\n@ 4 b: u16").unwrap();
/// let data = [1, 0, 0, 0, 2, 0, 9, 9];
/// let map = binmap::Map::new(&layout, &data, "x.bin").unwrap();
/// assert_eq!(binmap::coverage::undescribed(&map), [1..4, 6..8]);
/// ```
pub fn undescribed(map: &Map<'_>) -> Vec<Range<u64>> {
    let mut runs = Runs::default();
    cover(&map.root, 0, &mut runs);
    let file_size = map.filesize();
    let mut holes = Vec::new();
    let mut at = 0;
    for r in runs.finish() {
        if r.start > at {
            holes.push(at..r.start.min(file_size));
        }
        at = at.max(r.end);
        if at >= file_size {
            break;
        }
    }
    if at < file_size {
        holes.push(at..file_size);
    }
    holes.retain(|h| h.start < h.end);
    holes
}

/// How many bytes `ranges` hold together.
pub fn total(ranges: &[Range<u64>]) -> u64 {
    ranges.iter().map(|r| r.end - r.start).sum()
}

/// `bytes 0x80..0xf8 (120 bytes)`: a range as messages name it.
///
/// ```
/// assert_eq!(binmap::coverage::describe_range(&(0x80..0xf8)), "bytes 0x80..0xf8 (120 bytes)");
/// assert_eq!(binmap::coverage::describe_range(&(3..4)), "byte 0x3 (1 byte)");
/// ```
pub fn describe_range(r: &Range<u64>) -> String {
    let n = r.end - r.start;
    if n == 1 {
        format!("byte {:#x} (1 byte)", r.start)
    } else {
        format!("bytes {:#x}..{:#x} ({} bytes)", r.start, r.end, grouped(n))
    }
}

/// Add the bytes `node` (at absolute offset `abs`) describes to `runs`.
fn cover(node: &Node, abs: u64, runs: &mut Runs) {
    match &node.kind {
        NodeKind::Scalar(_)
        | NodeKind::Enum(..)
        | NodeKind::Bits(_)
        | NodeKind::Char
        | NodeKind::Text(..)
        | NodeKind::Cstr => {
            runs.add(abs, abs.saturating_add(node.size));
        }
        NodeKind::Struct(members) => {
            for m in members {
                cover(&m.node, m.at.unwrap_or(abs.saturating_add(m.node.offset)), runs);
            }
        }
        NodeKind::Array(a) => match &a.elems {
            // The elements, not the node: a node in a `within` window may be larger.
            Elems::Uniform { elem, stride } if a.count > 0 && is_solid(elem) => {
                runs.add(abs, abs.saturating_add(stride.saturating_mul(a.count)));
            }
            Elems::Uniform { .. } => {
                for i in 0..a.count {
                    let (e, off) = a.elem(i);
                    cover(e, abs.saturating_add(off), runs);
                }
            }
            Elems::Walked(nodes) => {
                for n in nodes {
                    cover(n, abs.saturating_add(n.offset), runs);
                }
            }
        },
    }
}

/// True when `node` describes every one of its bytes (no hole inside).
fn is_solid(node: &Node) -> bool {
    let mut runs = Runs::default();
    cover(node, 0, &mut runs);
    let runs = runs.finish();
    node.size == 0 || (runs.len() == 1 && runs[0] == (0..node.size))
}

/// Described ranges, merged as they come (fields mostly come in order).
#[derive(Default)]
struct Runs {
    runs: Vec<Range<u64>>,
    /// True once a range came before the last one (an `@` going back).
    out_of_order: bool,
}

impl Runs {
    fn add(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        match self.runs.last_mut() {
            Some(last) if start >= last.start && start <= last.end => last.end = last.end.max(end),
            Some(last) if start < last.start => {
                self.out_of_order = true;
                self.runs.push(start..end);
            }
            _ => self.runs.push(start..end),
        }
    }

    /// The ranges sorted and merged.
    fn finish(mut self) -> Vec<Range<u64>> {
        if self.out_of_order {
            self.runs.sort_unstable_by_key(|r| r.start);
            let mut merged: Vec<Range<u64>> = Vec::with_capacity(self.runs.len());
            for r in self.runs {
                match merged.last_mut() {
                    Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                    _ => merged.push(r),
                }
            }
            return merged;
        }
        self.runs
    }
}
