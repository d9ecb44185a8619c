//! Property tests for SPEC §4: `show` followed by `pack` gives back the same
//! bytes, bit for bit.
//!
//! A generator builds a random layout (as text in the layout language) together
//! with bytes that satisfy it: every scalar type with `le`/`be` suffixes and
//! `endian` lines, `bytes[N]`, `utf8[N]`, `ucs4[N]` (numpy `U`N, in both byte
//! orders), `cstr`, `char`, nested structs, fixed
//! and multi-dimensional arrays, size fields (`n: u16` then `v: T[n]`, also
//! `n + 1`, `2 * n`), variable-size elements, `_` padding, `align N`, `==`
//! checks, `if` blocks, `@` placements, `type` aliases and a `T[..]` tail,
//! `enum`/`flags` fields (values with and without names) and `bits`
//! containers of every field kind ([`NAMED`]; reserved bits hold zeros,
//! since `pack` writes them as zeros like `_` padding).
//! Floats are drawn as raw bit patterns: NaN payloads, negative NaNs, -0.0,
//! subnormals and infinities included. A float `==` field holds the
//! literal's exact bits, since `==` compares bits (-0.0 is not `== 0.0`).
//!
//! Properties:
//! 1. `json_roundtrip`: bytes -> `show --format json` -> `pack` == bytes.
//! 2. `json_fixed_point`: the JSON, re-spelled (whitespace, key order, number
//!    spellings, string escapes, derivable size fields and `==` fields left
//!    out), packs to the same bytes and shows as the same JSON text.
//! 3. `csv_roundtrip`: for record arrays (and scalar arrays, matrices):
//!    bytes -> `show --format csv` -> `pack` == bytes (NaNs are canonical
//!    there, since CSV prints every NaN as `nan`).
//!
//! The tests at the end are regression tests: minimal cases the properties
//! once found, and the semantics they pin.
//!
//! `PROPTEST_CASES` raises the number of cases (default 256 per property).
//! A failure prints the layout text, the bytes as hex and the texts involved.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use binmap::encode::Origin;
use binmap::pack::{csv_doc, pack, pack_onto};
use binmap::select::{Rows, main_table, select};
use binmap::sink::json::JsonWriter;
use binmap::text::json_read::{Doc, parse_json};
use binmap::{Layout, Map};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

// ---------------------------------------------------------------------------
// The layout model
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum K {
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
    Bool,
    // The number types of real files (issue 11 item 9): any bits of them
    // show and pack back exactly.
    I24,
    U24,
    I40,
    U48,
    I56,
    U56,
    Ibm32,
    Ibm64,
    DtS,
    TdUs,
}

const ALL_KINDS: [K; 23] = [
    K::I8,
    K::I16,
    K::I32,
    K::I64,
    K::U8,
    K::U16,
    K::U32,
    K::U64,
    K::F16,
    K::BF16,
    K::F32,
    K::F64,
    K::Bool,
    K::I24,
    K::U24,
    K::I40,
    K::U48,
    K::I56,
    K::U56,
    K::Ibm32,
    K::Ibm64,
    K::DtS,
    K::TdUs,
];
const INT_KINDS: [K; 14] =
    [K::I8, K::I16, K::I32, K::I64, K::U8, K::U16, K::U32, K::U64, K::I24, K::U24, K::I40, K::U48, K::I56, K::U56];

impl K {
    fn size(self) -> usize {
        match self {
            K::I8 | K::U8 | K::Bool => 1,
            K::I16 | K::U16 | K::F16 | K::BF16 => 2,
            K::I24 | K::U24 => 3,
            K::I32 | K::U32 | K::F32 | K::Ibm32 => 4,
            K::I40 => 5,
            K::U48 => 6,
            K::I56 | K::U56 => 7,
            K::I64 | K::U64 | K::F64 | K::Ibm64 | K::DtS | K::TdUs => 8,
        }
    }

    fn name(self) -> &'static str {
        match self {
            K::I8 => "i8",
            K::I16 => "i16",
            K::I32 => "i32",
            K::I64 => "i64",
            K::U8 => "u8",
            K::U16 => "u16",
            K::U32 => "u32",
            K::U64 => "u64",
            K::F16 => "f16",
            K::BF16 => "bf16",
            K::F32 => "f32",
            K::F64 => "f64",
            K::Bool => "bool",
            K::I24 => "i24",
            K::U24 => "u24",
            K::I40 => "i40",
            K::U48 => "u48",
            K::I56 => "i56",
            K::U56 => "u56",
            K::Ibm32 => "ibm32",
            K::Ibm64 => "ibm64",
            K::DtS => "datetime64[s]",
            K::TdUs => "timedelta64[us]",
        }
    }

    fn is_float(self) -> bool {
        matches!(self, K::F16 | K::BF16 | K::F32 | K::F64)
    }

    fn is_signed(self) -> bool {
        matches!(self, K::I8 | K::I16 | K::I32 | K::I64 | K::I24 | K::I40 | K::I56)
    }

    /// (exponent bits, mantissa bits) of a float kind.
    fn float_format(self) -> (u32, u32) {
        match self {
            K::F16 => (5, 10),
            K::BF16 => (8, 7),
            K::F32 => (8, 23),
            _ => (11, 52),
        }
    }
}

/// A byte-order suffix on a scalar type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Suf {
    Default,
    Le,
    Be,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Little,
    Big,
}

impl Suf {
    fn text(self) -> &'static str {
        match self {
            Suf::Default => "",
            Suf::Le => "le",
            Suf::Be => "be",
        }
    }

    fn resolve(self, current: End) -> End {
        match self {
            Suf::Default => current,
            Suf::Le => End::Little,
            Suf::Be => End::Big,
        }
    }
}

/// An `endian` line.
#[derive(Clone, Copy, Debug)]
enum EndianLine {
    Little,
    Big,
    Native,
}

impl EndianLine {
    fn end(self) -> End {
        match self {
            EndianLine::Little => End::Little,
            EndianLine::Big => End::Big,
            EndianLine::Native if cfg!(target_endian = "big") => End::Big,
            EndianLine::Native => End::Little,
        }
    }

    fn text(self) -> &'static str {
        match self {
            EndianLine::Little => "endian little",
            EndianLine::Big => "endian big",
            EndianLine::Native => "endian native",
        }
    }
}

/// A small integer field whose value the data generator chooses (a size
/// field, a parameter, an `if` flag).
#[derive(Clone, Debug)]
struct Local {
    name: String,
    kind: K,
    suf: Suf,
    min: u64,
    max: u64,
}

#[derive(Clone, Copy, Debug)]
enum DimOp {
    Plain,
    Plus1,
    Twice,
    Half,
}

impl DimOp {
    fn apply(self, n: u64) -> u64 {
        match self {
            DimOp::Plain => n,
            DimOp::Plus1 => n + 1,
            DimOp::Twice => 2 * n,
            DimOp::Half => (n + 3) / 2,
        }
    }
}

/// A dimension (or a text length) read from a field.
#[derive(Clone, Debug)]
struct RefDim {
    /// Which visible parameter to use, when not local.
    pick: usize,
    /// Use a fresh size field just before the field.
    local: bool,
    op: DimOp,
    kind: K,
    suf: Suf,
    min: u64,
    max: u64,
    /// Filled by the namer.
    name: String,
    is_local: bool,
}

#[derive(Clone, Debug)]
enum Dim {
    Const(u64),
    Ref(RefDim),
}

/// The kind of a text field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tk {
    Bytes,
    Utf8,
    /// `ucs4[N]`: N 4-byte characters (numpy `U`N).
    Ucs4(Suf),
}

impl Tk {
    fn name(self) -> String {
        match self {
            Tk::Bytes => "bytes".into(),
            Tk::Utf8 => "utf8".into(),
            Tk::Ucs4(s) => format!("ucs4{}", s.text()),
        }
    }

    /// Bytes per unit of the length.
    fn unit(self) -> u64 {
        if matches!(self, Tk::Ucs4(_)) { 4 } else { 1 }
    }
}

#[derive(Clone, Debug)]
enum Ty {
    Scalar(K, Suf),
    Char,
    Text {
        kind: Tk,
        len: Dim,
    },
    Cstr,
    Struct(Vec<Item>),
    Array(Box<Ty>, Vec<Dim>),
    /// An `enum`, `flags` or `bits` type of [`NAMED`], by index.
    Named(usize),
}

/// Declared at the top of every generated layout.
const PRELUDE: &str = "enum Re: u8 { a = 0, b = 1, c = 7, d = 200 }\nflags Rf: u16be { x = 1, y = 2, z = 0x8000 }\n";

/// Types with names or bits: (text, size, big-endian, reserved bits).
const NAMED: &[(&str, usize, bool, u64)] = &[
    ("Re", 1, false, 0),
    ("Rf", 2, true, 0),
    ("bits u16be { p: 3, q: i5, _: 1, r: bool, s: 6 as Re }", 2, true, 0x0080),
    ("bits u32le { a: 1, b: i30, c: bool }", 4, false, 0),
    ("bits u8 { lo: 4, hi: 4 as Rf }", 1, false, 0),
    ("bits u64be lsb { _: 1, big: 63 }", 8, true, 1),
];

#[derive(Clone, Copy, Debug)]
enum CondOp {
    Truthy,
    Eq(u64),
    Gt(u64),
    Not,
    Mix(u64),
    Mod,
}

#[derive(Clone, Debug)]
struct Cond {
    pick: usize,
    local: bool,
    op: CondOp,
    kind: K,
    suf: Suf,
    name: String,
}

impl Cond {
    fn eval(&self, v: u64) -> bool {
        match self.op {
            CondOp::Truthy => v != 0,
            CondOp::Eq(k) => v == k,
            CondOp::Gt(k) => v > k,
            CondOp::Not => v == 0,
            CondOp::Mix(k) => v >= 1 && v != k,
            CondOp::Mod => !(v + 1).is_multiple_of(2),
        }
    }

    fn text(&self) -> String {
        let g = &self.name;
        match self.op {
            CondOp::Truthy => g.clone(),
            CondOp::Eq(k) => format!("{g} == {k}"),
            CondOp::Gt(k) => format!("{g} > {k}"),
            CondOp::Not => format!("!{g}"),
            CondOp::Mix(k) => format!("{g} >= 1 && {g} != {k}"),
            CondOp::Mod => format!("({g} + 1) % 2"),
        }
    }
}

/// A `== LITERAL` field and the value the data holds.
#[derive(Clone, Debug)]
enum Check {
    Int { kind: K, suf: Suf, value: i128, hex: bool },
    Float { kind: K, suf: Suf, bits: u64, as_int: bool },
    Bool(bool),
    Char(u8),
    Text { utf8: bool, n: u64, lit: Vec<u8> },
    Cstr(Vec<u8>),
}

