//! The numbers a plot draws, read straight from the map with the same
//! machinery as `stats` and `select` ([`binmap::query::table`]: a table's
//! columns decoded a lane of rows at a time, `--where` as a
//! [`Predicate`] mask, `--rows` applied to the table).
//!
//! Two passes over the rows, both on all cores. The first ([`summarise`])
//! finds the count, the ranges and the `--by` groups. The second either
//! collects the points (small data: [`collect`]) or aggregates them into
//! a grid of the plot's pixels ([`scatter_grid`], [`line_grid`],
//! [`histogram`], [`image`]), the way datashader does: 50 M points cost
//! two scans and a few megabytes, never 50 M markers. Every aggregate is
//! an integer (counts, colour values quantised to 16 bits and summed as
//! integers), so the result does not depend on how the rows were split
//! between threads: the same input gives the same bytes.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;

use binmap::progress::Progress;
use binmap::query::Predicate;
use binmap::query::table::{ColumnRef, LANE, Lane, LeafType, Table, chunks, picked};
use binmap::{Error, Result};

/// Rows per parallel block.
const BLOCK: u64 = 1 << 16;

/// At most this many `--by` groups (one colour of tab10 each).
pub const MAX_GROUPS: usize = 10;

/// A column to plot: its table (its own `--rows` applied) and the leaf.
pub struct Col<'m> {
    pub table: Table<'m>,
    pub col: ColumnRef<'m>,
    /// The path as the user wrote it, for labels.
    pub label: String,
}

impl<'m> Col<'m> {
    /// The column at `path` (`log.x`), checked to be numeric (or, for
    /// `--by`, integers, strings or bools).
    pub fn new(map: &'m binmap::Map<'_>, path: &str, rows: Option<binmap::select::Rows>, key: bool) -> Result<Col<'m>> {
        let (table, cols) = Table::for_paths(map, &[path.to_string()], rows)?;
        let col = table.column(&cols[0])?;
        let ok = match col.leaf_type() {
            Some(LeafType::Int(_) | LeafType::Float(_) | LeafType::Bool) => true,
            Some(LeafType::Str) => key,
            _ => false,
        };
        if !ok {
            let what = if key { "integers, strings or bools" } else { "integer or float fields" };
            let opt = if key { "--by" } else { "plot" };
            return Err(Error::usage(format!("'{path}' is not a number: {opt} needs {what}")));
        }
        Ok(Col { table, col, label: path.to_string() })
    }

    /// Number of rows.
    pub fn len(&self) -> u64 {
        self.table.len()
    }

    /// The values of rows `k` (counted from the first selected row).
    fn load(&self, k: Range<u64>) -> Result<Lane> {
        let s = self.table.rows.start;
        let addrs = self.table.addresses(&self.col, s + k.start..s + k.end)?;
        self.col.load(self.table.data, &addrs)
    }

    /// The values of rows `k` as floats, in `out`.
    fn floats(&self, k: Range<u64>, out: &mut Vec<f64>) -> Result<()> {
        out.clear();
        match self.load(k)? {
            Lane::Float(v) => *out = v,
            Lane::Int(v) => out.extend(v.into_iter().map(|i| i as f64)),
            Lane::Bool(v) => out.extend(v.into_iter().map(|b| f64::from(u8::from(b)))),
            Lane::Str(_) => return Err(Error::usage(format!("'{}' is not a number", self.label))),
        }
        Ok(())
    }
}

/// A `--by` key, ordered as `stats --by` orders groups.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Int(i128),
    Bytes(Vec<u8>),
}

impl Key {
    /// The key as a legend shows it.
    pub fn text(&self) -> String {
        match self {
            Key::Int(i) => i.to_string(),
            Key::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        }
    }
}

/// What is plotted: x (or the row number), one or more y, a colour value,
/// a group, over the rows a `--where` keeps.
pub struct Source<'m> {
    pub n: u64,
    /// The row number of the first row (x when there is no `--x`).
    pub row0: u64,
    pub x: Option<Col<'m>>,
    pub ys: Vec<Col<'m>>,
    pub c: Option<Col<'m>>,
    pub by: Option<Col<'m>>,
    /// The condition, on the first column's table.
    pub filter: Option<(Predicate<'m>, Table<'m>)>,
}

