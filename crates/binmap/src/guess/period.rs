//! Period detection: the size of a repeating record, from the
//! autocorrelation of byte positions.
//!
//! In a file of fixed-size records, the byte at `i` and the byte at `i + P`
//! belong to the same field of neighbouring records: a text's padding, a
//! float's sign and exponent, an integer's high bytes. They are equal far
//! more often than two bytes picked at random. For each lag `p` the
//! [`Spectrum`] holds that excess, `(match rate − chance) / (1 − chance)`,
//! where chance is the collision probability of the sample's byte
//! histogram. The true period and all its multiples stand out; the
//! fundamental is the smallest lag whose multiples all do (a "comb"), so a
//! record of 24 bytes is not mistaken for one of 48, nor for its 8-byte
//! floats when their neighbours differ.
//!
//! This module only measures; which period wins is decided with the other
//! evidence (header counts, field typing) in `fit`.

/// The longest lag measured.
pub const MAX_PERIOD: usize = 1024;

/// Below this excess at its best comb, a sample has no period.
const MIN_EXCESS: f64 = 0.04;

/// How close to the best comb a smaller period must come to be preferred.
const NEAR_BEST: f64 = 0.9;

/// Multiples of a lag averaged into its comb score.
const COMB_TEETH: usize = 4;

/// The autocorrelation excess of a sample at every lag up to a maximum.
#[derive(Debug, Clone)]
pub struct Spectrum {
    /// `excess[p]` for lag `p` (`excess[0]` unused).
    excess: Vec<f64>,
}

impl Spectrum {
    /// Measure `windows` (each compared only within itself) at lags
    /// `1..=max` (less for short windows).
    ///
    /// ```
    /// use binmap::guess::period::Spectrum;
    /// // 200 records of { id: u16, value: f32 }
    /// let mut data = Vec::new();
    /// for i in 0..200u16 {
    ///     data.extend(i.to_le_bytes());
    ///     data.extend((20.0f32 + f32::from(i % 7) * 0.37).to_le_bytes());
    /// }
    /// let s = Spectrum::of(&[&data[..]], 64);
    /// assert_eq!(s.fundamental(), Some(6));
    /// assert!(s.excess(6) > s.excess(5));
    /// ```
    pub fn of(windows: &[&[u8]], max: usize) -> Spectrum {
        let chance = collision(windows);
        let top = windows.iter().map(|w| w.len() / 2).max().unwrap_or(0).min(max);
        let mut matches = vec![0u64; top + 1];
        let mut pairs = vec![0u64; top + 1];
        for w in windows {
            for p in 1..=top.min(w.len() / 2) {
                matches[p] += count_equal(&w[..w.len() - p], &w[p..]);
                pairs[p] += (w.len() - p) as u64;
            }
        }
        let excess = (0..=top)
            .map(|p| {
                if p == 0 || pairs[p] == 0 || chance >= 1.0 {
                    return 0.0;
                }
                let rate = matches[p] as f64 / pairs[p] as f64;
                ((rate - chance) / (1.0 - chance)).max(0.0)
            })
            .collect();
        Spectrum { excess }
    }

    /// The excess at lag `p` (0 outside the measured lags).
    pub fn excess(&self, p: u64) -> f64 {
        usize::try_from(p).ok().and_then(|p| self.excess.get(p)).copied().unwrap_or(0.0)
    }

    /// The mean excess over the first multiples of `p`.
    pub fn comb(&self, p: usize) -> f64 {
        let max = self.excess.len().saturating_sub(1);
        if p == 0 || p > max {
            return 0.0;
        }
        let teeth = (max / p).clamp(1, COMB_TEETH);
        (1..=teeth).map(|k| self.excess[k * p]).sum::<f64>() / teeth as f64
    }

    /// The record size: the smallest lag whose comb comes within 10% of the
    /// best comb, among lags with at least two measured multiples; `None`
    /// when no lag stands out.
    pub fn fundamental(&self) -> Option<usize> {
        let limit = (self.excess.len().saturating_sub(1)) / 2;
        let best = (1..=limit).map(|p| self.comb(p)).fold(0.0, f64::max);
        if best < MIN_EXCESS {
            return None;
        }
        (1..=limit).find(|&p| self.comb(p) >= NEAR_BEST * best)
    }

