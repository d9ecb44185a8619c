//! x87 extended precision (`f80`, 10 bytes; `longdouble`, numpy's
//! `np.longdouble` on x86-64 Linux: the same 10 bytes then 6 of padding).
//!
//! The 80 bits are a sign, a 15-bit exponent biased by 16383 and a 64-bit
//! significand whose top bit (the integer bit) is explicit.
//!
//! - Text out: the shortest digits that read back to the same value at
//!   64-bit precision, laid out as Python's `repr` (SPEC §4); for the
//!   values tested this is exactly numpy's `str(np.longdouble(x))`, whose
//!   Dragon4 finds the same digits. `nan`, `inf` as for the other floats.
//! - Text in: rounded once, correctly (to nearest, ties to even), with
//!   subnormals; a finite number beyond the largest f80 is an error, as
//!   for the other floats.
//! - An encoding the x87 never produces from arithmetic (an integer bit
//!   that disagrees with the exponent: pseudo-denormals, unnormals,
//!   pseudo-infinities; a NaN other than the default quiet one) shows in
//!   JSON as `{"f80": "0x<20 hex digits>"}` (sign and exponent first), which
//!   `pack` restores bit for bit.
//! - The 6 padding bytes of a `longdouble` are not shown and are written
//!   as zeros, as numpy writes them.
//!
//! ```
//! use binmap::f80::{F80, parse, write};
//! let x = parse("0.1").unwrap();
//! assert_eq!((x.se, x.m), (0x3ffb, 0xcccc_cccc_cccc_cccd));
//! let mut out = Vec::new();
//! write(&mut out, x, false);
//! assert_eq!(out, b"0.1");
//! assert!(parse("1e5000").is_err());
//! ```

use crate::text::number::{self, NonFinite};
use crate::text::wide::{Rounded, round_to_grid, shortest};

/// The 80 bits: sign and exponent (`se`), significand (`m`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct F80 {
    pub se: u16,
    pub m: u64,
}

const BIAS: i64 = 16383;
const INT_BIT: u64 = 1 << 63;
/// The power of two of a subnormal's last bit: 2^(1 - 16383 - 63).
const LOWEST: i64 = 1 - BIAS - 63;

impl F80 {
    /// From the 10 bytes in little-endian order.
    pub fn from_le(b: &[u8]) -> F80 {
        let mut m = [0u8; 8];
        m.copy_from_slice(&b[..8]);
        F80 { se: u16::from_le_bytes([b[8], b[9]]), m: u64::from_le_bytes(m) }
    }

    /// The 10 bytes in little-endian order.
    pub fn to_le(self) -> [u8; 10] {
        let mut out = [0u8; 10];
        out[..8].copy_from_slice(&self.m.to_le_bytes());
        out[8..].copy_from_slice(&self.se.to_le_bytes());
        out
    }

    fn neg(self) -> bool {
        self.se >> 15 == 1
    }

    fn exp(self) -> u16 {
        self.se & 0x7fff
    }

    /// True for what the x87 produces: the integer bit set exactly for
    /// normal numbers and infinities, and the default NaN.
    pub fn is_canonical(self) -> bool {
        match self.exp() {
            0 => self.m & INT_BIT == 0,
            0x7fff => self.m == INT_BIT || (self.m == 0xc000_0000_0000_0000),
            _ => self.m & INT_BIT != 0,
        }
    }

    /// The value as an f64, rounded to nearest (for `stats`).
    pub fn to_f64(self) -> f64 {
        let sign = if self.neg() { -1.0 } else { 1.0 };
        match self.exp() {
            0x7fff if self.m << 1 == 0 => sign * f64::INFINITY,
            0x7fff => f64::NAN,
            e => {
                let p = i64::from(e).max(1) - BIAS - 63;
                // Two roundings at most for values below f64's normal range.
                sign * (self.m as f64) * 2f64.powi(p.clamp(-1100, 1100) as i32)
            }
        }
    }
}

/// Append the value's text: shortest round-trip digits (`nan`/`inf` by
/// `json`: `NaN`/`Infinity`).
pub fn write(out: &mut Vec<u8>, x: F80, json: bool) {
    let nf = if json { NonFinite::Json } else { NonFinite::Text };
    let e = i64::from(x.exp());
    if e == 0x7fff {
        let v = if x.m << 1 == 0 { f64::INFINITY } else { f64::NAN };
        number::write_f64(out, if x.neg() && v.is_infinite() { -v } else { v }, nf);
        return;
    }
    if x.m == 0 {
        out.extend_from_slice(if x.neg() { b"-0.0" } else { b"0.0" });
        return;
    }
    let p = e.max(1) - BIAS - 63;
    // At the bottom of a binade the neighbour below is half as far.
    let lo = if x.m == INT_BIT && e > 1 { p - 1 } else { p };
    let (digits, decpt) = shortest(u128::from(x.m), p, lo, p);
    number::write_layout(out, x.neg(), &digits, decpt);
}

/// Append `{"f80":"0x..."}`: the exact bits of a non-canonical encoding.
pub fn write_bits_json(out: &mut Vec<u8>, x: F80) {
    out.extend_from_slice(format!("{{\"f80\":\"0x{:04x}{:016x}\"}}", x.se, x.m).as_bytes());
}

/// The bits of `{"f80": "0x..."}` text (20 hex digits).
pub fn from_bits_text(hex: &str) -> Option<F80> {
    let h = hex.strip_prefix("0x").unwrap_or(hex);
    if h.len() != 20 {
        return None;
    }
    Some(F80 { se: u16::from_str_radix(&h[..4], 16).ok()?, m: u64::from_str_radix(&h[4..], 16).ok()? })
}

/// Read a number (Python's `float()` syntax, JSON's `NaN`/`Infinity`),
/// rounded correctly to f80; errors are short reasons.
pub fn parse(text: &str) -> Result<F80, String> {
    let grid = |b: i64| (b - 63).max(LOWEST);
    let (neg, m, exp) = match round_to_grid(text, grid) {
        None => return Err(format!("'{}' is not a number (for an f80)", text.trim())),
        Some(Rounded::Nan) => return Ok(F80 { se: 0x7fff, m: 0xc000_0000_0000_0000 }),
        Some(Rounded::Inf(neg)) if number::is_infinity(text) => {
            return Ok(F80 { se: (u16::from(neg) << 15) | 0x7fff, m: INT_BIT });
        }
        Some(Rounded::Inf(_)) => return Err(too_large(text)),
        Some(Rounded::Num { neg, m, exp }) => (neg, m, exp),
    };
    let sign = u16::from(neg) << 15;
    let (m, exp) = if m >> 64 != 0 { (m >> 1, exp + 1) } else { (m, exp) };
    if m == 0 {
        return Ok(F80 { se: sign, m: 0 });
    }
    let m = m as u64;
    let e = if m & INT_BIT == 0 { 0 } else { exp + BIAS + 63 };
    if e >= 0x7fff {
        return Err(too_large(text));
    }
    Ok(F80 { se: sign | e as u16, m })
}

fn too_large(text: &str) -> String {
    format!(
        "{} is out of range for f80: it would be stored as infinity (the largest finite f80 is 1.189731495357231765e+4932)",
        text.trim()
    )
}
