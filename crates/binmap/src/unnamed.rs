//! Values of `enum` and `flags` fields that no name covers: what `--strict`
//! refuses (without it they show as numbers, `7` or `"read|8"`).
//!
//! One walk over the map; an array whose element holds no enum is skipped
//! whole, so a layout without enums costs nothing. May call: `map`,
//! `decode`, `layout`.

use crate::decode::decode_scalar;
use crate::layout::{BitKind, EnumDef, Shown};
use crate::map::{Elems, Map, Node, NodeKind, bit_value, slice};

/// An enum or flags value with no name for it (or for some of its bits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unnamed {
    /// The field's path (`records[3].color`).
    pub path: String,
    /// Offset of the field (of its container, for a bit field).
    pub offset: u64,
    pub value: i128,
    /// The bits of a flags value that no name covers (the value, for an enum).
    pub rest: i128,
    /// The enum or flags declaration, as layout text.
    pub declaration: String,
}

impl std::fmt::Display for Unnamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at offset {:#x} is {}", self.path, self.offset, self.value)?;
        if self.rest != self.value {
            write!(f, ", whose bits {} have", self.rest)?;
        } else {
            f.write_str(", which has")?;
        }
        write!(f, " no name in {}", self.declaration)
    }
}

/// The first value in `map` that an `enum` or `flags` declaration has no
/// name for, in file order of the walk.
///
/// ```
/// let layout = binmap::Layout::parse("enum C: u8 { red = 1 }\nc: C[2]").unwrap();
/// let map = binmap::Map::new(&layout, &[1, 5], "x").unwrap();
/// let u = binmap::unnamed::first_unnamed(&map).unwrap();
/// assert_eq!(u.to_string(), "c[1] at offset 0x1 is 5, which has no name in enum C: u8 { red = 1 }");
/// ```
pub fn first_unnamed(map: &Map<'_>) -> Option<Unnamed> {
    let mut path = String::new();
    walk(&map.root, 0, map.data(), &mut path)
}

fn walk(node: &Node, abs: u64, data: &[u8], path: &mut String) -> Option<Unnamed> {
    let found = |def: &EnumDef, v: i128, path: &str| {
        let rest = match def.show(v) {
            Shown::Name(_) => return None,
            Shown::Flags(_, 0) => return None,
            Shown::Flags(_, rest) => rest,
            Shown::Number(_) => v,
        };
        Some(Unnamed { path: path.to_string(), offset: abs, value: v, rest, declaration: def.describe() })
    };
    match &node.kind {
        NodeKind::Enum(s, def) => {
            let v = decode_scalar(slice(data, abs, node.size), *s).ok()?.as_int()?;
            found(def, v, path)
        }
        NodeKind::Bits(b) => match &b.kind {
            BitKind::Enum(def) => found(def, bit_value(b, slice(data, abs, node.size)), path),
            _ => None,
        },
        NodeKind::Struct(members) => members.iter().find_map(|m| {
            let n = m.name.as_deref()?;
            let len = path.len();
            if len > 0 {
                path.push('.');
            }
            path.push_str(n);
            let r = walk(&m.node, m.abs(abs), data, path);
            path.truncate(len);
            r
        }),
        NodeKind::Array(a) => {
            if let Elems::Uniform { elem, .. } = &a.elems
                && !has_names(elem)
            {
                return None;
            }
            (0..a.count).find_map(|i| {
                let (e, off) = a.elem(i);
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let r = walk(e, abs + off, data, path);
                path.truncate(len);
                r
            })
        }
        NodeKind::Scalar(_) | NodeKind::Char | NodeKind::Text(..) | NodeKind::Cstr => None,
    }
}

/// True when `node` holds an enum or flags value somewhere.
fn has_names(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Enum(..) => true,
        NodeKind::Bits(b) => matches!(b.kind, BitKind::Enum(_)),
        NodeKind::Struct(ms) => ms.iter().any(|m| has_names(&m.node)),
        NodeKind::Array(a) => match &a.elems {
            Elems::Uniform { elem, .. } => has_names(elem),
            Elems::Walked(v) => v.iter().any(has_names),
        },
        _ => false,
    }
}
