//! The parsed layout: types, items and expressions, independent of any file.
//!
//! Sizes are kept as expressions ([`Expr`]) and evaluated only when the
//! layout is resolved against a file ([`crate::map`]). Byte order is settled
//! at parse time: every [`Scalar`] carries its own, so `endian` lines need no
//! state later. Foreign notations (numpy dtypes, Python struct formats) are
//! meant to lower into these same types.

use std::sync::Arc;

use crate::text::datetime::TimeUnit;

/// A byte range in the layout text, for error messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Byte order of a multi-byte scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endian {
    Little,
    Big,
}

impl Endian {
    /// The byte order of the machine binmap runs on (`endian native`).
    pub const NATIVE: Endian = if cfg!(target_endian = "big") { Endian::Big } else { Endian::Little };
}

/// The kind of a fixed-size scalar value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F16,
    BF16,
    F32,
    F64,
    /// numpy `complex64`: two f32 (real, imaginary).
    C64,
    /// numpy `complex128`: two f64.
    C128,
    Bool,
    /// 24-, 40-, 48- and 56-bit integers (`i24` … `u56`): two's complement
    /// for the signed ones, in the byte order of the field like the others.
    I24,
    U24,
    I40,
    U40,
    I48,
    U48,
    I56,
    U56,
    /// IBM System/360 hexadecimal floats (SEG-Y): sign, 7-bit excess-64
    /// exponent of 16, then a 24-bit (`ibm32`) or 56-bit (`ibm64`) fraction.
    Ibm32,
    Ibm64,
    /// numpy `datetime64[unit]`: a signed 64-bit count of units since
    /// 1970-01-01T00:00 (`NaT`: the smallest value).
    DateTime(TimeUnit),
    /// numpy `timedelta64[unit]`: a signed 64-bit count of units.
    TimeDelta(TimeUnit),
    /// x87 extended precision in 10 bytes ([`crate::f80`]).
    F80,
    /// numpy's `longdouble` on x86-64 Linux: an f80 then 6 bytes of padding.
    LongDouble,
}

/// The layout names of `datetime64[unit]` and `timedelta64[unit]`, by unit.
const TIME_NAMES: [[&str; 13]; 2] = [
    [
        "datetime64[Y]",
        "datetime64[M]",
        "datetime64[W]",
        "datetime64[D]",
        "datetime64[h]",
        "datetime64[m]",
        "datetime64[s]",
        "datetime64[ms]",
        "datetime64[us]",
        "datetime64[ns]",
        "datetime64[ps]",
        "datetime64[fs]",
        "datetime64[as]",
    ],
    [
        "timedelta64[Y]",
        "timedelta64[M]",
        "timedelta64[W]",
        "timedelta64[D]",
        "timedelta64[h]",
        "timedelta64[m]",
        "timedelta64[s]",
        "timedelta64[ms]",
        "timedelta64[us]",
        "timedelta64[ns]",
        "timedelta64[ps]",
        "timedelta64[fs]",
        "timedelta64[as]",
    ],
];

impl ScalarKind {
    /// Size in bytes.
    pub fn size(self) -> u64 {
        use ScalarKind::*;
        match self {
            I8 | U8 | Bool => 1,
            I16 | U16 | F16 | BF16 => 2,
            I24 | U24 => 3,
            I32 | U32 | F32 | Ibm32 => 4,
            I40 | U40 => 5,
            I48 | U48 => 6,
            I56 | U56 => 7,
            I64 | U64 | F64 | C64 | Ibm64 | DateTime(_) | TimeDelta(_) => 8,
            F80 => 10,
            C128 | LongDouble => 16,
        }
    }

