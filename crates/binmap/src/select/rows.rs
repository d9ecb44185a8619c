//! Row ranges (`--rows -10..`, Python's slice rules) and [`RowSet`], the
//! rows of an array-shaped selection as every sink reads them: element by
//! element ([`RowSet::elem`]), or, for elements one stride apart, by
//! arithmetic ([`RowSet::fixed`]). May call: `super::index`.

use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::layout::Type;
use crate::map::{ArrayNode, Node};

use super::index::Picked;
use super::{Seg, View};

/// A `--rows A..B` range, Python slice semantics (negatives from the end, clamped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Rows {
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// Given as one row (`7`, `-1`): out of range is an error, as indexing
    /// is in Python, where a slice is clamped.
    pub single: bool,
}

impl Rows {
    /// Parse `A..B`, `A..`, `..B`, `-10..`, or a single row `A`.
    ///
    /// ```
    /// use binmap::select::Rows;
    /// assert_eq!(Rows::parse("-3..").unwrap().range(10), 7..10);
    /// assert_eq!(Rows::parse("2..5").unwrap().range(4), 2..4);
    /// assert_eq!(Rows::parse("7").unwrap().range(10), 7..8);
    /// assert!(Rows::parse("a..b").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Rows> {
        let bad = || {
            Error::usage(format!(
                "bad row range '{text}': expected A..B, A.., ..B or a row number (negatives count from the end)"
            ))
        };
        let num = |s: &str| -> Result<Option<i64>> {
            let s = s.trim();
            if s.is_empty() { Ok(None) } else { s.parse::<i64>().map(Some).map_err(|_| bad()) }
        };
        match text.split_once("..") {
            Some((a, b)) => Ok(Rows { start: num(a)?, end: num(b)?, single: false }),
            None => {
                let a = num(text)?.ok_or_else(bad)?;
                Ok(Rows { start: Some(a), end: Some(if a == -1 { i64::MAX } else { a + 1 }), single: true })
            }
        }
    }

    /// The concrete range for an array of `len` rows: a slice is clamped
    /// to the array, a single row out of range is an error.
    ///
    /// ```
    /// use binmap::select::Rows;
    /// assert_eq!(Rows::parse("10..").unwrap().checked_range(6).unwrap(), 6..6);
    /// let err = Rows::parse("10").unwrap().checked_range(6).unwrap_err();
    /// assert_eq!(err.to_string(), "row 10 is out of range: the array has 6 rows (0..6, or -6..-1 from the end)");
    /// assert!(Rows::parse("-7").unwrap().checked_range(6).is_err());
    /// ```
    pub fn checked_range(&self, len: u64) -> Result<Range<u64>> {
        if self.single
            && let Some(i) = self.start
            && (if i >= 0 { i.unsigned_abs() >= len } else { i.unsigned_abs() > len })
        {
            let ends = if len == 0 { String::new() } else { format!(" (0..{len}, or -{len}..-1 from the end)") };
            let rows = if len == 1 { "row" } else { "rows" };
            return Err(Error::usage(format!("row {i} is out of range: the array has {len} {rows}{ends}")));
        }
        Ok(self.range(len))
    }

    /// The concrete range for an array of `len` rows, clamped to it.
    pub fn range(&self, len: u64) -> Range<u64> {
        let clamp = |v: Option<i64>, default: u64| -> u64 {
            match v {
                None => default,
                Some(i) if i >= 0 => (i as u64).min(len),
                Some(i) => len.saturating_sub(i.unsigned_abs()),
            }
        };
        let s = clamp(self.start, 0);
        let e = clamp(self.end, len);
        s..e.max(s)
    }
}

/// Picks the rows a sink prints (a compiled `--where`,
/// [`crate::query::Predicate`]).
pub trait RowFilter: Sync + Send + std::fmt::Debug {
    /// Append the rows of `rows` that pass, in order, to `out`.
    fn matching(&self, rows: Range<u64>, out: &mut Vec<u64>) -> Result<()>;
}

/// Rows asked of a [`RowFilter`] at a time.
const FILTER_CHUNK: u64 = 4096;

/// The rows of a table-shaped selection: the first dimension of a
/// [`Picked`], optionally filtered.
#[derive(Clone, Debug)]
pub struct RowSet<'m> {
    picked: Picked<'m>,
    /// The rows (indexes of the first dimension).
    pub rows: Range<u64>,
    /// The full path, for messages and CSV headers.
    pub path: Vec<Seg>,
    /// Elements `start + i * stride` when they are one stride apart in C order.
    fixed: Option<(u64, u64, &'m Node)>,
    /// Only the rows that pass this are printed.
    filter: Option<Arc<dyn RowFilter + 'm>>,
}

