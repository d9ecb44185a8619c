//! Float and integer text, exactly as Python and numpy spell and read it.
//!
//! Formatting prints the shortest decimal digits that read back to the same
//! bits *at the value's own precision* (f16, bf16, f32 or f64); when several
//! shortest candidates exist, the one closest to the exact value (ties: even
//! last digit). The digits are laid out by Python's `repr` rules: fixed
//! notation with at least one decimal when the printed number is in
//! `[1e-4, 1e16)`, otherwise scientific with at least two exponent digits
//! and a sign (SPEC §4).
//!
//! Parsing accepts what Python's `float()` accepts (plus JSON's `NaN`,
//! `Infinity`, `-Infinity`) and rounds correctly, once, straight to the
//! target precision (round to nearest, ties to even).
//!
//! numpy 2's own `str`/`repr` of float16 and float32 scalars picks the same
//! digits but a different layout in places: scientific notation from 1e3 for
//! float16 and from 1e6 for float32 (`np.float32(1e6)` prints `1e+06`, this
//! module `1000000.0`), and the 1e-4 threshold tested on the exact binary
//! value (`np.float32(1e-4)` prints `1e-04`, this module `0.0001`). Both
//! spellings read back to the same bits. For float64 the two agree.
//!
//! ```
//! use binmap::text::number::{parse_f32, write_f32, NonFinite};
//! let x = parse_f32("6.2").unwrap();
//! let mut out = Vec::new();
//! write_f32(&mut out, x, NonFinite::Text);
//! assert_eq!(out, b"6.2");
//! ```

use core::cmp::Ordering;
use half::{bf16, f16};
use std::sync::OnceLock;

/// How non-finite values are spelled.
///
/// ```
/// use binmap::text::number::{write_f64, NonFinite};
/// let mut out = Vec::new();
/// write_f64(&mut out, f64::NEG_INFINITY, NonFinite::Text);
/// out.push(b' ');
/// write_f64(&mut out, f64::NEG_INFINITY, NonFinite::Json);
/// assert_eq!(out, b"-inf -Infinity");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonFinite {
    /// `nan`, `inf`, `-inf` (CSV, tables, Python `repr`).
    Text,
    /// `NaN`, `Infinity`, `-Infinity` (Python's `json` module).
    Json,
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

const ZEROS: &[u8; 24] = b"000000000000000000000000";

fn write_non_finite(out: &mut Vec<u8>, nan: bool, neg: bool, nf: NonFinite) {
    let s: &[u8] = match (nan, neg, nf) {
        (true, _, NonFinite::Text) => b"nan",
        (true, _, NonFinite::Json) => b"NaN",
        (false, false, NonFinite::Text) => b"inf",
        (false, true, NonFinite::Text) => b"-inf",
        (false, false, NonFinite::Json) => b"Infinity",
        (false, true, NonFinite::Json) => b"-Infinity",
    };
    out.extend_from_slice(s);
}

fn write_zero(out: &mut Vec<u8>, neg: bool) {
    out.extend_from_slice(if neg { b"-0.0" } else { b"0.0" });
}

/// Lays out `0.DIGITS × 10^decpt` by Python's `repr` rules. `digits` is
/// non-empty, has no leading zero and no trailing zero.
pub(crate) fn write_layout(out: &mut Vec<u8>, neg: bool, digits: &[u8], decpt: i32) {
    write_layout_upto(out, neg, digits, decpt, 16);
}

/// [`write_layout`] with fixed notation up to `decpt <= fixed_max` (16 for
/// `repr`; the number of significant digits for C's `%g`).
fn write_layout_upto(out: &mut Vec<u8>, neg: bool, digits: &[u8], decpt: i32, fixed_max: i32) {
    if neg {
        out.push(b'-');
    }
    let n = digits.len() as i32;
    if -4 < decpt && decpt <= fixed_max {
        if decpt <= 0 {
            out.extend_from_slice(b"0.");
            out.extend_from_slice(&ZEROS[..(-decpt) as usize]);
            out.extend_from_slice(digits);
        } else if decpt >= n {
            out.extend_from_slice(digits);
            out.extend_from_slice(&ZEROS[..(decpt - n) as usize]);
            out.extend_from_slice(b".0");
        } else {
            let (a, b) = digits.split_at(decpt as usize);
            out.extend_from_slice(a);
            out.push(b'.');
            out.extend_from_slice(b);
        }
    } else {
        out.push(digits[0]);
        if n > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        let e = decpt - 1;
        out.extend_from_slice(if e < 0 { b"e-" } else { b"e+" });
        let a = e.unsigned_abs(); // at most 324 for f64, 4951 for f80
        if a < 10 {
            out.push(b'0');
        }
        out.extend_from_slice(itoa::Buffer::new().format(a).as_bytes());
    }
}

/// Re-lays out ryu's output (`1.5e-7`, `0.001`, `1234.0`, `1e30`, ...) by
/// Python's rules.
fn relayout_ryu(out: &mut Vec<u8>, s: &[u8]) {
    let (neg, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let mut digits = [0u8; 32];
    let mut n = 0usize;
    let mut before_point: i32 = 0;
    let mut seen_point = false;
    let mut exp: i32 = 0;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        match c {
            b'0'..=b'9' => {
                if n < digits.len() {
                    digits[n] = c;
                    n += 1;
                }
                if !seen_point {
                    before_point += 1;
                }
            }
            b'.' => seen_point = true,
            b'e' | b'E' => {
                let mut neg_e = false;
                let mut j = i + 1;
                if j < s.len() && (s[j] == b'-' || s[j] == b'+') {
                    neg_e = s[j] == b'-';
                    j += 1;
                }
                let mut v: i32 = 0;
                while j < s.len() {
                    v = v * 10 + i32::from(s[j].wrapping_sub(b'0'));
                    j += 1;
                }
                exp = if neg_e { -v } else { v };
                break;
            }
            _ => {}
        }
        i += 1;
    }
    let mut start = 0;
    while start < n && digits[start] == b'0' {
        start += 1;
    }
    let mut end = n;
    while end > start && digits[end - 1] == b'0' {
        end -= 1;
    }
    if start == end {
        write_zero(out, neg);
        return;
    }
    let decpt = before_point - start as i32 + exp;
    write_layout(out, neg, &digits[start..end], decpt);
}

/// Writes an `f64` as Python's `repr(float)` does (SPEC §4).
///
/// ```
/// use binmap::text::number::{write_f64, NonFinite};
/// let mut out = Vec::new();
/// for x in [0.1, 1.0, 1e16, 1.5e-5, 5e-324, -0.0, 1e22, 0.0001] {
///     write_f64(&mut out, x, NonFinite::Text);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"0.1 1.0 1e+16 1.5e-05 5e-324 -0.0 1e+22 0.0001 ");
/// ```
pub fn write_f64(out: &mut Vec<u8>, x: f64, nf: NonFinite) {
    write_ryu(out, x, x.is_finite(), x.is_nan(), x.is_sign_negative(), x == 0.0, nf);
}

