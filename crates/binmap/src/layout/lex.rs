//! Layout text to tokens.
//!
//! Newlines separate items, except inside `( )` and `[ ]`, where they are
//! plain whitespace so long dimension lists can wrap.

use super::ast::Span;

/// One token of layout text.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Int(i128),
    Float(f64),
    Str(Vec<u8>),
    /// A punctuation or operator: `: , ; { } [ ] ( ) @ = == != < <= > >= && || ! + - * / % .. .`
    Punct(&'static str),
    /// An item separator: a newline (outside brackets).
    Newline,
    Eof,
}

impl Tok {
    /// How the token is named in "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Int(v) => format!("'{v}'"),
            Tok::Float(v) => format!("'{v}'"),
            Tok::Str(_) => "a string".into(),
            Tok::Punct(p) => format!("'{p}'"),
            Tok::Newline => "end of line".into(),
            Tok::Eof => "end of layout".into(),
        }
    }
}

/// A token with its place in the text.
#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const PUNCTS: [&str; 28] = [
    "==", "!=", "<=", ">=", "&&", "||", "..", ".", "|", "?", ":", ",", ";", "{", "}", "[", "]", "(", ")", "@", "=",
    "<", ">", "!", "+", "-", "*", "/",
];

/// Split `src` into tokens; an error is (message, byte offset).
pub fn lex(src: &str) -> Result<Vec<Token>, (String, Span)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut depth = 0usize; // ( and [ nesting: newlines inside are whitespace
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                if depth == 0 {
                    out.push(Token { tok: Tok::Newline, span: Span { start, end: i + 1 } });
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            c if c.is_ascii_alphabetic() || c == b'_' || (c >= 0x80 && starts_ident(&src[i..])) => {
                // Identifiers may be Unicode words (numpy field names often are).
                while let Some(ch) = src[i..].chars().next() {
                    if !(ch.is_alphanumeric() || ch == '_') {
                        break;
                    }
                    i += ch.len_utf8();
                }
                out.push(Token { tok: Tok::Ident(src[start..i].to_string()), span: Span { start, end: i } });
            }
            c if c.is_ascii_digit() => {
                let (tok, end) = lex_number(src, start)?;
                i = end;
                out.push(Token { tok, span: Span { start, end } });
            }
            b'"' | b'\'' => {
                let (bytes, end) = lex_string(src, start)?;
                i = end;
                out.push(Token { tok: Tok::Str(bytes), span: Span { start, end } });
            }
            b'%' => {
                i += 1;
                out.push(Token { tok: Tok::Punct("%"), span: Span { start, end: i } });
            }
            _ => {
                let Some(p) = PUNCTS.iter().find(|p| src[i..].starts_with(**p)) else {
                    let ch = src[i..].chars().next().unwrap_or('?');
                    return Err((format!("unexpected character '{ch}'"), Span { start, end: i + ch.len_utf8() }));
                };
                i += p.len();
                match *p {
                    "(" | "[" => depth += 1,
                    ")" | "]" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                out.push(Token { tok: Tok::Punct(p), span: Span { start, end: i } });
            }
        }
    }
    out.push(Token { tok: Tok::Eof, span: Span { start: b.len(), end: b.len() } });
    Ok(out)
}

fn starts_ident(rest: &str) -> bool {
    rest.chars().next().is_some_and(char::is_alphabetic)
}

/// True when `name` is written as a bare identifier (else it is quoted).
pub fn is_ident(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_') && c.all(|ch| ch.is_alphanumeric() || ch == '_')
}

fn lex_number(src: &str, start: usize) -> Result<(Tok, usize), (String, Span)> {
    let b = src.as_bytes();
    let mut i = start;
    let radix = match (b.get(i), b.get(i + 1)) {
        (Some(b'0'), Some(b'x' | b'X')) => 16,
        (Some(b'0'), Some(b'b' | b'B')) => 2,
        (Some(b'0'), Some(b'o' | b'O')) => 8,
        _ => 10,
    };
    if radix != 10 {
        i += 2;
        let ds = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let digits: String = src[ds..i].chars().filter(|c| *c != '_').collect();
        return match i128::from_str_radix(&digits, radix) {
            Ok(v) => Ok((Tok::Int(v), i)),
            Err(_) => Err((format!("bad number '{}'", &src[start..i]), Span { start, end: i })),
        };
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut is_float = false;
    // A fraction, but not the `..` of `T[..]` ranges.
    if b.get(i) == Some(&b'.') && b.get(i + 1) != Some(&b'.') {
        is_float = true;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            is_float = true;
            i = j;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    if i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'_') {
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        return Err((format!("bad number '{}'", &src[start..i]), Span { start, end: i }));
    }
    let text: String = src[start..i].chars().filter(|c| *c != '_').collect();
    let span = Span { start, end: i };
    if is_float {
        text.parse::<f64>().map(|v| (Tok::Float(v), i)).map_err(|_| (format!("bad number '{text}'"), span))
    } else {
        text.parse::<i128>().map(|v| (Tok::Int(v), i)).map_err(|_| (format!("number '{text}' is too large"), span))
    }
}

fn lex_string(src: &str, start: usize) -> Result<(Vec<u8>, usize), (String, Span)> {
    let b = src.as_bytes();
    let quote = b[start];
    let mut i = start + 1;
    let mut out = Vec::new();
    loop {
        let Some(&c) = b.get(i) else {
            return Err(("unterminated string".into(), Span { start, end: i }));
        };
        match c {
            b'\n' => return Err(("unterminated string".into(), Span { start, end: i })),
            c if c == quote => return Ok((out, i + 1)),
            b'\\' => {
                let e = b.get(i + 1).copied();
                let (v, used) = match e {
                    Some(b'n') => (b'\n', 2),
                    Some(b'r') => (b'\r', 2),
                    Some(b't') => (b'\t', 2),
                    Some(b'0') => (0, 2),
                    Some(b'\\') => (b'\\', 2),
                    Some(b'"') => (b'"', 2),
                    Some(b'\'') => (b'\'', 2),
                    Some(b'x') => {
                        let h = src.get(i + 2..i + 4).and_then(|h| u8::from_str_radix(h, 16).ok());
                        match h {
                            Some(v) => (v, 4),
                            None => {
                                return Err((
                                    "bad \\x escape: expected two hex digits".into(),
                                    Span { start: i, end: i + 2 },
                                ));
                            }
                        }
                    }
                    _ => return Err(("unknown escape in string".into(), Span { start: i, end: i + 2 })),
                };
                out.push(v);
                i += used;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
}
