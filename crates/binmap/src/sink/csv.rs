//! CSV: one line per row with a header of flattened column names
//! (`coords.x`, `v[0]`, `m[0,1]`), or a 2-D numeric array as a bare matrix.
//!
//! Columns are worked out once from the element's shape; when elements are
//! of uniform shape every row is then a list of fixed offsets, decoded and
//! formatted straight into the output buffer. Quoting follows RFC 4180
//! (a field with a comma, quote or line break is quoted, quotes doubled);
//! hand-written because cells are formatted in place, with no per-field
//! allocation.

use std::io::Write;

use super::{decode_leaf, flush, is_leaf, leaf, maybe_flush, write_text};
use crate::error::{Error, Result};
use crate::map::{Elems, Node, NodeKind};
use crate::select::{RowSet, Seg, View};

/// The most columns a single-row CSV may have before binmap asks for a path.
pub(crate) const MAX_COLUMNS: u64 = 100_000;

/// Number of leaves under a node (saturating).
pub(crate) fn leaf_count(node: &Node) -> u64 {
    match &node.kind {
        NodeKind::Struct(ms) => {
            ms.iter().filter(|m| m.name.is_some()).fold(0u64, |a, m| a.saturating_add(leaf_count(&m.node)))
        }
        NodeKind::Array(a) => match &a.elems {
            Elems::Uniform { elem, .. } => a.count.saturating_mul(leaf_count(elem)),
            Elems::Walked(v) => v.iter().fold(0u64, |acc, e| acc.saturating_add(leaf_count(e))),
        },
        _ => 1,
    }
}

/// One CSV column: a leaf and its offset (from the start of the file, or
/// of the element the columns were planned from).
#[derive(Clone, Debug)]
pub struct Column<'m> {
    pub name: String,
    pub rel: u64,
    pub node: &'m Node,
}

/// The leaf columns of a node at `rel`, named under `prefix`. A field read
/// elsewhere (`name: T @ EXPR`) is at its absolute offset: `rel` must then
/// be the node's absolute offset too.
pub fn columns<'m>(node: &'m Node, prefix: &str, rel: u64, out: &mut Vec<Column<'m>>) {
    match &node.kind {
        NodeKind::Struct(ms) => {
            for m in ms {
                let Some(name) = &m.name else { continue };
                let p = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
                columns(&m.node, &p, m.abs(rel), out);
            }
        }
        NodeKind::Array(a) => {
            for i in 0..a.count {
                let (e, off) = a.elem(i);
                columns(e, &format!("{prefix}[{}]", index_text(&a.shape, i)), rel + off, out);
            }
        }
        _ => out.push(Column { name: prefix.to_string(), rel, node }),
    }
}