/// Writes an `f64` rounded to `sig` significant digits (1 to 17), for
/// reading rather than reading back: C's `%.{sig}g` (fixed notation when
/// the exponent is from -4 to `sig - 1`, else scientific), with trailing
/// zeros dropped but one decimal kept, and the exponent spelled as `repr`
/// spells it (`e+07`, `e-05`).
///
/// ```
/// use binmap::text::number::write_f64_sig;
/// let mut out = Vec::new();
/// for x in [1.2036978877217839, 20.19999933242798, -0.6249999776482582, 12345678.9, 1e-5, 3.0, 0.0, f64::NAN] {
///     write_f64_sig(&mut out, x, 7);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"1.203698 20.2 -0.625 1.234568e+07 1e-05 3.0 0.0 nan ");
/// ```
pub fn write_f64_sig(out: &mut Vec<u8>, x: f64, sig: usize) {
    let sig = sig.clamp(1, 17);
    if !x.is_finite() || x == 0.0 {
        write_f64(out, x, NonFinite::Text);
        return;
    }
    // Rust's `{:.N e}` rounds the exact binary value correctly (ties to even).
    let text = format!("{:.*e}", sig - 1, x.abs());
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    write_layout_upto(out, x < 0.0, &digits, exp + 1, sig as i32);
}

/// Writes ryu's output for a finite non-zero value in Python's layout,
/// copying it where the two layouts agree (most values).
fn emit_ryu(out: &mut Vec<u8>, s: &[u8]) {
    let body = if s.first() == Some(&b'-') { &s[1..] } else { s };
    match body.iter().rposition(|&c| c == b'e') {
        None => {
            // ryu's fixed layout is Python's, except that Python switches to
            // scientific below 1e-4 ("0.0000...").
            if body.starts_with(b"0.0000") {
                relayout_ryu(out, s);
            } else {
                out.extend_from_slice(s);
            }
        }
        Some(epos) => {
            // Scientific: ryu's mantissa ("1", "1.5") is Python's; only the
            // exponent is spelled differently (`e-7` vs `e-07`, `e16` vs
            // `e+16`). Python is fixed for exponents 0..=15 (f32 from ryu
            // can be scientific from 1e13).
            let e = &body[epos + 1..];
            let (eneg, ed) = match e.split_first() {
                Some((b'-', rest)) => (true, rest),
                _ => (false, e),
            };
            let big = ed.len() >= 3 || (ed.len() == 2 && ed >= b"16".as_slice());
            if !(eneg || big) {
                relayout_ryu(out, s);
                return;
            }
            let mant_end = s.len() - body.len() + epos;
            out.extend_from_slice(&s[..mant_end]);
            out.extend_from_slice(if eneg { b"e-" } else { b"e+" });
            if ed.len() == 1 {
                out.push(b'0');
            }
            out.extend_from_slice(ed);
        }
    }
}

/// Writes an `f32` with the shortest digits that read back to the same
/// `f32`, laid out as Python's `repr` (SPEC §4).
///
/// ```
/// use binmap::text::number::{write_f32, NonFinite};
/// let mut out = Vec::new();
/// for x in [6.2f32, 0.1, 1e6, 16777216.0, 1e-5, f32::MAX, f32::NAN] {
///     write_f32(&mut out, x, NonFinite::Text);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"6.2 0.1 1000000.0 16777216.0 1e-05 3.4028235e+38 nan ");
/// ```
pub fn write_f32(out: &mut Vec<u8>, x: f32, nf: NonFinite) {
    write_ryu(out, x, x.is_finite(), x.is_nan(), x.is_sign_negative(), x == 0.0, nf);
}

/// The f32/f64 writer: specials here, finite values through ryu's digits.
#[inline]
fn write_ryu<F: ryu::Float>(
    out: &mut Vec<u8>,
    x: F,
    finite: bool,
    nan: bool,
    negative: bool,
    zero: bool,
    nf: NonFinite,
) {
    if !finite {
        write_non_finite(out, nan, negative, nf);
    } else if zero {
        write_zero(out, negative);
    } else {
        let mut buf = ryu::Buffer::new();
        emit_ryu(out, buf.format_finite(x).as_bytes());
    }
}

/// A binary format narrower than f32: `mbits` stored mantissa bits,
/// `ebits` exponent bits, `max_digits` decimal digits always enough to
/// round-trip.
#[derive(Clone, Copy)]
struct Small {
    mbits: u32,
    ebits: u32,
    max_digits: u32,
}

const F16: Small = Small { mbits: 10, ebits: 5, max_digits: 5 };
const BF16: Small = Small { mbits: 7, ebits: 8, max_digits: 4 };

impl Small {
    fn bias(self) -> i32 {
        (1 << (self.ebits - 1)) - 1
    }
    fn exp_mask(self) -> u32 {
        (1 << self.ebits) - 1
    }
    fn sign_bit(self) -> u32 {
        1 << (self.mbits + self.ebits)
    }
    fn inf_bits(self) -> u32 {
        self.exp_mask() << self.mbits
    }
    fn nan_bits(self) -> u32 {
        self.inf_bits() | (1 << (self.mbits - 1))
    }
}

/// 5^k for k in 0..=55 (5^55 < 2^128).
const fn pow5_table() -> [u128; 56] {
    let mut t = [1u128; 56];
    let mut i = 1;
    while i < 56 {
        t[i] = t[i - 1] * 5;
        i += 1;
    }
    t
}
static POW5: [u128; 56] = pow5_table();

/// How the discarded fraction compares with one half.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frac {
    Zero,
    Below,
    Half,
    Above,
}

/// floor(n · 2^f / 10^k) exactly, with the discarded fraction's class.
/// None if an intermediate does not fit in u128 (never for f16/bf16
/// inputs; the exhaustive tests check this).
fn div_pow10(n: u64, f: i32, k: i32) -> Option<(u128, Frac)> {
    let mut a = u128::from(n);
    let mut b: u128 = 1;
    let p5 = *POW5.get(k.unsigned_abs() as usize)?;
    if k >= 0 {
        b = p5;
    } else {
        a = a.checked_mul(p5)?;
    }
    let e2 = f - k;
    if e2 >= 0 {
        let e2 = e2 as u32;
        if e2 >= 128 || a.leading_zeros() <= e2 {
            return None;
        }
        a <<= e2;
    } else {
        let e2 = e2.unsigned_abs();
        if e2 >= 128 || b.leading_zeros() <= e2 {
            return None;
        }
        b <<= e2;
    }
    let q = a / b;
    let r = a % b;
    let frac = if r == 0 {
        Frac::Zero
    } else {
        match r.cmp(&(b - r)) {
            Ordering::Less => Frac::Below,
            Ordering::Equal => Frac::Half,
            Ordering::Greater => Frac::Above,
        }
    };
    Some((q, frac))
}

fn num_digits(mut v: u128) -> u32 {
    let mut d = 1;
    while v >= 10 {
        v /= 10;
        d += 1;
    }
    d
}

