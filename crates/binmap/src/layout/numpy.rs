//! numpy's dtype spellings, lowered to binmap [`Type`]s, and back.
//!
//! numpy 2 on x86-64 Linux is the reference: native byte order is little
//! endian, `l`/`L` are 64-bit, `g`/`G` (long double) have no binmap type.
//!
//! - [`typestr`]: one typestr or character code (`<i4`, `>f8`, `|S12`,
//!   `U5`, `?`, `d`, `F`...).
//! - [`dtype`]: everything `np.dtype(...)` accepts as a string or as a
//!   Python literal: typestrs, comma strings (`'S12,<i8,<f4'`, `'3i4, (2,3)f8'`),
//!   the list-of-tuples form (`[('name','S12'),('time','<i8')]`, with
//!   sub-arrays, nested structs, `('', '|V7')` padding and titles), the dict
//!   forms (`{'names': [...], 'formats': [...], 'offsets': [...], 'itemsize': N,
//!   'aligned': True}` and `{'a': ('<i4', 0), ...}`) and type names (`int32`).
//!   Explicit offsets and itemsizes become anonymous `_: bytes[N]` padding
//!   fields; overlapping or out-of-order fields, which numpy allows, are an
//!   error.
//! - [`descr`]: the inverse, the Python literal numpy writes as the `descr`
//!   of a `.npy` header.
//!
//! ```
//! use binmap::layout::numpy;
//! let t = numpy::dtype("[('name','S12'),('time','<i8'),('value','<f4')]").unwrap();
//! assert_eq!(t.fixed_size(), Some(24));
//! assert_eq!(numpy::descr(&t).unwrap(), "[('name', '|S12'), ('time', '<i8'), ('value', '<f4')]");
//! let t = numpy::dtype("{'names': ['a', 'b'], 'formats': ['i1', '<f8'], 'aligned': True}").unwrap();
//! assert_eq!(t.describe(), "{a: i8, _: bytes[7], b: f64}");
//! ```

use std::sync::Arc;

use super::ast::{Dims, Endian, Expr, ExprKind, Field, Item, Scalar, ScalarKind, Span, StructType, TextKind, Type};
use crate::text::datetime::TimeUnit;

/// Deepest nesting of brackets accepted in a literal (no stack overflow on hostile input).
const MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------
// Python literals

/// A parsed Python literal, with its byte range in the text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Lit {
    pub kind: LitKind,
    pub start: usize,
    pub end: usize,
}

/// The kinds of Python literal `ast.literal_eval` gives for a dtype or an
/// `.npy` header.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LitKind {
    Str(String),
    Bytes(Vec<u8>),
    Int(i128),
    Float,
    Bool(bool),
    None,
    Tuple(Vec<Lit>),
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

impl LitKind {
    /// What it is, for messages (`a list`, `the integer 3`).
    pub(crate) fn what(&self) -> String {
        match self {
            LitKind::Str(s) => format!("the string {}", py_repr_str(s)),
            LitKind::Bytes(_) => "a bytes literal".into(),
            LitKind::Int(v) => format!("the integer {v}"),
            LitKind::Float => "a float".into(),
            LitKind::Bool(b) => if *b { "True" } else { "False" }.into(),
            LitKind::None => "None".into(),
            LitKind::Tuple(_) => "a tuple".into(),
            LitKind::List(_) => "a list".into(),
            LitKind::Dict(_) => "a dict".into(),
        }
    }
}

/// A literal parse error: a message and the byte offset it is about.
pub(crate) type LitError = (String, usize);

/// Parse one Python literal filling all of `text` (surrounding whitespace
/// allowed). `long_ints` accepts Python 2's `3L` (old `.npy` headers).
pub(crate) fn parse_literal(text: &str, long_ints: bool) -> Result<Lit, LitError> {
    let mut p = LitParser { s: text, pos: 0, long_ints };
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err((format!("unexpected {} after the value", p.describe_here()), p.pos));
    }
    Ok(v)
}

struct LitParser<'a> {
    s: &'a str,
    pos: usize,
    long_ints: bool,
}

