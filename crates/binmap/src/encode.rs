//! Values to bytes: one leaf (scalar, char, string) from its text or JSON
//! form, range-checked and rounded once to the field's own precision.
//!
//! Used by `pack` (JSON and CSV input) and `set` (command-line values).

use crate::error::{Error, Result};
use crate::ibm::Ibm;
use crate::layout::{BitKind, BitLeaf, Endian, Scalar, ScalarKind, TextKind};
use crate::map::{NodeKind, TextEnd};
use crate::text::escape::{from_hex, unescape_bytes};
use crate::text::json_read::Doc;
use crate::text::number;

/// Where a leaf value comes from, which decides how strings are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// JSON: numbers are JSON numbers, strings are exact.
    Json,
    /// CSV cells and command-line values: everything is text; byte strings
    /// use the `\xNN` escape rule of [`crate::text::escape`].
    Text,
}

macro_rules! store {
    ($v:expr, $e:expr, $out:expr) => {
        match $e {
            Endian::Little => $out.extend_from_slice(&$v.to_le_bytes()),
            Endian::Big => $out.extend_from_slice(&$v.to_be_bytes()),
        }
    };
}

fn what(doc: &Doc) -> String {
    match doc {
        Doc::Null => "null".into(),
        Doc::Bool(b) => b.to_string(),
        Doc::Number(t) => t.clone(),
        Doc::String(s) => format!("\"{s}\""),
        Doc::Array(_) => "a list".into(),
        Doc::Object(_) => "an object".into(),
    }
}

/// The text of a number: a JSON number, or any string from text input.
fn number_text(doc: &Doc, origin: Origin) -> Option<&str> {
    match doc {
        Doc::Number(t) => Some(t),
        Doc::String(s) if origin == Origin::Text => Some(s),
        _ => None,
    }
}

/// The text of `{"KEY": "..."}`, the one-member object `show` writes for
/// a value it gives by its exact bits (`{"nan": "0x7ff8000000000001"}`).
fn tagged<'d>(doc: &'d Doc, key: &str) -> Option<&'d str> {
    let Doc::Object(kv) = doc else { return None };
    let [(k, Doc::String(v))] = kv.as_slice() else { return None };
    (k == key).then_some(v.as_str())
}

/// `{"nan": "0x..."}`: a NaN with its exact bits.
fn nan_bits(doc: &Doc) -> Option<u64> {
    let v = tagged(doc, "nan")?;
    u64::from_str_radix(v.strip_prefix("0x").unwrap_or(v), 16).ok()
}

