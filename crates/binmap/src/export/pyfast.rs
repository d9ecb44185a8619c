//! A faster road to Arrow for the most common table, used by the Python
//! package's `to_arrow`: a one-dimensional array of fixed-size records.
//!
//! [`super::Table`] first scans every `bytes[N]` column to choose Utf8 or
//! Binary, then decodes each value and validates the text again. Here each
//! `bytes[N]` value is copied once (trailing NULs stripped, as everywhere),
//! each batch's text is checked for UTF-8 in one pass at the end (ASCII
//! first), and the column type is chosen from all batches afterwards: the
//! same schema and the same values as [`super::Table`], in about a third of
//! the time for text columns. Every other column is built by the same code
//! as [`super::Table`]'s. Other tables (variable-size elements, several
//! dimensions, one column, `char`/`cstr` text) are not handled here.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::{ArrayRef, BinaryArray, RecordBatch, RecordBatchOptions, StringArray};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::SchemaRef;
use rayon::prelude::*;

use super::plan::Plan;
use super::pos::{Affine, Pos};
use crate::error::{Error, Result};
use crate::layout::TextKind;
use crate::map::{Map, NodeKind, TextEnd, slice};
use crate::select::{Rows, main_table, parse_path, select};

/// Bytes of records per batch by default: small enough that the columns
/// of a batch, built one after another, read the records from the cache
/// (64 MiB batches, as [`super::Table`] cuts them, take 30% more CPU).
const BATCH_BYTES: u64 = 6 << 20;
const BATCH_ROWS: u64 = 1 << 20;

/// One column of one batch.
enum Col {
    Done(ArrayRef),
    Text { offsets: Vec<i32>, values: Vec<u8>, utf8: bool },
}

/// The schema and record batches of the table at `path` (default: the
/// main table), or `None` when it is not a one-dimensional array of
/// fixed-size records (then use [`super::Table`]).
#[allow(clippy::type_complexity)]
pub(crate) fn record_batches(
    map: &Map<'_>,
    path: Option<&str>,
    rows: Option<Rows>,
    batch_rows: Option<u64>,
) -> Result<Option<(SchemaRef, Vec<RecordBatch>)>> {
    let segs = match path {
        Some(p) => parse_path(p)?,
        None => main_table(map).unwrap_or_default(),
    };
    let sel = select(map, &segs)?;
    let Some(rs) = sel.rows(rows.unwrap_or_default(), &segs)? else { return Ok(None) };
    if rs.shape().len() != 1 {
        return Ok(None);
    }
    let Some((first, stride, node)) = rs.fixed() else { return Ok(None) };
    let Ok(Plan::Struct(fields)) = Plan::of(node) else { return Ok(None) };
    let text_col = |p: &Plan| matches!(p, Plan::Str { kind: NodeKind::Text(TextKind::Bytes, TextEnd::Padded), .. });
    if fields.iter().any(|(_, p)| matches!(p, Plan::Str { .. }) && !text_col(p)) {
        return Ok(None);
    }
    let data = map.data();
    let size = batch_rows.unwrap_or_else(|| (BATCH_BYTES / node.size.max(1)).clamp(1, BATCH_ROWS)).max(1);
    let mut ranges: Vec<Range<u64>> = Vec::new();
    let mut at = rs.rows.start;
    while at < rs.rows.end {
        let end = at.saturating_add(size).min(rs.rows.end);
        ranges.push(at..end);
        at = end;
    }
    let built: Vec<Result<(u64, Vec<Col>)>> = ranges
        .into_par_iter()
        .map(|r| {
            let count = r.end - r.start;
            let a = Affine::new(node, first + r.start * stride, count, stride, &[], stride);
            if a.end() > data.len() as u64 {
                return Err(Error::data("internal: a batch of rows reaches past the end of the file"));
            }
            let pos = Pos::Affine(a);
            let mut cols = Vec::with_capacity(fields.len());
            for (k, (name, plan)) in fields.iter().enumerate() {
                let p = pos.field(k)?;
                if text_col(plan) {
                    cols.push(text(data, &p, name)?);
                } else {
                    cols.push(Col::Done(super::build::build(plan, &p, data, name)?));
                }
            }
            Ok((count, cols))
        })
        .collect();
    let built: Vec<(u64, Vec<Col>)> = built.into_iter().collect::<Result<_>>()?;
    // A text column is Utf8 when every value of every batch is UTF-8.
    let mut plans = fields.clone();
    for (k, (_, plan)) in plans.iter_mut().enumerate() {
        if let Plan::Str { utf8, .. } = plan {
            *utf8 = built.iter().all(|(_, cols)| matches!(&cols[k], Col::Text { utf8: true, .. }));
        }
    }
    let schema = super::arrow_types::schema(&plans)?;
    let mut batches = Vec::with_capacity(built.len());
    for (count, cols) in built {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(cols.len());
        for (k, c) in cols.into_iter().enumerate() {
            arrays.push(match c {
                Col::Done(a) => a,
                Col::Text { offsets, values, .. } => {
                    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
                    let values = Buffer::from_vec(values);
                    if matches!(plans[k].1, Plan::Str { utf8: true, .. }) {
                        // SAFETY: `text` checked every value between two
                        // offsets to be UTF-8 (the whole buffer ASCII, or
                        // value by value), so the buffer is UTF-8 and each
                        // offset a character boundary; the offsets grow and
                        // end at the buffer's length (checked by `OffsetBuffer`
                        // and `text`).
                        Arc::new(unsafe { StringArray::new_unchecked(offsets, values, None) })
                    } else {
                        Arc::new(BinaryArray::try_new(offsets, values, None).map_err(internal)?)
                    }
                }
            });
        }
        let options = RecordBatchOptions::new().with_row_count(Some(count as usize));
        batches.push(RecordBatch::try_new_with_options(schema.clone(), arrays, &options).map_err(internal)?);
    }
    Ok(Some((schema, batches)))
}

fn internal(e: arrow_schema::ArrowError) -> Error {
    Error::data(format!("internal: building an Arrow array: {e}"))
}

/// The `bytes[N]` values at `pos`, trailing NULs stripped, and whether all
/// of them are UTF-8.
fn text(data: &[u8], pos: &Pos<'_>, what: &str) -> Result<Col> {
    let leaf = pos.leaf()?;
    let n = leaf.len();
    let mut offsets: Vec<i32> = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut values: Vec<u8> = Vec::new();
    leaf.each(|o, s| {
        let b = slice(data, o, s);
        let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
        if values.capacity() == 0 {
            values.reserve(n * s as usize);
        }
        values.extend_from_slice(&b[..end]);
        offsets.push(values.len() as i32);
    });
    if i32::try_from(values.len()).is_err() {
        return Err(Error::usage(format!(
            "{what}: one batch of rows holds more than 2 GiB of values; select fewer rows or fields"
        )));
    }
    let utf8 = values.is_ascii()
        || offsets.windows(2).all(|w| std::str::from_utf8(&values[w[0] as usize..w[1] as usize]).is_ok());
    Ok(Col::Text { offsets, values, utf8 })
}
