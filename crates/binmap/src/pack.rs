//! `pack`: a document (JSON in the shape `show --format json` prints, or
//! CSV rows) and a layout to the file's bytes.
//!
//! The walk mirrors [`crate::map`]'s resolver: fields one after another,
//! `@` placements, `align`, `if`, and sizes evaluated with the same checked
//! expressions over the bytes written so far. Size fields that the input
//! leaves out (`N` of `coords: {...}[N]`, `M` of `utf8[M]`) are derived from
//! the data; when given they are checked against it. The result is finally
//! resolved again, with every check [`crate::Map::new`] makes, so a packed
//! file always reads back.

use std::collections::HashMap;
use std::sync::Arc;

use crate::encode::{Origin, encode_leaf, string_bytes};
use crate::error::{Error, Result};
use crate::layout::{Dims, ExprKind, Field, Item, Layout, Literal, StructType, TextKind, Type, align_up};
use crate::map::{ArrayNode, Elems, Env, Frame, Member, Node, NodeKind};
use crate::select::{Seg, parse_path};
use crate::text::json_read::Doc;

/// Pack `doc` (the whole file's object) with `layout` into bytes.
///
/// ```
/// use binmap::text::json_read::parse_json;
/// let layout = binmap::Layout::parse("n: u8\nv: u16be[n]").unwrap();
/// let doc = parse_json(r#"{"v": [1, 2]}"#).unwrap();
/// assert_eq!(binmap::pack::pack(&layout, &doc, binmap::encode::Origin::Json).unwrap(), [2, 0, 1, 0, 2]);
/// ```
pub fn pack(layout: &Layout, doc: &Doc, origin: Origin) -> Result<Vec<u8>> {
    let mut looked_up = Vec::new();
    crate::map::path_names(&layout.root.items, &mut looked_up);
    looked_up.sort_unstable();
    looked_up.dedup();
    let looked_up = &looked_up[..];
    let mut p = Packer { out: Vec::new(), frames: Vec::new(), layout, origin, filesize: None, looked_up };
    if layout.source.contains("filesize") {
        // `filesize` is the size being computed: a first pass takes array
        // lengths from the data and places `@ filesize - k` fields right
        // after what precedes them; the second pass uses the size it found.
        let mut first =
            Packer { out: Vec::new(), frames: Vec::new(), layout, origin, filesize: Some(Guess::Unknown), looked_up };
        first.structure(&layout.root, doc, &Path::Root)?;
        p.filesize = Some(Guess::Known(first.out.len() as u64));
    }
    p.structure(&layout.root, doc, &Path::Root)?;
    let out = p.out;
    // Read it back: a packed file must resolve (sizes, checks, `[..]`).
    crate::map::check(layout, &out, "<packed output>").map_err(|e| {
        let mut e = e;
        e.message = format!("the packed bytes do not read back: {}", e.message);
        e
    })?;
    Ok(out)
}

/// Up to this many members, an input object is searched in order rather
/// than through a hash map.
const SCAN_MEMBERS: usize = 16;

/// The members of one input object, by layout field.
///
/// When the object lists its members in the order of the layout's fields
/// (as `show --format json` writes them) and the struct has no `if` blocks,
/// each member is matched to its field in one walk: nothing is hashed, and
/// a layout of a million fields packs in linear time. Otherwise members are
/// found by name, the last of repeated keys winning (as with Python's json).
enum Values<'d> {
    /// The member of each item of the struct, by item position.
    InOrder(Vec<Option<&'d Doc>>),
    ByName(ByName<'d>),
}

/// Members by name: searched from the end when few, else hashed.
enum ByName<'d> {
    Few(Vec<(&'d str, &'d Doc)>),
    Many(HashMap<&'d str, &'d Doc>),
}

impl<'d> ByName<'d> {
    fn new(members: impl Iterator<Item = (&'d str, &'d Doc)>) -> ByName<'d> {
        let few: Vec<(&str, &Doc)> = members.collect();
        if few.len() <= SCAN_MEMBERS { ByName::Few(few) } else { ByName::Many(few.into_iter().collect()) }
    }

    fn get(&self, name: &str) -> Option<&'d Doc> {
        match self {
            ByName::Few(v) => v.iter().rev().find(|(k, _)| *k == name).map(|(_, d)| *d),
            ByName::Many(m) => m.get(name).copied(),
        }
    }
}

