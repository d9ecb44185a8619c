//! Bytes to leaf values: one scalar, one string, at an absolute offset.
//!
//! The decoder is chosen per (kind, byte order) by a `match` that the
//! compiler hoists out of column loops; `from_le_bytes`/`from_be_bytes` on
//! unaligned slices compile to single loads.

use half::{bf16, f16};

use crate::f80::F80;
use crate::ibm::Ibm;
use crate::layout::TextEnd;
use crate::layout::{Endian, EnumDef, Scalar, ScalarKind, TextKind};
use crate::text::ascii_num::{self, Read};
use crate::text::datetime::TimeUnit;

/// A decoded leaf value, borrowing string bytes from the file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    Int(i64),
    UInt(u64),
    F16(f16),
    BF16(bf16),
    F32(f32),
    F64(f64),
    Bool(bool),
    /// Raw bytes (`bytes[N]` with trailing NULs stripped, `char`, `cstr`).
    Bytes(&'a [u8]),
    /// Checked UTF-8 (`utf8[N]`, trailing NULs stripped).
    Text(&'a str),
    /// numpy `complex64`: (real, imaginary).
    C64(f32, f32),
    /// numpy `complex128`.
    C128(f64, f64),
    /// Checked UCS-4 code units (`ucs4[N]`, trailing NULs stripped), in this byte order.
    Ucs4(&'a [u8], Endian),
    /// Opaque bytes (`void[N]`, numpy `V`N), always shown as hex.
    Void(&'a [u8]),
    /// An IBM hexadecimal float's bits (`ibm32`, `ibm64`).
    Ibm(Ibm, u64),
    /// EBCDIC bytes (`ebcdic[N]`, trailing NULs stripped).
    Ebcdic(&'a [u8]),
    /// Checked UTF-16 code units (`utf16le[N]`, trailing NUL units stripped).
    Utf16(&'a [u8], Endian),
    /// No value: an `ascii_*` number field of only spaces and NULs.
    Null,
    /// numpy `datetime64[unit]` (`i64::MIN` is `NaT`).
    DateTime(i64, TimeUnit),
    /// numpy `timedelta64[unit]`.
    TimeDelta(i64, TimeUnit),
    /// x87 extended precision (`f80`, `longdouble`).
    F80(F80),
    /// An integer with an enum's or flags' names (an unsigned base's value
    /// kept as its 64 bits: see [`Value::as_int`]).
    Enum(i64, &'a EnumDef),
}

impl Value<'_> {
    /// The value as an integer, for expressions (`None` for floats and text).
    pub fn as_int(&self) -> Option<i128> {
        match *self {
            Value::Int(v) => Some(v.into()),
            Value::UInt(v) => Some(v.into()),
            Value::Bool(b) => Some(b.into()),
            Value::Bytes([c]) => Some((*c).into()),
            Value::Enum(v, d) => Some(enum_int(v, d)),
            _ => None,
        }
    }

    /// The value as an f64 (exact for every float kind and for integers up to 2^53).
    pub fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Value::Int(v) => v as f64,
            Value::UInt(v) => v as f64,
            Value::F16(v) => v.to_f64(),
            Value::BF16(v) => v.to_f64(),
            Value::F32(v) => v.into(),
            Value::F64(v) => v,
            Value::Bool(b) => f64::from(u8::from(b)),
            Value::Ibm(w, bits) => crate::ibm::to_f64(w, bits),
            Value::F80(x) => x.to_f64(),
            Value::Enum(v, d) => enum_int(v, d) as f64,
            _ => return None,
        })
    }
}

/// The integer an enum value holds: its 64 bits read as its base's sign.
fn enum_int(v: i64, d: &EnumDef) -> i128 {
    if d.base.int_range().is_some_and(|(lo, _)| lo < 0) { v.into() } else { (v as u64).into() }
}

/// Why a leaf could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A `bool` byte that is neither 0 nor 1.
    BadBool(u8),
    /// `utf8[N]` bytes that are not UTF-8; the offset of the first bad byte
    /// from the start of the field.
    BadUtf8(usize),
    /// A `ucs4[N]` code unit that is not a Unicode scalar value; its offset
    /// from the start of the field.
    BadChar(usize),
    /// A `utf16le/be[N]` code unit that is an unpaired surrogate; its
    /// offset from the start of the field.
    BadUtf16(usize),
    /// An `ascii_*[N]` field that is not a number: the reason.
    BadNumber(String),
}

fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&b[..N]);
    a
}