    /// The layout-language name (`i32`, `f16`, `bool`...).
    pub fn name(self) -> &'static str {
        use ScalarKind::*;
        match self {
            I8 => "i8",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            U8 => "u8",
            U16 => "u16",
            U32 => "u32",
            U64 => "u64",
            F16 => "f16",
            BF16 => "bf16",
            F32 => "f32",
            F64 => "f64",
            C64 => "c64",
            C128 => "c128",
            Bool => "bool",
            I24 => "i24",
            U24 => "u24",
            I40 => "i40",
            U40 => "u40",
            I48 => "i48",
            U48 => "u48",
            I56 => "i56",
            U56 => "u56",
            Ibm32 => "ibm32",
            Ibm64 => "ibm64",
            DateTime(u) => TIME_NAMES[0][u as usize],
            TimeDelta(u) => TIME_NAMES[1][u as usize],
            F80 => "f80",
            LongDouble => "longdouble",
        }
    }

    /// True for the integer kinds (usable as sizes in expressions).
    pub fn is_integer(self) -> bool {
        use ScalarKind::*;
        matches!(self, I8 | I16 | I32 | I64 | U8 | U16 | U32 | U64 | I24 | U24 | I40 | U40 | I48 | U48 | I56 | U56)
    }

    /// True for the signed integer kinds.
    pub fn is_signed(self) -> bool {
        use ScalarKind::*;
        matches!(self, I8 | I16 | I24 | I32 | I40 | I48 | I56 | I64)
    }

    /// True for the real numbers without a typed load of their own (`ibm32`,
    /// `ibm64`, `f80`, `longdouble`): numbers in `--where` and `stats`, read
    /// through their decoder as f64.
    pub fn is_other_real(self) -> bool {
        use ScalarKind::*;
        matches!(self, Ibm32 | Ibm64 | F80 | LongDouble)
    }

    /// True for `datetime64` and `timedelta64`.
    pub fn is_time(self) -> bool {
        matches!(self, ScalarKind::DateTime(_) | ScalarKind::TimeDelta(_))
    }

    /// True for the floating-point kinds.
    pub fn is_float(self) -> bool {
        use ScalarKind::*;
        matches!(self, F16 | BF16 | F32 | F64)
    }

    /// True for the complex kinds.
    pub fn is_complex(self) -> bool {
        matches!(self, ScalarKind::C64 | ScalarKind::C128)
    }

    /// The inclusive range of an integer kind.
    pub fn int_range(self) -> Option<(i128, i128)> {
        use ScalarKind::*;
        Some(match self {
            I8 => (i8::MIN.into(), i8::MAX.into()),
            I16 => (i16::MIN.into(), i16::MAX.into()),
            I32 => (i32::MIN.into(), i32::MAX.into()),
            I64 => (i64::MIN.into(), i64::MAX.into()),
            U8 => (0, u8::MAX.into()),
            U16 => (0, u16::MAX.into()),
            U32 => (0, u32::MAX.into()),
            U64 => (0, u64::MAX.into()),
            I24 | I40 | I48 | I56 => {
                let bits = 8 * self.size() - 1;
                (-(1i128 << bits), (1i128 << bits) - 1)
            }
            U24 | U40 | U48 | U56 => (0, (1i128 << (8 * self.size())) - 1),
            _ => return None,
        })
    }
}

/// The byte order of the scalars that follow an `endian` line: fixed when
/// the layout is parsed, or chosen per file by a condition over earlier
/// fields (`endian magic == 0xa1b2c3d4 ? little : big`).
#[derive(Clone, Debug, PartialEq)]
pub enum ByteOrder {
    Fixed(Endian),
    Chosen(Arc<OrderChoice>),
}

/// `endian COND ? YES : NO`: `YES` when `COND` is non-zero in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderChoice {
    pub cond: Expr,
    pub yes: Endian,
    pub no: Endian,
}

impl OrderChoice {
    /// The choice as layout text (`magic == 0xa1b2c3d4 ? little : big`).
    pub fn describe(&self) -> String {
        let name = |e: Endian| if e == Endian::Little { "little" } else { "big" };
        format!("{} ? {} : {}", self.cond.describe(), name(self.yes), name(self.no))
    }
}

/// A scalar type with its byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scalar {
    pub kind: ScalarKind,
    pub endian: Endian,
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A big-endian datetime is numpy's typestr: `>M8[ns]`.
        if let (ScalarKind::DateTime(u) | ScalarKind::TimeDelta(u), Endian::Big) = (self.kind, self.endian) {
            let code = if matches!(self.kind, ScalarKind::DateTime(_)) { 'M' } else { 'm' };
            return write!(f, ">{code}8[{}]", u.code());
        }
        f.write_str(self.kind.name())?;
        if self.kind.size() > 1 && self.endian == Endian::Big {
            f.write_str("be")?;
        }
        Ok(())
    }
}

/// Whether the trailing NULs of a text are padding or part of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextEnd {
    /// A size fixed by the layout (`bytes[12]`, numpy `S12`): trailing NULs
    /// are padding, stripped when shown and added by `pack`, as numpy does.
    Padded,
    /// A size read from the data (`utf8[M]`, `bytes[len]`): every byte is
    /// the text's, NULs included, so `pack` finds the size in the text again.
    Exact,
}

impl TextEnd {
    /// How a text whose length is `len` ends: `Padded` when the layout fixes
    /// the length, `Exact` when the file does.
    ///
    /// ```
    /// use binmap::layout::TextEnd;
    /// let l = binmap::Layout::parse("n: u8; a: utf8[12]; b: utf8[n]").unwrap();
    /// let lens: Vec<TextEnd> = l.root.items[1..].iter().map(|it| match it {
    ///     binmap::layout::Item::Field(f) => match &f.ty {
    ///         binmap::layout::Type::Text { len, .. } => TextEnd::of(len),
    ///         _ => unreachable!(),
    ///     },
    ///     _ => unreachable!(),
    /// }).collect();
    /// assert_eq!(lens, [TextEnd::Padded, TextEnd::Exact]);
    /// ```
    pub fn of(len: &Expr) -> TextEnd {
        if len.constant().is_some() { TextEnd::Padded } else { TextEnd::Exact }
    }
}