/// The rows of one chunk that pass the filter and have finite values in
/// every column, column by column.
#[derive(Default)]
struct Chunk {
    x: Vec<f64>,
    ys: Vec<Vec<f64>>,
    c: Vec<f64>,
    keys: Vec<Key>,
    // scratch
    mask: Vec<bool>,
    picked: Vec<usize>,
    tmp: Vec<f64>,
    keep: Vec<bool>,
}

impl<'m> Source<'m> {
    /// Build a source from its columns: all must have the same number of rows.
    pub fn new(
        x: Option<Col<'m>>,
        ys: Vec<Col<'m>>,
        c: Option<Col<'m>>,
        by: Option<Col<'m>>,
        condition: Option<&str>,
    ) -> Result<Source<'m>> {
        let all: Vec<&Col<'m>> = x.iter().chain(&ys).chain(&c).chain(&by).collect();
        let Some(first) = all.first() else {
            return Err(Error::usage("nothing to plot: give --y (and --x), or a path"));
        };
        let n = first.len();
        let row0 = first.table.rows.start;
        for c in &all[1..] {
            if c.len() != n {
                return Err(Error::usage(format!(
                    "columns of different lengths: {} has {} rows but {} has {}",
                    first.label,
                    n,
                    c.label,
                    c.len()
                )));
            }
        }
        let filter = match condition {
            Some(w) => Some((Predicate::new(w, &first.table)?, first.table.clone())),
            None => None,
        };
        Ok(Source { n, row0, x, ys, c, by, filter })
    }

    /// Read rows `k` into `ch`: the rows that pass and are finite.
    fn read(&self, k: Range<u64>, ch: &mut Chunk) -> Result<()> {
        let len = (k.end - k.start) as usize;
        ch.picked.clear();
        let all = match &self.filter {
            Some((p, t)) => {
                ch.mask.clear();
                let s = t.rows.start;
                p.mask(s + k.start..s + k.end, &mut ch.mask)?;
                picked(&ch.mask, &mut ch.picked);
                false
            }
            None => {
                ch.picked.extend(0..len);
                true
            }
        };
        // Every row: decode straight into the output; else gather the picked rows.
        let fetch = |col: &Col<'m>, tmp: &mut Vec<f64>, picked: &[usize], out: &mut Vec<f64>| {
            if all {
                col.floats(k.clone(), out)
            } else {
                col.floats(k.clone(), tmp)?;
                out.clear();
                out.extend(picked.iter().map(|&i| tmp[i]));
                Ok(())
            }
        };
        match &self.x {
            Some(x) => fetch(x, &mut ch.tmp, &ch.picked, &mut ch.x)?,
            None => {
                ch.x.clear();
                ch.x.extend(ch.picked.iter().map(|&i| (self.row0 + k.start + i as u64) as f64));
            }
        }
        ch.ys.resize_with(self.ys.len(), Vec::new);
        for (y, out) in self.ys.iter().zip(ch.ys.iter_mut()) {
            fetch(y, &mut ch.tmp, &ch.picked, out)?;
        }
        match &self.c {
            Some(c) => fetch(c, &mut ch.tmp, &ch.picked, &mut ch.c)?,
            None => ch.c.clear(),
        }
        ch.keys.clear();
        if let Some(by) = &self.by {
            match by.load(k.clone())? {
                Lane::Int(v) => ch.keys.extend(ch.picked.iter().map(|&i| Key::Int(v[i]))),
                Lane::Bool(v) => ch.keys.extend(ch.picked.iter().map(|&i| Key::Int(i128::from(v[i])))),
                Lane::Str(s) => ch.keys.extend(ch.picked.iter().map(|&i| Key::Bytes(s.get(i).to_vec()))),
                Lane::Float(_) => return Err(Error::usage(format!("--by {}: float keys are not supported", by.label))),
            }
        }
        // Drop rows with a NaN or an infinity anywhere, as matplotlib does.
        let finite = |v: &[f64]| v.iter().fold(true, |a, x| a & x.is_finite());
        if finite(&ch.x) && ch.ys.iter().all(|y| finite(y)) && finite(&ch.c) {
            return Ok(());
        }
        ch.keep.clear();
        ch.keep.resize(ch.picked.len(), true);
        for v in std::iter::once(&ch.x).chain(&ch.ys).chain(std::iter::once(&ch.c)) {
            for (kp, x) in ch.keep.iter_mut().zip(v) {
                *kp &= x.is_finite();
            }
        }
        let keep = std::mem::take(&mut ch.keep);
        let compact = |v: &mut Vec<f64>| {
            if !v.is_empty() {
                let mut i = 0;
                v.retain(|_| {
                    i += 1;
                    keep[i - 1]
                });
            }
        };
        compact(&mut ch.x);
        ch.ys.iter_mut().for_each(compact);
        compact(&mut ch.c);
        if !ch.keys.is_empty() {
            let mut i = 0;
            ch.keys.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        ch.keep = keep;
        Ok(())
    }

    /// Run `f` on every block of rows on all cores, folding into `T`s that
    /// `merge` combines (in any order: results must not depend on it).
    fn fold<T: Send>(
        &self,
        progress: &dyn Progress,
        init: impl Fn() -> T + Sync + Send,
        f: impl Fn(&mut T, &Chunk, Range<u64>) -> Result<()> + Sync + Send,
        merge: impl Fn(T, T) -> T + Sync + Send,
    ) -> Result<T> {
        let blocks: Vec<Range<u64>> = chunks(0..self.n, BLOCK).collect();
        // A few accumulators per thread, not one per block: each may be a
        // grid of the plot's pixels.
        let per = blocks.len().div_ceil(4 * rayon::current_num_threads()).max(1);
        blocks
            .par_iter()
            .with_min_len(per)
            .try_fold(
                || (init(), Chunk::default()),
                |(mut acc, mut ch), block| {
                    for k in chunks(block.clone(), LANE) {
                        self.read(k.clone(), &mut ch)?;
                        f(&mut acc, &ch, k)?;
                    }
                    progress.advance(block.end - block.start);
                    Ok::<_, Error>((acc, ch))
                },
            )
            .map(|r| r.map(|(acc, _)| acc))
            .try_reduce_with(|a, b| Ok(merge(a, b)))
            .unwrap_or_else(|| Ok(init()))
    }
}

