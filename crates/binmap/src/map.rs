//! A [`Layout`] applied to a file's bytes: every field's offset and shape.
//!
//! Resolution happens once, here, with every check: sizes evaluated with
//! checked arithmetic, every byte the map names inside the file, `==`
//! checks compared, the remainder of a `T[..]` array reported. Readers then
//! index without checking bounds again.
//!
//! Arrays come in two kinds. When an element's size and inner offsets do not
//! depend on the element's own bytes (no `cstr`, no `@`, no `[..]`, no size
//! read from a field inside it), the element is resolved once into a
//! template and element `i` sits at `i * stride`: a 100 GB array costs the
//! same memory as a 1 KB one. Otherwise each element is walked once, and the
//! walk is refused up front when the count exceeds the bytes that remain,
//! so a corrupt count never turns into a huge allocation.
//!
//! Node offsets are relative to the node's container (a struct's start, an
//! array element's start); readers carry the absolute base as they descend.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::Arc;

use crate::decode::{DecodeError, Value, decode_scalar};
use crate::error::{Error, Result, grouped};
use crate::layout::{
    BinOp, BitLeaf, Constraint, Dims, EnumDef, Expr, ExprKind, Field, Indexed, Item, Layout, Literal, MatchType,
    Scalar, ScalarKind, SetItem, Span, StructType, TextKind, Type, align_up, apply_binop,
};
use crate::operand::Operand;

mod leaf;
/// Re-exported: [`NodeKind::Text`] carries it.
pub use crate::layout::TextEnd;
pub use leaf::{decode_leaf, is_leaf};
mod recursion;
pub use recursion::MAX_NESTING;
mod repeat;
mod search;
mod window;
pub(crate) use repeat::element_frame;

/// One resolved piece of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Offset from the start of the container.
    pub offset: u64,
    /// Size in bytes.
    pub size: u64,
    pub kind: NodeKind,
}

/// What a [`Node`] holds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Char,
    Text(TextKind, TextEnd),
    /// A NUL-terminated string; the size includes the NUL.
    Cstr,
    Struct(Vec<Member>),
    Array(Box<ArrayNode>),
    /// An integer shown with an enum's or flags' names.
    Enum(Scalar, Arc<EnumDef>),
    /// One field of a bit-field container: the node spans the container's
    /// bytes (every field of a `bits` struct sits at its offset 0).
    Bits(Arc<BitLeaf>),
}

/// A field of a resolved struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// `None` for `_` padding and `align` gaps.
    pub name: Option<Arc<str>>,
    pub node: Node,
    /// Boxed: a member is stored once per field of every walked element,
    /// and most have no check.
    pub check: Option<Box<Literal>>,
    /// The declaration in the layout text.
    pub decl: Span,
    /// Where a field read elsewhere (`name: T @ EXPR`) is, as an absolute
    /// offset in the file; `None` for a field at `node.offset` in its
    /// struct. A pointer may point before its struct, which a relative
    /// offset could not say.
    pub at: Option<u64>,
}

impl Member {
    /// The member's absolute offset, in a struct that starts at `base`.
    ///
    /// ```
    /// let layout = binmap::Layout::parse("a: u8; n: u8; s: bytes[2] @ 0").unwrap();
    /// let map = binmap::Map::new(&layout, b"hi", "x.bin").unwrap();
    /// let binmap::map::NodeKind::Struct(ms) = &map.root.kind else { panic!() };
    /// assert_eq!(ms.iter().map(|m| m.abs(0)).collect::<Vec<_>>(), [0, 1, 0]);
    /// ```
    pub fn abs(&self, base: u64) -> u64 {
        self.at.unwrap_or(base + self.node.offset)
    }
}

/// A resolved array.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrayNode {
    /// Dimensions, C order (one entry for `T[n]` and `T[..]`).
    pub shape: Vec<u64>,
    /// Number of elements (the product of `shape`).
    pub count: u64,
    pub elems: Elems,
    /// The element type, for descriptions.
    pub elem_type: Arc<Type>,
    /// Elements stored in Fortran order (`shape` is still the logical shape).
    pub fortran: bool,
}

/// How to find an array's elements.
#[derive(Clone, Debug, PartialEq)]
pub enum Elems {
    /// Every element has this shape; element `i` starts at `i * stride`.
    Uniform { stride: u64, elem: Node },
    /// Elements of varying size, each with its offset from the array start.
    Walked(Vec<Node>),
}

impl ArrayNode {
    /// Element `i`: its node and its offset from the array start.
    pub fn elem(&self, i: u64) -> (&Node, u64) {
        match &self.elems {
            Elems::Uniform { stride, elem } if self.fortran => (elem, fortran_index(&self.shape, i) * stride),
            Elems::Uniform { stride, elem } => (elem, i * stride),
            // Walked elements are kept in storage order, like the bytes.
            Elems::Walked(v) => match v
                .get(
                    usize::try_from(if self.fortran { fortran_index(&self.shape, i) } else { i }).unwrap_or(usize::MAX),
                )
                .or(v.last())
            {
                Some(n) => (n, n.offset),
                // Callers index only existing elements; an empty array has none.
                None => (&EMPTY_NODE, 0),
            },
        }
    }
}

/// A zero-size placeholder, for an element of an empty variable-size array.
static EMPTY_NODE: Node = Node { offset: 0, size: 0, kind: NodeKind::Text(TextKind::Bytes, TextEnd::Padded) };

/// Where C-order element `i` of an array of `shape` sits in Fortran order.
pub fn fortran_index(shape: &[u64], mut i: u64) -> u64 {
    let (mut f, mut step) = (0, 1);
    let mut idx = vec![0u64; shape.len()];
    for (k, d) in shape.iter().enumerate().rev() {
        if *d > 0 {
            idx[k] = i % d;
            i /= d;
        }
    }
    for (k, d) in shape.iter().enumerate() {
        f += idx[k] * step;
        step *= d;
    }
    f
}

/// A layout resolved against one file's bytes.
#[derive(Debug)]
pub struct Map<'a> {
    data: &'a [u8],
    name: String,
    layout: Layout,
    /// The whole file, as the layout's top-level struct.
    pub root: Node,
    /// The `let` values outside arrays, in layout order (`info` lists them;
    /// they are never stored, so no other output shows them).
    pub lets: Vec<NamedValue>,
}

/// A `let` value as this file gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedValue {
    /// Dotted path of the struct it is declared in, then its name (`header.total`).
    pub path: String,
    pub value: i128,
    /// The expression as written (`rows * cols`).
    pub expr: String,
}

impl<'a> Map<'a> {
    /// Resolve `layout` against `data` (the bytes of the file called `name`).
    ///
    /// ```
    /// let layout = binmap::Layout::parse("n: u8\nv: u16be[n]").unwrap();
    /// let map = binmap::Map::new(&layout, &[2, 0, 1, 0, 2], "x.bin").unwrap();
    /// assert_eq!(map.root.size, 5);
    /// let err = binmap::Map::new(&layout, &[3, 0, 1], "x.bin").unwrap_err();
    /// assert!(err.to_string().starts_with("layout needs 7 bytes but x.bin has 3"));
    /// ```
    pub fn new(layout: &Layout, data: &'a [u8], name: &str) -> Result<Map<'a>> {
        let mut r = Resolver::new(layout, data, name, None);
        let root = r.resolve_struct(&layout.root, 0, true)?;
        Ok(Map { data, name: name.to_string(), layout: layout.clone(), root, lets: r.lets })
    }

    /// The file's bytes.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The layout this map was resolved from.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

/// A struct being resolved: where names are looked up.
///
/// Most structs never have a name looked up, so nothing is hashed until
/// one is: a small struct is searched in order, a large one through an
/// index built on the first lookup and extended as members are added (a
/// layout of a million fields resolves in linear time either way).
pub(crate) struct Frame {
    pub base: u64,
    pub members: Vec<Member>,
    /// Whether [`Frame::push_unique`] must be used (a struct with `if`
    /// blocks, whose members may repeat a name).
    pub check_names: bool,
    /// Member positions by name, for the first `indexed` members.
    names: RefCell<(NameIndex, usize)>,
    /// The `let` values of this struct so far.
    pub lets: Vec<(Arc<str>, i128)>,
    /// `_index`: the struct's index in the array it is an element of.
    pub index: Option<u64>,
}

/// Up to this many members, a name is found by comparing it with each.
const SCAN_MEMBERS: usize = 16;

impl Frame {
    /// An empty struct starting at `base`.
    pub fn new(base: u64) -> Frame {
        Frame {
            base,
            members: Vec::new(),
            check_names: false,
            names: RefCell::default(),
            lets: Vec::new(),
            index: None,
        }
    }

    /// Add a member whose name is known to be new in this struct.
    pub fn push(&mut self, m: Member) {
        self.members.push(m);
    }

    /// Add a member; `Err` with its name when the name is already there.
    pub fn push_unique(&mut self, m: Member) -> std::result::Result<(), Arc<str>> {
        if let Some(n) = &m.name
            && self.position(n).is_some()
        {
            return Err(n.clone());
        }
        self.members.push(m);
        Ok(())
    }

    /// The member called `name` (the first, should there be two).
    pub fn get(&self, name: &str) -> Option<&Member> {
        self.position(name).map(|i| &self.members[i])
    }

    fn position(&self, name: &str) -> Option<usize> {
        let named = |i: usize| self.members[i].name.as_deref() == Some(name);
        if self.members.len() <= SCAN_MEMBERS {
            return (0..self.members.len()).find(|&i| named(i));
        }
        let mut index = self.names.borrow_mut();
        let (names, indexed) = &mut *index;
        for (i, m) in self.members.iter().enumerate().skip(*indexed) {
            if let Some(n) = &m.name {
                names.add(names.hash(n), i);
            }
        }
        *indexed = self.members.len();
        names.ids(names.hash(name)).find(|&i| named(i))
    }
}

/// Positions of names (struct members, layout items, object keys), found
/// by hash without copying the names.
///
/// Each name is hashed once with a per-process random key (std's SipHash),
/// so a hostile layout or input cannot pick names that collide; the table
/// itself is keyed by that hash and never hashes a name again when it
/// grows. Callers compare names themselves: [`NameIndex::ids`] gives every
/// position added under a hash, first added first.
#[derive(Default)]
pub(crate) struct NameIndex {
    keys: RandomState,
    /// The first position added under each hash.
    first: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
    /// Further positions under a hash already in `first` (two names whose
    /// 64-bit hashes are equal: in practice never).
    more: Vec<(u64, usize)>,
}

impl NameIndex {
    /// The hash of `name`.
    pub fn hash(&self, name: &str) -> u64 {
        self.keys.hash_one(name)
    }

    /// Record position `id` under hash `h`.
    pub fn add(&mut self, h: u64, id: usize) {
        match self.first.entry(h) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(id);
            }
            std::collections::hash_map::Entry::Occupied(_) => self.more.push((h, id)),
        }
    }

