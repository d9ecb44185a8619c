//! `stats --by` with very many groups (a million distinct keys): radix
//! partitioning, as column stores do it.
//!
//! The rows go a window of [`WINDOW`] rows at a time, in two steps:
//!
//! 1. **scatter**, in parallel blocks of [`BLOCK`] rows: each passing row's
//!    key, values and key address are appended to one of [`PARTS`] buckets,
//!    chosen by a hash of the key (sequential writes to 256 places);
//! 2. **aggregate**, in parallel by partition: a partition reads its
//!    buckets in block order and adds them to its own hash table and
//!    accumulators ([`Keys`], [`Runs`]), kept from window to window.
//!
//! With a million keys a partition holds about 4,000 groups, whose table
//! and accumulators stay in cache; one table of every key would make each
//! row a cache miss into tens of MB. Every key lives in exactly one
//! partition and its values are added one at a time in row order, so the
//! result is the same for any number of threads (and of partitions or
//! windows). Memory: the groups, plus one window's buckets (about 32 bytes
//! a row for one column: 256 MiB).
//!
//! May call: [`super::grouped`]'s keys, accumulators and chunk reader; rayon.

use std::ops::Range;

use rayon::prelude::*;

use super::grouped::{Keys, Runs, add_each, read_chunk};
use super::summary::{FloatRun, IntRun};
use super::{Group, Key, KeyLane, Scan};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::query::table::{LANE, Lane, chunks};

/// Key partitions (a power of two, at most 256: a row's partition is a `u8`).
const PARTS: usize = 256;
/// Rows per scatter task.
const BLOCK: u64 = 1 << 16;
/// Rows scattered before they are aggregated. Large, so that each group
/// gets several rows per window: a partition's table is brought into cache
/// once per window (about 32 bytes a row of buckets: 256 MiB).
const WINDOW: u64 = 1 << 23;

/// The partition of a key packed in a `u128`: the top bits of a
/// multiplicative hash.
#[inline]
fn part_small(k: u128) -> usize {
    let h = (k as u64) ^ ((k >> 64) as u64).rotate_left(32);
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize & (PARTS - 1)
}

/// The partition of a byte-string key (FNV-1a, then as [`part_small`]).
#[inline]
fn part_bytes(b: &[u8]) -> usize {
    let h = b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3));
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize & (PARTS - 1)
}

/// One column's values in a bucket.
enum Vals {
    Float(Vec<f64>),
    Int(Vec<i128>),
}

/// The rows of one block whose keys fall into one partition, in row order.
#[derive(Default)]
struct Bucket {
    /// Keys packed in a `u128` ([`KeyLane::Small`]) ...
    small: Vec<u128>,
    /// ... or byte strings, concatenated, with the end of each.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// Where each row's key is (for the groups' first rows).
    at: Vec<u64>,
    /// One list of values per column.
    vals: Vec<Vals>,
}

/// One partition's groups.
#[derive(Default)]
struct Part {
    keys: Keys,
    runs: Vec<Runs>,
    /// Each bucket row's group (reused).
    groups: Vec<u32>,
}

/// The groups of `scan`'s rows (in no particular order).
pub(super) fn groups(scan: &Scan<'_, '_>, progress: &dyn Progress) -> Result<Vec<Group>> {
    let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
    // Each block's buckets, kept from window to window (fresh memory each
    // time would cost as much again in page faults).
    let mut scattered: Vec<Vec<Bucket>> = Vec::new();
    for window in chunks(scan.table.rows.clone(), WINDOW) {
        let blocks: Vec<Range<u64>> = chunks(window, BLOCK).collect();
        scattered.resize_with(scattered.len().max(blocks.len()), Vec::new);
        let used = &mut scattered[..blocks.len()];
        blocks
            .par_iter()
            .zip(used.par_iter_mut())
            .try_for_each(|(rows, buckets)| scatter(scan, rows.clone(), progress, buckets))?;
        let used = &scattered[..blocks.len()];
        parts
            .par_iter_mut()
            .enumerate()
            .try_for_each(|(p, part)| used.iter().filter_map(|buckets| buckets.get(p)).try_for_each(|b| part.add(b)))?;
    }
    // Sorted by key before the summaries are made, so that they are made
    // (and later printed) in order.
    let mut index: Vec<(Key, u32, u32)> = parts
        .iter()
        .enumerate()
        .flat_map(|(p, part)| part.keys.entries().map(move |(k, g)| (k, p as u32, g as u32)))
        .collect();
    index.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(index
        .into_iter()
        .map(|(key, p, g)| {
            let part = &parts[p as usize];
            let g = g as usize;
            Group { key, key_at: part.keys.key_at(g), summaries: part.runs.iter().map(|r| r.summary(g)).collect() }
        })
        .collect())
}