/// Min and max of some values.
#[derive(Clone, Copy, Debug)]
pub struct Range1 {
    pub lo: f64,
    pub hi: f64,
}

impl Default for Range1 {
    fn default() -> Range1 {
        Range1 { lo: f64::INFINITY, hi: f64::NEG_INFINITY }
    }
}

impl Range1 {
    fn add(&mut self, v: &[f64]) {
        // Finite values only (rows with NaNs are dropped before).
        let (mut lo, mut hi) = (self.lo, self.hi);
        for &x in v {
            lo = if x < lo { x } else { lo };
            hi = if x > hi { x } else { hi };
        }
        (self.lo, self.hi) = (lo, hi);
    }

    fn merge(self, o: Range1) -> Range1 {
        Range1 { lo: self.lo.min(o.lo), hi: self.hi.max(o.hi) }
    }
}

/// The first pass: how many rows, the ranges, the groups.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub count: u64,
    pub x: Range1,
    pub y: Range1,
    pub c: Range1,
    /// Rows per `--by` key (more than [`MAX_GROUPS`] keys: `too_many`).
    pub groups: BTreeMap<Key, u64>,
    pub too_many: bool,
}

/// Count the rows and find the ranges and groups.
pub fn summarise(src: &Source<'_>, progress: &dyn Progress) -> Result<Summary> {
    src.fold(
        progress,
        Summary::default,
        |s, ch, _| {
            s.count += ch.x.len() as u64;
            s.x.add(&ch.x);
            for y in &ch.ys {
                s.y.add(y);
            }
            s.c.add(&ch.c);
            if !s.too_many {
                for k in &ch.keys {
                    if let Some(n) = s.groups.get_mut(k) {
                        *n += 1;
                    } else if s.groups.len() < MAX_GROUPS {
                        s.groups.insert(k.clone(), 1);
                    } else {
                        s.too_many = true;
                    }
                }
            }
            Ok(())
        },
        |mut a, b| {
            a.count += b.count;
            a.x = a.x.merge(b.x);
            a.y = a.y.merge(b.y);
            a.c = a.c.merge(b.c);
            a.too_many |= b.too_many;
            for (k, n) in b.groups {
                *a.groups.entry(k).or_insert(0) += n;
            }
            if a.groups.len() > MAX_GROUPS {
                a.too_many = true;
            }
            a
        },
    )
}

