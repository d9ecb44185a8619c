//! How raw bytes are shown as text, and read back.
//!
//! A byte string prints verbatim when it is valid UTF-8 and holds no
//! backslash; otherwise it prints fully escaped, Python-style: `\\` for a
//! backslash and `\xNN` for every byte that is not part of valid UTF-8.
//! Reading applies the reverse rule: text with a backslash is unescaped,
//! text without one is taken as it is. The rule is unambiguous, so every
//! byte string round-trips through CSV and tables.

use std::borrow::Cow;

/// Escape `bytes` for a table or CSV cell (see the module docs).
///
/// ```
/// use binmap::text::escape::escape_bytes;
/// assert_eq!(escape_bytes(b"hello"), "hello");
/// assert_eq!(escape_bytes(b"a\xffb"), "a\\xffb");
/// assert_eq!(escape_bytes(b"c:\\t"), "c:\\\\t");
/// ```
pub fn escape_bytes(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes)
        && !s.contains('\\')
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    Cow::Owned(out)
}

/// Read back what [`escape_bytes`] wrote: `\\`, `\xNN`, and also `\0`,
/// `\n`, `\r`, `\t`. Errors name the bad escape.
///
/// ```
/// use binmap::text::escape::unescape_bytes;
/// assert_eq!(&*unescape_bytes("a\\xffb").unwrap(), b"a\xffb");
/// assert_eq!(&*unescape_bytes("plain").unwrap(), b"plain");
/// assert!(unescape_bytes("bad\\q").is_err());
/// ```
pub fn unescape_bytes(text: &str) -> Result<Cow<'_, [u8]>, String> {
    if !text.contains('\\') {
        return Ok(Cow::Borrowed(text.as_bytes()));
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let esc = b.get(i + 1).copied();
        let (byte, used) = match esc {
            Some(b'\\') => (b'\\', 2),
            Some(b'0') => (0, 2),
            Some(b'n') => (b'\n', 2),
            Some(b'r') => (b'\r', 2),
            Some(b't') => (b'\t', 2),
            Some(b'"') => (b'"', 2),
            Some(b'\'') => (b'\'', 2),
            Some(b'x') => {
                let hex = b.get(i + 2..i + 4).and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => (v, 4),
                    None => return Err(format!("bad \\x escape at character {}", i + 1)),
                }
            }
            _ => return Err(format!("bad escape at character {} (use \\\\ for a backslash)", i + 1)),
        };
        out.push(byte);
        i += used;
    }
    Ok(Cow::Owned(out))
}

/// Lower-case hex of `bytes`, for JSON's `{"hex": ...}`.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    s
}

/// Parse hex text (either case, even length) into bytes.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let t = text.as_bytes();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    t.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok()).collect()
}

/// A JSON string, escaped as Python's `json.dumps(ensure_ascii=False)` does.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..0x20 => b"",
            _ => continue,
        };
        out.extend_from_slice(&b[start..i]);
        if esc.is_empty() {
            out.extend_from_slice(format!("\\u{c:04x}").as_bytes());
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}