    /// The positions recorded under hash `h`, first added first.
    pub fn ids(&self, h: u64) -> impl Iterator<Item = usize> + '_ {
        let first = self.first.get(&h).copied();
        let more = if first.is_some() { &self.more[..] } else { &[] };
        first.into_iter().chain(more.iter().filter(move |(k, _)| *k == h).map(|&(_, id)| id))
    }
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// What expressions see: the structs being resolved and the bytes so far.
pub(crate) struct Env<'e> {
    pub frames: &'e [Frame],
    pub data: &'e [u8],
    /// `None` while packing, when the final size is not known.
    pub filesize: Option<u64>,
    pub layout: &'e Layout,
}

impl Env<'_> {
    fn layout_error(&self, msg: &str, span: Span) -> Error {
        crate::layout::syntax_error_at(self.layout, msg, span)
    }

    /// Evaluate an expression (checked arithmetic).
    pub(crate) fn eval(&self, e: &Expr) -> Result<i128> {
        Ok(match &e.kind {
            ExprKind::Int(v) | ExprKind::Const(_, v) => *v,
            ExprKind::FileSize => match self.filesize {
                Some(n) => n.into(),
                // Only a pass that never needs it has no size (`pack` solves
                // `filesize` first when the layout uses it).
                None => {
                    return Err(Error::data("the size of the file is not known here, so `filesize` has no value")
                        .note(self.layout_location(e.span)));
                }
            },
            ExprKind::SizeOf(t) => t.fixed_size().map_or(0, i128::from),
            ExprKind::Neg(x) => {
                let v = self.eval(x)?;
                v.checked_neg().ok_or_else(|| self.overflow(e))?
            }
            ExprKind::Not(x) => i128::from(self.eval(x)? == 0),
            ExprKind::BitNot(x) => !self.eval(x)?,
            ExprKind::Cond(c, a, b) => {
                if self.eval(c)? != 0 {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => {
                let same = self.compare(a, b, e)?;
                i128::from(same == (*op == BinOp::Eq))
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                apply_binop(*op, a, b).map_err(|why| {
                    Error::data(format!("{why} in `{}` with {a} {} {b}", e.describe(), op.symbol()))
                        .note(self.layout_location(e.span))
                })?
            }
            ExprKind::In(x, set) => {
                let v = self.operand(x)?;
                i128::from(self.in_set(&v, set, e.span)?)
            }
            ExprKind::Path(p) => self.lookup(p, e.span)?,
            ExprKind::Search(s) => self.search(s, e.span)?,
            ExprKind::Index(ix) => {
                let v = self.index_operand(ix, e)?;
                self.as_integer(v, &|| e.describe(), e.span)?
            }
            ExprKind::Str(_) => {
                return Err(self.layout_error(
                    &format!("{} is text, not a number: text can only be compared (==, !=, in)", e.describe()),
                    e.span,
                ));
            }
        })
    }

    /// The value of an expression as compared by `==`, `!=` and `in`:
    /// text and bytes stay text.
    pub(crate) fn operand<'x>(&'x self, e: &'x Expr) -> Result<Operand<'x>> {
        match &e.kind {
            ExprKind::Str(b) => Ok(Operand::Bytes { bytes: b.as_slice().into(), padded: false }),
            ExprKind::Path(p) => self.lookup_operand(p, e.span),
            ExprKind::Index(ix) => self.index_operand(ix, e),
            ExprKind::Cond(c, a, b) => self.operand(if self.eval(c)? != 0 { a } else { b }),
            _ => self.eval(e).map(Operand::Int),
        }
    }

    /// The type `m` chooses for this file: the first arm whose values hold
    /// the tag, else the `_` arm; `Ok(Err(message))` when there is neither.
    pub(crate) fn match_arm<'m>(&self, m: &'m MatchType) -> Result<std::result::Result<&'m Type, String>> {
        let tag = self.operand(&m.tag)?;
        for (pats, t) in &m.arms {
            if self.in_set(&tag, pats, m.tag.span)? {
                return Ok(Ok(t));
            }
        }
        Ok(m.default
            .as_ref()
            .ok_or_else(|| format!("no arm of `match {}` for {}, and no `_` arm", m.tag.describe(), tag.show())))
    }

    /// `a == b` for numbers and text alike.
    fn compare(&self, a: &Expr, b: &Expr, whole: &Expr) -> Result<bool> {
        let (x, y) = (self.operand(a)?, self.operand(b)?);
        x.equals(&y).map_err(|why| {
            Error::data(format!("{why} in `{}`", whole.describe())).note(self.layout_location(whole.span))
        })
    }

    /// Whether `v` is one of `set` (values compared as by `==`; ranges
    /// `lo..hi` hold the integers from `lo` up to, not including, `hi`).
    pub(crate) fn in_set(&self, v: &Operand<'_>, set: &[SetItem], span: Span) -> Result<bool> {
        for item in set {
            let hit = match item {
                SetItem::One(x) => v.equals(&self.operand(x)?).map_err(|why| {
                    Error::data(format!("{why} in `{}`", self.layout.text(span))).note(self.layout_location(span))
                })?,
                SetItem::Range(lo, hi) => {
                    let Some(n) = v.as_int() else {
                        return Err(Error::data(format!(
                            "the text {} is not a number, so it is in no range `{}..{}`",
                            v.show(),
                            lo.describe(),
                            hi.describe()
                        ))
                        .note(self.layout_location(span)));
                    };
                    self.eval(lo)? <= n && n < self.eval(hi)?
                }
            };
            if hit {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn overflow(&self, e: &Expr) -> Error {
        Error::data(format!("overflow in `{}`", e.describe())).note(self.layout_location(e.span))
    }

    fn layout_location(&self, span: Span) -> String {
        let src = &self.layout.source;
        let start = span.start.min(src.len());
        let line = src[..start].matches('\n').count() + 1;
        let col = src[..start].rfind('\n').map_or(start, |i| start - i - 1) + 1;
        format!("{}:{line}:{col}", self.layout.origin)
    }

    /// The integer value of the field or `let` at `path`, searched from the innermost struct out.
    pub(crate) fn lookup(&self, path: &[Arc<str>], span: Span) -> Result<i128> {
        let v = self.lookup_operand(path, span)?;
        self.as_integer(v, &|| path.join("."), span)
    }

    /// A field's value as a number (a `char` is its byte; text is an error).
    /// `name` names the field in a message (made only for one: sizes are
    /// looked up once per element of a walked array).
    fn as_integer(&self, v: Operand<'_>, name: &dyn Fn() -> String, span: Span) -> Result<i128> {
        match v {
            Operand::Int(v) => Ok(v),
            Operand::Char(c) => Ok(c.into()),
            Operand::Bytes { .. } => Err(self.layout_error(
                &format!(
                    "'{}' is text, not a number: compare it (== \"...\", in [...]) rather than compute with it",
                    name()
                ),
                span,
            )),
        }
    }

    /// The integer scalar field at `path` (not a `let`) and its bytes.
    fn scalar_at(&self, path: &[Arc<str>]) -> Option<(Scalar, &[u8])> {
        let (first, rest) = path.split_first()?;
        let frame = self.frames.iter().rev().find(|f| f.get(first).is_some())?;
        let m = frame.get(first)?;
        let (mut node, mut abs) = (&m.node, m.abs(frame.base));
        for seg in rest {
            let NodeKind::Struct(ms) = &node.kind else { return None };
            let c = ms.iter().find(|c| c.name.as_deref() == Some(seg))?;
            abs = c.abs(abs);
            node = &c.node;
        }
        match &node.kind {
            NodeKind::Scalar(s) if s.kind.is_integer() && s.kind.size() > 1 => {
                Some((*s, slice(self.data, abs, node.size)))
            }
            _ => None,
        }
    }

    /// The value of the field or `let` at `path`, as compared by `==`.
    pub(crate) fn lookup_operand(&self, path: &[Arc<str>], span: Span) -> Result<Operand<'_>> {
        let place = self.locate(path, span)?;
        self.place_operand(place, &|| path.join("."), span)
    }

    /// The value of the field at `place`, called `name()` in messages.
    fn place_operand(&self, place: Place<'_>, name: &dyn Fn() -> String, span: Span) -> Result<Operand<'_>> {
        let (node, abs) = match place {
            Place::Value(v) => return Ok(Operand::Int(v)),
            Place::Node(node, abs) => (node, abs),
        };
        match node_operand(node, slice(self.data, abs, node.size)) {
            Some(Ok(v)) => Ok(v),
            Some(Err(())) => Err(Error::data(format!("'{}' at offset {abs:#x} is not a valid integer", name()))
                .with_bytes(self.data, abs)),
            None => Err(self.layout_error(
                &format!("'{}' is not an integer or text field, so it cannot be used in an expression", name()),
                span,
            )),
        }
    }

    /// `base[i, j].rest`: an element of an earlier array, then fields of it.
    fn index_operand(&self, ix: &Indexed, whole: &Expr) -> Result<Operand<'_>> {
        let place = self.locate_index(ix, whole)?;
        self.place_operand(place, &|| whole.describe(), whole.span)
    }

    /// Where `ix` (the expression `whole`) is.
    fn locate_index(&self, ix: &Indexed, whole: &Expr) -> Result<Place<'_>> {
        let (base, index, rest) = (&ix.base, &ix.index, &ix.rest);
        let place = match &base.kind {
            ExprKind::Path(p) => self.locate(p, base.span)?,
            ExprKind::Index(inner) => self.locate_index(inner, base)?,
            _ => return Err(self.layout_error("only a field can be indexed", base.span)),
        };
        let Place::Node(node, abs) = place else {
            return Err(self.layout_error(&format!("'{}' is a number (let), not an array", base.describe()), base.span));
        };
        let NodeKind::Array(a) = &node.kind else {
            return Err(self.layout_error(&format!("'{}' is not an array", base.describe()), base.span));
        };
        if index.len() != a.shape.len() {
            return Err(self.layout_error(
                &format!(
                    "'{}' has {} dimension{}, indexed with {}",
                    base.describe(),
                    a.shape.len(),
                    if a.shape.len() == 1 { "" } else { "s" },
                    index.len()
                ),
                whole.span,
            ));
        }
        let mut flat: u64 = 0;
        for (e, &dim) in index.iter().zip(&a.shape) {
            let i = self.eval(e)?;
            // A negative index counts from the end, as in Python.
            let k = if i < 0 { i + i128::from(dim) } else { i };
            let Some(k) = u64::try_from(k).ok().filter(|k| *k < dim) else {
                let shape: Vec<String> = a.shape.iter().map(u64::to_string).collect();
                let shown = match e.kind {
                    ExprKind::Int(_) | ExprKind::Neg(_) => format!("index {i}"),
                    _ => format!("index {} = {i}", e.describe()),
                };
                return Err(Error::data(format!(
                    "{shown} is out of range for {} (shape [{}])",
                    base.describe(),
                    shape.join(", ")
                ))
                .note(format!("in `{}` at {}", whole.describe(), self.layout_location(whole.span))));
            };
            flat = flat * dim + k;
        }
        let (mut node, off) = a.elem(flat);
        let mut abs = abs + off;
        for seg in rest {
            let NodeKind::Struct(ms) = &node.kind else {
                return Err(self.layout_error(
                    &format!("the elements of '{}' have no field '{seg}'", base.describe()),
                    whole.span,
                ));
            };
            let Some(c) = ms.iter().find(|c| c.name.as_deref() == Some(seg)) else {
                return Err(self.layout_error(
                    &format!(
                        "no field '{seg}' in the elements of '{}'{}",
                        base.describe(),
                        crate::suggest::hint(seg, ms.iter().filter_map(|m| m.name.as_deref()))
                    ),
                    whole.span,
                ));
            };
            abs = c.abs(abs);
            node = &c.node;
        }
        Ok(Place::Node(node, abs))
    }

    /// The frames a path's first name is searched in, and that name:
    /// `_root.x` looks in the outermost struct only, `_parent.x` in the
    /// struct around the innermost one, anything else from the innermost out.
    fn scope<'p>(&self, path: &'p [Arc<str>], span: Span) -> Result<(&[Frame], &'p [Arc<str>])> {
        let n = self.frames.len();
        let (frames, path) = match path.first().map(|s| &**s) {
            Some("_root") => (&self.frames[..n.min(1)], &path[1..]),
            Some("_parent") if n >= 2 => (&self.frames[n - 2..n - 1], &path[1..]),
            Some("_parent") => {
                return Err(self.layout_error("`_parent` is used in the outermost struct, which has none", span));
            }
            _ => (self.frames, path),
        };
        if path.is_empty() {
            return Err(
                self.layout_error("`_root` and `_parent` name a struct: write a field of it (`_parent.count`)", span)
            );
        }
        Ok((frames, path))
    }

    /// Where the field or `let` at `path` is, searched from the innermost struct out.
    fn locate(&self, path: &[Arc<str>], span: Span) -> Result<Place<'_>> {
        if let [only] = path
            && &**only == "_index"
        {
            // The index of the array element being read, innermost first.
            return match self.frames.iter().rev().find_map(|f| f.index) {
                Some(i) => Ok(Place::Value(i.into())),
                None => {
                    Err(self.layout_error("`_index` is the index of an array element, used outside any array", span))
                }
            };
        }
        let (frames, path) = self.scope(path, span)?;
        let Some((first, rest)) = path.split_first() else { return Err(self.layout_error("empty path", span)) };
        for frame in frames.iter().rev() {
            let Some(m) = frame.get(first) else {
                if let Some((_, v)) = frame.lets.iter().find(|(n, _)| n == first) {
                    if !rest.is_empty() {
                        return Err(self.layout_error(&format!("'{first}' is a number (let), it has no fields"), span));
                    }
                    return Ok(Place::Value(*v));
                }
                continue;
            };
            let mut node = &m.node;
            let mut abs = m.abs(frame.base);
            for seg in rest {
                let NodeKind::Struct(ms) = &node.kind else {
                    return Err(self.layout_error(
                        &format!("'{}' is not a struct, it has no field '{seg}'", path.join(".")),
                        span,
                    ));
                };
                let Some(c) = ms.iter().find(|c| c.name.as_deref() == Some(seg)) else {
                    let hint = crate::suggest::hint(seg, ms.iter().filter_map(|m| m.name.as_deref()));
                    return Err(self.layout_error(&format!("no field '{seg}' in '{}'{hint}", path.join(".")), span));
                };
                abs = c.abs(abs);
                node = &c.node;
            }
            return Ok(Place::Node(node, abs));
        }
        if let Some(cond) = declared_under_if(&self.layout.root.items, first, span.start) {
            // Declared above, but its `if` was false in this file.
            return Err(Error::data(format!(
                "field '{}' is absent here: it is declared under `if {}`, which is false in this file",
                path.join("."),
                self.layout.text(cond.span)
            ))
            .note(format!("used at {}", self.layout_location(span))));
        }
        Err(self.layout_error(
            &format!(
                "unknown field '{}' (fields can only refer to fields before them){}",
                path.join("."),
                crate::suggest::hint(
                    first,
                    frames.iter().flat_map(|f| {
                        f.members.iter().filter_map(|m| m.name.as_deref()).chain(f.lets.iter().map(|(n, _)| &**n))
                    })
                )
            ),
            span,
        ))
    }
}

