//! Path text: `records`, `records.value`, `records[3].value`, `data[0,1]`,
//! numpy's basic indexing (`data[:, 1]`, `data[1:3, ::2]`, `x[::-1]`) and
//! index expressions over fields (`x[n-1]`), parsed into [`Seg`]s and
//! printed back. Nothing here looks at a file: [`super::index`] applies
//! the segments to a map. May call: `crate::error` only.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Field(Arc<str>),
    /// `[i]` or `[i, j]`: integers only; negatives count from the end.
    Index(Vec<i64>),
    /// numpy's basic indexing with a slice or an expression in it:
    /// `[:, 1]`, `[1:3, ::2]`, `[n-1]`.
    Take(Vec<Ix>),
}

/// One entry of an index: a single index (a dimension dropped) or a slice
/// (a dimension kept), as in numpy's basic indexing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ix {
    At(IExpr),
    /// `start:stop:step`, each part optional.
    Slice(Option<IExpr>, Option<IExpr>, Option<IExpr>),
}

/// An integer expression in an index: numbers, fields (`n`, `header.rows`,
/// `dims[0]`), `+ - * / %` (`/` and `//` divide, rounding down) and
/// parentheses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IExpr {
    Int(i64),
    Path(Vec<Seg>),
    Neg(Box<IExpr>),
    Bin(Op, Box<IExpr>, Box<IExpr>),
}

/// An arithmetic operator of an [`IExpr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// Parse a path: `records`, `records.value`, `records[3].value`,
/// `data[0,1]`, `data[-1]`, `data[:, 1]`, `x[n-1]`.
///
/// ```
/// use binmap::select::{parse_path, IExpr, Ix, Seg};
/// let p = parse_path("records[-1].value").unwrap();
/// assert_eq!(p, vec![Seg::Field("records".into()), Seg::Index(vec![-1]), Seg::Field("value".into())]);
/// let p = parse_path("data[:, 1]").unwrap();
/// assert_eq!(p[1], Seg::Take(vec![Ix::Slice(None, None, None), Ix::At(IExpr::Int(1))]));
/// assert_eq!(binmap::select::path_to_string(&parse_path("x[ n - 1 ]").unwrap()), "x[n - 1]");
/// assert!(parse_path("records[").is_err());
/// assert!(parse_path("x[1:2:3:4]").is_err());
/// ```
pub fn parse_path(text: &str) -> Result<Vec<Seg>> {
    let bad = |why: &str| Error::usage(format!("bad path '{text}': {why}"));
    let mut segs = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' if !segs.is_empty() && i + 1 < b.len() => i += 1,
            b'[' => {
                let end = closing(text, i).ok_or_else(|| bad("missing ']'"))?;
                segs.push(index(&text[i + 1..end]).map_err(|why| bad(&why))?);
                i = end + 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while let Some(ch) = text[i..].chars().next() {
            if !(ch.is_alphanumeric() || ch == '_') {
                break;
            }
            i += ch.len_utf8();
        }
        if start == i {
            return Err(bad(&format!("unexpected '{}'", &text[i..].chars().next().unwrap_or('?'))));
        }
        segs.push(Seg::Field(Arc::from(&text[start..i])));
        if i < b.len() && b[i] != b'.' && b[i] != b'[' {
            return Err(bad(&format!("unexpected '{}'", &text[i..].chars().next().unwrap_or('?'))));
        }
    }
    Ok(segs)
}

