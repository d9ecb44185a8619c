//! Python's `struct` module, with CPython 3.11's exact semantics on x86-64
//! Linux: formats, sizes, native alignment, packing with its range checks
//! and error messages, unpacking, and the `repr` of the resulting tuple.
//!
//! A format is an optional byte-order prefix followed by items:
//!
//! | prefix | byte order | sizes | alignment |
//! |---|---|---|---|
//! | `@` (default) | native (little) | native (`l L n N P` are 8 bytes) | each item to its own size |
//! | `=` | native (little) | standard (`l L` are 4 bytes) | none |
//! | `<` | little | standard | none |
//! | `>` `!` | big | standard | none |
//!
//! Codes: `x` pad byte, `c` char, `b B` 8-bit, `?` bool, `h H` 16-bit,
//! `i I` 32-bit, `l L` long, `q Q` 64-bit, `n N` ssize_t/size_t and `P`
//! pointer (`@` only), `e f d` IEEE half/single/double, `s` bytes, `p`
//! Pascal string. A decimal repeat count may precede a code: `3i` is three
//! ints, `5s` one 5-byte string, `4x` four pad bytes. Whitespace between
//! items is ignored (but not between a count and its code, as in CPython).
//!
//! ```
//! use binmap::pystruct::{calcsize, pack, parse, repr_tuple, unpack, PyValue};
//! let f = parse("!id5s").unwrap();
//! assert_eq!(calcsize(&f), 17);
//! let bytes = pack(&f, &[PyValue::Int(7), PyValue::Float(0.1), PyValue::Bytes(b"hello".to_vec())]).unwrap();
//! assert_eq!(bytes[..4], [0, 0, 0, 7]);
//! assert_eq!(repr_tuple(&unpack(&f, &bytes).unwrap()), "(7, 0.1, b'hello')");
//!
//! // CPython's quirks, kept: native alignment, and `f` widened to a double.
//! assert_eq!(calcsize(&parse("@bi").unwrap()), 8);
//! let f = parse("<f").unwrap();
//! let v = unpack(&f, &pack(&f, &[PyValue::Float(0.1)]).unwrap()).unwrap();
//! assert_eq!(repr_tuple(&v), "(0.10000000149011612,)");
//! ```
//!
//! Errors carry CPython's message text (`argument out of range`,
//! `unpack requires a buffer of 12 bytes`); a bad format is a
//! [`ErrorKind::Usage`] error, a bad value or buffer an
//! [`ErrorKind::Input`] one.

mod truth;
pub use truth::literal_truth;

use crate::error::{Error, Result};
use crate::text::escape::to_hex;
use crate::text::escape::write_json_str;
use crate::text::number::{self, NonFinite};

use crate::layout::struct_format::is_py_space;
pub use crate::layout::struct_format::{Format, Item, calcsize, parse, to_struct_type};

/// Which of CPython's three code tables packs a value; their range checks
/// and messages differ (on a little-endian machine `<` and `=` share
/// native routines where the sizes agree).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Native,
    Little,
    Big,
}

/// The code table that packs `fmt`'s values.
fn class(fmt: &Format) -> Class {
    match fmt.prefix {
        b'@' => Class::Native,
        b'=' | b'<' => Class::Little,
        _ => Class::Big,
    }
}

/// A Python value as `struct` packs and unpacks it.
#[derive(Clone, Debug, PartialEq)]
pub enum PyValue {
    /// An `int` that fits in `i128`.
    Int(i128),
    /// An `int` beyond `i128` (from [`parse_value`] of a huge literal):
    /// its sign and magnitude as base-2³² digits, least significant first.
    BigInt {
        negative: bool,
        magnitude: Vec<u32>,
    },
    Float(f64),
    Bool(bool),
    Bytes(Vec<u8>),
}

impl PyValue {
    /// Python's truth value (`?` packs it).
    pub fn truthy(&self) -> bool {
        match self {
            PyValue::Int(v) => *v != 0,
            PyValue::BigInt { .. } => true,
            PyValue::Float(x) => *x != 0.0,
            PyValue::Bool(b) => *b,
            PyValue::Bytes(b) => !b.is_empty(),
        }
    }

    /// `float(value)` for a number: `None` for bytes, `Some(Err)` for an
    /// int too large for a double.
    fn as_double(&self) -> Option<std::result::Result<f64, ()>> {
        match self {
            PyValue::Int(v) => Some(Ok(*v as f64)),
            PyValue::BigInt { negative, magnitude } => {
                let x = big_to_f64(magnitude);
                if x.is_infinite() { Some(Err(())) } else { Some(Ok(if *negative { -x } else { x })) }
            }
            PyValue::Float(x) => Some(Ok(*x)),
            PyValue::Bool(b) => Some(Ok(if *b { 1.0 } else { 0.0 })),
            PyValue::Bytes(_) => None,
        }
    }

    fn is_int(&self) -> bool {
        matches!(self, PyValue::Int(_) | PyValue::BigInt { .. } | PyValue::Bool(_))
    }
}

// ---------------------------------------------------------------------------
// Unpacking
// ---------------------------------------------------------------------------

