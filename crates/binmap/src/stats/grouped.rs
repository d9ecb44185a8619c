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
//! With very many groups (more than [`MANY`] in the first segment: a
//! million distinct keys), every segment would hold nearly every key and
//! the merges would cost as much as the scan. The rows after the first
//! segment then go to one task per key partition instead: each task reads
//! every row and aggregates the keys of its partition (by a hash of the
//! key), so each key is still summed in row order, whatever the number of
//! partitions, and merged once, with the first segment's summary.
//!
//! Nothing is done per chunk for every group: 4,096 names cost about what
//! seven do. A million keys cost more per row, in cache misses (each row
//! reaches a random accumulator of a table of tens of MB).

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use super::summary::{FloatRun, IntRun, Summary};
use super::{Group, Key, KeyLane, Scan};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::query::table::{LANE, Lane, chunks, picked as picked_rows};
use crate::select::Seg;

/// Rows per segment (one hash table each, merged once into the total).
const SEGMENT: u64 = 1 << 22;
/// When the first segment finds more groups than this, the other rows are
/// aggregated by key partitions instead of segments (see [`groups`]).
const MANY: usize = 1 << 16;
/// A row whose key belongs to another partition.
const SKIP: u32 = u32::MAX;

/// The partition (of `of`) of a key's hash.
#[inline]
fn partition(h: u64, of: usize) -> usize {
    ((h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) % of as u64) as usize
}

/// Groups by key: each key's group number; per group, where its key is
/// in its first row.
#[derive(Default)]
struct Keys {
    small: HashMap<u128, u32, FxBuildHasher>,
    bytes: HashMap<Box<[u8]>, u32, FxBuildHasher>,
    key_at: Vec<u64>,
}

impl Keys {
    #[inline]
    fn small(&mut self, k: u128, at: u64) -> (usize, bool) {
        let next = self.key_at.len() as u32;
        let g = *self.small.entry(k).or_insert(next);
        if g == next {
            self.key_at.push(at);
        }
        (g as usize, g == next)
    }

    #[inline]
    fn bytes(&mut self, k: &[u8], at: u64) -> (usize, bool) {
        if let Some(&g) = self.bytes.get(k) {
            return (g as usize, false);
        }
        let g = self.key_at.len() as u32;
        self.bytes.insert(k.into(), g);
        self.key_at.push(at);
        (g as usize, true)
    }

    /// Every key with its group number.
    fn entries(&self) -> impl Iterator<Item = (Key, usize)> + '_ {
        let small = self.small.iter().map(|(&k, &g)| (Key::Small(k), g as usize));
        small.chain(self.bytes.iter().map(|(k, &g)| (Key::Bytes(k.to_vec()), g as usize)))
    }
}

