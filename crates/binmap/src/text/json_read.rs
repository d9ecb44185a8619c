//! A small JSON reader that keeps number text.
//!
//! `serde_json` cannot both keep a number's text (so it is parsed once, at
//! its field's own precision: f16, bf16, f32, f64 or an integer) and read
//! the bare `NaN`, `Infinity` and `-Infinity` that Python's `json` module
//! writes. This reader does both. It accepts RFC 8259 JSON plus those three
//! tokens, keeps object members in document order (duplicates included),
//! never recurses (nesting is limited to [`MAX_DEPTH`] levels) and never
//! panics.
//!
//! ```
//! use binmap::text::json_read::{parse_json, Doc};
//! let doc = parse_json(r#"{"x": [1.10, NaN], "name": "a\u00e9"}"#).unwrap();
//! assert_eq!(
//!     doc,
//!     Doc::Object(vec![
//!         ("x".into(), Doc::Array(vec![Doc::Number("1.10".into()), Doc::Number("NaN".into())])),
//!         ("name".into(), Doc::String("aé".into())),
//!     ])
//! );
//! ```

/// How deeply arrays and objects may nest.
pub const MAX_DEPTH: usize = 10_000;

/// A JSON document as read: numbers keep their text so each is parsed once,
/// at its field's own precision.
///
/// Parsing never recurses, but the derived `Drop`, `Clone`, `PartialEq` and
/// `Debug` of a `Doc` recurse once per nesting level: a document nested the
/// full [`MAX_DEPTH`] levels needs about 1.5 MB of stack to drop in an
/// unoptimized build (well under 1 MB optimized).
///
/// ```
/// use binmap::text::json_read::{parse_json, Doc};
/// match parse_json("[1e400, -Infinity, true, null]").unwrap() {
///     Doc::Array(items) => {
///         assert_eq!(items[0], Doc::Number("1e400".into()));
///         assert_eq!(items[1], Doc::Number("-Infinity".into()));
///         assert_eq!(items[2], Doc::Bool(true));
///         assert_eq!(items[3], Doc::Null);
///     }
///     other => panic!("not an array: {other:?}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number's text exactly as written (`-0.10e+3`), or `NaN`,
    /// `Infinity`, `-Infinity`.
    Number(String),
    /// A string, escapes decoded.
    String(String),
    /// An array.
    Array(Vec<Doc>),
    /// An object's members in document order; duplicate keys are kept.
    Object(Vec<(String, Doc)>),
}

/// A syntax error, with 1-based line and column (column counted in
/// characters).
///
/// ```
/// use binmap::text::json_read::parse_json;
/// let err = parse_json("[1,\n 2 x]").unwrap_err();
/// assert_eq!((err.line, err.column), (2, 4));
/// assert_eq!(
///     err.to_string(),
///     "expected ',' or ']' after array element, found 'x' at line 2, column 4"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct JsonError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What was wrong, e.g. `expected ':' after object key, found '}'`.
    pub message: String,
}

/// Parses one JSON document (RFC 8259 plus `NaN`, `Infinity`, `-Infinity`).
/// Whitespace may surround it (a leading byte-order mark is skipped);
/// anything else after it is an error.
///
/// ```
/// use binmap::text::json_read::{parse_json, Doc};
/// assert_eq!(parse_json(" \"\\ud83d\\ude00\" ").unwrap(), Doc::String("😀".into()));
/// assert!(parse_json("\"\\ud83d\"").is_err()); // lone surrogate
/// assert!(parse_json("[1] 2").is_err()); // trailing content
/// assert!(parse_json(&"[".repeat(20_000)).is_err()); // too deep, no overflow
/// ```
pub fn parse_json(text: &str) -> Result<Doc, JsonError> {
    let mut p = Parser { src: text, s: text.as_bytes(), pos: 0 };
    if text.starts_with('\u{feff}') {
        p.pos = '\u{feff}'.len_utf8();
    }
    p.document()
}

enum Frame {
    Array(Vec<Doc>),
    /// Members so far and the key of the member being read.
    Object(Vec<(String, Doc)>, String),
}

