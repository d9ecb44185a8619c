//! `info`: the resolved map as a list of fields with offsets, sizes, types
//! and shapes, and how the layout's size compares with the file's: every
//! range of the file that no field describes is listed ([`crate::coverage`]).

use std::fmt::Write as _;
use std::ops::Range;

use crate::map::{Elems, Map, NamedValue, Node, NodeKind};
use crate::text::escape::write_json_str;

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
    /// The ranges of the file no field describes, in order.
    pub holes: Vec<Range<u64>>,
    pub fields: Vec<FieldInfo>,
    /// The `let` values outside arrays: computed, never stored.
    pub lets: Vec<NamedValue>,
}

impl Info {
    /// Summarize `map`.
    ///
    /// ```
    /// let layout = binmap::Layout::parse("n: u8\nv: u16[n]").unwrap();
    /// let map = binmap::Map::new(&layout, &[2, 1, 0, 2, 0, 9], "x.bin").unwrap();
    /// let info = binmap::info::Info::of(&map);
    /// assert_eq!(info.layout_end, 5);
    /// assert_eq!(info.holes, [5..6]);
    /// assert_eq!(info.fields[1].path, "v");
    /// assert_eq!(info.fields[1].shape, [2]);
    /// ```
    pub fn of(map: &Map<'_>) -> Info {
        let mut fields = Vec::new();
        let end = visit(map, &mut |r: &Row<'_>| {
            fields.push(FieldInfo {
                path: r.path.to_string(),
                offset: r.offset,
                size: r.size,
                ty: r.ty.to_string(),
                shape: r.shape.to_vec(),
            });
        });
        Info {
            file: map.name().to_string(),
            file_size: map.data().len() as u64,
            layout_end: end,
            holes: crate::coverage::undescribed(map),
            fields,
            lets: map.lets.clone(),
        }
    }

    /// Readable text.
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = self.write_text(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Readable text, written out a block of lines at a time.
    pub fn write_text(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let rows = |f: &mut dyn FnMut(&Row<'_>)| {
            for fi in &self.fields {
                f(&Row { path: &fi.path, offset: fi.offset, size: fi.size, ty: &fi.ty, shape: &fi.shape });
            }
        };
        write_table(&self.file, self.file_size, &self.holes, &self.lets, &rows, out)
    }

    /// JSON.
    pub fn to_json(&self) -> String {
        let mut b = Vec::new();
        b.extend_from_slice(b"{\"file\":");
        write_json_str(&mut b, &self.file);
        b.extend_from_slice(
            format!(
                ",\"file_size\":{},\"layout_size\":{},\"trailing\":{},\"described\":{},\"holes\":[",
                self.file_size,
                self.layout_end,
                self.file_size.saturating_sub(self.layout_end),
                self.file_size - crate::coverage::total(&self.holes),
            )
            .as_bytes(),
        );
        for (i, h) in self.holes.iter().enumerate() {
            let sep = if i > 0 { "," } else { "" };
            b.extend_from_slice(format!("{sep}{{\"offset\":{},\"size\":{}}}", h.start, h.end - h.start).as_bytes());
        }
        b.extend_from_slice(b"],\"fields\":[");
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
        b.extend_from_slice(b"],\"lets\":[");
        for (i, l) in self.lets.iter().enumerate() {
            b.extend_from_slice(if i > 0 { b",{\"path\":" } else { b"{\"path\":" });
            write_json_str(&mut b, &l.path);
            b.extend_from_slice(format!(",\"value\":{},\"expr\":", l.value).as_bytes());
            write_json_str(&mut b, &l.expr);
            b.push(b'}');
        }
        b.extend_from_slice(b"]}\n");
        String::from_utf8_lossy(&b).into_owned()
    }
}

/// One line of `info`, borrowed while the map is walked.
pub struct Row<'a> {
    pub path: &'a str,
    pub offset: u64,
    pub size: u64,
    pub ty: &'a str,
    pub shape: &'a [u64],
}

/// Write `info`'s text for `map` straight from the map, without building
/// an [`Info`]: the map is walked twice (column widths, then lines), so a
/// layout of a million fields costs no string per field.
///
/// ```
/// let layout = binmap::Layout::parse("n: u8\nv: u16[n]").unwrap();
/// let map = binmap::Map::new(&layout, &[2, 1, 0, 2, 0], "x.bin").unwrap();
/// let mut out = Vec::new();
/// binmap::info::write_text_of(&map, &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), binmap::info::Info::of(&map).to_text());
/// ```
pub fn write_text_of(map: &Map<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rows = |f: &mut dyn FnMut(&Row<'_>)| {
        visit(map, f);
    };
    write_table(map.name(), map.data().len() as u64, &crate::coverage::undescribed(map), &map.lets, &rows, out)
}

/// Calls its argument with every row, in order.
type EachRow<'a> = dyn Fn(&mut dyn FnMut(&Row<'_>)) + 'a;