/// How a run of bytes is shown as text (or, for the `ascii_*` kinds, read
/// as a number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// `bytes[N]`: raw bytes, trailing NULs stripped (numpy `S`N).
    Bytes,
    /// `utf8[N]`: UTF-8 text, trailing NULs stripped; invalid UTF-8 is an error.
    Utf8,
    /// `ucs4[N]`: N UCS-4 code points of 4 bytes each, trailing NULs
    /// stripped (numpy `U`N); a value that is not a Unicode scalar is an error.
    Ucs4(Endian),
    /// `void[N]`: N raw bytes shown as they are, NULs included (numpy `V`N).
    Void,
    /// `cstr[N]`: N bytes holding text up to the first NUL (or all N bytes
    /// when there is none, as tar's names); shown as `bytes`.
    CstrN,
    /// `ebcdic[N]`: N bytes of EBCDIC text (code page 037), trailing NULs stripped.
    Ebcdic,
    /// `utf16le[N]` / `utf16be[N]`: N UTF-16 code units (2N bytes),
    /// trailing NUL units stripped; unpaired surrogates are an error.
    Utf16(Endian),
    /// `ascii_int[N]`, `ascii_oct[N]`, `ascii_float[N]`: a number written
    /// as text in N bytes ([`crate::text::ascii_num`]).
    Ascii(crate::text::ascii_num::AsciiKind),
}

impl TextKind {
    /// Bytes per unit of the length (4 for UCS-4, 2 for UTF-16, else 1).
    pub fn unit(self) -> u64 {
        match self {
            TextKind::Ucs4(_) => 4,
            TextKind::Utf16(_) => 2,
            _ => 1,
        }
    }

    /// The layout-language name (`bytes`, `utf8`, `ucs4`, `ucs4be`, `void`, `ascii_oct`...).
    pub fn name(self) -> &'static str {
        match self {
            TextKind::Bytes => "bytes",
            TextKind::Utf8 => "utf8",
            TextKind::Ucs4(Endian::Little) => "ucs4",
            TextKind::Ucs4(Endian::Big) => "ucs4be",
            TextKind::Void => "void",
            TextKind::CstrN => "cstr",
            TextKind::Ebcdic => "ebcdic",
            TextKind::Utf16(Endian::Little) => "utf16le",
            TextKind::Utf16(Endian::Big) => "utf16be",
            TextKind::Ascii(k) => k.name(),
        }
    }
}

/// A type in the layout language.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Scalar(Scalar),
    /// A scalar whose byte order is chosen per file (`endian c ? little : big`
    /// above it): resolved to a [`Scalar`] when the layout meets a file.
    ScalarByOrder {
        kind: ScalarKind,
        order: Arc<OrderChoice>,
    },
    /// One byte shown as a one-byte string (Python struct `c`).
    Char,
    /// `bytes[N]` or `utf8[N]`.
    Text {
        kind: TextKind,
        len: Expr,
    },
    /// A NUL-terminated string of variable size.
    Cstr,
    Struct(Arc<StructType>),
    /// `match TAG { 1 => Circle, 2 | 3 => Rect, "IHDR" => Ihdr, _ => void[len] }`:
    /// the type of the first arm whose values hold the tag.
    Match(Arc<MatchType>),
    Array {
        elem: Arc<Type>,
        dims: Dims,
    },
    /// `T within SIZE`: `T` read inside a window of `SIZE` bytes from the
    /// field's position; `[..]` inside ends at the window's end, and the
    /// field takes the whole window whatever `T` describes of it.
    Within {
        inner: Arc<Type>,
        size: Box<Expr>,
    },
    /// A named type that refers to itself (`type Node = { kind: u8, body:
    /// match kind { 1 => Node[2], _ => u32 } }`), resolved when read.
    Ref(Arc<TypeRef>),
    /// An integer shown with names (`enum Color: u8 {...}` or `flags`):
    /// the definition, and the base integer (`Type::Scalar`, or
    /// `Type::ScalarByOrder` under an `endian` chosen per file).
    Enum(Arc<super::EnumDef>, Arc<Type>),
    /// `bits u16be { version: 3, flags: 5, length: 8 }`.
    Bits(Arc<super::BitsType>),
}

/// A use of a recursive named type. Uses after the definition hold the
/// type itself; uses inside it (the recursion) hold a weak reference to
/// it, so a layout's types never form a cycle that would never be freed.
#[derive(Clone, Debug)]
pub struct TypeRef {
    pub name: Arc<str>,
    target: RefTarget,
}

#[derive(Clone, Debug)]
enum RefTarget {
    Outer(Arc<Type>),
    Inner(std::sync::Weak<Type>),
}

impl TypeRef {
    /// A use of the type `target` after its definition.
    pub fn outer(name: Arc<str>, target: Arc<Type>) -> TypeRef {
        TypeRef { name, target: RefTarget::Outer(target) }
    }

