//! Every value a layout decodes from a file, as (offset, size, type,
//! value): what the guess tests compare between a guessed layout and the
//! true one.

use binmap::decode::{Value, decode_scalar, decode_text};
use binmap::layout::{Endian, Scalar, TextKind};
use binmap::map::{Node, NodeKind};
use binmap::{Layout, Map};

/// A leaf's type: a scalar (byte order only when it has more than one
/// byte), or a text kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Scalar(Scalar),
    Text(TextKind),
    Other,
}

/// A decoded value, comparable across types that decode alike (`i32` 5 and
/// `u32` 5; `bytes` and `utf8` text).
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Int(i128),
    Float { width: u64, bits: u64 },
    Bytes(Vec<u8>),
    Bad,
}

/// One decoded leaf.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    pub offset: u64,
    pub size: u64,
    pub ty: Ty,
    pub value: Val,
}

/// Every leaf of `layout` on `data`, in file order (`Err` when it does not map).
pub fn leaves(layout: &str, data: &[u8]) -> Result<Vec<Leaf>, String> {
    let layout = Layout::parse(layout).map_err(|e| e.to_string())?;
    let map = Map::new(&layout, data, "file").map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    walk(&map.root, 0, data, &mut out);
    Ok(out)
}

fn walk(node: &Node, abs: u64, data: &[u8], out: &mut Vec<Leaf>) {
    let bytes = || data.get(abs as usize..(abs + node.size) as usize).unwrap_or_default();
    match &node.kind {
        NodeKind::Scalar(s) => {
            let s = if s.kind.size() == 1 { Scalar { kind: s.kind, endian: Endian::Little } } else { *s };
            out.push(Leaf { offset: abs, size: node.size, ty: Ty::Scalar(s), value: val(decode_scalar(bytes(), s)) });
        }
        NodeKind::Text(k, end) => out.push(Leaf {
            offset: abs,
            size: node.size,
            ty: Ty::Text(*k),
            value: val(decode_text(bytes(), *k, *end)),
        }),
        NodeKind::Struct(members) => {
            for m in members.iter().filter(|m| m.name.is_some()) {
                walk(&m.node, abs + m.node.offset, data, out);
            }
        }
        NodeKind::Array(a) => {
            for i in 0..a.count {
                let (elem, off) = a.elem(i);
                walk(elem, abs + off, data, out);
            }
        }
        _ => out.push(Leaf { offset: abs, size: node.size, ty: Ty::Other, value: Val::Bytes(bytes().to_vec()) }),
    }
}

fn val<E>(v: Result<Value<'_>, E>) -> Val {
    match v {
        Ok(Value::Int(i)) => Val::Int(i.into()),
        Ok(Value::UInt(u)) => Val::Int(u.into()),
        Ok(Value::Bool(b)) => Val::Int(b.into()),
        Ok(Value::F32(x)) => Val::Float { width: 4, bits: x.to_bits().into() },
        Ok(Value::F64(x)) => Val::Float { width: 8, bits: x.to_bits() },
        Ok(Value::Bytes(b)) => Val::Bytes(b.to_vec()),
        Ok(Value::Text(t)) => Val::Bytes(t.as_bytes().to_vec()),
        Ok(_) => Val::Bad,
        Err(_) => Val::Bad,
    }
}

/// True when every leaf of `truth` is a leaf of `guess` with the same
/// offset, size and value.
pub fn recovers(truth: &[Leaf], guess: &[Leaf]) -> bool {
    let mut g = guess.iter().peekable();
    truth.iter().all(|t| {
        while g.next_if(|l| l.offset < t.offset).is_some() {}
        g.peek().is_some_and(|l| l.offset == t.offset && l.size == t.size && l.value == t.value && l.value != Val::Bad)
    })
}

/// The first leaf of `truth` that `guess` does not recover.
pub fn first_miss<'a>(truth: &'a [Leaf], guess: &[Leaf]) -> Option<&'a Leaf> {
    truth.iter().find(|t| !recovers(std::slice::from_ref(t), guess))
}

/// The array that holds the most bytes: its offset, size and element size
/// (`None` without arrays).
pub fn main_array(layout: &str, data: &[u8]) -> Option<(u64, u64, u64)> {
    let layout = Layout::parse(layout).ok()?;
    let map = Map::new(&layout, data, "file").ok()?;
    let mut best: Option<(u64, u64, u64)> = None;
    find_arrays(&map.root, 0, &mut best);
    best
}

/// The element size of the array that holds the most bytes (`None` without arrays).
pub fn main_stride(layout: &str, data: &[u8]) -> Option<u64> {
    main_array(layout, data).map(|b| b.2)
}

fn find_arrays(node: &Node, abs: u64, best: &mut Option<(u64, u64, u64)>) {
    match &node.kind {
        NodeKind::Struct(members) => members.iter().for_each(|m| find_arrays(&m.node, abs + m.node.offset, best)),
        NodeKind::Array(a) => {
            let stride = node.size.checked_div(a.count).unwrap_or(0);
            if best.is_none_or(|b| node.size > b.1) {
                *best = Some((abs, node.size, stride));
            }
        }
        _ => {}
    }
}
