//! A small grammar of layouts, drawn with `arbitrary` so the fuzzer reaches
//! the resolver and the sinks instead of stopping at syntax errors.
//!
//! Scalars (with `le`/`be`; 24- to 56-bit integers, IBM floats), `bytes[N]`,
//! `utf8[N]`, `ucs4[N]`, `void[N]`, `cstr[N]`, `ebcdic[N]`, `utf16le[N]`,
//! `ascii_int/oct/float[N]`, `cstr`, `char`, `bool`, numpy typestrs, `dtype("...")`, `struct("...")`,
//! nested structs, arrays whose dimensions are constants, expressions or
//! names of earlier integer fields (`T[n]`, `T[a, b]`, `T[a, b; fortran]`,
//! `T[..]`), `@` placements and pointers (`name: T @ EXPR`), `align`, `if`, `endian` (fixed or chosen by
//! an expression), `let`, `==` checks against literals and expressions,
//! `in` sets and ranges, bitwise operators, shifts, `? :`, and text
//! comparisons with earlier text fields, `match` types, `enum`/`flags`
//! declarations used as types and as constants (`E0.b`), and `bits`
//! containers (unsigned, signed, `bool`, reserved and enum fields, `msb`/`lsb`),
//! repeat arrays (`T[until COND]`, `T[while COND]`, `_` the element),
//! windows (`T within SIZE`), placements by signature (`@ find(b"..")`,
//! `@ rfind(b"..", START)`) and recursive named types.

use arbitrary::{Result, Unstructured};

const SCALARS: &[&str] = &[
    "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f16", "bf16", "f32", "f64", "c64", "c128", "i24", "u24",
    "i40", "u40", "i48", "u48", "i56", "u56", "ibm32", "ibm64", "f80",
];
const SUFFIXES: &[&str] = &["", "", "le", "be"];
const TYPESTRS: &[&str] = &[
    "<i4", ">f8", "|S3", "U2", "?", "<u2", ">c8", "V2", "|b1", "f2", "M8", "<M8[ns]", ">m8[s]", "M8[D]", "g", "<f16",
    "longdouble", "datetime64[us]", "timedelta64[Y]",
];
const FOREIGN: &[&str] = &[
    "dtype(\"<i2\")",
    "dtype(\"[('a', '<u1'), ('b', '>f4', (2,))]\")",
    "dtype(\"{'names': ['x', 'y'], 'formats': ['u1', '<u2'], 'offsets': [0, 2], 'itemsize': 5}\")",
    "dtype(\"(2,3)>i2\")",
    "struct(\"<iH5s\")",
    "struct(\"@bq?x3p\")",
    "struct(\"!2e\")",
];

/// What a drawn type is, to pick a `==` literal that fits it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cat {
    /// An integer scalar; `true` when small enough to serve as a count.
    Int(bool),
    Float,
    Bool,
    Text,
    Other,
}

struct Gen {
    out: String,
    next_name: usize,
    /// Integer fields declared so far, usable in expressions.
    counts: Vec<String>,
    /// Text fields declared so far, compared with string literals.
    texts: Vec<String>,
    /// `enum`/`flags` declared so far: name, and whether its base is `u8`.
    enums: Vec<(String, bool)>,
}

/// Draw `(layout text, file bytes)` from fuzz input: the layout takes what
/// it needs from the front, the file is the rest.
pub fn draw(data: &[u8]) -> (String, Vec<u8>) {
    let mut u = Unstructured::new(data);
    let mut g = Gen { out: String::new(), next_name: 0, counts: Vec::new(), texts: Vec::new(), enums: Vec::new() };
    let _ = g.items(&mut u, 0, "\n");
    let file = u.take_rest().to_vec();
    (g.out, file)
}

impl Gen {
    fn items(&mut self, u: &mut Unstructured<'_>, depth: usize, sep: &str) -> Result<()> {
        let n = u.int_in_range(1..=if depth == 0 { 7 } else { 4 })?;
        for i in 0..n {
            if i > 0 {
                self.out.push_str(sep);
            }
            self.item(u, depth)?;
        }
        Ok(())
    }

