//! Scoring: a template measured against the files, in bits.
//!
//! A [`Template`] that tiles every file is typed — the header once per file
//! (one row per file), the records from a sample pooled over the files — and
//! costs its description length: the bits of every value under the chosen
//! fields' models, plus the model bits of each field of the layout
//! ([`column::model_bits`]). Size fields cost nothing (the arithmetic
//! explains them), and each takes bits off as evidence: a header integer
//! that tiles every file exactly is unlikely by chance (32 bits for 4 or
//! more bytes, 8 a byte for narrower ones, 8 for a text length; times the
//! files). Records are typed from the first rows after their start and
//! from rows counted back from the end of the file, the same for every
//! start: the latter give the bits a record, the first rows are paid once
//! for what they add, so that templates differing only in where the
//! records start compare on their headers and first rows, not on the luck
//! of a sample. Each file's header is paid for on its own. The cheapest
//! description wins; among descriptions within 0.1% of it (sampling noise),
//! the one with smaller records, then more sizes explained, then fewer
//! header fields ([`choose`]).

use super::column::model_bits;
use super::header::{Count, Resolved, SizeRole, Template};
use super::sample::{RECORD_BUDGET, Records};
use super::{Field, Kind, Role, column};
use crate::layout::Endian;

/// What a size field that tiles the files exactly is worth, in bits (a
/// count, rows, cols or a byte length)...
const SIZE_EVIDENCE: f64 = 32.0;

/// ... and a text length (text is easier to find by chance: any printable run).
const TEXT_LEN_EVIDENCE: f64 = 8.0;

/// How much dearer (a share) a record of the period may be than the
/// cheapest record of several periods, and still be chosen.
const PERIOD_MARGIN: f64 = 0.005;

/// Bits a character of a sized text.
const TEXT_CHAR: f64 = 2.0;

/// Texts up to this size are checked as UTF-8 (`utf8[M]`); longer ones are `bytes[M]`.
const UTF8_CHECKED: u64 = 1 << 20;

/// A template typed and scored against the files.
#[derive(Debug, Clone)]
pub struct Fit {
    pub template: Template,
    /// The template applied to each file, in order.
    pub resolved: Vec<Resolved>,
    /// Header fields from offset 0 (size fields included), sorted by offset.
    pub header: Vec<Field>,
    /// The sized text is valid UTF-8 in every file (`utf8[M]`, else `bytes[M]`).
    pub text_utf8: bool,
    /// The record's fields (one element's, for a matrix).
    pub record: Vec<Field>,
    /// Description length of all the files, in bits.
    pub bits: f64,
    /// Mean autocorrelation excess of the records at their size.
    pub coherence: f64,
}

impl Fit {
    /// How many sizes the template explains.
    pub fn explained(&self) -> usize {
        self.template.sizes.len()
    }

    /// The header fields that are not size fields.
    fn plain_header(&self) -> usize {
        self.header.iter().filter(|f| !matches!(f.role, Role::Size(_))).count()
    }
}

/// Type and score `t` on `files` (`None` when it does not tile every file,
/// or a matrix's element is not one number).
pub fn fit(t: &Template, files: &[&[u8]]) -> Option<Fit> {
    fit_with(t, files, &mut Cache::default(), MAX_ROWS)
}

/// Record typings already made, by where the records are in each file
/// (templates that differ only in their headers share them).
#[derive(Default)]
pub struct Cache {
    records: std::collections::HashMap<RecordsKey, Typed>,
}

/// Where the records are in each file (start, size, count), and the rows typed at most.
type RecordsKey = (Vec<(u64, u64, u64)>, u64);

/// Records typed: the fields, from every sampled row; the bits a row of
/// the records sampled back from the end (the same rows for every start);
/// and what the first rows after the start add to that sample, paid once
/// (so that a few odd first rows, or header bytes read as records, cost
/// what they cost, not that times the count).
#[derive(Clone)]
struct Typed {
    typing: column::Typing,
    per_row: f64,
    heads: u64,
    heads_bits: f64,
}

