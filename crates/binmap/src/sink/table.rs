//! Human-readable output: scalars as `name: value`, arrays as aligned
//! tables in the style of a pandas DataFrame, with the middle of long arrays
//! elided the way numpy does (more than 1000 rows: the first and last 3).
//!
//! For reading, not for reading back: control characters in text are shown
//! escaped (`\n`) so a row stays on one line.

use std::io::Write;

use super::csv::{Column, columns};
use super::{flush, is_leaf, leaf, write_text};
use crate::error::Result;
use crate::map::{Map, NodeKind};
use crate::select::{RowSet, Rows, Selection, View};

/// Arrays longer than this are elided (numpy's `threshold`).
pub const THRESHOLD: u64 = 1000;
/// Rows shown at each end of an elided array (numpy's `edgeitems`).
pub const EDGE_ITEMS: u64 = 3;

/// Print a whole selection as readable text.
pub fn write_selection(
    map: &Map<'_>,
    sel: &Selection<'_>,
    path: &[crate::select::Seg],
    name: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let mut buf = Vec::new();
    match sel {
        Selection::One(v) if !matches!(v.node.kind, NodeKind::Array(_)) => node_lines(map, *v, name, &mut buf)?,
        _ => {
            if let Some(rows) = sel.rows(Rows::default(), path)? {
                table(map.data(), &rows, &mut buf)?;
            }
        }
    }
    flush(&mut buf, out)
}

/// Print `rows` (already limited by `--rows`) as a table.
pub fn write_rows(map: &Map<'_>, rows: &RowSet<'_>, out: &mut dyn Write) -> Result<()> {
    let mut buf = Vec::new();
    table(map.data(), rows, &mut buf)?;
    flush(&mut buf, out)
}

fn node_lines(map: &Map<'_>, v: View<'_>, name: &str, buf: &mut Vec<u8>) -> Result<()> {
    match &v.node.kind {
        NodeKind::Struct(ms) => {
            for m in ms {
                let Some(n) = &m.name else { continue };
                let full = if name.is_empty() { n.to_string() } else { format!("{name}.{n}") };
                node_lines(map, View { node: &m.node, abs: m.abs(v.abs) }, &full, buf)?;
            }
        }
        NodeKind::Array(a) => {
            let dims: Vec<String> = a.shape.iter().map(u64::to_string).collect();
            buf.extend_from_slice(format!("{name}: {}[{}]\n", a.elem_type.describe(), dims.join(", ")).as_bytes());
            let rows = RowSet::new(
                a,
                v.abs,
                0..a.shape.first().copied().unwrap_or(0),
                vec![crate::select::Seg::Field(name.rsplit('.').next().unwrap_or(name).into())],
            );
            table(map.data(), &rows, buf)?;
        }
        _ => {
            buf.extend_from_slice(name.as_bytes());
            buf.extend_from_slice(b": ");
            cell(map.data(), v, buf)?;
            buf.push(b'\n');
        }
    }
    Ok(())
}

fn cell(data: &[u8], v: View<'_>, buf: &mut Vec<u8>) -> Result<()> {
    let start = buf.len();
    write_text(buf, &leaf(data, v)?);
    if buf[start..].iter().any(|c| c.is_ascii_control()) {
        let text: Vec<u8> = buf.drain(start..).collect();
        for c in text {
            match c {
                b'\n' => buf.extend_from_slice(b"\\n"),
                b'\r' => buf.extend_from_slice(b"\\r"),
                b'\t' => buf.extend_from_slice(b"\\t"),
                c if c.is_ascii_control() => buf.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
                c => buf.push(c),
            }
        }
    }
    Ok(())
}

/// The rows to show: all, or the first and last [`EDGE_ITEMS`] with a gap.
fn shown(range: std::ops::Range<u64>) -> Vec<Option<u64>> {
    if range.end - range.start <= THRESHOLD {
        return range.map(Some).collect();
    }
    let mut v: Vec<Option<u64>> = (range.start..range.start + EDGE_ITEMS).map(Some).collect();
    v.push(None);
    v.extend((range.end - EDGE_ITEMS..range.end).map(Some));
    v
}

/// The rows of `rows` to show: as [`shown`], counting only the rows that
/// pass its filter (constant memory: the first rows and the last few).
fn shown_rows(rows: &RowSet<'_>) -> Result<Vec<Option<u64>>> {
    if !rows.is_filtered() {
        return Ok(shown(rows.rows.clone()));
    }
    let (mut head, mut tail, mut count) = (Vec::new(), std::collections::VecDeque::new(), 0u64);
    rows.each_row(rows.rows.clone(), |r| {
        count += 1;
        if count <= THRESHOLD {
            head.push(Some(r));
        }
        tail.push_back(Some(r));
        if tail.len() > EDGE_ITEMS as usize {
            tail.pop_front();
        }
        Ok(())
    })?;
    if count > THRESHOLD {
        head.truncate(EDGE_ITEMS as usize);
        head.push(None);
        head.extend(tail);
    }
    Ok(head)
}

/// A table row: its index, and its cells as (column, text).
type Row = (u64, Vec<(usize, String)>);

