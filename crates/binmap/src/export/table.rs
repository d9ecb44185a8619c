//! A selection as a table: which rows, which columns, their plans and
//! Arrow schema, and the record batch of any range of rows.
//!
//! Rows are chosen exactly as `binmap show` and `convert -o x.csv` choose
//! them ([`crate::select`]). A record element (a struct) gives one column
//! per named field; anything else (numbers, strings, the rows of a 2-D
//! array, records with inner dimensions) gives one column named after the
//! path's last field. A selection that is not an array (a header, the
//! whole of a file with no array) is a table of one row.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::{RecordBatch, RecordBatchOptions};
use arrow_schema::SchemaRef;
use rayon::prelude::*;

use super::plan::Plan;
use super::pos::{Affine, Gather, LeafPos, Pos, visit_leaves};
use super::{Format, batches};
use crate::error::{Error, Result};
use crate::layout::TextKind;
use crate::map::{Elems, Map, Node, NodeKind, slice};
use crate::progress::Progress;
use crate::select::{RowSet, Rows, Selection, View, main_table, parse_path, path_to_string, select};

/// Rows per batch (a Parquet row group, an Arrow record batch): pyarrow's
/// default row group size.
const BATCH_ROWS: u64 = 1 << 20;
/// Fewer rows per batch when rows are wide, so memory stays flat.
const BATCH_BYTES: u64 = 64 << 20;
/// The same for elements of varying size, whose batches also record the
/// position of every value (16 bytes each, however small the value).
const WALKED_BATCH_BYTES: u64 = 4 << 20;

/// A selection of a file, ready to be written as Parquet or Arrow IPC.
///
/// ```
/// use binmap::export::{Format, Table};
/// let layout = binmap::Layout::parse("n: u8\nr: { t: u16, v: f32 }[n]").unwrap();
/// let mut data = vec![2u8];
/// for (t, v) in [(1u16, 0.5f32), (2, -1.5)] {
///     data.extend(t.to_le_bytes());
///     data.extend(v.to_le_bytes());
/// }
/// let map = binmap::Map::new(&layout, &data, "x").unwrap();
/// let table = Table::new(&map, None, None).unwrap();
/// assert_eq!(table.rows(), 0..2);
/// assert_eq!(table.schema().unwrap().to_string(), "Field { \"t\": UInt16 }, Field { \"v\": Float32 }");
/// let mut out = Vec::new();
/// table.write(table.rows(), Format::Parquet, &mut out, &()).unwrap();
/// assert!(out.starts_with(b"PAR1") && out.ends_with(b"PAR1"));
/// ```
pub struct Table<'m> {
    data: &'m [u8],
    source: Source<'m>,
    /// The selected rows.
    rows: Range<u64>,
    /// What one row holds.
    row_plan: Plan,
    /// `None` when the row is a struct whose fields are the columns; else
    /// the name of the one column.
    single: Option<Arc<str>>,
    batch_rows: u64,
}

