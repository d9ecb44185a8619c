//! Rendering: a draft as `.bml` text with a comment on every field, as the
//! same text with the evidence (`--explain`), and as JSON (`-f json`).
//!
//! The text is always a layout binmap parses: comments start with `#`, a
//! record type is written one field a line, and byte orders are spelled
//! per field only where they differ from the `endian` line.

use super::{Draft, Field, Kind, Part};
use crate::layout::Endian;
use crate::text::escape::write_json_str;

/// Comments start at this column at most (longer code pushes them right).
const COMMENT_COLUMN: usize = 28;

/// The layout text of `d`, with the evidence when `explain`.
pub fn layout(d: &Draft, explain: bool) -> String {
    let mut out = String::new();
    for line in &d.head {
        out.push_str(&format!("# {line}\n"));
    }
    if explain && !d.evidence.is_empty() {
        out.push_str("# evidence:\n");
        for e in &d.evidence {
            out.push_str(&format!("#   {e}\n"));
        }
    }
    let mut block = Block::default();
    if d.parts.iter().any(|p| !matches!(p, Part::Raw { .. } | Part::Verbatim { .. })) {
        block.line(format!("endian {}", if d.endian == Endian::Big { "big" } else { "little" }), "", &[]);
    }
    for part in &d.parts {
        match part {
            Part::Field(f) => block.field(f, d.endian, "", explain),
            Part::Text { name, len, utf8, why, .. } => {
                let ty = if *utf8 { "utf8" } else { "bytes" };
                block.line(format!("{name}: {ty}[{len}]"), why, &[]);
            }
            Part::Records { name, fields, dims, why, evidence, .. } => {
                if let [f] = &fields[..]
                    && matches!(f.kind, Kind::Num(_))
                {
                    let why = format!("{why}; {}", f.why);
                    let mut ev = evidence.clone();
                    ev.extend(f.evidence.iter().cloned());
                    let ev = if explain { &ev[..] } else { &[] };
                    block.line(format!("{name}: {}[{dims}]", type_text(f.kind, d.endian)), &why, ev);
                    continue;
                }
                out.push_str(&block.take());
                block.line("type Record = {".into(), "", &[]);
                out.push_str(&block.take());
                for f in fields {
                    block.field(f, d.endian, "    ", explain);
                }
                out.push_str(&block.take());
                block.line("}".into(), "", &[]);
                block.line(format!("{name}: Record[{dims}]"), why, if explain { evidence } else { &[] });
            }
            Part::Raw { why } => block.line("data: bytes[filesize]".into(), why, &[]),
            Part::Verbatim { text, .. } => {
                out.push_str(&block.take());
                out.push_str(text);
            }
        }
    }
    out.push_str(&block.take());
    out
}

/// Lines whose comments align with each other.
#[derive(Default)]
struct Block {
    lines: Vec<(String, String, Vec<String>)>,
}

impl Block {
    fn line(&mut self, code: String, why: &str, evidence: &[String]) {
        self.lines.push((code, why.to_string(), evidence.to_vec()));
    }

    fn field(&mut self, f: &Field, endian: Endian, indent: &str, explain: bool) {
        let mut code = format!("{indent}{}: {}", f.name, type_text(f.kind, endian));
        if let Some(c) = &f.check {
            code.push_str(&format!(" == {c}"));
        }
        self.line(code, &f.why, if explain { &f.evidence } else { &[] });
    }

    fn take(&mut self) -> String {
        let width = self.lines.iter().map(|l| l.0.chars().count()).max().unwrap_or(0).min(COMMENT_COLUMN);
        let mut out = String::new();
        for (code, why, evidence) in self.lines.drain(..) {
            let indent: String = code.chars().take_while(|c| *c == ' ').collect();
            for e in &evidence {
                out.push_str(&format!("{indent}#   {}\n", one_line(e)));
            }
            if why.is_empty() {
                out.push_str(&format!("{code}\n"));
            } else {
                out.push_str(&format!("{code:width$}  # {}\n", one_line(&why)));
            }
        }
        out
    }
}

/// Comments stay on their line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A field's type: the scalar's name with a byte order suffix only where it
/// differs from `endian`; `bytes[N]` for text.
pub fn type_text(kind: Kind, endian: Endian) -> String {
    match kind {
        Kind::Num(s) if s.kind.size() > 1 && s.endian != endian => {
            format!("{}{}", s.kind.name(), if s.endian == Endian::Big { "be" } else { "le" })
        }
        Kind::Num(s) => s.kind.name().to_string(),
        Kind::Text(n) => format!("bytes[{n}]"),
    }
}

