//! Python `struct` format strings (`"<3i 5s"`, CPython 3.11's exact
//! grammar, sizes and native alignment) parsed into a [`Format`], and
//! lowered to a layout struct ([`to_struct_type`]) so `struct:FMT` is a
//! layout type. Packing and unpacking values live in [`crate::pystruct`],
//! which builds on this; this module calls only `layout` and `error`.

use std::sync::Arc;

use super::{
    Dims, Endian, Expr, ExprKind, Field, Item as LayoutItem, Scalar, ScalarKind, Span, StructType, TextKind, Type,
};
use crate::error::{Error, ErrorKind, Result};

/// The largest size CPython allows (`PY_SSIZE_T_MAX`).
const SSIZE_MAX: u64 = i64::MAX as u64;

/// A parsed `struct` format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Format {
    pub(crate) prefix: u8,
    pub(crate) items: Vec<Item>,
    pub(crate) size: u64,
    pub(crate) nvalues: u64,
}

/// One code of a format with its repeat count, after alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// The format character (`b'i'`, `b's'`...).
    pub code: u8,
    /// The repeat count (for `s` and `p`: the size of the one string).
    pub count: u64,
    /// Offset of the first element from the start of the struct.
    pub offset: u64,
    /// Size of one element (for `s`, `p` and `x`: 1).
    pub size: u64,
}

impl Format {
    /// The byte-order prefix as given (`@` when there was none).
    pub fn prefix(&self) -> char {
        char::from(self.prefix)
    }

    /// True when multi-byte values are big-endian (`>` and `!`).
    pub fn big_endian(&self) -> bool {
        matches!(self.prefix, b'>' | b'!')
    }

    /// The items in order, with their aligned offsets.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// How many values `pack` takes and `unpack` returns.
    pub fn value_count(&self) -> u64 {
        self.nvalues
    }
}

/// Size and alignment of a code, or `None` for a code the table lacks.
fn code_size(code: u8, native: bool) -> Option<u64> {
    Some(match code {
        b'x' | b'c' | b'b' | b'B' | b'?' | b's' | b'p' => 1,
        b'h' | b'H' | b'e' => 2,
        b'i' | b'I' | b'f' => 4,
        b'q' | b'Q' | b'd' => 8,
        b'l' | b'L' => {
            if native {
                8
            } else {
                4
            }
        }
        b'n' | b'N' | b'P' if native => 8,
        _ => return None,
    })
}

fn format_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Usage, msg)
}

fn too_long() -> Error {
    format_error("total struct size too long")
}

/// Parse a format as CPython's `struct.Struct(fmt)` does.
///
/// ```
/// use binmap::pystruct::{calcsize, parse};
/// assert_eq!(calcsize(&parse("<3i 5s").unwrap()), 17);
/// assert_eq!(calcsize(&parse("@b0i").unwrap()), 4); // a count of 0 still aligns
/// assert_eq!(parse("3").unwrap_err().message, "repeat count given without format specifier");
/// assert_eq!(parse("<P").unwrap_err().message, "bad char in struct format");
/// assert_eq!(parse("99999999999999999999i").unwrap_err().message, "total struct size too long");
/// ```
pub fn parse(fmt: &str) -> Result<Format> {
    if !fmt.is_ascii() {
        return Err(format_error(ascii_encode_error(fmt)));
    }
    let s = fmt.as_bytes();
    if s.contains(&0) {
        return Err(format_error("embedded null character"));
    }
    let (prefix, mut i) = match s.first() {
        Some(&c @ (b'@' | b'=' | b'<' | b'>' | b'!')) => (c, 1),
        _ => (b'@', 0),
    };
    let native = prefix == b'@';
    let mut items = Vec::new();
    let mut size: u64 = 0;
    let mut nvalues: u64 = 0;
    while i < s.len() {
        let mut c = s[i];
        i += 1;
        if is_py_space(c) {
            continue;
        }
        let count = if c.is_ascii_digit() {
            let mut num = u64::from(c - b'0');
            loop {
                let Some(&d) = s.get(i) else {
                    return Err(format_error("repeat count given without format specifier"));
                };
                i += 1;
                if !d.is_ascii_digit() {
                    c = d;
                    break;
                }
                num = num.checked_mul(10).and_then(|n| n.checked_add(u64::from(d - b'0'))).ok_or_else(too_long)?;
                if num > SSIZE_MAX {
                    return Err(too_long());
                }
            }
            num
        } else {
            1
        };
        let elem = code_size(c, native).ok_or_else(|| format_error("bad char in struct format"))?;
        match c {
            b's' | b'p' => nvalues += 1,
            b'x' => {}
            _ => nvalues = nvalues.saturating_add(count),
        }
        if native && size > 0 {
            let rem = size % elem;
            if rem != 0 {
                let extra = elem - rem;
                if extra > SSIZE_MAX - size {
                    return Err(too_long());
                }
                size += extra;
            }
        }
        if count > (SSIZE_MAX - size) / elem {
            return Err(too_long());
        }
        items.push(Item { code: c, count, offset: size, size: elem });
        size += count * elem;
    }
    Ok(Format { prefix, items, size, nvalues })
}