impl<'d> Values<'d> {
    /// The members of `kv` for the struct of `items`.
    fn new(items: &[Item], kv: &'d [(String, Doc)]) -> Values<'d> {
        match in_order(items, kv) {
            Some(v) => Values::InOrder(v),
            None => Values::ByName(ByName::new(kv.iter().map(|(k, v)| (k.as_str(), v)))),
        }
    }

    /// The member for field `name`, item `k` of its struct (or of an `if`
    /// block: those are only ever found by name).
    fn get(&self, k: usize, name: &str) -> Option<&'d Doc> {
        match self {
            Values::InOrder(v) => v.get(k).copied().flatten(),
            Values::ByName(m) => m.get(name),
        }
    }
}

/// Match the members of `kv` to `items` when they come in the items' order
/// (each naming a field after the one before); `None` when they do not, or
/// when the struct has `if` blocks (whose names may repeat).
fn in_order<'d>(items: &[Item], kv: &'d [(String, Doc)]) -> Option<Vec<Option<&'d Doc>>> {
    if items.iter().any(|it| matches!(it, Item::If { .. })) {
        return None;
    }
    let mut out = vec![None; items.len()];
    let mut k = 0;
    for (key, v) in kv {
        loop {
            let item = items.get(k)?;
            k += 1;
            if let Item::Field(Field { name: Some(n), .. }) = item
                && **n == **key
            {
                out[k - 1] = Some(v);
                break;
            }
        }
    }
    Some(out)
}

/// Where a value sits in the input (`header.rows`, `records[3].name`), put
/// into words only when an error names it.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(p, name) => write!(f, "{p}.{name}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

struct Packer<'l> {
    out: Vec<u8>,
    frames: Vec<Frame>,
    layout: &'l Layout,
    origin: Origin,
    /// What `filesize` means while packing (see [`pack`]).
    filesize: Option<Guess>,
    /// Every name in a field path of the layout's expressions, sorted: the
    /// only members an expression can look up, so the only ones kept.
    looked_up: &'l [&'l str],
}

/// `filesize` during the two passes of packing a layout that uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Guess {
    /// First pass: sizes that need `filesize` come from the data.
    Unknown,
    /// Second pass: the size the first pass produced.
    Known(u64),
}

fn at(path: &Path<'_>, e: Error) -> Error {
    if matches!(path, Path::Root) || e.notes.iter().any(|n| n.starts_with("at ")) {
        e
    } else {
        e.note(format!("at {path}"))
    }
}

