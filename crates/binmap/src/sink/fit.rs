//! Tables for a terminal: numbers lined up on their decimal points, and
//! columns that do not fit the width wrapped into blocks, each repeating
//! the key columns, as pandas wraps a wide DataFrame. May call:
//! [`super::table`]'s aligned writer.

use super::table::write_aligned;

/// Write `lines` (a header, then rows) as a table at most `width`
/// characters wide where it can be: the first `keys` columns are
/// left-aligned and start every block; the others are numbers, lined up on
/// their decimal point (or where it would be) and right-aligned under their
/// header. Columns go into a block while it fits; a block always holds at
/// least one of them. Blocks are separated by an empty line.
///
/// ```
/// use binmap::sink::fit::write_fitted;
/// let lines: Vec<Vec<String>> = [["name", "mean", "sum"], ["a", "1.5", "20.0"], ["bb", "-0.625", "3.0"]]
///     .iter()
///     .map(|l| l.iter().map(|s| s.to_string()).collect())
///     .collect();
/// let mut out = Vec::new();
/// write_fitted(&lines, 1, 80, &mut out);
/// assert_eq!(String::from_utf8(out).unwrap(), "name    mean   sum\na      1.5    20.0\nbb    -0.625   3.0\n");
/// let mut out = Vec::new();
/// write_fitted(&lines, 1, 12, &mut out);
/// assert_eq!(String::from_utf8(out).unwrap(), "name    mean\na      1.5\nbb    -0.625\n\nname   sum\na     20.0\nbb     3.0\n");
/// ```
pub fn write_fitted(lines: &[Vec<String>], keys: usize, width: usize, buf: &mut Vec<u8>) {
    let ncols = lines.first().map_or(0, Vec::len);
    let keys = keys.min(ncols);
    let mut cells: Vec<Vec<String>> = lines.to_vec();
    for k in keys..ncols {
        line_up_points(&mut cells, k);
    }
    let col_width = |k: usize| cells.iter().map(|l| l.get(k).map_or(0, |c| c.chars().count())).max().unwrap_or(0);
    let key_width: usize = (0..keys).map(|k| col_width(k) + 2).sum();
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    let mut used = key_width;
    for k in keys..ncols {
        let w = col_width(k) + 2;
        match blocks.last_mut() {
            Some(block) if used + w <= width + 2 => block.push(k),
            _ => {
                blocks.push(vec![k]);
                used = key_width;
            }
        }
        used += w;
    }
    if blocks.is_empty() {
        blocks.push(Vec::new());
    }
    for (b, block) in blocks.iter().enumerate() {
        if b > 0 {
            buf.push(b'\n');
        }
        let picked: Vec<usize> = (0..keys).chain(block.iter().copied()).collect();
        let part: Vec<Vec<String>> =
            cells.iter().map(|l| picked.iter().filter_map(|&k| l.get(k).cloned()).collect()).collect();
        let right: Vec<bool> = picked.iter().map(|&k| k >= keys).collect();
        write_aligned(&part, &right, buf);
    }
}

/// Pad the cells of column `k` below the header so that their decimal
/// points (or exponents, or ends, for numbers without a point) line up:
/// `1.5`, `-0.625`, `20.0` become ` 1.5  `, `-0.625`, `20.0  `.
fn line_up_points(cells: &mut [Vec<String>], k: usize) {
    let split = |c: &str| c.find(['.', 'e']).unwrap_or(c.len());
    let rows = cells.iter().skip(1).filter_map(|l| l.get(k));
    let (mut left, mut right) = (0, 0);
    for c in rows {
        let at = split(c);
        left = left.max(c[..at].chars().count());
        right = right.max(c[at..].chars().count());
    }
    for line in cells.iter_mut().skip(1) {
        if let Some(c) = line.get_mut(k) {
            let at = split(c);
            let (l, r) = (c[..at].chars().count(), c[at..].chars().count());
            *c = format!("{}{c}{}", " ".repeat(left - l), " ".repeat(right - r));
        }
    }
}
