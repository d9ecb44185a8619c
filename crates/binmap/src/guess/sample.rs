//! Sampling: which bytes of a possibly huge file `guess` looks at.
//!
//! `guess` never reads a whole file. It looks at a bounded number of byte
//! windows spread over a range (the whole range when it is short), and at
//! records picked the same way: the first ones, then whole records from
//! windows spread to the end. On a memory map only those pages are ever
//! touched, so a 1 GB file costs about as much as a 1 MB one. This module
//! also measures the byte entropy of a sample, for the "compressed or
//! encrypted?" verdict. It knows nothing of layouts.

/// Bytes in one window of the autocorrelation sample.
pub const WINDOW: usize = 8192;

/// Windows in the autocorrelation sample (at most `WINDOW * WINDOWS` bytes).
pub const WINDOWS: usize = 32;

/// Bytes of records sampled per file for typing a record's fields.
pub const RECORD_BUDGET: u64 = 96 * 1024;

/// Windows of `data[range]`: the whole range when it holds at most
/// `WINDOW * WINDOWS` bytes, else `WINDOWS` windows of `WINDOW` bytes spread
/// evenly from its start to its end.
///
/// ```
/// use binmap::guess::sample::{windows, WINDOW, WINDOWS};
/// let data = vec![7u8; 10 * WINDOW * WINDOWS];
/// let w = windows(&data, 0..data.len());
/// assert_eq!(w.len(), WINDOWS);
/// assert!(w.iter().all(|w| w.len() == WINDOW));
/// assert_eq!(windows(&data, 5..105), vec![&data[5..105]]);
/// ```
pub fn windows(data: &[u8], range: std::ops::Range<usize>) -> Vec<&[u8]> {
    spread(data, range, WINDOWS, WINDOW)
}

/// `count` windows of `len` bytes spread evenly over `data[range]` (the
/// whole range when it holds at most `count * len` bytes).
///
/// ```
/// use binmap::guess::sample::spread;
/// let data: Vec<u8> = (0..=255).collect();
/// let w = spread(&data, 0..256, 3, 10);
/// assert_eq!(w, vec![&data[0..10], &data[123..133], &data[246..256]]);
/// assert!(spread(&data, 300..400, 3, 10).is_empty());
/// ```
pub fn spread(data: &[u8], range: std::ops::Range<usize>, count: usize, len: usize) -> Vec<&[u8]> {
    let Some(all) = data.get(range) else { return Vec::new() };
    if all.len() <= count.saturating_mul(len) || count < 2 {
        return if all.is_empty() { Vec::new() } else { vec![all] };
    }
    let last = all.len() - len;
    (0..count).map(|i| i * last / (count - 1)).filter_map(|s| all.get(s..s + len)).collect()
}

/// Consecutive records in a run of [`Records::from_end`].
const RUN: u64 = 8;

/// A sample of equally sized records, in file order, with their indices.
#[derive(Debug, Default)]
pub struct Records<'a> {
    /// Each record's index in its array (for "index" and "time" columns).
    pub index: Vec<u64>,
    /// The records' bytes.
    pub rows: Vec<&'a [u8]>,
    /// True when consecutive rows are consecutive records of one file (so
    /// that order means something).
    pub ordered: bool,
}

