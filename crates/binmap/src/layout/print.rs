//! A [`Layout`](super::Layout)'s types written back as `.bml` text: what
//! `binmap layout --from-dtype/--from-struct/--from-npy` prints.
//!
//! The text parses back to the same types (tested): byte order is written
//! per scalar (`u16be`; little endian is the default), padding as `_`
//! fields, nested structs inline.

use super::ast::{Dims, Field, Item, StructType, Type};

/// The items of a struct as `.bml` lines (the top level of a layout).
///
/// ```
/// let l = binmap::Layout::parse("n: u32be\nv: { x: f32, _: bytes[4] }[n]").unwrap();
/// let text = binmap::layout::print::to_bml(&l.root);
/// assert_eq!(text, "n: u32be\nv: { x: f32, _: bytes[4] }[n]\n");
/// ```
pub fn to_bml(st: &StructType) -> String {
    let mut out = String::new();
    for item in &st.items {
        out.push_str(&item_text(item));
        out.push('\n');
    }
    // `cstr[n]` is one n-byte field: a one-dimensional array of
    // variable-size cstr is written through a named type.
    if out.contains(CSTR_ARRAY) {
        out.insert_str(0, "type cstr_ = cstr\n");
    }
    out
}

/// The named type of a one-dimensional array of `cstr` (`cstr_[n]`).
const CSTR_ARRAY: &str = "cstr_[";

fn item_text(item: &Item) -> String {
    match item {
        Item::Field(f) => field_text(f),
        Item::Align { to, .. } => format!("align {to}"),
        Item::If { cond, body } => {
            let inner: Vec<String> = body.iter().map(item_text).collect();
            format!("if {} {{ {} }}", cond.describe(), inner.join(", "))
        }
        Item::Let { name, value, .. } => format!("let {name} = {}", value.describe()),
    }
}

fn field_text(f: &Field) -> String {
    let mut s = String::new();
    if let Some(p) = &f.placement {
        s.push_str(&format!("@ {} ", p.describe()));
    }
    match f.name.as_deref() {
        None => s.push('_'),
        Some(n) if super::lex::is_ident(n) => s.push_str(n),
        Some(n) => s.push_str(&format!("\"{}\"", n.replace('\\', "\\\\").replace('"', "\\\""))),
    }
    s.push_str(": ");
    s.push_str(&type_text(&f.ty));
    if let Some(lit) = &f.check {
        s.push_str(&format!(" == {lit}"));
    }
    if let Some(c) = &f.constraint {
        s.push(' ');
        s.push_str(&c.describe());
    }
    s
}

/// One type as `.bml` text.
pub fn type_text(ty: &Type) -> String {
    match ty {
        Type::Scalar(s) => s.to_string(),
        Type::Struct(st) => {
            let inner: Vec<String> = st.items.iter().map(item_text).collect();
            if inner.is_empty() { "{}".into() } else { format!("{{ {} }}", inner.join(", ")) }
        }
        Type::Array { elem, dims } => {
            let d = match dims {
                Dims::ToEnd => "..".to_string(),
                Dims::Fixed(ds) => ds.iter().map(|e| e.describe()).collect::<Vec<_>>().join(", "),
                Dims::Fortran(ds) => {
                    format!("{}; fortran", ds.iter().map(|e| e.describe()).collect::<Vec<_>>().join(", "))
                }
            };
            let one_dim = matches!(dims, Dims::Fixed(ds) if ds.len() == 1);
            if **elem == Type::Cstr && one_dim {
                return format!("{CSTR_ARRAY}{d}]");
            }
            format!("{}[{d}]", type_text(elem))
        }
        other => other.describe(),
    }
}
