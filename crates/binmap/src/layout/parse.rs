//! Tokens to a [`Layout`]: a hand-written recursive-descent parser.
//!
//! Hand-written rather than a combinator library so that every error can
//! name what was expected at the exact token, with a caret under it.
//! Byte order (`endian`) and named types (`type T = ...`) are settled here,
//! so the resolved types carry no parser state.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use super::Layout;
use super::ast::*;
use super::lex::{LexError, Lexer, Tok, Token};
use super::{BitField, BitKind, BitsType, EnumDef, struct_format};
use crate::error::{Error, ErrorKind};
use crate::text::ascii_num::AsciiKind;

/// Deepest nesting of structs, arrays and expressions accepted: deeper
/// layouts are an error, not a stack overflow.
const MAX_DEPTH: usize = 64;

/// Parse layout text; `origin` names it in errors (a file path or `<layout>`).
///
/// Tokens are pulled from the lexer as the parser goes. The first lexing
/// error in the text wins over any syntax error, as if the whole text had
/// been lexed first: after a syntax error the rest is lexed to look for one.
pub fn parse(src: &str, origin: &str) -> Result<Layout, Error> {
    if let Some(layout) = whole_dtype(src, origin) {
        return Ok(layout);
    }
    let mut p = Parser::new(src, origin);
    let items = p.items(ByteOrder::Fixed(Endian::Little), None);
    let lex_error = match (p.lex_error.take(), &items) {
        (Some(e), _) => Some(e),
        (None, Err(_)) => p.lexer.first_error(),
        (None, Ok(_)) => None,
    };
    if let Some((msg, span)) = lex_error {
        return Err(syntax_error(src, origin, &msg, span));
    }
    let items = items?;
    if !has_field(&items) {
        // An empty layout would describe no byte of any file, and show `{}`.
        let end = src.len();
        return Err(syntax_error(
            src,
            origin,
            "the layout has no fields: it describes nothing (a field is `name: TYPE`, e.g. `n: u32`)",
            Span { start: end, end },
        ));
    }
    Ok(Layout { root: Arc::new(StructType { items }), source: Arc::from(src), origin: origin.into() })
}

/// A layout that is one type and nothing else (`<f8`, `float64`,
/// `dtype([('rows', int32), ('cols', int32)])`) reads the file as
/// `np.fromfile` does: an array of that type to the end of the file, named
/// `records` for a struct type and `data` otherwise. `None` when `src` is
/// not a lone type (a layout of fields, or an error for the item parser).
fn whole_dtype(src: &str, origin: &str) -> Option<Layout> {
    let mut p = Parser::new(src, origin);
    p.skip_separators();
    if matches!(p.peek_next(), Tok::Punct(":")) || matches!(p.peek(), Tok::Punct("@") | Tok::Eof) {
        return None;
    }
    let ty = p.ty(ByteOrder::Fixed(Endian::Little)).ok()?;
    p.skip_separators();
    if !matches!(p.peek(), Tok::Eof) || p.lex_error.is_some() || ty.fixed_size().is_none_or(|n| n == 0) {
        return None;
    }
    let name = if matches!(ty, Type::Struct(_)) { "records" } else { "data" };
    let span = Span { start: 0, end: src.len() };
    let field = Field {
        name: Some(Arc::from(name)),
        placement: None,
        pointer: None,
        ty: Type::Array { elem: Arc::new(ty), dims: Dims::ToEnd },
        check: None,
        constraint: None,
        span,
    };
    let root = Arc::new(StructType { items: vec![Item::Field(field)] });
    Some(Layout { root, source: Arc::from(src), origin: origin.into() })
}

/// True when `items` declare a field (`_` padding included), at any depth of `if` blocks.
fn has_field(items: &[Item]) -> bool {
    items.iter().any(|it| match it {
        Item::Field(_) => true,
        Item::If { body, .. } => has_field(body),
        Item::Align { .. } | Item::Let { .. } => false,
    })
}

/// The lexer's next token; after an error (kept in `error`), `Eof`.
fn next_or_eof<'s>(lexer: &mut Lexer<'s>, error: &mut Option<LexError>, len: usize) -> Token<'s> {
    if error.is_none() {
        match lexer.next_token() {
            Ok(t) => return t,
            Err(e) => *error = Some(e),
        }
    }
    Token { tok: Tok::Eof, span: Span { start: len, end: len } }
}

/// A syntax error with line, column and a caret under the span.
pub fn syntax_error(src: &str, origin: &str, msg: &str, span: Span) -> Error {
    // Spans from the lexer may end inside a multi-byte character: clamp both
    // ends to character boundaries before slicing.
    let boundary = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = boundary(span.start);
    let span = Span { start, end: boundary(span.end.max(start)) };
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let line_no = src[..start].matches('\n').count() + 1;
    let col = src[line_start..start].chars().count() + 1;
    let text = &src[line_start..line_end];
    let width = src[start..span.end.clamp(start, line_end)].chars().count().max(1);
    let gutter = line_no.to_string().len();
    let mut e = Error::new(ErrorKind::Layout, format!("layout syntax: {msg}"));
    e.notes.push(format!(
        "{origin}:{line_no}:{col}\n{:gutter$} |\n{line_no} | {text}\n{:gutter$} | {}{}",
        "",
        "",
        " ".repeat(col - 1),
        "^".repeat(width)
    ));
    e
}

struct Parser<'s> {
    src: &'s str,
    origin: &'s str,
    lexer: Lexer<'s>,
    /// The first lexing error met; the parser sees `Eof` from there on.
    lex_error: Option<LexError>,
    /// The current token.
    cur: Token<'s>,
    /// The token after it, once something looked ahead.
    next: Option<Token<'s>>,
    /// Where the last consumed token ended.
    prev_end: usize,
    /// Named types, innermost scope last.
    types: Vec<HashMap<String, Type>>,
    depth: usize,
    /// Parsing the expression of an `@` placement (where `find` and `rfind` may be).
    in_placement: bool,
}