    /// A use inside the definition of `target` (which is being built).
    pub fn inner(name: Arc<str>, target: std::sync::Weak<Type>) -> TypeRef {
        TypeRef { name, target: RefTarget::Inner(target) }
    }

    /// The type referred to (`None` only once the layout is dropped).
    pub fn target(&self) -> Option<Arc<Type>> {
        match &self.target {
            RefTarget::Outer(t) => Some(t.clone()),
            RefTarget::Inner(w) => w.upgrade(),
        }
    }

    /// The definition, for a use after it (walks of a layout's types
    /// descend into it there, and stop at the uses inside it).
    pub fn definition(&self) -> Option<&Type> {
        match &self.target {
            RefTarget::Outer(t) => Some(t),
            RefTarget::Inner(_) => None,
        }
    }

    fn ptr(&self) -> *const Type {
        match &self.target {
            RefTarget::Outer(t) => Arc::as_ptr(t),
            RefTarget::Inner(w) => w.as_ptr(),
        }
    }
}

impl PartialEq for TypeRef {
    fn eq(&self, other: &TypeRef) -> bool {
        self.name == other.name && std::ptr::eq(self.ptr(), other.ptr())
    }
}

/// The dimensions of an array.
#[derive(Clone, Debug, PartialEq)]
pub enum Dims {
    /// `T[D1, D2, ...]`, C order.
    Fixed(Vec<Expr>),
    /// `T[D1, D2, ...; fortran]`: the same logical shape, elements stored in
    /// Fortran (column-major) order, as in a Fortran-ordered `.npy`.
    Fortran(Vec<Expr>),
    /// `T[..]`: as many as fit up to the end of the file.
    ToEnd,
    /// `T[until COND]`: elements up to and including the first for which
    /// `COND` holds; `_` in `COND` is the element just read.
    Until(Box<Expr>),
    /// `T[while COND]`: elements as long as `COND` holds for them; the first
    /// element for which it fails is read to test it, but is not part of
    /// the array and its bytes are not consumed.
    While(Box<Expr>),
}

impl Dims {
    /// The dimension expressions of a fixed shape (C or Fortran order).
    pub fn exprs(&self) -> Option<&[Expr]> {
        match self {
            Dims::Fixed(d) | Dims::Fortran(d) => Some(d),
            Dims::ToEnd | Dims::Until(_) | Dims::While(_) => None,
        }
    }

    /// The condition of `[until COND]` (`true`) or `[while COND]` (`false`).
    pub fn repeat(&self) -> Option<(&Expr, bool)> {
        match self {
            Dims::Until(c) => Some((c, true)),
            Dims::While(c) => Some((c, false)),
            _ => None,
        }
    }

    /// The text between the brackets: `rows, cols`, `..`, `until _ == 0`.
    pub fn describe(&self) -> String {
        let list = |d: &[Expr]| d.iter().map(Expr::describe).collect::<Vec<_>>().join(", ");
        match self {
            Dims::Fixed(d) => list(d),
            Dims::Fortran(d) => format!("{}; fortran", list(d)),
            Dims::ToEnd => "..".into(),
            Dims::Until(c) => format!("until {}", c.describe()),
            Dims::While(c) => format!("while {}", c.describe()),
        }
    }
}

/// A struct: items laid out one after another.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StructType {
    pub items: Vec<Item>,
}

/// One item of a struct.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Field(Field),
    /// `align N`: pad to a multiple of N from the start of the struct.
    Align {
        to: u64,
        span: Span,
    },
    /// `if EXPR { items }`.
    If {
        cond: Expr,
        body: Vec<Item>,
    },
    /// `let name = EXPR`: a named value, usable below like a field, never stored.
    Let {
        name: Arc<str>,
        value: Expr,
        span: Span,
    },
}

/// `[@ EXPR] name: TYPE [@ EXPR] [== LITERAL]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// `None` for the anonymous padding field `_`.
    pub name: Option<Arc<str>>,
    /// `@ EXPR name: T`: the field starts at this absolute offset, and the
    /// cursor continues after it.
    pub placement: Option<Box<Expr>>,
    /// `name: T @ EXPR`: the field is read at this absolute offset (a
    /// pointer), and the cursor stays where it was: the field takes no
    /// bytes where it is declared.
    pub pointer: Option<Box<Expr>>,
    pub ty: Type,
    pub check: Option<Literal>,
    /// A check against an expression or a set: `== leader`, `in [1, 2]`.
    pub constraint: Option<Box<Constraint>>,
    /// The whole item, for error messages (`data: f64[rows, cols]`).
    pub span: Span,
}

impl Field {
    /// The expressions that say where the field is: its placement
    /// (`@ EXPR name: T`) and its pointer (`name: T @ EXPR`).
    pub fn offset_exprs(&self) -> impl Iterator<Item = &Expr> {
        self.placement.as_deref().into_iter().chain(self.pointer.as_deref())
    }
}