/// The points of small data, in row order.
#[derive(Clone, Debug, Default)]
pub struct Points {
    pub x: Vec<f64>,
    pub ys: Vec<Vec<f64>>,
    pub c: Vec<f64>,
    /// Group index per point (into the sorted groups), when `--by`.
    pub g: Vec<u16>,
}

/// Every point, in row order (for small data).
pub fn collect(src: &Source<'_>, groups: &[Key], progress: &dyn Progress) -> Result<Points> {
    let blocks: Vec<Range<u64>> = chunks(0..src.n, BLOCK).collect();
    let parts: Vec<Result<Points>> = blocks
        .par_iter()
        .map(|block| {
            let mut ch = Chunk::default();
            let mut p = Points { ys: vec![Vec::new(); src.ys.len()], ..Points::default() };
            for k in chunks(block.clone(), LANE) {
                src.read(k, &mut ch)?;
                p.x.extend_from_slice(&ch.x);
                for (o, y) in p.ys.iter_mut().zip(&ch.ys) {
                    o.extend_from_slice(y);
                }
                p.c.extend_from_slice(&ch.c);
                p.g.extend(ch.keys.iter().map(|k| group_of(groups, k)));
            }
            progress.advance(block.end - block.start);
            Ok(p)
        })
        .collect();
    let mut all = Points { ys: vec![Vec::new(); src.ys.len()], ..Points::default() };
    for p in parts {
        let p = p?;
        all.x.extend(p.x);
        for (o, y) in all.ys.iter_mut().zip(p.ys) {
            o.extend(y);
        }
        all.c.extend(p.c);
        all.g.extend(p.g);
    }
    Ok(all)
}

fn group_of(groups: &[Key], k: &Key) -> u16 {
    groups.binary_search(k).map_or(0, |i| i as u16)
}

/// Maps data values to pixel columns and rows of a `w` x `h` grid.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub w: usize,
    pub h: usize,
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Frame {
    /// Pixel coordinates (x right, y down; pixel i covers i..i+1).
    #[inline]
    pub fn px(&self, x: f64, y: f64) -> (f64, f64) {
        let fx = (x - self.x0) / (self.x1 - self.x0) * self.w as f64;
        let fy = (self.y1 - y) / (self.y1 - self.y0) * self.h as f64;
        (fx, fy)
    }
}

/// Quantised colour values: 0..=65535 over the colour range.
#[inline]
fn quant(c: f64, lo: f64, hi: f64) -> u64 {
    if hi > lo { (((c - lo) / (hi - lo)).clamp(0.0, 1.0) * 65535.0 + 0.5) as u64 } else { 0 }
}

/// A scatter of many points, per pixel: counts per group, and the sum of
/// the quantised colour values.
#[derive(Clone, Debug)]
pub struct Grid {
    pub w: usize,
    pub h: usize,
    /// `groups` grids of `w * h` counts.
    pub counts: Vec<Vec<u32>>,
    /// Sums of colour values in 0..=65535 (empty without `--color`).
    pub csum: Vec<u64>,
}

impl Grid {
    /// The mean colour value of pixel `i`, in 0..=1.
    pub fn mean(&self, i: usize, count: u32) -> f64 {
        if count == 0 { 0.0 } else { self.csum[i] as f64 / f64::from(count) / 65535.0 }
    }
}

