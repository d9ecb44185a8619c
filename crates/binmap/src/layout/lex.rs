//! Layout text to tokens, produced one at a time.
//!
//! Newlines separate items, except inside `( )` and `[ ]`, where they are
//! plain whitespace so long dimension lists can wrap.
//!
//! The lexer is a cursor over the text: the parser pulls tokens as it needs
//! them, so a layout of a million fields never holds a million tokens, and
//! identifiers borrow the text instead of being copied.

use super::ast::Span;

/// One token of layout text; identifiers borrow the text.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'s> {
    Ident(&'s str),
    Int(i128),
    Float(f64),
    Str(Vec<u8>),
    /// A punctuation or operator: `: , ; { } [ ] ( ) @ = == != < <= > >= && || ! + - * / % .. .`
    Punct(&'static str),
    /// An item separator: a newline (outside brackets).
    Newline,
    Eof,
}

impl Tok<'_> {
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
pub struct Token<'s> {
    pub tok: Tok<'s>,
    pub span: Span,
}

/// A lexing error: the message and where.
pub type LexError = (String, Span);

/// A cursor over layout text that yields one token at a time.
pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    /// `(` and `[` nesting: newlines inside are whitespace.
    depth: usize,
}

impl<'s> Lexer<'s> {
    /// A lexer at the start of `src`.
    pub fn new(src: &'s str) -> Lexer<'s> {
        Lexer { src, pos: 0, depth: 0 }
    }

    /// Continue lexing at byte `pos` with bracket nesting `depth` (after
    /// the parser took raw text, such as a pasted numpy dtype).
    pub fn seek(&mut self, pos: usize, depth: usize) {
        self.pos = pos.min(self.src.len());
        self.depth = depth;
    }

    /// The `(`/`[` nesting at this point.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The next token (`Eof` at the end, and again after it).
    pub fn next_token(&mut self) -> Result<Token<'s>, LexError> {
        let src = self.src;
        let b = src.as_bytes();
        loop {
            let Some(&c) = b.get(self.pos) else {
                return Ok(Token { tok: Tok::Eof, span: Span { start: b.len(), end: b.len() } });
            };
            let start = self.pos;
            let tok = match c {
                b'#' => {
                    self.pos += b[start..].iter().position(|&c| c == b'\n').unwrap_or(b.len() - start);
                    continue;
                }
                b'\n' => {
                    self.pos += 1;
                    if self.depth > 0 {
                        continue;
                    }
                    Tok::Newline
                }
                c if c.is_ascii_whitespace() => {
                    self.pos += 1;
                    continue;
                }
                // Python's bytes literal `b"\x89PNG"`: the same bytes as `"\x89PNG"`.
                b'b' if matches!(b.get(start + 1), Some(b'"' | b'\'')) => {
                    let (bytes, end) = lex_string(src, start + 1)?;
                    self.pos = end;
                    Tok::Str(bytes)
                }
                c if c.is_ascii_alphabetic() || c == b'_' || (c >= 0x80 && starts_ident(&src[start..])) => {
                    self.pos = ident_end(src, start);
                    Tok::Ident(&src[start..self.pos])
                }
                c if c.is_ascii_digit() => {
                    let (tok, end) = lex_number(src, start)?;
                    self.pos = end;
                    tok
                }
                b'"' | b'\'' => {
                    let (bytes, end) = lex_string(src, start)?;
                    self.pos = end;
                    Tok::Str(bytes)
                }
                _ => {
                    let Some(p) = punct(&b[start..]) else {
                        let ch = src[start..].chars().next().unwrap_or('?');
                        return Err((
                            format!("unexpected character '{ch}'"),
                            Span { start, end: start + ch.len_utf8() },
                        ));
                    };
                    self.pos += p.len();
                    match p {
                        "(" | "[" => self.depth += 1,
                        ")" | "]" => self.depth = self.depth.saturating_sub(1),
                        _ => {}
                    }
                    Tok::Punct(p)
                }
            };
            return Ok(Token { tok, span: Span { start, end: self.pos } });
        }
    }

    /// The first error in the rest of the text, if any (lexing to the end).
    pub fn first_error(&mut self) -> Option<LexError> {
        loop {
            match self.next_token() {
                Ok(Token { tok: Tok::Eof, .. }) => return None,
                Ok(_) => {}
                Err(e) => return Some(e),
            }
        }
    }
}

/// The punctuation `b` starts with (longest match first).
fn punct(b: &[u8]) -> Option<&'static str> {
    let two = match b {
        [b'=', b'=', ..] => Some("=="),
        [b'!', b'=', ..] => Some("!="),
        [b'<', b'=', ..] => Some("<="),
        [b'>', b'=', ..] => Some(">="),
        [b'&', b'&', ..] => Some("&&"),
        [b'|', b'|', ..] => Some("||"),
        [b'<', b'<', ..] => Some("<<"),
        [b'>', b'>', ..] => Some(">>"),
        [b'.', b'.', ..] => Some(".."),
        [b'=', b'>', ..] => Some("=>"),
        _ => None,
    };
    two.or(match b.first()? {
        b'.' => Some("."),
        b'|' => Some("|"),
        b'?' => Some("?"),
        b':' => Some(":"),
        b',' => Some(","),
        b';' => Some(";"),
        b'{' => Some("{"),
        b'}' => Some("}"),
        b'[' => Some("["),
        b']' => Some("]"),
        b'(' => Some("("),
        b')' => Some(")"),
        b'@' => Some("@"),
        b'=' => Some("="),
        b'<' => Some("<"),
        b'>' => Some(">"),
        b'!' => Some("!"),
        b'+' => Some("+"),
        b'-' => Some("-"),
        b'*' => Some("*"),
        b'/' => Some("/"),
        b'%' => Some("%"),
        b'&' => Some("&"),
        b'^' => Some("^"),
        b'~' => Some("~"),
        _ => None,
    })
}

/// Where the identifier starting at `start` ends. Identifiers may be
/// Unicode words (numpy field names often are); ASCII ones take a fast path.
fn ident_end(src: &str, start: usize) -> usize {
    let b = src.as_bytes();
    let mut i = start;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    if i < b.len() && b[i] >= 0x80 {
        for ch in src[i..].chars() {
            if !(ch.is_alphanumeric() || ch == '_') {
                break;
            }
            i += ch.len_utf8();
        }
    }
    i
}

fn starts_ident(rest: &str) -> bool {
    rest.chars().next().is_some_and(char::is_alphabetic)
}

/// True when `name` is written as a bare identifier (else it is quoted).
pub fn is_ident(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_') && c.all(|ch| ch.is_alphanumeric() || ch == '_')
}

fn lex_number(src: &str, start: usize) -> Result<(Tok<'static>, usize), LexError> {
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
        return match i128::from_str_radix(&without_underscores(&src[ds..i]), radix) {
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
    let text = without_underscores(&src[start..i]);
    let span = Span { start, end: i };
    if is_float {
        text.parse::<f64>().map(|v| (Tok::Float(v), i)).map_err(|_| (format!("bad number '{text}'"), span))
    } else {
        text.parse::<i128>().map(|v| (Tok::Int(v), i)).map_err(|_| (format!("number '{text}' is too large"), span))
    }
}

/// Number text without its `_` digit separators (borrowed when it has none).
fn without_underscores(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') { text.replace('_', "").into() } else { text.into() }
}

fn lex_string(src: &str, start: usize) -> Result<(Vec<u8>, usize), LexError> {
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