/// Python's `str.isspace` for ASCII (`Py_ISSPACE`).
pub(crate) fn is_py_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// CPython's message for a format that is not ASCII.
fn ascii_encode_error(fmt: &str) -> String {
    let chars: Vec<char> = fmt.chars().collect();
    let start = chars.iter().position(|c| !c.is_ascii()).unwrap_or(0);
    let end = chars[start..].iter().position(|c| c.is_ascii()).map_or(chars.len(), |n| start + n);
    if end - start == 1 {
        let c = u32::from(chars[start]);
        let esc = if c < 0x100 {
            format!("\\x{c:02x}")
        } else if c < 0x10000 {
            format!("\\u{c:04x}")
        } else {
            format!("\\U{c:08x}")
        };
        format!("'ascii' codec can't encode character '{esc}' in position {start}: ordinal not in range(128)")
    } else {
        format!("'ascii' codec can't encode characters in position {start}-{}: ordinal not in range(128)", end - 1)
    }
}

/// The size of the packed struct, `struct.calcsize`.
///
/// ```
/// use binmap::pystruct::{calcsize, parse};
/// assert_eq!(calcsize(&parse("@id").unwrap()), 16);
/// assert_eq!(calcsize(&parse("@di").unwrap()), 12); // no trailing padding
/// assert_eq!(calcsize(&parse("=l").unwrap()), 4);
/// ```
pub fn calcsize(fmt: &Format) -> u64 {
    fmt.size
}

// ---------------------------------------------------------------------------
// Lowering to a layout
// ---------------------------------------------------------------------------

fn constant(v: u64) -> Expr {
    Expr { kind: ExprKind::Int(i128::from(v)), span: Span::default() }
}

fn bytes_type(n: u64) -> Type {
    Type::Text { kind: TextKind::Bytes, len: constant(n) }
}