/// The `]` that closes the `[` at `open`.
fn closing(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in text[open..].bytes().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Split `text` at `sep` where no bracket or parenthesis is open.
fn split_top(text: &str, sep: u8) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (k, c) in text.bytes().enumerate() {
        match c {
            b'[' | b'(' => depth += 1,
            b']' | b')' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&text[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// The inside of `[...]`.
fn index(inside: &str) -> std::result::Result<Seg, String> {
    let mut entries = Vec::new();
    for part in split_top(inside, b',') {
        let pieces = split_top(part, b':');
        let opt = |s: &str| -> std::result::Result<Option<IExpr>, String> {
            if s.trim().is_empty() { Ok(None) } else { expr(s).map(Some) }
        };
        entries.push(match pieces.as_slice() {
            [one] if one.trim().is_empty() => return Err("an empty index".into()),
            [one] => Ix::At(expr(one)?),
            [a, b] => Ix::Slice(opt(a)?, opt(b)?, None),
            [a, b, c] => Ix::Slice(opt(a)?, opt(b)?, opt(c)?),
            _ => return Err(format!("'{part}' has more than two ':' (a slice is start:stop:step)")),
        });
    }
    let ints: Option<Vec<i64>> =
        entries.iter().map(|e| if let Ix::At(IExpr::Int(v)) = e { Some(*v) } else { None }).collect();
    Ok(match ints {
        Some(v) => Seg::Index(v),
        None => Seg::Take(entries),
    })
}

/// Parse an index expression.
fn expr(text: &str) -> std::result::Result<IExpr, String> {
    let mut p = ExprParser { s: text.as_bytes(), text, i: 0 };
    let e = p.sum()?;
    p.skip();
    if p.i < p.s.len() {
        return Err(format!("unexpected '{}' in the index '{}'", &text[p.i..], text.trim()));
    }
    Ok(e)
}

/// A small recursive-descent parser for [`IExpr`].
struct ExprParser<'t> {
    s: &'t [u8],
    text: &'t str,
    i: usize,
}

impl ExprParser<'_> {
    fn skip(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn sum(&mut self) -> std::result::Result<IExpr, String> {
        let mut left = self.product()?;
        loop {
            self.skip();
            let op = match self.s.get(self.i) {
                Some(b'+') => Op::Add,
                Some(b'-') => Op::Sub,
                _ => return Ok(left),
            };
            self.i += 1;
            left = IExpr::Bin(op, Box::new(left), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> std::result::Result<IExpr, String> {
        let mut left = self.unary()?;
        loop {
            self.skip();
            let op = match self.s.get(self.i) {
                Some(b'*') => Op::Mul,
                Some(b'/') => Op::Div,
                Some(b'%') => Op::Rem,
                _ => return Ok(left),
            };
            self.i += 1;
            if op == Op::Div && self.s.get(self.i) == Some(&b'/') {
                self.i += 1;
            }
            left = IExpr::Bin(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> std::result::Result<IExpr, String> {
        self.skip();
        match self.s.get(self.i) {
            Some(b'-') => {
                self.i += 1;
                Ok(match self.unary()? {
                    IExpr::Int(v) => IExpr::Int(v.checked_neg().ok_or("an index out of range")?),
                    e => IExpr::Neg(Box::new(e)),
                })
            }
            Some(b'+') => {
                self.i += 1;
                self.unary()
            }
            Some(b'(') => {
                self.i += 1;
                let e = self.sum()?;
                self.skip();
                if self.s.get(self.i) != Some(&b')') {
                    return Err(format!("missing ')' in '{}'", self.text.trim()));
                }
                self.i += 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    self.i += 1;
                }
                let t = self.text[start..self.i].replace('_', "");
                let v = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                    Some(hex) => i64::from_str_radix(hex, 16),
                    None => t.parse::<i64>(),
                };
                v.map(IExpr::Int).map_err(|_| format!("'{}' is not an integer", &self.text[start..self.i]))
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' || !c.is_ascii() => {
                // A field path: names, dots, and indexes in brackets.
                let start = self.i;
                while let Some(&c) = self.s.get(self.i) {
                    if c == b'[' {
                        self.i = closing(self.text, self.i).ok_or("missing ']'")? + 1;
                    } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || !c.is_ascii() {
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                let path = parse_path(&self.text[start..self.i]).map_err(|e| e.message.clone())?;
                Ok(IExpr::Path(path))
            }
            _ => Err(format!("expected a number or a field in the index '{}'", self.text.trim())),
        }
    }
}

impl fmt::Display for IExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IExpr::Int(v) => write!(f, "{v}"),
            IExpr::Path(p) => f.write_str(&path_to_string(p)),
            IExpr::Neg(e) => write!(f, "-{}", Paren(e)),
            IExpr::Bin(op, a, b) => {
                let sym = match op {
                    Op::Add => "+",
                    Op::Sub => "-",
                    Op::Mul => "*",
                    Op::Div => "//",
                    Op::Rem => "%",
                };
                write!(f, "{} {sym} {}", Paren(a), Paren(b))
            }
        }
    }
}

/// An operand, in parentheses when it is itself an operation.
struct Paren<'e>(&'e IExpr);

impl fmt::Display for Paren<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            e @ IExpr::Bin(..) => write!(f, "({e})"),
            e => write!(f, "{e}"),
        }
    }
}

impl fmt::Display for Ix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |e: &Option<IExpr>| e.as_ref().map(IExpr::to_string).unwrap_or_default();
        match self {
            Ix::At(e) => write!(f, "{e}"),
            Ix::Slice(a, b, None) => write!(f, "{}:{}", part(a), part(b)),
            Ix::Slice(a, b, c) => write!(f, "{}:{}:{}", part(a), part(b), part(c)),
        }
    }
}

/// Render a path back to text (`records[3].value`, `data[:, 1]`).
///
/// ```
/// use binmap::select::{parse_path, path_to_string};
/// for p in ["records[3].value", "data[0,1]", "data[:, 1]", "x[::-1]", "x[-3:]", "x[n - 1]", "x[(n + 1) // 2]"] {
///     assert_eq!(path_to_string(&parse_path(p).unwrap()), p);
/// }
/// ```
pub fn path_to_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Field(n) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(n);
            }
            Seg::Index(ix) => {
                let ix: Vec<String> = ix.iter().map(i64::to_string).collect();
                s.push_str(&format!("[{}]", ix.join(",")));
            }
            Seg::Take(ix) => {
                let ix: Vec<String> = ix.iter().map(Ix::to_string).collect();
                s.push_str(&format!("[{}]", ix.join(", ")));
            }
        }
    }
    s
}