/// Where a field named in an expression is.
enum Place<'n> {
    /// A field's node and its absolute offset.
    Node(&'n Node, u64),
    /// A `let` value, or `_index`.
    Value(i128),
}

/// The other byte order.
fn flip(e: crate::layout::Endian) -> crate::layout::Endian {
    match e {
        crate::layout::Endian::Little => crate::layout::Endian::Big,
        crate::layout::Endian::Big => crate::layout::Endian::Little,
    }
}

/// The value of a field for expressions: integers and `bool` as numbers, a
/// `char` as its byte, text and arrays of `u8`/`i8` as bytes; `None` for
/// what expressions cannot use (floats, structs, other arrays), `Some(Err)`
/// for bytes that are not a value of the type (a `bool` of 7).
pub(crate) fn node_operand<'d>(node: &Node, bytes: &'d [u8]) -> Option<std::result::Result<Operand<'d>, ()>> {
    Some(Ok(match &node.kind {
        NodeKind::Scalar(s)
            if (s.kind.is_integer() || s.kind == ScalarKind::Bool) && bytes.len() as u64 == s.kind.size() =>
        {
            match decode_scalar(bytes, *s).ok().and_then(|v| v.as_int()) {
                Some(v) => Operand::Int(v),
                None => return Some(Err(())),
            }
        }
        NodeKind::Enum(s, _) if bytes.len() as u64 == s.kind.size() => {
            Operand::Int(decode_scalar(bytes, *s).ok().and_then(|v| v.as_int()).unwrap_or_default())
        }
        NodeKind::Bits(b) if bytes.len() as u64 == b.container.kind.size() => Operand::Int(bit_value(b, bytes)),
        NodeKind::Char if bytes.len() == 1 => Operand::Char(bytes[0]),
        NodeKind::Text(TextKind::Bytes | TextKind::Utf8, end) => {
            Operand::Bytes { bytes: bytes.into(), padded: *end == TextEnd::Padded }
        }
        NodeKind::Text(TextKind::Void, _) => Operand::Bytes { bytes: bytes.into(), padded: false },
        NodeKind::Text(TextKind::CstrN, _) => {
            let text = bytes.iter().position(|&c| c == 0).map_or(bytes, |i| &bytes[..i]);
            Operand::Bytes { bytes: text.into(), padded: true }
        }
        NodeKind::Text(TextKind::Ebcdic, end) => Operand::Bytes {
            bytes: crate::text::ebcdic::decode(bytes).into_bytes().into(),
            padded: *end == TextEnd::Padded,
        },
        NodeKind::Text(TextKind::Utf16(e), end) => {
            let text = crate::decode::utf16_string(bytes, *e);
            Operand::Bytes { bytes: text.into_bytes().into(), padded: *end == TextEnd::Padded }
        }
        NodeKind::Text(TextKind::Ascii(k), _) => match crate::text::ascii_num::read(*k, bytes) {
            Ok(crate::text::ascii_num::Read::Int(v)) => Operand::Int(v.into()),
            Ok(crate::text::ascii_num::Read::Float(_)) => return None,
            _ => return Some(Err(())),
        },
        NodeKind::Text(TextKind::Ucs4(e), end) => {
            // Compared as UTF-8, as it is shown; a code point that is not a
            // character compares as U+FFFD.
            let mut text = String::new();
            for c in bytes.chunks_exact(4) {
                let u = match e {
                    crate::layout::Endian::Big => u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
                    crate::layout::Endian::Little => u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                };
                text.push(char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Operand::Bytes { bytes: text.into_bytes().into(), padded: *end == TextEnd::Padded }
        }
        NodeKind::Cstr => Operand::Bytes { bytes: bytes[..bytes.len().saturating_sub(1)].into(), padded: false },
        NodeKind::Array(a)
            if a.shape.len() == 1
                && matches!(&*a.elem_type, Type::Scalar(s) if matches!(s.kind, ScalarKind::U8 | ScalarKind::I8)) =>
        {
            Operand::Bytes { bytes: bytes.into(), padded: false }
        }
        _ => return None,
    }))
}

/// The members of a `bits` struct in a container `s`: one [`BitLeaf`] per
/// field (reserved `_` bits unnamed), each over the container's bytes.
pub(crate) fn bit_members(b: &crate::layout::BitsType, s: Scalar) -> Vec<Member> {
    let msb = b.msb_first.unwrap_or(s.endian == crate::layout::Endian::Big);
    b.fields
        .iter()
        .zip(b.shifts(msb))
        .map(|(f, shift)| {
            let leaf = BitLeaf { container: s, shift, width: f.width, kind: f.kind.clone() };
            let node = Node { offset: 0, size: s.kind.size(), kind: NodeKind::Bits(Arc::new(leaf)) };
            Member { name: f.name.clone(), node, check: None, decl: f.span, at: None }
        })
        .collect()
}

/// The value of the bit field `b` in its container's `bytes`.
pub(crate) fn bit_value(b: &BitLeaf, bytes: &[u8]) -> i128 {
    let raw = decode_scalar(bytes, b.container).ok().and_then(|v| v.as_int()).unwrap_or_default();
    b.extract(raw as u64)
}

/// The condition of the last `if` block above `at` (a position in the
/// layout text) that declares a field `name`, searched in `items` and in the
/// struct types that enclose `at`.
fn declared_under_if<'l>(items: &'l [Item], name: &str, at: usize) -> Option<&'l Expr> {
    fn declares(items: &[Item], name: &str, at: usize) -> bool {
        items.iter().any(|it| match it {
            Item::Field(f) => f.span.start < at && f.name.as_deref() == Some(name),
            Item::Let { name: n, span, .. } => span.start < at && &**n == name,
            Item::If { body, .. } => declares(body, name, at),
            Item::Align { .. } => false,
        })
    }
    fn inner_struct(ty: &Type) -> Option<&StructType> {
        match ty {
            Type::Struct(st) => Some(st),
            Type::Array { elem, .. } | Type::Within { inner: elem, .. } => inner_struct(elem),
            _ => None,
        }
    }
    let mut found = None;
    for it in items {
        match it {
            Item::If { cond, body } if declares(body, name, at) => {
                found = declared_under_if(body, name, at).or(Some(cond));
            }
            Item::Field(f) if f.span.start <= at && at < f.span.end => {
                if let Some(st) = inner_struct(&f.ty)
                    && let Some(c) = declared_under_if(&st.items, name, at)
                {
                    found = Some(c);
                }
            }
            _ => {}
        }
    }
    found
}

