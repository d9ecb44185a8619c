//! Axis limits and tick marks: "nice" steps (1, 2, 2.5, 5 times a power of
//! ten) and tick labels with just enough decimals to tell them apart.

/// Limits with matplotlib's default margins: 5% of the range on each side;
/// a single value gets ±0.5 (or ±5% of itself).
pub fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if hi <= lo {
        let d = if lo == 0.0 { 0.5 } else { lo.abs() * 0.05 };
        return (lo - d, hi + d);
    }
    let m = (hi - lo) * 0.05;
    (lo - m, hi + m)
}

/// Limits without margins (a single value still gets some room).
pub fn exact(lo: f64, hi: f64) -> (f64, f64) {
    if hi <= lo { padded(lo, hi) } else { (lo, hi) }
}

/// Ticks inside `lo..=hi`, about `target` of them, with their labels.
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    ticks_min(lo, hi, target, 0.0)
}

/// [`ticks`] with steps of at least `min_step` (1 for row and column numbers).
pub fn ticks_min(lo: f64, hi: f64, target: usize, min_step: f64) -> Vec<(f64, String)> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) || !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let step = if step < min_step { min_step } else { step };
    let step = if min_step >= 1.0 && step.fract() != 0.0 { step.floor() } else { step };
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let decimals = decimals(step);
    (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            (v, label(v, step, decimals))
        })
        .collect()
}

/// Decimals needed to tell ticks `step` apart.
fn decimals(step: f64) -> usize {
    let mut d = 0;
    while d < 12 {
        let scaled = step * 10f64.powi(d as i32);
        if (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0) {
            break;
        }
        d += 1;
    }
    d
}

fn label(v: f64, step: f64, decimals: usize) -> String {
    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
    if v != 0.0 && (v.abs() >= 1e7 || step < 1e-5) {
        return sci(v);
    }
    format!("{v:.decimals$}")
}

/// A number in a short label: `1665`, `0.25`, `1.5e+07`.
pub fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if v.abs() >= 1e7 || v.abs() < 1e-4 {
        return sci(v);
    }
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    // Keep at most 6 significant digits.
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    if digits > 7 { format!("{v:.4}") } else { s.to_string() }
}

fn sci(v: f64) -> String {
    let s = format!("{v:.2e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let m = m.trim_end_matches('0').trim_end_matches('.');
    let e: i32 = e.parse().unwrap_or(0);
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice() {
        let t = ticks(-0.3, 10.2, 5);
        let labels: Vec<&str> = t.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0.0", "2.5", "5.0", "7.5", "10.0"]);
        let t = ticks(-96.59, -96.56, 5);
        assert_eq!(t.first().map(|t| t.1.as_str()), Some("-96.59"));
        let t = ticks(0.0, 1665.0, 6);
        assert_eq!(t.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["0", "500", "1000", "1500"]);
        let t = ticks_min(-0.5, 4.5, 2, 1.0);
        assert_eq!(t.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["0", "2", "4"]);
        assert_eq!(short(1.5e7), "1.5e+07");
        assert_eq!(short(1665.0), "1665");
    }
}
