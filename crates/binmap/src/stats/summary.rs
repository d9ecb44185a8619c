//! One column's count, NaN count, min, max, sum, mean and population
//! standard deviation, built a chunk at a time and merged.
//!
//! Accuracy is numpy's or better. Within a chunk, sums are pairwise (as
//! numpy's `add.reduce`, blocks of 8 partial sums under 128 values) and
//! the squared deviations are taken from the chunk's own mean (numpy's
//! two-pass `std`); chunks are merged with a compensated (Neumaier) sum
//! and Chan's formula for the deviations, in row order, so results do not
//! depend on the number of threads. Integer sums are exact (`i128`).
//! NaNs are counted apart and left out of everything else, like numpy's
//! `nanmin`, `nansum`, `nanmean` and `nanstd`.

/// Statistics of the values seen so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Values that are not NaN.
    pub count: u64,
    /// NaN values.
    pub nan: u64,
    /// For float columns: the smallest and largest value; for integers see `int_min`.
    pub min: f64,
    pub max: f64,
    pub int_min: i128,
    pub int_max: i128,
    /// Exact sum of an integer column.
    pub int_sum: i128,
    /// Compensated sum of a float column: `sum + comp`.
    sum: f64,
    comp: f64,
    /// Sum of squared deviations from the mean: `m2 + m2_tiny * 2^-1000`.
    m2: f64,
    /// Squared deviations too small for `f64` (|deviation| < 2^-400, whose
    /// squares would be subnormal), summed scaled up by 2^1000 so a column
    /// of values near 1e-160 keeps every bit of its standard deviation.
    m2_tiny: f64,
    /// True when the values are integers (`int_*` are set).
    ints: bool,
}

/// Deviations below this are squared scaled up by [`TINY_UP`] (into `m2_tiny`).
const TINY: f64 = f64::from_bits((1023 - 400) << 52); // 2^-400
/// 2^500: a tiny deviation times this squares to a normal number.
const TINY_UP: f64 = f64::from_bits((1023 + 500) << 52);
/// 2^-1000: the scale of `m2_tiny`.
const TINY_DOWN2: f64 = f64::from_bits((1023 - 1000) << 52);

/// The squared deviation `d * e` (`d` and `e` of about the same size), as
/// `(plain, tiny)` parts: `plain + tiny * 2^-1000`.
#[inline]
fn square_parts(d: f64, e: f64) -> (f64, f64) {
    if d.abs() < TINY { (0.0, (d * TINY_UP) * (e * TINY_UP)) } else { (d * e, 0.0) }
}

/// Values summed directly before splitting in two (numpy's `PW_BLOCKSIZE`).
const PAIRWISE_BLOCK: usize = 128;