/// Unpack exactly `calcsize(fmt)` bytes, `struct.unpack`.
///
/// ```
/// use binmap::pystruct::{parse, repr_tuple, unpack};
/// let f = parse("<?c3sh").unwrap();
/// let v = unpack(&f, b"\x07x\0ab\xff\xff").unwrap();
/// assert_eq!(repr_tuple(&v), "(True, b'x', b'\\x00ab', -1)");
/// let err = unpack(&f, b"short").unwrap_err();
/// assert_eq!(err.message, "unpack requires a buffer of 7 bytes (got 5)");
/// ```
pub fn unpack(fmt: &Format, bytes: &[u8]) -> Result<Vec<PyValue>> {
    if bytes.len() as u64 != fmt.size {
        return Err(Error::input(format!("unpack requires a buffer of {} bytes (got {})", fmt.size, bytes.len())));
    }
    check_record(fmt)?;
    let mut out = Vec::new();
    for it in &fmt.items {
        let base = it.offset as usize;
        match it.code {
            b'x' => {}
            b's' => out.push(PyValue::Bytes(bytes[base..base + it.count as usize].to_vec())),
            b'p' => out.push(PyValue::Bytes(pascal(&bytes[base..base + it.count as usize]).to_vec())),
            _ => {
                for k in 0..it.count as usize {
                    let at = base + k * it.size as usize;
                    out.push(decode(it.code, fmt.big_endian(), &bytes[at..at + it.size as usize]));
                }
            }
        }
    }
    Ok(out)
}

/// The error CPython raises for every record of `fmt`, if any: a `0p`
/// item cannot be unpacked (CPython asks for a bytes object of size -1).
fn check_record(fmt: &Format) -> Result<()> {
    if fmt.items.iter().any(|it| it.code == b'p' && it.count == 0) {
        return Err(Error::input("Negative size passed to PyBytes_FromStringAndSize"));
    }
    Ok(())
}

/// The string of a Pascal field: the first byte is the length, at most
/// `len - 1`.
#[inline]
fn pascal(b: &[u8]) -> &[u8] {
    match b.split_first() {
        Some((&n, rest)) => &rest[..usize::from(n).min(rest.len())],
        None => &[],
    }
}

#[inline]
fn arr<const N: usize>(b: &[u8], big: bool) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&b[..N]);
    if big {
        a.reverse();
    }
    a
}

/// Decode one element of a numeric, bool or char code from exactly its bytes.
#[inline]
fn decode(code: u8, big: bool, b: &[u8]) -> PyValue {
    match code {
        b'c' => PyValue::Bytes(b[..1].to_vec()),
        b'?' => PyValue::Bool(b[0] != 0),
        b'e' => PyValue::Float(f16_bits_to_f64(u16::from_le_bytes(arr(b, big)))),
        b'f' => PyValue::Float(f32_bits_to_f64(u32::from_le_bytes(arr(b, big)))),
        b'd' => PyValue::Float(f64::from_le_bytes(arr(b, big))),
        _ => PyValue::Int(decode_int(code, big, b)),
    }
}

#[inline]
fn decode_int(code: u8, big: bool, b: &[u8]) -> i128 {
    let signed = code.is_ascii_lowercase();
    match (b.len(), signed) {
        (1, true) => i8::from_le_bytes(arr(b, big)).into(),
        (1, false) => b[0].into(),
        (2, true) => i16::from_le_bytes(arr(b, big)).into(),
        (2, false) => u16::from_le_bytes(arr(b, big)).into(),
        (4, true) => i32::from_le_bytes(arr(b, big)).into(),
        (4, false) => u32::from_le_bytes(arr(b, big)).into(),
        (_, true) => i64::from_le_bytes(arr(b, big)).into(),
        (_, false) => u64::from_le_bytes(arr(b, big)).into(),
    }
}

/// Widen binary16 bits to a double, exactly (NaN keeps its sign, as
/// CPython's `PyFloat_Unpack2`; the payload is not kept).
pub fn f16_bits_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let e = (h >> 10) & 0x1f;
    let m = f64::from(h & 0x3ff);
    match e {
        0 => sign * m * (2f64).powi(-24),
        0x1f if m == 0.0 => sign * f64::INFINITY,
        0x1f => f64::from_bits(((h as u64 & 0x8000) << 48) | 0x7ff8_0000_0000_0000),
        _ => sign * (1.0 + m / 1024.0) * (2f64).powi(i32::from(e) - 15),
    }
}

/// Widen binary32 bits to a double as x86's `cvtss2sd` does (a NaN is
/// quieted, its payload kept).
pub fn f32_bits_to_f64(bits: u32) -> f64 {
    let x = f32::from_bits(bits);
    if x.is_nan() {
        let sign = u64::from(bits >> 31) << 63;
        let payload = u64::from(bits & 0x007f_ffff) << 29;
        return f64::from_bits(sign | 0x7ff8_0000_0000_0000 | payload);
    }
    f64::from(x)
}

/// Narrow a double to binary32 bits as x86's `cvtsd2ss` does: round to
/// nearest even, a NaN quieted with the top of its payload kept.
pub fn f64_to_f32_bits(x: f64) -> u32 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = ((bits >> 63) as u32) << 31;
        return sign | 0x7fc0_0000 | ((bits >> 29) as u32 & 0x007f_ffff);
    }
    (x as f32).to_bits()
}