/// Type the records at `at` (start, size, count in each file) from at most `max_rows` rows.
fn type_records(at: &[(u64, u64, u64)], files: &[&[u8]], size: usize, max_rows: u64, prior: Endian) -> Typed {
    let (mut all, mut grid) = (Records::default(), Records::default());
    let mut heads = 0u64;
    let budget = RECORD_BUDGET.min(max_rows.saturating_mul(size as u64)) / files.len() as u64;
    for (&(start, size, count), d) in at.iter().zip(files) {
        let max = (budget / size).max(2);
        let head = HEAD_ROWS.min(max / 4);
        // The grid leaves out the first half of a small file (or 4 KiB): a
        // header no template calls one, whatever its start.
        let cutoff = (d.len() as u64 / 2).min(super::header::MAX_HEADER);
        let r = Records::from_end(d, start, size, count, max, head, cutoff);
        let tail: Vec<usize> = (0..r.rows.len()).filter(|&k| r.index[k] >= head).collect();
        heads += (r.rows.len() - tail.len()) as u64;
        grid.extend(Records {
            index: tail.iter().map(|&k| r.index[k]).collect(),
            rows: tail.iter().map(|&k| r.rows[k]).collect(),
            ordered: true,
        });
        all.extend(r);
    }
    let typing = column::type_rows(&all, 0..size, prior);
    if grid.rows.is_empty() {
        return Typed { per_row: typing.bits, typing, heads: 0, heads_bits: 0.0 };
    }
    let per_row = column::type_rows(&grid, 0..size, prior).bits;
    let heads_bits = (typing.bits * all.rows.len() as f64 - per_row * grid.rows.len() as f64).max(0.0);
    Typed { typing, per_row, heads, heads_bits }
}

/// The first records of every template are always typed: a template that
/// starts its records too early pays for the header bytes it calls records.
const HEAD_ROWS: u64 = 8;

/// Records sampled for typing, at most (per file set).
pub const MAX_ROWS: u64 = 256;

/// [`fit`] with records typed from at most `max_rows` sampled records,
/// reusing the record typings in `cache`.
pub fn fit_with(t: &Template, files: &[&[u8]], cache: &mut Cache, max_rows: u64) -> Option<Fit> {
    let resolved: Vec<Resolved> = files.iter().map(|d| t.resolve(d)).collect::<Option<_>>()?;
    let header_end = resolved.first()?.header_end;
    if resolved.iter().any(|r| r.header_end != header_end) {
        return None;
    }
    // Records fill at least half of every file but for a sized text: a
    // header is not most of a file.
    let headed = |r: &Resolved, d: &&[u8]| r.records.is_none() || r.header_end.saturating_mul(2) <= d.len() as u64;
    if !resolved.iter().zip(files).all(|(r, d)| headed(r, d)) {
        return None;
    }
    let prior = t.sizes.iter().find(|s| s.scalar.kind.size() > 1).map_or(Endian::Little, |s| s.scalar.endian);
    let k = files.len() as f64;
    let (header, header_bits) = type_header(t, files, header_end, prior)?;
    let mut bits = header_bits * k + header.iter().map(|f| model_bits(f.kind)).sum::<f64>();
    // A header integer that sizes the rest exactly, in every file, is
    // unlikely by chance: evidence worth bits of its own.
    // A narrow one matches by chance more often than a wide one.
    let evidence = |s: &super::header::SizeField| {
        let full = if s.role == SizeRole::TextLen { TEXT_LEN_EVIDENCE } else { SIZE_EVIDENCE };
        full.min(8.0 * s.scalar.kind.size() as f64)
    };
    bits -= t.sizes.iter().map(evidence).sum::<f64>() * k;

    let text_len: u64 = resolved.iter().filter_map(|r| r.text.as_ref()).map(|t| t.end - t.start).sum();
    bits += TEXT_CHAR * text_len as f64;
    let text_utf8 = resolved.iter().zip(files).all(|(r, d)| r.text.as_ref().is_none_or(|t| utf8(d, t)));

    let mut record = Vec::new();
    if let Some(body) = t.body {
        let key: Vec<(u64, u64, u64)> = resolved.iter().map(|r| r.records).collect::<Option<_>>()?;
        let size = usize::try_from(body.size).ok()?;
        let key = (key, max_rows);
        let typed = match cache.records.get(&key) {
            Some(t) => t.clone(),
            None => {
                let t = type_records(&key.0, files, size, max_rows, prior);
                cache.records.insert(key, t.clone());
                t
            }
        };
        let typing = typed.typing;
        if body.count == Count::Matrix && (typing.fields.len() != 1 || !matches!(typing.fields[0].kind, Kind::Num(_))) {
            return None;
        }
        let count: u64 = resolved.iter().filter_map(|r| r.records).map(|(_, _, n)| n).sum();
        bits += typed.per_row * count.saturating_sub(typed.heads) as f64
            + typed.heads_bits
            + typing.fields.iter().map(|f| model_bits(f.kind)).sum::<f64>();
        record = typing.fields;
    }
    let coherence = resolved.iter().zip(files).map(|(r, d)| super::header::coherence(d, r)).sum::<f64>() / k;
    Some(Fit { template: t.clone(), resolved, header, text_utf8, record, bits, coherence })
}