/// Aggregate a scatter into the pixels of `f`.
pub fn scatter_grid(
    src: &Source<'_>,
    f: Frame,
    crange: Range1,
    groups: &[Key],
    progress: &dyn Progress,
) -> Result<Grid> {
    let ng = groups.len().max(1);
    let has_c = src.c.is_some();
    let init = || Grid {
        w: f.w,
        h: f.h,
        counts: vec![vec![0; f.w * f.h]; ng],
        csum: if has_c { vec![0; f.w * f.h] } else { Vec::new() },
    };
    src.fold(
        progress,
        init,
        |g, ch, _| {
            let ys = &ch.ys[0];
            let (sx, sy) = (f.w as f64 / (f.x1 - f.x0), f.h as f64 / (f.y1 - f.y0));
            let (fw, fh) = (f.w as f64, f.h as f64);
            let cs = if crange.hi > crange.lo { 65535.0 / (crange.hi - crange.lo) } else { 0.0 };
            for (i, (&x, &y)) in ch.x.iter().zip(ys).enumerate() {
                let px = (x - f.x0) * sx;
                let py = (f.y1 - y) * sy;
                if !(px >= 0.0 && py >= 0.0 && px < fw && py < fh) {
                    continue;
                }
                let at = py as usize * f.w + px as usize;
                let gi = if ch.keys.is_empty() { 0 } else { group_of(groups, &ch.keys[i]) as usize };
                g.counts[gi][at] += 1;
                if has_c {
                    g.csum[at] += ((ch.c[i] - crange.lo) * cs + 0.5).clamp(0.0, 65535.0) as u64;
                }
            }
            Ok(())
        },
        |mut a, b| {
            for (x, y) in a.counts.iter_mut().zip(&b.counts) {
                x.iter_mut().zip(y).for_each(|(p, q)| *p += q);
            }
            a.csum.iter_mut().zip(&b.csum).for_each(|(p, q)| *p += q);
            a
        },
    )
}

/// Lines of many points, per pixel: which pixels each series passes through.
#[derive(Clone, Debug)]
pub struct LineGrid {
    pub w: usize,
    pub h: usize,
    /// One `w * h` coverage grid per series.
    pub hits: Vec<Vec<bool>>,
}

/// The pen of one series across a block: segments are drawn between
/// consecutive points; points in the same pixel column only widen that
/// column's span, so a column visited by a million points costs one span.
#[derive(Clone, Copy, Debug)]
struct Pen {
    last: (f64, f64),
    col: i64,
    lo: f64,
    hi: f64,
}

fn span(hits: &mut [bool], f: &Frame, col: i64, lo: f64, hi: f64) {
    if col < 0 || col >= f.w as i64 {
        return;
    }
    let a = lo.floor().max(0.0) as i64;
    let b = (hi.floor() as i64).min(f.h as i64 - 1);
    for r in a..=b {
        hits[r as usize * f.w + col as usize] = true;
    }
}

/// Pixels on the segment from `a` to `b` (pixel coordinates).
fn segment(hits: &mut [bool], f: &Frame, a: (f64, f64), b: (f64, f64)) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let steps = dx.abs().max(dy.abs()).ceil().max(1.0);
    let n = steps as i64;
    for s in 0..=n {
        let t = s as f64 / steps;
        let (x, y) = (a.0 + dx * t, a.1 + dy * t);
        if x >= 0.0 && y >= 0.0 && x < f.w as f64 && y < f.h as f64 {
            hits[y as usize * f.w + x as usize] = true;
        }
    }
}

impl Pen {
    fn start(p: (f64, f64)) -> Pen {
        Pen { last: p, col: p.0.floor() as i64, lo: p.1, hi: p.1 }
    }

    fn to(&mut self, hits: &mut [bool], f: &Frame, p: (f64, f64)) {
        let col = p.0.floor() as i64;
        if col == self.col {
            self.lo = self.lo.min(p.1);
            self.hi = self.hi.max(p.1);
        } else {
            span(hits, f, self.col, self.lo, self.hi);
            segment(hits, f, self.last, p);
            *self = Pen::start(p);
            return;
        }
        self.last = p;
    }

    fn finish(&self, hits: &mut [bool], f: &Frame) {
        span(hits, f, self.col, self.lo, self.hi);
    }
}

