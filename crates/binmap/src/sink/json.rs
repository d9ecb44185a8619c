//! JSON and JSON lines, in exactly the shape `pack` reads back.
//!
//! Compact (no spaces), keys in layout order, `_` padding left out, arrays
//! as (nested) lists in C order. Everything is streamed.

use std::io::Write;

use super::{flush, is_leaf, leaf, maybe_flush, write_json, write_json_str};
use crate::error::Result;
use crate::map::NodeKind;
use crate::select::{RowSet, Selection, View};

/// Streams JSON for views of one map's bytes.
pub struct JsonWriter<'w, 'd> {
    data: &'d [u8],
    buf: Vec<u8>,
    out: &'w mut dyn Write,
}

impl<'w, 'd> JsonWriter<'w, 'd> {
    /// A writer over `data` (the file's bytes) into `out`.
    pub fn new(data: &'d [u8], out: &'w mut dyn Write) -> Self {
        JsonWriter { data, buf: Vec::with_capacity(super::FLUSH_AT + 4096), out }
    }

    /// One document for the whole selection, then a newline.
    pub fn document(&mut self, sel: &Selection<'_>, path: &[crate::select::Seg]) -> Result<()> {
        match sel {
            Selection::One(v) => self.node(*v)?,
            Selection::Many(_) => {
                let rows =
                    sel.rows(Default::default(), path)?.ok_or_else(|| crate::Error::usage("internal: not an array"))?;
                self.rows_list(&rows)?;
            }
        }
        self.buf.push(b'\n');
        flush(&mut self.buf, self.out)
    }

    /// A list of the rows of `rows` (for `--rows` with `--format json`).
    pub fn rows_document(&mut self, rows: &RowSet<'_>) -> Result<()> {
        self.rows_list(rows)?;
        self.buf.push(b'\n');
        flush(&mut self.buf, self.out)
    }

    /// One line per row, formatted on all cores.
    pub fn lines(&mut self, rows: &RowSet<'_>) -> Result<()> {
        let data = self.data;
        super::write_chunks(rows.rows.clone(), self.out, |range, chunk| {
            // A worker's writer spills into its chunk, never to the output.
            let mut w = JsonWriter { data, buf: Vec::with_capacity(1 << 16), out: chunk };
            rows.each_row(range, |r| {
                w.row(rows, r)?;
                w.buf.push(b'\n');
                maybe_flush(&mut w.buf, w.out)
            })?;
            flush(&mut w.buf, w.out)
        })
    }

    fn rows_list(&mut self, rows: &RowSet<'_>) -> Result<()> {
        self.buf.push(b'[');
        let mut first = true;
        rows.each_row(rows.rows.clone(), |r| {
            if !std::mem::take(&mut first) {
                self.buf.push(b',');
            }
            self.row(rows, r)?;
            maybe_flush(&mut self.buf, self.out)
        })?;
        self.buf.push(b']');
        Ok(())
    }

    fn row(&mut self, rows: &RowSet<'_>, r: u64) -> Result<()> {
        let shape = rows.shape();
        if shape.len() <= 1 {
            return self.node(rows.elem(r)?);
        }
        self.dims(&|f| rows.elem(f), &shape[1..], r * rows.row_len())
    }

    /// Nested lists over `dims`, element `f` from `elem(f)`, from flat
    /// index `start`.
    fn dims<'v>(&mut self, elem: &dyn Fn(u64) -> Result<View<'v>>, dims: &[u64], start: u64) -> Result<()> {
        self.buf.push(b'[');
        let inner: u64 = dims[1..].iter().product();
        for i in 0..dims[0] {
            if i > 0 {
                self.buf.push(b',');
            }
            if dims.len() == 1 {
                self.node(elem(start + i)?)?;
            } else {
                self.dims(elem, &dims[1..], start + i * inner)?;
            }
            maybe_flush(&mut self.buf, self.out)?;
        }
        self.buf.push(b']');
        Ok(())
    }

    /// The JSON of one node.
    pub fn node(&mut self, v: View<'_>) -> Result<()> {
        match &v.node.kind {
            k if is_leaf(k) => write_json(&mut self.buf, &leaf(self.data, v)?),
            NodeKind::Struct(members) => {
                self.buf.push(b'{');
                let mut first = true;
                for m in members {
                    let Some(name) = &m.name else { continue };
                    if !first {
                        self.buf.push(b',');
                    }
                    first = false;
                    write_json_str(&mut self.buf, name);
                    self.buf.push(b':');
                    self.node(View { node: &m.node, abs: m.abs(v.abs) })?;
                }
                self.buf.push(b'}');
            }
            NodeKind::Array(a) => {
                if a.shape.is_empty() {
                    self.buf.extend_from_slice(b"[]");
                } else {
                    let elem = |f: u64| {
                        let (e, off) = a.elem(f);
                        Ok(View { node: e, abs: v.abs + off })
                    };
                    self.dims(&elem, &a.shape, 0)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