/// Round a double to binary16 bits, correctly (to nearest, ties to even),
/// as CPython's `PyFloat_Pack2`: `None` when a finite value rounds to
/// infinity. NaN packs as `0x7e00` with its sign.
///
/// ```
/// use binmap::pystruct::f64_to_f16_bits;
/// assert_eq!(f64_to_f16_bits(1.0), Some(0x3c00));
/// assert_eq!(f64_to_f16_bits(65519.99), Some(0x7bff));
/// assert_eq!(f64_to_f16_bits(65520.0), None);
/// assert_eq!(f64_to_f16_bits(2f64.powi(-25)), Some(0)); // a tie, to even
/// // Just above the tie: rounds up (a two-step f64 -> f32 -> f16 would not).
/// assert_eq!(f64_to_f16_bits(1.0 + 2f64.powi(-11) + 2f64.powi(-40)), Some(0x3c01));
/// ```
pub fn f64_to_f16_bits(x: f64) -> Option<u16> {
    let bits = x.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    if x.is_nan() {
        return Some(sign | 0x7e00);
    }
    if x.is_infinite() {
        return Some(sign | 0x7c00);
    }
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let man = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        // Zero or an f64 subnormal: far below the smallest f16 subnormal.
        return Some(sign);
    }
    // x = sig * 2^(exp - 1075), sig with 53 bits.
    let sig = man | (1u64 << 52);
    let e = exp - 1023; // unbiased exponent of x
    // The f16 result: normal if e >= -14, with 10 fraction bits; else subnormal
    // in units of 2^-24. Express the value in units of 2^q where q is the
    // f16 ulp at this exponent.
    let q = if e >= -14 { e - 10 } else { -24 };
    // value / 2^q = sig * 2^(exp - 1075 - q); the shift is negative (we drop bits).
    let shift = (exp - 1075) - q; // <= -42 for normal results
    if shift >= 0 {
        // Cannot happen for finite doubles (would need e > 52 + 10 with q = e - 10).
        return None;
    }
    let drop = (-shift) as u32;
    let (mut n, half_cmp) = if drop >= 64 {
        (0u64, std::cmp::Ordering::Less)
    } else {
        let n = sig >> drop;
        let rem = sig & ((1u64 << drop) - 1);
        let half = 1u64 << (drop - 1);
        (n, rem.cmp(&half))
    };
    if half_cmp == std::cmp::Ordering::Greater || (half_cmp == std::cmp::Ordering::Equal && n & 1 == 1) {
        n += 1;
    }
    // n is the magnitude in units of 2^q.
    let out = if e >= -14 {
        // n in [1024, 2048]; 2048 carries into the exponent.
        let (n, e) = if n >= 2048 { (n >> 1, e + 1) } else { (n, e) };
        if e > 15 {
            return None;
        }
        ((((e + 15) as u64) << 10) | (n & 0x3ff)) as u16
    } else {
        // Subnormal: n in [0, 1024]; 1024 is the smallest normal, same bits.
        n as u16
    };
    Some(sign | out)
}

// ---------------------------------------------------------------------------
// Packing
// ---------------------------------------------------------------------------

/// How CPython reads an int argument before its range check.
#[derive(Clone, Copy)]
enum Getter {
    /// `PyLong_AsLong`: outside i64 is `argument out of range`.
    Long,
    /// `PyLong_AsUnsignedLong`: outside u64 is `argument out of range`.
    ULong,
    /// `_PyLong_AsByteArray`: outside the type is `int too large to convert`.
    Bytes { signed: bool },
    /// `PyLong_AsVoidPtr`: i64 or u64, else `int too large to convert`.
    VoidPtr,
}

const AOR: &str = "argument out of range";
const ITL: &str = "int too large to convert";