/// Aggregate lines (one per y column, or one per group) into the pixels of `f`.
pub fn line_grid(src: &Source<'_>, f: Frame, groups: &[Key], progress: &dyn Progress) -> Result<LineGrid> {
    let ns = if groups.is_empty() { src.ys.len() } else { groups.len() };
    // Per series: the first and last point of each block, to join blocks.
    let init = || (vec![vec![false; f.w * f.h]; ns], Ends::new(), Vec::<Option<Pen>>::new(), u64::MAX, Vec::new());
    let (mut hits, mut ends, ..) = src
        .fold(
            progress,
            init,
            |(hits, ends, pens, block, firsts), ch, k| {
                let b = k.start / BLOCK;
                if *block != b {
                    flush(hits, ends, pens, firsts, *block, &f);
                    *block = b;
                    pens.clear();
                    pens.resize(ns, None);
                    firsts.clear();
                    firsts.resize(ns, None);
                }
                let mut draw = |s: usize, p: (f64, f64)| match &mut pens[s] {
                    Some(pen) => pen.to(&mut hits[s], &f, p),
                    None => {
                        pens[s] = Some(Pen::start(p));
                        firsts[s] = Some(p);
                    }
                };
                if ch.keys.is_empty() {
                    for (s, y) in ch.ys.iter().enumerate() {
                        for (x, y) in ch.x.iter().zip(y) {
                            draw(s, f.px(*x, *y));
                        }
                    }
                } else {
                    for (i, (x, y)) in ch.x.iter().zip(&ch.ys[0]).enumerate() {
                        draw(group_of(groups, &ch.keys[i]) as usize, f.px(*x, *y));
                    }
                }
                Ok(())
            },
            |(mut ha, mut ea, mut pa, ba, fa), (mut hb, mut eb, mut pb, bb, fb)| {
                flush(&mut ha, &mut ea, &mut pa, &fa, ba, &f);
                flush(&mut hb, &mut eb, &mut pb, &fb, bb, &f);
                for (x, y) in ha.iter_mut().zip(&hb) {
                    x.iter_mut().zip(y).for_each(|(p, q)| *p |= q);
                }
                ea.extend(eb);
                (ha, ea, Vec::new(), u64::MAX, Vec::new())
            },
        )
        .map(|(mut h, mut e, mut p, b, fi)| {
            flush(&mut h, &mut e, &mut p, &fi, b, &f);
            (h, e, p, b, fi)
        })?;
    // Join each block's last point to the next block's first, per series.
    ends.sort_by_key(|e| (e.1, e.0));
    for w in ends.windows(2) {
        if w[0].1 == w[1].1 {
            segment(&mut hits[w[0].1], &f, w[0].3, w[1].2);
        }
    }
    Ok(LineGrid { w: f.w, h: f.h, hits })
}

/// A block's first and last point of a series: (block, series, first, last).
type Ends = Vec<(u64, usize, (f64, f64), (f64, f64))>;

/// End a block: draw each pen's last span and note its ends.
fn flush(
    hits: &mut [Vec<bool>],
    ends: &mut Ends,
    pens: &mut [Option<Pen>],
    firsts: &[Option<(f64, f64)>],
    block: u64,
    f: &Frame,
) {
    for (s, pen) in pens.iter_mut().enumerate() {
        if let (Some(p), Some(first)) = (pen.take(), firsts.get(s).copied().flatten()) {
            p.finish(&mut hits[s], f);
            ends.push((block, s, first, p.last));
        }
    }
}

/// A histogram: numpy's `histogram(v, bins, range=(lo, hi))` per group.
#[derive(Clone, Debug)]
pub struct Hist {
    pub edges: Vec<f64>,
    /// Counts per group (one group without `--by`), per bin.
    pub counts: Vec<Vec<u64>>,
}

