//! Header search: integers near the start of a file that size what follows.
//!
//! Every 1-, 2-, 4- and 8-byte integer in either byte order among the first
//! [`HEAD_SCAN`] bytes is a candidate size. A candidate becomes a
//! [`Template`] — a structure that can be checked on any file — when the
//! arithmetic of the file works out exactly:
//!
//! - a **count** `N` such that the rest of the file is `N` records of one
//!   size: with the record size from the period of the bytes, or with the
//!   records starting right after the count (`flight_log.b`: `N = 25`, then
//!   `25 × 32` bytes);
//! - **rows and cols** whose product times an element size of 1, 2, 4 or 8
//!   bytes fills the rest (`data.bin`);
//! - a **text length** `M` such that `M` bytes of UTF-8 text follow, then
//!   records sized by a count or by the period, or nothing (`flight_path.b`:
//!   `M`, `N`, `M` bytes of text, then `N × 24` bytes);
//! - a **byte length** equal to the rest of the file;
//! - and, with no size at all, records from a header length `filesize mod
//!   period` (plus whole records) to the end of the file.
//!
//! Templates are only proposals: `fit` scores each against the files.

use super::period;
use crate::layout::{Endian, Scalar, ScalarKind};

/// Size fields are looked for among the first this many bytes.
pub const HEAD_SCAN: u64 = 256;

/// One-byte size fields only among the first this many bytes.
const HEAD_SCAN_U8: u64 = 32;

/// Records that run to the end of the file: at least this many.
const MIN_TO_END: u64 = 4;

/// Records (or a text) may start up to this many bytes after their size field.
const TIGHT: u64 = 32;

/// The longest header in front of counted records found by their period.
pub const MAX_HEADER: u64 = 4096;

/// The longest header in front of records that run to the end of the file.
const MAX_HEADER_TO_END: u64 = 512;

/// The largest record a count may imply.
pub const MAX_RECORD: u64 = 4096;

/// Files up to this size may be a header alone (`tmp.b`).
pub const HEADER_ONLY: u64 = 256;

/// What a header integer sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SizeRole {
    /// The number of records that follow.
    Count,
    /// The first dimension of a matrix.
    Rows,
    /// The second dimension of a matrix.
    Cols,
    /// The byte length of a text that follows.
    TextLen,
    /// The byte length of the records that follow.
    ByteLen,
}

impl SizeRole {
    /// The field's name in a guessed layout.
    pub fn name(self) -> &'static str {
        match self {
            SizeRole::Count => "count",
            SizeRole::Rows => "rows",
            SizeRole::Cols => "cols",
            SizeRole::TextLen => "text_len",
            SizeRole::ByteLen => "data_len",
        }
    }
}

/// A header integer that sizes something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SizeField {
    pub offset: u64,
    pub scalar: Scalar,
    pub role: SizeRole,
}

impl SizeField {
    /// Its value in `data` (`None` past the end, or negative).
    pub fn value(&self, data: &[u8]) -> Option<u64> {
        let w = usize::try_from(self.scalar.kind.size()).ok()?;
        let o = usize::try_from(self.offset).ok()?;
        let b = data.get(o..o.checked_add(w)?)?;
        let v = read(b, self.scalar.endian);
        let signed = matches!(self.scalar.kind, ScalarKind::I16 | ScalarKind::I32 | ScalarKind::I64);
        (!signed || v >> (8 * w - 1) == 0).then_some(v)
    }

    fn end(&self) -> u64 {
        self.offset + self.scalar.kind.size()
    }
}

/// Where the records start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Start {
    /// At this offset.
    At(u64),
    /// Right after the text.
    AfterText,
}

/// How many records there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Count {
    /// The `Count` field's value.
    Field,
    /// `Rows × Cols` elements (the record is one element).
    Matrix,
    /// The `ByteLen` field's value divided by the record size.
    Bytes,
    /// As many as fill the file.
    ToEnd,
}

/// The records of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Body {
    pub start: Start,
    /// Bytes a record (an element, for a matrix).
    pub size: u64,
    pub count: Count,
}

/// A structure proposed for a file: size fields, an optional sized text,
/// optional records. Everything else in front of the records is header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Template {
    /// Sorted by offset.
    pub sizes: Vec<SizeField>,
    /// Where the text sized by the `TextLen` field starts.
    pub text_at: Option<u64>,
    pub body: Option<Body>,
}

/// A template applied to one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The header: bytes `0..header_end`.
    pub header_end: u64,
    /// The sized text.
    pub text: Option<std::ops::Range<u64>>,
    /// Records: start, size, count.
    pub records: Option<(u64, u64, u64)>,
}