    /// The `n` lags with the highest comb, best first, for `--explain`.
    pub fn peaks(&self, n: usize) -> Vec<(usize, f64)> {
        let limit = (self.excess.len().saturating_sub(1)) / 2;
        let mut all: Vec<(usize, f64)> = (1..=limit).map(|p| (p, self.comb(p))).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }
}

/// The excess of `region` at the one lag `p`: how strongly its bytes repeat
/// every `p` bytes (0 when the region is shorter than two periods).
///
/// ```
/// use binmap::guess::period::coherence;
/// let rec = [1u8, 2, 3, 4, 5, 6];
/// let data: Vec<u8> = rec.iter().copied().cycle().take(60).collect();
/// assert_eq!(coherence(&data, 6), 1.0);
/// assert!(coherence(&data, 5) < 0.1);
/// ```
pub fn coherence(region: &[u8], p: u64) -> f64 {
    let Ok(p) = usize::try_from(p) else { return 0.0 };
    if p == 0 || region.len() < 2 * p {
        return 0.0;
    }
    let chance = collision(&[region]);
    if chance >= 1.0 {
        return 0.0;
    }
    let rate = count_equal(&region[..region.len() - p], &region[p..]) as f64 / (region.len() - p) as f64;
    ((rate - chance) / (1.0 - chance)).max(0.0)
}

/// The probability that two bytes drawn from the sample are equal.
fn collision(windows: &[&[u8]]) -> f64 {
    let mut hist = [0u64; 256];
    for w in windows {
        for &b in *w {
            hist[usize::from(b)] += 1;
        }
    }
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 1.0;
    }
    let t = total as f64;
    hist.iter().map(|&c| (c as f64 / t).powi(2)).sum()
}

/// How many positions hold equal bytes (u8 counters per block: vectorised).
fn count_equal(a: &[u8], b: &[u8]) -> u64 {
    let mut total = 0u64;
    for (ca, cb) in a.chunks(128).zip(b.chunks(128)) {
        let mut n = 0u8;
        for (x, y) in ca.iter().zip(cb) {
            n += u8::from(x == y);
        }
        total += u64::from(n);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(n: usize, rec: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
        (0..n).flat_map(rec).collect()
    }

    #[test]
    fn tick_records_have_period_24() {
        // db.dat's dtype: S12, <i8, <f4
        let names: [&[u8]; 3] = [b"MSFT_profit\0", b"GOOG_profit\0", b"INTC_profit\0"];
        let data = records(300, |i| {
            let mut r = names[(i * 7919 + i / 5) % 3].to_vec();
            r.extend((1000 + 7 * i as i64).to_le_bytes());
            r.extend((i as f32 * 0.01 - 1.0).to_le_bytes());
            r
        });
        assert_eq!(Spectrum::of(&[&data[..]], 256).fundamental(), Some(24));
    }

    #[test]
    fn neighbours_that_differ_are_not_the_period() {
        // { t: f64 (increasing), x: f64 (about -96), y: f64 (about 39), z: f64 = 200 }
        let data = records(400, |i| {
            let v = [i as f64 * 3.3, -96.58 + i as f64 * 1e-4, 39.19 - i as f64 * 1e-4, 200.0];
            v.iter().flat_map(|x| x.to_le_bytes()).collect()
        });
        assert_eq!(Spectrum::of(&[&data[..]], 256).fundamental(), Some(32));
    }

    #[test]
    fn no_period_in_noise_or_constants() {
        let mut x = 0x9e3779b97f4a7c15u64;
        let noise: Vec<u8> = (0..20000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        assert_eq!(Spectrum::of(&[&noise[..]], 512).fundamental(), None);
        assert_eq!(Spectrum::of(&[&[0u8; 4096][..]], 512).fundamental(), None);
        assert_eq!(Spectrum::of(&[], 512).fundamental(), None);
        assert_eq!(Spectrum::of(&[&[1u8][..]], 512).fundamental(), None);
    }

    #[test]
    fn coherence_handles_short_regions() {
        assert_eq!(coherence(&[], 4), 0.0);
        assert_eq!(coherence(&[1, 2, 3], 2), 0.0);
        assert_eq!(coherence(&[1, 2, 3, 4], 0), 0.0);
    }
}