impl LitParser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos..).and_then(|r| r.chars().next())
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0c' {
                self.pos += 1;
            } else if c == '\\' && self.s[self.pos + 1..].starts_with('\n') {
                self.pos += 2;
            } else {
                break;
            }
        }
    }

    fn describe_here(&self) -> String {
        match self.peek() {
            None => "end of text".into(),
            Some(c) => format!("'{}'", c.escape_default()),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Lit, LitError> {
        if depth > MAX_DEPTH {
            return Err((format!("nesting deeper than {MAX_DEPTH} levels"), self.pos));
        }
        self.skip_ws();
        let start = self.pos;
        let Some(c) = self.peek() else { return Err(("expected a value, found the end of the text".into(), start)) };
        let kind = match c {
            '(' => {
                self.pos += 1;
                let (items, trailing) = self.seq(')', depth)?;
                if items.len() == 1 && !trailing {
                    // `(x)` is just `x`, parenthesized.
                    let mut v = items.into_iter().next().unwrap_or(Lit { kind: LitKind::None, start, end: start });
                    v.start = start;
                    v.end = self.pos;
                    return Ok(v);
                }
                LitKind::Tuple(items)
            }
            '[' => {
                self.pos += 1;
                LitKind::List(self.seq(']', depth)?.0)
            }
            '{' => {
                self.pos += 1;
                self.dict(depth)?
            }
            '-' | '+' => {
                self.pos += 1;
                self.skip_ws();
                let inner = self.value(depth + 1)?;
                match inner.kind {
                    LitKind::Int(v) if c == '-' => {
                        LitKind::Int(v.checked_neg().ok_or_else(|| ("integer too large".to_string(), start))?)
                    }
                    LitKind::Int(v) => LitKind::Int(v),
                    LitKind::Float => LitKind::Float,
                    _ => return Err((format!("'{c}' must be followed by a number"), start)),
                }
            }
            '0'..='9' | '.' => self.number()?,
            '\'' | '"' => self.string()?,
            c if c.is_alphabetic() || c == '_' => {
                let end = self.s[start..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .map_or(self.s.len(), |i| start + i);
                let word = &self.s[start..end];
                if matches!(self.s[end..].chars().next(), Some('\'' | '"'))
                    && word.len() <= 2
                    && word.chars().all(|c| "rRbBuU".contains(c))
                {
                    self.string()?
                } else {
                    self.pos = end;
                    match word {
                        "True" => LitKind::Bool(true),
                        "False" => LitKind::Bool(false),
                        "None" => LitKind::None,
                        _ => return Err((format!("'{word}' is not a Python literal"), start)),
                    }
                }
            }
            _ => return Err((format!("unexpected {}", self.describe_here()), start)),
        };
        Ok(Lit { kind, start, end: self.pos })
    }

    /// Comma-separated values up to `close`; also whether a trailing comma was seen.
    fn seq(&mut self, close: char, depth: usize) -> Result<(Vec<Lit>, bool), LitError> {
        let open = self.pos - 1;
        let mut items = Vec::new();
        let mut trailing = false;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok((items, trailing));
                }
                None => {
                    return Err((
                        format!("'{}' at offset {open} is never closed", self.s[open..].chars().next().unwrap_or('?')),
                        self.pos,
                    ));
                }
                _ => {}
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    trailing = true;
                }
                Some(c) if c == close => {
                    trailing = false;
                }
                None => {
                    let c = self.s[open..].chars().next().unwrap_or('?');
                    return Err((format!("'{c}' at offset {open} is never closed"), self.pos));
                }
                _ => return Err((format!("expected ',' or '{close}', found {}", self.describe_here()), self.pos)),
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<LitKind, LitError> {
        let open = self.pos - 1;
        let mut pairs = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    return Ok(LitKind::Dict(pairs));
                }
                None => return Err((format!("'{{' at offset {open} is never closed"), self.pos)),
                _ => {}
            }
            let k = self.value(depth + 1)?;
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err((format!("expected ':' after a dict key, found {}", self.describe_here()), self.pos));
            }
            self.pos += 1;
            let v = self.value(depth + 1)?;
            pairs.push((k, v));
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {}
                _ => return Err((format!("expected ',' or '}}', found {}", self.describe_here()), self.pos)),
            }
        }
    }

    fn number(&mut self) -> Result<LitKind, LitError> {
        let start = self.pos;
        let rest = &self.s[start..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len());
        let mut tok = &rest[..end];
        // Exponent signs: `1e-5`.
        let mut len = end;
        if (tok.ends_with('e') || tok.ends_with('E'))
            && !tok.starts_with("0x")
            && !tok.starts_with("0X")
            && rest[end..].starts_with(['+', '-'])
        {
            let more = rest[end + 1..].find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len() - end - 1);
            len = end + 1 + more;
            tok = &rest[..len];
        }
        self.pos = start + len;
        let bad = || (format!("invalid number '{tok}'"), start);
        let mut digits = tok;
        if self.long_ints && (digits.ends_with('L') || digits.ends_with('l')) {
            digits = &digits[..digits.len() - 1];
        }
        let (radix, body) = match digits.get(..2) {
            Some("0x" | "0X") => (16, &digits[2..]),
            Some("0o" | "0O") => (8, &digits[2..]),
            Some("0b" | "0B") => (2, &digits[2..]),
            _ => (10, digits),
        };
        if radix == 10 && body.contains(['.', 'e', 'E', 'j', 'J']) {
            let clean: String = body.chars().filter(|&c| c != '_').collect();
            let ok = clean.trim_end_matches(['j', 'J']).parse::<f64>().is_ok();
            return if ok { Ok(LitKind::Float) } else { Err(bad()) };
        }
        if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
            return Err(bad());
        }
        if radix == 10 && body.len() > 1 && body.starts_with('0') && body.chars().any(|c| c != '0' && c != '_') {
            return Err((format!("invalid number '{tok}': leading zeros are not allowed"), start));
        }
        let clean: String = body.chars().filter(|&c| c != '_').collect();
        if !clean.chars().all(|c| c.is_digit(radix)) {
            return Err(bad());
        }
        i128::from_str_radix(&clean, radix)
            .map(LitKind::Int)
            .map_err(|_| (format!("integer '{tok}' is too large"), start))
    }

    fn string(&mut self) -> Result<LitKind, LitError> {
        let mut text = String::new();
        let mut bytes: Option<Vec<u8>> = None;
        let mut first = true;
        // Adjacent literals concatenate, as in Python.
        loop {
            let start = self.pos;
            let mut raw = false;
            let mut is_bytes = false;
            while let Some(c) = self.peek() {
                match c {
                    'r' | 'R' => raw = true,
                    'b' | 'B' => is_bytes = true,
                    'u' | 'U' => {}
                    _ => break,
                }
                self.pos += 1;
            }
            let Some(q) = self.peek().filter(|c| *c == '\'' || *c == '"') else {
                return Err(("expected a string".into(), start));
            };
            if !first && is_bytes != bytes.is_some() {
                return Err(("cannot mix bytes and str literals".into(), start));
            }
            let triple = self.s[self.pos..].starts_with(&format!("{q}{q}{q}"));
            self.pos += if triple { 3 } else { 1 };
            let mut out: Vec<u32> = Vec::new();
            loop {
                let Some(c) = self.peek() else {
                    return Err(("string literal is never closed".into(), start));
                };
                if c == q && (!triple || self.s[self.pos..].starts_with(&format!("{q}{q}{q}"))) {
                    self.pos += if triple { 3 } else { 1 };
                    break;
                }
                if c == '\n' && !triple {
                    return Err(("string literal is never closed on its line".into(), start));
                }
                self.pos += c.len_utf8();
                if c != '\\' {
                    if is_bytes && !c.is_ascii() {
                        return Err(("bytes literals can only hold ASCII characters".into(), self.pos - c.len_utf8()));
                    }
                    out.push(u32::from(c));
                    continue;
                }
                let esc_at = self.pos - 1;
                let Some(e) = self.peek() else { return Err(("string literal is never closed".into(), start)) };
                self.pos += e.len_utf8();
                if raw {
                    out.push(u32::from('\\'));
                    out.push(u32::from(e));
                    continue;
                }
                let simple = match e {
                    '\n' => Some(None),
                    '\\' => Some(Some('\\')),
                    '\'' => Some(Some('\'')),
                    '"' => Some(Some('"')),
                    'a' => Some(Some('\x07')),
                    'b' => Some(Some('\x08')),
                    'f' => Some(Some('\x0c')),
                    'n' => Some(Some('\n')),
                    'r' => Some(Some('\r')),
                    't' => Some(Some('\t')),
                    'v' => Some(Some('\x0b')),
                    _ => None,
                };
                if let Some(s) = simple {
                    if let Some(c) = s {
                        out.push(u32::from(c));
                    }
                    continue;
                }
                let hex = |p: &mut Self, n: usize| -> Result<u32, LitError> {
                    let h = p.s.get(p.pos..p.pos + n).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
                    let Some(h) = h else { return Err((format!("truncated \\{e} escape"), esc_at)) };
                    p.pos += n;
                    u32::from_str_radix(h, 16).map_err(|_| (format!("bad \\{e} escape"), esc_at))
                };
                match e {
                    'x' => out.push(hex(self, 2)?),
                    'u' if !is_bytes => out.push(hex(self, 4)?),
                    'U' if !is_bytes => out.push(hex(self, 8)?),
                    '0'..='7' => {
                        let mut v = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match self.peek().and_then(|c| c.to_digit(8)) {
                                Some(d) => {
                                    v = v * 8 + d;
                                    self.pos += 1;
                                }
                                None => break,
                            }
                        }
                        out.push(v);
                    }
                    _ => {
                        out.push(u32::from('\\'));
                        out.push(u32::from(e));
                    }
                }
            }
            if is_bytes {
                let b = bytes.get_or_insert_with(Vec::new);
                for v in out {
                    b.push(
                        u8::try_from(v)
                            .map_err(|_| ("byte value out of range in a bytes literal".to_string(), start))?,
                    );
                }
            } else {
                for v in out {
                    text.push(char::from_u32(v).ok_or_else(|| (format!("invalid code point {v:#x}"), start))?);
                }
            }
            first = false;
            // Another literal right after?
            let save = self.pos;
            self.skip_ws();
            let rest = &self.s[self.pos..];
            let prefix = rest.find(['\'', '"']).unwrap_or(usize::MAX);
            if prefix <= 2 && rest[..prefix].chars().all(|c| "rRbBuU".contains(c)) {
                continue;
            }
            self.pos = save;
            break;
        }
        Ok(match bytes {
            Some(b) => LitKind::Bytes(b),
            None => LitKind::Str(text),
        })
    }
}

