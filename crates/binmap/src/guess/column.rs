//! Column typing: the fields of a fixed-size record, from samples of it.
//!
//! Given the same span of many rows (sampled records, or one header per
//! file), every way of cutting the span into fields is scored by how few
//! bits the values take under each field's model, and the cheapest cut
//! wins (dynamic programming over byte offsets):
//!
//! - an integer of 1, 2, 4 or 8 bytes in either byte order costs the bits
//!   of its range (`log2(max − min + 1)`), plus its reference value spread
//!   over the rows. A wrong byte order or a wrong width makes the range
//!   explode, so the right ones win;
//! - a float (`f32`, `f64`) must first be plausible: every value finite (a
//!   few NaN allowed), zero or of a sane magnitude. Integers read as floats
//!   are denormals or absurd, so they never pass. It then costs its sign,
//!   its exponent range and its mantissa: the significant bits, or the
//!   decimal digits of its shortest text when fewer (`6.2` is cheap);
//! - NUL-padded ASCII text (printable bytes, then only NULs) costs 2 bits a
//!   character: where text is plausible it beats any number.
//!
//! Every field also costs a fixed 4 bits a row and its model bits (a base
//! and the bits of its width) spread over the rows, so that a value is not
//! cut into pieces without a reason and a header of one row prefers fewer,
//! simpler fields; a field in the other byte order than the file's costs 4
//! bits spread over the rows. A plausible float earns a bonus of 2 (f32) or
//! 3 (f64) bits, its sign, zeros and exponents cost their entropy, and a
//! magnitude beyond 1e-6..1e9 costs 3 bits a decade (integers and text
//! read as floats look like 1e25). An increasing integer costs its steps
//! between neighbouring records, not its range; a text spelled the same in
//! every row costs once. Ties go to the file's byte order and to aligned
//! fields. Plausible floats are labelled floats; the rest are
//! integers, signed unless only an unsigned reading fits. Ordered samples
//! also show monotonic columns ("a time or an index").

use super::sample::Records;
use super::{Field, Kind, Role};
use crate::layout::{Endian, Scalar, ScalarKind};

/// Fixed cost of a field, in bits a row.
const PER_FIELD: f64 = 4.0;

/// The base cost of one more field in a layout, in bits (spread over the rows typed).
pub const PER_FIELD_MODEL: f64 = 6.0;

/// The extra cost of a text character when few rows show it (a header's
/// text is not a word repeated over many records).
const TEXT_CHAR_FEW: f64 = 3.0;

/// Cost of a text character, in bits.
const TEXT_CHAR: f64 = 2.0;

/// Cost of a text byte that is not printable ASCII (a tab, a line break,
/// a byte of a multi-byte character), in bits.
const ODD_CHAR: f64 = 8.0;

/// Cost of a float's mantissa digit when its shortest text is short.
const BITS_PER_DIGIT: f64 = 3.33;

/// A plausible float's bonus, in bits: reading every row as a sane float
/// is evidence in itself (integers and bytes cut elsewhere fail it), so a
/// float is not cut into an integer and a smaller float of equal cost.
const FLOAT_BONUS: [f64; 2] = [2.0, 3.0];

/// What a field in the other byte order than the rest costs, in bits
/// (spread over the rows).
const ENDIAN_SWITCH: f64 = 4.0;

/// Bits for each decade a float's magnitude lies beyond 1e-6..1e9.
const FAR_DECADE: f64 = 3.0;

/// What a text at offset 0 of 2, 4 or 8 characters (no padding) saves, in
/// bits (spread over the rows): files usually start with a magic number
/// the size of a machine word (`RIFF`, `%PDF`, `BM`, `GIF8`...), so such
/// a text is likelier there than anywhere else.
const MAGIC: f64 = 12.0;

/// Shortest text that counts as text (characters, in at least one row).
const MIN_TEXT: usize = 3;

/// A span cut into fields, and what the cut costs.
#[derive(Debug, Clone)]
pub struct Typing {
    pub fields: Vec<Field>,
    /// Bits a row of the chosen fields (lower is more structure).
    pub bits: f64,
}