const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Shortest round-tripping digits of a positive finite non-zero small-format
/// value given by its magnitude bits. Returns (digits as an integer without
/// trailing zeros, decpt) with value ≈ 0.DIGITS × 10^decpt.
fn shortest_small(fmt: Small, bits: u32) -> Option<(u64, i32)> {
    let efield = (bits >> fmt.mbits) & fmt.exp_mask();
    let m = bits & ((1 << fmt.mbits) - 1);
    let (big_m, e) = if efield == 0 {
        (u64::from(m), 1 - fmt.bias() - fmt.mbits as i32)
    } else {
        (u64::from(m | (1 << fmt.mbits)), efield as i32 - fmt.bias() - fmt.mbits as i32)
    };
    if big_m == 0 {
        return None;
    }
    // Everything in units of 2^(e-2): value 4M, bounds 4M±2 (or 4M-1 below a
    // power of two, where the gap to the next smaller value is half).
    let f = e - 2;
    let x = 4 * big_m;
    let hi = x + 2;
    let lo = if m == 0 && efield > 1 { x - 1 } else { x - 2 };
    let inclusive = big_m % 2 == 0;
    let maxd = fmt.max_digits;

    // floor(log2(value)), then a floor(log10) estimate that is exact or one low.
    let log2 = e + (63 - big_m.leading_zeros() as i32);
    let mut kmin = ((log2 * 78913) >> 18) - (maxd as i32 - 1);
    let mut qx;
    let mut fx;
    let mut tries = 0;
    loop {
        (qx, fx) = div_pow10(x, f, kmin)?;
        let d = num_digits(qx);
        if d > maxd {
            kmin += 1;
        } else if d < maxd {
            kmin -= 1;
        } else {
            break;
        }
        tries += 1;
        if tries > 4 {
            return None;
        }
    }
    let (qlo, flo) = div_pow10(lo, f, kmin)?;
    let (qhi, fhi) = div_pow10(hi, f, kmin)?;
    let qx = u64::try_from(qx).ok()?;
    let qlo = u64::try_from(qlo).ok()?;
    let qhi = u64::try_from(qhi).ok()?;
    let lo_exact = flo == Frac::Zero;
    let hi_exact = fhi == Frac::Zero;
    let top = num_digits(u128::from(qhi));
    for j in (0..top).rev() {
        let p = POW10_U64[j as usize];
        let fl = qlo / p;
        let lower = if lo_exact && qlo % p == 0 && inclusive { fl } else { fl + 1 };
        let fh = qhi / p;
        let upper = if hi_exact && qhi % p == 0 && !inclusive {
            match fh.checked_sub(1) {
                Some(u) => u,
                None => continue,
            }
        } else {
            fh
        };
        if lower > upper {
            continue;
        }
        // Round the value itself at this level, ties to even.
        let xq = qx / p;
        let r = qx % p;
        let up = if j == 0 {
            match fx {
                Frac::Zero | Frac::Below => false,
                Frac::Above => true,
                Frac::Half => xq % 2 == 1,
            }
        } else {
            let half = p / 2;
            match r.cmp(&half) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => fx != Frac::Zero || xq % 2 == 1,
            }
        };
        let mut d = (xq + u64::from(up)).clamp(lower, upper);
        let mut k = kmin + j as i32;
        if d == 1 && j > 0 {
            // The interval straddles 10^k: single-digit candidates one level
            // down (9·10^(k-1), ...) are just as short; take the closest.
            let p1 = POW10_U64[j as usize - 1];
            let fl1 = qlo / p1;
            let lower1 = if lo_exact && qlo % p1 == 0 && inclusive { fl1 } else { fl1 + 1 };
            let upper1 = (qhi / p1).min(9);
            if lower1 <= upper1 {
                let e1 = (qx / p1).clamp(lower1, upper1);
                // Is x below the midpoint of e1·10^(k-1) and 10^k? In units
                // of 10^kmin: 2·(qx + frac) against (10 + e1)·10^(j-1).
                let t = (10 + e1) * p1;
                let lhs = 2 * qx;
                let below = if lhs + 1 < t {
                    true
                } else if lhs + 1 == t {
                    matches!(fx, Frac::Zero | Frac::Below)
                } else {
                    false
                };
                if below {
                    d = e1;
                    k -= 1;
                }
            }
        }
        while d != 0 && d % 10 == 0 {
            d /= 10;
            k += 1;
        }
        return Some((d, k + num_digits(u128::from(d)) as i32));
    }
    None
}

/// The shortest digits of every positive finite value of a small format,
/// computed once (a few milliseconds) on first use: `digits << 8 | decpt`
/// (decpt as a byte), 0 where there is none (zero; never otherwise).
type DigitTable = OnceLock<Box<[u32]>>;
static F16_DIGITS: DigitTable = OnceLock::new();
static BF16_DIGITS: DigitTable = OnceLock::new();

fn digit_table(fmt: Small, cell: &'static DigitTable) -> &'static [u32] {
    cell.get_or_init(|| {
        (0..fmt.inf_bits())
            .map(|mag| match shortest_small(fmt, mag) {
                Some((d, decpt)) if mag != 0 && d < 1 << 24 => ((d as u32) << 8) | u32::from(decpt as i8 as u8),
                _ => 0,
            })
            .collect()
    })
}

fn write_small(out: &mut Vec<u8>, fmt: Small, table: &'static DigitTable, bits: u32, nf: NonFinite) {
    let neg = bits & fmt.sign_bit() != 0;
    let mag = bits & (fmt.sign_bit() - 1);
    if mag >= fmt.inf_bits() {
        write_non_finite(out, mag > fmt.inf_bits(), neg, nf);
        return;
    }
    if mag == 0 {
        write_zero(out, neg);
        return;
    }
    let packed = digit_table(fmt, table).get(mag as usize).copied().unwrap_or(0);
    if packed != 0 {
        let mut buf = itoa::Buffer::new();
        write_layout(out, neg, buf.format(packed >> 8).as_bytes(), i32::from(packed as u8 as i8));
    } else {
        // Unreachable for f16/bf16 (tested exhaustively); still print
        // something that reads back exactly: the f32 shortest digits.
        write_f32(out, small_to_f64(fmt, bits) as f32, nf);
    }
}

fn small_to_f64(fmt: Small, bits: u32) -> f64 {
    let neg = bits & fmt.sign_bit() != 0;
    let efield = (bits >> fmt.mbits) & fmt.exp_mask();
    let m = bits & ((1 << fmt.mbits) - 1);
    let v = if efield == fmt.exp_mask() {
        if m == 0 { f64::INFINITY } else { f64::NAN }
    } else if efield == 0 {
        f64::from(m) * 2f64.powi(1 - fmt.bias() - fmt.mbits as i32)
    } else {
        f64::from(m | (1 << fmt.mbits)) * 2f64.powi(efield as i32 - fmt.bias() - fmt.mbits as i32)
    };
    if neg { -v } else { v }
}

/// Writes an IEEE half-precision value with the shortest digits that read
/// back to the same `f16` (numpy's digits), laid out as Python's `repr`.
/// The first call builds a 128 KB table of every value's digits.
///
/// ```
/// use binmap::text::number::{write_f16, NonFinite};
/// use half::f16;
/// let mut out = Vec::new();
/// for x in [0.1f32, 65504.0, 33984.0, 1e-4, 6e-8] {
///     write_f16(&mut out, f16::from_f32(x), NonFinite::Text);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"0.1 65500.0 34000.0 0.0001 6e-08 ");
/// ```
pub fn write_f16(out: &mut Vec<u8>, x: f16, nf: NonFinite) {
    write_small(out, F16, &F16_DIGITS, u32::from(x.to_bits()), nf);
}

/// Writes a bfloat16 value with the shortest digits that read back to the
/// same `bf16`, laid out as Python's `repr`. The first call builds a 128 KB
/// table of every value's digits.
///
/// ```
/// use binmap::text::number::{write_bf16, NonFinite};
/// use half::bf16;
/// let mut out = Vec::new();
/// for x in [0.1f32, 1.0, 3.0e38, -2.5] {
///     write_bf16(&mut out, bf16::from_f32(x), NonFinite::Text);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"0.1 1.0 3e+38 -2.5 ");
/// ```
pub fn write_bf16(out: &mut Vec<u8>, x: bf16, nf: NonFinite) {
    write_small(out, BF16, &BF16_DIGITS, u32::from(x.to_bits()), nf);
}

// ---------------------------------------------------------------------------
// Canonical NaN
// ---------------------------------------------------------------------------

/// True for the one `f64` NaN that text round-trips: positive, quiet, zero
/// payload (`0x7ff8000000000000`).
///
/// ```
/// use binmap::text::number::is_canonical_nan_f64;
/// assert!(is_canonical_nan_f64(f64::from_bits(0x7ff8_0000_0000_0000)));
/// assert!(!is_canonical_nan_f64(f64::from_bits(0xfff8_0000_0000_0000)));
/// assert!(!is_canonical_nan_f64(1.0));
/// ```
pub fn is_canonical_nan_f64(x: f64) -> bool {
    x.to_bits() == 0x7ff8_0000_0000_0000
}

/// True for the one `f32` NaN that text round-trips: `0x7fc00000`.
///
/// ```
/// use binmap::text::number::is_canonical_nan_f32;
/// assert!(is_canonical_nan_f32(f32::from_bits(0x7fc0_0000)));
/// assert!(!is_canonical_nan_f32(f32::from_bits(0x7fc0_0001)));
/// ```
pub fn is_canonical_nan_f32(x: f32) -> bool {
    x.to_bits() == 0x7fc0_0000
}

/// True for the one `f16` NaN that text round-trips: `0x7e00`.
///
/// ```
/// use binmap::text::number::is_canonical_nan_f16;
/// use half::f16;
/// assert!(is_canonical_nan_f16(f16::from_bits(0x7e00)));
/// assert!(!is_canonical_nan_f16(f16::from_bits(0x7d00)));
/// ```
pub fn is_canonical_nan_f16(x: f16) -> bool {
    x.to_bits() == 0x7e00
}

/// True for the one `bf16` NaN that text round-trips: `0x7fc0`.
///
/// ```
/// use binmap::text::number::is_canonical_nan_bf16;
/// use half::bf16;
/// assert!(is_canonical_nan_bf16(bf16::from_bits(0x7fc0)));
/// assert!(!is_canonical_nan_bf16(bf16::from_bits(0xffc0)));
/// ```
pub fn is_canonical_nan_bf16(x: bf16) -> bool {
    x.to_bits() == 0x7fc0
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// Python's whitespace for `float()`/`int()`, ASCII part.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn trim(s: &[u8]) -> &[u8] {
    let mut a = 0;
    let mut b = s.len();
    while a < b && is_space(s[a]) {
        a += 1;
    }
    while b > a && is_space(s[b - 1]) {
        b -= 1;
    }
    &s[a..b]
}

/// A validated decimal: `int.frac × 10^exp` (exp saturated).
struct Decimal<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    exp: i64,
}

