//! `binmap stats`: count, NaNs, min, max, mean, std and sum of numeric
//! columns, over every row of a table or those passing a `--where`,
//! optionally grouped by a field.
//!
//! The scan runs on all cores in blocks of rows, straight from the map:
//! each block decodes its columns a lane at a time ([`crate::query::table`]),
//! applies the condition as a mask, and summarises the values that remain
//! ([`summary`]). Blocks are merged in row order, a window at a time, so
//! results are the same on any number of threads and memory stays flat.
//! With `--by`, each segment of rows aggregates into a hash table of its
//! own, a row at a time, and segments are merged once each in row order
//! ([`grouped`]): the cost per row does not grow with the number of groups,
//! and memory is one accumulator per group and column per segment in
//! flight. With very many groups the rows are partitioned by key first and
//! each partition aggregated in cache ([`radix`]). Groups are printed sorted by key, as
//! pandas' `groupby` and `np.unique` order them: numbers by value,
//! strings by their bytes.

mod grouped;
mod radix;
pub mod report;
pub mod summary;

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::layout::TextKind;
use crate::map::{NodeKind, TextEnd};
use crate::progress::Progress;
use crate::query::Predicate;
use crate::query::table::{Addrs, ColumnRef, LANE, Lane, LeafType, Table, chunks, picked as picked_rows};
use crate::select::Seg;
use summary::Summary;

/// Rows per parallel block.
const BLOCK: u64 = 1 << 16;

/// A group's key, ordered as the values are: integers and short byte
/// strings packed in a `u128` (integers with the sign bit flipped, bytes
/// big-endian and NUL-padded, so numeric order is value order), longer or
/// decoded strings as bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// No `--by`: one group.
    All,
    Small(u128),
    Bytes(Vec<u8>),
}

/// One group's key and the summaries of its columns.
#[derive(Clone, Debug)]
pub struct Group {
    pub key: Key,
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
    if by.is_some() {
        let mut groups = grouped::groups(&scan, progress)?;
        // Keys are unique: an unstable sort gives the one order.
        groups.par_sort_unstable_by(|a, b| a.key.cmp(&b.key));
        return Ok(Stats { columns, by, groups });
    }
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
        groups.push(Group { key: Key::All, key_at: 0, summaries: vec![Summary::default(); columns.len()] });
    }
    groups.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Stats { columns, by, groups })
}

/// Groups found in a block, in first-seen order, with an index by key.
#[derive(Default)]
struct Partial {
    groups: Vec<Group>,
    index: HashMap<Key, usize, rustc_hash::FxBuildHasher>,
}