/// Type `rows.rows[*][span]`, each row holding at least `span.end` bytes;
/// `prior` breaks ties of byte order.
///
/// ```
/// use binmap::guess::{column::type_rows, sample::Records, Kind};
/// use binmap::layout::{Endian, ScalarKind};
/// // 100 records of { name: S8, n: u16be, v: f64 }
/// let mut data = Vec::new();
/// for i in 0..100u16 {
///     data.extend(if i % 2 == 0 { b"alpha\0\0\0" } else { b"beta\0\0\0\0" });
///     data.extend((i * 3).to_be_bytes());
///     data.extend((20.5 + f64::from(i).sin()).to_le_bytes());
/// }
/// let rows = Records::of(&data, 0, 18, 100, 1 << 20);
/// let t = type_rows(&rows, 0..18, Endian::Little);
/// let kinds: Vec<Kind> = t.fields.iter().map(|f| f.kind).collect();
/// assert_eq!(kinds[0], Kind::Text(8));
/// assert!(matches!(kinds[1], Kind::Num(s) if s.kind == ScalarKind::I16 && s.endian == Endian::Big));
/// assert!(matches!(kinds[2], Kind::Num(s) if s.kind == ScalarKind::F64 && s.endian == Endian::Little));
/// ```
pub fn type_rows(rows: &Records<'_>, span: std::ops::Range<usize>, prior: Endian) -> Typing {
    let (a, b) = (span.start, span.end.max(span.start));
    let usable = rows.rows.iter().all(|r| r.len() >= b) && !rows.rows.is_empty();
    if !usable || a == b {
        return Typing { fields: Vec::new(), bits: 0.0 };
    }
    let n = b - a;
    // best[i]: the cheapest cut of a..a+i, and the last field of it.
    let mut best: Vec<(f64, Option<Cand>)> = vec![(f64::INFINITY, None); n + 1];
    best[0].0 = 0.0;
    for i in 0..n {
        let base = best[i].0;
        if !base.is_finite() {
            continue;
        }
        let o = a + i;
        for cand in candidates(rows, o, b, prior) {
            let j = i + cand.len;
            let cost = base + cand.cost;
            if cost < best[j].0 {
                best[j] = (cost, Some(cand));
            }
        }
    }
    let mut chosen = Vec::new();
    let mut j = n;
    while j > 0 {
        let Some(c) = best[j].1.take() else { break };
        j -= c.len;
        chosen.push((a + j, c));
    }
    chosen.reverse();
    let bits = best[n].0 - chosen.iter().map(|(_, c)| c.model).sum::<f64>();
    let fields = chosen
        .into_iter()
        .map(|(o, c)| match c.spec {
            Spec::Text => text_at(rows, o, b)
                .filter(|t| t.bits(c.len).is_some())
                .map_or_else(|| numeric(rows, o, c.len, prior).field(o), |t| t.field(o, c.len)),
            Spec::Num(e) => numeric(rows, o, c.len, e).field(o),
        })
        .collect();
    Typing { fields, bits }
}

/// The bits a layout spends on one more field of this kind: a base cost,
/// and the bits of its width (so that one wide field holding a small
/// value is not preferred to two narrow ones for free). With one header
/// row a field must earn them; over many records they vanish.
pub fn model_bits(kind: Kind) -> f64 {
    let width = match kind {
        Kind::Num(s) => 8.0 * s.kind.size() as f64,
        Kind::Text(n) => n as f64,
    };
    PER_FIELD_MODEL + (width + 1.0).log2()
}

/// What a candidate reads.
#[derive(Debug, Clone, Copy)]
enum Spec {
    Text,
    Num(Endian),
}

/// One way to read the bytes at an offset, with its cost (the field itself
/// is only written out for the chosen cut).
#[derive(Debug, Clone, Copy)]
struct Cand {
    len: usize,
    cost: f64,
    spec: Spec,
    /// The model's share of `cost`.
    model: f64,
}