impl Packer<'_> {
    fn env(&self) -> Env<'_> {
        let filesize = match self.filesize {
            Some(Guess::Known(n)) => Some(n),
            _ => None,
        };
        Env { frames: &self.frames, data: &self.out, filesize, layout: self.layout }
    }

    /// In the first pass of a `filesize` layout, expressions that cannot be
    /// evaluated yet fall back to the data.
    fn guessing(&self) -> bool {
        self.filesize == Some(Guess::Unknown)
    }

    fn pos(&self) -> u64 {
        self.out.len() as u64
    }

    fn structure(&mut self, st: &StructType, doc: &Doc, path: &Path<'_>) -> Result<Node> {
        let Doc::Object(kv) = doc else {
            return Err(at(path, Error::input(format!("expected an object with fields {}", field_list(&st.items)))));
        };
        let mut values = Values::new(&st.items, kv);
        let derived = derive_sizes(&st.items, kv, &values, self.origin);
        if !derived.is_empty() {
            let all = kv.iter().chain(&derived).map(|(k, v)| (k.as_str(), v));
            values = Values::ByName(ByName::new(all));
        }
        if let Values::ByName(_) = values {
            let known: std::collections::HashSet<&str> = all_names(&st.items).into_iter().collect();
            if let Some((k, _)) = kv.iter().find(|(k, _)| !known.contains(k.as_str())) {
                return Err(at(
                    path,
                    Error::input(format!("unknown field '{k}'; the layout has {}", field_list(&st.items))),
                ));
            }
        }
        let base = self.pos();
        self.frames.push(Frame::new(base));
        let r = self.items(&st.items, &values, base, path);
        let frame = self.frames.pop().unwrap_or_else(|| Frame::new(base));
        r?;
        Ok(Node { offset: 0, size: self.pos() - base, kind: NodeKind::Struct(frame.members) })
    }

    fn items(&mut self, items: &[Item], kv: &Values<'_>, base: u64, path: &Path<'_>) -> Result<()> {
        for (k, item) in items.iter().enumerate() {
            match item {
                Item::Align { to, .. } => {
                    let rel = self.pos() - base;
                    let aligned = align_up(rel, *to).ok_or_else(|| Error::input("alignment overflows"))?;
                    self.out.resize(self.out.len() + (aligned - rel) as usize, 0);
                }
                Item::If { cond, body } => {
                    if self.env().eval(cond).map_err(|e| at(path, e))? != 0 {
                        self.items(body, kv, base, path)?;
                    }
                }
                Item::Field(f) => {
                    let value = f.name.as_ref().and_then(|n| kv.get(k, n));
                    self.field(f, value, base, path)?;
                }
            }
        }
        Ok(())
    }

    fn field(&mut self, f: &Field, value: Option<&Doc>, base: u64, path: &Path<'_>) -> Result<()> {
        let fpath = Path::Field(path, f.name.as_deref().unwrap_or("_"));
        if let Some(e) = &f.placement {
            let p = match self.env().eval(e) {
                Err(_) if self.guessing() => self.pos().into(),
                r => r.map_err(|e| at(&fpath, e))?,
            };
            let p = u64::try_from(p).map_err(|_| {
                at(&fpath, Error::input(format!("placement @ {} = {p} {}", e.describe(), crate::layout::out_of_u64(p))))
            })?;
            if p < self.pos() {
                return Err(at(
                    &fpath,
                    Error::input(format!(
                        "placement @ {} = {p:#x} overlaps bytes already written (up to {:#x})",
                        e.describe(),
                        self.pos()
                    )),
                ));
            }
            self.out.resize(usize::try_from(p).map_err(|_| Error::input("placement too large"))?, 0);
        }
        let start = self.pos();
        let node = match (value, &f.check, &f.name) {
            (_, _, None) => {
                // `_` padding: zeros of the type's size.
                let size = self.zero_size(&f.ty, &fpath)?;
                self.out.resize(self.out.len() + size as usize, 0);
                Node { offset: 0, size, kind: NodeKind::Text(TextKind::Bytes) }
            }
            (Some(v), _, _) => self.value(&f.ty, v, &fpath)?,
            (None, Some(lit), _) => self.value(&f.ty, &literal_doc(lit), &fpath)?,
            (None, None, Some(name)) => {
                // A member with nothing to show (`s: {}`, `v: u8[0]`) has no
                // CSV column: pack it empty when the layout allows that.
                let empty = match &f.ty {
                    Type::Struct(_) => Some(Doc::Object(Vec::new())),
                    Type::Array { dims, .. } if dims.exprs().is_some() => {
                        let ds = dims.exprs().unwrap_or_default();
                        let shape: Option<Vec<u64>> =
                            ds.iter().map(|d| self.env().eval(d).ok().and_then(|v| u64::try_from(v).ok())).collect();
                        // Only small shells of empty lists (`[[]]`), never a huge one.
                        let shell =
                            |s: &Vec<u64>| s.iter().take_while(|d| **d != 0).try_fold(1u64, |a, d| a.checked_mul(*d));
                        shape
                            .filter(|s| s.contains(&0) && shell(s).is_some_and(|n| n <= 1 << 16))
                            .map(|s| empty_lists(&s))
                    }
                    _ => None,
                };
                let mark = self.out.len();
                match empty.map(|d| self.value(&f.ty, &d, &fpath)) {
                    Some(Ok(node)) => node,
                    _ => {
                        self.out.truncate(mark);
                        return Err(at(path, Error::input(format!("field '{name}' is missing from the input"))));
                    }
                }
            }
        };
        if let (Some(lit), Some(_)) = (&f.check, value) {
            // The same comparison as reading: a packed file must read back.
            let (ok, found) = crate::map::check_literal(lit, &node.kind, &self.out[start as usize..]);
            if !ok {
                return Err(at(&fpath, Error::input(format!("the layout requires == {lit}, the input gives {found}"))));
            }
        }
        let mut node = node;
        node.offset = start - base;
        if let Some(frame) = self.frames.last_mut()
            && f.name.as_deref().is_some_and(|n| self.looked_up.binary_search(&n).is_ok())
        {
            // Names are unique (the parser and the input object make sure).
            frame.push(Member { name: f.name.clone(), node, check: f.check.clone(), decl: f.span });
        }
        Ok(())
    }

    fn zero_size(&self, ty: &Type, path: &Path<'_>) -> Result<u64> {
        let env = self.env();
        let size = |e: &crate::layout::Expr| -> Result<u64> {
            let v = env.eval(e).map_err(|e| at(path, e))?;
            u64::try_from(v).map_err(|_| {
                at(path, Error::input(format!("size {} = {v} {}", e.describe(), crate::layout::out_of_u64(v))))
            })
        };
        Ok(match ty {
            Type::Text { len, kind } => {
                size(len)?.checked_mul(kind.unit()).ok_or_else(|| at(path, Error::input("padding size overflows")))?
            }
            Type::Array { elem, dims } if dims.exprs().is_some() => {
                let ds = dims.exprs().unwrap_or_default();
                let mut n = self.zero_size(elem, path)?;
                for d in ds {
                    n = n.checked_mul(size(d)?).ok_or_else(|| Error::input("padding size overflows"))?;
                }
                n
            }
            other => {
                other.fixed_size().ok_or_else(|| at(path, Error::input("padding `_` needs a type of fixed size")))?
            }
        })
    }

    fn value(&mut self, ty: &Type, v: &Doc, path: &Path<'_>) -> Result<Node> {
        let start = self.pos();
        let leaf = |kind: NodeKind, p: &mut Self, size: u64| -> Result<Node> {
            encode_leaf(v, &kind, size, p.origin, &mut p.out).map_err(|e| at(path, e))?;
            Ok(Node { offset: 0, size: p.pos() - start, kind })
        };
        match ty {
            Type::Scalar(s) => leaf(NodeKind::Scalar(*s), self, s.kind.size()),
            Type::Char => leaf(NodeKind::Char, self, 1),
            Type::Cstr => leaf(NodeKind::Cstr, self, 0),
            Type::Text { kind, len } => {
                let n = self.env().eval(len).map_err(|e| at(path, e))?;
                let n = u64::try_from(n).map_err(|_| {
                    at(path, Error::input(format!("size {} = {n} {}", len.describe(), crate::layout::out_of_u64(n))))
                })?;
                // The length counts units: 4-byte characters in a `ucs4[n]`.
                let size = n
                    .checked_mul(kind.unit())
                    .ok_or_else(|| at(path, Error::input(format!("{}[{n}] overflows a 64-bit size", kind.name()))))?;
                leaf(NodeKind::Text(*kind), self, size)
            }
            Type::Struct(st) => self.structure(st, v, path),
            Type::Array { elem, dims } => self.array(elem, dims, v, path),
        }
    }

    fn array(&mut self, elem: &Arc<Type>, dims: &Dims, v: &Doc, path: &Path<'_>) -> Result<Node> {
        let start = self.pos();
        let shape: Option<Vec<u64>> = match dims {
            Dims::ToEnd => None,
            Dims::Fixed(ds) | Dims::Fortran(ds)
                if self.guessing() && ds.iter().any(|d| self.env().eval(d).is_err()) =>
            {
                None
            }
            Dims::Fixed(ds) | Dims::Fortran(ds) => {
                let mut s = Vec::new();
                for d in ds {
                    let n = self.env().eval(d).map_err(|e| at(path, e))?;
                    s.push(u64::try_from(n).map_err(|_| {
                        at(path, Error::input(format!("size {} = {n} {}", d.describe(), crate::layout::out_of_u64(n))))
                    })?);
                }
                Some(s)
            }
        };
        let ndim = match (&shape, dims) {
            (Some(s), _) => s.len(),
            (None, Dims::Fixed(ds) | Dims::Fortran(ds)) => ds.len(),
            (None, Dims::ToEnd) => 1,
        };
        let mut flat = Vec::new();
        flatten(v, ndim, shape.as_deref(), path, &mut flat)?;
        if let (Dims::Fortran(_), Some(s)) = (dims, &shape) {
            // The input lists are in logical (C) order; the bytes are column-major.
            let mut stored = flat.clone();
            for (i, e) in flat.iter().enumerate() {
                stored[crate::map::fortran_index(s, i as u64) as usize] = e;
            }
            flat = stored;
        }
        for (i, e) in flat.iter().enumerate() {
            self.value(elem, e, &Path::Index(path, i))?;
        }
        let count = flat.len() as u64;
        let kind = NodeKind::Array(Box::new(ArrayNode {
            shape: shape.unwrap_or_else(|| vec![count]),
            count,
            elems: Elems::Walked(Vec::new()),
            elem_type: elem.clone(),
            fortran: matches!(dims, Dims::Fortran(_)),
        }));
        Ok(Node { offset: 0, size: self.pos() - start, kind })
    }
}