#[derive(Clone, Debug)]
struct FieldItem {
    name: String,
    ty: Ty,
    /// Size fields written just before the field (filled by the namer).
    locals: Vec<Local>,
    /// `_` padding: zeros.
    pad: bool,
    /// Declared through `type T = ...`.
    alias: bool,
    /// `@ OFFSET`: zero bytes skipped before the field (top level only).
    place: Option<u64>,
}

impl FieldItem {
    fn new(ty: Ty) -> FieldItem {
        FieldItem { name: String::new(), ty, locals: Vec::new(), pad: false, alias: false, place: None }
    }
}

#[derive(Clone, Debug)]
enum Item {
    Field(FieldItem),
    Param(Local),
    Check {
        name: String,
        check: Check,
    },
    Align(u64),
    Endian(EndianLine),
    If {
        cond: Cond,
        flag: Option<Local>,
        body: Vec<Item>,
    },
    /// `@ P name: T` reading again bytes already written (an integer, so
    /// any bytes read), then `@ END namez: bytes[0]` (a zero-size field) to
    /// carry on where the file had got to. Top level only.
    Reread {
        name: String,
        kind: K,
        suf: Suf,
    },
}

/// A whole layout: top-level items and an optional `T[..]` tail.
#[derive(Clone)]
struct Top {
    items: Vec<Item>,
    tail: Option<(String, Ty)>,
    /// `@ filesize - K ft: {...}` (K its size): first in the layout (then
    /// followed by `@ 0 z0: bytes[0]`) or last; no `T[..]` tail then.
    footer: Option<(String, Ty, bool)>,
    /// `rest: void[filesize - P]` after the items, when there is no tail.
    rest: Option<String>,
    /// Names the input may leave out (derivable sizes, `==` fields).
    droppable: HashSet<String>,
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

fn kind_s() -> impl Strategy<Value = K> {
    prop::sample::select(ALL_KINDS.to_vec())
}

fn int_kind_s() -> impl Strategy<Value = K> {
    prop::sample::select(INT_KINDS.to_vec())
}

fn suf_s() -> impl Strategy<Value = Suf> {
    prop_oneof![3 => Just(Suf::Default), 1 => Just(Suf::Le), 1 => Just(Suf::Be)]
}

fn fix_suf(k: K, s: Suf) -> Suf {
    // `boolle` and `datetime64[s]be` are not types.
    if matches!(k, K::Bool | K::DtS | K::TdUs) { Suf::Default } else { s }
}

fn scalar_s() -> impl Strategy<Value = Ty> {
    (kind_s(), suf_s()).prop_map(|(k, s)| Ty::Scalar(k, fix_suf(k, s)))
}

fn dim_op_s() -> impl Strategy<Value = DimOp> {
    prop_oneof![4 => Just(DimOp::Plain), 1 => Just(DimOp::Plus1), 1 => Just(DimOp::Twice), 1 => Just(DimOp::Half)]
}

fn ref_dim_s(max: u64) -> impl Strategy<Value = RefDim> {
    (any::<usize>(), prop::bool::weighted(0.7), dim_op_s(), int_kind_s(), suf_s()).prop_map(
        move |(pick, local, op, kind, suf)| RefDim {
            pick,
            local,
            op,
            kind,
            suf,
            min: 0,
            max,
            name: String::new(),
            is_local: false,
        },
    )
}

/// An array dimension (`max_const` for literal ones, 0..=3 from size fields).
fn dim_s(max_const: u64) -> impl Strategy<Value = Dim> {
    prop_oneof![3 => (0..=max_const).prop_map(Dim::Const), 2 => ref_dim_s(3).prop_map(Dim::Ref)]
}

/// A text length: literal 0..=8 or a size field 0..=10.
fn text_len_s() -> impl Strategy<Value = Dim> {
    prop_oneof![3 => (0..=8u64).prop_map(Dim::Const), 2 => ref_dim_s(10).prop_map(Dim::Ref)]
}

fn text_kind_s() -> impl Strategy<Value = Tk> {
    prop_oneof![2 => Just(Tk::Bytes), 2 => Just(Tk::Utf8), 1 => suf_s().prop_map(Tk::Ucs4)]
}

fn leaf_s() -> BoxedStrategy<Ty> {
    prop_oneof![
        8 => scalar_s(),
        2 => (0..NAMED.len()).prop_map(Ty::Named),
        1 => Just(Ty::Char),
        3 => (text_kind_s(), text_len_s()).prop_map(|(kind, len)| Ty::Text { kind, len }),
        1 => Just(Ty::Cstr),
    ]
    .boxed()
}

/// `T[dims]`, merging `T[a]` with `[b]` into `T[b, a]` (C order) since
/// `T[a][b]` is not a type; otherwise the inner array goes in a struct.
fn make_array(t: Ty, dims: Vec<Dim>) -> Ty {
    match t {
        Ty::Array(e, inner) if inner.len() + dims.len() <= 3 => {
            let mut all = dims;
            all.extend(inner);
            Ty::Array(e, all)
        }
        t @ Ty::Array(..) => Ty::Array(Box::new(Ty::Struct(vec![Item::Field(FieldItem::new(t))])), dims),
        t => Ty::Array(Box::new(t), dims),
    }
}

fn local_s(max: u64) -> impl Strategy<Value = Local> {
    (prop_oneof![3 => int_kind_s(), 1 => Just(K::Bool)], suf_s()).prop_map(move |(kind, suf)| Local {
        name: String::new(),
        kind,
        suf: fix_suf(kind, suf),
        min: 0,
        max: if kind == K::Bool { 1 } else { max },
    })
}

fn cond_s() -> impl Strategy<Value = Cond> {
    let op = prop_oneof![
        3 => Just(CondOp::Truthy),
        1 => (0..=3u64).prop_map(CondOp::Eq),
        1 => (0..=2u64).prop_map(CondOp::Gt),
        1 => Just(CondOp::Not),
        1 => (1..=3u64).prop_map(CondOp::Mix),
        1 => Just(CondOp::Mod),
    ];
    (any::<usize>(), prop::bool::weighted(0.6), op, int_kind_s(), suf_s())
        .prop_map(|(pick, local, op, kind, suf)| Cond { pick, local, op, kind, suf, name: String::new() })
}

/// Interesting bytes for texts, chars and literals.
const PALETTE: &[&str] = &[
    "a", "Z", "0", " ", "\"", "\\", "/", ",", "\n", "\r", "\t", "\0", "\u{1}", "\u{1f}", "\u{7f}", "é", "€", "😀",
    "\u{2028}", "\u{feff}", "\u{fffd}", "x", "y", "\u{80}",
];

fn float_bits_finite(kind: K, raw: u64) -> u64 {
    let (e, m) = kind.float_format();
    let n = 1 + e + m;
    let bits = if n == 64 { raw } else { raw & ((1u64 << n) - 1) };
    let exp_mask = ((1u64 << e) - 1) << m;
    if bits & exp_mask == exp_mask { bits & !exp_mask } else { bits }
}

fn check_s() -> impl Strategy<Value = Check> {
    let text_lit = prop::collection::vec(prop::sample::select(PALETTE.to_vec()), 0..5);
    prop_oneof![
        3 => (int_kind_s(), suf_s(), any::<u64>(), any::<bool>(), 0..4u8).prop_map(|(kind, suf, raw, hex, special)| {
            let bits = kind.size() as u32 * 8;
            let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
            let raw = match special { 0 => raw & 0xff, 1 => 0, _ => raw } & mask;
            let value = if kind.is_signed() {
                let shift = 64 - bits;
                i128::from(((raw << shift) as i64) >> shift)
            } else {
                i128::from(raw)
            };
            Check::Int { kind, suf, value, hex: hex && value >= 0 }
        }),
        2 => (prop::sample::select(vec![K::F16, K::BF16, K::F32, K::F64]), suf_s(), any::<u64>(), any::<bool>(), 0..4u8)
            .prop_map(|(kind, suf, raw, as_int, special)| {
                let (e, m) = kind.float_format();
                let one = ((1u64 << (e - 1)) - 1) << m;
                let raw = match special {
                    0 => one | (raw & 0xf) << m.saturating_sub(4),
                    1 => (raw & 1) << (e + m), // +-0.0
                    _ => raw,
                };
                Check::Float { kind, suf, bits: float_bits_finite(kind, raw), as_int }
            }),
        1 => any::<bool>().prop_map(Check::Bool),
        1 => any::<u8>().prop_map(Check::Char),
        2 => (any::<bool>(), text_lit.clone(), 0..4u64).prop_map(|(utf8, parts, extra)| {
            let lit: Vec<u8> = parts.concat().into_bytes();
            let lit = if utf8 { lit } else { lit.into_iter().map(|b| b ^ 0x80).collect() };
            Check::Text { utf8, n: lit.len() as u64 + extra, lit }
        }),
        1 => text_lit.prop_map(|parts| Check::Cstr(parts.concat().into_bytes().into_iter().filter(|&b| b != 0).collect())),
    ]
}

/// Types for `_` padding: their size must not depend on their own data.
fn pad_ty_s() -> impl Strategy<Value = Ty> {
    prop_oneof![
        3 => (prop_oneof![3 => Just(Tk::Bytes), 1 => Just(Tk::Ucs4(Suf::Default))], text_len_s())
            .prop_map(|(kind, len)| Ty::Text { kind, len }),
        2 => scalar_s(),
        1 => Just(Ty::Char),
        1 => (scalar_s(), dim_s(3)).prop_map(|(t, d)| Ty::Array(Box::new(t), vec![d])),
        1 => (prop::collection::vec(scalar_s(), 1..3), 0..3u64).prop_map(|(ts, n)| {
            let items = ts.into_iter().map(|t| Item::Field(FieldItem::new(t))).collect();
            Ty::Array(Box::new(Ty::Struct(items)), vec![Dim::Const(n)])
        }),
    ]
}

fn item_s(ty: BoxedStrategy<Ty>) -> BoxedStrategy<Item> {
    let field = (ty, prop::bool::weighted(0.1))
        .prop_map(|(ty, alias)| Item::Field(FieldItem { alias, ..FieldItem::new(ty) }))
        .boxed();
    prop_oneof![
        12 => field.clone(),
        2 => local_s(3).prop_map(Item::Param),
        2 => check_s().prop_map(|check| Item::Check { name: String::new(), check }),
        1 => pad_ty_s().prop_map(|ty| Item::Field(FieldItem { pad: true, ..FieldItem::new(ty) })),
        1 => prop::sample::select(vec![1u64, 2, 4, 8, 16]).prop_map(Item::Align),
        1 => prop_oneof![Just(EndianLine::Little), Just(EndianLine::Big), Just(EndianLine::Native)].prop_map(Item::Endian),
        2 => (cond_s(), prop::collection::vec(field, 0..3)).prop_map(|(cond, body)| Item::If { cond, flag: None, body }),
    ]
    .boxed()
}

fn ty_s() -> BoxedStrategy<Ty> {
    leaf_s()
        .prop_recursive(3, 40, 5, |inner| {
            prop_oneof![
                2 => (inner.clone(), prop::collection::vec(dim_s(3), 1..=2)).prop_map(|(t, dims)| make_array(t, dims)),
                2 => prop::collection::vec(item_s(inner), 0..6).prop_map(Ty::Struct),
            ]
        })
        .boxed()
}

fn tail_s(ty: BoxedStrategy<Ty>) -> BoxedStrategy<Ty> {
    prop_oneof![
        2 => scalar_s(),
        1 => Just(Ty::Cstr),
        1 => (prop_oneof![Just(Tk::Utf8), suf_s().prop_map(Tk::Ucs4)], 1..=5u64)
            .prop_map(|(kind, n)| Ty::Text { kind, len: Dim::Const(n) }),
        3 => (scalar_s(), prop::collection::vec(item_s(ty), 0..4)).prop_map(|(first, mut items)| {
            items.insert(0, Item::Field(FieldItem::new(first)));
            Ty::Struct(items)
        }),
    ]
    .boxed()
}

/// A footer: a struct of one to three scalars.
fn footer_s() -> impl Strategy<Value = Ty> {
    prop::collection::vec(scalar_s(), 1..=3)
        .prop_map(|ts| Ty::Struct(ts.into_iter().map(|t| Item::Field(FieldItem::new(t))).collect()))
}

fn top_s() -> impl Strategy<Value = Top> {
    let ty = ty_s();
    let top_item = prop_oneof![
        8 => item_s(ty.clone()),
        1 => (ty.clone(), 0..4u64).prop_map(|(ty, gap)| Item::Field(FieldItem { place: Some(gap), ..FieldItem::new(ty) })),
        1 => (int_kind_s(), suf_s()).prop_map(|(kind, suf)| Item::Reread { name: String::new(), kind, suf }),
    ];
    (
        prop::collection::vec(top_item, 0..10),
        prop::option::weighted(0.3, tail_s(ty)),
        prop::option::weighted(0.2, (footer_s(), any::<bool>())),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(items, tail, footer, rest)| {
            // A footer or a `void[filesize - P]` would be read as part of a `[..]` tail.
            let (footer, rest) = if tail.is_some() { (None, false) } else { (footer, rest) };
            let mut top = Top {
                items,
                tail: tail.map(|t| (String::new(), t)),
                footer: footer.map(|(ty, first)| (String::new(), ty, first)),
                rest: rest.then(String::new),
                droppable: HashSet::new(),
            };
            Namer::default().name_top(&mut top);
            top
        })
        .prop_filter("layout too large", |t| max_size_top(t) <= 8192)
        .prop_filter("a layout without fields is refused", |t| {
            t.tail.is_some() || t.footer.is_some() || t.rest.is_some() || has_field(&t.items)
        })
}

/// True when `items` declare a field (a layout must: an empty one describes nothing).
fn has_field(items: &[Item]) -> bool {
    items.iter().any(|it| match it {
        Item::Field(_) | Item::Param(_) | Item::Check { .. } | Item::Reread { .. } => true,
        Item::If { flag, body, .. } => flag.is_some() || has_field(body),
        Item::Align(_) | Item::Endian(_) => false,
    })
}

// ---------------------------------------------------------------------------
// Naming: unique field names, size fields, and which parameter a reference uses
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Namer {
    next: usize,
    /// Small-valued fields visible here (parameters and `if` flags).
    visible: Vec<String>,
    droppable: HashSet<String>,
}

impl Namer {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn name_top(&mut self, top: &mut Top) {
        self.items(&mut top.items);
        if let Some((name, ty)) = &mut top.tail {
            *name = self.fresh("t");
            let mut locals = Vec::new();
            self.ty(ty, &mut locals);
            // Tail elements are structs (sizes inside), scalars or constant texts.
            assert!(locals.is_empty(), "a tail element needs no size field outside it");
        }
        if let Some((name, ty, _)) = &mut top.footer {
            *name = self.fresh("ft");
            self.ty(ty, &mut Vec::new());
        }
        if let Some(name) = &mut top.rest {
            *name = self.fresh("rest");
        }
        top.droppable = std::mem::take(&mut self.droppable);
    }