struct Resolver<'r> {
    data: &'r [u8],
    filesize: u64,
    layout: &'r Layout,
    name: &'r str,
    /// The structs being resolved, innermost last: where names are looked up.
    frames: Vec<Frame>,
    /// When only checking ([`check`]): the names expressions read. Other
    /// members that are single values without a `==` check are not kept.
    keep: Option<&'r [&'r str]>,
    /// The `let` values met outside arrays (for `info`).
    lets: Vec<NamedValue>,
    /// How many arrays enclose the item being resolved, and the path of
    /// the structs outside them (`header.`).
    in_array: usize,
    struct_path: Vec<Arc<str>>,
    /// The index of the array element about to be resolved, for the
    /// element's struct to take as its `_index`.
    next_index: Option<u64>,
    /// Where the region being read ends: the file's end, or the end of the
    /// innermost `within` window (see [`window`]).
    end: u64,
    /// The innermost `within` window, for messages.
    window: Option<window::Window>,
    /// Fields placed by a search (`@ rfind(...)`): their declaration and offset.
    searched: Vec<(Span, u64)>,
    /// How many uses of recursive types enclose the type being resolved.
    nesting: usize,
}

impl<'r> Resolver<'r> {
    fn new(layout: &'r Layout, data: &'r [u8], name: &'r str, keep: Option<&'r [&'r str]>) -> Resolver<'r> {
        Resolver {
            data,
            filesize: data.len() as u64,
            layout,
            name,
            frames: Vec::new(),
            next_index: None,
            keep,
            lets: Vec::new(),
            in_array: 0,
            struct_path: Vec::new(),
            end: data.len() as u64,
            window: None,
            searched: Vec::new(),
            nesting: 0,
        }
    }
}

/// Resolve `layout` against `data` only to check it, with every check
/// [`Map::new`] makes (what `pack` does with the bytes it wrote), keeping
/// none of the single values that nothing can look up again. Gives the
/// fields placed by a search (`@ rfind(...)`) and where it put them, in
/// the order they were read.
pub(crate) fn check(layout: &Layout, data: &[u8], name: &str) -> Result<Vec<(Span, u64)>> {
    let mut keep = Vec::new();
    path_names(&layout.root.items, &mut keep);
    keep.sort_unstable();
    keep.dedup();
    let mut r = Resolver::new(layout, data, name, Some(&keep));
    r.resolve_struct(&layout.root, 0, true)?;
    Ok(r.searched)
}

/// Every name in the field paths of the expressions of `items` (sizes,
/// placements, `if` conditions), at any depth: the names expressions read.
pub(crate) fn path_names<'l>(items: &'l [Item], out: &mut Vec<&'l str>) {
    fn expr<'l>(e: &'l Expr, out: &mut Vec<&'l str>) {
        for p in e.paths() {
            out.extend(p.iter().map(|s| &**s));
        }
    }
    fn ty<'l>(t: &'l Type, out: &mut Vec<&'l str>) {
        match t {
            Type::Text { len, .. } => expr(len, out),
            Type::Struct(st) => path_names(&st.items, out),
            Type::Array { elem, dims } => {
                dims.exprs().unwrap_or_default().iter().for_each(|d| expr(d, out));
                if let Some((cond, _)) = dims.repeat() {
                    expr(cond, out);
                }
                ty(elem, out);
            }
            Type::ScalarByOrder { order, .. } => expr(&order.cond, out),
            Type::Enum(_, base) => ty(base, out),
            Type::Bits(b) => ty(&b.container, out),
            Type::Match(m) => {
                m.exprs().into_iter().for_each(|e| expr(e, out));
                m.types().for_each(|t| ty(t, out));
            }
            Type::Within { inner, size } => {
                expr(size, out);
                ty(inner, out);
            }
            // Once, at a use after the definition; the uses inside it stop.
            Type::Ref(r) => {
                if let Some(d) = r.definition() {
                    ty(d, out);
                }
            }
            Type::Scalar(_) | Type::Char | Type::Cstr => {}
        }
    }
    for it in items {
        match it {
            Item::Field(f) => {
                for e in f.offset_exprs() {
                    expr(e, out);
                }
                ty(&f.ty, out);
                if let Some(c) = &f.constraint {
                    c.exprs().into_iter().for_each(|e| expr(e, out));
                }
            }
            Item::If { cond, body } => {
                expr(cond, out);
                path_names(body, out);
            }
            Item::Let { value, .. } => expr(value, out),
            Item::Align { .. } => {}
        }
    }
}