enum Scanned<'a> {
    Nan,
    Inf(bool),
    /// sign, the digits/exponent, and the unsigned numeric text for std.
    Num(bool, Decimal<'a>, &'a str),
}

fn scan_float(s: &str) -> Option<Scanned<'_>> {
    let ts = s.trim_matches(|c: char| c.is_ascii() && is_space(c as u8));
    let (neg, body_str) = match ts.as_bytes().first() {
        Some(b'-') => (true, ts.get(1..)?),
        Some(b'+') => (false, ts.get(1..)?),
        _ => (false, ts),
    };
    let body = body_str.as_bytes();
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(Scanned::Inf(neg));
    }
    if body.eq_ignore_ascii_case(b"nan") {
        return Some(Scanned::Nan);
    }
    let mut i = 0;
    while i < body.len() && body[i].is_ascii_digit() {
        i += 1;
    }
    let int = &body[..i];
    let mut frac: &[u8] = &[];
    if i < body.len() && body[i] == b'.' {
        let st = i + 1;
        i = st;
        while i < body.len() && body[i].is_ascii_digit() {
            i += 1;
        }
        frac = &body[st..i];
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp: i64 = 0;
    if i < body.len() && (body[i] == b'e' || body[i] == b'E') {
        i += 1;
        let mut eneg = false;
        if i < body.len() && (body[i] == b'+' || body[i] == b'-') {
            eneg = body[i] == b'-';
            i += 1;
        }
        let st = i;
        while i < body.len() && body[i].is_ascii_digit() {
            exp = exp.saturating_mul(10).saturating_add(i64::from(body[i] - b'0')).min(1 << 60);
            i += 1;
        }
        if i == st {
            return None;
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != body.len() {
        return None;
    }
    Some(Scanned::Num(neg, Decimal { int, frac, exp }, body_str))
}

/// A number's text taken apart (for the exact readers of [`super::wide`]).
pub(crate) enum Scan<'a> {
    Nan,
    Inf(bool),
    /// `±INT.FRAC × 10^exp` (digits only; `exp` saturated).
    Num {
        neg: bool,
        int: &'a [u8],
        frac: &'a [u8],
        exp: i64,
    },
}

/// Take apart float text as Python's `float()` reads it.
pub(crate) fn scan(s: &str) -> Option<Scan<'_>> {
    Some(match scan_float(s)? {
        Scanned::Nan => Scan::Nan,
        Scanned::Inf(neg) => Scan::Inf(neg),
        Scanned::Num(neg, d, _) => Scan::Num { neg, int: d.int, frac: d.frac, exp: d.exp },
    })
}

/// True when `s` spells an infinity (`inf`, `-Infinity`, any case), as
/// opposed to a finite number that may round to one in a narrow type.
///
/// ```
/// use binmap::text::number::{is_infinity, parse_f32};
/// assert!(is_infinity(" -Infinity") && is_infinity("inf"));
/// assert!(!is_infinity("1e40") && parse_f32("1e40") == Some(f32::INFINITY));
/// ```
pub fn is_infinity(s: &str) -> bool {
    matches!(scan_float(s), Some(Scanned::Inf(_)))
}

/// Parses a float as Python's `float()` does, plus JSON's `NaN`,
/// `Infinity`, `-Infinity`; correctly rounded. Every NaN spelling gives the
/// canonical quiet NaN `0x7ff8000000000000`.
///
/// ```
/// use binmap::text::number::parse_f64;
/// assert_eq!(parse_f64(" 0.1 "), Some(0.1));
/// assert_eq!(parse_f64("1E+05"), Some(1e5));
/// assert_eq!(parse_f64(".5"), Some(0.5));
/// assert_eq!(parse_f64("-Infinity"), Some(f64::NEG_INFINITY));
/// assert!(parse_f64("nan").unwrap().is_nan());
/// assert_eq!(parse_f64("1e"), None);
/// assert_eq!(parse_f64("1_000"), None);
/// assert_eq!(parse_f64("0x10"), None);
/// ```
pub fn parse_f64(s: &str) -> Option<f64> {
    // The common case first: the standard parser (correctly rounded; a
    // finite value it reads is one Python reads alike).
    if let Ok(x) = s.parse::<f64>()
        && x.is_finite()
    {
        return Some(x);
    }
    match scan_float(s)? {
        Scanned::Nan => Some(f64::from_bits(0x7ff8_0000_0000_0000)),
        Scanned::Inf(neg) => Some(if neg { f64::NEG_INFINITY } else { f64::INFINITY }),
        Scanned::Num(neg, _, text) => {
            let v: f64 = text.parse().ok()?;
            Some(if neg { -v } else { v })
        }
    }
}