    fn items(&mut self, items: &mut [Item]) {
        for it in items {
            match it {
                Item::Field(f) => {
                    f.name = if f.pad { "_".into() } else { self.fresh("f") };
                    let mut locals = Vec::new();
                    self.ty(&mut f.ty, &mut locals);
                    f.locals = locals;
                    if let Ty::Array(_, dims) = &f.ty
                        && let Some(Dim::Ref(r)) = dims.first()
                        && r.is_local
                        && matches!(r.op, DimOp::Plain)
                        && !f.pad
                    {
                        self.droppable.insert(r.name.clone());
                    }
                }
                Item::Param(l) => {
                    l.name = self.fresh("p");
                    self.visible.push(l.name.clone());
                }
                Item::Check { name, .. } => {
                    *name = self.fresh("c");
                    self.droppable.insert(name.clone());
                }
                Item::If { cond, flag, body } => {
                    if cond.local || self.visible.is_empty() {
                        let name = self.fresh("g");
                        *flag = Some(Local { name: name.clone(), kind: cond.kind, suf: cond.suf, min: 0, max: 3 });
                        cond.name = name.clone();
                        self.visible.push(name);
                    } else {
                        cond.name = self.visible[cond.pick % self.visible.len()].clone();
                    }
                    let mark = self.visible.len();
                    self.items(body);
                    self.visible.truncate(mark);
                }
                Item::Reread { name, .. } => *name = self.fresh("r"),
                Item::Align(_) | Item::Endian(_) => {}
            }
        }
    }

    fn ty(&mut self, ty: &mut Ty, locals: &mut Vec<Local>) {
        match ty {
            Ty::Text { len, .. } => self.dim(len, locals),
            Ty::Struct(items) => {
                let mark = self.visible.len();
                self.items(items);
                self.visible.truncate(mark);
            }
            Ty::Array(elem, dims) => {
                self.ty(elem, locals);
                for d in dims {
                    self.dim(d, locals);
                }
            }
            Ty::Scalar(..) | Ty::Char | Ty::Cstr | Ty::Named(_) => {}
        }
    }

    fn dim(&mut self, d: &mut Dim, locals: &mut Vec<Local>) {
        let Dim::Ref(r) = d else { return };
        if r.local || self.visible.is_empty() {
            r.name = self.fresh("n");
            r.is_local = true;
            locals.push(Local {
                name: r.name.clone(),
                kind: r.kind,
                suf: fix_suf(r.kind, r.suf),
                min: r.min,
                max: r.max,
            });
        } else {
            r.name = self.visible[r.pick % self.visible.len()].clone();
        }
    }
}

// Upper bounds on sizes, to keep files small.

fn max_dim(d: &Dim, text: bool) -> u64 {
    match d {
        Dim::Const(c) => *c,
        Dim::Ref(r) => r.op.apply(if text { r.max.max(10) } else { r.max.max(3) }),
    }
}

fn max_size_ty(ty: &Ty) -> u64 {
    match ty {
        Ty::Scalar(k, _) => k.size() as u64,
        Ty::Named(i) => NAMED[*i].1 as u64,
        Ty::Char => 1,
        Ty::Text { len, kind } => max_dim(len, true) * kind.unit(),
        Ty::Cstr => 12,
        Ty::Struct(items) => max_size_items(items),
        Ty::Array(e, dims) => dims.iter().fold(max_size_ty(e), |a, d| a.saturating_mul(max_dim(d, false))),
    }
}

fn max_size_items(items: &[Item]) -> u64 {
    items
        .iter()
        .map(|it| match it {
            Item::Field(f) => max_size_ty(&f.ty) + 8 * f.locals.len() as u64 + f.place.unwrap_or(0),
            Item::Param(_) => 8,
            Item::Check { .. } => 16,
            Item::Align(n) => n - 1,
            Item::Endian(_) => 0,
            Item::If { body, .. } => 8 + max_size_items(body),
            Item::Reread { .. } => 8,
        })
        .fold(0u64, u64::saturating_add)
}

fn max_size_top(t: &Top) -> u64 {
    max_size_items(&t.items)
        .saturating_add(t.tail.as_ref().map_or(0, |(_, ty)| max_size_ty(ty).saturating_mul(4)))
        .saturating_add(t.footer.as_ref().map_or(0, |(_, ty, _)| max_size_ty(ty)))
        .saturating_add(if t.rest.is_some() { 8 } else { 0 })
}

/// `@ 12 ` or `@ 0xd `: an offset the data generator chose (`?` when
/// showing a bare layout).
fn place_text(places: &mut std::slice::Iter<'_, u64>) -> String {
    match places.next() {
        Some(off) if off % 2 == 0 => format!("@ {off} "),
        Some(off) => format!("@ {off:#x} "),
        None => "@ ? ".into(),
    }
}

// ---------------------------------------------------------------------------
// Rendering the layout text
// ---------------------------------------------------------------------------

fn dim_text(d: &Dim) -> String {
    match d {
        Dim::Const(c) => c.to_string(),
        Dim::Ref(r) => match r.op {
            DimOp::Plain => r.name.clone(),
            DimOp::Plus1 => format!("{} + 1", r.name),
            DimOp::Twice => format!("2 * {}", r.name),
            DimOp::Half => format!("({} + 3) / 2", r.name),
        },
    }
}

fn ty_text(ty: &Ty, depth: usize, places: &mut std::slice::Iter<'_, u64>) -> String {
    match ty {
        Ty::Scalar(k, s) => format!("{}{}", k.name(), s.text()),
        Ty::Named(i) => NAMED[*i].0.into(),
        Ty::Char => "char".into(),
        Ty::Text { kind, len } => format!("{}[{}]", kind.name(), dim_text(len)),
        Ty::Cstr => "cstr".into(),
        Ty::Struct(items) => {
            let sep = if depth.is_multiple_of(2) { "; " } else { ", " };
            let body = items_text(items, depth + 1, sep, places);
            if body.is_empty() { "{}".into() } else { format!("{{ {body} }}") }
        }
        // `cstr[n]` is one n-byte field: a one-dimensional array of
        // variable-size cstr goes through the named type `cstr_`.
        Ty::Array(e, dims) if matches!(**e, Ty::Cstr) && dims.len() == 1 => format!("cstr_[{}]", dim_text(&dims[0])),
        Ty::Array(e, dims) => {
            let d: Vec<String> = dims.iter().map(dim_text).collect();
            format!("{}[{}]", ty_text(e, depth, places), d.join(", "))
        }
    }
}

fn escape_lit(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            0 => s.push_str("\\0"),
            0x20..0x7f => s.push(char::from(c)),
            _ => write!(s, "\\x{c:02x}").unwrap(),
        }
    }
    s.push('"');
    s
}