impl Partial {
    fn group(&mut self, key: Key, key_at: u64, ncols: usize) -> usize {
        if let Some(&g) = self.index.get(&key) {
            return g;
        }
        self.groups.push(Group { key: key.clone(), key_at, summaries: vec![Summary::default(); ncols] });
        self.index.insert(key, self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Add the groups of a later block.
    fn merge(&mut self, other: Partial) {
        for g in other.groups {
            let at = self.group(g.key.clone(), g.key_at, g.summaries.len());
            for (mine, theirs) in self.groups[at].summaries.iter_mut().zip(&g.summaries) {
                mine.merge(theirs);
            }
        }
    }
}

pub(crate) struct Scan<'s, 'm> {
    table: &'s Table<'m>,
    columns: &'s [ColumnRef<'m>],
    filter: Option<&'s Predicate<'m>>,
    by: Option<&'s ColumnRef<'m>>,
}

impl Scan<'_, '_> {
    fn block(&self, rows: Range<u64>) -> Result<Partial> {
        let mut part = Partial::default();
        let (mut mask, mut picked) = (Vec::new(), Vec::new());
        let (mut floats, mut ints) = (Vec::new(), Vec::new());
        part.group(Key::All, 0, self.columns.len());
        for chunk in chunks(rows, LANE) {
            let lanes: Vec<Lane> = self
                .columns
                .iter()
                .map(|col| col.load(self.table.data, &self.table.addresses(col, chunk.clone())?))
                .collect::<Result<_>>()?;
            // The condition, reading the lanes just loaded rather than loading them again.
            let all = match self.filter {
                Some(f) => {
                    let given: Vec<(&[Seg], &Lane)> =
                        self.columns.iter().map(|c| c.path.as_slice()).zip(&lanes).collect();
                    mask.clear();
                    f.mask_with(chunk.clone(), &mut mask, &given)?;
                    picked_rows(&mask, &mut picked);
                    if picked.is_empty() {
                        continue;
                    }
                    false
                }
                None => true,
            };
            for (c, (col, lane)) in self.columns.iter().zip(&lanes).enumerate() {
                // One group: the lane itself, or the picked rows of it.
                let summary = &mut part.groups[0].summaries[c];
                match (lane, all) {
                    (Lane::Float(v), true) => summary.add_floats(v),
                    (Lane::Int(v), true) => summary.add_ints(v),
                    (Lane::Float(v), false) => summary.add_floats(gather(&mut floats, v, picked.iter().copied())),
                    (Lane::Int(v), false) => summary.add_ints(gather(&mut ints, v, picked.iter().copied())),
                    _ => return Err(Error::usage(format!("internal: '{}' is not numeric", col.name))),
                }
            }
        }
        Ok(part)
    }
}

/// The `--by` keys of a chunk.
pub(crate) enum KeyLane {
    Small(Vec<u128>),
    Strings(crate::query::table::StrLane),
}

impl KeyLane {
    /// Integers, bools and `bytes[N]`/`char` up to 16 bytes are packed into
    /// a `u128` straight from the bytes (a fixed-size NUL-padded string
    /// orders and compares as the stripped string does); others decode.
    fn load(by: &ColumnRef<'_>, data: &[u8], addrs: &Addrs) -> Result<KeyLane> {
        let raw = match by.node.kind {
            NodeKind::Text(TextKind::Bytes, TextEnd::Padded) | NodeKind::Char if by.node.size <= 16 => {
                by.node.size as usize
            }
            _ => 0,
        };
        if raw > 0 {
            let mut out = Vec::with_capacity(addrs.len());
            // A copy of a size known at compile time: no call per key.
            macro_rules! keys {
                ($($n:literal)*) => {
                    match raw {
                        $($n => raw_keys::<$n>(data, addrs, &mut out)?,)*
                        _ => return Err(Error::data(format!("internal: a {raw}-byte key"))),
                    }
                };
            }
            keys!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
            return Ok(KeyLane::Small(out));
        }
        Ok(match by.load(data, addrs)? {
            Lane::Int(v) => KeyLane::Small(v.into_iter().map(|x| (x as u128) ^ (1 << 127)).collect()),
            Lane::Bool(v) => KeyLane::Small(v.into_iter().map(u128::from).collect()),
            Lane::Str(s) => KeyLane::Strings(s),
            Lane::Float(_) => return Err(Error::usage(format!("--by {}: float keys are not supported", by.name))),
        })
    }
}

/// The `N`-byte keys at `addrs`, NUL-padded to 16 bytes, big-endian, so
/// that they order as the strings do.
fn raw_keys<const N: usize>(data: &[u8], addrs: &Addrs, out: &mut Vec<u128>) -> Result<()> {
    for i in 0..addrs.len() {
        let at = addrs.get(i) as usize;
        let b: &[u8; N] = data
            .get(at..at + N)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::data(format!("internal: no key at {at:#x}")))?;
        let mut k = [0u8; 16];
        k[..N].copy_from_slice(b);
        out.push(u128::from_be_bytes(k));
    }
    Ok(())
}

/// `values[i]` for each `i` of `rows`, in `buf`.
fn gather<'b, T: Copy>(buf: &'b mut Vec<T>, values: &[T], rows: impl Iterator<Item = usize>) -> &'b [T] {
    buf.clear();
    buf.extend(rows.map(|i| values[i]));
    buf
}