impl<'m> RowSet<'m> {
    /// Rows `rows` of the whole of `array` (at `abs`).
    pub fn new(array: &'m ArrayNode, abs: u64, rows: Range<u64>, path: Vec<Seg>) -> RowSet<'m> {
        RowSet::of(Picked::enter(array, abs), rows, path)
    }

    /// Rows `rows` of a selection.
    pub fn of(picked: Picked<'m>, rows: Range<u64>, path: Vec<Seg>) -> RowSet<'m> {
        let fixed = picked.strided().and_then(|(base, shape, strides, node)| {
            // One stride for all: that of the innermost dimension with more
            // than one element, and every other dimension a multiple of it.
            let inner = shape
                .iter()
                .zip(strides)
                .rev()
                .find(|(d, _)| **d > 1)
                .map_or(node.size, |(_, s)| u64::try_from(*s).unwrap_or(0));
            let mut step = inner;
            for (d, s) in shape.iter().zip(strides).rev() {
                if *d > 1 && i128::from(*s) != i128::from(step) {
                    return None;
                }
                step = step.checked_mul(*d)?;
            }
            (inner > 0 || shape.iter().product::<u64>() <= 1).then_some((base, inner, node))
        });
        RowSet { picked, rows, path, fixed, filter: None }
    }

    /// The same rows, keeping only those that pass `filter`.
    pub fn with_filter(mut self, filter: Arc<dyn RowFilter + 'm>) -> RowSet<'m> {
        self.filter = Some(filter);
        self
    }

    /// True when a filter picks the rows.
    pub fn is_filtered(&self) -> bool {
        self.filter.is_some()
    }

    /// Call `f` with each row of `range` that passes the filter (every row
    /// when there is none), in order.
    #[inline]
    pub fn each_row(&self, range: Range<u64>, mut f: impl FnMut(u64) -> Result<()>) -> Result<()> {
        let Some(filter) = &self.filter else {
            return range.into_iter().try_for_each(f);
        };
        let mut ids = Vec::with_capacity(FILTER_CHUNK as usize);
        let mut start = range.start;
        while start < range.end {
            let end = start.saturating_add(FILTER_CHUNK).min(range.end);
            ids.clear();
            filter.matching(start..end, &mut ids)?;
            ids.iter().try_for_each(|&r| f(r))?;
            start = end;
        }
        Ok(())
    }

    /// The selection's shape (its first dimension is the rows).
    pub fn shape(&self) -> &[u64] {
        self.picked.shape()
    }

    /// The whole selection (every row).
    pub fn picked(&self) -> &Picked<'m> {
        &self.picked
    }

    /// When the elements are one stride apart in C order (a whole array,
    /// a field of every record, `records[::1000]`, `data[:, 1]`): (offset
    /// of element 0, stride, the element). Element `i` is at
    /// `start + i * stride`.
    pub fn fixed(&self) -> Option<(u64, u64, &'m Node)> {
        self.fixed
    }

    /// For elements of one template: where row `r` starts, when every
    /// element of a row is at or after its first (no reversed inner
    /// dimension); element `j` of the row is then always at the same
    /// distance from it.
    pub fn row_start(&self, r: u64) -> Option<u64> {
        let (base, _, strides, _) = self.picked.strided()?;
        if strides.iter().skip(1).any(|s| *s < 0) {
            return None;
        }
        let s = strides.first().copied().unwrap_or(0);
        Some((i128::from(base) + i128::from(r) * i128::from(s)) as u64)
    }

    /// The element template, for elements that share one.
    pub fn template(&self) -> Option<&'m Node> {
        self.picked.template()
    }

    /// The bytes the selected rows span (see [`Picked::span`]).
    pub fn span(&self) -> (u64, u64) {
        self.picked.span(self.rows.clone())
    }

    /// The layout type of an element.
    pub fn leaf_type(&self) -> Option<Type> {
        self.picked.leaf_type()
    }

    /// Elements per row (product of the inner dimensions).
    pub fn row_len(&self) -> u64 {
        self.shape().iter().skip(1).product()
    }

    /// Element `flat` of the selection (C order: row `r` is elements
    /// `r * row_len ..`).
    #[inline]
    pub fn elem(&self, flat: u64) -> Result<View<'m>> {
        if let Some((start, stride, node)) = self.fixed {
            return Ok(View { node, abs: start + flat * stride });
        }
        self.picked.elem(flat)
    }
}