fn float_value(kind: K, bits: u64) -> f64 {
    match kind {
        K::F64 => f64::from_bits(bits),
        K::F32 => f64::from(f32::from_bits(bits as u32)),
        K::BF16 => f64::from(f32::from_bits((bits as u32) << 16)),
        _ => {
            let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
            let exp = ((bits >> 10) & 0x1f) as i32;
            let mant = (bits & 0x3ff) as f64;
            if exp == 0 { sign * mant * 2f64.powi(-24) } else { sign * (1024.0 + mant) * 2f64.powi(exp - 25) }
        }
    }
}

fn check_text(c: &Check) -> String {
    match c {
        Check::Int { kind, suf, value, hex } => {
            let lit = if *hex { format!("{value:#x}") } else { value.to_string() };
            format!("{}{} == {lit}", kind.name(), suf.text())
        }
        Check::Float { kind, suf, bits, as_int } => {
            let v = float_value(*kind, *bits);
            let negative_zero = v == 0.0 && v.is_sign_negative();
            let lit = if *as_int && v.fract() == 0.0 && v.abs() < 1e15 && !negative_zero {
                format!("{}", v as i64)
            } else {
                format!("{v:?}")
            };
            format!("{}{} == {lit}", kind.name(), suf.text())
        }
        Check::Bool(b) => format!("bool == {b}"),
        Check::Char(c) => format!("char == {}", escape_lit(&[*c])),
        Check::Text { utf8, n, lit } => format!("{}[{n}] == {}", if *utf8 { "utf8" } else { "bytes" }, escape_lit(lit)),
        Check::Cstr(lit) => format!("cstr == {}", escape_lit(lit)),
    }
}

fn local_text(l: &Local) -> String {
    format!("{}: {}{}", l.name, l.kind.name(), l.suf.text())
}

fn items_text(items: &[Item], depth: usize, sep: &str, places: &mut std::slice::Iter<'_, u64>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for it in items {
        match it {
            Item::Field(f) => {
                parts.extend(f.locals.iter().map(local_text));
                let ty = ty_text(&f.ty, depth, places);
                let ty = if f.alias {
                    let alias = format!("T{}", f.name.trim_start_matches('_'));
                    parts.push(format!("type {alias} = {ty}"));
                    alias
                } else {
                    ty
                };
                let at = match f.place {
                    Some(_) => {
                        // Offsets come from the data generator (`?` when showing a bare layout).
                        match places.next() {
                            Some(off) if off % 2 == 0 => format!("@ {off} "),
                            Some(off) => format!("@ {off:#x} "),
                            None => "@ ? ".into(),
                        }
                    }
                    None => String::new(),
                };
                parts.push(format!("{at}{}: {ty}", f.name));
            }
            Item::Param(l) => parts.push(local_text(l)),
            Item::Check { name, check } => parts.push(format!("{name}: {}", check_text(check))),
            Item::Align(n) => parts.push(format!("align {n}")),
            Item::Reread { name, kind, suf } => {
                parts.push(format!("{}{name}: {}{}", place_text(places), kind.name(), suf.text()));
                parts.push(format!("{}{name}z: bytes[0]", place_text(places)));
            }
            Item::Endian(e) => parts.push(e.text().into()),
            Item::If { cond, flag, body } => {
                if let Some(l) = flag {
                    parts.push(local_text(l));
                }
                let inner = items_text(body, depth + 1, if sep == "\n" { "; " } else { sep }, places);
                parts.push(format!("if {} {{ {inner} }}", cond.text()));
            }
        }
    }
    parts.join(sep)
}

fn layout_text(top: &Top, places: &[u64]) -> String {
    let mut it = places.iter();
    let footer = |ty: &Ty, name: &str| {
        let mut none = [].iter();
        let size: usize = match ty {
            Ty::Struct(items) => {
                items.iter().map(|i| if let Item::Field(f) = i { max_size_ty(&f.ty) as usize } else { 0 }).sum()
            }
            _ => 0,
        };
        format!("@ filesize - {size} {name}: {}\n", ty_text(ty, 0, &mut none))
    };
    let mut text = String::from(PRELUDE);
    text.push_str("type cstr_ = cstr\n");
    if let Some((name, ty, true)) = &top.footer {
        // First: what follows starts again at 0, after a zero-size field.
        text.push_str(&footer(ty, name));
        text.push_str("@ 0 z0: bytes[0]\n");
    }
    text.push_str(&items_text(&top.items, 0, "\n", &mut it));
    if let Some((name, ty)) = &top.tail {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let _ = write!(text, "{name}: {}[..]", ty_text(ty, 0, &mut it));
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if let Some(name) = &top.rest {
        let p = it.next().map_or("?".to_string(), u64::to_string);
        let _ = writeln!(text, "{name}: void[filesize - {p}]");
    }
    if let Some((name, ty, false)) = &top.footer {
        text.push_str(&footer(ty, name));
    }
    text
}

impl std::fmt::Debug for Top {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Top {{ droppable: {:?}, layout:\n{}}}", self.droppable, layout_text(self, &[]))
    }
}

// ---------------------------------------------------------------------------
// Data generation
// ---------------------------------------------------------------------------

/// splitmix64: the data is drawn from a seed, so proptest shrinks the layout
/// while the data stays cheap to regenerate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// Raw bits of a float kind: uniform bits (NaN payloads, subnormals), the
/// special values, and short decimals.
fn float_bits(rng: &mut Rng, kind: K) -> u64 {
    let (e, m) = kind.float_format();
    let n = 1 + e + m;
    let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let sign = 1u64 << (n - 1);
    let exp_mask = ((1u64 << e) - 1) << m;
    let mant_mask = (1u64 << m) - 1;
    let bias = (1u64 << (e - 1)) - 1;
    match rng.below(10) {
        0..=3 => rng.next() & all,
        4..=6 => {
            let specials = [
                0,
                sign,
                exp_mask,
                sign | exp_mask,
                exp_mask | 1 << (m - 1),        // canonical NaN
                sign | exp_mask | 1 << (m - 1), // negative NaN
                exp_mask | 1,                   // signalling NaN
                exp_mask | (rng.next() & mant_mask) | 1,
                sign | exp_mask | (rng.next() & mant_mask) | 1,
                (exp_mask - (1 << m)) | mant_mask, // max
                sign | (exp_mask - (1 << m)) | mant_mask,
                1,         // smallest subnormal
                sign | 1,  // negative smallest subnormal
                mant_mask, // largest subnormal
                1 << m,    // smallest normal
                bias << m, // 1.0
                sign | bias << m,
            ];
            *rng.pick(&specials)
        }
        7 => {
            // A short decimal.
            let v = (rng.below(2001) as f64 - 1000.0) / *rng.pick(&[1.0, 10.0, 100.0, 8.0, 1e6]);
            match kind {
                K::F64 => v.to_bits(),
                K::F32 => u64::from((v as f32).to_bits()),
                K::BF16 => u64::from((v as f32).to_bits() >> 16),
                _ => (bias + rng.below(8)) << m | (rng.next() & mant_mask & !0xf) | (rng.below(2) << 15),
            }
        }
        _ => {
            // Exponent near 1.0, few mantissa bits.
            let exp = (bias + rng.below(20)).saturating_sub(10).min((1 << e) - 2);
            let keep = rng.below(u64::from(m) + 1);
            let mant = (rng.next() & mant_mask) >> keep << keep;
            (rng.below(2) * sign) | exp << m | mant
        }
    }
}

/// The encoding `pack` writes for the value of IBM float bits with an
/// `f`-bit fraction: the fraction normalised, a zero as its sign alone.
fn ibm_normalise(bits: u64, f: u32) -> u64 {
    let sign = bits & (1 << (f + 7));
    let (mut e, mut frac) = (bits >> f & 0x7f, bits & ((1 << f) - 1));
    if frac == 0 {
        return sign;
    }
    while frac >> (f - 4) == 0 && e > 0 {
        frac <<= 4;
        e -= 1;
    }
    sign | e << f | frac
}

fn int_bits(rng: &mut Rng, k: K) -> u64 {
    let n = k.size() as u32 * 8;
    let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let sign = 1u64 << (n - 1);
    match rng.below(6) {
        0..=1 => rng.next() & all,
        2 => rng.below(11),
        3 => (rng.below(10) + 1).wrapping_neg() & all,
        _ => *rng.pick(&[0, all, sign, sign - 1, sign + 1, 1]),
    }
}

fn text_content(rng: &mut Rng, n: usize, utf8: bool, allow_nul: bool) -> Vec<u8> {
    let target = match rng.below(4) {
        0 => n,
        1 => 0,
        _ => rng.below(n as u64 + 1) as usize,
    };
    if !utf8 && rng.chance(1, 3) {
        return (0..target).map(|_| rng.next() as u8).filter(|&b| allow_nul || b != 0).collect();
    }
    let mut out = Vec::new();
    loop {
        let c = rng.pick(PALETTE).as_bytes();
        if (!allow_nul && c == b"\0") || out.len() + c.len() > target {
            if out.len() + 1 > target || rng.chance(1, 3) {
                break;
            }
            continue;
        }
        out.extend_from_slice(c);
    }
    out
}

struct Gen {
    rng: Rng,
    out: Vec<u8>,
    env: HashMap<String, u64>,
    places: Vec<u64>,
    /// CSV prints every NaN as `nan`: keep NaNs canonical.
    canonical_nans: bool,
    /// Inside `_` padding: everything is zero.
    zero: bool,
}

impl Gen {
    fn new(seed: u64, canonical_nans: bool) -> Gen {
        Gen { rng: Rng(seed), out: Vec::new(), env: HashMap::new(), places: Vec::new(), canonical_nans, zero: false }
    }

    fn put(&mut self, bits: u64, size: usize, e: End) {
        let le = bits.to_le_bytes();
        match e {
            End::Little => self.out.extend_from_slice(&le[..size]),
            End::Big => self.out.extend(le[..size].iter().rev()),
        }
    }

    fn zeros(&mut self, n: u64) {
        self.out.resize(self.out.len() + n as usize, 0);
    }

    fn local(&mut self, l: &Local, e: End) {
        let v = l.min + self.rng.below(l.max - l.min + 1);
        self.put(v, l.kind.size(), l.suf.resolve(e));
        self.env.insert(l.name.clone(), v);
    }

    fn dim(&self, d: &Dim) -> u64 {
        match d {
            Dim::Const(c) => *c,
            Dim::Ref(r) => r.op.apply(self.env[&r.name]),
        }
    }

    fn top(&mut self, top: &Top) {
        let e = self.items(&top.items, End::Little, 0);
        if let Some((_, ty)) = &top.tail {
            for _ in 0..self.rng.below(5) {
                self.ty(ty, e, false);
            }
        }
        let footer_size = top.footer.as_ref().map_or(0, |(_, ty, _)| max_size_ty(ty));
        if top.rest.is_some() {
            self.places.push(self.out.len() as u64 + footer_size);
            for _ in 0..self.rng.below(9) {
                let b = self.rng.next() as u8;
                self.out.push(b);
            }
        }
        if let Some((_, ty, first)) = &top.footer {
            // First in the layout, before any `endian` line: little endian.
            self.ty(ty, if *first { End::Little } else { e }, false);
        }
    }