/// Encode a scalar.
///
/// ```
/// use binmap::encode::{encode_scalar, Origin};
/// use binmap::layout::{Endian, Scalar, ScalarKind};
/// use binmap::text::json_read::Doc;
/// let mut out = Vec::new();
/// let s = Scalar { kind: ScalarKind::U16, endian: Endian::Big };
/// encode_scalar(&Doc::Number("258".into()), s, Origin::Json, &mut out).unwrap();
/// assert_eq!(out, [1, 2]);
/// let err = encode_scalar(&Doc::Number("70000".into()), s, Origin::Json, &mut out).unwrap_err();
/// assert!(err.message.contains("out of range for u16"));
/// let f16 = Scalar { kind: ScalarKind::F16, endian: Endian::Little };
/// let err = encode_scalar(&Doc::Number("70000".into()), f16, Origin::Json, &mut out).unwrap_err();
/// assert_eq!(err.message, "70000 is out of range for f16: it would be stored as infinity (the largest finite f16 is 65504.0)");
/// encode_scalar(&Doc::Number("Infinity".into()), f16, Origin::Json, &mut out).unwrap();
/// ```
pub fn encode_scalar(doc: &Doc, s: Scalar, origin: Origin, out: &mut Vec<u8>) -> Result<()> {
    use ScalarKind::*;
    let e = s.endian;
    if s.kind == Bool {
        let b = match doc {
            Doc::Bool(b) => *b,
            _ => match number_text(doc, origin).or(if let Doc::String(t) = doc { Some(t.as_str()) } else { None }) {
                Some("1" | "true" | "True" | "TRUE") => true,
                Some("0" | "false" | "False" | "FALSE") => false,
                _ => return Err(Error::input(format!("expected true or false for a bool, found {}", what(doc)))),
            },
        };
        out.push(u8::from(b));
        return Ok(());
    }
    if s.kind.is_complex() {
        return encode_complex(doc, s, origin, out);
    }
    if let ScalarKind::DateTime(u) | ScalarKind::TimeDelta(u) = s.kind {
        let v = match doc {
            Doc::Number(t) => t.parse::<i64>().map_err(|_| format!("'{t}' is not a 64-bit count of {}", u.code())),
            Doc::String(t) if matches!(s.kind, ScalarKind::DateTime(_)) => crate::text::datetime::parse_datetime(t, u),
            Doc::String(t) => crate::text::datetime::parse_timedelta(t, u),
            _ => Err(format!("expected a date and time text for a {}, found {}", s.kind.name(), what(doc))),
        }
        .map_err(Error::input)?;
        store!(v, e, out);
        return Ok(());
    }
    if matches!(s.kind, F80 | LongDouble) {
        let x = match f80_bits(doc) {
            Some(x) => x,
            None => {
                let Some(t) = number_text(doc, origin) else {
                    return Err(Error::input(format!(
                        "expected a number for an {}, found {}",
                        s.kind.name(),
                        what(doc)
                    )));
                };
                crate::f80::parse(t).map_err(Error::input)?
            }
        };
        let mut b = x.to_le();
        if e == Endian::Big {
            b.reverse();
            if s.kind == LongDouble {
                out.extend_from_slice(&[0; 6]);
            }
        }
        out.extend_from_slice(&b);
        if s.kind == LongDouble && e == Endian::Little {
            out.extend_from_slice(&[0; 6]);
        }
        return Ok(());
    }
    if let Some(w) = ibm_width(s.kind) {
        let bits = match ibm_bits(doc) {
            Some(bits) if w == Ibm::B64 || bits <= 0xffff_ffff => bits,
            Some(bits) => return Err(Error::input(format!("IBM bits {bits:#x} do not fit an ibm32"))),
            None => {
                let Some(t) = number_text(doc, origin) else {
                    return Err(Error::input(format!(
                        "expected a number for an {}, found {}",
                        s.kind.name(),
                        what(doc)
                    )));
                };
                crate::ibm::encode(w, t).map_err(Error::input)?
            }
        };
        match w {
            Ibm::B32 => store!(bits as u32, e, out),
            Ibm::B64 => store!(bits, e, out),
        }
        return Ok(());
    }
    if s.kind.is_float() {
        if let Some(bits) = nan_bits(doc) {
            let fits = match s.kind {
                F16 | BF16 => bits <= 0xffff,
                F32 => bits <= 0xffff_ffff,
                _ => true,
            };
            if !fits {
                return Err(Error::input(format!("NaN bits {bits:#x} do not fit a {}", s.kind.name())));
            }
            match s.kind {
                F16 | BF16 => store!(bits as u16, e, out),
                F32 => store!(bits as u32, e, out),
                _ => store!(bits, e, out),
            }
            return Ok(());
        }
        let Some(t) = number_text(doc, origin) else {
            return Err(Error::input(format!("expected a number for a {}, found {}", s.kind.name(), what(doc))));
        };
        let bad = || Error::input(format!("'{t}' is not a number (for a {})", s.kind.name()));
        match s.kind {
            F16 => {
                let x = number::parse_f16(t).ok_or_else(bad)?;
                finite(x.is_infinite(), t, s.kind)?;
                store!(x.to_bits(), e, out);
            }
            BF16 => {
                let x = number::parse_bf16(t).ok_or_else(bad)?;
                finite(x.is_infinite(), t, s.kind)?;
                store!(x.to_bits(), e, out);
            }
            F32 => {
                let x = number::parse_f32(t).ok_or_else(bad)?;
                finite(x.is_infinite(), t, s.kind)?;
                store!(x, e, out);
            }
            _ => {
                let x = number::parse_f64(t).ok_or_else(bad)?;
                finite(x.is_infinite(), t, s.kind)?;
                store!(x, e, out);
            }
        }
        return Ok(());
    }
    let Some(t) = number_text(doc, origin) else {
        return Err(Error::input(format!("expected an integer for a {}, found {}", s.kind.name(), what(doc))));
    };
    // Text from a table may spell an integer as a float (`1.0e+01`, as `np.savetxt` does).
    let v = if origin == Origin::Text { number::parse_int_text(t) } else { number::parse_int(t) }
        .ok_or_else(|| Error::input(format!("'{t}' is not an integer (for a {})", s.kind.name())))?;
    let (lo, hi) = s.kind.int_range().unwrap_or((0, 0));
    if v < lo || v > hi {
        return Err(Error::input(format!("{v} is out of range for {} ({lo}..={hi})", s.kind.name())));
    }
    match s.kind {
        I8 => out.push(v as i8 as u8),
        U8 => out.push(v as u8),
        I16 => store!(v as i16, e, out),
        U16 => store!(v as u16, e, out),
        I32 => store!(v as i32, e, out),
        U32 => store!(v as u32, e, out),
        I64 => store!(v as i64, e, out),
        U64 => store!(v as u64, e, out),
        // 24- to 56-bit integers: the low bytes of the two's complement.
        _ => {
            let n = s.kind.size() as usize;
            match e {
                Endian::Little => out.extend_from_slice(&(v as u64).to_le_bytes()[..n]),
                Endian::Big => out.extend_from_slice(&(v as u64).to_be_bytes()[8 - n..]),
            }
        }
    }
    Ok(())
}