/// Python's `repr` of a `str`: single quotes unless the text holds a single
/// quote and no double quote.
pub(crate) fn py_repr_str(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

// ---------------------------------------------------------------------------
// typestrs

fn int(n: u64) -> Expr {
    Expr { kind: ExprKind::Int(i128::from(n)), span: Span::default() }
}

fn scalar(kind: ScalarKind, endian: Endian) -> Type {
    let endian = if kind.size() == 1 { Endian::Little } else { endian };
    Type::Scalar(Scalar { kind, endian })
}

fn text(kind: TextKind, len: u64) -> Type {
    Type::Text { kind, len: int(len) }
}

fn unsupported(what: &str) -> String {
    format!("numpy {what} has no binmap equivalent (not supported)")
}

/// One numpy typestr or character code, as `np.dtype()` reads it on x86-64
/// Linux.
///
/// An optional byte order (`<` little, `>` big, `=` or none native, `|`
/// not applicable: native) then a code: `b1`/`?` bool, `i1 i2 i4 i8`,
/// `u1 u2 u4 u8`, `f2 f4 f8`, `c8 c16` (complex), `S`*n*/`a`*n* (bytes),
/// `U`*n* (*n* UCS-4 characters), `V`*n* (raw void), or a one-letter code
/// (`b B h H i I l L q Q n N p P e f d F D c S U V a`), `g`/`f16` (x86-64's
/// long double) and datetimes/timedeltas with a unit (`M8[ns]`, `m8[s]`).
/// Complex long doubles (`G`, `c32`), a datetime without a unit (`M8`),
/// objects (`O`) and variable strings (`T`) are an error.
///
/// ```
/// use binmap::layout::numpy::typestr;
/// assert_eq!(typestr(">f8").unwrap().describe(), "f64be");
/// assert_eq!(typestr("U5").unwrap().describe(), "ucs4[5]");
/// assert_eq!(typestr("l").unwrap().describe(), "i64");
/// assert_eq!(typestr("<M8[ns]").unwrap().describe(), "datetime64[ns]");
/// assert_eq!(typestr("g").unwrap().describe(), "longdouble");
/// assert!(typestr("M8").unwrap_err().contains("datetime64 without a unit"));
/// ```
pub fn typestr(s: &str) -> Result<Type, String> {
    let (endian, body) = match s.chars().next() {
        Some('<') => (Endian::Little, &s[1..]),
        Some('>') => (Endian::Big, &s[1..]),
        Some('=' | '|') => (Endian::NATIVE, &s[1..]),
        _ => (Endian::NATIVE, s),
    };
    let not_understood = || format!("data type '{s}' not understood");
    let mut chars = body.chars();
    let Some(code) = chars.next() else { return Err(not_understood()) };
    let digits = chars.as_str();
    use ScalarKind::*;
    if digits.is_empty() {
        let kind = match code {
            '?' => Bool,
            'b' => I8,
            'B' => U8,
            'h' => I16,
            'H' => U16,
            'i' => I32,
            'I' => U32,
            'l' | 'q' | 'n' | 'p' => I64,
            'L' | 'Q' | 'N' | 'P' => U64,
            'e' => F16,
            'f' => F32,
            'd' => F64,
            'F' => C64,
            'D' => C128,
            'c' => return Ok(text(TextKind::Bytes, 1)),
            'S' | 'a' => return Ok(text(TextKind::Bytes, 0)),
            'U' => return Ok(text(TextKind::Ucs4(endian), 0)),
            'V' => return Ok(text(TextKind::Void, 0)),
            'g' => LongDouble,
            'G' => return Err(unsupported("clongdouble ('G', complex256)")),
            _ => return Err(special(body).unwrap_or_else(not_understood)),
        };
        return Ok(scalar(kind, endian));
    }
    if let Some(unit) =
        digits.strip_prefix("8[").and_then(|d| d.strip_suffix(']')).filter(|_| matches!(code, 'M' | 'm'))
    {
        let unit = TimeUnit::from_code(unit).ok_or_else(|| {
            format!("'{s}': binmap knows the time units Y M W D h m s ms us ns ps fs as (no multiples like [2s])")
        })?;
        return Ok(scalar(if code == 'M' { DateTime(unit) } else { TimeDelta(unit) }, endian));
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(special(body).unwrap_or_else(not_understood));
    }
    let n: u64 = digits.parse().map_err(|_| not_understood())?;
    let kind = match (code, n) {
        ('b', 1) => Bool,
        ('i', 1) => I8,
        ('i', 2) => I16,
        ('i', 4) => I32,
        ('i', 8) => I64,
        ('u', 1) => U8,
        ('u', 2) => U16,
        ('u', 4) => U32,
        ('u', 8) => U64,
        ('f', 2) => F16,
        ('f', 4) => F32,
        ('f', 8) => F64,
        ('c', 8) => C64,
        ('c', 16) => C128,
        ('f', 16) => LongDouble,
        ('c', 32) => return Err(unsupported("clongdouble ('c32', complex256)")),
        // numpy's limits: an itemsize must fit a C int.
        ('S' | 'a', n) if n <= i32::MAX as u64 => return Ok(text(TextKind::Bytes, n)),
        ('V', n) if n <= i32::MAX as u64 => return Ok(text(TextKind::Void, n)),
        ('U', n) if n <= i32::MAX as u64 / 4 => return Ok(text(TextKind::Ucs4(endian), n)),
        _ => return Err(special(body).unwrap_or_else(not_understood)),
    };
    Ok(scalar(kind, endian))
}

/// The clear error for numpy types binmap does not have.
fn special(body: &str) -> Option<String> {
    let c = body.chars().next()?;
    Some(match c {
        'M' => unsupported(&format!("datetime64 without a unit ('{body}'): write M8[ns], M8[s]...")),
        'm' => unsupported(&format!("timedelta64 without a unit ('{body}'): write m8[ns], m8[s]...")),
        'O' => unsupported(&format!("object ('{body}')")),
        'T' => unsupported(&format!("StringDType ('{body}')")),
        _ => return None,
    })
}

/// numpy code as pasted from a script, in the quoted form [`dtype`]
/// parses: `np.dtype(...)`/`dtype(...)` around the spec removed, and type
/// objects (`int32`, `np.float64`, `numpy.int64`, `float`) quoted as the
/// names numpy takes (`[('rows', int32)]` → `[('rows', 'int32')]`). Quoted
/// text is left as it is.
///
/// ```
/// let t = binmap::layout::numpy::dtype("np.dtype([('name', 'S12'), ('time', np.int64), ('value', numpy.float32)])").unwrap();
/// assert_eq!(binmap::layout::numpy::descr(&t).unwrap(), "[('name', '|S12'), ('time', '<i8'), ('value', '<f4')]");
/// ```
pub fn quote_type_names(s: &str) -> String {
    let mut t = s.trim();
    for wrapper in ["np.dtype(", "numpy.dtype(", "dtype("] {
        if let Some(inner) = t.strip_prefix(wrapper).and_then(|r| r.strip_suffix(')')) {
            t = inner.trim();
            break;
        }
    }
    if !t.contains(['[', '(', '{']) {
        // A string spelling (`int32`, `<f8`, a comma string `int32,float64`).
        return t.strip_prefix("np.").or_else(|| t.strip_prefix("numpy.")).unwrap_or(t).to_string();
    }
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len() + 8);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            // A quoted string, copied whole (a backslash escapes the next byte).
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            out.push_str(&t[start..i]);
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            // `datetime64[ns]`: the unit belongs to the name.
            let unit_end = t[i..].find(']').map(|e| i + e + 1);
            if matches!(&t[start..i], "datetime64" | "timedelta64" | "np.datetime64" | "np.timedelta64")
                && b.get(i) == Some(&b'[')
                && let Some(end) = unit_end
            {
                i = end;
            }
            let word = &t[start..i];
            let name = word.strip_prefix("np.").or_else(|| word.strip_prefix("numpy.")).unwrap_or(word);
            // A string prefix (b'..', u'..') or a Python constant stays as written.
            let prefix = i < b.len() && (b[i] == b'\'' || b[i] == b'"');
            if !prefix && named(name).is_some() {
                out.push('\'');
                out.push_str(name);
                out.push('\'');
            } else {
                out.push_str(word);
            }
        } else {
            let ch = t[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// The numpy type name a `.bml` type name stands for, as numpy reads it
/// (`int32`, `float64`, `double`, `int_`): `None` for names that are not
/// numpy's or that binmap spells the same way itself (`bool`, `bytes`, ...).
pub fn numpy_type_name(name: &str) -> Option<Result<Type, String>> {
    let name = name.strip_prefix("np.").or_else(|| name.strip_prefix("numpy.")).unwrap_or(name);
    if matches!(name, "bool" | "bytes" | "void" | "str" | "int" | "float" | "complex" | "object") {
        return None;
    }
    named(name)
}

/// numpy's type names (`np.dtype('int32')`) on x86-64 Linux, as typestrs.
fn named(name: &str) -> Option<Result<Type, String>> {
    let ts = match name {
        "bool" | "bool_" => "?",
        "int8" | "byte" => "i1",
        "int16" | "short" => "i2",
        "int32" | "intc" => "i4",
        "int64" | "int" | "int_" | "intp" | "long" | "longlong" => "i8",
        "uint8" | "ubyte" => "u1",
        "uint16" | "ushort" => "u2",
        "uint32" | "uintc" => "u4",
        "uint64" | "uint" | "uintp" | "ulong" | "ulonglong" => "u8",
        "float16" | "half" => "f2",
        "float32" | "single" => "f4",
        "float64" | "float" | "double" => "f8",
        "complex64" | "csingle" => "c8",
        "complex128" | "complex" | "cdouble" => "c16",
        "bytes" | "bytes_" => "S",
        "str" | "str_" | "unicode" => "U",
        "void" => "V",
        "float128" | "longdouble" => "g",
        "complex256" | "clongdouble" => "G",
        "object" | "object_" => "O",
        "datetime64" => "M8",
        "timedelta64" => "m8",
        _ => {
            // `datetime64[ns]`, `timedelta64[s]`: numpy's names with a unit.
            let (code, unit) = match name.split_once('[') {
                Some(("datetime64", u)) => ("M8", u),
                Some(("timedelta64", u)) => ("m8", u),
                _ => return None,
            };
            return Some(typestr(&format!("{code}[{unit}")));
        }
    };
    Some(typestr(ts))
}

// ---------------------------------------------------------------------------
// dtypes

/// A lowered dtype with numpy's alignment (used only by aligned structs).
struct Dt {
    ty: Type,
    align: u64,
}

fn size_of(ty: &Type) -> Result<u64, String> {
    ty.fixed_size().ok_or_else(|| "the dtype's size overflows".to_string())
}

/// numpy's alignment of a lowered leaf type.
fn leaf_align(ty: &Type) -> u64 {
    match ty {
        Type::Scalar(s) if s.kind.is_complex() => s.kind.size() / 2,
        Type::Scalar(s) => s.kind.size(),
        Type::Text { kind: TextKind::Ucs4(_), .. } => 4,
        Type::Array { elem, .. } => leaf_align(elem),
        _ => 1,
    }
}

fn leaf(ty: Type) -> Dt {
    let align = leaf_align(&ty);
    Dt { ty, align }
}

/// Every spelling `np.dtype(...)` accepts as a string or a Python literal,
/// lowered to a binmap type.
///
/// Field offsets and the itemsize are numpy's exactly: gaps become anonymous
/// `_: bytes[N]` fields. numpy's `('', '|V7')` entries are padding, as
/// `np.load` reads them; other fields with an empty name get numpy's default
/// name `f<i>`. Errors say what is wrong and at which column.
///
/// ```
/// use binmap::layout::numpy::dtype;
/// assert_eq!(dtype("S12, i8, f4").unwrap().describe(), "{f0: bytes[12], f1: i64, f2: f32}");
/// assert_eq!(dtype("(2,3)f8").unwrap().describe(), "f64[2, 3]");
/// let t = dtype("{'names': ['a', 'b'], 'formats': ['<i4', '<f8'], 'offsets': [0, 8], 'itemsize': 24}").unwrap();
/// assert_eq!(t.describe(), "{a: i32, _: bytes[4], b: f64, _: bytes[8]}");
/// assert_eq!(dtype("[('pos', [('x', '<f8'), ('y', '<f8')]), ('v', '>f4', (3,))]").unwrap().fixed_size(), Some(28));
/// let err = dtype("{'names': ['a', 'b'], 'formats': ['i4', 'i4'], 'offsets': [4, 0]}").unwrap_err();
/// assert!(err.contains("binmap does not support"), "{err}");
/// ```
pub fn dtype(s: &str) -> Result<Type, String> {
    let pasted = quote_type_names(s);
    let s = pasted.as_str();
    let t = s.trim();
    let first = t.chars().next();
    match parse_literal(t, false) {
        // A Python literal: a quoted string, a list, a dict or a tuple.
        Ok(lit) if !matches!(lit.kind, LitKind::Int(_) | LitKind::Float) => {
            let lead = s.len() - s.trim_start().len();
            from_lit(&lit, false, 0).map(|d| d.ty).map_err(|(m, at)| locate(s, m, at.map(|a| a + lead)))
        }
        Err((m, at)) if matches!(first, Some('[' | '{' | '\'' | '"')) => {
            let lead = s.len() - s.trim_start().len();
            Err(locate(s, m, Some(at + lead)))
        }
        _ => from_str(t, false).map(|d| d.ty),
    }
}

/// `msg` with the column it is about, when there is one.
fn locate(s: &str, msg: String, at: Option<usize>) -> String {
    match at {
        Some(at) => {
            let at = at.min(s.len());
            let col = s.get(..at).map_or(at, |p| p.chars().count()) + 1;
            format!("{msg} (at column {col})")
        }
        None => msg,
    }
}

/// An error with an optional byte offset into the dtype text.
type DtError = (String, Option<usize>);

fn at(l: &Lit) -> impl Fn(String) -> DtError + '_ {
    move |m| (m, Some(l.start))
}

/// A string spelling: a typestr, a type name or a comma string.
fn from_str(s: &str, align: bool) -> Result<Dt, String> {
    let b = s.as_bytes();
    let order = |c: u8| matches!(c, b'<' | b'>' | b'=' | b'|');
    let comma = s.contains(',')
        || b.first().is_some_and(|c| c.is_ascii_digit() || *c == b'(')
        || (b.len() > 1 && order(b[0]) && (b[1].is_ascii_digit() || b[1] == b'('));
    if !comma {
        return simple(s).map(leaf);
    }
    let mut items = Vec::new();
    let mut list = false;
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (item, tail) = comma_item(rest, items.len() + 1, s)?;
        items.push(item);
        let tail = tail.trim_start();
        rest = match tail.strip_prefix(',') {
            Some(t) => {
                list = true;
                t.trim_start()
            }
            None if tail.is_empty() => tail,
            None => return Err(format!("format number {} of \"{s}\" is not recognized", items.len())),
        };
    }
    if !list {
        return match items.pop() {
            Some(d) => Ok(d),
            None => Err(format!("data type '{s}' not understood")),
        };
    }
    let fields = items
        .into_iter()
        .enumerate()
        .map(|(i, dt)| FieldSpec { name: Some(format!("f{i}")), dt, offset: None })
        .collect();
    layout_struct(fields, None, align).map_err(|(m, _)| m)
}