/// The header's fields: the size fields, and the bytes between them typed
/// with one row per file. Returns the fields and their bits a row.
fn type_header(t: &Template, files: &[&[u8]], end: u64, prior: Endian) -> Option<(Vec<Field>, f64)> {
    let end_us = usize::try_from(end).ok()?;
    let rows = Records {
        index: (0..files.len() as u64).collect(),
        rows: files.iter().map(|d| d.get(..end_us)).collect::<Option<_>>()?,
        ordered: false,
    };
    let mut fields = Vec::new();
    let mut bits = 0.0;
    let mut pos = 0usize;
    // The fields are cut from all the files at once (constant fields show
    // as such), but each file's header is paid for on its own: bytes that
    // happen to be the same in every sample (the first records of files
    // written alike) are not cheaper as header than as records.
    let k = files.len() as f64;
    let mut gap = |from: usize, to: usize, fields: &mut Vec<Field>| {
        if to > from {
            let typing = column::type_rows(&rows, from..to, prior);
            if rows.rows.len() == 1 {
                bits += typing.bits;
            } else {
                let each: f64 = rows
                    .rows
                    .iter()
                    .map(|r| {
                        let one = Records { index: vec![0], rows: vec![r], ordered: false };
                        column::type_rows(&one, from..to, prior).bits
                    })
                    .sum();
                bits += each / k;
            }
            fields.extend(typing.fields);
        }
    };
    for s in &t.sizes {
        let o = usize::try_from(s.offset).ok()?;
        gap(pos, o, &mut fields);
        fields.push(size_field(s, files));
        pos = o + usize::try_from(s.scalar.kind.size()).ok()?;
    }
    gap(pos, end_us, &mut fields);
    Some((fields, bits))
}

/// A size field as a layout field, saying what it sizes.
fn size_field(s: &super::header::SizeField, files: &[&[u8]]) -> Field {
    let values: Vec<String> = files.iter().map(|d| s.value(d).map_or("?".into(), |v| v.to_string())).collect();
    let what = match s.role {
        SizeRole::Count => "the number of records that follow",
        SizeRole::Rows => "the rows of the matrix that follows",
        SizeRole::Cols => "the columns of the matrix that follows",
        SizeRole::TextLen => "the byte length of the text that follows",
        SizeRole::ByteLen => "the byte length of the records that follow",
    };
    let why = format!("{what} ({})", values.join(", "));
    let evidence = vec![format!(
        "{} at offset {}: with this value the file is tiled exactly, with no byte left over",
        s.scalar, s.offset
    )];
    Field::new(s.offset, Kind::Num(s.scalar), Role::Size(s.role), why, evidence)
}

/// The text at `range` of `data` is short enough to check, and UTF-8.
fn utf8(data: &[u8], range: &std::ops::Range<u64>) -> bool {
    if range.end - range.start > UTF8_CHECKED {
        return false;
    }
    let (Ok(s), Ok(e)) = (usize::try_from(range.start), usize::try_from(range.end)) else { return false };
    data.get(s..e).is_some_and(|b| {
        let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
        std::str::from_utf8(&b[..end]).is_ok()
    })
}

/// The best of `fits`: the cheapest, unless another within 0.1% (and 16
/// bits) of it, the noise of sampling, has smaller records, explains more
/// sizes, or has fewer header fields. `None` for no fits.
///
/// ```
/// use binmap::guess::{fit::{choose, fit}, header::templates};
/// // 40 records of { id: u32, x: f64 } after a count
/// let mut file = 40u32.to_le_bytes().to_vec();
/// for i in 0..40u32 {
///     file.extend(i.to_le_bytes());
///     file.extend((f64::from(i) * 0.25 - 3.0).to_le_bytes());
/// }
/// let fits: Vec<_> = templates(&file, Some(12)).iter().filter_map(|t| fit(t, &[&file[..]])).collect();
/// let best = &fits[choose(&fits).unwrap()];
/// assert_eq!(best.resolved[0].records, Some((4, 12, 40)));
/// assert_eq!(best.record.len(), 2);
/// ```
pub fn choose(fits: &[Fit]) -> Option<usize> {
    let cheapest = (0..fits.len()).min_by(|&a, &b| fits[a].bits.total_cmp(&fits[b].bits))?;
    let best = fits[cheapest].bits;
    let size = |f: &Fit| f.template.body.map_or(u64::MAX, |b| b.size);
    // Records a whole fraction of the cheapest's are its period; a record
    // of several periods is typed from more values, and looks a little
    // cheaper for it: they get a wider margin.
    let top = size(&fits[cheapest]);
    let near = |f: &Fit| {
        let divides = top != u64::MAX && size(f) < top && top.is_multiple_of(size(f));
        best + ((if divides { PERIOD_MARGIN } else { 0.001 }) * best.abs()).max(16.0)
    };
    let key = |f: &Fit| (size(f), std::cmp::Reverse(f.explained()), f.plain_header());
    (0..fits.len())
        .filter(|&i| fits[i].bits <= near(&fits[i]))
        .min_by(|&a, &b| key(&fits[a]).cmp(&key(&fits[b])).then(fits[a].bits.total_cmp(&fits[b].bits)))
}