/// The getter and range check (inclusive bounds and message) of an int code.
fn int_rule(code: u8, class: Class) -> (Getter, Option<(i128, i128, &'static str)>) {
    use Class::*;
    use Getter::*;
    match (code, class) {
        (b'b', _) => (Long, Some((-128, 127, "byte format requires -128 <= number <= 127"))),
        (b'B', _) => (Long, Some((0, 255, "ubyte format requires 0 <= number <= 255"))),
        (b'h', Big) => (Long, Some((-32768, 32767, "'h' format requires -32768 <= number <= 32767"))),
        (b'h', _) => (Long, Some((-32768, 32767, "short format requires -32768 <= number <= 32767"))),
        (b'H', Big) => (ULong, Some((0, 65535, "'H' format requires 0 <= number <= 65535"))),
        (b'H', _) => (Long, Some((0, 65535, "ushort format requires 0 <= number <= 65535"))),
        (b'i', _) => {
            (Long, Some((-(1 << 31), (1 << 31) - 1, "'i' format requires -2147483648 <= number <= 2147483647")))
        }
        (b'I', _) => (ULong, Some((0, (1 << 32) - 1, "'I' format requires 0 <= number <= 4294967295"))),
        (b'l', Native) => (Long, None),
        (b'l', _) => {
            (Long, Some((-(1 << 31), (1 << 31) - 1, "'l' format requires -2147483648 <= number <= 2147483647")))
        }
        (b'L', Native) => (ULong, None),
        (b'L', _) => (ULong, Some((0, (1 << 32) - 1, "'L' format requires 0 <= number <= 4294967295"))),
        (b'q', Big) => (Bytes { signed: true }, None),
        (b'Q', Big) => (Bytes { signed: false }, None),
        (b'q' | b'n', _) => (Long, None),
        (b'P', _) => (VoidPtr, None),
        _ => (ULong, None), // Q (native, little), N
    }
}

/// Check an int value for `code`; the value fits the code's size after this.
fn check_int(code: u8, class: Class, v: &PyValue) -> Result<i128> {
    let (getter, range) = int_rule(code, class);
    let (lo, hi, msg) = match getter {
        Getter::Long => (i128::from(i64::MIN), i128::from(i64::MAX), AOR),
        Getter::ULong => (0, i128::from(u64::MAX), AOR),
        Getter::Bytes { signed: true } => (i128::from(i64::MIN), i128::from(i64::MAX), ITL),
        Getter::Bytes { signed: false } => (0, i128::from(u64::MAX), ITL),
        Getter::VoidPtr => (i128::from(i64::MIN), i128::from(u64::MAX), ITL),
    };
    let x = match v {
        PyValue::Int(x) => *x,
        PyValue::Bool(b) => i128::from(*b),
        PyValue::BigInt { .. } => return Err(Error::input(msg)),
        PyValue::Float(_) | PyValue::Bytes(_) => return Err(Error::input("required argument is not an integer")),
    };
    if x < lo || x > hi {
        return Err(Error::input(msg));
    }
    if let Some((lo, hi, msg)) = range
        && (x < lo || x > hi)
    {
        return Err(Error::input(msg));
    }
    Ok(x)
}

/// Pack `values` by `fmt`, `struct.pack`.
///
/// ```
/// use binmap::pystruct::{pack, parse, PyValue::*};
/// let f = parse(">hxs?").unwrap();
/// assert_eq!(pack(&f, &[Int(-2), Bytes(b"ab".to_vec()), Int(5)]).unwrap(), b"\xff\xfe\0a\x01");
/// let err = pack(&f, &[Int(40000), Bytes(vec![]), Bool(true)]).unwrap_err();
/// assert_eq!(err.message, "'h' format requires -32768 <= number <= 32767");
/// let err = pack(&f, &[Int(1)]).unwrap_err();
/// assert_eq!(err.message, "pack expected 3 items for packing (got 1)");
/// ```
pub fn pack(fmt: &Format, values: &[PyValue]) -> Result<Vec<u8>> {
    if values.len() as u64 != fmt.nvalues {
        return Err(Error::input(format!("pack expected {} items for packing (got {})", fmt.nvalues, values.len())));
    }
    let size = usize::try_from(fmt.size).map_err(|_| Error::input("MemoryError: the struct is too large"))?;
    let mut out = Vec::new();
    out.try_reserve_exact(size).map_err(|_| Error::input(format!("MemoryError: cannot allocate {size} bytes")))?;
    out.resize(size, 0);
    let class = class(fmt);
    let big = fmt.big_endian();
    let mut vals = values.iter();
    for it in &fmt.items {
        let base = it.offset as usize;
        match it.code {
            b'x' => {}
            b's' | b'p' => {
                let Some(v) = vals.next() else { break };
                let PyValue::Bytes(b) = v else {
                    return Err(Error::input(format!("argument for '{}' must be a bytes object", char::from(it.code))));
                };
                let n = it.count as usize;
                let dst = &mut out[base..base + n];
                if it.code == b's' {
                    let k = b.len().min(n);
                    dst[..k].copy_from_slice(&b[..k]);
                } else if n > 0 {
                    let k = b.len().min(n - 1);
                    dst[1..1 + k].copy_from_slice(&b[..k]);
                    dst[0] = k.min(255) as u8;
                } else if let Some(byte) = out.get_mut(base) {
                    // CPython quirk: `0p` stores the length -1 as 0xff in the
                    // byte at its offset, which belongs to what follows (a
                    // later item overwrites it; pad bytes keep it). At the
                    // very end CPython writes past its buffer; we drop it.
                    *byte = 0xff;
                }
            }
            _ => {
                for k in 0..it.count as usize {
                    let Some(v) = vals.next() else { break };
                    let at = base + k * it.size as usize;
                    pack_one(it.code, class, big, v, &mut out[at..at + it.size as usize])?;
                }
            }
        }
    }
    Ok(out)
}

fn put(dst: &mut [u8], le: &[u8], big: bool) {
    dst.copy_from_slice(le);
    if big {
        dst.reverse();
    }
}

fn pack_one(code: u8, class: Class, big: bool, v: &PyValue, dst: &mut [u8]) -> Result<()> {
    match code {
        b'?' => dst[0] = u8::from(v.truthy()),
        b'c' => match v {
            PyValue::Bytes(b) if b.len() == 1 => dst[0] = b[0],
            _ => return Err(Error::input("char format requires a bytes object of length 1")),
        },
        b'e' | b'f' | b'd' => {
            let x = match v.as_double() {
                Some(Ok(x)) => x,
                _ => return Err(Error::input("required argument is not a float")),
            };
            // CPython turns an OverflowError raised for an int argument into this.
            let overflow = |c: char| {
                Error::input(if v.is_int() {
                    ITL.to_string()
                } else {
                    format!("float too large to pack with {c} format")
                })
            };
            match code {
                b'e' => put(dst, &f64_to_f16_bits(x).ok_or_else(|| overflow('e'))?.to_le_bytes(), big),
                b'f' => {
                    let bits = f64_to_f32_bits(x);
                    // Native `f` is a plain C cast; the standard sizes check.
                    if class != Class::Native && f32::from_bits(bits).is_infinite() && x.is_finite() {
                        return Err(overflow('f'));
                    }
                    put(dst, &bits.to_le_bytes(), big);
                }
                _ => put(dst, &x.to_le_bytes(), big),
            }
        }
        _ => {
            let x = check_int(code, class, v)?;
            // Two's complement, little-endian, truncated to the size (the
            // checks above keep the value within the size).
            let le = x.to_le_bytes();
            put(dst, &le[..dst.len()], big);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Python literals
// ---------------------------------------------------------------------------

/// Read a value as a user types it on the command line: an int (`123`,
/// `-5`, `0x1f`, `1_000`), a float (`0.1`, `-1e300`, `nan`, `inf`),
/// `True`/`False`, a bytes literal (`b'hi\x00'`), or any other text as
/// bytes, where `\xNN` (and Python's other escapes) stand for bytes.
///
/// ```
/// use binmap::pystruct::{parse_value, PyValue::*};
/// assert_eq!(parse_value("0x1f").unwrap(), Int(31));
/// assert_eq!(parse_value("-1_000").unwrap(), Int(-1000));
/// assert_eq!(parse_value("-1e300").unwrap(), Float(-1e300));
/// assert_eq!(parse_value("True").unwrap(), Bool(true));
/// assert_eq!(parse_value("b'hi\\x00'").unwrap(), Bytes(b"hi\0".to_vec()));
/// assert_eq!(parse_value("a\\xffb").unwrap(), Bytes(b"a\xffb".to_vec()));
/// ```
pub fn parse_value(text: &str) -> Result<PyValue> {
    let t = text.trim_matches(|c: char| c.is_ascii() && is_py_space(c as u8));
    match t {
        "True" => return Ok(PyValue::Bool(true)),
        "False" => return Ok(PyValue::Bool(false)),
        _ => {}
    }
    if let Some(v) = parse_int_literal(t) {
        return Ok(v);
    }
    if let Some(x) = strip_underscores(t, false).and_then(|s| number::parse_f64(&s)) {
        // `float('-nan')` keeps its sign (`e` packs it as 0xfe00).
        let x = if x.is_nan() && t.starts_with('-') { -x.abs() } else { x };
        return Ok(PyValue::Float(x));
    }
    parse_bytes_arg(text).map(PyValue::Bytes)
}

/// Read a value for an `s`, `p` or `c` item: the text itself (after escape
/// processing) or the contents of a `b'...'` literal.
///
/// ```
/// use binmap::pystruct::parse_bytes_arg;
/// assert_eq!(parse_bytes_arg("123").unwrap(), b"123");
/// assert_eq!(parse_bytes_arg("b\"it's\"").unwrap(), b"it's");
/// assert_eq!(parse_bytes_arg("tab\\there").unwrap(), b"tab\there");
/// ```
pub fn parse_bytes_arg(text: &str) -> Result<Vec<u8>> {
    let b = text.as_bytes();
    let literal = b.len() >= 3 && matches!(b[0], b'b' | b'B') && matches!(b[1], b'\'' | b'"') && b[b.len() - 1] == b[1];
    let body = if literal { &text[2..text.len() - 1] } else { text };
    unescape_py(body).map_err(|m| Error::input(format!("bad value {text:?}: {m}")))
}

/// The values of a command line for `fmt`: `s`, `p` and `c` items take
/// their text as bytes ([`parse_bytes_arg`]), every other item
/// [`parse_value`]; a `?` item that is no number takes the truth of the
/// Python literal ([`literal_truth`]: `None` and `''` are False).
///
/// ```
/// use binmap::pystruct::{parse, parse_values, PyValue::*};
/// let f = parse("<2s?d").unwrap();
/// let v = parse_values(&f, &["12", "1", "5"]).unwrap();
/// assert_eq!(v, [Bytes(b"12".to_vec()), Int(1), Int(5)]);
/// let v = parse_values(&f, &["12", "None", "5"]).unwrap();
/// assert_eq!(v[1], Bool(false));
/// ```
pub fn parse_values<S: AsRef<str>>(fmt: &Format, texts: &[S]) -> Result<Vec<PyValue>> {
    let mut codes = fmt.items.iter().flat_map(|it| {
        let n = match it.code {
            b'x' => 0,
            b's' | b'p' => 1,
            _ => it.count,
        };
        std::iter::repeat_n(it.code, usize::try_from(n).unwrap_or(usize::MAX))
    });
    texts
        .iter()
        .map(|t| match codes.next() {
            Some(b's' | b'p' | b'c') => parse_bytes_arg(t.as_ref()).map(PyValue::Bytes),
            // `?` packs Python's truth of any literal: `None`, `''`, `()`...
            Some(b'?') => match parse_value(t.as_ref())? {
                PyValue::Bytes(_) => literal_truth(t.as_ref()).map(PyValue::Bool),
                number => Ok(number),
            },
            _ => parse_value(t.as_ref()),
        })
        .collect()
}

/// Remove underscores placed as Python allows (single, between digits);
/// `None` if one is misplaced.
fn strip_underscores(t: &str, hex: bool) -> Option<String> {
    if !t.contains('_') {
        return Some(t.to_string());
    }
    let b = t.as_bytes();
    let digit = |c: u8| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() };
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let prev = i.checked_sub(1).map(|j| b[j]);
            let next = b.get(i + 1).copied();
            if !next.is_some_and(digit)
                || !prev.is_some_and(|p| digit(p) || (hex && matches!(p, b'x' | b'X' | b'o' | b'O' | b'b' | b'B')))
            {
                return None;
            }
        }
    }
    Some(t.replace('_', ""))
}

/// An int literal, of any size.
fn parse_int_literal(t: &str) -> Option<PyValue> {
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &body[2..]),
        Some("0o") => (8, &body[2..]),
        Some("0b") => (2, &body[2..]),
        _ => (10, body),
    };
    let digits = if radix == 10 {
        strip_underscores(digits, false)?
    } else {
        // `0x_1f` is allowed: check with the prefix in place.
        let d = strip_underscores(body, true)?;
        d[2..].to_string()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mut mag: Vec<u32> = Vec::new();
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        let mut carry = u64::from(d);
        for limb in mag.iter_mut() {
            let v = u64::from(*limb) * u64::from(radix) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            mag.push(carry as u32);
        }
    }
    while mag.last() == Some(&0) {
        mag.pop();
    }
    if mag.len() <= 4 {
        let mut m: u128 = 0;
        for limb in mag.iter().rev() {
            m = (m << 32) | u128::from(*limb);
        }
        if m <= i128::MAX as u128 {
            let v = m as i128;
            return Some(PyValue::Int(if neg { -v } else { v }));
        }
        if neg && m == i128::MIN.unsigned_abs() {
            return Some(PyValue::Int(i128::MIN));
        }
    }
    Some(PyValue::BigInt { negative: neg, magnitude: mag })
}

