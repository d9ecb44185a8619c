//! Exact decimal text for numbers on binary grids that f64 cannot hold:
//! IBM hexadecimal floats (`ibm64`, 56-bit fractions) and x87 extended
//! precision (`f80`, 64-bit significands, exponents to 2^16383).
//!
//! Both directions use big integers, so they are exact whatever the
//! exponent, and slower than the f64 paths of [`super::number`] (these types
//! are rare in bulk data):
//!
//! - [`round_to_grid`] reads decimal text and rounds it once, to nearest
//!   with ties to even, onto the grid a format has at that magnitude;
//! - [`shortest`] finds the fewest significant digits that lie strictly
//!   between a value's midpoints to its two neighbours (so they read back
//!   to the same value), the candidate closest to the value when two have
//!   that length: the digits of numpy's Dragon4 in its unique mode and of
//!   Python's `repr`.
//!
//! ```
//! use binmap::text::wide::{round_to_grid, shortest, Rounded};
//! // 0.1 on a grid of 2^-10: 102/1024.
//! let Rounded::Num { neg, m, exp } = round_to_grid("0.1", |_| -10).unwrap() else { panic!() };
//! assert_eq!((neg, m, exp), (false, 102, -10));
//! // 102/1024 with neighbours 2^-10 away: "0.1" reads back to it.
//! assert_eq!(shortest(102, -10, -10, -10), (b"1".to_vec(), 0));
//! ```

use num_bigint::BigUint;

/// The result of reading decimal text onto a grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rounded {
    Nan,
    Inf(bool),
    /// `(-1)^neg × m × 2^exp`; `m` may be one past the format's largest
    /// significand after rounding up (the caller renormalises).
    Num {
        neg: bool,
        m: u128,
        exp: i64,
    },
}

/// Decimal exponents beyond which a value is surely infinite or zero in
/// every format here (f80's range is about 10^±4951).
const EXP10_LIMIT: i64 = 5_200;

fn pow10(n: u64) -> BigUint {
    BigUint::from(10u32).pow(n as u32)
}

/// Read `text` (Python's `float()` syntax, plus JSON's `NaN`/`Infinity`)
/// and round it to the nearest multiple of `2^grid(b)`, where `b` is
/// `floor(log2 |x|)`: the format says how fine its grid is at each binade
/// (clamped at its smallest exponent for subnormals). Ties go to the even
/// multiple. `None` when the text is not a number.
pub fn round_to_grid(text: &str, grid: impl Fn(i64) -> i64) -> Option<Rounded> {
    let (neg, int, frac, exp) = match super::number::scan(text)? {
        super::number::Scan::Nan => return Some(Rounded::Nan),
        super::number::Scan::Inf(neg) => return Some(Rounded::Inf(neg)),
        super::number::Scan::Num { neg, int, frac, exp } => (neg, int, frac, exp),
    };
    let digits: Vec<u8> = int.iter().chain(frac).copied().skip_while(|&c| c == b'0').collect();
    let zero = Some(Rounded::Num { neg, m: 0, exp: 0 });
    if digits.is_empty() {
        return zero;
    }
    // x = D × 10^k
    let k = exp.saturating_sub(frac.len() as i64);
    let magnitude = k.saturating_add(digits.len() as i64);
    if magnitude > EXP10_LIMIT {
        return Some(Rounded::Inf(neg));
    }
    if magnitude < -EXP10_LIMIT {
        return zero;
    }
    let d = BigUint::parse_bytes(&digits, 10)?;
    let (num, den) = if k >= 0 { (d * pow10(k as u64), BigUint::from(1u32)) } else { (d, pow10(k.unsigned_abs())) };
    // b = floor(log2(num / den))
    let mut b = num.bits() as i64 - den.bits() as i64;
    let below = if b >= 0 { num < (&den << b as u64) } else { (&num << (-b) as u64) < den };
    if below {
        b -= 1;
    }
    let u = grid(b);
    // n = round(num / (den × 2^u))
    let (num, den) = if u >= 0 { (num, den << u as u64) } else { (num << (-u) as u64, den) };
    let q = &num / &den;
    let r = num - &q * &den;
    let twice = r << 1u32;
    let up = twice > den || (twice == den && q.bit(0));
    let q = if up { q + 1u32 } else { q };
    let m = u128::try_from(q).ok()?;
    Some(Rounded::Num { neg, m, exp: u })
}

/// The shortest decimal digits for `m × 2^e` (`m > 0`) whose lower
/// neighbour is `2^lo` below it and upper neighbour `2^hi` above: digits
/// strictly inside the midpoints, so any correct reader rounds them back to
/// the value. Returns the digits (no leading or trailing zeros) and `decpt`,
/// with the value `0.DIGITS × 10^decpt`.
pub fn shortest(m: u128, e: i64, lo: i64, hi: i64) -> (Vec<u8>, i32) {
    // Integers over a common power of two: V = value, L/H = the midpoints.
    let s = e.min(lo - 1).min(hi - 1);
    let v = BigUint::from(m) << (e - s) as u64;
    let l = &v - (BigUint::from(1u32) << (lo - 1 - s) as u64);
    let h = &v + (BigUint::from(1u32) << (hi - 1 - s) as u64);
    // value = V × 2^s: a numerator scale and a denominator.
    let (scale, den) = if s >= 0 {
        (BigUint::from(1u32) << s as u64, BigUint::from(1u32))
    } else {
        (BigUint::from(1u32), BigUint::from(1u32) << (-s) as u64)
    };
    let (v, l, h) = (v * &scale, l * &scale, h * &scale);
    // Start above the value's leading digit and refine one digit at a time.
    let log2 = h.bits() as i64 - den.bits() as i64 + 1;
    let mut t = (log2 as f64 * std::f64::consts::LOG10_2).ceil() as i64 + 1;
    loop {
        // Candidates c × 10^t: as integers c × dd against N = V × nn.
        let (nn, dd) =
            if t >= 0 { (BigUint::from(1u32), &den * pow10(t as u64)) } else { (pow10((-t) as u64), den.clone()) };
        let n = &v * &nn;
        let (ln, hn) = (&l * &nn, &h * &nn);
        let floor = &n / &dd;
        let ceil = if &floor * &dd == n { floor.clone() } else { &floor + 1u32 };
        let inside = |c: &BigUint| {
            let x = c * &dd;
            x > ln && x < hn && *c != BigUint::from(0u32)
        };
        let pick = match (inside(&floor), inside(&ceil)) {
            (true, true) => {
                let below = &n - &floor * &dd;
                let above = &ceil * &dd - &n;
                if below < above || (below == above && !floor.bit(0)) { Some(floor) } else { Some(ceil) }
            }
            (true, false) => Some(floor),
            (false, true) => Some(ceil),
            (false, false) => None,
        };
        if let Some(c) = pick {
            let text = c.to_str_radix(10).into_bytes();
            let len = text.len() as i64;
            let trimmed = text.iter().rposition(|&d| d != b'0').map_or(1, |i| i + 1);
            return (text[..trimmed].to_vec(), (t + len) as i32);
        }
        t -= 1;
    }
}