/// One item of a comma string: `[order] [repeats] [order] typename`.
fn comma_item<'a>(s: &'a str, n: usize, whole: &str) -> Result<(Dt, &'a str), String> {
    let bad = || format!("format number {n} of \"{whole}\" is not recognized");
    let is_order = |c: char| matches!(c, '<' | '>' | '=' | '|');
    let mut rest = s;
    let mut order1 = None;
    if let Some(c) = rest.chars().next().filter(|c| is_order(*c)) {
        order1 = Some(c);
        rest = &rest[1..];
    }
    rest = rest.trim_start();
    let mut shape: Option<Vec<u64>> = None;
    if let Some(r) = rest.strip_prefix('(') {
        let close = r.find(')').ok_or_else(bad)?;
        let inner = &r[..close];
        if !inner.chars().all(|c| c.is_ascii_digit() || c == ',' || c == ' ') {
            return Err(bad());
        }
        let mut dims = Vec::new();
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() {
                // Only a trailing comma (`(2,)`) or `()` may leave an empty part.
                if i + 1 == parts.len() && (i > 0 || parts.len() == 1) {
                    continue;
                }
                return Err(bad());
            }
            dims.push(dim(p).ok_or_else(bad)?);
        }
        shape = Some(dims);
        rest = r[close + 1..].trim_start();
    } else {
        let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if end > 0 {
            shape = Some(vec![dim(&rest[..end]).ok_or_else(bad)?]);
            rest = rest[end..].trim_start();
        }
    }
    let mut order2 = None;
    if let Some(c) = rest.chars().next().filter(|c| is_order(*c)) {
        order2 = Some(c);
        rest = &rest[1..];
    }
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '?')).unwrap_or(rest.len());
    let mut end = end;
    if rest[end..].starts_with('[') {
        end = rest[end..].find(']').map_or(rest.len(), |i| end + i + 1);
    }
    let name = &rest[..end];
    if name.is_empty() && shape.is_none() && order1.is_none() && order2.is_none() {
        return Err(bad());
    }
    let norm = |c: Option<char>| match c {
        Some('=' | '|') | None => None,
        Some('>') if Endian::NATIVE == Endian::Big => None,
        Some('<') if Endian::NATIVE == Endian::Little => None,
        c => c,
    };
    let order = match (order1, order2) {
        (Some(a), Some(b)) if norm(Some(a)) != norm(Some(b)) => {
            return Err(format!("inconsistent byte-order specification {a} and {b}"));
        }
        (a, b) => norm(a.or(b)),
    };
    let spelled = match order {
        Some(o) => format!("{o}{name}"),
        None => name.to_string(),
    };
    let base = simple(&spelled)?;
    let dt = match shape {
        Some(dims) => sub(leaf(base), dims)?,
        None => leaf(base),
    };
    Ok((dt, &rest[end..]))
}