/// Sort the passing rows of `rows` into `buckets` by key partition (made
/// at the first passing row, emptied first if there are some).
fn scatter(scan: &Scan<'_, '_>, rows: Range<u64>, progress: &dyn Progress, buckets: &mut Vec<Bucket>) -> Result<()> {
    buckets.iter_mut().for_each(Bucket::clear);
    let (mut mask, mut picked) = (Vec::new(), Vec::new());
    let mut part: Vec<u8> = Vec::with_capacity(LANE as usize);
    for chunk in chunks(rows, LANE) {
        let n = (chunk.end - chunk.start) as usize;
        let Some(c) = read_chunk(scan, chunk, &mut mask, &mut picked)? else {
            progress.advance(n as u64);
            continue;
        };
        if buckets.is_empty() {
            *buckets = new_buckets(&c.lanes)?;
        }
        let rows: &mut dyn Iterator<Item = usize> = if c.all { &mut (0..n) } else { &mut picked.iter().copied() };
        part.clear();
        match &c.keys {
            KeyLane::Small(v) => {
                for i in rows {
                    let p = part_small(v[i]);
                    let b = &mut buckets[p];
                    b.small.push(v[i]);
                    b.at.push(c.addrs.get(i));
                    part.push(p as u8);
                }
            }
            KeyLane::Strings(s) => {
                for i in rows {
                    let k = s.get(i);
                    let p = part_bytes(k);
                    let b = &mut buckets[p];
                    b.bytes.extend_from_slice(k);
                    b.ends.push(b.bytes.len());
                    b.at.push(c.addrs.get(i));
                    part.push(p as u8);
                }
            }
        }
        for (col, lane) in c.lanes.iter().enumerate() {
            match lane {
                Lane::Float(v) => spread(buckets, &part, v, &picked, c.all, col, |vals, x| match vals {
                    Vals::Float(out) => out.push(x),
                    Vals::Int(_) => unreachable!("a float column's values are floats"),
                }),
                Lane::Int(v) => spread(buckets, &part, v, &picked, c.all, col, |vals, x| match vals {
                    Vals::Int(out) => out.push(x),
                    Vals::Float(_) => unreachable!("an integer column's values are integers"),
                }),
                _ => return Err(Error::usage("internal: a column changed type")),
            }
        }
        progress.advance(n as u64);
    }
    Ok(())
}

/// Empty buckets for values of the types of `lanes`, with room for a
/// block's rows spread evenly.
fn new_buckets(lanes: &[Lane]) -> Result<Vec<Bucket>> {
    let room = (BLOCK as usize / PARTS) * 5 / 4;
    let vals = || -> Result<Vec<Vals>> {
        lanes
            .iter()
            .map(|l| match l {
                Lane::Float(_) => Ok(Vals::Float(Vec::with_capacity(room))),
                Lane::Int(_) => Ok(Vals::Int(Vec::with_capacity(room))),
                _ => Err(Error::usage("internal: a column is not numeric")),
            })
            .collect()
    };
    (0..PARTS).map(|_| Ok(Bucket { vals: vals()?, at: Vec::with_capacity(room), ..Bucket::default() })).collect()
}

impl Bucket {
    /// Empty, keeping the memory.
    fn clear(&mut self) {
        self.small.clear();
        self.bytes.clear();
        self.ends.clear();
        self.at.clear();
        for v in &mut self.vals {
            match v {
                Vals::Float(x) => x.clear(),
                Vals::Int(x) => x.clear(),
            }
        }
    }
}

/// Append each (picked) row's value of column `col` to its partition's bucket.
#[inline]
fn spread<T: Copy>(
    buckets: &mut [Bucket],
    part: &[u8],
    values: &[T],
    picked: &[usize],
    all: bool,
    col: usize,
    push: impl Fn(&mut Vals, T),
) {
    if all {
        for (&p, &x) in part.iter().zip(values) {
            push(&mut buckets[p as usize].vals[col], x);
        }
    } else {
        for (&p, &i) in part.iter().zip(picked) {
            push(&mut buckets[p as usize].vals[col], values[i]);
        }
    }
}

impl Part {
    /// Add a bucket's rows (later rows than any added before).
    fn add(&mut self, b: &Bucket) -> Result<()> {
        if b.at.is_empty() {
            return Ok(());
        }
        if self.runs.is_empty() {
            self.runs = b
                .vals
                .iter()
                .map(|v| match v {
                    Vals::Float(_) => Runs::Float(Vec::new()),
                    Vals::Int(_) => Runs::Int(Vec::new()),
                })
                .collect();
        }
        let Part { keys, runs, groups } = self;
        groups.clear();
        let mut group = |found: (usize, bool)| {
            if found.1 {
                runs.iter_mut().for_each(Runs::grow);
            }
            groups.push(found.0 as u32);
        };
        if b.ends.is_empty() {
            for (&k, &at) in b.small.iter().zip(&b.at) {
                group(keys.small(k, || at));
            }
        } else {
            let mut start = 0;
            for (&end, &at) in b.ends.iter().zip(&b.at) {
                group(keys.bytes(&b.bytes[start..end], || at));
                start = end;
            }
        }
        for (r, vals) in runs.iter_mut().zip(&b.vals) {
            match (r, vals) {
                (Runs::Float(acc), Vals::Float(v)) => add_each(acc, groups, v, &[], true, FloatRun::add),
                (Runs::Int(acc), Vals::Int(v)) => add_each(acc, groups, v, &[], true, IntRun::add),
                _ => return Err(Error::usage("internal: a column changed type")),
            }
        }
        Ok(())
    }
}