/// Every field that may start at `o` and end by `end`.
fn candidates(rows: &Records<'_>, o: usize, end: usize, prior: Endian) -> Vec<Cand> {
    let mut out = Vec::new();
    let n = rows.rows.len().max(1) as f64;
    if let Some(t) = text_at(rows, o, end) {
        for &(len, bits) in &t.lengths {
            let model = model_bits(Kind::Text(len as u64)) / n;
            let magic = if o == 0 && matches!(len, 2 | 4 | 8) && len <= t.longest_len { MAGIC / n } else { 0.0 };
            out.push(Cand { len, cost: bits + PER_FIELD + model - magic, spec: Spec::Text, model });
        }
    }
    let lead_zero = rows.rows.iter().all(|r| r.get(o) == Some(&0));
    for w in [1usize, 2, 4, 8] {
        if o + w > end {
            break;
        }
        let orders: &[Endian] = if w == 1 { &[Endian::Little] } else { &[Endian::Little, Endian::Big] };
        for &e in orders {
            let model = (PER_FIELD_MODEL + (8.0 * w as f64 + 1.0).log2()) / n;
            let mut cost = assess(rows, o, w, e).bits() + PER_FIELD + model;
            if w > 1 && e != prior {
                // A field in the other byte order than the file's must earn it.
                cost += 0.01 + ENDIAN_SWITCH / n;
            }
            if !o.is_multiple_of(w) {
                cost += 0.02;
            }
            if w == 1 {
                cost += 0.05;
            } else if lead_zero {
                // On a tie, a NUL in every row is the padding of what ends
                // before it (a text), not the top byte of a number.
                cost += 0.04;
            }
            out.push(Cand { len: w, cost, spec: Spec::Num(e), model });
        }
    }
    out
}

/// A text run: its possible lengths, and what each costs.
struct TextRun {
    /// `(length, bits a row)` for every length the text may be cut at.
    lengths: Vec<(usize, f64)>,
    /// The longest text of a row, in characters.
    longest_len: usize,
    longest: String,
    /// Where the NUL padding ends (the run's extent).
    max_len: usize,
    rows: usize,
}

impl TextRun {
    fn field(&self, o: usize, len: usize) -> Field {
        let shown = self.longest_len.min(len);
        let why = format!(
            "NUL-padded text, up to {shown} characters (e.g. {:?})",
            self.longest.chars().take(shown).collect::<String>()
        );
        let evidence = vec![format!(
            "in all {} sampled rows: printable ASCII then only NULs; the longest text has {} characters, the padding reaches {} bytes",
            self.rows, self.longest_len, self.max_len
        )];
        Field::new(o as u64, Kind::Text(len as u64), Role::Text, why, evidence)
    }

    /// The bits a row of the text cut at `len` (`None` when it cannot be cut there).
    fn bits(&self, len: usize) -> Option<f64> {
        self.lengths.iter().find(|l| l.0 == len).map(|l| l.1)
    }
}

fn textish(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n' || b == b'\r' || b >= 0x80
}