/// Pairwise sum of `f(x)` over `v`, as numpy sums: 8 partial sums under
/// [`PAIRWISE_BLOCK`] values, halves above.
#[inline]
fn pairwise(v: &[f64], f: &impl Fn(f64) -> f64) -> f64 {
    if v.len() < 8 {
        return v.iter().fold(0.0, |s, &x| s + f(x));
    }
    if v.len() <= PAIRWISE_BLOCK {
        let mut r = [0.0f64; 8];
        let mut chunks = v.chunks_exact(8);
        for c in chunks.by_ref() {
            for k in 0..8 {
                r[k] += f(c[k]);
            }
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in chunks.remainder() {
            s += f(x);
        }
        return s;
    }
    let half = (v.len() / 2) & !7;
    pairwise(&v[..half], f) + pairwise(&v[half..], f)
}

impl Summary {
    /// Add float values (NaNs included: they are counted apart).
    ///
    /// ```
    /// use binmap::stats::summary::Summary;
    /// let mut s = Summary::default();
    /// s.add_floats(&[1.0, f64::NAN, 3.0]);
    /// s.add_floats(&[5.0]);
    /// assert_eq!((s.count, s.nan, s.min, s.max, s.sum()), (3, 1, 1.0, 5.0, 9.0));
    /// assert_eq!(s.mean(), 3.0);
    /// assert_eq!(s.std(), (8.0f64 / 3.0).sqrt());
    /// ```
    pub fn add_floats(&mut self, values: &[f64]) {
        // One pass for the sum, extremes and NaNs; a second (from cache)
        // for the squared deviations from this chunk's mean.
        let (mut lo, mut hi, mut nans) = (f64::INFINITY, f64::NEG_INFINITY, 0usize);
        for &x in values {
            lo = if x < lo { x } else { lo };
            hi = if x > hi { x } else { hi };
            nans += usize::from(x.is_nan());
        }
        self.nan += nans as u64;
        if nans == 0 {
            self.add_clean(values, lo, hi);
        } else {
            let clean: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
            self.add_clean(&clean, lo, hi);
        }
    }

    fn add_clean(&mut self, v: &[f64], lo: f64, hi: f64) {
        if v.is_empty() {
            return;
        }
        let n = v.len() as f64;
        let sum = pairwise(v, &|x| x);
        let mean = sum / n;
        let widest = lo.abs().max(hi.abs());
        let (m2, m2_tiny) = if widest < TINY {
            (0.0, pairwise(v, &|x| ((x - mean) * TINY_UP) * ((x - mean) * TINY_UP)))
        } else {
            (pairwise(v, &|x| (x - mean) * (x - mean)), 0.0)
        };
        let chunk = Summary { count: v.len() as u64, min: lo, max: hi, sum, m2, m2_tiny, ..Summary::default() };
        self.merge(&chunk);
    }

    /// Add integer values.
    ///
    /// ```
    /// use binmap::stats::summary::Summary;
    /// let mut s = Summary::default();
    /// s.add_ints(&[i64::MAX as i128, i64::MAX as i128]);
    /// assert_eq!(s.int_sum, 2 * i64::MAX as i128);
    /// assert_eq!((s.int_min, s.int_max, s.std()), (i64::MAX as i128, i64::MAX as i128, 0.0));
    /// ```
    pub fn add_ints(&mut self, v: &[i128]) {
        if v.is_empty() {
            return;
        }
        let (mut lo, mut hi, mut sum) = (i128::MAX, i128::MIN, 0i128);
        for &x in v {
            lo = lo.min(x);
            hi = hi.max(x);
            sum += x;
        }
        let mean = sum as f64 / v.len() as f64;
        let mut m2 = 0.0;
        for &x in v {
            let d = x as f64 - mean;
            m2 += d * d;
        }
        let chunk = Summary {
            count: v.len() as u64,
            int_min: lo,
            int_max: hi,
            int_sum: sum,
            sum: sum as f64,
            m2,
            ints: true,
            ..Summary::default()
        };
        self.merge(&chunk);
    }

    /// Combine with the summary of later rows.
    pub fn merge(&mut self, other: &Summary) {
        self.nan += other.nan;
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            let nan = self.nan;
            *self = other.clone();
            self.nan = nan;
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let delta = other.mean_parts() - self.mean_parts();
        let (plain, tiny) = square_parts(delta, delta);
        let weight = na * nb / (na + nb);
        self.m2 += other.m2 + plain * weight;
        self.m2_tiny += other.m2_tiny + tiny * weight;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.int_min = self.int_min.min(other.int_min);
        self.int_max = self.int_max.max(other.int_max);
        self.int_sum = self.int_sum.saturating_add(other.int_sum);
        // Neumaier's compensated addition of the other sum (and its
        // compensation). Once the sum is infinite (or NaN) there is nothing
        // to compensate: `inf - inf` would turn it into NaN.
        for x in [other.sum, other.comp] {
            let t = self.sum + x;
            if !t.is_finite() {
                self.comp = 0.0;
            } else if self.sum.abs() >= x.abs() {
                self.comp += (self.sum - t) + x;
            } else {
                self.comp += (x - t) + self.sum;
            }
            self.sum = t;
        }
    }

    fn mean_parts(&self) -> f64 {
        self.sum() / self.count as f64
    }

    /// The sum of a float column (0 when empty, as numpy's `nansum`).
    pub fn sum(&self) -> f64 {
        if self.sum.is_finite() { self.sum + self.comp } else { self.sum }
    }

    /// The mean (NaN when there are no values).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        if self.ints { self.int_sum as f64 / self.count as f64 } else { self.mean_parts() }
    }

    /// The population standard deviation (numpy's default `ddof=0`).
    pub fn std(&self) -> f64 {
        let n = self.count as f64;
        if self.count == 0 {
            f64::NAN
        } else if self.m2_tiny != 0.0 && self.m2.abs() < TINY * TINY {
            // All of it is tiny: the square root of the scaled sum, scaled back.
            ((self.m2_tiny + self.m2 / TINY_DOWN2) / n).sqrt() / TINY_UP
        } else {
            ((self.m2 + self.m2_tiny * TINY_DOWN2) / n).sqrt()
        }
    }
}

/// One group's float column, updated a value at a time (`--by` with many
/// groups, where a group gets a value now and then): Neumaier's compensated
/// sum and Welford's running deviations, both exact to the last bits that
/// matter, then [`FloatRun::summary`] for the merges.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloatRun {
    count: u64,
    nan: u64,
    min: f64,
    max: f64,
    sum: f64,
    comp: f64,
    mean: f64,
    m2: f64,
    m2_tiny: f64,
}

impl Default for FloatRun {
    fn default() -> FloatRun {
        FloatRun {
            count: 0,
            nan: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum: 0.0,
            comp: 0.0,
            mean: 0.0,
            m2: 0.0,
            m2_tiny: 0.0,
        }
    }
}

