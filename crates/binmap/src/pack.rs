//! `pack`: a document (JSON in the shape `show --format json` prints, or
//! CSV rows) and a layout to the file's bytes.
//!
//! The walk mirrors [`crate::map`]'s resolver: fields one after another,
//! `@` placements (forwards or backwards), `align`, `if`, and sizes
//! evaluated with the same checked expressions over the bytes written so
//! far. Size fields that the input leaves out (`N` of `coords: {...}[N]`,
//! `M` of `utf8[M]`) are derived from the data; when given they are checked
//! against it. The result is finally resolved again, with every check
//! [`crate::Map::new`] makes, so a packed file always reads back.
//!
//! Every byte is accounted for:
//!
//! - Which bytes the fields wrote is kept as ranges, merged as they come (a
//!   million fields written one after another are one range). Two fields
//!   may write the same byte (a placement that reads bytes again, an `@`
//!   that goes back, a zero-size field at offset 0) when they write the same
//!   value; otherwise the error names both fields and the offset. The first
//!   field is found by packing again up to that byte, so nothing is kept per
//!   field.
//! - Bytes that no field describes (holes between placed fields) are
//!   refused by [`pack`], since the output would invent zeros there.
//!   [`pack_onto`] starts from an original file instead and keeps its bytes
//!   wherever the input sets none (numpy's copy-on-write mode `c`). `_`
//!   padding and `align` gaps are described: zeros, or with [`pack_onto`]
//!   the original's bytes.
//!
//! `filesize` is the size of the file being written, solved from the data.
//! A first pass takes every size that depends on it from the data
//! (`rest: void[filesize - 4]`, `v: f64[(filesize - 4) / 8]`) and puts the
//! fields placed at `@ filesize - k` (and those that follow them) after
//! every other byte, at a trial size, tried again larger when they would
//! land on other fields. The size is then where those fields end, or where
//! a `T[..]` array (which runs to the end of the file) ends; with
//! [`pack_onto`], the original's size when the data allow it. A last pass
//! evaluates every expression with that size and must agree with the data,
//! or the error says which field and why, with the size it tried.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use crate::encode::{Origin, encode_leaf, string_bytes};
use crate::error::{Error, Result, grouped};
use crate::layout::{
    BitsType, Constraint, Dims, Expr, ExprKind, Field, Item, Layout, Literal, Scalar, SetItem, StructType, TextKind,
    Type, align_up,
};
use crate::map::{ArrayNode, Elems, Env, Frame, Member, Node, NodeKind, TextEnd};
use crate::text::json_read::Doc;

pub mod input;
mod search;
pub(crate) mod tuple;
mod window;

pub use input::csv_doc;

/// Pack `doc` (the whole file's object) with `layout` into bytes.
///
/// Every byte of the result is described by the layout: a layout that
/// leaves holes (bytes no field covers, between placed fields) is refused,
/// since they would be zeros that no input asked for; see [`pack_onto`].
///
/// ```
/// use binmap::text::json_read::parse_json;
/// let layout = binmap::Layout::parse("n: u8\nv: u16be[n]").unwrap();
/// let doc = parse_json(r#"{"v": [1, 2]}"#).unwrap();
/// assert_eq!(binmap::pack::pack(&layout, &doc, binmap::encode::Origin::Json).unwrap(), [2, 0, 1, 0, 2]);
///
/// let layout = binmap::Layout::parse("a: u8\n@ 4 b: u8").unwrap();
/// let doc = parse_json(r#"{"a": 1, "b": 2}"#).unwrap();
/// let err = binmap::pack::pack(&layout, &doc, binmap::encode::Origin::Json).unwrap_err();
/// assert!(err.message.starts_with("the layout does not describe bytes 0x1..0x4 (3 bytes)"));
/// ```
pub fn pack(layout: &Layout, doc: &Doc, origin: Origin) -> Result<Vec<u8>> {
    Job::new(layout, doc, origin, None).pack()
}

/// Pack `doc` over a copy of `original`: the result starts as the
/// original's bytes and keeps every byte the input does not set (holes the
/// layout leaves, `_` padding, `align` gaps), like editing a copy opened
/// with numpy's mode `c`. `original` itself is not changed.
///
/// The result has the original's size unless the data decide another one
/// (a `T[..]` array ends where its elements end; a size of `filesize - k`
/// follows its data); bytes past the original's end that no field
/// describes are refused as with [`pack`].
///
/// ```
/// use binmap::text::json_read::parse_json;
/// let layout = binmap::Layout::parse("magic: u16\n@ filesize - 2 crc: u16be").unwrap();
/// let original = [0x1f, 0x8b, 0xaa, 0xbb, 0xcc, 0x12, 0x34];
/// let doc = parse_json(r#"{"magic": 35615, "crc": 4661}"#).unwrap();
/// let out = binmap::pack::pack_onto(&layout, &doc, binmap::encode::Origin::Json, &original).unwrap();
/// assert_eq!(out, [0x1f, 0x8b, 0xaa, 0xbb, 0xcc, 0x12, 0x35]);
/// ```
pub fn pack_onto(layout: &Layout, doc: &Doc, origin: Origin, original: &[u8]) -> Result<Vec<u8>> {
    Job::new(layout, doc, origin, Some(original)).pack()
}

/// At most this many trial sizes are tried when solving `filesize` (each
/// at least twice the last: enough for any size).
const TRIALS: usize = 66;

/// One `pack` call: what every pass needs.
struct Job<'a> {
    layout: &'a Layout,
    doc: &'a Doc,
    origin: Origin,
    onto: Option<&'a [u8]>,
    /// Every name in a field path of the layout's expressions, sorted: the
    /// only members an expression can look up, so the only ones kept.
    looked_up: Vec<&'a str>,
}