/// Nested lists of `shape` (which holds a zero), with no elements.
fn empty_lists(shape: &[u64]) -> Doc {
    match shape.split_first() {
        Some((&0, _)) | None => Doc::Array(Vec::new()),
        Some((&n, rest)) => Doc::Array((0..n).map(|_| empty_lists(rest)).collect()),
    }
}

/// Flatten nested lists of depth `ndim` (checking them against `shape`).
fn flatten<'d>(v: &'d Doc, ndim: usize, shape: Option<&[u64]>, path: &Path<'_>, out: &mut Vec<&'d Doc>) -> Result<()> {
    let Doc::Array(items) = v else {
        return Err(at(path, Error::input(format!("expected a list, found {}", short(v)))));
    };
    if let Some(&want) = shape.and_then(|s| s.first())
        && items.len() as u64 != want
    {
        return Err(at(
            path,
            Error::input(format!("the layout says {want} elements here, the input has {}", items.len())),
        ));
    }
    if ndim <= 1 {
        out.extend(items.iter());
        return Ok(());
    }
    for it in items {
        flatten(it, ndim - 1, shape.map(|s| &s[1..]), path, out)?;
    }
    Ok(())
}

fn short(v: &Doc) -> &'static str {
    match v {
        Doc::Null => "null",
        Doc::Bool(_) => "a bool",
        Doc::Number(_) => "a number",
        Doc::String(_) => "a string",
        Doc::Array(_) => "a list",
        Doc::Object(_) => "an object",
    }
}