    fn item(&mut self, u: &mut Unstructured<'_>, depth: usize) -> Result<()> {
        match u.int_in_range(0..=15u8)? {
            0 => {
                let to = *u.choose(&[1u32, 2, 3, 4, 8, 16])?;
                self.out.push_str(&format!("align {to}"));
            }
            1 if depth < 3 => {
                self.out.push_str("if ");
                self.expr(u, 0)?;
                self.out.push_str(" { ");
                self.items(u, depth + 1, "; ")?;
                self.out.push_str(" }");
            }
            2 => {
                let e = *u.choose(&["little", "big"])?;
                self.out.push_str(&format!("endian {e}"));
            }
            3 => {
                self.out.push_str("endian ");
                self.expr(u, 1)?;
                let (a, b) = *u.choose(&[("little", "big"), ("big", "little"), ("native", "big")])?;
                self.out.push_str(&format!(" ? {a} : {b}"));
            }
            5 => {
                // Names a, b, c: values 1, 2, 4 (flags bits) or drawn small ones.
                let name = format!("E{}", self.enums.len());
                let keyword = *u.choose(&["enum", "flags"])?;
                let base = *u.choose(&["u8", "u16be", "i16", "u32le", "u64"])?;
                let c = u.int_in_range(0..=200u8)?;
                self.out.push_str(&format!("{keyword} {name}: {base} {{ a = 1, b = 2\n c = {c} }}"));
                self.enums.push((name, base == "u8"));
            }
            6 if depth < 2 && u.ratio(1, 3)? => {
                // A recursive type, used once: a tag, then itself or a leaf.
                let name = format!("R{}", self.next_name);
                self.next_name += 1;
                let arm = *u.choose(&["{name}[2]", "{name}", "{ n: u8, if n > 0 { more: {name}[n] } }"])?;
                let arm = arm.replace("{name}", &name);
                self.out.push_str(&format!("type {name} = {{ k: u8, body: match k {{ 1 => {arm}, _ => u16 }} }}\n"));
                let field = format!("f{}", self.next_name);
                self.next_name += 1;
                self.out.push_str(&format!("{field}: {name}"));
            }
            4 => {
                let name = format!("v{}", self.next_name);
                self.next_name += 1;
                self.out.push_str(&format!("let {name} = "));
                self.expr(u, 0)?;
                self.counts.push(name);
            }
            _ => self.field(u, depth)?,
        }
        Ok(())
    }

    fn field(&mut self, u: &mut Unstructured<'_>, depth: usize) -> Result<()> {
        let placed = u.ratio(1, 10)?;
        if placed && u.ratio(1, 3)? {
            // Placed by a signature, searched for in the file.
            let f = *u.choose(&["find", "rfind"])?;
            let sig = *u.choose(&["AB", "\\x00", "PK\\x05\\x06", "\\xff\\xfe"])?;
            self.out.push_str(&format!("@ {f}(b\"{sig}\""));
            if u.arbitrary()? {
                self.out.push_str(", ");
                self.expr(u, 2)?;
            }
            self.out.push_str(") ");
        } else if placed {
            self.out.push_str("@ ");
            self.expr(u, 0)?;
            self.out.push(' ');
        }
        let padding = u.ratio(1, 12)?;
        let name = format!("f{}", self.next_name);
        self.next_name += 1;
        self.out.push_str(if padding { "_" } else { &name });
        self.out.push_str(": ");
        let cat = self.ty(u, depth)?;
        if !placed && u.ratio(1, 10)? {
            // Read elsewhere: a pointer, the cursor stays.
            self.out.push_str(" @ ");
            self.expr(u, 0)?;
        }
        if u.ratio(1, 5)? {
            let lit = match cat {
                Cat::Int(_) => u.int_in_range(0..=127u8)?.to_string(),
                Cat::Float => "1.5".to_string(),
                Cat::Bool => if u.arbitrary()? { "true" } else { "false" }.to_string(),
                Cat::Text => "\"AB\"".to_string(),
                Cat::Other => String::new(),
            };
            if !lit.is_empty() {
                self.out.push_str(" == ");
                self.out.push_str(&lit);
            }
        } else if matches!(cat, Cat::Int(_)) && u.ratio(1, 6)? {
            match u.int_in_range(0..=2u8)? {
                0 => {
                    self.out.push_str(" == ");
                    self.expr(u, 1)?;
                }
                1 => self.out.push_str(" in [0, 1, 0x10..0x20]"),
                _ => {
                    self.out.push_str(" in 0..");
                    self.expr(u, 2)?;
                }
            }
        }
        if cat == Cat::Text && !padding {
            self.texts.push(name.clone());
        }
        if let Cat::Int(true) = cat
            && !padding
        {
            self.counts.push(name);
        }
        Ok(())
    }