impl<'a> Job<'a> {
    fn new(layout: &'a Layout, doc: &'a Doc, origin: Origin, onto: Option<&'a [u8]>) -> Job<'a> {
        let mut looked_up = Vec::new();
        crate::map::path_names(&layout.root.items, &mut looked_up);
        looked_up.sort_unstable();
        looked_up.dedup();
        Job { layout, doc, origin, onto, looked_up }
    }

    /// The original's size (0 without one).
    fn base(&self) -> u64 {
        self.onto.map_or(0, |o| o.len() as u64)
    }

    fn pack(&self) -> Result<Vec<u8>> {
        let (p, size) = if items_use_filesize(&self.layout.root.items) {
            self.solve()?
        } else {
            let p = self.run(FileSize::Unused)?;
            let size = match &p.tail {
                Some(t) => t.end,
                None => p.extent().max(self.base()),
            };
            p.check_size(size)?;
            (p, size)
        };
        let written = p.searched.clone();
        let out = p.finish(size, self.base(), self.onto.is_some())?;
        // Read it back: a packed file must resolve (sizes, checks, `[..]`).
        let read = crate::map::check(self.layout, &out, "<packed output>").map_err(|e| {
            let mut e = e;
            e.message = format!("the packed bytes do not read back: {}", e.message);
            e
        })?;
        search::same_places(self.layout, &written, &read)?;
        Ok(out)
    }

    fn packer(&self, fs: FileSize) -> Packer<'_> {
        let out = self.onto.map(<[u8]>::to_vec).unwrap_or_default();
        Packer {
            out,
            pos: 0,
            written: Ranges::default(),
            padded: Ranges::default(),
            hi: 0,
            frames: Vec::new(),
            next_index: None,
            keep_elems: false,
            layout: self.layout,
            origin: self.origin,
            looked_up: &self.looked_up,
            fs,
            floating: false,
            fixed_end: 0,
            float: None,
            doomed: None,
            tail: None,
            probe: None,
            first_writer: None,
            conflict: None,
            scratch: Vec::new(),
            windows: 0,
            deferred: Vec::new(),
            searched: Vec::new(),
            nesting: 0,
        }
    }

    /// One pass over the document. When two fields disagree about a byte, a
    /// second pass stops at the first field that wrote it, to name both.
    fn run(&self, fs: FileSize) -> Result<Packer<'_>> {
        let (p, r) = self.pass(fs);
        r.map(|()| p)
    }

    /// One pass, and how it ended (see [`Job::run`]).
    fn pass(&self, fs: FileSize) -> (Packer<'_>, Result<()>) {
        let mut p = self.packer(fs);
        let r = p.structure(&self.layout.root, self.doc, &Path::Root).map(drop);
        let r = match (r, p.conflict) {
            (Err(e), Some(offset)) => {
                let mut again = self.packer(fs);
                again.probe = Some(offset);
                Err(again.structure(&self.layout.root, self.doc, &Path::Root).err().unwrap_or(e))
            }
            (r, _) => r,
        };
        (p, r)
    }

    /// Solve `filesize` (see the module docs) and pack with it.
    fn solve(&self) -> Result<(Packer<'_>, u64)> {
        let mut trial = self.base();
        let mut measured = None;
        for _ in 0..TRIALS {
            let (p, r) = self.pass(FileSize::Trial(trial));
            if let Some(next) = p.retry(trial) {
                trial = next;
                continue;
            }
            r.map_err(|e| e.note("while solving filesize from the data"))?;
            measured = Some(p);
            break;
        }
        let Some(m) = measured else {
            return Err(Error::input(format!(
                "filesize cannot be solved from the data: the fields placed at `filesize - k` kept landing on other fields ({TRIALS} sizes tried, the last {})",
                grouped(trial)
            )));
        };
        let least = m.solved_size(trial)?;
        // The sizes to try, the most determined first: where a `T[..]` ends;
        // the original's size; the least size that holds every field.
        let mut sizes = Vec::new();
        sizes.extend(m.tail.as_ref().map(|t| t.end));
        if self.base() > least {
            sizes.push(self.base());
        }
        sizes.push(least);
        let mut first_error = None;
        for (i, &size) in sizes.iter().enumerate() {
            if sizes[..i].contains(&size) {
                continue;
            }
            match self.run(FileSize::Known(size)).and_then(|p| p.check_size(size).map(|()| p)) {
                Ok(p) => return Ok((p, size)),
                Err(e) => {
                    first_error
                        .get_or_insert(e.note(format!("with filesize = {} (solved from the data)", grouped(size))));
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::input("filesize cannot be solved from the data")))
    }
}

/// What `filesize` is during one pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileSize {
    /// The layout never uses it.
    Unused,
    /// Solving: this trial size places `@ filesize - k` fields; sizes that
    /// depend on it come from the data.
    Trial(u64),
    /// The solved size: every expression is evaluated with it.
    Known(u64),
}

/// The fields placed relative to `filesize` in a trial pass, by where they
/// were meant to go (trial size + offset), and their end.
#[derive(Clone, Copy, Debug)]
struct Floating {
    start: u64,
    end: u64,
}

/// A `T[..]` array: it runs to the end of the file.
struct Tail {
    end: u64,
    path: String,
    /// Another `[..]` array that ends elsewhere.
    other: Option<(u64, String)>,
}

/// Disjoint byte ranges, merged as they are added. Adding at the end of the
/// last range (fields written one after another) is O(1); others O(log n).
#[derive(Default)]
struct Ranges {
    /// Every range but the last, by start.
    before: BTreeMap<u64, u64>,
    /// The range that starts last.
    last: Option<(u64, u64)>,
}

impl Ranges {
    fn add(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        match self.last {
            None => self.last = Some((start, end)),
            Some((ls, le)) if start >= ls => {
                if start <= le {
                    self.last = Some((ls, le.max(end)));
                } else {
                    self.before.insert(ls, le);
                    self.last = Some((start, end));
                }
            }
            Some((ls, le)) => {
                let (mut s, mut e) = (start, end);
                while let Some((&bs, &be)) = self.before.range(..=e).next_back() {
                    if be < s {
                        break;
                    }
                    self.before.remove(&bs);
                    s = s.min(bs);
                    e = e.max(be);
                }
                if e >= ls {
                    self.last = Some((s, le.max(e)));
                } else {
                    self.before.insert(s, e);
                }
            }
        }
    }

    /// The end of the last range (0 when empty).
    fn end(&self) -> u64 {
        self.last.map_or(0, |(_, e)| e)
    }

    /// The parts of `start..end` that the ranges hold, in order.
    fn overlapping(&self, start: u64, end: u64) -> Vec<Range<u64>> {
        let mut v: Vec<Range<u64>> = Vec::new();
        for (&s, &e) in self.before.range(..end).rev() {
            if e <= start {
                break;
            }
            v.push(s.max(start)..e.min(end));
        }
        v.reverse();
        if let Some((s, e)) = self.last
            && s < end
            && e > start
        {
            v.push(s.max(start)..e.min(end));
        }
        v
    }

    /// Every range, in order.
    fn iter(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        self.before.iter().map(|(&s, &e)| s..e).chain(self.last.map(|(s, e)| s..e))
    }
}