/// A dimension of a sub-array shape, within numpy's limits (a C int).
fn dim(p: &str) -> Option<u64> {
    p.parse::<u64>().ok().filter(|&d| d <= i32::MAX as u64)
}

/// A typestr or a type name.
fn simple(s: &str) -> Result<Type, String> {
    match typestr(s) {
        Ok(t) => Ok(t),
        Err(e) => match named(s) {
            Some(r) => r,
            None => Err(e),
        },
    }
}

/// `base` repeated in `dims` (a numpy sub-array); nested sub-arrays flatten
/// into one shape, as numpy does. An empty shape is `base` itself.
fn sub(base: Dt, mut dims: Vec<u64>) -> Result<Dt, String> {
    if dims.is_empty() {
        return Ok(base);
    }
    let (elem, inner) = match base.ty {
        Type::Array { elem, dims: Dims::Fixed(inner) } => (elem, inner),
        t => (Arc::new(t), Vec::new()),
    };
    let mut all: Vec<Expr> = dims.drain(..).map(int).collect();
    all.extend(inner);
    let ty = Type::Array { elem, dims: Dims::Fixed(all) };
    size_of(&ty)?;
    Ok(Dt { ty, align: base.align })
}

/// A shape given as a literal: an int or a tuple of ints.
fn shape_of(l: &Lit) -> Result<Vec<u64>, DtError> {
    let one = |v: &Lit| -> Result<u64, DtError> {
        match v.kind {
            LitKind::Int(n) if n < 0 => Err((format!("negative dimension {n} in a sub-array shape"), Some(v.start))),
            LitKind::Int(n) => u64::try_from(n)
                .ok()
                .filter(|&d| d <= i32::MAX as u64)
                .ok_or_else(|| (format!("dimension {n} does not fit into a C int"), Some(v.start))),
            _ => Err((format!("a sub-array shape must hold integers, found {}", v.kind.what()), Some(v.start))),
        }
    };
    match &l.kind {
        LitKind::Int(_) => Ok(vec![one(l)?]),
        LitKind::Tuple(items) | LitKind::List(items) => items.iter().map(one).collect(),
        k => Err((
            format!("invalid shape in fixed-type tuple: expected an int or a tuple of ints, found {}", k.what()),
            Some(l.start),
        )),
    }
}