fn ibm_width(kind: ScalarKind) -> Option<Ibm> {
    match kind {
        ScalarKind::Ibm32 => Some(Ibm::B32),
        ScalarKind::Ibm64 => Some(Ibm::B64),
        _ => None,
    }
}

/// `{"ibm": "0x..."}`: an IBM float with its exact bits (a non-canonical
/// encoding, as `show` writes it).
fn ibm_bits(doc: &Doc) -> Option<u64> {
    let v = tagged(doc, "ibm")?;
    u64::from_str_radix(v.strip_prefix("0x").unwrap_or(v), 16).ok()
}

/// `{"f80": "0x..."}`: an f80 with its exact bits (a non-canonical
/// encoding, as `show` writes it).
fn f80_bits(doc: &Doc) -> Option<crate::f80::F80> {
    crate::f80::from_bits_text(tagged(doc, "f80")?)
}

/// How many units of a text field's length (`N` in `utf16le[N]`) the text
/// `b` (as given to `pack`) takes: characters for `ucs4` and `ebcdic`,
/// UTF-16 code units for `utf16`, else bytes.
pub fn text_units(kind: TextKind, b: &[u8]) -> u64 {
    let text = || std::str::from_utf8(b).ok();
    (match kind {
        TextKind::Ucs4(_) | TextKind::Ebcdic => text().map_or(b.len(), |t| t.chars().count()),
        TextKind::Utf16(_) => text().map_or(b.len(), |t| t.encode_utf16().count()),
        _ => b.len(),
    }) as u64
}

/// A finite number that rounds to infinity in a float kind is an error, as
/// in CPython's `struct.pack('<f', 1e40)` (`float too large to pack`): it
/// would be stored as `inf`. An infinity written as such (`inf`,
/// `-Infinity`) is a value like any other, and a number that rounds to the
/// largest finite value (65519 for an f16) is that value.
fn finite(rounded_to_infinity: bool, t: &str, kind: ScalarKind) -> Result<()> {
    if !rounded_to_infinity || number::is_infinity(t) {
        return Ok(());
    }
    let mut max = Vec::new();
    match kind {
        // The exact values (the shortest f16 text of 65504 is `65500.0`).
        ScalarKind::F16 => number::write_f64(&mut max, half::f16::MAX.to_f64(), number::NonFinite::Text),
        ScalarKind::BF16 => number::write_f64(&mut max, half::bf16::MAX.to_f64(), number::NonFinite::Text),
        ScalarKind::F32 => number::write_f32(&mut max, f32::MAX, number::NonFinite::Text),
        _ => number::write_f64(&mut max, f64::MAX, number::NonFinite::Text),
    }
    Err(Error::input(format!(
        "{} is out of range for {}: it would be stored as infinity (the largest finite {} is {})",
        t.trim(),
        kind.name(),
        kind.name(),
        String::from_utf8_lossy(&max)
    )))
}

