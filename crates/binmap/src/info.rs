//! `info`: the resolved map as a list of fields with offsets, sizes, types
//! and shapes, and how the layout's size compares with the file's.

use std::fmt::Write as _;

use crate::map::{Elems, Map, Node, NodeKind};
use crate::sink::write_json_str;

/// One line of `info`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    /// `records`, `records[*].name` (every element of a uniform array),
    /// `items[0].len` (the first element of a walked array).
    pub path: String,
    pub offset: u64,
    pub size: u64,
    pub ty: String,
    pub shape: Vec<u64>,
}

/// The map summarized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub file: String,
    pub file_size: u64,
    /// End of the last byte the layout names.
    pub layout_end: u64,
    pub fields: Vec<FieldInfo>,
}

impl Info {
    /// Summarize `map`.
    ///
    /// ```
    /// let layout = binmap::Layout::parse("n: u8\nv: u16[n]").unwrap();
    /// let map = binmap::Map::new(&layout, &[2, 1, 0, 2, 0, 9], "x.bin").unwrap();
    /// let info = binmap::info::Info::of(&map);
    /// assert_eq!(info.layout_end, 5);
    /// assert_eq!(info.fields[1].path, "v");
    /// assert_eq!(info.fields[1].shape, [2]);
    /// ```
    pub fn of(map: &Map<'_>) -> Info {
        let mut fields = Vec::new();
        let mut end = 0;
        walk(&map.root, 0, "", &mut fields, &mut end);
        Info { file: map.name().to_string(), file_size: map.data().len() as u64, layout_end: end, fields }
    }

    /// Readable text.
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = self.write_text(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Readable text, written out a block of lines at a time (the text of
    /// a million fields is never held whole).
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut s = String::new();
        let _ = writeln!(s, "file: {} ({} bytes)", self.file, crate::error::grouped(self.file_size));
        let _ = match self.file_size.cmp(&self.layout_end) {
            std::cmp::Ordering::Equal => {
                writeln!(s, "layout: {} bytes, the whole file", crate::error::grouped(self.layout_end))
            }
            std::cmp::Ordering::Greater => writeln!(
                s,
                "layout: {} bytes; {} trailing bytes after it ({:#x}..{:#x}) are not described",
                crate::error::grouped(self.layout_end),
                crate::error::grouped(self.file_size - self.layout_end),
                self.layout_end,
                self.file_size
            ),
            std::cmp::Ordering::Less => {
                writeln!(s, "layout: {} bytes, past the end of the file", crate::error::grouped(self.layout_end))
            }
        };
        // Column widths first, then each line written straight into the
        // text: no string per cell (a layout may have a million fields).
        let shape_text = |f: &FieldInfo, out: &mut String| {
            if !f.shape.is_empty() {
                out.push('[');
                for (k, d) in f.shape.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{d}");
                }
                out.push(']');
            }
        };
        let digits = |v: u64| v.checked_ilog10().map_or(1, |d| d as usize + 1);
        let hex_digits = |v: u64| 2 + v.checked_ilog2().map_or(1, |b| b as usize / 4 + 1);
        let mut w = [6usize, 3, 4, 4, 5];
        let mut shape = String::new();
        for f in &self.fields {
            shape.clear();
            shape_text(f, &mut shape);
            w[0] = w[0].max(digits(f.offset));
            w[1] = w[1].max(hex_digits(f.offset));
            w[2] = w[2].max(digits(f.size));
            w[3] = w[3].max(f.ty.chars().count());
            w[4] = w[4].max(shape.chars().count());
        }
        let mut line = String::new();
        let mut put = |s: &mut String, cells: [&dyn std::fmt::Display; 6]| {
            line.clear();
            let _ = write!(
                line,
                "{:>w0$}  {:>w1$}  {:>w2$}  {:<w3$}  {:<w4$}  {}",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                cells[5],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3],
                w4 = w[4]
            );
            s.push_str(line.trim_end());
            s.push('\n');
        };
        put(&mut s, [&"offset", &"hex", &"size", &"type", &"shape", &"path"]);
        let mut hex = String::new();
        for f in &self.fields {
            shape.clear();
            shape_text(f, &mut shape);
            hex.clear();
            let _ = write!(hex, "{:#x}", f.offset);
            put(&mut s, [&f.offset, &hex, &f.size, &f.ty, &shape, &f.path]);
            if s.len() >= 1 << 16 {
                out.write_all(s.as_bytes())?;
                s.clear();
            }
        }
        out.write_all(s.as_bytes())
    }

    /// JSON.
    pub fn to_json(&self) -> String {
        let mut b = Vec::new();
        b.extend_from_slice(b"{\"file\":");
        write_json_str(&mut b, &self.file);
        b.extend_from_slice(
            format!(
                ",\"file_size\":{},\"layout_size\":{},\"trailing\":{},\"fields\":[",
                self.file_size,
                self.layout_end,
                self.file_size.saturating_sub(self.layout_end)
            )
            .as_bytes(),
        );
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            b.extend_from_slice(b"{\"path\":");
            write_json_str(&mut b, &f.path);
            b.extend_from_slice(format!(",\"offset\":{},\"size\":{},\"type\":", f.offset, f.size).as_bytes());
            write_json_str(&mut b, &f.ty);
            let shape: Vec<String> = f.shape.iter().map(u64::to_string).collect();
            let count: u64 = f.shape.iter().product();
            b.extend_from_slice(
                format!(",\"shape\":[{}],\"count\":{}}}", shape.join(","), if f.shape.is_empty() { 1 } else { count })
                    .as_bytes(),
            );
        }
        b.extend_from_slice(b"]}\n");
        String::from_utf8_lossy(&b).into_owned()
    }
}

fn type_of(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar(s) => s.to_string(),
        NodeKind::Char => "char".into(),
        NodeKind::Text(k) => format!("{}[{}]", k.name(), n.size / k.unit()),
        NodeKind::Cstr => "cstr".into(),
        NodeKind::Struct(_) => "struct".into(),
        NodeKind::Array(a) => match &*a.elem_type {
            crate::layout::Type::Struct(_) => "struct".into(),
            t => t.describe(),
        },
    }
}

fn walk(n: &Node, abs: u64, path: &str, out: &mut Vec<FieldInfo>, end: &mut u64) {
    *end = (*end).max(abs + n.size);
    match &n.kind {
        NodeKind::Struct(ms) => {
            for m in ms {
                let Some(name) = &m.name else { continue };
                let p = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
                let at = abs + m.node.offset;
                out.push(FieldInfo {
                    path: p.clone(),
                    offset: at,
                    size: m.node.size,
                    ty: type_of(&m.node),
                    shape: shape_of(&m.node),
                });
                walk(&m.node, at, &p, out, end);
            }
        }
        NodeKind::Array(a) => {
            let (label, elem) = match &a.elems {
                Elems::Uniform { elem, .. } => (format!("{path}[*]"), Some(elem)),
                Elems::Walked(v) => (format!("{path}[0]"), v.first()),
            };
            if let Some(e) = elem
                && a.count > 0
                && matches!(e.kind, NodeKind::Struct(_))
            {
                let mut inner_end = 0;
                walk(e, abs + a.elem(0).1, &label, out, &mut inner_end);
            }
        }
        _ => {}
    }
}

fn shape_of(n: &Node) -> Vec<u64> {
    match &n.kind {
        NodeKind::Array(a) => a.shape.clone(),
        _ => Vec::new(),
    }
}
