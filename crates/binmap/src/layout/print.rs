//! A [`Layout`](super::Layout)'s types written back as `.bml` text: what
//! `binmap layout --from-dtype/--from-struct/--from-npy` prints.
//!
//! The text parses back to the same types (tested): byte order is written
//! per scalar (`u16be`; little endian is the default), padding as `_`
//! fields, nested structs inline, the `enum`/`flags` declarations and the
//! recursive `type`s the types use first.

use super::ast::{Dims, Field, Item, StructType, Type};
use super::{BitKind, EnumDef};

/// The items of a struct as `.bml` lines (the top level of a layout).
///
/// ```
/// let l = binmap::Layout::parse("n: u32be\nv: { x: f32, _: bytes[4] }[n]").unwrap();
/// let text = binmap::layout::print::to_bml(&l.root);
/// assert_eq!(text, "n: u32be\nv: { x: f32, _: bytes[4] }[n]\n");
/// ```
pub fn to_bml(st: &StructType) -> String {
    let mut out = String::new();
    let mut decls = Vec::new();
    items_enums(&st.items, &mut decls);
    for d in decls {
        out.push_str(&d);
        out.push('\n');
    }
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
/// The `enum`/`flags` declarations the types of `items` use, each once, in
/// order of first use.
fn items_enums(items: &[Item], out: &mut Vec<String>) {
    for it in items {
        match it {
            Item::Field(f) => type_enums(&f.ty, out),
            Item::If { body, .. } => items_enums(body, out),
            Item::Align { .. } | Item::Let { .. } => {}
        }
    }
}

fn type_enums(ty: &Type, out: &mut Vec<String>) {
    if let Type::Ref(r) = ty
        && let Some(def) = r.definition()
    {
        // A recursive type: what it uses first, then `type Name = ...`.
        type_enums(def, out);
        let text = format!("type {} = {}", r.name, type_text(def));
        if !out.contains(&text) {
            out.push(text);
        }
        return;
    }
    let mut add = |d: &EnumDef, base: String| {
        let members: Vec<String> = d.members.iter().map(|(n, v)| format!("{n} = {v}")).collect();
        let text = format!("{} {}: {base} {{ {} }}", d.keyword(), d.name, members.join(", "));
        if !out.contains(&text) {
            out.push(text);
        }
    };
    match ty {
        Type::Enum(d, base) => add(d, type_text(base)),
        Type::Bits(b) => b.fields.iter().for_each(|f| {
            if let BitKind::Enum(d) = &f.kind {
                add(d, d.base.name().to_string());
            }
        }),
        Type::Struct(st) => items_enums(&st.items, out),
        Type::Array { elem, .. } | Type::Within { inner: elem, .. } => type_enums(elem, out),
        Type::Match(m) => m.types().for_each(|t| type_enums(t, out)),
        _ => {}
    }
}

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
    if let Some(p) = &f.pointer {
        s.push_str(&format!(" @ {}", p.describe()));
    }
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
        // `cstr[n]` is one n-byte field: a one-dimensional array of
        // variable-size cstr is written through a named type.
        Type::Array { elem, dims: Dims::Fixed(ds) } if **elem == Type::Cstr && ds.len() == 1 => {
            format!("{CSTR_ARRAY}{}]", ds[0].describe())
        }
        Type::Array { elem, dims } => format!("{}[{}]", type_text(elem), dims.describe()),
        Type::Within { inner, size, codec: None } => {
            format!("{} within {}", type_text(inner), size.describe_operand())
        }
        Type::Within { inner, size, codec: Some(c) } => {
            format!("{}({}) within {}", c.name(), type_text(inner), size.describe_operand())
        }
        other => other.describe(),
    }
}