/// A non-negative big integer rounded correctly to a double (infinity
/// beyond the largest double).
fn big_to_f64(mag: &[u32]) -> f64 {
    let Some(top) = mag.iter().rposition(|&l| l != 0) else { return 0.0 };
    let bits = top as u64 * 32 + u64::from(32 - mag[top].leading_zeros());
    let bit = |i: u64| -> u64 { u64::from((mag[(i / 32) as usize] >> (i % 32)) & 1) };
    if bits <= 64 {
        let mut m: u64 = 0;
        for i in (0..bits).rev() {
            m = (m << 1) | bit(i);
        }
        return m as f64;
    }
    // Keep 64 top bits, fold the rest into a sticky bit, and let the u64
    // conversion round once (the sticky bit breaks ties correctly).
    let shift = bits - 64;
    let mut m: u64 = 0;
    for i in (shift..bits).rev() {
        m = (m << 1) | bit(i);
    }
    let sticky = (0..shift).any(|i| bit(i) == 1);
    // m has 64 significant bits; rounding to 53 drops 11. Put the sticky in bit 0
    // (which is below the rounding position), unless already set.
    let m = m | u64::from(sticky);
    let x = m as f64;
    if shift > 2000 {
        return f64::INFINITY;
    }
    x * (2f64).powi(shift as i32)
}

