//! Python's truth of a literal as a user types it for a `?` item:
//! `struct.pack('?', None)` packs False, as do `''`, `b''`, `()`, `[]`,
//! `{}`, `0j`, `set()`; any non-empty or non-zero literal packs True. May
//! call: the number readers of [`super`].

use crate::error::{Error, Result};

/// Zero-argument calls that build an empty or zero value.
const EMPTY_CALLS: [&str; 12] =
    ["set", "frozenset", "dict", "list", "tuple", "str", "bytes", "bytearray", "int", "float", "complex", "bool"];

/// `bool(LITERAL)` for the Python literal `text`: numbers and `True`/`False`
/// (as [`super::parse_value`] reads them), `None`,
/// strings and bytes (`''`, `"a"`, `b''`, `r'x'`), tuples, lists, dicts and
/// sets (`()`, `(0,)`, `[]`, `{}`, `{1: 2}`), parenthesised literals
/// (`(0)` is `0`), imaginary and complex numbers (`0j`, `1-1j`), `...` and
/// the empty calls `set()`, `dict()`, `str()`...; an empty argument is the
/// empty string (False). Anything else is an error,
/// as it would be a `NameError` or `SyntaxError` in Python, rather than
/// text that is always true.
///
/// ```
/// use binmap::pystruct::literal_truth;
/// for falsy in ["None", "''", "\"\"", "b''", "()", "[]", "{}", "0j", "0.0j", "(0)", "set()", "0+0j", "False", "-0.0", "0x0"] {
///     assert!(!literal_truth(falsy).unwrap(), "{falsy}");
/// }
/// for truthy in ["'a'", "b'\\x00'", "(0,)", "[0]", "{0: 0}", "1j", "1-1j", "...", "(' ')", "((1))", "nan", "-2"] {
///     assert!(literal_truth(truthy).unwrap(), "{truthy}");
/// }
/// let e = literal_truth("false").unwrap_err();
/// assert!(e.message.ends_with("did you mean 'False'?"), "{}", e.message);
/// ```
pub fn literal_truth(text: &str) -> Result<bool> {
    let t = text.trim_matches(|c: char| c.is_ascii() && super::is_py_space(c as u8));
    if t.is_empty() {
        return Ok(false); // an empty argument: the empty string
    }
    match super::parse_value(t)? {
        super::PyValue::Bytes(_) => {}
        number => return Ok(number.truthy()),
    }
    if let Some(v) = scalar_truth(t) {
        return Ok(v);
    }
    if let Some(v) = quoted_truth(t) {
        return Ok(v);
    }
    let inner = |open: char, close: char| t.strip_prefix(open).and_then(|r| r.strip_suffix(close)).map(str::trim);
    if let Some(inner) = inner('(', ')') {
        // `(x)` is x; with a comma anywhere it is a tuple, or holds a
        // non-empty container or string: true either way.
        return if inner.is_empty() || inner.contains(',') { Ok(!inner.is_empty()) } else { literal_truth(inner) };
    }
    if let Some(inner) = inner('[', ']').or_else(|| inner('{', '}')) {
        return Ok(!inner.is_empty());
    }
    if let Some(name) = t.strip_suffix("()").map(str::trim_end)
        && EMPTY_CALLS.contains(&name)
    {
        return Ok(false);
    }
    let words = ["True", "False", "None"];
    Err(Error::input(format!(
        "bad value {text:?} for '?': not a Python literal (True, False, None, a number, '...', b'...', (), [], {{}}){}",
        crate::suggest::hint(t, words)
    )))
}

/// `None`, `...`, and imaginary or complex numbers.
fn scalar_truth(t: &str) -> Option<bool> {
    match t {
        "None" => return Some(false),
        "..." | "Ellipsis" => return Some(true),
        _ => {}
    }
    let body = t.strip_suffix(['j', 'J'])?;
    // `A+Bj` / `A-Bj`: split at the last sign that is not an exponent's.
    let b = body.as_bytes();
    let split = (1..b.len()).rev().find(|&i| matches!(b[i], b'+' | b'-') && !matches!(b[i - 1], b'e' | b'E'));
    let (re, im) = match split {
        Some(i) => (&body[..i], &body[i..]),
        None => ("0", body),
    };
    let nonzero = |s: &str| match super::parse_value(s.trim()) {
        Ok(v @ (super::PyValue::Int(_) | super::PyValue::BigInt { .. } | super::PyValue::Float(_))) => Some(v.truthy()),
        _ => None,
    };
    // `1j` alone: the imaginary part must be a number too (`j` is a name).
    if im.is_empty() || im == "+" || im == "-" {
        return None;
    }
    Some(nonzero(re)? || nonzero(im)?)
}

/// A string or bytes literal, with its prefix (`b`, `r`, `u`, `rb`...):
/// true when it holds anything.
fn quoted_truth(t: &str) -> Option<bool> {
    let start = t.find(['\'', '"'])?;
    let prefix = t[..start].to_ascii_lowercase();
    if !["", "b", "r", "u", "br", "rb"].contains(&prefix.as_str()) {
        return None;
    }
    let body = &t[start..];
    for q in ["'''", "\"\"\"", "'", "\""] {
        if body.len() >= 2 * q.len() && body.starts_with(q) && body.ends_with(q) {
            return Some(body.len() > 2 * q.len());
        }
    }
    None
}
