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
//! Nothing is done per chunk for every group: 4,096 names or a million
//! integer keys cost the same per row (bar cache misses) as seven.

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
    let segments: Vec<Range<u64>> = chunks(scan.table.rows.clone(), SEGMENT).collect();
    let ncols = scan.columns.len();
    let mut keys = Keys::default();
    let mut total: Vec<Vec<Summary>> = vec![Vec::new(); ncols];
    for window in segments.chunks(rayon::current_num_threads().max(1)) {
        let parts: Vec<Result<Segment>> = window.par_iter().map(|rows| segment(scan, rows.clone(), progress)).collect();
        for part in parts {
            let part = part?;
            let summary = |runs: &Runs, g: usize| match runs {
                Runs::Float(v) => v[g].summary(),
                Runs::Int(v) => v[g].summary(),
            };
            if keys.key_at.is_empty() {
                // The first segment: its table becomes the total's.
                for (c, runs) in part.runs.iter().enumerate() {
                    total[c] = (0..part.keys.key_at.len()).map(|g| summary(runs, g)).collect();
                }
                keys = part.keys;
                continue;
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

/// Aggregate one segment of rows.
fn segment(scan: &Scan<'_, '_>, rows: Range<u64>, progress: &dyn Progress) -> Result<Segment> {
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
                            acc[g as usize].add(x);
                        }
                    } else {
                        for (&g, &i) in groups.iter().zip(&picked) {
                            acc[g as usize].add(v[i]);
                        }
                    }
                }
                (Runs::Int(acc), Lane::Int(v)) => {
                    if all {
                        for (&g, &x) in groups.iter().zip(v) {
                            acc[g as usize].add(x);
                        }
                    } else {
                        for (&g, &i) in groups.iter().zip(&picked) {
                            acc[g as usize].add(v[i]);
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