/// Python's escape processing for bytes literals: `\\ \' \" \n \r \t \0`,
/// `\a \b \f \v`, `\xNN`, octal `\ooo`, and a backslash before any other
/// character is kept, as Python does.
fn unescape_py(s: &str) -> std::result::Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let Some(&c) = b.get(i + 1) else {
            out.push(b'\\');
            break;
        };
        i += 2;
        match c {
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'\n' => {}
            b'x' => {
                let hex = b.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                match hex
                    .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => out.push(v),
                    None => return Err(format!("truncated \\xXX escape at position {}", i - 2)),
                }
                i += 2;
            }
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push((v & 0xff) as u8);
            }
            _ => {
                out.push(b'\\');
                i -= 1;
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

/// Append Python's `repr` of a bytes object.
pub fn write_bytes_repr(out: &mut Vec<u8>, b: &[u8]) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { b'"' } else { b'\'' };
    out.push(b'b');
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            c if c == quote => {
                out.push(b'\\');
                out.push(c);
            }
            0x20..0x7f => out.push(c),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'x', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
            }
        }
    }
    out.push(quote);
}

fn write_big_decimal(out: &mut Vec<u8>, negative: bool, mag: &[u32]) {
    let mut m: Vec<u32> = mag.to_vec();
    let mut chunks = Vec::new();
    while m.iter().any(|&l| l != 0) {
        let mut rem: u64 = 0;
        for limb in m.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / 1_000_000_000) as u32;
            rem = v % 1_000_000_000;
        }
        chunks.push(rem as u32);
    }
    if negative && !chunks.is_empty() {
        out.push(b'-');
    }
    match chunks.split_last() {
        None => out.push(b'0'),
        Some((first, rest)) => {
            out.extend_from_slice(first.to_string().as_bytes());
            for c in rest.iter().rev() {
                out.extend_from_slice(format!("{c:09}").as_bytes());
            }
        }
    }
}

