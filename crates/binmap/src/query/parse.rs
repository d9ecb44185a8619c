//! The `--where` expression language: text to a syntax tree with spans.
//!
//! ```text
//! or      := and ('||' and)*
//! and     := not ('&&' not)*
//! not     := '!' not | compare
//! compare := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum | '!'? 'in' '[' literal (',' literal)* ']')?
//! sum     := product (('+'|'-') product)*
//! product := unary (('*'|'/'|'%') unary)*
//! unary   := '-' unary | atom
//! atom    := number | string | 'true' | 'false' | 'nan' | 'inf' | field | '(' or ')'
//! field   := name ('.' name | '[' integer ']')*
//! ```
//!
//! `and`, `or` and `not` may be written as words too. Strings take single
//! or double quotes (shells make single quotes inside double quotes easy)
//! with `\\`, `\"`, `\'`, `\n`, `\t`, `\0` and `\xNN` escapes. Names are
//! the layout's field names, including Unicode words; a name that is not a
//! word can be written in backquotes (`` `my field` ``).

use std::ops::Range;

use crate::error::{Error, Result};
use crate::select::Seg;

/// Nesting limit, so that hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 64;

/// A node of a `--where` expression and the bytes of the text it spans.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

/// What an [`Expr`] is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Int(i128),
    Float(f64),
    Str(Vec<u8>),
    Bool(bool),
    /// A field of the record, as a path (`value`, `coords.x`, `v[0]`).
    Field(Vec<Seg>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x in [a, b]`, or `x !in [..]` / `x not in [..]` when `negated`.
    In {
        value: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
}

/// Binary operators, loosest binding last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }

    /// True for `== != < <= > >=`.
    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

/// An error about part of a `--where` expression: the message, then the
/// expression with a caret under `span`.
pub fn error_at(text: &str, span: &Range<usize>, message: impl std::fmt::Display) -> Error {
    let start = text[..span.start.min(text.len())].chars().count();
    let width = text.get(span.clone()).map_or(1, |s| s.chars().count().max(1));
    Error::usage(format!("--where: {message}\n  {text}\n  {}{}", " ".repeat(start), "^".repeat(width)))
}

/// Parse a `--where` expression.
///
/// ```
/// use binmap::query::parse::{parse, ExprKind, BinOp};
/// let e = parse("value > 0 && name == 'MSFT_profit'").unwrap();
/// assert!(matches!(e.kind, ExprKind::Binary(BinOp::And, _, _)));
/// let err = parse("value > ").unwrap_err();
/// assert!(err.to_string().starts_with("--where: expected a value"));
/// ```
pub fn parse(text: &str) -> Result<Expr> {
    let tokens = lex(text)?;
    let mut p = Parser { text, tokens, pos: 0, depth: 0 };
    let e = p.or()?;
    match p.peek() {
        None => Ok(e),
        Some(t) => Err(error_at(text, &t.span, format!("unexpected '{}'", &text[t.span.clone()]))),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Int(i128),
    Float(f64),
    Str(Vec<u8>),
    Name(String),
    /// A punctuation or operator symbol.
    Sym(&'static str),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

const SYMBOLS: [&str; 19] =
    ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ","];

fn lex(text: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let tok = if c.is_ascii_digit() || (c == '.' && text[i + 1..].starts_with(|d: char| d.is_ascii_digit())) {
            let (tok, len) = number(text, i)?;
            i += len;
            tok
        } else if c == '"' || c == '\'' {
            let (bytes, len) = string(text, i, c)?;
            i += len;
            Tok::Str(bytes)
        } else if c == 'b' && text[i + 1..].starts_with(['"', '\'']) {
            // numpy's bytes literal `b'MSFT_profit'`: the same bytes as the string.
            let q = text[i + 1..].chars().next().unwrap_or('"');
            let (bytes, len) = string(text, i + 1, q)?;
            i += len + 1;
            Tok::Str(bytes)
        } else if c == '`' {
            let end = text[i + 1..]
                .find('`')
                .ok_or_else(|| error_at(text, &(i..text.len()), "a name in backquotes has no closing '`'"))?;
            i += end + 2;
            Tok::Name(text[start + 1..i - 1].to_string())
        } else if c.is_alphanumeric() || c == '_' {
            while let Some(ch) = text[i..].chars().next() {
                if !(ch.is_alphanumeric() || ch == '_') {
                    break;
                }
                i += ch.len_utf8();
            }
            Tok::Name(text[start..i].to_string())
        } else if c == '.' {
            i += 1;
            Tok::Sym(".")
        } else if let Some(s) = SYMBOLS.iter().find(|s| text[i..].starts_with(*s)) {
            i += s.len();
            Tok::Sym(s)
        } else if text[i..].starts_with('=') {
            return Err(error_at(text, &(i..i + 1), "'=' assigns; compare with '=='"));
        } else if let Some((op, ours)) =
            [("&", "&&"), ("|", "||"), ("~", "!")].iter().find(|(op, _)| text[i..].starts_with(*op))
        {
            // numpy's element-wise operators: here conditions combine with && || !
            // (never a bitwise guess, which would differ for integers).
            return Err(error_at(
                text,
                &(i..i + 1),
                format!("numpy's '{op}' is written '{ours}' here (conditions combine with && || !, or and or not)"),
            ));
        } else {
            return Err(error_at(text, &(i..i + c.len_utf8()), format!("unexpected '{c}'")));
        };
        out.push(Token { tok, span: start..i });
    }
    Ok(out)
}

/// A number at `at`: an integer (decimal, `0x`, `0o`, `0b`, `_` separators)
/// or a float (`1.5`, `.5`, `1e-3`).
fn number(text: &str, at: usize) -> Result<(Tok, usize)> {
    let rest = &text[at..];
    let len = rest
        .char_indices()
        .find(|&(k, ch)| {
            let prev = rest[..k].chars().last();
            let sign_after_exp = (ch == '+' || ch == '-')
                && matches!(prev, Some('e' | 'E'))
                && !rest.starts_with("0x")
                && !rest.starts_with("0X");
            !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || sign_after_exp)
        })
        .map_or(rest.len(), |(k, _)| k);
    let word = &rest[..len];
    let bad = || error_at(text, &(at..at + len), format!("'{word}' is not a number"));
    let is_float = !word.starts_with("0x") && (word.contains('.') || word.contains(['e', 'E']));
    let tok = if is_float {
        Tok::Float(crate::text::number::parse_f64(&word.replace('_', "")).ok_or_else(bad)?)
    } else {
        Tok::Int(crate::text::number::parse_int(&word.replace('_', "")).ok_or_else(bad)?)
    };
    Ok((tok, len))
}

/// A quoted string at `at` (opened by `quote`): its bytes and its length in the text.
fn string(text: &str, at: usize, quote: char) -> Result<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut chars = text[at + 1..].char_indices();
    while let Some((k, ch)) = chars.next() {
        let here = at + 1 + k;
        if ch == quote {
            return Ok((out, k + 2));
        }
        if ch != '\\' {
            let mut b = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        match e {
            'n' => out.push(b'\n'),
            't' => out.push(b'\t'),
            'r' => out.push(b'\r'),
            '0' => out.push(0),
            '\\' | '"' | '\'' => out.push(e as u8),
            'x' => {
                let hex: String = chars.by_ref().take(2).map(|(_, c)| c).collect();
                let v = u8::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 2)
                    .ok_or_else(|| error_at(text, &(here..here + 2 + hex.len()), "'\\x' needs two hex digits"))?;
                out.push(v);
            }
            other => {
                return Err(error_at(
                    text,
                    &(here..here + 1 + other.len_utf8()),
                    format!("unknown escape '\\{other}'"),
                ));
            }
        }
    }
    Err(error_at(text, &(at..text.len()), format!("this string has no closing {quote}")))
}

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn end_span(&self) -> Range<usize> {
        self.text.len()..self.text.len() + 1
    }

    /// True (and consumed) when the next token is the symbol or word `s`.
    fn eat(&mut self, syms: &[&str]) -> Option<&'static str> {
        let t = self.peek()?;
        let hit = match &t.tok {
            Tok::Sym(s) => syms.contains(s).then_some(*s),
            Tok::Name(w) => match w.as_str() {
                "and" if syms.contains(&"&&") => Some("&&"),
                "or" if syms.contains(&"||") => Some("||"),
                "not" if syms.contains(&"!") => Some("!"),
                "in" if syms.contains(&"in") => Some("in"),
                _ => None,
            },
            _ => None,
        };
        if hit.is_some() {
            self.pos += 1;
        }
        hit
    }

    fn expect(&mut self, sym: &'static str) -> Result<Range<usize>> {
        let span = self.peek().map_or_else(|| self.end_span(), |t| t.span.clone());
        if self.eat(&[sym]).is_some() {
            return Ok(span);
        }
        Err(error_at(self.text, &span, format!("expected '{sym}'")))
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.peek().map_or_else(|| self.end_span(), |t| t.span.clone());
            return Err(error_at(self.text, &span, format!("nested more than {MAX_DEPTH} deep")));
        }
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn binary(&mut self, ops: &[(&str, BinOp)], next: fn(&mut Self) -> Result<Expr>) -> Result<Expr> {
        let mut left = next(self)?;
        loop {
            let syms: Vec<&str> = ops.iter().map(|(s, _)| *s).collect();
            let Some(sym) = self.eat(&syms) else { return Ok(left) };
            let op = ops.iter().find(|(s, _)| *s == sym).map(|(_, op)| *op).unwrap_or(BinOp::And);
            let right = next(self)?;
            let span = left.span.start..right.span.end;
            left = Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), span };
        }
    }

    fn or(&mut self) -> Result<Expr> {
        self.binary(&[("||", BinOp::Or)], Self::and)
    }

    fn and(&mut self) -> Result<Expr> {
        self.binary(&[("&&", BinOp::And)], Self::not)
    }

    fn not(&mut self) -> Result<Expr> {
        let start = self.peek().map_or(0, |t| t.span.start);
        // `not in` is handled by `compare`; here `!`/`not` opens a negation.
        if self.eat(&["!"]).is_some() {
            let inner = self.nested(Self::not)?;
            let span = start..inner.span.end;
            return Ok(Expr { kind: ExprKind::Not(Box::new(inner)), span });
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr> {
        let left = self.sum()?;
        let ops = [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ];
        let syms: Vec<&str> = ops.iter().map(|(s, _)| *s).collect();
        if let Some(sym) = self.eat(&syms) {
            let op = ops.iter().find(|(s, _)| *s == sym).map_or(BinOp::Eq, |(_, op)| *op);
            let right = self.sum()?;
            let span = left.span.start..right.span.end;
            return Ok(Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), span });
        }
        let save = self.pos;
        let negated = self.eat(&["!"]).is_some();
        if self.eat(&["in"]).is_none() {
            self.pos = save;
            return Ok(left);
        }
        self.expect("[")?;
        let mut list = Vec::new();
        loop {
            list.push(self.sum()?);
            if self.eat(&[","]).is_none() {
                break;
            }
        }
        let end = self.expect("]")?;
        let span = left.span.start..end.end;
        Ok(Expr { kind: ExprKind::In { value: Box::new(left), list, negated }, span })
    }

    fn sum(&mut self) -> Result<Expr> {
        self.binary(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::product)
    }

    fn product(&mut self) -> Result<Expr> {
        self.binary(&[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Mod)], Self::unary)
    }

    fn unary(&mut self) -> Result<Expr> {
        let start = self.peek().map_or(0, |t| t.span.start);
        if self.eat(&["-"]).is_some() {
            let inner = self.nested(Self::unary)?;
            let span = start..inner.span.end;
            return Ok(match inner.kind {
                // Fold literals so that `-128` is one integer, as in Python.
                ExprKind::Int(v) => Expr { kind: ExprKind::Int(-v), span },
                ExprKind::Float(v) => Expr { kind: ExprKind::Float(-v), span },
                _ => Expr { kind: ExprKind::Neg(Box::new(inner)), span },
            });
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr> {
        let Some(t) = self.tokens.get(self.pos).cloned() else {
            return Err(error_at(self.text, &self.end_span(), "expected a value, a field or '('"));
        };
        self.pos += 1;
        let kind = match t.tok {
            Tok::Int(v) => ExprKind::Int(v),
            Tok::Float(v) => ExprKind::Float(v),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Sym("(") => {
                let inner = self.nested(Self::or)?;
                let end = self.expect(")")?;
                return Ok(Expr { kind: inner.kind, span: t.span.start..end.end });
            }
            Tok::Name(w) if matches!(w.as_str(), "true" | "True") => ExprKind::Bool(true),
            Tok::Name(w) if matches!(w.as_str(), "false" | "False") => ExprKind::Bool(false),
            Tok::Name(w) if w == "nan" => ExprKind::Float(f64::NAN),
            Tok::Name(w) if w == "inf" => ExprKind::Float(f64::INFINITY),
            Tok::Name(w) => return self.field(w, t.span),
            Tok::Sym(_) => {
                let what = &self.text[t.span.clone()];
                return Err(error_at(self.text, &t.span, format!("expected a value, a field or '(', not '{what}'")));
            }
        };
        Ok(Expr { kind, span: t.span })
    }

    /// The rest of a field path after its first name.
    fn field(&mut self, first: String, span: Range<usize>) -> Result<Expr> {
        let mut segs = vec![Seg::Field(first.into())];
        let mut end = span.end;
        loop {
            if self.eat(&["."]).is_some() {
                match self.tokens.get(self.pos).cloned() {
                    Some(Token { tok: Tok::Name(n), span }) => {
                        self.pos += 1;
                        segs.push(Seg::Field(n.into()));
                        end = span.end;
                    }
                    other => {
                        let at = other.map_or_else(|| self.end_span(), |t| t.span);
                        return Err(error_at(self.text, &at, "expected a field name after '.'"));
                    }
                }
            } else if self.peek().is_some_and(|t| t.tok == Tok::Sym("[")) && self.pos > 0 {
                self.pos += 1;
                let mut idx = Vec::new();
                loop {
                    let neg = self.eat(&["-"]).is_some();
                    match self.tokens.get(self.pos).cloned() {
                        Some(Token { tok: Tok::Int(v), .. }) if i64::try_from(v).is_ok() => {
                            self.pos += 1;
                            idx.push(if neg { -(v as i64) } else { v as i64 });
                        }
                        other => {
                            let at = other.map_or_else(|| self.end_span(), |t| t.span);
                            return Err(error_at(self.text, &at, "an index must be an integer"));
                        }
                    }
                    if self.eat(&[","]).is_none() {
                        break;
                    }
                }
                end = self.expect("]")?.end;
                segs.push(Seg::Index(idx));
            } else {
                break;
            }
        }
        Ok(Expr { kind: ExprKind::Field(segs), span: span.start..end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Float(v) => format!("{v:?}"),
            ExprKind::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Field(p) => crate::select::path_to_string(p),
            ExprKind::Neg(x) => format!("(-{})", shape(x)),
            ExprKind::Not(x) => format!("(!{})", shape(x)),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", shape(a), op.symbol(), shape(b)),
            ExprKind::In { value, list, negated } => {
                let l: Vec<String> = list.iter().map(shape).collect();
                format!("({} {}in [{}])", shape(value), if *negated { "!" } else { "" }, l.join(","))
            }
        }
    }

    #[test]
    fn precedence_and_forms() {
        let cases = [
            ("a + b * c > 3 && !d || e", "((((a + (b * c)) > 3) && (!d)) || e)"),
            ("time >= 1000000 && time < 1000400", "((time >= 1000000) && (time < 1000400))"),
            ("name in ['A', \"B\"]", "(name in [\"A\",\"B\"])"),
            ("x not in [1, -2]", "(x !in [1,-2])"),
            ("x !in [1]", "(x !in [1])"),
            ("not (a and b) or c", "((!(a && b)) || c)"),
            ("coords.x[2] < -1.5e3", "(coords.x[2] < -1500.0)"),
            ("- -x", "(-(-x))"),
            ("v % 2 == 0x1f", "((v % 2) == 31)"),
            ("`odd name` == .5", "(odd name == 0.5)"),
            ("s == '\\x41\\n'", "(s == \"A\\n\")"),
        ];
        for (text, want) in cases {
            assert_eq!(shape(&parse(text).unwrap()), want, "{text}");
        }
    }

    #[test]
    fn errors_point_at_the_text() {
        let cases = [
            ("value > ", "--where: expected a value, a field or '('\n  value > \n          ^"),
            ("value = 3", "--where: '=' assigns; compare with '=='\n  value = 3\n        ^"),
            ("a && (b", "--where: expected ')'\n  a && (b\n         ^"),
            ("name == 'x", "--where: this string has no closing '\n  name == 'x\n          ^^"),
            ("x > 1.2.3", "--where: '1.2.3' is not a number\n  x > 1.2.3\n      ^^^^^"),
            ("x $ 1", "--where: unexpected '$'\n  x $ 1\n    ^"),
            ("x 1", "--where: unexpected '1'\n  x 1\n    ^"),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text).unwrap_err().to_string(), want, "{text}");
        }
        assert!(parse(&"(".repeat(10_000)).unwrap_err().to_string().contains("nested more than 64 deep"));
        assert!(parse(&"!".repeat(10_000)).unwrap_err().to_string().contains("nested more than 64 deep"));
    }
}
