//! `binmap stats`: count, NaNs, min, max, mean, std and sum of numeric
//! columns, over every row of a table or those passing a `--where`,
//! optionally grouped by a field.
//!
//! The scan runs on all cores in blocks of rows, straight from the map:
//! each block decodes its columns a lane at a time ([`crate::query::table`]),
//! applies the condition as a mask, and summarises the values that remain
//! ([`summary`]). Blocks are merged in row order, a window at a time, so
//! results are the same on any number of threads and memory stays flat
//! (plus one summary per group). Groups are printed sorted by key, as
//! pandas' `groupby` and `np.unique` order them: numbers by value,
//! strings by their bytes.

pub mod report;
pub mod summary;

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::query::Predicate;
use crate::query::table::{ColumnRef, LANE, Lane, LeafType, Table, chunks, picked as picked_rows};
use summary::Summary;

/// Rows per parallel block.
const BLOCK: u64 = 1 << 16;

/// One group's key and the summaries of its columns.
#[derive(Clone, Debug)]
pub struct Group {
    /// The key's bytes, ordered as the values are (empty without `--by`).
    pub key: Vec<u8>,
    /// Where the key's value is in the first row of the group (to print it).
    pub key_at: u64,
    /// One summary per column, in column order.
    pub summaries: Vec<Summary>,
}

/// What `stats` computed.
#[derive(Debug)]
pub struct Stats<'m> {
    pub columns: Vec<ColumnRef<'m>>,
    pub by: Option<ColumnRef<'m>>,
    /// One group (key empty) without `--by`; else sorted by key.
    pub groups: Vec<Group>,
}

/// The numeric columns of a table's rows: `paths` (inside the element), or
/// every integer and float leaf when `paths` is empty.
pub fn numeric_columns<'m>(table: &Table<'m>, paths: &[Vec<crate::select::Seg>]) -> Result<Vec<ColumnRef<'m>>> {
    let cols = if paths.is_empty() {
        let all: Vec<ColumnRef<'m>> = table
            .leaves()
            .into_iter()
            .filter(|c| matches!(c.leaf_type(), Some(LeafType::Int(_) | LeafType::Float(_))))
            .collect();
        if all.is_empty() {
            return Err(Error::usage(format!(
                "the rows of '{}' have no numeric fields",
                crate::select::path_to_string(&table.path)
            )));
        }
        all
    } else {
        paths.iter().map(|p| table.column(p)).collect::<Result<Vec<_>>>()?
    };
    for c in &cols {
        if !matches!(c.leaf_type(), Some(LeafType::Int(_) | LeafType::Float(_))) {
            return Err(Error::usage(format!("'{}' is not a number: stats needs integer or float fields", c.name)));
        }
    }
    Ok(cols)
}

/// The `--by` column: integers, strings or booleans.
pub fn group_column<'m>(table: &Table<'m>, path: &[crate::select::Seg]) -> Result<ColumnRef<'m>> {
    let c = table.column(path)?;
    match c.leaf_type() {
        Some(LeafType::Int(_) | LeafType::Str | LeafType::Bool) => Ok(c),
        _ => Err(Error::usage(format!("--by {}: groups need a field of integers, strings or bools", c.name))),
    }
}

/// Compute the statistics of `columns` over the rows of `table` that pass
/// `filter`, grouped by `by`.
///
/// ```
/// use binmap::query::table::Table;
/// use binmap::stats::{compute, numeric_columns};
/// let layout = binmap::Layout::parse("r: { k: u8, v: f32 }[..]").unwrap();
/// let mut data = Vec::new();
/// for (k, v) in [(1u8, 1.5f32), (2, -1.0), (1, 2.5)] {
///     data.push(k);
///     data.extend(v.to_le_bytes());
/// }
/// let map = binmap::Map::new(&layout, &data, "x").unwrap();
/// let (table, _) = Table::for_paths(&map, &[], None).unwrap();
/// let cols = numeric_columns(&table, &[vec![binmap::select::Seg::Field("v".into())]]).unwrap();
/// let by = Some(table.column(&[binmap::select::Seg::Field("k".into())]).unwrap());
/// let stats = compute(&table, cols, None, by, &()).unwrap();
/// assert_eq!(stats.groups.len(), 2);
/// assert_eq!(stats.groups[0].summaries[0].sum(), 4.0);
/// assert_eq!(stats.groups[1].summaries[0].min, -1.0);
/// ```
pub fn compute<'m>(
    table: &Table<'m>,
    columns: Vec<ColumnRef<'m>>,
    filter: Option<&Predicate<'m>>,
    by: Option<ColumnRef<'m>>,
    progress: &dyn Progress,
) -> Result<Stats<'m>> {
    let scan = Scan { table, columns: &columns, filter, by: by.as_ref() };
    let mut total = Partial::default();
    let blocks: Vec<Range<u64>> = chunks(table.rows.clone(), BLOCK).collect();
    let window = 4 * rayon::current_num_threads();
    for group in blocks.chunks(window) {
        let parts: Vec<Result<Partial>> = group
            .par_iter()
            .map(|rows| {
                let p = scan.block(rows.clone());
                progress.advance(rows.end - rows.start);
                p
            })
            .collect();
        for p in parts {
            total.merge(p?);
        }
    }
    let mut groups = total.groups;
    if by.is_none() && groups.is_empty() {
        groups.push(Group { key: Vec::new(), key_at: 0, summaries: vec![Summary::default(); columns.len()] });
    }
    groups.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Stats { columns, by, groups })
}