macro_rules! load {
    ($t:ty, $b:expr, $e:expr) => {
        match $e {
            Endian::Little => <$t>::from_le_bytes(arr($b)),
            Endian::Big => <$t>::from_be_bytes(arr($b)),
        }
    };
}

/// Decode the scalar `s` from the start of `b` (which holds at least its size).
///
/// ```
/// use binmap::decode::{decode_scalar, Value};
/// use binmap::layout::{Endian, Scalar, ScalarKind};
/// let s = Scalar { kind: ScalarKind::U16, endian: Endian::Big };
/// assert_eq!(decode_scalar(&[1, 2], s), Ok(Value::UInt(258)));
/// ```
#[inline]
pub fn decode_scalar(b: &[u8], s: Scalar) -> Result<Value<'_>, DecodeError> {
    use ScalarKind::*;
    let e = s.endian;
    Ok(match s.kind {
        I8 => Value::Int(i8::from_le_bytes([b[0]]).into()),
        U8 => Value::UInt(b[0].into()),
        I16 => Value::Int(load!(i16, b, e).into()),
        U16 => Value::UInt(load!(u16, b, e).into()),
        I32 => Value::Int(load!(i32, b, e).into()),
        U32 => Value::UInt(load!(u32, b, e).into()),
        I64 => Value::Int(load!(i64, b, e)),
        U64 => Value::UInt(load!(u64, b, e)),
        F16 => Value::F16(f16::from_bits(load!(u16, b, e))),
        BF16 => Value::BF16(bf16::from_bits(load!(u16, b, e))),
        F32 => Value::F32(load!(f32, b, e)),
        F64 => Value::F64(load!(f64, b, e)),
        C64 => Value::C64(load!(f32, b, e), load!(f32, &b[4..], e)),
        C128 => Value::C128(load!(f64, b, e), load!(f64, &b[8..], e)),
        I24 | I40 | I48 | I56 => Value::Int(odd_int(b, s.kind.size() as usize, e, true)),
        U24 | U40 | U48 | U56 => Value::UInt(odd_int(b, s.kind.size() as usize, e, false) as u64),
        Ibm32 => Value::Ibm(Ibm::B32, load!(u32, b, e).into()),
        Ibm64 => Value::Ibm(Ibm::B64, load!(u64, b, e)),
        DateTime(u) => Value::DateTime(load!(i64, b, e), u),
        TimeDelta(u) => Value::TimeDelta(load!(i64, b, e), u),
        F80 => Value::F80(f80_at(b, e)),
        LongDouble => Value::F80(f80_at(if e == Endian::Big { &b[6..] } else { b }, e)),
        Bool => match b[0] {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            v => return Err(DecodeError::BadBool(v)),
        },
    })
}

/// The f80 in the first 10 bytes of `b`.
fn f80_at(b: &[u8], e: Endian) -> F80 {
    let mut a = [0u8; 10];
    a.copy_from_slice(&b[..10]);
    if e == Endian::Big {
        a.reverse();
    }
    F80::from_le(&a)
}

/// An integer of `n` bytes (3, 5, 6 or 7), sign-extended when `signed`.
#[inline]
fn odd_int(b: &[u8], n: usize, e: Endian, signed: bool) -> i64 {
    let mut a = [0u8; 8];
    let v = match e {
        Endian::Little => {
            a[..n].copy_from_slice(&b[..n]);
            u64::from_le_bytes(a)
        }
        Endian::Big => {
            a[8 - n..].copy_from_slice(&b[..n]);
            u64::from_be_bytes(a)
        }
    };
    let unused = 64 - 8 * n as u32;
    if signed { ((v << unused) as i64) >> unused } else { v as i64 }
}