impl Resolver<'_> {
    fn layout_error(&self, msg: &str, span: Span) -> Error {
        crate::layout::syntax_error_at(self.layout, msg, span)
    }

    fn resolve_struct(&mut self, st: &StructType, pos: u64, bounded: bool) -> Result<Node> {
        let mut frame = Frame::new(pos);
        frame.index = self.next_index.take();
        // The parser refuses a name defined twice in one list of items, so
        // only members from `if` blocks can repeat a name.
        frame.check_names = st.items.iter().any(|it| matches!(it, Item::If { .. }));
        // One member per field or `align` gap (more only from `if` blocks):
        // a struct of a million fields is never copied as it grows.
        frame.members.reserve_exact(st.items.len());
        self.frames.push(frame);
        let mut cursor = pos;
        let res = self.resolve_items(&st.items, pos, &mut cursor, bounded);
        let frame = self.frames.pop().unwrap_or_else(|| Frame::new(pos));
        res?;
        Ok(Node { offset: 0, size: cursor - pos, kind: NodeKind::Struct(frame.members) })
    }

    fn push_member(&mut self, m: Member) -> Result<()> {
        let decl = m.decl;
        let Some(f) = self.frames.last_mut() else { return Ok(()) };
        if let Some(keep) = self.keep
            && !f.check_names
            && m.check.is_none()
            && matches!(
                m.node.kind,
                NodeKind::Scalar(_) | NodeKind::Enum(..) | NodeKind::Char | NodeKind::Text(..) | NodeKind::Cstr
            )
            && m.name.as_deref().is_none_or(|n| keep.binary_search(&n).is_err())
        {
            return Ok(());
        }
        if !f.check_names {
            f.push(m);
        } else if let Err(n) = f.push_unique(m) {
            return Err(self.layout_error(&format!("field '{n}' is present twice in this struct"), decl));
        }
        Ok(())
    }

    fn resolve_items(&mut self, items: &[Item], base: u64, cursor: &mut u64, bounded: bool) -> Result<()> {
        for item in items {
            match item {
                Item::Align { to, span } => {
                    let rel = *cursor - base;
                    let Some(aligned) = align_up(rel, *to) else {
                        return Err(self.layout_error("alignment overflows", *span));
                    };
                    let pad = aligned - rel;
                    if pad > 0 {
                        let node =
                            Node { offset: rel, size: pad, kind: NodeKind::Text(TextKind::Bytes, TextEnd::Padded) };
                        self.check_bounds(*cursor, pad, &format!("align {to}"), "", bounded)?;
                        self.push_member(Member { name: None, node, check: None, decl: *span, at: None })?;
                    }
                    *cursor += pad;
                }
                Item::If { cond, body } => {
                    if self.eval(cond)? != 0 {
                        self.resolve_items(body, base, cursor, bounded)?;
                    }
                }
                Item::Let { name, value, .. } => {
                    let v = self.eval(value)?;
                    if self.in_array == 0 && bounded {
                        let mut path: Vec<&str> = self.struct_path.iter().map(|s| &**s).collect();
                        path.push(name);
                        self.lets.push(NamedValue { path: path.join("."), value: v, expr: value.describe() });
                    }
                    if let Some(f) = self.frames.last_mut() {
                        f.lets.push((name.clone(), v));
                    }
                }
                Item::Field(f) => self.resolve_field(f, base, cursor, bounded)?,
            }
        }
        Ok(())
    }

    /// The absolute offset `@ e` names (a placement or, `pointer`, a field
    /// read elsewhere), within the file.
    fn offset_of(&mut self, e: &Expr, f: &Field, bounded: bool, pointer: bool) -> Result<u64> {
        let what = if pointer { "pointer" } else { "placement" };
        let v = self.eval(e)?;
        let p = u64::try_from(v).map_err(|_| {
            self.data_error(format!("{what} @ {} = {v} {}", e.describe(), crate::layout::out_of_u64(v)), f, 0)
        })?;
        if bounded && p > self.filesize {
            return Err(self
                .data_error(
                    format!(
                        "{what} @ {} = {} is past the end of {} ({} bytes)",
                        e.describe(),
                        grouped(p),
                        self.name,
                        grouped(self.filesize)
                    ),
                    f,
                    p,
                )
                .with_bytes(self.data, self.filesize));
        }
        Ok(p)
    }

    fn resolve_field(&mut self, f: &Field, base: u64, cursor: &mut u64, bounded: bool) -> Result<()> {
        if let Some(e) = &f.pointer {
            // Read elsewhere: anywhere in the file, before its struct too;
            // the cursor stays.
            let p = self.offset_of(e, f, bounded, true)?;
            let mut node = self.resolve_type(&f.ty, p, bounded, f)?;
            node.offset = 0;
            let check = f.check.clone().map(Box::new);
            let member = Member { name: f.name.clone(), node, check, decl: f.span, at: Some(p) };
            return self.verified(member, f, p, bounded).and_then(|m| self.push_member(m));
        }
        let pos = match &f.placement {
            None => *cursor,
            Some(e) => {
                let p = self.offset_of(e, f, bounded, false)?;
                if p < base {
                    return Err(self.data_error(
                        format!(
                            "placement @ {} = {p:#x} is before the start of the enclosing struct at {base:#x}",
                            e.describe()
                        ),
                        f,
                        p,
                    ));
                }
                if e.has_search() {
                    self.searched.push((f.span, p));
                }
                p
            }
        };
        let mut node = self.resolve_type(&f.ty, pos, bounded, f)?;
        node.offset = pos - base;
        let member =
            Member { name: f.name.clone(), node, check: f.check.clone().map(Box::new), decl: f.span, at: None };
        let member = self.verified(member, f, pos, bounded)?;
        *cursor = pos.checked_add(member.node.size).ok_or_else(|| {
            Error::data(format!("the size of {} overflows a 64-bit offset", self.layout.text(f.span)))
        })?;
        self.push_member(member)
    }

    /// `member` (the field `f` at `pos`) once its `==` and `in` checks hold.
    fn verified(&mut self, member: Member, f: &Field, pos: u64, bounded: bool) -> Result<Member> {
        if bounded && f.check.is_some() {
            self.verify_check(&member, pos)?;
        }
        if let (true, Some(c)) = (bounded, &f.constraint) {
            self.verify_constraint(c, &member, pos)?;
        }
        Ok(member)
    }

    /// `decl at offset 0x8 with rows = 100000, cols = 6000`.
    fn field_note(&mut self, f: &Field, pos: u64) -> String {
        let mut note = format!("{} at offset {pos:#x}", self.layout.text(f.span));
        let mut exprs = Vec::new();
        collect_type_exprs(&f.ty, &mut exprs);
        let mut seen = Vec::new();
        for e in exprs {
            for p in e.paths() {
                let name = p.join(".");
                if seen.contains(&name) {
                    continue;
                }
                if let Ok(v) = self.lookup(p, e.span) {
                    seen.push(name.clone());
                    note.push_str(if seen.len() == 1 { " with " } else { ", " });
                    note.push_str(&format!("{name} = {v}"));
                }
            }
        }
        note
    }

    fn data_error(&mut self, msg: String, f: &Field, pos: u64) -> Error {
        let note = self.field_note(f, pos);
        Error::data(msg).note(note)
    }

    fn check_bounds(&self, pos: u64, size: u64, what: &str, note: &str, bounded: bool) -> Result<()> {
        if !bounded {
            return Ok(());
        }
        let end = pos.checked_add(size);
        match end {
            Some(end) if end <= self.end => Ok(()),
            Some(end) if let Some(w) = &self.window => {
                let e = w.overflow(end);
                let e = e.note(if note.is_empty() { format!("{what} at offset {pos:#x}") } else { note.to_string() });
                Err(e.with_bytes(self.data, pos.min(self.filesize)))
            }
            _ => {
                let needs = end.map_or_else(|| "more than 2^64".to_string(), grouped);
                let mut e =
                    Error::data(format!("layout needs {needs} bytes but {} has {}", self.name, grouped(self.filesize)));
                e = e.note(if note.is_empty() { format!("{what} at offset {pos:#x}") } else { note.to_string() });
                Err(e.with_bytes(self.data, pos.min(self.filesize)))
            }
        }
    }

    fn bounds(&mut self, pos: u64, size: u64, f: &Field, bounded: bool) -> Result<()> {
        if !bounded || pos.checked_add(size).is_some_and(|e| e <= self.end) {
            return Ok(());
        }
        let note = self.field_note(f, pos);
        let err = self.check_bounds(pos, size, "", &note, bounded);
        match (err, self.swapped_sizes_fit(f, pos)) {
            (Err(e), Some(hint)) => Err(e.note(hint)),
            (r, _) => r,
        }
    }

    /// When the sizes of `f` come from integer fields whose bytes, read in
    /// the other byte order, give a size that fits the rest of the file:
    /// "these sizes fit the file if read little-endian (rows = 6, cols = 5):
    /// try `endian little`" (a layout read with the wrong byte order).
    fn swapped_sizes_fit(&self, f: &Field, pos: u64) -> Option<String> {
        let (elem, dims) = match &f.ty {
            Type::Array { elem, dims: Dims::Fixed(d) | Dims::Fortran(d) } => (elem.fixed_size()?, d.iter().collect()),
            Type::Text { kind, len } => (kind.unit(), vec![len]),
            _ => return None,
        };
        let (mut size, mut named, mut other) = (elem, Vec::new(), None);
        for d in dims {
            let v = match &d.kind {
                ExprKind::Int(v) => u64::try_from(*v).ok()?,
                ExprKind::Path(p) => {
                    let env = self.env();
                    let (s, bytes) = env.scalar_at(p)?;
                    let swapped = Scalar { kind: s.kind, endian: flip(s.endian) };
                    let v = decode_scalar(bytes, swapped).ok()?.as_int()?;
                    if other.replace(swapped.endian).is_some_and(|e| e != swapped.endian) {
                        return None;
                    }
                    named.push(format!("{} = {v}", p.join(".")));
                    u64::try_from(v).ok()?
                }
                _ => return None,
            };
            size = size.checked_mul(v)?;
        }
        let other = other?;
        let fits = pos.checked_add(size).is_some_and(|end| end <= self.filesize);
        let name = if other == crate::layout::Endian::Little { "little" } else { "big" };
        fits.then(|| {
            format!("these sizes fit the file if read {name}-endian ({}): try `endian {name}`", named.join(", "))
        })
    }

    /// The scalar of an enum's base or a bits container, its byte order settled.
    fn scalar_of(&mut self, ty: &Type) -> Result<Scalar> {
        Ok(match ty {
            Type::ScalarByOrder { kind, order } => {
                Scalar { kind: *kind, endian: if self.eval(&order.cond)? != 0 { order.yes } else { order.no } }
            }
            Type::Scalar(s) => *s,
            // The parser gives enums and bits an integer scalar only.
            _ => Scalar { kind: ScalarKind::U8, endian: crate::layout::Endian::Little },
        })
    }

    fn eval_size(&mut self, e: &Expr, f: &Field, pos: u64) -> Result<u64> {
        let v = self.eval(e)?;
        u64::try_from(v).map_err(|_| {
            self.data_error(format!("size {} = {v} {}", e.describe(), crate::layout::out_of_u64(v)), f, pos)
        })
    }

    fn resolve_type(&mut self, ty: &Type, pos: u64, bounded: bool, f: &Field) -> Result<Node> {
        let leaf = |size, kind| Node { offset: 0, size, kind };
        let node = match ty {
            Type::Scalar(s) => leaf(s.kind.size(), NodeKind::Scalar(*s)),
            Type::ScalarByOrder { kind, order } => {
                let endian = if self.eval(&order.cond)? != 0 { order.yes } else { order.no };
                leaf(kind.size(), NodeKind::Scalar(Scalar { kind: *kind, endian }))
            }
            Type::Enum(def, base) => {
                let s = self.scalar_of(base)?;
                leaf(s.kind.size(), NodeKind::Enum(s, def.clone()))
            }
            Type::Bits(b) => {
                let s = self.scalar_of(&b.container)?;
                leaf(s.kind.size(), NodeKind::Struct(bit_members(b, s)))
            }
            Type::Char => leaf(1, NodeKind::Char),
            Type::Text { kind, len } => {
                let n = self.eval_size(len, f, pos)?;
                let Some(size) = n.checked_mul(kind.unit()) else {
                    return Err(self.data_error(format!("{}[{n}] overflows a 64-bit size", kind.name()), f, pos));
                };
                leaf(size, NodeKind::Text(*kind, TextEnd::of(len)))
            }
            Type::Cstr => {
                let start = usize::try_from(pos.min(self.end)).unwrap_or(usize::MAX);
                let end = usize::try_from(self.end).unwrap_or(usize::MAX);
                match self.data.get(start..end).and_then(|rest| rest.iter().position(|&b| b == 0)) {
                    Some(i) => leaf(i as u64 + 1, NodeKind::Cstr),
                    None => {
                        return Err(self
                            .data_error(
                                format!(
                                    "cstr at offset {pos:#x} has no NUL byte before the end of {}",
                                    self.region_name()
                                ),
                                f,
                                pos,
                            )
                            .with_bytes(self.data, pos));
                    }
                }
            }
            Type::Match(m) => {
                let arm = self.env().match_arm(m)?;
                return match arm {
                    Ok(t) => self.resolve_type(t, pos, bounded, f),
                    Err(msg) => Err(self.data_error(msg, f, pos).with_bytes(self.data, pos.min(self.filesize))),
                };
            }
            Type::Struct(st) => {
                self.struct_path.push(f.name.clone().unwrap_or_else(|| Arc::from("_")));
                let node = self.resolve_struct(st, pos, bounded);
                self.struct_path.pop();
                return node;
            }
            Type::Array { elem, dims } => {
                self.in_array += 1;
                let node = self.resolve_array(elem, dims, pos, bounded, f);
                self.in_array -= 1;
                return node;
            }
            Type::Within { inner, size } => return self.resolve_within(inner, size, pos, bounded, f),
            Type::Ref(r) => return self.resolve_ref(r, pos, bounded, f),
        };
        self.bounds(pos, node.size, f, bounded)?;
        Ok(node)
    }

    fn resolve_array(&mut self, elem: &Arc<Type>, dims: &Dims, pos: u64, bounded: bool, f: &Field) -> Result<Node> {
        let remaining = self.end.saturating_sub(pos);
        // The element type as readers see it: byte orders chosen by fields
        // outside the element settled (`.npy` and Arrow take their types from it).
        let elem_type = if has_chosen_order(elem) {
            let mut local = Vec::new();
            collect_names(elem, &mut local);
            Arc::new(self.settle_orders(elem, &local)?)
        } else {
            elem.clone()
        };
        if let Some(repeat) = dims.repeat() {
            return self.resolve_repeat(elem, elem_type, repeat, pos, bounded, f);
        }
        let shape = match dims {
            Dims::ToEnd | Dims::Until(_) | Dims::While(_) => None,
            Dims::Fixed(ds) | Dims::Fortran(ds) => {
                let mut shape = Vec::with_capacity(ds.len());
                for d in ds {
                    shape.push(self.eval_size(d, f, pos)?);
                }
                Some(shape)
            }
        };
        let fixed_count = match &shape {
            None => None,
            Some(s) => Some(s.iter().try_fold(1u64, |a, &d| a.checked_mul(d)).ok_or_else(|| {
                let dims: Vec<String> = s.iter().map(|d| grouped(*d)).collect();
                self.data_error(format!("array shape [{}] overflows a 64-bit element count", dims.join(", ")), f, pos)
            })?),
        };
        let node_of = |shape: Vec<u64>, count: u64, elems: Elems, size: u64| Node {
            offset: 0,
            size,
            kind: NodeKind::Array(Box::new(ArrayNode {
                shape,
                count,
                elems,
                elem_type: elem_type.clone(),
                fortran: matches!(dims, Dims::Fortran(_)),
            })),
        };
        // An empty array still prints its shell (`[[], [], ...]` for shape
        // [n, 0]): the number of empty sub-arrays is bounded by the file like
        // any count, plus a small allowance.
        if let Some(s) = &shape {
            let shell = s.iter().take_while(|d| **d != 0).try_fold(1u64, |a, d| a.checked_mul(*d));
            if s.contains(&0) && shell.is_none_or(|n| n > remaining.saturating_add(1 << 16)) {
                let dims: Vec<String> = s.iter().map(|d| grouped(*d)).collect();
                return Err(self.data_error(
                    format!(
                        "array shape [{}] has no elements but claims more empty sub-arrays than the {} bytes that remain",
                        dims.join(", "),
                        grouped(remaining)
                    ),
                    f,
                    pos,
                ));
            }
        }
        if is_uniform(elem) {
            let template = self.resolve_type(elem, pos, false, f)?;
            let stride = template.size;
            let (count, shape) = match fixed_count {
                Some(c) => (c, shape.unwrap_or_default()),
                None => {
                    if stride == 0 {
                        return Err(self.data_error("T[..] of a zero-size element would never end".into(), f, pos));
                    }
                    let (count, rest) = (remaining / stride, remaining % stride);
                    if bounded && rest != 0 {
                        return Err(self
                            .data_error(
                                format!(
                                    "{} ends with {rest} trailing bytes that are not a whole {}-byte element ({} whole elements fit)",
                                    self.region_name(),
                                    stride,
                                    grouped(count)
                                ),
                                f,
                                pos,
                            )
                            .with_bytes(self.data, pos + count * stride));
                    }
                    (count, vec![count])
                }
            };
            if bounded && stride == 0 && count > remaining {
                return Err(self.data_error(
                    format!(
                        "array of {} zero-size elements claims more elements than the {} bytes that remain",
                        grouped(count),
                        grouped(remaining)
                    ),
                    f,
                    pos,
                ));
            }
            let Some(size) = stride.checked_mul(count) else {
                return Err(self.data_error(
                    format!(
                        "array of {} elements of {} bytes overflows a 64-bit size",
                        grouped(count),
                        grouped(stride)
                    ),
                    f,
                    pos,
                ));
            };
            self.bounds(pos, size, f, bounded)?;
            if bounded && has_checks(&template) {
                for i in 0..count {
                    self.verify_checks(&template, pos + i * stride)?;
                }
            }
            return Ok(node_of(shape, count, Elems::Uniform { stride, elem: template }, size));
        }
        // Walked: elements of varying size.
        let mut nodes = Vec::new();
        let mut p = pos;
        match fixed_count {
            Some(count) => {
                // Elements that take no bytes where they are (only pointers)
                // are bounded by the file instead of the bytes that remain.
                let pointers_only = takes_no_bytes_in_place(elem);
                let limit = if pointers_only { self.filesize.max(remaining) } else { remaining };
                if count > limit {
                    let claim = if pointers_only {
                        format!(
                            "array claims {} elements read elsewhere (pointers), more than the {} bytes of {}",
                            grouped(count),
                            grouped(limit),
                            self.name
                        )
                    } else {
                        format!(
                            "array claims {} variable-size elements but only {} bytes remain in {}",
                            grouped(count),
                            grouped(remaining),
                            self.name
                        )
                    };
                    return Err(self.data_error(claim, f, pos).with_bytes(self.data, pos));
                }
                // Grow as elements prove to exist: a count is only a claim.
                nodes.reserve(usize::try_from(count.min(4096)).unwrap_or(0));
                for i in 0..count {
                    self.next_index = Some(i);
                    let n = self.resolve_type(elem, p, bounded, f);
                    self.next_index = None;
                    let mut n = n?;
                    n.offset = p - pos;
                    p += n.size;
                    nodes.push(n);
                }
            }
            None => {
                while p < self.end {
                    self.next_index = Some(nodes.len() as u64);
                    let n = self.resolve_type(elem, p, bounded, f);
                    self.next_index = None;
                    let mut n = n.map_err(|e| {
                        e.note(format!(
                            "while reading element {} of a [..] array: the file may end with a partial element",
                            nodes.len()
                        ))
                    })?;
                    if n.size == 0 {
                        return Err(self.data_error("T[..] element of size zero would never end".into(), f, p));
                    }
                    n.offset = p - pos;
                    p += n.size;
                    nodes.push(n);
                }
            }
        }
        let count = nodes.len() as u64;
        let shape = shape.unwrap_or_else(|| vec![count]);
        Ok(node_of(shape, count, Elems::Walked(nodes), p - pos))
    }

    /// `ty` with each byte order chosen by fields outside it (not named in
    /// `local`) replaced by the order this file gives.
    fn settle_orders(&mut self, ty: &Type, local: &[&str]) -> Result<Type> {
        Ok(match ty {
            Type::ScalarByOrder { kind, order } if expr_is_outer(&order.cond, local) => {
                let endian = if self.eval(&order.cond)? != 0 { order.yes } else { order.no };
                Type::Scalar(Scalar { kind: *kind, endian })
            }
            Type::Array { elem, dims } => {
                Type::Array { elem: Arc::new(self.settle_orders(elem, local)?), dims: dims.clone() }
            }
            Type::Struct(st) => Type::Struct(Arc::new(StructType { items: self.settle_items(&st.items, local)? })),
            Type::Within { inner, size } => {
                Type::Within { inner: Arc::new(self.settle_orders(inner, local)?), size: size.clone() }
            }
            Type::Enum(def, base) => Type::Enum(def.clone(), Arc::new(self.settle_orders(base, local)?)),
            Type::Bits(b) => Type::Bits(Arc::new(crate::layout::BitsType {
                container: self.settle_orders(&b.container, local)?,
                ..(**b).clone()
            })),
            other => other.clone(),
        })
    }

    fn settle_items(&mut self, items: &[Item], local: &[&str]) -> Result<Vec<Item>> {
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            out.push(match it {
                Item::Field(f) => Item::Field(Field { ty: self.settle_orders(&f.ty, local)?, ..f.clone() }),
                Item::If { cond, body } => Item::If { cond: cond.clone(), body: self.settle_items(body, local)? },
                other => other.clone(),
            });
        }
        Ok(out)
    }

    fn verify_checks(&mut self, node: &Node, abs: u64) -> Result<()> {
        match &node.kind {
            NodeKind::Struct(members) => {
                for m in members {
                    let at = m.abs(abs);
                    if m.check.is_some() {
                        self.verify_check(m, at)?;
                    }
                    if has_checks(&m.node) {
                        self.verify_checks(&m.node, at)?;
                    }
                }
            }
            NodeKind::Array(a) => {
                for i in 0..a.count {
                    let (e, off) = a.elem(i);
                    self.verify_checks(e, abs + off)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn verify_check(&mut self, m: &Member, abs: u64) -> Result<()> {
        let Some(lit) = m.check.as_deref() else { return Ok(()) };
        let bytes = slice(self.data, abs, m.node.size);
        let decl = self.layout.text(m.decl);
        let written = written_literal(decl).filter(|_| matches!(lit, Literal::Int(_)));
        let (ok, found) = check_literal_written(lit, written, &m.node.kind, bytes);
        if ok {
            return Ok(());
        }
        let expected = written.map_or_else(|| lit.to_string(), str::to_string);
        Err(Error::data(format!(
            "check failed for {}: expected {expected}, found {found}",
            m.name.as_deref().unwrap_or("_")
        ))
        .note(format!("{decl} at offset {abs:#x}"))
        .with_bytes(self.data, abs))
    }

    /// A `== EXPR` or `in SET` check on the field `m` at `abs`: a mismatch
    /// names the field, its offset, the expected and the found value (in
    /// the base of the first integer the check was written with).
    fn verify_constraint(&mut self, c: &Constraint, m: &Member, abs: u64) -> Result<()> {
        let bytes = slice(self.data, abs, m.node.size);
        let name = m.name.as_deref().unwrap_or("_");
        let decl = self.layout.text(m.decl);
        let env = self.env();
        let found = match node_operand(&m.node, bytes) {
            Some(Ok(v)) => v,
            _ => {
                return Err(Error::data(format!("check failed for {name}: its bytes are not a valid value"))
                    .note(format!("{decl} at offset {abs:#x}"))
                    .with_bytes(self.data, abs));
            }
        };
        let as_written = |v: &Operand<'_>| match v {
            Operand::Int(x) => match first_based_literal(decl) {
                Some(w) => int_as_written(*x, Some(w)),
                None => x.to_string(),
            },
            other => other.show(),
        };
        let (ok, expected) = match c {
            Constraint::Equals(e) => {
                let want = env.operand(e)?;
                let ok = found.equals(&want).map_err(|why| {
                    Error::data(format!("check failed for {name}: {why}")).note(format!("{decl} at offset {abs:#x}"))
                })?;
                let shown = as_written(&want);
                let expected = if matches!(e.kind, ExprKind::Int(_) | ExprKind::Str(_)) {
                    shown
                } else {
                    format!("{} = {shown}", e.describe())
                };
                (ok, expected)
            }
            Constraint::In(set) => {
                let written = decl
                    .rfind(" in ")
                    .map_or_else(|| crate::layout::describe_set(set), |i| decl[i + 4..].trim().to_string());
                (env.in_set(&found, set, m.decl)?, format!("one of {written}"))
            }
        };
        if ok {
            return Ok(());
        }
        let found = as_written(&found);
        Err(Error::data(format!("check failed for {name}: expected {expected}, found {found}"))
            .note(format!("{decl} at offset {abs:#x}"))
            .with_bytes(self.data, abs))
    }

    fn env(&self) -> Env<'_> {
        Env { frames: &self.frames, data: self.data, filesize: Some(self.filesize), layout: self.layout }
    }

    fn eval(&mut self, e: &Expr) -> Result<i128> {
        self.env().eval(e)
    }

    fn lookup(&self, path: &[Arc<str>], span: Span) -> Result<i128> {
        self.env().lookup(path, span)
    }
}

/// The bytes `[abs, abs + size)`, or an empty slice when they are not in `data`.
pub(crate) fn slice(data: &[u8], abs: u64, size: u64) -> &[u8] {
    let (Ok(s), Some(e)) = (usize::try_from(abs), abs.checked_add(size).and_then(|e| usize::try_from(e).ok())) else {
        return &[];
    };
    data.get(s..e).unwrap_or(&[])
}

/// Compare a `== LITERAL` check with the bytes of a field; also returns the
/// found value as text for the message.
pub(crate) fn check_literal(lit: &Literal, kind: &NodeKind, bytes: &[u8]) -> (bool, String) {
    check_literal_written(lit, None, kind, bytes)
}

/// [`check_literal`], with the found integer in the notation the literal
/// was `written` in (`0x04034b50` against `0x06054b50`, `0b101`).
pub(crate) fn check_literal_written(
    lit: &Literal,
    written: Option<&str>,
    kind: &NodeKind,
    bytes: &[u8],
) -> (bool, String) {
    match kind {
        NodeKind::Scalar(s) if bytes.len() as u64 == s.kind.size() => match decode_scalar(bytes, *s) {
            Err(DecodeError::BadBool(b)) => (false, format!("byte {b}")),
            Err(_) => (false, "?".into()),
            Ok(v) => match (lit, v) {
                (Literal::Bool(b), Value::Bool(x)) => (*b == x, x.to_string()),
                (Literal::Int(i), v) if v.as_int().is_some() => {
                    let x = v.as_int().unwrap_or_default();
                    (*i == x, int_as_written(x, written))
                }
                (Literal::Int(_) | Literal::Float(_), v) => {
                    // Bits, not values: -0.0 is not `== 0.0`, exactly as `pack`
                    // writes the literal.
                    let want = literal_as_float(lit, s.kind);
                    let x = v.as_f64().unwrap_or(f64::NAN);
                    (want.map(f64::to_bits) == Some(x.to_bits()), format!("{x:?}"))
                }
                _ => (false, "a value of another type".into()),
            },
        },
        NodeKind::Text(TextKind::Ascii(_), _) if !matches!(lit, Literal::Str(_)) => match decode_leaf(bytes, kind) {
            Ok(Value::Int(x)) => (matches!(lit, Literal::Int(i) if *i == i128::from(x)), x.to_string()),
            Ok(Value::F64(x)) => (literal_as_float(lit, ScalarKind::F64).is_some_and(|w| w == x), format!("{x:?}")),
            _ => (false, "a blank or bad number".into()),
        },
        NodeKind::Enum(s, _) => check_literal_written(lit, written, &NodeKind::Scalar(*s), bytes),
        NodeKind::Text(..) | NodeKind::Char | NodeKind::Cstr => {
            let Literal::Str(want) = lit else { return (false, "text".into()) };
            let got = if matches!(kind, NodeKind::Cstr) { &bytes[..bytes.len().saturating_sub(1)] } else { bytes };
            let mut padded = want.clone();
            if padded.len() < got.len() && matches!(kind, NodeKind::Text(_, TextEnd::Padded)) {
                padded.resize(got.len(), 0);
            }
            (padded == got, format!("\"{}\"", crate::text::escape::escape_bytes(got)))
        }
        _ => (false, "?".into()),
    }
}

/// The `== LITERAL` at the end of a field's declaration, as written
/// (`0x06054b50` in `sig: u32 == 0x06054b50`): the literal is always the
/// declaration's last token.
fn written_literal(decl: &str) -> Option<&str> {
    let decl = decl.trim_end();
    let body = decl.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '+');
    let start = if body.ends_with('-') { body.len() - 1 } else { body.len() };
    let text = &decl[start..];
    (!text.is_empty() && body.trim_end_matches('-').trim_end().ends_with("==")).then_some(text)
}