/// Parses a float like [`parse_f64`], rounded correctly once to `f32`.
/// NaN gives `0x7fc00000`.
///
/// ```
/// use binmap::text::number::parse_f32;
/// assert_eq!(parse_f32("6.2"), Some(6.2f32));
/// // A float64 parse would land exactly on the midpoint 16777217 and
/// // round down; the exact value is above it.
/// assert_eq!(parse_f32("16777217.000000000000000001"), Some(16777218.0));
/// assert_eq!(parse_f32("3.4028236e38"), Some(f32::INFINITY));
/// ```
pub fn parse_f32(s: &str) -> Option<f32> {
    // As in `parse_f64`: straight to f32, correctly rounded.
    if let Ok(x) = s.parse::<f32>()
        && x.is_finite()
    {
        return Some(x);
    }
    match scan_float(s)? {
        Scanned::Nan => Some(f32::from_bits(0x7fc0_0000)),
        Scanned::Inf(neg) => Some(if neg { f32::NEG_INFINITY } else { f32::INFINITY }),
        Scanned::Num(neg, _, text) => {
            let v: f32 = text.parse().ok()?;
            Some(if neg { -v } else { v })
        }
    }
}

/// Truncates a positive finite `f64` to a small format: the largest value
/// not above `y` (its magnitude bits; the max finite value when `y` is beyond
/// range), and how `y` compares with the midpoint to the next value up.
fn narrow(fmt: Small, y: f64) -> (u32, Ordering) {
    let b = y.to_bits();
    let e64 = ((b >> 52) & 0x7ff) as i32;
    let (m64, lsb_exp) =
        if e64 == 0 { (b & ((1 << 52) - 1), -1074) } else { ((b & ((1 << 52) - 1)) | (1 << 52), e64 - 1075) };
    if m64 == 0 {
        return (0, Ordering::Less);
    }
    let log2 = lsb_exp + (63 - m64.leading_zeros() as i32);
    let emin = 1 - fmt.bias();
    let emax = fmt.bias();
    if log2 > emax {
        return (fmt.inf_bits() - 1, Ordering::Greater);
    }
    let te = log2.max(emin);
    // Drop bits below the target's ulp 2^(te - mbits).
    let drop = (te - fmt.mbits as i32) - lsb_exp;
    let m = u128::from(m64);
    let (n, cmp) = if drop <= 0 {
        // Exactly representable (cannot happen: f64 has more precision).
        (m << drop.unsigned_abs(), Ordering::Less)
    } else if drop >= 120 {
        (0, Ordering::Less)
    } else {
        let d = drop as u32;
        let n = m >> d;
        let rem = m - (n << d);
        (n, rem.cmp(&(1u128 << (d - 1))))
    };
    let n = n as u32; // < 2^(mbits+1) since y < 2^(te+1)
    let bits =
        if n < (1 << fmt.mbits) { n } else { (((te + fmt.bias()) as u32) << fmt.mbits) | (n - (1 << fmt.mbits)) };
    (bits, cmp)
}

/// Exact decimal digits of a positive finite f64 `y`: (digits without
/// leading/trailing zeros, decpt) with y = 0.DIGITS × 10^decpt.
fn exact_decimal(y: f64) -> (Vec<u8>, i64) {
    let b = y.to_bits();
    let e64 = ((b >> 52) & 0x7ff) as i32;
    let (mut m, mut e) =
        if e64 == 0 { (b & ((1 << 52) - 1), -1074) } else { ((b & ((1 << 52) - 1)) | (1 << 52), e64 - 1075) };
    if m == 0 {
        return (Vec::new(), 0);
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    // Base 10^9 little-endian limbs.
    const BASE: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = Vec::with_capacity(40);
    let mut v = m;
    while v > 0 {
        limbs.push(v % BASE);
        v /= BASE;
    }
    let mul = |limbs: &mut Vec<u64>, k: u64| {
        let mut carry = 0u64;
        for l in limbs.iter_mut() {
            let t = *l * k + carry;
            *l = t % BASE;
            carry = t / BASE;
        }
        while carry > 0 {
            limbs.push(carry % BASE);
            carry /= BASE;
        }
    };
    // value = m·2^e: for e >= 0 multiply by 2^e; else by 5^-e and shift the
    // decimal point by e.
    let (factor, count, mut dec_shift) =
        if e >= 0 { (2u64, e as u32, 0i64) } else { (5u64, e.unsigned_abs(), i64::from(e)) };
    let mut left = count;
    while left > 0 {
        let step = left.min(12);
        mul(&mut limbs, factor.pow(step));
        left -= step;
    }
    let mut digits = Vec::with_capacity(limbs.len() * 9);
    for (i, l) in limbs.iter().rev().enumerate() {
        if i == 0 {
            let mut buf = itoa::Buffer::new();
            digits.extend_from_slice(buf.format(*l).as_bytes());
        } else {
            let mut chunk = [b'0'; 9];
            let mut v = *l;
            for c in chunk.iter_mut().rev() {
                *c = b'0' + (v % 10) as u8;
                v /= 10;
            }
            digits.extend_from_slice(&chunk);
        }
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
        dec_shift += 1;
    }
    let decpt = digits.len() as i64 + dec_shift;
    // `digits` was the integer value DIGITS × 10^(dec_shift) before trailing
    // zeros moved into dec_shift: 0.DIGITS × 10^(len + shift).
    (digits, decpt)
}

/// Compares the decimal's magnitude with a positive finite f64, exactly.
fn cmp_decimal_f64(d: &Decimal<'_>, y: f64) -> Ordering {
    // Significant digits of the decimal (leading zeros skipped) and the
    // decimal point position: value = 0.SIG × 10^decpt.
    let lead_int = d.int.iter().take_while(|&&c| c == b'0').count();
    let (first, second, decpt): (&[u8], &[u8], i64) = if lead_int < d.int.len() {
        (&d.int[lead_int..], d.frac, (d.int.len() - lead_int) as i64)
    } else {
        let lead_frac = d.frac.iter().take_while(|&&c| c == b'0').count();
        if lead_frac == d.frac.len() {
            return Ordering::Less; // zero
        }
        (&d.frac[lead_frac..], &[], -(lead_frac as i64))
    };
    let decpt = decpt.saturating_add(d.exp);
    let (ydigits, ydecpt) = exact_decimal(y);
    match decpt.cmp(&ydecpt) {
        Ordering::Equal => {}
        o => return o,
    }
    let mut sig = first.iter().chain(second.iter()).copied();
    let mut yi = ydigits.iter().copied();
    loop {
        match (sig.next(), yi.next()) {
            (Some(a), Some(b)) => match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            },
            (Some(a), None) => {
                return if a != b'0' || sig.any(|c| c != b'0') { Ordering::Greater } else { Ordering::Equal };
            }
            // y's digits end in a non-zero digit: the decimal is smaller.
            (None, Some(_)) => return Ordering::Less,
            (None, None) => return Ordering::Equal,
        }
    }
}

