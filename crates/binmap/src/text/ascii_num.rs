//! Numbers written as ASCII text in a fixed width: `ascii_int[N]` (FITS
//! integers, `ar` sizes), `ascii_oct[N]` (tar header fields) and
//! `ascii_float[N]` (FITS card values).
//!
//! Reading trims spaces and NULs at both ends (tar writes `0000644\0`,
//! old tars ` 644 \0`, FITS right-justifies in spaces), then reads:
//! decimal digits with an optional sign (`ascii_int`), octal digits
//! (`ascii_oct`, as Python's `int(s, 8)`), or what Python's `float()`
//! reads plus FITS's `D` exponent (`-3.5D-02`) for `ascii_float`. A field
//! of only spaces and NULs is blank: no value ([`Read::Blank`], `null` in
//! JSON). Anything else is an error.
//!
//! Writing gives one canonical spelling: `ascii_oct[N]` as Python's
//! `tarfile` writes it (`N-1` zero-padded octal digits then a NUL),
//! `ascii_int[N]` right-justified decimal, `ascii_float[N]` the shortest
//! `repr` digits right-justified; a blank (`null`) as `N` NULs for
//! `ascii_oct` and `N` spaces otherwise. A value that does not fit is an
//! error.
//!
//! ```
//! use binmap::text::ascii_num::{AsciiKind, Read, read, write};
//! assert_eq!(read(AsciiKind::Oct, b"0000644\0"), Ok(Read::Int(0o644)));
//! assert_eq!(read(AsciiKind::Float, b"           -3.5D-02"), Ok(Read::Float(-0.035)));
//! assert_eq!(read(AsciiKind::Int, b"    "), Ok(Read::Blank));
//! assert_eq!(write(AsciiKind::Oct, Some("420"), 8).unwrap(), b"0000644\0");
//! assert_eq!(write(AsciiKind::Int, Some("42"), 5).unwrap(), b"   42");
//! ```

use crate::text::number::{self, NonFinite};

/// Which text number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AsciiKind {
    Int,
    Oct,
    Float,
}

impl AsciiKind {
    /// The layout-language name.
    pub fn name(self) -> &'static str {
        match self {
            AsciiKind::Int => "ascii_int",
            AsciiKind::Oct => "ascii_oct",
            AsciiKind::Float => "ascii_float",
        }
    }
}

/// A field's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Read {
    Int(i64),
    Float(f64),
    /// Only spaces and NULs.
    Blank,
}

fn trim(b: &[u8]) -> &[u8] {
    let pad = |c: &u8| *c == b' ' || *c == 0;
    let start = b.iter().position(|c| !pad(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !pad(c)).map_or(start, |i| i + 1);
    &b[start..end]
}

/// Read a field; errors are short reasons quoting the text.
pub fn read(kind: AsciiKind, b: &[u8]) -> Result<Read, String> {
    let t = trim(b);
    if t.is_empty() {
        return Ok(Read::Blank);
    }
    let bad = || format!("'{}' is not {}", crate::text::escape::escape_bytes(t), what(kind));
    let text = std::str::from_utf8(t).map_err(|_| bad())?;
    match kind {
        AsciiKind::Int | AsciiKind::Oct => {
            let (neg, digits) = match text.as_bytes()[0] {
                b'-' if kind == AsciiKind::Int => (true, &text[1..]),
                b'+' if kind == AsciiKind::Int => (false, &text[1..]),
                _ => (false, text),
            };
            let radix = if kind == AsciiKind::Oct { 8 } else { 10 };
            if digits.is_empty() || !digits.bytes().all(|c| (c as char).is_digit(radix)) {
                return Err(bad());
            }
            let mag = i128::from_str_radix(digits, radix).map_err(|_| bad())?;
            let v = if neg { -mag } else { mag };
            i64::try_from(v).map(Read::Int).map_err(|_| format!("{text} is too large for a 64-bit integer"))
        }
        AsciiKind::Float => {
            let fixed = text.replacen(['D', 'd'], "E", 1);
            number::parse_f64(&fixed).map(Read::Float).ok_or_else(bad)
        }
    }
}

fn what(kind: AsciiKind) -> &'static str {
    match kind {
        AsciiKind::Int => "a decimal integer",
        AsciiKind::Oct => "an octal number",
        AsciiKind::Float => "a number",
    }
}

/// Write a value (`None` for blank) in a field of `n` bytes; `value` is the
/// number's text (JSON number or CSV cell).
pub fn write(kind: AsciiKind, value: Option<&str>, n: u64) -> Result<Vec<u8>, String> {
    let n = usize::try_from(n).map_err(|_| "field too large".to_string())?;
    let Some(value) = value else {
        return Ok(vec![if kind == AsciiKind::Oct { 0 } else { b' ' }; n]);
    };
    let text = match kind {
        AsciiKind::Int | AsciiKind::Oct => {
            let v = number::parse_int(value)
                .filter(|v| i64::try_from(*v).is_ok())
                .ok_or_else(|| format!("'{}' is not a 64-bit integer (for {}[{n}])", value.trim(), kind.name()))?;
            if kind == AsciiKind::Int {
                format!("{v:>n$}")
            } else if v < 0 {
                return Err(format!("{v} is negative: ascii_oct[{n}] holds 0 and up"));
            } else {
                format!("{v:0w$o}\0", w = n.saturating_sub(1))
            }
        }
        AsciiKind::Float => {
            let x = number::parse_f64(value)
                .ok_or_else(|| format!("'{}' is not a number (for ascii_float[{n}])", value.trim()))?;
            let mut digits = Vec::new();
            number::write_f64(&mut digits, x, NonFinite::Text);
            format!("{:>n$}", String::from_utf8_lossy(&digits))
        }
    };
    if text.len() > n {
        let shown = text.trim_matches([' ', '\0']);
        let nul = if kind == AsciiKind::Oct { " and a NUL" } else { "" };
        return Err(format!(
            "{} does not fit in {}[{n}]: '{shown}'{nul} takes {} bytes",
            value.trim(),
            kind.name(),
            text.len()
        ));
    }
    Ok(text.into_bytes())
}
