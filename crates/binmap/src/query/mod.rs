//! `--where` conditions over the rows of a table.
//!
//! The text is parsed once ([`parse`]), type-checked against the table's
//! element and compiled into typed code ([`compile`]), then evaluated a
//! chunk of [`table::LANE`] rows at a time: each field is decoded into a
//! lane once per chunk and every operation is one loop over lanes
//! ([`eval`]). A [`Predicate`] is what scans use: `mask` for a range of
//! rows, and as a [`RowFilter`] it restricts a [`RowSet`](crate::select::RowSet)
//! so that every sink (`show`'s formats) prints only the matching rows.

pub mod compile;
pub mod eval;
pub mod parse;
pub mod table;

use std::ops::Range;

use crate::error::Result;
use crate::progress::Progress;
use crate::select::RowFilter;
use crate::select::Seg;
use table::{ColumnRef, LANE, Lane, Table, chunks};

/// A compiled `--where` condition for one table.
pub struct Predicate<'m> {
    text: String,
    table: Table<'m>,
    code: compile::Code,
    columns: Vec<ColumnRef<'m>>,
    /// Told of the rows looked at when the predicate filters a row set.
    progress: Option<Box<dyn Progress + Send + 'm>>,
}

impl std::fmt::Debug for Predicate<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Predicate({:?})", self.text)
    }
}

impl<'m> Predicate<'m> {
    /// Compile `text` for the rows of `table`.
    ///
    /// ```
    /// use binmap::query::{Predicate, table::Table};
    /// let layout = binmap::Layout::parse("r: { name: bytes[4], v: i16 }[..]").unwrap();
    /// let data = [b'a', 0, 0, 0, 5, 0, b'b', 0, 0, 0, 0xfb, 0xff];
    /// let map = binmap::Map::new(&layout, &data, "x").unwrap();
    /// let (table, _) = Table::for_paths(&map, &[], None).unwrap();
    /// let p = Predicate::new("v < 0 || name == 'a'", &table).unwrap();
    /// let mut mask = Vec::new();
    /// p.mask(0..2, &mut mask).unwrap();
    /// assert_eq!(mask, [true, true]);
    /// let err = Predicate::new("vv < 0", &table).unwrap_err().to_string();
    /// assert!(err.starts_with("--where: no field 'vv' in the rows of 'r'; they have: name, v; did you mean 'v'?\n  vv < 0\n  ^^"));
    /// ```
    pub fn new(text: &str, table: &Table<'m>) -> Result<Predicate<'m>> {
        let expr = parse::parse(text)?;
        let compiled = compile::compile(text, &expr, table)?;
        Ok(Predicate {
            text: text.to_string(),
            table: table.clone(),
            code: compiled.code,
            columns: compiled.columns,
            progress: None,
        })
    }

    /// Report the rows this predicate looks at, as a [`RowFilter`], to `progress`.
    pub fn with_progress(mut self, progress: Box<dyn Progress + Send + 'm>) -> Predicate<'m> {
        self.progress = Some(progress);
        self
    }

    /// One bool per row of `rows` (table row numbers), appended to `mask`.
    pub fn mask(&self, rows: Range<u64>, mask: &mut Vec<bool>) -> Result<()> {
        for chunk in chunks(rows, LANE) {
            self.mask_with(chunk, mask, &[])?;
        }
        Ok(())
    }

    /// [`Predicate::mask`] for one chunk of at most [`LANE`] rows, reading
    /// the lanes in `given` (column path, values for these rows) instead of
    /// loading those columns again.
    pub fn mask_with(&self, rows: Range<u64>, mask: &mut Vec<bool>, given: &[(&[Seg], &Lane)]) -> Result<()> {
        let ev = eval::Evaluator { table: &self.table, columns: &self.columns, text: &self.text };
        ev.mask(&self.code, rows, mask, given)
    }
}

impl RowFilter for Predicate<'_> {
    fn matching(&self, rows: Range<u64>, out: &mut Vec<u64>) -> Result<()> {
        let (mut mask, mut rows_of_chunk) = (Vec::with_capacity(LANE as usize), Vec::new());
        for chunk in chunks(rows.clone(), LANE) {
            mask.clear();
            self.mask(chunk.clone(), &mut mask)?;
            table::picked(&mask, &mut rows_of_chunk);
            out.extend(rows_of_chunk.iter().map(|&i| chunk.start + i as u64));
        }
        if let Some(p) = &self.progress {
            p.advance(rows.end - rows.start);
        }
        Ok(())
    }
}