/// `x` in the notation of the integer literal `written`: hexadecimal,
/// binary or octal with as many digits (`0x04034b50`), else decimal.
fn int_as_written(x: i128, written: Option<&str>) -> String {
    let Some(w) = written else { return format!("{x} ({x:#x})") };
    let digits = w.trim_start_matches('-');
    let (prefix, radix) = match digits.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => ("0x", 16),
        Some("0b") => ("0b", 2),
        Some("0o") => ("0o", 8),
        _ => return x.to_string(),
    };
    let width = digits[2..].chars().filter(|c| *c != '_').count();
    let sign = if x < 0 { "-" } else { "" };
    let m = x.unsigned_abs();
    let body = match radix {
        16 => format!("{m:0width$x}"),
        2 => format!("{m:0width$b}"),
        _ => format!("{m:0width$o}"),
    };
    format!("{sign}{prefix}{body}")
}

/// The first integer literal written in hexadecimal, binary or octal in
/// `text` (`0x0A` in `kind: u8 in [0x0A, 0x0D]`), so found values are shown
/// in the same base; `None` when every integer is decimal.
fn first_based_literal(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if word_start && b[i] == b'0' && matches!(b[i + 1], b'x' | b'X' | b'b' | b'B' | b'o' | b'O') {
            let end = (i + 2..b.len()).find(|&j| !(b[j].is_ascii_hexdigit() || b[j] == b'_')).unwrap_or(b.len());
            if end > i + 2 {
                return Some(&text[i..end]);
            }
        }
        i += 1;
    }
    None
}

