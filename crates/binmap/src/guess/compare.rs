//! Several sample files at once: what stays, what grows, what differs.
//!
//! With two or more files of one format, their headers are compared field
//! by field (the structure itself is only accepted when it tiles every
//! file, in `fit`). A field with the same value in every file is a magic
//! number or a version, and becomes a `== LITERAL` check, so that the
//! layout refuses a file of another format. A field that grows with the
//! files' sizes (and is not already a size the arithmetic explains) is
//! flagged as a likely count or length. A field that differs otherwise is
//! data.

use super::{Field, Kind, Role};
use crate::decode::{Value, decode_scalar};

/// Compare `header` field by field across `files` (header offsets), and
/// note on each what the comparison shows. Nothing changes for one file.
///
/// ```
/// use binmap::guess::{compare::compare, Field, Kind, Role};
/// use binmap::layout::{Endian, Scalar, ScalarKind};
/// let i32le = Kind::Num(Scalar { kind: ScalarKind::I32, endian: Endian::Little });
/// let mut header = vec![
///     Field::new(0, Kind::Text(4), Role::Text, "text".into(), vec![]),
///     Field::new(4, i32le, Role::Value, "i32".into(), vec![]),
/// ];
/// let a = b"SENS\x02\x00\x00\x00 and some data";
/// let b = b"SENS\x02\x00\x00\x00 and more data, longer";
/// compare(&mut header, &[&a[..], &b[..]]);
/// assert_eq!(header[0].check.as_deref(), Some("\"SENS\""));
/// assert_eq!(header[1].check.as_deref(), Some("2"));
/// ```
pub fn compare(header: &mut [Field], files: &[&[u8]]) {
    let k = files.len();
    if k < 2 {
        return;
    }
    for f in header.iter_mut().filter(|f| !matches!(f.role, Role::Size(_))) {
        let values: Vec<Seen> = files.iter().map(|d| Seen::of(f, d)).collect();
        if values.contains(&Seen::Missing) {
            continue;
        }
        if values.windows(2).all(|w| w[0] == w[1]) {
            if let Some(lit) = values[0].literal() {
                f.check = Some(lit);
                f.why.push_str(&format!("; the same in all {k} files: a magic number or a version"));
                f.evidence.push(format!("{} in each of the {k} files, checked with `==`", values[0].text()));
            } else {
                f.why.push_str(&format!("; the same in all {k} files"));
            }
        } else if grows_with_size(&values, files) {
            f.why.push_str(&format!("; grows with the file's size in all {k} files: a count or a length?"));
            f.evidence.push(format!(
                "values {} for file sizes {}",
                values.iter().map(Seen::text).collect::<Vec<_>>().join(", "),
                files.iter().map(|d| d.len().to_string()).collect::<Vec<_>>().join(", ")
            ));
        } else {
            f.evidence.push(format!(
                "differs between the files ({}): data",
                values.iter().map(Seen::text).collect::<Vec<_>>().join(", ")
            ));
        }
    }
}

/// A header field's value in one file.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Int(i128),
    Float(u64, f64),
    Text(Vec<u8>),
    Missing,
}

impl Seen {
    fn of(f: &Field, data: &[u8]) -> Seen {
        let (Ok(o), Ok(n)) = (usize::try_from(f.offset), usize::try_from(f.kind.size())) else { return Seen::Missing };
        let Some(b) = o.checked_add(n).and_then(|e| data.get(o..e)) else { return Seen::Missing };
        match f.kind {
            Kind::Text(_) => Seen::Text(b[..b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1)].to_vec()),
            Kind::Num(s) => match decode_scalar(b, s) {
                Ok(v @ (Value::Int(_) | Value::UInt(_))) => v.as_int().map_or(Seen::Missing, Seen::Int),
                Ok(v) => v.as_f64().map_or(Seen::Missing, |x| Seen::Float(x.to_bits(), x)),
                Err(_) => Seen::Missing,
            },
        }
    }

    /// The `== LITERAL` text: integers, and text of printable ASCII without quotes.
    fn literal(&self) -> Option<String> {
        match self {
            Seen::Int(v) => Some(v.to_string()),
            Seen::Text(t) if !t.is_empty() && t.iter().all(|c| (0x20..0x7f).contains(c) && !b"\"\\".contains(c)) => {
                Some(format!("\"{}\"", String::from_utf8_lossy(t)))
            }
            _ => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Seen::Int(v) => v.to_string(),
            Seen::Float(_, x) => x.to_string(),
            Seen::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
            Seen::Missing => "?".into(),
        }
    }
}

/// At least three files, integers that never shrink as the files grow, and
/// are not all equal.
fn grows_with_size(values: &[Seen], files: &[&[u8]]) -> bool {
    if values.len() < 3 {
        return false;
    }
    let mut pairs: Vec<(usize, i128)> = Vec::new();
    for (v, d) in values.iter().zip(files) {
        let Seen::Int(i) = v else { return false };
        pairs.push((d.len(), *i));
    }
    pairs.sort();
    pairs.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Endian, Scalar, ScalarKind};

    fn u16be(offset: u64) -> Field {
        let kind = Kind::Num(Scalar { kind: ScalarKind::U16, endian: Endian::Big });
        Field::new(offset, kind, Role::Value, "u16".into(), vec![])
    }

    #[test]
    fn growing_fields_are_flagged() {
        let files: [&[u8]; 3] = [b"\x00\x05\x00\x01abc", b"\x00\x09\x00\x01abcdefg", b"\x00\x0c\x00\x02abcdefghijk"];
        let mut h = vec![u16be(0), u16be(2)];
        compare(&mut h, &files);
        assert!(h[0].why.contains("grows with the file's size"), "{}", h[0].why);
        assert_eq!(h[0].check, None);
        assert!(h[1].evidence.iter().any(|e| e.contains("data")));
    }

    #[test]
    fn one_file_or_missing_bytes_change_nothing() {
        let mut h = vec![u16be(0), u16be(10)];
        compare(&mut h, &[b"\x00\x01"]);
        compare(&mut h, &[b"\x00\x01", b"\x00\x01"]);
        assert_eq!(h[0].check.as_deref(), Some("1"));
        assert_eq!(h[1].check, None);
    }
}