/// The text run starting at `o`: every row printable then NUL-padded, at
/// least half the rows non-empty. It ends after the longest row's text, or
/// in its NUL padding; in a header (a row or few) it may also end inside a
/// text, at any length that leaves some row at least `MIN_TEXT` characters
/// and every row's text valid UTF-8, the rest of that text left to the
/// fields that follow (a magic number followed by a printable byte). In
/// records, the rows' NULs show where text ends.
fn text_at(rows: &Records<'_>, o: usize, end: usize) -> Option<TextRun> {
    let n = rows.rows.len();
    let nonempty = rows.rows.iter().filter(|r| r.get(o).is_some_and(|&c| c != 0)).count();
    if nonempty * 2 < n || nonempty == 0 {
        return None;
    }
    let mut len = vec![None::<usize>; n];
    let mut max_len = 0;
    'cols: for j in o..end {
        for (k, r) in rows.rows.iter().enumerate() {
            let c = r.get(j).copied().unwrap_or(0);
            match (c, len[k]) {
                (0, _) => {}
                (c, None) if textish(c) => {}
                _ => break 'cols,
            }
        }
        for (k, r) in rows.rows.iter().enumerate() {
            if r.get(j) == Some(&0) && len[k].is_none() {
                len[k] = Some(j - o);
            }
        }
        max_len = j + 1 - o;
    }
    let strlen: Vec<usize> = len.iter().map(|l| l.unwrap_or(max_len)).collect();
    let longest_k = (0..n).max_by_key(|&k| strlen[k])?;
    let longest_len = strlen[longest_k];
    if longest_len < MIN_TEXT {
        return None;
    }
    let text = |k: usize, cut: usize| rows.rows[k].get(o..o + strlen[k].min(cut));
    let few = n <= 3;
    // A printable character costs TEXT_CHAR bits (more in few rows); a tab,
    // a line break or a byte of a multi-byte character as much as any byte.
    let plain = TEXT_CHAR + TEXT_CHAR_FEW / n as f64;
    let spell = |s: &[u8]| s.iter().map(|&c| if (0x20..0x7f).contains(&c) { plain } else { ODD_CHAR }).sum::<f64>();
    let mut lengths = Vec::new();
    for cut in (if few { MIN_TEXT } else { longest_len })..=max_len {
        let (mut chars, mut constant, mut valid) = (0.0, true, true);
        let first = text(0, cut)?;
        for k in 0..n {
            let s = text(k, cut)?;
            valid &= std::str::from_utf8(s).is_ok();
            chars += spell(s);
            constant &= s == first;
        }
        if !valid || strlen.iter().all(|&l| l.min(cut) < MIN_TEXT) {
            continue;
        }
        if constant {
            // The same text in every row (a magic number) is spelled once, as
            // a constant number is.
            chars = spell(first);
        }
        // Padding beyond the longest text is a guess too, when a header
        // row or two show it (in records, NULs after text are padding).
        let padding = if few { TEXT_CHAR_FEW * cut.saturating_sub(longest_len) as f64 / n as f64 } else { 0.0 };
        let bits = chars / n as f64 + (max_len as f64 + 1.0).log2() / n as f64 + padding;
        lengths.push((cut, bits));
    }
    if lengths.is_empty() {
        return None;
    }
    let longest = rows.rows[longest_k].get(o..o + longest_len).map(String::from_utf8_lossy).unwrap_or_default();
    Some(TextRun { lengths, longest_len, longest: longest.into_owned(), max_len, rows: n })
}

/// A number's reading at one offset, width and byte order.
struct Numeric {
    scalar: Scalar,
    why: String,
    evidence: Vec<String>,
    role: Role,
}

impl Numeric {
    fn field(self, o: usize) -> Field {
        Field::new(o as u64, Kind::Num(self.scalar), self.role, self.why, self.evidence)
    }
}

fn load(b: &[u8], e: Endian) -> u64 {
    let mut v = 0u64;
    match e {
        Endian::Little => b.iter().rev().for_each(|&c| v = v << 8 | u64::from(c)),
        Endian::Big => b.iter().for_each(|&c| v = v << 8 | u64::from(c)),
    }
    v
}

fn sign_extend(v: u64, w: usize) -> i64 {
    let shift = 64 - 8 * w as u32;
    ((v << shift) as i64) >> shift
}

fn order_name(e: Endian) -> &'static str {
    if e == Endian::Big { "big endian" } else { "little endian" }
}

/// Read `w` bytes at `o` in order `e` from every row: as an integer, and as
/// a float when that is plausible; the cheaper decides the cost, a
/// plausible float the label.
fn numeric(rows: &Records<'_>, o: usize, w: usize, e: Endian) -> Numeric {
    let Assessed { raw, ints, float, int_bits } = assess(rows, o, w, e);
    match float {
        Some(f) => {
            let kind = if w == 4 { ScalarKind::F32 } else { ScalarKind::F64 };
            let mut why = format!("{}: {}", kind.name(), f.describe(raw.len()));
            let mut role = Role::Value;
            if rows.ordered && f.increasing && raw.len() >= 4 {
                why.push_str("; increasing: a time or an index");
                role = Role::Time;
            }
            let evidence = vec![
                format!("{} as {}: {}", order_name(e), kind.name(), f.describe(raw.len())),
                format!(
                    "as an integer the same bytes would span {:.1} bits, as a float {:.1} bits a value",
                    int_bits,
                    f.bits(raw.len())
                ),
            ];
            Numeric { scalar: Scalar { kind, endian: e }, why, evidence, role }
        }
        _ => {
            let kind = ints.kind(w);
            let mut why = format!("{}: {}", kind.name(), ints.describe(raw.len()));
            let mut role = Role::Value;
            if ints.step_one {
                why.push_str("; counts up by one a record: an index");
                role = Role::Index;
            } else if ints.increasing {
                why.push_str("; increasing: a time or an index");
                role = Role::Time;
            }
            let evidence = vec![format!(
                "{} as {}: {} ({:.1} bits a value)",
                order_name(e),
                kind.name(),
                ints.describe(raw.len()),
                int_bits
            )];
            Numeric { scalar: Scalar { kind, endian: e }, why, evidence, role }
        }
    }
}