/// The format as a layout struct: fields `f0, f1, ...` (numpy's default
/// names), one per value of the unpacked tuple, with the format's byte
/// order (`@` and `=` are native: little on x86) and CPython's offsets.
/// Pad bytes (`x`) and native-alignment gaps become anonymous `_` fields
/// of `bytes[k]`.
///
/// Mapping: `c` is `char`, `Ns` is `bytes[N]`, `?` is `bool`, `e` is
/// `f16`, `P`/`N` are `u64`, `n` is `i64`. Limitations: a Pascal string
/// `Np` becomes a plain `bytes[N]` field (its length byte is not
/// interpreted), and the layout's `bool` accepts only 0 and 1 where `?`
/// reads any non-zero byte as `True`.
///
/// ```
/// use binmap::pystruct::{parse, to_struct_type};
/// use binmap::layout::Layout;
/// # fn main() -> binmap::Result<()> {
/// // The tutorial's tmp.b: struct.pack("!id5s", 7, 3.14, b"hello").
/// let st = to_struct_type(&parse("!id5s")?);
/// let mut bytes = 7i32.to_be_bytes().to_vec();
/// bytes.extend(3.14f64.to_be_bytes());
/// bytes.extend(b"hello");
/// let mut layout = Layout::parse("placeholder: u8")?;
/// layout.root = std::sync::Arc::new(st);
/// let map = binmap::Map::new(&layout, &bytes, "tmp.b")?;
/// let sel = binmap::select::select(&map, &[])?;
/// let mut out = Vec::new();
/// binmap::sink::json::JsonWriter::new(map.data(), &mut out).document(&sel, &[])?;
/// assert_eq!(out, b"{\"f0\":7,\"f1\":3.14,\"f2\":\"hello\"}\n");
/// # Ok(()) }
/// ```
pub fn to_struct_type(fmt: &Format) -> StructType {
    let endian = if fmt.big_endian() { Endian::Big } else { Endian::NATIVE };
    let mut items = Vec::new();
    let mut pos: u64 = 0;
    let mut index = 0usize;
    let field = |items: &mut Vec<LayoutItem>, name: Option<String>, ty: Type| {
        items.push(LayoutItem::Field(Field {
            name: name.map(Arc::from),
            placement: None,
            pointer: None,
            ty,
            check: None,
            constraint: None,
            span: Span::default(),
        }));
    };
    for it in &fmt.items {
        if it.offset > pos {
            field(&mut items, None, bytes_type(it.offset - pos));
        }
        pos = it.offset;
        let scalar = |kind| Type::Scalar(Scalar { kind, endian });
        let one = match it.code {
            b'x' => {
                if it.count > 0 {
                    field(&mut items, None, bytes_type(it.count));
                }
                pos += it.count;
                continue;
            }
            b's' | b'p' => {
                field(&mut items, Some(format!("f{index}")), bytes_type(it.count));
                index += 1;
                pos += it.count;
                continue;
            }
            b'c' => Type::Char,
            b'?' => scalar(ScalarKind::Bool),
            b'b' => scalar(ScalarKind::I8),
            b'B' => scalar(ScalarKind::U8),
            b'h' => scalar(ScalarKind::I16),
            b'H' => scalar(ScalarKind::U16),
            b'i' => scalar(ScalarKind::I32),
            b'I' => scalar(ScalarKind::U32),
            b'l' | b'q' | b'n' if it.size == 8 => scalar(ScalarKind::I64),
            b'l' => scalar(ScalarKind::I32),
            b'L' if it.size == 4 => scalar(ScalarKind::U32),
            b'e' => scalar(ScalarKind::F16),
            b'f' => scalar(ScalarKind::F32),
            b'd' => scalar(ScalarKind::F64),
            _ => scalar(ScalarKind::U64), // L (native), Q, N, P
        };
        if it.count > MAX_SPREAD {
            // A huge repeat count (`1000000000i`) becomes one array field,
            // named by its first value, rather than a field per value.
            let len = Expr { kind: ExprKind::Int(it.count.into()), span: Span::default() };
            field(
                &mut items,
                Some(format!("f{index}")),
                Type::Array { elem: Arc::new(one), dims: Dims::Fixed(vec![len]) },
            );
            index = index.saturating_add(usize::try_from(it.count).unwrap_or(usize::MAX));
        } else {
            for _ in 0..it.count {
                field(&mut items, Some(format!("f{index}")), one.clone());
                index += 1;
            }
        }
        pos += it.count * it.size;
    }
    StructType { items }
}

/// Repeat counts up to this become one field per value (`3i`: f0, f1, f2,
/// as Python's tuple); larger ones one array field.
const MAX_SPREAD: u64 = 1024;