/// Decode a text field: trailing NULs stripped when they are padding
/// ([`TextEnd::Padded`]), kept when the text's size came from the data;
/// a `void` is always every byte.
///
/// ```
/// use binmap::decode::{Value, decode_text};
/// use binmap::layout::TextKind;
/// use binmap::layout::TextEnd;
/// assert_eq!(decode_text(b"ab\0\0", TextKind::Bytes, TextEnd::Padded), Ok(Value::Bytes(b"ab")));
/// assert_eq!(decode_text(b"ab\0\0", TextKind::Bytes, TextEnd::Exact), Ok(Value::Bytes(b"ab\0\0")));
/// ```
pub fn decode_text(b: &[u8], kind: TextKind, end: TextEnd) -> Result<Value<'_>, DecodeError> {
    match kind {
        TextKind::Void => return Ok(Value::Void(b)),
        TextKind::CstrN => return Ok(Value::Bytes(b.iter().position(|&c| c == 0).map_or(b, |i| &b[..i]))),
        TextKind::Ascii(k) => {
            return match ascii_num::read(k, b).map_err(DecodeError::BadNumber)? {
                Read::Int(v) => Ok(Value::Int(v)),
                Read::Float(x) => Ok(Value::F64(x)),
                Read::Blank => Ok(Value::Null),
            };
        }
        TextKind::Utf16(e) => {
            let units = b.len() / 2;
            let used = match end {
                TextEnd::Padded => (0..units).rev().find(|&i| b[2 * i..2 * i + 2] != [0; 2]).map_or(0, |i| i + 1),
                TextEnd::Exact => units,
            };
            let b = &b[..2 * used];
            if let Some(bad) = utf16_error(b, e) {
                return Err(DecodeError::BadUtf16(bad));
            }
            return Ok(Value::Utf16(b, e));
        }
        _ => {}
    }
    if let TextKind::Ucs4(e) = kind {
        let units = b.len() / 4;
        let used = match end {
            TextEnd::Padded => (0..units).rev().find(|&i| b[4 * i..4 * i + 4] != [0; 4]).map_or(0, |i| i + 1),
            TextEnd::Exact => units,
        };
        let b = &b[..4 * used];
        for i in 0..used {
            if ucs4_char(&b[4 * i..4 * i + 4], e).is_none() {
                return Err(DecodeError::BadChar(4 * i));
            }
        }
        return Ok(Value::Ucs4(b, e));
    }
    let used = match end {
        TextEnd::Padded => b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1),
        TextEnd::Exact => b.len(),
    };
    let b = &b[..used];
    match kind {
        TextKind::Utf8 => std::str::from_utf8(b).map(Value::Text).map_err(|e| DecodeError::BadUtf8(e.valid_up_to())),
        TextKind::Ebcdic => Ok(Value::Ebcdic(b)),
        _ => Ok(Value::Bytes(b)),
    }
}

fn utf16_units(b: &[u8], e: Endian) -> impl Iterator<Item = u16> + '_ {
    b.chunks_exact(2).map(move |u| load!(u16, u, e))
}

/// The byte offset of the first unpaired surrogate of UTF-16 code units.
fn utf16_error(b: &[u8], e: Endian) -> Option<usize> {
    let mut at = 0;
    for r in char::decode_utf16(utf16_units(b, e)) {
        match r {
            Ok(c) => at += 2 * c.len_utf16(),
            Err(_) => return Some(at),
        }
    }
    None
}

/// Checked UTF-16 code units as a `String`.
pub fn utf16_string(b: &[u8], e: Endian) -> String {
    char::decode_utf16(utf16_units(b, e)).filter_map(Result::ok).collect()
}

/// One UCS-4 code unit as a `char` (`None` past U+10FFFF or for a surrogate).
pub fn ucs4_char(unit: &[u8], e: Endian) -> Option<char> {
    char::from_u32(load!(u32, unit, e))
}

/// Checked UCS-4 code units as a `String`.
pub fn ucs4_string(b: &[u8], e: Endian) -> String {
    b.chunks_exact(4).filter_map(|u| ucs4_char(u, e)).collect()
}