impl Template {
    fn size(&self, role: SizeRole) -> Option<&SizeField> {
        self.sizes.iter().find(|s| s.role == role)
    }

    /// Where everything lands in a file of these bytes, if it tiles the
    /// file exactly (`None` otherwise).
    ///
    /// ```
    /// use binmap::guess::header::{Body, Count, SizeField, SizeRole, Start, Template};
    /// use binmap::layout::{Endian, Scalar, ScalarKind};
    /// let n = SizeField { offset: 0, scalar: Scalar { kind: ScalarKind::I32, endian: Endian::Little }, role: SizeRole::Count };
    /// let t = Template { sizes: vec![n], text_at: None, body: Some(Body { start: Start::At(4), size: 8, count: Count::Field }) };
    /// let mut file = 3i32.to_le_bytes().to_vec();
    /// file.extend([0u8; 24]);
    /// assert_eq!(t.resolve(&file).unwrap().records, Some((4, 8, 3)));
    /// assert!(t.resolve(&file[..27]).is_none());
    /// ```
    pub fn resolve(&self, data: &[u8]) -> Option<Resolved> {
        let size = data.len() as u64;
        let sizes_end = self.sizes.iter().map(SizeField::end).max().unwrap_or(0);
        let value = |role| self.size(role).and_then(|s| s.value(data));
        let text = match self.text_at {
            Some(t0) => {
                let m = value(SizeRole::TextLen)?;
                (t0 >= sizes_end).then_some(())?;
                Some(t0..t0.checked_add(m).filter(|&e| e <= size)?)
            }
            None => None,
        };
        let header_end = text.as_ref().map(|t| t.start);
        let Some(body) = self.body else {
            let end = text.as_ref().map_or(size, |t| t.end);
            return (end == size && sizes_end <= header_end.unwrap_or(size)).then_some(Resolved {
                header_end: header_end.unwrap_or(size),
                text,
                records: None,
            });
        };
        let start = match body.start {
            Start::At(h) => h,
            Start::AfterText => text.as_ref()?.end,
        };
        if start < sizes_end || start > size || body.size == 0 || text.as_ref().is_some_and(|t| t.end > start) {
            return None;
        }
        let rest = size - start;
        let count = match body.count {
            Count::Field => value(SizeRole::Count)?,
            Count::Matrix => value(SizeRole::Rows)?.checked_mul(value(SizeRole::Cols)?)?,
            Count::Bytes => {
                let len = value(SizeRole::ByteLen)?;
                len.is_multiple_of(body.size).then_some(len / body.size)?
            }
            Count::ToEnd => rest.is_multiple_of(body.size).then_some(rest / body.size)?,
        };
        (count.checked_mul(body.size)? == rest && count > 0).then_some(Resolved {
            header_end: header_end.unwrap_or(start),
            text,
            records: Some((start, body.size, count)),
        })
    }

    /// What the template proposes, in words (for `--explain`).
    ///
    /// ```
    /// use binmap::guess::header::{Body, Count, Start, Template};
    /// let t = Template { sizes: vec![], text_at: None, body: Some(Body { start: Start::At(0), size: 24, count: Count::ToEnd }) };
    /// assert_eq!(t.describe(), "records of 24 bytes from offset 0 to the end");
    /// ```
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> =
            self.sizes.iter().map(|s| format!("{} {} at {}", s.role.name(), s.scalar, s.offset)).collect();
        if let Some(t0) = self.text_at {
            parts.push(format!("the text from {t0}"));
        }
        match self.body {
            None => parts.push("no records".into()),
            Some(b) => {
                let from = match b.start {
                    Start::At(h) => format!("from offset {h}"),
                    Start::AfterText => "after the text".into(),
                };
                let until = match b.count {
                    Count::Field => "counted",
                    Count::Matrix => "rows x cols of them",
                    Count::Bytes => "sized in bytes",
                    Count::ToEnd => "to the end",
                };
                let what = if b.count == Count::Matrix { "elements" } else { "records" };
                parts.push(format!("{what} of {} bytes {from} {until}", b.size));
            }
        }
        parts.join(", ")
    }

    /// The record size a reader sees: an element times the columns for a matrix.
    pub fn record_size(&self, data: &[u8]) -> Option<u64> {
        let body = self.body?;
        if body.count == Count::Matrix {
            return self.size(SizeRole::Cols)?.value(data)?.checked_mul(body.size);
        }
        Some(body.size)
    }
}