/// A column read as an integer, and as a float when that is plausible.
struct Assessed {
    raw: Vec<u64>,
    ints: IntStats,
    /// Plausible as floats (and not a counter that happens to pass as one).
    float: Option<FloatStats>,
    int_bits: f64,
}

impl Assessed {
    /// Bits a row: the cheaper reading, a plausible float's bonus taken off.
    fn bits(&self) -> f64 {
        match &self.float {
            Some(f) => f.bits(self.raw.len()).min(self.int_bits) - FLOAT_BONUS[usize::from(f.width == 8)],
            None => self.int_bits,
        }
    }
}

/// Read `w` bytes at `o` in order `e` from every row.
fn assess(rows: &Records<'_>, o: usize, w: usize, e: Endian) -> Assessed {
    let raw: Vec<u64> = rows.rows.iter().map(|r| r.get(o..o + w).map_or(0, |b| load(b, e))).collect();
    let ints = IntStats::of(&raw, w, rows);
    let float = if w == 4 || w == 8 { FloatStats::of(&raw, w) } else { None };
    let float = float.filter(|f| !(ints.looks_counted() && f.mean_digits > 6.0));
    let int_bits = ints.bits(raw.len());
    Assessed { raw, ints, float, int_bits }
}

/// An integer column's range, signed and unsigned, and its order.
struct IntStats {
    signed: bool,
    min: i128,
    max: i128,
    increasing: bool,
    step_one: bool,
    /// The largest step between consecutive records, per record.
    max_step: f64,
    /// Increasing: the largest step between neighbouring records.
    delta: Option<i128>,
}

impl IntStats {
    fn of(raw: &[u64], w: usize, rows: &Records<'_>) -> IntStats {
        let (mut umin, mut umax, mut smin, mut smax) = (u64::MAX, 0u64, i64::MAX, i64::MIN);
        for &v in raw {
            let s = sign_extend(v, w);
            umin = umin.min(v);
            umax = umax.max(v);
            smin = smin.min(s);
            smax = smax.max(s);
        }
        let urange = i128::from(umax) - i128::from(umin);
        let srange = i128::from(smax) - i128::from(smin);
        let signed = srange <= urange;
        let value = |v: u64| if signed { i128::from(sign_extend(v, w)) } else { i128::from(v) };
        let (min, max) = if signed { (smin.into(), smax.into()) } else { (umin.into(), umax.into()) };
        let ordered = rows.ordered && raw.len() >= 4;
        let increasing = ordered && raw.windows(2).all(|p| value(p[1]) >= value(p[0])) && max > min;
        let step_one = increasing
            && raw
                .windows(2)
                .zip(rows.index.windows(2))
                .all(|(v, i)| value(v[1]) - value(v[0]) == i128::from(i[1]) - i128::from(i[0]));
        let (mut max_step, mut max_delta, mut pairs) = (0.0f64, 0i128, 0usize);
        if increasing {
            for (v, i) in raw.windows(2).zip(rows.index.windows(2)) {
                let gap = (i[1].saturating_sub(i[0])).max(1) as f64;
                let d = value(v[1]) - value(v[0]);
                max_step = max_step.max(d as f64 / gap);
                if i[1] == i[0] + 1 {
                    max_delta = max_delta.max(d);
                    pairs += 1;
                }
            }
        }
        // Steps between neighbours tell an increasing column's cost only
        // when enough neighbours were sampled.
        let delta = (pairs * 2 >= raw.len()).then_some(max_delta);
        IntStats { signed, min, max, increasing, step_one, max_step, delta }
    }

    /// Bits a value: of its range, or of the steps between neighbours for
    /// an increasing column (a time stamp costs its increments), plus the
    /// reference value spread over the rows.
    fn bits(&self, n: usize) -> f64 {
        let range = (self.max - self.min) as f64;
        let spread = self.delta.map_or(range, |d| (d as f64).min(range));
        let reference = self.min.unsigned_abs() as f64;
        (spread + 1.0).log2() + (reference + 1.0).log2() / n.max(1) as f64
    }