/// A check on a field's value other than `== LITERAL`.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// `== EXPR`: `trailer: i32 == leader` (Fortran record markers).
    Equals(Expr),
    /// `in [1, 2, 4..8]` or `in 0..8`.
    In(Vec<SetItem>),
}

impl Constraint {
    /// The expressions the check reads.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Constraint::Equals(e) => vec![e],
            Constraint::In(items) => items.iter().flat_map(SetItem::exprs).collect(),
        }
    }

    /// The check as layout text (`== leader`, `in [1, 2]`).
    pub fn describe(&self) -> String {
        match self {
            Constraint::Equals(e) => format!("== {}", e.describe()),
            Constraint::In(items) => format!("in {}", describe_set(items)),
        }
    }
}

/// A type chosen by a tag (a tagged union).
#[derive(Clone, Debug, PartialEq)]
pub struct MatchType {
    pub tag: Expr,
    /// The arms in order: values (or ranges) and the type they choose.
    pub arms: Vec<(Vec<SetItem>, Type)>,
    /// The `_` arm.
    pub default: Option<Type>,
}

impl MatchType {
    /// The types of every arm, the `_` arm last.
    pub fn types(&self) -> impl Iterator<Item = &Type> {
        self.arms.iter().map(|(_, t)| t).chain(self.default.as_ref())
    }

    /// Every expression of the arms' values and the tag.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut v = vec![&self.tag];
        v.extend(self.arms.iter().flat_map(|(pats, _)| pats.iter().flat_map(SetItem::exprs)));
        v
    }
}

/// One member of a set after `in`: a value, or a range `lo..hi` (`hi` excluded).
#[derive(Clone, Debug, PartialEq)]
pub enum SetItem {
    One(Expr),
    Range(Expr, Expr),
}

impl SetItem {
    /// As layout text: `4` or `4..8`.
    pub fn describe(&self) -> String {
        match self {
            SetItem::One(e) => e.describe(),
            SetItem::Range(a, b) => format!("{}..{}", a.describe(), b.describe()),
        }
    }

    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            SetItem::One(e) => vec![e],
            SetItem::Range(a, b) => vec![a, b],
        }
    }
}

/// `[1, 2, 4..8]` as layout text.
pub fn describe_set(items: &[SetItem]) -> String {
    let parts: Vec<String> = items.iter().map(SetItem::describe).collect();
    format!("[{}]", parts.join(", "))
}

/// A literal value after `==`.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Int(i128),
    /// A float literal as written (`-1.5`, `2.9802322387695313e-8`), so it is
    /// rounded once, straight to the field's precision.
    Float(String),
    Str(Vec<u8>),
    Bool(bool),
}

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::Int(v) => write!(f, "{v}"),
            Literal::Float(t) => f.write_str(t),
            Literal::Bool(v) => write!(f, "{v}"),
            Literal::Str(b) => write!(f, "\"{}\"", crate::text::escape::escape_bytes(b).replace('"', "\\\"")),
        }
    }
}

/// An integer expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The forms of [`Expr`].
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Int(i128),
    /// A field by name or dotted path (`rows`, `header.rows`).
    Path(Vec<Arc<str>>),
    FileSize,
    SizeOf(Arc<Type>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    /// `~x`: bitwise not, `-x - 1` (integers are exact, as in Python).
    BitNot(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `cond ? a : b`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Text or bytes: `"IHDR"`, `b"\x89PNG"`; only compared (`==`, `!=`, `in`).
    Str(Vec<u8>),
    /// `x in [1, 2, 4..8]`: 1 when `x` is one of the set, else 0.
    In(Box<Expr>, Vec<SetItem>),
    /// `find(SIG)` / `rfind(SIG)`: where a signature is in the file (only in
    /// `@` placements).
    Search(Box<Search>),
    /// A named constant, settled when the layout is parsed: an enum's
    /// value `Color.green` (the path as written, and its value).
    Const(Vec<Arc<str>>, i128),
    /// An element of an earlier array, then fields of it: `dims[i]`,
    /// `shdrs[e_shstrndx].offset`, `m[i, j]` (one index per dimension;
    /// a negative index counts from the end, as in Python).
    Index(Box<Indexed>),
}

/// `BASE[INDEX, ...].REST`: what [`ExprKind::Index`] holds (boxed, so that
/// every expression stays small).
#[derive(Clone, Debug, PartialEq)]
pub struct Indexed {
    /// The array: a field path, or another index (`a[i].b[j]`).
    pub base: Expr,
    /// One index per dimension.
    pub index: Vec<Expr>,
    /// Fields of the element (`offset` in `hdrs[k].offset`), maybe none.
    pub rest: Vec<Arc<str>>,
}

/// `find(SIG, START, END)` / `rfind(...)`: the offset of the first (or
/// last) occurrence of the bytes `SIG` entirely inside the file's bytes
/// `START..END` (both optional, as in Python's `bytes.find` and `rfind`).
#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    pub sig: Vec<u8>,
    /// `rfind`: the last occurrence.
    pub last: bool,
    pub start: Option<Expr>,
    pub end: Option<Expr>,
}