/// Groups found in a block, in first-seen order, with an index by key.
#[derive(Default)]
struct Partial {
    groups: Vec<Group>,
    index: HashMap<Vec<u8>, usize, rustc_hash::FxBuildHasher>,
}

impl Partial {
    fn group(&mut self, key: &[u8], key_at: u64, ncols: usize) -> usize {
        if let Some(&g) = self.index.get(key) {
            return g;
        }
        self.groups.push(Group { key: key.to_vec(), key_at, summaries: vec![Summary::default(); ncols] });
        self.index.insert(key.to_vec(), self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Add the groups of a later block.
    fn merge(&mut self, other: Partial) {
        for g in other.groups {
            let at = self.group(&g.key, g.key_at, g.summaries.len());
            for (mine, theirs) in self.groups[at].summaries.iter_mut().zip(&g.summaries) {
                mine.merge(theirs);
            }
        }
    }
}

struct Scan<'s, 'm> {
    table: &'s Table<'m>,
    columns: &'s [ColumnRef<'m>],
    filter: Option<&'s Predicate<'m>>,
    by: Option<&'s ColumnRef<'m>>,
}

impl Scan<'_, '_> {
    fn block(&self, rows: Range<u64>) -> Result<Partial> {
        let mut part = Partial::default();
        let (mut mask, mut picked, mut order) = (Vec::new(), Vec::new(), Vec::new());
        let (mut floats, mut ints, mut key) = (Vec::new(), Vec::new(), Vec::new());
        let ncols = self.columns.len();
        for chunk in chunks(rows, LANE) {
            // The rows (offsets in the chunk) that pass the condition; all without one.
            let all = match self.filter {
                Some(f) => {
                    mask.clear();
                    f.mask(chunk.clone(), &mut mask)?;
                    picked_rows(&mask, &mut picked);
                    if picked.is_empty() {
                        continue;
                    }
                    false
                }
                None => true,
            };
            // Picked rows as (group, row), ordered by group (stable: row order within a group).
            order.clear();
            match self.by {
                None => {
                    part.group(&[], 0, ncols);
                }
                Some(by) => {
                    let addrs = self.table.addresses(by, chunk.clone())?;
                    let keys = by.load(self.table.data, &addrs)?;
                    let mut add = |i: usize| {
                        key_bytes(&keys, i, &mut key);
                        order.push((part.group(&key, addrs.get(i), ncols), i));
                    };
                    if all {
                        (0..addrs.len()).for_each(&mut add);
                    } else {
                        picked.iter().for_each(|&i| add(i));
                    }
                    order.sort_by_key(|&(g, _)| g);
                }
            }
            for (c, col) in self.columns.iter().enumerate() {
                let lane = col.load(self.table.data, &self.table.addresses(col, chunk.clone())?)?;
                if self.by.is_none() {
                    // One group: the lane itself, or the picked rows of it.
                    let summary = &mut part.groups[0].summaries[c];
                    match (&lane, all) {
                        (Lane::Float(v), true) => summary.add_floats(v),
                        (Lane::Int(v), true) => summary.add_ints(v),
                        (Lane::Float(v), false) => summary.add_floats(gather(&mut floats, v, picked.iter().copied())),
                        (Lane::Int(v), false) => summary.add_ints(gather(&mut ints, v, picked.iter().copied())),
                        _ => return Err(Error::usage(format!("internal: '{}' is not numeric", col.name))),
                    }
                    continue;
                }
                for segment in order.chunk_by(|a, b| a.0 == b.0) {
                    let summary = &mut part.groups[segment[0].0].summaries[c];
                    let rows = segment.iter().map(|&(_, i)| i);
                    match &lane {
                        Lane::Float(v) => summary.add_floats(gather(&mut floats, v, rows)),
                        Lane::Int(v) => summary.add_ints(gather(&mut ints, v, rows)),
                        _ => return Err(Error::usage(format!("internal: '{}' is not numeric", col.name))),
                    }
                }
            }
        }
        Ok(part)
    }
}

/// `values[i]` for each `i` of `rows`, in `buf`.
fn gather<'b, T: Copy>(buf: &'b mut Vec<T>, values: &[T], rows: impl Iterator<Item = usize>) -> &'b [T] {
    buf.clear();
    buf.extend(rows.map(|i| values[i]));
    buf
}

/// Value `i` of a key lane as bytes that sort as the values do: integers
/// big-endian with the sign bit flipped, strings as they are.
fn key_bytes(keys: &Lane, i: usize, out: &mut Vec<u8>) {
    out.clear();
    match keys {
        Lane::Int(v) => out.extend_from_slice(&((v[i] as u128) ^ (1 << 127)).to_be_bytes()),
        Lane::Bool(v) => out.push(u8::from(v[i])),
        Lane::Str(s) => out.extend_from_slice(s.get(i)),
        Lane::Float(v) => out.extend_from_slice(&v[i].to_bits().to_be_bytes()),
    }
}