fn read(b: &[u8], e: Endian) -> u64 {
    let mut v = 0u64;
    match e {
        Endian::Little => b.iter().rev().for_each(|&c| v = v << 8 | u64::from(c)),
        Endian::Big => b.iter().for_each(|&c| v = v << 8 | u64::from(c)),
    }
    v
}

/// A header integer and its value.
#[derive(Clone, Copy, Debug)]
struct Int {
    offset: u64,
    scalar: Scalar,
    value: u64,
}

impl Int {
    fn as_size(&self, role: SizeRole) -> SizeField {
        SizeField { offset: self.offset, scalar: self.scalar, role }
    }

    fn end(&self) -> u64 {
        self.offset + self.scalar.kind.size()
    }

    fn overlaps(&self, other: &Int) -> bool {
        self.offset < other.end() && other.offset < self.end()
    }
}

/// Every integer among the first `HEAD_SCAN` bytes with a value in
/// `1..=filesize`: signed types unless the value needs the top bit.
fn ints(data: &[u8]) -> Vec<Int> {
    let size = data.len() as u64;
    let mut out = Vec::new();
    for o in 0..HEAD_SCAN.min(size) {
        for w in [1u64, 2, 4, 8] {
            if w == 1 && o >= HEAD_SCAN_U8 {
                continue;
            }
            let Some(b) = data.get(o as usize..(o + w) as usize) else { continue };
            let orders: &[Endian] = if w == 1 { &[Endian::Little] } else { &[Endian::Little, Endian::Big] };
            for &endian in orders {
                let value = read(b, endian);
                if value == 0 || value > size {
                    continue;
                }
                let top = value >> (8 * w - 1) != 0;
                let kind = match (w, top) {
                    (1, _) => ScalarKind::U8,
                    (2, false) => ScalarKind::I16,
                    (2, true) => ScalarKind::U16,
                    (4, false) => ScalarKind::I32,
                    (4, true) => ScalarKind::U32,
                    _ => ScalarKind::I64,
                };
                out.push(Int { offset: o, scalar: Scalar { kind, endian }, value });
            }
        }
    }
    out
}

/// True when `data[range]` reads as text: no NUL but trailing ones, valid
/// UTF-8 where it is looked at, and at least 95% printable there. Only the
/// ends and spread windows of a long range are read.
fn is_text(data: &[u8], range: std::ops::Range<u64>) -> bool {
    let (Ok(s), Ok(e)) = (usize::try_from(range.start), usize::try_from(range.end)) else { return false };
    let Some(all) = data.get(s..e) else { return false };
    let body = &all[..all.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1)];
    if body.len() < 3 {
        return false;
    }
    let printable = |c: &u8| (0x20..0x7f).contains(c) || matches!(c, b'\t' | b'\n' | b'\r') || *c >= 0x80;
    let head = &body[..body.len().min(64)];
    if !head.iter().all(printable) {
        return false;
    }
    let windows = super::sample::windows(body, 0..body.len());
    let whole = windows.len() == 1 && windows[0].len() == body.len();
    let (mut good, mut total) = (0usize, 0usize);
    for w in &windows {
        if w.contains(&0) || (whole && std::str::from_utf8(w).is_err()) {
            return false;
        }
        good += w.iter().filter(|c| printable(c)).count();
        total += w.len();
    }
    good * 20 >= total * 19
}

/// The record sizes a period `p` suggests: its first `multiples`
/// multiples, and its halves, thirds and quarters (a period of the bytes
/// can span records that repeat, as names cycling through a list do).
fn record_sizes(p: u64, multiples: u64) -> Vec<u64> {
    let mut out: Vec<u64> = (2..=4).filter(|d| p.is_multiple_of(*d)).map(|d| p / d).collect();
    out.extend((1..=multiples).map(|k| k * p));
    out
}