impl<'s> Parser<'s> {
    /// A parser at the first token of `src`.
    fn new(src: &'s str, origin: &'s str) -> Parser<'s> {
        let mut lexer = Lexer::new(src);
        let mut lex_error = None;
        let cur = next_or_eof(&mut lexer, &mut lex_error, src.len());
        Parser {
            src,
            origin,
            lexer,
            lex_error,
            cur,
            next: None,
            prev_end: 0,
            types: vec![HashMap::new()],
            depth: 0,
            in_placement: false,
        }
    }

    fn peek(&self) -> &Tok<'s> {
        &self.cur.tok
    }

    /// The token after the current one.
    fn peek_next(&mut self) -> &Tok<'s> {
        if self.next.is_none() {
            let t = next_or_eof(&mut self.lexer, &mut self.lex_error, self.src.len());
            self.next = Some(t);
        }
        self.next.as_ref().map_or(&Tok::Eof, |t| &t.tok)
    }

    fn span(&self) -> Span {
        self.cur.span
    }

    fn prev_end(&self) -> usize {
        self.prev_end
    }

    /// Consume the current token and return it.
    fn bump(&mut self) -> Token<'s> {
        let next = match self.next.take() {
            Some(t) => t,
            None if matches!(self.cur.tok, Tok::Eof) => self.cur.clone(),
            None => next_or_eof(&mut self.lexer, &mut self.lex_error, self.src.len()),
        };
        let t = std::mem::replace(&mut self.cur, next);
        self.prev_end = t.span.end;
        t
    }

    fn err_at(&self, msg: &str, span: Span) -> Error {
        syntax_error(self.src, self.origin, msg, span)
    }

    fn expected(&self, what: &str) -> Error {
        self.err_at(&format!("expected {what}, found {}", self.peek().describe()), self.span())
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str) -> Result<(), Error> {
        if self.eat(p) { Ok(()) } else { Err(self.expected(&format!("'{p}'"))) }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(&format!("layout nests deeper than {MAX_DEPTH} levels"), self.span()));
        }
        Ok(())
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Tok::Newline | Tok::Punct(";" | ",")) {
            self.bump();
        }
    }

    /// Items up to `close` (a `}`) or the end of the layout.
    fn items(&mut self, endian: ByteOrder, close: Option<&str>) -> Result<Vec<Item>, Error> {
        self.enter()?;
        self.types.push(HashMap::new());
        let mut items = Vec::new();
        let res = self.items_into(&mut items, endian, close);
        // Names are checked once the items are read (sorting hashes is kinder
        // to the cache than a table probe per field). A name defined twice
        // comes before whatever went wrong later in the text, so it is the
        // error reported, as if it had been found when it was read.
        self.repeated_name(&items)?;
        res?;
        self.types.pop();
        self.depth -= 1;
        Ok(items)
    }

    fn items_into(&mut self, items: &mut Vec<Item>, mut endian: ByteOrder, close: Option<&str>) -> Result<(), Error> {
        loop {
            self.skip_separators();
            match (self.peek(), close) {
                (Tok::Eof, None) => return Ok(()),
                (Tok::Eof, Some(c)) => return Err(self.expected(&format!("'{c}'"))),
                (Tok::Punct(p), Some(c)) if *p == c => return Ok(()),
                _ => {}
            }
            if let Some(item) = self.item(&mut endian)? {
                items.push(item);
            }
            match self.peek() {
                Tok::Newline | Tok::Punct(";" | ",") | Tok::Eof => {}
                Tok::Punct(p) if Some(*p) == close => {}
                _ => return Err(self.expected("a new line, ';' or ',' after the item")),
            }
        }
    }

    /// An error at the first field (in text order) whose name an earlier
    /// field of `items` already has.
    fn repeated_name(&self, items: &[Item]) -> Result<(), Error> {
        // Hashed with a per-process random key, so a layout cannot make
        // names share a hash: sorted, the hashes show at once whether any
        // name may repeat, and nearly always none does.
        let keys = RandomState::new();
        let mut hashes: Vec<u64> = items.iter().filter_map(|it| field_name(it).map(|n| keys.hash_one(n))).collect();
        hashes.sort_unstable();
        let mut shared: Vec<u64> = hashes.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
        if shared.is_empty() {
            return Ok(());
        }
        shared.dedup();
        // Names whose hash is shared, in text order, until one repeats.
        let mut seen = std::collections::HashSet::new();
        for it in items {
            let span = match it {
                Item::Field(f) => f.span,
                Item::Let { span, .. } => *span,
                _ => continue,
            };
            let Some(n) = field_name(it) else { continue };
            if shared.binary_search(&keys.hash_one(n)).is_ok() && !seen.insert(n) {
                return Err(self.err_at(&format!("field '{n}' is already defined in this struct"), span));
            }
        }
        Ok(())
    }

    /// One item; `None` for items that only change parser state.
    fn item(&mut self, endian: &mut ByteOrder) -> Result<Option<Item>, Error> {
        let keyword_use = !matches!(self.peek_next(), Tok::Punct(":"));
        if let Tok::Ident(word) = self.peek().clone()
            && keyword_use
        {
            match word {
                "endian" => {
                    self.bump();
                    *endian = match self.byte_order_name() {
                        Some(e) => ByteOrder::Fixed(e),
                        None => {
                            // `endian COND ? little : big`, chosen per file.
                            let want = "expected 'little', 'big' or 'native' (or a choice: COND ? little : big)";
                            let at = self.span();
                            let cond = self.binary(0).map_err(|_| self.err_at(want, at))?;
                            if !self.eat("?") {
                                return Err(self.err_at(want, cond.span));
                            }
                            let yes =
                                self.byte_order_name().ok_or_else(|| self.expected("'little', 'big' or 'native'"))?;
                            self.expect(":")?;
                            let no =
                                self.byte_order_name().ok_or_else(|| self.expected("'little', 'big' or 'native'"))?;
                            ByteOrder::Chosen(Arc::new(OrderChoice { cond, yes, no }))
                        }
                    };
                    return Ok(None);
                }
                "align" => {
                    let start = self.bump().span.start;
                    let Tok::Int(n) = *self.peek() else { return Err(self.expected("an alignment in bytes")) };
                    let span = Span { start, end: self.span().end };
                    let to = u64::try_from(n).ok().filter(|n| *n > 0 && *n <= 1 << 32);
                    let Some(to) = to else { return Err(self.err_at("alignment must be between 1 and 2^32", span)) };
                    self.bump();
                    return Ok(Some(Item::Align { to, span }));
                }
                "enum" | "flags" => {
                    let ty = self.enum_decl(word == "flags", endian.clone())?;
                    if let (Some(scope), Type::Enum(def, _)) = (self.types.last_mut(), &ty) {
                        scope.insert(def.name.to_string(), ty.clone());
                    }
                    return Ok(None);
                }
                "type" => {
                    self.bump();
                    let name = self.type_name()?;
                    self.expect("=")?;
                    let ty = self.recursive_ty(name, endian.clone())?;
                    if let Some(scope) = self.types.last_mut() {
                        scope.insert(name.to_string(), ty);
                    }
                    return Ok(None);
                }
                "let" => {
                    let start = self.bump().span.start;
                    let Tok::Ident(name) = self.peek().clone() else {
                        return Err(self.expected("a name for the value (let NAME = EXPR)"));
                    };
                    self.bump();
                    self.expect("=")?;
                    let value = self.expr()?;
                    let span = Span { start, end: self.prev_end() };
                    return Ok(Some(Item::Let { name: Arc::from(name), value, span }));
                }
                "if" => {
                    self.bump();
                    let cond = self.expr()?;
                    self.expect("{")?;
                    let body = self.items(endian.clone(), Some("}"))?;
                    self.expect("}")?;
                    return Ok(Some(Item::If { cond, body }));
                }
                _ => {}
            }
        }
        self.field(endian.clone()).map(|f| Some(Item::Field(f)))
    }

    /// The name of a new type (`type NAME`, `enum NAME`), consumed: not a built-in one.
    fn type_name(&mut self) -> Result<&'s str, Error> {
        let name_span = self.span();
        let Tok::Ident(name) = self.peek().clone() else { return Err(self.expected("a type name")) };
        if builtin_type(name, Endian::Little).is_some()
            || matches!(name, "bytes" | "utf8" | "ucs4" | "ucs4le" | "ucs4be" | "void" | "cstr" | "char" | "bits")
            || TEXT_NUMBER_TYPES.contains(&name)
        {
            return Err(self.err_at(&format!("'{name}' is a built-in type and cannot be redefined"), name_span));
        }
        self.bump();
        Ok(name)
    }

    /// An integer type for an enum's base or a bits container (`u8`,
    /// `u16be`); `what` names the use in the error.
    fn int_type(&mut self, endian: ByteOrder, what: &str) -> Result<(Type, ScalarKind), Error> {
        let at = self.span();
        let ty = self.ty(endian)?;
        let kind = match &ty {
            Type::Scalar(s) if s.kind.is_integer() => s.kind,
            Type::ScalarByOrder { kind, .. } if kind.is_integer() => *kind,
            other => {
                let span = Span { start: at.start, end: self.prev_end() };
                return Err(self.err_at(
                    &format!("{what} is an integer type (u8, i16, u32be...), not {}", other.describe()),
                    span,
                ));
            }
        };
        Ok((ty, kind))
    }

    /// `enum NAME: BASE { a = 1, b = 2 }` (or `flags`), from the keyword on.
    fn enum_decl(&mut self, flags: bool, endian: ByteOrder) -> Result<Type, Error> {
        let keyword = if flags { "flags" } else { "enum" };
        self.bump();
        let name = self.type_name()?;
        self.expect(":")?;
        let (base, kind) = self.int_type(endian, &format!("the base of {keyword} {name}"))?;
        self.expect("{")?;
        let mut members: Vec<(Arc<str>, i128)> = Vec::new();
        loop {
            self.skip_separators();
            if self.eat("}") {
                break;
            }
            let at = self.span();
            let Tok::Ident(member) = self.peek().clone() else {
                return Err(self.expected(&format!("a name of {keyword} {name} (NAME = VALUE) or '}}'")));
            };
            self.bump();
            if members.iter().any(|(n, _)| &**n == member) {
                return Err(self.err_at(&format!("'{member}' is already a name of {keyword} {name}"), at));
            }
            self.expect("=")?;
            let e = self.expr()?;
            let Some(v) = e.constant() else {
                return Err(self.err_at("the value of a name is a constant (42, 0x10, 1 << 3)", e.span));
            };
            let (lo, hi) = kind.int_range().unwrap_or((0, 0));
            if v < lo || v > hi || (flags && v < 0) {
                let why = if flags && v < 0 {
                    "flags are bits: a value is not negative".to_string()
                } else {
                    format!("{v} does not fit its base {} ({lo} to {hi})", kind.name())
                };
                return Err(self.err_at(&why, Span { start: at.start, end: e.span.end }));
            }
            members.push((Arc::from(member), v));
            if !matches!(self.peek(), Tok::Punct("}" | "," | ";") | Tok::Newline) {
                return Err(self.expected("',', a new line or '}' after the value"));
            }
        }
        let def = EnumDef { name: Arc::from(name), flags, base: kind, members };
        Ok(Type::Enum(Arc::new(def), Arc::new(base)))
    }

    /// `bits CONTAINER [msb|lsb] { name: N, name: iN, name: bool, _: N, name: N as Enum }`,
    /// from the keyword on.
    fn bits_type(&mut self, order: ByteOrder) -> Result<Type, Error> {
        let start = self.bump().span.start;
        let (container, kind) = self.int_type(order, "the container of bits")?;
        let msb_first = match self.peek() {
            Tok::Ident("msb") => Some(true),
            Tok::Ident("lsb") => Some(false),
            _ => None,
        };
        if msb_first.is_some() {
            self.bump();
        }
        self.expect("{")?;
        let total = u32::try_from(kind.size() * 8).unwrap_or(64);
        let mut fields: Vec<BitField> = Vec::new();
        loop {
            self.skip_separators();
            if self.eat("}") {
                break;
            }
            let at = self.span();
            let name = match self.peek().clone() {
                Tok::Ident("_") => None,
                Tok::Ident(n) => Some(Arc::<str>::from(n)),
                _ => return Err(self.expected("a bit field (NAME: WIDTH) or '}'")),
            };
            self.bump();
            if let Some(n) = &name
                && fields.iter().any(|f| f.name.as_ref() == Some(n))
            {
                return Err(self.err_at(&format!("bit field '{n}' is already defined in these bits"), at));
            }
            self.expect(":")?;
            let width_at = self.span();
            let (width, mut bit_kind) = match self.peek().clone() {
                Tok::Int(n) => (n, BitKind::Unsigned),
                Tok::Ident("bool") => (1, BitKind::Bool),
                Tok::Ident(w)
                    if w.len() > 1
                        && (w.starts_with('i') || w.starts_with('u'))
                        && w[1..].bytes().all(|c| c.is_ascii_digit()) =>
                {
                    let n = w[1..].parse::<i128>().unwrap_or(i128::MAX);
                    (n, if w.starts_with('i') { BitKind::Signed } else { BitKind::Unsigned })
                }
                _ => return Err(self.expected("a width in bits (3), a signed width (i3) or bool")),
            };
            self.bump();
            if !(1..=64).contains(&width) {
                return Err(self.err_at(&format!("a bit field is 1 to 64 bits wide, not {width}"), width_at));
            }
            let width = width as u32;
            if width > total {
                return Err(self.err_at(
                    &format!("a {width}-bit field is wider than its {total}-bit container {}", container.describe()),
                    width_at,
                ));
            }
            if matches!(self.peek(), Tok::Ident("as")) {
                self.bump();
                let enum_at = self.span();
                let Tok::Ident(e) = self.peek().clone() else { return Err(self.expected("an enum name after 'as'")) };
                self.bump();
                match self.types.iter().rev().find_map(|s| s.get(e)) {
                    Some(Type::Enum(def, _)) if bit_kind == BitKind::Unsigned => bit_kind = BitKind::Enum(def.clone()),
                    _ => {
                        return Err(self.err_at(
                            &format!(
                                "'{e}' is not an enum or flags declared above (an unsigned field takes `N as Enum`)"
                            ),
                            enum_at,
                        ));
                    }
                }
            }
            fields.push(BitField { name, width, kind: bit_kind, span: Span { start: at.start, end: self.prev_end() } });
        }
        let used: u32 = fields.iter().map(|f| f.width).sum();
        let span = Span { start, end: self.prev_end() };
        if used != total {
            let msg = if used < total {
                format!(
                    "the bit fields take {used} of the {total} bits of {}: name the rest, or add `_: {}` for reserved bits",
                    container.describe(),
                    total - used
                )
            } else {
                format!("the bit fields take {used} bits, more than the {total} bits of {}", container.describe())
            };
            return Err(self.err_at(&msg, span));
        }
        Ok(Type::Bits(Arc::new(BitsType { container, msb_first, fields })))
    }

    /// The type of `type NAME = TYPE`, which may use `NAME` inside itself
    /// (through a `match`, an array, an `if`). While the type is read, the
    /// name stands for a weak reference to it; a type that used its name
    /// is then a [`TypeRef`] wherever it is used (resolved when read), and
    /// one that did not is expanded in place as every named type is.
    fn recursive_ty(&mut self, name: &str, endian: ByteOrder) -> Result<Type, Error> {
        let mut res = Ok(());
        let def = Arc::new_cyclic(|weak| {
            let placeholder = Type::Ref(Arc::new(TypeRef::inner(Arc::from(name), weak.clone())));
            if let Some(scope) = self.types.last_mut() {
                scope.insert(name.to_string(), placeholder);
            }
            let ty = self.ty(endian);
            if let Some(scope) = self.types.last_mut() {
                scope.remove(name);
            }
            ty.unwrap_or_else(|e| {
                res = Err(e);
                Type::Struct(Arc::default())
            })
        });
        res?;
        Ok(if Arc::weak_count(&def) == 0 {
            Arc::unwrap_or_clone(def)
        } else {
            Type::Ref(Arc::new(TypeRef::outer(Arc::from(name), def)))
        })
    }

    /// `little`, `big` or `native`, consumed; `None` (nothing consumed) otherwise.
    fn byte_order_name(&mut self) -> Option<Endian> {
        let e = match self.peek() {
            Tok::Ident("little") => Endian::Little,
            Tok::Ident("big") => Endian::Big,
            Tok::Ident("native") => Endian::NATIVE,
            _ => return None,
        };
        self.bump();
        Some(e)
    }

    fn field(&mut self, endian: ByteOrder) -> Result<Field, Error> {
        let start = self.span().start;
        let placement = if self.eat("@") {
            self.in_placement = true;
            let e = self.expr();
            self.in_placement = false;
            Some(e?)
        } else {
            None
        };
        let name = match self.peek().clone() {
            Tok::Ident("_") => None,
            Tok::Ident(n) => Some(Arc::<str>::from(n)),
            // Any text as a name, quoted: `"my field": u8` (numpy allows it).
            Tok::Str(s) => match String::from_utf8(s) {
                Ok(n) if !n.is_empty() => Some(Arc::<str>::from(n)),
                _ => return Err(self.err_at("a quoted field name must be non-empty UTF-8", self.span())),
            },
            _ => return Err(self.expected("a field name")),
        };
        self.bump();
        self.expect(":")?;
        let ty = self.ty(endian)?;
        let pointer = if self.is_punct("@") {
            let at = self.bump().span;
            if placement.is_some() {
                return Err(self.err_at(
                    "a field is placed (`@ EXPR name: T`, the cursor moves there) or read elsewhere (`name: T @ EXPR`, the cursor stays), not both",
                    at,
                ));
            }
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        let (mut check, mut constraint) = (None, None);
        if self.eat("==") {
            match self.check_value()? {
                Ok(lit) => check = Some(lit),
                Err(e) => constraint = Some(Constraint::Equals(e)),
            }
        } else if matches!(self.peek(), Tok::Ident("in")) {
            self.bump();
            constraint = Some(Constraint::In(self.set()?));
        }
        if let (Some(Literal::Str(b)), Type::Array { .. }) = (&check, &ty) {
            // `magic: u8[8] == b"\x89PNG\r\n\x1a\n"`: bytes compared with an array of bytes.
            let span = Span { start, end: self.prev_end() };
            constraint = Some(Constraint::Equals(Expr { kind: ExprKind::Str(b.clone()), span }));
            check = None;
        }
        if let Some(lit) = &check {
            self.check_literal_fits(&ty, lit, start)?;
        }
        if constraint.is_some() && !comparable(&ty) {
            let span = Span { start, end: self.prev_end() };
            return Err(self.err_at(
                &format!(
                    "a field of type {} cannot be checked against an expression (integers, bool, char, text and u8 arrays can)",
                    ty.describe()
                ),
                span,
            ));
        }
        Ok(Field {
            name,
            placement: placement.map(Box::new),
            pointer,
            ty,
            check,
            constraint: constraint.map(Box::new),
            span: Span { start, end: self.prev_end() },
        })
    }

    /// What follows `==` in a field: a literal (`0x06054b50`, `-1.5`,
    /// `"RIFF"`, `true`) or an expression over earlier fields (`leader`).
    fn check_value(&mut self) -> Result<Result<Literal, Expr>, Error> {
        let float = match self.peek() {
            Tok::Float(_) => true,
            Tok::Punct("-") => matches!(self.peek_next(), Tok::Float(_)),
            _ => false,
        };
        if float {
            return self.literal().map(Ok);
        }
        let e = self.expr()?;
        Ok(match &e.kind {
            ExprKind::Int(v) => Ok(Literal::Int(*v)),
            ExprKind::Neg(x) if matches!(x.kind, ExprKind::Int(_)) => match x.kind {
                ExprKind::Int(v) => Ok(Literal::Int(-v)),
                _ => Err(e),
            },
            ExprKind::Str(b) => Ok(Literal::Str(b.clone())),
            ExprKind::Path(p) if p.len() == 1 && (&*p[0] == "true" || &*p[0] == "false") => {
                Ok(Literal::Bool(&*p[0] == "true"))
            }
            _ => Err(e),
        })
    }

    /// "unknown type 'int33'; did you mean 'int32'?", or the hint for
    /// `endian: little`.
    fn unknown_type(&self, name: &str) -> String {
        if matches!(name, "little" | "big" | "native") {
            return format!("unknown type '{name}'; the byte order is set with `endian {name}` (no ':')");
        }
        const BUILTIN: &[&str] = &[
            "i8",
            "i16",
            "i32",
            "i64",
            "u8",
            "u16",
            "u32",
            "u64",
            "f16",
            "bf16",
            "f32",
            "f64",
            "c64",
            "c128",
            "bool",
            "char",
            "cstr",
            "bytes",
            "i24",
            "u24",
            "i40",
            "u40",
            "i48",
            "u48",
            "i56",
            "u56",
            "ibm32",
            "ibm64",
            "f80",
            "longdouble",
            "datetime64",
            "timedelta64",
            "ebcdic",
            "utf16le",
            "utf16be",
            "ascii_int",
            "ascii_oct",
            "ascii_float",
            "utf8",
            "ucs4",
            "void",
            "int8",
            "int16",
            "int32",
            "int64",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "float16",
            "float32",
            "float64",
            "double",
            "single",
            "half",
            "complex64",
            "complex128",
        ];
        let user = self.types.iter().flat_map(|s| s.keys().map(String::as_str));
        let base = name.strip_suffix("le").or_else(|| name.strip_suffix("be"));
        let hint = match base.and_then(|b| crate::suggest::closest(b, BUILTIN.iter().copied())) {
            Some(b) => format!("; did you mean '{b}{}'?", &name[name.len() - 2..]),
            None => crate::suggest::hint(name, BUILTIN.iter().copied().chain(user)),
        };
        format!("unknown type '{name}'{hint}")
    }

    /// The text of a `dtype(...)` whose `(` was just consumed, taken raw up
    /// to its matching `)` (numpy code pasted as it stands), as numpy reads it.
    fn pasted_dtype(&mut self) -> Result<Type, Error> {
        let start = self.span().start;
        let Some(len) = balanced_len(&self.src[start..]) else {
            return Err(self.err_at("this dtype( has no matching ')'", Span { start, end: self.src.len() }));
        };
        let text_span = Span { start, end: start + len };
        let text = &self.src[start..start + len];
        let ty = super::numpy::dtype(text).map_err(|m| self.err_at(&format!("numpy dtype: {m}"), text_span))?;
        // Continue after the `)`, with the nesting the lexer would have there.
        let end = start + len + 1;
        let mut fresh = Lexer::new(self.src);
        while let Ok(t) = fresh.next_token() {
            if t.span.end >= end || matches!(t.tok, Tok::Eof) {
                break;
            }
        }
        self.lexer.seek(end, fresh.depth());
        self.next = None;
        self.prev_end = end;
        self.cur = next_or_eof(&mut self.lexer, &mut self.lex_error, self.src.len());
        Ok(ty)
    }

    /// `match TAG { 1 => T, 2 | 3 => U, "IHDR" => V, 4..8 => W, _ => X }`,
    /// after the `match` keyword. Arms are separated by `,` or new lines.
    fn match_type(&mut self, order: ByteOrder) -> Result<Type, Error> {
        let tag = self.expr()?;
        self.expect("{")?;
        let (mut arms, mut default) = (Vec::new(), None);
        loop {
            self.skip_separators();
            if self.eat("}") {
                break;
            }
            let at = self.span();
            if matches!(self.peek(), Tok::Ident("_")) && matches!(self.peek_next(), Tok::Punct("=>")) {
                self.bump();
                self.expect("=>")?;
                if default.is_some() {
                    return Err(self.err_at("a match has one `_` arm", at));
                }
                default = Some(self.ty(order.clone())?);
                continue;
            }
            if default.is_some() {
                return Err(self.err_at("the `_` arm of a match comes last", at));
            }
            let mut pats = Vec::new();
            loop {
                // Above `|`, which separates the values of one arm.
                let a = self.binary(COMPARISONS + 2)?;
                pats.push(if self.eat("..") {
                    SetItem::Range(a, self.binary(COMPARISONS + 2)?)
                } else {
                    SetItem::One(a)
                });
                if !self.eat("|") {
                    break;
                }
            }
            self.expect("=>")?;
            arms.push((pats, self.ty(order.clone())?));
        }
        if arms.is_empty() && default.is_none() {
            return Err(self.err_at("a match needs at least one arm (VALUE => TYPE)", tag.span));
        }
        Ok(Type::Match(Arc::new(MatchType { tag, arms, default })))
    }

    /// The set after `in`: `[a, b, lo..hi]`, or a bare range `lo..hi`.
    fn set(&mut self) -> Result<Vec<SetItem>, Error> {
        if !self.eat("[") {
            let lo = self.binary(COMPARISONS + 1)?;
            if !self.eat("..") {
                return Err(self.expected("'[' or a range 'lo..hi' after 'in'"));
            }
            let hi = self.binary(COMPARISONS + 1)?;
            return Ok(vec![SetItem::Range(lo, hi)]);
        }
        let mut items = Vec::new();
        while !self.is_punct("]") {
            let a = self.expr()?;
            items.push(if self.eat("..") { SetItem::Range(a, self.expr()?) } else { SetItem::One(a) });
            if !self.eat(",") {
                break;
            }
        }
        self.expect("]")?;
        if items.is_empty() {
            return Err(
                self.err_at("an empty set matches nothing", Span { start: self.prev_end() - 1, end: self.prev_end() })
            );
        }
        Ok(items)
    }

    fn check_literal_fits(&self, ty: &Type, lit: &Literal, start: usize) -> Result<(), Error> {
        let span = Span { start, end: self.prev_end() };
        // A scalar whose byte order is chosen per file checks as the same kind.
        let kind = match ty {
            Type::Scalar(s) => Some(s.kind),
            Type::ScalarByOrder { kind, .. } => Some(*kind),
            Type::Enum(d, _) => Some(d.base),
            _ => None,
        };
        let ok = match (kind, lit) {
            (Some(k), Literal::Int(v)) if k.is_integer() => k.int_range().is_some_and(|(lo, hi)| (lo..=hi).contains(v)),
            (Some(k), Literal::Int(_) | Literal::Float(_)) => k.is_float(),
            (Some(k), Literal::Bool(_)) => k == ScalarKind::Bool,
            (None, Literal::Int(v)) => {
                matches!(ty, Type::Enum(d, _) if d.base.int_range().is_some_and(|(lo, hi)| (lo..=hi).contains(v)))
            }
            (None, Literal::Str(_)) => matches!(ty, Type::Text { .. } | Type::Char | Type::Cstr),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(self.err_at(&format!("'== {lit}' cannot be checked on a field of type {}", ty.describe()), span))
        }
    }

    fn literal(&mut self) -> Result<Literal, Error> {
        let neg = self.eat("-");
        let span = self.span();
        let lit = match self.peek().clone() {
            Tok::Int(v) => Literal::Int(if neg { -v } else { v }),
            Tok::Float(_) => {
                let text: String = self.src[span.start..span.end].chars().filter(|c| *c != '_').collect();
                Literal::Float(if neg { format!("-{text}") } else { text })
            }
            Tok::Str(s) if !neg => Literal::Str(s),
            Tok::Ident("true") if !neg => Literal::Bool(true),
            Tok::Ident("false") if !neg => Literal::Bool(false),
            _ => return Err(self.expected("a number, a string, true or false")),
        };
        self.bump();
        Ok(lit)
    }

    /// `[unit]` next, with a numpy time unit (`[ns]`, `[D]`): the unit of a
    /// `datetime64`/`M8` rather than an array's length.
    fn time_unit_follows(&mut self) -> bool {
        matches!(self.peek(), Tok::Punct("["))
            && matches!(self.peek_next(), Tok::Ident(u) if crate::text::datetime::TimeUnit::from_code(u).is_some())
    }

    /// `[unit]`, after [`Self::time_unit_follows`].
    fn time_unit(&mut self) -> Result<crate::text::datetime::TimeUnit, Error> {
        self.bump();
        let Tok::Ident(u) = self.peek().clone() else { return Err(self.expected("a time unit")) };
        let unit = crate::text::datetime::TimeUnit::from_code(u).ok_or_else(|| self.expected("a time unit"))?;
        self.bump();
        self.expect("]")?;
        Ok(unit)
    }

    fn ty(&mut self, order: ByteOrder) -> Result<Type, Error> {
        // What a type without a byte order of its own (`u32`, `ucs4`) takes.
        let endian = match &order {
            ByteOrder::Fixed(e) => *e,
            ByteOrder::Chosen(_) => Endian::Little,
        };
        self.enter()?;
        let start_span = self.span();
        let base = match self.peek().clone() {
            Tok::Punct("{") => {
                self.bump();
                let items = self.items(order.clone(), Some("}"))?;
                self.expect("}")?;
                Type::Struct(Arc::new(StructType { items }))
            }
            // numpy typestrs with a byte-order mark: `<i4`, `>f8`, `|S12`, `=u2`.
            Tok::Punct(p @ ("<" | ">" | "=" | "|")) if matches!(self.peek_next(), Tok::Ident(_)) => {
                self.bump();
                let Tok::Ident(code) = self.peek().clone() else { return Err(self.expected("a numpy type code")) };
                self.bump();
                let code = if matches!(code, "M8" | "m8") && self.time_unit_follows() {
                    let unit = self.time_unit()?;
                    &format!("{code}[{}]", unit.code())
                } else {
                    code
                };
                let span = Span { start: start_span.start, end: self.prev_end() };
                super::numpy::typestr(&format!("{p}{code}")).map_err(|m| self.err_at(&m, span))?
            }
            Tok::Punct("?") => {
                self.bump();
                super::numpy::typestr("?").map_err(|m| self.err_at(&m, start_span))?
            }
            // Foreign notations: `dtype("...")` (numpy) and `struct("...")` (Python).
            // numpy code pasted as it stands: `np.int64`, `np.dtype([('rows', int32)])`.
            Tok::Ident(w @ ("np" | "numpy")) if matches!(self.peek_next(), Tok::Punct(".")) => {
                self.bump();
                self.bump();
                let name_span = self.span();
                let Tok::Ident(name) = self.peek().clone() else { return Err(self.expected("a numpy type name")) };
                if name == "dtype" && matches!(self.peek_next(), Tok::Punct("(")) {
                    self.bump();
                    self.bump();
                    self.pasted_dtype()?
                } else {
                    self.bump();
                    match super::numpy::numpy_type_name(name)
                        .or_else(|| super::numpy::numpy_type_name(&format!("np.{name}")))
                    {
                        Some(t) => t.map_err(|m| self.err_at(&format!("numpy type: {m}"), name_span))?,
                        None => {
                            return Err(
                                self.err_at(&format!("'{w}.{name}' is not a numpy type binmap knows"), name_span)
                            );
                        }
                    }
                }
            }
            Tok::Ident("dtype")
                if matches!(self.peek_next(), Tok::Punct("(")) && {
                    // Not a quoted string: numpy code pasted as it stands.
                    let rest = self.src[self.span().end..].trim_start();
                    let after = rest.strip_prefix('(').unwrap_or(rest).trim_start();
                    !after.starts_with(['"', '\'']) || !quoted_then_close(after)
                } =>
            {
                self.bump();
                self.bump();
                self.pasted_dtype()?
            }
            Tok::Ident(w) if (w == "dtype" || w == "struct") && matches!(self.peek_next(), Tok::Punct("(")) => {
                self.bump();
                self.bump();
                let text_span = self.span();
                let Tok::Str(text) = self.peek().clone() else { return Err(self.expected("a quoted string")) };
                self.bump();
                self.expect(")")?;
                let text = String::from_utf8(text).map_err(|_| self.err_at("the text must be UTF-8", text_span))?;
                if w == "dtype" {
                    super::numpy::dtype(&text).map_err(|m| self.err_at(&format!("numpy dtype: {m}"), text_span))?
                } else {
                    let fmt = struct_format::parse(&text)
                        .map_err(|e| self.err_at(&format!("struct format: {}", e.message), text_span))?;
                    Type::Struct(Arc::new(struct_format::to_struct_type(&fmt)))
                }
            }
            Tok::Ident("bits") if matches!(self.peek_next(), Tok::Ident(_)) => self.bits_type(order.clone())?,
            Tok::Ident("match") if !matches!(self.peek_next(), Tok::Punct("[" | "," | ";" | "}" | ")")) => {
                self.bump();
                self.match_type(order.clone())?
            }
            Tok::Ident(name) => {
                self.bump();
                match name {
                    "bytes" | "utf8" | "ucs4" | "ucs4le" | "ucs4be" | "void" | "ebcdic" | "utf16le" | "utf16be"
                    | "ascii_int" | "ascii_oct" | "ascii_float" => {
                        let kind = match name {
                            "bytes" => TextKind::Bytes,
                            "utf8" => TextKind::Utf8,
                            "ebcdic" => TextKind::Ebcdic,
                            "utf16le" => TextKind::Utf16(Endian::Little),
                            "utf16be" => TextKind::Utf16(Endian::Big),
                            "ascii_int" => TextKind::Ascii(AsciiKind::Int),
                            "ascii_oct" => TextKind::Ascii(AsciiKind::Oct),
                            "ascii_float" => TextKind::Ascii(AsciiKind::Float),
                            "ucs4be" => TextKind::Ucs4(Endian::Big),
                            "ucs4le" => TextKind::Ucs4(Endian::Little),
                            "ucs4" if matches!(order, ByteOrder::Chosen(_)) => {
                                return Err(
                                    self.err_at("under an endian chosen per file, write ucs4le or ucs4be", start_span)
                                );
                            }
                            "ucs4" => TextKind::Ucs4(endian),
                            _ => TextKind::Void,
                        };
                        self.expect("[")?;
                        let len = self.expr()?;
                        self.expect("]")?;
                        Type::Text { kind, len }
                    }
                    // `cstr[N]`: N bytes; `cstr[..]` and `cstr[a, b]` stay
                    // arrays of variable-size cstr.
                    "cstr"
                        if matches!(self.peek(), Tok::Punct("[")) && !matches!(self.peek_next(), Tok::Punct("..")) =>
                    {
                        self.bump();
                        let len = self.expr()?;
                        if self.eat("]") {
                            Type::Text { kind: TextKind::CstrN, len }
                        } else {
                            let mut dims = vec![len];
                            while self.eat(",") {
                                dims.push(self.expr()?);
                            }
                            self.expect("]")?;
                            Type::Array { elem: Arc::new(Type::Cstr), dims: Dims::Fixed(dims) }
                        }
                    }
                    "cstr" => Type::Cstr,
                    "char" => Type::Char,
                    "datetime64" | "timedelta64" | "M8" | "m8" if self.time_unit_follows() => {
                        let unit = self.time_unit()?;
                        let kind = if name.starts_with('d') || name == "M8" {
                            ScalarKind::DateTime(unit)
                        } else {
                            ScalarKind::TimeDelta(unit)
                        };
                        match &order {
                            ByteOrder::Chosen(c) => Type::ScalarByOrder { kind, order: c.clone() },
                            ByteOrder::Fixed(_) => Type::Scalar(Scalar { kind, endian }),
                        }
                    }
                    _ => match builtin_type(name, endian) {
                        Some(Type::Scalar(s)) if s.kind.size() > 1 && !has_order_suffix(name) => match &order {
                            ByteOrder::Chosen(c) => Type::ScalarByOrder { kind: s.kind, order: c.clone() },
                            ByteOrder::Fixed(_) => Type::Scalar(s),
                        },
                        Some(t) => t,
                        None => match self.types.iter().rev().find_map(|s| s.get(name)) {
                            Some(t) => t.clone(),
                            // numpy's names, with numpy's sizes (`int64` is 8 bytes).
                            None if super::numpy::numpy_type_name(name).is_some() => {
                                super::numpy::numpy_type_name(name)
                                    .unwrap_or_else(|| Err(String::new()))
                                    .map_err(|m| self.err_at(&format!("numpy type: {m}"), start_span))?
                            }
                            // A numpy typestr without a byte-order mark (`f8`, `S12`, `U5`).
                            None => match super::numpy::typestr(name) {
                                Ok(t) if looks_like_typestr(name) => t,
                                _ => return Err(self.err_at(&self.unknown_type(name), start_span)),
                            },
                        },
                    },
                }
            }
            _ => return Err(self.expected("a type")),
        };
        let ty = if self.eat("[") {
            let repeat = matches!(self.peek(), Tok::Ident("until" | "while"))
                && !matches!(self.peek_next(), Tok::Punct("]" | "," | ";"));
            let dims = if self.eat("..") {
                Dims::ToEnd
            } else if repeat {
                // `T[until COND]` / `T[while COND]`, `_` naming the element.
                let until = matches!(self.bump().tok, Tok::Ident("until"));
                let cond = self.expr()?;
                if until { Dims::Until(Box::new(cond)) } else { Dims::While(Box::new(cond)) }
            } else {
                let mut d = vec![self.expr()?];
                while self.eat(",") {
                    d.push(self.expr()?);
                }
                if self.eat(";") {
                    match self.peek() {
                        Tok::Ident("fortran") => {
                            self.bump();
                            Dims::Fortran(d)
                        }
                        _ => return Err(self.expected("'fortran' (the only array order option)")),
                    }
                } else {
                    Dims::Fixed(d)
                }
            };
            self.expect("]")?;
            if self.is_punct("[") {
                return Err(self.err_at("write several dimensions as T[a, b], not T[a][b]", self.span()));
            }
            Type::Array { elem: Arc::new(base), dims }
        } else {
            base
        };
        let ty = if matches!(self.peek(), Tok::Ident("within")) {
            // `T within SIZE`; SIZE stops before `==` and `in`, which check the field.
            self.bump();
            let size = self.binary(COMPARISONS + 1)?;
            Type::Within { inner: Arc::new(ty), size: Box::new(size) }
        } else {
            ty
        };
        self.depth -= 1;
        Ok(ty)
    }

    /// An expression: binary operators over [`LEVELS`], then an optional
    /// `? a : b` (which groups to the right, as in C).
    fn expr(&mut self) -> Result<Expr, Error> {
        self.enter()?;
        let mut e = self.binary(0)?;
        if self.eat("?") {
            let yes = self.expr()?;
            self.expect(":")?;
            let no = self.expr()?;
            let span = Span { start: e.span.start, end: no.span.end };
            e = Expr { kind: ExprKind::Cond(Box::new(e), Box::new(yes), Box::new(no)), span };
        }
        self.depth -= 1;
        Ok(e)
    }

    /// Precedence climbing over [`LEVELS`].
    fn binary(&mut self, level: usize) -> Result<Expr, Error> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut lhs = self.binary(level + 1)?;
        loop {
            let op = match self.peek() {
                Tok::Punct(p) => LEVELS[level].iter().find(|(s, _)| s == p).map(|(_, op)| *op),
                _ => None,
            };
            if level == COMPARISONS && matches!(self.peek(), Tok::Ident("in")) {
                self.bump();
                let set = self.set()?;
                let span = Span { start: lhs.span.start, end: self.prev_end() };
                lhs = Expr { kind: ExprKind::In(Box::new(lhs), set), span };
                continue;
            }
            let Some(op) = op else { break };
            self.bump();
            let rhs = self.binary(level + 1)?;
            let span = Span { start: lhs.span.start, end: rhs.span.end };
            lhs = Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, Error> {
        let start = self.span().start;
        let op = ["-", "!", "~"].into_iter().find(|op| self.eat(op));
        if let Some(op) = op {
            self.enter()?;
            let inner = Box::new(self.unary()?);
            self.depth -= 1;
            let span = Span { start, end: inner.span.end };
            let kind = match op {
                "-" => ExprKind::Neg(inner),
                "!" => ExprKind::Not(inner),
                _ => ExprKind::BitNot(inner),
            };
            return Ok(Expr { kind, span });
        }
        self.primary()
    }

    /// `.name.name...` after a field name or an index, onto `path`.
    fn dotted(&mut self, path: &mut Vec<Arc<str>>) -> Result<(), Error> {
        while self.eat(".") {
            let Tok::Ident(next) = self.peek().clone() else {
                return Err(self.expected("a field name after '.'"));
            };
            self.bump();
            path.push(Arc::from(next));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Expr, Error> {
        let span = self.span();
        let kind = match self.peek().clone() {
            Tok::Int(v) => {
                self.bump();
                ExprKind::Int(v)
            }
            Tok::Punct("(") => {
                self.bump();
                let e = self.expr()?;
                self.expect(")")?;
                return Ok(Expr { kind: e.kind, span: Span { start: span.start, end: self.prev_end() } });
            }
            Tok::Ident("filesize") => {
                self.bump();
                ExprKind::FileSize
            }
            Tok::Str(b) => {
                self.bump();
                ExprKind::Str(b)
            }
            Tok::Ident("sizeof") => {
                self.bump();
                self.expect("(")?;
                let ty = self.ty(ByteOrder::Fixed(Endian::Little))?;
                self.expect(")")?;
                if ty.fixed_size().is_none() {
                    return Err(self.err_at("sizeof needs a type whose size does not depend on the data", span));
                }
                ExprKind::SizeOf(Arc::new(ty))
            }
            Tok::Ident(word @ ("find" | "rfind")) if matches!(self.peek_next(), Tok::Punct("(")) => {
                if !self.in_placement {
                    return Err(self.err_at(
                        &format!("{word}(...) gives a field's position: use it after `@` (`@ rfind(b\"PK\\x05\\x06\") eocd: ...`)"),
                        span,
                    ));
                }
                self.bump();
                self.bump();
                let sig_span = self.span();
                let Tok::Str(sig) = self.peek().clone() else {
                    return Err(self.expected("the signature to search for, as a string (b\"PK\\x05\\x06\")"));
                };
                if sig.is_empty() {
                    return Err(self.err_at("the signature to search for is empty", sig_span));
                }
                self.bump();
                let start = if self.eat(",") { Some(self.expr()?) } else { None };
                let end = if start.is_some() && self.eat(",") { Some(self.expr()?) } else { None };
                self.expect(")")?;
                ExprKind::Search(Box::new(Search { sig, last: word == "rfind", start, end }))
            }
            Tok::Ident(first) => {
                self.bump();
                let mut path = vec![Arc::<str>::from(first)];
                self.dotted(&mut path)?;
                let mut kind = ExprKind::Path(path);
                // `dims[i]`, `shdrs[n - 1].offset`, `m[i, j].x[k]`.
                while self.is_punct("[") {
                    self.bump();
                    let mut index = vec![self.expr()?];
                    while self.eat(",") {
                        index.push(self.expr()?);
                    }
                    self.expect("]")?;
                    let mut rest = Vec::new();
                    self.dotted(&mut rest)?;
                    let base = Expr { kind, span: Span { start: span.start, end: self.prev_end() } };
                    kind = ExprKind::Index(Box::new(Indexed { base, index, rest }));
                }
                match kind {
                    ExprKind::Path(path) => self.enum_constant(path, span)?,
                    kind => kind,
                }
            }
            Tok::Float(_) => return Err(self.err_at("expressions are integers: a float is not allowed here", span)),
            _ => return Err(self.expected("an expression")),
        };
        Ok(Expr { kind, span: Span { start: span.start, end: self.prev_end() } })
    }
}

impl Parser<'_> {
    /// `Color.green` (an enum declared above and one of its names) as a
    /// constant; any other path as a field path.
    fn enum_constant(&self, path: Vec<Arc<str>>, span: Span) -> Result<ExprKind, Error> {
        let def = match (path.as_slice(), self.types.iter().rev().find_map(|s| s.get(&*path[0]))) {
            ([_, _], Some(Type::Enum(def, _))) => def,
            _ => return Ok(ExprKind::Path(path)),
        };
        match def.value_of(&path[1]) {
            Some(v) => Ok(ExprKind::Const(path, v)),
            None => {
                let names = def.members.iter().map(|(n, _)| &**n);
                let span = Span { start: span.start, end: self.prev_end() };
                Err(self.err_at(
                    &format!(
                        "{} {} has no name '{}'{}",
                        def.keyword(),
                        def.name,
                        path[1],
                        crate::suggest::hint(&path[1], names)
                    ),
                    span,
                ))
            }
        }
    }
}

/// The length of `s` up to (not including) the `)` that closes an already
/// open `(`, skipping brackets and quoted strings inside.
fn balanced_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (mut depth, mut i) = (0usize, 0);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' if depth == 0 => return Some(i),
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// True when `s` starts with one quoted string followed by `)`: the
/// `dtype("...")` form.
fn quoted_then_close(s: &str) -> bool {
    let b = s.as_bytes();
    let q = b[0];
    let mut i = 1;
    while i < b.len() && b[i] != q {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    s.get(i + 1..).is_some_and(|rest| rest.trim_start().starts_with(')'))
}

/// The name of a field or `let` item.
fn field_name(it: &Item) -> Option<&str> {
    match it {
        Item::Field(f) => f.name.as_deref(),
        Item::Let { name, .. } => Some(name),
        _ => None,
    }
}

/// True for the types whose values expressions compare: integers, bool,
/// char, text, and arrays of `u8`/`i8` (bytes).
fn comparable(ty: &Type) -> bool {
    match ty {
        Type::Scalar(s) => s.kind.is_integer() || s.kind == ScalarKind::Bool,
        Type::ScalarByOrder { kind, .. } => kind.is_integer(),
        Type::Char | Type::Text { .. } | Type::Cstr => true,
        Type::Array { elem, dims } => {
            matches!(dims, Dims::Fixed(d) if d.len() == 1)
                && matches!(&**elem, Type::Scalar(s) if matches!(s.kind, ScalarKind::U8 | ScalarKind::I8))
        }
        Type::Enum(..) => true,
        Type::Struct(_) | Type::Match(_) | Type::Bits(_) | Type::Within { .. } | Type::Ref(_) => false,
    }
}

type Level = &'static [(&'static str, BinOp)];

/// Binary operator precedence, loosest first. The bitwise operators bind
/// tighter than comparisons, as in Python and Rust (not C), so that
/// `flags & 4 != 0` means `(flags & 4) != 0`.
/// The level of [`LEVELS`] that holds the comparisons (and `in`).
const COMPARISONS: usize = 2;

const LEVELS: [Level; 9] = [
    &[("||", BinOp::Or)],
    &[("&&", BinOp::And)],
    &[("==", BinOp::Eq), ("!=", BinOp::Ne), ("<", BinOp::Lt), ("<=", BinOp::Le), (">", BinOp::Gt), (">=", BinOp::Ge)],
    &[("|", BinOp::BitOr)],
    &[("^", BinOp::BitXor)],
    &[("&", BinOp::BitAnd)],
    &[("<<", BinOp::Shl), (">>", BinOp::Shr)],
    &[("+", BinOp::Add), ("-", BinOp::Sub)],
    &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
];

/// A letter and a number (`f8`, `S12`, `c16`): a numpy typestr rather
/// than a misspelt type name.
fn looks_like_typestr(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|l| l.is_ascii_alphabetic()) && c.clone().next().is_some() && c.all(|d| d.is_ascii_digit())
}