fn literal_doc(lit: &Literal) -> Doc {
    match lit {
        Literal::Int(i) => Doc::Number(i.to_string()),
        Literal::Float(t) => Doc::Number(t.clone()),
        Literal::Bool(b) => Doc::Bool(*b),
        Literal::Str(s) => Doc::Object(vec![("hex".into(), Doc::String(crate::text::escape::to_hex(s)))]),
    }
}

/// Every field name of a struct (including those inside `if` blocks).
fn all_names(items: &[Item]) -> Vec<&str> {
    let mut v = Vec::new();
    for it in items {
        match it {
            Item::Field(f) => v.extend(f.name.as_deref()),
            Item::If { body, .. } => v.extend(all_names(body)),
            Item::Align { .. } => {}
        }
    }
    v
}

fn field_list(items: &[Item]) -> String {
    let names = all_names(items);
    if names.is_empty() { "no fields".into() } else { names.join(", ") }
}

/// Size fields the input leaves out, from the lengths of the data they
/// size: `N` from `coords: T[N]`, `rows, cols` from `data: f64[rows, cols]`,
/// `M` from `info: utf8[M]`. Only plain names of fields in the same struct
/// (or dotted paths into a sibling struct) are derived. The result holds the
/// members to add to `kv`, or to use instead of its member of that name
/// (a sibling struct with a size filled in).
fn derive_sizes(items: &[Item], kv: &[(String, Doc)], values: &Values<'_>, origin: Origin) -> Vec<(String, Doc)> {
    let mut wants: Vec<(Vec<Arc<str>>, u64)> = Vec::new();
    collect_wants(items, values, origin, &mut wants);
    let mut derived: Vec<(String, Doc)> = Vec::new();
    if wants.is_empty() {
        return derived;
    }
    let own: std::collections::HashSet<&str> = all_names(items).into_iter().collect();
    let given = ByName::new(kv.iter().map(|(k, v)| (k.as_str(), v)));
    for (path, n) in wants {
        // Only this struct's own fields; outer names are the outer struct's to derive.
        if !own.contains(&*path[0]) {
            continue;
        }
        let rest = &path[1..];
        if let Some(i) = derived.iter().position(|(k, _)| **k == *path[0]) {
            if let (false, Doc::Object(inner)) = (rest.is_empty(), &mut derived[i].1) {
                insert_if_missing(inner, rest, n);
            }
            continue;
        }
        match (given.get(&path[0]), rest) {
            (Some(Doc::Object(inner)), rest) if !rest.is_empty() => {
                let mut inner = inner.clone();
                insert_if_missing(&mut inner, rest, n);
                derived.push((path[0].to_string(), Doc::Object(inner)));
            }
            (None, []) => derived.push((path[0].to_string(), Doc::Number(n.to_string()))),
            _ => {}
        }
    }
    derived
}