/// A complex value: `{"real": x, "imag": y}` (JSON) or Python's spelling
/// (`(1+2j)`, `1j`, `-1.5`), each part rounded once to the field's precision.
fn encode_complex(doc: &Doc, s: Scalar, origin: Origin, out: &mut Vec<u8>) -> Result<()> {
    let part =
        Scalar { kind: if s.kind == ScalarKind::C64 { ScalarKind::F32 } else { ScalarKind::F64 }, endian: s.endian };
    let (re, im) = match doc {
        Doc::Object(kv) => {
            let get = |k: &str| kv.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone());
            match (get("real"), get("imag"), kv.len()) {
                (Some(re), Some(im), 2) => (re, im),
                _ => return Err(Error::input("a complex value is {\"real\": x, \"imag\": y}")),
            }
        }
        _ => {
            let Some(t) = number_text(doc, origin).or(if let Doc::String(t) = doc { Some(t.as_str()) } else { None })
            else {
                return Err(Error::input(format!(
                    "expected a complex number for a {}, found {}",
                    s.kind.name(),
                    what(doc)
                )));
            };
            let (re, im) =
                split_complex(t).ok_or_else(|| Error::input(format!("'{t}' is not a complex number (like (1+2j))")))?;
            (Doc::Number(re.to_string()), Doc::Number(im.to_string()))
        }
    };
    let which = |e: Error, name: &str| {
        let mut e = e;
        e.message = format!("the {name} part of a {}: {}", s.kind.name(), e.message);
        e
    };
    encode_scalar(&re, part, Origin::Json, out).map_err(|e| which(e, "real"))?;
    encode_scalar(&im, part, Origin::Json, out).map_err(|e| which(e, "imaginary"))
}

/// Split Python's complex spelling into real and imaginary text.
fn split_complex(t: &str) -> Option<(&str, &str)> {
    let t = t.trim();
    let t = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')).unwrap_or(t).trim();
    let Some(body) = t.strip_suffix(['j', 'J']) else { return Some((t, "0")) };
    // The sign that starts the imaginary part: not the first character, not after an exponent `e`.
    let b = body.as_bytes();
    let split = (1..b.len()).rev().find(|&i| matches!(b[i], b'+' | b'-') && !matches!(b[i - 1], b'e' | b'E'));
    Some(match split {
        Some(i) => {
            (&body[..i], if body[i..].len() == 1 { "1" } else { body[i..].strip_prefix('+').unwrap_or(&body[i..]) })
        }
        None => (
            "0",
            if body.is_empty() || body == "+" {
                "1"
            } else if body == "-" {
                "-1"
            } else {
                body
            },
        ),
    })
}

/// The bytes of a string value: JSON strings as UTF-8, `{"hex": ...}`, or
/// escaped text.
pub fn string_bytes(doc: &Doc, origin: Origin) -> Result<Vec<u8>> {
    match doc {
        Doc::String(s) if origin == Origin::Text => {
            unescape_bytes(s).map(|b| b.into_owned()).map_err(|why| Error::input(format!("bad text \"{s}\": {why}")))
        }
        Doc::String(s) => Ok(s.as_bytes().to_vec()),
        Doc::Number(t) if origin == Origin::Text => Ok(t.as_bytes().to_vec()),
        Doc::Object(kv) => match kv.as_slice() {
            [(k, Doc::String(h))] if k == "hex" => {
                from_hex(h).ok_or_else(|| Error::input(format!("bad hex \"{h}\": expected pairs of hex digits")))
            }
            _ => Err(Error::input("expected a string or {\"hex\": \"...\"}, found an object")),
        },
        other => Err(Error::input(format!("expected a string, found {}", what(other)))),
    }
}

/// Append `n` NUL bytes (the padding of a text shorter than its field), or
/// an error when the machine cannot hold them (a size field of 10^15).
fn pad_zeros(out: &mut Vec<u8>, n: u64) -> Result<()> {
    let too_many =
        || Error::input(format!("padding the text to its size takes {n} more bytes than this machine can hold"));
    let n = usize::try_from(n).map_err(|_| too_many())?;
    out.try_reserve(n).map_err(|_| too_many())?;
    out.resize(out.len() + n, 0);
    Ok(())
}