fn parse_small(fmt: Small, s: &str) -> Option<u32> {
    match scan_float(s)? {
        Scanned::Nan => Some(fmt.nan_bits()),
        Scanned::Inf(neg) => Some(fmt.inf_bits() | if neg { fmt.sign_bit() } else { 0 }),
        Scanned::Num(neg, dec, text) => {
            let y: f64 = text.parse().ok()?;
            let sign = if neg { fmt.sign_bit() } else { 0 };
            if y == 0.0 {
                return Some(sign);
            }
            if y.is_infinite() {
                return Some(sign | fmt.inf_bits());
            }
            let (lower, mut cmp) = narrow(fmt, y);
            if cmp == Ordering::Equal {
                // The float64 landed exactly on a midpoint: decide from the
                // exact decimal value, not from the rounded float64.
                cmp = cmp_decimal_f64(&dec, y);
            }
            let up = match cmp {
                Ordering::Less => false,
                Ordering::Greater => true,
                Ordering::Equal => lower & 1 == 1,
            };
            Some(sign | (lower + u32::from(up)))
        }
    }
}

/// Parses a float like [`parse_f64`], rounded correctly once to IEEE half
/// precision (no double rounding through f64). NaN gives `0x7e00`.
///
/// ```
/// use binmap::text::number::parse_f16;
/// use half::f16;
/// assert_eq!(parse_f16("0.1"), Some(f16::from_bits(0x2e66)));
/// assert_eq!(parse_f16("65519"), Some(f16::MAX));
/// assert_eq!(parse_f16("65520"), Some(f16::INFINITY));
/// // 2049 is the midpoint of 2048 and 2050: ties go to even, but a hair
/// // above it goes up even though float64 cannot see the hair.
/// assert_eq!(parse_f16("2049"), Some(f16::from_f32(2048.0)));
/// assert_eq!(parse_f16("2049.00000000000000000001"), Some(f16::from_f32(2050.0)));
/// ```
pub fn parse_f16(s: &str) -> Option<f16> {
    parse_small(F16, s).map(|b| f16::from_bits(b as u16))
}

/// Parses a float like [`parse_f64`], rounded correctly once to bfloat16.
/// NaN gives `0x7fc0`.
///
/// ```
/// use binmap::text::number::parse_bf16;
/// use half::bf16;
/// assert_eq!(parse_bf16("0.1"), Some(bf16::from_bits(0x3dcd)));
/// assert_eq!(parse_bf16("1.00390625"), Some(bf16::ONE)); // tie to even
/// assert_eq!(parse_bf16("1.00390625001"), Some(bf16::from_bits(0x3f81)));
/// assert_eq!(parse_bf16("-inf"), Some(bf16::NEG_INFINITY));
/// ```
pub fn parse_bf16(s: &str) -> Option<bf16> {
    parse_small(BF16, s).map(|b| bf16::from_bits(b as u16))
}

