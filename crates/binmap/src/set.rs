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
use crate::map::is_leaf;
use crate::map::{Map, NodeKind};
use crate::select::{Seg, Selection, View, parse_path, path_to_string, select};
use crate::text::json_read::{Doc, parse_json};

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
/// A value goes to every element the path selects, as numpy assigns:
/// `records.value=0` sets the field in every record (numpy's
/// `arr['value'] = 0`), `data[0]=7` a whole row, `data[:, 1]=2` a column.
/// A JSON list (`data[0]=[1,2,3,4,5]`) is broadcast against the
/// selection's shape with numpy's rules, or refused when it does not fit.
/// A field that sizes or places others may only be set to the value it
/// has (then nothing is written).
///
/// ```
/// let layout = binmap::Layout::parse("a: u8\nb: i16be[2]").unwrap();
/// let data = [1u8, 0, 0, 0, 0];
/// let map = binmap::Map::new(&layout, &data, "x").unwrap();
/// let edits = binmap::set::plan(&map, &["b[1]=-2".to_string()]).unwrap();
/// assert_eq!(edits[0].offsets, [3]);
/// assert_eq!(edits[0].bytes, [0xff, 0xfe]);
/// assert!(binmap::set::plan(&map, &["a=300".to_string()]).is_err());
/// let edits = binmap::set::plan(&map, &["b=[1, 2]".to_string()]).unwrap();
/// assert_eq!((edits[0].offsets.as_slice(), edits[1].offsets.as_slice()), (&[1][..], &[3][..]));
/// let err = binmap::set::plan(&map, &["b=[1, 2, 3]".to_string()]).unwrap_err();
/// assert!(err.to_string().contains("could not broadcast 3 values (shape (3,)) into shape (2,)"), "{err}");
/// ```
pub fn plan(map: &Map<'_>, assignments: &[String]) -> Result<Vec<Edit>> {
    let sizing = sizing_names(map.layout());
    let mut edits = Vec::new();
    for a in assignments {
        let Some((path_text, value)) = a.split_once('=') else {
            return Err(Error::usage(format!("'{a}' is not PATH=VALUE")));
        };
        let path = parse_path(path_text.trim())?;
        let sizes = match path.iter().rev().find(|s| matches!(s, Seg::Field(_))) {
            Some(Seg::Field(name)) if sizing.iter().any(|s| s == &**name) => Some(name.clone()),
            _ => None,
        };
        let sel = select(map, &path)?;
        let (shape, targets): (Vec<u64>, Vec<View<'_>>) = match sel.picked() {
            Some(p) => {
                let p = p.flattened();
                let n: u64 = p.shape().iter().product();
                (p.shape().to_vec(), (0..n).map(|i| p.elem(i)).collect::<Result<_>>()?)
            }
            None => match sel {
                Selection::One(v) => (Vec::new(), vec![v]),
                Selection::Many(_) => return Err(Error::usage("internal: an array selection without a shape")),
            },
        };
        let Some(first) = targets.first() else { continue };
        if targets.iter().any(|v| v.abs.saturating_add(v.node.size) > map.filesize()) {
            return Err(Error::input(format!(
                "'{}' is read from decompressed bytes (a zlib/deflate/gzip region), which binmap cannot write back",
                path_to_string(&path)
            )));
        }
        if !is_leaf(&first.node.kind) {
            return Err(Error::usage(format!(
                "'{}' is not a single value; set one field at a time (like {}[0] or a field of it)",
                path_to_string(&path),
                path_to_string(&path)
            )));
        }
        let values = broadcast(value, &shape, &path)?;
        // The targets of each value, in one pass.
        let mut offsets: Vec<Vec<u64>> = vec![Vec::new(); values.docs.len()];
        for (t, v) in targets.iter().enumerate() {
            offsets[values.value_of(t as u64, &shape)].push(v.abs);
        }
        let mut planned = Vec::new();
        for (doc, offsets) in values.docs.iter().zip(offsets) {
            let (bytes, mask) = encode(doc, first, values.origin, &path).map_err(|e| e.note(format!("in {a}")))?;
            planned.push(Edit { bytes, offsets, mask });
        }
        if let Some(name) = sizes {
            if planned.iter().all(|e| unchanged(map.data(), e)) {
                continue;
            }
            return Err(Error::input(format!(
                "'{name}' sizes or places other fields in the layout; changing it in place would reinterpret the rest of the file (rewrite it with show + pack instead)"
            )));
        }
        edits.extend(planned);
    }
    Ok(edits)
}

/// The values of an assignment: one for every target, or a list (numpy's
/// array on the right of `=`) broadcast against the targets' shape.
struct Values {
    docs: Vec<Doc>,
    /// The list's shape (`[]` for one value).
    shape: Vec<u64>,
    origin: Origin,
}