/// The text of `info`: a header, then the rows `rows` calls its argument
/// with (twice: once for the column widths, once to write them).
fn write_table(
    file: &str,
    file_size: u64,
    holes: &[Range<u64>],
    lets: &[NamedValue],
    rows: &EachRow<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut s = String::new();
    let grouped = crate::error::grouped;
    let _ = writeln!(s, "file: {} ({} bytes)", file, grouped(file_size));
    let missing = crate::coverage::total(holes);
    if missing == 0 {
        let _ = writeln!(s, "layout: {} bytes, the whole file", grouped(file_size));
    } else {
        let _ = writeln!(
            s,
            "layout: describes {} of the {} bytes; {} bytes are not described:",
            grouped(file_size - missing),
            grouped(file_size),
            grouped(missing)
        );
        for h in holes {
            let at_end = if h.end == file_size { ", at the end of the file" } else { "" };
            let _ = writeln!(s, "  {}{at_end}", crate::coverage::describe_range(h));
        }
    }
    let shape_text = |shape: &[u64], out: &mut String| {
        if !shape.is_empty() {
            out.push('[');
            for (k, d) in shape.iter().enumerate() {
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
    // Column widths first, then each line written straight into the text.
    let mut w = [6usize, 3, 4, 4, 5];
    let mut shape = String::new();
    rows(&mut |r: &Row<'_>| {
        shape.clear();
        shape_text(r.shape, &mut shape);
        w[0] = w[0].max(digits(r.offset));
        w[1] = w[1].max(hex_digits(r.offset));
        w[2] = w[2].max(digits(r.size));
        w[3] = w[3].max(r.ty.chars().count());
        w[4] = w[4].max(shape.chars().count());
    });
    let mut line = String::new();
    let put = |s: &mut String, line: &mut String, cells: [&dyn std::fmt::Display; 6]| {
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
    put(&mut s, &mut line, [&"offset", &"hex", &"size", &"type", &"shape", &"path"]);
    let (mut hex, mut result) = (String::new(), Ok(()));
    rows(&mut |r: &Row<'_>| {
        shape.clear();
        shape_text(r.shape, &mut shape);
        hex.clear();
        let _ = write!(hex, "{:#x}", r.offset);
        put(&mut s, &mut line, [&r.offset, &hex, &r.size, &r.ty, &shape, &r.path]);
        if s.len() >= 1 << 16 && result.is_ok() {
            result = out.write_all(s.as_bytes());
            s.clear();
        }
    });
    result?;
    if !lets.is_empty() {
        s.push_str("named values (let: computed, not stored in the file):\n");
        for l in lets {
            let _ = writeln!(s, "  {} = {}  ({})", l.path, l.value, l.expr);
        }
    }
    out.write_all(s.as_bytes())
}

/// Call `f` with every field of `map` in order; returns the end of the
/// last byte the layout names.
fn visit(map: &Map<'_>, f: &mut dyn FnMut(&Row<'_>)) -> u64 {
    let mut end = 0;
    let (mut path, mut ty) = (String::new(), String::new());
    walk(&map.root, 0, &mut path, &mut ty, f, &mut end);
    end
}

/// The type of `n` as `info` names it, into `out`.
fn type_of(n: &Node, out: &mut String) {
    out.clear();
    let _ = match &n.kind {
        NodeKind::Scalar(s) => write!(out, "{s}"),
        NodeKind::Enum(s, def) => write!(out, "{} {} ({s})", def.keyword(), def.name),
        NodeKind::Bits(b) => write!(out, "{}", b.describe()),
        NodeKind::Char => write!(out, "char"),
        NodeKind::Text(k, _) => write!(out, "{}[{}]", k.name(), n.size / k.unit()),
        NodeKind::Cstr => write!(out, "cstr"),
        // A `bits` container: every member is one of its bit fields.
        NodeKind::Struct(ms) if let Some(NodeKind::Bits(b)) = ms.first().map(|m| &m.node.kind) => {
            write!(out, "bits {}", b.container)
        }
        NodeKind::Struct(_) => write!(out, "struct"),
        NodeKind::Array(a) => match &*a.elem_type {
            crate::layout::Type::Struct(_) => write!(out, "struct"),
            t => write!(out, "{}", t.describe()),
        },
    };
}

fn walk(n: &Node, abs: u64, path: &mut String, ty: &mut String, f: &mut dyn FnMut(&Row<'_>), end: &mut u64) {
    *end = (*end).max(abs + n.size);
    let base = path.len();
    match &n.kind {
        NodeKind::Struct(ms) => {
            for m in ms {
                let Some(name) = &m.name else { continue };
                if base > 0 {
                    path.push('.');
                }
                path.push_str(name);
                let at = m.abs(abs);
                type_of(&m.node, ty);
                f(&Row { path, offset: at, size: m.node.size, ty, shape: shape_of(&m.node) });
                walk(&m.node, at, path, ty, f, end);
                path.truncate(base);
            }
        }
        NodeKind::Array(a) => {
            let elem = match &a.elems {
                Elems::Uniform { elem, .. } => {
                    path.push_str("[*]");
                    Some(elem)
                }
                Elems::Walked(v) => {
                    path.push_str("[0]");
                    v.first()
                }
            };
            if let Some(e) = elem
                && a.count > 0
                && matches!(e.kind, NodeKind::Struct(_))
            {
                let mut inner_end = 0;
                walk(e, abs + a.elem(0).1, path, ty, f, &mut inner_end);
            }
            path.truncate(base);
        }
        _ => {}
    }
}

fn shape_of(n: &Node) -> &[u64] {
    match &n.kind {
        NodeKind::Array(a) => &a.shape,
        _ => &[],
    }
}