/// True for a scalar name with its own byte order (`u16be`, `f32le`).
fn has_order_suffix(name: &str) -> bool {
    name.ends_with("le") || name.ends_with("be")
}

/// The text and text-number types this module added (named types cannot take their names).
const TEXT_NUMBER_TYPES: &[&str] = &["ebcdic", "utf16le", "utf16be", "ascii_int", "ascii_oct", "ascii_float"];

/// A built-in scalar name (`u16`, `f64be`, `bool`) with the default byte order.
pub fn builtin_type(name: &str, endian: Endian) -> Option<Type> {
    let (base, endian) = if let Some(b) = name.strip_suffix("le") {
        (b, Endian::Little)
    } else if let Some(b) = name.strip_suffix("be") {
        (b, Endian::Big)
    } else {
        (name, endian)
    };
    use ScalarKind::*;
    let kind = match base {
        "i8" => I8,
        "i16" => I16,
        "i32" => I32,
        "i64" => I64,
        "u8" => U8,
        "u16" => U16,
        "u32" => U32,
        "u64" => U64,
        "f16" => F16,
        "bf16" => BF16,
        "f32" => F32,
        "f64" => F64,
        "c64" => C64,
        "c128" => C128,
        "bool" if base.len() == name.len() => Bool,
        "i24" => I24,
        "u24" => U24,
        "i40" => I40,
        "u40" => U40,
        "i48" => I48,
        "u48" => U48,
        "i56" => I56,
        "u56" => U56,
        "ibm32" => Ibm32,
        "ibm64" => Ibm64,
        "f80" => F80,
        "longdouble" => LongDouble,
        _ => return None,
    };
    Some(Type::Scalar(Scalar { kind, endian }))
}