/// Every template the integers at the start of `data` (and its period
/// `p0`, when it has one) make exact.
///
/// ```
/// use binmap::guess::header::{templates, Count, SizeRole};
/// // flight_log.b's shape: N = 5, then 5 records of 32 bytes
/// let mut file = 5i32.to_le_bytes().to_vec();
/// file.extend((0..20).flat_map(|i| (f64::from(i) * 1.5).to_le_bytes()));
/// let ts = templates(&file, Some(32));
/// assert!(ts.iter().any(|t| t.sizes.first().map(|s| (s.offset, s.role)) == Some((0, SizeRole::Count))
///     && t.body.is_some_and(|b| b.size == 32 && b.count == Count::Field)));
/// ```
pub fn templates(data: &[u8], p0: Option<usize>) -> Vec<Template> {
    let size = data.len() as u64;
    // A header is at most half the file (and MAX_HEADER).
    let max_header = MAX_HEADER.min(size / 2);
    let ints = ints(data);
    let periods: Vec<u64> = p0.map_or(Vec::new(), |p| record_sizes(p as u64, 8));
    let mut out = Vec::new();
    let at = |start: u64, size: u64, count: Count| Some(Body { start: Start::At(start), size, count });
    for c in ints.iter().filter(|c| c.value >= 2) {
        let mut counted: Vec<(u64, u64)> = Vec::new();
        for &p in &periods {
            if let Some(h) = c.value.checked_mul(p).and_then(|b| size.checked_sub(b))
                && h >= c.end()
                && h <= max_header
            {
                counted.push((h, p));
            }
        }
        for h in c.end()..=(c.end() + TIGHT).min(max_header) {
            let rest = size - h;
            if rest.is_multiple_of(c.value) && (1..=MAX_RECORD).contains(&(rest / c.value)) {
                counted.push((h, rest / c.value));
            }
        }
        counted.sort_unstable();
        counted.dedup();
        for &(h, p) in &counted {
            out.push(Template { sizes: vec![c.as_size(SizeRole::Count)], text_at: None, body: at(h, p, Count::Field) });
            for k in ints.iter().filter(|k| k.value >= 2 && !k.overlaps(c) && k.end() <= h && p.is_multiple_of(k.value))
            {
                if matches!(p / k.value, 1 | 2 | 4 | 8) {
                    let mut sizes = vec![c.as_size(SizeRole::Rows), k.as_size(SizeRole::Cols)];
                    sizes.sort_by_key(|s| s.offset);
                    out.push(Template { sizes, text_at: None, body: at(h, p / k.value, Count::Matrix) });
                }
            }
        }
    }
    if let Some(p) = p0 {
        let p = p as u64;
        for rec in record_sizes(p, 3) {
            let mut h = size % rec;
            while h <= MAX_HEADER_TO_END.min(max_header) && size - h >= MIN_TO_END * rec {
                out.push(Template { sizes: Vec::new(), text_at: None, body: at(h, rec, Count::ToEnd) });
                h += rec;
            }
        }
        for l in &ints {
            let h = size - l.value;
            if h < l.end() || h > l.end() + TIGHT {
                continue;
            }
            for rec in record_sizes(p, 4) {
                if l.value.is_multiple_of(rec) && l.value / rec >= 2 {
                    let sizes = vec![l.as_size(SizeRole::ByteLen)];
                    out.push(Template { sizes, text_at: None, body: at(h, rec, Count::Bytes) });
                }
            }
        }
    }
    text_templates(data, &ints, p0, &mut out);
    if size <= HEADER_ONLY {
        out.push(Template { sizes: Vec::new(), text_at: None, body: None });
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out
}

/// Templates with a text sized by a length field: then nothing, counted
/// records, or records of the period to the end.
fn text_templates(data: &[u8], ints: &[Int], p0: Option<usize>, out: &mut Vec<Template>) {
    let size = data.len() as u64;
    for m in ints.iter().filter(|m| m.value >= 3) {
        for t0 in m.end()..=(m.end() + TIGHT).min(size) {
            let Some(after) = t0.checked_add(m.value).filter(|&a| a <= size) else { break };
            if !is_text(data, t0..after) {
                continue;
            }
            let rest = size - after;
            let len = m.as_size(SizeRole::TextLen);
            if rest == 0 {
                out.push(Template { sizes: vec![len], text_at: Some(t0), body: None });
            }
            let after_text = |size: u64, count: Count| Some(Body { start: Start::AfterText, size, count });
            for c in ints.iter().filter(|c| !c.overlaps(m) && c.end() <= t0 && rest > 0 && rest.is_multiple_of(c.value))
            {
                if rest / c.value <= MAX_RECORD {
                    let mut sizes = vec![len, c.as_size(SizeRole::Count)];
                    sizes.sort_by_key(|s| s.offset);
                    out.push(Template { sizes, text_at: Some(t0), body: after_text(rest / c.value, Count::Field) });
                }
            }
            if let Some(p) = p0 {
                for rec in record_sizes(p as u64, 3) {
                    if rest.is_multiple_of(rec) && rest / rec >= MIN_TO_END {
                        out.push(Template { sizes: vec![len], text_at: Some(t0), body: after_text(rec, Count::ToEnd) });
                    }
                }
            }
        }
    }
}

/// How promising a resolved template looks before it is typed: the
/// coherence of its records times the share of the file they cover.
pub fn promise(data: &[u8], r: &Resolved) -> f64 {
    let covered = r.records.map_or(0, |(_, size, count)| size.saturating_mul(count));
    coherence(data, r) * covered as f64 / (data.len() as f64).max(1.0)
}

/// How strongly the records of a resolved template repeat: the excess of
/// their bytes at the record size (0 for no records).
pub fn coherence(data: &[u8], r: &Resolved) -> f64 {
    let Some((start, size, count)) = r.records else { return 0.0 };
    let Some(end) = count.checked_mul(size).and_then(|b| b.checked_add(start)) else { return 0.0 };
    let (Ok(s), Ok(e)) = (usize::try_from(start), usize::try_from(end)) else { return 0.0 };
    let windows = super::sample::spread(data, s..e, 8, 4096);
    let n = windows.len().max(1) as f64;
    windows.iter().map(|w| period::coherence(w, size)).sum::<f64>() / n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flight_path_like() -> Vec<u8> {
        let text = b"Flight path around the block\nat a fixed altitude.";
        let mut f = (text.len() as i32).to_le_bytes().to_vec();
        f.extend(3i32.to_le_bytes());
        f.extend(text);
        for i in 0..3 {
            for v in [-96.58 + f64::from(i) * 0.01, 39.19, 200.0] {
                f.extend(v.to_le_bytes());
            }
        }
        f
    }

    #[test]
    fn text_then_counted_records() {
        let f = flight_path_like();
        let ts = templates(&f, None);
        let t = ts
            .iter()
            .find(|t| t.text_at == Some(8) && t.body.is_some_and(|b| b.size == 24 && b.count == Count::Field))
            .expect("the text + count template");
        let r = t.resolve(&f).unwrap();
        assert_eq!(r.text, Some(8..57));
        assert_eq!(r.records, Some((57, 24, 3)));
        assert_eq!(r.header_end, 8);
    }

    #[test]
    fn rows_and_cols() {
        let mut f = 6i32.to_le_bytes().to_vec();
        f.extend(5i32.to_le_bytes());
        f.extend((0..30).flat_map(|i| f64::from(i).to_le_bytes()));
        let ts = templates(&f, Some(8));
        let t = ts.iter().find(|t| t.body.is_some_and(|b| b.count == Count::Matrix && b.size == 8)).unwrap();
        assert_eq!(t.sizes.iter().map(|s| s.role).collect::<Vec<_>>(), [SizeRole::Rows, SizeRole::Cols]);
        assert_eq!(t.resolve(&f).unwrap().records, Some((8, 8, 30)));
        assert_eq!(t.record_size(&f), Some(40));
    }

    #[test]
    fn big_endian_counts_and_to_end() {
        let mut f = b"MAGC".to_vec();
        f.extend(40u16.to_be_bytes());
        f.extend((0..40u32).flat_map(|i| (i * 3).to_be_bytes()));
        let ts = templates(&f, Some(4));
        let counted = ts.iter().find(|t| {
            t.sizes.first().is_some_and(|s| s.offset == 4 && s.scalar.endian == Endian::Big)
                && t.body.is_some_and(|b| b.size == 4)
        });
        assert_eq!(counted.and_then(|t| t.resolve(&f)).and_then(|r| r.records), Some((6, 4, 40)));
        assert!(ts.iter().any(|t| t.sizes.is_empty() && t.body.is_some_and(|b| b.start == Start::At(2))));
    }

    #[test]
    fn hostile_values_never_overflow() {
        let f = [0xffu8; 64];
        for t in templates(&f, Some(3)) {
            let _ = t.resolve(&f);
        }
        assert!(templates(&[], Some(1)).iter().all(|t| t.resolve(&[]).is_none() || t.body.is_none()));
        let huge = SizeField {
            offset: u64::MAX - 1,
            scalar: Scalar { kind: ScalarKind::U64, endian: Endian::Little },
            role: SizeRole::Count,
        };
        assert_eq!(huge.value(&f), None);
    }

    #[test]
    fn text_needs_text() {
        let f = b"\x05\x00\x00\x00hello world\x00\x01";
        assert!(is_text(f, 4..15));
        assert!(is_text(f, 4..16));
        assert!(!is_text(f, 4..17));
        assert!(!is_text(f, 0..8));
        assert!(!is_text(f, 4..6));
    }
}