/// The ranges of `0..size` in neither `a` nor `b`.
fn gaps(a: &Ranges, b: &Ranges, size: u64) -> Vec<Range<u64>> {
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    let mut holes = Vec::new();
    let mut at = 0;
    loop {
        let next = match (x.peek(), y.peek()) {
            (Some(r), Some(q)) if r.start <= q.start => x.next(),
            (Some(_), Some(_)) => y.next(),
            (Some(_), None) => x.next(),
            (None, Some(_)) => y.next(),
            (None, None) => None,
        };
        let Some(r) = next else { break };
        if r.start > at {
            holes.push(at..r.start.min(size));
        }
        at = at.max(r.end);
        if at >= size {
            break;
        }
    }
    if at < size {
        holes.push(at..size);
    }
    holes.retain(|h| h.start < h.end);
    holes
}

/// The first few of `ranges` in words, and how many more.
fn describe_ranges(ranges: &[Range<u64>]) -> String {
    const SHOWN: usize = 3;
    let mut s: Vec<String> = ranges.iter().take(SHOWN).map(crate::coverage::describe_range).collect();
    if ranges.len() > SHOWN {
        let total: u64 = ranges.iter().map(|r| r.end - r.start).sum();
        s.push(format!("{} more ranges ({} bytes in all)", ranges.len() - SHOWN, grouped(total)));
    }
    match s.len() {
        0 => String::new(),
        1 => s.remove(0),
        n => format!("{} and {}", s[..n - 1].join(", "), s[n - 1]),
    }
}

/// Lengthen `out` to `len` bytes with zeros (never shorten it), or an
/// error when the machine cannot hold them.
fn grow(out: &mut Vec<u8>, len: usize) -> Result<()> {
    if let Some(more) = len.checked_sub(out.len()) {
        out.try_reserve_exact(more).map_err(|_| too_large(len as u64))?;
        out.resize(len, 0);
    }
    Ok(())
}

fn too_large(size: u64) -> Error {
    Error::input(format!("the output would be {} bytes, more than this machine can hold", grouped(size)))
}

/// True when an expression reads `filesize`.
fn uses_filesize(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::FileSize => true,
        ExprKind::Neg(x) | ExprKind::Not(x) | ExprKind::BitNot(x) => uses_filesize(x),
        ExprKind::Binary(_, a, b) => uses_filesize(a) || uses_filesize(b),
        ExprKind::Cond(c, a, b) => uses_filesize(c) || uses_filesize(a) || uses_filesize(b),
        ExprKind::SizeOf(t) => type_uses_filesize(t),
        ExprKind::In(x, set) => {
            uses_filesize(x)
                || set.iter().any(|it| match it {
                    SetItem::One(e) => uses_filesize(e),
                    SetItem::Range(a, b) => uses_filesize(a) || uses_filesize(b),
                })
        }
        ExprKind::Search(s) => s.start.iter().chain(&s.end).any(uses_filesize),
        ExprKind::Index(ix) => uses_filesize(&ix.base) || ix.index.iter().any(uses_filesize),
        ExprKind::Int(_) | ExprKind::Path(_) | ExprKind::Str(_) | ExprKind::Const(..) => false,
    }
}

fn type_uses_filesize(t: &Type) -> bool {
    match t {
        Type::Text { len, .. } => uses_filesize(len),
        Type::Array { elem, dims } => {
            dims.exprs().unwrap_or_default().iter().any(uses_filesize)
                || dims.repeat().is_some_and(|(c, _)| uses_filesize(c))
                || type_uses_filesize(elem)
        }
        Type::Within { inner, size } => uses_filesize(size) || type_uses_filesize(inner),
        // Once, at a use after the definition; the uses inside it stop.
        Type::Ref(r) => r.definition().is_some_and(type_uses_filesize),
        Type::Struct(st) => items_use_filesize(&st.items),
        Type::ScalarByOrder { order, .. } => uses_filesize(&order.cond),
        Type::Enum(_, base) => type_uses_filesize(base),
        Type::Bits(b) => type_uses_filesize(&b.container),
        Type::Match(m) => m.exprs().into_iter().any(uses_filesize) || m.types().any(type_uses_filesize),
        Type::Scalar(_) | Type::Char | Type::Cstr => false,
    }
}

fn items_use_filesize(items: &[Item]) -> bool {
    items.iter().any(|it| match it {
        Item::Field(f) => f.offset_exprs().any(uses_filesize) || type_uses_filesize(&f.ty),
        Item::If { cond, body } => uses_filesize(cond) || items_use_filesize(body),
        Item::Let { value, .. } => uses_filesize(value),
        Item::Align { .. } => false,
    })
}

/// How many units (bytes; characters for `ucs4`...) a text value holds.
fn data_units(v: &Doc, kind: TextKind, origin: Origin) -> Result<u64> {
    let b = match (kind, v) {
        (TextKind::Void, Doc::String(h)) if origin == Origin::Text => {
            crate::text::escape::from_hex(h).ok_or_else(|| Error::input(format!("bad hex \"{h}\" for a void field")))?
        }
        _ => string_bytes(v, origin)?,
    };
    Ok(crate::encode::text_units(kind, &b))
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

/// One pass: the bytes written so far and what is known of them.
struct Packer<'l> {
    /// The output: the original's bytes with [`pack_onto`], else what the
    /// fields wrote so far (zeros in gaps not yet written).
    out: Vec<u8>,
    /// Where the next field starts.
    pos: u64,
    /// The bytes the fields' values wrote.
    written: Ranges,
    /// `_` padding and `align` gaps: described, but no value of their own.
    padded: Ranges,
    /// The end of the last byte written or padded.
    hi: u64,
    frames: Vec<Frame>,
    /// The index of the array element about to be packed (its `_index`).
    next_index: Option<u64>,
    /// Whether the array about to be packed keeps its elements' nodes, for
    /// expressions that index it (`dims[i]`).
    keep_elems: bool,
    layout: &'l Layout,
    origin: Origin,
    looked_up: &'l [&'l str],
    fs: FileSize,
    /// Trial passes: the cursor depends on `filesize` (after a field placed
    /// at `@ filesize - k`, or padding of `filesize - k` bytes).
    floating: bool,
    /// Trial passes: the end of the bytes that do not depend on `filesize`
    /// (in other passes, of every byte).
    fixed_end: u64,
    /// Trial passes: where the floating fields went.
    float: Option<Floating>,
    /// Trial passes: the trial size is too small; at least this one next.
    doomed: Option<u64>,
    tail: Option<Tail>,
    /// Find the first field that writes this offset (see [`Job::run`]).
    probe: Option<u64>,
    first_writer: Option<String>,
    /// The offset where two fields disagreed.
    conflict: Option<u64>,
    scratch: Vec<u8>,
    /// How many `within` windows enclose the value being written.
    windows: usize,
    /// Window sizes the input leaves out, to fill in once the window's
    /// data is written: the size field's name and the depth of its struct.
    deferred: Vec<(usize, Arc<str>)>,
    /// Fields placed by a search (`@ rfind(...)`), written at the cursor:
    /// their declaration and offset.
    searched: Vec<(crate::layout::Span, u64)>,
    /// How many uses of recursive types enclose the value being written.
    nesting: usize,
}

