//! IBM System/360 hexadecimal floating point (`ibm32`, `ibm64`), the sample
//! format of SEG-Y seismic files.
//!
//! A value is a sign bit, a 7-bit exponent of 16 biased by 64, and a
//! fraction of 24 (`ibm32`) or 56 (`ibm64`) bits read as `0.F`:
//! `(-1)^s × 0.F × 16^(E-64)`. There is no infinity and no NaN.
//!
//! - Reading is exact: the value keeps its bits and is printed with the
//!   shortest digits that read back to it ([`crate::text::wide`]); as a
//!   number for `stats` an `ibm32` is exact in f64, an `ibm64` (up to 56
//!   significant bits) rounded to f64.
//! - Writing rounds the number once to the nearest IBM value, ties to the
//!   even fraction, normalised (leading hex digit non-zero); below the
//!   smallest normal value (16^-65) the fraction is unnormalised with the
//!   smallest exponent (gradual underflow) and tiny values become zero.
//!   A value beyond the largest (about 7.2e75) is an error, as is a NaN or
//!   an infinity, which IBM floats cannot hold.
//! - An encoding that writing would not produce (an unnormalised fraction,
//!   a zero with an exponent) is "non-canonical": JSON shows it as
//!   `{"ibm": "0x..."}` so that `pack` restores its exact bits.
//!
//! ```
//! use binmap::ibm::{Ibm, encode, to_f64};
//! assert_eq!(to_f64(Ibm::B32, 0xC276A000), -118.625);
//! assert_eq!(encode(Ibm::B32, "-118.625"), Ok(0xC276A000));
//! assert_eq!(encode(Ibm::B32, "0.1"), Ok(0x4019999A));
//! assert!(encode(Ibm::B32, "1e80").unwrap_err().contains("out of range"));
//! ```

use crate::text::number;
use crate::text::wide::{Rounded, round_to_grid, shortest};

/// The two IBM widths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ibm {
    B32,
    B64,
}

impl Ibm {
    /// Bits of the fraction.
    fn frac_bits(self) -> u32 {
        if self == Ibm::B32 { 24 } else { 56 }
    }

    fn name(self) -> &'static str {
        if self == Ibm::B32 { "ibm32" } else { "ibm64" }
    }
}

/// The parts of an encoding: `(negative, fraction, power of two)`, the
/// value being `fraction × 2^power`.
fn parts(w: Ibm, bits: u64) -> (bool, u64, i64) {
    let f = w.frac_bits();
    let neg = bits >> (f + 7) & 1 == 1;
    let e = (bits >> f & 0x7f) as i64;
    (neg, bits & ((1 << f) - 1), 4 * (e - 64) - i64::from(f))
}

/// The value as an f64: exact for `ibm32`, rounded to nearest for `ibm64`.
pub fn to_f64(w: Ibm, bits: u64) -> f64 {
    let (neg, frac, p) = parts(w, bits);
    // frac < 2^56 converts with one rounding; the power of two is exact
    // (|p| <= 312, within f64's range of normal values).
    let x = frac as f64 * 2f64.powi(p as i32);
    if neg { -x } else { x }
}

/// The canonical encoding of the same value: the fraction normalised, a
/// zero as all zero bits but its sign.
fn normalise(w: Ibm, bits: u64) -> u64 {
    let f = w.frac_bits();
    let sign = bits & (1 << (f + 7));
    let mut e = bits >> f & 0x7f;
    let mut frac = bits & ((1 << f) - 1);
    if frac == 0 {
        return sign;
    }
    while frac >> (f - 4) == 0 && e > 0 {
        frac <<= 4;
        e -= 1;
    }
    sign | e << f | frac
}

/// True when `bits` is what [`encode`] writes for its value.
pub fn is_canonical(w: Ibm, bits: u64) -> bool {
    normalise(w, bits) == bits
}

/// Append the value as text: the shortest digits that read back to it at
/// its own precision (the IBM value nearest to `0.1` prints `0.1`, where
/// segyio's float32 shows `0.100000024`), laid out as Python's `repr`
/// (SPEC §4).
pub fn write(out: &mut Vec<u8>, w: Ibm, bits: u64) {
    let bits = normalise(w, bits);
    let (neg, frac, p) = parts(w, bits);
    if frac == 0 {
        out.extend_from_slice(if neg { b"-0.0" } else { b"0.0" });
        return;
    }
    let f = i64::from(w.frac_bits());
    // The neighbour below is 16 times closer at the bottom of a hex binade.
    let lowest_exp = -256 - f;
    let lo = if frac == 1 << (f - 4) && p > lowest_exp { p - 4 } else { p };
    let (digits, decpt) = shortest(u128::from(frac), p, lo, p);
    number::write_layout(out, neg, &digits, decpt);
}

/// Round `text` (a number as Python's `float()` reads it) to the nearest
/// IBM value; errors are short reasons.
pub fn encode(w: Ibm, text: &str) -> Result<u64, String> {
    let f = i64::from(w.frac_bits());
    let lowest = -256 - f;
    // In [2^(4q-4), 2^(4q)) the grid is 2^(4q - f), q = E - 64.
    let grid = |b: i64| (4 * (b.div_euclid(4) + 1) - f).max(lowest);
    let (neg, m, mut exp) = match round_to_grid(text, grid) {
        None => return Err(format!("'{}' is not a number (for an {})", text.trim(), w.name())),
        Some(Rounded::Nan | Rounded::Inf(_)) => {
            return Err(format!("{} cannot hold {}: IBM floats have no NaN or infinity", w.name(), text.trim()));
        }
        Some(Rounded::Num { neg, m, exp }) => (neg, m, exp),
    };
    let sign = u64::from(neg) << (f + 7);
    let mut m = m;
    if m == 0 {
        return Ok(sign);
    }
    if m >> f != 0 {
        // Rounded up to 16^q: one more hex digit.
        m >>= 4;
        exp += 4;
    }
    let e = (exp + f) / 4 + 64;
    if e > 127 {
        return Err(format!("{} is out of range for {} (the largest is about 7.237e+75)", text.trim(), w.name()));
    }
    Ok(sign | (e as u64) << f | m as u64)
}

/// Append `{"ibm":"0x..."}`: the exact bits of a non-canonical encoding.
pub fn write_bits_json(out: &mut Vec<u8>, w: Ibm, bits: u64) {
    let digits = if w == Ibm::B32 { 8 } else { 16 };
    out.extend_from_slice(format!("{{\"ibm\":\"0x{bits:0digits$x}\"}}").as_bytes());
}
