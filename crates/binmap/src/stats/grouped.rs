//! `stats --by`: hash aggregation.
//!
//! The rows are cut into segments of [`SEGMENT`] rows, a fixed size (not
//! one per thread), so that the result does not depend on the number of
//! threads. Each segment runs on one thread: a hash table from key to
//! group, and per group and column an accumulator updated a row at a time
//! ([`FloatRun`], [`IntRun`]: compensated sums, running deviations), so a
//! row costs one hash look-up and a few operations whatever the number of
//! groups. Segments are then merged in row order, once each, into the
//! total ([`Summary::merge`]: Chan's formula, compensated sums).
//!
//! With very many groups (the first segment reaches [`MANY`] keys: a
//! million distinct keys), every segment would hold nearly every key, and
//! each row would reach a random accumulator in tables of tens of MB. The
//! first segment is then abandoned and all rows go through [`super::radix`]
//! instead: partitioned by a hash of the key first, then aggregated a
//! partition at a time in tables that stay in cache.
//!
//! Nothing is done per chunk for every group: 4,096 names cost about what
//! seven do.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use super::summary::{FloatRun, IntRun, Summary};
use super::{Group, Key, KeyLane, Scan};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::query::table::{Addrs, LANE, Lane, chunks, picked as picked_rows};
use crate::select::Seg;

/// Rows per segment (one hash table each, merged once into the total).
const SEGMENT: u64 = 1 << 22;
/// When the first segment reaches this many groups, all rows are
/// aggregated by [`super::radix`] instead of by segments.
const MANY: usize = 1 << 16;

/// Groups by key: each key's group number; per group, where its key is
/// in its first row.
#[derive(Default)]
pub(super) struct Keys {
    small: HashMap<u128, u32, FxBuildHasher>,
    bytes: HashMap<Box<[u8]>, u32, FxBuildHasher>,
    key_at: Vec<u64>,
}

impl Keys {
    /// The group of key `k` (whose value is at `at`), and whether it is new.
    #[inline]
    pub(super) fn small(&mut self, k: u128, at: impl FnOnce() -> u64) -> (usize, bool) {
        let next = self.key_at.len() as u32;
        let g = *self.small.entry(k).or_insert(next);
        if g == next {
            self.key_at.push(at());
        }
        (g as usize, g == next)
    }

    /// The group of the byte-string key `k`, and whether it is new.
    #[inline]
    pub(super) fn bytes(&mut self, k: &[u8], at: impl FnOnce() -> u64) -> (usize, bool) {
        if let Some(&g) = self.bytes.get(k) {
            return (g as usize, false);
        }
        let g = self.key_at.len() as u32;
        self.bytes.insert(k.into(), g);
        self.key_at.push(at());
        (g as usize, true)
    }

    /// Number of groups.
    pub(super) fn len(&self) -> usize {
        self.key_at.len()
    }

    /// Every key with its group number.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Key, usize)> + '_ {
        let small = self.small.iter().map(|(&k, &g)| (Key::Small(k), g as usize));
        small.chain(self.bytes.iter().map(|(k, &g)| (Key::Bytes(k.to_vec()), g as usize)))
    }

    /// Where group `g`'s key is in its first row.
    pub(super) fn key_at(&self, g: usize) -> u64 {
        self.key_at[g]
    }
}

/// One column's accumulators, one per group.
pub(super) enum Runs {
    Float(Vec<FloatRun>),
    Int(Vec<IntRun>),
}

impl Runs {
    /// Accumulators (none yet) for each column of `lanes`.
    pub(super) fn for_lanes(scan: &Scan<'_, '_>, lanes: &[Lane]) -> Result<Vec<Runs>> {
        scan.columns
            .iter()
            .zip(lanes)
            .map(|(col, lane)| match lane {
                Lane::Float(_) => Ok(Runs::Float(Vec::new())),
                Lane::Int(_) => Ok(Runs::Int(Vec::new())),
                _ => Err(Error::usage(format!("internal: '{}' is not numeric", col.name))),
            })
            .collect()
    }