struct Parser<'a> {
    src: &'a str,
    s: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    /// An error at byte offset `at`.
    fn error_at(&self, at: usize, message: String) -> JsonError {
        let mut at = at.min(self.src.len());
        while !self.src.is_char_boundary(at) {
            at -= 1;
        }
        let before = &self.src[..at];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = 1 + before.bytes().filter(|&b| b == b'\n').count();
        let column = 1 + before[line_start..].chars().count();
        JsonError { line, column, message }
    }

    /// `'x'` for the character at `at`, or `end of input`.
    fn found(&self, at: usize) -> String {
        match self.src.get(at..).and_then(|r| r.chars().next()) {
            Some(c) if c.is_control() => format!("'{}'", c.escape_debug()),
            Some(c) => format!("'{c}'"),
            None => "end of input".to_string(),
        }
    }

    fn expected(&self, what: &str) -> JsonError {
        self.error_at(self.pos, format!("expected {what}, found {}", self.found(self.pos)))
    }

    fn document(&mut self) -> Result<Doc, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.skip_ws();
            let mut v = match self.peek() {
                Some(b'[') => {
                    self.check_depth(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Doc::Array(Vec::new())
                    } else {
                        stack.push(Frame::Array(Vec::new()));
                        continue 'value;
                    }
                }
                Some(b'{') => {
                    self.check_depth(stack.len())?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Doc::Object(Vec::new())
                    } else {
                        let key = self.key("string key or '}'")?;
                        stack.push(Frame::Object(Vec::new(), key));
                        continue 'value;
                    }
                }
                _ => self.scalar()?,
            };
            // Attach the finished value to its parent, closing containers.
            loop {
                match stack.last_mut() {
                    None => {
                        self.skip_ws();
                        if self.pos < self.s.len() {
                            return Err(self.expected("end of input after the JSON document"));
                        }
                        return Ok(v);
                    }
                    Some(Frame::Array(items)) => {
                        items.push(v);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                v = match stack.pop() {
                                    Some(Frame::Array(items)) => Doc::Array(items),
                                    _ => Doc::Null, // unreachable: the top was an array
                                };
                            }
                            _ => return Err(self.expected("',' or ']' after array element")),
                        }
                    }
                    Some(Frame::Object(members, key)) => {
                        members.push((std::mem::take(key), v));
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                let k = self.key("string key")?;
                                if let Some(Frame::Object(_, key)) = stack.last_mut() {
                                    *key = k;
                                }
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                v = match stack.pop() {
                                    Some(Frame::Object(members, _)) => Doc::Object(members),
                                    _ => Doc::Null, // unreachable: the top was an object
                                };
                            }
                            _ => return Err(self.expected("',' or '}' after object member")),
                        }
                    }
                }
            }
        }
    }

    /// Errors when a container opened with `open` others still open would
    /// nest deeper than MAX_DEPTH (pos is at its bracket).
    fn check_depth(&self, open: usize) -> Result<(), JsonError> {
        if open >= MAX_DEPTH {
            return Err(self.error_at(self.pos, format!("arrays and objects nest deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// An object key and the ':' after it (whitespace before it skipped).
    fn key(&mut self, what: &str) -> Result<String, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.expected(what));
        }
        let k = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.expected("':' after object key"));
        }
        self.pos += 1;
        Ok(k)
    }

    /// A value that is not an array or object.
    fn scalar(&mut self) -> Result<Doc, JsonError> {
        match self.peek() {
            Some(b'"') => Ok(Doc::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') if self.s[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok(Doc::Bool(true))
            }
            Some(b'f') if self.s[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Ok(Doc::Bool(false))
            }
            Some(b'n') if self.s[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                Ok(Doc::Null)
            }
            Some(b'N') if self.s[self.pos..].starts_with(b"NaN") => {
                self.pos += 3;
                Ok(Doc::Number("NaN".to_string()))
            }
            Some(b'I') if self.s[self.pos..].starts_with(b"Infinity") => {
                self.pos += 8;
                Ok(Doc::Number("Infinity".to_string()))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let word: String =
                    self.src[self.pos..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').take(20).collect();
                Err(self.error_at(self.pos, format!("expected value, found '{word}'")))
            }
            _ => Err(self.expected("value")),
        }
    }

    fn digits(&mut self) -> usize {
        let st = self.pos;
        while let Some(b'0'..=b'9') = self.s.get(self.pos) {
            self.pos += 1;
        }
        self.pos - st
    }

    fn number(&mut self) -> Result<Doc, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if self.s[self.pos..].starts_with(b"Infinity") {
                self.pos += 8;
                return Ok(Doc::Number("-Infinity".to_string()));
            }
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error_at(self.pos - 1, "leading zeros are not allowed in numbers".to_string()));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.expected("digit after '-'")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.expected("digit after decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.expected("digit in exponent"));
            }
        }
        // All bytes in start..pos are ASCII, so these are char boundaries.
        Ok(Doc::Number(self.src[start..self.pos].to_string()))
    }

    /// A string starting at the '"' at pos.
    fn string(&mut self) -> Result<String, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let mut seg = self.pos;
        let mut out: Option<String> = None;
        loop {
            // Fast scan to the next quote, backslash or control character.
            let rest = &self.s[self.pos..];
            let n = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len());
            self.pos += n;
            match self.peek() {
                None => {
                    return Err(self.error_at(open, "unterminated string".to_string()));
                }
                Some(b'"') => {
                    // quote, backslash and control bytes are ASCII: boundaries
                    let tail = &self.src[seg..self.pos];
                    self.pos += 1;
                    return Ok(match out {
                        None => tail.to_string(),
                        Some(mut o) => {
                            o.push_str(tail);
                            o
                        }
                    });
                }
                Some(b'\\') => {
                    let o = out.get_or_insert_with(|| String::with_capacity(self.pos - seg + 16));
                    o.push_str(&self.src[seg..self.pos]);
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if !self.s[self.pos..].starts_with(b"\\u") {
                                    return Err(self.error_at(esc, format!("lone surrogate \\u{hi:04x} in string")));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error_at(esc, format!("lone surrogate \\u{hi:04x} in string")));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.error_at(esc, format!("lone surrogate \\u{hi:04x} in string")));
                            } else {
                                hi
                            };
                            // Surrogates are excluded above, so this is a char.
                            let ch = char::from_u32(c).unwrap_or('\u{fffd}');
                            o.push(ch);
                            seg = self.pos;
                            continue;
                        }
                        _ => {
                            return Err(self.error_at(
                                esc,
                                format!(
                                    "invalid escape '\\{}' in string",
                                    self.src
                                        .get(self.pos..)
                                        .and_then(|r| r.chars().next())
                                        .map_or(String::new(), |c| c.escape_debug().to_string())
                                ),
                            ));
                        }
                    };
                    o.push(c);
                    self.pos += 1;
                    seg = self.pos;
                }
                Some(_) => {
                    return Err(self.error_at(
                        self.pos,
                        format!("control character {} in string (escape it)", self.found(self.pos)),
                    ));
                }
            }
        }
    }

    /// Four hex digits at pos.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.expected("4 hex digits after '\\u'")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn num(s: &str) -> Doc {
        Doc::Number(s.to_string())
    }
    fn st(s: &str) -> Doc {
        Doc::String(s.to_string())
    }

    #[test]
    fn scalars() {
        assert_eq!(parse_json("null"), Ok(Doc::Null));
        assert_eq!(parse_json(" true "), Ok(Doc::Bool(true)));
        assert_eq!(parse_json("false"), Ok(Doc::Bool(false)));
        for n in [
            "0",
            "-0",
            "1",
            "-1.5",
            "0.10",
            "1e5",
            "1E+05",
            "-2.5e-3",
            "123456789012345678901234567890",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e400",
        ] {
            assert_eq!(parse_json(n), Ok(num(n)), "{n}");
        }
        assert_eq!(parse_json("\"\""), Ok(st("")));
    }

    #[test]
    fn strings() {
        assert_eq!(parse_json(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#), Ok(st("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")));
        assert_eq!(parse_json(r#""\u0041\u00e9\u20AC""#), Ok(st("Aé€")));
        assert_eq!(parse_json(r#""x\ud83d\ude00y""#), Ok(st("x😀y")));
        assert_eq!(parse_json(r#""\u0000""#), Ok(st("\0")));
        assert_eq!(parse_json("\"héllo wörld 😀\""), Ok(st("héllo wörld 😀")));
        for bad in [
            r#""\ud83d""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
            r#""\ude00""#,
            r#""\x41""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "\"a\nb\"",
            "\"abc",
            "\"abc\\",
        ] {
            assert!(parse_json(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn containers() {
        let d = parse_json(r#" { "b" : [ 1 , [ ] , { } ] , "a" : 2 , "b" : null } "#).unwrap();
        assert_eq!(
            d,
            Doc::Object(vec![
                ("b".into(), Doc::Array(vec![num("1"), Doc::Array(vec![]), Doc::Object(vec![])])),
                ("a".into(), num("2")),
                ("b".into(), Doc::Null),
            ])
        );
        assert_eq!(parse_json("[[[]]]"), Ok(Doc::Array(vec![Doc::Array(vec![Doc::Array(vec![])])])));
    }

    fn err(text: &str) -> (usize, usize, String) {
        let e = parse_json(text).unwrap_err();
        (e.line, e.column, e.message)
    }

    #[test]
    fn error_messages() {
        assert_eq!(err("[1 x]"), (1, 4, "expected ',' or ']' after array element, found 'x'".into()));
        assert_eq!(err("{\"a\" 1}"), (1, 6, "expected ':' after object key, found '1'".into()));
        assert_eq!(err("{\"a\":1 \"b\"}"), (1, 8, "expected ',' or '}' after object member, found '\"'".into()));
        assert_eq!(err("{1:2}"), (1, 2, "expected string key or '}', found '1'".into()));
        assert_eq!(err("{\"a\":1,}"), (1, 8, "expected string key, found '}'".into()));
        assert_eq!(err("[1,]"), (1, 4, "expected value, found ']'".into()));
        assert_eq!(err(""), (1, 1, "expected value, found end of input".into()));
        assert_eq!(err("[1,"), (1, 4, "expected value, found end of input".into()));
        assert_eq!(err("[\"é\", tru]"), (1, 7, "expected value, found 'tru'".into()));
        assert_eq!(err("1 2"), (1, 3, "expected end of input after the JSON document, found '2'".into()));
        assert_eq!(err("01"), (1, 1, "leading zeros are not allowed in numbers".into()));
        assert_eq!(err("-"), (1, 2, "expected digit after '-', found end of input".into()));
        assert_eq!(err("1."), (1, 3, "expected digit after decimal point, found end of input".into()));
        assert_eq!(err("1e+"), (1, 4, "expected digit in exponent, found end of input".into()));
        assert_eq!(err("\n\n  \"ab"), (3, 3, "unterminated string".into()));
        assert_eq!(err("\"é\\q\""), (1, 3, "invalid escape '\\q' in string".into()));
        assert_eq!(err("\"\\ud83d\""), (1, 2, "lone surrogate \\ud83d in string".into()));
        assert_eq!(err("\"a\tb\""), (1, 3, "control character '\\t' in string (escape it)".into()));
        assert_eq!(err("[.5]"), (1, 2, "expected value, found '.'".into()));
        assert_eq!(err("[+1]"), (1, 2, "expected value, found '+'".into()));
        assert_eq!(err("nan"), (1, 1, "expected value, found 'nan'".into()));
        let e = parse_json("[1 x]").unwrap_err();
        assert_eq!(e.to_string(), "expected ',' or ']' after array element, found 'x' at line 1, column 4");
    }

    #[test]
    fn bom_and_whitespace() {
        assert_eq!(parse_json("\u{feff}[ ]"), Ok(Doc::Array(vec![])));
        assert_eq!(parse_json(" \t\r\n[\n1\r\n]\n"), Ok(Doc::Array(vec![num("1")])));
        assert!(parse_json("[1,\u{a0}2]").is_err()); // NBSP is not JSON whitespace
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        // Parsing never recurses, but dropping (or cloning, comparing) a
        // Doc does, once per level: do that on a thread with a big stack,
        // as unoptimized builds need more than a test thread's 2 MB.
        let d = parse_json(&ok).unwrap();
        let dropper = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || {
                let mut depth = 0;
                let mut cur = &d;
                while let Doc::Array(items) = cur {
                    depth += 1;
                    match items.first() {
                        Some(next) => cur = next,
                        None => break,
                    }
                }
                assert_eq!(depth, MAX_DEPTH);
                drop(d);
            })
            .unwrap();
        dropper.join().unwrap();
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = parse_json(&deep).unwrap_err();
        assert!(e.message.contains("deeper than 10000"), "{e}");
        assert_eq!(e.column, MAX_DEPTH + 1);
        let objs = "{\"a\":".repeat(MAX_DEPTH + 1);
        assert!(parse_json(&objs).unwrap_err().message.contains("deeper"));
        // A million open brackets: an error, no stack overflow.
        assert!(parse_json(&"[".repeat(1_000_000)).is_err());
    }

    /// Serializes a Doc (for round-trip tests).
    fn write(d: &Doc, out: &mut String) {
        match d {
            Doc::Null => out.push_str("null"),
            Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Doc::Number(n) => out.push_str(n),
            Doc::String(s) => write_str(s, out),
            Doc::Array(items) => {
                out.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" , ");
                    }
                    write(it, out);
                }
                out.push(']');
            }
            Doc::Object(m) => {
                out.push_str("{ ");
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push_str(":\n");
                    write(v, out);
                }
                out.push('}');
            }
        }
    }

    fn write_str(s: &str, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c if (c as u32) > 0xffff => {
                    let v = c as u32 - 0x10000;
                    out.push_str(&format!("\\u{:04x}\\u{:04X}", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3ff)));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn arb_doc() -> impl Strategy<Value = Doc> {
        let num = prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            any::<f64>().prop_filter("finite", |v| v.is_finite()).prop_map(|v| format!("{v:e}")),
            Just("NaN".to_string()),
            Just("-Infinity".to_string()),
            Just("-0.0E+01".to_string()),
        ];
        let leaf = prop_oneof![
            Just(Doc::Null),
            any::<bool>().prop_map(Doc::Bool),
            num.prop_map(Doc::Number),
            any::<String>().prop_map(Doc::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::Array),
                prop::collection::vec((any::<String>(), inner), 0..6).prop_map(Doc::Object),
            ]
        })
    }

    proptest! {
        #[test]
        fn never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let s = String::from_utf8_lossy(&bytes);
            let _ = parse_json(&s);
        }

        #[test]
        fn never_panics_on_jsonish(s in "[\\[\\]{}\",:0-9eE.+\\-tfnulrasINaiy\\\\ud83\\s é😀]{0,80}") {
            if let Err(e) = parse_json(&s) {
                prop_assert!(e.line >= 1 && e.column >= 1);
                prop_assert!(!e.message.is_empty());
            }
        }

        #[test]
        fn round_trips(d in arb_doc()) {
            let mut text = String::new();
            write(&d, &mut text);
            prop_assert_eq!(parse_json(&text), Ok(d));
        }

        #[test]
        fn truncation_is_an_error(d in arb_doc()) {
            // Wrapped in an array, every proper prefix is incomplete.
            let mut text = String::from("[");
            write(&d, &mut text);
            text.push(']');
            for cut in 0..text.len() {
                if text.is_char_boundary(cut) {
                    prop_assert!(parse_json(&text[..cut]).is_err(), "{:?}", &text[..cut]);
                }
            }
            prop_assert!(parse_json(&text).is_ok());
        }
    }
}