fn collect_wants(items: &[Item], kv: &Values<'_>, origin: Origin, wants: &mut Vec<(Vec<Arc<str>>, u64)>) {
    for (k, it) in items.iter().enumerate() {
        match it {
            Item::If { body, .. } => collect_wants(body, kv, origin, wants),
            Item::Align { .. } => {}
            Item::Field(f) => {
                let Some(name) = &f.name else { continue };
                let Some(v) = kv.get(k, name) else { continue };
                match &f.ty {
                    Type::Text { len, kind } => {
                        if let ExprKind::Path(p) = &len.kind
                            && let Ok(b) = string_bytes(v, origin)
                        {
                            // A `ucs4[n]` counts characters, the others bytes.
                            let n = match kind {
                                TextKind::Ucs4(_) => std::str::from_utf8(&b).map_or(0, |t| t.chars().count()),
                                _ => b.len(),
                            };
                            wants.push((p.clone(), n as u64));
                        }
                    }
                    Type::Array { dims, .. } if dims.exprs().is_some() => {
                        let ds = dims.exprs().unwrap_or_default();
                        let mut cur = Some(v);
                        for d in ds {
                            let Some(Doc::Array(items)) = cur else { break };
                            if let ExprKind::Path(p) = &d.kind {
                                wants.push((p.clone(), items.len() as u64));
                            }
                            cur = items.first();
                        }
                    }
                    // A nested struct may size its fields by a field out here
                    // (`n: u8; s: { v: u8[n] }`): names it does not define refer outward.
                    Type::Struct(st) => {
                        if let Doc::Object(inner) = v {
                            let own: std::collections::HashSet<&str> = all_names(&st.items).into_iter().collect();
                            let inner = Values::new(&st.items, inner);
                            let mut inner_wants = Vec::new();
                            collect_wants(&st.items, &inner, origin, &mut inner_wants);
                            wants.extend(inner_wants.into_iter().filter(|(p, _)| !own.contains(&*p[0])));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn insert_if_missing(kv: &mut Vec<(String, Doc)>, path: &[Arc<str>], n: u64) {
    let Some((first, rest)) = path.split_first() else { return };
    match kv.iter_mut().find(|(k, _)| k == &**first) {
        Some((_, Doc::Object(inner))) if !rest.is_empty() => insert_if_missing(inner, rest, n),
        Some(_) => {}
        None if rest.is_empty() => kv.push((first.to_string(), Doc::Number(n.to_string()))),
        None => {}
    }
}

/// Turn CSV text into the document `pack` takes: the rows fill the layout's
/// last top-level field, which must be an array (of records, or a 2-D
/// numeric matrix written without a header). The other top-level fields
/// must be derivable sizes or `==` constants.
pub fn csv_doc(layout: &Layout, text: &str) -> Result<Doc> {
    let Some(Item::Field(last)) =
        layout.root.items.iter().rev().find(|i| matches!(i, Item::Field(f) if f.name.is_some()))
    else {
        return Err(Error::input("CSV input needs a layout whose last field is an array of records"));
    };
    let Type::Array { elem, dims } = &last.ty else {
        return Err(Error::input("CSV input needs a layout whose last field is an array of records"));
    };
    let name = last.name.as_deref().unwrap_or("_").to_string();
    let matrix = dims.exprs().is_some_and(|d| d.len() == 2) && !matches!(**elem, Type::Struct(_) | Type::Array { .. });
    let mut rdr = csv::ReaderBuilder::new().has_headers(!matrix).flexible(false).from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| {
        let pos = e.position().map_or(String::new(), |p| format!(" (CSV line {})", p.line()));
        Error::input(format!("bad CSV{pos}: {e}"))
    };
    let mut rows = Vec::new();
    if matrix {
        for rec in rdr.records() {
            let rec = rec.map_err(csv_err)?;
            rows.push(Doc::Array(rec.iter().map(|c| Doc::String(c.to_string())).collect()));
        }
        return Ok(Doc::Object(vec![(name, Doc::Array(rows))]));
    }
    let header: Vec<Vec<Seg>> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| parse_path(h).map_err(|e| Error::input(format!("bad CSV column name '{h}': {}", e.message))))
        .collect::<Result<_>>()?;
    let scalar_rows = !matches!(**elem, Type::Struct(_) | Type::Array { .. });
    for (line, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(csv_err)?;
        if scalar_rows {
            let cell = rec.get(0).unwrap_or_default();
            rows.push(Doc::String(cell.to_string()));
            continue;
        }
        let mut obj = Doc::Object(Vec::new());
        for (segs, cell) in header.iter().zip(rec.iter()) {
            insert_cell(&mut obj, segs, Doc::String(cell.to_string())).map_err(|why| {
                Error::input(format!("CSV row {}: column '{}': {why}", line + 1, crate::select::path_to_string(segs)))
            })?;
        }
        rows.push(obj);
    }
    Ok(Doc::Object(vec![(name, Doc::Array(rows))]))
}

/// Put `value` at `segs` (`coords.x`, `v[2]`, `m[0,1]`) inside `doc`, creating
/// objects and lists on the way; list indexes must come in order.
fn insert_cell(doc: &mut Doc, segs: &[Seg], value: Doc) -> std::result::Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        *doc = value;
        return Ok(());
    };
    match first {
        Seg::Field(name) => {
            let Doc::Object(kv) = doc else { return Err("a field inside a non-record".into()) };
            if !kv.iter().any(|(k, _)| k == &**name) {
                let fresh = match rest.first() {
                    Some(Seg::Index(_)) => Doc::Array(Vec::new()),
                    Some(Seg::Field(_)) => Doc::Object(Vec::new()),
                    None => Doc::Null,
                };
                kv.push((name.to_string(), fresh));
            }
            let slot = kv.iter_mut().find(|(k, _)| k == &**name).map(|(_, v)| v).ok_or("internal")?;
            insert_cell(slot, rest, value)
        }
        Seg::Index(ix) => {
            let mut cur = doc;
            for (k, &i) in ix.iter().enumerate() {
                let Doc::Array(items) = cur else { return Err("an index inside a non-list".into()) };
                let i = usize::try_from(i).map_err(|_| "negative index".to_string())?;
                if i == items.len() {
                    let last = k + 1 == ix.len();
                    items.push(if !last {
                        Doc::Array(Vec::new())
                    } else {
                        match rest.first() {
                            Some(Seg::Field(_)) => Doc::Object(Vec::new()),
                            Some(Seg::Index(_)) => Doc::Array(Vec::new()),
                            None => Doc::Null,
                        }
                    });
                } else if i > items.len() {
                    return Err("columns of a sub-array must come in index order".into());
                }
                cur = &mut items[i];
            }
            insert_cell(cur, rest, value)
        }
    }
}