/// Where the rows are.
enum Source<'m> {
    /// Uniform elements: row `r` starts at `first + r * row_stride` and is
    /// an array of shape `inner` of `node`s `elem_stride` apart.
    Affine { node: &'m Node, first: u64, row_stride: u64, inner: Vec<u64>, elem_stride: u64 },
    /// Elements of varying shape, row `r` being elements `r * row_len ..`.
    Walked { rows: RowSet<'m>, inner: Vec<u64> },
    /// One value of varying shape.
    One(View<'m>),
}

/// The positions of one batch of rows.
enum Batch<'m> {
    Affine(Affine<'m>),
    Gathered(Gather),
}

impl<'m> Table<'m> {
    /// The table of `path` in `map` (default: the main table, as for CSV),
    /// limited to `rows`; bytes columns are scanned to choose UTF-8 or binary.
    ///
    /// ```
    /// use binmap::export::Table;
    /// use binmap::select::Rows;
    /// let layout = binmap::Layout::parse("n: u8\ns: bytes[2][n]").unwrap();
    /// let map = binmap::Map::new(&layout, b"\x03ok\xff\x00hi", "x").unwrap();
    /// // Row 1 is not UTF-8: over all rows the column is binary, over rows 2.. it is text.
    /// let all = Table::new(&map, Some("s"), None).unwrap();
    /// assert_eq!(all.schema().unwrap().field(0).data_type().to_string(), "Binary");
    /// let last = Table::new(&map, Some("s"), Some(Rows::parse("2..").unwrap())).unwrap();
    /// assert_eq!((last.rows(), last.schema().unwrap().field(0).data_type().to_string()), (2..3, "Utf8".into()));
    /// // A selection that is not an array is one row; --rows needs an array.
    /// assert_eq!(Table::new(&map, Some("n"), None).unwrap().rows(), 0..1);
    /// assert!(Table::new(&map, Some("n"), Some(Rows::parse("0..1").unwrap())).is_err());
    /// ```
    pub fn new(map: &'m Map<'_>, path: Option<&str>, rows: Option<Rows>) -> Result<Table<'m>> {
        let segs = match path {
            Some(p) => parse_path(p)?,
            None => main_table(map).unwrap_or_default(),
        };
        let sel = select(map, &segs)?;
        let what = if segs.is_empty() { "the file".to_string() } else { path_to_string(&segs) };
        let name: Arc<str> = segs
            .iter()
            .rev()
            .find_map(|s| if let crate::select::Seg::Field(n) = s { Some(n.clone()) } else { None })
            .unwrap_or_else(|| "value".into());
        let (source, range, elem_plan, inner) = match sel.rows(rows.unwrap_or_default(), &segs)? {
            Some(rs) => rows_source(rs, &what)?,
            None => {
                if rows.is_some() {
                    return Err(Error::usage(format!("--rows needs an array; {what} is not one")));
                }
                let Selection::One(v) = sel else { return Err(Error::usage("internal: a projection without rows")) };
                let plan = Plan::of(v.node).map_err(|why| Error::usage(format!("{what}: {why}")))?;
                let source = if uniform(v.node) {
                    Source::Affine { node: v.node, first: v.abs, row_stride: 0, inner: Vec::new(), elem_stride: 0 }
                } else {
                    Source::One(v)
                };
                (source, 0..1, plan, Vec::new())
            }
        };
        let (row_plan, single) = match elem_plan {
            Plan::Struct(fields) if inner.is_empty() => (Plan::Struct(fields), None),
            p => (Plan::lists(&inner, p), Some(name)),
        };
        let (row_bytes, budget) = match &source {
            Source::Affine { node, inner, .. } => (node.size.saturating_mul(inner.iter().product()), BATCH_BYTES),
            Source::Walked { rows, inner } => {
                (rows.picked().elem_size().saturating_mul(inner.iter().product()), WALKED_BATCH_BYTES)
            }
            Source::One(v) => (v.node.size, WALKED_BATCH_BYTES),
        };
        let batch_rows = (budget / row_bytes.max(1)).clamp(1, BATCH_ROWS);
        let mut table = Table { data: map.data(), source, rows: range, row_plan, single, batch_rows };
        table.choose_utf8()?;
        table.schema()?;
        Ok(table)
    }

    /// The selected rows (indexes of the outermost array; `0..1` for a
    /// selection that is not an array).
    pub fn rows(&self) -> Range<u64> {
        self.rows.clone()
    }

    /// The Arrow schema of the table (see [`Table`] for an example).
    pub fn schema(&self) -> Result<SchemaRef> {
        match &self.single {
            None => {
                let Plan::Struct(fields) = &self.row_plan else { return Err(Error::usage("internal: no columns")) };
                super::arrow_types::schema(fields)
            }
            Some(name) => super::arrow_types::schema(&[(name.clone(), self.row_plan.clone())]),
        }
    }

    /// Write `rows` (a part of [`Table::rows`]) as `format` to `out`,
    /// reporting each batch of rows to `progress`.
    ///
    /// ```
    /// use binmap::export::{Format, Table, split_rows};
    /// use binmap::progress::Progress;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    ///
    /// struct Count(AtomicU64);
    /// impl Progress for Count {
    ///     fn advance(&self, rows: u64) {
    ///         self.0.fetch_add(rows, Ordering::Relaxed);
    ///     }
    /// }
    /// let layout = binmap::Layout::parse("v: f64[..]").unwrap();
    /// let data: Vec<u8> = (0..10).flat_map(|i| f64::from(i).to_le_bytes()).collect();
    /// let map = binmap::Map::new(&layout, &data, "x").unwrap();
    /// let table = Table::new(&map, None, None).unwrap();
    /// let done = Count(AtomicU64::new(0));
    /// for part in split_rows(table.rows(), 3) {
    ///     let mut out = Vec::new();
    ///     table.write(part, Format::Ipc, &mut out, &done).unwrap();
    ///     assert!(out.starts_with(b"ARROW1"));
    /// }
    /// assert_eq!(done.0.load(Ordering::Relaxed), 10);
    /// assert!(table.write(5..11, Format::Parquet, &mut Vec::new(), &()).is_err());
    /// ```
    pub fn write(
        &self,
        rows: Range<u64>,
        format: Format,
        out: &mut dyn std::io::Write,
        progress: &dyn Progress,
    ) -> Result<()> {
        if rows.start < self.rows.start || rows.end > self.rows.end || rows.start > rows.end {
            return Err(Error::usage(format!(
                "internal: rows {}..{} are not within the table's {}..{}",
                rows.start, rows.end, self.rows.start, self.rows.end
            )));
        }
        match format {
            Format::Parquet => super::parquet::write(self, rows, out, progress),
            Format::Ipc => super::ipc::write(self, rows, out, progress),
        }
    }

    /// Rows per batch.
    pub(crate) fn batch_rows(&self) -> u64 {
        self.batch_rows
    }

    /// The record batch of `rows`.
    pub(crate) fn record_batch(&self, rows: Range<u64>, schema: &SchemaRef) -> Result<RecordBatch> {
        let batch = self.batch(rows.clone())?;
        let pos = batch.pos();
        let mut arrays = Vec::with_capacity(schema.fields().len());
        for (k, (name, plan)) in self.columns().iter().enumerate() {
            arrays.push(super::build::build(plan, &self.column_pos(&pos, k)?, self.data, name)?);
        }
        let options = RecordBatchOptions::new().with_row_count(Some((rows.end - rows.start) as usize));
        RecordBatch::try_new_with_options(schema.clone(), arrays, &options)
            .map_err(|e| Error::data(format!("internal: building a record batch: {e}")))
    }

    /// (name, plan) of each column.
    fn columns(&self) -> Vec<(Arc<str>, &Plan)> {
        match (&self.single, &self.row_plan) {
            (Some(name), p) => vec![(name.clone(), p)],
            (None, Plan::Struct(fields)) => fields.iter().map(|(n, p)| (n.clone(), p)).collect(),
            (None, p) => vec![("value".into(), p)],
        }
    }

    /// The positions of column `k` within a batch.
    fn column_pos<'p>(&self, pos: &Pos<'p>, k: usize) -> Result<Pos<'p>> {
        if self.single.is_some() { Ok(pos.clone()) } else { pos.field(k) }
    }

    /// Where the values of `rows` are.
    fn batch(&self, rows: Range<u64>) -> Result<Batch<'m>> {
        let count = rows.end - rows.start;
        match &self.source {
            Source::Affine { node, first, row_stride, inner, elem_stride } => {
                let a = Affine::new(node, first + rows.start * row_stride, count, *row_stride, inner, *elem_stride);
                if a.end() > self.data.len() as u64 {
                    return Err(Error::data("internal: a batch of rows reaches past the end of the file"));
                }
                Ok(Batch::Affine(a))
            }
            Source::Walked { rows: rs, inner } => {
                // A batch's rows are counted, so its vectors never grow (the
                // count was bounded by the file when the map was resolved).
                let mut g = Gather::new(&self.row_plan, usize::try_from(count).unwrap_or(0));
                let row_len: u64 = inner.iter().product();
                for r in rows {
                    if inner.is_empty() {
                        let v = rs.elem(r)?;
                        g.push(&self.row_plan, v.node, v.abs)?;
                    } else {
                        g.push_dims(&self.row_plan, inner, r * row_len, &mut |i| {
                            let v = rs.elem(i)?;
                            Ok((v.node, v.abs))
                        })?;
                    }
                }
                Ok(Batch::Gathered(g))
            }
            Source::One(v) => {
                let mut g = Gather::new(&self.row_plan, 1);
                if count > 0 {
                    g.push(&self.row_plan, v.node, v.abs)?;
                }
                Ok(Batch::Gathered(g))
            }
        }
    }

    /// Decide, for each column of bytes (`bytes[N]`, `char`, `cstr`),
    /// whether every selected value is UTF-8 (a Utf8 column) or not (Binary).
    /// One pass over those columns, batches on all cores.
    fn choose_utf8(&mut self) -> Result<()> {
        let mut any = false;
        self.row_plan.for_each_leaf_mut(&mut |p| any |= scanned(p));
        if !any {
            return Ok(());
        }
        let ranges: Vec<Range<u64>> = batches(self.rows.clone(), self.batch_rows).collect();
        let this = &*self;
        let valid = ranges
            .into_par_iter()
            .map(|rows| {
                let batch = this.batch(rows)?;
                let mut ok = Vec::new();
                visit_leaves(&this.row_plan, &batch.pos(), &mut |p, leaf| {
                    ok.push(!scanned(p) || all_utf8(this.data, leaf));
                })?;
                Ok(ok)
            })
            .try_reduce_with(|a, b| Ok(a.iter().zip(&b).map(|(x, y)| *x && *y).collect()));
        let Some(valid) = valid.transpose()? else { return Ok(()) };
        let mut k = 0;
        self.row_plan.for_each_leaf_mut(&mut |p| {
            if let Plan::Str { utf8, .. } = p {
                *utf8 &= valid.get(k).copied().unwrap_or(true);
            }
            k += 1;
        });
        Ok(())
    }
}