/// The value `doc` gives a bit field: an integer in its range, `true` or
/// `false` for a `bool` bit, a name (or `a|b` flags) for an enum field.
///
/// ```
/// use binmap::encode::{bit_field_value, Origin};
/// use binmap::layout::{BitKind, BitLeaf, Endian, Scalar, ScalarKind};
/// use binmap::text::json_read::Doc;
/// let c = Scalar { kind: ScalarKind::U8, endian: Endian::Little };
/// let f = BitLeaf { container: c, shift: 0, width: 3, kind: BitKind::Signed };
/// assert_eq!(bit_field_value(&Doc::Number("-4".into()), &f, Origin::Json).unwrap(), -4);
/// let err = bit_field_value(&Doc::Number("4".into()), &f, Origin::Json).unwrap_err();
/// assert_eq!(err.message, "4 does not fit a signed 3-bit field (-4 to 3)");
/// ```
pub fn bit_field_value(doc: &Doc, leaf: &BitLeaf, origin: Origin) -> Result<i128> {
    let v = match (&leaf.kind, doc) {
        (BitKind::Bool, Doc::Bool(b)) => i128::from(*b),
        (BitKind::Bool, _) => {
            match number_text(doc, origin).or(if let Doc::String(t) = doc { Some(t.as_str()) } else { None }) {
                Some("1" | "true" | "True" | "TRUE") => 1,
                Some("0" | "false" | "False" | "FALSE") => 0,
                _ => return Err(Error::input(format!("expected true or false for a bool bit, found {}", what(doc)))),
            }
        }
        (BitKind::Enum(def), Doc::String(t)) => def.parse(t).map_err(Error::input)?,
        _ => {
            let t = number_text(doc, origin).ok_or_else(|| {
                Error::input(format!("expected an integer for a {}-bit field, found {}", leaf.width, what(doc)))
            })?;
            number::parse_int(t)
                .ok_or_else(|| Error::input(format!("'{t}' is not an integer (for a {}-bit field)", leaf.width)))?
        }
    };
    leaf.insert(0, v).map_err(Error::input)?;
    Ok(v)
}

/// A text of `found` units given for a field whose size, read from the
/// data, is `size` units (`pack` names the size field; this is the rest).
fn exact_size_error(found: u64, units: &str, size: u64) -> Error {
    Error::input(format!("the text has {found} {units} but its size, read from the data, is {size}"))
}