/// Parses an integer: decimal with optional sign and surrounding ASCII
/// whitespace, or with a `0x`/`0o`/`0b` prefix (any case) after the sign.
/// Underscores are not accepted. Returns `None` when the text is not an
/// integer or does not fit in `i128`; range checks for narrower types are
/// the caller's.
///
/// ```
/// use binmap::text::number::parse_int;
/// assert_eq!(parse_int(" -42 "), Some(-42));
/// assert_eq!(parse_int("-0"), Some(0));
/// assert_eq!(parse_int("0xFF"), Some(255));
/// assert_eq!(parse_int("-0b101"), Some(-5));
/// assert_eq!(parse_int("0o17"), Some(15));
/// assert_eq!(parse_int("18446744073709551615"), Some(u64::MAX as i128));
/// assert_eq!(parse_int("1.0"), None);
/// assert_eq!(parse_int("0x"), None);
/// assert_eq!(parse_int(""), None);
/// ```
pub fn parse_int(s: &str) -> Option<i128> {
    // The common case first: plain decimal that fits 64 bits.
    if let Ok(v) = s.parse::<i64>() {
        return Some(i128::from(v));
    }
    let t = trim(s.as_bytes());
    let (neg, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = match body {
        [b'0', b'x' | b'X', rest @ ..] => (16u32, rest),
        [b'0', b'o' | b'O', rest @ ..] => (8, rest),
        [b'0', b'b' | b'B', rest @ ..] => (2, rest),
        _ => (10, body),
    };
    if digits.is_empty() {
        return None;
    }
    let mut mag: u128 = 0;
    for &c in digits {
        let d = (c as char).to_digit(radix)?;
        mag = mag.checked_mul(u128::from(radix))?.checked_add(u128::from(d))?;
    }
    if neg {
        if mag <= i128::MAX as u128 {
            Some(-(mag as i128))
        } else if mag == i128::MIN.unsigned_abs() {
            Some(i128::MIN)
        } else {
            None
        }
    } else {
        i128::try_from(mag).ok()
    }
}

/// Parses an integer from text a table may hold: what [`parse_int`]
/// takes, or a decimal number that is an integer exactly, in any notation
/// (`np.savetxt`'s default `%.18e` writes 10 as `1.000000000000000000e+01`;
/// `10.0`). A number with a fraction is `None`, never rounded.
///
/// ```
/// use binmap::text::number::parse_int_text;
/// assert_eq!(parse_int_text("1.000000000000000000e+01"), Some(10));
/// assert_eq!(parse_int_text("-4.611686018427387904e+18"), Some(-4611686018427387904));
/// assert_eq!(parse_int_text("12.50e1"), Some(125));
/// assert_eq!(parse_int_text("1.5"), None);
/// assert_eq!(parse_int_text("1e400"), None);
/// assert_eq!(parse_int_text("nan"), None);
/// ```
pub fn parse_int_text(s: &str) -> Option<i128> {
    if let Some(v) = parse_int(s) {
        return Some(v);
    }
    let Scanned::Num(neg, d, _) = scan_float(s)? else { return None };
    // The digits, and the power of ten of the last one.
    let digits: Vec<u8> = d.int.iter().chain(d.frac).copied().collect();
    let mut exp = d.exp.checked_sub(i64::try_from(d.frac.len()).ok()?)?;
    let mut end = digits.len();
    while end > 0 && digits[end - 1] == b'0' {
        end -= 1;
        exp += 1;
    }
    let digits = &digits[digits.iter().position(|&c| c != b'0').unwrap_or(end).min(end)..end];
    if digits.is_empty() {
        return Some(0);
    }
    if !(0..=40).contains(&exp) {
        return None;
    }
    let mut mag: u128 = 0;
    for &c in digits {
        mag = mag.checked_mul(10)?.checked_add(u128::from(c - b'0'))?;
    }
    for _ in 0..exp {
        mag = mag.checked_mul(10)?;
    }
    if neg {
        if mag <= i128::MAX as u128 {
            Some(-(mag as i128))
        } else {
            (mag == i128::MIN.unsigned_abs()).then_some(i128::MIN)
        }
    } else {
        i128::try_from(mag).ok()
    }
}

/// Write a complex number as Python's `repr(complex)` does: `(1+2j)`, `1j`
/// for a positive-zero real part, `(-0-1j)`, `(nan+infj)`; each part with the
/// shortest digits of its own precision (written by `part`) and no `.0`.
///
/// ```
/// use binmap::text::number::{write_complex, write_f64, NonFinite};
/// let mut out = Vec::new();
/// let part = |o: &mut Vec<u8>, x: f64| write_f64(o, x, NonFinite::Text);
/// for (re, im) in [(1.0, 2.0), (0.0, 1.0), (-0.0, -1.0), (1.5, f64::NAN), (0.0, 0.0)] {
///     write_complex(&mut out, re, im, part);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"(1+2j) 1j (-0-1j) (1.5+nanj) 0j ");
/// ```
pub fn write_complex(out: &mut Vec<u8>, re: f64, im: f64, part: impl Fn(&mut Vec<u8>, f64)) {
    let bare = |out: &mut Vec<u8>, x: f64| {
        let start = out.len();
        part(out, x);
        if out[start..].ends_with(b".0") {
            out.truncate(out.len() - 2);
        }
    };
    if re == 0.0 && re.is_sign_positive() {
        bare(out, im);
        out.push(b'j');
        return;
    }
    out.push(b'(');
    bare(out, re);
    if !im.is_sign_negative() || im.is_nan() {
        out.push(b'+');
    }
    bare(out, im);
    out.extend_from_slice(b"j)");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64s(x: f64) -> String {
        let mut v = Vec::new();
        write_f64(&mut v, x, NonFinite::Text);
        String::from_utf8(v).unwrap()
    }
    fn f32s(x: f32) -> String {
        let mut v = Vec::new();
        write_f32(&mut v, x, NonFinite::Text);
        String::from_utf8(v).unwrap()
    }
    fn f16s(bits: u16) -> String {
        let mut v = Vec::new();
        write_f16(&mut v, f16::from_bits(bits), NonFinite::Text);
        String::from_utf8(v).unwrap()
    }
    fn bf16s(bits: u16) -> String {
        let mut v = Vec::new();
        write_bf16(&mut v, bf16::from_bits(bits), NonFinite::Text);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn f64_layout() {
        let cases: &[(f64, &str)] = &[
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e6, "1000000.0"),
            (1e15, "1000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (1e16, "1e+16"),
            (1.234e20, "1.234e+20"),
            (1e-4, "0.0001"),
            (1.5e-5, "1.5e-05"),
            (1.2345e-5, "1.2345e-05"),
            (5e-324, "5e-324"),
            (1e100, "1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (123.456, "123.456"),
            (-2.5e-7, "-2.5e-07"),
            (0.00012, "0.00012"),
        ];
        for &(x, s) in cases {
            assert_eq!(f64s(x), s, "{x:e}");
        }
    }

    #[test]
    fn f32_layout() {
        let cases: &[(f32, &str)] = &[
            (6.2, "6.2"),
            (0.1, "0.1"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (1e13, "10000000000000.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (16777216.0, "16777216.0"),
            (1.0e-45, "1e-45"),
            (f32::MAX, "3.4028235e+38"),
            (f32::MIN_POSITIVE, "1.1754944e-38"),
            (-0.0, "-0.0"),
        ];
        for &(x, s) in cases {
            assert_eq!(f32s(x), s, "{x:e}");
        }
    }

    #[test]
    fn non_finite_spellings() {
        let mut v = Vec::new();
        for nf in [NonFinite::Text, NonFinite::Json] {
            write_f64(&mut v, f64::NAN, nf);
            v.push(b' ');
            write_f32(&mut v, f32::INFINITY, nf);
            v.push(b' ');
            write_f16(&mut v, f16::NEG_INFINITY, nf);
            v.push(b' ');
            write_bf16(&mut v, bf16::from_bits(0xffc1), nf);
            v.push(b'|');
        }
        assert_eq!(v, b"nan inf -inf nan|NaN Infinity -Infinity NaN|");
    }

    #[test]
    fn f16_tricky() {
        assert_eq!(f16s(0x2e66), "0.1");
        assert_eq!(f16s(0x7bff), "65500.0");
        assert_eq!(f16s(0x7826), "34000.0"); // 33984: boundary included (even)
        assert_eq!(f16s(0x7827), "34020.0");
        assert_eq!(f16s(0x7800), "32770.0"); // power of two, asymmetric
        assert_eq!(f16s(0x0001), "6e-08");
        assert_eq!(f16s(0x0400), "6.104e-05");
        assert_eq!(f16s(0x3c00), "1.0");
        assert_eq!(f16s(0xbc00), "-1.0");
        assert_eq!(f16s(0x8000), "-0.0");
        assert_eq!(bf16s(0x3dcd), "0.1");
        assert_eq!(bf16s(0x0001), "9e-41");
        assert_eq!(bf16s(0x7f7f), "3.39e+38");
    }

    /// Every finite f16 and bf16: the digits read back to the same bits,
    /// the slow fallback is never taken, and no shorter candidate exists.
    #[test]
    fn small_formats_round_trip_exhaustively() {
        for (fmt, name) in [(F16, "f16"), (BF16, "bf16")] {
            for bits in 1u32..fmt.inf_bits() {
                let (d, decpt) = shortest_small(fmt, bits).unwrap_or_else(|| panic!("{name} {bits:#x}: no digits"));
                let nd = num_digits(u128::from(d)) as i32;
                let text = format!("{d}e{}", decpt - nd);
                assert_eq!(parse_small(fmt, &text), Some(bits), "{name} {bits:#x} {text}");
                assert!(nd as u32 <= fmt.max_digits);
                // one digit fewer never round-trips: try both neighbours
                if nd > 1 {
                    let k = decpt - nd + 1;
                    let q = d / 10;
                    for c in [q, q + 1] {
                        let t = format!("{c}e{k}");
                        assert_ne!(parse_small(fmt, &t), Some(bits), "{name} {bits:#x} {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn narrow_matches_half_from_f32() {
        // For values that are exact f32s, narrowing agrees with half's
        // round-to-nearest-even f32 conversions. (half's from_f64 is not a
        // usable reference: it drops the low 32 mantissa bits first.)
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let round = |(lower, cmp): (u32, Ordering)| {
            let up = match cmp {
                Ordering::Less => false,
                Ordering::Greater => true,
                Ordering::Equal => lower & 1 == 1,
            };
            lower + u32::from(up)
        };
        for _ in 0..400_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = f32::from_bits((state >> 33) as u32);
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            let y = f64::from(x);
            assert_eq!(round(narrow(F16, y)), u32::from(f16::from_f32(x).to_bits()), "{y:e}");
            assert_eq!(round(narrow(BF16, y)), u32::from(bf16::from_f32(x).to_bits()), "{y:e}");
        }
    }

    #[test]
    fn parse_grammar() {
        let ok: &[(&str, f64)] = &[
            ("1", 1.0),
            (" \t1.5\n", 1.5),
            ("+.5", 0.5),
            ("5.", 5.0),
            ("-5.e1", -50.0),
            ("1E+05", 1e5),
            ("1e-05", 1e-5),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("-iNF", f64::NEG_INFINITY),
            ("1e99999999999999999999999", f64::INFINITY),
            ("1e-99999999999999999999999", 0.0),
            ("-0", -0.0),
        ];
        for &(s, v) in ok {
            let got = parse_f64(s).unwrap_or_else(|| panic!("{s:?}"));
            assert_eq!(got.to_bits(), v.to_bits(), "{s:?}");
        }
        for s in [
            "", " ", "1e", "--1", "0x10", "1_000", ".", "e5", "+", "-", "1.2.3", "1e5.0", "infinit", "nana", "in f",
            "1 0", "١", "1e+", "+-1", "0b1", "1d5",
        ] {
            assert_eq!(parse_f64(s), None, "{s:?}");
            assert_eq!(parse_f32(s), None, "{s:?}");
            assert_eq!(parse_f16(s), None, "{s:?}");
            assert_eq!(parse_bf16(s), None, "{s:?}");
        }
        for s in ["nan", "NaN", "-nan", "+NAN", " nan "] {
            assert!(is_canonical_nan_f64(parse_f64(s).unwrap()));
            assert!(is_canonical_nan_f32(parse_f32(s).unwrap()));
            assert!(is_canonical_nan_f16(parse_f16(s).unwrap()));
            assert!(is_canonical_nan_bf16(parse_bf16(s).unwrap()));
        }
    }

    #[test]
    fn parse_small_edges() {
        let h = |s: &str| parse_f16(s).map(|x| x.to_bits());
        assert_eq!(h("65504"), Some(0x7bff));
        assert_eq!(h("65519.999999999999999999"), Some(0x7bff));
        assert_eq!(h("65520"), Some(0x7c00));
        assert_eq!(h("-65520"), Some(0xfc00));
        assert_eq!(h("2.98023223876953125e-08"), Some(0x0000)); // half of min: tie to 0
        assert_eq!(h("2.98023223876953125000001e-08"), Some(0x0001));
        assert_eq!(h("-1e-30"), Some(0x8000));
        assert_eq!(h("33999.999999999999999999"), Some(0x7826));
        assert_eq!(h("34000"), Some(0x7826));
        assert_eq!(h("34000.000000000000000000001"), Some(0x7827));
        assert_eq!(h("2051"), Some(0x6802)); // tie to even: 2052
        assert_eq!(h("2050.9999999999999999999"), Some(0x6801));
        assert_eq!(h("1e300"), Some(0x7c00));
        assert_eq!(h("1e400"), Some(0x7c00));
        let b = |s: &str| parse_bf16(s).map(|x| x.to_bits());
        // bf16 max is 0x7f7f = 3.3895313892515355e38; overflow threshold
        // is 3.3961775292304718e38 (a tie that goes to "even" infinity).
        assert_eq!(b("3.3895313892515355e38"), Some(0x7f7f));
        assert_eq!(b("339617752923046005526922703901628039168"), Some(0x7f80));
        assert_eq!(b("339617752923046005526922703901628039167.99"), Some(0x7f7f));
        assert_eq!(b("3.3961775292304600552692270390163e38"), Some(0x7f80));
        assert_eq!(b("3.3961775292304600552692270390162e38"), Some(0x7f7f));
        // half the smallest subnormal, 2^-134: a tie to zero, a hair above
        // rounds up, a hair below rounds down
        let half_min =
            "4.591774807899560578002877098524397178979162331140966880893561352650067419745028018951416015625e-41";
        assert_eq!(b(half_min), Some(0x0000));
        assert_eq!(b(&half_min.replace("625e", "626e")), Some(0x0001));
        assert_eq!(b(&half_min.replace("625e", "624e")), Some(0x0000));
        assert_eq!(b("4.591774807899561e-41"), Some(0x0001));
        assert_eq!(b("4.5917748078995605e-41"), Some(0x0000));
        assert_eq!(b("-9.183549615799121e-41"), Some(0x8001));
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int("170141183460469231731687303715884105727"), Some(i128::MAX));
        assert_eq!(parse_int("-170141183460469231731687303715884105728"), Some(i128::MIN));
        assert_eq!(parse_int("170141183460469231731687303715884105728"), None);
        assert_eq!(parse_int("-170141183460469231731687303715884105729"), None);
        assert_eq!(parse_int("+007"), Some(7));
        assert_eq!(parse_int("0X1f"), Some(31));
        assert_eq!(parse_int("0B11"), Some(3));
        assert_eq!(parse_int("0O7"), Some(7));
        for s in ["", "-", "+", "1_000", "0x", "0b2", "0o8", "1e3", "--1", "0xg", " - 1", "١"] {
            assert_eq!(parse_int(s), None, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn f64_round_trips(bits in proptest::prelude::any::<u64>()) {
            let x = f64::from_bits(bits);
            let text = f64s(x);
            let back = parse_f64(&text).map(f64::to_bits);
            if x.is_nan() {
                proptest::prop_assert_eq!(back, Some(0x7ff8_0000_0000_0000));
            } else {
                proptest::prop_assert_eq!(back, Some(bits), "{}", text);
                // Python's repr is what std's shortest digits give, laid out.
                proptest::prop_assert_eq!(text.parse::<f64>().map(f64::to_bits).ok(), Some(bits));
            }
        }

        #[test]
        fn f32_round_trips(bits in proptest::prelude::any::<u32>()) {
            let x = f32::from_bits(bits);
            let text = f32s(x);
            let back = parse_f32(&text).map(f32::to_bits);
            if x.is_nan() {
                proptest::prop_assert_eq!(back, Some(0x7fc0_0000));
            } else {
                proptest::prop_assert_eq!(back, Some(bits), "{}", text);
            }
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}|[-+ .eE0-9infatyINFATY_xob]{0,30}") {
            let _ = parse_f64(&s);
            let _ = parse_f32(&s);
            let _ = parse_f16(&s);
            let _ = parse_bf16(&s);
            let _ = parse_int(&s);
        }

        #[test]
        fn small_parse_agrees_with_f32_path(x in proptest::prelude::any::<f32>()) {
            // The exact decimal expansion of an f32 rounds to f16/bf16 as
            // half's (correct) f32 conversions do.
            proptest::prop_assume!(x.is_finite());
            let text = format!("{x:.160e}");
            proptest::prop_assert_eq!(parse_f16(&text).map(f16::to_bits), Some(f16::from_f32(x).to_bits()));
            proptest::prop_assert_eq!(parse_bf16(&text).map(bf16::to_bits), Some(bf16::from_f32(x).to_bits()));
        }
    }

    /// Every midpoint between adjacent f16/bf16 values, written exactly,
    /// a hair above and a hair below (beyond float64's resolution).
    #[test]
    fn every_midpoint_rounds_once() {
        for (fmt, name) in [(F16, "f16"), (BF16, "bf16")] {
            for b in 0..fmt.inf_bits() {
                let v = small_to_f64(fmt, b);
                let mid = if b + 1 == fmt.inf_bits() {
                    v + (v - small_to_f64(fmt, b - 1)) / 2.0 // the overflow threshold
                } else {
                    (v + small_to_f64(fmt, b + 1)) / 2.0 // exact
                };
                let exact = format!("{mid:.200e}");
                let even = if b % 2 == 0 { b } else { b + 1 };
                assert_eq!(parse_small(fmt, &exact), Some(even), "{name} {exact}");
                let (mant, exp) = exact.split_once('e').unwrap();
                let above = format!("{mant}1e{exp}");
                assert_eq!(parse_small(fmt, &above), Some(b + 1), "{name} {above}");
                let below = format!("{:.200e}", f64::from_bits(mid.to_bits() - 1));
                assert_eq!(parse_small(fmt, &below), Some(b), "{name} {below}");
                let neg = format!("-{above}");
                assert_eq!(parse_small(fmt, &neg), Some(fmt.sign_bit() | (b + 1)), "{name} {neg}");
            }
        }
    }

    #[test]
    fn exact_decimal_works() {
        assert_eq!(exact_decimal(0.5), (b"5".to_vec(), 0));
        assert_eq!(exact_decimal(2049.0), (b"2049".to_vec(), 4));
        assert_eq!(exact_decimal(65520.0), (b"6552".to_vec(), 5));
        assert_eq!(exact_decimal(2f64.powi(-25)), (b"298023223876953125".to_vec(), -7));
        assert_eq!(exact_decimal(1e22), (b"1".to_vec(), 23));
    }
}