fn write_repr_value(out: &mut Vec<u8>, v: &PyValue) {
    match v {
        PyValue::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        PyValue::BigInt { negative, magnitude } => write_big_decimal(out, *negative, magnitude),
        PyValue::Float(x) => number::write_f64(out, *x, NonFinite::Text),
        PyValue::Bool(b) => out.extend_from_slice(if *b { b"True" } else { b"False" }),
        PyValue::Bytes(b) => write_bytes_repr(out, b),
    }
}

fn write_json_bytes(out: &mut Vec<u8>, b: &[u8]) {
    match std::str::from_utf8(b) {
        Ok(s) => write_json_str(out, s),
        Err(_) => {
            out.extend_from_slice(b"{\"hex\":\"");
            out.extend_from_slice(to_hex(b).as_bytes());
            out.extend_from_slice(b"\"}");
        }
    }
}

fn write_json_value(out: &mut Vec<u8>, v: &PyValue) {
    match v {
        PyValue::Float(x) => number::write_f64(out, *x, NonFinite::Json),
        PyValue::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        PyValue::Bytes(b) => write_json_bytes(out, b),
        PyValue::Int(_) | PyValue::BigInt { .. } => write_repr_value(out, v),
    }
}

/// Python's `repr` of the tuple of `values`.
///
/// ```
/// use binmap::pystruct::{repr_tuple, PyValue::*};
/// assert_eq!(repr_tuple(&[Int(123), Float(0.1), Bytes(b"hello".to_vec())]), "(123, 0.1, b'hello')");
/// assert_eq!(repr_tuple(&[Int(5)]), "(5,)");
/// assert_eq!(repr_tuple(&[]), "()");
/// assert_eq!(repr_tuple(&[Bytes(b"it's\n".to_vec()), Float(f64::NAN), Bool(false)]), "(b\"it's\\n\", nan, False)");
/// ```
pub fn repr_tuple(values: &[PyValue]) -> String {
    let mut out = Vec::new();
    out.push(b'(');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        write_repr_value(&mut out, v);
    }
    if values.len() == 1 {
        out.push(b',');
    }
    out.push(b')');
    String::from_utf8_lossy(&out).into_owned()
}

/// The values as a JSON array: bytes as text when valid UTF-8, else
/// `{"hex": ...}`; floats as Python's `json` writes them (`NaN`, `Infinity`).
///
/// ```
/// use binmap::pystruct::{json_array, PyValue::*};
/// assert_eq!(json_array(&[Int(123), Float(0.1), Bytes(b"hello".to_vec())]), r#"[123,0.1,"hello"]"#);
/// assert_eq!(json_array(&[Bytes(vec![0xff]), Float(f64::INFINITY), Bool(true)]), r#"[{"hex":"ff"},Infinity,true]"#);
/// ```
pub fn json_array(values: &[PyValue]) -> String {
    let mut out = Vec::new();
    out.push(b'[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_json_value(&mut out, v);
    }
    out.push(b']');
    String::from_utf8_lossy(&out).into_owned()
}

/// How [`write_record`] prints a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Python's tuple `repr`.
    Repr,
    /// A JSON array, as [`json_array`].
    Json,
}

/// Check that records of `fmt` can be unpacked (`iter_unpack`'s checks):
/// `len` must be a multiple of a non-zero size.
///
/// ```
/// use binmap::pystruct::{check_iter, parse};
/// let f = parse("<iq").unwrap();
/// assert_eq!(check_iter(&f, 24).unwrap(), 2);
/// assert_eq!(check_iter(&f, 13).unwrap_err().message, "iterative unpacking requires a buffer of a multiple of 12 bytes (got 13)");
/// ```
pub fn check_iter(fmt: &Format, len: u64) -> Result<u64> {
    if fmt.size == 0 {
        return Err(Error::input("cannot iteratively unpack with a struct of length 0"));
    }
    if !len.is_multiple_of(fmt.size) {
        return Err(Error::input(format!(
            "iterative unpacking requires a buffer of a multiple of {} bytes (got {len})",
            fmt.size
        )));
    }
    if len > 0 {
        check_record(fmt)?;
    }
    Ok(len / fmt.size)
}