impl Search {
    /// `rfind("PK\x05\x06", 0, filesize)`.
    pub fn describe(&self) -> String {
        let mut sig = String::from("\"");
        for &b in &self.sig {
            match b {
                b'"' | b'\\' => sig.extend(['\\', char::from(b)]),
                b' '..=b'~' => sig.push(char::from(b)),
                _ => sig.push_str(&format!("\\x{b:02x}")),
            }
        }
        sig.push('"');
        let mut args = vec![sig];
        args.extend(self.start.iter().chain(&self.end).map(Expr::describe));
        format!("{}({})", if self.last { "rfind" } else { "find" }, args.join(", "))
    }
}

/// Binary operators, by increasing precedence group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    BitOr,
    BitXor,
    BitAnd,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    /// Precedence, loosest first (0 for `||`); the parser's table.
    pub fn level(self) -> u8 {
        use BinOp::*;
        match self {
            Or => 1,
            And => 2,
            Eq | Ne | Lt | Le | Gt | Ge => 3,
            BitOr => 4,
            BitXor => 5,
            BitAnd => 6,
            Shl | Shr => 7,
            Add | Sub => 8,
            Mul | Div | Rem => 9,
        }
    }

    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Or => "||",
            And => "&&",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            BitOr => "|",
            BitXor => "^",
            BitAnd => "&",
            Shl => "<<",
            Shr => ">>",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
        }
    }
}

impl Expr {
    /// How tightly the expression's text binds: 0 for `c ? a : b`, a binary
    /// operator's [`BinOp::level`], 3 for `in` (a comparison), 10 for the rest.
    fn level(&self) -> u8 {
        match &self.kind {
            ExprKind::Cond(..) => 0,
            ExprKind::Binary(op, ..) => op.level(),
            ExprKind::In(..) => 3,
            _ => 10,
        }
    }

    /// True when the expression searches the file (`find`, `rfind`).
    pub fn has_search(&self) -> bool {
        match &self.kind {
            ExprKind::Search(_) => true,
            ExprKind::Neg(e) | ExprKind::Not(e) | ExprKind::BitNot(e) => e.has_search(),
            ExprKind::Binary(_, a, b) => a.has_search() || b.has_search(),
            ExprKind::Cond(c, a, b) => c.has_search() || a.has_search() || b.has_search(),
            ExprKind::In(x, set) => x.has_search() || set.iter().flat_map(SetItem::exprs).any(Expr::has_search),
            ExprKind::Index(ix) => ix.base.has_search() || ix.index.iter().any(Expr::has_search),
            ExprKind::Int(_)
            | ExprKind::Path(_)
            | ExprKind::FileSize
            | ExprKind::SizeOf(_)
            | ExprKind::Str(_)
            | ExprKind::Const(..) => false,
        }
    }

    /// The field paths this expression reads, in order of appearance.
    pub fn paths(&self) -> Vec<&[Arc<str>]> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a [Arc<str>]>) {
        match &self.kind {
            ExprKind::Path(p) => out.push(p),
            ExprKind::Neg(e) | ExprKind::Not(e) | ExprKind::BitNot(e) => e.collect_paths(out),
            ExprKind::Binary(_, a, b) => {
                a.collect_paths(out);
                b.collect_paths(out);
            }
            ExprKind::Cond(c, a, b) => {
                c.collect_paths(out);
                a.collect_paths(out);
                b.collect_paths(out);
            }
            ExprKind::In(x, set) => {
                x.collect_paths(out);
                set.iter().flat_map(SetItem::exprs).for_each(|e| e.collect_paths(out));
            }
            ExprKind::Search(s) => s.start.iter().chain(&s.end).for_each(|e| e.collect_paths(out)),
            ExprKind::Index(ix) => {
                ix.base.collect_paths(out);
                ix.index.iter().for_each(|e| e.collect_paths(out));
                if !ix.rest.is_empty() {
                    // The fields read from the element, by name.
                    out.push(&ix.rest);
                }
            }
            ExprKind::Int(_) | ExprKind::FileSize | ExprKind::SizeOf(_) | ExprKind::Str(_) | ExprKind::Const(..) => {}
        }
    }

    /// The value of an expression that reads no field and not `filesize`.
    pub fn constant(&self) -> Option<i128> {
        match &self.kind {
            ExprKind::Int(v) | ExprKind::Const(_, v) => Some(*v),
            ExprKind::SizeOf(t) => t.fixed_size().map(i128::from),
            ExprKind::Neg(e) => e.constant()?.checked_neg(),
            ExprKind::Not(e) => Some(i128::from(e.constant()? == 0)),
            ExprKind::BitNot(e) => Some(!e.constant()?),
            ExprKind::Binary(op, a, b) => apply_binop(*op, a.constant()?, b.constant()?).ok(),
            ExprKind::Cond(c, a, b) => {
                if c.constant()? != 0 {
                    a.constant()
                } else {
                    b.constant()
                }
            }
            // Text compares only through the evaluator.
            ExprKind::Path(_)
            | ExprKind::FileSize
            | ExprKind::Str(_)
            | ExprKind::In(..)
            | ExprKind::Index(..)
            | ExprKind::Search(_) => None,
        }
    }
}

