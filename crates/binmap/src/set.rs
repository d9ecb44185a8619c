//! `set`: edit values in place.
//!
//! Every assignment is parsed, located and encoded first; only when all of
//! them are valid does the first byte change, so a bad value leaves the
//! file byte-identical. Fields that other fields' sizes or placements
//! depend on are refused: changing `N` in place would silently reinterpret
//! the rest of the file.

use crate::encode::{Origin, bit_field_value, encode_leaf, encode_scalar};
use crate::error::{Error, Result};
use crate::layout::{BitLeaf, Expr, Item, Layout, Type};
use crate::map::{Map, NodeKind};
use crate::select::{Seg, Selection, parse_path, path_to_string, select};
use crate::sink::is_leaf;
use crate::text::json_read::Doc;

/// One planned write: these bytes at each of these offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub bytes: Vec<u8>,
    pub offsets: Vec<u64>,
    /// Only the bits set here are written (a bit field: its neighbours in
    /// the container keep their bits); `None` writes every byte.
    pub mask: Option<Vec<u8>>,
}

/// Check and encode `PATH=VALUE` assignments against `map`.
///
/// `records.value=0` sets the field in every record (like numpy's
/// `arr['value'] = 0`).
///
/// ```
/// let layout = binmap::Layout::parse("a: u8\nb: i16be[2]").unwrap();
/// let data = [1u8, 0, 0, 0, 0];
/// let map = binmap::Map::new(&layout, &data, "x").unwrap();
/// let edits = binmap::set::plan(&map, &["b[1]=-2".to_string()]).unwrap();
/// assert_eq!(edits[0].offsets, [3]);
/// assert_eq!(edits[0].bytes, [0xff, 0xfe]);
/// assert!(binmap::set::plan(&map, &["a=300".to_string()]).is_err());
/// ```
pub fn plan(map: &Map<'_>, assignments: &[String]) -> Result<Vec<Edit>> {
    let sizing = sizing_names(map.layout());
    let mut edits = Vec::new();
    for a in assignments {
        let Some((path_text, value)) = a.split_once('=') else {
            return Err(Error::usage(format!("'{a}' is not PATH=VALUE")));
        };
        let path = parse_path(path_text.trim())?;
        if let Some(Seg::Field(name)) = path.iter().rev().find(|s| matches!(s, Seg::Field(_)))
            && sizing.iter().any(|s| s == &**name)
        {
            return Err(Error::input(format!(
                "'{name}' sizes or places other fields in the layout; changing it in place would reinterpret the rest of the file (rewrite it with show + pack instead)"
            )));
        }
        let doc = Doc::String(value.to_string());
        let sel = select(map, &path)?;
        let targets: Vec<crate::select::View<'_>> = match &sel {
            Selection::One(v) => vec![*v],
            Selection::Many(p) => {
                let n: u64 = p.shape().iter().product();
                (0..n).map(|i| p.elem(i)).collect::<Result<_>>()?
            }
        };
        let Some(first) = targets.first() else { continue };
        if !is_leaf(&first.node.kind) {
            return Err(Error::usage(format!(
                "'{}' is not a single value; set one field at a time (like {}[0] or a field of it)",
                path_to_string(&path),
                path_to_string(&path)
            )));
        }
        let mut bytes = Vec::new();
        let mut mask = None;
        if let NodeKind::Bits(leaf) = &first.node.kind {
            // The field's bits, and a mask of them, both in the container's byte order.
            let v = bit_field_value(&doc, leaf, Origin::Text).map_err(|e| e.note(format!("in {a}")))?;
            let full = BitLeaf { kind: crate::layout::BitKind::Unsigned, ..(**leaf).clone() };
            let ones = full.insert(0, full.range().1).map_err(Error::input)?;
            let raw = leaf.insert(0, v).map_err(Error::input)?;
            let mut m = Vec::new();
            encode_scalar(&Doc::Number(ones.to_string()), leaf.container, Origin::Json, &mut m)?;
            encode_scalar(&Doc::Number(raw.to_string()), leaf.container, Origin::Json, &mut bytes)?;
            mask = Some(m);
        } else {
            encode_leaf(&doc, &first.node.kind, first.node.size, Origin::Text, &mut bytes)
                .map_err(|e| e.note(format!("in {a}")))?;
        }
        if bytes.len() as u64 != first.node.size {
            return Err(Error::input(format!(
                "'{}' takes exactly {} bytes in the file; the new value needs {}",
                path_to_string(&path),
                first.node.size,
                bytes.len()
            )));
        }
        edits.push(Edit { bytes, offsets: targets.iter().map(|v| v.abs).collect(), mask });
    }
    Ok(edits)
}

/// Apply checked edits to writable bytes.
pub fn apply(data: &mut [u8], edits: &[Edit]) -> Result<()> {
    for e in edits {
        for &off in &e.offsets {
            let s = usize::try_from(off).map_err(|_| Error::input("offset too large"))?;
            let Some(dst) = data.get_mut(s..s + e.bytes.len()) else {
                return Err(Error::input(format!("offset {off:#x} is outside the file")));
            };
            match &e.mask {
                None => dst.copy_from_slice(&e.bytes),
                Some(mask) => {
                    for ((d, b), m) in dst.iter_mut().zip(&e.bytes).zip(mask) {
                        *d = (*d & !m) | (b & m);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Names of fields that some expression of the layout reads.
fn sizing_names(layout: &Layout) -> Vec<String> {
    let mut out = Vec::new();
    items_names(&layout.root.items, &mut out);
    out
}

fn expr_names(e: &Expr, out: &mut Vec<String>) {
    for p in e.paths() {
        out.extend(p.iter().map(|s| s.to_string()));
    }
}

fn type_names(t: &Type, out: &mut Vec<String>) {
    match t {
        Type::Text { len, .. } => expr_names(len, out),
        Type::Array { elem, dims } => {
            if let Some(ds) = dims.exprs() {
                ds.iter().for_each(|d| expr_names(d, out));
            }
            if let Some((cond, _)) = dims.repeat() {
                expr_names(cond, out);
            }
            type_names(elem, out);
        }
        Type::Within { inner, size } => {
            expr_names(size, out);
            type_names(inner, out);
        }
        Type::Ref(r) => {
            if let Some(d) = r.definition() {
                type_names(d, out);
            }
        }
        Type::Struct(st) => items_names(&st.items, out),
        Type::Enum(_, base) => type_names(base, out),
        Type::Bits(b) => type_names(&b.container, out),
        _ => {}
    }
}

fn items_names(items: &[Item], out: &mut Vec<String>) {
    for it in items {
        match it {
            Item::Field(f) => {
                for p in f.offset_exprs() {
                    expr_names(p, out);
                }
                type_names(&f.ty, out);
                if let Some(c) = &f.constraint {
                    c.exprs().into_iter().for_each(|e| expr_names(e, out));
                }
            }
            Item::If { cond, body } => {
                expr_names(cond, out);
                items_names(body, out);
            }
            Item::Let { value, .. } => expr_names(value, out),
            Item::Align { .. } => {}
        }
    }
}