    fn ty(&mut self, u: &mut Unstructured<'_>, depth: usize) -> Result<Cat> {
        let mut cat = match u.int_in_range(0..=13u8)? {
            0..=4 => {
                let s = *u.choose(SCALARS)?;
                let suffix = *u.choose(SUFFIXES)?;
                self.out.push_str(s);
                self.out.push_str(suffix);
                match s {
                    "i8" | "u8" | "u16" => Cat::Int(true),
                    "u32" if u.ratio(1, 4)? => Cat::Int(true),
                    _ if s.starts_with('i') || s.starts_with('u') => Cat::Int(false),
                    "c64" | "c128" | "ibm32" | "ibm64" | "f80" => Cat::Other,
                    _ => Cat::Float,
                }
            }
            5 => {
                self.out.push_str("bool");
                Cat::Bool
            }
            6 | 7 => {
                let k = *u.choose(&[
                    "bytes",
                    "utf8",
                    "ucs4",
                    "ucs4be",
                    "void",
                    "cstr",
                    "ebcdic",
                    "utf16le",
                    "utf16be",
                    "ascii_int",
                    "ascii_oct",
                    "ascii_float",
                ])?;
                self.out.push_str(k);
                self.out.push('[');
                self.expr(u, 0)?;
                self.out.push(']');
                if k == "void" || k.starts_with("ascii") { Cat::Other } else { Cat::Text }
            }
            8 => {
                self.out.push_str("cstr");
                Cat::Text
            }
            9 => {
                self.out.push_str("char");
                Cat::Text
            }
            10 | 11 if depth < 4 => {
                self.out.push_str("{ ");
                self.items(u, depth + 1, ", ")?;
                self.out.push_str(" }");
                Cat::Other
            }
            12 if !self.counts.is_empty() && depth < 4 => {
                // A type chosen by a tag: values, alternatives, a range and `_`.
                let tag = u.choose(&self.counts)?.clone();
                self.out.push_str(&format!("match {tag} {{ 1 => u8, 2 | 3 => "));
                self.ty(u, depth + 1)?;
                self.out.push_str(", 4..9 => { a: u16, b: u8[");
                self.out.push_str(&tag);
                self.out.push_str("] }");
                if u.arbitrary()? {
                    self.out.push_str(", _ => void[0]");
                }
                self.out.push_str(" }");
                Cat::Other
            }
            12 if !self.enums.is_empty() && u.arbitrary()? => {
                let (e, small) = u.choose(&self.enums)?.clone();
                self.out.push_str(&e);
                Cat::Int(small)
            }
            12 if u.arbitrary()? => {
                self.bits(u)?;
                Cat::Other
            }
            12 => {
                self.out.push_str(u.choose(TYPESTRS)?);
                Cat::Other
            }
            _ => {
                self.out.push_str(u.choose(FOREIGN)?);
                Cat::Other
            }
        };
        if u.ratio(1, 3)? {
            let int = matches!(cat, Cat::Int(_));
            cat = Cat::Other;
            self.out.push('[');
            match u.int_in_range(0..=7u8)? {
                0 => self.out.push_str(".."),
                6 | 7 => {
                    // Repeat arrays: `_` is the element (a number, or anything).
                    let word = if u.arbitrary()? { "until" } else { "while" };
                    self.out.push_str(word);
                    self.out.push(' ');
                    if int && u.arbitrary()? {
                        self.out.push_str(if word == "until" { "_ == " } else { "_ != " });
                        self.expr(u, 2)?;
                    } else {
                        self.expr(u, 1)?;
                    }
                }
                1 => {
                    self.expr(u, 0)?;
                    self.out.push_str(", ");
                    self.expr(u, 0)?;
                }
                2 => {
                    self.expr(u, 0)?;
                    self.out.push_str(", ");
                    self.expr(u, 0)?;
                    self.out.push_str("; fortran");
                }
                _ => self.expr(u, 0)?,
            }
            self.out.push(']');
        }
        if u.ratio(1, 8)? {
            // A window: the type inside SIZE bytes.
            cat = Cat::Other;
            self.out.push_str(" within (");
            self.expr(u, 1)?;
            self.out.push(')');
        }
        Ok(cat)
    }