fn from_lit(l: &Lit, align: bool, depth: usize) -> Result<Dt, DtError> {
    if depth > MAX_DEPTH {
        return Err((format!("dtype nested deeper than {MAX_DEPTH} levels"), Some(l.start)));
    }
    match &l.kind {
        LitKind::Str(s) => from_str(s.trim(), align).map_err(at(l)),
        LitKind::List(items) => from_list(items, align, depth),
        LitKind::Dict(pairs) => from_dict(l, pairs, align, depth),
        LitKind::Tuple(items) if items.len() == 2 => {
            let base = from_lit(&items[0], align, depth + 1)?;
            if matches!(items[1].kind, LitKind::Str(_) | LitKind::List(_) | LitKind::Dict(_)) {
                return Err((
                    "the (base_dtype, new_dtype) form views one dtype as another; binmap does not support it".into(),
                    Some(l.start),
                ));
            }
            let dims = shape_of(&items[1])?;
            sub(base, dims).map_err(at(l))
        }
        k => Err((
            format!(
                "expected a dtype (a string, a list of fields, a dict or a (dtype, shape) tuple), found {}",
                k.what()
            ),
            Some(l.start),
        )),
    }
}

struct FieldSpec {
    /// `None`: padding.
    name: Option<String>,
    dt: Dt,
    offset: Option<(u64, usize)>,
}

fn from_list(items: &[Lit], align: bool, depth: usize) -> Result<Dt, DtError> {
    let mut fields = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let parts = match &it.kind {
            LitKind::Tuple(p) if p.len() == 2 || p.len() == 3 => p,
            k => {
                return Err((
                    format!("field {i} must be a 2- or 3-tuple ('name', dtype[, shape]), found {}", k.what()),
                    Some(it.start),
                ));
            }
        };
        let name = match &parts[0].kind {
            LitKind::Str(s) => s.clone(),
            // `(('title', 'name'), dtype)`: the title is only an alias.
            LitKind::Tuple(tn) if tn.len() == 2 => match &tn[1].kind {
                LitKind::Str(s) => s.clone(),
                k => return Err((format!("a field name must be a string, found {}", k.what()), Some(tn[1].start))),
            },
            k => {
                return Err((
                    format!(
                        "the first element of a field tuple must be a name or a (title, name) tuple, found {}",
                        k.what()
                    ),
                    Some(parts[0].start),
                ));
            }
        };
        let mut dt = from_lit(&parts[1], align, depth + 1)?;
        if let Some(shape) = parts.get(2) {
            dt = sub(dt, shape_of(shape)?).map_err(at(shape))?;
        }
        let pad = name.is_empty() && is_void(&dt.ty);
        let name = if pad {
            None
        } else if name.is_empty() {
            Some(format!("f{i}"))
        } else {
            Some(name)
        };
        fields.push(FieldSpec { name, dt, offset: None });
    }
    layout_struct(fields, None, align)
}

/// numpy's padding test: a void that is not a struct (a sub-array of voids too).
fn is_void(t: &Type) -> bool {
    match t {
        Type::Text { kind: TextKind::Void, .. } => true,
        Type::Array { elem, .. } => is_void(elem),
        _ => false,
    }
}

fn lit_str(l: &Lit) -> Option<&str> {
    if let LitKind::Str(s) = &l.kind { Some(s) } else { None }
}

fn from_dict(whole: &Lit, pairs: &[(Lit, Lit)], align: bool, depth: usize) -> Result<Dt, DtError> {
    let get = |k: &str| pairs.iter().find(|(key, _)| lit_str(key) == Some(k)).map(|(_, v)| v);
    let (Some(names), Some(formats)) = (get("names"), get("formats")) else {
        return fields_dict(whole, pairs, align, depth);
    };
    let seq = |l: &Lit, what: &str| -> Result<Vec<Lit>, DtError> {
        match &l.kind {
            LitKind::List(v) | LitKind::Tuple(v) => Ok(v.clone()),
            k => Err((format!("'{what}' must be a list, found {}", k.what()), Some(l.start))),
        }
    };
    let names = seq(names, "names")?;
    let formats = seq(formats, "formats")?;
    let offsets = get("offsets").map(|o| seq(o, "offsets")).transpose()?;
    let titles = get("titles").map(|o| seq(o, "titles")).transpose()?;
    let same = offsets.as_ref().is_none_or(|o| o.len() == names.len())
        && titles.as_ref().is_none_or(|t| t.len() == names.len());
    if names.len() != formats.len() || !same {
        return Err((
            "'names', 'formats', 'offsets', and 'titles' dict entries must have the same length".into(),
            Some(whole.start),
        ));
    }
    let align = match get("aligned") {
        None => align,
        Some(Lit { kind: LitKind::Bool(b), .. }) => align || *b,
        Some(l) => return Err((format!("'aligned' must be True or False, found {}", l.kind.what()), Some(l.start))),
    };
    let itemsize = match get("itemsize") {
        None => None,
        Some(l) => Some(non_negative(l, "itemsize")?),
    };
    let mut fields = Vec::new();
    for (i, (n, f)) in names.iter().zip(&formats).enumerate() {
        let Some(name) = lit_str(n) else {
            return Err((format!("a field name must be a string, found {}", n.kind.what()), Some(n.start)));
        };
        let dt = from_lit(f, align, depth + 1)?;
        let offset = match &offsets {
            Some(o) => Some((non_negative(&o[i], "offset")?, o[i].start)),
            None => None,
        };
        let name = if name.is_empty() { format!("f{i}") } else { name.to_string() };
        fields.push(FieldSpec { name: Some(name), dt, offset });
    }
    layout_struct(fields, itemsize.map(|v| (v, whole.start)), align)
}