    /// Increasing with a range much narrower than its magnitude: a counter
    /// or a time stamp (even when its bytes would pass as a float).
    /// A float's bit pattern grows by huge steps as its value creeps up; a
    /// counter's by small ones.
    fn looks_counted(&self) -> bool {
        self.step_one
            || (self.increasing
                && ((self.max - self.min) as f64) < self.min.unsigned_abs() as f64
                && self.max_step < 65536.0)
    }

    fn kind(&self, w: usize) -> ScalarKind {
        use ScalarKind::*;
        match (w, self.signed) {
            (1, true) => I8,
            (1, false) => U8,
            (2, true) => I16,
            (2, false) => U16,
            (4, true) => I32,
            (4, false) => U32,
            (_, true) => I64,
            (_, false) => U64,
        }
    }

    fn describe(&self, n: usize) -> String {
        if n == 1 {
            self.min.to_string()
        } else if self.min == self.max {
            format!("{} in all {n} sampled rows", self.min)
        } else {
            format!("{} .. {} in {n} sampled rows", self.min, self.max)
        }
    }
}

/// A float column that passed the plausibility test.
struct FloatStats {
    min: f64,
    max: f64,
    /// Bits of sign, zero flag and exponent range.
    shape_bits: f64,
    /// Mean mantissa cost a value.
    mantissa_bits: f64,
    /// Exponent reference cost (spread over the rows).
    reference_bits: f64,
    mean_digits: f64,
    increasing: bool,
    nan: usize,
    width: usize,
}

impl FloatStats {
    /// `None` unless every value is finite (or NaN, for at most 1 in 20 of
    /// 20 or more values), zero or of a plausible magnitude, and not all zero.
    fn of(raw: &[u64], w: usize) -> Option<FloatStats> {
        let (mant_bits, exp_bits, bias, lo, hi) =
            if w == 8 { (52u32, 11u32, 1023i64, 1e-30, 1e30) } else { (23, 8, 127, 1e-12, 1e10) };
        let (mut min, mut max, mut nan) = (f64::INFINITY, f64::NEG_INFINITY, 0usize);
        let (mut emin, mut emax) = (i64::MAX, i64::MIN);
        let (mut pos, mut neg, mut zero, mut nonzero) = (false, false, false, 0usize);
        let (mut negs, mut zeros, mut exps) = (0usize, 0usize, Vec::with_capacity(raw.len()));
        let mut small = f64::INFINITY;
        let mut mantissa: Vec<f64> = Vec::with_capacity(raw.len());
        let mut digits = 0.0;
        let mut increasing = true;
        let mut last = f64::NEG_INFINITY;
        let mut buf = ryu::Buffer::new();
        for &v in raw {
            let x = if w == 8 { f64::from_bits(v) } else { f64::from(f32::from_bits(v as u32)) };
            if x.is_nan() {
                nan += 1;
                continue;
            }
            if !x.is_finite() || (x != 0.0 && !(lo..=hi).contains(&x.abs())) {
                return None;
            }
            increasing &= x >= last;
            last = x;
            min = min.min(x);
            max = max.max(x);
            if x == 0.0 {
                zero = true;
                zeros += 1;
                continue;
            }
            pos |= x > 0.0;
            neg |= x < 0.0;
            negs += usize::from(x < 0.0);
            small = small.min(x.abs());
            nonzero += 1;
            let e = ((v >> mant_bits) & ((1 << exp_bits) - 1)) as i64;
            emin = emin.min(e);
            emax = emax.max(e);
            exps.push(e);
            let m = v & ((1u64 << mant_bits) - 1);
            let sig = if m == 0 { 0 } else { mant_bits - m.trailing_zeros() };
            let d = if sig <= 8 {
                f64::from(sig) / BITS_PER_DIGIT + 1.0
            } else if w == 8 {
                significant_digits(buf.format_finite(x)) as f64
            } else {
                significant_digits(buf.format_finite(x as f32)) as f64
            };
            digits += d;
            mantissa.push(f64::from(sig).min(BITS_PER_DIGIT * (d - 1.0) + 1.0));
        }
        let n = raw.len();
        if nonzero == 0 || (nan > 0 && (n < 20 || nan * 20 > n)) {
            return None;
        }
        let nz = nonzero as f64;
        // Signs, zeros and exponents cost their entropy a value (a single
        // zero among many values is cheap, not a bit every row), plus the
        // exponents in use, once.
        let counted = (n - nan) as f64;
        let _ = (pos, zero);
        exps.sort_unstable();
        let mut exp_entropy = 0.0;
        let mut distinct = 0usize;
        for run in exps.chunk_by(|a, b| a == b) {
            let p = run.len() as f64 / nz_count(&exps);
            exp_entropy -= p * p.log2();
            distinct += 1;
        }
        let shape_bits = binary_entropy(negs as f64 / nonzero.max(1) as f64)
            + binary_entropy(zeros as f64 / counted.max(1.0))
            + exp_entropy
            + distinct as f64 * ((emax - emin) as f64 + 1.0).log2() / counted.max(1.0);
        let _ = neg;
        let mut reference_bits = ((emin - bias).unsigned_abs() as f64 + 1.0).log2();
        // Magnitudes far from everyday ones (1e25, 1e-12) are what integers
        // and text read as floats look like: each decade beyond 1e-6..1e9
        // costs bits.
        let biggest = min.abs().max(max.abs());
        let smallest = if w == 8 { f64::from_bits(1) } else { 0.0 }.max(small);
        let decades = (biggest.log10() - 9.0).max(0.0) + (-6.0 - smallest.log10()).max(0.0);
        reference_bits += FAR_DECADE * decades;
        // The column's sign and how many mantissa bits its values use, said
        // once: a lone header value pays them in full (an integer's bits
        // read as a float are not cheaper than the integer).
        reference_bits += 1.0 + (f64::from(mant_bits) + 1.0).log2();
        // The mantissa's cost: the mean over all but the dearest 1 in 32 values,
        // so that one value off by an ulp does not make round values dear.
        mantissa.sort_by(f64::total_cmp);
        mantissa.truncate(mantissa.len() - mantissa.len() / 32);
        let mut mantissa_bits = mantissa.iter().sum::<f64>() / mantissa.len().max(1) as f64;
        if min == max {
            // A constant is written once, like an integer's reference.
            reference_bits += mantissa_bits;
            mantissa_bits = 0.0;
        }
        Some(FloatStats {
            min,
            max,
            shape_bits,
            mantissa_bits,
            reference_bits,
            mean_digits: digits / nz,
            increasing: increasing && max > min,
            nan,
            width: w,
        })
    }