    /// Returns the byte order in effect after the items.
    fn items(&mut self, items: &[Item], mut e: End, base: usize) -> End {
        for it in items {
            match it {
                Item::Endian(line) => e = line.end(),
                Item::Align(n) => {
                    let rel = (self.out.len() - base) as u64;
                    self.zeros((n - rel % n) % n);
                }
                Item::Param(l) => self.local(l, e),
                Item::Check { check, .. } => self.check(check, e),
                Item::Reread { kind, suf, .. } => {
                    let (size, len) = (kind.size() as u64, self.out.len() as u64);
                    if size <= len {
                        // Bytes already written, read again.
                        self.places.push(self.rng.below(len - size + 1));
                    } else {
                        self.places.push(len);
                        let bits = int_bits(&mut self.rng, *kind);
                        self.put(bits, kind.size(), suf.resolve(e));
                    }
                    self.places.push(self.out.len() as u64);
                }
                Item::Field(f) => {
                    for l in &f.locals {
                        self.local(l, e);
                    }
                    if let Some(gap) = f.place {
                        // Bytes no field describes: only `pack --onto` keeps them.
                        for _ in 0..gap {
                            let b = self.rng.next() as u8;
                            self.out.push(b);
                        }
                        self.places.push(self.out.len() as u64);
                    }
                    self.ty(&f.ty, e, f.pad || self.zero);
                }
                Item::If { cond, flag, body } => {
                    if let Some(l) = flag {
                        self.local(l, e);
                    }
                    if cond.eval(self.env[&cond.name]) {
                        self.items(body, e, base);
                    }
                }
            }
        }
        e
    }

    fn check(&mut self, c: &Check, e: End) {
        match c {
            Check::Int { kind, suf, value, .. } => self.put(*value as u64, kind.size(), suf.resolve(e)),
            Check::Float { kind, suf, bits, .. } => {
                // `==` compares bits: only the literal's exact bit pattern (never -0.0 for 0.0) satisfies it.
                self.put(*bits, kind.size(), suf.resolve(e));
            }
            Check::Bool(b) => self.out.push(u8::from(*b)),
            Check::Char(c) => self.out.push(*c),
            Check::Text { n, lit, .. } => {
                self.out.extend_from_slice(lit);
                self.zeros(*n - lit.len() as u64);
            }
            Check::Cstr(lit) => {
                self.out.extend_from_slice(lit);
                self.out.push(0);
            }
        }
    }

    fn ty(&mut self, ty: &Ty, e: End, zero: bool) {
        match ty {
            Ty::Scalar(k, s) => {
                let bits = match *k {
                    _ if zero => 0,
                    K::Bool => self.rng.below(2),
                    k if k.is_float() => {
                        let b = float_bits(&mut self.rng, k);
                        let (ex, m) = k.float_format();
                        let exp_mask = ((1u64 << ex) - 1) << m;
                        let is_nan = b & exp_mask == exp_mask && b & ((1 << m) - 1) != 0;
                        if is_nan && self.canonical_nans { exp_mask | 1 << (m - 1) } else { b }
                    }
                    // CSV has no spelling for an unnormalised IBM encoding (JSON does).
                    K::Ibm32 if self.canonical_nans => ibm_normalise(int_bits(&mut self.rng, *k), 24),
                    K::Ibm64 if self.canonical_nans => ibm_normalise(int_bits(&mut self.rng, *k), 56),
                    k => int_bits(&mut self.rng, k),
                };
                self.put(bits, k.size(), s.resolve(e));
            }
            Ty::Named(i) => {
                let (_, size, big, reserved) = NAMED[*i];
                let bits = if zero { 0 } else { self.rng.next() & !reserved };
                let bits = if size < 8 { bits & ((1 << (8 * size)) - 1) } else { bits };
                // Small values often, so that names show.
                let bits = if self.rng.chance(1, 2) { bits & 0x8007 } else { bits };
                self.put(bits, size, if big { End::Big } else { End::Little });
            }
            Ty::Char => {
                let any = self.rng.next() as u8;
                let c = if zero { 0 } else { *self.rng.pick(&[0, b'A', b'"', b'\\', b',', b'\n', 0x80, 0xff, any]) };
                self.out.push(c);
            }
            Ty::Text { kind: Tk::Ucs4(s), len } => {
                // Characters (an interior U+0000 included), then zero units.
                let n = self.dim(len);
                let used = match self.rng.below(3) {
                    _ if zero => 0,
                    0 => n,
                    _ => self.rng.below(n + 1),
                };
                for _ in 0..used {
                    let c = if self.rng.chance(1, 4) {
                        let any = (self.rng.next() % 0x11_0000) as u32;
                        char::from_u32(any).unwrap_or('\u{fffd}')
                    } else {
                        self.rng.pick(PALETTE).chars().next().unwrap_or('a')
                    };
                    self.put(u64::from(u32::from(c)), 4, s.resolve(e));
                }
                self.zeros((n - used) * 4);
            }
            Ty::Text { kind, len } => {
                let n = self.dim(len) as usize;
                let start = self.out.len();
                if !zero {
                    let content = text_content(&mut self.rng, n, *kind == Tk::Utf8, true);
                    self.out.extend_from_slice(&content);
                }
                self.out.resize(start + n, 0);
            }
            Ty::Cstr => {
                let content = if zero { Vec::new() } else { text_content(&mut self.rng, 8, false, false) };
                self.out.extend_from_slice(&content);
                self.out.push(0);
            }
            Ty::Struct(items) => {
                let base = self.out.len();
                let outer = std::mem::replace(&mut self.zero, zero);
                self.items(items, e, base);
                self.zero = outer;
            }
            Ty::Array(elem, dims) => {
                let count: u64 = dims.iter().map(|d| self.dim(d)).product();
                for _ in 0..count {
                    self.ty(elem, e, zero);
                }
            }
        }
    }
}

/// A layout text and bytes that satisfy it.
fn instantiate(top: &Top, seed: u64, canonical_nans: bool) -> (String, Vec<u8>) {
    let mut g = Gen::new(seed, canonical_nans);
    g.top(top);
    (layout_text(top, &g.places), g.out)
}

// ---------------------------------------------------------------------------
// The operations under test
// ---------------------------------------------------------------------------

fn hex_dump(b: &[u8]) -> String {
    let mut s = String::new();
    for (i, chunk) in b.chunks(16).enumerate() {
        let _ = write!(s, "  {:08x}:", i * 16);
        for (j, c) in chunk.iter().enumerate() {
            let _ = write!(s, "{}{c:02x}", if j % 2 == 0 { " " } else { "" });
        }
        s.push('\n');
    }
    if b.is_empty() {
        s.push_str("  (empty)\n");
    }
    s
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("first difference at offset {i:#x}: {:#04x} vs {:#04x}", a[i], b[i]),
        None => format!("lengths differ: {} vs {} bytes", a.len(), b.len()),
    }
}

/// What went wrong, with everything needed to reproduce it.
fn report(what: &str, layout: &str, bytes: &[u8], texts: &[(&str, &str)]) -> String {
    let mut s = format!("{what}\n--- layout ---\n{layout}--- bytes ({} bytes) ---\n{}", bytes.len(), hex_dump(bytes));
    for (name, t) in texts {
        let _ = write!(s, "--- {name} ---\n{t}");
        if !t.ends_with('\n') {
            s.push('\n');
        }
    }
    s
}

/// The outcome of reading generated bytes: some generated files are
/// rightly refused (an array of zero-size elements, such as `{}` or
/// `{ s: cstr[0] }`, claiming more elements than bytes remain); those cases
/// are skipped.
enum Read {
    Ok(String),
    Refused,
}

fn show_json(layout: &Layout, bytes: &[u8]) -> Result<Read, String> {
    let map = match Map::new(layout, bytes, "generated.bin") {
        Ok(m) => m,
        Err(e)
            if e.message.contains("zero-size elements claims more elements")
                || e.message.contains("variable-size elements but only") =>
        {
            return Ok(Read::Refused);
        }
        Err(e) => return Err(format!("Map::new failed: {e}")),
    };
    let sel = select(&map, &[]).map_err(|e| format!("select failed: {e}"))?;
    let mut out = Vec::new();
    JsonWriter::new(map.data(), &mut out).document(&sel, &[]).map_err(|e| format!("show --format json failed: {e}"))?;
    String::from_utf8(out).map(Read::Ok).map_err(|e| format!("JSON is not UTF-8: {e}"))
}

fn pack_json(layout: &Layout, json: &str) -> Result<Vec<u8>, String> {
    let doc = parse_json(json).map_err(|e| format!("parse_json failed: {e}"))?;
    pack(layout, &doc, Origin::Json).map_err(|e| format!("pack failed: {e}"))
}

fn pack_json_onto(layout: &Layout, json: &str, original: &[u8]) -> Result<Vec<u8>, String> {
    let doc = parse_json(json).map_err(|e| format!("parse_json failed: {e}"))?;
    pack_onto(layout, &doc, Origin::Json, original).map_err(|e| format!("pack --onto failed: {e}"))
}

/// The bytes of `bytes` that no field of `layout` describes (`coverage`).
fn holes(layout: &Layout, bytes: &[u8]) -> Vec<std::ops::Range<u64>> {
    Map::new(layout, bytes, "generated.bin").map(|m| binmap::coverage::undescribed(&m)).unwrap_or_default()
}

/// `bytes` with every described byte zeroed: only the holes' bytes are left,
/// so packing onto it must write every other byte.
fn only_holes(bytes: &[u8], holes: &[std::ops::Range<u64>]) -> Vec<u8> {
    let mut base = vec![0u8; bytes.len()];
    for h in holes {
        let r = h.start as usize..h.end as usize;
        base[r.clone()].copy_from_slice(&bytes[r]);
    }
    base
}

/// Pack as a user would: plainly when the layout describes every byte,
/// else onto the original (here, only its holes' bytes).
fn pack_like_a_user(layout: &Layout, json: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let holes = holes(layout, bytes);
    if holes.is_empty() { pack_json(layout, json) } else { pack_json_onto(layout, json, &only_holes(bytes, &holes)) }
}

fn show_csv(layout: &Layout, bytes: &[u8]) -> Result<String, String> {
    let map = Map::new(layout, bytes, "generated.bin").map_err(|e| format!("Map::new failed: {e}"))?;
    let path = main_table(&map).ok_or("main_table found no table")?;
    let sel = select(&map, &path).map_err(|e| format!("select failed: {e}"))?;
    let rows = sel.rows(Rows::default(), &path).map_err(|e| e.to_string())?.ok_or("the main table is not an array")?;
    let mut out = Vec::new();
    binmap::sink::csv::write_rows(map.data(), &rows, &mut out).map_err(|e| format!("show --format csv failed: {e}"))?;
    String::from_utf8(out).map_err(|e| format!("CSV is not UTF-8: {e}"))
}