impl Values {
    /// The value that target `t` (flat over `target`) takes: numpy's
    /// broadcasting, the list's dimensions aligned to the right.
    fn value_of(&self, mut t: u64, target: &[u64]) -> usize {
        let skip = target.len() - self.shape.len();
        let (mut k, mut step) = (0u64, 1u64);
        for (i, d) in target.iter().enumerate().rev() {
            let idx = if *d > 0 { t % d } else { 0 };
            t = if *d > 0 { t / d } else { 0 };
            if i >= skip {
                let v = self.shape[i - skip];
                k += if v == 1 { 0 } else { idx } * step;
                step *= v;
            }
        }
        k as usize
    }
}

/// Read `text` as one value, or, when the targets have a shape and the
/// text is a JSON list, as a list broadcast to that shape.
fn broadcast(text: &str, target: &[u64], path: &[Seg]) -> Result<Values> {
    let one = || Values { docs: vec![Doc::String(text.to_string())], shape: Vec::new(), origin: Origin::Text };
    if target.is_empty() || !text.trim_start().starts_with('[') {
        return Ok(one());
    }
    let Ok(doc) = parse_json(text) else { return Ok(one()) };
    let mut shape = Vec::new();
    let mut level = &doc;
    while let Doc::Array(items) = level {
        shape.push(items.len() as u64);
        match items.first() {
            Some(first) => level = first,
            None => break,
        }
    }
    let mut docs = Vec::new();
    flatten(&doc, &shape, &mut docs)
        .map_err(|why| Error::input(format!("'{}': the list is not rectangular: {why}", path_to_string(path))))?;
    let fits =
        shape.len() <= target.len() && shape.iter().rev().zip(target.iter().rev()).all(|(v, t)| *v == 1 || v == t);
    if !fits {
        let show = |s: &[u64]| match s {
            [one] => format!("({one},)"),
            s => format!("({})", s.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")),
        };
        return Err(Error::input(format!(
            "'{}': could not broadcast {} values (shape {}) into shape {}",
            path_to_string(path),
            docs.len(),
            show(&shape),
            show(target)
        )));
    }
    Ok(Values { docs, shape, origin: Origin::Json })
}

/// The leaves of a nested list of `shape`, in C order.
fn flatten(doc: &Doc, shape: &[u64], out: &mut Vec<Doc>) -> std::result::Result<(), String> {
    match (doc, shape.split_first()) {
        (Doc::Array(items), Some((n, rest))) => {
            if items.len() as u64 != *n {
                return Err(format!("a list of {} where one of {n} came before", items.len()));
            }
            items.iter().try_for_each(|d| flatten(d, rest, out))
        }
        (Doc::Array(_), None) => Err("a list where a value came before".into()),
        (_, Some(_)) => Err("a value where a list came before".into()),
        (d, None) => {
            out.push(d.clone());
            Ok(())
        }
    }
}

/// The bytes (and, for a bit field, the mask of its bits) of `doc` as a
/// value of `target`'s type.
fn encode(doc: &Doc, target: &View<'_>, origin: Origin, path: &[Seg]) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
    let mut bytes = Vec::new();
    let mut mask = None;
    if let NodeKind::Bits(leaf) = &target.node.kind {
        // The field's bits, and a mask of them, both in the container's byte order.
        let v = bit_field_value(doc, leaf, origin)?;
        let full = BitLeaf { kind: crate::layout::BitKind::Unsigned, ..(**leaf).clone() };
        let ones = full.insert(0, full.range().1).map_err(Error::input)?;
        let raw = leaf.insert(0, v).map_err(Error::input)?;
        let mut m = Vec::new();
        encode_scalar(&Doc::Number(ones.to_string()), leaf.container, Origin::Json, &mut m)?;
        encode_scalar(&Doc::Number(raw.to_string()), leaf.container, Origin::Json, &mut bytes)?;
        mask = Some(m);
    } else {
        encode_leaf(doc, &target.node.kind, target.node.size, origin, &mut bytes)?;
    }
    if bytes.len() as u64 != target.node.size {
        return Err(Error::input(format!(
            "'{}' takes exactly {} bytes in the file; the new value needs {}",
            path_to_string(path),
            target.node.size,
            bytes.len()
        )));
    }
    Ok((bytes, mask))
}

/// True when the file already holds `edit`'s bytes at every offset.
fn unchanged(data: &[u8], edit: &Edit) -> bool {
    edit.offsets.iter().all(|&off| {
        let Some(have) = usize::try_from(off).ok().and_then(|s| data.get(s..s + edit.bytes.len())) else {
            return false;
        };
        match &edit.mask {
            None => have == edit.bytes.as_slice(),
            Some(m) => have.iter().zip(&edit.bytes).zip(m).all(|((h, b), m)| h & m == b & m),
        }
    })
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
        Type::Within { inner, size, .. } => {
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