/// Append one record (exactly `calcsize(fmt)` bytes) as a line of text:
/// the tuple `repr` or the JSON array, then `\n`. This is `unpack` and
/// [`repr_tuple`] in one pass, without building values; the caller checks
/// the record's size and [`check_iter`] first.
///
/// ```
/// use binmap::pystruct::{parse, write_record, Style};
/// let f = parse("<hf").unwrap();
/// let mut out = Vec::new();
/// write_record(&f, b"\x01\x00\xcd\xcc\xcc\x3d", Style::Repr, &mut out);
/// write_record(&f, b"\x01\x00\x00\x00\xc0\x7f", Style::Json, &mut out);
/// assert_eq!(out, b"(1, 0.10000000149011612)\n[1,NaN]\n");
/// ```
#[inline]
pub fn write_record(fmt: &Format, rec: &[u8], style: Style, out: &mut Vec<u8>) {
    let big = fmt.big_endian();
    let json = style == Style::Json;
    let nf = if json { NonFinite::Json } else { NonFinite::Text };
    out.push(if json { b'[' } else { b'(' });
    let mut first = true;
    let mut sep = |out: &mut Vec<u8>| {
        if !first {
            out.extend_from_slice(if json { b"," } else { b", " });
        }
        first = false;
    };
    for it in &fmt.items {
        let base = it.offset as usize;
        match it.code {
            b'x' => {}
            b's' | b'p' => {
                sep(out);
                let Some(raw) = rec.get(base..base + it.count as usize) else { continue };
                let b = if it.code == b's' { raw } else { pascal(raw) };
                if json {
                    write_json_bytes(out, b);
                } else {
                    write_bytes_repr(out, b);
                }
            }
            code => {
                let sz = it.size as usize;
                for k in 0..it.count as usize {
                    sep(out);
                    let at = base + k * sz;
                    let Some(b) = rec.get(at..at + sz) else { continue };
                    match code {
                        b'c' if json => write_json_bytes(out, b),
                        b'c' => write_bytes_repr(out, b),
                        b'?' => out.extend_from_slice(match (b[0] != 0, json) {
                            (true, false) => b"True",
                            (false, false) => b"False",
                            (true, true) => b"true",
                            (false, true) => b"false",
                        }),
                        b'e' => number::write_f64(out, f16_bits_to_f64(u16::from_le_bytes(arr(b, big))), nf),
                        b'f' => number::write_f64(out, f32_bits_to_f64(u32::from_le_bytes(arr(b, big))), nf),
                        b'd' => number::write_f64(out, f64::from_le_bytes(arr(b, big)), nf),
                        _ => {
                            let mut buf = itoa::Buffer::new();
                            let s = match (sz, code.is_ascii_lowercase()) {
                                (1, true) => buf.format(i8::from_le_bytes(arr(b, big))),
                                (1, false) => buf.format(b[0]),
                                (2, true) => buf.format(i16::from_le_bytes(arr(b, big))),
                                (2, false) => buf.format(u16::from_le_bytes(arr(b, big))),
                                (4, true) => buf.format(i32::from_le_bytes(arr(b, big))),
                                (4, false) => buf.format(u32::from_le_bytes(arr(b, big))),
                                (_, true) => buf.format(i64::from_le_bytes(arr(b, big))),
                                (_, false) => buf.format(u64::from_le_bytes(arr(b, big))),
                            };
                            out.extend_from_slice(s.as_bytes());
                        }
                    }
                }
            }
        }
    }
    if !json && fmt.nvalues == 1 {
        out.push(b',');
    }
    out.extend_from_slice(if json { b"]\n" } else { b")\n" });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f16_matches_exhaustive_widening() {
        // Every f16 widened and narrowed back gives the same bits (NaNs canonical).
        for h in 0..=u16::MAX {
            let x = f16_bits_to_f64(h);
            let back = f64_to_f16_bits(x).unwrap();
            if x.is_nan() {
                assert_eq!(back, (h & 0x8000) | 0x7e00);
            } else {
                assert_eq!(back, h, "{h:#x}");
            }
        }
    }

    #[test]
    fn f16_rounding_at_midpoints() {
        // Midpoints between consecutive positive finite f16s round to even;
        // a hair above rounds up.
        for h in 0u16..0x7bff {
            let a = f16_bits_to_f64(h);
            let b = f16_bits_to_f64(h + 1);
            let mid = (a + b) / 2.0;
            let even = if h % 2 == 0 { h } else { h + 1 };
            assert_eq!(f64_to_f16_bits(mid), Some(even), "{h:#x}");
            let up = f64::from_bits(mid.to_bits() + 1);
            assert_eq!(f64_to_f16_bits(up), Some(h + 1), "{h:#x}");
            let down = f64::from_bits(mid.to_bits() - 1);
            assert_eq!(f64_to_f16_bits(down), Some(h), "{h:#x}");
        }
    }

    #[test]
    fn big_ints() {
        let v = parse_value("0x1_0000_0000_0000_0000_0000_0000_0000_0000").unwrap();
        assert!(matches!(v, PyValue::BigInt { .. }));
        assert_eq!(repr_tuple(&[v]), "(340282366920938463463374607431768211456,)");
        assert_eq!(big_to_f64(&[0, 0, 0, 0, 1]), 2f64.powi(128));
        let v = parse_value(&"9".repeat(400)).unwrap();
        assert!(matches!(&v, PyValue::BigInt { magnitude, .. } if big_to_f64(magnitude).is_infinite()));
    }
}