/// Encode a leaf node's value; `size` is the field's size for `bytes[N]`/`utf8[N]`.
pub fn encode_leaf(doc: &Doc, kind: &NodeKind, size: u64, origin: Origin, out: &mut Vec<u8>) -> Result<()> {
    match kind {
        NodeKind::Scalar(s) => encode_scalar(doc, *s, origin, out),
        NodeKind::Enum(s, def) => match doc {
            Doc::String(t) => {
                let v = def.parse(t).map_err(Error::input)?;
                encode_scalar(&Doc::Number(v.to_string()), *s, Origin::Json, out)
            }
            _ => encode_scalar(doc, *s, origin, out),
        },
        // Written with the other fields of its container (`pack`), or into
        // the container's bytes (`set`): see [`bit_field_value`].
        NodeKind::Bits(_) => Err(Error::input("internal: a bit field is written with its container")),
        NodeKind::Char => {
            let b = string_bytes(doc, origin)?;
            if b.len() != 1 {
                return Err(Error::input(format!("a char is one byte, found {} bytes", b.len())));
            }
            out.push(b[0]);
            Ok(())
        }
        NodeKind::Text(TextKind::Ucs4(e), end) => {
            let b = string_bytes(doc, origin)?;
            let text = std::str::from_utf8(&b).map_err(|_| Error::input("a ucs4 field needs valid text"))?;
            let chars = text.chars().count() as u64;
            if *end == TextEnd::Exact && chars * 4 != size {
                return Err(exact_size_error(chars, "characters", size / 4));
            }
            if chars * 4 > size {
                return Err(Error::input(format!("{chars} characters do not fit in a {}-character field", size / 4)));
            }
            for c in text.chars() {
                store!(u32::from(c), e, out);
            }
            pad_zeros(out, size - chars * 4)
        }
        NodeKind::Text(TextKind::Void, _) => {
            let b = match doc {
                Doc::String(h) if origin == Origin::Text => {
                    from_hex(h).ok_or_else(|| Error::input(format!("bad hex \"{h}\" for a void field")))?
                }
                _ => string_bytes(doc, origin)?,
            };
            if b.len() as u64 != size {
                return Err(Error::input(format!(
                    "a void[{size}] field takes exactly {size} bytes, found {}",
                    b.len()
                )));
            }
            out.extend_from_slice(&b);
            Ok(())
        }
        NodeKind::Text(TextKind::Ascii(k), _) => {
            let value = match doc {
                Doc::Null => None,
                Doc::String(t) if origin == Origin::Text && t.trim().is_empty() => None,
                _ => Some(number_text(doc, origin).ok_or_else(|| {
                    Error::input(format!("expected a number or null for {}[{size}], found {}", k.name(), what(doc)))
                })?),
            };
            let b = crate::text::ascii_num::write(*k, value, size).map_err(Error::input)?;
            out.extend_from_slice(&b);
            pad_zeros(out, size - b.len() as u64)
        }
        NodeKind::Text(TextKind::Ebcdic, _) => {
            let b = string_bytes(doc, origin)?;
            let text = std::str::from_utf8(&b).map_err(|_| Error::input("an ebcdic field needs valid text"))?;
            let b = crate::text::ebcdic::encode(text).map_err(|c| {
                Error::input(format!("'{c}' (U+{:04X}) has no EBCDIC code (code page 037)", u32::from(c)))
            })?;
            if b.len() as u64 > size {
                return Err(Error::input(format!("{} characters do not fit in an ebcdic[{size}] field", b.len())));
            }
            out.extend_from_slice(&b);
            pad_zeros(out, size - b.len() as u64)
        }
        NodeKind::Text(TextKind::Utf16(e), _) => {
            let b = string_bytes(doc, origin)?;
            let text = std::str::from_utf8(&b).map_err(|_| Error::input("a utf16 field needs valid text"))?;
            let units = text.encode_utf16().count() as u64;
            if units * 2 > size {
                return Err(Error::input(format!("{units} UTF-16 code units do not fit in a {}-unit field", size / 2)));
            }
            for u in text.encode_utf16() {
                store!(u, e, out);
            }
            pad_zeros(out, size - units * 2)
        }
        NodeKind::Text(TextKind::CstrN, _) => {
            let b = string_bytes(doc, origin)?;
            if b.contains(&0) {
                return Err(Error::input("a cstr[N] text cannot contain a NUL byte"));
            }
            if b.len() as u64 > size {
                return Err(Error::input(format!("{} bytes do not fit in a cstr[{size}] field", b.len())));
            }
            out.extend_from_slice(&b);
            pad_zeros(out, size - b.len() as u64)
        }
        NodeKind::Text(k, end) => {
            let b = string_bytes(doc, origin)?;
            if *k == TextKind::Utf8 && std::str::from_utf8(&b).is_err() {
                return Err(Error::input("a utf8 field needs valid UTF-8 text"));
            }
            if *end == TextEnd::Exact && b.len() as u64 != size {
                return Err(exact_size_error(b.len() as u64, "bytes", size));
            }
            if b.len() as u64 > size {
                return Err(Error::input(format!("{} bytes do not fit in a {size}-byte field", b.len())));
            }
            out.extend_from_slice(&b);
            pad_zeros(out, size - b.len() as u64)
        }
        NodeKind::Cstr => {
            let b = string_bytes(doc, origin)?;
            if b.contains(&0) {
                return Err(Error::input("a cstr cannot contain a NUL byte"));
            }
            out.extend_from_slice(&b);
            out.push(0);
            Ok(())
        }
        NodeKind::Struct(_) | NodeKind::Array(_) => Err(Error::input("internal: not a leaf")),
    }
}