    /// One more group.
    #[inline]
    pub(super) fn grow(&mut self) {
        match self {
            Runs::Float(v) => v.push(FloatRun::default()),
            Runs::Int(v) => v.push(IntRun::default()),
        }
    }

    /// Group `g`'s summary.
    pub(super) fn summary(&self, g: usize) -> Summary {
        match self {
            Runs::Float(v) => v[g].summary(),
            Runs::Int(v) => v[g].summary(),
        }
    }
}

/// One chunk of rows as the aggregation reads it: the value lanes (one
/// per column), the keys, where the keys are, and whether every row passes
/// the filter (else the passing rows are in the caller's `picked`).
pub(super) struct ChunkRows {
    pub lanes: Vec<Lane>,
    pub keys: KeyLane,
    pub addrs: Addrs,
    pub all: bool,
}

/// Read `chunk`: `None` when no row of it passes the filter.
pub(super) fn read_chunk(
    scan: &Scan<'_, '_>,
    chunk: Range<u64>,
    mask: &mut Vec<bool>,
    picked: &mut Vec<usize>,
) -> Result<Option<ChunkRows>> {
    let Some(by) = scan.by else { return Err(Error::usage("internal: grouping without --by")) };
    let lanes: Vec<Lane> = scan
        .columns
        .iter()
        .map(|col| col.load(scan.table.data, &scan.table.addresses(col, chunk.clone())?))
        .collect::<Result<_>>()?;
    let all = match scan.filter {
        Some(f) => {
            let given: Vec<(&[Seg], &Lane)> = scan.columns.iter().map(|c| c.path.as_slice()).zip(&lanes).collect();
            mask.clear();
            f.mask_with(chunk.clone(), mask, &given)?;
            picked_rows(mask, picked);
            if picked.is_empty() {
                return Ok(None);
            }
            false
        }
        None => true,
    };
    let addrs = scan.table.addresses(by, chunk)?;
    let keys = KeyLane::load(by, scan.table.data, &addrs)?;
    Ok(Some(ChunkRows { lanes, keys, addrs, all }))
}

/// One segment's groups.
struct Segment {
    keys: Keys,
    runs: Vec<Runs>,
}

/// The groups of `scan`'s rows (in no particular order: the caller sorts them).
pub(super) fn groups(scan: &Scan<'_, '_>, progress: &dyn Progress) -> Result<Vec<Group>> {
    let all = scan.table.rows.clone();
    let ncols = scan.columns.len();
    let mut keys = Keys::default();
    let mut total: Vec<Vec<Summary>> = vec![Vec::new(); ncols];
    let threads = rayon::current_num_threads().max(1);
    let segments: Vec<Range<u64>> = chunks(all.clone(), SEGMENT).collect();
    // The first segment alone, given up as soon as it holds MANY keys: then
    // segments would each hold nearly every key, and all rows are
    // partitioned by key instead. The choice depends on the data only, not
    // on the number of threads.
    let mut start = 0;
    if segments.len() > 1 {
        let Some(first) = segment(scan, segments[0].clone(), &(), Some(MANY))? else {
            return super::radix::groups(scan, progress);
        };
        progress.advance(segments[0].end - segments[0].start);
        absorb(&mut keys, &mut total, first);
        start = 1;
    }
    for window in segments[start..].chunks(threads) {
        let parts: Vec<Result<Option<Segment>>> =
            window.par_iter().map(|rows| segment(scan, rows.clone(), progress, None)).collect();
        for part in parts {
            if let Some(part) = part? {
                absorb(&mut keys, &mut total, part);
            }
        }
    }
    Ok(keys
        .entries()
        .map(|(key, g)| Group {
            key,
            key_at: keys.key_at[g],
            summaries: total.iter().map(|col| col.get(g).cloned().unwrap_or_default()).collect(),
        })
        .collect())
}