/// A numeric literal rounded once, from its text, to a float kind (as f64).
fn literal_as_float(lit: &Literal, kind: ScalarKind) -> Option<f64> {
    use crate::text::number::{parse_bf16, parse_f16, parse_f32, parse_f64};
    let text = match lit {
        Literal::Int(i) => i.to_string(),
        Literal::Float(t) => t.clone(),
        _ => return None,
    };
    match kind {
        ScalarKind::F16 => parse_f16(&text).map(half::f16::to_f64),
        ScalarKind::BF16 => parse_bf16(&text).map(half::bf16::to_f64),
        ScalarKind::F32 => parse_f32(&text).map(f64::from),
        _ => parse_f64(&text),
    }
}

fn has_checks(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Struct(ms) => ms.iter().any(|m| m.check.is_some() || has_checks(&m.node)),
        NodeKind::Array(a) => match &a.elems {
            Elems::Uniform { elem, .. } => has_checks(elem),
            Elems::Walked(v) => v.iter().any(has_checks),
        },
        _ => false,
    }
}

/// The expressions a type's size depends on (dimensions, text lengths).
fn collect_type_exprs<'t>(ty: &'t Type, out: &mut Vec<&'t Expr>) {
    match ty {
        Type::Text { len, .. } => out.push(len),
        Type::Array { elem, dims } => {
            if let Some(ds) = dims.exprs() {
                out.extend(ds.iter());
            }
            collect_type_exprs(elem, out);
        }
        Type::Match(m) => out.push(&m.tag),
        Type::Within { inner, size } => {
            out.push(size);
            collect_type_exprs(inner, out);
        }
        _ => {}
    }
}