/// numpy's bin edges: `linspace(lo, hi, bins + 1)`.
pub fn edges(lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let (lo, hi) = if lo == hi { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
    let step = (hi - lo) / bins as f64;
    let mut e: Vec<f64> = (0..=bins).map(|i| i as f64 * step + lo).collect();
    e[bins] = hi;
    e
}

/// The bin of `v` as numpy's `histogram` finds it (the last bin includes its right edge).
#[inline]
fn bin(v: f64, e: &[f64], norm: f64) -> Option<usize> {
    let n = e.len() - 1;
    if v < e[0] || v > e[n] {
        return None;
    }
    let mut i = (((v - e[0]) * norm) as usize).min(n - 1);
    if v < e[i] {
        i -= 1;
    } else if i + 1 < n && v >= e[i + 1] {
        i += 1;
    }
    Some(i)
}

/// Count the first y column into `bins` bins over `r`.
pub fn histogram(src: &Source<'_>, r: Range1, bins: usize, groups: &[Key], progress: &dyn Progress) -> Result<Hist> {
    let e = edges(r.lo, r.hi, bins);
    let norm = bins as f64 / (e[bins] - e[0]);
    let ng = groups.len().max(1);
    let counts = src.fold(
        progress,
        || vec![vec![0u64; bins]; ng],
        |c, ch, _| {
            for (i, &v) in ch.ys[0].iter().enumerate() {
                if let Some(b) = bin(v, &e, norm) {
                    let g = if ch.keys.is_empty() { 0 } else { group_of(groups, &ch.keys[i]) as usize };
                    c[g][b] += 1;
                }
            }
            Ok(())
        },
        |mut a, b| {
            for (x, y) in a.iter_mut().zip(&b) {
                x.iter_mut().zip(y).for_each(|(p, q)| *p += q);
            }
            a
        },
    )?;
    Ok(Hist { edges: e, counts })
}

/// A 2-D array for `--kind image`: `w` x `h` cells, each the mean of the
/// array's values that fall in it (quantised over the value range), or
/// `None` where every value is NaN.
#[derive(Clone, Debug)]
pub struct Image {
    pub w: usize,
    pub h: usize,
    pub cells: Vec<Option<f64>>,
}

/// The value range of a 2-D array's rows.
pub fn image_range(col: &Col<'_>, progress: &dyn Progress) -> Result<Range1> {
    let blocks: Vec<Range<u64>> = chunks(0..col.len(), BLOCK).collect();
    blocks
        .par_iter()
        .map(|b| {
            let mut r = Range1::default();
            let mut v = Vec::new();
            for k in chunks(b.clone(), LANE) {
                col.floats(k, &mut v)?;
                v.retain(|x| x.is_finite());
                r.add(&v);
            }
            progress.advance(b.end - b.start);
            Ok(r)
        })
        .try_reduce(Range1::default, |a, b| Ok(a.merge(b)))
}

/// Aggregate a `rows` x `cols` array into at most `max_w` x `max_h` cells.
pub fn image(
    col: &Col<'_>,
    cols: u64,
    max_w: usize,
    max_h: usize,
    range: Range1,
    progress: &dyn Progress,
) -> Result<Image> {
    let rows = col.len() / cols.max(1);
    let w = (cols as usize).min(max_w).max(1);
    let h = (rows as usize).min(max_h).max(1);
    let blocks: Vec<Range<u64>> = chunks(0..rows * cols, BLOCK).collect();
    let (sum, count) = blocks
        .par_iter()
        .map(|b| {
            let (mut sum, mut count) = (vec![0u64; w * h], vec![0u32; w * h]);
            let mut v = Vec::new();
            for k in chunks(b.clone(), LANE) {
                col.floats(k.clone(), &mut v)?;
                for (i, &x) in v.iter().enumerate() {
                    if !x.is_finite() {
                        continue;
                    }
                    let flat = k.start + i as u64;
                    let (r, c) = (flat / cols, flat % cols);
                    let at = (r * h as u64 / rows) as usize * w + (c * w as u64 / cols) as usize;
                    sum[at] += quant(x, range.lo, range.hi);
                    count[at] += 1;
                }
            }
            progress.advance(b.end - b.start);
            Ok((sum, count))
        })
        .try_reduce(
            || (vec![0u64; w * h], vec![0u32; w * h]),
            |(mut s, mut c), (s2, c2)| {
                s.iter_mut().zip(&s2).for_each(|(p, q)| *p += q);
                c.iter_mut().zip(&c2).for_each(|(p, q)| *p += q);
                Ok((s, c))
            },
        )?;
    let cells = sum.iter().zip(&count).map(|(&s, &n)| (n > 0).then(|| s as f64 / f64::from(n) / 65535.0)).collect();
    Ok(Image { w, h, cells })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_bins() {
        // np.histogram([0, 0.1, 0.2, 0.3, 1], bins=10) -> [1,1,2,0,0,0,0,0,0,1]:
        // the edge 3 * 0.1 is 0.30000000000000004, so 0.3 falls in bin 2.
        let e = edges(0.0, 1.0, 10);
        let norm = 10.0 / (e[10] - e[0]);
        let bins: Vec<usize> = [0.0, 0.1, 0.2, 0.3, 1.0].iter().filter_map(|&v| bin(v, &e, norm)).collect();
        assert_eq!(bins, [0, 1, 2, 2, 9]);
    }
}