/// Merge a segment's groups (later rows) into the total.
fn absorb(keys: &mut Keys, total: &mut [Vec<Summary>], part: Segment) {
    if keys.key_at.is_empty() {
        // The first segment: its table becomes the total's.
        for (c, runs) in part.runs.iter().enumerate() {
            total[c] = (0..part.keys.len()).map(|g| runs.summary(g)).collect();
        }
        *keys = part.keys;
        return;
    }
    let mut merge = |tg: usize, new: bool, g: usize| {
        for (c, runs) in part.runs.iter().enumerate() {
            let s = runs.summary(g);
            if new {
                total[c].push(s);
            } else {
                total[c][tg].merge(&s);
            }
        }
    };
    for (&k, &g) in &part.keys.small {
        let (tg, new) = keys.small(k, || part.keys.key_at[g as usize]);
        merge(tg, new, g as usize);
    }
    for (k, &g) in &part.keys.bytes {
        let (tg, new) = keys.bytes(k, || part.keys.key_at[g as usize]);
        merge(tg, new, g as usize);
    }
}

/// Aggregate one segment of rows; `None` once it holds more than `limit`
/// groups.
fn segment(
    scan: &Scan<'_, '_>,
    rows: Range<u64>,
    progress: &dyn Progress,
    limit: Option<usize>,
) -> Result<Option<Segment>> {
    let limit = limit.unwrap_or(usize::MAX);
    let mut keys = Keys::default();
    let mut runs: Vec<Runs> = Vec::new();
    let (mut mask, mut picked) = (Vec::new(), Vec::new());
    let mut groups: Vec<u32> = Vec::with_capacity(LANE as usize);
    for chunk in chunks(rows, LANE) {
        let n = (chunk.end - chunk.start) as usize;
        let Some(c) = read_chunk(scan, chunk, &mut mask, &mut picked)? else {
            progress.advance(n as u64);
            continue;
        };
        if runs.is_empty() {
            runs = Runs::for_lanes(scan, &c.lanes)?;
        }
        // The group of each row (of each picked row), new groups given accumulators.
        groups.clear();
        let rows: &mut dyn Iterator<Item = usize> = if c.all { &mut (0..n) } else { &mut picked.iter().copied() };
        match &c.keys {
            KeyLane::Small(v) => {
                // Runs of equal keys (sorted or clustered data) skip the look-up.
                let mut last: Option<(u128, u32)> = None;
                for i in rows {
                    let k = v[i];
                    let g = match last {
                        Some((lk, lg)) if lk == k => lg,
                        _ => {
                            let (g, new) = keys.small(k, || c.addrs.get(i));
                            if new {
                                runs.iter_mut().for_each(Runs::grow);
                            }
                            last = Some((k, g as u32));
                            g as u32
                        }
                    };
                    groups.push(g);
                }
            }
            KeyLane::Strings(s) => {
                for i in rows {
                    let (g, new) = keys.bytes(s.get(i), || c.addrs.get(i));
                    if new {
                        runs.iter_mut().for_each(Runs::grow);
                    }
                    groups.push(g as u32);
                }
            }
        }
        if keys.len() > limit {
            return Ok(None);
        }
        for (r, lane) in runs.iter_mut().zip(&c.lanes) {
            match (r, lane) {
                (Runs::Float(acc), Lane::Float(v)) => add_each(acc, &groups, v, &picked, c.all, FloatRun::add),
                (Runs::Int(acc), Lane::Int(v)) => add_each(acc, &groups, v, &picked, c.all, IntRun::add),
                _ => return Err(Error::usage("internal: a column changed type")),
            }
        }
        progress.advance(n as u64);
    }
    Ok(Some(Segment { keys, runs }))
}

/// Add `values[i]` (each row, or each picked row) to the accumulator of its group.
#[inline]
pub(super) fn add_each<A, T: Copy>(
    acc: &mut [A],
    groups: &[u32],
    values: &[T],
    picked: &[usize],
    all: bool,
    add: impl Fn(&mut A, T),
) {
    if all {
        for (&g, &x) in groups.iter().zip(values) {
            add(&mut acc[g as usize], x);
        }
    } else {
        for (&g, &i) in groups.iter().zip(picked) {
            add(&mut acc[g as usize], values[i]);
        }
    }
}