fn pack_csv(layout: &Layout, csv: &str) -> Result<Vec<u8>, String> {
    let doc = csv_doc(layout, csv, &Default::default()).map_err(|e| format!("csv_doc failed: {e}"))?.doc;
    pack(layout, &doc, Origin::Text).map_err(|e| format!("pack failed: {e}"))
}

/// Property 1 on one case: `Ok(false)` when the generated file is refused.
fn check_json_roundtrip(text: &str, bytes: &[u8]) -> Result<bool, String> {
    let layout = Layout::parse(text).map_err(|e| report(&format!("layout does not parse: {e}"), text, bytes, &[]))?;
    let json = match show_json(&layout, bytes).map_err(|e| report(&e, text, bytes, &[]))? {
        Read::Ok(j) => j,
        Read::Refused => return Ok(false),
    };
    let holes = holes(&layout, bytes);
    if let Some(first) = holes.first() {
        // Plain `pack` refuses to invent the holes' bytes, naming them.
        let want = binmap::coverage::describe_range(first);
        match pack_json(&layout, &json) {
            Err(e) if e.contains(&format!("the layout does not describe {want}")) => {}
            Err(e) => {
                return Err(report(
                    &format!("pack's error does not name {want}: {e}"),
                    text,
                    bytes,
                    &[("json", &json)],
                ));
            }
            Ok(_) => return Err(report(&format!("pack filled {want} with zeros"), text, bytes, &[("json", &json)])),
        }
    }
    // Onto the holes' bytes alone (or zeros), every other byte is written.
    let base = only_holes(bytes, &holes);
    let onto = pack_json_onto(&layout, &json, &base).map_err(|e| report(&e, text, bytes, &[("json", &json)]))?;
    if onto != bytes {
        return Err(report(
            &format!("pack --onto (holes only) != bytes: {}", first_difference(bytes, &onto)),
            text,
            bytes,
            &[("json", &json), ("packed bytes", &hex_dump(&onto))],
        ));
    }
    if !holes.is_empty() {
        return Ok(true);
    }
    let packed = pack_json(&layout, &json).map_err(|e| report(&e, text, bytes, &[("json", &json)]))?;
    if packed != bytes {
        let again = show_json(&layout, &packed).ok().and_then(|r| if let Read::Ok(j) = r { Some(j) } else { None });
        return Err(report(
            &format!("pack(show(bytes)) != bytes: {}", first_difference(bytes, &packed)),
            text,
            bytes,
            &[
                ("json", &json),
                ("packed bytes", &hex_dump(&packed)),
                ("json of packed", again.as_deref().unwrap_or("?")),
            ],
        ));
    }
    Ok(true)
}