fn non_negative(l: &Lit, what: &str) -> Result<u64, DtError> {
    match l.kind {
        LitKind::Int(v) if v < 0 => Err((format!("{what} {v} cannot be negative"), Some(l.start))),
        LitKind::Int(v) => u64::try_from(v).map_err(|_| (format!("{what} {v} is too large"), Some(l.start))),
        ref k => Err((format!("{what} must be an integer, found {}", k.what()), Some(l.start))),
    }
}

/// `{'a': ('<i4', 0), 'b': ('<f8', 8, 'title')}`: fields sorted by offset.
fn fields_dict(whole: &Lit, pairs: &[(Lit, Lit)], align: bool, depth: usize) -> Result<Dt, DtError> {
    let mut fields = Vec::new();
    for (k, v) in pairs {
        let Some(name) = lit_str(k) else {
            return Err((format!("a field name must be a string, found {}", k.kind.what()), Some(k.start)));
        };
        let parts = match &v.kind {
            LitKind::Tuple(p) if p.len() == 2 || p.len() == 3 => p,
            k => {
                return Err((
                    format!(
                        "field '{name}' must be (dtype, offset) or (dtype, offset, title), found {} (a dict form needs 'names' and 'formats', or fields as (dtype, offset))",
                        k.what()
                    ),
                    Some(v.start),
                ));
            }
        };
        let dt = from_lit(&parts[0], align, depth + 1)?;
        let off = non_negative(&parts[1], "offset")?;
        fields.push(FieldSpec { name: Some(name.to_string()), dt, offset: Some((off, parts[1].start)) });
    }
    if fields.is_empty() && !pairs.is_empty() {
        return Err(("empty dict".into(), Some(whole.start)));
    }
    fields.sort_by_key(|f| f.offset.map_or(0, |o| o.0));
    layout_struct(fields, None, align)
}

/// Lay fields out as numpy does, gaps as `_: bytes[N]`.
fn layout_struct(fields: Vec<FieldSpec>, itemsize: Option<(u64, usize)>, align: bool) -> Result<Dt, DtError> {
    let mut items = Vec::new();
    let mut pos = 0u64;
    let mut max_align = 1u64;
    let mut prev: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    let pad = |n: u64| {
        Item::Field(Field {
            name: None,
            placement: None,
            pointer: None,
            ty: text(TextKind::Bytes, n),
            check: None,
            constraint: None,
            span: Span::default(),
        })
    };
    for f in fields {
        let a = if align { f.dt.align.max(1) } else { 1 };
        max_align = max_align.max(a);
        let size = size_of(&f.dt.ty).map_err(|m| (m, None))?;
        let label = f.name.clone().unwrap_or_else(|| "padding".into());
        let off = match f.offset {
            Some((o, at)) => {
                if align && o % a != 0 {
                    return Err((
                        format!(
                            "offset {o} for NumPy dtype with fields is not divisible by the field alignment {a} with align=True"
                        ),
                        Some(at),
                    ));
                }
                if o < pos {
                    let after = prev.as_deref().map_or(String::new(), |p| format!(" ('{p}' ends at offset {pos})"));
                    return Err((
                        format!(
                            "field '{label}' at offset {o} overlaps or comes before the previous field{after}: numpy allows overlapping and out-of-order fields, binmap does not support them"
                        ),
                        Some(at),
                    ));
                }
                o
            }
            None => super::ast::align_up(pos, a).ok_or_else(|| ("the dtype's size overflows".to_string(), None))?,
        };
        if let Some(n) = &f.name {
            if seen.contains(n) {
                return Err((format!("field '{n}' occurs more than once"), None));
            }
            seen.push(n.clone());
        }
        if off > pos {
            items.push(pad(off - pos));
        }
        if f.name.is_none() {
            // `('', '|V7')`: padding, as `np.load` reads it.
            if size > 0 {
                items.push(pad(size));
            }
            pos = off + size;
            continue;
        }
        items.push(Item::Field(Field {
            name: f.name.as_deref().map(Arc::from),
            placement: None,
            pointer: None,
            ty: f.dt.ty,
            check: None,
            constraint: None,
            span: Span::default(),
        }));
        pos = off.checked_add(size).ok_or_else(|| ("the dtype's size overflows".to_string(), None))?;
        prev = Some(label);
    }
    let size = match itemsize {
        Some((n, at)) => {
            if n < pos {
                return Err((
                    format!("NumPy dtype descriptor requires {pos} bytes, cannot override to smaller itemsize of {n}"),
                    Some(at),
                ));
            }
            if align && n % max_align != 0 {
                return Err((
                    format!(
                        "NumPy dtype descriptor requires alignment of {max_align} bytes, which is not divisible into the specified itemsize {n}"
                    ),
                    Some(at),
                ));
            }
            n
        }
        None if align => {
            super::ast::align_up(pos, max_align).ok_or_else(|| ("the dtype's size overflows".to_string(), None))?
        }
        None => pos,
    };
    if size > i64::MAX as u64 {
        return Err(("the dtype's size overflows".into(), None));
    }
    if size > pos {
        items.push(pad(size - pos));
    }
    Ok(Dt { ty: Type::Struct(Arc::new(StructType { items })), align: if align { max_align } else { 1 } })
}

// ---------------------------------------------------------------------------
// descr

/// The numpy `descr` of a binmap type, as the Python literal `.npy` headers
/// hold (`'<f8'`, or `[('name', '|S12'), ('', '|V4'), ('v', '<f4', (3,))]`),
/// so that `np.dtype(eval(descr))` has the same itemsize and field offsets.
///
/// Anonymous fields and `align` gaps become `('', '|V<n>')` padding; a
/// top-level array becomes numpy's `(base, shape)` sub-array tuple. Types
/// numpy cannot express are an error: sizes read from the data, `cstr`,
/// `utf8`, `bf16`, placements (`@`), `if` blocks and `[..]` arrays.
///
/// ```
/// use binmap::layout::numpy::{descr, dtype};
/// assert_eq!(descr(&dtype("<f8").unwrap()).unwrap(), "'<f8'");
/// let t = binmap::layout::numpy::dtype("{'a': ('i1', 0), 'b': ('>u2', 4)}").unwrap();
/// assert_eq!(descr(&t).unwrap(), "[('a', '|i1'), ('', '|V3'), ('b', '>u2')]");
/// ```
pub fn descr(ty: &Type) -> Result<String, String> {
    match ty {
        Type::Array { .. } => {
            let (base, shape) = flatten(ty)?;
            Ok(format!("({}, {})", descr_inner(base)?, shape_repr(&shape)))
        }
        t => descr_inner(t),
    }
}

