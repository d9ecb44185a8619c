//! "Did you mean": the known name closest to a misspelt one.
//!
//! A name is suggested when it differs only in case (`Value` → `value`) or
//! by a small edit distance (`dta` → `data`, `int33` → `int32`): at most one
//! edit for short names, two from six characters on. May call: nothing but
//! `std`.

/// The candidate closest to `name`, when one is close enough to be what was meant.
///
/// ```
/// use binmap::suggest::closest;
/// assert_eq!(closest("Value", ["name", "time", "value"]), Some("value"));
/// assert_eq!(closest("dta", ["rows", "cols", "data"]), Some("data"));
/// assert_eq!(closest("zzz", ["rows", "cols", "data"]), None);
/// ```
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if name.chars().count() >= 6 { 2 } else { 1 };
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let d = if c.eq_ignore_ascii_case(name) { 0 } else { distance(name, c) };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `"; did you mean 'value'?"`, or nothing.
pub fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates).map_or_else(String::new, |c| format!("; did you mean '{c}'?"))
}

/// Levenshtein distance with adjacent transpositions (optimal string
/// alignment), over characters.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpositions_and_limits() {
        assert_eq!(closest("vlaue", ["value"]), Some("value"));
        assert_eq!(closest("ab", ["xy"]), None);
        assert_eq!(closest("rowz", ["rows", "cols"]), Some("rows"));
        assert_eq!(hint("colz", ["cols"]), "; did you mean 'cols'?");
        assert_eq!(hint("q", ["cols"]), "");
    }
}