/// The largest shift count `<<` and `>>` take.
pub const MAX_SHIFT: i128 = 63;

/// Checked integer arithmetic of layout expressions. Integers are exact,
/// as in Python: `&`, `|`, `^` and `~` act on two's complement of unbounded
/// width, `>>` rounds toward minus infinity, and `<<` is an error when the
/// result would not fit (or the count is not 0 to 63).
///
/// Errors are short reasons (`overflow`, `division by zero`).
///
/// ```
/// use binmap::layout::{BinOp, apply_binop};
/// assert_eq!(apply_binop(BinOp::BitAnd, 0b1101, 0b0110), Ok(0b0100));
/// assert_eq!(apply_binop(BinOp::Shl, 1, 63), Ok(1 << 63));
/// assert_eq!(apply_binop(BinOp::Shr, -9, 1), Ok(-5));
/// assert!(apply_binop(BinOp::Shl, 1, 64).is_err());
/// ```
pub fn apply_binop(op: BinOp, a: i128, b: i128) -> Result<i128, &'static str> {
    use BinOp::*;
    let r = match op {
        Shl | Shr if !(0..=MAX_SHIFT).contains(&b) => return Err("shift count out of range (0 to 63)"),
        Shl => a.checked_mul(1i128 << b),
        Shr => Some(a >> b),
        BitOr => Some(a | b),
        BitXor => Some(a ^ b),
        BitAnd => Some(a & b),
        Or => Some(i128::from(a != 0 || b != 0)),
        And => Some(i128::from(a != 0 && b != 0)),
        Eq => Some(i128::from(a == b)),
        Ne => Some(i128::from(a != b)),
        Lt => Some(i128::from(a < b)),
        Le => Some(i128::from(a <= b)),
        Gt => Some(i128::from(a > b)),
        Ge => Some(i128::from(a >= b)),
        Add => a.checked_add(b),
        Sub => a.checked_sub(b),
        Mul => a.checked_mul(b),
        Div | Rem if b == 0 => return Err("division by zero"),
        Div => a.checked_div_euclid(b),
        Rem => a.checked_rem_euclid(b),
    };
    r.ok_or("overflow")
}

impl Type {
    /// The size in bytes when it does not depend on the data, else `None`.
    ///
    /// ```
    /// let l = binmap::Layout::parse("p: { x: f64, y: f64 }[3]").unwrap();
    /// let binmap::layout::Item::Field(f) = &l.root.items[0] else { panic!() };
    /// assert_eq!(f.ty.fixed_size(), Some(48));
    /// ```
    pub fn fixed_size(&self) -> Option<u64> {
        match self {
            Type::Scalar(s) => Some(s.kind.size()),
            Type::ScalarByOrder { kind, .. } => Some(kind.size()),
            Type::Char => Some(1),
            Type::Text { len, kind } => u64::try_from(len.constant()?).ok()?.checked_mul(kind.unit()),
            Type::Cstr => None,
            Type::Enum(_, base) => base.fixed_size(),
            Type::Bits(b) => b.container.fixed_size(),
            // The chosen arm depends on the data; its size may differ per file.
            Type::Match(_) => None,
            Type::Struct(s) => s.fixed_size(),
            Type::Within { size, .. } => u64::try_from(size.constant()?).ok(),
            // Its size depends on how deep the data nests.
            Type::Ref(_) => None,
            Type::Array { elem, dims } => {
                let dims = dims.exprs()?;
                let mut n = elem.fixed_size()?;
                for d in dims {
                    n = n.checked_mul(u64::try_from(d.constant()?).ok()?)?;
                }
                Some(n)
            }
        }
    }