/// One field of the draft, for programs.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// `count`, `records[*].time`, `text`.
    pub path: String,
    /// In the first file.
    pub offset: u64,
    /// Bytes between records, for record fields.
    pub stride: Option<u64>,
    pub size: u64,
    pub ty: String,
    pub endian: Option<Endian>,
    pub check: Option<String>,
    pub why: String,
    pub evidence: Vec<String>,
}

/// Every field of `d` as a [`Report`].
pub fn reports(d: &Draft) -> Vec<Report> {
    let mut out = Vec::new();
    let report = |path: String, f: &Field, base: u64, stride: Option<u64>| Report {
        path,
        offset: base + f.offset,
        stride,
        size: f.kind.size(),
        ty: type_text(f.kind, endian_of(f.kind).unwrap_or(Endian::Little)),
        endian: endian_of(f.kind),
        check: f.check.clone(),
        why: f.why.clone(),
        evidence: f.evidence.clone(),
    };
    for part in &d.parts {
        match part {
            Part::Field(f) => out.push(report(f.name.clone(), f, 0, None)),
            Part::Text { name, utf8, at, size, why, .. } => out.push(Report {
                path: name.clone(),
                offset: *at,
                stride: None,
                size: *size,
                ty: if *utf8 { "utf8".into() } else { "bytes".into() },
                endian: None,
                check: None,
                why: why.clone(),
                evidence: Vec::new(),
            }),
            Part::Records { name, fields, size, at, .. } => {
                for f in fields {
                    let path = if fields.len() == 1 { name.clone() } else { format!("{name}[*].{}", f.name) };
                    out.push(report(path, f, *at, Some(*size)));
                }
            }
            Part::Verbatim { fields, .. } => out.extend(fields.iter().cloned()),
            Part::Raw { why } => out.push(Report {
                path: "data".into(),
                offset: 0,
                stride: None,
                size: d.files.first().map_or(0, |f| f.1),
                ty: "bytes".into(),
                endian: None,
                check: None,
                why: why.clone(),
                evidence: Vec::new(),
            }),
        }
    }
    out
}

fn endian_of(kind: Kind) -> Option<Endian> {
    match kind {
        Kind::Num(s) if s.kind.size() > 1 => Some(s.endian),
        _ => None,
    }
}

/// The draft as one JSON document: files, confidence, summary, the layout
/// text, every field with its reasons, and the evidence.
pub fn json(d: &Draft) -> String {
    let mut b = Vec::new();
    b.extend_from_slice(b"{\"files\":[");
    for (i, (name, size)) in d.files.iter().enumerate() {
        b.extend_from_slice(if i > 0 { b",{\"name\":" } else { b"{\"name\":" });
        write_json_str(&mut b, name);
        b.extend_from_slice(format!(",\"size\":{size}}}").as_bytes());
    }
    b.extend_from_slice(b"],\"confidence\":");
    write_json_str(&mut b, d.confidence.as_str());
    b.extend_from_slice(b",\"summary\":");
    write_json_str(&mut b, &d.summary);
    b.extend_from_slice(b",\"layout\":");
    write_json_str(&mut b, &layout(d, false));
    b.extend_from_slice(b",\"fields\":[");
    for (i, r) in reports(d).iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        b.extend_from_slice(b"{\"path\":");
        write_json_str(&mut b, &r.path);
        b.extend_from_slice(format!(",\"offset\":{},\"stride\":", r.offset).as_bytes());
        b.extend_from_slice(r.stride.map_or("null".into(), |s| s.to_string()).as_bytes());
        b.extend_from_slice(format!(",\"size\":{},\"type\":", r.size).as_bytes());
        write_json_str(&mut b, &r.ty);
        b.extend_from_slice(b",\"endian\":");
        match r.endian {
            Some(e) => write_json_str(&mut b, if e == Endian::Big { "big" } else { "little" }),
            None => b.extend_from_slice(b"null"),
        }
        b.extend_from_slice(b",\"check\":");
        match &r.check {
            Some(c) => write_json_str(&mut b, c),
            None => b.extend_from_slice(b"null"),
        }
        b.extend_from_slice(b",\"why\":");
        write_json_str(&mut b, &r.why);
        b.extend_from_slice(b",\"evidence\":");
        strings(&mut b, &r.evidence);
        b.push(b'}');
    }
    b.extend_from_slice(b"],\"evidence\":");
    strings(&mut b, &d.evidence);
    b.extend_from_slice(b"}\n");
    String::from_utf8_lossy(&b).into_owned()
}

fn strings(b: &mut Vec<u8>, list: &[String]) {
    b.push(b'[');
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        write_json_str(b, s);
    }
    b.push(b']');
}
