//! Scoring: a template measured against the files, in bits.
//!
//! A [`Template`] that tiles every file is typed — the header once per file
//! (one row per file), the records from a sample pooled over the files — and
//! costs its description length: the bits of every value under the chosen
//! fields' models, plus a fixed cost per field of the layout. Size fields
//! cost nothing: the arithmetic explains them. The cheapest description
//! wins; among descriptions within a whisker of it (sampling noise), the one
//! that explains more sizes, then has smaller records, then fewer header
//! fields ([`choose`]).

use super::header::{Count, Resolved, SizeRole, Template};
use super::sample::{RECORD_BUDGET, Records};
use super::{Field, Kind, Role, column};
use crate::layout::Endian;

/// The cost of one more field in a layout, in bits.
const PER_FIELD_MODEL: f64 = 24.0;

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
    let resolved: Vec<Resolved> = files.iter().map(|d| t.resolve(d)).collect::<Option<_>>()?;
    let header_end = resolved.first()?.header_end;
    if resolved.iter().any(|r| r.header_end != header_end) {
        return None;
    }
    let prior = t.sizes.iter().find(|s| s.scalar.kind.size() > 1).map_or(Endian::Little, |s| s.scalar.endian);
    let k = files.len() as f64;
    let (header, header_bits) = type_header(t, files, header_end, prior)?;
    let mut bits = header_bits * k + PER_FIELD_MODEL * header.len() as f64;

    let text_len: u64 = resolved.iter().filter_map(|r| r.text.as_ref()).map(|t| t.end - t.start).sum();
    bits += TEXT_CHAR * text_len as f64;
    let text_utf8 = resolved.iter().zip(files).all(|(r, d)| r.text.as_ref().is_none_or(|t| utf8(d, t)));

    let mut record = Vec::new();
    if let Some(body) = t.body {
        let mut rows = Records::default();
        for (r, d) in resolved.iter().zip(files) {
            let (start, size, count) = r.records?;
            rows.extend(Records::of(d, start, size, count, RECORD_BUDGET / files.len() as u64));
        }
        let size = usize::try_from(body.size).ok()?;
        let typing = column::type_rows(&rows, 0..size, prior);
        if body.count == Count::Matrix && (typing.fields.len() != 1 || !matches!(typing.fields[0].kind, Kind::Num(_))) {
            return None;
        }
        let count: u64 = resolved.iter().filter_map(|r| r.records).map(|(_, _, n)| n).sum();
        bits += typing.bits * count as f64 + PER_FIELD_MODEL * typing.fields.len() as f64;
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
    let mut gap = |from: usize, to: usize, fields: &mut Vec<Field>| {
        if to > from {
            let typing = column::type_rows(&rows, from..to, prior);
            bits += typing.bits;
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

/// The best of `fits`: the cheapest, unless another within 0.3% (and 32
/// bits) of it explains more sizes, has smaller records, or fewer header
/// fields. `None` for no fits.
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
    let best = fits.iter().map(|f| f.bits).fold(f64::INFINITY, f64::min);
    let near = best + (0.003 * best.abs()).max(32.0);
    let key = |f: &Fit| {
        let size = f.template.body.map_or(u64::MAX, |b| b.size);
        (std::cmp::Reverse(f.explained()), size, f.plain_header())
    };
    (0..fits.len())
        .filter(|&i| fits[i].bits <= near)
        .min_by(|&a, &b| key(&fits[a]).cmp(&key(&fits[b])).then(fits[a].bits.total_cmp(&fits[b].bits)))
}