fn at(path: &Path<'_>, e: Error) -> Error {
    if matches!(path, Path::Root) || e.notes.iter().any(|n| n.starts_with("at ")) {
        e
    } else {
        e.note(format!("at {path}"))
    }
}

/// `size EXPR = V is negative` (or larger than any file).
fn size_error(e: &Expr, v: i128) -> Error {
    Error::input(format!("size {} = {v} {}", e.describe(), crate::layout::out_of_u64(v)))
}

impl Packer<'_> {
    fn env(&self) -> Env<'_> {
        let filesize = match self.fs {
            FileSize::Unused => None,
            FileSize::Trial(n) | FileSize::Known(n) => Some(n),
        };
        Env { frames: &self.frames, data: &self.out, filesize, layout: self.layout }
    }

    /// The trial size, in a trial pass.
    fn trial(&self) -> Option<u64> {
        match self.fs {
            FileSize::Trial(n) => Some(n),
            _ => None,
        }
    }

    /// The end of every byte written, padded or placed at.
    fn extent(&self) -> u64 {
        self.fixed_end.max(self.float.map_or(0, |f| f.end))
    }

    /// A trial pass: the trial size must be at least `trial + more`.
    fn doom(&mut self, trial: u64, more: u64) -> Result<()> {
        let least = trial
            .checked_add(more)
            .ok_or_else(|| Error::input("filesize cannot be solved: the file would be larger than 2^64 bytes"))?;
        self.doomed = Some(self.doomed.map_or(least, |d| d.max(least)));
        Ok(())
    }

    /// The error that ends a trial pass whose size is too small (see
    /// [`Job::solve`]: it tries again, larger).
    fn too_small() -> Error {
        Error::input("internal: the trial size is too small")
    }

    /// After a trial pass with size `trial`: the next size to try, when
    /// this one was too small.
    fn retry(&self, trial: u64) -> Option<u64> {
        let least = self.doomed?;
        // Put the floating fields after every other byte seen; at least
        // twice as far, since the pass stopped where they were in the way.
        let after = self.float.and_then(|f| self.fixed_end.checked_add(trial)?.checked_sub(f.start));
        Some(least.max(after.unwrap_or(0)).max(trial.saturating_mul(2)).max(trial.saturating_add(1)))
    }

    /// After a trial pass with size `trial` that nothing doomed: the least
    /// size that holds every field, the floating ones last.
    fn solved_size(&self, trial: u64) -> Result<u64> {
        let Some(f) = self.float else { return Ok(self.fixed_end) };
        // Not doomed: the floating fields start at or after `fixed_end` and
        // end by `trial` (else `extend` refused them).
        let size = self.fixed_end.checked_add(trial - f.start.min(trial));
        size.ok_or_else(|| Error::input("filesize cannot be solved: the file would be larger than 2^64 bytes"))
    }

    /// Account for bytes `start..end` (or a placement at `start == end`)
    /// written at the cursor's current standing.
    fn extend(&mut self, start: u64, end: u64, path: &Path<'_>) -> Result<()> {
        let Some(trial) = self.trial() else {
            if let FileSize::Known(size) = self.fs
                && end > size
            {
                return Err(at(
                    path,
                    Error::input(format!(
                        "this field ends at {end:#x}, past the end of the file ({} bytes)",
                        grouped(size)
                    )),
                ));
            }
            self.fixed_end = self.fixed_end.max(end);
            return Ok(());
        };
        if !self.floating {
            self.fixed_end = self.fixed_end.max(end);
            return self.clear_of_floating(trial, start, end);
        }
        let (s, e) = (start, end);
        if e > trial {
            return Err(at(
                path,
                Error::input(format!(
                    "filesize cannot be solved: placed from the end of the file, this field would end {} bytes past it",
                    grouped(e - trial)
                )),
            ));
        }
        self.float = Some(match self.float {
            None => Floating { start: s, end: e },
            Some(f) => Floating { start: f.start.min(s), end: f.end.max(e) },
        });
        Ok(())
    }

    /// A trial pass: fixed bytes `start..end` must not land where the
    /// floating fields went (they must go further: going on would read
    /// fields' values from bytes that are not theirs).
    fn clear_of_floating(&mut self, trial: u64, start: u64, end: u64) -> Result<()> {
        if let Some(f) = self.float
            && start < f.end
            && end > f.start
        {
            self.doom(trial, end - f.start)?;
            return Err(Packer::too_small());
        }
        Ok(())
    }

    /// Record that the field at `path` wrote `start..end` (already in `out`).
    fn wrote(&mut self, start: u64, end: u64, path: &Path<'_>) -> Result<()> {
        if let Some(x) = self.probe
            && self.first_writer.is_none()
            && (start..end).contains(&x)
        {
            self.first_writer = Some(path.to_string());
        }
        self.written.add(start, end);
        self.hi = self.hi.max(end);
        self.extend(start, end, path)
    }

    /// Write `bytes` at `start`, where other fields may have written already.
    fn put(&mut self, start: u64, bytes: &[u8], path: &Path<'_>) -> Result<()> {
        let end = start
            .checked_add(bytes.len() as u64)
            .ok_or_else(|| at(path, Error::input("the field ends past 2^64 bytes")))?;
        let (s, e) = match (usize::try_from(start), usize::try_from(end)) {
            (Ok(s), Ok(e)) => (s, e),
            _ => return Err(at(path, Error::input(format!("offset {end:#x} is too large for this machine")))),
        };
        grow(&mut self.out, e).map_err(|err| at(path, err))?;
        if let Some(trial) = self.trial()
            && !self.floating
        {
            self.clear_of_floating(trial, start, end)?;
        }
        if start < self.written.end() {
            // Trial passes never put floating fields on fixed ones (see
            // `place` and `clear_of_floating`), so a disagreement is one in
            // any pass.
            for r in self.written.overlapping(start, end) {
                let (rs, re) = ((r.start - start) as usize, (r.end - start) as usize);
                let old = &self.out[s + rs..s + re];
                let new = &bytes[rs..re];
                if let Some(i) = old.iter().zip(new).position(|(a, b)| a != b) {
                    let x = r.start + i as u64;
                    return Err(self.disagree(x, old[i], new[i], path));
                }
            }
        }
        self.out[s..e].copy_from_slice(bytes);
        self.wrote(start, end, path)
    }

    /// Two fields disagree about the byte at `x`.
    fn disagree(&mut self, x: u64, old: u8, new: u8, path: &Path<'_>) -> Error {
        self.conflict = Some(x);
        let first = self.first_writer.clone().unwrap_or_else(|| "an earlier field".into());
        Error::input(format!(
            "offset {x:#x} is written twice with different bytes: {old:#04x} by {first}, then {new:#04x} by {path} (fields may overlap only where their bytes agree)"
        ))
        .with_bytes(&self.out, x)
    }

    /// A leaf value of `size` bytes (the size of `bytes`/`utf8`/`ucs4`/`void`
    /// fields) at the cursor.
    fn leaf(&mut self, v: &Doc, kind: NodeKind, size: u64, path: &Path<'_>) -> Result<Node> {
        let start = self.pos;
        let n = if start >= self.hi && start == self.out.len() as u64 {
            // Past every byte written so far: straight onto the end.
            encode_leaf(v, &kind, size, self.origin, &mut self.out).map_err(|e| at(path, e))?;
            let end = self.out.len() as u64;
            self.wrote(start, end, path)?;
            end - start
        } else {
            let mut buf = std::mem::take(&mut self.scratch);
            buf.clear();
            let r = encode_leaf(v, &kind, size, self.origin, &mut buf)
                .map_err(|e| at(path, e))
                .and_then(|()| self.put(start, &buf, path));
            let n = buf.len() as u64;
            self.scratch = buf;
            r?;
            n
        };
        self.pos = start + n;
        Ok(Node { offset: 0, size: n, kind })
    }

    /// `n` bytes of padding (`_`, an `align` gap) at the cursor: described,
    /// but only zeros (or the original's bytes) where no value is written.
    fn pad(&mut self, n: u64, path: &Path<'_>) -> Result<()> {
        let start = self.pos;
        let end = start.checked_add(n).ok_or_else(|| at(path, Error::input("padding ends past 2^64 bytes")))?;
        if start >= self.hi && start == self.out.len() as u64 {
            let e = usize::try_from(end).map_err(|_| at(path, too_large(end)))?;
            grow(&mut self.out, e).map_err(|err| at(path, err))?;
        }
        self.padded.add(start, end);
        self.hi = self.hi.max(end);
        self.pos = end;
        self.extend(start, end, path)
    }

    /// `@ EXPR`: move the cursor to an absolute offset, forwards or back.
    fn place(&mut self, e: &Expr, base: u64, path: &Path<'_>) -> Result<()> {
        let v = self.env().eval(e).map_err(|err| at(path, err))?;
        let floating = match self.trial() {
            Some(trial) if uses_filesize(e) => {
                // Floating fields go after every fixed byte (and never
                // before their struct): a trial size that puts them lower
                // is too small.
                let floor = self.fixed_end.max(base);
                if v < i128::from(floor) {
                    let more = u64::try_from(i128::from(floor) - v).map_err(|_| at(path, size_error(e, v)))?;
                    self.doom(trial, more)?;
                    return Err(Packer::too_small());
                }
                true
            }
            _ => false,
        };
        let p = u64::try_from(v).map_err(|_| {
            at(path, Error::input(format!("placement @ {} = {v} {}", e.describe(), crate::layout::out_of_u64(v))))
        })?;
        if p < base {
            return Err(at(
                path,
                Error::input(format!(
                    "placement @ {} = {p:#x} is before the start of the enclosing struct at {base:#x}",
                    e.describe()
                )),
            ));
        }
        self.floating = floating;
        self.pos = p;
        self.extend(p, p, path)
    }

    /// A size from an expression.
    fn size(&self, e: &Expr, path: &Path<'_>) -> Result<u64> {
        let v = self.env().eval(e).map_err(|err| at(path, err))?;
        u64::try_from(v).map_err(|_| at(path, size_error(e, v)))
    }

    fn structure(&mut self, st: &StructType, doc: &Doc, path: &Path<'_>) -> Result<Node> {
        let from_list;
        let kv = match doc {
            Doc::Object(kv) => kv,
            // A record given as a list of its fields' values, in order.
            Doc::Array(list) => {
                from_list = tuple::as_object(st, list).map_err(|e| at(path, e))?;
                &from_list
            }
            _ => {
                return Err(at(
                    path,
                    Error::input(format!("expected an object with fields {}", field_list(&st.items))),
                ));
            }
        };
        let mut values = Values::new(&st.items, kv);
        let mut derived = derive_sizes(&st.items, kv, &values, self.origin);
        let deferred = window::deferred_sizes(&st.items, kv, &derived);
        for name in &deferred {
            // Written as 0 for now, then as the size of the window's data.
            derived.push((name.to_string(), Doc::Number("0".into())));
        }
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
        let base = self.pos;
        let mut frame = Frame::new(base);
        frame.index = self.next_index.take();
        self.frames.push(frame);
        let depth = self.frames.len();
        self.deferred.extend(deferred.into_iter().map(|n| (depth, n)));
        let r = self.items(&st.items, &values, base, path);
        self.deferred.retain(|(d, _)| *d < depth);
        let frame = self.frames.pop().unwrap_or_else(|| Frame::new(base));
        r?;
        Ok(Node { offset: 0, size: self.pos - base, kind: NodeKind::Struct(frame.members) })
    }

    fn items(&mut self, items: &[Item], kv: &Values<'_>, base: u64, path: &Path<'_>) -> Result<()> {
        for (k, item) in items.iter().enumerate() {
            match item {
                Item::Align { to, .. } => {
                    let rel = self.pos - base;
                    let aligned = align_up(rel, *to).ok_or_else(|| at(path, Error::input("alignment overflows")))?;
                    self.pad(aligned - rel, path)?;
                }
                Item::If { cond, body } => {
                    if self.env().eval(cond).map_err(|e| at(path, e))? != 0 {
                        self.items(body, kv, base, path)?;
                    }
                }
                Item::Let { name, value, .. } => {
                    let v = self.env().eval(value).map_err(|e| at(path, e))?;
                    if let Some(frame) = self.frames.last_mut() {
                        frame.lets.push((name.clone(), v));
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
        // A field read elsewhere (`name: T @ EXPR`) is written there, anywhere
        // in the file, and the cursor comes back.
        let back = f.pointer.as_ref().map(|_| (self.pos, self.floating));
        if let Some(e) = &f.pointer {
            self.place(e, 0, &fpath)?;
        } else if let Some(e) = f.placement.as_ref().filter(|e| e.has_search()) {
            // Written where it comes; reading back must find it there.
            let _ = e;
            self.searched.push((f.span, self.pos));
        } else if let Some(e) = &f.placement {
            self.place(e, base, &fpath)?;
        }
        let start = self.pos;
        self.keep_elems = f.name.as_deref().is_some_and(|n| self.looked_up.binary_search(&n).is_ok());
        let node = match (value, &f.check, &f.name) {
            (_, _, None) => {
                // `_` padding: zeros of the type's size.
                let size = self.zero_size(&f.ty, &fpath)?;
                self.pad(size, &fpath)?;
                Node { offset: 0, size, kind: NodeKind::Text(TextKind::Bytes, TextEnd::Padded) }
            }
            (Some(v), _, _) => self.value(&f.ty, v, &fpath)?,
            (None, Some(lit), _) => self.value(&f.ty, &literal_doc(lit), &fpath)?,
            // `trailer: i32 == leader`: the value the check names.
            (None, None, Some(_)) if let Some(Constraint::Equals(e)) = f.constraint.as_deref() => {
                use crate::operand::Operand;
                let doc = match (self.env().operand(e).map_err(|err| at(&fpath, err))?, &f.ty) {
                    // An array of bytes: its numbers.
                    (Operand::Bytes { bytes, .. }, Type::Array { elem, .. }) => {
                        let signed = matches!(&**elem, Type::Scalar(s) if s.kind == crate::layout::ScalarKind::I8);
                        let num = |b: u8| if signed { (b as i8).to_string() } else { b.to_string() };
                        Doc::Array(bytes.iter().map(|&b| Doc::Number(num(b))).collect())
                    }
                    (Operand::Int(v), _) => literal_doc(&Literal::Int(v)),
                    (Operand::Char(c), _) => literal_doc(&Literal::Str(vec![c])),
                    (Operand::Bytes { bytes, .. }, _) => literal_doc(&Literal::Str(bytes.into_owned())),
                };
                self.value(&f.ty, &doc, &fpath)?
            }
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
                match empty.map(|d| self.value(&f.ty, &d, &fpath)) {
                    Some(Ok(node)) => node,
                    _ => return Err(at(path, Error::input(format!("field '{name}' is missing from the input")))),
                }
            }
        };
        self.keep_elems = false;
        if let (Some(lit), Some(_)) = (&f.check, value) {
            // The same comparison as reading: a packed file must read back.
            let bytes = crate::map::slice(&self.out, start, node.size);
            let (ok, found) = crate::map::check_literal(lit, &node.kind, bytes);
            if !ok {
                return Err(at(&fpath, Error::input(format!("the layout requires == {lit}, the input gives {found}"))));
            }
        }
        let mut node = node;
        node.offset = if back.is_some() { 0 } else { start - base };
        let at = back.map(|_| start);
        if let Some((pos, floating)) = back {
            self.pos = pos;
            self.floating = floating;
        }
        if let Some(frame) = self.frames.last_mut()
            && f.name.as_deref().is_some_and(|n| self.looked_up.binary_search(&n).is_ok())
        {
            // Names are unique (the parser and the input object make sure).
            frame.push(Member { name: f.name.clone(), node, check: f.check.clone().map(Box::new), decl: f.span, at });
        }
        Ok(())
    }

    /// The size of `_` padding of type `ty`. In a trial pass, padding of
    /// `filesize - k` bytes is sized with the trial size, and what follows
    /// it floats with `filesize`.
    fn zero_size(&mut self, ty: &Type, path: &Path<'_>) -> Result<u64> {
        if let Some(trial) = self.trial()
            && type_uses_filesize(ty)
        {
            let size = match self.zero_size_at(ty, path) {
                Ok(n) => n,
                Err(e) => {
                    // Too small a trial size makes the size negative: try
                    // one as large again plus the bytes written so far.
                    let more = trial.max(self.fixed_end).max(1);
                    self.doom(trial, more)?;
                    return Err(e);
                }
            };
            self.floating = true;
            return Ok(size);
        }
        self.zero_size_at(ty, path)
    }

    fn zero_size_at(&self, ty: &Type, path: &Path<'_>) -> Result<u64> {
        Ok(match ty {
            Type::Text { len, kind } => self
                .size(len, path)?
                .checked_mul(kind.unit())
                .ok_or_else(|| at(path, Error::input("padding size overflows")))?,
            Type::Within { size, .. } => self.size(size, path)?,
            Type::Array { elem, dims } if dims.exprs().is_some() => {
                let ds = dims.exprs().unwrap_or_default();
                let mut n = self.zero_size_at(elem, path)?;
                for d in ds {
                    n = n
                        .checked_mul(self.size(d, path)?)
                        .ok_or_else(|| at(path, Error::input("padding size overflows")))?;
                }
                n
            }
            other => {
                other.fixed_size().ok_or_else(|| at(path, Error::input("padding `_` needs a type of fixed size")))?
            }
        })
    }

    fn value(&mut self, ty: &Type, v: &Doc, path: &Path<'_>) -> Result<Node> {
        let keep_elems = std::mem::take(&mut self.keep_elems);
        match ty {
            Type::Scalar(s) => self.leaf(v, NodeKind::Scalar(*s), s.kind.size(), path),
            Type::ScalarByOrder { .. } => {
                let s = self.scalar_of(ty, path)?;
                self.leaf(v, NodeKind::Scalar(s), s.kind.size(), path)
            }
            Type::Enum(def, base) => {
                let s = self.scalar_of(base, path)?;
                self.leaf(v, NodeKind::Enum(s, def.clone()), s.kind.size(), path)
            }
            Type::Bits(b) => self.bits(b, v, path),
            Type::Char => self.leaf(v, NodeKind::Char, 1, path),
            Type::Cstr => self.leaf(v, NodeKind::Cstr, 0, path),
            Type::Match(m) => {
                // The arm the tag (written already) chooses; the value must fit it.
                let arm = self.env().match_arm(m).map_err(|e| at(path, e))?;
                let t = arm.map_err(|msg| at(path, Error::input(msg)))?.clone();
                self.keep_elems = keep_elems;
                self.value(&t, v, path)
            }
            Type::Text { kind, len } => {
                let n = if self.trial().is_some() && uses_filesize(len) {
                    // Solving `filesize`: this size comes from the data.
                    data_units(v, *kind, self.origin).map_err(|e| at(path, e))?
                } else {
                    self.size(len, path)?
                };
                let end = TextEnd::of(len);
                if end == TextEnd::Exact && *kind != TextKind::Void {
                    // A size given with its text must be the text's: no NULs invented.
                    let units = data_units(v, *kind, self.origin).map_err(|e| at(path, e))?;
                    if units != n {
                        let what = if matches!(kind, TextKind::Ucs4(_)) { "characters" } else { "bytes" };
                        return Err(Error::input(format!("{} = {n} but {path} has {units} {what}", len.describe())));
                    }
                }
                // The length counts units: 4-byte characters in a `ucs4[n]`.
                let size = n
                    .checked_mul(kind.unit())
                    .ok_or_else(|| at(path, Error::input(format!("{}[{n}] overflows a 64-bit size", kind.name()))))?;
                self.leaf(v, NodeKind::Text(*kind, end), size, path)
            }
            Type::Struct(st) => self.structure(st, v, path),
            Type::Array { elem, dims } => self.array(elem, dims, v, path, keep_elems),
            Type::Within { inner, size } => self.within(inner, size, v, path),
            Type::Ref(r) => {
                let t = r.target().ok_or_else(|| at(path, Error::input(format!("internal: no type {}", r.name))))?;
                if self.nesting >= crate::map::MAX_NESTING {
                    return Err(at(
                        path,
                        Error::input(format!("{} nests deeper than {} levels", r.name, crate::map::MAX_NESTING)),
                    ));
                }
                self.nesting += 1;
                let node = self.value(&t, v, path);
                self.nesting -= 1;
                node
            }
        }
    }

    /// The scalar of a (possibly per-file) integer type, its byte order settled.
    fn scalar_of(&self, ty: &Type, path: &Path<'_>) -> Result<Scalar> {
        Ok(match ty {
            Type::ScalarByOrder { kind, order } => {
                let chosen = self.env().eval(&order.cond).map_err(|e| at(path, e))? != 0;
                Scalar { kind: *kind, endian: if chosen { order.yes } else { order.no } }
            }
            Type::Scalar(s) => *s,
            other => return Err(at(path, Error::input(format!("internal: {} is not an integer", other.describe())))),
        })
    }

    /// A `bits` container from the object of its fields: each field's value
    /// is put in its bits, reserved bits are zeros.
    fn bits(&mut self, b: &BitsType, v: &Doc, path: &Path<'_>) -> Result<Node> {
        let s = self.scalar_of(&b.container, path)?;
        let members = crate::map::bit_members(b, s);
        let names = || members.iter().filter_map(|m| m.name.as_deref());
        let Doc::Object(kv) = v else {
            let list = names().collect::<Vec<_>>().join(", ");
            return Err(at(path, Error::input(format!("expected an object of the bit fields {list}"))));
        };
        if let Some((k, _)) = kv.iter().find(|(k, _)| names().all(|n| n != k)) {
            let list = names().collect::<Vec<_>>().join(", ");
            let hint = crate::suggest::hint(k, names());
            return Err(at(path, Error::input(format!("unknown bit field '{k}'; the bits are {list}{hint}"))));
        }
        let mut raw = 0u64;
        for m in &members {
            let (Some(name), NodeKind::Bits(leaf)) = (&m.name, &m.node.kind) else { continue };
            let Some((_, d)) = kv.iter().find(|(k, _)| k == &**name) else {
                return Err(at(path, Error::input(format!("bit field '{name}' is missing from the input"))));
            };
            let fpath = Path::Field(path, name);
            let x = crate::encode::bit_field_value(d, leaf, self.origin).map_err(|e| at(&fpath, e))?;
            raw = leaf.insert(raw, x).map_err(|e| at(&fpath, Error::input(e)))?;
        }
        let node = self.leaf(&Doc::Number(raw.to_string()), NodeKind::Scalar(s), s.kind.size(), path)?;
        Ok(Node { kind: NodeKind::Struct(members), ..node })
    }

    /// An array; with `keep_elems`, its node holds every element's node
    /// (for `dims[i]` in expressions), else none.
    fn array(&mut self, elem: &Arc<Type>, dims: &Dims, v: &Doc, path: &Path<'_>, keep_elems: bool) -> Result<Node> {
        let start = self.pos;
        let shape: Option<Vec<u64>> = match dims {
            Dims::ToEnd | Dims::Until(_) | Dims::While(_) => None,
            // Solving `filesize`: these dimensions come from the data.
            Dims::Fixed(ds) | Dims::Fortran(ds) if self.trial().is_some() && ds.iter().any(uses_filesize) => None,
            Dims::Fixed(ds) | Dims::Fortran(ds) => {
                let mut s = Vec::with_capacity(ds.len());
                for d in ds {
                    s.push(self.size(d, path)?);
                }
                Some(s)
            }
        };
        let ndim = match (&shape, dims) {
            (Some(s), _) => s.len(),
            (None, Dims::Fixed(ds) | Dims::Fortran(ds)) => ds.len(),
            (None, Dims::ToEnd | Dims::Until(_) | Dims::While(_)) => 1,
        };
        let mut flat = Vec::new();
        flatten(v, ndim, shape.as_deref().zip(dims.exprs()), path, &mut flat)?;
        if let (Dims::Fortran(_), Some(s)) = (dims, &shape) {
            // The input lists are in logical (C) order; the bytes are column-major.
            let mut stored = flat.clone();
            for (i, e) in flat.iter().enumerate() {
                stored[crate::map::fortran_index(s, i as u64) as usize] = e;
            }
            flat = stored;
        }
        let mut nodes = Vec::new();
        for (i, e) in flat.iter().enumerate() {
            self.next_index = Some(i as u64);
            let at = self.pos;
            let r = self.value(elem, e, &Path::Index(path, i));
            self.next_index = None;
            let mut node = r?;
            if let Some(repeat) = dims.repeat() {
                self.repeat_check(repeat, &node, at, i + 1 == flat.len(), &Path::Index(path, i))?;
            }
            if keep_elems {
                node.offset = at - start;
                nodes.push(node);
            }
        }
        if let (Some((cond, true)), true) = (dims.repeat(), flat.is_empty()) {
            return Err(at(
                path,
                Error::input(format!(
                    "an [until {}] array holds at least the element that ends it; the input has none",
                    cond.describe()
                )),
            ));
        }
        let count = flat.len() as u64;
        if let (Dims::ToEnd, 0) = (dims, self.windows) {
            // In a window, `[..]` runs to the window's end, not the file's.
            self.tail_ends(self.pos, path);
        }
        let kind = NodeKind::Array(Box::new(ArrayNode {
            shape: shape.unwrap_or_else(|| vec![count]),
            count,
            elems: Elems::Walked(nodes),
            elem_type: elem.clone(),
            fortran: matches!(dims, Dims::Fortran(_)),
        }));
        Ok(Node { offset: 0, size: self.pos - start, kind })
    }

    /// The condition of `T[until COND]` (`until`) or `T[while COND]` on
    /// the element just written (`node` at `abs`): `until` holds on the last
    /// element only, `while` on every one (what ends a `while` array is
    /// whatever the layout puts after it, checked when the output is read back).
    fn repeat_check(
        &mut self,
        (cond, until): (&Expr, bool),
        node: &Node,
        abs: u64,
        last: bool,
        path: &Path<'_>,
    ) -> Result<()> {
        self.frames.push(crate::map::element_frame(node, abs));
        let holds = self.env().eval(cond);
        self.frames.pop();
        let holds = holds.map_err(|e| at(path, e))? != 0;
        let want = !until || last;
        if holds == want {
            return Ok(());
        }
        let c = cond.describe();
        Err(at(
            path,
            Error::input(match (until, last) {
                (true, true) => {
                    format!("the last element must meet `{c}` (it ends the [until] array), and it does not")
                }
                (true, false) => format!(
                    "this element meets `{c}`, so reading would end the [until] array here, before the elements after it"
                ),
                _ => format!("this element fails `{c}`, so reading would end the [while] array before it"),
            }),
        ))
    }

    /// A `T[..]` array at `path` ends at `end`: it must be the end of the file.
    fn tail_ends(&mut self, end: u64, path: &Path<'_>) {
        match &mut self.tail {
            None => self.tail = Some(Tail { end, path: path.to_string(), other: None }),
            Some(t) if t.end != end && t.other.is_none() => t.other = Some((end, path.to_string())),
            Some(_) => {}
        }
    }

    /// The file is `size` bytes: every field ends within it, and every
    /// `T[..]` array ends at its end.
    fn check_size(&self, size: u64) -> Result<()> {
        if let Some(t) = &self.tail {
            if let Some((end, path)) = &t.other {
                return Err(Error::input(format!(
                    "{} and {path} both run to the end of the file (`[..]`), but one ends at {:#x} and the other at {end:#x}",
                    t.path, t.end
                )));
            }
            if t.end != size {
                let why = if t.end < size {
                    format!(
                        "{} more bytes follow it (up to {size:#x}), which would be read as more elements",
                        grouped(size - t.end)
                    )
                } else {
                    format!("the file ends at {size:#x}")
                };
                return Err(Error::input(format!(
                    "{} runs to the end of the file (`[..]`), but its elements end at {:#x} and {why}",
                    t.path, t.end
                )));
            }
        }
        if self.extent() > size {
            return Err(Error::input(format!(
                "the fields end at {:#x}, past the end of the file at {size:#x}",
                self.extent()
            )));
        }
        Ok(())
    }

    /// The output of `size` bytes, once no byte is left undescribed (with an
    /// original, none past its end).
    fn finish(mut self, size: u64, base: u64, onto: bool) -> Result<Vec<u8>> {
        let mut holes = gaps(&self.written, &self.padded, size);
        if onto {
            holes = holes.into_iter().filter(|h| h.end > base).map(|h| h.start.max(base)..h.end).collect();
        }
        if !holes.is_empty() {
            let what = describe_ranges(&holes);
            return Err(Error::input(if onto {
                format!(
                    "the layout does not describe {what}, past the end of the original ({} bytes): pack would write zeros there",
                    grouped(base)
                )
            } else {
                format!(
                    "the layout does not describe {what}: pack would write zeros there that no input gave; to keep the bytes of an original file there, pack onto it (binmap pack --onto ORIGINAL)"
                )
            }));
        }
        let n = usize::try_from(size).map_err(|_| too_large(size))?;
        grow(&mut self.out, n)?;
        self.out.truncate(n);
        Ok(self.out)
    }
}

/// Nested lists of `shape` (which holds a zero), with no elements.
fn empty_lists(shape: &[u64]) -> Doc {
    match shape.split_first() {
        Some((&0, _)) | None => Doc::Array(Vec::new()),
        Some((&n, rest)) => Doc::Array((0..n).map(|_| empty_lists(rest)).collect()),
    }
}

/// Flatten nested lists of depth `ndim`, checking them against `shape` and
/// the dimensions it was evaluated from (`N = 5 but coords has 1 element`).
fn flatten<'d>(
    v: &'d Doc,
    ndim: usize,
    shape: Option<(&[u64], &[Expr])>,
    path: &Path<'_>,
    out: &mut Vec<&'d Doc>,
) -> Result<()> {
    let Doc::Array(items) = v else {
        return Err(at(path, Error::input(format!("expected a list, found {}", short(v)))));
    };
    if let Some((&want, d)) = shape.and_then(|(s, d)| s.first().zip(d.first()))
        && items.len() as u64 != want
    {
        let n = items.len();
        let elements = if n == 1 { "element" } else { "elements" };
        return Err(at(
            path,
            Error::input(if d.constant().is_some() {
                format!("the layout says {want} elements here, the input has {n}")
            } else {
                format!("{} = {want} but {path} has {n} {elements}", d.describe())
            }),
        ));
    }
    if ndim <= 1 {
        out.extend(items.iter());
        return Ok(());
    }
    for it in items {
        flatten(it, ndim - 1, shape.map(|(s, d)| (&s[1..], d.get(1..).unwrap_or_default())), path, out)?;
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
            Item::Align { .. } | Item::Let { .. } => {}
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
            Item::Align { .. } | Item::Let { .. } => {}
            Item::Field(f) => {
                let Some(name) = &f.name else { continue };
                let Some(v) = kv.get(k, name) else { continue };
                match &f.ty {
                    Type::Text { len, kind } => {
                        if let ExprKind::Path(p) = &len.kind
                            && let Ok(b) = string_bytes(v, origin)
                        {
                            wants.push((p.clone(), crate::encode::text_units(*kind, &b)));
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