/// One column's accumulators, one per group.
enum Runs {
    Float(Vec<FloatRun>),
    Int(Vec<IntRun>),
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
    let mut segments: Vec<Range<u64>> = chunks(all.clone(), SEGMENT).collect();
    // The first segment alone: with many groups, segments would each hold
    // nearly every key and merging them would cost as much as the scan. The
    // other rows then go to one task per key partition, each reading every
    // row and keeping its keys: each key is still summed in row order, so
    // the result does not depend on the number of threads, and each key is
    // merged once.
    let mut partitioned = false;
    let mut start = 0;
    if segments.len() > 1 {
        let first = segment(scan, segments[0].clone(), progress, (0, 1))?;
        partitioned = first.keys.key_at.len() > MANY;
        if partitioned {
            segments = vec![segments[0].start..segments[0].end, segments[0].end..all.end];
        }
        start = 1;
        absorb(&mut keys, &mut total, first);
    }
    let rest: Vec<Result<Segment>> = if partitioned {
        let rows = segments[1].clone();
        (0..threads).into_par_iter().map(|p| segment(scan, rows.clone(), progress, (p, threads))).collect()
    } else {
        Vec::new()
    };
    for part in rest {
        absorb(&mut keys, &mut total, part?);
    }
    let windows = if partitioned { &[][..] } else { &segments[start..] };
    for window in windows.chunks(threads) {
        let parts: Vec<Result<Segment>> =
            window.par_iter().map(|rows| segment(scan, rows.clone(), progress, (0, 1))).collect();
        for part in parts {
            absorb(&mut keys, &mut total, part?);
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
    let summary = |runs: &Runs, g: usize| match runs {
        Runs::Float(v) => v[g].summary(),
        Runs::Int(v) => v[g].summary(),
    };
    if keys.key_at.is_empty() {
        // The first segment: its table becomes the total's.
        for (c, runs) in part.runs.iter().enumerate() {
            total[c] = (0..part.keys.key_at.len()).map(|g| summary(runs, g)).collect();
        }
        *keys = part.keys;
        return;
    }
    let mut merge = |tg: usize, new: bool, g: usize| {
        for (c, runs) in part.runs.iter().enumerate() {
            let s = summary(runs, g);
            if new {
                total[c].push(s);
            } else {
                total[c][tg].merge(&s);
            }
        }
    };
    for (&k, &g) in &part.keys.small {
        let (tg, new) = keys.small(k, part.keys.key_at[g as usize]);
        merge(tg, new, g as usize);
    }
    for (k, &g) in &part.keys.bytes {
        let (tg, new) = keys.bytes(k, part.keys.key_at[g as usize]);
        merge(tg, new, g as usize);
    }
}

/// Aggregate one segment of rows: of every key, or (`part` = (p, of)) of
/// the keys of partition p only.
fn segment(scan: &Scan<'_, '_>, rows: Range<u64>, progress: &dyn Progress, part: (usize, usize)) -> Result<Segment> {
    let (me, of) = part;
    let mine_small = |k: u128| of <= 1 || partition(k as u64 ^ (k >> 64) as u64, of) == me;
    let mine_bytes = |b: &[u8]| {
        of <= 1
            || partition(
                b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3)),
                of,
            ) == me
    };
    // Each partition reads every row: one of them reports the progress.
    let progress: &dyn Progress = if me == 0 { progress } else { &() };
    let Some(by) = scan.by else { return Err(Error::usage("internal: grouping without --by")) };
    let mut keys = Keys::default();
    let mut runs: Vec<Runs> = Vec::with_capacity(scan.columns.len());
    let (mut mask, mut picked) = (Vec::new(), Vec::new());
    let mut groups: Vec<u32> = Vec::with_capacity(LANE as usize);
    let mut first = true;
    for chunk in chunks(rows, LANE) {
        let n = (chunk.end - chunk.start) as usize;
        let lanes: Vec<Lane> = scan
            .columns
            .iter()
            .map(|col| col.load(scan.table.data, &scan.table.addresses(col, chunk.clone())?))
            .collect::<Result<_>>()?;
        if first {
            for (col, lane) in scan.columns.iter().zip(&lanes) {
                runs.push(match lane {
                    Lane::Float(_) => Runs::Float(Vec::new()),
                    Lane::Int(_) => Runs::Int(Vec::new()),
                    _ => return Err(Error::usage(format!("internal: '{}' is not numeric", col.name))),
                });
            }
            first = false;
        }
        let all = match scan.filter {
            Some(f) => {
                let given: Vec<(&[Seg], &Lane)> = scan.columns.iter().map(|c| c.path.as_slice()).zip(&lanes).collect();
                mask.clear();
                f.mask_with(chunk.clone(), &mut mask, &given)?;
                picked_rows(&mask, &mut picked);
                if picked.is_empty() {
                    progress.advance(n as u64);
                    continue;
                }
                false
            }
            None => true,
        };
        let addrs = scan.table.addresses(by, chunk.clone())?;
        let lane = KeyLane::load(by, scan.table.data, &addrs)?;
        // The group of each row (of each picked row), new groups given accumulators.
        groups.clear();
        let grow = |new: bool, runs: &mut Vec<Runs>| {
            if new {
                for r in runs.iter_mut() {
                    match r {
                        Runs::Float(v) => v.push(FloatRun::default()),
                        Runs::Int(v) => v.push(IntRun::default()),
                    }
                }
            }
        };
        let rows: &mut dyn Iterator<Item = usize> = if all { &mut (0..n) } else { &mut picked.iter().copied() };
        match &lane {
            KeyLane::Small(v) => {
                // Runs of equal keys (sorted or clustered data) skip the look-up.
                let mut last: Option<(u128, u32)> = None;
                for i in rows {
                    let k = v[i];
                    if !mine_small(k) {
                        groups.push(SKIP);
                        continue;
                    }
                    let g = match last {
                        Some((lk, lg)) if lk == k => lg,
                        _ => {
                            let (g, new) = keys.small(k, addrs.get(i));
                            grow(new, &mut runs);
                            last = Some((k, g as u32));
                            g as u32
                        }
                    };
                    groups.push(g);
                }
            }
            KeyLane::Strings(s) => {
                for i in rows {
                    if !mine_bytes(s.get(i)) {
                        groups.push(SKIP);
                        continue;
                    }
                    let (g, new) = keys.bytes(s.get(i), addrs.get(i));
                    grow(new, &mut runs);
                    groups.push(g as u32);
                }
            }
        }
        for (r, lane) in runs.iter_mut().zip(&lanes) {
            match (r, lane) {
                (Runs::Float(acc), Lane::Float(v)) => {
                    if all {
                        for (&g, &x) in groups.iter().zip(v) {
                            if g != SKIP {
                                acc[g as usize].add(x);
                            }
                        }
                    } else {
                        for (&g, &i) in groups.iter().zip(&picked) {
                            if g != SKIP {
                                acc[g as usize].add(v[i]);
                            }
                        }
                    }
                }
                (Runs::Int(acc), Lane::Int(v)) => {
                    if all {
                        for (&g, &x) in groups.iter().zip(v) {
                            if g != SKIP {
                                acc[g as usize].add(x);
                            }
                        }
                    } else {
                        for (&g, &i) in groups.iter().zip(&picked) {
                            if g != SKIP {
                                acc[g as usize].add(v[i]);
                            }
                        }
                    }
                }
                _ => return Err(Error::usage("internal: a column changed type")),
            }
        }
        progress.advance(n as u64);
    }
    Ok(Segment { keys, runs })
}