    /// A short description for `info` and messages (`f64[rows, cols]`).
    pub fn describe(&self) -> String {
        match self {
            Type::Scalar(s) => s.to_string(),
            Type::ScalarByOrder { kind, order } => format!("{} (endian {})", kind.name(), order.describe()),
            Type::Char => "char".into(),
            Type::Text { kind, len } => format!("{}[{}]", kind.name(), len.describe()),
            Type::Cstr => "cstr".into(),
            Type::Enum(d, _) => d.name.to_string(),
            Type::Bits(b) => b.describe(),
            Type::Match(m) => {
                let mut arms: Vec<String> = m
                    .arms
                    .iter()
                    .map(|(pats, t)| {
                        let p: Vec<String> = pats.iter().map(SetItem::describe).collect();
                        format!("{} => {}", p.join(" | "), t.describe())
                    })
                    .collect();
                if let Some(d) = &m.default {
                    arms.push(format!("_ => {}", d.describe()));
                }
                format!("match {} {{ {} }}", m.tag.describe(), arms.join(", "))
            }
            Type::Struct(st) => {
                let parts: Vec<String> = st
                    .items
                    .iter()
                    .map(|it| match it {
                        Item::Field(f) => format!("{}: {}", f.name.as_deref().unwrap_or("_"), f.ty.describe()),
                        Item::Align { to, .. } => format!("align {to}"),
                        Item::If { cond, .. } => format!("if {} {{...}}", cond.describe()),
                        Item::Let { name, value, .. } => format!("let {name} = {}", value.describe()),
                    })
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Type::Array { elem, dims } => format!("{}[{}]", elem.describe(), dims.describe()),
            Type::Within { inner, size } => format!("{} within {}", inner.describe(), size.describe_operand()),
            Type::Ref(r) => r.name.to_string(),
        }
    }
}

impl StructType {
    /// The size in bytes when it does not depend on the data.
    pub fn fixed_size(&self) -> Option<u64> {
        items_fixed_size(&self.items, 0)
    }
}

/// Continue a fixed-size walk of `items` from `pos` (an `if` body continues
/// its enclosing struct, so alignment inside it counts from the struct start).
fn items_fixed_size(items: &[Item], mut pos: u64) -> Option<u64> {
    for item in items {
        match item {
            Item::Field(f) => {
                if f.placement.is_some() || f.pointer.is_some() {
                    return None;
                }
                pos = pos.checked_add(f.ty.fixed_size()?)?;
            }
            Item::Align { to, .. } => pos = align_up(pos, *to)?,
            Item::If { cond, body } => {
                if cond.constant()? != 0 {
                    pos = items_fixed_size(body, pos)?;
                }
            }
            Item::Let { .. } => {}
        }
    }
    Some(pos)
}

/// Why an expression's value is not a size or offset: `is negative`, or
/// `is larger than any file` (past 2^64 - 1).
pub fn out_of_u64(v: i128) -> &'static str {
    if v < 0 { "is negative" } else { "is larger than any file (more than 2^64 - 1)" }
}

/// Round `pos` up to a multiple of `to` (checked).
pub fn align_up(pos: u64, to: u64) -> Option<u64> {
    if to <= 1 {
        return Some(pos);
    }
    let rem = pos % to;
    if rem == 0 { Some(pos) } else { pos.checked_add(to - rem) }
}

impl Expr {
    /// The expression as the operand of `within` (`size - 8`), in
    /// parentheses when it holds a comparison or a condition.
    pub fn describe_operand(&self) -> String {
        if self.level() <= 3 { format!("({})", self.describe()) } else { self.describe() }
    }

    /// The expression as layout text (`rows * cols`).
    pub fn describe(&self) -> String {
        match &self.kind {
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Path(p) | ExprKind::Const(p, _) => p.join("."),
            ExprKind::FileSize => "filesize".into(),
            ExprKind::SizeOf(t) => format!("sizeof({})", t.describe()),
            ExprKind::Neg(e) | ExprKind::Not(e) | ExprKind::BitNot(e) => {
                let op = match &self.kind {
                    ExprKind::Neg(_) => "-",
                    ExprKind::Not(_) => "!",
                    _ => "~",
                };
                if e.level() < 10 { format!("{op}({})", e.describe()) } else { format!("{op}{}", e.describe()) }
            }
            ExprKind::Binary(op, a, b) => {
                // Parentheses where the text would otherwise group differently.
                let level = op.level();
                let side = |e: &Expr, right: bool| {
                    let inner = e.level();
                    if inner < level || (right && inner == level) {
                        format!("({})", e.describe())
                    } else {
                        e.describe()
                    }
                };
                format!("{} {} {}", side(a, false), op.symbol(), side(b, true))
            }
            ExprKind::Cond(c, a, b) => {
                let cond = if c.level() == 0 { format!("({})", c.describe()) } else { c.describe() };
                format!("{cond} ? {} : {}", a.describe(), b.describe())
            }
            ExprKind::Str(b) => format!("\"{}\"", crate::text::escape::escape_bytes(b).replace('"', "\\\"")),
            ExprKind::In(x, set) => {
                let x = if x.level() <= 3 { format!("({})", x.describe()) } else { x.describe() };
                format!("{x} in {}", describe_set(set))
            }
            ExprKind::Search(s) => s.describe(),
            ExprKind::Index(ix) => {
                let index: Vec<String> = ix.index.iter().map(Expr::describe).collect();
                let rest: String = ix.rest.iter().map(|n| format!(".{n}")).collect();
                format!("{}[{}]{rest}", ix.base.describe(), index.join(", "))
            }
        }
    }
}