fn table(data: &[u8], rows: &RowSet<'_>, buf: &mut Vec<u8>) -> Result<()> {
    let row_len = rows.row_len();
    if rows.rows.start < rows.rows.end {
        let per_row = super::csv::leaf_count(rows.elem(rows.rows.start * row_len)?.node).saturating_mul(row_len);
        if per_row > super::csv::MAX_COLUMNS {
            return Err(crate::Error::usage(format!(
                "each table row would have {per_row} columns; select a field with a path, or use --format json"
            )));
        }
    }
    let multi = rows.shape().len() > 1;
    // The header is the union of the rows' columns in order of first
    // appearance: rows of different shapes (match arms) put each value
    // under its own name and leave the other columns blank.
    let mut header: Vec<String> = Vec::new();
    let mut right: Vec<bool> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    // `None`: the "..." row between the head and the tail.
    let mut body: Vec<Option<Row>> = Vec::new();
    for r in shown_rows(rows)? {
        let Some(r) = r else {
            body.push(None);
            continue;
        };
        let mut cols: Vec<Column<'_>> = Vec::new();
        let inner = shown(0..row_len);
        for j in inner.iter() {
            let Some(j) = *j else {
                continue;
            };
            let v = rows.elem(r * row_len + j)?;
            let prefix = if multi { format!("{j}") } else { String::new() };
            let start = cols.len();
            columns(v.node, &prefix, v.abs, &mut cols);
            if is_leaf(&v.node.kind) && !multi {
                cols[start].name = leaf_column_name(rows);
            }
        }
        let mut cells = Vec::with_capacity(cols.len());
        for c in &cols {
            let k = *index.entry(c.name.clone()).or_insert_with(|| {
                header.push(c.name.clone());
                right.push(matches!(c.node.kind, NodeKind::Scalar(_)));
                header.len() - 1
            });
            let mut b = Vec::new();
            cell(data, View { node: c.node, abs: c.rel }, &mut b)?;
            cells.push((k, String::from_utf8_lossy(&b).into_owned()));
        }
        body.push(Some((r, cells)));
    }
    let body: Vec<Vec<String>> = body
        .into_iter()
        .map(|row| match row {
            None => vec!["...".to_string(); header.len() + 1],
            Some((r, cells)) => {
                let mut line = vec![String::new(); header.len() + 1];
                line[0] = r.to_string();
                for (k, text) in cells {
                    line[k + 1] = text;
                }
                line
            }
        })
        .collect();
    let empty = body.is_empty();
    if empty {
        // No row to take the columns from: the element's own, when every
        // element has the same shape (a walked array without elements has none).
        (header, right) = empty_header(rows);
    }
    let mut head = vec![String::new()];
    head.extend(header);
    let mut lines = vec![head];
    lines.extend(body);
    let align: Vec<bool> = std::iter::once(false).chain(right).collect();
    write_aligned(&lines, &align, buf);
    if empty {
        buf.extend_from_slice(b"(0 rows)\n");
    }
    Ok(())
}

/// The one column of a table of single values: named after the last field
/// of the path (`value` of `records.value`), else `value`.
fn leaf_column_name(rows: &RowSet<'_>) -> String {
    let last = rows.path.iter().rev().find_map(|s| match s {
        crate::select::Seg::Field(n) => Some(n.to_string()),
        _ => None,
    });
    last.unwrap_or_else(|| "value".into())
}

/// The column names (and right-alignment) of a table of `rows` that shows
/// no row: those of its element template, for arrays of uniform elements.
fn empty_header(rows: &RowSet<'_>) -> (Vec<String>, Vec<bool>) {
    if rows.template().is_none() || rows.shape().len() > 1 {
        return (Vec::new(), Vec::new());
    }
    let Ok(v) = rows.elem(0) else { return (Vec::new(), Vec::new()) };
    if super::csv::leaf_count(v.node) > super::csv::MAX_COLUMNS {
        return (Vec::new(), Vec::new());
    }
    let mut cols: Vec<Column<'_>> = Vec::new();
    columns(v.node, "", v.abs, &mut cols);
    if is_leaf(&v.node.kind) {
        return (vec![leaf_column_name(rows)], vec![matches!(v.node.kind, NodeKind::Scalar(_))]);
    }
    (
        cols.iter().map(|c| c.name.clone()).collect(),
        cols.iter().map(|c| matches!(c.node.kind, NodeKind::Scalar(_))).collect(),
    )
}

/// Write `lines` as columns two spaces apart, each as wide as its widest
/// cell; columns whose `right` flag is set are right-aligned (numbers).
/// Trailing spaces are trimmed.
pub(crate) fn write_aligned(lines: &[Vec<String>], right: &[bool], buf: &mut Vec<u8>) {
    let ncols = lines.first().map_or(0, Vec::len);
    let mut width = vec![0usize; ncols];
    for line in lines {
        for (k, c) in line.iter().enumerate().take(ncols) {
            width[k] = width[k].max(c.chars().count());
        }
    }
    for line in lines {
        let mut text = String::new();
        for (k, c) in line.iter().enumerate().take(ncols) {
            let pad = width[k] - c.chars().count();
            if k > 0 {
                text.push_str("  ");
            }
            if right.get(k).copied().unwrap_or(false) {
                text.push_str(&" ".repeat(pad));
                text.push_str(c);
            } else {
                text.push_str(c);
                text.push_str(&" ".repeat(pad));
            }
        }
        buf.extend_from_slice(text.trim_end().as_bytes());
        buf.push(b'\n');
    }
}