impl FloatRun {
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        if x.is_nan() {
            self.nan += 1;
            return;
        }
        self.count += 1;
        self.min = if x < self.min { x } else { self.min };
        self.max = if x > self.max { x } else { self.max };
        let t = self.sum + x;
        if !t.is_finite() {
            self.comp = 0.0;
        } else if self.sum.abs() >= x.abs() {
            self.comp += (self.sum - t) + x;
        } else {
            self.comp += (x - t) + self.sum;
        }
        self.sum = t;
        let d = x - self.mean;
        self.mean += d / self.count as f64;
        let (plain, tiny) = square_parts(d, x - self.mean);
        self.m2 += plain;
        self.m2_tiny += tiny;
    }

    pub(crate) fn summary(&self) -> Summary {
        Summary {
            count: self.count,
            nan: self.nan,
            min: if self.count == 0 { 0.0 } else { self.min },
            max: if self.count == 0 { 0.0 } else { self.max },
            sum: self.sum,
            comp: self.comp,
            m2: if self.count == 0 { 0.0 } else { self.m2 },
            m2_tiny: if self.count == 0 { 0.0 } else { self.m2_tiny },
            ..Summary::default()
        }
    }
}

/// One group's integer column, a value at a time: exact `i128` sum,
/// Welford's running deviations.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IntRun {
    count: u64,
    min: i128,
    max: i128,
    sum: i128,
    mean: f64,
    m2: f64,
}

impl Default for IntRun {
    fn default() -> IntRun {
        IntRun { count: 0, min: i128::MAX, max: i128::MIN, sum: 0, mean: 0.0, m2: 0.0 }
    }
}

impl IntRun {
    #[inline]
    pub(crate) fn add(&mut self, x: i128) {
        self.count += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        self.sum += x;
        let x = x as f64;
        let d = x - self.mean;
        self.mean += d / self.count as f64;
        self.m2 += d * (x - self.mean);
    }

    pub(crate) fn summary(&self) -> Summary {
        if self.count == 0 {
            return Summary::default();
        }
        Summary {
            count: self.count,
            int_min: self.min,
            int_max: self.max,
            int_sum: self.sum,
            sum: self.sum as f64,
            m2: self.m2,
            ints: true,
            ..Summary::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking_does_not_change_the_result_much() {
        let v: Vec<f64> = (0..100_000).map(|i| ((i * 7919) % 1000) as f64 * 0.001 + 1e6).collect();
        let mut whole = Summary::default();
        whole.add_floats(&v);
        let mut parts = Summary::default();
        for c in v.chunks(4096) {
            parts.add_floats(c);
        }
        let exact_mean = v.iter().map(|&x| x - 1e6).sum::<f64>() / v.len() as f64 + 1e6;
        assert!((whole.mean() - exact_mean).abs() / exact_mean < 1e-15);
        assert!((parts.mean() - whole.mean()).abs() / whole.mean() < 1e-15);
        assert!((parts.std() - whole.std()).abs() / whole.std() < 1e-12);
    }

    #[test]
    fn infinities_stay_infinite_across_chunks() {
        let mut s = Summary::default();
        s.add_floats(&[1.0, f64::INFINITY]);
        s.add_floats(&[2.0, 3.0]);
        s.add_floats(&[4.0]);
        assert_eq!((s.sum(), s.mean()), (f64::INFINITY, f64::INFINITY));
        assert!(s.std().is_nan(), "numpy: std of values with an inf is nan");
        s.add_floats(&[f64::NEG_INFINITY]);
        assert!(s.sum().is_nan() && s.mean().is_nan());
    }

    #[test]
    fn tiny_values_keep_their_deviation() {
        // Deviations near 1e-161 square to subnormals; numpy's float64 std
        // loses bits there, the exact value is kept here.
        let v = [3.1e-161, -5.3e-161, 7.7e-161, 1.1e-161];
        let exact = {
            let s: Vec<f64> = v.iter().map(|x| x * 1e160).collect();
            let m = s.iter().sum::<f64>() / 4.0;
            (s.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 4.0).sqrt() / 1e160
        };
        let mut whole = Summary::default();
        whole.add_floats(&v);
        let mut runs = FloatRun::default();
        let mut parts = Summary::default();
        for &x in &v {
            runs.add(x);
            parts.add_floats(&[x]);
        }
        for s in [whole.std(), runs.summary().std(), parts.std()] {
            assert!((s - exact).abs() <= exact * 1e-14, "{s} vs {exact}");
        }
    }

    #[test]
    fn nans_and_empty() {
        let mut s = Summary::default();
        s.add_floats(&[f64::NAN, f64::NAN]);
        assert_eq!((s.count, s.nan, s.sum()), (0, 2, 0.0));
        assert!(s.mean().is_nan() && s.std().is_nan());
        s.add_floats(&[-0.5]);
        assert_eq!((s.count, s.nan, s.min, s.max, s.mean(), s.std()), (1, 2, -0.5, -0.5, -0.5, 0.0));
    }
}