fn check_csv_roundtrip(text: &str, bytes: &[u8]) -> Result<(), String> {
    let layout = Layout::parse(text).map_err(|e| report(&format!("layout does not parse: {e}"), text, bytes, &[]))?;
    let csv = show_csv(&layout, bytes).map_err(|e| report(&e, text, bytes, &[]))?;
    let packed = pack_csv(&layout, &csv).map_err(|e| report(&e, text, bytes, &[("csv", &csv)]))?;
    if packed != bytes {
        return Err(report(
            &format!("pack(csv(bytes)) != bytes: {}", first_difference(bytes, &packed)),
            text,
            bytes,
            &[("csv", &csv), ("packed bytes", &hex_dump(&packed))],
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// JSON re-spelling, for the fixed-point property
// ---------------------------------------------------------------------------

fn ws(rng: &mut Rng, out: &mut String) {
    if rng.chance(1, 3) {
        out.push_str(rng.pick::<&str>(&[" ", "\n", "\t", "  ", "\r\n ", " \n\t"]));
    }
}

/// The same decimal value, spelled another way (`0.1` -> `1e-1`, `1.00`,
/// `0.1E+0`...). Integers, `NaN` and infinities are left alone.
fn respell_number(t: &str, rng: &mut Rng) -> String {
    if !t.contains(['.', 'e', 'E']) || !t.as_bytes().iter().any(u8::is_ascii_digit) {
        return t.to_string();
    }
    let (sign, body) = match t.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", t),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (body, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    // value = digits * 10^e10
    let digits = format!("{int}{frac}");
    let e10 = exp - frac.len() as i64;
    let trimmed = digits.trim_start_matches('0');
    let digits = if trimmed.is_empty() { "0" } else { trimmed };
    match rng.below(5) {
        0 => t.to_string(),
        1 => format!("{sign}{digits}e{e10}"),
        2 => {
            // d.ddd0E+x
            let (first, rest) = digits.split_at(1);
            let e = e10 + rest.len() as i64;
            format!("{sign}{first}.{rest}0E{}{e}", if e >= 0 { "+" } else { "" })
        }
        3 if e10.abs() <= 40 => {
            // Plain fixed notation.
            if e10 >= 0 {
                format!("{sign}{digits}{}.0", "0".repeat(e10 as usize))
            } else {
                let k = (-e10) as usize;
                let padded = format!("{}{digits}", "0".repeat((k + 1).saturating_sub(digits.len())));
                let (i, f) = padded.split_at(padded.len() - k);
                format!("{sign}{i}.{f}00")
            }
        }
        _ => format!("{t}{}", if t.contains(['e', 'E']) { "" } else { "e0" }),
    }
}

fn write_json_string(s: &str, rng: &mut Rng, out: &mut String) {
    let fancy = rng.chance(1, 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if !fancy => out.push_str("\\n"),
            '\t' if !fancy => out.push_str("\\t"),
            '/' if fancy => out.push_str("\\/"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if fancy && (c as u32) >= 0x7f => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Write `doc` back as JSON, re-spelled, leaving out keys in `drop` (at random).
fn respell(doc: &Doc, rng: &mut Rng, drop: &HashSet<String>, out: &mut String) {
    ws(rng, out);
    match doc {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Number(t) => out.push_str(&respell_number(t, rng)),
        Doc::String(s) => write_json_string(s, rng, out),
        Doc::Array(items) => {
            out.push('[');
            for (i, d) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                respell(d, rng, drop, out);
            }
            ws(rng, out);
            out.push(']');
        }
        Doc::Object(kv) => {
            let mut kv: Vec<&(String, Doc)> =
                kv.iter().filter(|(k, _)| !(drop.contains(k) && rng.chance(2, 3))).collect();
            if rng.chance(1, 4) {
                kv.reverse();
            }
            out.push('{');
            for (i, (k, v)) in kv.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(rng, out);
                write_json_string(k, rng, out);
                ws(rng, out);
                out.push(':');
                respell(v, rng, drop, out);
            }
            ws(rng, out);
            out.push('}');
        }
    }
    ws(rng, out);
}

fn check_json_fixed_point(text: &str, bytes: &[u8], droppable: &HashSet<String>, seed: u64) -> Result<bool, String> {
    let layout = Layout::parse(text).map_err(|e| report(&format!("layout does not parse: {e}"), text, bytes, &[]))?;
    let json = match show_json(&layout, bytes).map_err(|e| report(&e, text, bytes, &[]))? {
        Read::Ok(j) => j,
        Read::Refused => return Ok(false),
    };
    let doc =
        parse_json(&json).map_err(|e| report(&format!("parse_json failed: {e}"), text, bytes, &[("json", &json)]))?;
    let mut rng = Rng(seed ^ 0x5eed);
    let mut other = String::new();
    respell(&doc, &mut rng, droppable, &mut other);
    let texts = [("json", json.as_str()), ("re-spelled json", other.as_str())];
    let packed = pack_like_a_user(&layout, &other, bytes).map_err(|e| report(&e, text, bytes, &texts))?;
    let json2 = match show_json(&layout, &packed) {
        Ok(Read::Ok(j)) => j,
        Ok(Read::Refused) => return Err(report("packed bytes are refused on read", text, bytes, &texts)),
        Err(e) => return Err(report(&e, text, bytes, &texts)),
    };
    if json2 != json {
        let mut t = texts.to_vec();
        t.push(("json of the packed bytes", &json2));
        return Err(report("show(pack(respelled json)) != json", text, bytes, &t));
    }
    if packed != bytes {
        let dump = hex_dump(&packed);
        let mut t = texts.to_vec();
        t.push(("packed bytes", &dump));
        return Err(report(
            &format!("pack(respelled json) != bytes: {}", first_difference(bytes, &packed)),
            text,
            bytes,
            &t,
        ));
    }
    Ok(true)
}

// ---------------------------------------------------------------------------
// CSV layouts: the last top-level field is an array of records, of scalars,
// or a 2-D matrix; the other top-level fields are constants, padding or the
// size of that array.
// ---------------------------------------------------------------------------

fn csv_leaf_s() -> BoxedStrategy<Ty> {
    prop_oneof![
        8 => scalar_s(),
        1 => Just(Ty::Char),
        3 => (text_kind_s(), 0..=6u64).prop_map(|(kind, n)| Ty::Text { kind, len: Dim::Const(n) }),
        1 => Just(Ty::Cstr),
    ]
    .boxed()
}

/// A leaf of at least one byte (the first field of a `[..]` element).
fn csv_first_s() -> BoxedStrategy<Ty> {
    prop_oneof![
        8 => scalar_s(),
        1 => Just(Ty::Char),
        3 => (text_kind_s(), 1..=6u64).prop_map(|(kind, n)| Ty::Text { kind, len: Dim::Const(n) }),
        1 => Just(Ty::Cstr),
    ]
    .boxed()
}

fn csv_field_ty_s() -> BoxedStrategy<Ty> {
    prop_oneof![
        6 => csv_leaf_s(),
        1 => (scalar_s(), prop::collection::vec(0..=3u64, 1..=2))
            .prop_map(|(t, d)| Ty::Array(Box::new(t), d.into_iter().map(Dim::Const).collect())),
        1 => prop::collection::vec(csv_leaf_s(), 0..3)
            .prop_map(|ts| Ty::Struct(ts.into_iter().map(|t| Item::Field(FieldItem::new(t))).collect())),
    ]
    .boxed()
}

fn csv_check_s() -> impl Strategy<Value = Item> {
    check_s().prop_map(|check| Item::Check { name: String::new(), check })
}

fn csv_item_s() -> BoxedStrategy<Item> {
    prop_oneof![
        10 => csv_field_ty_s().prop_map(|ty| Item::Field(FieldItem::new(ty))),
        1 => csv_check_s(),
        1 => (0..=3u64).prop_map(|n| Item::Field(FieldItem { pad: true, ..FieldItem::new(Ty::Text { kind: Tk::Bytes, len: Dim::Const(n) }) })),
        1 => prop::sample::select(vec![2u64, 4, 8]).prop_map(Item::Align),
        1 => prop_oneof![Just(EndianLine::Little), Just(EndianLine::Big)].prop_map(Item::Endian),
    ]
    .boxed()
}

fn csv_prefix_s() -> impl Strategy<Value = Vec<Item>> {
    prop::collection::vec(
        prop_oneof![
            2 => csv_check_s(),
            1 => (1..=4u64).prop_map(|n| Item::Field(FieldItem { pad: true, ..FieldItem::new(Ty::Text { kind: Tk::Bytes, len: Dim::Const(n) }) })),
            1 => prop::sample::select(vec![4u64, 8]).prop_map(Item::Align),
            1 => Just(Item::Endian(EndianLine::Big)),
        ],
        0..3,
    )
}

fn size_dim(min: u64, max: u64) -> impl Strategy<Value = Dim> {
    (int_kind_s(), suf_s()).prop_map(move |(kind, suf)| {
        Dim::Ref(RefDim {
            pick: 0,
            local: true,
            op: DimOp::Plain,
            kind,
            suf,
            min,
            max,
            name: String::new(),
            is_local: false,
        })
    })
}

fn csv_top_s() -> impl Strategy<Value = Top> {
    let record = (csv_first_s(), prop::collection::vec(csv_item_s(), 0..5)).prop_map(|(first, mut items)| {
        items.insert(0, Item::Field(FieldItem::new(first)));
        Ty::Struct(items)
    });
    // (element, None for `[..]` or Some(dims))
    let shape = prop_oneof![
        4 => (record, prop::option::of(size_dim(0, 6).prop_map(|d| vec![d]))),
        1 => (csv_first_s(), prop::option::of(size_dim(0, 6).prop_map(|d| vec![d]))),
        1 => (
            prop_oneof![4 => scalar_s(), 1 => Just(Ty::Char), 1 => (1..=3u64).prop_map(|n| Ty::Text { kind: Tk::Bytes, len: Dim::Const(n) })],
            prop_oneof![
                (1..=3u64, 1..=3u64).prop_map(|(a, b)| vec![Dim::Const(a), Dim::Const(b)]),
                (size_dim(1, 4), size_dim(1, 4)).prop_map(|(a, b)| vec![a, b]),
            ]
            .prop_map(Some),
        ),
    ];
    (csv_prefix_s(), shape).prop_map(|(mut items, (elem, dims))| {
        let tail = match dims {
            None => Some((String::new(), elem)),
            Some(dims) => {
                items.push(Item::Field(FieldItem::new(Ty::Array(Box::new(elem), dims))));
                None
            }
        };
        let mut top = Top { items, tail, footer: None, rest: None, droppable: HashSet::new() };
        Namer::default().name_top(&mut top);
        top
    })
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    // No regression files: failures print everything needed to reproduce them.
    Config { cases, failure_persistence: None, max_global_rejects: 100_000, ..Config::default() }
}

/// Run a property on a thread with a large stack: the recursive layout
/// strategies nest deeply, and unoptimised builds use a lot of stack per
/// level.
fn run_property<S, F>(strategy: fn() -> S, test: F)
where
    S: Strategy + 'static,
    F: Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static,
{
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut runner = TestRunner::new(config());
            runner.run(&strategy(), test).map_err(|e| e.to_string())
        })
        .expect("spawn the property thread");
    match worker.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{e}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

#[test]
fn json_roundtrip() {
    run_property(
        || (top_s(), any::<u64>()),
        |(top, seed)| {
            let (text, bytes) = instantiate(&top, seed, false);
            let kept = check_json_roundtrip(&text, &bytes).map_err(TestCaseError::fail)?;
            prop_assume!(kept);
            Ok(())
        },
    );
}

#[test]
fn json_fixed_point() {
    run_property(
        || (top_s(), any::<u64>()),
        |(top, seed)| {
            let (text, bytes) = instantiate(&top, seed, false);
            let kept = check_json_fixed_point(&text, &bytes, &top.droppable, seed).map_err(TestCaseError::fail)?;
            prop_assume!(kept);
            Ok(())
        },
    );
}

#[test]
fn csv_roundtrip() {
    run_property(
        || (csv_top_s(), any::<u64>()),
        |(top, seed)| {
            let (text, bytes) = instantiate(&top, seed, true);
            check_csv_roundtrip(&text, &bytes).map_err(TestCaseError::fail)
        },
    );
}

// ---------------------------------------------------------------------------
// Fixed cases
// ---------------------------------------------------------------------------

fn assert_json_roundtrip(text: &str, bytes: &[u8]) {
    match check_json_roundtrip(text, bytes) {
        Ok(true) => {}
        Ok(false) => panic!("{}", report("the file was refused on read", text, bytes, &[])),
        Err(e) => panic!("{e}"),
    }
}

/// Every special float of every kind, in both byte orders.
#[test]
fn float_specials_roundtrip() {
    for kind in [K::F16, K::BF16, K::F32, K::F64] {
        let (e, m) = kind.float_format();
        let n = 1 + e + m;
        let sign = 1u64 << (n - 1);
        let exp_mask = ((1u64 << e) - 1) << m;
        let mant_mask = (1u64 << m) - 1;
        let specials = [
            0,
            sign,
            exp_mask,
            sign | exp_mask,
            exp_mask | 1 << (m - 1),
            sign | exp_mask | 1 << (m - 1),
            exp_mask | 1,
            sign | exp_mask | 1,
            exp_mask | mant_mask,
            sign | exp_mask | mant_mask,
            exp_mask | 1 << (m - 1) | 1,
            1,
            sign | 1,
            mant_mask,
            1 << m,
            (exp_mask - (1 << m)) | mant_mask,
            sign | (exp_mask - (1 << m)) | mant_mask,
        ];
        for suffix in ["le", "be"] {
            let text = format!("v: {}{suffix}[{}]\n", kind.name(), specials.len());
            let mut bytes = Vec::new();
            for &b in &specials {
                let le = b.to_le_bytes();
                let le = &le[..kind.size()];
                if suffix == "le" {
                    bytes.extend_from_slice(le);
                } else {
                    bytes.extend(le.iter().rev());
                }
            }
            assert_json_roundtrip(&text, &bytes);
        }
    }
}

/// The layouts of SPEC §2, with data.
#[test]
fn spec_examples_roundtrip() {
    let mut data = Vec::new();
    data.extend_from_slice(&2i32.to_le_bytes());
    data.extend_from_slice(&3i32.to_le_bytes());
    for x in [0.1f64, -0.0, f64::INFINITY, f64::from_bits(0x7ff0_0000_0000_0001), 5e-324, f64::MAX] {
        data.extend_from_slice(&x.to_le_bytes());
    }
    assert_json_roundtrip("rows: i32\ncols: i32\ndata: f64[rows, cols]\n", &data);

    let mut fp = Vec::new();
    fp.extend_from_slice(&5i32.to_le_bytes());
    fp.extend_from_slice(&2i32.to_le_bytes());
    fp.extend_from_slice(b"hi\0\0\0");
    for x in [1.0f64, 2.0, 3.0, -1.5, f64::NAN, -0.0] {
        fp.extend_from_slice(&x.to_le_bytes());
    }
    assert_json_roundtrip("endian little\nM: i32\nN: i32\ninfo: utf8[M]\ncoords: { x: f64, y: f64, z: f64 }[N]\n", &fp);

    let mut db = Vec::new();
    for (name, t, v) in
        [(&b"MSFT_profit\0"[..], 1i64, 6.2f32), (b"\xff\xfe\0\0\0\0\0\0\0\0\0\0", -7, f32::from_bits(0xffc0_0001))]
    {
        db.extend_from_slice(name);
        db.extend_from_slice(&t.to_le_bytes());
        db.extend_from_slice(&v.to_le_bytes());
    }
    let text = "type Tick = { name: bytes[12], time: i64, value: f32 }\nrecords: Tick[..]\n";
    assert_json_roundtrip(text, &db);
    check_csv_roundtrip(text, &db[..24]).unwrap_or_else(|e| panic!("{e}"));
}

/// The generator itself: its layouts parse and its bytes read (a sanity
/// check so that a broken generator cannot make the properties vacuous).
#[test]
fn generator_produces_readable_files() {
    std::thread::Builder::new().stack_size(256 << 20).spawn(generator_check).unwrap().join().unwrap();
}

fn generator_check() {
    let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::default() });
    let (mut kept, mut total) = (0, 0);
    for i in 0..200u64 {
        let top = top_s().new_tree(&mut runner).expect("a layout").current();
        let (text, bytes) = instantiate(&top, i, false);
        let layout = Layout::parse(&text).unwrap_or_else(|e| panic!("generated layout does not parse: {e}\n{text}"));
        total += 1;
        if let Ok(Read::Ok(_)) = show_json(&layout, &bytes) {
            kept += 1;
        }
    }
    assert!(kept * 10 >= total * 9, "only {kept} of {total} generated files read back");
}

/// Large files cross the sinks' output buffer boundary.
#[test]
fn large_file_roundtrip() {
    let mut rng = Rng(7);
    let mut bytes = Vec::new();
    for _ in 0..40_000 {
        let b = float_bits(&mut rng, K::F32);
        bytes.extend_from_slice(&(b as u32).to_le_bytes());
    }
    assert_json_roundtrip("v: f32[..]\n", &bytes);

    let mut bytes = Vec::new();
    for i in 0..20_000u32 {
        bytes.extend_from_slice(&i.to_be_bytes());
        bytes.extend_from_slice(&(float_bits(&mut rng, K::F64) & !0x7ff0_0000_0000_0000).to_le_bytes());
        let text = text_content(&mut rng, 6, true, true);
        bytes.extend_from_slice(&text);
        bytes.resize(bytes.len() + 6 - text.len(), 0);
    }
    let text = "records: { id: u32be, x: f64, s: bytes[6] }[..]\n";
    assert_json_roundtrip(text, &bytes);
    check_csv_roundtrip(text, &bytes).unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------------------
// Regression tests: minimal cases once found by the properties above, and
// the semantics they pin.
// ---------------------------------------------------------------------------

fn assert_csv_roundtrip(text: &str, bytes: &[u8]) {
    check_csv_roundtrip(text, bytes).unwrap_or_else(|e| panic!("{e}"));
}

/// A size field of an enclosing struct (`n: u8; s: { v: u8[n] }`) is derived
/// by `pack` into the struct it belongs to, not into the one that uses it.
#[test]
fn size_field_of_outer_struct_roundtrips() {
    assert_json_roundtrip("n: u8\ns: { v: u8[n] }\n", &[1, 0x41]);
    assert_json_roundtrip("n: u8\ns: { t: bytes[n] }\n", &[1, 0x41]);
    assert_json_roundtrip("n: u8\nr: { v: u16[n] }[2]\n", &[1, 1, 2, 3, 4]);
}

/// A backslash in a `utf8` field survives the CSV round trip (it is not
/// misread as an escape).
#[test]
fn csv_utf8_backslash_roundtrips() {
    assert_csv_roundtrip("r: { a: u8, s: utf8[2] }[..]\n", &[1, b'a', b'\\']);
    assert_csv_roundtrip("r: { a: u8, s: utf8[3] }[..]\n", b"\x01\\n\0");
}

/// A CSV row whose only cell is empty text is kept (not written as an empty
/// line that the reader would skip).
#[test]
fn csv_row_of_one_empty_cell_roundtrips() {
    assert_csv_roundtrip("r: { s: bytes[1] }[..]\n", &[0]);
    assert_csv_roundtrip("v: cstr[..]\n", b"a\0\0b\0");
}

/// A record member with no CSV column (an empty sub-array, a struct with no
/// named field) packs from a CSV that does not mention it.
#[test]
fn csv_member_without_columns_roundtrips() {
    assert_csv_roundtrip("r: { a: u8, v: i8[0] }[..]\n", &[1]);
    assert_csv_roundtrip("r: { a: u8, s: {} }[..]\n", &[1]);
    assert_csv_roundtrip("r: { a: u8, s: { _: u8 } }[..]\n", &[1, 0]);
}

/// A 2-D array of `char` or `bytes[N]` is a bare matrix (no header line) in
/// CSV, written and read alike.
#[test]
fn csv_text_matrix_roundtrips() {
    assert_csv_roundtrip("m: char[2, 2]\n", b"abcd");
    assert_csv_roundtrip("m: bytes[1][2, 1]\n", b"ab");
    // A first cell that starts with U+FEFF keeps it (it is not a byte-order mark there).
    assert_csv_roundtrip("m: bytes[3][1, 1]\n", b"\xef\xbb\xbf");
}

/// `==` compares bits at the field's precision: -0.0 is not `== 0.0` (it is
/// refused on read, as `pack` would never write it), +0.0 round-trips.
#[test]
fn check_negative_zero_is_not_zero() {
    for (layout, neg, pos) in [
        ("x: f32 == 0.0\n", (-0.0f32).to_le_bytes().to_vec(), 0.0f32.to_le_bytes().to_vec()),
        ("x: f64 == 0\n", (-0.0f64).to_le_bytes().to_vec(), 0.0f64.to_le_bytes().to_vec()),
    ] {
        let l = Layout::parse(layout).expect("parse");
        let err = Map::new(&l, &neg, "t").expect_err("-0.0 is not == 0.0");
        assert!(err.to_string().contains("found -0.0"), "{err}");
        assert_json_roundtrip(layout, &pos);
    }
}

/// A float `==` literal is rounded once, from its decimal text, to the
/// field's precision, on read and by `pack` alike.
#[test]
fn check_literal_rounds_once() {
    // 2.9802322387695313e-8 is just above 2^-25, half the smallest f16 subnormal: it rounds up to 0x0001.
    assert_json_roundtrip("x: f16 == 2.9802322387695313e-8\n", &[1, 0]);
    // 2^60 + 2^36 + 1 lies just above the midpoint of two f32s (its f64 is the midpoint): it rounds up.
    assert_json_roundtrip("x: f32 == 1152921573326323713\n", &0x5d80_0001u32.to_le_bytes());
    let l = Layout::parse("x: f16 == 2.9802322387695313e-8\n").expect("parse");
    assert!(Map::new(&l, &[0, 0], "t").is_err(), "0x0000 is not the correctly rounded literal");
}

/// Two fields of one struct may not have the same name: JSON could not tell
/// them apart, and `pack` would write the first value twice.
#[test]
fn duplicate_field_names_are_refused() {
    let err = Layout::parse("a: u8\na: u8\n").expect_err("duplicate names");
    assert!(err.to_string().contains("field 'a' is already defined in this struct"), "{err}");
    // In two `if` blocks, at most one of which is present, a name may repeat...
    assert_json_roundtrip("k: u8\nif k == 1 { a: u8 }\nif k == 2 { a: u16 }\n", &[2, 1, 0]);
    // ...but not when both are.
    let l = Layout::parse("k: u8\nif k { a: u8 }\nif k { a: u8 }\n").expect("parse");
    assert!(
        Map::new(&l, &[1, 1, 2], "t").expect_err("both present").to_string().contains("field 'a' is present twice")
    );
}

/// `ucs4[n]` (numpy `U`n) counts 4-byte characters: `pack` sizes it in
/// characters, derives its size field from the number of characters, and
/// pads it with zero characters.
#[test]
fn ucs4_fields_pack() {
    let l = Layout::parse("w: ucs4[3]\n").expect("parse");
    let packed = pack_json(&l, r#"{"w": "ab"}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(packed, [b'a', 0, 0, 0, b'b', 0, 0, 0, 0, 0, 0, 0]);
    let err = pack_json(&l, r#"{"w": "abcd"}"#).expect_err("too long");
    assert!(err.contains("4 characters do not fit in a 3-character field"), "{err}");
    let l = Layout::parse("n: u8\nw: ucs4be[n]\n_: ucs4[1]\nx: u8\n").expect("parse");
    let packed = pack_json(&l, r#"{"w": "é€", "x": 7}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(packed, [2, 0, 0, 0, 0xe9, 0, 0, 0x20, 0xac, 0, 0, 0, 0, 7]);
    assert_json_roundtrip("n: u8\nw: ucs4be[n]\n_: ucs4[1]\nx: u8\n", &packed);
    assert_csv_roundtrip("r: { w: ucs4[2], v: u8 }[..]\n", &[b'\\', 0, 0, 0, 0, 0, 0, 0, 9]);
}

/// Pack `json` (or CSV `text` when `csv`) with `layout`: the error text, or the bytes.
fn pack_text(layout: &str, input: &str, csv: bool) -> Result<Vec<u8>, String> {
    let l = Layout::parse(layout).map_err(|e| e.to_string())?;
    let doc = if csv {
        csv_doc(&l, input, &Default::default()).map_err(|e| e.to_string())?.doc
    } else {
        parse_json(input).map_err(|e| e.to_string())?
    };
    pack(&l, &doc, if csv { Origin::Text } else { Origin::Json }).map_err(|e| e.to_string())
}

/// A finite value that rounds to infinity in its float type is an error
/// naming the path (as CPython's `struct.pack('<f', 1e40)`), from JSON and
/// CSV alike; infinities written as such, and values that round to the
/// largest finite value, are stored.
#[test]
fn floats_out_of_range_are_refused() {
    let cases = [
        (
            "f16",
            "70000",
            "70000 is out of range for f16: it would be stored as infinity (the largest finite f16 is 65504.0)",
        ),
        ("f16", "-65520", "-65520 is out of range for f16"),
        ("bf16", "3.4e38", "3.4e38 is out of range for bf16"),
        (
            "f32",
            "1e40",
            "1e40 is out of range for f32: it would be stored as infinity (the largest finite f32 is 3.4028235e+38)",
        ),
        ("f32be", "-3.4028236e38", "-3.4028236e38 is out of range for f32"),
        ("f64", "1e400", "1e400 is out of range for f64"),
    ];
    for (ty, value, want) in cases {
        let layout = format!("r: {{ a: u8, v: {ty} }}[..]\n");
        let err = pack_text(&layout, &format!(r#"{{"r": [{{"a": 1, "v": 1}}, {{"a": 2, "v": {value}}}]}}"#), false)
            .expect_err(value);
        assert!(err.contains(want) && err.contains("--> at r[1].v"), "{ty} {value}: {err}");
        let err = pack_text(&layout, &format!("a,v\n1,1\n2,{value}\n"), true).expect_err(value);
        assert!(err.contains(want) && err.contains("--> at r[1].v"), "CSV {ty} {value}: {err}");
    }
    // The largest finite values, and what rounds to them, are stored as such.
    assert_eq!(pack_text("v: f16", r#"{"v": 65519}"#, false), Ok(vec![0xff, 0x7b]));
    assert_eq!(pack_text("v: f16", r#"{"v": -65504}"#, false), Ok(vec![0xff, 0xfb]));
    assert_eq!(pack_text("v: bf16", r#"{"v": 3.3895313892515355e38}"#, false), Ok(vec![0x7f, 0x7f]));
    assert_eq!(pack_text("v: f32", r#"{"v": 3.4028235e38}"#, false), Ok(f32::MAX.to_le_bytes().to_vec()));
    // Infinities and NaN given as such stay allowed, in every spelling.
    assert_eq!(
        pack_text("v: f16[3]", r#"{"v": [Infinity, -Infinity, NaN]}"#, false),
        Ok(vec![0, 0x7c, 0, 0xfc, 0, 0x7e])
    );
    assert_eq!(
        pack_text("r: { v: f32 }[..]", "v\ninf\n-INF\n", true),
        Ok([f32::INFINITY.to_le_bytes(), f32::NEG_INFINITY.to_le_bytes()].concat())
    );
    // Both parts of a complex number are checked, each named.
    let err = pack_text("c: c64", r#"{"c": {"real": 1, "imag": 1e39}}"#, false).expect_err("imaginary part");
    assert!(
        err.contains("the imaginary part of a c64: 1e39 is out of range for f32") && err.contains("--> at c"),
        "{err}"
    );
    let err = pack_text("r: { c: c64 }[..]", "c\n(1e39+1j)\n", true).expect_err("real part");
    assert!(
        err.contains("the real part of a c64: 1e39 is out of range for f32") && err.contains("--> at r[0].c"),
        "{err}"
    );
    assert!(pack_text("c: c64", r#"{"c": {"real": Infinity, "imag": 1}}"#, false).is_ok());
}

/// `set` refuses the same values before touching the file, naming the assignment.
#[test]
fn set_refuses_floats_out_of_range() {
    let l = Layout::parse("h: f16\nb: bf16\nf: f32\nc: c64\n").expect("parse");
    let data = [0u8; 16];
    let map = Map::new(&l, &data, "x.bin").expect("map");
    for (a, want) in [
        ("h=70000", "70000 is out of range for f16"),
        ("b=1e39", "1e39 is out of range for bf16"),
        ("f=1e40", "1e40 is out of range for f32"),
        ("c=(1+1e39j)", "the imaginary part of a c64: 1e39 is out of range for f32"),
    ] {
        let err = binmap::set::plan(&map, &[a.to_string()]).expect_err(a).to_string();
        assert!(err.contains(want) && err.contains(&format!("--> in {a}")), "{a}: {err}");
    }
    let ok = binmap::set::plan(&map, &["h=65519".into(), "f=-inf".into(), "b=nan".into()]).expect("in range");
    assert_eq!(ok[0].bytes, [0xff, 0x7b]);
    assert_eq!(ok[1].bytes, f32::NEG_INFINITY.to_le_bytes());
}

/// A matrix of timedelta64 values written without a header: the cells hold
/// spaces of their own (`-3356315744212776502 microseconds`), so `pack`
/// reads them with commas, not as whitespace-separated columns.
#[test]
fn csv_timedelta_matrix_roundtrips() {
    assert_csv_roundtrip("f1: timedelta64[us][1, 1]\n", &[0xca, 0x89, 0x25, 0xf8, 0x9c, 0xf8, 0x6b, 0xd1]);
    assert_csv_roundtrip("f1: m8[s][2, 2]\n", &[7u8; 32]);
}