/// True when `ty` holds a scalar whose byte order is chosen per file.
fn has_chosen_order(ty: &Type) -> bool {
    match ty {
        Type::ScalarByOrder { .. } => true,
        Type::Enum(_, base) => has_chosen_order(base),
        Type::Bits(b) => has_chosen_order(&b.container),
        Type::Array { elem, .. } | Type::Within { inner: elem, .. } => has_chosen_order(elem),
        Type::Struct(st) => items_have_chosen_order(&st.items),
        _ => false,
    }
}

fn items_have_chosen_order(items: &[Item]) -> bool {
    items.iter().any(|it| match it {
        Item::Field(f) => has_chosen_order(&f.ty),
        Item::If { body, .. } => items_have_chosen_order(body),
        Item::Align { .. } | Item::Let { .. } => false,
    })
}

/// True when every element of an array of `ty` has the same size and inner
/// offsets (see the module docs).
pub fn is_uniform(ty: &Type) -> bool {
    // `_index` differs from one element to the next, and `_parent` may name
    // a struct inside the element.
    let mut local = vec!["_index", "_parent"];
    collect_names(ty, &mut local);
    uniform_in(ty, &local)
}

fn collect_names<'t>(ty: &'t Type, out: &mut Vec<&'t str>) {
    match ty {
        Type::Struct(st) => collect_item_names(&st.items, out),
        Type::Array { elem, .. } => collect_names(elem, out),
        Type::Match(m) => m.types().for_each(|t| collect_names(t, out)),
        Type::Within { inner, .. } => collect_names(inner, out),
        _ => {}
    }
}

fn collect_item_names<'t>(items: &'t [Item], out: &mut Vec<&'t str>) {
    for it in items {
        match it {
            Item::Field(f) => {
                if let Some(n) = &f.name {
                    out.push(n);
                }
                collect_names(&f.ty, out);
            }
            Item::If { body, .. } => collect_item_names(body, out),
            Item::Let { name, .. } => out.push(name),
            Item::Align { .. } => {}
        }
    }
}

fn expr_is_outer(e: &Expr, local: &[&str]) -> bool {
    e.paths().iter().all(|p| !local.contains(&&*p[0]))
}

fn uniform_in(ty: &Type, local: &[&str]) -> bool {
    match ty {
        Type::Scalar(_) | Type::Char => true,
        Type::ScalarByOrder { order, .. } => expr_is_outer(&order.cond, local),
        Type::Cstr => false,
        Type::Text { len, .. } => expr_is_outer(len, local),
        Type::Array { elem, dims } => match dims {
            Dims::ToEnd | Dims::Until(_) | Dims::While(_) => false,
            Dims::Fixed(ds) => ds.iter().all(|d| expr_is_outer(d, local)) && uniform_in(elem, local),
            // Fortran order is only defined for uniform elements.
            Dims::Fortran(ds) => ds.iter().all(|d| expr_is_outer(d, local)) && uniform_in(elem, local),
        },
        Type::Struct(st) => items_uniform(&st.items, local),
        Type::Enum(_, base) => uniform_in(base, local),
        Type::Bits(b) => uniform_in(&b.container, local),
        // The arm may differ from one element to the next: walked.
        Type::Match(_) => false,
        Type::Within { inner, size } => expr_is_outer(size, local) && uniform_in(inner, local),
        // As deep as the data says.
        Type::Ref(_) => false,
    }
}

fn items_uniform(items: &[Item], local: &[&str]) -> bool {
    items.iter().all(|it| match it {
        // A check against an expression or a set is verified per element,
        // which the walk does.
        Item::Field(f) => {
            f.placement.is_none() && f.pointer.is_none() && f.constraint.is_none() && uniform_in(&f.ty, local)
        }
        Item::If { cond, body } => expr_is_outer(cond, local) && items_uniform(body, local),
        // A value computed from the element's own fields is computed (and
        // checked) for each element.
        Item::Let { value, .. } => expr_is_outer(value, local),
        Item::Align { .. } => true,
    })
}

/// A struct made only of pointers and `let`s (`{ name: cstr @ strtab + off }`):
/// its elements take no bytes where the array is.
fn takes_no_bytes_in_place(ty: &Type) -> bool {
    match ty {
        Type::Struct(st) => st.items.iter().all(|it| match it {
            Item::Field(f) => f.pointer.is_some(),
            Item::Let { .. } => true,
            Item::If { body, .. } => body.iter().all(|i| matches!(i, Item::Field(f) if f.pointer.is_some())),
            Item::Align { .. } => false,
        }),
        _ => false,
    }
}