impl<'a> Records<'a> {
    /// Up to `budget` bytes of the `count` records of `size` bytes at `start`:
    /// all of them when they fit, else the first quarter of the budget from
    /// the start and the rest as whole records from windows spread to the end.
    ///
    /// ```
    /// use binmap::guess::sample::Records;
    /// let data: Vec<u8> = (0..100).collect();
    /// let r = Records::of(&data, 4, 8, 12, 1 << 20);
    /// assert_eq!(r.rows.len(), 12);
    /// assert_eq!(r.rows[1], &data[12..20]);
    /// let few = Records::of(&data, 4, 8, 12, 40);
    /// assert!(few.rows.len() <= 5 && few.index[0] == 0 && few.index.last() == Some(&11));
    /// ```
    pub fn of(data: &'a [u8], start: u64, size: u64, count: u64, budget: u64) -> Records<'a> {
        let mut r = Records { ordered: true, ..Records::default() };
        if size == 0 || count == 0 {
            return r;
        }
        let max = (budget / size).max(2).min(count);
        for i in pick(count, max) {
            let Some(s) = i.checked_mul(size).and_then(|o| o.checked_add(start)) else { break };
            let (Ok(s), Ok(n)) = (usize::try_from(s), usize::try_from(size)) else { break };
            if let Some(row) = s.checked_add(n).and_then(|e| data.get(s..e)) {
                r.index.push(i);
                r.rows.push(row);
            }
        }
        r
    }

    /// Up to `max` of the `count` records of `size` bytes at `start`: the
    /// first `head` of them, then records on a grid counted back from the
    /// end of the file that start at `cutoff` or later, the same records
    /// whatever `start` is (for records of one size and phase). Templates that differ only in where the
    /// records start are typed from nearly the same rows, so that their
    /// costs differ by what really differs: the first rows and the header,
    /// not the luck of the sample.
    ///
    /// ```
    /// use binmap::guess::sample::Records;
    /// let data: Vec<u8> = (0..200).collect();
    /// let a = Records::from_end(&data, 0, 10, 20, 6, 2, 50);
    /// let b = Records::from_end(&data, 30, 10, 17, 6, 2, 50);
    /// assert_eq!(a.index[..2], [0, 1]);
    /// assert_eq!(a.rows[2..], b.rows[2..]);
    /// assert!(a.index.windows(2).all(|w| w[0] < w[1]));
    /// ```
    pub fn from_end(
        data: &'a [u8],
        start: u64,
        size: u64,
        count: u64,
        max: u64,
        head: u64,
        cutoff: u64,
    ) -> Records<'a> {
        let mut r = Records { ordered: true, ..Records::default() };
        if size == 0 || count == 0 || max == 0 {
            return r;
        }
        let head = head.min(count).min(max);
        let Some(end) = count.checked_mul(size).and_then(|b| b.checked_add(start)) else { return r };
        // Runs of RUN consecutive records (for steps between neighbours),
        // their starts spread back from the end.
        let runs = ((max - head) / RUN).max(1);
        let step = ((data.len() as u64 / size) / runs).max(RUN);
        let mut from_end: Vec<u64> = (0..runs)
            .flat_map(|k| (0..RUN).map(move |j| k * step + j))
            .take_while(|&j| j < count)
            .map(|j| count - 1 - j)
            .filter(|&i| i >= head && start + i * size >= cutoff)
            .collect();
        from_end.reverse();
        for i in (0..head).chain(from_end) {
            let s = start + i * size;
            let (Ok(s), Ok(n)) = (usize::try_from(s), usize::try_from(size)) else { break };
            if s as u64 + size > end {
                break;
            }
            if let Some(row) = s.checked_add(n).and_then(|e| data.get(s..e)) {
                r.index.push(i);
                r.rows.push(row);
            }
        }
        r
    }

    /// Add `other`'s rows (another file's): order no longer spans the whole sample.
    pub fn extend(&mut self, other: Records<'a>) {
        if self.rows.is_empty() {
            *self = other;
            return;
        }
        self.ordered &= other.rows.is_empty();
        self.index.extend(other.index);
        self.rows.extend(other.rows);
    }
}

/// `max` indices out of `0..count`, increasing: a quarter from the start,
/// the rest in runs of consecutive indices spread evenly to the end.
fn pick(count: u64, max: u64) -> Vec<u64> {
    if count <= max {
        return (0..count).collect();
    }
    let head = max / 4;
    let runs = (max - head).min(8);
    if runs == 0 {
        return (0..head).collect();
    }
    let per_run = (max - head) / runs;
    let mut out: Vec<u64> = (0..head).collect();
    let span = count - head - per_run;
    for k in 0..runs {
        // `span * (k + 1)` in u128: no overflow whatever the count.
        let s = head + u64::try_from(u128::from(span) * u128::from(k + 1) / u128::from(runs)).unwrap_or(span);
        out.extend(s..s + per_run);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Shannon entropy of the bytes of `windows`, in bits per byte (0 for no bytes).
///
/// ```
/// use binmap::guess::sample::entropy;
/// assert_eq!(entropy(&[&[5u8; 100][..]]), 0.0);
/// let all: Vec<u8> = (0..=255).collect();
/// assert!((entropy(&[&all[..]]) - 8.0).abs() < 1e-9);
/// ```
pub fn entropy(windows: &[&[u8]]) -> f64 {
    let mut hist = [0u64; 256];
    for w in windows {
        for &b in *w {
            hist[usize::from(b)] += 1;
        }
    }
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let t = total as f64;
    hist.iter().filter(|&&c| c > 0).map(|&c| c as f64 / t).map(|p| -p * p.log2()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_is_increasing_and_bounded() {
        for (count, max) in [(10, 100), (1000, 64), (1_000_000_000, 4096), (7, 2), (12, 5), (9, 1)] {
            let p = pick(count, max);
            assert!(p.windows(2).all(|w| w[0] < w[1]));
            assert!(p.len() as u64 <= max);
            assert!(p.iter().all(|&i| i < count));
        }
    }

    #[test]
    fn records_never_leave_the_data() {
        let data = [1u8; 50];
        let r = Records::of(&data, 10, 8, 1000, 1 << 20);
        assert!(r.rows.iter().all(|row| row.len() == 8));
        assert_eq!(r.rows.len(), 5);
        assert!(Records::of(&data, u64::MAX, 8, 3, 100).rows.is_empty());
        assert!(Records::of(&data, 0, 0, 3, 100).rows.is_empty());
    }

    #[test]
    fn extend_marks_unordered() {
        let data = [0u8; 16];
        let mut a = Records::default();
        a.extend(Records::of(&data, 0, 4, 4, 100));
        assert!(a.ordered);
        a.extend(Records::of(&data, 0, 4, 2, 100));
        assert!(!a.ordered);
        assert_eq!(a.rows.len(), 6);
    }
}