/// An array's innermost element and its whole shape.
fn flatten(ty: &Type) -> Result<(&Type, Vec<u64>), String> {
    let mut shape = Vec::new();
    let mut t = ty;
    while let Type::Array { elem, dims } = t {
        let Dims::Fixed(ds) = dims else {
            return Err(match dims {
                Dims::ToEnd => "numpy cannot express an array of unknown length ([..])".into(),
                _ => "numpy cannot express a Fortran-ordered sub-array in a dtype".into(),
            });
        };
        for d in ds {
            let v = d.constant().and_then(|v| u64::try_from(v).ok()).ok_or_else(|| {
                format!("numpy cannot express the size '{}', which depends on the data", d.describe())
            })?;
            shape.push(v);
        }
        t = elem;
    }
    Ok((t, shape))
}

fn shape_repr(shape: &[u64]) -> String {
    match shape {
        [] => "()".into(),
        [d] => format!("({d},)"),
        ds => format!("({})", ds.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// The typestr of a leaf type (`<i4`, `|S12`, `>U3`), without quotes.
fn leaf_typestr(ty: &Type) -> Result<String, String> {
    Ok(match ty {
        Type::Scalar(s) => {
            use ScalarKind::*;
            let (c, n) = match s.kind {
                I8 => ('i', 1),
                I16 => ('i', 2),
                I32 => ('i', 4),
                I64 => ('i', 8),
                U8 => ('u', 1),
                U16 => ('u', 2),
                U32 => ('u', 4),
                U64 => ('u', 8),
                F16 => ('f', 2),
                F32 => ('f', 4),
                F64 => ('f', 8),
                C64 => ('c', 8),
                C128 => ('c', 16),
                Bool => ('b', 1),
                BF16 => return Err("numpy has no bfloat16 (bf16)".into()),
                LongDouble => ('f', 16),
                DateTime(u) | TimeDelta(u) => {
                    let o = if s.endian == Endian::Big { '>' } else { '<' };
                    let c = if matches!(s.kind, DateTime(_)) { 'M' } else { 'm' };
                    return Ok(format!("{o}{c}8[{}]", u.code()));
                }
                I24 | U24 | I40 | U40 | I48 | U48 | I56 | U56 | Ibm32 | Ibm64 | F80 => {
                    return Err(format!("numpy has no {} type", s.kind.name()));
                }
            };
            let o = if n == 1 {
                '|'
            } else if s.endian == Endian::Big {
                '>'
            } else {
                '<'
            };
            format!("{o}{c}{n}")
        }
        Type::Char => "|S1".into(),
        Type::Text { kind, len } => {
            let n = len.constant().and_then(|v| u64::try_from(v).ok()).ok_or_else(|| {
                format!("numpy cannot express the size '{}', which depends on the data", len.describe())
            })?;
            match kind {
                TextKind::Bytes => format!("|S{n}"),
                TextKind::Void => format!("|V{n}"),
                TextKind::Ucs4(Endian::Little) => format!("<U{n}"),
                TextKind::Ucs4(Endian::Big) => format!(">U{n}"),
                TextKind::Utf8 => return Err("numpy has no UTF-8 string type (utf8[N])".into()),
                k => return Err(format!("numpy has no {} type", k.name())),
            }
        }
        Type::Cstr => return Err("numpy has no NUL-terminated string type (cstr)".into()),
        // The integer: numpy has no names for values.
        Type::Enum(_, base) => leaf_typestr(base)?,
        Type::Bits(_) => {
            return Err(
                "numpy has no bit fields (bits ...): convert to Arrow, Parquet or CSV, which have a column per field"
                    .into(),
            );
        }
        _ => return Err(format!("'{}' is not a leaf type", ty.describe())),
    })
}

fn descr_inner(ty: &Type) -> Result<String, String> {
    match ty {
        Type::Struct(st) => {
            let mut parts = Vec::new();
            let mut pos = 0u64;
            for item in &st.items {
                match item {
                    Item::Field(f) => {
                        if f.placement.is_some() || f.pointer.is_some() {
                            return Err("numpy cannot express a placed field (@)".into());
                        }
                        let size = f.ty.fixed_size().ok_or_else(|| {
                            format!("numpy cannot express '{}', whose size depends on the data", f.ty.describe())
                        })?;
                        pos = pos.checked_add(size).ok_or("the size overflows")?;
                        match &f.name {
                            None => {
                                // A zero-size `('', '|V0')` would be a field to numpy.
                                if size > 0 {
                                    parts.push(format!("('', '|V{size}')"));
                                }
                            }
                            Some(n) => {
                                let name = py_repr_str(n);
                                match &f.ty {
                                    Type::Array { .. } => {
                                        let (base, shape) = flatten(&f.ty)?;
                                        let b = descr_inner(base)?;
                                        if shape.is_empty() {
                                            parts.push(format!("({name}, {b})"));
                                        } else {
                                            parts.push(format!("({name}, {b}, {})", shape_repr(&shape)));
                                        }
                                    }
                                    t => parts.push(format!("({name}, {})", descr_inner(t)?)),
                                }
                            }
                        }
                    }
                    Item::Align { to, .. } => {
                        let to_pos = super::ast::align_up(pos, *to).ok_or("the size overflows")?;
                        if to_pos > pos {
                            parts.push(format!("('', '|V{}')", to_pos - pos));
                        }
                        pos = to_pos;
                    }
                    Item::If { .. } => return Err("numpy cannot express a conditional block (if)".into()),
                    // A named value takes no bytes: numpy's dtype has nothing for it.
                    Item::Let { .. } => {}
                }
            }
            Ok(format!("[{}]", parts.join(", ")))
        }
        Type::Array { .. } => {
            let (base, shape) = flatten(ty)?;
            Ok(format!("({}, {})", descr_inner(base)?, shape_repr(&shape)))
        }
        t => Ok(py_repr_str(&leaf_typestr(t)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        let l = parse_literal("{'a': (1, 2,), \"b\": [True, None], 'c': -0x10, 'd': u'x' 'y'}", false).unwrap();
        let LitKind::Dict(p) = l.kind else { panic!() };
        assert_eq!(p.len(), 4);
        assert_eq!(p[2].1.kind, LitKind::Int(-16));
        assert_eq!(p[3].1.kind, LitKind::Str("xy".into()));
        assert_eq!(parse_literal("(3)", false).unwrap().kind, LitKind::Int(3));
        assert!(parse_literal("3L", false).is_err());
        assert_eq!(parse_literal("3L", true).unwrap().kind, LitKind::Int(3));
        assert_eq!(parse_literal(r"'\x41\u00e9\n'", false).unwrap().kind, LitKind::Str("Aé\n".into()));
        assert!(parse_literal(&"[".repeat(1000), false).is_err());
        assert!(parse_literal("[1, 2", false).unwrap_err().0.contains("never closed"));
    }

    #[test]
    fn repr() {
        assert_eq!(py_repr_str("a'b"), "\"a'b\"");
        assert_eq!(py_repr_str("a'b\""), "'a\\'b\"'");
        assert_eq!(py_repr_str("é\x01"), "'é\\x01'");
    }
}