    /// `bits CONTAINER [msb|lsb] { ... }` whose widths add up to the
    /// container, or (rarely) do not, or hold a width of 0 or 65.
    fn bits(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let (c, total) = *u.choose(&[("u8", 8u32), ("u16be", 16), ("u16le", 16), ("u32", 32), ("u64be", 64)])?;
        let order = *u.choose(&["", "", " msb", " lsb"])?;
        self.out.push_str(&format!("bits {c}{order} {{ "));
        let mut left = total;
        let mut k = 0;
        while left > 0 {
            let w = if u.ratio(1, 40)? { *u.choose(&[0u32, 65, left + 1])? } else { u.int_in_range(1..=left)? };
            left = left.saturating_sub(w);
            let name = if u.ratio(1, 6)? { "_".to_string() } else { format!("b{k}") };
            k += 1;
            let spec = match u.int_in_range(0..=4u8)? {
                0 => format!("i{w}"),
                1 if w == 1 => "bool".to_string(),
                2 if !self.enums.is_empty() => format!("{w} as {}", u.choose(&self.enums)?.0),
                _ => w.to_string(),
            };
            self.out.push_str(&format!("{name}: {spec}, "));
            if u.ratio(1, 50)? {
                break;
            }
        }
        self.out.push('}');
        Ok(())
    }

    fn expr(&mut self, u: &mut Unstructured<'_>, depth: usize) -> Result<()> {
        let choice = u.int_in_range(0..=13u8)?;
        match choice {
            0..=2 => {
                let c = u.int_in_range(0..=4u8)?;
                self.out.push_str(&c.to_string());
            }
            3..=5 if !self.counts.is_empty() => {
                let n = u.choose(&self.counts)?.clone();
                self.out.push_str(&n);
            }
            6 => {
                let c = *u.choose(&["255", "65536", "4294967296", "1099511627776", "9223372036854775807"])?;
                self.out.push_str(c);
            }
            7 => {
                let k = u.int_in_range(0..=8u8)?;
                self.out.push_str(&format!("(filesize - {k})"));
            }
            8 if !self.enums.is_empty() && u.arbitrary()? => {
                let e = u.choose(&self.enums)?.0.clone();
                let m = *u.choose(&["a", "b", "c"])?;
                self.out.push_str(&format!("{e}.{m}"));
            }
            8 => self.out.push_str("sizeof(u32)"),
            9 if !self.texts.is_empty() => {
                let t = u.choose(&self.texts)?.clone();
                let lit = *u.choose(&["\"AB\"", "b\"\\x00\\xff\"", "\"\""])?;
                let form = *u.choose(&["({t} == {lit})", "({t} != {lit})", "({t} in [{lit}, \"x\"])"])?;
                self.out.push_str(&form.replace("{t}", &t).replace("{lit}", lit));
            }
            10 if depth < 3 => {
                self.out.push('(');
                self.expr(u, depth + 1)?;
                self.out.push_str(" ? ");
                self.expr(u, depth + 1)?;
                self.out.push_str(" : ");
                self.expr(u, depth + 1)?;
                self.out.push(')');
            }
            9..=11 if depth < 3 => {
                let op = *u.choose(&["+", "-", "*", "/", "%", "==", "<", "&&", "||", "&", "|", "^", "<<", ">>"])?;
                self.out.push('(');
                self.expr(u, depth + 1)?;
                self.out.push_str(&format!(" {op} "));
                self.expr(u, depth + 1)?;
                self.out.push(')');
            }
            12 => {
                self.out.push_str("~");
                self.expr(u, depth + 1)?;
            }
            _ => self.out.push('1'),
        }
        Ok(())
    }
}