impl Batch<'_> {
    fn pos(&self) -> Pos<'_> {
        match self {
            Batch::Affine(a) => Pos::Affine(a.clone()),
            Batch::Gathered(g) => Pos::Gathered(g),
        }
    }
}

/// The source, rows, element plan and inner shape of an array selection.
fn rows_source<'m>(rs: RowSet<'m>, what: &str) -> Result<(Source<'m>, Range<u64>, Plan, Vec<u64>)> {
    let inner: Vec<u64> = rs.shape().iter().skip(1).copied().collect();
    let range = rs.rows.clone();
    let row_len = rs.row_len();
    if let Some((first, stride, node)) = rs.fixed() {
        let plan = Plan::of(node).map_err(|why| Error::usage(format!("{what}: {why}")))?;
        let source =
            Source::Affine { node, first, row_stride: row_len * stride, inner: inner.clone(), elem_stride: stride };
        return Ok((source, range, plan, inner));
    }
    // Elements of varying shape: every selected one must fit one plan.
    let mut plan = Plan::Unknown;
    let elems = range.start * row_len..range.end * row_len;
    let probe = if elems.is_empty() && rs.shape().iter().product::<u64>() > 0 { 0..1 } else { elems };
    for i in probe {
        plan.absorb(rs.elem(i)?.node).map_err(|why| {
            Error::usage(format!(
                "{what}: element {i} does not have the shape of the elements before it: it has {why}; \
                 a table needs one type per column (convert one field of it, or to .jsonl)"
            ))
        })?;
    }
    if plan == Plan::Unknown {
        return Err(Error::usage(format!(
            "{what} has no elements, and its elements vary in size: there is nothing to take the column types from"
        )));
    }
    Ok((Source::Walked { rows: rs, inner: inner.clone() }, range, plan, inner))
}

/// True when a node holds no array of varying elements (it is one template).
fn uniform(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Struct(ms) => ms.iter().all(|m| uniform(&m.node)),
        NodeKind::Array(a) => matches!(&a.elems, Elems::Uniform { elem, .. } if uniform(elem)),
        _ => true,
    }
}

/// True for the byte columns whose type depends on their values.
fn scanned(p: &Plan) -> bool {
    matches!(p, Plan::Str { kind: NodeKind::Text(TextKind::Bytes, _) | NodeKind::Char | NodeKind::Cstr, utf8: true })
}

/// True when every value at `leaf` is UTF-8 (trailing NULs do not change that).
fn all_utf8(data: &[u8], leaf: LeafPos<'_>) -> bool {
    leaf.try_each(|o, s| {
        let b = slice(data, o, s);
        if b.is_ascii() || std::str::from_utf8(b).is_ok() { Ok(()) } else { Err(()) }
    })
    .is_ok()
}