/// `i` as a (multi-)index over `shape`: `3` or `1,2`.
fn index_text(shape: &[u64], mut i: u64) -> String {
    let mut parts = vec![0u64; shape.len()];
    for (k, d) in shape.iter().enumerate().rev() {
        if *d > 0 {
            parts[k] = i % d;
            i /= d;
        }
    }
    parts.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

/// End a CSV line. A line of one empty field is written `""`: an empty line
/// would be skipped by CSV readers, and the row lost.
fn end_line(buf: &mut Vec<u8>, line_start: usize) {
    if buf.len() == line_start {
        buf.extend_from_slice(b"\"\"");
    }
    buf.push(b'\n');
}

/// Append one record: the leaves at `base + rel`, comma-separated, then the line end.
///
/// The hot loop of CSV output: the record's bytes are bounds-checked once,
/// numbers are never scanned for quoting, and only a value that fails to
/// decode goes back through [`leaf`] for its full error.
fn write_record(buf: &mut Vec<u8>, data: &[u8], base: u64, cells: &[(u64, &Node)]) -> Result<()> {
    let end = cells.iter().map(|(rel, n)| rel + n.size).max().unwrap_or(0);
    let record = crate::map::slice(data, base, end);
    let line_start = buf.len();
    for (k, &(rel, node)) in cells.iter().enumerate() {
        if k > 0 {
            buf.push(b',');
        }
        let start = buf.len();
        let bytes = record.get(rel as usize..(rel + node.size) as usize).unwrap_or_default();
        match decode_leaf(bytes, &node.kind) {
            Ok(v) if bytes.len() as u64 == node.size => write_text(buf, &v),
            _ => return leaf(data, View { node, abs: base + rel }).map(|_| ()),
        }
        if !matches!(node.kind, NodeKind::Scalar(_)) {
            push_field(buf, start);
        }
    }
    end_line(buf, line_start);
    Ok(())
}

/// Append one CSV field, quoted when it must be.
pub(crate) fn push_field(out: &mut Vec<u8>, start: usize) {
    let needs = out[start..].iter().any(|&c| matches!(c, b',' | b'"' | b'\n' | b'\r'));
    if needs {
        let cell: Vec<u8> = out.drain(start..).collect();
        out.push(b'"');
        for c in cell {
            if c == b'"' {
                out.push(b'"');
            }
            out.push(c);
        }
        out.push(b'"');
    }
}

/// Write `rows` as CSV. `name` heads a column of scalars (`value` for `records.value`).
pub fn write_rows(data: &[u8], rows: &RowSet<'_>, out: &mut dyn Write) -> Result<()> {
    let mut buf = Vec::with_capacity(super::FLUSH_AT + 4096);
    let shape = rows.shape();
    let matrix = shape.len() == 2;
    let row_len = rows.row_len();
    let default_name = match rows.path.iter().rev().find_map(|s| if let Seg::Field(n) = s { Some(n) } else { None }) {
        Some(n) => n.to_string(),
        None => "value".to_string(),
    };
    // The element shape that fixes the columns: the uniform template.
    let template = rows.template();
    if let Some(t) = template {
        let per_row = leaf_count(t).saturating_mul(row_len);
        if per_row > MAX_COLUMNS {
            return Err(Error::usage(format!(
                "each CSV row would have {per_row} columns; select a field with a path (like records.value) or use json"
            )));
        }
    }
    let leaf_elems = template.map_or_else(
        || rows.rows.start < rows.rows.end && rows.elem(rows.rows.start * row_len).is_ok_and(|v| is_leaf(&v.node.kind)),
        |t| is_leaf(&t.kind),
    );
    if matrix && leaf_elems {
        // A 2-D numeric array: a bare matrix, like numpy.savetxt(delimiter=',').
        rows.each_row(rows.rows.clone(), |r| {
            let line_start = buf.len();
            for j in 0..row_len {
                if j > 0 {
                    buf.push(b',');
                }
                let v = rows.elem(r * row_len + j)?;
                let start = buf.len();
                write_text(&mut buf, &leaf(data, v)?);
                push_field(&mut buf, start);
            }
            end_line(&mut buf, line_start);
            maybe_flush(&mut buf, out)
        })?;
        return flush(&mut buf, out);
    }
    let row_columns = |r: u64| -> Result<Vec<Column<'_>>> {
        let mut cols = Vec::new();
        for j in 0..row_len {
            let v = rows.elem(r * row_len + j)?;
            let prefix = if shape.len() > 1 { format!("[{}]", index_text(&shape[1..], j)) } else { String::new() };
            let start = cols.len();
            columns(v.node, &prefix, v.abs, &mut cols);
            if is_leaf(&v.node.kind) && shape.len() <= 1 {
                cols[start].name = default_name.clone();
            }
        }
        Ok(cols)
    };
    let Some(first_row) = (rows.rows.start < rows.rows.end).then_some(rows.rows.start) else {
        // No rows: the header alone, from the template when there is one.
        if let Some(t) = template {
            let mut cols = Vec::new();
            columns(t, "", 0, &mut cols);
            if is_leaf(&t.kind) {
                cols[0].name = default_name;
            }
            write_header(&mut buf, &cols);
        }
        return flush(&mut buf, out);
    };
    let first = row_columns(first_row)?;
    write_header(&mut buf, &first);
    if let (Some(_), Some(first_abs)) = (template, rows.row_start(first_row)) {
        // Uniform rows: fixed offsets relative to the row's first element.
        let rels: Vec<(u64, &Node)> = first.iter().map(|c| (c.rel - first_abs, c.node)).collect();
        flush(&mut buf, out)?;
        return super::write_chunks(rows.rows.clone(), out, |range, buf| {
            rows.each_row(range, |r| write_record(buf, data, rows.row_start(r).unwrap_or_default(), &rels))
        });
    }
    rows.each_row(rows.rows.clone(), |r| {
        let cols = if r == first_row { first.clone() } else { row_columns(r)? };
        if cols.len() != first.len() || cols.iter().zip(&first).any(|(a, b)| a.name != b.name) {
            return Err(Error::usage(format!(
                "row {r} has different columns from row {first_row} (variable-size elements); CSV needs one shape per row: use --format json or jsonl"
            )));
        }
        write_record(&mut buf, data, 0, &cols.iter().map(|c| (c.rel, c.node)).collect::<Vec<_>>())?;
        maybe_flush(&mut buf, out)
    })?;
    flush(&mut buf, out)
}

/// Write nodes (structs or scalars), each called by its name (its path),
/// as a header and one row; with several, each one's columns are named
/// under its path (`records[0].name`).
pub fn write_one(data: &[u8], views: &[(&str, View<'_>)], out: &mut dyn Write) -> Result<()> {
    let leaves = views.iter().fold(0u64, |a, (_, v)| a.saturating_add(leaf_count(v.node)));
    if leaves > MAX_COLUMNS {
        return Err(Error::usage(format!(
            "as one CSV row this would have {leaves} columns; select an array with a path (like `records`) to get one row per element"
        )));
    }
    let mut cols = Vec::new();
    for (name, v) in views {
        let start = cols.len();
        columns(v.node, if views.len() > 1 { name } else { "" }, v.abs, &mut cols);
        if is_leaf(&v.node.kind) {
            cols[start].name = name.to_string();
        }
    }
    let mut buf = Vec::new();
    write_header(&mut buf, &cols);
    write_record(&mut buf, data, 0, &cols.iter().map(|c| (c.rel, c.node)).collect::<Vec<_>>())?;
    flush(&mut buf, out)
}

fn write_header(buf: &mut Vec<u8>, cols: &[Column<'_>]) {
    for (k, c) in cols.iter().enumerate() {
        if k > 0 {
            buf.push(b',');
        }
        let start = buf.len();
        buf.extend_from_slice(c.name.as_bytes());
        push_field(buf, start);
    }
    buf.push(b'\n');
}