    fn bits(&self, n: usize) -> f64 {
        self.shape_bits + self.mantissa_bits + self.reference_bits / n.max(1) as f64
    }

    fn describe(&self, n: usize) -> String {
        let num = |x: f64| number(x, self.width);
        let mut s = if n == 1 {
            num(self.min)
        } else if self.min == self.max {
            format!("{} in all {n} sampled rows", num(self.min))
        } else {
            format!("{} .. {} in {n} sampled rows, all finite", num(self.min), num(self.max))
        };
        if self.nan > 0 {
            s.push_str(&format!(", {} NaN", self.nan));
        }
        s
    }
}

/// The entropy of a coin that shows heads with probability `p`, in bits.
fn binary_entropy(p: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 { 0.0 } else { -p * p.log2() - (1.0 - p) * (1.0 - p).log2() }
}

fn nz_count(exps: &[i64]) -> f64 {
    exps.len().max(1) as f64
}

/// A float of `width` bytes as Python's `repr` writes it.
fn number(x: f64, width: usize) -> String {
    use crate::text::number::{NonFinite, write_f32, write_f64};
    let mut out = Vec::new();
    if width == 4 {
        write_f32(&mut out, x as f32, NonFinite::Text);
    } else {
        write_f64(&mut out, x, NonFinite::Text);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Significant decimal digits of ryu's text for a number (`0.1` → 1,
/// `-96.5852293` → 9, `1.5e-5` → 2).
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let start = digits.iter().position(|&d| d != b'0').unwrap_or(digits.len());
    let end = digits.iter().rposition(|&d| d != b'0').map_or(start, |i| i + 1);
    end.saturating_sub(start).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(data: &[u8], size: u64) -> Records<'_> {
        Records::of(data, 0, size, data.len() as u64 / size, 1 << 20)
    }

    fn kinds(t: &Typing) -> Vec<String> {
        t.fields
            .iter()
            .map(|f| match f.kind {
                Kind::Num(s) => s.to_string(),
                Kind::Text(n) => format!("bytes[{n}]"),
            })
            .collect()
    }

    #[test]
    fn tutorial_ticks() {
        let names: [&[u8; 12]; 4] = [b"MSFT_profit\0", b"GOOG_profit\0", b"INTC_profit\0", b"GOOD_profit\0"];
        let mut data = Vec::new();
        for (i, (t, v)) in
            [(10i64, 6.2f32), (12, -1.08), (18, 8.4), (25, -0.2), (1000325, 3.2), (1000350, 4.5)].iter().enumerate()
        {
            data.extend(names[i % 4]);
            data.extend(t.to_le_bytes());
            data.extend(v.to_le_bytes());
        }
        let t = type_rows(&rows_of(&data, 24), 0..24, Endian::Little);
        assert_eq!(kinds(&t), ["bytes[12]", "i64", "f32"]);
        assert_eq!(t.fields[1].role, Role::Time);
    }

    #[test]
    fn two_f32_are_not_one_f64() {
        let mut data = Vec::new();
        for i in 0..300 {
            let i = i as f32;
            data.extend((10.0 + (i * 0.37).sin() * 3.1).to_le_bytes());
            data.extend((-250.0 + (i * 0.11).cos() * 40.7).to_le_bytes());
        }
        assert_eq!(kinds(&type_rows(&rows_of(&data, 8), 0..8, Endian::Little)), ["f32", "f32"]);
    }

    #[test]
    fn round_f64_stay_whole() {
        let data: Vec<u8> = (0..30).flat_map(|i| f64::from(i).to_le_bytes()).collect();
        assert_eq!(kinds(&type_rows(&rows_of(&data, 8), 0..8, Endian::Little)), ["f64"]);
    }

    #[test]
    fn byte_order_and_width_of_integers() {
        let mut data = Vec::new();
        for i in 0..200u32 {
            data.extend(((i * 7919) % 1000).to_be_bytes());
            data.extend(((i % 13) as u16).to_le_bytes());
            data.push(((i * 31) % 250) as u8);
        }
        assert_eq!(kinds(&type_rows(&rows_of(&data, 7), 0..7, Endian::Little)), ["i32be", "i16", "u8"]);
    }

    #[test]
    fn a_single_header_row() {
        // struct.pack('!id5s', 123, 0.1, b'hello')
        let mut h = 123i32.to_be_bytes().to_vec();
        h.extend(0.1f64.to_be_bytes());
        h.extend(b"hello");
        let rows = Records { index: vec![0], rows: vec![&h[..]], ordered: false };
        assert_eq!(kinds(&type_rows(&rows, 0..17, Endian::Big)), ["i32be", "f64be", "bytes[5]"]);
    }

    #[test]
    fn counters_and_time_stamps() {
        let mut data = Vec::new();
        for i in 0..500u32 {
            data.extend(i.to_le_bytes());
            data.extend((1_500_000_000 + 17 * i).to_le_bytes());
        }
        let t = type_rows(&rows_of(&data, 8), 0..8, Endian::Little);
        assert_eq!(kinds(&t), ["i32", "i32"]);
        assert_eq!((t.fields[0].role, t.fields[1].role), (Role::Index, Role::Time));
    }

    #[test]
    fn nothing_to_type() {
        let empty = Records::default();
        assert!(type_rows(&empty, 0..4, Endian::Little).fields.is_empty());
        let short = Records { index: vec![0], rows: vec![&[1u8, 2][..]], ordered: false };
        assert!(type_rows(&short, 0..4, Endian::Little).fields.is_empty());
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 2..1;
        assert!(type_rows(&short, reversed, Endian::Little).fields.is_empty());
    }

    #[test]
    fn digits() {
        assert_eq!(significant_digits("0.1"), 1);
        assert_eq!(significant_digits("-96.5852293"), 9);
        assert_eq!(significant_digits("1.5e-5"), 2);
        assert_eq!(significant_digits("100.0"), 1);
        assert_eq!(significant_digits("0.0"), 1);
    }
}
